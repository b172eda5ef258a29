"""Benchmark: peak memory of the raid Monte Carlo against runs, threats and inventory (issue 11).

Issue 11 asks for the peak memory at 10,000 threats x 100,000 runs. The raid used to keep, per run
and threat, whether it was killed and how many shots it drew (~26 bytes a (run x threat) cell at
peak with its summary's temporaries), so that size (~26 GB) was refused by the scenario schema.
It now reduces every chunk of runs to per-run totals (16 bytes a run) and per-threat, battery and
asset sums, so its memory is one chunk's working arrays plus what the threats themselves need,
whatever the run count. This benchmark shows it:

1. **runs, at 10,000 threats.** The raid (a scenario of ``[[threats]]`` entries with ``count``
   from three launch areas to Busan and Daegu, one THAAD battery 6 x 8) at two or more run counts,
   each in its own process (a fresh peak RSS): flights, detections and engagement windows first,
   then ``raid_result`` and its summary, timed. Printed against the baseline "keep everything":
   the per-(run x threat) outcomes the raid hands to ``on_chunk`` (summed over the chunks in the
   same run: what keeping them would hold) and the old ~26 bytes a cell. The full 10,000 x
   100,000 is not run by default (``--runs 100000`` runs it): the raid's event loop walks every
   decision slot of every (threat, battery) pair in Python once per chunk, about 40 s a chunk of
   1,577 runs at 10,000 threats, so it takes about 40 minutes (measured once: peak RSS 1,863 MB,
   2,502 s; README); by default its time is projected from the measured time per chunk.
2. **runs, at few threats.** The same at 600 threats for 1,000 to 100,000 runs: a 100x range of
   runs at the same peak.
3. **inventory.** 84,000 interceptor rounds (four batteries of (64 launchers + 100 reload loads)
   x 128), 6 threats, 2,000 runs: peak traced memory with the chunk size ``to_plan`` chooses
   (``raid_chunk_runs``, a 1 GiB budget) against the plain alternative, the fixed 2,000 runs a
   chunk it replaced. Both give the same results (checked).

Figures depend on the machine; they were taken on a shared, busy 2-core machine.

    python benchmarks/bench_raid_memory.py [--quick] [--threats 10000] [--runs 200,1000]
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
    entries = -(-per // 1000)              # a [[threats]] entry holds at most 1,000 missiles
    threats = [{"missile": m, "launch_area": a[0], "aimpoint": "Busan" if m == "nodong" else "Daegu",
                "count": per // entries, "launch_time_s": e * 80_000.0 / entries,
                "launch_interval_s": min(3600.0, 80_000.0 / per)}
               for a in AREAS for m in ("scud-c", "nodong") for e in range(entries)]
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


def _rss_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (peak so far) of this process, MB (Linux)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024 / 1e6
    return float("nan")


def _reset_peak_rss() -> None:
    """Reset this process's peak RSS (VmHWM) to its current RSS: Linux's ``clear_refs`` value 5
    (proc(5)); without it the peak would be the flights', not the raid's."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def one_case(n_threats: int, runs: int, big_inventory: bool, fixed_chunk: int | None, traced: bool = True) -> dict:
    """Run one raid in this process: its time, peak RSS (and peak traced memory if ``traced``)."""
    import dataclasses
    import hashlib
    import tracemalloc

    import numpy as np

    from thaadsim.analysis.detections import run_detections
    from thaadsim.analysis.pipeline import engage, fly_threats, raid_result, threat_rcs_m2
    from thaadsim.io.scenario import scenario_from_dict
    from thaadsim.io.scenario_outputs import RunScenario

    scn = scenario_from_dict(scenario_data(n_threats, runs, big_inventory), "memory", RunScenario)
    plan = scn.to_plan()
    if fixed_chunk is not None:
        plan = dataclasses.replace(plan, chunk_runs=fixed_chunk)
    n = len(plan.threats)
    t0 = time.perf_counter()
    batch = fly_threats(plan)
    rcs = threat_rcs_m2(plan, batch)
    windows = engage(batch, plan.batteries, run_detections(batch, plan.radars, rcs_m2=rcs), rcs)
    setup_s = time.perf_counter() - t0
    rss_setup = _rss_mb("VmRSS")
    peak_setup = _rss_mb("VmHWM")
    _reset_peak_rss()                   # from here VmHWM is the raid's own peak (flights peak higher)
    kept = {"bytes": 0, "chunks": 0}

    def keep_nothing(start, arrays):    # what "keep everything" would have held, measured
        kept["bytes"] += sum(a.nbytes for a in arrays.values())
        kept["chunks"] += 1

    if traced:
        tracemalloc.start()
    t0 = time.perf_counter()
    res = raid_result(batch, plan.batteries, windows, plan, on_chunk=keep_nothing)
    summary = res.summary()
    seconds = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    if traced:
        tracemalloc.stop()
    digest = hashlib.sha256(res.leakers.tobytes() + res.expended.tobytes() + res.threat_kills.tobytes()
                            + res.threat_shots.total_sq.tobytes()).hexdigest()[:16]
    result_bytes = sum(np.asarray(v).nbytes for v in (res.leakers, res.expended, res.value_lost))
    return {"threats": n, "runs": runs, "chunk_runs": plan.chunk_runs, "chunks": kept["chunks"],
            "peak_traced_mb": peak / 1e6, "rss_after_setup_mb": rss_setup, "peak_rss_setup_mb": peak_setup,
            "peak_rss_mb": _rss_mb("VmHWM"),
            "setup_s": setup_s, "seconds": seconds, "kept_mb": kept["bytes"] / 1e6,
            "per_run_result_mb": result_bytes / 1e6, "p_no_leaker": summary["p_no_leaker"], "digest": digest}


def in_subprocess(n_threats, runs, big=False, fixed_chunk=None, traced=True) -> dict:
    cmd = [sys.executable, __file__, "--case", json.dumps([n_threats, runs, big, fixed_chunk, traced])]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


OLD_BYTES_PER_CELL = 26    # the old RaidResult and its summary, per (run x threat), at peak (measured before)


def _runs_rows(n_threats, runs_list, label):
    rows = []
    for runs in runs_list:
        r = in_subprocess(n_threats, runs, traced=False)
        old = OLD_BYTES_PER_CELL * r["threats"] * r["runs"] / 1e6
        print(f"   {r['threats']:>6,} threats x {r['runs']:>7,} runs ({r['chunks']:>3} chunks of {r['chunk_runs']:>5,}): "
              f"raid peak RSS {r['peak_rss_mb']:6,.0f} MB (process {r['rss_after_setup_mb']:6,.0f} MB after "
              f"flights and windows, which peaked at {r['peak_rss_setup_mb']:6,.0f} MB), raid {r['seconds']:6.1f} s; "
              f"keep-everything {r['kept_mb']:8,.1f} MB handed out (old ~26 B/cell: {old:8,.0f} MB); "
              f"per-run totals kept {r['per_run_result_mb']:.2f} MB")
        rows.append(r)
    lo, hi = rows[0], rows[-1]
    print(f"   {label}: runs x{hi['runs'] / lo['runs']:,.0f} -> raid peak RSS x{hi['peak_rss_mb'] / lo['peak_rss_mb']:.2f} "
          f"({hi['peak_rss_mb'] - lo['peak_rss_mb']:+,.0f} MB); keep-everything would grow "
          f"{hi['kept_mb'] - lo['kept_mb']:+,.0f} MB (handed out), {OLD_BYTES_PER_CELL * (hi['threats'] * hi['runs'] - lo['threats'] * lo['runs']) / 1e6:+,.0f} MB (old)")
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer and smaller cases")
    ap.add_argument("--threats", type=int, default=10_000, help="threats of part 1 (default 10,000)")
    ap.add_argument("--runs", default="200,1000", help="run counts of part 1, comma-separated")
    ap.add_argument("--few-threats", type=int, default=600, help="threats of part 2 (default 600)")
    ap.add_argument("--few-runs", default="1000,10000,100000", help="run counts of part 2")
    ap.add_argument("--case", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.case:
        print(json.dumps(one_case(*json.loads(args.case))))
        return
    if args.quick:
        args.threats, args.runs, args.few_runs = 1200, "200,1000", "1000,10000"

    print(f"1. raid peak memory against runs at {args.threats:,} threats (one THAAD battery 6 x 8; each case its "
          "own process)")
    rows = _runs_rows(args.threats, [int(x) for x in args.runs.split(",")], "memory against runs")
    hi = rows[-1]
    per_chunk = hi["seconds"] / hi["chunks"]
    chunks = -(-100_000 // hi["chunk_runs"])
    print(f"   {args.threats:,} threats x 100,000 runs, projected: peak RSS ~{hi['peak_rss_mb']:,.0f} MB (flat in runs, "
          f"above), against {OLD_BYTES_PER_CELL * args.threats * 100_000 / 1e9:,.1f} GB for keep-everything "
          f"({OLD_BYTES_PER_CELL * args.threats * 100_000 / 1e6 / hi['peak_rss_mb']:,.0f}x); time {chunks} chunks x "
          f"{per_chunk:.0f} s = {chunks * per_chunk / 3600:.1f} h (the Python event loop, once per chunk)")
    print(f"2. raid peak memory against runs at {args.few_threats:,} threats")
    _runs_rows(args.few_threats, [int(x) for x in args.few_runs.split(",")], "memory against runs")

    print("3. raid peak memory against inventory: 84,000 rounds, 6 threats, 2,000 runs")
    chosen = in_subprocess(6, 2000, True)
    plain = in_subprocess(6, 2000, True, 2000)
    assert chosen["digest"] == plain["digest"], "the chunk size changed the per-run results"
    print(f"   to_plan's chunk ({chosen['chunk_runs']} runs): peak {chosen['peak_traced_mb']:7.1f} MB traced, "
          f"{chosen['seconds']:.1f} s")
    print(f"   fixed chunk of 2,000 runs (before):  peak {plain['peak_traced_mb']:7.1f} MB traced, {plain['seconds']:.1f} s")
    print(f"   ratio: {plain['peak_traced_mb'] / chosen['peak_traced_mb']:.1f}x less memory, same per-run results")


if __name__ == "__main__":
    main()
