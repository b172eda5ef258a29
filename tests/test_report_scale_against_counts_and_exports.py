"""Reports that scale, checked by counting and by parsing the outputs with their own libraries.

* The stratified sample holds every stratum (while room remains) and every "must draw" index, by
  counting; the thinned track keeps the launch, impact and highest samples of the flown track.
* A 240-threat raid (above the 200-threat threshold) run end to end: the exports still hold every
  threat (GeoJSON read by ``json`` + shapely, KML by ``xml.etree``), each with at most the export
  budget of points; the report aggregates (per missile type, launch area, raid wave, asset, worst
  cases), draws at most the sample, and says so; summary.json keeps every threat.
"""

import json
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from shapely.geometry import shape

from thaadsim.analysis import scale
from thaadsim.analysis.objects import Track

N_EACH = 120

SCENARIO = f"""
[scenario]
name = "wide"
seed = 3
[flight]
sample_dt_s = 2.0
[[radars]]
id = "TPY-2"
radar = "tpy2-tm"
lat_deg = 36.0
lon_deg = 128.2
site_height_m = 680.0
face_az_deg = 325.0
[[batteries]]
id = "THAAD"
interceptor = "thaad"
lat_deg = 36.0
lon_deg = 128.2
alt_m = 680.0
radar = "TPY-2"
launchers = 6
interceptors_per_launcher = 8
[[assets]]
name = "Daegu"
lat_deg = 35.87
lon_deg = 128.60
[[assets]]
name = "Seoul"
lat_deg = 37.57
lon_deg = 126.98
[[launch_areas]]
name = "Wonsan area"
lat_deg = 39.15
lon_deg = 127.45
[[threats]]
missile = "scud-c"
launch_area = "Wonsan area"
aimpoint = "Daegu"
count = {N_EACH}
launch_interval_s = 5.0
[[threats]]
missile = "nodong"
launch_area = "Wonsan area"
aimpoint = "Seoul"
count = {N_EACH}
launch_time_s = 400.0
launch_interval_s = 5.0
[montecarlo]
runs = 40
"""


def test_stratified_sample_holds_every_stratum_and_the_must_draws():
    strata = ["a"] * 500 + ["b"] * 30 + ["c"] * 3 + ["d"]
    first = [7, 510]
    idx = scale.stratified_sample(strata, 20, first=first)
    assert len(idx) == 20 and len(set(idx)) == 20
    assert set(first) <= set(idx)
    assert {strata[i] for i in idx} == {"a", "b", "c", "d"}
    counts = {s: sum(strata[i] == s for i in idx) for s in "abcd"}
    assert counts["c"] == 3 and counts["d"] == 1          # small strata: all of them
    # the big stratum's picks are spread through it (its launch times), not its first items
    a = sorted(i for i in idx if strata[i] == "a")
    assert a[-1] - a[0] > 250
    assert np.array_equal(idx, scale.stratified_sample(strata, 20, first=first))   # deterministic
    assert np.array_equal(scale.stratified_sample(strata[:10], 20), np.arange(10))


def test_thinned_track_keeps_launch_impact_and_apogee():
    t = np.arange(0.0, 601.0)
    alt = 300e3 * np.sin(np.pi * t / 600.0) + 7.0 * (t == 301)     # the highest sample is not on the grid
    tr = Track("x", "x", t, np.linspace(39, 36, t.size), np.linspace(127, 128, t.size), alt)
    th = scale.thin_track(tr, 24)
    assert len(th.times_s) <= 25
    assert th.times_s[0] == 0.0 and th.times_s[-1] == 600.0
    assert th.alt_m.max() == alt.max()
    assert th.lat_deg[-1] == pytest.approx(36.0)


@pytest.fixture(scope="module")
def wide(tmp_path_factory):
    from thaadsim.cli import main

    d = tmp_path_factory.mktemp("wide")
    (d / "wide.toml").write_text(SCENARIO)
    with pytest.raises(SystemExit) as e:
        main(["run", str(d / "wide.toml"), "--out", str(d / "out"), "-q"])
    assert e.value.code == 0
    return d / "out"


def test_exports_hold_every_threat_with_thinned_samples(wide):
    gj = json.loads((wide / "scenario.geojson").read_text())
    tracks = [f for f in gj["features"] if f["properties"].get("kind") == "threat"]
    assert len(tracks) == 2 * N_EACH
    for f in tracks:
        g = shape(f["geometry"])
        assert g.is_valid and len(g.coords) <= scale.EXPORT_POINTS_PER_TRACK + 1
    kml = ET.parse(wide / "scenario.kml").getroot()
    ns = {"k": "http://www.opengis.net/kml/2.2", "gx": "http://www.google.com/kml/ext/2.2"}
    lines = kml.findall(".//gx:Track", ns)           # time-tagged tracks (issue 12): Google Earth animates them
    assert len(lines) >= 2 * N_EACH
    czml = json.loads((wide / "scenario.czml").read_text())
    assert sum(p["id"].startswith("track/") for p in czml) == 2 * N_EACH


def test_report_aggregates_samples_and_says_so(wide):
    html = (wide / "report.html").read_text()
    for title in ("By missile type", "By launch area", "By raid wave", "Defended assets, most expected leakers first",
                  "Worst cases"):
        assert title in html, title
    assert "Raid table (Monte Carlo, per threat)" not in html
    assert f"draw a stratified sample of {scale.MAX_DRAWN_TRACKS} threats" in html
    s = json.loads((wide / "summary.json").read_text())
    assert len(s["threats"]) == 2 * N_EACH and len(s["raid_per_threat"]) == 2 * N_EACH
    # threats named in the plots, the timeline and the tables: the drawn sample only (the key answers
    # name up to three examples of a reason a battery cannot engage: left out)
    import re

    body = html.split("<h2>Map</h2>", 1)[1]
    named = set(re.findall(r"T(\d{2,3}) (?:scud-c|nodong)", body))
    assert 0 < len(named) <= scale.MAX_DRAWN_TRACKS


def test_the_sample_drawn_is_the_stratified_one(wide):
    from thaadsim.io.scenario_outputs import load_run_scenario

    r = load_run_scenario(wide.parent / "wide.toml")
    r.montecarlo.runs = 20
    res = r.run()
    assert res.large
    drawn = res.drawn_threats()
    assert len(drawn) == scale.MAX_DRAWN_TRACKS
    assert {res.plan.threats[i].missile_id for i in drawn} == {"scud-c", "nodong"}
    tracks, _, _ = res.map_objects()
    assert len(tracks) == len(drawn)
    assert all(len(t.times_s) <= scale.REPORT_POINTS_PER_TRACK + 1 for t in tracks)
    worst = scale.worst_cases(scale.scale_frame(res.threats, res.detections, res.engagements, res.raid_table))
    assert set(worst) <= set(drawn)
