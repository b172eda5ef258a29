"""`[analysis.strategic]` in a scenario: the same table as `thaadsim strategic` on the same inputs.

The scenario path (schema -> plan -> pipeline -> summary.json, report, strategic.csv/png) and the
command-line path are two front ends over one computation: they must give the same fractions and
rows, and the scenario's mistakes must be one-line errors naming the field.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

SCENARIO = """
[scenario]
name = "strategic-mini"
seed = 3

[[radars]]
id = "TPY-2"
radar = "tpy2-tm"
lat_deg = 35.95
lon_deg = 128.18
site_height_m = 680.0

[[batteries]]
id = "THAAD"
interceptor = "thaad"
lat_deg = 35.95
lon_deg = 128.18
alt_m = 680.0
radar = "TPY-2"

[[assets]]
name = "Seattle"
lat_deg = 47.61
lon_deg = -122.33

[[assets]]
name = "Honolulu"
lat_deg = 21.31
lon_deg = -157.86

[[launch_areas]]
name = "Jilin"
lat_deg = 43.9
lon_deg = 125.3

[[threats]]
missile = "df-31a"
launch_area = "Jilin"
aimpoint = "Seattle"

[montecarlo]
runs = 50

[analysis.strategic]
{extra}
"""


def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "thaadsim", *args], capture_output=True, text=True, cwd=cwd)


def test_scenario_table_equals_the_command_line_table(tmp_path):
    scn = tmp_path / "s.toml"
    scn.write_text(SCENARIO.format(extra='missile = "df-31a"'))
    r = _cli("run", str(scn), "--out", str(tmp_path / "out"), "--quiet")
    assert r.returncode == 0, r.stderr
    out = tmp_path / "out"
    assert (out / "strategic.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    summary = json.loads((out / "summary.json").read_text())
    # the scenario's [[launch_areas]] x [[assets]] are the pairs when no CSV is given
    (tmp_path / "a.csv").write_text("name,lat_deg,lon_deg\nJilin,43.9,125.3\n")
    (tmp_path / "t.csv").write_text("name,lat_deg,lon_deg\nSeattle,47.61,-122.33\nHonolulu,21.31,-157.86\n")
    c = _cli("strategic", "--site", "35.95,128.18,680", "--launch-areas", str(tmp_path / "a.csv"),
             "--targets", str(tmp_path / "t.csv"), "--missile", "df-31a", "--json")
    assert c.returncode == 0, c.stderr
    lines = [json.loads(x) for x in c.stdout.splitlines()]
    pairs = [x for x in lines if "target_name" in x]
    assert len(pairs) == len(summary["strategic"]["pairs"]) == 2
    for a, b in zip(summary["strategic"]["pairs"], pairs):
        assert a["target_name"] == b["target_name"]
        for key in ("range_km", "closest_approach_below_ceiling_km", "tm_track_s", "fbm_track_s",
                    "gbi_window_s_without_cue", "gbi_window_s_with_cue"):
            assert a[key] == pytest.approx(b[key], rel=1e-9, abs=1e-9), key
    assert any(s.startswith("Strategic table") for s in summary["answers"])
    assert "Strategic map" in (out / "report.html").read_text()


@pytest.mark.parametrize("extra, field", [
    ('site = "PAC-3"', "analysis.strategic.site"),
    ('missile = "df-99"', "analysis.strategic.missile"),
    ('face_az_deg = 400.0', "analysis.strategic.face_az_deg"),
    ('targets_csv = "missing.csv"', "targets"),
])
def test_scenario_mistakes_are_one_line_errors(tmp_path, extra, field):
    scn = tmp_path / "s.toml"
    scn.write_text(SCENARIO.format(extra=extra))
    r = _cli("run", str(scn), "--out", str(tmp_path / "out"), "--quiet")
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and field in lines[0], r.stderr
    assert not (tmp_path / "out" / "summary.json").exists()


def test_the_shipped_example_answers_the_table(tmp_path):
    shutil.copytree(EXAMPLES, tmp_path / "ex")
    r = _cli("run", str(tmp_path / "ex" / "strategic.toml"), "--out", str(tmp_path / "out"), "--quiet")
    assert r.returncode == 0, r.stderr
    s = json.loads((tmp_path / "out" / "summary.json").read_text())["strategic"]
    assert s["fractions"]["pairs"] == 49
    # the 2016 claim: THAAD at Seongju can engage none of these ICBMs
    assert s["fractions"]["engageable"] == 0.0
