"""Engagement windows against geometric facts that do not depend on this code.

* A missile aimed at the battery comes down on top of it, through the whole altitude band, so it
  must be engageable; one whose entire path stays farther than the interceptor's maximum range
  (measured independently with geographiclib) cannot be.
* Every reported intercept lies inside the catalog's altitude band and range (REFERENCES 1.2 for
  THAAD: 40-150 km, 200 km), and no interceptor leaves before detection + the fire-control delays.
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
