"""``thaadsim radar`` run in-process: the JSON keys issue 3 lists, user radar files, and one-line errors.

The numbers are checked against the closed forms elsewhere (test_radar_against_textbook,
test_radar_horizon_against_references); here the authority is issue 3's interface: the keys, the
effective range being the smallest limit, and exit status 2 with one line on stderr for bad input.
"""

import json

import pytest

from thaadsim.cli import main
from user_radar import USER_RADAR_TOML as USER   # tests/ is on sys.path

RANGE_KEYS = ("detection_range_km", "horizon_range_km", "elevation_limited_range_km", "effective_range_km",
              "limited_by")
TRACK_KEYS = ("detected", "first_detection_s", "first_detection_alt_km", "track_time_s", "tracked_phases")


def run(args, capsys):
    with pytest.raises(SystemExit) as exc:
        main(args)
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def test_range_json_has_the_issue_keys(capsys):
    code, out, err = run(["radar", "--radar", "tpy2-tm", "--at", "35.95,128.18,675", "--face-az-deg", "315",
                          "--rcs-m2", "0.01", "--altitude-km", "300", "--json"], capsys)
    assert code == 0, err
    d = json.loads(out)
    for k in RANGE_KEYS + ("instrumented_range_km",):
        assert k in d
    limits = {"detection": d["detection_range_km"], "horizon": d["horizon_range_km"],
              "elevation": d["elevation_limited_range_km"], "instrumented": d["instrumented_range_km"]}
    assert d["effective_range_km"] == min(limits.values())
    assert limits[d["limited_by"]] == d["effective_range_km"]
    assert d["antenna_alt_m"] == 680.0 and d["mode"] == "track"


def test_search_mode_and_text_output(capsys):
    code, out, _ = run(["radar", "--radar", "tpy2-fbm", "--at", "35.95,128.18", "--face-az-deg", "315",
                        "--rcs-m2", "1", "--search", "--json"], capsys)
    track = json.loads(run(["radar", "--radar", "tpy2-fbm", "--at", "35.95,128.18", "--face-az-deg", "315",
                            "--rcs-m2", "1", "--json"], capsys)[1])
    d = json.loads(out)
    assert code == 0 and d["mode"] == "search" and d["site_height_m"] == 0.0
    assert d["detection_range_km"] < track["detection_range_km"]
    code, out, _ = run(["radar", "--radar", "tpy2-fbm", "--at", "35.95,128.18", "--face-az-deg", "315"], capsys)
    assert code == 0 and "effective range" in out and "limited by" in out


def test_user_radar_file_and_geojson(tmp_path, capsys):
    p = tmp_path / "my_radar.toml"
    p.write_text(USER)
    gj = tmp_path / "cov.geojson"
    code, out, err = run(["radar", "--radar-file", str(p), "--at", "35.95,128.18", "--face-az-deg", "0",
                          "--rcs-m2", "1", "--altitude-km", "100", "--geojson", str(gj), "--json"], capsys)
    assert code == 0, err
    d = json.loads(out)
    assert d["radar_id"] == "my-radar"
    feat = json.loads(gj.read_text())
    assert feat["type"] == "Feature" and feat["geometry"]["type"] == "Polygon"
    assert feat["properties"]["limited_by"] == d["limited_by"]


def test_missile_detection_summary(capsys):
    code, out, err = run(["radar", "--radar", "tpy2-fbm", "--at", "35.95,128.18,675", "--face-az-deg", "315",
                          "--missile", "hwasong-15", "--from", "39.0,125.7", "--to", "38.9,-77.0", "--json"], capsys)
    assert code == 0, err
    d = json.loads(out)
    for k in TRACK_KEYS:
        assert k in d
    assert d["detected"] is True and d["first_detection_s"] > 0 and d["track_time_s"] > 0
    assert "boost" in d["tracked_phases"]
    assert d["first_detection_s"] <= d["last_detection_s"] <= d["flight_time_s"]


BAD_POWER = USER.replace("average_power_kw = 10", "average_power_kw = -10")
BAD_SCAN = USER.replace("max_elevation_deg = 60", "max_elevation_deg = 0.5")
TWO_THRESHOLDS = USER + "pd = 0.9\npfa = 1e-6\n"


@pytest.mark.parametrize("args,needle", [
    (["--radar", "tpy-99", "--at", "35,128", "--face-az-deg", "0"], "unknown radar id"),
    (["--at", "35,128", "--face-az-deg", "0"], "--radar"),
    (["--radar", "tpy2-tm", "--radar-file", "x.toml", "--at", "35,128", "--face-az-deg", "0"], "--radar"),
    (["--radar", "tpy2-tm", "--at", "35", "--face-az-deg", "0"], "--at"),
    (["--radar", "tpy2-tm", "--at", "35,abc", "--face-az-deg", "0"], "--at"),
    (["--radar", "tpy2-tm", "--at", "35,128"], "--face-az-deg"),
    (["--radar", "tpy2-tm", "--at", "35,128", "--face-az-deg", "0", "--rcs-m2", "-1"], "--rcs-m2"),
    (["--radar", "tpy2-tm", "--at", "35,128", "--face-az-deg", "0", "--altitude-km", "nan"], "--altitude-km"),
    (["--radar", "tpy2-tm", "--at", "35,128", "--face-az-deg", "0", "--missile", "hwasong-15"], "--missile"),
    (["--radar", "tpy2-tm", "--at", "35,128", "--face-az-deg", "0", "--missile", "nope",
      "--from", "39,125.7", "--to", "35,139"], "nope"),
    (["--radar-file", "/nonexistent/r.toml", "--at", "35,128", "--face-az-deg", "0"], "does not exist"),
    (["--radar", "tpy2-tm", "--at", "35,128", "--face-az-deg", "0", "--missile", "nodong", "--from", "39,125.7",
      "--to", "35.1,129", "--shape", "lofted", "--apogee-km", "nan"], "--apogee-km"),
    ("BAD_POWER", "average_power_kw"),
    ("BAD_SCAN", "scan limits out of order"),
    ("TWO_THRESHOLDS", "not both"),
])
def test_bad_input_exits_2_with_one_line(args, needle, tmp_path, capsys):
    if isinstance(args, str):
        p = tmp_path / "bad.toml"
        p.write_text({"BAD_POWER": BAD_POWER, "BAD_SCAN": BAD_SCAN, "TWO_THRESHOLDS": TWO_THRESHOLDS}[args])
        args = ["--radar-file", str(p), "--at", "35,128", "--face-az-deg", "0"]
    code, out, err = run(["radar"] + args, capsys)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("error: ") and needle in err
    assert "Traceback" not in err


def test_unwritable_geojson_is_a_one_line_error(tmp_path, capsys):
    # a directory where the file should go: the write fails, the user gets one line, not a traceback
    code, out, err = run(["radar", "--radar", "tpy2-tm", "--at", "35,128", "--face-az-deg", "0",
                          "--geojson", str(tmp_path)], capsys)
    assert code == 2 and err.startswith("error: --geojson") and err.count("\n") == 1


def test_default_face_points_at_the_launch_point(capsys):
    # without --face-az-deg the face looks toward --from: the WGS84 geodesic azimuth (geographiclib)
    from geographiclib.geodesic import Geodesic

    code, out, err = run(["radar", "--radar", "tpy2-tm", "--at", "35.95,128.18", "--missile", "nodong",
                          "--from", "39.0,125.7", "--to", "35.1,129.0", "--json"], capsys)
    assert code == 0, err
    expect = Geodesic.WGS84.Inverse(35.95, 128.18, 39.0, 125.7)["azi1"] % 360.0
    assert json.loads(out)["face_az_deg"] == pytest.approx(expect, abs=1e-3)
