"""Scenario-file mistakes are one ThaadsimError naming the file and the field path (the schema's
contract, src/thaadsim/io/scenario.py), also when a lower layer (radar catalog, flight targeting)
is the one that notices."""

import tomllib
from pathlib import Path

import pytest

from thaadsim.errors import ThaadsimError
from thaadsim.io.scenario_outputs import RunScenario
from thaadsim.io.scenario import scenario_from_dict

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "seongju.toml"


def _data():
    return tomllib.loads(EXAMPLE.read_text())


def _error(data, build=None) -> str:
    with pytest.raises(ThaadsimError) as ei:
        scn = scenario_from_dict(data, "my.toml", RunScenario)
        if build:
            build(scn)
    return str(ei.value)


@pytest.mark.parametrize("section,key", [("radars", "lat_deg"), ("radars", "face_az_deg"),
                                         ("batteries", "reload_time_s"), ("threats", "launch_time_s")])
@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_nan_and_inf_name_the_file_and_field(section, key, bad):
    d = _data()
    d[section][0][key] = bad
    msg = _error(d)
    assert msg.startswith(f"my.toml: {section}.0.{key}:"), msg
    assert "finite" in msg


def test_unknown_radar_id_names_the_file_and_radar_entry():
    d = _data()
    d["radars"][0]["radar"] = "tpy9"
    msg = _error(d, lambda s: s.build_batteries())
    assert msg.startswith("my.toml: radars.0"), msg
    assert "tpy9" in msg and "tpy2-tm" in msg


def test_target_out_of_reach_names_the_file_and_threat_entries():
    d = _data()
    busan = next(a for a in d["assets"] if a["name"] == "Busan")
    busan["lat_deg"] = -busan["lat_deg"]          # ~8,000 km away: beyond every DPRK missile in the file
    aimed = [i for i, t in enumerate(d["threats"]) if t.get("aimpoint") == "Busan"]
    msg = _error(d, lambda s: s.fly_threats())
    assert msg.startswith("my.toml: threats."), msg
    first = msg.split(":")[1]
    assert any(f"threats.{i}" in first for i in aimed), msg
    assert "maximum range" in msg or "reach" in msg


def test_defended_area_unknown_launch_area_names_the_file():
    d = _data()
    d["analysis"]["defended_area"][0]["launch_area"] = "Nowhere"
    msg = _error(d, lambda s: s.to_plan())
    assert msg.startswith("my.toml: analysis.defended_area.0.launch_area:"), msg


def test_radar_without_face_azimuth_faces_the_threats_as_documented():
    """The schema says an omitted [[radars]].face_az_deg means 'toward the threats'; it used to be
    north (0 deg). Reference: geographiclib's azimuth from the radar to the (single) launch area."""
    from geographiclib.geodesic import Geodesic

    d = _data()
    for r in d["radars"]:
        r.pop("face_az_deg", None)
    d["threats"] = [t for t in d["threats"] if t.get("launch_area") == "Wonsan area"]
    area = next(a for a in d["launch_areas"] if a["name"] == "Wonsan area")
    radar = d["radars"][0]
    ref = Geodesic.WGS84.Inverse(radar["lat_deg"], radar["lon_deg"], area["lat_deg"], area["lon_deg"])["azi1"] % 360
    scn = scenario_from_dict(d, "my.toml", RunScenario)
    plan = scn.to_plan()
    assert plan.radars[radar["id"]].face_az_deg == pytest.approx(ref, abs=1e-6)
    assert scn.build_batteries()[0].radar.face_az_deg == pytest.approx(ref, abs=1e-6)


def test_a_file_that_is_not_utf8_text_is_a_user_error(tmp_path):
    from thaadsim.io.scenario import load_scenario

    p = tmp_path / "latin1.toml"
    p.write_bytes('[scenario]\nname = "Dae\xe9gu"\n'.encode("latin-1"))     # tomllib: UnicodeDecodeError
    with pytest.raises(ThaadsimError) as ei:
        load_scenario(p)
    assert str(ei.value).startswith("latin1.toml: is not UTF-8")


@pytest.mark.parametrize("section,key", [("radars", "id"), ("batteries", "id"), ("assets", "name"),
                                         ("launch_areas", "name")])
@pytest.mark.parametrize("blank", ["", "   "])
def test_blank_ids_are_refused(section, key, blank):
    """An id of "" used to pass: the map showed an unlabelled site."""
    d = _data()
    d[section][0][key] = blank
    msg = _error(d)
    assert msg.startswith(f"my.toml: {section}.0.{key}:") and "must not be empty" in msg, msg


@pytest.mark.parametrize("text", ["", '[scenario]\nname = "radars only"\n\n[[radars]]\nid = "R"\nlat_deg = 36.0\n'
                                      'lon_deg = 128.2\n'])
def test_a_scenario_without_threats_is_refused_before_anything_runs(tmp_path, text):
    """An empty file used to run and write a report with no answers at all."""
    import subprocess
    import sys

    f = tmp_path / "s.toml"
    f.write_text(text)
    p = subprocess.run([sys.executable, "-m", "thaadsim", "run", str(f), "--out", str(tmp_path / "o"), "-q"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 2 and p.stderr.count("\n") == 1, p.stderr
    assert "s.toml: threats:" in p.stderr and "[[threats]]" in p.stderr
    assert not (tmp_path / "o").exists()


def test_a_directory_is_not_called_a_missing_file(tmp_path):
    from thaadsim import load_scenario

    with pytest.raises(ThaadsimError, match="is a directory"):
        load_scenario(tmp_path)


def test_a_target_on_the_launch_point_names_its_threat_entry():
    """The flight layer names this flight by its batch row ('row 0'); the message said only
    'threats', not which entry."""
    d = _data()
    d["threats"].append({"missile": "scud-b", "launch_lat_deg": 39.0, "launch_lon_deg": 125.7,
                         "aim_lat_deg": 39.0, "aim_lon_deg": 125.7})
    k = len(d["threats"]) - 1
    msg = _error(d, lambda s: s.fly_threats())
    assert msg.startswith(f"my.toml: threats.{k}:"), msg
