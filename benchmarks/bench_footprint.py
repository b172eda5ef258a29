"""Benchmark: a defended footprint map in fixed chunks against the one-batch footprint of before.

THAAD with its AN/TPY-2 (terminal mode, face toward the launch area) at Seongju (35.95 N,
128.18 E, 680 m) against a Nodong (or ``--missile``) from near Pyongyang, min-energy, samples every
2 s. Two paths over the same square of ``--span-km``:

1. ``thaadsim.analysis.footprint_map.footprint_map`` on a ``--grid`` x ``--grid`` map (the issue
   asks 200 x 200 in under 60 s on 2 cores): chunks of 1,000 aimpoints through
   ``thaadsim.executors.executor(--workers)``; time, aimpoints/s, peak memory of this
   process and of the largest worker;
2. the best plain alternative, what ``defended_footprints`` did before the chunked path: every
   aimpoint of a ``--baseline-grid`` square in ONE ``fly_targeted`` batch, then
   ``run_detections`` + ``pipeline.engage`` on it, in one process with numba threads on every
   core; run in a fresh process so its peak memory is its own. Scaled per aimpoint.

Prints both rates, the ratio, and the peak memories (``ru_maxrss``). With ``--check`` the chunked
map is also computed on the baseline grid and its engageable aimpoints are compared with the
baseline's (they must be equal). Both sides are measured in the same run; on a shared machine
the figures move with the load.

    python benchmarks/bench_footprint.py [--grid 200] [--baseline-grid 41] [--workers 2] [--check]
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import time

import numpy as np

SEONGJU = (35.95, 128.18, 680.0)     # [ref:koreatimes-seongju-2016]
LAUNCH = (39.0, 125.7)               # a regional launch area near Pyongyang


def _mb(kb: int) -> float:
    return kb / 1024.0          # ru_maxrss is in KiB on Linux


def _defence():
    from thaadsim.defense.battery import make_battery
    from thaadsim.defense.detection import azimuth_deg
    from thaadsim.sensors.radar import load_radar

    lat, lon, h = SEONGJU
    face = round(float(azimuth_deg(lat, lon, *LAUNCH)), 1)
    placed = load_radar("tpy2-tm").place(lat, lon, h, face)
    return [make_battery("thaad", lat, lon, alt_m=h, radar=placed, face_az_deg=face, id="THAAD")], {"tpy2-tm": placed}


def one_batch_baseline(missile: str, grid_n: int, span_km: float, queue) -> None:
    """The plain path, in its own process: all aimpoints in one batch; reports time, mask and peak RSS."""
    from thaadsim.analysis.detections import rcs_array, run_detections
    from thaadsim.analysis.footprint_map import REACH_FRACTION, cell_centres_km, place_km
    from thaadsim.analysis.pipeline import engage
    from thaadsim.earth.geodesy import geodesic_inverse
    from thaadsim.flight import fly_targeted, load_missile, max_range_km
    from thaadsim.sensors.signatures import signature_for

    batteries, radars = _defence()
    m = load_missile(missile)

    def run(n):
        axis = cell_centres_km(n, span_km)
        X, Y = np.meshgrid(axis, axis)
        lat, lon = place_km(SEONGJU[0], SEONGJU[1], X.ravel(), Y.ravel())
        d, _ = geodesic_inverse(*LAUNCH, lat, lon)
        ok = d <= REACH_FRACTION * max_range_km(m) * 1e3
        batch = fly_targeted(m, *LAUNCH, lat[ok], lon[ok], sample_dt_s=2.0)
        rcs = rcs_array(batch, [signature_for(m)] * len(batch))
        w = engage(batch, batteries, run_detections(batch, radars, rcs_m2=rcs), rcs)
        mask = np.zeros(lat.size, bool)
        mask[ok] = w.engageable[:, 0]
        return mask, int(ok.sum())

    run(2)                                       # warm: kernels and tables loaded
    t = time.perf_counter()
    mask, flown = run(grid_n)
    queue.put({"time_s": time.perf_counter() - t, "mask": mask, "flown": flown,
               "peak_mb": _mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)})


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--grid", type=int, default=200, help="side of the chunked map (the issue: 200)")
    ap.add_argument("--baseline-grid", type=int, default=41, help="side of the one-batch baseline")
    ap.add_argument("--span-km", type=float, default=600.0)
    ap.add_argument("--missile", default="nodong")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--check", action="store_true", help="also map the baseline grid and compare aimpoints")
    a = ap.parse_args(argv)

    from thaadsim.analysis.footprint_map import footprint_map
    from thaadsim.executors import cpu_count

    batteries, radars = _defence()
    print(f"footprint benchmark: THAAD + TPY-2 at Seongju vs {a.missile} from {LAUNCH}, span {a.span_km:g} km; "
          f"{cpu_count()} cores, {a.workers} workers (a shared machine: figures move with its load)")
    footprint_map(a.missile, *LAUNCH, batteries, radars, grid_n=2, span_km=a.span_km, workers=1)   # warm
    t = time.perf_counter()
    fm = footprint_map(a.missile, *LAUNCH, batteries, radars, grid_n=a.grid, span_km=a.span_km, workers=a.workers)
    t_map = time.perf_counter() - t
    self_mb = _mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    child_mb = _mb(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    n_map = fm.aimpoints_reachable
    print(f"chunked map   {a.grid}x{a.grid}: {n_map:,} aimpoints flown in {t_map:.1f} s = {n_map / t_map:,.0f} "
          f"aimpoints/s; defended {fm.aimpoints_defended:,} ({fm.defended_area_km2:,.0f} km²); peak memory "
          f"{self_mb:,.0f} MB (this process) + {child_mb:,.0f} MB (largest worker)")

    ctx = multiprocessing.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=one_batch_baseline, args=(a.missile, a.baseline_grid, a.span_km, q))
    p.start()
    base = q.get()
    p.join()
    n_b = base["flown"]
    print(f"one batch     {a.baseline_grid}x{a.baseline_grid}: {n_b:,} aimpoints flown in {base['time_s']:.1f} s = "
          f"{n_b / base['time_s']:,.0f} aimpoints/s; peak memory {base['peak_mb']:,.0f} MB "
          f"({base['peak_mb'] / max(n_b, 1) * 1e3:,.0f} kB per aimpoint, growing with the grid)")
    ratio = (n_map / t_map) / (n_b / base["time_s"])
    print(f"ratio (aimpoints/s, chunked / one batch): {ratio:.2f}x; 200x200 at the chunked rate: "
          f"{40000 / (n_map / t_map):,.0f} s")
    if a.check:
        small = footprint_map(a.missile, *LAUNCH, batteries, radars, grid_n=a.baseline_grid, span_km=a.span_km,
                              workers=a.workers)
        same = np.array_equal(small.engageable_by_battery[0].ravel(), base["mask"])
        print(f"check: chunked and one-batch engageable aimpoints on {a.baseline_grid}x{a.baseline_grid} "
              f"{'agree' if same else 'DIFFER'}")
        if not same:
            sys.exit(1)


if __name__ == "__main__":
    main()
