"""Frames and geodesics against PROJ (through pyproj) and GeographicLib."""

import numpy as np
import pytest
from pyproj import Transformer

from thaadsim.earth.constants import WGS84
from numba import njit

from thaadsim.earth.frames import (ecef_to_enu, ecef_to_geodetic, ecef_to_geodetic_sincos, enu_to_aer,
                                 geodetic_to_ecef)
from thaadsim.earth.geodesy import geodesic_direct, geodesic_inverse

RNG = np.random.default_rng(7)
LAT = RNG.uniform(-89.9, 89.9, 2000)
LON = RNG.uniform(-180, 180, 2000)
ALT = RNG.uniform(-1e3, 4e7, 2000)
TO_ECEF = Transformer.from_crs("EPSG:4979", "EPSG:4978", always_xy=True)


def test_geodetic_to_ecef_matches_proj():
    x, y, z = TO_ECEF.transform(LON, LAT, ALT)
    ours = geodetic_to_ecef(LAT, LON, ALT)
    np.testing.assert_allclose(ours, np.stack([x, y, z], -1), atol=1e-6)


def test_ecef_to_geodetic_round_trip_from_proj_points():
    x, y, z = TO_ECEF.transform(LON, LAT, ALT)
    lat, lon, alt = ecef_to_geodetic(np.stack([x, y, z], -1))
    np.testing.assert_allclose(lat, LAT, atol=1e-9)
    np.testing.assert_allclose(lon, LON, atol=1e-9)
    np.testing.assert_allclose(alt, ALT, atol=1e-4)


@njit
def _sincos_batch(xyz, a, e2):
    out = np.empty((xyz.shape[0], 5))
    for i in range(xyz.shape[0]):
        out[i, 0], out[i, 1], out[i, 2], out[i, 3], out[i, 4] = ecef_to_geodetic_sincos(
            xyz[i, 0], xyz[i, 1], xyz[i, 2], a, e2)
    return out


def test_trig_free_geodetic_matches_proj():
    """The flight kernel's trigonometry-free conversion: sines, cosines and height against PROJ."""
    x, y, z = TO_ECEF.transform(LON, LAT, ALT)
    out = _sincos_batch(np.stack([x, y, z], -1), WGS84.a_m, WGS84.e2)
    lat, lon = np.radians(LAT), np.radians(LON)
    np.testing.assert_allclose(out[:, 0], np.sin(lat), atol=1e-12)
    np.testing.assert_allclose(out[:, 1], np.cos(lat), atol=1e-12)
    np.testing.assert_allclose(out[:, 2], np.sin(lon), atol=1e-12)
    np.testing.assert_allclose(out[:, 3], np.cos(lon), atol=1e-12)
    np.testing.assert_allclose(out[:, 4], ALT, atol=1e-4)
    # and at the poles, where the longitude is undefined but the vertical is not
    pole = _sincos_batch(np.array([[0.0, 0.0, WGS84.b_m + 100.0], [0.0, 0.0, -WGS84.b_m - 50.0]]), WGS84.a_m, WGS84.e2)
    np.testing.assert_allclose(pole[:, [0, 1, 4]], [[1.0, 0.0, 100.0], [-1.0, 0.0, 50.0]], atol=1e-6)


def test_poles_and_equator():
    lat, lon, alt = ecef_to_geodetic(np.array([[0.0, 0.0, WGS84.b_m + 100.0], [WGS84.a_m + 5.0, 0, 0]]))
    np.testing.assert_allclose(lat, [90.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(alt, [100.0, 5.0], atol=1e-6)


def test_look_angles_match_proj_topocentric():
    """Azimuth/elevation/range through PROJ's topocentric conversion."""
    lat0, lon0, h0 = 36.0, 128.2, 680.0
    tgt = geodetic_to_ecef([39.0, 35.0], [125.7, 129.0], [300e3, 10e3])
    topo = Transformer.from_pipeline(
        f"+proj=pipeline +step +proj=topocentric +ellps=WGS84 +lon_0={lon0} +lat_0={lat0} +h_0={h0}")
    e, n, u = topo.transform(tgt[:, 0], tgt[:, 1], tgt[:, 2])
    ours = ecef_to_enu(tgt, lat0, lon0, h0)
    np.testing.assert_allclose(ours, np.stack([e, n, u], -1), atol=1e-6)
    az, el, rng = enu_to_aer(ours)
    assert np.all((az >= 0) & (az < 360))
    np.testing.assert_allclose(rng, np.linalg.norm(ours, axis=-1))


def test_geodesics_match_geographiclib():
    geographiclib = pytest.importorskip("geographiclib.geodesic")
    g = geographiclib.Geodesic.WGS84
    pairs = [(39.0, 125.7, 38.9, -77.0), (36.0, 128.2, 37.5665, 126.978), (45.0, 130.0, 40.7, -74.0)]
    for lat1, lon1, lat2, lon2 in pairs:
        ref = g.Inverse(lat1, lon1, lat2, lon2)
        d, az = geodesic_inverse(lat1, lon1, lat2, lon2)
        assert d == pytest.approx(ref["s12"], abs=1e-6)
        assert az == pytest.approx(ref["azi1"] % 360, abs=1e-9)
        lat, lon = geodesic_direct(lat1, lon1, ref["azi1"], ref["s12"])
        assert lat == pytest.approx(lat2, abs=1e-9)
        assert (lon - lon2 + 180) % 360 - 180 == pytest.approx(0, abs=1e-9)


def test_seongju_to_seoul_is_the_published_great_circle():
    """About 206 km on a sphere of R = 6371 km (the press gives 217 km straight and ~300 km by road
    [ref:chinadaily-thaad-2016, koreatimes-seongju-2016]); the ellipsoid differs by well under 1 %."""
    d, _ = geodesic_inverse(36.0, 128.2, 37.5665, 126.978)
    assert d / 1e3 == pytest.approx(206, rel=0.01)
