"""``thaadsim app``: time from a change (moving THAAD and its radar) to the recomputed answer.

Starts the app's server in this process (uvicorn on a free local port, the Seongju example by
default), lets it fly the threats once, then makes ``--changes`` changes over HTTP, each moving
THAAD and its TPY-2 to a new point on a ring around Seongju (the radar face is kept), and times
each ``POST /api/change`` from sending to having the parsed JSON answer: schema validation,
detections and coverage, engagement windows, the raid Monte Carlo (the file's runs, at most 2,000)
and the JSON. With ``--browser N`` (default 10) it also times N changes made in headless Chromium,
from the change to the page redrawn with the new answers (tables and map).

Baseline, measured in the same run: the plain alternative a user has without the app, a full
``thaadsim run`` of the same scenario in its own process (edit the file, run, read the report),
``--baseline`` times; and, to separate process start and writing from the computation, the
scenario's ``run()`` in this process (flights included, warm caches).

Prints the median and p95 of the update time, the ratios against both baselines, and the peak
memory (resident set) of this process and of the ``thaadsim run`` child.

    PYTHONPATH=src python benchmarks/bench_app_update.py --changes 20 --baseline 2
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from importlib import resources

import numpy as np


def _post(url: str, payload: dict) -> dict:
    req = urllib.request.Request(url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", default=str(resources.files("thaadsim") / "data" / "examples" / "seongju.toml"))
    ap.add_argument("--changes", type=int, default=20)
    ap.add_argument("--baseline", type=int, default=2, help="full `thaadsim run` processes to time")
    ap.add_argument("--browser", type=int, default=10,
                    help="changes timed in headless Chromium, click to redrawn page (0: skip; needs playwright)")
    args = ap.parse_args()

    import uvicorn

    from thaadsim.app.server import create_app
    from thaadsim.app.session import AppSession

    tmp = tempfile.mkdtemp(prefix="bench_app_")
    session = AppSession(args.scenario)
    t0 = time.perf_counter()
    session.start_flight(wait=True)
    t_fly = time.perf_counter() - t0
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(session, tmp, os.path.join(tmp, "reports")), host="127.0.0.1",
                                           port=port, log_level="warning", lifespan="off"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    with urllib.request.urlopen(base + "/api/answers") as r:      # first answers (warm-up)
        first = json.loads(r.read())
    lay = session.layout()
    b0 = lay["batteries"][0]
    radar = next(i for i, r in enumerate(lay["radars"]) if r["id"] == b0["radar"])
    lat0, lon0 = b0["lat_deg"], b0["lon_deg"]

    times, leakers = [], []
    for k in range(args.changes):
        ang = 2 * np.pi * k / args.changes
        lat, lon = round(lat0 + 0.4 * np.sin(ang), 3), round(lon0 + 0.5 * np.cos(ang), 3)
        changes = [{"path": "batteries.0.lat_deg", "value": lat}, {"path": "batteries.0.lon_deg", "value": lon},
                   {"path": f"radars.{radar}.lat_deg", "value": lat}, {"path": f"radars.{radar}.lon_deg", "value": lon}]
        t0 = time.perf_counter()
        out = _post(base + "/api/change", {"changes": changes})
        times.append(time.perf_counter() - t0)
        assert out["answers"]["status"] == "ready", out["answers"]
        leakers.append(out["answers"]["raid"]["expected_leakers"])
    page_times = _browser_times(base, args.browser, lat0, lon0) if args.browser else []
    server.should_exit = True
    times = np.array(times)
    med, p95 = float(np.median(times)), float(np.percentile(times, 95))

    t0 = time.perf_counter()
    session.scenario.run()
    t_inproc = time.perf_counter() - t0

    runs = []
    rss_child = 0
    env = dict(os.environ)
    for k in range(args.baseline):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "thaadsim", "run", args.scenario, "--out", os.path.join(tmp, f"run{k}"),
                        "-q"], check=True, env=env)
        runs.append(time.perf_counter() - t0)
    rss_child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    rss_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t_run = float(np.median(runs)) if runs else float("nan")

    print(f"thaadsim app update: {session.scenario.scenario.name}, {len(session.scenario.expand_threats())} threats, "
          f"{first['raid']['runs']:,} raid runs per update; threats flown once in {t_fly:.2f} s")
    print(f"  {args.changes} changes (move THAAD + its radar) over HTTP: median {med * 1e3:.0f} ms, "
          f"p95 {p95 * 1e3:.0f} ms, max {times.max() * 1e3:.0f} ms  (expected leakers "
          f"{min(leakers):.3f}-{max(leakers):.3f})")
    if len(page_times):
        print(f"  {len(page_times)} changes in headless Chromium, from the change to the redrawn page (tables and map): "
              f"median {np.median(page_times) * 1e3:.0f} ms, p95 {np.percentile(page_times, 95) * 1e3:.0f} ms")
    print(f"  baseline: full `thaadsim run` process, median of {len(runs)}: {t_run:.2f} s  "
          f"-> update is {t_run / med:,.0f}x faster (median)")
    print(f"  baseline: scenario.run() in process (flights, footprints, raid; no writing): {t_inproc:.2f} s  "
          f"-> {t_inproc / med:,.0f}x")
    print(f"  peak resident memory: app process {rss_self:,.0f} MiB, `thaadsim run` child {rss_child:,.0f} MiB")


def _browser_times(base: str, n: int, lat0: float, lon0: float) -> list:
    """Seconds from a change made in the page (the map click's own function) to the page redrawn
    with the new answers (tables written, ``Plotly.react`` done), in headless Chromium."""
    import shutil

    chromium = next((p for p in ("/usr/bin/chromium", shutil.which("chromium")) if p and os.path.exists(p)), None)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        chromium = None
    if chromium is None:
        print("  (no Chromium/playwright: browser timing skipped)")
        return []
    out = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1300, "height": 950})
        page.goto(base + "/")
        page.wait_for_function("() => window.thaadsimApp.version > 0", timeout=60000)
        for k in range(n):
            ang = 2 * np.pi * (k + 0.5) / n
            lat, lon = round(lat0 + 0.3 * np.sin(ang), 3), round(lon0 + 0.4 * np.cos(ang), 3)
            ms = page.evaluate("""async ([lat, lon]) => {
                const S = window.thaadsimApp, v = S.version, t0 = performance.now();
                S.moveSite('battery:0', lat, lon);
                while (S.version === v) { await new Promise((r) => setTimeout(r, 2)); }
                await new Promise((r) => requestAnimationFrame(() => r()));
                return performance.now() - t0; }""", [lat, lon])
            out.append(ms / 1e3)
        browser.close()
    return out


if __name__ == "__main__":
    main()
