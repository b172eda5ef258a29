"""Benchmark: peak memory of the raid Monte Carlo against threats, runs and inventory (issue 11).

Issue 11 asks for the peak memory at 10,000 threats x 100,000 runs. That size is refused by the
scenario schema before any work (runs x threats <= 1e8, ``MAX_RUN_THREAT_CELLS``): the raid keeps
per run and threat whether it was killed and how many shots it drew, so its results alone grow as
runs x threats. This benchmark measures what the bound rests on, and what the chunking buys:

1. **threats and runs.** The raid (``thaadsim.analysis.pipeline.run_raid_only`` on a scenario
   built from ``[[threats]]`` entries with ``count``; six distinct flights, flown and cached before
   measuring) at 1 run for 60 and 600 threats (the per-threat cost: each threat's trajectory, geometry)
   and at two run counts for 6 threats; peak traced memory (numpy reports its buffers to
   :mod:`tracemalloc`) of the raid call and summary. The differences give bytes per threat and per
   (run x threat) (their sum is an upper bound: the two parts need not peak together); the peak at 10,000 x 100,000, and at the largest size the schema allows for
   10,000 threats (10,000 runs), is projected from them, not run: the raid's event loop steps
   through every threat's decision slots in Python per chunk of runs (6,000 threats x 50 runs took
   67 s here), so 10,000 x 100,000 would take days, besides the memory.
2. **inventory.** 84,000 interceptor rounds (four batteries of (64 launchers + 100 reload loads)
   x 128), 6 threats, 2,000 runs: peak with the chunk size ``to_plan`` chooses
   (``raid_chunk_runs``, a 128 MB budget) against the plain alternative, the fixed 2,000 runs a
   chunk it replaced. Both give the same per-run results (checked).

Every case runs in its own process (a fresh peak). Figures depend on the machine; they were taken
on a shared, busy 2-core machine.

    python benchmarks/bench_raid_memory.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

AREAS = [("Wonsan", 39.15, 127.44), ("Pyongyang", 39.03, 125.75), ("Sinpo", 40.03, 128.18)]


def scenario_data(n_threats: int, runs: int, big_inventory: bool = False) -> dict:
    """A raid toward Busan and Daegu from three launch areas (city-level points), ``n_threats``
    missiles spread over the day (``count`` entries: six distinct flights)."""
    per = max(1, n_threats // 6)
    threats = [{"missile": m, "launch_area": a[0], "aimpoint": "Busan" if m == "nodong" else "Daegu",
                "count": per, "launch_interval_s": min(3600.0, 80_000.0 / per)}
               for a in AREAS for m in ("scud-c", "nodong")]
    site = {"interceptor": "thaad", "lat_deg": 36.0, "lon_deg": 128.2, "radar": "r"}
    if big_inventory:
        batteries = [dict(site, id=f"thaad{i}", launchers=64, interceptors_per_launcher=128, reload_loads=100)
                     for i in range(4)]
    else:
        batteries = [dict(site, id="thaad", launchers=6, interceptors_per_launcher=8)]
    return {"scenario": {"name": "memory", "seed": 1},
            "radars": [{"id": "r", "radar": "tpy2-tm", "lat_deg": 36.0, "lon_deg": 128.2, "face_az_deg": 330.0}],
            "batteries": batteries,
            "assets": [{"name": "Busan", "lat_deg": 35.18, "lon_deg": 129.08},
                       {"name": "Daegu", "lat_deg": 35.87, "lon_deg": 128.6}],
            "launch_areas": [{"name": a[0], "lat_deg": a[1], "lon_deg": a[2]} for a in AREAS],
            "threats": threats, "montecarlo": {"runs": runs}}


def one_case(n_threats: int, runs: int, big_inventory: bool, fixed_chunk: int | None) -> dict:
    """Run one raid in this process; its peak traced memory (and the process's peak RSS)."""
    import dataclasses
    import hashlib
    import resource
    import tracemalloc

    from thaadsim.analysis.pipeline import run_raid_only
    from thaadsim.io.scenario import scenario_from_dict
    from thaadsim.io.scenario_outputs import RunScenario

    scn = scenario_from_dict(scenario_data(n_threats, runs, big_inventory), "memory", RunScenario)
    plan = scn.to_plan()
    if fixed_chunk is not None:
        plan = dataclasses.replace(plan, chunk_runs=fixed_chunk)
    n = len(plan.threats)
    run_raid_only(dataclasses.replace(plan, trials=1))       # compile, fly and cache before measuring
    tracemalloc.start()
    t0 = time.perf_counter()
    res = run_raid_only(plan)
    summary = res.summary()
    seconds = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    digest = hashlib.sha256(res.leakers.tobytes() + res.shots_at.tobytes()).hexdigest()[:16]
    return {"threats": n, "runs": runs, "chunk_runs": plan.chunk_runs, "peak_traced_mb": peak / 1e6,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3, "seconds": seconds,
            "p_no_leaker": summary["p_no_leaker"], "digest": digest}


def in_subprocess(n_threats, runs, big=False, fixed_chunk=None) -> dict:
    cmd = [sys.executable, __file__, "--case", json.dumps([n_threats, runs, big, fixed_chunk])]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller products (about a third of the time)")
    ap.add_argument("--case", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.case:
        print(json.dumps(one_case(*json.loads(args.case))))
        return

    import numpy as np

    from thaadsim.io.scenario import MAX_RUN_THREAT_CELLS

    product = 400_000 if args.quick else 1_200_000
    print("1. raid peak memory against threats and runs (one THAAD battery 6 x 8; each case its own process)")
    per_threat_rows = [in_subprocess(n, 1) for n in (60, 600)]
    for r in per_threat_rows:
        print(f"   {r['threats']:>6,} threats x       1 run : peak {r['peak_traced_mb']:8.1f} MB traced "
              f"(RSS {r['peak_rss_mb']:6.0f} MB)")
    a, b = per_threat_rows
    per_threat = (b["peak_traced_mb"] - a["peak_traced_mb"]) * 1e6 / (b["threats"] - a["threats"])
    print(f"   per threat, independent of runs (its own sampled trajectory and engagement geometry): "
          f"{per_threat / 1e3:,.0f} kB")
    # 6 threats: the per-threat part (~1 MB) is small beside the per-run results, so the slope
    # between two run counts is the cost of a (run x threat) result
    rows = [in_subprocess(6, runs) for runs in ((product // 6, 4 * product // 6))]
    for r in rows:
        print(f"   {r['threats']:>6,} threats x {r['runs']:>7,} runs = {r['threats'] * r['runs']:>9,} cells: peak "
              f"{r['peak_traced_mb']:7.1f} MB traced (RSS {r['peak_rss_mb']:6.0f} MB), {r['seconds']:5.1f} s")
    lo, hi = rows
    per_cell = (hi["peak_traced_mb"] - lo["peak_traced_mb"]) * 1e6 / (6 * (hi["runs"] - lo["runs"]))
    print(f"   slope: {per_cell:.1f} bytes per (run x threat) of per-run results")
    for n, runs in ((10_000, 100_000), (10_000, MAX_RUN_THREAT_CELLS // 10_000)):
        verdict = ("refused by the schema before any work" if n * runs > MAX_RUN_THREAT_CELLS else
                   "the largest the schema allows for 10,000 threats")
        total = per_threat * n + per_cell * n * runs    # an upper bound: the two parts need not peak together
        print(f"   projected {n:,} threats x {runs:,} runs: at most {total / 1e9:5.1f} GB = {per_threat * n / 1e9:.1f} GB "
              f"per threat + {per_cell * n * runs / 1e9:.1f} GB of per-run results ({verdict})")

    print("2. raid peak memory against inventory: 84,000 rounds, 6 threats, 2,000 runs")
    chosen = in_subprocess(6, 2000, True)
    plain = in_subprocess(6, 2000, True, 2000)
    assert chosen["digest"] == plain["digest"], "the chunk size changed the per-run results"
    print(f"   to_plan's chunk ({chosen['chunk_runs']} runs): peak {chosen['peak_traced_mb']:7.1f} MB traced, "
          f"{chosen['seconds']:.1f} s")
    print(f"   fixed chunk of 2,000 runs (before):  peak {plain['peak_traced_mb']:7.1f} MB traced, {plain['seconds']:.1f} s")
    print(f"   ratio: {plain['peak_traced_mb'] / chosen['peak_traced_mb']:.1f}x less memory, same per-run results")


if __name__ == "__main__":
    main()
