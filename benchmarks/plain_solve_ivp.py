"""The baseline a careful user would write: one trajectory through ``scipy.integrate.solve_ivp(DOP853)``.

The same equations of motion as ``thaadsim.flight.kernel`` (J2 gravity, rotating Earth, USSA-76
density and speed of sound, C_D(Mach) drag while thrusting, ballistic-coefficient drag after
burnout, vertical rise / linear kick / gravity turn), written as plain scalar Python with ``math``:
a closed-form geodetic altitude (Bowring) instead of a PROJ call per evaluation, and the atmosphere
as a lookup in a 100 m table. No numba: this is what the batch engine is measured against.
(``thaadsim.flight.reference`` is the *independent* reference the tests use; it calls PROJ and the
public atmosphere functions on every evaluation, so it is a poor speed baseline.)
"""

from __future__ import annotations

import bisect
import math

import numpy as np
from scipy.integrate import solve_ivp

from thaadsim.earth.atmosphere import kernel_table


def _geodetic_alt_and_up(x, y, z, a, e2):
    """(h, up unit vector, north, east) at an ECEF point: Bowring's closed form, one refinement."""
    p = math.hypot(x, y)
    lon = math.atan2(y, x)
    b = a * math.sqrt(1.0 - e2)
    ep2 = e2 / (1.0 - e2)
    th = math.atan2(z * a, p * b)
    lat = math.atan2(z + ep2 * b * math.sin(th) ** 3, p - e2 * a * math.cos(th) ** 3)
    n = a / math.sqrt(1.0 - e2 * math.sin(lat) ** 2)
    h = p * math.cos(lat) + z * math.sin(lat) - a * a / n
    lat = math.atan2(z, p * (1.0 - e2 * n / (n + h)))
    sl, cl, so, co = math.sin(lat), math.cos(lat), math.sin(lon), math.cos(lon)
    n = a / math.sqrt(1.0 - e2 * sl * sl)
    h = p * cl + z * sl - a * a / n
    return h, (cl * co, cl * so, sl), (-sl * co, -sl * so, cl), (-so, co, 0.0)


def fly_one_plain(missile, lat_deg, lon_deg, azimuth_deg, kick_deg, cutoff_s, model, rtol=1e-9, atol=1e-6,
                  t_max=10800.0):
    """Fly one powered missile; return (impact time s, impact ECEF position m (3,))."""
    mu, j2, a_e, e2, om = model.mu_m3s2, model.j2, model.a_m, model.e2, model.omega_rads
    starts, thrust, mdot, mass0, area = (list(map(float, x)) for x in missile.stage_arrays())
    t_v = missile.pitch.vertical_rise_s
    t_k = t_v + missile.pitch.kick_duration_s
    kick, az = math.radians(kick_deg), math.radians(azimuth_deg)
    cut = min(cutoff_s, missile.total_burn_time_s)
    inv_beta = 1.0 / missile.rv.beta_kgm2
    h0, dh, log_rho, sound = kernel_table()
    log_rho, sound = log_rho.tolist(), sound.tolist()
    cd_m, cd_v = list(map(float, missile.cd_mach)), list(map(float, missile.cd))

    def cubic(y0, y1, m0, m1, f):
        """Cubic Hermite on [0, 1] with end slopes m0, m1 (the C1 interpolation the kernel uses)."""
        f2, f3 = f * f, f * f * f
        return (2 * f3 - 3 * f2 + 1) * y0 + (f3 - 2 * f2 + f) * m0 + (-2 * f3 + 3 * f2) * y1 + (f3 - f2) * m1

    n_atm = len(log_rho)

    def atmosphere(h):
        x = (h - h0) / dh
        if x <= 0.0:
            return math.exp(log_rho[0]), sound[0]
        if x > n_atm - 1:
            return 0.0, sound[-1]
        i = min(int(x), n_atm - 2)
        f = x - i
        y0, y1 = log_rho[i], log_rho[i + 1]
        m0 = (y1 - log_rho[i - 1]) * 0.5 if i > 0 else y1 - y0
        m1 = (log_rho[i + 2] - y0) * 0.5 if i + 2 < n_atm else y1 - y0
        return math.exp(cubic(y0, y1, m0, m1, f)), sound[i] + f * (sound[i + 1] - sound[i])

    def cd_at(mach):
        if mach <= cd_m[0]:
            return cd_v[0]
        if mach >= cd_m[-1]:
            return cd_v[-1]
        lo = bisect.bisect_right(cd_m, mach) - 1
        hi = lo + 1
        h = cd_m[hi] - cd_m[lo]
        d = (cd_v[hi] - cd_v[lo]) / h
        m0 = d if lo == 0 else (cd_v[hi] - cd_v[lo - 1]) / (cd_m[hi] - cd_m[lo - 1])
        m1 = d if hi == len(cd_m) - 1 else (cd_v[hi + 1] - cd_v[lo]) / (cd_m[hi + 1] - cd_m[lo])
        return cubic(cd_v[lo], cd_v[hi], m0 * h, m1 * h, (mach - cd_m[lo]) / h)

    def rhs(t, y, powered):
        x, yy, z, vx, vy, vz = y
        r2 = x * x + yy * yy + z * z
        r = math.sqrt(r2)
        k = 1.5 * j2 * a_e * a_e / r2
        zr2 = z * z / r2
        mr3 = mu / (r2 * r)
        ax = -mr3 * x * (1 + k * (1 - 5 * zr2))
        ay = -mr3 * yy * (1 + k * (1 - 5 * zr2))
        az_ = -mr3 * z * (1 + k * (3 - 5 * zr2))
        c, s = math.cos(om * t), math.sin(om * t)
        h, up, north, east = _geodetic_alt_and_up(c * x + s * yy, -s * x + c * yy, z, a_e, e2)
        wx, wy, wz = vx + om * yy, vy - om * x, vz
        w = math.sqrt(wx * wx + wy * wy + wz * wz)
        rho, a_snd = atmosphere(h)
        if powered:
            st = bisect.bisect_right(starts, t) - 1
            m = mass0[st] - mdot[st] * (t - starts[st])
            if t < t_k:
                if t < t_v:
                    d = up
                else:
                    ang = kick * (t - t_v) / (t_k - t_v)
                    ca, sa = math.cos(ang), math.sin(ang)
                    d = tuple(ca * u + sa * (math.cos(az) * n_ + math.sin(az) * e_) for u, n_, e_ in zip(up, north, east))
                dx, dy, dz = c * d[0] - s * d[1], s * d[0] + c * d[1], d[2]
            else:
                dx, dy, dz = wx / w, wy / w, wz / w
            ta = thrust[st] / m
            ax, ay, az_ = ax + ta * dx, ay + ta * dy, az_ + ta * dz
            if rho > 0:
                dr = 0.5 * rho * w * cd_at(w / a_snd) * area[st] / m
                ax, ay, az_ = ax - dr * wx, ay - dr * wy, az_ - dr * wz
        elif rho > 0:
            dr = 0.5 * rho * w * inv_beta
            ax, ay, az_ = ax - dr * wx, ay - dr * wy, az_ - dr * wz
        return [vx, vy, vz, ax, ay, az_]

    from thaadsim.earth.frames import geodetic_to_ecef

    r0 = geodetic_to_ecef(lat_deg, lon_deg, 0.0, model)
    y = np.array([*r0, -om * r0[1], om * r0[0], 0.0])
    t = 0.0
    for t_end in sorted({t_v, t_k, cut, *[s for s in starts[1:] if s < cut]}):
        if t_end > t:
            y = solve_ivp(rhs, (t, t_end), y, method="DOP853", rtol=rtol, atol=atol, args=(True,)).y[:, -1]
            t = t_end

    def impact(tt, yy, powered):
        c, s = math.cos(om * tt), math.sin(om * tt)
        return _geodetic_alt_and_up(c * yy[0] + s * yy[1], -s * yy[0] + c * yy[1], yy[2], a_e, e2)[0]

    impact.terminal = True
    impact.direction = -1
    sol = solve_ivp(rhs, (t, t_max), y, method="DOP853", rtol=rtol, atol=atol, args=(False,), events=(impact,))
    t_imp = float(sol.t_events[0][0])
    ri = sol.y_events[0][0][:3]
    c, s = math.cos(om * t_imp), math.sin(om * t_imp)
    return t_imp, np.array([c * ri[0] + s * ri[1], -s * ri[0] + c * ri[1], ri[2]])
