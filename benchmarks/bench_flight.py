"""Benchmark: the batch flight engine against scipy's solve_ivp(DOP853) on the same physics.

Flies N targeted ICBM trajectories (Hwasong-15 from a North Korean launch area to points spread
over the continental US; rotating WGS84 Earth, J2, the 1976 atmosphere, drag) with the batch
engine, then flies a sample of the same trajectories one at a time with
``thaadsim.flight.reference.fly_one_reference`` (solve_ivp, DOP853, same equations written
independently). Prints trajectories per second for each, their ratio, and the largest distance
between the two impact points. Both baselines are measured in the same run.

    python benchmarks/bench_flight.py [--n 10000] [--sample 20]
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--sample", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)

    from thaadsim.earth.constants import earth_model
    from thaadsim.earth.frames import geodetic_to_ecef
    from thaadsim.flight import fly_kinematic, fly_powered, fly_targeted, load_missile

    rng = np.random.default_rng(args.seed)
    n = args.n
    lat1 = rng.uniform(30.0, 45.0, n)
    lon1 = rng.uniform(-122.0, -75.0, n)
    m = load_missile("hwasong-15")
    model = earth_model("wgs84")

    # warm up: compile (or load cached) kernels and the shape table
    fly_kinematic(7.0, 20.0, 45.0, 0.0, 0.0, sample_dt_s=None)
    fly_targeted(m, 39.0, 125.7, lat1[:2], lon1[:2], sample_dt_s=None)

    t0 = time.perf_counter()
    tb = fly_targeted(m, 39.0, 125.7, lat1, lon1, sample_dt_s=None)
    t_target = time.perf_counter() - t0

    t0 = time.perf_counter()
    fb = fly_powered([m], np.zeros(n, int), 39.0, 125.7, tb.launch_azimuth_deg, tb.kick_deg, tb.cutoff_s,
                     sample_dt_s=None)
    t_fly = time.perf_counter() - t0

    t0 = time.perf_counter()
    sb = fly_powered([m], np.zeros(n, int), 39.0, 125.7, tb.launch_azimuth_deg, tb.kick_deg, tb.cutoff_s,
                     sample_dt_s=5.0)
    t_fly_samples = time.perf_counter() - t0

    from thaadsim.flight.reference import fly_one_reference

    idx = rng.choice(n, size=min(args.sample, n), replace=False)
    t0 = time.perf_counter()
    ref_pts = []
    for i in idx:
        _, r_imp, _ = fly_one_reference(m, 39.0, 125.7, tb.launch_azimuth_deg[i], tb.kick_deg[i],
                                        tb.cutoff_s[i], model, rtol=1e-9)   # same tolerance as the kernel
        ref_pts.append(r_imp)
    t_ref = time.perf_counter() - t0
    ours = geodetic_to_ecef(fb.impact_lat_deg[idx], fb.impact_lon_deg[idx], 0.0)
    diff = np.linalg.norm(ours - np.array(ref_pts), axis=1)

    batch_rate = n / t_fly
    ref_rate = len(idx) / t_ref
    print(f"thaadsim flight benchmark: {n:,} Hwasong-15 trajectories, North Korea -> continental US,")
    print("rotating WGS84 Earth, J2, US-76 atmosphere and drag, boost to impact (about 2,000 s of flight each)")
    print(f"  targeting (solve azimuth, kick, cut-off; ~20-40 batch flights) {t_target:8.2f} s   "
          f"{n / t_target:10,.0f} targeted trajectories/s  (max miss {np.nanmax(tb.miss_km) * 1e3:.0f} m)")
    print(f"  batch engine, summary only                                    {t_fly:8.2f} s   {batch_rate:10,.0f} trajectories/s")
    print(f"  batch engine, samples every 5 s                               {t_fly_samples:8.2f} s   "
          f"{n / t_fly_samples:10,.0f} trajectories/s  ({sb.t_s.shape[1]} samples/row)")
    print(f"  solve_ivp(DOP853), one at a time, sample of {len(idx):<4}             {t_ref:8.2f} s   {ref_rate:10,.1f} trajectories/s")
    print(f"  ratio batch / solve_ivp: {batch_rate / ref_rate:,.0f}x   (with samples: {n / t_fly_samples / ref_rate:,.0f}x)")
    print(f"  impact points, batch vs solve_ivp: max {diff.max():.1f} m, median {np.median(diff):.1f} m "
          f"(check: {'OK' if diff.max() < 100 else 'FAILED'}, limit 100 m)")
    return 0 if diff.max() < 100 else 1


if __name__ == "__main__":
    raise SystemExit(main())
