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
                      return_max_q: bool = False):
    """Fly one powered missile with solve_ivp(DOP853); return (impact time s, impact ECEF m (3,), apogee m).

    ``missile`` is a :class:`~thaadsim.flight.vehicle.Missile`; the other arguments are as in
    :func:`thaadsim.flight.engine.fly_powered`. With ``return_max_q`` a fourth value is the peak
    dynamic pressure of the powered ascent, q = rho |v_rel|^2 / 2 (Pa), taken from the solver's dense
    output every 0.02 s with the public USSA-76 density at PROJ's geodetic height.
    """
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

    def rhs(t, y, powered):
        r, v = y[:3], y[3:]
        rn = np.linalg.norm(r)
        zr2 = (r[2] / rn) ** 2
        k = 1.5 * j2 * (a_e / rn) ** 2
        g = -mu / rn ** 3 * r * np.array([1 + k * (1 - 5 * zr2), 1 + k * (1 - 5 * zr2), 1 + k * (3 - 5 * zr2)])
        lat, lon, h = geodetic(t, r)
        w = v - np.cross(wvec, r)
        wn = np.linalg.norm(w)
        rho = float(density_kgm3(h)) if atmosphere else 0.0
        acc = g
        if powered:
            st = int(np.searchsorted(starts, t, side="right") - 1)
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
            acc = acc + thrust[st] / m * d
            if rho > 0:
                mach = wn / float(speed_of_sound_ms(h))
                cd = float(cd_curve(np.clip(mach, xm[0], xm[-1])))
                acc = acc - 0.5 * rho * wn * cd * area[st] / m * w
        elif rho > 0:
            acc = acc - 0.5 * rho * wn * inv_beta * w
        return np.concatenate([v, acc])

    from thaadsim.earth.frames import geodetic_to_ecef

    r0 = geodetic_to_ecef(lat_deg, lon_deg, 0.0, model)
    y = np.concatenate([r0, np.cross(wvec, r0)])
    t = 0.0
    # powered arcs between the discontinuities, then the coast
    marks = sorted({t_v, t_k, cut, *[s for s in starts[1:] if s < cut]})
    max_q = 0.0
    for t_end in marks:
        if t_end <= t:
            continue
        sol = solve_ivp(rhs, (t, t_end), y, method="DOP853", rtol=rtol, atol=atol, args=(True,),
                        dense_output=return_max_q)
        if return_max_q:
            for tt in np.arange(t, t_end, 0.02):
                yy = sol.sol(tt)
                h = geodetic(tt, yy[:3])[2]
                w = yy[3:] - np.cross(wvec, yy[:3])
                max_q = max(max_q, 0.5 * float(density_kgm3(h)) * float(np.dot(w, w)))
        t, y = t_end, sol.y[:, -1]

    def impact(tt, yy, powered):
        return geodetic(tt, yy[:3])[2]

    impact.terminal = True
    impact.direction = -1

    def apogee(tt, yy, powered):
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
