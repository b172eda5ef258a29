"""Frames and geodesics against PROJ (through pyproj) and GeographicLib (pyproj's Geod).

The comparisons live in :mod:`thaadsim.validation.rotation`; ``thaadsim validate`` prints the same rows.
"""

import numpy as np
import pytest

from _validation import assert_rows_pass, params
from thaadsim.earth.constants import WGS84
from thaadsim.earth.frames import ecef_to_enu, ecef_to_geodetic, enu_to_aer, geodetic_to_ecef
from thaadsim.earth.geodesy import geodesic_inverse
from thaadsim.validation import rotation


@pytest.mark.parametrize("check", params(rotation.geodetic_to_ecef_against_proj,
                                         rotation.ecef_to_geodetic_against_proj,
                                         rotation.trig_free_geodetic_against_proj,
                                         rotation.look_angles_against_proj_topocentric,
                                         rotation.geodesics_against_geographiclib))
def test_against_proj_and_geographiclib(check):
    """Positions to 1e-6 m, angles to 1e-9 deg, the kernel's sines and cosines to 1e-12 (poles included),
    local east/north/up to 1e-6 m, geodesic distance and azimuth (the rows ``thaadsim validate`` prints)."""
    assert_rows_pass(check)


def test_poles_and_equator():
    lat, lon, alt = ecef_to_geodetic(np.array([[0.0, 0.0, WGS84.b_m + 100.0], [WGS84.a_m + 5.0, 0, 0]]))
    np.testing.assert_allclose(lat, [90.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(alt, [100.0, 5.0], atol=1e-6)


def test_look_angles_are_in_range():
    tgt = geodetic_to_ecef([39.0, 35.0], [125.7, 129.0], [300e3, 10e3])
    ours = ecef_to_enu(tgt, 36.0, 128.2, 680.0)
    az, el, rng = enu_to_aer(ours)
    assert np.all((az >= 0) & (az < 360))
    np.testing.assert_allclose(rng, np.linalg.norm(ours, axis=-1))


def test_seongju_to_seoul_is_the_published_great_circle():
    """About 206 km on a sphere of R = 6371 km (the press gives 217 km straight and ~300 km by road
    [ref:chinadaily-thaad-2016, koreatimes-seongju-2016]); the ellipsoid differs by well under 1 %."""
    d, _ = geodesic_inverse(36.0, 128.2, 37.5665, 126.978)
    assert d / 1e3 == pytest.approx(206, rel=0.01)
