"""Layered raid Monte Carlo: the cost of the cross-layer battle manager.

Flies ``--threats`` short-range threats (two-body kinematic flights, 2.8-3.2 km/s at 40 deg, about
900 km) and defends them with three layers near their impact points (an upper THAAD battery, a
second THAAD and a PAC-3 MSE battery, 48 / 48 / 16 rounds), then times
``thaadsim.defense.raid.simulate_raid``:

1. chunked (``chunk_runs=2000``, the default), all layers;
2. the plain alternative: one run at a time (``chunk_runs=1``) on the first ``--runs1`` runs, whose
   leakers and interceptors must agree run by run with (1) (same seed, same answer);
3. each layer alone (what a layered figure is compared with), to show what layering costs in time.

Prints runs/s, the ratio chunked / one at a time and the peak traced memory (tracemalloc, in a
separate untimed run) of (1).
The windows (engagement geometry) are computed once, outside the timings.

    PYTHONPATH=src python benchmarks/bench_raid_layers.py --threats 20 --runs 10000
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threats", type=int, default=20)
    ap.add_argument("--runs", type=int, default=10000)
    ap.add_argument("--runs1", type=int, default=200, help="runs of the one-at-a-time baseline")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    from thaadsim.defense.battery import make_battery
    from thaadsim.defense.engagement import engagement_windows
    from thaadsim.defense.raid import Doctrine, simulate_raid
    from thaadsim.flight import fly_kinematic

    n = args.threats
    speeds = np.linspace(2.8, 3.2, n)
    raid = fly_kinematic(speeds, 40.0, 150.0, 39.0, 125.7, sample_dt_s=1.0)
    lat, lon = float(raid.impact_lat_deg[n // 2]), float(raid.impact_lon_deg[n // 2])
    bats = [make_battery("thaad", lat + 0.4, lon, id="thaad-upper", layer=0, launchers=6, interceptors_per_launcher=8),
            make_battery("thaad", lat - 0.2, lon + 0.2, id="thaad-2", layer=1, launchers=6,
                         interceptors_per_launcher=8),
            make_battery("pac3-mse", lat, lon, id="pac3", layer=2, launchers=4, interceptors_per_launcher=4)]
    launch = np.arange(n) * 10.0
    det = np.full((n, len(bats)), 100.0)
    win = engagement_windows(raid, bats, detect_s=det)
    kw = dict(launch_time_s=launch, seed=args.seed, log_run=None, doctrine=Doctrine())
    simulate_raid(raid, bats, runs=10, windows=win, **kw)           # warm up

    t0 = time.perf_counter()
    rr = simulate_raid(raid, bats, runs=args.runs, windows=win, **kw)
    t_all = time.perf_counter() - t0
    tracemalloc.start()             # a second, untimed run: tracing slows every numpy allocation
    simulate_raid(raid, bats, runs=args.runs, windows=win, **kw)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    t0 = time.perf_counter()
    r1 = simulate_raid(raid, bats, runs=args.runs1, chunk_runs=1, windows=win, **kw)
    t_one = time.perf_counter() - t0
    same = bool(np.array_equal(rr.leakers[:args.runs1], r1.leakers)
                and np.array_equal(rr.expended[:args.runs1], r1.expended))
    alone = []
    for m, b in enumerate(bats):
        from thaadsim.defense.engagement import engagement_windows as ew

        w1 = ew(raid, [b], detect_s=det[:, [m]])
        t0 = time.perf_counter()
        ra = simulate_raid(raid, [b], runs=args.runs, windows=w1, **kw)
        alone.append((b.id, time.perf_counter() - t0, float(ra.leakers.mean())))
    print(f"layered raid: {n} threats x {len(bats)} batteries, {args.runs:,} runs, seed {args.seed}")
    print(f"  all layers, chunk_runs=2000   {t_all:8.2f} s  {args.runs / t_all:10,.0f} runs/s  "
          f"peak traced memory {peak / 2**20:7.1f} MiB  (expected leakers {rr.leakers.mean():.3f})")
    print(f"  all layers, one run at a time {t_one:8.2f} s  {args.runs1 / t_one:10,.0f} runs/s  ({args.runs1} runs)")
    print(f"  ratio chunked / one at a time: {(args.runs / t_all) / (args.runs1 / t_one):,.0f}x;  "
          f"leakers and interceptors per run agree: {'OK' if same else 'FAILED'}")
    for bid, t, lk in alone:
        print(f"  {bid:<12} alone             {t:8.2f} s  {args.runs / t:10,.0f} runs/s  (expected leakers {lk:.3f})")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
