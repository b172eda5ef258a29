"""Radar footprints on the map against closed forms: the 4/3-Earth horizon d = √(2kRh0) + √(2kRh)
(Skolnik, Introduction to Radar Systems, §8.3), flat-Earth Pythagoras at short range, and the
polygon's geodesic radius measured back with geographiclib (an independent geodesic library)."""

import math

import numpy as np
import pytest
from geographiclib.geodesic import Geodesic

from thaadsim.analysis.coverage import geodesic_circle, max_ground_range_m, radar_footprint

A = 4.0 / 3.0 * 6371e3


@pytest.mark.parametrize("h", [1e3, 10e3, 100e3])
def test_horizon_limit_matches_the_square_root_law(h):
    # radar on the ground, 0 deg minimum elevation: the 4/3-Earth horizon, exact a*acos(a/(a+h)),
    # and the textbook sqrt(2 a h) to O(h/a)
    d = max_ground_range_m(h, radar_alt_m=0.0, min_elevation_deg=0.0)
    assert d == pytest.approx(A * math.acos(A / (A + h)), rel=1e-9)
    assert d == pytest.approx(math.sqrt(2 * A * h), rel=0.01)


def test_elevated_radar_at_zero_elevation_sees_to_the_tangent_of_its_own_horizontal():
    # a radar at h0 looking level (0 deg) reaches altitude h where cos(theta') = (a+h0)/(a+h)
    h0, h = 700.0, 100e3
    d = max_ground_range_m(h, radar_alt_m=h0, min_elevation_deg=0.0)
    assert d == pytest.approx(A * math.acos((A + h0) / (A + h)), rel=1e-9)
    # with the minimum elevation lowered to the dip of its horizon, it sees the full two-sided horizon
    dip = math.degrees(math.acos(A / (A + h0)))
    d2 = max_ground_range_m(h, radar_alt_m=h0, min_elevation_deg=-dip)
    assert d2 == pytest.approx(math.sqrt(2 * A * h0) + math.sqrt(2 * A * h), rel=0.01)


def test_range_limit_is_pythagoras_when_short():
    d = max_ground_range_m(20e3, max_range_m=50e3, min_elevation_deg=0.0)
    assert d == pytest.approx(math.sqrt(50e3**2 - 20e3**2), rel=2e-3)
    assert max_ground_range_m(60e3, max_range_m=50e3) == 0.0           # out of reach overhead


def test_elevation_limit_on_a_flat_earth_limit():
    # a radar with 10 deg minimum elevation, target at 3 km: d ≈ h / tan(10°) (curvature negligible)
    d = max_ground_range_m(300.0, min_elevation_deg=10.0)
    assert d == pytest.approx(300.0 / math.tan(math.radians(10.0)), rel=2e-3)


def test_footprint_polygon_has_the_right_geodesic_radius():
    lat, lon = 35.92, 128.28
    d = max_ground_range_m(100e3, radar_alt_m=690.0, max_range_m=870e3, min_elevation_deg=0.0)
    poly = radar_footprint(lat, lon, 690.0, target_alt_m=100e3, max_range_m=870e3, face_az_deg=315.0,
                           az_half_width_deg=60.0)
    g = Geodesic.WGS84
    pts = np.asarray(poly.exterior.coords)[1:-1]              # skip the apex (the radar itself)
    r = np.array([g.Inverse(lat, lon, y, x)["s12"] for x, y in pts])
    assert r == pytest.approx(d, rel=1e-6)
    az = np.array([g.Inverse(lat, lon, y, x)["azi1"] for x, y in pts])
    off = (az - 315.0 + 180.0) % 360.0 - 180.0               # off the boresight, within +-60 deg
    assert off.min() == pytest.approx(-60.0, abs=0.01) and off.max() == pytest.approx(60.0, abs=0.01)


def test_geodesic_circle_radius():
    poly = geodesic_circle(36.0, 128.2, 200.0, n=36)
    g = Geodesic.WGS84
    r = [g.Inverse(36.0, 128.2, y, x)["s12"] for x, y in list(poly.exterior.coords)[:-1]]
    assert np.allclose(r, 200e3, rtol=1e-9)


@pytest.mark.parametrize("dist_km,h0_km,h5_km", [(600, 14, 73), (800, 28, 107), (1000, 47, 145), (1500, 114, 259),
                                                  (2000, 211, 400)])
def test_seongju_horizon_table_of_the_4_3_earth_model(dist_km, h0_km, h5_km):
    """Derived with the 4/3-Earth model [ref:fs1037c-radar-los] (radar at 680 m): lowest visible altitude at a distance,
    at the radar horizon and at a 5° elevation floor. Table altitudes are rounded to 1 km, so ~1 %."""
    dip = -math.degrees(math.acos(A / (A + 680.0)))          # 0° column = the radar's own horizon
    g0 = max_ground_range_m(h0_km * 1e3, radar_alt_m=680.0, min_elevation_deg=dip)
    assert g0 / 1e3 == pytest.approx(dist_km, rel=0.012)
    g5 = max_ground_range_m(h5_km * 1e3, radar_alt_m=680.0, min_elevation_deg=5.0)
    r0, r1 = A + 680.0, A + h5_km * 1e3
    slant = math.sqrt(r0 * r0 + r1 * r1 - 2 * r0 * r1 * math.cos(g5 / A))
    assert slant / 1e3 == pytest.approx(dist_km, rel=0.01)
