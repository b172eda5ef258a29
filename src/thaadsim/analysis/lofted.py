"""What a lofted test flight says about a missile's range: the Keplerian inversion.

North Korea tests its long-range missiles on steep ("lofted") trajectories that climb thousands
of km and come down ~1,000 km away. The published apogee and ground range fix one drag-free
ellipse; its burnout speed, flown instead at the range-maximising angle, gives a range estimate.

Model and assumptions
---------------------
* Two-body motion around a non-rotating sphere, R = 6371.0 km, mu = 398600.4418 km^3/s^2
  (:data:`thaadsim.earth.constants.SPHERE`); no drag.
* Burnout at altitude ``h_bo``; the observed ground range is taken as the coast between burnout and
  the ellipse's re-crossing of ``h_bo``, which is symmetric about apogee. This neglects the boost's
  downrange distance (``boost_downrange_km`` subtracts an estimate of it) and the fall below
  ``h_bo`` (:attr:`LoftedBurnout.reentry_range_km` gives it, tens of km for ~1,000 km tests).
* The result is a LOWER bound on what the missile can do: a steeply lofted boost loses more to
  gravity than a range-maximising one, so the same missile flown for range burns out faster than
  the lofted apogee implies [ref:ucs-hwasong15-2017, ucs-hwasong14-2017]. Only a boost model closes
  that gap: :mod:`thaadsim.analysis.inference` fits one (``thaadsim infer``).

Equations (Bate, Mueller & White, *Fundamentals of Astrodynamics*, 1971, ch. 1-2 and 6; Regan,
*Re-Entry Vehicle Dynamics*, 1984, ch. 2; Wheelon, ARS Journal 29, 1959)
[ref:bate-mueller-white-1971, regan-1984, wheelon-1959]
------------------------------------------------------------------------------------------------
Conic r = p / (1 + e cos theta), apogee at theta = pi. Burnout at r_bo on the way up, half a
range angle Psi/2 before apogee, so theta_bo = pi - Psi/2 and, with c = cos(Psi/2),

    r_a = p / (1 - e),   r_bo = p / (1 - e c)   =>   e = (r_a - r_bo) / (r_a - r_bo c),

a = r_a / (1 + e); vis-viva v^2 = mu (2/r_bo - 1/a); flight-path angle
tan(gamma) = e sin(theta) / (1 + e cos(theta)) = e sin(Psi/2) / (1 - e c)   (BMW eq. 1.7-3).
Coast time by Kepler's equation, M = E - e sin E with tan(E/2) = sqrt((1-e)/(1+e)) tan(theta/2),
t = 2 (pi - M_bo) sqrt(a^3/mu)   (BMW §4.2).

Maximum range at a given burnout speed from r1 to impact at r2: of all ellipses of semi-major
axis a through the burnout point, the one reaching the farthest point at radius r2 is the
minimum-energy ellipse for that chord, whose empty focus lies on the chord (BMW §5.3, the
Lambert minimum-energy orbit): 4a = r1 + r2 + chord, so

    chord = 4a - r1 - r2,   cos(Psi) = (r1^2 + r2^2 - chord^2) / (2 r1 r2),

and the velocity bisects the angle between the local vertical and the chord (the ellipse's
reflection property): gamma = 45 deg + phi_c / 2, phi_c the chord's elevation at burnout.
For r1 = r2 this is the textbook sin(Psi/2) = nu / (2 - nu), gamma = 45 deg - Psi/4 with
nu = v^2 r / mu [ref:wheelon-1959, bate-mueller-white-1971]. A chord longer than r1 + r2 reaches the antipode:
the range is global (returned as ``inf``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from thaadsim.earth.constants import SPHERE
from thaadsim.errors import ThaadsimError

if TYPE_CHECKING:   # annotations only
    from numpy.typing import ArrayLike

R_KM = SPHERE.a_m / 1e3                 # 6371.0 km
MU_KM3S2 = SPHERE.mu_m3s2 / 1e9         # 398600.4418 km^3/s^2
HALF_CIRCUMFERENCE_KM = np.pi * R_KM    # no ground range is longer


class LoftedBurnout(NamedTuple):
    """The drag-free ellipse that fits a test's apogee and range, as arrays (one entry per test)."""

    burnout_speed_kms: np.ndarray     # inertial = ground-relative on the non-rotating sphere
    burnout_angle_deg: np.ndarray     # flight-path angle above the local horizontal
    burnout_altitude_km: np.ndarray
    coast_time_s: np.ndarray          # burnout to re-crossing of the burnout altitude
    coast_range_km: np.ndarray        # the range the ellipse was fitted to (observed minus boost offset)
    reentry_range_km: np.ndarray      # extra ground range from re-crossing h_bo down to the surface
    eccentricity: np.ndarray
    semi_major_axis_km: np.ndarray


def _first_bad(mask) -> int:
    return int(np.argmax(np.ravel(mask)))


def _where(n: int, i: int) -> str:
    return f" (test {i})" if n > 1 else ""


def _check_test_inputs(apogee_km, range_km, burnout_altitude_km, boost_downrange_km):
    """Broadcast and validate; every mistake is a ThaadsimError naming the input and the fix."""
    names = ("apogee_km", "range_km", "burnout_altitude_km", "boost_downrange_km")
    arrays = np.broadcast_arrays(*(np.asarray(x, float) for x in
                                   (apogee_km, range_km, burnout_altitude_km, boost_downrange_km)))
    n = arrays[0].size
    for name, arr in zip(names, arrays):
        bad = ~np.isfinite(arr)
        if bad.any():
            raise ThaadsimError(name, f"is not a finite number{_where(n, _first_bad(bad))}", "give a number in km")
    apo, rng, h_bo, boost = arrays
    checks = (
        (apo <= 0, "apogee_km", "must be positive", "give the observed maximum altitude in km, e.g. 4475"),
        (rng <= 0, "range_km", "must be positive", "give the observed ground range in km, e.g. 950"),
        (h_bo < 0, "burnout_altitude_km", "must be >= 0", "e.g. 300 for a liquid ICBM's lofted burnout"),
        (boost < 0, "boost_downrange_km", "must be >= 0", "give the boost's downrange distance in km, or 0"),
        (rng >= HALF_CIRCUMFERENCE_KM, "range_km", f"must be shorter than half the globe ({HALF_CIRCUMFERENCE_KM:,.0f} km)",
         "give the ground range between launch and impact"),
        (apo <= h_bo, "apogee_km", "must be above the burnout altitude",
         "lower --burnout-altitude-km, or check the apogee"),
        (rng - boost <= 0, "boost_downrange_km", "leaves no coast range",
         "it must be shorter than the observed range"),
    )
    for bad, name, problem, fix in checks:
        if bad.any():
            i = _first_bad(bad)
            raise ThaadsimError(name, f"{problem}{_where(n, i)}: apogee {apo.flat[i]:g} km, range {rng.flat[i]:g} km, "
                                f"burnout altitude {h_bo.flat[i]:g} km", fix)
    return apo, rng, h_bo, boost


def _ellipse(apo, rng, h_bo, boost):
    """Eccentricity, semi-major axis (km), half range angle (rad) and radii of the fitted ellipse."""
    r_a, r_bo = R_KM + apo, R_KM + h_bo
    half = 0.5 * (rng - boost) / R_KM
    c = np.cos(half)
    e = (r_a - r_bo) / (r_a - r_bo * c)
    a = r_a / (1.0 + e)
    return e, a, half, r_a, r_bo


def _coast_time_s(e, a, half):
    """Twice the time from true anomaly pi - half to apogee (Kepler's equation)."""
    theta = np.pi - half
    ecc_anom = 2.0 * np.arctan2(np.sqrt(1.0 - e) * np.sin(theta / 2), np.sqrt(1.0 + e) * np.cos(theta / 2))
    mean_anom = ecc_anom - e * np.sin(ecc_anom)
    return 2.0 * (np.pi - mean_anom) * np.sqrt(a ** 3 / MU_KM3S2)


def burnout_state_from_lofted_test(apogee_km: ArrayLike, range_km: ArrayLike, burnout_altitude_km: ArrayLike = 300.0,
                                   boost_downrange_km: ArrayLike = 0.0) -> LoftedBurnout:
    """Burnout speed and flight-path angle of the drag-free ellipse that fits a test's apogee and range.

    Parameters
    ----------
    apogee_km, range_km : array_like
        Observed maximum altitude and ground range, km (broadcast together: one entry per test).
    burnout_altitude_km : array_like, default 300
        Altitude at burnout. 300 km is an estimate for a liquid ICBM's lofted burnout, not a
        published figure; 0 gives the textbook burnout-at-the-surface case.
    boost_downrange_km : array_like, default 0
        Estimated ground distance flown during the boost, subtracted from ``range_km``.

    Returns
    -------
    LoftedBurnout
        Arrays of the fitted ellipse (see the module docstring for the equations):
        e = (r_a - r_bo) / (r_a - r_bo cos(Psi/2)), a = r_a / (1 + e),
        v^2 = mu (2/r_bo - 1/a), tan(gamma) = e sin(Psi/2) / (1 - e cos(Psi/2)).

    Raises
    ------
    ThaadsimError
        Non-finite input, apogee or range <= 0, apogee not above burnout, a range of half the globe
        or more, or an ellipse that never comes back to the ground (an orbit).

    Examples
    --------
    Hwasong-15, 28 Nov 2017 (4,475 km apogee, 950 km range), burnout at the surface:
    v_bo ~ 7.20 km/s at ~85 deg, which flown for range reaches ~10,000 km on a non-rotating Earth.
    """
    apo, rng, h_bo, boost = _check_test_inputs(apogee_km, range_km, burnout_altitude_km, boost_downrange_km)
    e, a, half, r_a, r_bo = _ellipse(apo, rng, h_bo, boost)
    p = r_a * (1.0 - e)
    r_p = p / (1.0 + e)
    orbit = r_p >= R_KM
    if orbit.any():
        i = _first_bad(orbit)
        raise ThaadsimError("range_km", f"with apogee {apo.flat[i]:g} km and burnout at {h_bo.flat[i]:g} km, a "
                            f"{rng.flat[i]:g} km coast fits an orbit that never comes down (perigee "
                            f"{r_p.flat[i] - R_KM:,.0f} km up){_where(orbit.size, i)}", "check the range and apogee, or lower the burnout altitude")
    speed = np.sqrt(MU_KM3S2 * (2.0 / r_bo - 1.0 / a))
    gamma = np.degrees(np.arctan2(e * np.sin(half), 1.0 - e * np.cos(half)))
    # the fall from h_bo to the surface: descending branch, theta in (pi, 2 pi)
    theta_ground = 2.0 * np.pi - np.arccos(np.clip((p / R_KM - 1.0) / e, -1.0, 1.0))
    reentry = (theta_ground - (np.pi + half)) * R_KM
    return LoftedBurnout(speed, gamma, h_bo.astype(float), _coast_time_s(e, a, half), rng - boost,
                         reentry, e, a)


def coast_time_s(apogee_km: ArrayLike, range_km: ArrayLike, burnout_altitude_km: ArrayLike = 300.0,
                 boost_downrange_km: ArrayLike = 0.0) -> float | np.ndarray:
    """Coast time of the fitted ellipse, from burnout to the re-crossing of the burnout altitude, s.

    Kepler's equation (BMW §4.2): with theta_bo = pi - Psi/2 the true anomaly at burnout,
    tan(E/2) = sqrt((1 - e)/(1 + e)) tan(theta/2), M = E - e sin E, and by symmetry about apogee
    t = 2 (pi - M_bo) sqrt(a^3 / mu). The observed total flight time minus this is the boost time
    plus the short fall below ``burnout_altitude_km``.

    Parameters
    ----------
    apogee_km, range_km : array_like
        Observed apogee and ground range, km.
    burnout_altitude_km : array_like
        Altitude at burnout, km.
    boost_downrange_km : array_like
        Ground distance flown during the boost, km (subtracted from the range).

    Returns
    -------
    float or numpy.ndarray
        Coast time, s [ref:bate-mueller-white-1971]; a scalar for scalar inputs.

    Raises
    ------
    ThaadsimError
        As :func:`burnout_state_from_lofted_test`.
    """
    return burnout_state_from_lofted_test(apogee_km, range_km, burnout_altitude_km, boost_downrange_km).coast_time_s


def _min_energy(burnout_speed_kms, burnout_altitude_km, impact_altitude_km):
    v, h1, h2 = np.broadcast_arrays(*(np.asarray(x, float) for x in
                                      (burnout_speed_kms, burnout_altitude_km, impact_altitude_km)))
    r1, r2 = R_KM + h1, R_KM + h2
    with np.errstate(divide="ignore", invalid="ignore"):
        inv_a = 2.0 / r1 - v ** 2 / MU_KM3S2          # vis-viva; <= 0 means escape
        chord = np.where(inv_a > 0, 4.0 / inv_a - r1 - r2, np.inf)
        cos_psi = (r1 ** 2 + r2 ** 2 - chord ** 2) / (2.0 * r1 * r2)
        psi = np.arccos(np.clip(cos_psi, -1.0, 1.0))
        # elevation of the chord seen from the burnout point (x up, y downrange)
        phi_c = np.arctan2(r2 * np.cos(psi) - r1, r2 * np.sin(psi))
    gamma = np.degrees(np.pi / 4 + phi_c / 2)
    global_ = chord >= r1 + r2
    unreachable = chord < np.abs(r1 - r2)             # cannot climb to r2 at all
    rng = np.where(global_, np.inf, psi * R_KM)
    rng = np.where(unreachable | (v <= 0) | ~np.isfinite(v), np.nan, rng)
    gamma = np.where(global_ | unreachable, np.nan, gamma)
    return rng, gamma


def min_energy_range_km(burnout_speed_kms: ArrayLike, burnout_altitude_km: ArrayLike = 0.0,
                        impact_altitude_km: ArrayLike = 0.0) -> np.ndarray:
    """Keplerian maximum range at a burnout speed, km (non-rotating sphere, no drag).

    Parameters
    ----------
    burnout_speed_kms : array_like
        Burnout speed, km/s (inertial = ground-relative on the non-rotating sphere).
    burnout_altitude_km : array_like, default 0
        Burnout altitude, km.
    impact_altitude_km : array_like, default 0
        Where the range ends. 0 is the ground; equal to ``burnout_altitude_km`` gives the symmetric
        textbook arc, sin(Psi/2) = nu / (2 - nu), nu = v^2 r / mu [ref:wheelon-1959, bate-mueller-white-1971].

    Returns
    -------
    ndarray
        R * Psi with cos(Psi) = (r1^2 + r2^2 - chord^2) / (2 r1 r2), chord = 4a - r1 - r2 and
        1/a = 2/r1 - v^2/mu (module docstring). ``inf`` where every point on the globe is in reach,
        NaN where the speed cannot reach ``impact_altitude_km``.
    """
    return _min_energy(burnout_speed_kms, burnout_altitude_km, impact_altitude_km)[0]


def min_energy_angle_deg(burnout_speed_kms: ArrayLike, burnout_altitude_km: ArrayLike = 0.0,
                         impact_altitude_km: ArrayLike = 0.0) -> np.ndarray:
    """Flight-path angle of the maximum-range ellipse, deg: gamma = 45 deg + phi_c / 2 (module docstring).

    Parameters
    ----------
    burnout_speed_kms : array_like
        Burnout speed, km/s.
    burnout_altitude_km : array_like
        Burnout altitude, km.
    impact_altitude_km : array_like
        Altitude where the range ends, km.

    Returns
    -------
    numpy.ndarray
        The optimum flight-path angle above the local horizontal, deg; for equal burnout and impact
        radii cos 2γ = ν / (2 - ν), ν = v² r / μ [ref:wheelon-1959, bate-mueller-white-1971].
    """
    return _min_energy(burnout_speed_kms, burnout_altitude_km, impact_altitude_km)[1]


class RotatingReach(NamedTuple):
    """Maximum range flown by the engine at each row's burnout speed and azimuth."""

    range_km: np.ndarray
    angle_deg: np.ndarray     # the best flight-path angle at burnout
    azimuth_deg: np.ndarray
    impact_azimuth_deg: np.ndarray = None   # bearing of the impact seen from the burnout point


def min_energy_reach_rotating(burnout_speed_kms: ArrayLike, burnout_altitude_km: ArrayLike, lat_deg: ArrayLike,
                              lon_deg: ArrayLike, azimuth_deg: ArrayLike, beta_kgm2: ArrayLike | None = None, *,
                              earth: str = "wgs84", rotation: bool = True,
                              atmosphere: bool = True) -> RotatingReach:
    """Maximum range at a ground-relative burnout speed, flown by :func:`thaadsim.flight.fly_kinematic`.

    Every argument broadcasts (one row per test x direction). The burnout point is put at
    (``lat_deg``, ``lon_deg``) with no boost downrange distance, so the range is again a lower
    bound. The engine flies a coarse grid of flight-path angles (1-60 deg) for all rows in one
    call, then a fine grid (0.25 deg) around each row's best, and a parabola through the best three
    points gives the maximum; the range is flat there, so the error is far below a km.

    With ``beta_kgm2=None`` the coast is drag-free even with the atmosphere on (as in
    ``fly_kinematic``); give a ballistic coefficient to include reentry drag.

    Parameters
    ----------
    burnout_speed_kms : array_like
        Burnout speed relative to the ground, km/s.
    burnout_altitude_km : array_like
        Burnout altitude, km.
    lat_deg, lon_deg : array_like
        Burnout point, deg.
    azimuth_deg : array_like
        Direction of flight, deg from north.
    beta_kgm2 : array_like or None
        Ballistic coefficient of the RV, kg/m²; ``None``: no drag.
    earth : {"wgs84", "sphere"}
        The Earth's figure.
    rotation : bool
        Rotating Earth.
    atmosphere : bool
        Drag through the 1976 standard atmosphere [ref:ussa-1976] (with ``beta_kgm2``).

    Returns
    -------
    RotatingReach
        The maximum range (km), the flight-path angle that gives it, the azimuth and the impact's
        bearing, each of the broadcast shape.
    """
    from thaadsim.flight import fly_kinematic

    arrays = np.broadcast_arrays(*(np.asarray(x, float) for x in
                                   (burnout_speed_kms, burnout_altitude_km, lat_deg, lon_deg, azimuth_deg)))
    shape = arrays[0].shape
    v, h, lat, lon, az = (x.ravel() for x in arrays)
    n = v.size

    orbital = np.zeros(n, bool)      # some angle never comes down within the engine's clock
    bearing = {}

    def fly(angles):                 # angles (n, k) -> ranges (n, k), one engine call
        k = angles.shape[1]
        rep = lambda x: np.repeat(x, k)  # noqa: E731
        b = fly_kinematic(rep(v), angles.ravel(), rep(az), rep(lat), rep(lon), rep(h),
                          None if beta_kgm2 is None else np.repeat(np.broadcast_to(beta_kgm2, (n,)), k),
                          earth=earth, rotation=rotation, atmosphere=atmosphere, sample_dt_s=None)
        r = b.range_km.reshape(n, k)
        orbital[:] |= np.isnan(r).any(axis=1)
        from thaadsim.earth.geodesy import geodesic_inverse
        _, iaz = geodesic_inverse(rep(lat), rep(lon), np.nan_to_num(b.impact_lat_deg), np.nan_to_num(b.impact_lon_deg))
        bearing["deg"] = np.asarray(iaz, float).reshape(n, k) % 360.0
        return np.nan_to_num(r, nan=-np.inf)

    coarse = np.broadcast_to(np.arange(1.0, 61.0, 2.0), (n, 30))
    best = coarse[np.arange(n), np.argmax(fly(coarse), 1)]
    step = 0.25
    fine = np.clip(best[:, None] + step * np.arange(-8, 9)[None, :], 0.05, 89.0)
    rf = fly(fine)
    j = np.clip(np.argmax(rf, 1), 1, fine.shape[1] - 2)
    rows = np.arange(n)
    y0, y1, y2 = rf[rows, j - 1], rf[rows, j], rf[rows, j + 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        den = y0 - 2 * y1 + y2
        # the parabola only through three real ranges (an orbital neighbour is -inf)
        ok = (den < 0) & np.isfinite(y0) & np.isfinite(y2)
        d02 = np.where(ok, y0 - y2, 0.0)
        shift = np.where(ok, 0.5 * d02 / den, 0.0)
    shift = np.clip(np.nan_to_num(shift), -1.0, 1.0)
    rng = y1 - 0.25 * d02 * shift
    # a speed at which some angle goes into orbit reaches every point on the globe
    rng = np.where(orbital, np.inf, rng)
    angle = fine[rows, j] + shift * step
    return RotatingReach(rng.reshape(shape), angle.reshape(shape), az.reshape(shape),
                         bearing["deg"][rows, j].reshape(shape))


class TargetReach(NamedTuple):
    distance_km: np.ndarray
    azimuth_deg: np.ndarray
    reach_km: np.ndarray
    margin_km: np.ndarray     # reach - distance: >= 0 means the target is in reach
    reaches: np.ndarray
    launch_azimuth_deg: np.ndarray = None   # the burnout azimuth that puts the impact on the target's bearing


def reach_toward_target(burnout_speed_kms: ArrayLike, burnout_altitude_km: ArrayLike, lat_deg: ArrayLike,
                        lon_deg: ArrayLike, target_lat_deg: ArrayLike, target_lon_deg: ArrayLike,
                        beta_kgm2: ArrayLike | None = None, iterations: int = 4) -> TargetReach:
    """Whether a burnout speed reaches a target along the REAL target line (min-energy, rotating WGS84, J2).

    On the rotating Earth a flight launched on the geodesic azimuth to the target does not stay on
    that line: the Earth turns under it, and for intercontinental flights the impact bearing is
    6-13 deg off and the impact lands hundreds of km to the side. So the burnout azimuth is
    corrected until the maximum-range impact lies on the target's bearing (seen from the burnout
    point): az <- az + (target bearing - impact bearing), ``iterations`` times (the error shrinks
    tenfold per step); the reach is that impact's distance (WGS84 geodesic, GeographicLib through
    pyproj). ``azimuth_deg`` in the result is the target's bearing; the margin is reach - distance.

    Parameters
    ----------
    burnout_speed_kms : array_like
        Burnout speed relative to the ground, km/s.
    burnout_altitude_km : array_like
        Burnout altitude, km.
    lat_deg, lon_deg : array_like
        Burnout point, deg.
    target_lat_deg, target_lon_deg : array_like
        Target, deg.
    beta_kgm2 : array_like or None
        Ballistic coefficient, kg/m²; ``None``: no drag.
    iterations : int
        Azimuth corrections.

    Returns
    -------
    TargetReach
        Distance (km) and bearing of the target, reach along that bearing, margin, whether it
        reaches, and the corrected launch azimuth [ref:karney-2013].
    """
    from thaadsim.earth.geodesy import geodesic_inverse

    dist_m, az_t = geodesic_inverse(lat_deg, lon_deg, target_lat_deg, target_lon_deg)
    dist_km = np.asarray(dist_m, float) / 1e3
    az_t = np.asarray(az_t, float) % 360.0
    az = az_t.copy()
    for _ in range(iterations):
        got = min_energy_reach_rotating(burnout_speed_kms, burnout_altitude_km, lat_deg, lon_deg, az, beta_kgm2)
        err = (az_t - np.where(np.isfinite(got.range_km), got.impact_azimuth_deg, az_t) + 180.0) % 360.0 - 180.0
        # near the antipode every line meets and the impact's bearing means nothing: no correction
        err = np.where(np.nan_to_num(got.range_km, nan=np.inf) < 0.9 * HALF_CIRCUMFERENCE_KM,
                       np.clip(err, -15.0, 15.0), 0.0)
        az = az + err
    reach = min_energy_reach_rotating(burnout_speed_kms, burnout_altitude_km, lat_deg, lon_deg, az,
                                      beta_kgm2).range_km
    margin = reach - dist_km
    return TargetReach(dist_km, az_t, reach, margin, margin >= 0, az % 360.0)
