"""Defended footprints: which aimpoints around a battery can it protect against one threat type?

The classic footprint analysis of missile defence (e.g. Wilkening, *Science & Global Security*
8, 2000): fix the threat (missile, launch area, trajectory shape), put its aimpoint on every node
of a grid around the defence, fly all of them as one batch, and ask for each battery whether the
threat aimed at that node is engageable (detected in time, and reachable inside the interceptor's
envelope — :func:`thaadsim.defense.engagement.engagement_windows`). The footprint is the union
of the grid cells whose centre is defended, so its edge is good to about half a cell.

The grid is square in a local east/north frame (km) centred on ``center``; node positions are
placed on the WGS84 ellipsoid by the direct geodesic problem. Aimpoints beyond the missile's
reach are left out (counted as not defended).
"""

from __future__ import annotations

import numpy as np


def grid_aimpoints(center_lat_deg: float, center_lon_deg: float, half_width_km: float, n: int):
    """(x_km, y_km, lat_deg, lon_deg) arrays of an n x n grid centred on a point (row-major)."""
    from thaadsim.earth.geodesy import geodesic_direct

    x = np.linspace(-half_width_km, half_width_km, n)
    X, Y = np.meshgrid(x, x)
    d = np.hypot(X, Y) * 1e3
    az = np.degrees(np.arctan2(X, Y))
    la, lo = geodesic_direct(center_lat_deg, center_lon_deg, az.ravel(), d.ravel())
    return X.ravel(), Y.ravel(), la, lo


def _cells_polygon(xs, ys, mask, cell_km, center_lat_deg, center_lon_deg):
    """Union of the defended cells (km frame), returned as a lon/lat shapely polygon."""
    from shapely.geometry import Polygon, box
    from shapely.ops import unary_union

    from thaadsim.earth.geodesy import geodesic_direct

    h = cell_km / 2.0
    cells = [box(x - h, y - h, x + h, y + h) for x, y, m in zip(xs, ys, mask) if m]
    if not cells:
        return Polygon()
    u = unary_union(cells).simplify(1e-6)

    def to_lonlat(poly):
        def ring(coords):
            c = np.asarray(coords)
            dense = [c[0]]
            for a, b in zip(c[:-1], c[1:]):   # densify edges so the geodesic mapping keeps the shape
                k = max(1, int(np.ceil(np.hypot(*(b - a)) / 10.0)))
                dense += [a + (b - a) * t for t in np.linspace(0, 1, k + 1)[1:]]
            c = np.asarray(dense)
            d = np.hypot(c[:, 0], c[:, 1]) * 1e3
            az = np.degrees(np.arctan2(c[:, 0], c[:, 1]))
            la, lo = geodesic_direct(center_lat_deg, center_lon_deg, az, d)
            lo = (lo - center_lon_deg + 180.0) % 360.0 - 180.0 + center_lon_deg
            return np.column_stack([lo, la])
        return Polygon(ring(poly.exterior.coords), [ring(r.coords) for r in poly.interiors])

    parts = [u] if u.geom_type == "Polygon" else list(u.geoms)
    polys = [to_lonlat(p) for p in parts]
    out = unary_union(polys)
    return out if out.is_valid else out.buffer(0)


def defended_footprints(missile, launch_lat_deg: float, launch_lon_deg: float, batteries, radars: dict, *,
                        center_lat_deg: float, center_lon_deg: float, half_width_km: float = 300.0,
                        n: int = 11, shape: str = "min-energy", apogee_km: float | None = None,
                        sample_dt_s: float = 2.0) -> dict:
    """Footprint of each battery (and of the whole defence) against one threat type.

    Returns ``{"per_battery": {battery_id: {"polygon", "area_km2", "defended_nodes", "touches_edge"}},
    "any": {...}, "nodes": n*n, "reachable_nodes": k}``; polygons are lon/lat shapely geometries.
    """
    from thaadsim.analysis.detections import run_detections
    from thaadsim.analysis.pipeline import battery_detect_s
    from thaadsim.defense.engagement import engagement_windows
    from thaadsim.earth.geodesy import geodesic_inverse
    from thaadsim.flight import fly_targeted, load_missile, max_range_km
    from thaadsim.sensors.signatures import signature_for

    m = load_missile(missile) if isinstance(missile, str) else missile
    xs, ys, la, lo = grid_aimpoints(center_lat_deg, center_lon_deg, half_width_km, n)
    dist_m, _ = geodesic_inverse(launch_lat_deg, launch_lon_deg, la, lo)
    reach = 0.97 * max_range_km(m) * 1e3          # stay clear of the edge of the reach
    ok = dist_m <= reach
    per = {}
    result = {"nodes": int(xs.size), "reachable_nodes": int(ok.sum()), "per_battery": per}
    cell = 2.0 * half_width_km / max(n - 1, 1)
    if not ok.any():
        result["any"] = {"polygon": _cells_polygon([], [], [], cell, center_lat_deg, center_lon_deg),
                         "area_km2": 0.0, "defended_nodes": 0}
        return result
    kw = {} if apogee_km is None else {"apogee_km": apogee_km}
    batch = fly_targeted(m, launch_lat_deg, launch_lon_deg, la[ok], lo[ok], shape=shape, sample_dt_s=sample_dt_s,
                         **kw)
    det = run_detections(batch, radars, signatures=[signature_for(m)] * len(batch)) if radars else {}
    w = engagement_windows(batch, batteries, detect_s=battery_detect_s(batch, batteries, det))
    from thaadsim.analysis.result import _area_km2

    edge = (np.abs(xs) >= half_width_km - 1e-6) | (np.abs(ys) >= half_width_km - 1e-6)
    any_mask = np.zeros(xs.size, bool)
    for j, bat in enumerate(batteries):
        mask = np.zeros(xs.size, bool)
        mask[np.flatnonzero(ok)] = w.engageable[:, j]
        any_mask |= mask
        poly = _cells_polygon(xs, ys, mask, cell, center_lat_deg, center_lon_deg)
        per[bat.id] = {"polygon": poly, "area_km2": _area_km2(poly), "defended_nodes": int(mask.sum()),
                       "touches_edge": bool((mask & edge).any())}
    poly = _cells_polygon(xs, ys, any_mask, cell, center_lat_deg, center_lon_deg)
    result["any"] = {"polygon": poly, "area_km2": _area_km2(poly), "defended_nodes": int(any_mask.sum()),
                     "touches_edge": bool((any_mask & edge).any())}
    result["cell_km"] = cell
    return result
