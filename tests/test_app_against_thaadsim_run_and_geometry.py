"""The app's engine (thaadsim.app.session) against two authorities.

* ``thaadsim run``: a layout changed in the app (battery moved, radar turned, interceptor
  inventory changed, a threat removed) and saved as a scenario file gives, run by the CLI in its
  own process, exactly the numbers the app showed: engagement windows, first detections, every
  raid figure (same flights, same plan, same seed and runs), each linked question's answer line,
  and the defended footprint the app computes on request.
* geometry: a radar face's coverage sector is centred on its face azimuth, so turning the face by
  Δ turns the drawn coverage by Δ about the site (its centroid's geodesic azimuth from the site,
  by pyproj's Geod, is the face azimuth); moving a battery and its radar moves the coverage by
  the same geodesic displacement.

And the boundary: every refused change names its field, and leaves the layout as it was.
"""

import json
import math
import os
import subprocess
import sys
import tomllib
from importlib import resources

import pytest
from pyproj import Geod
from shapely.geometry import Polygon

from thaadsim.app.session import AppSession
from thaadsim.errors import ThaadsimError

SEONGJU = str(resources.files("thaadsim") / "data" / "examples" / "seongju.toml")
GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def session():
    s = AppSession(SEONGJU)
    s.start_flight(wait=True)
    return s


def _centroid(c):
    lon = [v for v in c["lon"] if v is not None]
    lat = [v for v in c["lat"] if v is not None]
    return Polygon(list(zip(lon, lat))).centroid


def test_coverage_sector_turns_with_the_face_azimuth(session):
    session.change([{"path": "radars.0.face_az_deg", "value": 325.0}])
    for face in (325.0, 20.0, 250.0):
        session.change([{"path": "radars.0.face_az_deg", "value": face}])
        a = session.compute()
        r = session.layout()["radars"][0]
        for c in a["coverage"]:
            cen = _centroid(c)
            az, _, _ = GEOD.inv(r["lon_deg"], r["lat_deg"], cen.x, cen.y)
            # the sector is symmetric about the face, so its centroid lies on the face's bearing
            # (to within the lon/lat centroid's distortion, ~1 deg at these ranges)
            assert abs((az - face + 180.0) % 360.0 - 180.0) < 1.5, (face, c["alt_km"], az)
    session.change([{"path": "radars.0.face_az_deg", "value": 325.0}])


def test_moving_battery_and_radar_moves_coverage_by_the_same_displacement(session):
    before = session.compute()["coverage"]
    moves = [{"path": p, "value": v} for p, v in (("batteries.0.lat_deg", 35.5), ("batteries.0.lon_deg", 128.9),
                                                   ("radars.0.lat_deg", 35.5), ("radars.0.lon_deg", 128.9))]
    session.change(moves)
    after = session.compute()["coverage"]
    az_site, _, d_site = GEOD.inv(128.2, 36.0, 128.9, 35.5)
    for b, c in zip(before, after):
        p0, p1 = _centroid(b), _centroid(c)
        az, _, d = GEOD.inv(p0.x, p0.y, p1.x, p1.y)
        assert abs(d - d_site) < 0.03 * d_site and abs((az - az_site + 180) % 360 - 180) < 5
    session.change([{"path": p, "value": v} for p, v in (("batteries.0.lat_deg", 36.0), ("batteries.0.lon_deg", 128.2),
                                                         ("radars.0.lat_deg", 36.0), ("radars.0.lon_deg", 128.2))])


@pytest.mark.parametrize("changes, field", [
    ([{"path": "batteries.0.lat_deg", "value": 95.0}], "batteries.0.lat_deg"),
    ([{"path": "batteries.0.lat_deg", "value": float("nan")}], "batteries.0.lat_deg"),
    ([{"path": "batteries.0.lat_deg", "value": "north"}], "batteries.0.lat_deg"),
    ([{"path": "radars.0.face_az_deg", "value": 360.0}], "radars.0.face_az_deg"),
    ([{"path": "batteries.0.interceptor", "value": "s-400"}], "batteries.0.interceptor"),
    ([{"path": "batteries.0.launchers", "value": 0}], "batteries.0.launchers"),
    ([{"path": "batteries.7.pk", "value": 0.5}], "batteries.7.pk"),
    ([{"path": "montecarlo.seed", "value": 3}], "montecarlo.seed"),
    ([{"path": "batteries.0.alt_m.x", "value": 3}], "batteries.0.alt_m.x"),
    ([{"path": "doctrine.mode", "value": "shoot-twice"}], "doctrine.mode"),
    # the coverage question asks at 150 km: dropping that altitude would leave it unanswered
    ([{"path": "analysis.coverage_alt_km", "value": [40.0]}], "analysis.questions.3.alt_km"),
    ([{"path": "analysis.questions", "value": []}], "analysis.questions"),
    ([], "changes"),
])
def test_refused_changes_name_the_field_and_leave_the_layout(session, changes, field):
    before = json.dumps(session.data, sort_keys=True)
    with pytest.raises(ThaadsimError) as exc:
        session.change(changes)
    assert field in exc.value.field and exc.value.problem
    assert json.dumps(session.data, sort_keys=True) == before


def test_refused_threat_and_save_name(session, tmp_path):
    with pytest.raises(ThaadsimError, match="threats.6"):
        session.add_threat({"missile": "nodong", "launch_area": "Nowhere", "aimpoint": "Busan"})
    with pytest.raises(ThaadsimError, match="missile"):
        session.add_threat({"missile": "v-2", "launch_area": "Wonsan area", "aimpoint": "Busan"})
    with pytest.raises(ThaadsimError, match="threat"):
        session.remove_threat(99)
    with pytest.raises(ThaadsimError, match="file name"):
        session.save(tmp_path, "../escape")
    assert not list(tmp_path.iterdir())


def test_saved_layout_reproduces_the_app_numbers_through_thaadsim_run(tmp_path):
    s = AppSession(SEONGJU)
    s.start_flight(wait=True)
    home = s.compute()
    s.change([{"path": "batteries.0.lat_deg", "value": 35.6}, {"path": "batteries.0.lon_deg", "value": 128.7},
              {"path": "radars.0.lat_deg", "value": 35.6}, {"path": "radars.0.lon_deg", "value": 128.7},
              {"path": "radars.0.face_az_deg", "value": 330.0}, {"path": "batteries.1.launchers", "value": 2}])
    s.remove_threat(4)                                  # the lofted Musudan: new flights
    s.start_flight(wait=True)
    app = s.compute()
    assert app["status"] == "ready"
    footprint = s.footprint()
    assert footprint["revision"] == s.revision
    path = s.save(tmp_path, "moved")
    saved = tomllib.loads(path.read_text())
    assert saved["batteries"][0]["lat_deg"] == 35.6 and len(saved["threats"]) == 5

    out = tmp_path / "out"
    env = dict(os.environ, NUMBA_NUM_THREADS="1")
    proc = subprocess.run([sys.executable, "-m", "thaadsim", "run", str(path), "--out", str(out), "-q"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    run = json.loads((out / "summary.json").read_text())

    r, a = run["raid"], app["raid"]
    assert a["runs"] == r["runs"] == 2000 and a["seed"] == r["seed"]
    for k in ("p_no_leaker", "expected_leakers", "interceptors_expended_mean"):
        assert a[k] == r[k], k
    assert a["p_no_leaker_ci95"] == r["p_no_leaker_ci95"]
    assert [t["p_kill"] for t in a["per_threat"]] == [round(t["p_kill"], 4) for t in run["raid_per_threat"]]
    key = ("threat_id", "battery_id")
    run_eng = {tuple(e[k] for k in key): e for e in run["engagements"]}
    assert len(run_eng) == len(app["engagements"]) == 8 * 3
    for e in app["engagements"]:
        x = run_eng[(e["threat_id"], e["battery_id"])]
        assert e["engageable"] == x["engageable"] and e["shots_possible"] == x["shots_possible"]
        for k in ("earliest_intercept_s", "latest_intercept_s"):
            assert (e[k] is None and x[k] is None) or math.isclose(e[k], x[k], abs_tol=0.05), (k, e, x)
    run_det = {(d["threat_id"], d["radar_id"]): d for d in run["detections"]}
    for d in app["detections"]:
        x = run_det[(d["threat_id"], d["radar_id"])]
        assert d["detected"] == x["detected"]
        assert (d["first_detection_s"] is None and x["first_detection_s"] is None) or \
            math.isclose(d["first_detection_s"], x["first_detection_s"], abs_tol=0.05)
    # each question's live answer is the line the run's report prints under the same question
    # (footprint: on request in the app, null in the live answers)
    qa = run["question_answers"]
    assert [q["view"] for q in qa] == ["detections", "engagement_windows", "raid", "coverage", "footprint"]
    assert app["question_answers"] == [q["answer"] for q in qa[:4]] + [None]
    # the footprint on request is the run's [[analysis.defended_area]] for the same layout
    (fp,) = footprint["footprints"]
    (run_fp,) = run["defended_footprints"]
    assert fp["area_km2"] == round(run_fp["area_km2_all_batteries"])
    assert fp["per_battery_km2"] == {b: round(v) for b, v in run_fp["area_km2"].items()}
    # "Report" runs the same pipeline and writer for the current layout
    paths = s.report(tmp_path / "report")
    assert paths["report.html"].is_file()
    rep = json.loads((tmp_path / "report" / "summary.json").read_text())
    assert rep["raid"]["expected_leakers"] == r["expected_leakers"] and rep["engagements"] == run["engagements"]
    # and the figures differ from the shipped layout's: the changes reached the run
    assert a["expected_leakers"] != home["raid"]["expected_leakers"]


def _closed_form_ground_range_km(slant_km, alt_km, site_m, min_el_deg):
    """Skolnik §8.3 on the 4/3 effective Earth (a = 4/3 x 6371 km): the ground distance at which a
    target at alt_km leaves coverage, the smaller of the slant-range limit (law of cosines) and the
    minimum-elevation limit (law of sines), d = a θ'."""
    a = 4.0 / 3.0 * 6371.0
    r0, r1 = a + site_m / 1e3, a + alt_km
    th_range = math.acos((r0 ** 2 + r1 ** 2 - slant_km ** 2) / (2 * r0 * r1))
    e = math.radians(min_el_deg)
    th_elev = math.pi / 2 - e - math.asin(r0 * math.cos(e) / r1)
    return a * min(th_range, th_elev)


def test_forward_based_mode_reaches_as_far_as_the_closed_form(session):
    from thaadsim.sensors.radar import load_radar
    from thaadsim.sensors.signatures import DEFAULT_RV_RCS_M2   # the RCS the run's coverage maps use

    for mode in ("tpy2-fbm", "tpy2-tm"):
        session.change([{"path": "radars.0.radar", "value": mode}])
        a = session.compute()
        radar = load_radar(mode)
        site = session.layout()["radars"][0]
        for c in a["coverage"]:
            slant = c["range_km"]
            assert slant == pytest.approx(min(radar.max_range_m, radar.detection_range_m(DEFAULT_RV_RCS_M2)) / 1e3, abs=0.1)
            lon = [v for v in c["lon"] if v is not None]
            lat = [v for v in c["lat"] if v is not None]
            _, _, d = GEOD.inv([site["lon_deg"]] * len(lon), [site["lat_deg"]] * len(lat), lon, lat)
            want = _closed_form_ground_range_km(slant, c["alt_km"], 680.0, radar.min_elevation_deg)
            assert max(d) / 1e3 == pytest.approx(want, rel=0.02), (mode, c["alt_km"])


def test_a_threat_beyond_reach_is_refused_and_undone(session):
    """The flight layer's reach check (a Scud-B's ~300 km against Kusong -> Busan, 637 km by the
    geodesic) comes back as one error naming the threat entry, and the layout is the one before."""
    n = len(session.data["threats"])
    d_km = GEOD.inv(125.25, 39.98, 129.04, 35.10)[2] / 1e3
    assert d_km > 600
    session.add_threat({"missile": "scud-b", "launch_area": "Kusong area", "aimpoint": "Busan"})
    session.start_flight(wait=True)
    a = session.compute()
    assert a["status"] == "error" and a["undone"] and f"threats.{n}" in a["error"] and "scud-b" in a["error"]
    assert len(session.data["threats"]) == n
    assert session.compute()["status"] == "ready"


def test_strategic_question_answers_as_thaadsim_run_does():
    """The strategic question of examples/strategic.toml: the app computes the table on request for
    the current layout; its answer is the line ``thaadsim run``'s pipeline prints under the question."""
    from thaadsim.analysis.pipeline import run_plan
    from thaadsim.io.scenario_outputs import load_run_scenario

    path = str(resources.files("thaadsim") / "data" / "examples" / "strategic.toml")
    s = AppSession(path)
    s.start_flight(wait=True)
    views = [q["view"] for q in s.layout()["questions"]]
    assert views == ["detections", "engagement_windows", "strategic"] and s.layout()["strategic"]
    app = s.strategic()
    assert app["revision"] == s.revision
    run = run_plan(load_run_scenario(path).to_plan())
    (under,) = [q["answer"] for q in run.question_answers() if q["view"] == "strategic"]
    assert app["answer"] == under
    assert app["fractions"]["pairs"] == run.strategic["fractions"]["pairs"]
    with pytest.raises(ThaadsimError, match="strategic"):
        AppSession(SEONGJU).strategic()      # no [analysis.strategic]: one error, nothing computed
