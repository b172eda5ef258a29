"""What a lofted test implies, with the boost modelled: fit a staged liquid rocket to the test.

:mod:`thaadsim.analysis.lofted` inverts a test's apogee and range with a drag-free ellipse. That
is a LOWER bound on the missile's range: a near-vertical boost loses more speed to gravity than a
range-maximising one, so the same rocket flown for range burns out faster than the lofted
ellipse implies. The published analyses close that gap by modelling the boost
[ref:ucs-hwasong14-2017, ucs-hwasong15-2017]; so does this module.

Model
-----
A stack of 1 or 2 constant-thrust liquid stages (:class:`thaadsim.flight.vehicle.Stage`) with
the payload on top, flown by the project's flight engine (:func:`thaadsim.flight.fly_powered`:
WGS84, J2, rotating Earth, USSA-76 atmosphere and drag) with the catalog's pitch programme
(vertical rise, linear kick, gravity turn). The stage *shape* is an assumption
(:class:`RocketAssumptions`: payload, Isp per stage, propellant mass fraction per stage, upper-
to-first-stage loaded-mass ratio, upper-to-first-stage burn-time ratio, each with the band the
published values span); three unknowns are then fitted to the three observations:

    unknowns      x = (ln m1, ln t1, kick)   first-stage loaded mass, its burn time, kick angle
    observations  y = (apogee, ground range, total flight time)

by Newton's method with a forward-difference Jacobian, every assumption variant at once (one
engine call flies all variants and all Jacobian columns). The rocket is flown to burnout of every
stage (no thrust cut-off) from the test's launch area toward the sea, as the tests were.

The fitted missile's range is then its *minimum-energy* (maximum) range on a NON-rotating Earth
(:class:`thaadsim.flight.FlightOptions` ``rotation=False``), the convention the published estimates
use (UCS: "not taking into account the Earth's rotation" [ref:ucs-hwasong14-2017]): the kick angle
is scanned at full burn, then refined by a parabola through the best three. The spread of that
range over the assumption variants is the band ``met_range_km_low`` .. ``met_range_km_high``.

With a launch point and a target, the fitted missile is also flown on the ROTATING Earth along the
real target line: the launch azimuth is corrected until the range-maximising flight's impact lies
on the bearing of the target (the Earth turns under the flight, so the geodesic azimuth misses by
degrees), and the reach along that line is compared with the target's distance (``margin_km``).

Assumptions (stated, not fitted)
--------------------------------
* The range is quoted for a payload of 1,000 kg (``--payload-kg``; the IISS estimate of what a
  Hwasong-15 carries to the US [ref:koreaherald-elleman-2017]). The test is assumed to have carried
  the same; the band refits with a test payload of half and one and a half times it (a light dummy
  in the test means a weaker rocket than it looked, and less range with the real warhead).
* Isp (ascent-averaged): first stage 285 s (270-300), upper stage 305 s (290-320): storable
  UDMH/N2O4 engines [ref:sutton-biblarz-2017].
* Propellant mass fraction of each stage 0.88 (0.85-0.91) for two stages, 0.92 (0.90-0.94) for
  one: around the catalog's liquid stage estimates (Hwasong-15: 0.886 and 0.874; Hwasong-12:
  0.919); no published figure for the DPRK stages. A single stage below ~0.90 cannot fly the
  Hwasong-12 test at all with Isp 285 s: its rocket-equation limit, g0 Isp ln(1/(1-f)), is too low.
* Upper stage loaded mass 0.26 of the first (0.18-0.35) and burn time 1.27 of the first: the
  catalog's Hwasong-15 estimates (hwasong-15.toml), varied by about a third.
* Stage diameter 2.0 m (1.65 m for a single stage), RV ballistic coefficient 10,000 kg/m^2,
  pitch programme 5 s vertical rise + 10 s kick: the catalog's Hwasong-15 / Hwasong-12 values.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from thaadsim.errors import ThaadsimError

if TYPE_CHECKING:   # annotations only: the flight layer loads when a rocket is first flown
    from collections.abc import Sequence

    from numpy.typing import ArrayLike

    from thaadsim.flight.vehicle import Missile

G0 = 9.80665
ASSUMPTIONS_TEXT = ("staged liquid rocket, constant thrust per stage; Isp 285 s (first stage) / 305 s (upper), "
                    "propellant mass fraction 0.88 (one stage: 0.92), upper stage 0.26 of the first stage's loaded "
                    "mass burning 1.27 times as long, lift-off thrust/weight >= 1.3, 5 s vertical rise and 10 s "
                    "kick then a gravity turn, full burn (no cut-off); test payload = warhead unless a variant "
                    "says otherwise; launched from the Pyongyang area toward the Sea of Japan (azimuth 95 deg)")
DEFAULT_LAUNCH = (39.0, 125.7)       # the Pyongyang area, where the 2017-2022 tests started
DEFAULT_TEST_AZIMUTH_DEG = 95.0      # into the Sea of Japan
PAYLOAD_KG_BOUNDS = (100.0, 5000.0)  # a test's payload: a light dummy to a heavy warhead
FIT_TOLERANCE = 1e-3                 # relative residual of apogee, range and time at which the fit stops (observations carry ~1-5 %)
STALL_ITERATIONS = 20                # a variant whose best residual has not improved for this long is given up
NEAR_ANTIPODE_KM = 18_000.0          # 0.9 of half the circumference: past it the reach is global
MIN_LIFTOFF_TW = 1.3                 # a liquid missile below this barely clears the pad (the engine needs > 1.05)


@dataclass(frozen=True)
class RocketAssumptions:
    """The stated, unfitted shape of the rocket (see the module docstring for the sources).

    Parameters
    ----------
    stages : int
        1 or 2 liquid stages.
    payload_kg : float
        The warhead the range estimate carries, kg.
    test_payload_kg : float or None
        What the test carried, kg; ``None``: the same as ``payload_kg``.
    isp_s : tuple of float
        Ascent-averaged specific impulse of each stage, s [ref:sutton-biblarz-2017].
    propellant_fraction : tuple of float
        Propellant mass over loaded mass of each stage.
    upper_mass_ratio : float
        Upper stage's loaded mass over the first stage's.
    upper_burn_ratio : float
        Upper stage's burn time over the first stage's.
    flight_time_offset_s : float
        Shift of the observed flight time, s (the spread between trackers).
    label : str
        What this variant changes, for tables.
    """

    stages: int = 2
    payload_kg: float = 1000.0            # what the range estimate carries (the warhead)
    test_payload_kg: float | None = None  # what the test carried; None: the same
    isp_s: tuple = (285.0, 305.0)
    propellant_fraction: tuple = (0.88, 0.88)
    upper_mass_ratio: float = 0.26
    upper_burn_ratio: float = 1.27
    flight_time_offset_s: float = 0.0     # the observed time, moved by the spread between trackers
    label: str = "nominal"

    @property
    def test_mass_kg(self) -> float:
        """The payload flown in the test, kg (``test_payload_kg``, else ``payload_kg``)."""
        return self.payload_kg if self.test_payload_kg is None else self.test_payload_kg

    def isps(self) -> tuple[float, ...]:
        """The specific impulse of each of the ``stages`` stages, s.

        Returns
        -------
        tuple of float
            ``isp_s`` cut to the number of stages.
        """
        return self.isp_s[: self.stages]

    def fractions(self) -> tuple[float, ...]:
        """The propellant mass fraction of each of the ``stages`` stages.

        Returns
        -------
        tuple of float
            ``propellant_fraction`` cut to the number of stages.
        """
        return self.propellant_fraction[: self.stages]


def assumption_variants(stages: int = 2, payload_kg: float = 1000.0,
                        payload_band_kg: tuple | None = None) -> list[RocketAssumptions]:
    """The nominal assumptions and one variant per bound, one assumption moved at a time.

    The band of the inference is the spread over these variants: the TEST payload (default ±50 %
    of the warhead's: a lighter dummy than the warhead means the rocket is weaker than it looked),
    Isp (±15 s on every stage), propellant fraction (±0.03, one stage ±0.02), for two stages the
    upper stage's share of the mass (0.18 / 0.35), and the observed flight time ±1 min (DPRK, Japanese
    and US timings of one test differ by 1-2 min, e.g. 53 vs 54 min for the Hwasong-15
    [ref:defence-industries-hwasong15-2017]; the fitted burn time follows the time one for one).

    Parameters
    ----------
    stages : int
        1 or 2 liquid stages (two: around the catalog's Hwasong-15 stages; one: its Hwasong-12).
    payload_kg : float
        The warhead the range is quoted for, kg.
    payload_band_kg : tuple of float or None
        (low, high) test payloads, kg; ``None``: half and one and a half times ``payload_kg``.

    Returns
    -------
    list of RocketAssumptions
        The nominal assumptions first, then one variant per bound (9 for one stage, 11 for two).

    Examples
    --------
    >>> from thaadsim.analysis.inference import assumption_variants
    >>> [a.label for a in assumption_variants(stages=1)][:3]
    ['nominal', 'test payload 500 kg', 'test payload 1,500 kg']
    """
    # two stages: around the catalog's Hwasong-15 stages; one: the catalog's Hwasong-12 (0.919)
    f, df = (0.88, 0.03) if stages == 2 else (0.92, 0.02)
    nom = RocketAssumptions(stages=stages, payload_kg=payload_kg, propellant_fraction=(f, f))
    lo_p, hi_p = payload_band_kg or (0.5 * payload_kg, 1.5 * payload_kg)
    out = [nom,
           replace(nom, test_payload_kg=lo_p, label=f"test payload {lo_p:,.0f} kg"),
           replace(nom, test_payload_kg=hi_p, label=f"test payload {hi_p:,.0f} kg"),
           replace(nom, isp_s=tuple(x - 15.0 for x in nom.isp_s), label="Isp -15 s"),
           replace(nom, isp_s=tuple(x + 15.0 for x in nom.isp_s), label="Isp +15 s"),
           replace(nom, propellant_fraction=(f - df, f - df), label=f"propellant fraction {f - df:.2f}"),
           replace(nom, propellant_fraction=(f + df, f + df), label=f"propellant fraction {f + df:.2f}")]
    out += [replace(nom, flight_time_offset_s=-60.0, label="flight time -1 min"),
            replace(nom, flight_time_offset_s=60.0, label="flight time +1 min")]
    if stages == 2:
        out += [replace(nom, upper_mass_ratio=0.18, label="upper stage 0.18 of the first"),
                replace(nom, upper_mass_ratio=0.35, label="upper stage 0.35 of the first")]
    return out


def _stack(a: RocketAssumptions, m1_kg: np.ndarray):
    """Loaded mass (kg) of each stage for first-stage masses ``m1_kg``: shape (len(m1), stages)."""
    ratios = np.array([1.0, a.upper_mass_ratio][: a.stages])
    return np.asarray(m1_kg, float)[:, None] * ratios[None, :]


def ideal_delta_v_ms(a: RocketAssumptions, m1_kg: ArrayLike) -> np.ndarray:
    """Tsiolkovsky delta-v of the stack, m/s: sum over stages of g0 Isp ln(m_ignition / m_burnout).

    Parameters
    ----------
    a : RocketAssumptions
        The rocket's shape (stages, Isp, propellant fractions, mass ratio, test payload).
    m1_kg : array_like
        First-stage loaded masses, kg; scalar or (N,).

    Returns
    -------
    numpy.ndarray, shape (N,)
        Ideal (no gravity or drag loss) velocity change, m/s.

    Notes
    -----
    The rocket equation, stage by stage [ref:sutton-biblarz-2017]:

        Δv = Σ_s g0 Isp_s ln(m_ignition,s / (m_ignition,s - f_s m_s))

    with g0 = 9.80665 m/s², m_s the loaded mass of stage s and f_s its propellant fraction.
    """
    loaded = _stack(a, np.atleast_1d(m1_kg))
    above = loaded.sum(1) + a.test_mass_kg
    dv = np.zeros(loaded.shape[0])
    for s, (isp, f) in enumerate(zip(a.isps(), a.fractions())):    # over 1-2 stages, arrays over rows
        dv += G0 * isp * np.log(above / (above - f * loaded[:, s]))
        above = above - loaded[:, s]
    return dv


def build_missile(a: RocketAssumptions, m1_kg: float, t1_s: float, name: str = "fitted",
                  payload_kg: float | None = None) -> Missile:
    """The :class:`~thaadsim.flight.vehicle.Missile` of assumptions ``a``, first-stage mass and burn time,
    carrying ``payload_kg`` (default: the test payload).

    Parameters
    ----------
    a : RocketAssumptions
        Stages, Isp, propellant fractions and the upper stage's mass and burn-time ratios.
    m1_kg : float
        First-stage loaded mass, kg.
    t1_s : float
        First-stage burn time, s (the upper stage burns ``upper_burn_ratio`` times as long).
    name : str
        The missile's id.
    payload_kg : float or None
        The reentry vehicle's mass, kg; ``None``: the test payload of ``a``.

    Returns
    -------
    Missile
        Constant-thrust stages of 2.0 m diameter (1.65 m for one stage), an RV of ballistic
        coefficient 10,000 kg/m², and a 5 s vertical rise with a 10 s kick.
    """
    from thaadsim.flight.vehicle import Missile, PitchProgram, ReentryVehicle, Stage

    loaded = _stack(a, [m1_kg])[0]
    burns = np.array([1.0, a.upper_burn_ratio][: a.stages]) * t1_s
    diameter = 2.0 if a.stages == 2 else 1.65
    stages = tuple(Stage(propellant_mass_kg=f * m, dry_mass_kg=(1 - f) * m, isp_s=isp, burn_time_s=t,
                         diameter_m=diameter)
                   for m, f, isp, t in zip(loaded, a.fractions(), a.isps(), burns))
    # the class sets the ascent's dynamic-pressure ceiling when FlightOptions.max_q_ceiling is on (the default):
    # a one-stage liquid fit is an IRBM-class rocket (Hwasong-12), a two-stage one an ICBM-class rocket
    return Missile(id=name, name=f"rocket fitted to a lofted test ({a.label})", stages=stages,
                   rv=ReentryVehicle(a.test_mass_kg if payload_kg is None else payload_kg, 10_000.0),
                   pitch=PitchProgram(5.0, 10.0), meta={"class": "ICBM" if a.stages == 2 else "IRBM"})


def _max_burn_s(a: RocketAssumptions, m1_kg):
    """Longest first-stage burn that keeps lift-off thrust/weight at ``MIN_LIFTOFF_TW``:
    F = (f m1 / t1) Isp g0 >= TW m0 g0  =>  t1 <= f m1 Isp / (TW m0)."""
    m0 = _stack(a, np.atleast_1d(m1_kg)).sum(1) + a.test_mass_kg
    return a.fractions()[0] * np.atleast_1d(m1_kg) * a.isps()[0] / (MIN_LIFTOFF_TW * m0)


def _fly(variants, x, launch, azimuth_deg, rotation=True):
    """Fly rows ``x`` = (ln m1, ln t1, kick) of ``variants`` (one per row) to burnout and impact.

    Returns range_km, apogee_km, flight_time_s, impact azimuth (deg): all rows in ONE engine call.
    """
    from thaadsim.flight.engine import FlightOptions, fly_powered, summary_figures
    from thaadsim.flight import kernel as K

    # one Missile per row: a few microseconds of Python each, against milliseconds of flight
    missiles = [build_missile(a, float(np.exp(r[0])), float(np.exp(r[1]))) for a, r in zip(variants, x)]
    n = len(missiles)
    opts = FlightOptions(rotation=rotation)
    _, _, summ = fly_powered(missiles, np.arange(n), launch[0], launch[1], azimuth_deg, x[:, 2],
                             options=opts, sample_dt_s=None, raw=True)
    lat0, lon0 = np.full(n, launch[0]), np.full(n, launch[1])
    _, _, rng, iaz = summary_figures(summ, lat0, lon0, opts.model())
    apo = summ[:, K.S_ALT_APOGEE] / 1e3
    return rng, apo, summ[:, K.S_T_IMPACT], iaz


@dataclass
class Fit:
    """The fitted rockets, one per assumption variant (arrays over variants)."""

    variants: list
    first_stage_mass_kg: np.ndarray
    first_stage_burn_s: np.ndarray
    kick_deg: np.ndarray
    apogee_km: np.ndarray          # as flown by the fitted rocket
    range_km: np.ndarray
    flight_time_s: np.ndarray
    converged: np.ndarray
    missiles: list = field(default_factory=list)


def check_observation(apogee_km: float, range_km: float, flight_time_s: float) -> tuple[float, float]:
    """Bounds of one lofted test, checked before any flight; ThaadsimError names the input and the fix.

    A ballistic flight that climbs to ``apogee_km`` takes at least the drag-free coast of the
    ellipse through that apogee and range (Kepler's equation, :func:`thaadsim.analysis.lofted.coast_time_s`,
    burnout at the surface), and a rocket needs at least ~1 min to get there: a shorter observed
    time cannot be a ballistic flight; one more than ~10 min of boost longer is not a liquid missile.

    Parameters
    ----------
    apogee_km : float
        Observed apogee, km, in [50, 10,000].
    range_km : float
        Observed ground range, km, in [50, 5,000].
    flight_time_s : float
        Observed total flight time (boost included), s, in [60, 18,000].

    Returns
    -------
    coast_s, boost_s : float
        The drag-free coast time through that apogee and range, s, and what is left of the flight
        time for the boost, s.

    Raises
    ------
    ThaadsimError
        For a NaN or out-of-bounds observation, or a flight time that leaves less than 1 min or more
        than 15 min of boost.

    Notes
    -----
    The coast time is Kepler's time of flight on the ellipse, t = sqrt(a³/μ) (E - e sin E) between the
    eccentric anomalies of burnout and impact [ref:bate-mueller-white-1971].
    """
    from thaadsim.analysis.lofted import coast_time_s

    for name, v, lo, hi, unit in (("apogee_km", apogee_km, 50.0, 10_000.0, "km"),
                                  ("range_km", range_km, 50.0, 5_000.0, "km"),
                                  ("flight_time_s", flight_time_s, 60.0, 18_000.0, "s")):
        if not np.isfinite(v):
            raise ThaadsimError(name, f"{v!r} is not a finite number", f"give {unit}")
        if not (lo <= v <= hi):
            raise ThaadsimError(name, f"{v:g} {unit} is outside [{lo:g}, {hi:g}] {unit}",
                                "a lofted test climbs 50-10,000 km and lands 50-5,000 km away" if unit == "km"
                                else "give the total flight time, boost included")
    coast = float(coast_time_s(apogee_km, range_km, burnout_altitude_km=0.0))
    boost = flight_time_s - coast
    if boost < 60.0:
        raise ThaadsimError("flight_time_s", f"{flight_time_s / 60:.1f} min is too short: a drag-free coast through "
                            f"{apogee_km:g} km apogee and {range_km:g} km range alone takes {coast / 60:.1f} min",
                            "check the time (total, boost included), apogee and range")
    if boost > 900.0:
        raise ThaadsimError("flight_time_s", f"{flight_time_s / 60:.1f} min leaves {boost / 60:.1f} min of boost "
                            f"beyond the {coast / 60:.1f} min coast; liquid missiles burn for 1-10 min",
                            "check the time and apogee")
    return coast, boost


def _closed_form_burnout_km(apogee_km: float) -> float:
    """The burnout altitude of the closed-form bound: ``loft``'s default 300 km, or half a lower apogee."""
    return float(min(300.0, 0.5 * apogee_km))


def _initial_guess(variants, apogee_km, range_km, flight_time_s, coast_s):
    """First-stage mass from the rocket equation, burn time from the time left after the coast.

    The burnout speed of the Keplerian fit (burnout at 300 km) plus a gravity loss of
    g * burn time (a near-vertical ascent) is the delta-v to give: a vectorised bisection on
    ln m1 finds the mass. Newton corrects it all later; the guess only has to be near.
    """
    from thaadsim.analysis.lofted import burnout_state_from_lofted_test

    v_bo = float(burnout_state_from_lofted_test(apogee_km, range_km, _closed_form_burnout_km(apogee_km)
                                                ).burnout_speed_kms) * 1e3
    x = np.empty((len(variants), 3))
    for i, a in enumerate(variants):      # over ~9 assumption variants, not trajectories
        burn_total = float(np.clip(flight_time_s + a.flight_time_offset_s - coast_s, 60.0, 600.0))
        t1 = burn_total / (1.0 + (a.upper_burn_ratio if a.stages == 2 else 0.0))
        need = v_bo + 0.8 * G0 * burn_total
        lo, hi = np.log(a.test_mass_kg * 0.3), np.log(a.test_mass_kg * 2000.0)
        # near the rocket equation's asymptote (an infinitely heavy stage) the mass has no leverage left:
        # start where it still has some, and let Newton find the rest
        need = min(need, 0.93 * ideal_delta_v_ms(a, np.exp(hi))[0])
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            if ideal_delta_v_ms(a, np.exp(mid))[0] < need:
                lo = mid
            else:
                hi = mid
        m1 = np.exp(hi)
        x[i] = (np.log(m1), np.log(min(t1, 0.95 * float(_max_burn_s(a, m1)[0]))), 5.0)
    return x


def _start_kicks(variants, x, range_km, launch, azimuth_deg):
    """Kick on the steep (lofted) side that first lands past the observed range: one scan of all
    variants x kicks, interpolated linearly between the two kicks that bracket it.

    Near vertical the Earth turns under the flight and the impact falls *behind* the launch point,
    so ranges are signed (negative behind); the lofted shot is where the range first rises through R.
    """
    kicks = np.r_[np.arange(0.05, 2.0, 0.1), np.arange(2.0, 30.5, 0.5)]
    k = kicks.size
    xx = np.repeat(x, k, axis=0)
    xx[:, 2] = np.tile(kicks, len(variants))
    rng, _, _, iaz = _fly([v for v in variants for _ in range(k)], xx, launch, azimuth_deg)
    downrange = np.cos(np.radians(np.nan_to_num(iaz) - azimuth_deg))
    signed = np.where(np.isfinite(rng), np.nan_to_num(rng) * np.sign(downrange), -np.inf).reshape(len(variants), k)
    # the first upward crossing of R: a vertical rise lands behind (west of) the pad, and the range
    # grows through zero and R as the kick grows
    cross = np.zeros_like(signed, bool)
    cross[:, 1:] = (signed[:, 1:] >= range_km) & (signed[:, :-1] < range_km)
    j = np.where(cross.any(1), np.argmax(cross, 1), k - 1)
    j = np.clip(j, 1, k - 1)
    rows = np.arange(len(variants))
    r0, r1 = signed[rows, j - 1], signed[rows, j]
    with np.errstate(invalid="ignore", divide="ignore"):
        w = np.clip(np.nan_to_num((range_km - r0) / (r1 - r0), nan=1.0, posinf=1.0, neginf=0.0), 0.0, 1.0)
    return kicks[j - 1] + w * (kicks[j] - kicks[j - 1])


def _newton(variants, x, obs, launch, azimuth_deg, free, iterations):
    """Newton on the unknowns ``free`` (indices into x) against the observations; forward-difference
    Jacobian. Each iteration flies the variants still working (not converged, not stalled for
    ``STALL_ITERATIONS``) and all their Jacobian columns in ONE engine call."""
    n, m = len(variants), len(free)
    steps = np.array([0.01, 0.01, 0.05])[free]
    res = np.full((n, 3), np.inf)
    used = [0, 2] if m == 2 else [0, 1, 2]        # 2 unknowns (m1, t1): apogee and time
    limit = np.array([0.25, 0.25, 2.0])[free]
    best_x, best_norm = x.copy(), np.full(n, np.inf)
    stalled = np.zeros(n, int)
    done = np.zeros(n, bool)
    for _ in range(iterations):
        act = np.flatnonzero(~done & (stalled < STALL_ITERATIONS))
        if act.size == 0:
            break
        k = act.size
        probe = np.repeat(x[act], m + 1, axis=0)
        for c, j in enumerate(free):
            probe[c + 1::m + 1, j] += steps[c]
        rng, apo, tim, iaz = _fly([variants[i] for i in act for _ in range(m + 1)], probe, launch, azimuth_deg)
        downrange = np.sign(np.cos(np.radians(np.nan_to_num(iaz) - azimuth_deg)))
        y = np.stack([apo, rng * downrange, tim], 1).reshape(k, m + 1, 3) / obs[act, None, :] - 1.0
        norm = np.nan_to_num(np.max(np.abs(y[:, 0, used]), 1), nan=np.inf)
        better = norm < best_norm[act]     # keep the best point flown: the answer if Newton wanders
        stalled[act] = np.where(better, 0, stalled[act] + 1)
        best_x[act[better]], best_norm[act[better]] = x[act[better]], norm[better]
        res[act[better]] = y[better, 0]
        done = best_norm < FIT_TOLERANCE
        jac = (y[:, 1:, :][:, :, used]).transpose(0, 2, 1) - y[:, :1, used].transpose(0, 2, 1)
        jac = jac / steps[None, None, :]                                  # (k, observations, unknowns)
        with np.errstate(invalid="ignore"):
            ok = np.all(np.isfinite(jac), (1, 2)) & np.isfinite(norm)
            ok &= np.abs(np.linalg.det(np.where(ok[:, None, None], jac, np.eye(m)))) > 1e-12
        dx = np.zeros((k, m))
        if ok.any():
            dx[ok] = -np.linalg.solve(jac[ok], y[ok][:, 0, used][..., None])[..., 0]
        dx = np.clip(dx, -limit, limit)
        dx[done[act]] = 0.0
        xa = x[act]
        xa[:, free] = xa[:, free] + dx
        xa[:, 2] = np.clip(xa[:, 2], 0.05, 60.0)
        # a stage mass 10^4 times the payload is past the rocket equation's asymptote: no more to gain
        xa[:, 0] = np.minimum(xa[:, 0], np.log(1e4 * np.array([variants[i].test_mass_kg for i in act])))
        tmax = np.array([float(_max_burn_s(variants[i], np.exp(r[0]))[0]) for i, r in zip(act, xa)])
        xa[:, 1] = np.minimum(xa[:, 1], np.log(tmax))
        x[act] = xa
    x = best_x
    return x, res, done


def fit_lofted_test(apogee_km: float, range_km: float, flight_time_s: float,
                    variants: Sequence[RocketAssumptions] | None = None, *,
                    launch: tuple[float, float] = DEFAULT_LAUNCH, azimuth_deg: float = DEFAULT_TEST_AZIMUTH_DEG,
                    max_iterations: int = 60) -> Fit:
    """Fit each assumption variant's rocket to a test's apogee (km), ground range (km) and flight time (s).

    Newton's method on x = (ln m1, ln t1, kick) with residuals r = (apogee/A - 1, range/R - 1,
    time/T - 1); the Jacobian by forward differences (steps 0.01, 0.01, 0.05 deg). Each iteration
    flies 4 trajectories per variant in one engine call. Steps are limited (0.25 in the logs, 4 deg
    in kick) and the burn kept below the lift-off thrust/weight of ``MIN_LIFTOFF_TW``.

    Parameters
    ----------
    apogee_km : float
        Observed apogee, km.
    range_km : float
        Observed ground range, km.
    flight_time_s : float
        Observed total flight time, boost included, s.
    variants : sequence of RocketAssumptions or None
        The assumption variants to fit; ``None``: :func:`assumption_variants` ``()``.
    launch : tuple of float
        (lat, lon) of the test's launch point, deg.
    azimuth_deg : float
        Direction the test was flown, deg from north.
    max_iterations : int
        Cap on the Newton iterations of the final three-unknown fit.

    Returns
    -------
    Fit
        One fitted rocket per variant, with what it flies and whether its fit converged.

    Raises
    ------
    ThaadsimError
        For observations out of bounds or inconsistent with a ballistic flight
        (:func:`check_observation`).

    Notes
    -----
    Each Newton step solves J Δx = -r for the 3x3 forward-difference Jacobian J = ∂r/∂x.
    """
    variants = variants or assumption_variants()
    coast, _ = check_observation(apogee_km, range_km, flight_time_s)
    obs = np.array([[apogee_km, range_km, flight_time_s + a.flight_time_offset_s] for a in variants])
    x = _initial_guess(variants, apogee_km, range_km, flight_time_s, coast)
    # 1. near vertical, mass and burn time for apogee and time (range barely depends on them)
    x[:, 2] = 0.5
    x, _, _ = _newton(variants, x, obs, launch, azimuth_deg, [0, 1], 5)
    # 2. the kick that gives the range on the steep side, then all three together
    x[:, 2] = _start_kicks(variants, x, range_km, launch, azimuth_deg)
    x, res, done = _newton(variants, x, obs, launch, azimuth_deg, [0, 1, 2], max_iterations)
    missiles = [build_missile(a, float(np.exp(r[0])), float(np.exp(r[1])), name=f"fitted-{i}")
                for i, (a, r) in enumerate(zip(variants, x))]
    flown = (res + 1.0) * obs
    return Fit(variants, np.exp(x[:, 0]), np.exp(x[:, 1]), x[:, 2], flown[:, 0], flown[:, 1], flown[:, 2],
               done, missiles)


def _best_kick_reach(missiles, launch, azimuth_deg, rotation):
    """Range-maximising kick at full burn for each missile: a coarse scan, a fine scan, a parabola.

    Returns (range_km, kick_deg, impact azimuth deg) per missile; all kicks of all missiles fly in
    one engine call per scan. The range is flat at its maximum, so the parabola's error is far
    below a km.
    """
    from thaadsim.flight.engine import FlightOptions, fly_powered, summary_figures

    n = len(missiles)
    opts = FlightOptions(rotation=rotation)
    az = np.broadcast_to(np.asarray(azimuth_deg, float), (n,))

    def fly(kicks):             # (n, k) -> range, impact azimuth (n, k)
        k = kicks.shape[1]
        rows = np.repeat(np.arange(n), k)
        _, _, summ = fly_powered(missiles, rows, launch[0], launch[1], np.repeat(az, k), kicks.ravel(),
                                 options=opts, sample_dt_s=None, raw=True)
        _, _, rng, iaz = summary_figures(summ, np.full(rows.size, launch[0]), np.full(rows.size, launch[1]),
                                         opts.model())
        return rng.reshape(n, k), iaz.reshape(n, k)

    # fine near vertical: a low-thrust rocket's range-maximising kick is a few degrees (larger kicks tip
    # its gravity turn into the ground), a high-thrust one's tens of degrees
    grid = np.r_[np.arange(0.5, 10.0, 0.5), np.arange(10.0, 89.0, 2.0)]
    coarse = np.broadcast_to(grid, (n, grid.size))
    r, _ = fly(coarse)
    jb = np.argmax(np.nan_to_num(r, nan=-1.0), 1)
    best = grid[jb]
    step = np.where(best < 10.0, 0.125, 0.5)
    fine = np.clip(best[:, None] + step[:, None] * np.arange(-5, 6)[None, :], 0.05, 89.5)
    rf, iaz = fly(fine)
    rf = np.nan_to_num(rf, nan=-np.inf)
    rows = np.arange(n)
    j = np.clip(np.argmax(rf, 1), 1, fine.shape[1] - 2)
    y0, y1, y2 = rf[rows, j - 1], rf[rows, j], rf[rows, j + 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        den = y0 - 2 * y1 + y2
        ok = (den < 0) & np.isfinite(y0) & np.isfinite(y2)
        shift = np.clip(np.where(ok, 0.5 * (y0 - y2) / np.where(ok, den, 1.0), 0.0), -1.0, 1.0)
        rng = np.where(ok, y1 - 0.25 * (y0 - y2) * shift, y1)
    rng = np.where(np.isfinite(rng), rng, np.nan)
    return rng, fine[rows, j] + shift * step, iaz[rows, j]


def met_range_km(missiles: Sequence[Missile], launch: tuple[float, float] = DEFAULT_LAUNCH,
                 azimuth_deg: float = 90.0) -> np.ndarray:
    """Minimum-energy (maximum) range of each missile at full burn on a NON-rotating WGS84 Earth, km.

    The convention of the published estimates; ``FlightOptions(rotation=False)`` keeps J2, the
    atmosphere and drag. Flown east from ``launch`` (the direction matters only through J2 and the
    ellipsoid, a few km).

    Parameters
    ----------
    missiles : sequence of Missile
        The missiles, all flown in one engine call per scan.
    launch : tuple of float
        (lat, lon) of the launch point, deg.
    azimuth_deg : float
        Launch azimuth, deg from north.

    Returns
    -------
    numpy.ndarray, shape (N,)
        Each missile's maximum range, km: a coarse and a fine scan of the kick angle, then a parabola
        through the best three (range is flat at its maximum, so the parabola's error is far below a km).
    """
    return _best_kick_reach(missiles, launch, azimuth_deg, rotation=False)[0]


def ascent_figures(missiles: Sequence[Missile], kick_deg: ArrayLike, launch: tuple[float, float] = DEFAULT_LAUNCH,
                   azimuth_deg: float = 90.0,
                   rotation: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Peak dynamic pressure (kPa) and burnout speed (km/s), angle (deg) and altitude (km) of each
    missile's full-burn ascent at ``kick_deg``: how hard the range-maximising ascent is.

    Parameters
    ----------
    missiles : sequence of Missile
        The missiles, one row each.
    kick_deg : array_like
        Kick angle of each, deg.
    launch : tuple of float
        (lat, lon) of the launch point, deg.
    azimuth_deg : float
        Launch azimuth, deg from north.
    rotation : bool
        Fly on the rotating Earth.

    Returns
    -------
    max_q_kpa, burnout_speed_kms, burnout_angle_deg, burnout_altitude_km : numpy.ndarray
        Peak dynamic pressure, kPa, and the burnout state.

    Notes
    -----
    q = rho(h) v^2 / 2 with the Earth-relative speed and the USSA-76 density
    (:func:`thaadsim.earth.atmosphere.density_kgm3`), from 0.5 s samples of the boost only (the
    flight is stopped well after burnout: a dynamic-pressure ceiling stretches the burn).
    """
    from thaadsim.earth.atmosphere import density_kgm3
    from thaadsim.flight.engine import FlightOptions, fly_powered
    from thaadsim.flight.trajectory import PHASE_BOOST

    n = len(missiles)
    burn = max(m.total_burn_time_s for m in missiles)
    opts = FlightOptions(rotation=rotation, max_time_s=2.0 * burn + 60.0)
    b = fly_powered(missiles, np.arange(n), launch[0], launch[1], azimuth_deg, kick_deg, options=opts,
                    sample_dt_s=0.5)
    alt = np.where(np.isfinite(b.alt_m), b.alt_m, 1e6)
    q = 0.5 * density_kgm3(np.clip(alt, 0.0, 1e6)) * np.nan_to_num(b.speed_ms) ** 2
    q = np.where(b.phase == PHASE_BOOST, q, 0.0)
    return np.max(q, 1) / 1e3, b.burnout_speed_kms, b.burnout_angle_deg, b.burnout_altitude_km


def reach_along_target_line(missiles: Sequence[Missile], launch: tuple[float, float], target: tuple[float, float],
                            iterations: int = 4) -> tuple[np.ndarray, float, np.ndarray, float]:
    """Reach of each missile (km) along the real line to ``target`` on the ROTATING Earth, and the distance.

    The launch azimuth starts at the geodesic azimuth to the target and is corrected by the bearing
    error of the range-maximising flight's impact (seen from the launch point) until the impact lies
    on the target's bearing; the reach is that impact's distance. Returns (reach_km, distance_km,
    launch_azimuth_deg, target_azimuth_deg); reach is ``inf`` where the flight goes into orbit.

    Parameters
    ----------
    missiles : sequence of Missile
        The missiles, one row each.
    launch : tuple of float
        (lat, lon) of the launch point, deg.
    target : tuple of float
        (lat, lon) of the target, deg.
    iterations : int
        Azimuth corrections (each clipped to 15 deg).

    Returns
    -------
    reach_km : numpy.ndarray
        Each missile's reach along the target's bearing, km (``inf`` into orbit).
    distance_km : float
        Geodesic distance from launch to target, km [ref:karney-2013].
    launch_azimuth_deg : numpy.ndarray
        The corrected launch azimuth of each missile, deg.
    target_azimuth_deg : float
        The geodesic azimuth from launch to target, deg.
    """
    from thaadsim.earth.geodesy import geodesic_inverse

    dist_m, az_t = geodesic_inverse(launch[0], launch[1], target[0], target[1])
    az_t = float(np.asarray(az_t)) % 360.0
    n = len(missiles)
    az = np.full(n, az_t)
    for _ in range(iterations):
        rng, _, iaz = _best_kick_reach(missiles, launch, az, rotation=True)
        err = (az_t - np.nan_to_num(iaz, nan=az_t) + 180.0) % 360.0 - 180.0
        # near the antipode every line meets and the impact's bearing means nothing: a reach that
        # long covers the whole line, whatever the azimuth
        err = np.where(np.nan_to_num(rng, nan=np.inf) < NEAR_ANTIPODE_KM, np.clip(err, -15.0, 15.0), 0.0)
        az = az + err
    rng, _, iaz = _best_kick_reach(missiles, launch, az, rotation=True)
    rng = np.where(np.isfinite(rng), rng, np.inf)
    return rng, float(np.asarray(dist_m)) / 1e3, az % 360.0, az_t


@dataclass
class Inference:
    """What one lofted test implies with the boost modelled (all ranges in km)."""

    apogee_km: float
    range_km: float
    flight_time_s: float
    stages: int
    payload_kg: float
    met_range_km: float             # nominal assumptions, non-rotating Earth, minimum-energy
    met_range_km_low: float         # the spread over the assumption variants
    met_range_km_high: float
    fit: Fit
    met_by_variant_km: np.ndarray
    closed_form_lower_bound_km: float   # lofted.py's Keplerian estimate (burnout at 300 km or half the apogee)
    target: dict | None = None
    met_ascent: dict | None = None      # the nominal range-maximising ascent: kick, peak q, burnout state
    met_kick_deg: np.ndarray | None = None

    def to_dict(self) -> dict:
        """Every figure, JSON-ready (what ``thaadsim infer --json`` prints)."""
        f = self.fit
        out = {
            "estimate": "boost-modelled fit: a staged liquid rocket fitted to apogee, range and flight time by the "
                        "flight engine; minimum-energy range on a non-rotating Earth (the published convention)",
            "apogee_km": self.apogee_km, "range_km": self.range_km, "flight_time_s": self.flight_time_s,
            "stages": self.stages, "payload_kg": self.payload_kg,
            "met_range_km": self.met_range_km, "met_range_km_low": self.met_range_km_low,
            "met_range_km_high": self.met_range_km_high,
            "closed_form_lower_bound_km": self.closed_form_lower_bound_km,
            "met_ascent": self.met_ascent,
            "earth": "WGS84 with J2, not rotating; USSA-76 atmosphere and drag",
            "fit_converged": bool(np.all(f.converged)),
            "band_over": [a.label for a, c in zip(f.variants, f.converged) if c],
            "variants_that_cannot_fly_the_test": [a.label for a, c in zip(f.variants, f.converged) if not c],
            "assumptions": ASSUMPTIONS_TEXT,
            "variants": [],
        }
        for i, a in enumerate(f.variants):
            m = f.missiles[i]
            out["variants"].append({
                "assumption": a.label, "payload_kg": a.payload_kg, "test_payload_kg": a.test_mass_kg,
                "isp_s": list(a.isps()),
                "propellant_fraction": list(a.fractions()),
                "upper_stage_mass_ratio": a.upper_mass_ratio if a.stages == 2 else None,
                "stage_loaded_mass_kg": [s.propellant_mass_kg + s.dry_mass_kg for s in m.stages],
                "stage_burn_time_s": [s.burn_time_s for s in m.stages],
                "launch_mass_kg": m.launch_mass_kg, "ideal_delta_v_ms": m.ideal_delta_v_ms(),
                "liftoff_thrust_to_weight": m.stages[0].thrust_n / (m.launch_mass_kg * G0),
                "test_kick_deg": float(f.kick_deg[i]),
                "flown_apogee_km": float(f.apogee_km[i]), "flown_range_km": float(f.range_km[i]),
                "flown_flight_time_s": float(f.flight_time_s[i]), "converged": bool(f.converged[i]),
                "met_range_km": float(self.met_by_variant_km[i]),
                "met_kick_deg": None if self.met_kick_deg is None else float(self.met_kick_deg[i]),
            })
        if self.target is not None:
            out["target"] = self.target
        return out


def infer_lofted_test(apogee_km: float, range_km: float, flight_time_s: float, *, stages: int = 2,
                      payload_kg: float = 1000.0, launch: tuple[float, float] | None = None,
                      target: tuple[float, float] | None = None,
                      test_launch: tuple[float, float] = DEFAULT_LAUNCH) -> Inference:
    """What one lofted test implies: fit the rocket, then its non-rotating minimum-energy range and band.

    Parameters
    ----------
    apogee_km, range_km, flight_time_s : float
        The observed test: apogee (km), ground range (km) and total flight time, boost included (s).
    stages : int
        1 or 2 liquid stages.
    payload_kg : float
        The warhead the range is quoted for, kg, assumed also flown in the test; the band refits
        with a test payload of half and one and a half times it.
    launch, target : tuple of float or None
        (lat, lon) in degrees: also fly the fitted missile along the real line to the target on the
        rotating Earth (``reaches``, ``margin_km``). Both or neither.
    test_launch : tuple of float
        Where the test flew from (default the Pyongyang area), flown toward the sea.

    Returns
    -------
    Inference
        The minimum-energy range of the nominal fit (``met_range_km``), its band over the assumption
        variants, the drag-free closed-form lower bound, the range-maximising ascent and, with a
        target, the reach and margin along the real line; ``.to_dict()`` is JSON-ready.

    Raises
    ------
    ThaadsimError
        Out-of-range or inconsistent observations (checked before any flight), or a test the rocket
        class cannot fly with these assumptions (the fit does not converge).

    Notes
    -----
    The published analyses this follows model the boost the same way
    [ref:ucs-hwasong14-2017, ucs-hwasong15-2017]; the drag-free ellipse through the apogee and range
    (:mod:`thaadsim.analysis.lofted`) is the lower bound reported alongside.

    Examples
    --------
    >>> from thaadsim.analysis.inference import infer_lofted_test
    >>> inf = infer_lofted_test(4475.0, 950.0, 53.0 * 60.0)          # doctest: +SKIP
    >>> inf.met_range_km_low <= inf.met_range_km <= inf.met_range_km_high   # doctest: +SKIP
    True
    """
    from thaadsim.analysis.lofted import burnout_state_from_lofted_test, min_energy_range_km

    if stages not in (1, 2):
        raise ThaadsimError("stages", f"{stages!r} is not 1 or 2", "give 1 (e.g. Hwasong-12) or 2 (Hwasong-14/15/17)")
    lo, hi = PAYLOAD_KG_BOUNDS
    if not (np.isfinite(payload_kg) and lo <= payload_kg <= hi):
        raise ThaadsimError("payload_kg", f"{payload_kg!r} is outside [{lo:g}, {hi:g}] kg",
                            "give the assumed payload in kg, e.g. 1000")
    if (launch is None) != (target is None):
        raise ThaadsimError("target", "needs both a launch point and a target", "give --from LAT,LON and --to LAT,LON")
    check_observation(apogee_km, range_km, flight_time_s)
    variants = assumption_variants(stages, payload_kg)
    fit = fit_lofted_test(apogee_km, range_km, flight_time_s, variants, launch=test_launch)
    if not fit.converged[0]:
        raise ThaadsimError("flight_time_s", f"a {stages}-stage liquid rocket with the stated assumptions cannot fly "
                            f"{apogee_km:g} km apogee, {range_km:g} km range in {flight_time_s / 60:.1f} min "
                            f"(best fit: {fit.apogee_km[0]:,.0f} km, {fit.range_km[0]:,.0f} km, "
                            f"{fit.flight_time_s[0] / 60:.1f} min)",
                            "check the observations, or try the other --stages")
    # the fitted rockets carrying the warhead instead of the test payload: what the range is quoted for
    armed = [build_missile(a, float(m), float(t), name=f"armed-{i}", payload_kg=a.payload_kg)
             for i, (a, m, t) in enumerate(zip(variants, fit.first_stage_mass_kg, fit.first_stage_burn_s))]
    met, met_kick, _ = _best_kick_reach(armed, test_launch, 90.0, rotation=False)
    q_kpa, bo_speed, bo_angle, bo_alt = ascent_figures(armed[:1], met_kick[:1], test_launch)
    ok = fit.converged & np.isfinite(met)
    ok[0] = True
    h_bo = _closed_form_burnout_km(apogee_km)
    v = float(burnout_state_from_lofted_test(apogee_km, range_km, h_bo).burnout_speed_kms)
    inf = Inference(float(apogee_km), float(range_km), float(flight_time_s), stages, float(payload_kg),
                    float(met[0]), float(np.min(met[ok])), float(np.max(met[ok])), fit, met,
                    float(min_energy_range_km(v, h_bo)))
    inf.met_ascent = {"kick_deg": float(met_kick[0]), "max_q_kpa": float(q_kpa[0]),
                      "burnout_speed_kms": float(bo_speed[0]), "burnout_angle_deg": float(bo_angle[0]),
                      "burnout_altitude_km": float(bo_alt[0])}
    inf.met_kick_deg = met_kick
    if launch is not None:
        reach, dist, az_l, az_t = reach_along_target_line(armed, launch, target)
        ok_r = fit.converged.copy()
        ok_r[0] = True
        margin = reach - dist
        inf.target = {
            "estimate": "the fitted missile flown by the engine on the ROTATING WGS84 Earth, minimum-energy, "
                        "launch azimuth corrected so the impact lies on the target's bearing",
            "launch_lat": launch[0], "launch_lon": launch[1], "target_lat": target[0], "target_lon": target[1],
            "target_distance_km": dist, "target_azimuth_deg": az_t, "launch_azimuth_deg": float(az_l[0]),
            "reach_km": float(reach[0]), "margin_km": float(margin[0]), "reaches": bool(margin[0] >= 0),
            "margin_km_low": float(np.min(margin[ok_r])), "margin_km_high": float(np.max(margin[ok_r])),
        }
    return inf
