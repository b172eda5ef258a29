"""Benchmark: the report page's size and how fast it opens, packed against plain plotly.js.

Runs a scenario (default: the shipped Seongju example; its flights come from the cache after
the first run), renders ``report.html`` as ``thaadsim run`` does (plotly.js and the figures
gzip+Base85-packed, unpacked by the browser's ``DecompressionStream``), and builds the best plain
alternative from the same content in the same run: plotly.js inlined as text once in ``<head>``
and every figure drawn by its own inline script, as ``plotly.io.to_html(include_plotlyjs=False)``
writes it (the page before this change). Then opens both in headless Chromium (no network),
alternating, ``--reps`` times each and prints, per page:

* the file size (and the 2 MB bound),
* time to the ``load`` event (text, tables and key figures readable),
* time until every plot is drawn (each plot div has plotly's ``_fullLayout`` and an SVG),

the minimum and median over the reps and the packed / plain ratios, and the peak Python memory
of rendering the packed page (tracemalloc). Times depend on the machine and its load: compare
the two pages within one run.

    python benchmarks/bench_report_load.py [--scenario PATH] [--reps 5] [--runs 200]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "src" / "thaadsim" / "data" / "examples" / "seongju.toml"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"]
READY = ("() => [...document.querySelectorAll('.plot > div[id]')].every(d => d._fullLayout && "
         "d.querySelector('.main-svg'))")


def plain_page(packed_html: str, content) -> str:
    """The same page with plotly.js inlined as text and one drawing script per figure."""
    from plotly.offline import get_plotlyjs

    from thaadsim.report.html import map_figure, profile_figure, timeline_figure

    figs = {"map": map_figure(content.tracks, content.sites, content.areas)}
    if content.profiles is not None and len(content.profiles):
        figs["profiles"] = profile_figure(content.profiles)
    if content.timeline is not None and len(content.timeline):
        figs["timeline"] = timeline_figure(content.timeline)
    page = re.sub(r"<script type='application/x-gzip-base85'.*?</script>|<script>\n\(function\(\)\{.*?</script>",
                  "", packed_html, flags=re.S)
    page = page.replace("</style></head>", f"</style><script>{get_plotlyjs()}</script></head>", 1)
    for div_id, fig in figs.items():
        drawn = fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id,
                            config={"displaylogo": False, "responsive": True})
        page = re.sub(rf'<div id="{div_id}" class="figure">.*?</div>', lambda _m, d=drawn: d, page, count=1,
                      flags=re.S)
    return page


def open_times(paths, reps: int):
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    res = {p: ([], []) for p in paths}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=ARGS)
        try:
            for _ in range(reps):
                for path in paths:
                    page = browser.new_page(viewport={"width": 1200, "height": 900})
                    errors = []
                    page.on("pageerror", lambda e: errors.append(str(e)))
                    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(
                        ("file:", "data:", "blob:")) else r.abort())
                    t0 = time.perf_counter()
                    page.goto(f"file://{path}", wait_until="load", timeout=120000)
                    res[path][0].append(time.perf_counter() - t0)
                    page.wait_for_function(READY, timeout=120000, polling=20)
                    res[path][1].append(time.perf_counter() - t0)
                    if errors:
                        raise RuntimeError(f"{path}: {errors}")
                    page.close()
        finally:
            browser.close()
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scenario", default=str(EXAMPLE))
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--runs", type=int, default=200, help="Monte Carlo runs (the page does not depend on it)")
    a = ap.parse_args()

    from thaadsim.io.scenario_outputs import load_run_scenario
    from thaadsim.report.html import build_html, packed_plotlyjs

    scn = load_run_scenario(a.scenario)
    scn.set_runs(a.runs, "--runs")
    content = scn.run().report_content()
    packed_plotlyjs()                              # compressed once per process, not per report
    tracemalloc.start()
    t0 = time.perf_counter()
    packed = build_html(content)
    t_build = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    plain = plain_page(packed, content)
    d = Path(tempfile.mkdtemp(prefix="bench_report_"))
    (d / "packed.html").write_text(packed, encoding="utf-8")
    (d / "plain.html").write_text(plain, encoding="utf-8")
    res = open_times([d / "packed.html", d / "plain.html"], a.reps)
    sizes = {k: len(v.encode("utf-8")) for k, v in (("packed", packed), ("plain", plain))}
    print(f"scenario {Path(a.scenario).name}; render packed page {t_build:.2f} s, peak Python memory "
          f"{peak / 2 ** 20:.0f} MiB")
    stats = {}
    for name in ("packed", "plain"):
        load, ready = res[d / f"{name}.html"]
        stats[name] = (min(load), min(ready))
        print(f"{name:6s}: {sizes[name] / 1e6:5.2f} MB ({'under' if sizes[name] < 2e6 else 'OVER'} 2 MB); "
              f"load event min {min(load):.2f} s median {statistics.median(load):.2f} s; all plots drawn min "
              f"{min(ready):.2f} s median {statistics.median(ready):.2f} s ({a.reps} reps)")
    print(f"packed / plain: size {sizes['packed'] / sizes['plain']:.2f}x, load event "
          f"{stats['packed'][0] / stats['plain'][0]:.2f}x, all plots drawn {stats['packed'][1] / stats['plain'][1]:.2f}x")
    shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
