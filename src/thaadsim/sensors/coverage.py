"""Where a radar can detect a target of a given RCS at a given altitude, and what limits it.

For a target at altitude h_t the detection region of one face is an annular sector around the site:

* outer edge - the smallest of four slant ranges:
    - ``detection``: the radar-equation range for that RCS (track form, or search with ``search``);
    - ``horizon``: the refracted line of sight, the ray that grazes the 4/3 Earth
      (d ≈ √(2kRh_r) + √(2kRh_t) [ref:fs1037c-radar-los]);
    - ``elevation``: where the ray leaving at the radar's minimum elevation reaches h_t;
    - ``instrumented``: the radar's maximum processed range;
* inner edge - where the target is above the face's maximum elevation (a hole over the radar);
* sides - the face's azimuth half width about its boresight.

Ranges are compared as true slant ranges. Each limit is first turned into a ground distance on the
local sphere (Euler's radius of the WGS84 ellipsoid along each azimuth; refraction on the
effective k·R sphere), and back. The output says which limit binds (``limited_by``) and whether
the target is detectable anywhere (``detectable``: the outer edge lies beyond the inner edge).

The map region is a shapely polygon in (lon, lat) degrees, drawn along WGS84 geodesics from the
site (pyproj); ``coverage_geojson`` wraps it as a GeoJSON Feature. Regions crossing the ±180°
meridian are not split.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from thaadsim.sensors import geometry as geo
from thaadsim.sensors.radar import PlacedRadar

if TYPE_CHECKING:   # annotations only: shapely loads when a polygon is first drawn
    import shapely
    from numpy.typing import ArrayLike

LIMITS = ("detection", "horizon", "elevation", "instrumented")


def _slant_from_ground(s_m, h_r, h_t, radius):
    """True slant range between heights h_r and h_t separated by ground distance s on a sphere."""
    a, b = radius + h_r, radius + h_t
    return np.sqrt(np.maximum(a * a + b * b - 2 * a * b * np.cos(s_m / radius), 0.0))


def _ground_from_slant(rho, h_r, h_t, radius):
    """Inverse of :func:`_slant_from_ground`; NaN where the slant range cannot reach h_t."""
    a, b = radius + h_r, radius + h_t
    c = (a * a + b * b - rho * rho) / (2 * a * b)
    with np.errstate(invalid="ignore"):
        return np.where(c <= 1.0, radius * np.arccos(np.clip(c, -1.0, 1.0)), np.nan)


def _ground_at_elevation(eps_deg, h_r, h_t, k, radius):
    """Ground distance at which the ray at elevation ε (effective sphere) reaches height h_t.

    0 where a target at h_t can never be at that elevation or beyond (h_t below the antenna for
    ε ≥ 0), +inf if ε is below the horizon dip (the floor never binds before the horizon).
    """
    kr = k * radius
    rho = geo.slant_range_at_altitude_m(h_t, eps_deg, h_r, k, radius)
    e = np.radians(eps_deg)
    th = np.arctan2(rho * np.cos(e), kr + h_r + rho * np.sin(e))
    s = kr * th
    dip = np.degrees(np.arccos(np.minimum(kr / (kr + np.maximum(h_r, 0.0)), 1.0)))
    s = np.where(np.isnan(s), 0.0, s)
    return np.where(np.asarray(eps_deg) < -dip, np.inf, s)


def range_limits(radar: PlacedRadar, rcs_m2: ArrayLike, altitude_km: ArrayLike, *, search: bool = False,
                 refraction: bool | float = True, azimuth_deg: ArrayLike | None = None) -> dict[str, np.ndarray]:
    """The four range limits, the effective range and what binds, broadcast over rcs and altitude.

    Parameters
    ----------
    radar : PlacedRadar
        The radar on its site (:meth:`Radar.place`).
    rcs_m2, altitude_km : array_like
        Target radar cross section (m²) and altitude (km), broadcast together.
    search : bool, default False
        The search form of the radar equation (the radar's search budget) instead of the track form.
    refraction : bool or float, default True
        4/3-Earth refraction (True), straight rays (False), or the effective-Earth factor k itself.
    azimuth_deg : array_like, optional
        Azimuths at which to evaluate the Earth's curvature; the face's boresight by default.

    Returns
    -------
    dict of str to numpy.ndarray
        Arrays of the broadcast shape (km unless named otherwise): ``detection_range_km``,
    ``horizon_range_km``, ``elevation_limited_range_km``, ``instrumented_range_km``,
    ``effective_range_km`` (the smallest of the four), ``limited_by`` (which one: "detection",
    "horizon", "elevation" or "instrumented"), ``min_range_km`` (inside which the target is above
    the maximum elevation), ``effective_ground_range_km`` (NaN if not detectable),
    ``min_ground_range_km`` and ``detectable`` (bool: some point at that altitude lies between the
    inner and outer edges). Slant ranges unless named ``ground``.
    """
    r = radar.radar
    k = geo.refraction_k(refraction)
    rcs = np.asarray(rcs_m2, float)
    h_t = np.asarray(altitude_km, float) * 1e3
    rcs, h_t = np.broadcast_arrays(rcs, h_t)
    h_r = radar.antenna_alt_m
    az = radar.face_az_deg if azimuth_deg is None else azimuth_deg
    radius = geo.euler_radius_m(radar.lat_deg, az)

    def slant(s):
        """True slant range of ground distance s (inf stays inf)."""
        fin = np.isfinite(s)
        return np.where(fin, _slant_from_ground(np.where(fin, s, 0.0), h_r, h_t, radius), np.inf)

    r_det = r.detection_range_m(rcs, search=search) + 0.0 * h_t
    r_hor = slant(geo.horizon_ground_range_m(h_r, h_t, k, radius))
    r_el = slant(_ground_at_elevation(r.min_elevation_deg, h_r, h_t, k, radius))
    r_ins = np.full(h_t.shape, r.max_range_m)
    s_min = _ground_at_elevation(r.max_elevation_deg, h_r, h_t, k, radius)
    s_min = np.where(np.isinf(s_min), 0.0, s_min)
    stack = np.stack(np.broadcast_arrays(r_det, r_hor, r_el, r_ins), axis=0)
    which = np.argmin(stack, axis=0)
    r_eff = np.min(stack, axis=0)
    s_eff = _ground_from_slant(r_eff, h_r, h_t, radius)      # NaN: cannot even reach the altitude
    detectable = np.isfinite(s_eff) & (np.nan_to_num(s_eff, nan=-1.0) > s_min)
    return {
        "rcs_m2": rcs, "altitude_km": h_t / 1e3,
        "detection_range_km": r_det / 1e3,
        "horizon_range_km": r_hor / 1e3,
        "elevation_limited_range_km": r_el / 1e3,
        "instrumented_range_km": r_ins / 1e3,
        "effective_range_km": r_eff / 1e3,
        "limited_by": np.asarray(np.asarray(LIMITS, dtype=object)[which], dtype=object),
        "min_range_km": slant(s_min) / 1e3,
        "effective_ground_range_km": np.where(detectable, s_eff, np.nan) / 1e3,
        "min_ground_range_km": s_min / 1e3,
        "detectable": detectable,
    }


def range_table(radar: PlacedRadar, rcs_m2: ArrayLike = (0.001, 0.01, 0.1, 1.0, 10.0),
                altitude_km: ArrayLike = (50, 100, 200, 300, 500),
                *, search: bool = False, refraction: bool | float = True) -> pd.DataFrame:
    """Detection range vs RCS and vs altitude: one row per (rcs, altitude) pair, with what binds.

    Parameters
    ----------
    radar : PlacedRadar
        The radar on its site.
    rcs_m2, altitude_km : array_like
        The cross sections (m²) and altitudes (km) whose outer product makes the rows.
    search, refraction
        As :func:`range_limits`.

    Returns
    -------
    pandas.DataFrame
        ``radar_id``, ``mode`` and every column of :func:`range_limits`, one row per pair.
    """
    rc, al = np.meshgrid(np.asarray(rcs_m2, float), np.asarray(altitude_km, float), indexing="ij")
    lim = range_limits(radar, rc.ravel(), al.ravel(), search=search, refraction=refraction)
    df = pd.DataFrame({k: np.asarray(v).ravel() for k, v in lim.items()})
    df.insert(0, "radar_id", radar.radar.id)
    df.insert(1, "mode", "search" if search else "track")
    return df


def coverage_polygon(radar: PlacedRadar, rcs_m2: float, altitude_km: float, *, search: bool = False,
                     refraction: bool | float = True, n_az: int = 121) -> shapely.Polygon:
    """The region (shapely Polygon in lon/lat degrees) where the target is detectable; empty if none.

    Parameters
    ----------
    radar : PlacedRadar
        The radar on its site.
    rcs_m2 : float
        Target radar cross section, m².
    altitude_km : float
        Target altitude, km.
    search : bool
        Search mode instead of track mode.
    refraction : bool or float
        Radio horizon with the 4/3-Earth refraction model (``True``), none (``False``), or an
        effective Earth-radius factor [ref:schelleng-1933].
    n_az : int
        Azimuths sampled over the radar's scan sector.

    Returns
    -------
    shapely.Polygon
        In lon/lat degrees; empty where the target is never detectable.
    """
    from pyproj import Geod
    from shapely.geometry import Polygon

    r = radar.radar
    hw = min(r.az_half_width_deg, 180.0)
    az = radar.face_az_deg + np.linspace(-hw, hw, n_az)
    lim = range_limits(radar, np.full(n_az, float(rcs_m2)), np.full(n_az, float(altitude_km)), search=search,
                       refraction=refraction, azimuth_deg=az)
    outer = lim["effective_ground_range_km"] * 1e3
    inner = lim["min_ground_range_km"] * 1e3
    ok = lim["detectable"]
    if not ok.any():
        return Polygon()
    geod = Geod(ellps="WGS84")
    lat0 = np.full(n_az, radar.lat_deg)
    lon0 = np.full(n_az, radar.lon_deg)
    olon, olat, _ = geod.fwd(lon0, lat0, az, np.where(ok, outer, inner))
    full_circle = hw >= 180.0
    if np.all(inner < 1.0):
        ring = list(zip(olon, olat)) if full_circle else [(radar.lon_deg, radar.lat_deg)] + list(zip(olon, olat))
        return Polygon(ring).buffer(0)
    ilon, ilat, _ = geod.fwd(lon0, lat0, az, inner)
    if full_circle:
        return Polygon(list(zip(olon, olat)), [list(zip(ilon, ilat))]).buffer(0)
    ring = list(zip(olon, olat)) + list(zip(ilon[::-1], ilat[::-1]))
    return Polygon(ring).buffer(0)


def coverage_geojson(radar: PlacedRadar, rcs_m2: float, altitude_km: float, *, search: bool = False,
                     refraction: bool | float = True, n_az: int = 121) -> dict:
    """The coverage region as a GeoJSON Feature, with the range limits in its properties.

    Parameters
    ----------
    radar : PlacedRadar
        The radar on its site.
    rcs_m2 : float
        Target radar cross section, m².
    altitude_km : float
        Target altitude, km.
    search : bool
        Search mode instead of track mode.
    refraction : bool or float
        Radio horizon with the 4/3-Earth refraction model (``True``), none (``False``), or an
        effective Earth-radius factor [ref:schelleng-1933].
    n_az : int
        Azimuths sampled over the radar's scan sector.

    Returns
    -------
    dict
        A GeoJSON Feature: the polygon in lon/lat degrees (exterior counter-clockwise, as RFC 7946
        asks), the range limits in ``properties``.
    """
    from shapely.geometry import mapping
    from shapely.geometry.polygon import orient

    poly = coverage_polygon(radar, rcs_m2, altitude_km, search=search, refraction=refraction, n_az=n_az)
    # RFC 7946 section 3.1.6: exteriors counter-clockwise, holes clockwise
    if poly.geom_type == "Polygon" and not poly.is_empty:
        poly = orient(poly, sign=1.0)
    elif poly.geom_type == "MultiPolygon":
        from shapely.geometry import MultiPolygon

        poly = MultiPolygon([orient(g, sign=1.0) for g in poly.geoms])
    lim = range_limits(radar, rcs_m2, altitude_km, search=search, refraction=refraction)
    props = {k: (v.item() if hasattr(v, "item") else v) for k, v in lim.items()}
    props.update(radar_id=radar.radar.id, mode="search" if search else "track", site_lat_deg=radar.lat_deg,
                 site_lon_deg=radar.lon_deg, face_az_deg=radar.face_az_deg)
    geom = mapping(poly) if not poly.is_empty else None
    return {"type": "Feature", "geometry": geom, "properties": props}
