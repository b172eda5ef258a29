"""Defended footprint maps at scale: P(kill) on every aimpoint of an N x N grid, in fixed chunks.

The question of a footprint analysis (Wilkening, *Science & Global Security* 8, 2000): fix the
threat (missile, launch point, trajectory shape), aim it at every node of a grid around the
defence, and ask for each aimpoint whether the defence can engage the threat and with what
probability of kill. :mod:`thaadsim.analysis.footprint` answers "engageable or not" for the few
hundred aimpoints of a scenario report; this module draws the map, up to 200 x 200 aimpoints.

Grid
    ``grid_n`` x ``grid_n`` square cells of side ``cell_km = span_km / grid_n`` cover a square of
    ``span_km`` on a side, centred on ``center`` in a local east/north frame (km). Each cell's
    aimpoint is its centre, placed on the WGS84 ellipsoid by the direct geodesic problem (distance
    and azimuth from the centre: an azimuthal equidistant frame). The defended region is the union
    of the cells whose aimpoint is defended, so its edge is good to half a cell.

Per aimpoint (targeted by :func:`thaadsim.flight.fly_targeted`, then flown with samples)
    the threat is flown to the aimpoint, seen by the radars (:func:`thaadsim.analysis.detections.run_detections`),
    and engaged (:func:`thaadsim.analysis.pipeline.engage`: each battery's engagement window, its
    shoot-look-shoot shots ``n_b`` and earliest interceptor launch). Battery b kills the threat with

        P_b = 1 - (1 - Pk_b) ** n_b

    (independent shots, the single-shot ``Pk_b`` of the battery, as ``thaadsim engage`` prints),
    and the whole defence with ``P = 1 - prod_b (1 - P_b)`` (every battery gets its own shots;
    independent layers). An aimpoint is *defended* when ``P > 0``.

Aimpoints beyond reach
    An aimpoint farther from the launch point than 97 % of the missile's maximum range
    (non-rotating Earth, the catalog convention) is marked ``BEYOND_REACH`` and not flown; one the
    targeting cannot hit (e.g. a lofted shot too short for its apogee) is marked ``NO_SOLUTION``.
    Neither is an error, and neither counts as defended.

Scale
    Targeting runs once, in the calling process, for every reachable aimpoint of the map
    (:func:`solve_aimpoints`, summary-only flights: a few numbers per aimpoint, about two flights
    each). The solved aimpoints are then cut, in row-major order, into chunks of a fixed size
    (:data:`CHUNK_AIMPOINTS`, never derived from the worker count). Each chunk is one call of the
    module-level :func:`footprint_chunk`, which flies its aimpoints from their solved launch
    parameters with samples, detects and engages, and returns only per-aimpoint arrays (the
    trajectories die in the worker), so memory is bounded by one chunk per worker. The chunks run
    through :func:`thaadsim.executors.executor` (in-process, local processes, or a Dask
    scheduler). A flight from given launch parameters does not depend on the other rows of its
    batch, so the answer does not depend on the workers, the executor or the chunk size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from thaadsim.errors import ThaadsimError, require_range

#: aimpoints per chunk: one targeting batch of ~1,000 keeps a worker's trajectories (~50 MB for a
#: Nodong sampled every 2 s) well under the memory budget while amortising the batch overheads
CHUNK_AIMPOINTS = 1000
#: largest grid side. 200 x 200 = 40,000 aimpoints: about a minute on two cores once targeting
#: costs ~2 flights per aimpoint, a few minutes today. A finer grid resolves nothing the model
#: resolves: engagement windows are sampled every 2 s, i.e. 4-8 km of a reentering threat's path.
MAX_GRID_N = 200
MIN_GRID_N = 2
#: grid span limits (km): below 10 km the map is one battery's launcher area; above 5,000 km the
#: azimuthal equidistant grid distorts areas by more than 10 % at its corners
MIN_SPAN_KM, MAX_SPAN_KM = 10.0, 5000.0
#: the share of the missile's catalog maximum range beyond which an aimpoint is not flown (rotation
#: adds or removes a few per cent by azimuth; the targeting cannot converge right at the edge)
REACH_FRACTION = 0.97
#: iso-P(kill) levels whose regions the GeoJSON carries besides the defended region (P > 0)
PK_LEVELS = (0.5, 0.9)

# aimpoint status codes
FLOWN, BEYOND_REACH, NO_SOLUTION = 0, 1, 2
STATUS_NAMES = {FLOWN: "flown", BEYOND_REACH: "beyond the missile's reach", NO_SOLUTION: "no targeting solution"}


@dataclass(frozen=True)
class ThreatSpec:
    """The threat type of a footprint: everything a chunk needs to fly it (picklable)."""

    # a catalog id, or a Missile (e.g. with overrides). An id is resolved in each worker by the
    # cached load_missile, so every chunk a worker runs shares one object and its shape table
    # (a Missile compares by identity: each unpickled copy would look its table up again)
    missile: object
    launch_lat_deg: float
    launch_lon_deg: float
    shape: str = "min-energy"
    apogee_km: float | None = None
    sample_dt_s: float = 2.0


def cell_centres_km(grid_n: int, span_km: float) -> np.ndarray:
    """(grid_n,) cell-centre offsets (km) of a span_km-wide axis cut into grid_n equal cells."""
    cell = span_km / grid_n
    return (np.arange(grid_n) - (grid_n - 1) / 2.0) * cell


def place_km(center_lat_deg: float, center_lon_deg: float, x_km, y_km):
    """Local east/north offsets (km) -> (lat_deg, lon_deg) on WGS84: the direct geodesic problem
    from the centre (distance ``hypot(x, y)``, azimuth ``atan2(x, y)``), i.e. an azimuthal
    equidistant frame. Longitudes are kept within 180 deg of the centre (no seam jumps)."""
    from thaadsim.earth.geodesy import geodesic_direct

    x = np.asarray(x_km, float)
    y = np.asarray(y_km, float)
    la, lo = geodesic_direct(center_lat_deg, center_lon_deg, np.degrees(np.arctan2(x, y)), np.hypot(x, y) * 1e3)
    lo = (np.asarray(lo) - center_lon_deg + 180.0) % 360.0 - 180.0 + center_lon_deg
    return np.asarray(la).reshape(x.shape), lo.reshape(x.shape)


# --------------------------------------------------------------------------------------------
# one chunk: fly, detect, engage; only per-aimpoint arrays come back
# --------------------------------------------------------------------------------------------

def solve_aimpoints(threat: ThreatSpec, lat_deg, lon_deg) -> dict:
    """Launch parameters that put the threat on every aimpoint, found in ONE targeting call.

    Targeting many aimpoints from one launch point interpolates between solved neighbours, so a
    row's solution depends (within the 50 m targeting tolerance) on the other rows of its call. It
    is therefore solved once for the whole map, here, and the chunks only fly what was solved:
    the map is then the same whatever the chunk size, the workers or the executor. Aimpoints the
    targeting cannot hit (e.g. a lofted shot too short for its apogee) come back with ``ok`` False.

    Returns
    -------
    dict
        (k,) arrays ``ok``, ``azimuth_deg``, ``kick_deg``, ``cutoff_s`` and ``impact_s`` (the flight
        time, to size the chunks' sampled flights without a first pass).
    """
    from thaadsim.flight import fly_targeted

    kw = {} if threat.apogee_km is None else {"apogee_km": threat.apogee_km}
    lat_deg = np.asarray(lat_deg, float)
    if lat_deg.size == 0:
        e = np.zeros(0)
        return {"ok": np.zeros(0, bool), "azimuth_deg": e, "kick_deg": e, "cutoff_s": e, "impact_s": e}
    b = fly_targeted(threat.missile, threat.launch_lat_deg, threat.launch_lon_deg, lat_deg,
                     np.asarray(lon_deg, float), shape=threat.shape, sample_dt_s=None, errors="mark", **kw)
    return {"ok": np.asarray(b.targeting_ok, bool), "azimuth_deg": b.launch_azimuth_deg, "kick_deg": b.kick_deg,
            "cutoff_s": b.cutoff_s, "impact_s": b.impact_s}


def footprint_chunk(threat: ThreatSpec, batteries, radars: dict, solution: dict) -> dict:
    """Fly, detect and engage one chunk of solved aimpoints; per-aimpoint arrays only.

    Module-level (spawned workers and Dask pickle it by name). ``solution`` is this chunk's slice of
    :func:`solve_aimpoints`. Each row is flown from its own launch parameters (a flight does not
    depend on the other rows of its batch), and the trajectories are dropped here, so what crosses
    back to the caller is a few numbers per aimpoint and battery.

    Returns
    -------
    dict
        ``solved`` (k,) bool (the targeting hit the aimpoint); per (k, B) arrays ``engageable``,
        ``shots``, ``p_kill`` (``1 - (1 - Pk_b)^shots``), ``earliest_launch_s`` and
        ``earliest_intercept_s`` (s since the threat's launch, NaN where not engageable).
    """
    from thaadsim.analysis.detections import rcs_array, run_detections
    from thaadsim.analysis.pipeline import engage
    from thaadsim.flight import fly_powered, load_missile
    from thaadsim.sensors.signatures import signature_for

    if isinstance(threat.missile, str):
        from dataclasses import replace

        threat = replace(threat, missile=load_missile(threat.missile))
    ok = np.asarray(solution["ok"], bool)
    k, nb = ok.size, len(batteries)
    out = {"solved": ok.copy(), "engageable": np.zeros((k, nb), bool), "shots": np.zeros((k, nb), np.int16),
           "p_kill": np.zeros((k, nb)), "earliest_launch_s": np.full((k, nb), np.nan),
           "earliest_intercept_s": np.full((k, nb), np.nan)}
    rows = np.flatnonzero(ok)
    if rows.size == 0:
        return out
    batch = fly_powered([threat.missile], np.zeros(rows.size, int), threat.launch_lat_deg, threat.launch_lon_deg,
                        solution["azimuth_deg"][rows], solution["kick_deg"][rows], solution["cutoff_s"][rows],
                        sample_dt_s=threat.sample_dt_s, impact_time_hint_s=solution["impact_s"][rows])
    pk = np.array([b.single_shot_pk for b in batteries], float)
    rcs = rcs_array(batch, [signature_for(threat.missile)] * len(batch))
    det = run_detections(batch, radars, rcs_m2=rcs) if radars else {}
    w = engage(batch, batteries, det, rcs)
    eng = np.asarray(w.engageable, bool)
    shots = np.where(eng, w.shots_possible, 0)
    out["engageable"][rows] = eng
    out["shots"][rows] = shots
    out["p_kill"][rows] = np.where(eng, 1.0 - (1.0 - pk[None, :]) ** shots, 0.0)
    out["earliest_launch_s"][rows] = w.earliest_launch_s
    out["earliest_intercept_s"][rows] = w.earliest_intercept_s
    return out


def _chunk_of(solution: dict, rows) -> dict:
    return {key: np.asarray(v)[rows] for key, v in solution.items()}


# --------------------------------------------------------------------------------------------
# the map
# --------------------------------------------------------------------------------------------

@dataclass
class FootprintMap:
    """P(kill) per aimpoint on an N x N grid (rows: y_km south to north; columns: x_km west to east).

    Arrays indexed ``[j, i]`` (north, east) are (N, N); per-battery ones are (B, N, N).
    """

    missile_id: str
    shape: str
    apogee_km: float | None
    launch_lat_deg: float
    launch_lon_deg: float
    center_lat_deg: float
    center_lon_deg: float
    grid_n: int
    span_km: float
    x_km: np.ndarray
    y_km: np.ndarray
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    status: np.ndarray                   # (N, N) int8: FLOWN / BEYOND_REACH / NO_SOLUTION
    p_kill: np.ndarray                   # (N, N) whole defence
    battery_ids: list
    batteries: list                      # plain dicts describing each battery (id, interceptor, place, pk, radar)
    p_kill_by_battery: np.ndarray        # (B, N, N)
    engageable_by_battery: np.ndarray    # (B, N, N) bool
    shots_by_battery: np.ndarray         # (B, N, N)
    earliest_launch_s: np.ndarray        # (B, N, N) s since the threat's launch
    earliest_intercept_s: np.ndarray     # (B, N, N)
    chunk_aimpoints: int = CHUNK_AIMPOINTS
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    # -- counts ---------------------------------------------------------------------------------
    @property
    def cell_km(self) -> float:
        return self.span_km / self.grid_n

    @property
    def aimpoints(self) -> int:
        return int(self.grid_n * self.grid_n)

    @property
    def reachable(self) -> np.ndarray:
        """(N, N) bool: aimpoints flown to (within reach, targeting solved)."""
        return self.status == FLOWN

    @property
    def defended(self) -> np.ndarray:
        """(N, N) bool: P(kill) > 0 for the whole defence."""
        return self.p_kill > 0.0

    @property
    def aimpoints_reachable(self) -> int:
        return int(self.reachable.sum())

    @property
    def aimpoints_defended(self) -> int:
        return int(self.defended.sum())

    # -- regions --------------------------------------------------------------------------------
    def region(self, mask) -> object:
        """Union of the cells where ``mask`` is True, as a lon/lat shapely (Multi)Polygon.

        Cells are merged per row into runs first (a 200-wide row is a handful of rectangles, not
        200 boxes), the runs united by shapely, the outline densified every ``min(cell, 10 km)``
        and each vertex mapped by :func:`place_km`, so the lon/lat outline follows the curved
        image of the km grid. Rings are oriented as RFC 7946 asks (exterior counter-clockwise,
        holes clockwise).
        """
        import shapely
        from shapely.geometry import MultiPolygon, Polygon
        from shapely.geometry.polygon import orient
        from shapely.ops import unary_union

        mask = np.asarray(mask, bool)
        h = self.cell_km / 2.0
        boxes = []
        for j in np.flatnonzero(mask.any(axis=1)):
            row = np.concatenate([[0], mask[j].astype(np.int8), [0]])
            d = np.diff(row)
            starts, ends = np.flatnonzero(d == 1), np.flatnonzero(d == -1) - 1
            boxes.append(shapely.box(self.x_km[starts] - h, self.y_km[j] - h, self.x_km[ends] + h, self.y_km[j] + h))
        if not boxes:
            return Polygon()
        u = unary_union(np.concatenate(boxes)).simplify(self.cell_km * 1e-6)   # drops collinear vertices
        u = shapely.segmentize(u, max_segment_length=min(self.cell_km, 10.0))

        def to_lonlat(xy):
            la, lo = place_km(self.center_lat_deg, self.center_lon_deg, xy[:, 0], xy[:, 1])
            return np.column_stack([lo, la])

        g = shapely.transform(u, to_lonlat)
        parts = [g] if g.geom_type == "Polygon" else list(g.geoms)
        parts = [orient(p, sign=1.0) for p in parts]
        return parts[0] if len(parts) == 1 else MultiPolygon(parts)

    def defended_region(self):
        """The lon/lat region whose aimpoints are defended (P(kill) > 0)."""
        if "defended" not in self._cache:
            self._cache["defended"] = self.region(self.defended)
        return self._cache["defended"]

    def level_region(self, level: float):
        """The lon/lat region whose aimpoints have P(kill) >= ``level`` (its outline is the iso-line)."""
        key = f"level{level:g}"
        if key not in self._cache:
            self._cache[key] = self.region(self.p_kill >= level)
        return self._cache[key]

    @property
    def defended_area_km2(self) -> float:
        """Geodesic area (WGS84, pyproj ``Geod``) of the defended region, km²."""
        return area_km2(self.defended_region())

    # -- outputs --------------------------------------------------------------------------------
    def summary(self) -> dict:
        """Every figure of the map as a JSON-ready dict (what ``--json`` prints)."""
        d = self.defended
        pk_def = self.p_kill[d]
        levels = {f"{lv:g}": {"aimpoints": int((self.p_kill >= lv).sum()),
                              "area_km2": round(area_km2(self.level_region(lv)), 1)} for lv in PK_LEVELS}
        per = []
        for b, info in enumerate(self.batteries):
            m = self.p_kill_by_battery[b] > 0
            per.append({**info, "aimpoints_defended": int(m.sum()),
                        "defended_area_km2": round(area_km2(self.region(m)), 1),
                        "p_kill_max": round(float(self.p_kill_by_battery[b].max()), 4),
                        "shots_max": int(self.shots_by_battery[b].max())})
        status = {STATUS_NAMES[s]: int((self.status == s).sum()) for s in STATUS_NAMES}
        return {
            "missile": self.missile_id, "shape": self.shape, "apogee_km": self.apogee_km,
            "launch_lat_deg": self.launch_lat_deg, "launch_lon_deg": self.launch_lon_deg,
            "center_lat_deg": self.center_lat_deg, "center_lon_deg": self.center_lon_deg,
            "grid_n": self.grid_n, "span_km": self.span_km, "cell_km": self.cell_km,
            "cell_area_km2": self.cell_km ** 2,
            "aimpoints": self.aimpoints, "aimpoints_reachable": self.aimpoints_reachable,
            "aimpoints_defended": self.aimpoints_defended, "aimpoint_status": status,
            "defended_area_km2": round(self.defended_area_km2, 1),
            "touches_edge": bool(d[0].any() or d[-1].any() or d[:, 0].any() or d[:, -1].any()),
            "p_kill": {"max": round(float(pk_def.max()), 4) if pk_def.size else 0.0,
                       "mean_defended": round(float(pk_def.mean()), 4) if pk_def.size else None,
                       "at_least": levels,
                       "model": "P_b = 1 - (1 - Pk_b)^shots_b per battery (shoot-look-shoot shots); "
                                "defence P = 1 - prod_b (1 - P_b)"},
            "battery": per,
        }

    def _repr_html_(self) -> str:
        """A notebook shows the grid, the defended area and the P(kill) figures (plain HTML)."""
        from thaadsim.html_repr import block, figures_table

        s = self.summary()
        rows = [("aimpoints", s["aimpoints"], "", f"{s['grid_n']} x {s['grid_n']} over {s['span_km']:g} km"),
                ("within the missile's reach", s["aimpoints_reachable"], "aimpoints", ""),
                ("defended (P(kill) > 0)", s["aimpoints_defended"], "aimpoints", ""),
                ("defended area", s["defended_area_km2"], "km²", "geodesic (WGS84)" +
                 ("; reaches the grid's edge" if s["touches_edge"] else "")),
                ("best P(kill)", s["p_kill"]["max"], "", "")]
        rows += [(f"P(kill) ≥ {lv}", v["area_km2"], "km²", "") for lv, v in s["p_kill"]["at_least"].items()]
        return block(f"FootprintMap: {s['missile']} ({s['shape']}) from {s['launch_lat_deg']:g},"
                     f"{s['launch_lon_deg']:g} against {', '.join(self.battery_ids)}", figures_table(rows))

    def grid_dict(self) -> dict:
        """The per-aimpoint grid (row j = y_km[j], column i = x_km[i]) for ``footprint.json``."""
        def r(a, nd):
            return np.round(np.asarray(a, float), nd)

        return {"x_km": r(self.x_km, 4), "y_km": r(self.y_km, 4), "lat_deg": r(self.lat_deg, 5),
                "lon_deg": r(self.lon_deg, 5), "status": self.status.astype(int),
                "status_codes": {str(k): v for k, v in STATUS_NAMES.items()}, "p_kill": r(self.p_kill, 4),
                "p_kill_by_battery": {bid: r(self.p_kill_by_battery[b], 4) for b, bid in enumerate(self.battery_ids)}}

    def geojson(self) -> dict:
        """RFC 7946 FeatureCollection: the defended region (P > 0) and the P(kill) >= 0.5 / 0.9 regions.

        Coordinates are lon/lat (WGS84), exterior rings counter-clockwise, holes clockwise.
        """
        from shapely.geometry import mapping

        feats = []
        regions = [("defended", 0.0, self.defended_region())] + [
            (f"p_kill >= {lv:g}", lv, self.level_region(lv)) for lv in PK_LEVELS]
        for name, lv, geom in regions:
            if geom.is_empty:
                continue
            feats.append({"type": "Feature", "geometry": _plain(mapping(geom)),
                          "properties": {"name": name, "p_kill_min": lv, "strict": lv == 0.0,
                                         "area_km2": round(area_km2(geom), 1), "missile": self.missile_id,
                                         "shape": self.shape, "batteries": list(self.battery_ids)}})
        return {"type": "FeatureCollection", "features": feats}

    def to_xarray(self):
        """An :class:`xarray.Dataset` with dims (y_km, x_km) and (battery, y_km, x_km); units as attributes."""
        import xarray as xr

        dims, bdims = ("y_km", "x_km"), ("battery", "y_km", "x_km")
        ds = xr.Dataset(
            {"p_kill": (dims, self.p_kill, {"units": "1", "long_name": "P(kill) of the whole defence"}),
             "status": (dims, self.status.astype(np.int8),
                        {"units": "1", "flag_values": np.array(list(STATUS_NAMES), np.int8),
                         "flag_meanings": " ".join(v.replace(" ", "_").replace("'", "") for v in STATUS_NAMES.values())}),
             "lat_deg": (dims, self.lat_deg, {"units": "degrees_north"}),
             "lon_deg": (dims, self.lon_deg, {"units": "degrees_east"}),
             "p_kill_by_battery": (bdims, self.p_kill_by_battery, {"units": "1"}),
             "engageable": (bdims, self.engageable_by_battery.astype(np.int8), {"units": "1"}),
             "shots": (bdims, self.shots_by_battery.astype(np.int16),
                       {"units": "1", "long_name": "shoot-look-shoot shots possible"}),
             "earliest_launch_s": (bdims, self.earliest_launch_s, {"units": "s", "long_name": "earliest "
                                   "interceptor launch, s since the threat's launch"}),
             "earliest_intercept_s": (bdims, self.earliest_intercept_s, {"units": "s"})},
            coords={"y_km": ("y_km", self.y_km, {"units": "km", "long_name": "north of the centre"}),
                    "x_km": ("x_km", self.x_km, {"units": "km", "long_name": "east of the centre"}),
                    "battery": ("battery", np.array(self.battery_ids, dtype=str))},
            attrs={"missile": self.missile_id, "shape": self.shape, "launch_lat_deg": self.launch_lat_deg,
                   "launch_lon_deg": self.launch_lon_deg, "center_lat_deg": self.center_lat_deg,
                   "center_lon_deg": self.center_lon_deg, "grid_n": self.grid_n, "span_km": self.span_km,
                   "cell_km": self.cell_km, "defended_area_km2": self.defended_area_km2,
                   "frame": "azimuthal equidistant (direct geodesic from the centre, WGS84)"})
        return ds


def _plain(obj):
    """shapely's mapping() as plain lists (JSON writers and RFC 7946 readers want no tuples)."""
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    return obj


def area_km2(geom) -> float:
    """Geodesic area of a lon/lat (Multi)Polygon on WGS84 (pyproj ``Geod``), km²."""
    if geom is None or geom.is_empty:
        return 0.0
    from pyproj import Geod

    a, _ = Geod(ellps="WGS84").geometry_area_perimeter(geom)
    return abs(float(a)) / 1e6


# --------------------------------------------------------------------------------------------
# driver
# --------------------------------------------------------------------------------------------

def check_grid(grid_n, span_km) -> tuple[int, float]:
    """Bounds of the grid (see :data:`MAX_GRID_N`, :data:`MIN_SPAN_KM`); a ThaadsimError otherwise."""
    ok = isinstance(grid_n, (int, np.integer)) and not isinstance(grid_n, bool)
    if not ok or not MIN_GRID_N <= grid_n <= MAX_GRID_N:
        raise ThaadsimError("grid_n", f"{grid_n!r} is not a whole number from {MIN_GRID_N} to {MAX_GRID_N}",
                            f"{MAX_GRID_N} x {MAX_GRID_N} = {MAX_GRID_N ** 2:,} aimpoints is the most one map flies "
                            "(about a minute on two cores); use a larger span for a wider map")
    span = require_range("span_km", span_km, MIN_SPAN_KM, MAX_SPAN_KM, " km")
    return int(grid_n), span


def footprint_map(missile, launch_lat_deg: float, launch_lon_deg: float, batteries, radars: dict | None = None, *,
                  center_lat_deg: float | None = None, center_lon_deg: float | None = None, grid_n: int = 41,
                  span_km: float = 600.0, shape: str = "min-energy", apogee_km: float | None = None,
                  sample_dt_s: float = 2.0, workers: int | None = 1, scheduler: str | None = None,
                  chunk_aimpoints: int = CHUNK_AIMPOINTS, progress=None) -> FootprintMap:
    """P(kill) of the defence on every aimpoint of a grid_n x grid_n grid (see the module docstring).

    Parameters
    ----------
    missile : str or Missile
        Threat type (catalog id or object).
    launch_lat_deg, launch_lon_deg : float
        Launch point (deg).
    batteries : sequence of thaadsim.defense.battery.Battery
        The defence; each with its own radar or firing on a cue.
    radars : dict or None
        ``{id: PlacedRadar}`` of the scenario (detections cue batteries without their own radar,
        as in :func:`thaadsim.analysis.pipeline.engage`). None: no other sensor.
    center_lat_deg, center_lon_deg : float or None
        Grid centre; None: the batteries' mean position.
    grid_n, span_km : int, float
        ``grid_n`` x ``grid_n`` cells covering ``span_km`` x ``span_km``, in [2, 200] and
        [10, 5000] km.
    shape, apogee_km, sample_dt_s
        Threat trajectory shape, its apogee for lofted/depressed shots, and the sample spacing of
        the flights (s; the resolution of the engagement windows), in [0.1, 30] s.
    workers, scheduler
        Where chunks run (:func:`thaadsim.executors.executor`). Results do not depend on it.
    chunk_aimpoints : int
        Aimpoints per chunk (default :data:`CHUNK_AIMPOINTS`); results do not depend on it.
    progress : callable(done_chunks, total_chunks) or None
    """
    from thaadsim.defense.battery import Battery
    from thaadsim.flight import load_missile, max_range_km
    from thaadsim.flight.targeting import SHAPES
    from thaadsim.executors import check_workers, executor

    # every bound before any flight
    grid_n, span_km = check_grid(grid_n, span_km)
    m = load_missile(missile) if isinstance(missile, str) else missile
    require_range("launch_lat_deg", launch_lat_deg, -90.0, 90.0, " deg")
    require_range("launch_lon_deg", launch_lon_deg, -360.0, 360.0, " deg")
    if str(shape).lower() not in SHAPES:
        raise ThaadsimError("shape", f"unknown trajectory shape {shape!r}", f"use one of {', '.join(SHAPES)}")
    shape = str(shape).lower()
    if apogee_km is not None:
        apogee_km = require_range("apogee_km", apogee_km, 1.0, 10000.0, " km")
        if shape == "min-energy":
            raise ThaadsimError("apogee_km", "applies to lofted or depressed shapes only",
                                "add --shape lofted or --shape depressed, or drop the apogee")
    sample_dt_s = require_range("sample_dt_s", sample_dt_s, 0.1, 30.0, " s")
    batteries = [batteries] if isinstance(batteries, Battery) else list(batteries)
    if not batteries:
        raise ThaadsimError("batteries", "no battery to defend with", "give at least one battery")
    ids = [b.id for b in batteries]
    if len(set(ids)) != len(ids):
        raise ThaadsimError("batteries", f"battery ids repeat ({', '.join(ids)})", "give each battery its own id")
    if isinstance(chunk_aimpoints, bool) or not isinstance(chunk_aimpoints, (int, np.integer)) or chunk_aimpoints < 1:
        raise ThaadsimError("chunk_aimpoints", f"{chunk_aimpoints!r} is not a whole number >= 1", "e.g. 1000")
    check_workers(workers)
    if center_lat_deg is None or center_lon_deg is None:
        center_lat_deg = float(np.mean([b.lat_deg for b in batteries]))
        ang = np.radians([b.lon_deg for b in batteries])
        center_lon_deg = float(np.degrees(np.arctan2(np.sin(ang).mean(), np.cos(ang).mean())))
    require_range("center_lat_deg", center_lat_deg, -90.0, 90.0, " deg")
    require_range("center_lon_deg", center_lon_deg, -360.0, 360.0, " deg")
    if abs(center_lat_deg) + math.degrees(span_km / 2 * math.sqrt(2) / 6371.0) > 89.0:
        raise ThaadsimError("span_km", f"a {span_km:g} km grid around latitude {center_lat_deg:g} reaches a pole",
                            "give a smaller span or a centre farther from the pole")

    # the grid, and which aimpoints the missile can reach (no flight needed)
    from thaadsim.earth.geodesy import geodesic_inverse

    axis = cell_centres_km(grid_n, span_km)
    X, Y = np.meshgrid(axis, axis)                 # [j, i]: row j north, column i east
    lat, lon = place_km(center_lat_deg, center_lon_deg, X, Y)
    dist_m, _ = geodesic_inverse(launch_lat_deg, launch_lon_deg, lat.ravel(), lon.ravel())
    reach_m = REACH_FRACTION * max_range_km(m) * 1e3
    # fly_targeted refuses targets closer than 1 km; the same aimpoints are out of reach here
    in_reach = (dist_m <= reach_m) & (dist_m >= 1.0e3)
    todo = np.flatnonzero(in_reach)

    nb, N2 = len(batteries), grid_n * grid_n
    status = np.where(in_reach, FLOWN, BEYOND_REACH).astype(np.int8)
    eng = np.zeros((N2, nb), bool)
    shots = np.zeros((N2, nb), np.int16)
    pkb = np.zeros((N2, nb))
    t_launch = np.full((N2, nb), np.nan)
    t_icpt = np.full((N2, nb), np.nan)
    threat = ThreatSpec(m.id if isinstance(missile, str) else m, float(launch_lat_deg), float(launch_lon_deg), shape,
                        apogee_km, float(sample_dt_s))
    radars = dict(radars or {})
    flat_lat, flat_lon = lat.ravel(), lon.ravel()
    # targeting once, for every aimpoint of the map (the answer must not depend on the chunks)
    solution = solve_aimpoints(threat, flat_lat[todo], flat_lon[todo])
    starts = range(0, todo.size, chunk_aimpoints)
    chunks = [todo[s:s + chunk_aimpoints] for s in starts]
    if chunks:
        # one chunk gains nothing from worker processes (and would pay their start-up)
        w = 1 if (len(chunks) == 1 and scheduler is None) else workers
        with executor(w, scheduler) as ex:
            futs = [ex.submit(footprint_chunk, threat, batteries, radars,
                              _chunk_of(solution, slice(s, s + chunk_aimpoints))) for s in starts]
            for k, (c, f) in enumerate(zip(chunks, futs)):
                r = f.result()
                status[c] = np.where(r["solved"], FLOWN, NO_SOLUTION)
                eng[c], shots[c], pkb[c] = r["engageable"], r["shots"], r["p_kill"]
                t_launch[c], t_icpt[c] = r["earliest_launch_s"], r["earliest_intercept_s"]
                if progress is not None:
                    progress(k + 1, len(chunks))

    p_any = 1.0 - np.prod(1.0 - pkb, axis=1)

    def grid(a):
        """(N², B) -> (B, N, N)."""
        return np.moveaxis(a.reshape(grid_n, grid_n, nb), -1, 0)

    info = [{"id": b.id, "interceptor": b.interceptor.id, "lat_deg": b.lat_deg, "lon_deg": b.lon_deg,
             "alt_m": b.alt_m, "pk": b.single_shot_pk,
             "radar": None if b.radar is None else getattr(b.radar.radar, "id", None),
             "face_az_deg": b.face_az_deg} for b in batteries]
    return FootprintMap(
        missile_id=m.id, shape=shape, apogee_km=apogee_km, launch_lat_deg=float(launch_lat_deg),
        launch_lon_deg=float(launch_lon_deg), center_lat_deg=float(center_lat_deg),
        center_lon_deg=float(center_lon_deg), grid_n=grid_n, span_km=span_km, x_km=axis, y_km=axis.copy(),
        lat_deg=lat, lon_deg=lon, status=status.reshape(grid_n, grid_n), p_kill=p_any.reshape(grid_n, grid_n),
        battery_ids=ids, batteries=info, p_kill_by_battery=grid(pkb), engageable_by_battery=grid(eng),
        shots_by_battery=grid(shots), earliest_launch_s=grid(t_launch), earliest_intercept_s=grid(t_icpt),
        chunk_aimpoints=int(chunk_aimpoints))
