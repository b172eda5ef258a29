"""Line of sight and refraction against the radar-horizon formula [ref:fs1037c-radar-los].

Authorities
-----------
* Federal Standard 1037C "radar line of sight": d = √(2kRh_r) + √(2kRh_t), k = 4/3, i.e.
  d[km] ≈ 4.12 (√h_r[m] + √h_t[m]); without refraction (k = 1) the coefficient is 3.57.
* worked values of that formula for a radar at 680 m: a target at 10/100/200/500 km altitude is
  visible to 520/1411/1951/3022 km.
* the lowest visible altitude from Seongju (680 m), derived with the same 4/3-Earth model: the "0°" column is the
  grazing (tangent) ray by distance, the "5°" column the ray at 5° elevation by slant range.
* Geometry: a target placed on the WGS84 ellipsoid with pyproj's geodesic at a given ground distance
  and at the altitude the closed forms predict must show that elevation in the ECEF machinery.

The comparisons live in :mod:`thaadsim.validation.radar`; ``thaadsim validate`` prints the same rows.
"""

import numpy as np
import pytest

from _validation import assert_rows_pass, params
from thaadsim.sensors import geometry as geo
from thaadsim.validation import radar as vr

SITE = vr.SITE   # approximate Seongju radar [ref:koreatimes-seongju-2016, koreaherald-seongju-2016]


@pytest.mark.parametrize("check", params(vr.horizon_km_formula, vr.horizon_worked_values_680_m,
                                         vr.seongju_lowest_visible_altitudes, vr.apparent_elevation_of_the_5_degree_ray))
def test_against_the_horizon_formula_and_its_worked_values(check):
    """4.12 (3.57 without refraction) x (sqrt h_r + sqrt h_t) within 0.3 %; the worked values from 680 m
    (0.2 %, tangent ray 2.5 %); the lowest visible altitudes from Seongju (3 %, 1.5 %); a target placed
    with pyproj where a 5 deg ray reaches is seen at 5 deg (0.02 deg)."""
    assert_rows_pass(check)


def test_a_5_degree_floor_by_ground_distance_is_stricter():
    dist = np.array([600, 800, 1000, 1500, 2000]) * 1e3
    grazing = geo.lowest_visible_altitude_m(dist, 680.0, min_elevation_deg=-5.0)
    at5 = geo.ray_altitude_m(dist, 5.0, 680.0)
    by_ground = geo.lowest_visible_altitude_m(dist, 680.0, 5.0)
    assert np.all(by_ground > at5) and np.all(by_ground > grazing)


_target_at = vr.target_at


@pytest.mark.parametrize("refraction", [True, False])
def test_line_of_sight_switches_at_the_horizon(refraction):
    k = 4 / 3 if refraction else 1.0
    ht = np.array([20e3, 100e3, 300e3])
    radius = geo.euler_radius_m(SITE[0], 315.0)
    s_h = geo.horizon_ground_range_m(SITE[2], ht, k=k, radius_m=radius)
    for f, expect in [(0.99, True), (1.01, False)]:
        lat, lon, alt = _target_at(s_h * f, ht)
        la = geo.look_angles(*SITE, lat, lon, alt, refraction=refraction)
        assert np.all(la["in_line_of_sight"] == expect), (f, la["elevation_deg"])


def test_refraction_raises_the_apparent_elevation():
    s = np.array([200e3, 600e3, 1000e3, 2000e3])
    h = geo.lowest_visible_altitude_m(s, SITE[2], 5.0, radius_m=geo.euler_radius_m(SITE[0], 315.0))
    lat, lon, alt = _target_at(s, h)
    la = geo.look_angles(*SITE, lat, lon, alt, refraction=True)
    np.testing.assert_allclose(la["azimuth_deg"], 315.0, atol=0.5)
    assert np.all(la["in_line_of_sight"])
    la0 = geo.look_angles(*SITE, lat, lon, alt, refraction=False)
    assert np.all(la0["elevation_deg"] < la["elevation_deg"])


def test_scan_box():
    az = np.array([315.0, 0.0, 14.9, 15.1, 135.0, 315.0, 315.0])
    el = np.array([10.0, 10.0, 10.0, 10.0, 10.0, 4.9, 80.1])
    ok = geo.in_scan(az, el, face_az_deg=315.0, az_half_width_deg=60.0, min_elevation_deg=5.0,
                     max_elevation_deg=80.0)
    assert ok.tolist() == [True, True, True, False, False, False, False]
    assert geo.off_boresight_deg(10.0, 350.0) == pytest.approx(20.0)


def test_antenna_below_the_ellipsoid_still_sees_up():
    # PlacedRadar allows site heights down to -500 m (sea level and ellipsoid are not distinguished); a
    # target 55 km away at 100 km altitude (~60 deg up) is in view from -100 m as it is from +10 m
    for h in (10.0, -1.0, -100.0, -400.0):
        la = geo.look_angles(36.0, 128.2, h, 36.5, 128.2, 100e3)
        assert la["in_line_of_sight"] and 60.0 < la["elevation_deg"] < 61.0, h
    # and the horizon from -100 m is the horizon of an antenna on the ground: 0.99 / 1.01 of sqrt(2kRh_t)
    ht = np.array([100e3])
    s_h = geo.horizon_ground_range_m(0.0, ht, radius_m=geo.euler_radius_m(SITE[0], 315.0))
    for f, expect in [(0.99, True), (1.01, False)]:
        lat, lon, alt = _target_at(s_h * f, ht)
        assert geo.look_angles(SITE[0], SITE[1], -100.0, lat, lon, alt)["in_line_of_sight"][0] == expect
