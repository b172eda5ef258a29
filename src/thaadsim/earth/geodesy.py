"""Geodesics on the WGS84 ellipsoid (or a sphere), batch, through pyproj's ``Geod``.

pyproj wraps GeographicLib's algorithms (Karney, *Algorithms for geodesics*, J. Geodesy 87, 2013 [ref:karney-2013]),
accurate to nanometres; the tests check it against geographiclib itself.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from pyproj import Geod

from thaadsim.earth.constants import WGS84, EarthModel


@lru_cache(maxsize=4)
def _geod(a_m: float, f: float) -> Geod:
    return Geod(a=a_m, f=f)


def geodesic_inverse(lat1_deg, lon1_deg, lat2_deg, lon2_deg, earth: EarthModel = WGS84):
    """Distance (m) and forward azimuth (deg from north, clockwise) from point 1 to point 2."""
    lat1, lon1, lat2, lon2 = np.broadcast_arrays(*(np.asarray(x, float) for x in
                                                   (lat1_deg, lon1_deg, lat2_deg, lon2_deg)))
    az12, _, dist = _geod(earth.a_m, earth.f).inv(lon1, lat1, lon2, lat2)
    return np.asarray(dist, float), np.asarray(az12, float) % 360.0


def geodesic_direct(lat_deg, lon_deg, azimuth_deg, distance_m, earth: EarthModel = WGS84):
    """The point reached from (lat, lon) along ``azimuth_deg`` after ``distance_m``: (lat_deg, lon_deg)."""
    lat, lon, az, dist = np.broadcast_arrays(*(np.asarray(x, float) for x in
                                               (lat_deg, lon_deg, azimuth_deg, distance_m)))
    lon2, lat2, _ = _geod(earth.a_m, earth.f).fwd(lon, lat, az, dist)
    return np.asarray(lat2, float), np.asarray(lon2, float)


def geodesic_points(lat1_deg, lon1_deg, lat2_deg, lon2_deg, n: int, earth: EarthModel = WGS84):
    """``n`` points along the geodesic, end points included: (lat_deg, lon_deg) arrays."""
    g = _geod(earth.a_m, earth.f)
    pts = g.npts(lon1_deg, lat1_deg, lon2_deg, lat2_deg, max(n - 2, 0))
    lons = [lon1_deg] + [p[0] for p in pts] + [lon2_deg]
    lats = [lat1_deg] + [p[1] for p in pts] + [lat2_deg]
    return np.array(lats), np.array(lons)
