"""Engagement windows against geometric facts that do not depend on this code.

* A missile aimed at the battery comes down on top of it, through the whole altitude band, so it
  must be engageable; one whose entire path stays farther than the interceptor's maximum range
  (measured independently with geographiclib) cannot be.
* Every reported intercept lies inside the catalog's altitude band and range (for
  THAAD: 40-150 km, 200 km [ref:uscc-2016, chinadaily-thaad-2016, ecns-xinhua-thaad-2016]), and no interceptor leaves before detection + the fire-control delays.
* Closing speed obeys the triangle inequality | |v_t| - |v_i| | <= |v_t - v_i| <= |v_t| + |v_i|.
"""

import numpy as np
import pytest
from geographiclib.geodesic import Geodesic

from thaadsim.defense.battery import FireControl, make_battery
from thaadsim.defense.engagement import engagement_windows
from thaadsim.defense.reach import reach_table
from thaadsim.flight import fly_kinematic


pytestmark = pytest.mark.usefixtures("private_cache")


@pytest.fixture(scope="module")
def threat():
    # ~1,000 km, ~217 km apogee, launched from the Pyongyang area toward the south-east
    return fly_kinematic(3.0, 40.0, 150.0, 39.0, 125.7, sample_dt_s=1.0)


def _min_distance_km(batch, lat, lon):
    g = Geodesic.WGS84
    m = batch.valid[0]
    return min(g.Inverse(lat, lon, a, b)["s12"] for a, b in zip(batch.lat_deg[0][m], batch.lon_deg[0][m])) / 1e3


def test_missile_aimed_at_the_battery_is_engageable(threat):
    lat, lon = float(threat.impact_lat_deg[0]), float(threat.impact_lon_deg[0])
    bat = make_battery("thaad", lat, lon)
    w = engagement_windows(threat, [bat], detect_s=100.0)
    p = w.pair(0, 0)
    assert p["engageable"]
    assert p["shots_possible"] >= 1
    assert p["earliest_intercept_s"] < p["latest_intercept_s"] <= threat.flight_time_s[0]
    # coming down on the battery, the last chance is at the 40 km floor; its ground range agrees
    # with geographiclib's distance to the threat at that time
    assert p["latest_intercept_alt_km"] == pytest.approx(40.0, abs=3.0)
    k = int(np.nanargmin(np.abs(threat.t_s[0] - p["latest_intercept_s"])))
    d_km = Geodesic.WGS84.Inverse(lat, lon, threat.lat_deg[0, k], threat.lon_deg[0, k])["s12"] / 1e3
    assert p["latest_intercept_range_km"] == pytest.approx(d_km, rel=0.01)


def test_path_beyond_reach_is_not_engageable(threat):
    lat, lon = 33.0, 124.0     # East China Sea, south-west of the whole path
    assert _min_distance_km(threat, lat, lon) > 300.0
    w = engagement_windows(threat, [make_battery("thaad", lat, lon)], detect_s=0.0)
    assert not w.engageable[0, 0]
    assert np.isnan(w.earliest_intercept_s[0, 0]) and w.shots_possible[0, 0] == 0


def test_intercepts_stay_inside_the_band_and_after_fire_control(threat):
    fc = FireControl(firm_track_s=15.0, launch_decision_s=8.0, launch_prep_s=4.0)
    lats = np.linspace(float(threat.impact_lat_deg[0]) - 0.5, 38.5, 6)
    lons = np.linspace(float(threat.impact_lon_deg[0]) + 0.3, 126.0, 6)
    bats = [make_battery("thaad", a, b, id=f"b{i}", fire_control=fc) for i, (a, b) in enumerate(zip(lats, lons))]
    det = 60.0
    w = engagement_windows(threat, bats, detect_s=det)
    assert w.engageable.any()
    tab = reach_table(bats[0].interceptor)
    for j, bat in enumerate(bats):
        g = w.geometry[j]
        f = g.feasible[0]
        alt = threat.alt_m[0][f]
        assert np.all(alt >= 40e3 - 1e-6) and np.all(alt <= 150e3 + 1e-6)
        assert np.all(g.launch_s[0][f] >= det + 27.0 - 1e-9)
        if w.engageable[0, j]:
            assert 40.0 <= w.intercept_alt_km_min[0, j] <= w.intercept_alt_km_max[0, j] <= 150.0
            assert w.earliest_intercept_range_km[0, j] <= 200.0 and w.latest_intercept_range_km[0, j] <= 200.0
            assert w.earliest_launch_s[0, j] >= det + fc.detect_to_launch_s - 1e-9
    assert tab.range_m[-1] == pytest.approx(200e3)


def test_later_detection_never_widens_the_window(threat):
    lat, lon = float(threat.impact_lat_deg[0]), float(threat.impact_lon_deg[0])
    bat = make_battery("thaad", lat, lon)
    early = engagement_windows(threat, [bat], detect_s=50.0)
    late = engagement_windows(threat, [bat], detect_s=300.0)
    never = engagement_windows(threat, [bat], detect_s=np.nan)
    assert late.earliest_intercept_s[0, 0] >= early.earliest_intercept_s[0, 0]
    assert late.shots_possible[0, 0] <= early.shots_possible[0, 0]
    assert not never.engageable[0, 0]


def test_closing_speed_triangle_inequality(threat):
    lat, lon = float(threat.impact_lat_deg[0]), float(threat.impact_lon_deg[0])
    bat = make_battery("thaad", lat, lon)
    w = engagement_windows(threat, [bat], detect_s=100.0)
    t_i = w.earliest_intercept_s[0, 0]
    k = int(np.nanargmin(np.abs(threat.t_s[0] - t_i)))
    v_t = threat.speed_ms[0, k] / 1e3
    rng_m = w.earliest_intercept_range_km[0, 0] * 1e3
    _, v_i, _ = reach_table(bat.interceptor).lookup(rng_m, threat.alt_m[0, k])
    v_i = float(v_i) / 1e3
    c = w.closing_speed_kms[0, 0]
    assert abs(v_t - v_i) - 0.05 <= c <= v_t + v_i + 0.05
    assert c > v_t   # a head-on geometry: the interceptor climbs out toward the descending threat


# --- the fire-control radar must hold the threat at the intercept point -------------------------
SEONGJU = (35.95, 128.18)


def _overflight(dst):
    from thaadsim.flight import fly_targeted
    return fly_targeted("nodong", 39.03, 125.75, dst[0], dst[1], sample_dt_s=1.0)


def _azimuth_off_face_deg(batch, lat, lon, face):
    """|azimuth off the face| of each sample's sub-point, by geographiclib (independent geodesy)."""
    g = Geodesic.WGS84
    az = np.array([g.Inverse(lat, lon, a, b)["azi1"] for a, b in zip(batch.lat_deg[0], batch.lon_deg[0])])
    return np.abs((az - face + 180.0) % 360.0 - 180.0)


def test_no_intercept_behind_the_radar_face():
    """A Nodong from Pyongyang to Busan passes Seongju and comes down south-east of it, behind a
    TPY-2 facing the launch point (60° half width, catalog). Every intercept the window allows must
    lie inside the face's azimuth sector (geographiclib azimuth of the threat's sub-point; 1° of
    slack for the look angle of an elevated target), even though the threat was seen earlier."""
    from thaadsim.sensors.radar import load_radar

    b = _overflight((35.18, 129.08))
    face = Geodesic.WGS84.Inverse(*SEONGJU, 39.03, 125.75)["azi1"] % 360.0
    radar = load_radar("tpy2-tm").place(*SEONGJU, 0.0, face)
    bat = make_battery("thaad", *SEONGJU, radar=radar, face_az_deg=face)
    off = _azimuth_off_face_deg(b, *SEONGJU, face)
    kin = engagement_windows(b, [bat], require_track=False)
    w = engagement_windows(b, [bat])
    assert w.engageable[0, 0]
    f_kin, f = kin.geometry[0].feasible[0], w.geometry[0].feasible[0]
    assert (f_kin & (off > 61.0)).any()            # kinematics alone would shoot behind the face
    assert not (f & (off > 61.0)).any()            # the radar-held window does not
    assert w.latest_intercept_s[0, 0] <= np.nanmax(np.where(f_kin & (off <= 61.0), b.t_s[0], np.nan))


def test_overflying_threat_seen_only_in_front_is_not_engageable():
    """Aimed at Japan (34 N, 131 E), the Nodong overflies Seongju; inside THAAD's 40-150 km band and
    200 km reach it is always behind the face (geographiclib), so with its own radar the battery
    cannot engage it, while the same battery fed by an external cue could."""
    from thaadsim.sensors.radar import load_radar

    b = _overflight((34.0, 131.0))
    face = Geodesic.WGS84.Inverse(*SEONGJU, 39.03, 125.75)["azi1"] % 360.0
    off = _azimuth_off_face_deg(b, *SEONGJU, face)
    band = (b.alt_m[0] >= 40e3) & (b.alt_m[0] <= 150e3) & (b.phase[0] >= 1)
    cued = engagement_windows(b, [make_battery("thaad", *SEONGJU)], detect_s=88.0)
    assert cued.engageable[0, 0]
    f_cued = cued.geometry[0].feasible[0]
    assert np.all(off[f_cued & band] > 61.0)
    radar = load_radar("tpy2-tm").place(*SEONGJU, 0.0, face)
    own = engagement_windows(b, [make_battery("thaad", *SEONGJU, radar=radar, face_az_deg=face)])
    assert np.isfinite(own.detect_s[0, 0])         # seen on the way in ...
    assert not own.engageable[0, 0]                # ... but never where an interceptor could meet it


def test_not_engageable_reasons_name_the_condition_that_empties_the_window(threat):
    """Each reason matches an independent fact: a path > 300 km away (geographiclib) is out of reach;
    no detection is no detection; a detection 10 s before impact leaves no time for 35 s of fire
    control; the Japan-bound overflight is in reach and in time only behind the face."""
    from thaadsim.defense.engagement import not_engageable_reasons
    from thaadsim.sensors.radar import load_radar

    far = make_battery("thaad", 33.0, 124.0)
    assert _min_distance_km(threat, 33.0, 124.0) > 300.0
    w = engagement_windows(threat, [far], detect_s=0.0)
    assert "never inside the interceptor's reach" in not_engageable_reasons(threat, far, w)[0]
    near = make_battery("thaad", float(threat.impact_lat_deg[0]), float(threat.impact_lon_deg[0]))
    w = engagement_windows(threat, [near], detect_s=np.nan)
    assert not_engageable_reasons(threat, near, w)[0] == "never detected by the battery's radar"
    w = engagement_windows(threat, [near], detect_s=float(threat.flight_time_s[0]) - 10.0)
    assert "only before an interceptor launched" in not_engageable_reasons(threat, near, w)[0]
    w = engagement_windows(threat, [near], detect_s=100.0)
    assert not_engageable_reasons(threat, near, w) == [""]

    b = _overflight((34.0, 131.0))
    face = Geodesic.WGS84.Inverse(*SEONGJU, 39.03, 125.75)["azi1"] % 360.0
    bat = make_battery("thaad", *SEONGJU, radar=load_radar("tpy2-tm").place(*SEONGJU, 0.0, face), face_az_deg=face)
    w = engagement_windows(b, [bat])
    assert "radar does not hold the threat" in not_engageable_reasons(b, bat, w)[0]


def test_the_radar_track_uses_the_rcs_it_is_given():
    """The track at the intercept point uses the threats' own RCS (rcs_m2, one per sample, as the
    scenario pipeline passes it): a target too faint for the radar equation is never held, so
    the battery cannot engage it, while the same threat at the default RV RCS can be engaged."""
    from thaadsim.sensors.radar import load_radar

    b = _overflight((35.18, 129.08))
    face = Geodesic.WGS84.Inverse(*SEONGJU, 39.03, 125.75)["azi1"] % 360.0
    bat = make_battery("thaad", *SEONGJU, radar=load_radar("tpy2-tm").place(*SEONGJU, 0.0, face), face_az_deg=face)
    assert engagement_windows(b, [bat], detect_s=88.0).engageable[0, 0]
    # 1e-9 m²: 1e-7 of the 0.05 m² default, so the radar-equation range shrinks ~56x (R ∝ σ^(1/4)) to ~20 km
    faint = np.full(np.shape(b.alt_m), 1e-9)
    w = engagement_windows(b, [bat], detect_s=88.0, rcs_m2=faint)
    assert not w.engageable[0, 0]
    assert not w.geometry[0].feasible[0].any()
