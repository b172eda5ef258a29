"""`thaadsim fly` as a user drives it: hostile inputs are one line on stderr and exit 2; physics
in the JSON is checked against closed forms (two-body escape speed, the ballistic apex height
v^2 sin^2(g) / 2g) and the phase events come out in flight order.
"""

import json
import math

import pytest
from click.testing import CliRunner

from thaadsim.cli.fly import fly
from thaadsim.earth.constants import SPHERE


def _run(args):
    res = CliRunner().invoke(fly, args)
    # a ThaadsimError is turned into one stderr line and exit 2 by the CLI entry point (cli.main);
    # through CliRunner it surfaces as the exception itself
    return res


def _user_error(args, field):
    from thaadsim.errors import ThaadsimError

    res = _run(args)
    assert isinstance(res.exception, ThaadsimError), res.output
    assert field in str(res.exception)
    assert "\n" not in str(res.exception)


KIN = ["--from", "0,0", "--azimuth-deg", "90"]


@pytest.mark.parametrize("extra, field", [
    (["--shape", "lofted"], "--shape"),
    (["--apogee-km", "500"], "--apogee-km"),
    (["--missile", "scud-b"], "--missile"),
    (["--to", "1,1"], "--to"),
])
def test_kinematic_flight_refuses_options_it_would_ignore(extra, field):
    _user_error(["--burnout-speed-kms", "7", "--burnout-angle-deg", "25"] + KIN + extra, field)


@pytest.mark.parametrize("extra, field", [
    (["--azimuth-deg", "30"], "--azimuth-deg"),
    (["--beta-kgm2", "5000"], "--beta-kgm2"),
    (["--burnout-altitude-km", "10"], "--burnout-altitude-km"),
])
def test_catalog_flight_refuses_kinematic_options(extra, field):
    _user_error(["--missile", "scud-b", "--from", "39,125.7", "--to", "38,127"] + extra, field)


def test_escape_speed_is_refused_and_named():
    """12 km/s is above escape speed sqrt(2 mu / R) = 11.19 km/s on the sphere."""
    v_esc = math.sqrt(2 * SPHERE.mu_m3s2 / SPHERE.a_m) / 1e3
    _user_error(["--burnout-speed-kms", "12", "--burnout-angle-deg", "25", "--earth", "sphere",
                 "--no-rotation"] + KIN, "escapes")
    # just below escape speed the arc is bound but its period (~60 h for a = R / (2 - 0.98^2 * 2)) is
    # far beyond the flight-time limit: not an escape, still no impact to report
    _user_error(["--burnout-speed-kms", f"{0.98 * v_esc:.4f}", "--burnout-angle-deg", "89", "--earth", "sphere",
                 "--no-rotation", "--no-atmosphere"] + KIN, "does not come down within")


def test_orbit_is_refused():
    """7.9 km/s horizontal at 300 km is above circular speed sqrt(mu / r) = 7.73 km/s: an orbit."""
    _user_error(["--burnout-speed-kms", "7.9", "--burnout-angle-deg", "0", "--burnout-altitude-km", "300",
                 "--earth", "sphere", "--no-rotation", "--no-atmosphere"] + KIN, "an orbit")


@pytest.mark.parametrize("angle", ["-10", "0"])
def test_burnout_on_the_ground_pointing_down_is_refused(angle):
    _user_error(["--burnout-speed-kms", "7", "--burnout-angle-deg", angle] + KIN, "burnout_angle_deg")


def test_very_slow_hop_lands_at_the_closed_form_apex():
    """10 m/s at 25 deg (vacuum, no rotation): apex v^2 sin^2 g / 2g = 0.91 m, range v^2 sin 2g / g = 7.8 m.

    It used to fall through the Earth (it never rose the 1 m the kernel waited for) and crash numba.
    """
    res = _run(["--burnout-speed-kms", "0.01", "--burnout-angle-deg", "25", "--earth", "sphere", "--no-rotation",
                "--no-atmosphere"] + KIN + ["--json"])
    assert res.exit_code == 0, res.output
    rec = json.loads(res.output)
    g = SPHERE.mu_m3s2 / SPHERE.a_m ** 2
    v, gam = 10.0, math.radians(25)
    assert rec["apogee_km"] * 1e3 == pytest.approx(v ** 2 * math.sin(gam) ** 2 / (2 * g), rel=1e-3)
    assert rec["range_km"] * 1e3 == pytest.approx(v ** 2 * math.sin(2 * gam) / g, rel=1e-3)


def test_json_phase_events_are_in_flight_order():
    res = _run(["--missile", "hwasong-15", "--from", "39.0,125.7", "--to", "38.9,-77.0", "--json"])
    assert res.exit_code == 0, res.output
    rec = json.loads(res.output)
    for key in ("range_km", "apogee_km", "flight_time_s", "impact_lat", "impact_lon", "burnout_speed_kms",
                "burnout_angle_deg", "burnout_altitude_km", "max_speed_kms"):
        assert rec[key] is not None
    stages = rec["stage_burnout_s"]
    assert len(stages) == 2
    order = [0.0, *stages, rec["apogee_s"], rec["reentry_100km_s"], rec["impact_s"]]
    assert all(a < b for a, b in zip(order, order[1:])), order
    assert rec["rv_separation_s"] == stages[-1]
    assert rec["impact_s"] == rec["flight_time_s"]


def _csv(tmp_path, text, name="t.csv", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return str(p)


def test_spreadsheet_csv_with_byte_order_mark_is_read(tmp_path):
    path = _csv(tmp_path, "\ufefflat,lon,name\n38.0,127.0,a\n\n37.6,126.9,b\n")
    res = _run(["--missile", "scud-b", "--from", "39,125.7", "--targets-csv", path, "--json"])
    assert res.exit_code == 0, res.output
    recs = [json.loads(line) for line in res.output.splitlines()]
    assert [(r["target_lat"], r["target_lon"]) for r in recs] == [(38.0, 127.0), (37.6, 126.9)]
    assert all(r["miss_km"] < 1.0 for r in recs)


@pytest.mark.parametrize("content, field", [
    (b"\x00\xff\xfe\x00", "UTF-8"),
    ("lat,lon\n38.0\n", "line 2: has no lon"),
    ("lat,lon\n38.0,127\n\n38.1,\n", "line 4: has no lon"),       # the file's line, blank lines counted
    ("lat,lon\n38.0,nan\n", "non-finite"),
    ("lat,lon\n", "no rows"),
    ("", "columns"),
    ("latitude,longitude\n38,127\n", "columns"),
])
def test_bad_targets_csv_is_one_line_naming_the_problem(tmp_path, content, field):
    path = _csv(tmp_path, content)
    _user_error(["--missile", "scud-b", "--from", "39,125.7", "--targets-csv", path], field)


def test_targets_csv_that_is_a_directory(tmp_path):
    _user_error(["--missile", "scud-b", "--from", "39,125.7", "--targets-csv", str(tmp_path)], "directory")


def test_an_unreachable_target_in_a_csv_is_named_by_its_line(tmp_path):
    # in a file of thousands of targets the user needs the line, not the batch row or the coordinates
    csv = tmp_path / "t.csv"
    csv.write_text("lat,lon\n35.1,129.0\n\n10.0,-150.0\n")            # line 4, after a blank line
    _user_error(["--missile", "nodong", "--from", "39.0,125.7", "--targets-csv", str(csv)], f"{csv} line 4")


def test_a_single_target_on_the_launch_point_names_to_not_a_row():
    res = _run(["--missile", "nodong", "--from", "39.0,125.7", "--to", "39.0,125.7"])
    assert str(res.exception).startswith("--to: ") and "row" not in str(res.exception)


def test_a_name_column_in_the_targets_csv_is_carried_to_each_line(tmp_path):
    csv = tmp_path / "t.csv"
    csv.write_text("name,lat,lon\nBusan,35.1,129.0\n,35.87,128.6\n")
    res = _run(["--missile", "nodong", "--from", "39.0,125.7", "--targets-csv", str(csv), "--json"])
    lines = [json.loads(x) for x in res.output.splitlines()]
    assert [x["target_name"] for x in lines] == ["Busan", None]
    assert [round(x["target_lat"], 2) for x in lines] == [35.1, 35.87]


def test_targeting_errors_name_the_option_the_user_typed():
    res = _run(["--missile", "nodong", "--from", "39.0,125.7", "--to", "35.1,129.0", "--shape", "lofted",
                "--apogee-km", "50"])
    assert str(res.exception).startswith("--apogee-km: ")
