"""Benchmark: ``thaadsim.sweep`` on 1 and 2 local workers against a plain loop over the pipeline.

Scenario: one Nodong from the Pyongyang area, the AN/TPY-2 (terminal mode) and a THAAD battery at
Seongju (as in examples/raid_seongju.toml), a raid Monte Carlo of ``--runs`` runs per case.

1. **flight sweep** — an aimpoint grid over South Korea (``threats.0.aim_lat_deg`` x
   ``threats.0.aim_lon_deg``): every case flies its own trajectory, so the sweep flies
   ``--trajectories`` missiles (default 1,000 for a quick look on a busy machine; the README
   quotes ``--trajectories 1000000``), then senses, engages and runs the Monte Carlo per case.
2. **sensing sweep** — one flight, ``--cases`` combinations of Pk, radar face and radar power:
   the trajectories are flown once and only sensing, engagement and the Monte Carlo run per case.

Each sweep runs on 1 worker (in process) and on 2 spawned local workers in the same run (the
scaling), with chunks written to a temporary ``--out`` as a user's run would. The baseline is the
loop a user would write without the sweep: for each case, change the loaded scenario and call the
single-scenario pipeline (``analysis.pipeline.run_raid_only``: fly, sense, engage, raid), timed
on ``--sample`` cases and checked to give the sweep's P(no leaker) for those cases: exactly for the
sensing sweep; for the flight sweep, which targets all its aimpoints together (the plain loop one
at a time), trajectories differ within the 50 m targeting tolerance, so the count of equal cases
is printed. The flight sweep's time is split into listing the distinct flights (one scenario check
per aimpoint) and targeting them (``TARGETING_BLOCK`` flights per ``fly_targeted`` call).
Peak memory is ``resource.getrusage`` max RSS of this process and of its largest child.

3. (``--list-flights N``) the parent's share of an N-aimpoint flight sweep: listing the distinct
   flights (time, bytes kept per flight, max RSS) and targeting the first block of them.

    python benchmarks/bench_sweep.py [--trajectories 1000] [--cases 1000] [--runs 200] [--sample 10]
                                     [--list-flights 1000000]
"""

from __future__ import annotations

import argparse
import math
import resource
import sys
import tempfile
import time
from pathlib import Path

from thaadsim.sweep.core import TARGETING_BLOCK

SCENARIO = """
[scenario]
name = "bench sweep: Nodong vs THAAD at Seongju"
seed = 1
[flight]
sample_dt_s = 2.0
[[radars]]
id = "tpy2"
radar = "tpy2-tm"
lat_deg = 36.0                 # [ref:koreatimes-seongju-2016], as in examples/raid_seongju.toml
lon_deg = 128.2
site_height_m = 680.0
face_az_deg = 330.0
[[batteries]]
id = "thaad"
interceptor = "thaad"
lat_deg = 36.0
lon_deg = 128.2
alt_m = 680.0
radar = "tpy2"
[[threats]]
missile = "nodong"
launch_lat_deg = 39.03         # Pyongyang area
launch_lon_deg = 125.75
aim_lat_deg = 35.87            # Daegu
aim_lon_deg = 128.60
[montecarlo]
runs = 200
"""

LAT = (35.0, 37.2)     # aimpoint grid over the southern half of the peninsula
LON = (126.8, 129.2)


def _grid(n_points: int, field: str = "threats.0.aim_") -> list[str]:
    side = max(1, int(math.isqrt(n_points)))
    rest = max(1, n_points // side)
    return [f"{field}lat_deg={LAT[0]}:{LAT[1]}:{side}", f"{field}lon_deg={LON[0]}:{LON[1]}:{rest}"]


def _raid_scenario(threats: int) -> str:
    """SCENARIO with ``threats`` Nodongs from launch points spread along the DPRK, all aimed at one
    asset: moving the asset (``assets.0.lat_deg`` x ``assets.0.lon_deg``) moves every trajectory, so
    each case flies ``threats`` missiles of its own (a raid per case, as analysts sweep them)."""
    head = SCENARIO.split("[[threats]]")[0]
    lines = [head, "[[assets]]", 'name = "target"', "lat_deg = 35.87", "lon_deg = 128.60", ""]
    for i in range(threats):
        f = i / max(threats - 1, 1)
        lines += ["[[threats]]", 'missile = "nodong"', f"launch_lat_deg = {38.6 + 1.8 * f:.4f}",
                  f"launch_lon_deg = {125.2 + 2.0 * (i % 5) / 4:.4f}", 'aimpoint = "target"',
                  f"launch_time_s = {5.0 * i:.1f}", ""]
    lines += ["[montecarlo]", "runs = 200", ""]
    return "\n".join(lines)


def _sensing(n_cases: int) -> list[str]:
    pk = max(1, round(n_cases ** (1 / 3)))
    face = max(1, round((n_cases / pk) ** 0.5))
    power = max(1, n_cases // (pk * face))
    return [f"batteries.0.pk=0.5:0.95:{pk}", f"radars.0.face_az_deg=300:350:{face}",
            f"radars.0.average_power_kw=20:160:{power}"]


def _maxrss_mb(who) -> float:
    return resource.getrusage(who).ru_maxrss / 1024.0     # kB on Linux


def _timed_sweep(path, vary, workers, runs, out):
    from thaadsim.sweep.core import run_sweep

    stamps = []
    t = time.perf_counter()
    ds, st = run_sweep(path, vary, workers=workers, runs=runs, out=out, plot=False,
                       progress=lambda done, total: stamps.append((time.perf_counter(), done)))
    dt = time.perf_counter() - t
    # steady state: from the first finished chunk to the last (leaves out worker start-up)
    (t1, d1), (t2, d2) = stamps[1], stamps[-1]
    steady = (d2 - d1) / (t2 - t1) if len(stamps) > 2 and t2 > t1 else float("nan")
    return ds, st, dt, t1 - t, steady


def _baseline(path, ds, runs, sample):
    """The plain loop: per case, change the loaded scenario and run the single-scenario pipeline."""
    import numpy as np

    from thaadsim.analysis.pipeline import run_raid_only
    from thaadsim.io.scenario_outputs import load_run_scenario
    from thaadsim.sweep.spec import parse_vary

    spec = parse_vary(ds.attrs["vary_items"].split("\n"))
    cases = np.linspace(0, spec.n_cases - 1, min(sample, spec.n_cases)).round().astype(int)
    scn = load_run_scenario(path)
    scn.montecarlo.runs = runs
    got = []
    t = time.perf_counter()
    for case in cases:
        for field, value in spec.overrides(int(case)).items():
            sec, *rest = field.split(".")
            obj = getattr(scn, sec)
            for part in rest[:-1]:
                obj = obj[int(part)] if part.isdigit() else getattr(obj, part)
            setattr(obj, rest[-1], value)
        got.append(run_raid_only(scn.to_plan()).summary()["p_no_leaker"])
    dt = time.perf_counter() - t
    want = ds.p_no_leaker.values.reshape(-1)[cases]
    return len(cases) / dt, (int(np.sum(np.asarray(got) == want)), len(cases))


def _part(title, path, vary, runs, sample, workers_list, tmp):
    print(f"\n{title}")
    rates = {}
    ds = None
    for w in workers_list:
        ds, st, dt, first, steady = _timed_sweep(path, vary, w, runs, Path(tmp) / f"{title[:1]}_w{w}")
        ds.attrs["vary_items"] = "\n".join(vary)
        rates[w] = st.n_cases / dt
        print(f"  sweep, {w} worker{'s' if w > 1 else ' '}: {st.n_cases:>9,} cases, {st.flights_flown:>9,} flown, "
              f"{dt:8.1f} s  {st.n_cases / dt:9.1f} cases/s  {st.trajectories / dt:9.1f} trajectories/s  "
              f"{st.flights_flown / dt:8.1f} flown/s  (first chunk after {first:.1f} s; then "
              f"{steady:.1f} cases/s)")
        print(f"    of which: listing the distinct flights {st.listing_s:.1f} s, targeting them "
              f"({st.targeting_blocks} block{'s' if st.targeting_blocks != 1 else ''} of <= "
              f"{TARGETING_BLOCK:,}) {st.targeting_s:.1f} s")
    base_rate, same = _baseline(path, ds, runs, sample)
    print(f"  plain loop (run_raid_only per case, {sample} sampled cases): {base_rate:9.2f} cases/s; "
          f"same P(no leaker) as the sweep in {same[0]} of {same[1]} cases")
    for w in workers_list:
        print(f"  ratio sweep ({w} worker{'s' if w > 1 else ''}) / plain loop: {rates[w] / base_rate:8.1f}x")
    if len(workers_list) > 1:
        print(f"  scaling {workers_list[0]} -> {workers_list[-1]} workers: "
              f"{rates[workers_list[-1]] / rates[workers_list[0]]:.2f}x")
    return same


def _listing(path, n_points):
    """The parent's share of a big flight sweep: list ``n_points`` aimpoints' distinct flights, then
    target the first block in this process (what a sweep does before handing out chunks)."""
    import tomllib

    from thaadsim.io.scenario_outputs import RunScenario
    from thaadsim.sweep.core import _spec_from, flight_table, layout, target_block

    data = tomllib.loads(Path(path).read_text())
    spec = _spec_from(_grid(n_points))
    lay = layout(spec, 64)
    rss0 = _maxrss_mb(resource.RUSAGE_SELF)
    t = time.perf_counter()
    table = flight_table(spec, lay, data, "bench_sweep.toml", RunScenario)
    dt = time.perf_counter() - t
    rss1 = _maxrss_mb(resource.RUSAGE_SELF)
    kept = sum(getattr(table, f).nbytes for f in ("group_rows", "first_case", "setting", "missile", "where",
                                                  "shape", "apogee_km", "params"))
    print(f"\n3. the parent's share of a {spec.n_cases:,}-aimpoint flight sweep")
    print(f"  listing {len(table):,} distinct flights: {dt:.1f} s ({dt / len(table) * 1e6:.0f} us each); the "
          f"table keeps {kept / 1e6:.1f} MB ({kept / len(table):.0f} B per flight); max RSS {rss0:.0f} -> "
          f"{rss1:.0f} MB while listing")
    first = table.blocks()[0]
    t = time.perf_counter()
    res = target_block(table.block_task(first))
    dt = time.perf_counter() - t
    print(f"  targeting one block of {first.size:,} (summary only, this process): {dt:.1f} s, "
          f"{first.size / dt:,.0f} flights/s, all hit: {bool(res['ok'].all())}; "
          f"{len(table.blocks())} blocks in all")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trajectories", type=int, default=1_000, help="missiles the flight sweep flies (README: 1e6)")
    ap.add_argument("--cases", type=int, default=1_000, help="cases of the sensing sweep")
    ap.add_argument("--runs", type=int, default=200, help="Monte Carlo runs per case")
    ap.add_argument("--sample", type=int, default=10, help="cases the plain loop runs")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--threats-per-case", type=int, default=1,
                    help="missiles per case in the flight sweep: a raid aimed at one asset whose position is "
                         "varied (1: one missile whose aimpoint is varied)")
    ap.add_argument("--skip-sensing", action="store_true", help="run the flight sweep only")
    ap.add_argument("--list-flights", type=int, default=0,
                    help="also time listing this many aimpoints and targeting their first block (e.g. 1000000)")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench_sweep.toml"
        path.write_text(SCENARIO)
        from thaadsim.sweep.core import run_sweep

        t = time.perf_counter()   # warm: compiled kernels, shape and reach tables (cached on disk)
        run_sweep(path, ["batteries.0.pk=0.5"], workers=1, runs=10, plot=False)
        print(f"warm-up (kernels, tables) {time.perf_counter() - t:.1f} s; shared 2-core machine: "
              "figures are indicative")
        k = max(1, args.threats_per_case)
        if k == 1:
            flight = _part(f"1. flight sweep: aimpoint grid, {args.trajectories:,} trajectories flown, "
                           f"{args.runs} Monte Carlo runs per case", path, _grid(args.trajectories), args.runs,
                           args.sample, args.workers, tmp)
        else:
            raid = Path(tmp) / "bench_sweep_raid.toml"
            raid.write_text(_raid_scenario(k))
            flight = _part(f"1. flight sweep: a {k}-missile raid per case on an asset moved over a grid, "
                           f"{args.trajectories:,} trajectories flown, {args.runs} Monte Carlo runs per case",
                           raid, _grid(args.trajectories // k, "assets.0."), args.runs, args.sample,
                           args.workers, tmp)
        sensing = (0, 0) if args.skip_sensing else _part(
            f"2. sensing sweep: one flight, ~{args.cases:,} cases of Pk x face x power, {args.runs} runs per case",
            path, _sensing(args.cases), args.runs, args.sample, args.workers, tmp)
        if args.list_flights:
            _listing(path, args.list_flights)
    print(f"\npeak memory: this process {_maxrss_mb(resource.RUSAGE_SELF):.0f} MB, "
          f"largest child {_maxrss_mb(resource.RUSAGE_CHILDREN):.0f} MB")
    # the sensing sweep flies what a single run flies, so it must agree exactly; the flight sweep
    # targets all its aimpoints in one call (solved from interpolated neighbours) while the plain
    # loop targets each alone, so its trajectories differ within the 50 m targeting tolerance and a
    # discrete figure may move by one sample step in a few cases
    print(f"flight sweep agrees with the plain loop in {flight[0]} of {flight[1]} sampled cases "
          f"(targeting tolerance); sensing sweep in {sensing[0]} of {sensing[1]} (must be all)")
    return 0 if sensing[0] == sensing[1] else 1


if __name__ == "__main__":
    sys.exit(main())
