"""Benchmark: the strategic table in batch against the same work one pair at a time.

Builds an L x M table (default 50 x 50 = 2,500 pairs): L launch areas spread over northern China
(PRC) and the Russian Far East (Russia), M targets over the continental United States and Alaska,
seeded; the TPY-2 and THAAD at Seongju, the GBI battery and its early-warning radar in Alaska (the
module defaults). Then:

1. **batch**: :func:`thaadsim.analysis.strategic.strategic_table`: every pair of a missile targeted in
   one ``fly_targeted`` call in the parent (many aimpoints from one launch area are solved from
   solved neighbours, about 2 flights each), then chunks of ``--chunk`` pairs through
   ``thaadsim.executors.executor`` with ``--workers`` fly the solved launch parameters
   (``fly_powered``) and run detections, engagement and GBI windows on whole arrays;
2. **one pair at a time**: the plain loop a user would write with the public API, for a random
   sample of ``--sample`` pairs: ``fly_targeted`` on the one pair (with the missile the table chose;
   alone, it gets the robust solver, 15-25 flights), then
   :func:`~thaadsim.analysis.strategic.assess_batch` on that one trajectory; its time is scaled to
   the whole table.

3. **the assessment alone** (everything after the flight: closest approach, four radar passes, the
   THAAD engagement and two GBI windows), since targeting dominates the table's time and is being
   made faster elsewhere: :func:`~thaadsim.analysis.strategic.assess_batch` on ``--assess`` pairs
   flown as one batch, against the same function on one-row batches (``batch[i]``) of them.

Both run after a warm-up (compiled kernels, shape and reach tables loaded), in the same process.
Prints time, pairs/s, the ratio, and peak memory (``tracemalloc``, in a second, untimed batch run:
numpy reports its buffers to it), and checks that the sampled pairs' figures agree both ways to within what the
targeting tolerance allows: the two ways hit each aimpoint within 50 m, not with the same launch
parameters, so ranges agree to 0.1 km, closest approaches to 1 km, track times (a first and a last
detection, each on the 5 s sample grid) to two sample steps (10 s), and GBI windows (a detection
and a latest launch on the grid, plus the fly-out time's continuous change) to three (15 s).

    python benchmarks/bench_strategic.py [--launch-areas 50] [--targets 50] [--sample 200] [--workers 1]
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc

import numpy as np

SEONGJU = (35.95, 128.18, 680.0)


def places(n_launch: int, n_target: int, seed: int):
    """Seeded launch areas (northern China / Russian Far East) and US targets."""
    from thaadsim.analysis.strategic import Place

    rng = np.random.default_rng(seed)
    n_prc = (n_launch + 1) // 2
    lat = np.concatenate([rng.uniform(38.0, 48.0, n_prc), rng.uniform(43.0, 53.0, n_launch - n_prc)])
    lon = np.concatenate([rng.uniform(112.0, 130.0, n_prc), rng.uniform(131.0, 142.0, n_launch - n_prc)])
    launch = [Place(f"L{i:02d}", float(a), float(o), "PRC" if i < n_prc else "Russia")
              for i, (a, o) in enumerate(zip(lat, lon))]
    n_ak = max(1, n_target // 10)
    tlat = np.concatenate([rng.uniform(30.0, 48.0, n_target - n_ak), rng.uniform(58.0, 65.0, n_ak)])
    tlon = np.concatenate([rng.uniform(-123.0, -75.0, n_target - n_ak), rng.uniform(-155.0, -145.0, n_ak)])
    targets = [Place(f"T{i:02d}", float(a), float(o)) for i, (a, o) in enumerate(zip(tlat, tlon))]
    return launch, targets


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--launch-areas", type=int, default=50)
    ap.add_argument("--targets", type=int, default=50)
    ap.add_argument("--sample", type=int, default=200,
                    help="pairs flown one at a time for the baseline (enough for a steady figure on a busy machine)")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--chunk", type=int, default=400, help="pairs per chunk")
    ap.add_argument("--assess", type=int, default=300, help="pairs in the assessment-only comparison")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)

    from thaadsim.analysis.strategic import assess_batch, strategic_fractions, strategic_table
    from thaadsim.flight import fly_targeted

    launch, targets = places(args.launch_areas, args.targets, args.seed)
    n = len(launch) * len(targets)
    print(f"strategic table: {len(launch)} launch areas x {len(targets)} targets = {n:,} pairs "
          f"(workers {args.workers}, chunks of {args.chunk})")

    # warm-up: kernels compiled, shape tables of every candidate and the reach tables loaded
    strategic_table(SEONGJU, launch[:2], targets[:2])

    # timed without tracemalloc (it slows Python-level work, and targeting has some), then once more
    # traced, for the peak memory
    t0 = time.perf_counter()
    table = strategic_table(SEONGJU, launch, targets, workers=args.workers, chunk_pairs=args.chunk)
    t_batch = time.perf_counter() - t0
    tracemalloc.start()
    strategic_table(SEONGJU, launch, targets, workers=args.workers, chunk_pairs=args.chunk)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    flown = table[table["missile"] != ""]
    print(f"  batch:            {t_batch:8.1f} s  {n / t_batch:8.1f} pairs/s  peak memory {peak / 2**20:,.0f} MiB"
          f"  ({len(flown):,} flown, {n - len(flown):,} out of reach, of which "
          f"{int(table['note'].str.startswith('targeting').sum())} found short by targeting)")

    # where the batch's time goes: targeting (one summary-only call per missile, in the parent, as the
    # table does it) against the rest (sampled flights from the solved parameters, the assessment)
    t0 = time.perf_counter()
    for mid, sub in flown.groupby("missile", sort=True):
        fly_targeted(mid, sub["launch_lat_deg"].to_numpy(), sub["launch_lon_deg"].to_numpy(),
                     sub["target_lat_deg"].to_numpy(), sub["target_lon_deg"].to_numpy(), shape="min-energy",
                     sample_dt_s=None, errors="mark")
    t_tgt = time.perf_counter() - t0
    print(f"    of which targeting (again, alone): {t_tgt:6.1f} s ({100 * t_tgt / t_batch:.0f} % of the batch)")

    rng = np.random.default_rng(args.seed + 1)
    sample = rng.choice(flown.index.to_numpy(), size=min(args.sample, len(flown)), replace=False)
    t0 = time.perf_counter()
    rows = []
    for k in sample:
        r = table.loc[k]
        b = fly_targeted(r["missile"], r["launch_lat_deg"], r["launch_lon_deg"], r["target_lat_deg"],
                         r["target_lon_deg"], shape="min-energy", sample_dt_s=5.0)
        rows.append(assess_batch(b, SEONGJU))
    t_one = time.perf_counter() - t0
    per_pair = t_one / max(len(sample), 1)
    print(f"  one pair at a time: {t_one:6.1f} s for {len(sample)} pairs  {1 / per_pair:8.1f} pairs/s"
          f"  (scaled to the table: {per_pair * n:,.0f} s)")
    print(f"  ratio batch / one at a time: {per_pair * n / t_batch:.1f}x")

    # 3. the assessment alone, on pairs flown as one mixed-missile batch
    pick = flown.index.to_numpy()[:: max(1, len(flown) // max(args.assess, 1))][: args.assess]
    sub = table.loc[pick]
    b = fly_targeted(list(sub["missile"]), sub["launch_lat_deg"], sub["launch_lon_deg"], sub["target_lat_deg"],
                     sub["target_lon_deg"], shape="min-energy", sample_dt_s=5.0)
    t0 = time.perf_counter()
    a_batch = assess_batch(b, SEONGJU)
    t_ab = time.perf_counter() - t0
    k_one = min(len(pick), 60)
    t0 = time.perf_counter()
    a_one = [assess_batch(b[i], SEONGJU) for i in range(k_one)]
    t_ao = (time.perf_counter() - t0) / k_one * len(pick)
    print(f"  assessment only, {len(pick)} pairs: batch {t_ab:.2f} s ({len(pick) / t_ab:,.0f} pairs/s), "
          f"one at a time {t_ao:.2f} s scaled from {k_one} ({len(pick) / t_ao:,.0f} pairs/s), ratio {t_ao / t_ab:.1f}x")
    a_same = all(np.allclose(np.nan_to_num(a_one[i].iloc[0][["tm_track_s", "fbm_track_s", "gbi_window_s_with_cue",
                                                             "gbi_window_s_without_cue"]].to_numpy(float)),
                             np.nan_to_num(a_batch.iloc[i][["tm_track_s", "fbm_track_s", "gbi_window_s_with_cue",
                                                           "gbi_window_s_without_cue"]].to_numpy(float)))
                 for i in range(k_one))
    print(f"  assessment agrees both ways: {a_same}")
    print(f"  process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")

    cols = ["range_km", "closest_approach_below_ceiling_km", "tm_track_s", "fbm_track_s",
            "gbi_window_s_without_cue", "gbi_window_s_with_cue"]
    got = np.nan_to_num(np.array([[float(df.iloc[0][c]) for c in cols] for df in rows]), nan=-1.0)
    want = np.nan_to_num(table.loc[sample, cols].to_numpy(float), nan=-1.0)
    # targeting hits within 50 m either way, so the two ways differ by up to ~0.1 km in range and
    # by a sample step or more in the discrete times (see the module notes)
    tol = np.array([0.1, 1.0, 10.0, 10.0, 15.0, 15.0])
    diff = np.abs(got - want).max(axis=0) if len(rows) else np.zeros(len(cols))
    same = bool(np.all(diff <= tol))
    print(f"  sampled pairs agree both ways (within targeting tolerance): {same}; largest differences: "
          + ", ".join(f"{c} {d:.3g}" for c, d in zip(cols, diff)))
    fr = strategic_fractions(table)
    print("  fractions: " + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}"
                                      for k, v in fr.items()))
    return 0 if same and a_same else 1


if __name__ == "__main__":
    raise SystemExit(main())
