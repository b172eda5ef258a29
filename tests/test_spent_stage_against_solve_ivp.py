"""Spent final stages (issue 10, Deliver 4) against an independent integration and the issue's case.

Authorities
-----------
* The stage's trajectory: SciPy's DOP853 (``solve_ivp``) on the same equations of motion written again
  here -- J2 gravity (Vallado eq. 8-30), drag (rho |v_rel| / 2) v_rel / beta in the co-rotating air,
  geodetic altitude through PROJ (pyproj) and density from the public USSA-76 function -- from the
  same separation state. None of the engine's kernel, lookup table or event code is used.
* The issue's forward-based case (issue 10, Why 5): DF-41 -> Seattle, the TPY-2 in forward-based mode at
  Seongju facing Manchuria: the missile's track ends at ~240 s, while the objects stay visible to
  ~340 s. With the spent stage as a second object the threat's track now runs to about 340 s.
* The estimate's arithmetic: the numbers in spent_stages.toml follow from the formulas its header
  and thaadsim.flight.spent_stage state, applied to the inputs each entry records.

The DOP853 comparison is :func:`thaadsim.validation.rotation.spent_stage_coast_against_dop853` (the rows
``thaadsim validate`` prints: impact within 0.01 s and 5 m); the radar, scenario and data-file tests stay here.
"""

import json
import math
import tomllib
from importlib import resources

import pytest

from _validation import assert_rows_pass, params
from thaadsim.flight import fly_targeted
from thaadsim.flight.spent_stage import fly_spent_stages, spent_stage_for
from thaadsim.validation import rotation as vrot

JILIN, SEATTLE, SEONGJU = (43.9, 125.3), (47.61, -122.33), "36.0,128.2,680"


@pytest.mark.parametrize("check", params(vrot.spent_stage_coast_against_dop853))
def test_stage_trajectory_matches_an_independent_dop853_coast(check):
    assert_rows_pass(check)


def test_stage_with_the_rvs_beta_flies_the_rvs_path():
    # the separation state is the RV's own: with the RV's ballistic coefficient the two coincide
    from thaadsim.flight import load_missile

    batch = fly_targeted("df-41", *JILIN, *SEATTLE)
    same, _ = fly_spent_stages(batch, beta_kgm2=load_missile("df-41").rv.beta_kgm2)
    assert same.impact_s[0] == pytest.approx(batch.impact_s[0], abs=1e-3)
    assert same.impact_lat_deg[0] == pytest.approx(batch.impact_lat_deg[0], abs=1e-6)
    assert same.impact_lon_deg[0] == pytest.approx(batch.impact_lon_deg[0], abs=1e-6)


def _radar_json(capsys, *args):
    from thaadsim.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["radar", "--radar", "tpy2-fbm", "--at", SEONGJU, "--face-az-deg", "350", "--json", *args])
    out = capsys.readouterr()
    assert exc.value.code == 0, out.err
    return json.loads(out.out)


def test_issue_case_df41_to_seattle_track_continues_until_the_objects_leave_view(capsys):
    d = _radar_json(capsys, "--missile", "df-41", "--from", "43.9,125.3", "--to", "47.61,-122.33")
    assert d["last_detection_s"] == pytest.approx(240, abs=15)             # the missile (booster, RV) alone
    st = d["spent_stage"]
    assert st["detected"] and st["separation_s"] == pytest.approx(d["track_intervals_s"][0][1], abs=45)
    assert d["threat_last_detection_s"] == pytest.approx(340, abs=20)      # "~340 s in the issue"
    assert d["threat_track_intervals_s"][0][0] == d["first_detection_s"]
    # the union of the two objects' intervals: one continuous track from first detection to ~340 s
    assert len(d["threat_track_intervals_s"]) == 1
    # a smaller stage (RV-sized) is lost as early as the RV: the stage's RCS is what holds the track
    small = _radar_json(capsys, "--missile", "df-41", "--from", "43.9,125.3", "--to", "47.61,-122.33",
                        "--stage-rcs-m2", "0.05")
    assert small["threat_last_detection_s"] < d["threat_last_detection_s"] - 60


def test_missile_that_keeps_its_warhead_has_no_second_object(capsys):
    assert not spent_stage_for("scud-b").separates
    d = _radar_json(capsys, "--missile", "scud-b", "--from", "39.0,125.7", "--to", "38.5,127.0")
    assert d["spent_stage"] is None


def test_data_file_values_follow_the_stated_formulas():
    raw = tomllib.loads((resources.files("thaadsim") / "data" / "catalog" / "spent_stages.toml").read_text())
    density = {"solid": 1750.0, "liquid": 1200.0}
    for mid, e in raw.items():
        assert "estimate" in e, mid                     # every entry says it is an estimate
        if not e["separates"]:
            continue
        a = e["diameter_m"] / 2
        length = 1.4 * e["propellant_mass_kg"] / (density[e["propellant"]] * math.pi * a * a)
        quarter = (math.pi * a * a + math.pi * a * length) / 2
        assert e["length_m"] == pytest.approx(length, abs=0.006), mid
        assert e["rcs_m2"] == pytest.approx(quarter, abs=0.006), mid
        assert e["beta_kgm2"] == pytest.approx(e["dry_mass_kg"] / quarter, abs=0.6), mid


SCENARIO = {
    "scenario": {"name": "df41-seattle", "seed": 1},
    "flight": {"sample_dt_s": 2.0},
    "radars": [{"id": "FBM", "radar": "tpy2-fbm", "lat_deg": 36.0, "lon_deg": 128.2, "site_height_m": 680.0,
                "face_az_deg": 350.0}],
    "assets": [{"name": "Seattle", "lat_deg": 47.61, "lon_deg": -122.33}],
    "launch_areas": [{"name": "Jilin", "lat_deg": 43.9, "lon_deg": 125.3}],
    "threats": [{"missile": "df-41", "launch_area": "Jilin", "aimpoint": "Seattle", "launch_time_s": 30.0}],
}


def test_scenario_lists_the_stage_as_the_threats_second_object():
    # detections table, timeline and report of `thaadsim run` on the issue's case, on the scenario clock
    from thaadsim.analysis.pipeline import run_plan
    from thaadsim.io.scenario import scenario_from_dict
    from thaadsim.io.scenario_outputs import RunScenario

    res = run_plan(scenario_from_dict(SCENARIO, "df41.toml", RunScenario).to_plan()).finalize()
    sd = res.stage_detections
    assert list(sd["object"]) == ["spent stage"] and bool(sd["detected"].iloc[0])
    assert sd["last_detection_s"].iloc[0] == pytest.approx(340, abs=20)
    assert sd["last_detection_scenario_s"].iloc[0] == pytest.approx(sd["last_detection_s"].iloc[0] + 30.0)
    assert sd["threat_id"].iloc[0] == res.detections["threat_id"].iloc[0]
    tl = res.timeline()
    bars = tl[tl["text"] == "spent stage tracked by FBM"]
    assert len(bars) == 1 and bars["row"].iloc[0] == res.detections["threat_id"].iloc[0]
    assert bars["end_s"].iloc[0] == pytest.approx(sd["last_detection_scenario_s"].iloc[0])
    assert any("spent final stage" in a for a in res.answers)
    assert res.summary()["stage_detections"][0]["object"] == "spent stage"      # summary.json
    titles = [t for t, _ in res.report_content().tables]
    table = dict(res.report_content().tables)[next(t for t in titles if t.startswith("Radar detections"))]
    assert set(table["object"]) == {"missile (booster, then RV)", "spent stage"}
