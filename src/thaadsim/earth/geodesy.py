"""Geodesics on the WGS84 ellipsoid (or a sphere), batch, through pyproj's ``Geod``.

pyproj wraps GeographicLib's algorithms (Karney, *Algorithms for geodesics*, J. Geodesy 87, 2013 [ref:karney-2013]),
accurate to nanometres; the tests check it against geographiclib itself.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from pyproj import Geod

from thaadsim.earth.constants import WGS84, EarthModel

if TYPE_CHECKING:   # annotations only
    from numpy.typing import ArrayLike


@lru_cache(maxsize=4)
def _geod(a_m: float, f: float) -> Geod:
    return Geod(a=a_m, f=f)


def geodesic_inverse(lat1_deg: ArrayLike, lon1_deg: ArrayLike, lat2_deg: ArrayLike, lon2_deg: ArrayLike,
                     earth: EarthModel = WGS84) -> tuple[np.ndarray, np.ndarray]:
    """Distance (m) and forward azimuth (deg from north, clockwise) from point 1 to point 2.

    Parameters
    ----------
    lat1_deg, lon1_deg : array_like
        Geodetic latitude and longitude of point 1, deg.
    lat2_deg, lon2_deg : array_like
        Geodetic latitude and longitude of point 2, deg; all four broadcast.
    earth : EarthModel
        The ellipsoid (semi-major axis and flattening).

    Returns
    -------
    distance_m, azimuth_deg : numpy.ndarray
        Geodesic length, m, and the forward azimuth at point 1 in [0, 360).

    Notes
    -----
    Karney's algorithm as implemented by GeographicLib in pyproj's ``Geod.inv``, accurate to
    nanometres on the ellipsoid [ref:karney-2013].

    Examples
    --------
    >>> from thaadsim.earth.geodesy import geodesic_inverse
    >>> d, az = geodesic_inverse(0.0, 0.0, 0.0, 1.0)        # one degree along the equator
    >>> round(float(d), 1), float(az)
    (111319.5, 90.0)
    """
    lat1, lon1, lat2, lon2 = np.broadcast_arrays(*(np.asarray(x, float) for x in
                                                   (lat1_deg, lon1_deg, lat2_deg, lon2_deg)))
    az12, _, dist = _geod(earth.a_m, earth.f).inv(lon1, lat1, lon2, lat2)
    return np.asarray(dist, float), np.asarray(az12, float) % 360.0


def geodesic_direct(lat_deg: ArrayLike, lon_deg: ArrayLike, azimuth_deg: ArrayLike, distance_m: ArrayLike,
                    earth: EarthModel = WGS84) -> tuple[np.ndarray, np.ndarray]:
    """The point reached from (lat, lon) along ``azimuth_deg`` after ``distance_m``: (lat_deg, lon_deg).

    Parameters
    ----------
    lat_deg, lon_deg : array_like
        Start point, deg.
    azimuth_deg : array_like
        Forward azimuth at the start, deg from north, clockwise.
    distance_m : array_like
        Geodesic distance, m; all four broadcast.
    earth : EarthModel
        The ellipsoid.

    Returns
    -------
    lat_deg, lon_deg : numpy.ndarray
        The end point, deg (Karney's direct problem [ref:karney-2013], pyproj ``Geod.fwd``).
    """
    lat, lon, az, dist = np.broadcast_arrays(*(np.asarray(x, float) for x in
                                               (lat_deg, lon_deg, azimuth_deg, distance_m)))
    lon2, lat2, _ = _geod(earth.a_m, earth.f).fwd(lon, lat, az, dist)
    return np.asarray(lat2, float), np.asarray(lon2, float)


def geodesic_points(lat1_deg: float, lon1_deg: float, lat2_deg: float, lon2_deg: float, n: int,
                    earth: EarthModel = WGS84) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points along the geodesic, end points included: (lat_deg, lon_deg) arrays.

    Parameters
    ----------
    lat1_deg, lon1_deg : float
        Start point, deg.
    lat2_deg, lon2_deg : float
        End point, deg.
    n : int
        Number of points, end points included (equally spaced along the geodesic).
    earth : EarthModel
        The ellipsoid.

    Returns
    -------
    lat_deg, lon_deg : numpy.ndarray, shape (n,)
    """
    g = _geod(earth.a_m, earth.f)
    pts = g.npts(lon1_deg, lat1_deg, lon2_deg, lat2_deg, max(n - 2, 0))
    lons = [lon1_deg] + [p[0] for p in pts] + [lon2_deg]
    lats = [lat1_deg] + [p[1] for p in pts] + [lat2_deg]
    return np.array(lats), np.array(lons)
