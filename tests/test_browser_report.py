"""The HTML report in a real headless browser (Debian Chromium driven by Playwright).

Checks what a reader would notice: the page loads with no network at all (every non-file
request is aborted and counted), no console or page errors, the map has plotted traces
(plotly's own ``gd.data``), and the screenshot is not blank. The screenshot is saved under the
test's tmp dir and its path printed (``pytest -s`` shows it).
"""

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from _browser import CHROMIUM, LAUNCH_ARGS, requires_chromium
from thaadsim.io.exports import Area, Site, Track
from thaadsim.report.html import Figure, ReportContent, write_html

pytestmark = requires_chromium


def synthetic_report() -> ReportContent:
    tracks = []
    rows = []
    for i, (lat, lon, city) in enumerate([(35.10, 129.04, "Busan"), (35.87, 128.60, "Daegu")]):
        t = np.arange(0.0, 601.0, 10.0)
        f = t / t[-1]
        alt = 4 * 250e3 * f * (1 - f)
        tracks.append(Track(f"t{i}", f"Nodong to {city}", t, 39.0 + (lat - 39.0) * f, 125.7 + (lon - 125.7) * f, alt))
        rows.append(pd.DataFrame({"name": f"Nodong to {city}", "kind": "threat", "ground_range_km": f * 500,
                                  "alt_km": alt / 1e3}))
    sites = [Site("thaad", "THAAD Seongju", 35.92, 128.28, 680.0, kind="battery"),
             Site("x", "intercept", 36.2, 128.3, 40e3, kind="intercept", time_s=500.0)]
    areas = [Area("cov", "TPY-2 coverage", Point(128.28, 35.92).buffer(3.0), kind="coverage")]
    tl = pd.DataFrame({"row": ["Nodong to Busan", "Nodong to Busan"], "start_s": [200.0, 450.0],
                       "end_s": [560.0, 520.0], "kind": ["radar", "intercept"], "text": ["track", "window"]})
    return ReportContent(title="Browser test report", answers=["A sentence."], tracks=tracks, sites=sites,
                         areas=areas, figures=[Figure("apogee", 250.0, "km", "synthetic")],
                         profiles=pd.concat(rows), timeline=tl, tables=[("raid", pd.DataFrame({"a": [1.5]}))],
                         scenario_text="[scenario]\nname = 'x'\n", missing=["nothing"])


def check_in_browser(html_path, screenshot_path):
    """Open the page offline; return (external_requests, errors, n_map_traces, png_bytes)."""
    from playwright.sync_api import sync_playwright

    external, errors = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})

            def route(r):
                if r.request.url.startswith(("file:", "data:", "blob:", "about:")):
                    r.continue_()
                else:
                    external.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"file://{html_path}", wait_until="load")
            page.wait_for_function("() => document.getElementById('map') && "
                                   "document.getElementById('map')._fullLayout !== undefined", timeout=20000)
            n = page.evaluate("() => document.getElementById('map').data.length")
            paths = page.evaluate("() => document.querySelectorAll('#map .scattergeo path').length")
            page.locator("#map").scroll_into_view_if_needed()
            png = page.locator("#map").screenshot(path=str(screenshot_path))
            page.screenshot(path=str(screenshot_path).replace(".png", "_page.png"), full_page=True)
        finally:
            browser.close()
    return external, errors, n, paths, png


def nonbackground_fraction(png: bytes) -> float:
    import io

    import matplotlib.image as mpimg

    img = mpimg.imread(io.BytesIO(png), format="png")[..., :3]
    bg = np.median(img.reshape(-1, 3), axis=0)
    return float(np.mean(np.abs(img - bg).sum(axis=-1) > 0.15))


def test_report_renders_offline_with_a_map(tmp_path):
    html_path = write_html(tmp_path / "report.html", synthetic_report())
    shot = tmp_path / "report_map.png"
    external, errors, n, paths, png = check_in_browser(html_path.resolve(), shot)
    print(f"\nscreenshot: {shot}")
    assert external == [], f"the page tried to reach the network: {external}"
    assert errors == [], errors
    assert n >= 2 + 1 + 2 + 2          # outlines (2) + coverage + tracks + site kinds
    assert paths > 0                   # plotly drew geo paths
    frac = nonbackground_fraction(png)
    assert frac > 0.01, f"the map looks blank ({frac:.3%} non-background pixels)"


def _wide_report() -> ReportContent:
    """The synthetic report with a table wider than any phone and long key-figure notes."""
    c = synthetic_report()
    wide = pd.DataFrame({f"p_kill_given_engaged_by_battery_{k}": [0.5, 0.25] for k in range(14)})
    wide.insert(0, "threat", ["scud-c min-energy Wonsan area → Daegu", "nodong lofted Sinpo → Busan"])
    c.tables.append(("Wide table", wide))
    c.figures += [Figure("P(no leaker)", 0.4, "", "2,000 Monte Carlo runs with seed 2016; 95 % Wilson interval "
                         "0.38-0.42; each run draws every interceptor's kill independently")] * 3
    return c


def _layout_in_browser(html_path, width_px: int, print_media: bool):
    """Open the page at a width; return the page's overflow and the key-figure note cells' widths."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport={"width": width_px, "height": 900})
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:", "blob:"))
                       else r.abort())
            page.goto(f"file://{html_path}", wait_until="load")
            page.wait_for_function("() => document.documentElement.getAttribute('data-plots-ready')", timeout=30000)
            if print_media:
                page.emulate_media(media="print")
                page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")   # what printing fires
                page.wait_for_timeout(300)
            out = page.evaluate("""(allowScroll) => {
                const W = document.documentElement.clientWidth;
                // elements that stick out of the page, ignoring those inside a horizontal scroll box
                const inScroller = el => { if (!allowScroll) return false; for (let p = el.parentElement; p; p = p.parentElement) {
                    const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') return true; }
                    return false; };
                const wide = [...document.querySelectorAll('main *')].filter(el => {
                    const r = el.getBoundingClientRect(); return r.width > 0 && r.right > W + 1 && !inScroller(el); })
                    .map(el => el.tagName + '.' + el.className);
                const notes = [...document.querySelectorAll('.figs td.note')].map(td => td.getBoundingClientRect().width);
                return {W, scrollW: document.documentElement.scrollWidth, wide: wide.slice(0, 5), notes};
            }""", not print_media)        # paper cannot scroll: in print a scroll box only clips
            pdf = page.pdf(format="A4") if print_media else b""
        finally:
            browser.close()
    return out, errors, pdf


def test_narrow_screen_scrolls_tables_inside_their_box_not_the_page(tmp_path):
    html_path = write_html(tmp_path / "report.html", _wide_report()).resolve()
    out, errors, _ = _layout_in_browser(html_path, 360, print_media=False)
    assert errors == []
    assert out["wide"] == [] and out["scrollW"] <= out["W"], out
    assert min(out["notes"]) >= 150, out          # a note reads as lines of words, not a word per line


def test_print_fits_the_page_and_keeps_notes_readable(tmp_path):
    """A4 with 12 mm margins is 186 mm = 703 CSS px wide: nothing may stick out, and since print
    cannot scroll, not even inside the tables' scroll boxes."""
    html_path = write_html(tmp_path / "report.html", _wide_report()).resolve()
    out, errors, pdf = _layout_in_browser(html_path, 703, print_media=True)
    assert errors == []
    assert out["wide"] == [] and out["scrollW"] <= out["W"], out
    assert min(out["notes"]) >= 0.4 * out["W"], out
    assert pdf[:5] == b"%PDF-" and len(pdf) > 10_000


def _crowded_map_report() -> ReportContent:
    """Tracks leave each launch site up and to the right, where a label goes by default."""
    tracks, sites = [], []
    launches = [("Sinpo area", 40.0, 128.2), ("Wonsan area", 39.15, 127.45), ("Pyongyang area", 39.0, 125.75)]
    targets = [("Busan", 35.1, 129.04), ("Daegu", 35.87, 128.6), ("Pyeongtaek", 36.99, 127.09)]
    t = np.arange(0.0, 601.0, 5.0)
    f = t / t[-1]
    for i, (ln, la, lo) in enumerate(launches):
        sites.append(Site(f"l{i}", ln, la, lo, kind="launch"))
        for j, (tn, ta, to) in enumerate(targets):
            tracks.append(Track(f"t{i}{j}", f"{ln} → {tn}", t, la + (ta - la) * f, lo + (to - lo) * f,
                                4 * 250e3 * f * (1 - f)))
        tracks.append(Track(f"u{i}", f"{ln} → north-east", t, la + 0.8 * f, lo + 1.0 * f, 1e5 * f * (1 - f)))
    sites += [Site(f"a{j}", n, la, lo, kind="asset") for j, (n, la, lo) in enumerate(targets)]
    sites.append(Site("thaad", "THAAD Seongju", 35.92, 128.28, 680.0, kind="battery"))
    return ReportContent(title="crowded map", tracks=tracks, sites=sites,
                         areas=[Area("cov", "TPY-2 coverage", Point(128.28, 35.92).buffer(3.0), kind="coverage")])


def test_html_map_labels_cover_no_track_and_the_legend_is_off_the_map(tmp_path):
    """Geometry as the browser drew it: each site label's box (getBoundingClientRect) against
    points every 1.5 px along every track path (getPointAtLength, in the same screen pixels),
    and the legend's box against the geo frame's."""
    from playwright.sync_api import sync_playwright

    html_path = write_html(tmp_path / "report.html", _crowded_map_report()).resolve()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.goto(f"file://{html_path}", wait_until="load")
            page.wait_for_function("() => document.documentElement.getAttribute('data-plots-ready')", timeout=30000)
            out = page.evaluate("""() => {
              const m = document.getElementById('map');
              const traces = [...m.querySelectorAll('g.trace.scattergeo')].map(g => [g, g.__data__[0].trace]);
              const pts = [];
              traces.filter(([g, t]) => ['threat', 'interceptor'].includes(t.legendgroup)).forEach(([g, t]) =>
                g.querySelectorAll('path.js-line').forEach(p => {
                  const L = p.getTotalLength(), c = p.getScreenCTM();
                  for (let s = 0; s <= L; s += 1.5) { const q = p.getPointAtLength(s);
                    pts.push([c.a * q.x + c.c * q.y + c.e, c.b * q.x + c.d * q.y + c.f]); } }));
              const labels = traces.filter(([g, t]) => t.meta !== 'scale-bar')
                .flatMap(([g, t]) => [...g.querySelectorAll('text')]).filter(e => e.textContent)
                .map(e => { const r = e.getBoundingClientRect();
                            return {text: e.textContent, x0: r.left, y0: r.top, x1: r.right, y1: r.bottom}; });
              const hits = labels.filter(b => pts.some(([x, y]) => x > b.x0 && x < b.x1 && y > b.y0 && y < b.y1))
                .map(b => b.text);
              const f = m.querySelector('.geo .bg rect').getBoundingClientRect();
              const l = m.querySelector('.legend').getBoundingClientRect();
              const apart = l.bottom <= f.top || l.top >= f.bottom || l.right <= f.left || l.left >= f.right;
              const note = [...m.querySelectorAll('.annotation-text')].map(e => e.textContent).join(' ');
              return {hits, shown: labels.map(b => b.text), n_labels: labels.length, n_points: pts.length, legend_apart: apart, note};
            }""")
        finally:
            browser.close()
    # 7 names: those with tracks on every side are left off the map and named above it instead
    names = {"Sinpo area", "Wonsan area", "Pyongyang area", "Busan", "Daegu", "Pyeongtaek", "THAAD Seongju"}
    shown = set(out["shown"])
    assert shown <= names and len(shown) >= 4 and out["n_points"] > 1000, out
    assert all(n in out["note"].split("not labelled")[-1] for n in names - shown), out
    assert out["hits"] == [], out
    assert out["legend_apart"], out
