"""The typed layer over the batch kernel: pack missiles and launch states into arrays, fly, unpack.

Two entry points fly N trajectories in one call:

* :func:`fly_powered` — catalog missiles from the launch pad, given azimuth, kick angle and cut-off;
* :func:`fly_kinematic` — the analyst's model: a burnout state (speed relative to the ground,
  flight-path angle, altitude, azimuth), then a coast to impact.

Both return a :class:`~thaadsim.flight.trajectory.TrajectoryBatch`. ``targeting.py`` builds on
:func:`fly_powered` to hit aimpoints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

import numpy as np

from thaadsim.earth.atmosphere import kernel_table
from thaadsim.earth.constants import EarthModel, earth_model
from thaadsim.earth.frames import ecef_to_geodetic, enu_basis, geodetic_to_ecef
from thaadsim.earth.geodesy import geodesic_inverse
from thaadsim.errors import ThaadsimError
from thaadsim.flight import kernel as K
from thaadsim.flight.trajectory import (PHASE_BOOST, PHASE_MIDCOURSE, PHASE_REENTRY, TrajectoryBatch)
from thaadsim.flight.vehicle import Missile

if TYPE_CHECKING:   # annotations only
    from numpy.typing import ArrayLike


@dataclass(frozen=True)
class FlightOptions:
    """Physics switches and numerical settings shared by every trajectory of a call.

    Parameters
    ----------
    earth : {"wgs84", "sphere"}
        The Earth's figure: the WGS84 ellipsoid [ref:nima-wgs84-2000] or a sphere of radius 6,371 km.
    rotation : bool
        Fly in the rotating Earth's frame (Coriolis and centrifugal terms, launch-site velocity
        ``omega x r``); ``False`` gives the non-rotating reference the published ranges use.
    j2 : bool or None
        Include the J2 (oblateness) term of gravity; ``None`` means yes for WGS84 and no for the sphere.
    atmosphere : bool
        Drag through the US Standard Atmosphere 1976 [ref:ussa-1976]; ``False`` flies in vacuum.
    rtol : float
        Relative error per step of the Dormand-Prince 5(4) integrator [ref:dormand-prince-1980];
        1e-9 keeps impacts within about 20 m of a 1e-12 reference.
    max_step_s : float
        Step cap while thrusting and in sampled flights, s.
    coast_max_step_s : float
        Step cap after burnout in summary-only flights, s.
    kernel_flags : int
        Bit flags of the kernel's optimisations (benchmarks switch them off one by one).
    max_time_s : float
        Flight-time limit, s; a flight still airborne then ends with status "time limit".

    Notes
    -----
    Gravity with the J2 term (Vallado 2013 [ref:vallado-2013]), in Earth-centred axes with z north:

        g = -(μ/r³) r - (3 μ J2 a² / 2 r⁵) [x (1 - 5 z²/r²), y (1 - 5 z²/r²), z (3 - 5 z²/r²)]

    Examples
    --------
    >>> from thaadsim.flight import FlightOptions
    >>> FlightOptions(rotation=False, atmosphere=False).model().omega_rads
    0.0
    """

    earth: str = "wgs84"          # "wgs84" or "sphere"
    rotation: bool = True
    j2: bool | None = None        # None: WGS84 has J2, the sphere has not
    atmosphere: bool = True
    rtol: float = 1e-9            # relative error per step: impacts within ~20 m of rtol 1e-12
    max_step_s: float = 20.0      # step cap while thrusting
    coast_max_step_s: float = 60.0  # step cap after burnout in summary-only flights (sampled: max_step_s)
    kernel_flags: int = K.FLAGS_ALL   # benchmarks switch kernel improvements off one by one
    max_time_s: float = 3.0 * 3600.0
    # the dynamic-pressure ceiling of each missile's class (thaadsim.flight.vehicle.CLASS_MAX_Q_KPA):
    # thrust and mass flow are throttled near it (a thrust bucket, kernel._deriv), stretching the burn.
    # On by default (the catalog is calibrated with it; tools/calibrate_catalog.py): this line is the one
    # place the default is switched. Missiles with no class (interceptors, user files without one) fly free
    max_q_ceiling: bool = True

    def model(self) -> EarthModel:
        """The :class:`~thaadsim.earth.constants.EarthModel` these options describe.

        Returns
        -------
        EarthModel
            Gravitational parameter, J2 (zero when off), semi-major axis, eccentricity squared and
            rotation rate (zero when ``rotation`` is off).
        """
        return earth_model(self.earth, rotation=self.rotation, j2=self.j2)

    def earth_vector(self) -> np.ndarray:
        """The Earth model packed as the kernel takes it.

        Returns
        -------
        numpy.ndarray
            ``[mu_m3s2, j2, a_m, e2, omega_rads]``, shape (5,).
        """
        m = self.model()
        return np.array([m.mu_m3s2, m.j2, m.a_m, m.e2, m.omega_rads])


def _broadcast(n: int, name: str, value) -> np.ndarray:
    arr = np.asarray(value, float)
    try:
        arr = np.broadcast_to(arr, (n,)).astype(float)
    except ValueError:
        raise ThaadsimError(name, f"has shape {arr.shape}, expected a scalar or {n} values") from None
    bad = ~np.isfinite(arr)
    if bad.any():
        raise ThaadsimError(f"{name}[{int(np.argmax(bad))}]", "is not a finite number", "give finite values")
    return arr


SAMPLE_DT_RANGE_S = (0.01, 600.0)


def check_sample_dt(sample_dt_s: float | None) -> None:
    """Refuse a sampling interval that is not a finite number of seconds in ``SAMPLE_DT_RANGE_S``.

    Too small a step would allocate (flight time / dt) samples per trajectory and exhaust memory
    before flying anything; zero, negative or NaN would loop or index nonsense.

    Parameters
    ----------
    sample_dt_s : float or None
        Seconds between output samples; ``None`` (summary-only flight) is always accepted.

    Raises
    ------
    ThaadsimError
        When ``sample_dt_s`` is not a number or lies outside ``SAMPLE_DT_RANGE_S`` (0.01 to 600 s).
    """
    if sample_dt_s is None:
        return
    lo, hi = SAMPLE_DT_RANGE_S
    try:
        dt = float(sample_dt_s)
    except (TypeError, ValueError):
        raise ThaadsimError("sample_dt_s", f"{sample_dt_s!r} is not a number",
                            f"give seconds between {lo:g} and {hi:g}") from None
    if not (np.isfinite(dt) and lo <= dt <= hi):
        raise ThaadsimError("sample_dt_s", f"{sample_dt_s!r} is outside [{lo:g}, {hi:g}] s",
                            f"give seconds between {lo:g} and {hi:g}, or None for summary only")


def _run_kernel(y0, t0, params, stage_pack, cd_pack, target_alt, opts: FlightOptions, sample_dt_s,
                end_time_s=None):
    check_sample_dt(sample_dt_s)
    n = y0.shape[0]
    h0, dh, logrho, sound = kernel_table()
    summary = np.empty((n, K.N_SUMMARY))
    events = np.empty((n, K.N_EVENTS, 7))
    if sample_dt_s is None:
        samples = np.empty((n, 0, 7))
    else:
        if end_time_s is None:
            # a first pass without samples gives each flight time, to size the sample array exactly
            _, _, s0 = _run_kernel(y0, t0, params, stage_pack, cd_pack, target_alt, opts, None)
            end_time_s = s0[:, K.S_T_IMPACT]
        end = np.where(np.isfinite(end_time_s), end_time_s, opts.max_time_s)
        # +3: the sampled flight's impact may differ from a summary flight's by microseconds
        t_count = int(np.ceil(np.max(end - t0) / sample_dt_s)) + 3 if n else 1
        samples = np.full((n, t_count, 7), np.nan)
    starts, thrust, mdot, mass0, area, nst = stage_pack
    cd_mach, cd_val, n_cd = cd_pack
    # sampled flights keep the short cap: samples between steps are cubic-Hermite interpolated, good to
    # ~1e-8 of the energy over 20 s steps but not over 60 s ones
    coast_step = opts.coast_max_step_s if sample_dt_s is None else min(opts.coast_max_step_s, opts.max_step_s)
    K.fly_kernel(y0, t0, params, starts, thrust, mdot, mass0, area, nst, cd_mach, cd_val, n_cd,
                 opts.earth_vector(), h0, dh, logrho, sound, bool(opts.atmosphere), target_alt,
                 opts.rtol, opts.max_step_s, coast_step, opts.max_time_s,
                 float(sample_dt_s or 1.0), samples, events, summary, int(opts.kernel_flags))
    return samples, events, summary


def _pack_missiles(missiles: Sequence[Missile], index: np.ndarray):
    """Per-row stage and drag arrays, gathered from one small table per distinct missile."""
    s_max = max(len(m.stages) for m in missiles)
    k_max = max(len(m.cd) for m in missiles)
    m_count = len(missiles)
    tabs = [np.zeros((m_count, s_max)) for _ in range(5)]
    nst = np.zeros(m_count, np.int64)
    cd_mach = np.zeros((m_count, k_max))
    cd_val = np.zeros((m_count, k_max))
    n_cd = np.zeros(m_count, np.int64)
    for i, m in enumerate(missiles):
        arrs = m.stage_arrays()
        ns = len(m.stages)
        for tab, a in zip(tabs, arrs):
            tab[i, :ns] = a
        nst[i] = ns
        kk = len(m.cd)
        cd_mach[i, :kk] = m.cd_mach
        cd_val[i, :kk] = m.cd
        n_cd[i] = kk
    stage_pack = tuple(np.ascontiguousarray(t[index]) for t in tabs) + (nst[index],)
    cd_pack = (np.ascontiguousarray(cd_mach[index]), np.ascontiguousarray(cd_val[index]), n_cd[index])
    return stage_pack, cd_pack


def fly_powered(missiles: Sequence[Missile], missile_index: ArrayLike, launch_lat_deg: ArrayLike,
                launch_lon_deg: ArrayLike, azimuth_deg: ArrayLike, kick_deg: ArrayLike,
                cutoff_s: ArrayLike | None = None, *, launch_alt_m: ArrayLike = 0.0,
                options: FlightOptions = FlightOptions(), sample_dt_s: float | None = 2.0, raw: bool = False,
                impact_time_hint_s: ArrayLike | None = None
                ) -> TrajectoryBatch | tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fly N powered missiles from their launch points.

    Parameters
    ----------
    missiles : sequence of Missile
        The distinct missiles; ``missile_index`` says which one each row flies.
    missile_index : array_like of int, shape (N,)
        Index into ``missiles`` for each trajectory; its length sets N.
    launch_lat_deg, launch_lon_deg : array_like
        Geodetic launch latitude and longitude, deg; scalars or (N,).
    azimuth_deg : array_like
        Launch azimuth in the Earth-fixed frame, deg from north; scalar or (N,).
    kick_deg : array_like
        Tilt of the thrust from the vertical at the end of the kick (the trajectory's shape
        parameter), deg; scalar or (N,).
    cutoff_s : array_like or None
        Thrust termination time since launch, s (clipped to the missile's burn time); ``None`` burns
        every stage to depletion.
    launch_alt_m : array_like
        Launch altitude above the ellipsoid, m.
    options : FlightOptions
        Earth model, rotation, J2, atmosphere and integrator settings.
    sample_dt_s : float or None
        Output sampling, s; ``None`` flies summary-only (what targeting iterations use).
    raw : bool
        Return the kernel's ``(samples, events, summary)`` arrays instead of a TrajectoryBatch.
    impact_time_hint_s : array_like or None
        (N,) flight times already known (e.g. from targeting's last flights); a sampled call then sizes
        its sample array from them instead of flying a summary pass first.

    Returns
    -------
    TrajectoryBatch or tuple of numpy.ndarray
        The N trajectories (samples, phases, burnout, apogee, impact and range), or with ``raw`` the
        kernel's ``(samples, events, summary)`` arrays.

    Raises
    ------
    ThaadsimError
        For an input that does not broadcast to N values, a NaN or infinite value, or a sampling
        interval outside ``SAMPLE_DT_RANGE_S``.

    Notes
    -----
    Each stage burns in turn with thrust ``F = ṁ Isp g0`` and mass ``m(t) = m0 - ṁ t``
    [ref:sutton-biblarz-2017]; the thrust rises vertically, tilts by
    ``kick_deg`` during the kick, then follows the velocity (gravity turn) [ref:wheelon-1959]. The
    equations of motion

        r̈ = (F/m) u_T + g(r) - (ρ |v_rel| / 2β) v_rel,    β = m / (C_D A)

    are integrated in an inertial frame by Dormand-Prince 5(4) [ref:dormand-prince-1980], with the
    atmosphere of [ref:ussa-1976] carried along by the rotating Earth.

    Examples
    --------
    >>> from thaadsim.flight import fly_powered, load_missile
    >>> batch = fly_powered([load_missile("hwasong-12")], [0, 0], 39.0, 125.7, 90.0, [30.0, 40.0])  # doctest: +SKIP
    >>> batch.range_km                                                                               # doctest: +SKIP
    """
    idx = np.atleast_1d(np.asarray(missile_index, np.int64))
    n = idx.size
    lat = _broadcast(n, "launch_lat_deg", launch_lat_deg)
    lon = _broadcast(n, "launch_lon_deg", launch_lon_deg)
    alt = _broadcast(n, "launch_alt_m", launch_alt_m)
    az = _broadcast(n, "azimuth_deg", azimuth_deg)
    kick = _broadcast(n, "kick_deg", kick_deg)
    burn = np.array([m.total_burn_time_s for m in missiles])[idx]
    cut = burn if cutoff_s is None else np.minimum(_broadcast(n, "cutoff_s", cutoff_s), burn)
    model = options.model()
    r0 = geodetic_to_ecef(lat, lon, alt, model)
    omega = np.array([0.0, 0.0, model.omega_rads])
    v0 = np.cross(omega, r0)
    y0 = np.ascontiguousarray(np.concatenate([r0, v0], axis=1))
    pitch_v = np.array([m.pitch.vertical_rise_s for m in missiles])[idx]
    pitch_k = np.array([m.pitch.kick_duration_s for m in missiles])[idx] + pitch_v
    inv_beta = np.array([1.0 / m.rv.beta_kgm2 for m in missiles])[idx]
    q_ceiling = np.array([m.max_q_kpa * 1e3 if options.max_q_ceiling else 0.0 for m in missiles])[idx]
    params = np.stack([cut, pitch_v, pitch_k, np.radians(kick), np.radians(az), inv_beta, q_ceiling], 1)
    stage_pack, cd_pack = _pack_missiles(missiles, idx)
    hint = None if impact_time_hint_s is None else _broadcast(n, "impact_time_hint_s",
                                                              np.nan_to_num(impact_time_hint_s, nan=options.max_time_s))
    out = _run_kernel(y0, np.zeros(n), np.ascontiguousarray(params), stage_pack, cd_pack, np.zeros(n),
                      options, sample_dt_s, hint)
    if raw:
        return out
    return powered_batch(missiles, idx, lat, lon, cut, out, model)


def powered_batch(missiles: Sequence[Missile], missile_index: ArrayLike, launch_lat_deg: ArrayLike,
                  launch_lon_deg: ArrayLike, cutoff_s: ArrayLike,
                  raw: tuple[np.ndarray, np.ndarray, np.ndarray], model: EarthModel) -> TrajectoryBatch:
    """The :class:`TrajectoryBatch` of powered flights from the kernel's ``raw`` (samples, events, summary).

    Parameters
    ----------
    missiles : sequence of Missile
        The distinct missiles flown.
    missile_index : array_like of int, shape (N,)
        Which missile each row flew.
    launch_lat_deg, launch_lon_deg : array_like, shape (N,)
        Launch points, deg.
    cutoff_s : array_like, shape (N,)
        Each row's thrust termination, s (already clipped to the missile's burn time).
    raw : tuple of numpy.ndarray
        The kernel's ``(samples, events, summary)`` arrays, as ``fly_powered(..., raw=True)`` returns.
    model : EarthModel
        The Earth model the flights used.

    Returns
    -------
    TrajectoryBatch
        The flights, with each stage's burnout time (NaN for stages that never fired).
    """
    idx = np.asarray(missile_index, np.int64)
    lat = np.asarray(launch_lat_deg, float)
    lon = np.asarray(launch_lon_deg, float)
    cut = np.asarray(cutoff_s, float)
    burn = np.array([m.total_burn_time_s for m in missiles])[idx]
    ids = np.array([m.id for m in missiles])[idx]
    batch = build_batch(*raw, launch_lat_deg=lat, launch_lon_deg=lon, missile_id=ids, model=model)
    # each stage's burnout: its scheduled end, clipped at the cut-off; stages after the cut-off never fire
    stage_pack, _ = _pack_missiles(missiles, idx)
    starts, nst = stage_pack[0], stage_pack[5]
    ends = np.concatenate([starts[:, 1:], burn[:, None]], axis=1)
    ends = np.where(np.arange(ends.shape[1])[None, :] < nst[:, None], ends, np.nan)
    fired = starts < cut[:, None] - 1e-9
    ends = np.where(fired, np.minimum(ends, cut[:, None]), np.nan)
    # a q ceiling throttles the thrust and stretches the burn, so the stages end later than scheduled: each
    # staging when the kernel saw it, the last fired stage at the kernel's burnout
    # (a flight that hit the ground while thrusting keeps the schedule, cut at the impact below)
    summ = raw[2]
    k = np.arange(ends.shape[1])[None, :]
    n_fired = (fired & (k < nst[:, None])).sum(1)[:, None]
    staged = np.full(ends.shape, np.nan)
    m = min(ends.shape[1], K.MAX_STAGINGS)
    staged[:, :m] = summ[:, K.S_T_STAGING:K.S_T_STAGING + m]
    ends = np.where((k < n_fired - 1) & np.isfinite(staged), staged, ends)
    t_bo = summ[:, K.S_T_BURNOUT][:, None]
    flew = (summ[:, K.S_STATUS] != 2.0)[:, None]
    ends = np.where((k == n_fired - 1) & np.isfinite(t_bo) & flew, t_bo, ends)
    crashed = np.isfinite(batch.impact_s) & ((batch.impact_s < cut) | (summ[:, K.S_STATUS] == 2.0))
    batch.stage_burnout_s = np.where(crashed[:, None] & (ends > batch.impact_s[:, None]), np.nan, ends)
    return batch


def fly_kinematic(burnout_speed_kms: ArrayLike, burnout_angle_deg: ArrayLike, azimuth_deg: ArrayLike,
                  lat_deg: ArrayLike, lon_deg: ArrayLike, burnout_altitude_km: ArrayLike = 0.0,
                  beta_kgm2: ArrayLike | None = None, *, earth: str = "wgs84", rotation: bool = True,
                  atmosphere: bool = True, j2: bool | None = None, sample_dt_s: float | None = 2.0,
                  options: FlightOptions | None = None) -> TrajectoryBatch:
    """Fly N kinematic missiles from their burnout states to impact.

    The burnout speed is relative to the rotating Earth (what a ground observer measures), the
    flight-path angle is above the local horizontal, and the azimuth is from north. Time zero is
    burnout, so ``flight_time_s`` is the coast time. ``beta_kgm2`` (ballistic coefficient m/(C_D A)) sets
    reentry drag; ``None`` means a drag-free coast even with the atmosphere on.

    Parameters
    ----------
    burnout_speed_kms : array_like
        Speed at burnout relative to the ground, km/s (> 0); scalar or (N,). The longest input sets N.
    burnout_angle_deg : array_like
        Flight-path angle above the local horizontal, deg, in (-90, 90).
    azimuth_deg : array_like
        Heading, deg from north.
    lat_deg, lon_deg : array_like
        Geodetic latitude and longitude of the burnout point, deg.
    burnout_altitude_km : array_like
        Burnout altitude above the ellipsoid, km (>= 0).
    beta_kgm2 : array_like or None
        Ballistic coefficient ``β = m / (C_D A)``, kg/m^2 (> 0); ``None`` coasts without drag.
    earth : {"wgs84", "sphere"}
        The Earth's figure (ignored when ``options`` is given).
    rotation : bool
        Rotating Earth (ignored when ``options`` is given).
    atmosphere : bool
        Drag through the 1976 standard atmosphere (ignored when ``options`` is given).
    j2 : bool or None
        J2 gravity; ``None``: with WGS84 only (ignored when ``options`` is given).
    sample_dt_s : float or None
        Output sampling, s; ``None`` flies summary-only.
    options : FlightOptions or None
        All physics switches at once; overrides ``earth``, ``rotation``, ``atmosphere`` and ``j2``.

    Returns
    -------
    TrajectoryBatch
        N coasts from burnout to impact; ``missile_id`` is ``"kinematic"``.

    Raises
    ------
    ThaadsimError
        For a non-positive speed or ``beta_kgm2``, a flight-path angle outside (-90, 90) deg, a latitude
        outside [-90, 90], a negative altitude, a launch into the ground, NaN, or inputs that do not
        broadcast.

    Notes
    -----
    Without drag on a non-rotating sphere the coast is a Kepler ellipse, and the free-flight range angle
    Ψ between burnout and a return to the same radius follows the classic range equation
    [ref:wheelon-1959, bate-mueller-white-1971]:

        cos(Ψ/2) = (1 - Q cos²γ) / sqrt(1 + Q (Q - 2) cos²γ),    Q = v² r / μ

    which the test suite uses as the reference for this function.

    Examples
    --------
    >>> from thaadsim.flight import fly_kinematic
    >>> b = fly_kinematic(7.0, 25.0, 90.0, 39.0, 125.7, earth="sphere", rotation=False,
    ...                   atmosphere=False, sample_dt_s=None)          # doctest: +SKIP
    >>> round(float(b.range_km[0]), -2)       # km over a vacuum, non-rotating sphere  # doctest: +SKIP
    8900.0
    """
    arrays = [np.atleast_1d(np.asarray(x, float)) for x in
              (burnout_speed_kms, burnout_angle_deg, azimuth_deg, lat_deg, lon_deg, burnout_altitude_km)]
    n = max(a.size for a in arrays)
    names = ("burnout_speed_kms", "burnout_angle_deg", "azimuth_deg", "lat_deg", "lon_deg", "burnout_altitude_km")
    v, gam, az, lat, lon, alt_km = (_broadcast(n, nm, a) for nm, a in zip(names, arrays))
    if np.any(v <= 0):
        raise ThaadsimError("burnout_speed_kms", "must be positive", "give a speed in km/s, e.g. 7.0")
    if np.any(np.abs(gam) >= 90):
        raise ThaadsimError("burnout_angle_deg", "must be within (-90, 90) degrees", "e.g. 25")
    if np.any(np.abs(lat) > 90):
        raise ThaadsimError("lat_deg", "latitude must be within [-90, 90]", "check the order LAT,LON")
    if np.any(alt_km < 0):
        raise ThaadsimError("burnout_altitude_km", "must be >= 0", "give an altitude in km")
    ground_down = (alt_km == 0) & (gam <= 0)
    if ground_down.any():
        i = int(np.argmax(ground_down))
        raise ThaadsimError("burnout_angle_deg", f"{gam[i]:g} deg at burnout altitude 0 km points into the ground",
                            "give a positive flight-path angle, or a burnout altitude above 0 km")
    beta = None if beta_kgm2 is None else _broadcast(n, "beta_kgm2", beta_kgm2)
    if beta is not None and np.any(beta <= 0):
        raise ThaadsimError("beta_kgm2", "must be positive", "e.g. 5000 kg/m^2 for a modern RV")
    opts = options or FlightOptions(earth=earth, rotation=rotation, j2=j2, atmosphere=atmosphere)
    model = opts.model()
    r0 = geodetic_to_ecef(lat, lon, alt_km * 1e3, model)
    basis = enu_basis(lat, lon)               # rows east, north, up
    g, a = np.radians(gam), np.radians(az)
    enu = np.stack([np.cos(g) * np.sin(a), np.cos(g) * np.cos(a), np.sin(g)], 1) * (v * 1e3)[:, None]
    v_rel = np.einsum("nij,ni->nj", basis, enu)
    v0 = v_rel + np.cross(np.array([0.0, 0.0, model.omega_rads]), r0)
    y0 = np.ascontiguousarray(np.concatenate([r0, v0], 1))
    inv_beta = np.zeros(n) if beta is None else 1.0 / beta
    params = np.stack([np.full(n, -1.0), np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n), inv_beta], 1)
    empty = np.zeros((n, 1))
    stage_pack = (empty, empty, empty, np.ones((n, 1)), empty, np.zeros(n, np.int64))
    cd_pack = (np.array([[0.0, 1.0]] * n), np.array([[0.0, 0.0]] * n), np.full(n, 2, np.int64))
    out = _run_kernel(y0, np.zeros(n), np.ascontiguousarray(params), stage_pack, cd_pack, np.zeros(n),
                      opts, sample_dt_s)
    return build_batch(*out, launch_lat_deg=lat, launch_lon_deg=lon,
                       missile_id=np.array(["kinematic"] * n), model=model)


def _eci_to_ecef_state(t, r, v, omega):
    """Rotate ECI states at times t into ECEF position and Earth-relative velocity."""
    th = omega * t
    c, s = np.cos(th), np.sin(th)

    def rot(x):
        return np.stack([c * x[..., 0] + s * x[..., 1], -s * x[..., 0] + c * x[..., 1], x[..., 2]], -1)

    w = np.array([0.0, 0.0, omega])
    return rot(r), rot(v - np.cross(w, r))


def burnout_figures(t: np.ndarray, r: np.ndarray, v: np.ndarray,
                    model: EarthModel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Speed (km/s, ground-relative), flight-path angle (deg) and altitude (km) of ECI states.

    Parameters
    ----------
    t : numpy.ndarray
        Times of the states since launch, s (the Earth's rotation angle is ``omega t``).
    r, v : numpy.ndarray, shape (..., 3)
        Inertial position (m) and velocity (m/s).
    model : EarthModel
        The Earth model (rotation rate and ellipsoid).

    Returns
    -------
    speed_kms, angle_deg, altitude_km : numpy.ndarray
        Speed relative to the rotating Earth, flight-path angle above the local horizontal
        (``γ = arcsin(up · v / |v|)``) and geodetic altitude.
    """
    r_f, v_f = _eci_to_ecef_state(t, r, v, model.omega_rads)
    lat, lon, alt = ecef_to_geodetic(r_f, model)
    up = enu_basis(lat, lon)[..., 2, :]
    speed = np.linalg.norm(v_f, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        gamma = np.degrees(np.arcsin(np.clip(np.sum(up * v_f, -1) / speed, -1, 1)))
    return speed / 1e3, gamma, alt / 1e3


def build_batch(samples: np.ndarray, events: np.ndarray, summary: np.ndarray, *, launch_lat_deg: ArrayLike,
                launch_lon_deg: ArrayLike, missile_id: ArrayLike, model: EarthModel) -> TrajectoryBatch:
    """Merge regular samples with event rows, convert frames, and compute the summary figures.

    Parameters
    ----------
    samples : numpy.ndarray, shape (N, T, 7)
        The kernel's regular samples ``[t, x, y, z, vx, vy, vz]`` (inertial, NaN-padded).
    events : numpy.ndarray, shape (N, E, 7)
        The kernel's event rows (burnout, apogee, 100 km reentry, impact ...), same layout.
    summary : numpy.ndarray, shape (N, S)
        The kernel's per-flight summary (status, impact state, apogee, maximum speed and q).
    launch_lat_deg, launch_lon_deg : array_like, shape (N,)
        Launch points, deg (the range is the geodesic from them to impact [ref:karney-2013]).
    missile_id : array_like of str, shape (N,)
        Catalog id of each row.
    model : EarthModel
        The Earth model the flights used.

    Returns
    -------
    TrajectoryBatch
        Time-sorted samples in inertial and Earth-fixed frames with geodetic coordinates and phases,
        and the summary figures (range, apogee, flight time, impact point, burnout state, maximum q).
    """
    n = summary.shape[0]
    om = model.omega_rads
    n_reg = summary[:, K.S_N_SAMPLES].astype(np.int64)
    reg = samples.copy()
    if reg.shape[1]:
        reg[np.arange(reg.shape[1])[None, :] >= n_reg[:, None]] = np.nan
    allrows = np.concatenate([reg, events], axis=1)
    t_all = allrows[..., 0]
    # drop an event that coincides with a regular sample (within a microsecond)
    order = np.argsort(np.where(np.isnan(t_all), np.inf, t_all), axis=1, kind="stable")
    allrows = np.take_along_axis(allrows, order[..., None], axis=1)
    t_sorted = allrows[..., 0]
    dup = np.zeros_like(t_sorted, bool)
    dup[:, 1:] = np.abs(np.diff(t_sorted, axis=1)) < 1e-6
    allrows[dup] = np.nan
    order = np.argsort(np.where(np.isnan(allrows[..., 0]), np.inf, allrows[..., 0]), axis=1, kind="stable")
    allrows = np.take_along_axis(allrows, order[..., None], axis=1)
    counts = np.sum(np.isfinite(allrows[..., 0]), axis=1)
    t_len = int(counts.max()) if n else 0
    allrows = allrows[:, :t_len]
    t = allrows[..., 0]
    r = allrows[..., 1:4]
    v = allrows[..., 4:7]
    r_f, v_f = _eci_to_ecef_state(np.nan_to_num(t), r, v, om)
    lat, lon, alt = ecef_to_geodetic(np.nan_to_num(r_f, nan=model.a_m), model)
    valid = np.isfinite(t)
    for a in (lat, lon, alt):
        a[~valid] = np.nan
    speed = np.linalg.norm(v_f, axis=-1)

    t_burn = events[:, K.E_BURNOUT, 0]
    t_imp = summary[:, K.S_T_IMPACT]
    t_ree = events[:, K.E_REENTRY, 0]
    t_apo = summary[:, K.S_T_APOGEE]
    phase = np.full(t.shape, -1, np.int8)
    boost = valid & (t < t_burn[:, None] - 1e-9)
    reentry = valid & ~boost & (t >= np.nan_to_num(t_ree, nan=np.inf)[:, None] - 1e-9)
    phase[valid] = PHASE_MIDCOURSE
    phase[boost] = PHASE_BOOST
    phase[reentry] = PHASE_REENTRY

    # summary figures
    r_imp = summary[:, K.S_R_IMPACT:K.S_R_IMPACT + 3]
    v_imp = summary[:, K.S_V_IMPACT:K.S_V_IMPACT + 3]
    rf_imp, _ = _eci_to_ecef_state(np.nan_to_num(t_imp), r_imp, v_imp, om)
    ilat, ilon, _ = ecef_to_geodetic(np.nan_to_num(rf_imp, nan=model.a_m), model)
    ilat[np.isnan(t_imp)] = np.nan
    ilon[np.isnan(t_imp)] = np.nan
    dist, _ = geodesic_inverse(launch_lat_deg, launch_lon_deg, np.nan_to_num(ilat), np.nan_to_num(ilon), model)
    dist[np.isnan(t_imp)] = np.nan
    bo_speed, bo_angle, bo_alt = burnout_figures(t_burn, summary[:, K.S_R_BURNOUT:K.S_R_BURNOUT + 3],
                                                 summary[:, K.S_V_BURNOUT:K.S_V_BURNOUT + 3], model)
    # a flight still going up at the time limit (escape, or a high orbit) has no apogee: the
    # highest altitude so far is only where the clock stopped
    apo_km = summary[:, K.S_ALT_APOGEE] / 1e3
    no_apogee = (summary[:, K.S_STATUS] == 1) & np.isnan(events[:, K.E_APOGEE, 0]) & (apo_km > bo_alt)
    apo_km = np.where(no_apogee, np.nan, apo_km)
    t_apo = np.where(no_apogee, np.nan, t_apo)
    return TrajectoryBatch(
        t_s=t, n_samples=counts, r_eci_m=r, v_eci_ms=v, r_ecef_m=r_f, v_ecef_ms=v_f,
        lat_deg=lat, lon_deg=lon, alt_m=alt, speed_ms=speed, phase=phase,
        burnout_s=t_burn, apogee_s=t_apo, reentry_100km_s=t_ree, impact_s=t_imp,
        missile_id=np.asarray(missile_id), launch_lat_deg=np.asarray(launch_lat_deg, float),
        launch_lon_deg=np.asarray(launch_lon_deg, float), range_km=dist / 1e3,
        apogee_km=apo_km, flight_time_s=t_imp,
        impact_lat_deg=ilat, impact_lon_deg=ilon, max_speed_kms=summary[:, K.S_MAX_SPEED] / 1e3,
        burnout_speed_kms=bo_speed, burnout_angle_deg=bo_angle, burnout_altitude_km=bo_alt,
        max_q_kpa=summary[:, K.S_MAX_Q] / 1e3,
    )


def summary_figures(summary: np.ndarray, launch_lat_deg: ArrayLike, launch_lon_deg: ArrayLike,
                    model: EarthModel) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Impact point and range (km) from a summary-only kernel run (what targeting iterates on).

    Parameters
    ----------
    summary : numpy.ndarray, shape (N, S)
        The kernel's per-flight summary.
    launch_lat_deg, launch_lon_deg : array_like, shape (N,)
        Launch points, deg.
    model : EarthModel
        The Earth model the flights used.

    Returns
    -------
    impact_lat_deg, impact_lon_deg, range_km, azimuth_deg : numpy.ndarray
        Impact point, geodesic range from launch [ref:karney-2013] and the launch-to-impact azimuth;
        NaN for flights that did not impact.
    """
    t_imp = summary[:, K.S_T_IMPACT]
    r_imp = summary[:, K.S_R_IMPACT:K.S_R_IMPACT + 3]
    rf, _ = _eci_to_ecef_state(np.nan_to_num(t_imp), r_imp, np.zeros_like(r_imp), model.omega_rads)
    lat, lon, _ = ecef_to_geodetic(np.nan_to_num(rf, nan=model.a_m), model)
    dist, az = geodesic_inverse(launch_lat_deg, launch_lon_deg, lat, lon, model)
    bad = np.isnan(t_imp) | (summary[:, K.S_STATUS] != 0)
    for a in (lat, lon, dist, az):
        a[bad] = np.nan
    return lat, lon, dist / 1e3, az
