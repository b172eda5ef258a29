"""Targeting: choose azimuth, kick angle and thrust cut-off so that N missiles hit N aimpoints.

Shapes
------
``min-energy``
    The trajectory that reaches the target with the least propellant: the thrust is cut off as soon
    as the missile, flown at the range-maximising kick angle for that burn, reaches the target. At
    full burn it is the maximum-range trajectory. (For a kinematic missile this is the textbook
    minimum burnout speed; for a powered one the least burn, since a steep lofted burn loses more to
    gravity and can reach the same range with a lower burnout energy but more propellant.)
``lofted`` / ``depressed``
    Steeper / flatter than min-energy. With ``apogee_km`` both kick and cut-off are solved for range
    and apogee. Without it, a lofted shot burns to depletion on the steep side of the optimum kick
    (the highest trajectory the missile can fly to that range, like the DPRK's test shots), and a
    depressed shot flies at half the min-energy apogee, or, where the missile cannot fly that flat
    to that range (short-range missiles, whose flat paths lose much to drag), the flattest
    trajectory it can fly there: full burn on the flat side of the optimum kick.

Method
------
1. For each distinct missile, a *shape table* is flown once on a non-rotating Earth (same gravity,
   atmosphere and drag): range and apogee on a grid of (cut-off time, kick angle). It gives each
   energy's range-maximising kick and a first guess of every parameter.
2. Then all N trajectories are flown together on the real Earth (rotation on, if asked) and
   corrected in batch: the launch azimuth by the azimuth error of the impact point seen from the
   launch point; the range parameter (cut-off or kick) by the secant method on the range error. The
   range-maximising kick is flat (range is stationary in it), so using the non-rotating optimum
   costs only second-order range, which the cut-off correction absorbs.
Iterations stop when every miss is below 50 m (``tolerance_km``), typically after 4 to 8 flights
of the whole batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Sequence

import numpy as np

from thaadsim.earth.geodesy import geodesic_inverse
from thaadsim.errors import ThaadsimError
from thaadsim.flight import kernel as K
from thaadsim.flight.engine import FlightOptions, check_sample_dt, fly_powered, powered_batch, summary_figures
from thaadsim.flight.vehicle import Missile

if TYPE_CHECKING:   # annotations only
    from numpy.typing import ArrayLike

    from thaadsim.flight.trajectory import TrajectoryBatch

SHAPES = ("min-energy", "lofted", "depressed")
KICK_GRID_DEG = np.linspace(0.5, 85.0, 70)
CUT_GRID_FRAC = np.linspace(0.06, 1.0, 48)
DEFAULT_DEPRESSED_APOGEE_FRACTION = 0.5


@dataclass(frozen=True)
class ShapeTable:
    """Range and apogee (km) on a (cut-off, kick) grid, and each energy's range-maximising kick.

    Flown once per missile and physics options on a non-rotating Earth (same gravity, atmosphere and
    drag); targeting takes its first guesses from it.

    Parameters
    ----------
    cut_s : numpy.ndarray, shape (C,)
        Thrust cut-off times since launch, s.
    kick_deg : numpy.ndarray, shape (K,)
        Kick angles, deg.
    range_km : numpy.ndarray, shape (C, K)
        Ground range of each (cut-off, kick), km; NaN where the missile fails (crashes during boost).
    apogee_km : numpy.ndarray, shape (C, K)
        Apogee altitude of each (cut-off, kick), km.
    best_kick_deg : numpy.ndarray, shape (C,)
        The range-maximising kick at each cut-off, deg.
    max_range_km : numpy.ndarray, shape (C,)
        The maximum range at each cut-off, km.
    """

    cut_s: np.ndarray          # (C,)
    kick_deg: np.ndarray       # (K,)
    range_km: np.ndarray       # (C, K), NaN where the missile fails (crashes during boost)
    apogee_km: np.ndarray      # (C, K)
    best_kick_deg: np.ndarray  # (C,)
    max_range_km: np.ndarray   # (C,)

    def kick_opt(self, cut_s: ArrayLike) -> np.ndarray:
        """The range-maximising kick angle (deg) at cut-off ``cut_s``, interpolated in the table.

        Parameters
        ----------
        cut_s : array_like
            Thrust cut-off times since launch, s.

        Returns
        -------
        numpy.ndarray
            Kick angle, deg, linearly interpolated in ``best_kick_deg``.
        """
        return np.interp(cut_s, self.cut_s, self.best_kick_deg)

    def cut_for_range(self, range_km: ArrayLike) -> np.ndarray:
        """Smallest cut-off whose maximum range reaches ``range_km`` (on the table's Earth).

        Parameters
        ----------
        range_km : array_like
            Ground ranges, km.

        Returns
        -------
        numpy.ndarray
            Cut-off times, s, interpolated in the running maximum of ``max_range_km``; the full burn
            for ranges beyond the missile's reach.
        """
        mr = np.maximum.accumulate(np.nan_to_num(self.max_range_km, nan=0.0))
        return np.interp(range_km, mr, self.cut_s)


def _opts_key(o: FlightOptions):
    return (o.earth, o.j2, o.atmosphere, o.rtol, o.max_step_s, o.max_time_s, o.max_q_ceiling)


def _compute_shape_table(missile: Missile, key) -> ShapeTable:
    earth, j2, atmo, rtol, hmax, tmax, q_ceiling = key
    opts = FlightOptions(earth=earth, rotation=False, j2=j2, atmosphere=atmo, rtol=rtol * 100,
                         max_step_s=hmax, max_time_s=tmax, max_q_ceiling=q_ceiling)
    burn = missile.total_burn_time_s
    cuts = CUT_GRID_FRAC * burn
    cc, kk = np.meshgrid(cuts, KICK_GRID_DEG, indexing="ij")
    n = cc.size
    _, _, summ = fly_powered([missile], np.zeros(n, int), 0.0, 0.0, 90.0, kk.ravel(), cc.ravel(),
                             options=opts, sample_dt_s=None, raw=True)
    _, _, rng, _ = summary_figures(summ, np.zeros(n), np.zeros(n), opts.model())
    rng = rng.reshape(cc.shape)
    apo = (summ[:, K.S_ALT_APOGEE] / 1e3).reshape(cc.shape)
    apo[np.isnan(rng)] = np.nan
    filled = np.where(np.isnan(rng), -np.inf, rng)
    j = np.argmax(filled, axis=1)
    best = KICK_GRID_DEG[j].astype(float)
    # parabolic refinement of the maximum on the kick grid
    for i, jj in enumerate(j):
        if 0 < jj < len(KICK_GRID_DEG) - 1 and np.all(np.isfinite(rng[i, jj - 1:jj + 2])):
            y0, y1, y2 = rng[i, jj - 1:jj + 2]
            den = y0 - 2 * y1 + y2
            if den < 0:
                best[i] += 0.5 * (y0 - y2) / den * (KICK_GRID_DEG[1] - KICK_GRID_DEG[0])
    mr = np.nanmax(np.where(np.isnan(rng), np.nan, rng), axis=1)
    return ShapeTable(cuts, KICK_GRID_DEG.copy(), rng, apo, best, mr)


SHAPE_TABLE_VERSION = "4"   # bump when the kernel's physics or the grids change


def _table_digest(missile: Missile, key) -> str:
    import hashlib

    h = hashlib.sha256(SHAPE_TABLE_VERSION.encode())
    for arr in missile.stage_arrays():
        h.update(np.ascontiguousarray(arr, float).tobytes())
    h.update(np.array([missile.rv.mass_kg, missile.rv.beta_kgm2, missile.pitch.vertical_rise_s,
                       missile.pitch.kick_duration_s, missile.max_q_kpa]).tobytes())
    h.update(np.ascontiguousarray(missile.cd_mach, float).tobytes())
    h.update(np.ascontiguousarray(missile.cd, float).tobytes())
    h.update(repr(key).encode())
    h.update(KICK_GRID_DEG.tobytes())
    h.update(CUT_GRID_FRAC.tobytes())
    return h.hexdigest()[:24]


@lru_cache(maxsize=64)
def _shape_table_cached(missile: Missile, key) -> ShapeTable:
    """In memory per Missile object, on disk per missile content (a table costs ~2,000 flights)."""
    from thaadsim.cache import load_arrays, save_arrays

    name = f"{missile.id}-{_table_digest(missile, key)}"
    stored = load_arrays("shape_tables", name)
    fields = ("cut_s", "kick_deg", "range_km", "apogee_km", "best_kick_deg", "max_range_km")
    if stored is not None and all(f in stored for f in fields):
        return ShapeTable(*(stored[f] for f in fields))
    tab = _compute_shape_table(missile, key)
    save_arrays("shape_tables", name, **tab.__dict__)
    return tab


def shape_table(missile: Missile, options: FlightOptions = FlightOptions()) -> ShapeTable:
    """The (cached) shape table of a missile for these physics options.

    Parameters
    ----------
    missile : Missile
        The missile to tabulate.
    options : FlightOptions
        Earth model, atmosphere and integrator settings (the table itself is flown without rotation).

    Returns
    -------
    ShapeTable
        Range and apogee on the (cut-off, kick) grid ``CUT_GRID_FRAC`` x ``KICK_GRID_DEG``, cached in
        memory and on disk per missile and options.
    """
    return _shape_table_cached(missile, _opts_key(options))


def max_range_km(missile: Missile, options: FlightOptions = FlightOptions()) -> float:
    """Minimum-energy (maximum) range at full burn on a non-rotating Earth, km.

    The catalog's published range bands use the same convention (non-rotating maximum), so this
    is the figure to compare with them.

    Parameters
    ----------
    missile : Missile
        The missile, e.g. ``load_missile("hwasong-12")``.
    options : FlightOptions
        Earth figure, J2, atmosphere and integrator settings; rotation is ignored (the shape table is
        flown on a non-rotating Earth).

    Returns
    -------
    float
        The largest range in the missile's shape table, km.

    Notes
    -----
    For a burnout speed v at radius r with Q = v² r / μ, the range angle is greatest at the
    flight-path angle γ* with cos 2γ* = Q / (2 - Q) [ref:wheelon-1959, bate-mueller-white-1971]; a
    powered missile's optimum also depends on gravity and drag losses in the boost, so it is found by
    flying the grid of kick angles rather than from this formula.

    Examples
    --------
    >>> from thaadsim.flight import load_missile, max_range_km
    >>> max_range_km(load_missile("scud-b"))   # doctest: +SKIP
    """
    return float(np.nanmax(shape_table(missile, options).max_range_km))


def max_range_on_azimuth_km(missile: Missile, launch_lat_deg: ArrayLike, launch_lon_deg: ArrayLike,
                            azimuth_deg: ArrayLike, options: FlightOptions = FlightOptions()) -> np.ndarray:
    """Maximum ground range (km) toward targets on each azimuth, on the Earth model of ``options``.

    "Toward azimuth A" means along the geodesic that leaves the launch point on A: on a rotating
    Earth the launch azimuth is corrected (a few degrees) until the impact lies on that geodesic,
    as targeting does for a real aimpoint. Full burn at the range-maximising kick: the shape table's
    kick for full burn (found on a non-rotating Earth), refined on the model in use by 3-point
    parabolas in the kick (range is stationary at the optimum, so a parabola through three flights
    lands on it to a few km). Eastward shots gain the ground's eastward speed (0.46 km/s at the
    equator), westward ones lose it. ``launch_*`` and ``azimuth_deg`` broadcast; every refinement
    flies all N rows as one batch.

    Parameters
    ----------
    missile : Missile
        The missile flown.
    launch_lat_deg, launch_lon_deg : array_like
        Geodetic launch point, deg; scalars or (N,).
    azimuth_deg : array_like
        Azimuth of the geodesic toward the targets, deg from north; its length sets N.
    options : FlightOptions
        Earth model, rotation, J2 and atmosphere.

    Returns
    -------
    numpy.ndarray, shape (N,)
        The greatest ground range reached along each azimuth, km.

    Notes
    -----
    The refinement fits a parabola through the ranges R(k - h), R(k), R(k + h) at kicks k - h, k, k + h
    and moves to its vertex, k + h (R(k-h) - R(k+h)) / (2 (R(k-h) - 2 R(k) + R(k+h))), with h shrinking
    from 3 to 0.1 deg. The ground's eastward speed is ω R cos(latitude) (WGS84 ω and a
    [ref:nima-wgs84-2000]).

    Examples
    --------
    >>> from thaadsim.flight import load_missile
    >>> from thaadsim.flight.targeting import max_range_on_azimuth_km
    >>> max_range_on_azimuth_km(load_missile("hwasong-15"), 39.0, 125.7, [90.0, 270.0])   # doctest: +SKIP
    """
    az = np.atleast_1d(np.asarray(azimuth_deg, float))
    n = az.size
    lat = np.broadcast_to(np.asarray(launch_lat_deg, float), (n,)).astype(float)
    lon = np.broadcast_to(np.asarray(launch_lon_deg, float), (n,)).astype(float)
    model = options.model()
    table = shape_table(missile, options)
    burn = missile.total_burn_time_s
    kick = np.full(n, float(table.kick_opt(burn)))
    launch_az = az.copy()

    def fly(rows_az, ks, reps):
        _, _, summ = fly_powered([missile], np.zeros(reps * n, int), np.tile(lat, reps), np.tile(lon, reps),
                                 np.tile(rows_az, reps), ks, options=options, sample_dt_s=None, raw=True)
        _, _, rng, iaz = summary_figures(summ, np.tile(lat, reps), np.tile(lon, reps), model)
        return rng, iaz

    best = np.full(n, -np.inf)
    for half_width in (3.0, 1.0, 0.3, 0.1):
        for _ in range(2):          # put the impact on the requested geodesic
            rng, iaz = fly(launch_az, kick, 1)
            launch_az = (launch_az + np.where(np.isfinite(iaz), _wrap180(az - iaz), 0.0)) % 360.0
        ks = np.clip(np.concatenate([kick - half_width, kick, kick + half_width]), KICK_GRID_DEG[0], 89.0)
        rng, _ = fly(launch_az, ks, 3)
        r = np.where(np.isfinite(rng), rng, -1e9).reshape(3, n)
        best = np.maximum(best, r.max(axis=0))
        den = r[0] - 2 * r[1] + r[2]
        with np.errstate(divide="ignore", invalid="ignore"):
            shift = np.where(den < 0, 0.5 * (r[0] - r[2]) / den, np.where(r[2] > r[0], 1.0, -1.0))
        kick = np.clip(kick + np.clip(np.nan_to_num(shift), -1.5, 1.5) * half_width, KICK_GRID_DEG[0], 89.0)
    rng, iaz = fly(launch_az, kick, 1)
    return np.maximum(best, np.where(np.isfinite(rng), rng, -1e9))


def _earth_words(opts: FlightOptions) -> str:
    return (f"{'rotating' if opts.rotation else 'non-rotating'} "
            f"{'WGS84' if opts.earth == 'wgs84' else 'spherical'} Earth")


def _branch_kick(table: ShapeTable, row: int, range_km: np.ndarray, lofted: bool):
    """Kick angle on one side of the optimum that gives ``range_km`` at cut-off row ``row``."""
    r = table.range_km[row]
    jbest = int(np.argmin(np.abs(table.kick_deg - table.best_kick_deg[row])))
    if lofted:
        ks, rs = table.kick_deg[:jbest + 1], r[:jbest + 1]
    else:
        ks, rs = table.kick_deg[jbest:][::-1], r[jbest:][::-1]
    ok = np.isfinite(rs)
    ks, rs = ks[ok], rs[ok]
    if rs.size < 2:
        return np.full(np.shape(range_km), table.best_kick_deg[row])
    order = np.argsort(rs)
    return np.interp(range_km, rs[order], ks[order])


def _wrap180(x):
    return (np.asarray(x) + 180.0) % 360.0 - 180.0


def fly_targeted(missile: str | Missile | Sequence[str | Missile], launch_lat_deg: ArrayLike,
                 launch_lon_deg: ArrayLike, target_lat_deg: ArrayLike, target_lon_deg: ArrayLike, *,
                 shape: str | Sequence[str] = "min-energy", apogee_km: ArrayLike | None = None,
                 earth: str = "wgs84", rotation: bool = True, atmosphere: bool = True, j2: bool | None = None,
                 sample_dt_s: float | None = 2.0, tolerance_km: float = 0.05, max_iterations: int = 25,
                 options: FlightOptions | None = None, errors: str = "raise") -> TrajectoryBatch:
    """Fly N missiles from launch points to aimpoints; every position argument broadcasts.

    ``missile`` is a catalog id, a :class:`Missile`, or a sequence of either (one per row).
    Raises :class:`ThaadsimError` for a target beyond the missile's reach, naming its maximum range
    on that azimuth; with ``errors="mark"`` such rows (and any the solver cannot hit, or an apogee it
    cannot fly) are marked ``False`` in ``batch.targeting_ok`` instead and the others are solved. The
    returned batch carries ``target_lat_deg``, ``target_lon_deg``, ``miss_km``, the launch
    parameters ``launch_azimuth_deg``, ``kick_deg``, ``cutoff_s``, ``targeting_ok`` and
    ``targeting_flights`` (the trajectories flown to find them).

    Many aimpoints from one launch point (a group of at least ``SEEDED_MIN_ROWS`` with the same
    missile, shape and apogee) are solved from interpolated neighbours, about 2 flights each; a
    row's solution then depends on its group at the level of the targeting tolerance (50 m), so
    callers that need answers independent of how rows are batched target them once, in one call.

    Parameters
    ----------
    missile : str, Missile, or sequence of them
        A catalog id (``"hwasong-15"``), a :class:`Missile`, or one per row.
    launch_lat_deg, launch_lon_deg : array_like
        Geodetic launch points, deg; scalars or (N,).
    target_lat_deg, target_lon_deg : array_like
        Geodetic aimpoints, deg; scalars or (N,).
    shape : {"min-energy", "lofted", "depressed"} or sequence of them
        The trajectory shape, one for all rows or one per row (see the module's *Shapes*).
    apogee_km : array_like or None
        Apogee to fly (lofted or depressed rows), km; ``None`` lets the shape choose it.
    earth : {"wgs84", "sphere"}
        The Earth's figure (ignored when ``options`` is given).
    rotation : bool
        Rotating Earth (ignored when ``options`` is given).
    atmosphere : bool
        Drag through the 1976 standard atmosphere [ref:ussa-1976] (ignored when ``options`` is given).
    j2 : bool or None
        J2 gravity; ``None``: with WGS84 only (ignored when ``options`` is given).
    sample_dt_s : float or None
        Output sampling of the final flights, s; ``None`` keeps only the summary figures.
    tolerance_km : float
        Largest acceptable miss distance, km (default 50 m).
    max_iterations : int
        Cap on the batch correction iterations.
    options : FlightOptions or None
        All physics switches at once; overrides ``earth``, ``rotation``, ``atmosphere`` and ``j2``.
    errors : {"raise", "mark"}
        ``"raise"`` stops at the first unreachable or unsolvable row; ``"mark"`` flags it ``False`` in
        ``batch.targeting_ok`` and solves the others.

    Returns
    -------
    TrajectoryBatch
        The N trajectories, with ``target_lat_deg``, ``target_lon_deg``, ``miss_km``,
        ``launch_azimuth_deg``, ``kick_deg``, ``cutoff_s``, ``targeting_ok`` and ``targeting_flights``.

    Raises
    ------
    ThaadsimError
        For an unknown missile id or shape, a latitude outside [-90, 90], NaN, inputs that do not
        broadcast, a bad sampling interval, or (with ``errors="raise"``) a target beyond reach or an
        apogee the missile cannot fly; the message names the reach on that azimuth.

    Notes
    -----
    Each batch iteration corrects the launch azimuth by the azimuth error of the impact seen from the
    launch point (geodesics after Karney 2013 [ref:karney-2013]) and the range parameter by the
    secant method on the range error,

        x_{k+1} = x_k - e_k (x_k - x_{k-1}) / (e_k - e_{k-1}),

    safeguarded by the Illinois variant of regula falsi where a bracket is known. The minimum-energy
    trajectory of a kinematic missile is the textbook one [ref:wheelon-1959, bate-mueller-white-1971].

    Examples
    --------
    >>> from thaadsim.flight import fly_targeted
    >>> b = fly_targeted("hwasong-12", 40.0, 127.0, 13.4, 144.8, sample_dt_s=None)   # doctest: +SKIP
    >>> float(b.miss_km[0]) < 0.05                                                    # doctest: +SKIP
    True
    """
    from thaadsim.flight.catalog import load_missile

    opts = options or FlightOptions(earth=earth, rotation=rotation, j2=j2, atmosphere=atmosphere)
    model = opts.model()
    check_sample_dt(sample_dt_s)  # before the targeting iterations, not after them
    arrays = [np.atleast_1d(np.asarray(x, float)) for x in
              (launch_lat_deg, launch_lon_deg, target_lat_deg, target_lon_deg)]
    miss_list = list(missile) if isinstance(missile, (list, tuple, np.ndarray)) else [missile]
    shapes = list(shape) if isinstance(shape, (list, tuple, np.ndarray)) else [shape]
    n = max([a.size for a in arrays] + [len(miss_list), len(shapes)])
    names = ("launch_lat_deg", "launch_lon_deg", "target_lat_deg", "target_lon_deg")
    lat0, lon0, lat1, lon1 = (np.broadcast_to(a, (n,)).astype(float) if a.size in (1, n) else
                              _bad_len(nm, a.size, n) for nm, a in zip(names, arrays))
    for nm, a in zip(names, (lat0, lon0, lat1, lon1)):
        if not np.all(np.isfinite(a)):
            raise ThaadsimError(nm, "is not a finite number", "give decimal degrees")
        if "lat" in nm and np.any(np.abs(a) > 90):
            raise ThaadsimError(nm, f"{a[np.abs(a) > 90][0]:g} is outside [-90, 90]",
                                "latitude comes first: LAT,LON in decimal degrees")
    if errors not in ("raise", "mark"):
        raise ThaadsimError("errors", f"{errors!r} is not 'raise' or 'mark'")
    if len(miss_list) not in (1, n):
        _bad_len("missile", len(miss_list), n)
    if len(shapes) not in (1, n):
        _bad_len("shape", len(shapes), n)
    miss_list = [m if isinstance(m, Missile) else load_missile(m) for m in miss_list]
    miss_list = miss_list * n if len(miss_list) == 1 else miss_list
    shapes = [str(s).lower() for s in (shapes * n if len(shapes) == 1 else shapes)]
    for s in shapes:
        if s not in SHAPES:
            raise ThaadsimError("shape", f"unknown trajectory shape {s!r}", f"use one of {', '.join(SHAPES)}")
    # In a mixed batch NaN marks "this shape's default apogee"; a NaN asked for alone is a mistake.
    if apogee_km is not None and np.ndim(apogee_km) == 0 and not np.isfinite(float(apogee_km)):
        raise ThaadsimError("apogee_km", f"{float(apogee_km)} is not a finite number",
                            "give an apogee in km, or leave it out for the shape's default")
    apo = np.full(n, np.nan) if apogee_km is None else np.broadcast_to(
        np.asarray(apogee_km, float), (n,)).astype(float)
    if np.any(np.isinf(apo)):
        raise ThaadsimError("apogee_km", "is infinite", "give an apogee in km")
    given = np.isfinite(apo)
    bad = given & (np.asarray(shapes) == "min-energy")
    if bad.any():
        i = int(np.argmax(bad))
        raise ThaadsimError("apogee_km", "applies to lofted or depressed shapes only",
                            "add --shape lofted or --shape depressed, or drop the apogee", rows=(i,))
    bad = given & (apo <= 0)
    if bad.any():
        i = int(np.argmax(bad))
        raise ThaadsimError("apogee_km", f"{apo[i]:g} must be positive", "give an apogee in km", rows=(i,))

    # distinct missiles (a Missile compares by identity), and each row's index into them
    first: dict[int, int] = {}
    distinct: list[Missile] = []
    index = np.empty(n, int)
    for i, m in enumerate(miss_list):
        k = first.get(id(m))
        if k is None:
            k = first[id(m)] = len(distinct)
            distinct.append(m)
        index[i] = k

    dist_m, az = geodesic_inverse(lat0, lon0, lat1, lon1, model)
    dist_km = dist_m / 1e3
    if np.any(dist_km < 1.0):
        i = int(np.argmax(dist_km < 1.0))
        raise ThaadsimError("target", f"row {i}: the target is {dist_km[i]:.3f} km from the launch point",
                            "give a target at least 1 km away", rows=(i,))
    burn = np.array([m.total_burn_time_s for m in distinct])[index]
    lofted = np.array([s == "lofted" for s in shapes])
    depressed = np.array([s == "depressed" for s in shapes])
    tables = [shape_table(m, opts) for m in distinct]

    # a target beyond reach is refused (or marked) before the solver: the shape table's non-rotating
    # maximum picks the candidates, and each candidate's own direction reach on the Earth model in
    # use decides (the Earth's turn adds up to ~40 % to an eastward ICBM shot and takes ~20 % off a
    # westward one, so no fixed margin on the table is right)
    full = np.array([np.nanmax(t.max_range_km) for t in tables])[index]
    far = dist_km > (1.0 if opts.rotation else 1.02) * full - NEAR_EDGE_KM
    # beyond this factor of the non-rotating reach no direction reaches: refused without flights
    hopeless = dist_km > (ROTATION_REACH_FACTOR if opts.rotation else 1.02) * full
    reach = np.full(n, np.inf)
    for k in np.unique(index[far & ~hopeless]):
        rows = np.flatnonzero(far & ~hopeless & (index == k))
        reach[rows] = max_range_on_azimuth_km(distinct[k], lat0[rows], lon0[rows], az[rows], opts)
    far &= hopeless | (dist_km > reach)
    lenient = errors == "mark"
    if far.any() and not lenient:
        i = int(np.argmax(far))
        _raise_reach(miss_list[i], lat0[i], lon0[i], lat1[i], lon1[i], dist_km[i], az[i], opts, i,
                     reach[i] if np.isfinite(reach[i]) else None)

    ctx = _Context(distinct, index, lat0, lon0, lat1, lon1, dist_km, az, burn, tables, opts, model,
                   tolerance_km, max_iterations, miss_list, shapes, lenient=lenient)
    azimuth, kick, cut = az.copy(), np.full(n, np.nan), burn.copy()
    apo_me_default = np.full(n, np.nan)
    flattest = np.zeros(n, bool)
    # many aimpoints from one launch point: interpolate solved neighbours, then one or two Newton flights
    final = _RawFlights(n)
    fast = _seeded_solve(ctx, lofted, depressed, apo, azimuth, kick, cut, final, active=~far)
    rest = np.flatnonzero(~fast & ~far)
    if rest.size:
        _solve_rows(ctx, rest, azimuth, kick, cut, lofted, depressed, apo, apo_me_default, flattest)
    # rows never solved (marked below) still get a finite flight, so the batch stays rectangular
    kick = np.where(np.isfinite(kick), kick, 45.0)
    with_apogee = np.isfinite(apo)
    # the last flight of each row is its answer: fly only the rows that have none yet
    todo = np.flatnonzero(~final.have)
    if todo.size:
        final.store(todo, *ctx.fly_raw(todo, azimuth[todo], kick[todo], cut[todo])[5:])
    if sample_dt_s is None:
        batch = powered_batch(distinct, index, lat0, lon0, cut, final.result(), model)
    else:
        # samples are wanted: one sampled flight, sized from the flight times already known
        batch = fly_powered(distinct, index, lat0, lon0, azimuth, kick, cut, options=opts,
                            sample_dt_s=sample_dt_s, impact_time_hint_s=final.summary[:, K.S_T_IMPACT])
    m_dist, _ = geodesic_inverse(batch.impact_lat_deg, batch.impact_lon_deg, lat1, lon1, model)
    batch.target_lat_deg = lat1
    batch.target_lon_deg = lon1
    batch.miss_km = m_dist / 1e3
    batch.kick_deg = kick
    batch.cutoff_s = cut
    batch.launch_azimuth_deg = azimuth
    # an apogee that was asked for (or the default depressed one) must have been reached too
    off = with_apogee & ~flattest & ~(np.abs(batch.apogee_km - apo) <= np.maximum(2.0, 0.01 * apo))
    off |= flattest & ~(batch.apogee_km < apo_me_default - 1.0)
    batch.targeting_flights = ctx.flights
    if lenient:
        batch.targeting_ok = ~far & ~off & (np.nan_to_num(batch.miss_km, nan=np.inf) <= 1.0)
        return batch
    batch.targeting_ok = np.ones(n, bool)
    if off.any():
        i = int(np.argmax(off))
        raise ThaadsimError("apogee_km", f"row {i} ({miss_list[i].id}, {shapes[i]}): could not reach an apogee of "
                            f"{apo[i]:,.0f} km at {dist_km[i]:,.0f} km (got {batch.apogee_km[i]:,.0f} km)",
                            "ask for another apogee with --apogee-km, or another shape", rows=(i,))
    worst = np.nanmax(batch.miss_km) if n else 0.0
    if not np.isfinite(worst) or worst > 1.0:
        i = int(np.nanargmax(np.nan_to_num(batch.miss_km, nan=np.inf)))
        if shapes[i] == "min-energy":
            # near the edge of reach the solver can stall short of the target: say how far this
            # direction reaches on this Earth model, not that an iteration failed
            reach = float(max_range_on_azimuth_km(miss_list[i], lat0[i], lon0[i], az[i], opts)[0])
            if dist_km[i] > reach * (1.0 - NEAR_EDGE_FRACTION):
                _raise_reach(miss_list[i], lat0[i], lon0[i], lat1[i], lon1[i], dist_km[i], az[i], opts, i, reach)
        raise ThaadsimError("target", f"row {i} ({miss_list[i].id}, {shapes[i]}): targeting did not converge "
                            f"(miss {batch.miss_km[i]:.1f} km)",
                            "try another shape or apogee; lofted/depressed shots need range margin", rows=(i,))
    return batch


#: a min-energy target the solver misses this close to its direction's maximum range (a fraction of
#: it) is refused with that maximum: there the solution needs the kick at its exact optimum, where the
#: range is flat in the kick, and the iterations can stall short of it
NEAR_EDGE_FRACTION = 0.015
#: the Earth's turn adds at most this factor to a missile's non-rotating maximum range (measured: the
#: catalog's longest eastward shots gain 29-42 %, DF-41 from western China 17,074 vs 12,020 km)
ROTATION_REACH_FACTOR = 1.6
NEAR_EDGE_KM = 25.0


def _raise_reach(missile, lat0, lon0, lat1, lon1, dist_km, az, opts, row, reach_km=None):
    """The reach error: the target's distance and this direction's maximum range on the Earth model in use."""
    if reach_km is None:
        reach_km = float(max_range_on_azimuth_km(missile, lat0, lon0, az, opts)[0])
    where = (f"the {missile.id}'s maximum range toward azimuth {az:.0f} deg is about {reach_km:,.0f} km "
             f"on a {_earth_words(opts)}")
    if dist_km <= reach_km:
        problem = (f"({lat1:.2f}, {lon1:.2f}) is {dist_km:,.0f} km from the launch point, within "
                   f"{100 * NEAR_EDGE_FRACTION:g} % of the edge of reach ({where}), where targeting cannot find "
                   "the shot")
        fix = "aim a little closer, or choose a longer-range missile"
    else:
        problem = f"({lat1:.2f}, {lon1:.2f}) is {dist_km:,.0f} km from the launch point; {where}"
        fix = "choose a closer target or a longer-range missile" + _payload_hint(missile)
    raise ThaadsimError("target", problem, fix, rows=(row,))


def _payload_hint(missile) -> str:
    lo = missile.meta.get("payload_kg_min")
    if lo is None or missile.rv.mass_kg <= lo:
        return ""
    return (f", or a lighter payload within the published band (--payload-kg down to {lo:g} kg; "
            f"this flight carries {missile.rv.mass_kg:g} kg)")


def _solve_rows(ctx, rows, azimuth, kick, cut, lofted, depressed, apo, apo_me_default, flattest):
    """The robust solver for ``rows``: shape-table guesses, Newton, then bracketing where Newton stalls.

    Costs about 15-25 flights per row. ``apo`` (requested apogee, NaN for the shape's default) gets the
    default depressed apogee filled in; ``flattest`` marks default depressed rows flown at full burn.
    """
    n = len(ctx.index)
    sel = np.zeros(n, bool)
    sel[rows] = True
    cut[rows] = ctx.burn[rows]
    azimuth[rows] = ctx.az[rows]
    for k, tab in enumerate(ctx.tables):
        in_k = sel & (ctx.index == k)
        for flag, is_lofted in ((lofted, True), (depressed, False)):
            s = in_k & flag
            if s.any():
                kick[s] = _branch_kick(tab, len(tab.cut_s) - 1, ctx.dist_km[s], is_lofted)
    with_apogee = sel & np.isfinite(apo)
    me = sel & ~lofted & ~depressed
    if me.any():
        _min_energy(ctx, np.flatnonzero(me), azimuth, kick, cut)
    br = sel & lofted & ~with_apogee
    if br.any():
        b_rows = np.flatnonzero(br)
        # Newton from the table's guess first; bracketing for whatever it leaves
        slow = b_rows[~_polish(ctx, b_rows, azimuth, kick, cut, np.zeros(n, bool), iterations=6)]
        if slow.size:
            _solve_branch(ctx, slow, azimuth, kick, cut, lofted)
    dflt = sel & depressed & ~with_apogee
    me_known = None
    if dflt.any():
        # a full-burn depressed shot is ill-conditioned for long-range missiles (range changes by
        # thousands of km per degree near circular speed), so the default depressed trajectory is
        # defined by its apogee instead: half the min-energy apogee for that range
        d_rows = np.flatnonzero(dflt)
        a2, k2, c2 = azimuth.copy(), kick.copy(), cut.copy()
        _min_energy(ctx, d_rows, a2, k2, c2)
        _, _, _, apo_me, _ = ctx.fly(d_rows, a2[d_rows], k2[d_rows], c2[d_rows])
        apo[d_rows] = DEFAULT_DEPRESSED_APOGEE_FRACTION * apo_me
        apo_me_default[d_rows] = apo_me
        me_known = (a2, k2, c2, apo_me_default)     # _solve_apogee needs the same solution: not twice
        with_apogee = with_apogee | dflt
    if with_apogee.any():
        wa_rows = np.flatnonzero(with_apogee)
        reached = _solve_apogee(ctx, wa_rows, azimuth, kick, cut, lofted, apo, me_known)
        # a short-range missile may not fly that flat to that range (a flat path loses much to drag):
        # its default depressed shot is then the flattest it can fly, at full burn
        flat = wa_rows[~reached & dflt[wa_rows]]
        if flat.size:
            flattest[flat] = True
            # the apogee search kept its flattest hit; full burn on the flat side may be flatter still
            a3, k3, c3 = azimuth.copy(), kick.copy(), cut.copy()
            status, apo_full = _solve_branch(ctx, flat, a3, k3, c3, lofted, quiet=True)
            _, _, _, apo_kept, _ = ctx.fly(flat, azimuth[flat], kick[flat], cut[flat])
            use = (status == 0) & ~(apo_kept <= apo_full)
            azimuth[flat[use]], kick[flat[use]], cut[flat[use]] = a3[flat[use]], k3[flat[use]], c3[flat[use]]


@dataclass
class _Context:
    distinct: list
    index: np.ndarray
    lat0: np.ndarray
    lon0: np.ndarray
    lat1: np.ndarray
    lon1: np.ndarray
    dist_km: np.ndarray
    az: np.ndarray
    burn: np.ndarray
    tables: list
    opts: FlightOptions
    model: object
    tol_km: float
    max_it: int
    missiles: list
    shapes: list
    lenient: bool = False      # seeds: a target out of reach is marked, not an error
    flights: int = 0           # trajectories flown so far (what the benchmark reports per target)

    def fly(self, rows, azimuth, kick, cut):
        """Summary-only flights of ``rows``: (range_km, impact azimuth, miss_km, apogee_km, status)."""
        return self.fly_raw(rows, azimuth, kick, cut)[:5]

    def fly_raw(self, rows, azimuth, kick, cut):
        """As :meth:`fly`, plus the kernel's events and summary arrays (to build the final batch from)."""
        samples, events, summ = fly_powered(self.distinct, self.index[rows], self.lat0[rows], self.lon0[rows],
                                            azimuth, kick, cut, options=self.opts, sample_dt_s=None, raw=True)
        self.flights += len(rows)
        ilat, ilon, rng, iaz = summary_figures(summ, self.lat0[rows], self.lon0[rows], self.model)
        miss, _ = geodesic_inverse(np.nan_to_num(ilat), np.nan_to_num(ilon), self.lat1[rows], self.lon1[rows],
                                   self.model)
        miss = np.where(np.isfinite(rng), miss / 1e3, np.inf)
        return rng, iaz, miss, summ[:, K.S_ALT_APOGEE] / 1e3, summ[:, K.S_STATUS], events, summ

    def best_kick(self, rows, azimuth, kick, cut, half_width_deg):
        """Refine the range-maximising kick by a 3-point parabola of half-width ``half_width_deg``."""
        n = rows.size
        ks = np.concatenate([kick - half_width_deg, kick, kick + half_width_deg])
        rr = np.concatenate([rows] * 3)
        rng, _, _, _, _ = self.fly(rr, np.tile(azimuth, 3), np.clip(ks, KICK_GRID_DEG[0], 89.0), np.tile(cut, 3))
        r = np.where(np.isfinite(rng), rng, -1e9).reshape(3, n)
        den = r[0] - 2 * r[1] + r[2]
        with np.errstate(divide="ignore", invalid="ignore"):
            shift = np.where(den < 0, 0.5 * (r[0] - r[2]) / den, np.where(r[2] > r[0], 1.0, -1.0))
        shift = np.clip(np.nan_to_num(shift), -1.5, 1.5)
        return np.clip(kick + shift * half_width_deg, KICK_GRID_DEG[0], 89.0), r.max(axis=0)

    def reach_error(self, i, reach_km, how):
        if self.lenient:
            return     # a seed beyond reach simply fails to converge and is dropped
        raise ThaadsimError(
            "target", f"({self.lat1[i]:.2f}, {self.lon1[i]:.2f}) is {self.dist_km[i]:,.0f} km from the launch "
            f"point, beyond the {self.missiles[i].id}'s reach ({how}: about {reach_km:,.0f} km on azimuth "
            f"{self.az[i]:.0f} deg, on a {_earth_words(self.opts)})", "choose a closer target, another shape or a "
            "longer-range missile" + _payload_hint(self.missiles[i]), rows=(i,))


def _impact_offset_km(ctx: _Context, rows, rng, iaz):
    """Impact point minus aimpoint as (east, north) km in the launch point's frame of azimuths."""
    d_err = rng - ctx.dist_km[rows]
    x_err = np.radians(_wrap180(iaz - ctx.az[rows])) * ctx.dist_km[rows]
    # along-track and cross-track components of the miss, good to first order near the aimpoint
    return np.stack([d_err, x_err], -1)


def _polish(ctx: _Context, rows, azimuth, kick, cut, use_cut, iterations: int = 8):
    """Two-dimensional Newton on (range parameter, azimuth) against the (along, cross) miss.

    Range and azimuth are coupled (Earth rotation turns a change of azimuth into a change of range,
    strongly so for steep shots), so after the one-dimensional bracketing this solves both at once
    with a finite-difference Jacobian: three summary flights per iteration.
    """
    all_rows = np.asarray(rows)
    converged = np.zeros(all_rows.size, bool)
    rows = all_rows
    for it in range(iterations + 1):
        rng, iaz, miss, _, _ = ctx.fly(rows, azimuth[rows], kick[rows], cut[rows])
        hit = np.isfinite(rng) & (miss < ctx.tol_km)
        converged[np.isin(all_rows, rows[hit])] = True
        todo = np.isfinite(rng) & ~hit
        if not todo.any() or it == iterations:
            break
        rows = rows[todo]
        rng, iaz = rng[todo], iaz[todo]
        uc = use_cut[rows]
        e0 = _impact_offset_km(ctx, rows, rng, iaz)
        dp = np.where(uc, 1e-2, 1e-3)
        da = 1e-3
        p = np.where(uc, cut[rows], kick[rows])
        k1, c1 = kick[rows].copy(), cut[rows].copy()
        k1[~uc] += dp[~uc]
        c1[uc] += dp[uc]
        r1, a1, _, _, _ = ctx.fly(rows, azimuth[rows], k1, c1)
        r2, a2, _, _, _ = ctx.fly(rows, azimuth[rows] + da, kick[rows], cut[rows])
        j_p = (_impact_offset_km(ctx, rows, r1, a1) - e0) / dp[:, None]
        j_a = (_impact_offset_km(ctx, rows, r2, a2) - e0) / da
        det = j_p[:, 0] * j_a[:, 1] - j_a[:, 0] * j_p[:, 1]
        ok = np.isfinite(det) & (np.abs(det) > 1e-12)
        det = np.where(ok, det, 1.0)
        step_p = -(j_a[:, 1] * e0[:, 0] - j_a[:, 0] * e0[:, 1]) / det
        step_a = -(-j_p[:, 1] * e0[:, 0] + j_p[:, 0] * e0[:, 1]) / det
        # damp steps that would leave the parameter's valid range
        lim_p = np.where(uc, 0.05 * ctx.burn[rows], 2.0)
        scale = np.minimum(1.0, lim_p / np.maximum(np.abs(step_p), 1e-300))
        scale = np.minimum(scale, 15.0 / np.maximum(np.abs(step_a), 1e-300))
        step_p = np.where(ok, step_p * scale, 0.0)
        step_a = np.where(ok, step_a * scale, 0.0)
        new_p = p + step_p
        cut[rows] = np.where(uc, np.clip(new_p, 0.0, ctx.burn[rows]), cut[rows])
        kick[rows] = np.where(uc, kick[rows], np.clip(new_p, KICK_GRID_DEG[0], 89.0))
        azimuth[rows] = (azimuth[rows] + step_a) % 360.0
    return converged


def _range_excess(rng, status, d):
    """Range beyond the target (km): negative when short, a crash in boost counts as short, a flight
    that never comes down (orbit) as far beyond."""
    orbit = ~np.isfinite(rng) & (status == 1)
    return np.where(np.isfinite(rng), rng - d, np.where(orbit, 1e6, -d))


def _illinois(a, fa, b, fb, p, fp):
    """One Illinois (modified regula falsi) update of brackets [a, b] with f(a) < 0 < f(b)."""
    neg = fp < 0
    a2 = np.where(neg, p, a)
    fa2 = np.where(neg, fp, fa)
    b2 = np.where(neg, b, p)
    fb2 = np.where(neg, fb, fp)
    # halve the function value at the end that stayed, so the bracket shrinks from both sides
    fa2 = np.where(~neg, fa2 * 0.5, fa2)
    fb2 = np.where(neg, fb2 * 0.5, fb2)
    nxt = (a2 * fb2 - b2 * fa2) / (fb2 - fa2)
    nxt = np.where(np.isfinite(nxt), nxt, 0.5 * (a2 + b2))
    return a2, fa2, b2, fb2, nxt


def _min_energy(ctx: _Context, rows, azimuth, kick, cut):
    """Min-energy solutions for ``rows`` from the shape tables' guesses: Newton first, bracketing for the rest."""
    for k, tab in enumerate(ctx.tables):
        sel = rows[ctx.index[rows] == k]
        cut[sel] = tab.cut_for_range(ctx.dist_km[sel])
        kick[sel] = tab.kick_opt(cut[sel])
        azimuth[sel] = ctx.az[sel]
    slow = rows[~_fast_min_energy(ctx, rows, azimuth, kick, cut)]
    if slow.size:
        _solve_min_energy(ctx, slow, azimuth, kick, cut)


def _fast_min_energy(ctx: _Context, rows, azimuth, kick, cut):
    """Newton from the shape table's guess, re-optimising the kick once at the solved cut-off.

    Returns which rows converged; the others go to the bracketing solver.
    """
    use_cut = np.ones(len(ctx.index), bool)
    ok = _polish(ctx, rows, azimuth, kick, cut, use_cut, iterations=6)
    good = rows[ok]
    if good.size:
        kick[good], _ = ctx.best_kick(good, azimuth[good], kick[good], cut[good], 0.5)
        ok[ok] = _polish(ctx, good, azimuth, kick, cut, use_cut, iterations=4)
    return ok


def _solve_min_energy(ctx: _Context, rows, azimuth, kick, cut):
    """Least cut-off that reaches the target, at each energy's range-maximising kick (real Earth)."""
    burn = ctx.burn[rows]
    d = ctx.dist_km[rows]
    az_r = azimuth[rows]
    # full burn first: the reach on this azimuth, and the upper end of the bracket
    k_full = np.array([ctx.tables[k].kick_opt(b) for k, b in zip(ctx.index[rows], burn)])
    # the table's kick is the non-rotating optimum; on a rotating Earth a long eastward shot wants a
    # kick several degrees away, so the parabolas start wide and narrow down
    for half_width in (4.0, 2.0, 1.0, 0.5):
        k_full, r_full = ctx.best_kick(rows, az_r, k_full, burn, half_width)
    _, _, _, _, st_full = ctx.fly(rows, az_r, k_full, burn)
    r_full = np.where(st_full == 1, 1e6, r_full)      # never comes down at full burn: reaches anything
    short = r_full < d - 0.5
    if short.any():
        j = int(np.argmax(short))
        ctx.reach_error(rows[j], r_full[j], "maximum range")
    a = np.full(rows.size, CUT_GRID_FRAC[0]) * burn
    fa = np.full(rows.size, -1.0) * d
    b = burn.copy()
    fb = r_full - d
    p = np.clip(cut[rows], a, b)
    k = kick[rows]
    # settle the azimuth first (it moves the range a little, which would spoil the brackets)
    for _ in range(3):
        _, iaz, _, _, _ = ctx.fly(rows, az_r, k, p)
        az_r = (az_r + np.where(np.isfinite(iaz), _wrap180(ctx.az[rows] - iaz), 0.0)) % 360.0
    done = np.zeros(rows.size, bool)
    for _ in range(ctx.max_it):
        todo = np.flatnonzero(~done)
        if todo.size == 0:
            break
        rr = rows[todo]
        k[todo], _ = ctx.best_kick(rr, az_r[todo], k[todo], p[todo], 0.5)
        rng, iaz, miss, _, st = ctx.fly(rr, az_r[todo], k[todo], p[todo])
        done[todo] = miss < ctx.tol_km
        az_r[todo] = (az_r[todo] + np.where(np.isfinite(iaz), _wrap180(ctx.az[rr] - iaz), 0.0)) % 360.0
        f = _range_excess(rng, st, d[todo])
        a[todo], fa[todo], b[todo], fb[todo], nxt = _illinois(a[todo], fa[todo], b[todo], fb[todo], p[todo], f)
        # a bracket made stale by the azimuth correction is reopened to full burn
        stale = (f < 0) & (b[todo] - p[todo] < 1e-6 * burn[todo])
        b[todo] = np.where(stale, burn[todo], b[todo])
        fb[todo] = np.where(stale, r_full[todo] - d[todo], fb[todo])
        nxt = np.where(stale, 0.5 * (p[todo] + burn[todo]), nxt)
        p[todo] = np.where(done[todo], p[todo], nxt)
    azimuth[rows], kick[rows], cut[rows] = az_r, k, p
    _polish(ctx, rows[~done], azimuth, kick, cut, np.ones(len(ctx.index), bool))


def _peak_kick(ctx: _Context, rows, azimuth, cut):
    """A kick that reaches at least the target range (near the real optimum) and that range."""
    k0 = np.array([ctx.tables[k].kick_opt(c) for k, c in zip(ctx.index[rows], cut)])
    offsets = np.array([-6.0, -3.0, 0.0, 3.0, 6.0])
    ks = np.clip(k0[None, :] + offsets[:, None], KICK_GRID_DEG[0], 89.0)
    rng, _, _, _, st = ctx.fly(np.tile(rows, 5), np.tile(azimuth, 5), ks.ravel(), np.tile(cut, 5))
    # a probe that never comes down (orbit) reaches anything; prefer the best finite one for the peak
    orbit = (~np.isfinite(rng) & (st == 1)).reshape(5, rows.size)
    r = np.where(np.isfinite(rng), rng, -1e9).reshape(5, rows.size)
    r = np.where(orbit & (r.max(axis=0) < 0)[None, :], 1e9, r)
    j = np.argmax(r, axis=0)
    kp = ks[j, np.arange(rows.size)]
    rbest = r.max(axis=0)
    fin = rbest < 1e9                      # rows whose best probe comes down: refine the peak
    rmax = rbest.copy()
    if fin.any():
        kp[fin], rm = ctx.best_kick(rows[fin], azimuth[fin], kp[fin], cut[fin], 1.0)
        rmax[fin] = np.maximum(rm, rbest[fin])
    return kp, rmax


def _solve_branch(ctx: _Context, rows, azimuth, kick, cut, lofted, cut_value=None, quiet=False):
    """Kick on the steep (lofted) or flat (depressed) side of the optimum that hits the target."""
    c = ctx.burn[rows] if cut_value is None else cut_value
    d = ctx.dist_km[rows]
    az_r = azimuth[rows].copy()
    lf = lofted[rows]
    kp, rmax = _peak_kick(ctx, rows, az_r, c)
    ok = rmax >= d
    if not quiet and (~ok).any():
        j = int(np.argmax(~ok))
        ctx.reach_error(rows[j], rmax[j], f"maximum range for a {ctx.shapes[rows[j]]} shot")
    # f > 0 at the peak; f < 0 at the vertical end (lofted) or the flat end (depressed)
    a = np.where(lf, KICK_GRID_DEG[0], 89.0)
    fa = -d.copy()
    b = kp.copy()
    fb = rmax - d
    p = np.clip(np.where(lf, kick[rows], kick[rows]), np.minimum(a, b), np.maximum(a, b))
    p = np.where(lf, np.minimum(p, kp - 0.1), np.maximum(p, kp + 0.1))
    for _ in range(3):
        _, iaz, _, _, _ = ctx.fly(rows, az_r, p, c)
        az_r = (az_r + np.where(np.isfinite(iaz), _wrap180(ctx.az[rows] - iaz), 0.0)) % 360.0
    done = ~ok
    miss = np.full(rows.size, np.inf)
    apo = np.full(rows.size, np.nan)
    for _ in range(ctx.max_it + 10):
        todo = np.flatnonzero(~done)
        if todo.size == 0:
            break
        rr = rows[todo]
        rng, iaz, m, ap, st = ctx.fly(rr, az_r[todo], p[todo], c[todo])
        miss[todo] = m
        apo[todo] = ap
        done[todo] = m < ctx.tol_km
        az_r[todo] = (az_r[todo] + np.where(np.isfinite(iaz), _wrap180(ctx.az[rr] - iaz), 0.0)) % 360.0
        f = _range_excess(rng, st, d[todo])
        a[todo], fa[todo], b[todo], fb[todo], nxt = _illinois(a[todo], fa[todo], b[todo], fb[todo], p[todo], f)
        stale = (f < 0) & (np.abs(b[todo] - p[todo]) < 1e-9)
        b[todo] = np.where(stale, kp[todo], b[todo])
        fb[todo] = np.where(stale, rmax[todo] - d[todo], fb[todo])
        nxt = np.where(stale, 0.5 * (p[todo] + kp[todo]), nxt)
        p[todo] = np.where(done[todo], p[todo], nxt)
    azimuth[rows], kick[rows] = az_r, p
    cut[rows] = c
    if (ok & ~done).any():
        _polish(ctx, rows[ok & ~done], azimuth, kick, cut, np.zeros(len(ctx.index), bool))
        _, _, m, ap, _ = ctx.fly(rows, azimuth[rows], kick[rows], cut[rows])
        apo = np.where(ok, ap, apo)
        done = done | (m < ctx.tol_km)
    # status: 0 hit; +1 the target is beyond reach at this energy; -1 even the most extreme kick on
    # this side still overshoots (too much energy for this shape)
    status = np.where(ok, 0, 1)
    left = ok & ~done
    if left.any():
        extreme = np.where(lf[left], KICK_GRID_DEG[0], 89.0)
        r_ext, _, _, _, st_ext = ctx.fly(rows[left], az_r[left], extreme, c[left])
        status[left] = np.where(_range_excess(r_ext, st_ext, d[left]) > 0, -1, 1)
    if quiet:
        return status, apo
    return status == 0, apo


def _solve_apogee(ctx: _Context, rows, azimuth, kick, cut, lofted, apogee_km, me_known=None):
    """Cut-off (energy) and kick that hit the target at the requested apogee (nested bracketing).

    On either branch the apogee at a fixed range is monotone in the energy: the lofted apogee rises
    from the min-energy one as the cut-off grows, the depressed one falls. So an outer bracketing
    search on the cut-off, between the min-energy cut-off and full burn, wraps the inner kick solve.
    """
    all_rows = rows
    h = apogee_km[rows]
    lf = lofted[rows]
    # the min-energy solution bounds both branches: lofted apogees lie above it, depressed below
    if me_known is not None and np.all(np.isfinite(me_known[3][rows])):
        # the caller solved these rows' min-energy shots already (the default depressed apogee)
        az_me, k_me, c_me, apo_all = me_known
        apo_me = apo_all[rows]
    else:
        az_me, k_me, c_me = azimuth.copy(), kick.copy(), cut.copy()
        _min_energy(ctx, rows, az_me, k_me, c_me)
        _, _, _, apo_me, _ = ctx.fly(rows, az_me[rows], k_me[rows], c_me[rows])
    wrong = np.where(lf, h < apo_me - 0.5, h > apo_me + 0.5)
    if wrong.any() and ctx.lenient:
        # errors="mark": such rows are left unsolved (the caller marks them), the others go on
        rows, h, lf, apo_me = rows[~wrong], h[~wrong], lf[~wrong], apo_me[~wrong]
    elif wrong.any():
        j = int(np.argmax(wrong))
        i = rows[j]
        side = "above" if lf[j] else "below"
        raise ThaadsimError("apogee_km", f"{h[j]:g} km is not a {ctx.shapes[i]} apogee for the {ctx.missiles[i].id} at "
                            f"{ctx.dist_km[i]:,.0f} km", f"the min-energy apogee there is {apo_me[j]:,.0f} km: ask for "
                            f"one {side} it", rows=(i,))
    if lf.any():
        # lofted apogees top out at full burn
        lrows = rows[lf]
        st_full, apo_full = _solve_branch(ctx, lrows, azimuth, kick, cut, lofted, quiet=True)
        high = (st_full == 0) & (apo_full < h[lf] - 0.5)
        if high.any() and ctx.lenient:
            keep = np.ones(rows.size, bool)
            keep[np.flatnonzero(lf)[high]] = False
            rows, h, lf, apo_me = rows[keep], h[keep], lf[keep], apo_me[keep]
        elif high.any():
            j = int(np.argmax(high))
            i = lrows[j]
            raise ThaadsimError("apogee_km", f"{h[lf][j]:g} km is out of reach for a lofted {ctx.missiles[i].id} at "
                                f"{ctx.dist_km[i]:,.0f} km", f"its highest apogee at full burn is {apo_full[j]:,.0f} km", rows=(i,))
    # Newton on (cut-off, kick, azimuth) against (range, cross-track, apogee) first, from the
    # min-energy shot tilted toward the shape: a few flights where it converges; the nested
    # bracketing below (tens of flights per outer step) takes whatever it leaves
    by_newton = _newton_apogee(ctx, rows, azimuth, kick, cut, h, lf, az_me, k_me, c_me)
    solved_newton = rows[by_newton]
    rows, h, lf, apo_me = rows[~by_newton], h[~by_newton], lf[~by_newton], apo_me[~by_newton]
    burn = ctx.burn[rows]
    a = c_me[rows].copy()
    b = burn.copy()
    fa = np.where(lf, -1.0, 1.0) * np.maximum(np.abs(apo_me - h), 1.0)
    fb = np.where(lf, 1.0, -1.0) * h
    # orient so that the bracket reads f(a) < 0 < f(b) in the Illinois update
    a, b = np.where(lf, a, b), np.where(lf, b, a)
    fa, fb = np.where(lf, fa, fb), np.where(lf, fb, fa)
    p = c_me[rows] + 0.3 * (burn - c_me[rows])
    kick[rows] = k_me[rows]
    azimuth[rows] = az_me[rows]
    done = np.zeros(rows.size, bool)
    # the hit closest to the requested apogee so far, kept for rows that never reach it exactly
    best_err = np.full(rows.size, np.inf)
    best = np.full((rows.size, 3), np.nan)
    for _ in range(ctx.max_it):
        todo = np.flatnonzero(~done)
        if todo.size == 0:
            break
        rr = rows[todo]
        status, apo = _solve_branch(ctx, rr, azimuth, kick, cut, lofted, cut_value=p[todo], quiet=True)
        # on failure, step toward more energy (status +1) or less (status -1); the apogee rises with
        # energy on the lofted branch and falls on the depressed one, which sets the sign
        more = np.where(lf[todo], -1.0, 1.0) * 1e3
        g = np.where(status == 0, apo - h[todo], np.where(status > 0, more, -more))
        done[todo] = (status == 0) & (np.abs(g) < 0.5)
        better = (status == 0) & (np.abs(g) < best_err[todo])
        best_err[todo[better]] = np.abs(g[better])
        best[todo[better]] = np.column_stack([azimuth[rr], kick[rr], cut[rr]])[better]
        a[todo], fa[todo], b[todo], fb[todo], nxt = _illinois(a[todo], fa[todo], b[todo], fb[todo], p[todo], g)
        p[todo] = np.where(done[todo], p[todo], np.clip(nxt, 0.0, burn[todo]))
    keep = ~done & np.isfinite(best_err)
    azimuth[rows[keep]], kick[rows[keep]], cut[rows[keep]] = best[keep].T
    return np.isin(all_rows, np.concatenate([rows[done], solved_newton]))


def _newton_apogee(ctx: _Context, rows, azimuth, kick, cut, h, lf, az_me, k_me, c_me, iterations: int = 7):
    """Three-dimensional Newton for shots with a required apogee ``h`` (km): unknowns cut-off, kick and
    azimuth; residuals the along-track and cross-track miss (km) and the apogee error (km). Each step
    flies the current shot and three perturbed ones (finite-difference Jacobian). Starts from the
    min-energy solution with the kick tilted 4 degrees toward the shape (steeper for lofted, flatter
    for depressed). Returns which rows hit (miss below the tolerance, apogee within 0.5 km); their
    azimuth, kick and cut-off are written, the others are left as they were."""
    n = rows.size
    ok = np.zeros(n, bool)
    if n == 0:
        return ok
    burn = ctx.burn[rows]
    c = c_me[rows].copy()
    k = np.clip(k_me[rows] + np.where(lf, -4.0, 4.0), KICK_GRID_DEG[0], 89.0)
    a = az_me[rows].copy()
    live = np.ones(n, bool)
    steps = np.array([1e-2, 1e-3, 1e-3])              # cut-off s, kick deg, azimuth deg

    def residual(idx, cc, kk, aa):
        r = rows[idx]
        rng, iaz, miss, apo, _ = ctx.fly(r, aa, kk, cc)
        f = np.column_stack([_impact_offset_km(ctx, r, rng, iaz), apo - h[idx]])
        return f, miss

    for it in range(iterations):
        idx = np.flatnonzero(live & ~ok)
        if idx.size == 0:
            break
        f0, miss = residual(idx, c[idx], k[idx], a[idx])
        finite = np.all(np.isfinite(f0), 1)
        hit = finite & (miss < ctx.tol_km) & (np.abs(f0[:, 2]) < 0.5)
        ok[idx[hit]] = True
        live[idx[~finite]] = False
        go = finite & ~hit
        if not go.any() or it == iterations - 1:
            break
        idx, f0 = idx[go], f0[go]
        jac = np.empty((idx.size, 3, 3))
        for col, (dc, dk, da) in enumerate(np.diag(steps)):
            f1, _ = residual(idx, c[idx] + dc, k[idx] + dk, a[idx] + da)
            jac[:, :, col] = (f1 - f0) / steps[col]
        good = np.all(np.isfinite(jac), axis=(1, 2)) & (np.abs(np.linalg.det(np.where(
            np.isfinite(jac), jac, 0.0))) > 1e-12)
        live[idx[~good]] = False
        idx, f0, jac = idx[good], f0[good], jac[good]
        if idx.size == 0:
            continue
        dx = -np.linalg.solve(jac, f0[:, :, None])[:, :, 0]
        # damp steps that would leave the region where the linearisation can be trusted
        scale = np.minimum(1.0, np.minimum(0.05 * burn[idx] / np.maximum(np.abs(dx[:, 0]), 1e-300),
                                           3.0 / np.maximum(np.abs(dx[:, 1]), 1e-300)))
        scale = np.minimum(scale, 5.0 / np.maximum(np.abs(dx[:, 2]), 1e-300))
        dx *= scale[:, None]
        c[idx] = np.clip(c[idx] + dx[:, 0], 0.0, burn[idx])
        k[idx] = np.clip(k[idx] + dx[:, 1], KICK_GRID_DEG[0], 89.0)
        a[idx] = (a[idx] + dx[:, 2]) % 360.0
    r = rows[ok]
    azimuth[r], kick[r], cut[r] = a[ok], k[ok], c[ok]
    return ok


def _bad_len(name, got, n):
    raise ThaadsimError(name, f"has {got} values but other inputs have {n}", "give one value or one per trajectory")


# --- many aimpoints from one launch point: interpolated solutions, then Newton-Broyden -------------------
#
# Thousands of aimpoints from one launch point (a footprint grid, a map of targets) do not each need
# the robust solver's 15-25 flights. The solution (launch azimuth, cut-off, kick) is a smooth function
# of where the aimpoint lies, seen from the launch point: its geodesic azimuth B and range R. So a few
# "seed" aimpoints on a grid over the group's (B, R) box are solved robustly, the solution is
# interpolated (Clough-Tocher, C1) to every aimpoint, and so is its derivative d(solution)/d(B, R),
# which is the inverse Jacobian Newton needs. Each Newton iteration is then one flight per aimpoint,
# and Broyden's update refines each row's inverse Jacobian from the flights themselves. Rows that do
# not converge within a few flights go to the robust solver, so the fast path never changes what is
# solvable, only how fast.

SEEDED_MIN_ROWS = 24          # fewer aimpoints from one launch point: the robust solver directly
SEEDED_NEWTON_FLIGHTS = 6     # flights per row before handing it to the robust solver


class _RawFlights:
    """The last kernel output (events, summary) of each row, to build the final batch without re-flying."""

    def __init__(self, n: int):
        self.events = np.full((n, K.N_EVENTS, 7), np.nan)
        self.summary = np.full((n, K.N_SUMMARY), np.nan)
        self.have = np.zeros(n, bool)

    def store(self, rows, events, summary):
        self.events[rows] = events
        self.summary[rows] = summary
        self.have[rows] = True

    def result(self):
        n = self.summary.shape[0]
        return np.empty((n, 0, 7)), self.events, self.summary


def _seeded_solve(ctx: _Context, lofted, depressed, apo, azimuth, kick, cut, final: _RawFlights,
                  active=None) -> np.ndarray:
    """Solve the rows of every large (launch point, missile, shape, apogee) group the fast way.

    Returns a boolean mask of the rows solved (their azimuth/kick/cut set, their last flight stored in
    ``final``, and for default depressed rows their interpolated default apogee in ``apo``).
    """
    from scipy.interpolate import CloughTocher2DInterpolator, NearestNDInterpolator

    from thaadsim.earth.geodesy import geodesic_direct

    n = len(ctx.index)
    solved = np.zeros(n, bool)
    shape_code = np.where(lofted, 1, np.where(depressed, 2, 0))
    key = np.stack([ctx.lat0, ctx.lon0, ctx.index, shape_code, np.nan_to_num(apo, nan=-1.0)], 1)
    _, group = np.unique(key, axis=0, return_inverse=True)
    group = group.ravel()
    if active is not None:
        group = np.where(active, group, -1)       # inactive rows belong to no group
    counts = np.bincount(group[group >= 0], minlength=int(group.max()) + 1 if group.size else 0)
    big = np.flatnonzero(counts >= SEEDED_MIN_ROWS)
    if big.size == 0:
        return solved

    # 1. seed aimpoints: a grid over each group's (azimuth, range) box, all groups flown together
    seeds = []          # per group: (rows, b_ref, r_scale, seed (b_rel, r) points)
    s_lat0, s_lon0, s_lat1, s_lon1, s_index, s_shape, s_apo, s_group = [], [], [], [], [], [], [], []
    for g in big:       # a loop over launch points x missiles x shapes, not over trajectories
        rows = np.flatnonzero(group == g)
        r0 = rows[0]
        b_ref = float(np.degrees(np.angle(np.mean(np.exp(1j * np.radians(ctx.az[rows]))))))
        b_rel = _wrap180(ctx.az[rows] - b_ref)
        rng = ctx.dist_km[rows]
        r_scale = float(np.mean(rng))
        lo_b, hi_b = b_rel.min(), b_rel.max()
        lo_r, hi_r = rng.min(), rng.max()
        if hi_b - lo_b < 0.5:
            lo_b, hi_b = 0.5 * (lo_b + hi_b) - 0.25, 0.5 * (lo_b + hi_b) + 0.25
        if hi_r - lo_r < 20.0:
            lo_r, hi_r = 0.5 * (lo_r + hi_r) - 10.0, 0.5 * (lo_r + hi_r) + 10.0
        # seeds: a tenth of the aimpoints (at least sqrt(N)): solved themselves from a coarser level,
        # they cost about 0.25 flights per aimpoint and bring most first guesses within the tolerance
        # (measured on 10,000 Hwasong-15 aimpoints: median first miss 21 m, 1.5 flights per aimpoint)
        n_seed = int(np.clip(max(np.sqrt(rows.size), 0.10 * rows.size), 9, 2000))
        across_km = np.radians(hi_b - lo_b) * r_scale
        nb = int(np.clip(round(np.sqrt(n_seed * across_km / (hi_r - lo_r))), 3, 40))
        nr = int(np.clip(round(n_seed / nb), 3, 40))
        if 2 * nb * nr > rows.size:
            continue        # as many seeds as aimpoints would gain nothing (and never shrink the recursion)
        bb, rr = np.meshgrid(np.linspace(lo_b, hi_b, nb), np.linspace(lo_r, hi_r, nr), indexing="ij")
        bb, rr = bb.ravel(), rr.ravel()
        la, lo = geodesic_direct(ctx.lat0[r0], ctx.lon0[r0], b_ref + bb, rr * 1e3)
        seeds.append((rows, b_ref, r_scale, np.stack([bb, rr], 1)))
        m = bb.size
        s_lat0.append(np.full(m, ctx.lat0[r0]))
        s_lon0.append(np.full(m, ctx.lon0[r0]))
        s_lat1.append(la)
        s_lon1.append(lo)
        s_index.append(np.full(m, ctx.index[r0]))
        s_shape.append(np.full(m, shape_code[r0]))
        s_apo.append(np.full(m, apo[r0]))
        s_group.append(np.full(m, len(seeds) - 1))
    if not seeds:
        return solved
    cat = np.concatenate
    s_lat0, s_lon0, s_lat1, s_lon1 = cat(s_lat0), cat(s_lon0), cat(s_lat1), cat(s_lon1)
    s_index, s_shape, s_apo, s_group = cat(s_index), cat(s_shape), cat(s_apo), cat(s_group)
    m = s_index.size
    s_dist, s_az = geodesic_inverse(s_lat0, s_lon0, s_lat1, s_lon1, ctx.model)
    shapes = [SHAPES[c] for c in s_shape]
    sctx = _Context(ctx.distinct, s_index, s_lat0, s_lon0, s_lat1, s_lon1, s_dist / 1e3, s_az,
                    np.array([mm.total_burn_time_s for mm in ctx.distinct])[s_index], ctx.tables, ctx.opts,
                    ctx.model, ctx.tol_km, ctx.max_it,
                    [ctx.distinct[k] for k in s_index], shapes, lenient=True)
    sa, sk, sc = s_az.copy(), np.full(m, np.nan), sctx.burn.copy()
    s_apo_me, s_flat = np.full(m, np.nan), np.zeros(m, bool)
    # the seeds are themselves many aimpoints from one launch point: seed them from a coarser grid
    # (each level has about 1.5 sqrt(N) seeds), so only the coarsest few pay the robust solver's price
    fast_s = _seeded_solve(sctx, s_shape == 1, s_shape == 2, s_apo, sa, sk, sc, _RawFlights(m))
    keep = np.ones(m, bool)
    for _ in range(3):
        rows_s = np.flatnonzero(keep & ~fast_s)
        if rows_s.size == 0:
            break
        try:
            _solve_rows(sctx, rows_s, sa, sk, sc, s_shape == 1, s_shape == 2, s_apo, s_apo_me, s_flat)
            break
        except ThaadsimError as exc:      # an impossible apogee at a seed: drop it and solve the others again
            if not exc.rows:
                return solved
            keep[list(exc.rows)] = False
    else:
        return solved
    _, _, s_miss, s_apogee, _ = sctx.fly(np.arange(m), sa, sk, sc)
    ok = keep & (s_miss < ctx.tol_km) & ~s_flat
    with_apo = np.isfinite(s_apo)
    ok &= ~with_apo | (np.abs(s_apogee - s_apo) <= np.maximum(2.0, 0.01 * np.nan_to_num(s_apo)))
    ctx.flights += sctx.flights

    # 2. interpolate each group's seed solutions (and their derivatives) to its aimpoints
    rows_all, p0, jinv, scale = [], [], [], []
    h_km = 1.0
    first_seed = np.concatenate([[0], np.cumsum([len(sd[3]) for sd in seeds])])
    for gi, (rows, b_ref, r_scale, pts) in enumerate(seeds):
        mine = np.flatnonzero((s_group == gi) & ok)
        if mine.size < 6 or s_flat[s_group == gi].any():
            continue      # too few seeds solved (or a flattest-shot group): the robust solver takes it
        local = mine - first_seed[gi]
        xy = np.stack([np.radians(pts[local, 0]) * r_scale, pts[local, 1]], 1)
        # parameters: launch azimuth relative to the aimpoint's azimuth, cut-off, kick, requested apogee
        vals = np.stack([_wrap180(sa[mine] - s_az[mine]), sc[mine], sk[mine], np.nan_to_num(s_apo[mine])], 1)
        try:
            ct = CloughTocher2DInterpolator(xy, vals)
        except Exception:   # degenerate seed layout (all on a line): the robust solver takes the group
            continue
        nearest = NearestNDInterpolator(xy, vals)
        b_rel = _wrap180(ctx.az[rows] - b_ref)
        q = np.stack([np.radians(b_rel) * r_scale, ctx.dist_km[rows]], 1)
        v = ct(q)
        v = np.where(np.isfinite(v), v, nearest(q))
        # derivatives by differences of the interpolant, central where it is defined, one-sided at the edge
        d = []
        for axis in (0, 1):
            e = np.zeros(2)
            e[axis] = h_km
            vp, vm = ct(q + e), ct(q - e)
            cen = (vp - vm) / (2 * h_km)
            fwd = (vp - v) / h_km
            bwd = (v - vm) / h_km
            dd = np.where(np.isfinite(cen), cen, np.where(np.isfinite(fwd), fwd, bwd))
            d.append(np.nan_to_num(dd))
        # d/d(cross-track km) of the absolute launch azimuth includes the aimpoint azimuth's own change
        d[0][:, 0] += np.degrees(1.0 / r_scale)
        rows_all.append(rows)
        scale.append(np.full(rows.size, r_scale))
        p0.append(v)
        jinv.append(np.stack(d, -1))          # (rows, 4 params, 2: cross, along)
    if not rows_all:
        return solved
    rows = cat(rows_all)
    p = cat(p0)
    jinv = cat(jinv)[:, :3, :]
    r_scale = cat(scale)
    azimuth[rows] = (ctx.az[rows] + p[:, 0]) % 360.0
    cut[rows] = np.clip(p[:, 1], 0.0, ctx.burn[rows])
    kick[rows] = np.clip(p[:, 2], KICK_GRID_DEG[0], 89.0)
    dflt = depressed[rows] & ~np.isfinite(apo[rows])
    apo[rows[dflt]] = p[dflt, 3]

    # 3. Newton with the interpolated inverse Jacobian, refined by Broyden's update, one flight a step
    todo = np.arange(rows.size)
    prev_f = prev_x = None
    for _ in range(SEEDED_NEWTON_FLIGHTS):
        r = rows[todo]
        rng, iaz, miss, _, _, events, summ = ctx.fly_raw(r, azimuth[r], kick[r], cut[r])
        final.store(r, events, summ)
        f = np.stack([np.radians(_wrap180(iaz - ctx.az[r])) * r_scale[todo], rng - ctx.dist_km[r]], 1)
        x = np.stack([azimuth[r], cut[r], kick[r]], 1)
        good = np.isfinite(rng) & (miss < ctx.tol_km)
        solved[r[good]] = True
        if prev_f is not None:
            # Broyden ("bad" form, on the inverse): J += (dx - J df) df^T / |df|^2, row by row
            df = f - prev_f
            dx = x - prev_x
            dx[:, 0] = _wrap180(dx[:, 0])
            den = np.einsum("ij,ij->i", df, df)
            upd = np.isfinite(den) & (den > 1e-12) & np.all(np.isfinite(df), 1)
            resid = dx - np.einsum("ipj,ij->ip", jinv[todo], df)
            corr = resid[:, :, None] * df[:, None, :] / np.where(upd, den, 1.0)[:, None, None]
            jinv[todo] += np.where(upd[:, None, None], corr, 0.0)
        live = np.isfinite(rng) & ~good
        if not live.any():
            break
        step = -np.einsum("ipj,ij->ip", jinv[todo], np.nan_to_num(f))
        step[:, 0] = np.clip(step[:, 0], -5.0, 5.0)
        step[:, 1] = np.clip(step[:, 1], -0.05 * ctx.burn[r], 0.05 * ctx.burn[r])
        step[:, 2] = np.clip(step[:, 2], -3.0, 3.0)
        prev_f, prev_x = f[live], x[live]
        todo, r, step = todo[live], r[live], step[live]
        azimuth[r] = (azimuth[r] + step[:, 0]) % 360.0
        cut[r] = np.clip(cut[r] + step[:, 1], 0.0, ctx.burn[r])
        kick[r] = np.clip(kick[r] + step[:, 2], KICK_GRID_DEG[0], 89.0)
    # rows left unsolved go to the robust solver, which starts from scratch
    unsolved = rows[~solved[rows]]
    final.have[unsolved] = False
    # their default depressed apogee was only interpolated: the robust solver computes its own
    dflt_rows = rows[dflt]
    apo[dflt_rows[~solved[dflt_rows]]] = np.nan
    return solved
