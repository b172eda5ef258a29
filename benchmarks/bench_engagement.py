"""Benchmark: the sensing and engagement layers in batch against the same calls one threat at a time.

Flies N Nodong trajectories (min-energy, samples every 2 s) from a North Korean launch area to
random aimpoints in South Korea, then, for a THAAD battery at Seongju with its AN/TPY-2 in
terminal mode (face 325 deg, as in examples/seongju.toml):

1. radar detections, ``thaadsim.sensors.detect`` over all N rows at once, against the same
   function called on one-row batches (``batch[i:i+1]``) for a sample of rows;
2. engagement windows, ``thaadsim.defense.engagement.engagement_windows`` (which also runs the
   battery radar's track pass), batch against one row at a time; the reach table is built first,
   cold (an empty ``THAADSIM_CACHE_DIR``), and that build is timed on its own;
3. the raid Monte Carlo, ``thaadsim.defense.raid.simulate_raid`` on the first engageable threats,
   with the default ``chunk_runs`` (runs vectorised in chunks of 2,000) against ``chunk_runs=1``
   (one run at a time, the loop a naive Monte Carlo would write) on a smaller number of runs.

Prints rates and the batch / one-at-a-time ratio for each, and checks that both give the same
answer on the sample (first-detection times, engageable flags and earliest intercept times, and
the per-run leakers of the Monte Carlo, whose draws do not depend on the chunk size). Both sides of
every ratio are measured in the same run.

    python benchmarks/bench_engagement.py [--n 10000] [--sample 100] [--quick]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

import numpy as np

SEONGJU = (36.0, 128.2, 680.0)   # [ref:koreatimes-seongju-2016], as in examples/seongju.toml
FACE_AZ_DEG = 325.0              # the example's assumption: the face looks toward the DPRK


def _same(a, b, tol=1e-9) -> bool:
    """Equal to ``tol``, NaN where the other is NaN."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    return bool(np.array_equal(np.isnan(a), np.isnan(b)) and
                np.all(np.abs(np.nan_to_num(a) - np.nan_to_num(b)) <= tol))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--sample", type=int, default=100)
    ap.add_argument("--threats", type=int, default=20, help="threats in the raid Monte Carlo")
    ap.add_argument("--runs", type=int, default=10_000, help="Monte Carlo runs")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--quick", action="store_true", help="N = 1,000, 20 sampled rows, 2,000 runs")
    args = ap.parse_args(argv)
    if args.quick:
        args.n, args.sample, args.runs = 1_000, 20, 2_000

    from thaadsim.defense.battery import Battery
    from thaadsim.defense.engagement import engagement_windows
    from thaadsim.defense.interceptors import load_interceptor
    from thaadsim.defense.raid import simulate_raid
    from thaadsim.flight import fly_targeted, load_missile
    from thaadsim.sensors import detect, load_radar

    rng = np.random.default_rng(args.seed)
    n = args.n
    lat1 = rng.uniform(34.8, 37.5, n)
    lon1 = rng.uniform(126.5, 129.3, n)
    m = load_missile("nodong")

    # 1. flight ---------------------------------------------------------------------------------
    fly_targeted(m, 39.0, 125.7, lat1[:2], lon1[:2], sample_dt_s=2.0)   # warm up kernels, shape table
    t0 = time.perf_counter()
    batch = fly_targeted(m, 39.0, 125.7, lat1, lon1, sample_dt_s=2.0)
    t_fly = time.perf_counter() - t0

    placed = load_radar("tpy2-tm").place(SEONGJU[0], SEONGJU[1], SEONGJU[2], face_az_deg=FACE_AZ_DEG)
    itc = load_interceptor("thaad")
    bat = Battery(id="THAAD Seongju", interceptor=itc, lat_deg=SEONGJU[0], lon_deg=SEONGJU[1],
                  alt_m=SEONGJU[2], radar=placed, face_az_deg=FACE_AZ_DEG)
    idx = rng.choice(n, size=min(args.sample, n), replace=False)

    # 2. radar detections -------------------------------------------------------------------------
    detect(batch[:2], placed)                                          # warm up
    t0 = time.perf_counter()
    det = detect(batch, placed)
    t_det = time.perf_counter() - t0
    t0 = time.perf_counter()
    one_first = [detect(batch[i:i + 1], placed).first_detection_s[0] for i in idx]
    t_det1 = time.perf_counter() - t0
    det_ok = _same(det.first_detection_s[idx], one_first)

    # 3. engagement windows -----------------------------------------------------------------------
    from thaadsim.defense import reach as reach_mod

    reach_mod._MEMORY.clear()   # noqa: SLF001  (nothing built it yet in this process; be sure)
    old = os.environ.get("THAADSIM_CACHE_DIR")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["THAADSIM_CACHE_DIR"] = tmp                         # an empty disk cache: truly cold
        try:
            t0 = time.perf_counter()
            reach_mod.reach_table(itc)
            t_reach = time.perf_counter() - t0
            built = any(os.scandir(os.path.join(tmp, "reach")))   # computed and stored, not loaded
        finally:
            if old is None:
                os.environ.pop("THAADSIM_CACHE_DIR", None)
            else:
                os.environ["THAADSIM_CACHE_DIR"] = old
    detect_s = det.first_detection_s
    engagement_windows(batch[:2], [bat], detect_s=detect_s[:2])       # warm up
    t0 = time.perf_counter()
    win = engagement_windows(batch, [bat], detect_s=detect_s)
    t_eng = time.perf_counter() - t0
    t0 = time.perf_counter()
    one = [engagement_windows(batch[i:i + 1], [bat], detect_s=detect_s[i:i + 1]) for i in idx]
    t_eng1 = time.perf_counter() - t0
    eng_ok = (np.array_equal(win.engageable[idx, 0], [w.engageable[0, 0] for w in one])
              and _same(win.earliest_intercept_s[idx, 0], [w.earliest_intercept_s[0, 0] for w in one]))
    n_engageable = int(win.engageable[:, 0].sum())

    # 4. raid Monte Carlo -------------------------------------------------------------------------
    rows = np.nonzero(win.engageable[:, 0])[0][:args.threats]
    raid_batch = batch[rows]
    raid_win = engagement_windows(raid_batch, [bat], detect_s=detect_s[rows])
    launch_s = np.arange(rows.size) * 10.0                            # a salvo every 10 s
    kw = dict(launch_time_s=launch_s, windows=raid_win, seed=args.seed, log_run=None)
    simulate_raid(raid_batch, [bat], runs=10, **kw)                   # warm up
    t0 = time.perf_counter()
    rr = simulate_raid(raid_batch, [bat], runs=args.runs, **kw)
    t_raid = time.perf_counter() - t0
    runs1 = max(1, args.runs // 50)
    t0 = time.perf_counter()
    rr1 = simulate_raid(raid_batch, [bat], runs=runs1, chunk_runs=1, **kw)
    t_raid1 = time.perf_counter() - t0
    raid_ok = bool(np.array_equal(rr.leakers[:runs1], rr1.leakers) and
                   np.array_equal(rr.expended[:runs1], rr1.expended))

    T = batch.t_s.shape[1]
    r_det, r_det1 = n / t_det, len(idx) / t_det1
    r_eng, r_eng1 = n / t_eng, len(idx) / t_eng1
    r_raid, r_raid1 = args.runs / t_raid, runs1 / t_raid1
    ok = det_ok and eng_ok and raid_ok and built
    print(f"thaadsim sensing and engagement benchmark: {n:,} Nodong trajectories (min-energy, samples every 2 s,")
    print(f"{T} samples/row), 39.0 N 125.7 E -> random aimpoints in South Korea; THAAD at Seongju with its TPY-2 (TM)")
    print(f"  flight (fly_targeted)                                    {t_fly:8.2f} s   {n / t_fly:10,.0f} trajectories/s")
    print(f"  radar detections, batch                                  {t_det:8.2f} s   {r_det:10,.0f} trajectories/s  "
          f"({int(det.any_detected.sum()):,} detected)")
    print(f"  radar detections, one at a time, sample of {len(idx):<4}         {t_det1:8.2f} s   {r_det1:10,.0f} trajectories/s")
    print(f"  ratio batch / one at a time: {r_det / r_det1:,.0f}x;  first-detection times agree on the sample "
          f"(1e-9 s): {'OK' if det_ok else 'FAILED'}")
    print(f"  reach table build (cold), THAAD interceptor              {t_reach:8.2f} s   "
          f"({'built into an empty cache' if built else 'NOT BUILT: came from a cache'})")
    print(f"  engagement windows, batch (incl. radar track pass)       {t_eng:8.2f} s   {r_eng:10,.0f} trajectories/s  "
          f"({n_engageable:,} engageable)")
    print(f"  engagement windows, one at a time, sample of {len(idx):<4}       {t_eng1:8.2f} s   {r_eng1:10,.0f} trajectories/s")
    print(f"  ratio batch / one at a time: {r_eng / r_eng1:,.0f}x;  engageable flags and earliest intercepts agree "
          f"on the sample: {'OK' if eng_ok else 'FAILED'}")
    print(f"  raid Monte Carlo, {rows.size} threats, {args.runs:,} runs, chunk_runs=2000  {t_raid:8.2f} s   "
          f"{r_raid:10,.0f} runs/s  (P(no leaker) {float((rr.leakers == 0).mean()):.3f})")
    print(f"  raid Monte Carlo, chunk_runs=1 (one run at a time), {runs1:,} runs  {t_raid1:8.2f} s   {r_raid1:10,.0f} runs/s")
    print(f"  ratio chunked / one run at a time: {r_raid / r_raid1:,.0f}x;  leakers and interceptors per run agree "
          f"on the first {runs1:,} runs: {'OK' if raid_ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
