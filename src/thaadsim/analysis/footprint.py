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

A footprint that reaches the grid's edge is cut by the grid, not by the defence, so the grid grows:
while any defended node lies on the outermost ring, one more ring of nodes at the same cell size
is added around it (only the new ring is flown, as one batch). Growth stops when no footprint
touches the edge (``stop_reason = "clear"``), when the next ring has no aimpoint within the
missile's reach (``"reach"``: the footprint there is bounded by what the threat can hit), or when
the next ring would take the grid past ``max_nodes`` (``"cap"``: the footprint is larger in fact).
Growth follows the edge only: a separate patch of defended aimpoints wholly outside the grid,
not connected to its edge, is not looked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:   # annotations only
    from collections.abc import Sequence

    from thaadsim.defense.battery import Battery
    from thaadsim.flight.vehicle import Missile


def grid_aimpoints(center_lat_deg: float, center_lon_deg: float, half_width_km: float,
                   n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(x_km, y_km, lat_deg, lon_deg) arrays of an n x n grid centred on a point (row-major).

    Parameters
    ----------
    center_lat_deg, center_lon_deg : float
        The grid's centre, deg.
    half_width_km : float
        Half the side of the square grid, km.
    n : int
        Nodes per side.

    Returns
    -------
    x_km, y_km, lat_deg, lon_deg : numpy.ndarray, shape (n * n,)
        Local east/north offsets and the points they fall on.
    """
    x = np.linspace(-half_width_km, half_width_km, n)
    X, Y = np.meshgrid(x, x)
    la, lo = _place(center_lat_deg, center_lon_deg, X.ravel(), Y.ravel())
    return X.ravel(), Y.ravel(), la, lo


def _place(center_lat_deg, center_lon_deg, x_km, y_km):
    """Local east/north offsets (km) -> lat/lon on WGS84 (direct geodesic problem from the centre)."""
    from thaadsim.earth.geodesy import geodesic_direct

    d = np.hypot(x_km, y_km) * 1e3
    az = np.degrees(np.arctan2(x_km, y_km))
    return geodesic_direct(center_lat_deg, center_lon_deg, az, d)


def _ring_indices(n: int, k: int):
    """Integer (i, j) node indices of ring ``k`` around an n x n block indexed 0..n-1 (k = 0: the block).

    Ring k is the square outline at Chebyshev distance k outside the block: indices from -k to
    n-1+k, keeping those on the outline. Row-major (j, then i), so the order is reproducible.
    """
    if k == 0:
        J, I = np.mgrid[0:n, 0:n]
        return I.ravel(), J.ravel()
    r = np.arange(-k, n + k)
    J, I = np.meshgrid(r, r, indexing="ij")
    on = (I == -k) | (I == n - 1 + k) | (J == -k) | (J == n - 1 + k)
    return I[on], J[on]


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


def defended_footprints(missile: str | Missile, launch_lat_deg: float, launch_lon_deg: float,
                        batteries: Sequence[Battery], radars: dict, *,
                        center_lat_deg: float, center_lon_deg: float, half_width_km: float = 300.0,
                        n: int = 11, shape: str = "min-energy", apogee_km: float | None = None,
                        sample_dt_s: float = 2.0, max_nodes: int | None = None) -> dict:
    """Footprint of each battery (and of the whole defence) against one threat type.

    Parameters
    ----------
    missile : str or Missile
        The threat: a catalog id or a missile.
    launch_lat_deg, launch_lon_deg : float
        Its launch point, deg.
    batteries : sequence of Battery
        The defence.
    radars : dict
        Radar id -> placed radar, for the batteries' tracking.
    center_lat_deg, center_lon_deg : float
        Centre of the aimpoint grid, deg.
    shape : {"min-energy", "lofted", "depressed"}
        Trajectory shape of every aimed threat.
    apogee_km : float or None
        Apogee for lofted or depressed shots, km.
    sample_dt_s : float
        Trajectory sampling, s.
    half_width_km, n
        The initial grid: n x n aimpoints spanning +-half_width_km around the centre; its cell size
        ``2 half_width_km / (n - 1)`` is kept while the grid grows.
    max_nodes
        Cap on the grown grid's node count (flown or not); default ``4 n²``, at most 40,000 (a
        200 x 200 grid) unless given. A ring that would pass it is not added.

    Returns
    -------
    dict
        ``{"per_battery": {battery_id: {"polygon", "area_km2", "defended_nodes", "touches_edge",
        "defended_mask"}}, "any": {...}, "nodes", "reachable_nodes", "cell_km", ...}``; polygons are
        lon/lat shapely geometries. ``nodes`` counts the final grid's nodes and ``reachable_nodes``
        those flown (within the missile's reach); ``touches_edge`` (per battery, for ``any`` and at
        the top level) refers to the final grid's outermost ring. Growth fields: ``grid_n`` and
        ``half_width_km`` (final grid), ``initial_grid_n``, ``initial_half_width_km``,
        ``rings_added``, ``growth_steps`` (batches flown after the first), ``max_nodes`` and
        ``stop_reason`` ("clear", "reach" or "cap", see the module docstring). ``x_km``/``y_km``/
        ``reachable`` are the nodes' local offsets and reach flags, aligned with ``defended_mask``.
    """
    from thaadsim.analysis.footprint_map import MAX_GRID_N
    from thaadsim.analysis.result import _area_km2
    from thaadsim.earth.geodesy import geodesic_inverse
    from thaadsim.errors import ThaadsimError
    from thaadsim.flight import load_missile, max_range_km

    m = load_missile(missile) if isinstance(missile, str) else missile
    # default: room for one doubling of the side, but no more than a 200 x 200 map's nodes
    cap = min(4 * n * n, max(n * n, MAX_GRID_N ** 2)) if max_nodes is None else int(max_nodes)
    if cap < n * n:
        raise ThaadsimError("max_nodes", f"{cap} is below the initial grid's {n * n} nodes ({n} x {n})",
                            f"give max_nodes >= {n * n}, or a smaller grid_n")
    cell = 2.0 * half_width_km / max(n - 1, 1)
    reach = 0.97 * max_range_km(m) * 1e3          # stay clear of the edge of the reach
    nb = len(batteries)
    kw = {} if apogee_km is None else {"apogee_km": apogee_km}

    # nodes are integer indices (i east, j north) of a lattice whose initial block is 0..n-1; the
    # offsets come from the indices, so a grown grid and a larger initial grid share their nodes
    I = np.zeros(0, int)
    J = np.zeros(0, int)
    ok = np.zeros(0, bool)
    eng = np.zeros((0, nb), bool)

    def ring(k):
        """Place ring k, fly its reachable aimpoints as one batch; (I, J, reachable, engageable)."""
        i, j = _ring_indices(n, k)
        x, y = (i - (n - 1) / 2.0) * cell, (j - (n - 1) / 2.0) * cell
        la, lo = _place(center_lat_deg, center_lon_deg, x, y)
        dist_m, _ = geodesic_inverse(launch_lat_deg, launch_lon_deg, la, lo)
        r_ok = dist_m <= reach
        e = np.zeros((i.size, nb), bool)
        if r_ok.any():
            e[r_ok] = _engageable(m, launch_lat_deg, launch_lon_deg, la[r_ok], lo[r_ok], batteries, radars,
                                  shape, sample_dt_s, kw)
        return i, j, r_ok, e

    k, steps, stop = 0, 0, "clear"
    while True:
        i, j, r_ok, e = ring(k)
        if k > 0 and not r_ok.any():           # nothing the threat can hit out there: keep the grid
            stop = "reach"
            k -= 1
            break
        I, J, ok, eng = np.concatenate([I, i]), np.concatenate([J, j]), np.concatenate([ok, r_ok]), \
            np.concatenate([eng, e])
        steps += k > 0
        edge = (I == -k) | (I == n - 1 + k) | (J == -k) | (J == n - 1 + k)
        if not (eng & edge[:, None]).any():
            stop = "clear"
            break
        if (n + 2 * (k + 1)) ** 2 > cap:
            stop = "cap"
            break
        k += 1

    side = n + 2 * k
    edge = (I == -k) | (I == n - 1 + k) | (J == -k) | (J == n - 1 + k)
    xs, ys = (I - (n - 1) / 2.0) * cell, (J - (n - 1) / 2.0) * cell
    per = {}
    result = {"nodes": int(side * side), "reachable_nodes": int(ok.sum()), "per_battery": per, "cell_km": cell,
              "grid_n": int(side), "half_width_km": half_width_km + k * cell, "initial_grid_n": int(n),
              "initial_half_width_km": float(half_width_km), "rings_added": int(k), "growth_steps": int(steps),
              "max_nodes": int(cap), "stop_reason": stop, "x_km": xs, "y_km": ys, "reachable": ok}
    for jb, bat in enumerate(batteries):
        mask = eng[:, jb]
        poly = _cells_polygon(xs, ys, mask, cell, center_lat_deg, center_lon_deg)
        per[bat.id] = {"polygon": poly, "area_km2": _area_km2(poly), "defended_nodes": int(mask.sum()),
                       "touches_edge": bool((mask & edge).any()), "defended_mask": mask}
    any_mask = eng.any(axis=1)
    poly = _cells_polygon(xs, ys, any_mask, cell, center_lat_deg, center_lon_deg)
    result["any"] = {"polygon": poly, "area_km2": _area_km2(poly), "defended_nodes": int(any_mask.sum()),
                     "touches_edge": bool((any_mask & edge).any()), "defended_mask": any_mask}
    result["touches_edge"] = result["any"]["touches_edge"]
    return result


def _engageable(m, launch_lat_deg, launch_lon_deg, lat_deg, lon_deg, batteries, radars, shape, sample_dt_s, kw):
    """(aimpoints, batteries) bool: is the threat aimed at each point engageable by each battery.

    Flown in the fixed chunks of :mod:`thaadsim.analysis.footprint_map` (one batch per chunk, so
    memory stays bounded on large grids); an aimpoint the targeting cannot hit is not engageable
    rather than an error for the whole footprint.
    """
    from thaadsim.analysis.footprint_map import CHUNK_AIMPOINTS, ThreatSpec, _chunk_of, footprint_chunk, solve_aimpoints

    threat = ThreatSpec(m, float(launch_lat_deg), float(launch_lon_deg), shape, kw.get("apogee_km"), sample_dt_s)
    lat_deg, lon_deg = np.asarray(lat_deg, float), np.asarray(lon_deg, float)
    solution = solve_aimpoints(threat, lat_deg, lon_deg)
    out = np.zeros((lat_deg.size, len(batteries)), bool)
    for s in range(0, lat_deg.size, CHUNK_AIMPOINTS):
        part = slice(s, s + CHUNK_AIMPOINTS)
        out[part] = footprint_chunk(threat, batteries, radars, _chunk_of(solution, part))["engageable"]
    return out
