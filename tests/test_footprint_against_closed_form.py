"""Footprint maps against conditions that follow from geometry and probability alone.

* Necessary condition (geometry): an interceptor meets a threat only inside its engagement
  envelope, so an aimpoint whose flown trajectory never passes, past boost and inside THAAD's
  altitude band, within THAAD's maximum ground range of the battery (distance by pyproj ``Geod``
  on WGS84, independent of the engagement code's haversine) cannot be defended.
* A threat coming down on the battery from the direction its radar faces is engageable: the
  centre aimpoint of a grid centred on the battery is defended (as the whole literature of
  terminal defence assumes: a battery defends at least itself).
* P(kill) with n independent shots of single-shot Pk is 1 - (1 - Pk)^n (binomial), so each
  defended aimpoint's P(kill) is one of those values for a whole n in [1, MAX_SHOTS], and a battery
  with Pk = 1 kills with certainty wherever it can shoot.
* Aimpoints farther from the launch point than the missile's reach are marked, not errors: the
  status is BEYOND_REACH exactly where the Geod distance exceeds 97 % of the catalog range.
"""

import numpy as np
import pytest
from pyproj import Geod

from _footprint_cases import PYONGYANG_AREA, thaad_at_seongju
from thaadsim.analysis.footprint_map import BEYOND_REACH, FLOWN, REACH_FRACTION, footprint_map
from thaadsim.defense.engagement import MAX_SHOTS
from thaadsim.flight import fly_targeted, load_missile, max_range_km

GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def nodong_map():
    bat, radars = thaad_at_seongju()
    return bat, footprint_map("nodong", *PYONGYANG_AREA, [bat], radars, grid_n=7, span_km=1050.0)


def test_aimpoints_whose_threat_never_enters_the_envelope_are_not_defended(nodong_map):
    bat, fm = nodong_map
    ok = fm.status.ravel() == FLOWN
    lat, lon = fm.lat_deg.ravel()[ok], fm.lon_deg.ravel()[ok]
    batch = fly_targeted("nodong", *PYONGYANG_AREA, lat, lon, sample_dt_s=2.0)
    itc = bat.interceptor
    la, lo, alt = batch.lat_deg, batch.lon_deg, batch.alt_m
    inside_band = batch.valid & (batch.phase >= 1) & (alt >= itc.min_alt_m) & (alt <= itc.max_alt_m)
    _, _, d = GEOD.inv(np.full(la.shape, bat.lon_deg), np.full(la.shape, bat.lat_deg), np.nan_to_num(lo),
                       np.nan_to_num(la))
    closest_km = np.where(inside_band, d / 1e3, np.inf).min(axis=1)
    never_in_reach = closest_km > itc.max_range_km * 1.001      # 0.1 %: sphere vs ellipsoid distances
    defended = fm.p_kill.ravel()[ok] > 0
    assert never_in_reach.sum() >= 5 and defended.sum() >= 5      # both kinds are on this grid
    assert not np.any(defended & never_in_reach)


def test_the_battery_defends_its_own_aimpoint(nodong_map):
    bat, fm = nodong_map
    c = fm.grid_n // 2                                            # 7 x 7: the centre cell is the battery
    assert fm.x_km[c] == 0.0 and fm.y_km[c] == 0.0
    assert fm.status[c, c] == FLOWN
    assert fm.p_kill[c, c] >= bat.single_shot_pk
    assert fm.engageable_by_battery[0, c, c]


def test_p_kill_is_binomial_in_the_shots(nodong_map):
    bat, fm = nodong_map
    pk = bat.single_shot_pk
    allowed = 1.0 - (1.0 - pk) ** np.arange(0, MAX_SHOTS + 1)
    got = fm.p_kill[fm.status == FLOWN]
    assert np.all(np.min(np.abs(got[:, None] - allowed[None, :]), axis=1) < 1e-12)
    n = fm.shots_by_battery[0]
    np.testing.assert_allclose(fm.p_kill, np.where(n > 0, 1.0 - (1.0 - pk) ** n, 0.0), rtol=0, atol=1e-12)
    # the earliest interceptor launch precedes the earliest intercept wherever there is a shot
    d = fm.engageable_by_battery[0]
    assert np.all(fm.earliest_launch_s[0][d] < fm.earliest_intercept_s[0][d])
    assert np.all(np.isnan(fm.earliest_launch_s[0][~d]))


def test_a_certain_kill_per_shot_defends_with_certainty():
    bat, radars = thaad_at_seongju(pk=1.0)
    fm = footprint_map("nodong", *PYONGYANG_AREA, [bat], radars, grid_n=3, span_km=300.0)
    d = fm.defended
    assert d.any()
    assert np.all(fm.p_kill[d] == 1.0)


def test_aimpoints_beyond_reach_are_marked_not_errors():
    # a Scud-B (about 300 km) from near Pyongyang on a grid reaching well beyond it
    bat, radars = thaad_at_seongju()
    fm = footprint_map("scud-b", *PYONGYANG_AREA, [bat], radars, grid_n=5, span_km=1200.0,
                       center_lat_deg=PYONGYANG_AREA[0] - 2.0, center_lon_deg=PYONGYANG_AREA[1] + 1.0)
    _, _, d = GEOD.inv(np.full(fm.lat_deg.size, PYONGYANG_AREA[1]), np.full(fm.lat_deg.size, PYONGYANG_AREA[0]),
                       fm.lon_deg.ravel(), fm.lat_deg.ravel())
    beyond = d / 1e3 > REACH_FRACTION * max_range_km(load_missile("scud-b"))
    assert 0 < beyond.sum() < beyond.size
    np.testing.assert_array_equal(fm.status.ravel() == BEYOND_REACH, beyond)
    assert fm.aimpoints_reachable + int(beyond.sum()) == fm.aimpoints
    assert np.all(fm.p_kill.ravel()[beyond] == 0.0)
    s = fm.summary()
    assert s["aimpoint_status"]["beyond the missile's reach"] == int(beyond.sum())
