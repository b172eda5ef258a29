"""Interceptor fly-out (boost and coast flown by ``fly_powered``) against independent references.

* Boost: a vertical powered ascent in vacuum on the sphere, constant thrust and mass flow, against
  the rocket equation with gravity integrated here with scipy ``solve_ivp`` (dv/dt = F/m(t) - mu/r^2),
  and its uniform-g closed form v(t_b) = Isp g0 ln(m0/mf) - g t_b (Sutton & Biblarz, *Rocket
  Propulsion Elements*, ch. 4).
* Coast: two-body conics from the engine's burnout state (Bate, Mueller & White, *Fundamentals of
  Astrodynamics*, ch. 6); the farthest member of a fan reaches the min-energy range from its burnout state.
* Calibration: the catalog's burnout speed ([ref:gagadget-thaad] and estimates), met within 1 %.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from thaadsim.validation import Row, check

FAMILY = "interceptor"
MU = 3.986004418e14
R = 6371.0e3
G0 = 9.80665


def probe(**kw):
    """A THAAD-like interceptor with a box large enough to hold its whole ground reach."""
    from thaadsim.defense.interceptors import load_interceptor

    base = dataclasses.replace(load_interceptor("thaad"), id="probe", min_intercept_alt_km=0.0)
    return dataclasses.replace(base, **kw)


def vertical_flight(itc, atmosphere: bool):
    """``itc`` flown straight up from the equator of the non-rotating sphere, sampled every 10 ms."""
    from thaadsim.flight.engine import FlightOptions, fly_powered

    opts = FlightOptions(earth="sphere", rotation=False, atmosphere=atmosphere)
    return fly_powered([itc.missile()], [0], 0.0, 0.0, 90.0, 0.0, options=opts, sample_dt_s=0.01)


@check(FAMILY)
def vertical_vacuum_boost_rocket_equation() -> list[Row]:
    from scipy.integrate import solve_ivp

    from thaadsim.defense.interceptors import load_interceptor

    itc = load_interceptor("thaad")
    m0 = itc.launch_mass_kg
    mdot = itc.propellant_mass_kg / itc.burn_time_s
    c = itc.isp_s * G0
    t_b = itc.burn_time_s

    def rhs(t, y):                      # y = (r, v): straight up, thrust minus inverse-square gravity
        return [y[1], c * mdot / (m0 - mdot * t) - MU / y[0] ** 2]

    ref = solve_ivp(rhs, (0.0, t_b), [R, 0.0], rtol=1e-11, atol=1e-6)
    b = vertical_flight(itc, atmosphere=False)
    mf = m0 - mdot * t_b
    closed_v = c * math.log(m0 / mf) - MU / R ** 2 * t_b
    closed_h = c * (t_b - mf / mdot * math.log(m0 / mf)) - 0.5 * MU / R ** 2 * t_b ** 2
    ode = "rocket equation with inverse-square gravity (scipy solve_ivp)"
    uni = "rocket equation, uniform g (Sutton & Biblarz ch. 4)"
    return [Row.within("THAAD vertical vacuum boost: burnout speed", FAMILY, ode,
                       value=b.burnout_speed_kms[0] * 1e3, reference=ref.y[1, -1], rel=1e-5, unit="m/s"),
            Row.within("THAAD vertical vacuum boost: burnout altitude", FAMILY, ode,
                       value=b.burnout_altitude_km[0] * 1e3, reference=ref.y[0, -1] - R, rel=1e-4, unit="m"),
            # g varies by < 1 % over the ~20 km climb, so the uniform-g form agrees to ~1 m/s
            Row.within("THAAD vertical vacuum boost: burnout speed (uniform g)", FAMILY, uni,
                       value=b.burnout_speed_kms[0] * 1e3, reference=closed_v, abs=3.0, unit="m/s"),
            Row.within("THAAD vertical vacuum boost: burnout altitude (uniform g)", FAMILY, uni,
                       value=b.burnout_altitude_km[0] * 1e3, reference=closed_h, rel=2e-3, unit="m")]


def kepler_ground_angle(r0, v0, gam):
    """Ground angle (rad) from a state at radius r0, speed v0, flight-path angle gam to r = R descending."""
    h = r0 * v0 * math.cos(gam)
    p = h * h / MU
    eps = v0 * v0 / 2 - MU / r0
    e = math.sqrt(max(1 + 2 * eps * h * h / MU ** 2, 0.0))
    nu0 = math.acos(max(-1.0, min(1.0, (p / r0 - 1) / e)))
    nu0 = nu0 if gam >= 0 else -nu0
    nu1 = 2 * math.pi - math.acos(max(-1.0, min(1.0, (p / R - 1) / e)))
    return nu1 - nu0


@check(FAMILY)
def coast_against_two_body_conic() -> list[Row]:
    """Each fly-out's impact range = the boost's ground angle + the conic's from its burnout state."""
    from thaadsim.defense.reach import fly_fan

    itc = probe()
    kicks = np.array([10.0, 30.0, 50.0, 70.0, 90.0])
    b = fly_fan(itc, kicks, atmosphere=False, sample_dt=None)
    rows = []
    for i in range(kicks.size):
        r0 = R + b.burnout_altitude_km[i] * 1e3
        gam = math.radians(b.burnout_angle_deg[i])
        full = fly_fan(itc, kicks[i:i + 1], atmosphere=False, sample_dt=0.05)
        k = np.nanargmin(np.abs(full.t_s[0] - b.burnout_s[i]))
        # the launch is at (0, 0): the burnout point's ground angle is its great-circle angle from there
        th_b = math.acos(math.cos(math.radians(full.lat_deg[0, k])) * math.cos(math.radians(full.lon_deg[0, k])))
        expect = R * (th_b + kepler_ground_angle(r0, b.burnout_speed_kms[i] * 1e3, gam)) / 1e3
        tol = max(2e-4 * expect, 0.2)
        rows.append(Row.within(f"fly-out kick {kicks[i]:g} deg: impact range", FAMILY,
                               "two-body conic from the burnout state (Bate, Mueller & White ch. 6)",
                               value=b.range_km[i], reference=expect, abs=tol, unit="km"))
    return rows


@check(FAMILY)
def farthest_reach_min_energy_from_burnout() -> Row:
    from scipy.optimize import minimize_scalar

    from thaadsim.defense.reach import fly_fan, kick_fan_deg

    itc = probe(max_range_km=1500.0, max_intercept_alt_km=300.0)
    b = fly_fan(itc, kick_fan_deg(181), atmosphere=False, sample_dt=None)
    i = int(np.nanargmax(b.range_km))
    r0 = R + b.burnout_altitude_km[i] * 1e3
    v0 = b.burnout_speed_kms[i] * 1e3
    best = -minimize_scalar(lambda g: -kepler_ground_angle(r0, v0, g), bounds=(0.05, 1.5), method="bounded",
                            options={"xatol": 1e-8}).fun
    boost_km = b.range_km[i] - R * kepler_ground_angle(r0, v0, math.radians(b.burnout_angle_deg[i])) / 1e3
    return Row.within("farthest fly-out of a 181-kick fan", FAMILY,
                      "min-energy range from the burnout state (two-body)", value=b.range_km[i],
                      reference=boost_km + R * best / 1e3, rel=5e-3, unit="km")


def _interceptor_cases():
    from thaadsim.defense.interceptors import interceptor_ids
    return {i: {"iid": i} for i in interceptor_ids()}


@check(FAMILY, cases=_interceptor_cases())
def burnout_speed_against_catalog_figure(iid: str) -> list[Row]:
    """The farthest-reaching member of a 361-kick fan, flown from the catalog data, burns out at the
    catalog's speed (1 %): the calibration promise."""
    from thaadsim.defense.interceptors import load_interceptor
    from thaadsim.defense.reach import fly_fan, kick_fan_deg, reference_burnout

    itc = load_interceptor(iid)
    b = fly_fan(itc, kick_fan_deg(361), sample_dt=None)
    i = int(np.nanargmax(b.range_km))
    src = f"catalog burnout speed of {iid} (`thaadsim catalog show {iid}`)"
    return [Row.within(f"{iid}: burnout speed of the farthest fly-out", FAMILY, src, value=b.burnout_speed_kms[i],
                       reference=itc.burnout_speed_kms, rel=0.01, unit="km/s"),
            Row.within(f"{iid}: reference burnout speed", FAMILY, src, value=reference_burnout(itc)[0],
                       reference=itc.burnout_speed_kms, rel=0.01, unit="km/s")]


# --- the engagement window of a threat falling straight down on the battery ----------------------------
# A reentry vehicle falls vertically onto the battery at constant speed v from H (plain arrays, no flight
# engine). An intercept at altitude h happens at t(h) = (H - h)/v and needs a launch at t(h) - tau(h), tau
# the vertical fly-out time from ONE vertical flight of the interceptor (boost and coast with gravity and
# drag, checked above). The earliest intercept solves t(h) - tau(h) = t_fc (brentq); shoot-look-shoot
# shots follow by solving t - tau = t_prev + look, down to the 40 km floor [ref:ecns-xinhua-thaad-2016].
FALL_LAT, FALL_LON, FALL_FROM_M = 36.0, 128.2, 300e3


def falling_threat(v_ms: float, dt: float = 0.05):
    """A threat falling vertically at ``v_ms`` from 300 km onto (36, 128.2), in the TrajectoryBatch layout."""
    from types import SimpleNamespace

    from thaadsim.earth.frames import enu_basis, geodetic_to_ecef

    t = np.arange(0.0, FALL_FROM_M / v_ms + 1e-9, dt)
    alt = FALL_FROM_M - v_ms * t
    n = t.size
    up = enu_basis(FALL_LAT, FALL_LON)[2]
    return SimpleNamespace(
        t_s=t[None], valid=np.ones((1, n), bool), alt_m=alt[None], lat_deg=np.full((1, n), FALL_LAT),
        lon_deg=np.full((1, n), FALL_LON), phase=np.full((1, n), 2, np.int8),
        r_ecef_m=geodetic_to_ecef(FALL_LAT, FALL_LON, alt)[None],
        v_ecef_ms=np.broadcast_to(-v_ms * up, (1, n, 3)).copy(), speed_ms=np.full((1, n), v_ms),
        launch_lat_deg=np.array([40.0]), launch_lon_deg=np.array([126.0]), flight_time_s=np.array([FALL_FROM_M / v_ms]))


def vertical_ascent(itc):
    """Time, altitude and speed on the way up of a vertical launch (kick 0) of ``itc``, with drag."""
    from thaadsim.flight.engine import FlightOptions, fly_powered

    opts = FlightOptions(earth="sphere", rotation=False, atmosphere=True)
    b = fly_powered([itc.missile()], [0], 0.0, 0.0, 90.0, 0.0, options=opts, sample_dt_s=0.02)
    m = b.valid[0] & (b.t_s[0] <= b.apogee_s[0])
    return b.t_s[0][m], b.alt_m[0][m], b.speed_ms[0][m]


@check(FAMILY, cases={"3 km/s": {"v_ms": 3000.0}, "1 km/s": {"v_ms": 1000.0}})
def falling_threat_engagement_window(v_ms: float) -> list[Row]:
    from scipy.optimize import brentq

    from thaadsim.defense.battery import FireControl, make_battery
    from thaadsim.defense.engagement import engagement_windows

    fc = FireControl()                        # 20 + 10 + 5 s from detection to launch
    bat = make_battery("thaad", FALL_LAT, FALL_LON, fire_control=fc)
    p = engagement_windows(falling_threat(v_ms), [bat], detect_s=0.0).pair(0, 0)
    t_up, alt_up, v_up = vertical_ascent(bat.interceptor)

    def tau(h):
        return float(np.interp(h, alt_up, t_up))

    def t_of(h):
        return (FALL_FROM_M - h) / v_ms

    def launch(h):
        return t_of(h) - tau(h)

    def g1(h):
        return launch(h) - fc.detect_to_launch_s

    h1 = 150e3 if g1(150e3) >= 0 else brentq(g1, 40e3, 150e3)   # the band's top, or the first launchable
    shots, t_prev = 1, t_of(h1)
    while True:                               # next launch no earlier than the previous intercept + look
        def g(h, t_prev=t_prev):
            return launch(h) - (t_prev + fc.kill_assessment_s)
        if g(40e3) < 0:
            break
        h_next = brentq(g, 40e3, 150e3) if g(150e3) < 0 else 150e3
        shots, t_prev = shots + 1, t_of(h_next)
    src = "closed form: t(h) = (H - h)/v against one vertical fly-out (brentq)"
    name = f"THAAD vs a vertical fall at {v_ms / 1e3:g} km/s"
    return [Row.within(f"{name}: engageable", FAMILY, src, value=float(p["engageable"]), reference=1.0, abs=0.0),
            Row.within(f"{name}: earliest intercept", FAMILY, src, value=p["earliest_intercept_s"],
                       reference=t_of(h1), abs=1.0, unit="s"),
            Row.within(f"{name}: earliest intercept altitude", FAMILY, src, value=p["earliest_intercept_alt_km"],
                       reference=h1 / 1e3, abs=3.0, unit="km"),
            Row.within(f"{name}: latest intercept altitude (the 40 km floor)", FAMILY, src,
                       value=p["latest_intercept_alt_km"], reference=40.0, abs=0.2, unit="km"),
            Row.within(f"{name}: latest intercept", FAMILY, src, value=p["latest_intercept_s"], reference=t_of(40e3),
                       abs=0.1, unit="s"),
            Row.within(f"{name}: fly-out time", FAMILY, src, value=p["fly_out_time_s"], reference=tau(h1), abs=1.0,
                       unit="s"),
            # head-on: closing speed = threat speed + interceptor speed at the meeting point
            Row.within(f"{name}: closing speed", FAMILY, "head-on: threat speed + interceptor speed",
                       value=p["closing_speed_kms"], reference=(v_ms + float(np.interp(h1, alt_up, v_up))) / 1e3,
                       abs=0.05, unit="km/s"),
            Row.within(f"{name}: shoot-look-shoot shots", FAMILY, src, value=p["shots_possible"], reference=shots,
                       abs=0.0)]
