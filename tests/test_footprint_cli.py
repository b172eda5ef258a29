"""``thaadsim footprint`` from the command line: outputs that parse with their own libraries, and
user mistakes that end in one line on stderr with exit status 2 before anything is flown.

Outputs are read back by the libraries a user would open them with (``json``, ``xarray`` with
h5netcdf, ``shapely``, and the PNG signature of the PNG specification, ISO/IEC 15948 §5.2).
"""

import io
import json

import numpy as np
import pytest

import thaadsim.analysis.footprint_map as fpm
from thaadsim.cli import main

BASE = ["footprint", "--battery", "thaad", "--at", "35.95,128.18,680", "--missile", "nodong", "--from", "39.0,125.7",
        "--grid", "4", "--span-km", "400", "--workers", "1"]


def _run(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def test_json_and_out_dir(tmp_path, capsys):
    code, out, err = _run(BASE + ["--json", "--out", str(tmp_path / "fp")], capsys)
    assert code == 0, err
    s = json.loads(out)
    for key in ("defended_area_km2", "aimpoints", "aimpoints_defended", "aimpoints_reachable", "grid_n", "cell_km",
                "battery", "missile", "p_kill"):
        assert key in s
    assert s["aimpoints"] == 16 and s["grid_n"] == 4 and s["cell_km"] == pytest.approx(100.0)
    assert s["battery"][0]["face_az_deg"] == pytest.approx(327.9)   # toward the launch point, as engage says
    assert 0 < s["aimpoints_defended"] <= s["aimpoints_reachable"] <= 16
    d = tmp_path / "fp"
    assert sorted(p.name for p in d.iterdir()) == ["footprint.geojson", "footprint.json", "footprint.nc",
                                                   "footprint.png"]
    full = json.loads((d / "footprint.json").read_text())
    assert full["defended_area_km2"] == s["defended_area_km2"]
    pk = np.array(full["grid"]["p_kill"])
    assert pk.shape == (4, 4) and int((pk > 0).sum()) == s["aimpoints_defended"]
    import xarray as xr

    with xr.open_dataset(io.BytesIO((d / "footprint.nc").read_bytes()), engine="h5netcdf") as ds:
        assert ds["p_kill"].dims == ("y_km", "x_km")
        assert ds["y_km"].attrs["units"] == "km" and ds["earliest_launch_s"].attrs["units"] == "s"
        np.testing.assert_allclose(ds["p_kill"].values, pk, atol=1e-4)
    from shapely.geometry import shape

    gj = json.loads((d / "footprint.geojson").read_text())
    assert shape(gj["features"][0]["geometry"]).is_valid
    assert (d / "footprint.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plain_output_is_a_few_lines_in_words(capsys):
    code, out, err = _run(BASE, capsys)
    assert code == 0, err
    lines = out.strip().splitlines()
    assert 3 <= len(lines) <= 6
    assert "defended" in out and "km²" in out and "16 aimpoints" in out


@pytest.mark.parametrize("change, field", [
    ({"--grid": "1"}, "--grid"),
    ({"--grid": "201"}, "--grid"),
    ({"--grid": "ten"}, "--grid"),
    ({"--span-km": "0"}, "--span-km"),
    ({"--span-km": "nan"}, "--span-km"),
    ({"--span-km": "9000"}, "--span-km"),
    ({"--at": "95,128"}, "--at"),
    ({"--at": "35.95,128.18,99999"}, "--at"),
    ({"--from": "39.0"}, "--from"),
    ({"--missile": "nodongg"}, "--missile"),
    ({"--battery": "thad"}, "--battery"),
    ({"--workers": "0"}, "--workers"),
    ({"--sample-dt-s": "0"}, "--sample-dt-s"),
    ({"--pk": "1.5"}, "--pk"),
    ({"--apogee-km": "300"}, "--apogee-km"),       # min-energy shape takes no apogee
    ({"--radar": "tpy3"}, "--radar"),
])
def test_bad_inputs_exit_2_with_one_line_before_any_flight(change, field, capsys, monkeypatch):
    def no_flight(*_a, **_k):
        raise AssertionError("flew before checking the inputs")

    monkeypatch.setattr(fpm, "solve_aimpoints", no_flight)
    argv = list(BASE)
    for k, v in change.items():
        if k in argv:
            argv[argv.index(k) + 1] = v
        else:
            argv += [k, v]
    code, out, err = _run(argv, capsys)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:")
    assert field in lines[0] or field.lstrip("-") in lines[0]
    assert "Traceback" not in err


def test_unknown_ids_name_the_valid_ones(capsys):
    _, _, err = _run([a if a != "nodong" else "nodongg" for a in BASE], capsys)
    assert "nodong" in err.replace("'nodongg'", "") and "hwasong-15" in err
    _, _, err = _run([a if a != "thaad" else "thad" for a in BASE], capsys)
    assert "pac3-mse" in err and "thaad" in err.replace("'thad'", "")


def test_scenario_and_battery_are_exclusive(capsys, tmp_path):
    code, _, err = _run(BASE + ["--scenario", "examples/seongju.toml"], capsys)
    assert code == 2 and "--battery" in err and "--scenario" in err and len(err.strip().splitlines()) == 1
    argv = [a for a in BASE if a not in ("--battery", "thaad", "--at", "35.95,128.18,680")]
    code, _, err = _run(argv, capsys)
    assert code == 2 and "--battery" in err
    code, _, err = _run(argv + ["--scenario", str(tmp_path / "missing.toml")], capsys)
    assert code == 2 and "not found" in err and len(err.strip().splitlines()) == 1


def test_scenario_defence_combines_its_batteries_as_independent_layers(tmp_path, capsys):
    code, out, err = _run(["footprint", "--scenario", "examples/seongju.toml", "--missile", "nodong", "--from",
                           "39.0,125.7", "--grid", "3", "--span-km", "300", "--workers", "1", "--json", "--out",
                           str(tmp_path)], capsys)
    assert code == 0, err
    s = json.loads(out)
    assert len(s["battery"]) >= 2
    g = json.loads((tmp_path / "footprint.json").read_text())["grid"]
    per = np.array([g["p_kill_by_battery"][b["id"]] for b in s["battery"]])
    # probability that at least one independent layer kills: 1 - prod(1 - P_b)
    np.testing.assert_allclose(np.array(g["p_kill"]), 1.0 - np.prod(1.0 - per, axis=0), atol=2e-4)
    assert s["aimpoints_defended"] == int((np.array(g["p_kill"]) > 0).sum())


def test_scenarios_may_ask_for_grids_up_to_200():
    from pydantic import ValidationError

    from thaadsim.io.scenario_outputs import DefendedAreaRequest

    ok = DefendedAreaRequest(missile="nodong", launch_lat_deg=39.0, launch_lon_deg=125.7, grid_n=200)
    assert ok.grid_n == 200
    with pytest.raises(ValidationError):
        DefendedAreaRequest(missile="nodong", launch_lat_deg=39.0, launch_lon_deg=125.7, grid_n=201)
