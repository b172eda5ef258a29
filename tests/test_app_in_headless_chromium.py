"""``thaadsim app`` driven in a real headless browser (Debian Chromium through Playwright).

What a user does, checked against what must follow:

* the page loads from the local server with no request anywhere else (every other request is
  aborted and counted) and no console or page error;
* removing the two lofted threats says "flying" while their replacements' raid is flown, then
  answers;
* moving THAAD and its radar by clicking the map changes the engagement table and P(no leaker);
* turning the radar face to 20 deg moves the drawn coverage (plotly's own ``gd.data``): its
  centroid's bearing from the site, by pyproj's Geod, follows the face;
* choosing each of the scenario's questions switches the page to the view it names: the raid
  question shows the raid and its P(no leaker) (the Wilson interval under it recomputed here from
  the closed form), the coverage question draws only the coverage at its altitude, whose area in the
  answer is the polygon's geodesic area by pyproj, the footprint question computes the footprint;
* dragging THAAD's ring on the map (real mouse events on plotly's draggable shape) moves THAAD and
  its radar to where the mouse let go (pixels converted by plotly's own axes) and changes the answers;
* a drag the server refuses leaves one line in the page and the ring back at the site in force;
* "Save as scenario" writes a file that ``thaadsim run`` (its own process) turns into exactly the
  P(no leaker), expected leakers and engagement windows the page shows.
"""

import json
import math
import os
import socket
import subprocess
import sys
import threading
import time
from importlib import resources

import pytest
from pyproj import Geod
from shapely.geometry import Polygon

from _browser import CHROMIUM, LAUNCH_ARGS, requires_chromium

pytestmark = requires_chromium

SEONGJU = str(resources.files("thaadsim") / "data" / "examples" / "seongju.toml")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def app_url(tmp_path):
    import uvicorn

    from thaadsim.app.server import create_app
    from thaadsim.app.session import AppSession

    session = AppSession(SEONGJU)
    session.start_flight(wait=True)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(session, tmp_path, tmp_path / "reports"), host="127.0.0.1",
                                           port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    t0 = time.monotonic()
    while not server.started:
        assert time.monotonic() - t0 < 20 and thread.is_alive(), "the app server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/"
    server.should_exit = True
    thread.join(10)


def _wait_new_answers(page, version):
    page.wait_for_function(f"() => window.thaadsimApp.version > {version}", timeout=30000)
    return page.evaluate("() => window.thaadsimApp.version")


def _coverage_centroids(page):
    traces = page.evaluate("() => document.getElementById('map').data.filter(t => t.meta === 'coverage')"
                           ".map(t => [t.x, t.y])")
    out = []
    for x, y in traces:
        pts = [(a, b) for a, b in zip(x, y) if a is not None]
        out.append(Polygon(pts).centroid)
    return out


def _wilson(successes: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval (Wilson 1927, J. Am. Stat. Assoc. 22:209), closed form."""
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def test_app_in_headless_chromium(app_url, tmp_path):
    from playwright.sync_api import sync_playwright

    external, errors = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 950})

            refuse_next_change = []

            def route(r):
                if refuse_next_change and r.request.url.endswith("/api/change"):
                    refuse_next_change.clear()    # as the server refuses a bad change: status 400, one line
                    r.fulfill(status=400, content_type="application/json",
                              body=json.dumps({"error": "batteries.0.lat_deg: refused by the test"}))
                elif r.request.url.startswith((app_url, "data:", "blob:", "about:")):
                    r.continue_()
                else:
                    external.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(app_url, wait_until="load")
            v = _wait_new_answers(page, 0)
            assert page.evaluate("() => document.getElementById('map').data.length") > 5

            # remove the lofted Musudan, then the lofted Nodong (each needs new flights)
            page.evaluate("""() => { window.statusSeen = []; const el = document.getElementById('status');
                new MutationObserver(() => window.statusSeen.push(el.textContent))
                    .observe(el, {childList: true, characterData: true, subtree: true}); }""")
            for index in (4, 3):
                page.click(f"#threat-remove-{index}")
                v = _wait_new_answers(page, v)
            assert page.locator("#threats .site").count() == 4
            assert any(t.startswith("flying 7 threats") for t in page.evaluate("() => window.statusSeen"))

            p_before = page.inner_text("#p-no-leaker")
            eng_before = page.inner_text("#engagements")
            cov_before = _coverage_centroids(page)

            # move THAAD (and its radar, at the same site) by clicking the map at 35.5 N, 128.9 E
            page.select_option("#move-target", "battery:0")
            page.click("#place")
            x, y = page.evaluate("""([lat, lon]) => { const fl = document.getElementById('map')._fullLayout;
                return [fl.xaxis.l2p(lon), fl.yaxis.l2p(lat)]; }""", [35.5, 128.9])
            page.locator("#overlay").click(position={"x": x, "y": y})
            v = _wait_new_answers(page, v)
            lat = float(page.input_value("#battery-0-lat"))
            lon = float(page.input_value("#battery-0-lon"))
            assert abs(lat - 35.5) < 0.05 and abs(lon - 128.9) < 0.05
            assert float(page.input_value("#radar-0-lat")) == lat
            assert page.inner_text("#p-no-leaker") != p_before
            assert page.inner_text("#engagements") != eng_before

            # turn the radar face from 325 deg to 20 deg: the coverage turns with it
            cov_moved = _coverage_centroids(page)
            page.fill("#radar-0-face", "20")
            page.press("#radar-0-face", "Tab")
            v = _wait_new_answers(page, v)
            cov_turned = _coverage_centroids(page)
            geod = Geod(ellps="WGS84")
            for before, after in zip(cov_moved, cov_turned):
                az_before = geod.inv(lon, lat, before.x, before.y)[0]
                az_after = geod.inv(lon, lat, after.x, after.y)[0]
                assert abs((az_before - 325 + 180) % 360 - 180) < 2 and abs((az_after - 20 + 180) % 360 - 180) < 2
            assert len(cov_before) == len(cov_turned) == 2

            # the scenario's questions: each switches the page to the view it names, with its answer
            questions = page.evaluate("() => window.thaadsimApp.layout.questions")
            assert [q["view"] for q in questions] == ["detections", "engagement_windows", "raid", "coverage", "footprint"]
            visible = lambda: {v: page.is_visible(f"#view-{v}") for v in
                               ("raid", "engagement_windows", "detections", "answers", "strategic")}
            page.select_option("#question", "2")
            assert page.url.endswith("#q3")            # the address names the open question
            assert visible() == {"raid": True, "engagement_windows": False, "detections": False, "answers": False,
                                 "strategic": False}
            raid = page.evaluate("() => window.thaadsimApp.answers.raid")
            text = page.inner_text("#question-answer")
            assert f"P(no leaker) = {raid['p_no_leaker']:.3f}" in text
            lo, hi = _wilson(round(raid["p_no_leaker"] * raid["runs"]), raid["runs"])
            assert f"95 % interval {lo:.3f}–{hi:.3f}" in text

            page.select_option("#question", "1")
            assert visible()["engagement_windows"] and not visible()["raid"]
            assert "Battery THAAD Seongju can engage" in page.inner_text("#question-answer")

            page.select_option("#question", "3")       # coverage at 150 km only
            drawn = page.evaluate("() => document.getElementById('map').data.filter(t => t.meta === 'coverage')"
                                  ".map(t => [t.name, t.x, t.y])")
            assert [name for name, _, _ in drawn] == ["coverage TPY-2 Seongju at 150 km"]
            pts = [(a, b) for a, b in zip(drawn[0][1], drawn[0][2]) if a is not None]
            area_km2 = abs(geod.polygon_area_perimeter([a for a, _ in pts], [b for _, b in pts])[0]) / 1e6
            shown_km2 = float(page.inner_text("#question-answer").split(" covers ")[1].split(" km²")[0].replace(",", ""))
            assert math.isclose(shown_km2, area_km2, rel_tol=0.005), (shown_km2, area_km2)

            page.select_option("#question", "4")       # the footprint: computed on request, then drawn
            page.wait_for_function("() => document.getElementById('question-answer').textContent.includes('km² defended')",
                                   timeout=60000)
            assert page.evaluate("() => document.getElementById('map').data.some(t => t.meta === 'footprint')")
            page.select_option("#question", "-1")
            assert all(v for k, v in visible().items() if k != "strategic")

            # drag THAAD's ring (its radar stands on the same site and moves with it) to 35.8 N, 128.4 E
            p_before, eng_before = page.inner_text("#p-no-leaker"), page.inner_text("#engagements")
            (x0, y0), (x1, y1) = [page.evaluate("""([lat, lon]) => { const gd = document.getElementById('map');
                const fl = gd._fullLayout, box = gd.getBoundingClientRect();
                return [box.left + fl.xaxis._offset + fl.xaxis.l2p(lon), box.top + fl.yaxis._offset + fl.yaxis.l2p(lat)]; }""",
                                                  pt) for pt in ([lat, lon], [35.8, 128.4])]
            page.mouse.move(x0, y0)
            page.mouse.down()
            page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, steps=4)
            page.mouse.move(x1, y1, steps=4)
            page.mouse.up()
            v = _wait_new_answers(page, v)
            lat, lon = float(page.input_value("#battery-0-lat")), float(page.input_value("#battery-0-lon"))
            assert abs(lat - 35.8) < 0.05 and abs(lon - 128.4) < 0.05, (lat, lon)
            assert (float(page.input_value("#radar-0-lat")), float(page.input_value("#radar-0-lon"))) == (lat, lon)
            assert page.inner_text("#p-no-leaker") != p_before or page.inner_text("#engagements") != eng_before

            # a refused drag: one line in the page, and THAAD's ring goes back to the site in force
            refuse_next_change.append(True)
            page.mouse.move(x1, y1)
            page.mouse.down()
            page.mouse.move(x0, y0, steps=6)
            page.mouse.up()
            page.wait_for_function("() => document.getElementById('error').textContent.includes('refused by the test')")
            ring = page.evaluate("() => document.getElementById('map').layout.shapes.find(s => s.name === 'battery:0')")
            assert (ring["yanchor"], ring["xanchor"]) == (lat, lon)
            assert (float(page.input_value("#battery-0-lat")), float(page.input_value("#battery-0-lon"))) == (lat, lon)

            # a bad number is one line in the page, and the answers stay
            page.fill("#battery-0-pk", "1.5")
            page.press("#battery-0-pk", "Tab")
            page.wait_for_function("() => document.getElementById('error').textContent.includes('pk')")
            assert "\n" not in page.inner_text("#error") and "Traceback" not in page.content()

            page.fill("#save-name", "browser_layout")
            page.click("#save")
            page.wait_for_selector("#saved-path")
            saved = page.inner_text("#saved-path")
            shown = page.evaluate("() => window.thaadsimApp.answers")
            page.screenshot(path=str(tmp_path / "app.png"))
        finally:
            browser.close()
    errors = [e for e in errors if "status of 400" not in e]   # the refused Pk above, by design
    assert not external, external
    assert not errors, errors

    out = tmp_path / "run"
    proc = subprocess.run([sys.executable, "-m", "thaadsim", "run", saved, "--out", str(out), "-q"],
                          capture_output=True, text=True, timeout=300, env=dict(os.environ, NUMBA_NUM_THREADS="1"))
    assert proc.returncode == 0, proc.stderr
    run = json.loads((out / "summary.json").read_text())
    assert shown["raid"]["p_no_leaker"] == run["raid"]["p_no_leaker"]
    assert shown["raid"]["expected_leakers"] == run["raid"]["expected_leakers"]
    run_eng = {(e["threat_id"], e["battery_id"]): e for e in run["engagements"]}
    assert len(run_eng) == len(shown["engagements"])
    for e in shown["engagements"]:
        x = run_eng[(e["threat_id"], e["battery_id"])]
        assert e["engageable"] == x["engageable"]
        if e["engageable"]:
            assert math.isclose(e["earliest_intercept_s"], x["earliest_intercept_s"], abs_tol=0.05)
            assert math.isclose(e["latest_intercept_s"], x["latest_intercept_s"], abs_tol=0.05)
