"""Radar coverage footprints on the ground, as polygons for maps and exports.

For a target flying at altitude ``h`` the region where a radar face holds it is bounded by two
limits along every azimuth of the face's sector:

* **range**: slant range <= R, where R is the smaller of the instrumented range and the radar
  equation's detection range for the target's RCS;
* **elevation**: apparent elevation >= the face's minimum elevation (the horizon, lifted by the
  scan limit), with refraction modelled by the 4/3 effective Earth of radius ``a = k·R_e``.

On the effective sphere, with radar at radius ``r0 = a + h0`` and target at ``r1 = a + h``, both
limits have closed forms in the effective central angle ``θ'`` (ground distance ``d = a·θ'``):

* range (law of cosines): ``cos θ' = (r0² + r1² − R²) / (2 r0 r1)``;
* elevation ``ε`` (law of sines in the triangle centre–radar–target, whose angle at the radar is
  90° + ε): ``θ' = 90° − ε − asin(r0 cos ε / r1)``.

For ε = 0 and h0 = 0 the second gives the familiar horizon distance ``d ≈ √(2 a h)``
(Skolnik, *Introduction to Radar Systems*, 3rd ed., §8.3 [ref:skolnik-2001]). The footprint is the smaller of the
two at each azimuth. The cone of silence above the radar (elevation > max elevation) is ignored:
it is a few km across at the altitudes that matter and too small to see on the map.
"""

from __future__ import annotations

import numpy as np

K_STANDARD = 4.0 / 3.0
R_MEAN_M = 6371.0e3


def max_ground_range_m(target_alt_m, *, radar_alt_m: float = 0.0, max_range_m: float = np.inf,
                       min_elevation_deg: float = 0.0, k: float = K_STANDARD, radius_m: float = R_MEAN_M):
    """Largest ground distance (m) at which a target at ``target_alt_m`` is in coverage.

    Zero where the target is out of reach even straight overhead (``R < h − h0``). Broadcasts.
    """
    a = k * radius_m
    h = np.asarray(target_alt_m, float)
    r0 = a + radar_alt_m
    r1 = a + h
    eps = np.radians(min_elevation_deg)
    with np.errstate(invalid="ignore"):
        th_el = np.pi / 2 - eps - np.arcsin(np.clip(r0 * np.cos(eps) / r1, -1.0, 1.0))
        th_el = np.where(r1 * 1.0 >= r0 * np.cos(eps), th_el, 0.0)
        if np.isfinite(max_range_m):
            c = (r0 * r0 + r1 * r1 - max_range_m**2) / (2 * r0 * r1)
            th_r = np.where(c <= 1.0, np.arccos(np.clip(c, -1.0, 1.0)), 0.0)
        else:
            th_r = np.full_like(th_el, np.inf)
    th = np.maximum(np.minimum(th_el, th_r), 0.0)
    return a * th


def geodesic_circle(lat_deg: float, lon_deg: float, radius_km: float, n: int = 180):
    """A shapely Polygon (lon/lat) of the points at geodesic distance ``radius_km`` (WGS84)."""
    from shapely.geometry import Polygon

    from thaadsim.earth.geodesy import geodesic_direct

    az = np.linspace(0.0, 360.0, n, endpoint=False)
    la, lo = geodesic_direct(lat_deg, lon_deg, az, radius_km * 1e3)
    lo = _unwrap_around(lo, lon_deg)
    return Polygon(np.column_stack([lo, la]))


def _unwrap_around(lon, lon0):
    return (np.asarray(lon) - lon0 + 180.0) % 360.0 - 180.0 + lon0


def sector_footprint(lat_deg: float, lon_deg: float, ground_range_m, face_az_deg: float = 0.0,
                     az_half_width_deg: float = 180.0, n: int = 121):
    """Polygon of a sector (a full disc when the half width is >= 180°) of ground range
    ``ground_range_m`` (scalar, or one value per azimuth) around a site."""
    from shapely.geometry import Polygon

    from thaadsim.earth.geodesy import geodesic_direct

    full = az_half_width_deg >= 180.0
    if full:
        az = np.linspace(0.0, 360.0, n, endpoint=False)
    else:
        az = np.linspace(face_az_deg - az_half_width_deg, face_az_deg + az_half_width_deg, n)
    d = np.broadcast_to(np.asarray(ground_range_m, float), az.shape)
    if not np.any(d > 0):
        return Polygon()
    la, lo = geodesic_direct(lat_deg, lon_deg, az % 360.0, d)
    lo = _unwrap_around(lo, lon_deg)
    pts = np.column_stack([lo, la])
    if not full:
        pts = np.vstack([[lon_deg, lat_deg], pts])
    poly = Polygon(pts)
    return poly if poly.is_valid else poly.buffer(0)


def radar_footprint(lat_deg: float, lon_deg: float, antenna_alt_m: float, *, target_alt_m: float,
                    max_range_m: float, min_elevation_deg: float = 0.0, face_az_deg: float = 0.0,
                    az_half_width_deg: float = 180.0, k: float = K_STANDARD, n: int = 121):
    """Ground footprint (shapely Polygon, lon/lat) of one radar face against a target at
    ``target_alt_m``: see the module docstring. Returns an empty polygon if out of reach."""
    d = float(max_ground_range_m(target_alt_m, radar_alt_m=antenna_alt_m, max_range_m=max_range_m,
                                 min_elevation_deg=min_elevation_deg, k=k))
    return sector_footprint(lat_deg, lon_deg, d, face_az_deg, az_half_width_deg, n)
