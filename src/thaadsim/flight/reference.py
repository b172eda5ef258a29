"""A slow, independent reference for the batch kernel: one trajectory through ``scipy.integrate.solve_ivp``.

The same equations of motion as ``kernel.py`` (see its docstring), written again in plain numpy,
with an independent path for everything the kernel computes by hand: geodetic altitude through
pyproj (PROJ), the atmosphere through the public USSA-76 functions (not the kernel's lookup table),
and SciPy's DOP853 integrator with its own event location. Used by the tests and by
``benchmarks/bench_flight.py`` to check the kernel and to time it.
"""

from __future__ import annotations

import numpy as np
from pyproj import Transformer
from scipy.integrate import solve_ivp

from thaadsim.earth.atmosphere import density_kgm3, speed_of_sound_ms
from thaadsim.earth.constants import EarthModel
from thaadsim.earth.frames import enu_basis


def _transformer(model: EarthModel):
    return Transformer.from_pipeline(
        f"+proj=pipeline +step +inv +proj=cart +a={model.a_m!r} +rf={1.0 / model.f if model.f else 0.0!r}"
        if model.f else f"+proj=pipeline +step +inv +proj=cart +R={model.a_m!r}")


def fly_one_reference(missile, lat_deg, lon_deg, azimuth_deg, kick_deg, cutoff_s, model: EarthModel,
                      atmosphere: bool = True, rtol: float = 1e-10, atol: float = 1e-6, t_max: float = 10800.0,
                      return_max_q: bool = False, q_max_pa: float | None = None):
    """Fly one powered missile with solve_ivp(DOP853); return (impact time s, impact ECEF m (3,), apogee m).

    ``missile`` is a :class:`~thaadsim.flight.vehicle.Missile`; the other arguments are as in
    :func:`thaadsim.flight.engine.fly_powered`. With ``return_max_q`` a fourth value is the peak
    dynamic pressure of the powered ascent, q = rho |v_rel|^2 / 2 (Pa), taken from the solver's dense
    output every 0.02 s with the public USSA-76 density at PROJ's geodetic height.

    ``q_max_pa`` > 0 flies the dynamic-pressure ceiling (default: the missile's class ceiling when
    ``FlightOptions()`` has it on, as ``fly_powered`` does): thrust and mass flow scaled by
    clip((q_max - q) / (0.1 q_max), 0, 1). Here the MASS is a state and each stage ends by a
    propellant-exhausted event (the kernel carries a burn clock and clips its steps on it); the
    cut-off is the mass a full-thrust burn to ``cutoff_s`` would leave.
    """
    if q_max_pa is None:
        from thaadsim.flight.engine import FlightOptions

        q_max_pa = missile.max_q_kpa * 1e3 if FlightOptions().max_q_ceiling else 0.0
    tr = _transformer(model)
    mu, j2, a_e, om = model.mu_m3s2, model.j2, model.a_m, model.omega_rads
    starts, thrust, mdot, mass0, area = missile.stage_arrays()
    t_v = missile.pitch.vertical_rise_s
    t_k = t_v + missile.pitch.kick_duration_s
    kick = np.radians(kick_deg)
    az = np.radians(azimuth_deg)
    cut = min(cutoff_s, missile.total_burn_time_s)
    inv_beta = 1.0 / missile.rv.beta_kgm2
    wvec = np.array([0.0, 0.0, om])
    # the catalog's C_D(Mach) points define a C1 curve: cubic Hermite with central-difference
    # slopes inside and one-sided ones at the ends (scipy's spline here, the kernel's own code there)
    from scipy.interpolate import CubicHermiteSpline

    xm, ym = np.asarray(missile.cd_mach, float), np.asarray(missile.cd, float)
    slopes = np.empty_like(ym)
    slopes[1:-1] = (ym[2:] - ym[:-2]) / (xm[2:] - xm[:-2])
    slopes[0] = (ym[1] - ym[0]) / (xm[1] - xm[0])
    slopes[-1] = (ym[-1] - ym[-2]) / (xm[-1] - xm[-2])
    cd_curve = CubicHermiteSpline(xm, ym, slopes)

    def to_ecef(t, r):
        c, s = np.cos(om * t), np.sin(om * t)
        return np.array([c * r[0] + s * r[1], -s * r[0] + c * r[1], r[2]])

    def to_eci(t, x):
        c, s = np.cos(om * t), np.sin(om * t)
        return np.array([c * x[0] - s * x[1], s * x[0] + c * x[1], x[2]])

    def geodetic(t, r):
        x = to_ecef(t, r)
        lon, lat, h = tr.transform(x[0], x[1], x[2])
        return lat, lon, h

    def rhs(t, y, powered, stage=None):
        r, v = y[:3], y[3:6]
        rn = np.linalg.norm(r)
        zr2 = (r[2] / rn) ** 2
        k = 1.5 * j2 * (a_e / rn) ** 2
        g = -mu / rn ** 3 * r * np.array([1 + k * (1 - 5 * zr2), 1 + k * (1 - 5 * zr2), 1 + k * (3 - 5 * zr2)])
        lat, lon, h = geodetic(t, r)
        w = v - np.cross(wvec, r)
        wn = np.linalg.norm(w)
        rho = float(density_kgm3(h)) if atmosphere else 0.0
        acc = g
        dm = 0.0
        if powered:
            st = int(np.searchsorted(starts, t, side="right") - 1) if stage is None else stage
            throttle = 1.0
            if len(y) == 7:
                m = y[6]
                if q_max_pa > 0:
                    throttle = min(1.0, max(0.0, (q_max_pa - 0.5 * rho * wn * wn) / (0.1 * q_max_pa)))
                dm = -throttle * mdot[st]
            else:
                m = mass0[st] - mdot[st] * (t - starts[st])
            e, n, u = enu_basis(lat, lon)
            if t < t_v:
                d = to_eci(t, u)
            elif t < t_k:
                ang = kick * (t - t_v) / (t_k - t_v)
                horiz = np.cos(az) * n + np.sin(az) * e
                d = to_eci(t, np.cos(ang) * u + np.sin(ang) * horiz)
            else:
                d = w / wn
            acc = acc + throttle * thrust[st] / m * d
            if rho > 0:
                mach = wn / float(speed_of_sound_ms(h))
                cd = float(cd_curve(np.clip(mach, xm[0], xm[-1])))
                acc = acc - 0.5 * rho * wn * cd * area[st] / m * w
        elif rho > 0:
            acc = acc - 0.5 * rho * wn * inv_beta * w
        if len(y) == 7:
            return np.concatenate([v, acc, [dm]])
        return np.concatenate([v, acc])

    from thaadsim.earth.frames import geodetic_to_ecef

    r0 = geodetic_to_ecef(lat_deg, lon_deg, 0.0, model)
    y = np.concatenate([r0, np.cross(wvec, r0)])
    t = 0.0
    # powered arcs between the discontinuities, then the coast
    marks = sorted({t_v, t_k, cut, *[s for s in starts[1:] if s < cut]})
    max_q = 0.0

    def peak_q(sol, t0, t1, q):
        for tt in np.arange(t0, t1, 0.02):
            yy = sol.sol(tt)
            h = geodetic(tt, yy[:3])[2]
            w = yy[3:6] - np.cross(wvec, yy[:3])
            q = max(q, 0.5 * float(density_kgm3(h)) * float(np.dot(w, w)))
        return q

    if q_max_pa > 0:
        # throttled: mass as a state, each stage (or the cut-off) ended when its propellant is gone
        ends = list(starts[1:]) + [missile.total_burn_time_s]
        y = np.concatenate([y, [mass0[0]]])
        for st in range(len(starts)):
            if starts[st] >= cut:
                break
            y[6] = mass0[st]
            m_end = mass0[st] - mdot[st] * (min(ends[st], cut) - starts[st])

            def exhausted(tt, yy, powered, stage, _m_end=m_end):
                return yy[6] - _m_end

            exhausted.terminal = True
            exhausted.direction = -1
            for t_end in [x for x in (t_v, t_k) if x > t] + [t_max]:
                sol = solve_ivp(rhs, (t, t_end), y, method="DOP853", rtol=rtol, atol=atol, args=(True, st),
                                events=exhausted, dense_output=return_max_q)
                if return_max_q:
                    max_q = peak_q(sol, t, sol.t[-1], max_q)
                t, y = sol.t[-1], sol.y[:, -1].copy()
                if sol.status == 1:
                    break
        y = y[:6]
        marks = []
    for t_end in marks:
        if t_end <= t:
            continue
        sol = solve_ivp(rhs, (t, t_end), y, method="DOP853", rtol=rtol, atol=atol, args=(True,),
                        dense_output=return_max_q)
        if return_max_q:
            max_q = peak_q(sol, t, t_end, max_q)
        t, y = t_end, sol.y[:, -1]

    def impact(tt, yy, powered, stage=None):
        return geodetic(tt, yy[:3])[2]

    impact.terminal = True
    impact.direction = -1

    def apogee(tt, yy, powered, stage=None):
        return float(np.dot(yy[:3], yy[3:]))

    apogee.direction = -1
    sol = solve_ivp(rhs, (t, t_max), y, method="DOP853", rtol=rtol, atol=atol, args=(False,),
                    events=(impact, apogee))
    t_imp = float(sol.t_events[0][0])
    r_imp = to_ecef(t_imp, sol.y_events[0][0][:3])
    apo = max((geodetic(tt, yy[:3])[2] for tt, yy in zip(sol.t_events[1], sol.y_events[1])), default=np.nan)
    if return_max_q:
        return t_imp, r_imp, apo, max_q
    return t_imp, r_imp, apo
