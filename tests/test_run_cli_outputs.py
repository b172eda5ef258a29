"""`thaadsim run` end to end on a small scenario, its outputs read back by independent parsers.

References used: the scenario file itself (launch/aim points, launch times, its sha256 by hashlib),
geographiclib for the launch-to-aimpoint distance, shapely/xml.etree/czml3 for the exports.
"""

import hashlib
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
from geographiclib.geodesic import Geodesic
from shapely.geometry import shape

import thaadsim

SCENARIO = """
[scenario]
name = "small"
seed = 5

[flight]
sample_dt_s = 2.0

[[radars]]
id = "TPY-2 Seongju"
radar = "tpy2-tm"
lat_deg = 36.0
lon_deg = 128.2
site_height_m = 680.0
face_az_deg = 325.0

[[batteries]]
id = "THAAD Seongju"
interceptor = "thaad"
lat_deg = 36.0
lon_deg = 128.2
alt_m = 680.0
radar = "TPY-2 Seongju"

[[assets]]
name = "Daegu"
lat_deg = 35.87
lon_deg = 128.60

[[launch_areas]]
name = "Wonsan area"
lat_deg = 39.15
lon_deg = 127.45

[[threats]]
missile = "scud-c"
launch_area = "Wonsan area"
aimpoint = "Daegu"
count = 2
launch_interval_s = 40.0

[montecarlo]
runs = 100

[analysis]
title = "Small test scenario"
coverage_alt_km = [100.0]
"""

FILES = ("summary.json", "report.html", "map.png", "events.jsonl", "scenario.geojson", "scenario.kml", "scenario.kmz",
         "scenario.czml")


def _thaadsim(*args):
    return subprocess.run([sys.executable, "-m", "thaadsim", *args], capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, PYTHONWARNINGS="ignore"))


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("run")
    scn = d / "small.toml"
    scn.write_text(SCENARIO)
    out = d / "out"
    p = _thaadsim("run", str(scn), "--out", str(out), "--quiet")
    assert p.returncode == 0, p.stderr
    assert p.stdout == ""                      # --quiet prints nothing
    return scn, out


def _strict(text):
    def bad(c):
        raise ValueError(f"non-standard JSON constant {c}")
    return json.loads(text, parse_constant=bad)


def test_every_output_is_written_and_no_temp_file_is_left(run_dir):
    _, out = run_dir
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(FILES)
    assert (out / "map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_summary_carries_version_hash_and_the_flown_geometry(run_dir):
    scn, out = run_dir
    s = _strict((out / "summary.json").read_text())
    assert s["thaadsim_version"] == thaadsim.__version__
    assert s["scenario"]["sha256"] == hashlib.sha256(scn.read_bytes()).hexdigest()
    assert s["missing"] == []
    assert len(s["threats"]) == 2
    ref = Geodesic.WGS84.Inverse(39.15, 127.45, 35.87, 128.60)["s12"] / 1e3
    for t in s["threats"]:
        assert t["range_km"] == pytest.approx(ref, abs=2.0)          # flew to the aimpoint
    assert [t["launch_time_s"] for t in s["threats"]] == [0.0, 40.0]
    assert s["raid"]["runs"] == 100 and 0.0 <= s["raid"]["p_no_leaker"] <= 1.0
    assert {e["battery_id"] for e in s["engagements"]} == {"THAAD Seongju"}
    assert s["answers"] and all(isinstance(a, str) for a in s["answers"])


def test_events_are_time_ordered_json_lines(run_dir):
    _, out = run_dir
    ev = [_strict(line) for line in (out / "events.jsonl").read_text().splitlines()]
    times = [e["time_s"] for e in ev]
    assert times == sorted(times)
    launches = sorted(e["time_s"] for e in ev if e["event"] == "threat_launch")
    assert launches == [0.0, 40.0]


def test_exports_parse_and_start_at_the_launch_area(run_dir):
    _, out = run_dir
    fc = json.loads((out / "scenario.geojson").read_text())
    lines = [shape(f["geometry"]) for f in fc["features"] if f["properties"]["kind"] == "threat"]
    assert len(lines) == 2
    for ln in lines:
        lon0, lat0, _ = ln.coords[0]
        lon1, lat1, _ = ln.coords[-1]
        assert (lat0, lon0) == pytest.approx((39.15, 127.45), abs=1e-3)
        assert (lat1, lon1) == pytest.approx((35.87, 128.60), abs=0.03)
    root = ET.parse(out / "scenario.kml").getroot()
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    names = {e.text for e in root.findall(".//k:Placemark/k:name", ns)}
    assert "Daegu" in names and "Wonsan area" in names
    from czml3 import Packet

    doc = json.loads((out / "scenario.czml").read_text())
    for pk in doc:
        Packet.model_validate(pk)
    assert sum(1 for pk in doc if pk["id"].startswith("track/")) == 2


def test_report_inlines_plotly_once_and_has_no_remote_script(run_dir):
    _, out = run_dir
    html = (out / "report.html").read_text()
    assert html.count("id='plotlyjs'") == 1                        # plotly.js, once (packed)
    assert "cdn.plot.ly" not in html                              # no script pulled from a CDN
    assert "<script src=" not in html
    assert "Small test scenario" in html


def test_user_error_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(SCENARIO.replace('title = "Small test scenario"', 'tittle = "typo"'))
    p = _thaadsim("run", str(bad), "--out", str(tmp_path / "o"), "--quiet")
    assert p.returncode == 2
    assert p.stderr.count("\n") == 1 and "analysis.tittle" in p.stderr and "Traceback" not in p.stderr
    assert not (tmp_path / "o").exists()


def test_python_api_returns_dataframes_and_plots(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    from thaadsim.io.scenario_outputs import load_run_scenario

    scn = tmp_path / "s.toml"
    scn.write_text(SCENARIO.replace("runs = 100", "runs = 20"))
    res = load_run_scenario(scn).run()
    assert list(res.threats["threat_id"]) == ["T01 scud-c→Daegu", "T02 scud-c→Daegu"]
    assert set(res.detections["radar_id"]) == {"TPY-2 Seongju"}
    assert res.raid_table is not None and len(res.raid_table) == 2
    fig = res.plot()
    assert len(fig.axes) == 2
    text = res.info()                      # the key answers in words, the report's opening
    eng = res.engagements
    assert eng["not_engageable_reason"].isna().equals(eng["engageable"].astype(bool))   # a reason iff not
    assert all(a in text for a in res.summary()["answers"])
    # a notebook user caches results with pickle/joblib: the plan held a lambda and could not pickle
    import pickle

    back = pickle.loads(pickle.dumps(res))
    pd.testing.assert_frame_equal(back.engagements, res.engagements)
    assert back.summary()["raid"] == res.summary()["raid"]


def test_a_failed_write_leaves_the_previous_run_whole(run_dir, tmp_path, monkeypatch):
    """POSIX rename semantics: staged files replace their targets only once all are staged. A
    failure while rendering or staging must leave every old file as it was and no temp file."""
    import shutil

    from thaadsim.io import atomic
    from thaadsim.io.scenario_outputs import load_run_scenario
    from thaadsim.report import map_png
    from thaadsim.report.outputs import write_outputs

    scn, out = run_dir
    old = tmp_path / "old"
    shutil.copytree(out, old)
    before = {p.name: p.read_bytes() for p in old.iterdir()}
    scenario = load_run_scenario(scn)
    scenario.montecarlo.runs = 10
    res = scenario.run()

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(map_png, "render_png", boom)          # fails while rendering
    with pytest.raises(OSError):
        write_outputs(res, old)
    assert {p.name: p.read_bytes() for p in old.iterdir()} == before
    monkeypatch.undo()

    real_fsync, calls = os.fsync, []

    def fsync_fails_on_the_fourth(fd):
        calls.append(fd)
        if len(calls) == 4:
            raise OSError(28, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(atomic.os, "fsync", fsync_fails_on_the_fourth)   # fails while staging
    with pytest.raises(OSError):
        write_outputs(res, old)
    assert {p.name: p.read_bytes() for p in old.iterdir()} == before


def test_unwritable_out_fails_before_the_run(tmp_path):
    """--out under a file, or in a directory we may not write into, is refused in one line before
    anything is simulated."""
    scn = tmp_path / "s.toml"
    scn.write_text(SCENARIO)
    (tmp_path / "afile").write_text("x")
    p = _thaadsim("run", str(scn), "--out", str(tmp_path / "afile" / "sub"), "--quiet")
    assert p.returncode == 2 and p.stderr.count("\n") == 1
    assert "--out" in p.stderr and "is a file" in p.stderr

    from thaadsim.io.atomic import unwritable_reason

    assert unwritable_reason(tmp_path / "new" / "deeper") is None
    assert "is a file" in unwritable_reason(tmp_path / "afile")
    if os.geteuid() != 0:                       # root ignores permission bits
        ro = tmp_path / "ro"
        ro.mkdir(mode=0o555)
        assert "not writable" in unwritable_reason(ro / "out")


def test_summary_holds_what_the_report_says(run_dir):
    """summary.json is the report in data: every answer, question, figure label and note shown in
    report.html is in it (its notes list used to be empty while the report showed four)."""
    import html as _html

    _, out = run_dir
    s = json.loads((out / "summary.json").read_text())
    page = _html.unescape((out / "report.html").read_text())
    assert s["notes"] and s["answers"]
    for text in s["notes"] + s["answers"] + s["questions"] + [f["label"] for f in s["figures"]]:
        assert text in page, text
    assert "Notes and assumptions" in page
