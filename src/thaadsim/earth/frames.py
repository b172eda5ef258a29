"""Frames: geodetic <-> ECEF <-> local ENU, and ECI <-> ECEF by Earth rotation.

The kernels here are plain numba functions over scalars and arrays in SI units (angles in
radians) so the flight integrator can call them inside its hot loop. The public wrappers take
degrees and broadcast numpy arrays. They are tested against pyproj (PROJ's exact transforms).

ECI convention: the inertial frame coincides with ECEF at the launch epoch t = 0, so
``r_ecef = Rz(-omega t) r_eci``. Only relative times matter to thaadsim, so no sidereal time
or precession is needed.

ECEF -> geodetic uses Bowring's (1976) closed form followed by one Newton refinement of the
latitude; accurate to well under a millimetre from the ground to geostationary heights.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from thaadsim.earth.constants import WGS84, EarthModel

if TYPE_CHECKING:   # annotations only
    from numpy.typing import ArrayLike


@njit(cache=True, inline="always")
def geodetic_to_ecef_scalar(lat, lon, h, a, e2):
    slat = math.sin(lat)
    clat = math.cos(lat)
    n = a / math.sqrt(1.0 - e2 * slat * slat)
    x = (n + h) * clat * math.cos(lon)
    y = (n + h) * clat * math.sin(lon)
    z = (n * (1.0 - e2) + h) * slat
    return x, y, z


@njit(cache=True, inline="always")
def ecef_to_geodetic_scalar(x, y, z, a, e2):
    """Return (lat, lon, h) in rad, rad, m. Bowring's method plus one refinement."""
    lon = math.atan2(y, x)
    p = math.sqrt(x * x + y * y)
    if e2 == 0.0:
        r = math.sqrt(p * p + z * z)
        return math.atan2(z, p), lon, r - a
    b = a * math.sqrt(1.0 - e2)
    ep2 = e2 / (1.0 - e2)
    theta = math.atan2(z * a, p * b)
    st = math.sin(theta)
    ct = math.cos(theta)
    lat = math.atan2(z + ep2 * b * st * st * st, p - e2 * a * ct * ct * ct)
    for _ in range(2):
        slat = math.sin(lat)
        n = a / math.sqrt(1.0 - e2 * slat * slat)
        clat = math.cos(lat)
        if abs(clat) > 1e-10:
            h = p / clat - n
        else:
            h = abs(z) - n * (1.0 - e2)
        lat = math.atan2(z, p * (1.0 - e2 * n / (n + h)))
    slat = math.sin(lat)
    clat = math.cos(lat)
    n = a / math.sqrt(1.0 - e2 * slat * slat)
    # h from the projection that is well conditioned at every latitude
    h = p * clat + z * slat - a * a / n
    return lat, lon, h


@njit(cache=True, inline="always")
def ecef_to_geodetic_sincos(x, y, z, a, e2):
    """Return (sin lat, cos lat, sin lon, cos lon, h) without a single trigonometric call.

    The same Bowring (1976) closed form and one refinement as :func:`ecef_to_geodetic_scalar`,
    but every angle is carried as its sine and cosine, obtained by normalising the vectors
    whose ``atan2`` the angular form would take. The flight kernel needs the local vertical
    (which is made of these sines and cosines) and the height, never the angles themselves, and
    this conversion is most of its right-hand side's cost otherwise. Agrees with PROJ to well
    under a millimetre (tests/test_frames_against_pyproj.py).
    """
    p = math.sqrt(x * x + y * y)
    if p > 0.0:
        clon = x / p
        slon = y / p
    else:
        clon = 1.0
        slon = 0.0
    if e2 == 0.0:
        r = math.sqrt(p * p + z * z)
        return z / r, p / r, slon, clon, r - a
    b = a * math.sqrt(1.0 - e2)
    ep2 = e2 / (1.0 - e2)
    # parametric latitude theta: tan(theta) = z a / (p b)
    u = z * a
    w = p * b
    q = math.sqrt(u * u + w * w)
    st = u / q
    ct = w / q
    num = z + ep2 * b * st * st * st
    den = p - e2 * a * ct * ct * ct
    s = math.sqrt(num * num + den * den)
    slat = num / s
    clat = den / s
    # one refinement: tan(lat) = z / (p (1 - e2 N / (N + h)))
    n = a / math.sqrt(1.0 - e2 * slat * slat)
    h = p * clat + z * slat - a * a / n
    den = p * (1.0 - e2 * n / (n + h))
    s = math.sqrt(z * z + den * den)
    slat = z / s
    clat = den / s
    n = a / math.sqrt(1.0 - e2 * slat * slat)
    h = p * clat + z * slat - a * a / n
    return slat, clat, slon, clon, h


@njit(cache=True)
def _geodetic_to_ecef_array(lat, lon, h, a, e2, out):
    for i in range(lat.size):
        out[i, 0], out[i, 1], out[i, 2] = geodetic_to_ecef_scalar(lat[i], lon[i], h[i], a, e2)


@njit(cache=True)
def _ecef_to_geodetic_array(xyz, a, e2, out):
    for i in range(xyz.shape[0]):
        out[i, 0], out[i, 1], out[i, 2] = ecef_to_geodetic_scalar(xyz[i, 0], xyz[i, 1], xyz[i, 2], a, e2)


def geodetic_to_ecef(lat_deg: ArrayLike, lon_deg: ArrayLike, alt_m: ArrayLike = 0.0,
                     earth: EarthModel = WGS84) -> np.ndarray:
    """Geodetic (deg, deg, m) to ECEF metres; broadcasts, returns shape ``(..., 3)``.

    Parameters
    ----------
    lat_deg, lon_deg : array_like
        Geodetic latitude and longitude, deg.
    alt_m : array_like
        Height above the ellipsoid, m.
    earth : EarthModel
        The ellipsoid.

    Returns
    -------
    numpy.ndarray, shape (..., 3)
        Earth-centred, Earth-fixed x, y, z, m.

    Notes
    -----
    With the prime-vertical radius N = a / sqrt(1 - e² sin²φ) [ref:nima-wgs84-2000]:

        x = (N + h) cos φ cos λ,   y = (N + h) cos φ sin λ,   z = (N (1 - e²) + h) sin φ
    """
    lat, lon, h = np.broadcast_arrays(np.asarray(lat_deg, float), np.asarray(lon_deg, float),
                                      np.asarray(alt_m, float))
    shape = lat.shape
    out = np.empty((lat.size, 3))
    _geodetic_to_ecef_array(np.radians(lat).ravel(), np.radians(lon).ravel(), h.ravel().astype(float),
                            earth.a_m, earth.e2, out)
    return out.reshape(shape + (3,))


def ecef_to_geodetic(xyz_m: ArrayLike, earth: EarthModel = WGS84) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ECEF metres ``(..., 3)`` to ``(lat_deg, lon_deg, alt_m)`` arrays of shape ``(...)``.

    Parameters
    ----------
    xyz_m : array_like, shape (..., 3)
        Earth-fixed positions, m.
    earth : EarthModel
        The ellipsoid.

    Returns
    -------
    lat_deg, lon_deg, alt_m : numpy.ndarray
        Geodetic latitude, longitude and height above the ellipsoid.
    """
    xyz = np.asarray(xyz_m, float)
    shape = xyz.shape[:-1]
    flat = np.ascontiguousarray(xyz.reshape(-1, 3))
    out = np.empty_like(flat)
    _ecef_to_geodetic_array(flat, earth.a_m, earth.e2, out)
    out = out.reshape(shape + (3,))
    return np.degrees(out[..., 0]), np.degrees(out[..., 1]), out[..., 2]


def enu_basis(lat_deg: ArrayLike, lon_deg: ArrayLike) -> np.ndarray:
    """Rows east, north, up (unit ECEF vectors) at geodetic (lat, lon); shape ``(..., 3, 3)``.

    Parameters
    ----------
    lat_deg, lon_deg : array_like
        Geodetic latitude and longitude, deg.

    Returns
    -------
    numpy.ndarray, shape (..., 3, 3)
        e = (-sin λ, cos λ, 0), n = (-sin φ cos λ, -sin φ sin λ, cos φ),
        u = (cos φ cos λ, cos φ sin λ, sin φ).
    """
    lat = np.radians(np.asarray(lat_deg, float))
    lon = np.radians(np.asarray(lon_deg, float))
    sl, cl, so, co = np.sin(lat), np.cos(lat), np.sin(lon), np.cos(lon)
    east = np.stack([-so, co, np.zeros_like(so)], -1)
    north = np.stack([-sl * co, -sl * so, cl], -1)
    up = np.stack([cl * co, cl * so, sl], -1)
    return np.stack([east, north, up], -2)


def ecef_to_enu(xyz_m: ArrayLike, lat0_deg: ArrayLike, lon0_deg: ArrayLike, alt0_m: ArrayLike = 0.0,
                earth: EarthModel = WGS84) -> np.ndarray:
    """ECEF points ``(..., 3)`` to local east/north/up metres about an origin.

    Parameters
    ----------
    xyz_m : array_like, shape (..., 3)
        Earth-fixed positions, m.
    lat0_deg, lon0_deg : array_like
        Geodetic latitude and longitude of the origin, deg.
    alt0_m : array_like
        Height of the origin above the ellipsoid, m.
    earth : EarthModel
        The ellipsoid.

    Returns
    -------
    numpy.ndarray, shape (..., 3)
        East, north, up, m: :func:`enu_basis` applied to ``xyz_m`` minus the origin.
    """
    origin = geodetic_to_ecef(lat0_deg, lon0_deg, alt0_m, earth)
    basis = enu_basis(lat0_deg, lon0_deg)
    d = np.asarray(xyz_m, float) - origin
    return np.einsum("...ij,...j->...i", basis, d)


def enu_to_aer(enu_m: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ENU ``(..., 3)`` to azimuth (deg, clockwise from north), elevation (deg), slant range (m).

    Parameters
    ----------
    enu_m : array_like, shape (..., 3)
        East, north, up components, m.

    Returns
    -------
    azimuth_deg, elevation_deg, range_m : numpy.ndarray
        az = atan2(e, n) in [0, 360), el = atan2(u, sqrt(e² + n²)), R = |enu|.
    """
    e, n, u = np.moveaxis(np.asarray(enu_m, float), -1, 0)
    horiz = np.hypot(e, n)
    az = np.degrees(np.arctan2(e, n)) % 360.0
    el = np.degrees(np.arctan2(u, horiz))
    return az, el, np.sqrt(horiz * horiz + u * u)


def eci_to_ecef(r_eci: ArrayLike, t_s: ArrayLike, omega_rads: float = WGS84.omega_rads) -> np.ndarray:
    """Rotate inertial positions ``(..., 3)`` at times ``t_s`` (s since the epoch) into ECEF.

    Parameters
    ----------
    r_eci : array_like, shape (..., 3)
        Inertial positions, m (axes aligned with ECEF at t = 0).
    t_s : array_like
        Times since the epoch, s; broadcast against ``r_eci[..., 0]``.
    omega_rads : float
        Earth's rotation rate, rad/s (WGS84: 7.292115e-5 [ref:nima-wgs84-2000]).

    Returns
    -------
    numpy.ndarray, shape (..., 3)
        Earth-fixed positions, m: a rotation by θ = ω t about the z axis.
    """
    r = np.asarray(r_eci, float)
    th = omega_rads * np.asarray(t_s, float)
    c, s = np.cos(th), np.sin(th)
    x, y, z = r[..., 0], r[..., 1], r[..., 2]
    return np.stack([c * x + s * y, -s * x + c * y, z], -1)
