"""Reports that scale: a raid of many threats through `thaadsim run`, its time, peak memory and output sizes.

The scenario is built here: Scud-C and Nodong threats from three North Korean launch areas (regional
points) to a grid of aimpoints over South Korea, one THAAD battery at Seongju with its TPY-2, a few
Monte Carlo runs. It is written to a TOML file and run by the CLI in a child process, timed by the
wall clock and measured by the child's peak resident memory (``getrusage(RUSAGE_CHILDREN)``).

The plain alternative measured in the same run is the same scenario's report drawn in full detail
(every track with every sample, every threat listed), as the report was drawn before it scaled;
only at ``--baseline-threats`` (default 500) threats, because in full detail 10,000 threats took
minutes and gigabytes. The ratio printed is the report size per threat, full detail / scaled.

Usage::

    python benchmarks/bench_report_scale.py                       # 10,000 threats (slow: targeting)
    python benchmarks/bench_report_scale.py --threats 2000 --runs 20

Figures depend on the machine: report them with the command that gave them.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LAUNCH_AREAS = [("Kaesong area", 37.97, 126.55), ("Wonsan area", 39.15, 127.45), ("Sino-ri area", 39.6, 125.5)]


def _km(la1, lo1, la2, lo2):
    import math

    p1, p2 = math.radians(la1), math.radians(la2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def scenario_toml(n_threats: int, runs: int, seed: int = 1) -> str:
    """A raid of ``n_threats``: aimpoints on a grid over South Korea (34.8-37.6 N, 126.5-129.3 E),
    threats spread over the launch areas and the two missiles, launched 10 s apart in waves."""
    import numpy as np

    g = 10
    lats = np.linspace(34.8, 37.6, g)
    lons = np.linspace(126.5, 129.3, g)
    aims = [(float(a), float(b)) for a in lats for b in lons]
    per = max(1, n_threats // (len(aims) * len(LAUNCH_AREAS) * 2))
    lines = ['[scenario]', 'name = "report-scale"', f"seed = {seed}", "", "[flight]", "sample_dt_s = 4.0", "",
             "[[radars]]", 'id = "TPY-2 Seongju"', 'radar = "tpy2-tm"', "lat_deg = 36.0", "lon_deg = 128.2",
             "site_height_m = 680.0", "face_az_deg = 325.0", "",
             "[[batteries]]", 'id = "THAAD Seongju"', 'interceptor = "thaad"', "lat_deg = 36.0", "lon_deg = 128.2",
             "alt_m = 680.0", "launchers = 6", "interceptors_per_launcher = 8", 'radar = "TPY-2 Seongju"', ""]
    for name, la, lo in LAUNCH_AREAS:
        lines += ["[[launch_areas]]", f'name = "{name}"', f"lat_deg = {la}", f"lon_deg = {lo}", ""]
    made = 0
    k = 0
    while made < n_threats:
        for a, (la, lo) in enumerate(aims):
            for m in range(2):
                area, a_lat, a_lon = LAUNCH_AREAS[(a + m) % len(LAUNCH_AREAS)]
                # a Scud-C (about 500 km) where it reaches with margin, else a Nodong
                missile = "scud-c" if m == 0 and _km(a_lat, a_lon, la, lo) < 420 else "nodong"
                c = min(per, n_threats - made)
                if c <= 0:
                    break
                lines += ["[[threats]]", f'missile = "{missile}"', f'launch_area = "{area}"',
                          f"aim_lat_deg = {la:.3f}", f"aim_lon_deg = {lo:.3f}", f"count = {c}",
                          f"launch_time_s = {60.0 * (k % 30):.1f}", "launch_interval_s = 10.0", ""]
                made += c
                k += 1
    lines += ["[montecarlo]", f"runs = {runs}", f"seed = {seed}"]
    return "\n".join(lines) + "\n"


# the report as it was drawn before it scaled: the large-raid switch turned off in the child
FULL_DETAIL = ("import sys, thaadsim.analysis.scale as s; s.is_large = lambda n: False; "
               "from thaadsim.cli import main; main(sys.argv[1:])")


def run_cli(toml_path: Path, out: Path, env: dict, full_detail: bool = False) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one `thaadsim run` in a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    head = [sys.executable, "-c", FULL_DETAIL] if full_detail else [sys.executable, "-m", "thaadsim"]
    r = subprocess.run(head + ["run", str(toml_path), "--out", str(out), "-q"],
                       env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit(f"thaadsim run failed:\n{r.stderr}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024.0


def sizes(out: Path) -> dict:
    return {p.name: p.stat().st_size / 1e6 for p in sorted(out.iterdir()) if not p.name.startswith(".")}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threats", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--baseline-threats", type=int, default=500)
    args = ap.parse_args()
    env = dict(os.environ)
    src = str(Path(__file__).resolve().parents[1] / "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        rows = []
        for label, n, full in (("full detail (as before)", args.baseline_threats, True),
                               ("scaled", args.baseline_threats, False),
                               ("scaled", args.threats, False)):
            toml = d / f"s{n}.toml"
            toml.write_text(scenario_toml(n, args.runs))
            out = d / f"out-{label[:4]}-{n}"
            wall, peak = run_cli(toml, out, env, full_detail=full)
            s = sizes(out)
            exports = s.get("scenario.geojson", 0) + s.get("scenario.kml", 0) + s.get("scenario.czml", 0)
            rows.append((label, n, wall, peak, s.get("report.html", 0), exports, s.get("summary.json", 0)))
            print(f"{label:<32} {n:>7,} threats  run {wall:7.1f} s  peak RSS {peak:7.0f} MB (max so far)  "
                  f"report.html {s.get('report.html', 0):7.2f} MB  exports {exports:7.2f} MB  "
                  f"summary.json {s.get('summary.json', 0):6.2f} MB", flush=True)
        full, scaled = rows[0], rows[1]
        print(f"report.html at {args.baseline_threats:,} threats: full detail / scaled = "
              f"{full[4] / max(scaled[4], 1e-9):.1f}x; exports {full[5] / max(scaled[5], 1e-9):.1f}x")
        print("peak RSS is the largest child so far (getrusage); shared, busy machine: figures vary")


if __name__ == "__main__":
    main()
