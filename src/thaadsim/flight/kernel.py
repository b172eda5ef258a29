"""The batch flight kernel: N rockets or reentry vehicles integrated at once, one thread per trajectory.

Equations of motion (inertial frame, ECI coinciding with ECEF at launch, t = 0)::

    dr/dt = v
    dv/dt = g_J2(r) + (T(t)/m(t)) u_T - (rho |v_rel| / 2) (C_D(M) A / m) v_rel          (boost)
    dv/dt = g_J2(r)                 - (rho |v_rel| / 2) (1 / beta)       v_rel          (after burnout)

with v_rel = v - omega x r the velocity relative to the rotating air mass (the atmosphere co-rotates),
rho and the speed of sound from the US Standard Atmosphere 1976 at the geodetic altitude, and the J2
gravity of e.g. Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed., eq. 8-30::

    g = -mu r / |r|^3 [1 + 3/2 J2 (Re/|r|)^2 (1 - 5 z^2/|r|^2)]        (x and y components)
    g_z = -mu z / |r|^3 [1 + 3/2 J2 (Re/|r|)^2 (3 - 5 z^2/|r|^2)]

The thrust direction u_T follows a three-part pitch programme in the Earth-fixed frame: vertical rise
along the local geodetic up, a linear "kick" that tilts the thrust toward the launch azimuth, then a
gravity turn (thrust along the Earth-relative velocity). The state is (r, v, tau), tau the burn
clock (seconds of full-thrust burning): stage masses are analytic in tau (constant mass flow at full
thrust), and tau runs with t (dtau/dt = 1) unless an optional dynamic-pressure ceiling throttles the
thrust and the mass flow together (dtau/dt = throttle, see ``_deriv``), which stretches the burn.

The integrator is the Dormand-Prince 5(4) embedded Runge-Kutta pair (Dormand & Prince, J. Comput.
Appl. Math. 6, 1980) with standard step-size control; steps are clipped to land exactly on thrust
discontinuities (kick start/end, staging, cut-off). Output samples between steps use cubic Hermite
interpolation with the derivatives at both ends. Events (apogee, 100 km on the way down, impact)
are located by bisection on that interpolant and the state at each event is then recomputed by an
exact Runge-Kutta step from the start of the step.

Everything here is plain floats and arrays in SI units; the typed layer is in ``engine.py``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from thaadsim.earth.atmosphere import density_sound_at
from thaadsim.earth.frames import ecef_to_geodetic_scalar, ecef_to_geodetic_sincos

# columns of the per-trajectory summary array returned by the kernel
S_STATUS = 0          # 0 impact, 1 still flying at t_max, 2 hit the ground while thrusting
S_T_IMPACT = 1
S_R_IMPACT = 2        # 3 columns, ECI
S_V_IMPACT = 5        # 3 columns, ECI
S_T_BURNOUT = 8
S_R_BURNOUT = 9       # 3 columns, ECI
S_V_BURNOUT = 12      # 3 columns, ECI
S_T_APOGEE = 15
S_ALT_APOGEE = 16
S_T_REENTRY = 17
S_MAX_SPEED = 18      # Earth-relative
S_N_SAMPLES = 19
S_N_STEPS = 20        # accepted Runge-Kutta steps (diagnostics for benchmarks)
S_N_REJECTED = 21     # rejected step attempts
S_MAX_Q = 22          # peak dynamic pressure 0.5 rho |v_rel|^2 from launch to burnout (Pa); 0 for a coast
S_T_STAGING = 23      # MAX_STAGINGS columns: time each staging happened (stage k+2 ignites), NaN if it did not;
MAX_STAGINGS = 3      # the schedule's time unless a q ceiling throttled (then later, by the time spent throttled)
N_SUMMARY = 26

# kernel switches (bits of ``flags``); all on by default, off only to measure what each one buys
FLAG_FAST_GEODETIC = 1   # trigonometry-free geodetic conversion in the right-hand side
FLAG_NEAR_SIDE = 2       # a step clipped to a thrust discontinuity evaluates its end on the near side
FLAG_PI_CONTROL = 4      # PI step-size control (Gustafsson), no growth right after a rejection
FLAG_VECTOR_NORM = 8     # error measured against |r| and |v|, not against each component
FLAG_INERTIAL_LOCAL = 16  # local vertical and height from the inertial position: no Earth-rotation trig
FLAGS_ALL = FLAG_FAST_GEODETIC | FLAG_NEAR_SIDE | FLAG_PI_CONTROL | FLAG_VECTOR_NORM | FLAG_INERTIAL_LOCAL

# event rows returned alongside the regular samples (t, r, v)
E_BURNOUT = 0
E_APOGEE = 1
E_REENTRY = 2
E_IMPACT = 3
N_EVENTS = 4

REENTRY_ALT_M = 100_000.0
# state length: position, velocity (ECI) and the burn clock tau (seconds of full-thrust burning)
NY = 7
# the q ceiling's throttle starts to fall at this fraction of q_max (see _deriv)
Q_KNEE = 0.9
# above this height the air is too thin for the ascent's dynamic pressure to matter (rho < 2e-4 kg/m^3:
# q < 0.1 kPa at 1 km/s), so the peak-q tracking skips the extra interpolated points there
MAX_Q_CEILING_M = 60_000.0

# Dormand-Prince 5(4) tableau
C2, C3, C4, C5 = 1.0 / 5.0, 3.0 / 10.0, 4.0 / 5.0, 8.0 / 9.0
A21 = 1.0 / 5.0
A31, A32 = 3.0 / 40.0, 9.0 / 40.0
A41, A42, A43 = 44.0 / 45.0, -56.0 / 15.0, 32.0 / 9.0
A51, A52, A53, A54 = 19372.0 / 6561.0, -25360.0 / 2187.0, 64448.0 / 6561.0, -212.0 / 729.0
A61, A62, A63, A64, A65 = 9017.0 / 3168.0, -355.0 / 33.0, 46732.0 / 5247.0, 49.0 / 176.0, -5103.0 / 18656.0
B1, B3, B4, B5, B6 = 35.0 / 384.0, 500.0 / 1113.0, 125.0 / 192.0, -2187.0 / 6784.0, 11.0 / 84.0
E1, E3, E4, E5, E6, E7 = (71.0 / 57600.0, -71.0 / 16695.0, 71.0 / 1920.0, -17253.0 / 339200.0,
                          22.0 / 525.0, -1.0 / 40.0)


@njit(cache=True, inline="always")
def _interp_table(x, xs, ys, n):
    """Catmull-Rom (C1) interpolation of a short table such as C_D(Mach); flat beyond its ends.

    C1 rather than piecewise-linear so that the adaptive step control does not stall on kinks.
    """
    if x <= xs[0]:
        return ys[0]
    if x >= xs[n - 1]:
        return ys[n - 1]
    lo = 0
    hi = n - 1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if xs[mid] <= x:
            lo = mid
        else:
            hi = mid
    h = xs[hi] - xs[lo]
    f = (x - xs[lo]) / h
    d = (ys[hi] - ys[lo]) / h
    m0 = d if lo == 0 else (ys[hi] - ys[lo - 1]) / (xs[hi] - xs[lo - 1])
    m1 = d if hi == n - 1 else (ys[hi + 1] - ys[lo]) / (xs[hi + 1] - xs[lo])
    f2 = f * f
    f3 = f2 * f
    return ((2 * f3 - 3 * f2 + 1) * ys[lo] + (f3 - 2 * f2 + f) * h * m0 + (-2 * f3 + 3 * f2) * ys[hi]
            + (f3 - f2) * h * m1)


@njit(cache=True)
def _deriv(t, y, out, p, stage_start, stage_thrust, stage_mdot, stage_mass0, stage_area, n_stages,
           cd_mach, cd_val, n_cd, earth, atmo_h0, atmo_dh, atmo_logrho, atmo_sound, use_atmo, flags, tau_lim):
    """Right-hand side: ``out[:] = dy/dt``; returns the geodetic altitude (for events).

    ``p`` holds the scalar parameters of one trajectory:
    [t_cut, t_vertical, t_kick_end, kick_rad, azimuth_rad, inv_beta(, q_max_pa)]
    ``earth`` = [mu, j2, a, e2, omega].

    ``y`` is (r, v, tau): tau is the burn clock, the seconds of full-thrust burning done so far
    (dtau/dt = throttle). Stage schedule, mass and cut-off ``t_cut`` are read on tau; the pitch
    programme on t. ``tau_lim`` plays for tau the part ``t_lim`` plays for t in ``_rk_step``: a step
    clipped to land on a staging or the cut-off sees the burning stage up to its end.

    With ``q_max_pa > 0`` the thrust (and the mass flow with it, at constant Isp) is throttled as
    the dynamic pressure q = rho |v_rel|^2 / 2 nears the ceiling (a "thrust bucket")::

        throttle = 1                                          for q <= k q_max
                 = (q_max - q) / ((1 - k) q_max)             for k q_max < q < q_max   (k = Q_KNEE)
                 = 0                                          for q >= q_max

    At q = q_max the thrust is zero, so the speed falls (drag and gravity) while the height rises
    (the air thins): dq/dt = q (2 dw/dt / w - dh/dt / H) < 0 on an ascent, and q cannot cross
    q_max. In practice the throttle settles between k q_max and q_max, where it balances.
    """
    mu = earth[0]
    j2 = earth[1]
    a_e = earth[2]
    e2 = earth[3]
    om = earth[4]
    x, yy, z, vx, vy, vz = y[0], y[1], y[2], y[3], y[4], y[5]
    r2 = x * x + yy * yy + z * z
    r = math.sqrt(r2)
    mu_r3 = mu / (r2 * r)
    k = 1.5 * j2 * a_e * a_e / r2
    zr2 = z * z / r2
    gx = -mu_r3 * x * (1.0 + k * (1.0 - 5.0 * zr2))
    gy = -mu_r3 * yy * (1.0 + k * (1.0 - 5.0 * zr2))
    gz = -mu_r3 * z * (1.0 + k * (3.0 - 5.0 * zr2))

    # Earth-fixed position for geodetic altitude and the local frame. The Earth turns about z, which
    # changes only the longitude: height, latitude and the local up/north/east directions can be
    # taken from the inertial position itself (its "inertial longitude"), and then the thrust
    # direction needs no rotation back, so no cos/sin of the Earth's angle is needed at all
    if flags & FLAG_INERTIAL_LOCAL:
        c = 1.0
        s = 0.0
        xf = x
        yf = yy
    else:
        th = om * t
        c = math.cos(th)
        s = math.sin(th)
        xf = c * x + s * yy
        yf = -s * x + c * yy
    if flags & FLAG_FAST_GEODETIC:
        slat, clat, slon, clon, h = ecef_to_geodetic_sincos(xf, yf, z, a_e, e2)
    else:
        lat, lon, h = ecef_to_geodetic_scalar(xf, yf, z, a_e, e2)
        slat = math.sin(lat)
        clat = math.cos(lat)
        slon = math.sin(lon)
        clon = math.cos(lon)

    # velocity relative to the co-rotating atmosphere (ECI components)
    wx = vx + om * yy
    wy = vy - om * x
    wz = vz
    w = math.sqrt(wx * wx + wy * wy + wz * wz)

    rho = 0.0
    sound = 340.0
    if use_atmo:
        rho, sound = density_sound_at(h, atmo_h0, atmo_dh, atmo_logrho, atmo_sound)

    ax = gx
    ay = gy
    az = gz
    t_cut = p[0]
    tau = min(y[6], tau_lim)
    out[6] = 0.0
    if tau < t_cut and n_stages > 0:
        # which stage is burning (on the burn clock: throttling stretches the stages in time)
        st = 0
        for i in range(n_stages):
            if tau >= stage_start[i]:
                st = i
        m = stage_mass0[st] - stage_mdot[st] * (tau - stage_start[st])
        throttle = 1.0
        if p.shape[0] > 6 and p[6] > 0.0 and rho > 0.0:
            q_max = p[6]
            q = 0.5 * rho * w * w
            if q > Q_KNEE * q_max:
                throttle = max(0.0, (q_max - q) / ((1.0 - Q_KNEE) * q_max))
        out[6] = throttle
        thrust_acc = throttle * stage_thrust[st] / m
        # thrust direction in the Earth-fixed frame
        ux, uy, uz = clat * clon, clat * slon, slat          # up
        if t < p[1]:
            dx, dy_, dz = ux, uy, uz
        elif t < p[2]:
            frac = (t - p[1]) / (p[2] - p[1])
            ang = p[3] * frac
            saz = math.sin(p[4])
            caz = math.cos(p[4])
            # horizontal unit vector toward the azimuth: cos(az) north + sin(az) east
            hx = caz * (-slat * clon) + saz * (-slon)
            hy = caz * (-slat * slon) + saz * clon
            hz = caz * clat
            ca = math.cos(ang)
            sa = math.sin(ang)
            dx, dy_, dz = ca * ux + sa * hx, ca * uy + sa * hy, ca * uz + sa * hz
        else:
            dx, dy_, dz = 0.0, 0.0, 0.0
        if t < p[2]:
            # rotate the Earth-fixed direction into ECI
            tx = c * dx - s * dy_
            ty = s * dx + c * dy_
            tz = dz
        else:
            # gravity turn: along the Earth-relative velocity
            if w > 0.0:
                tx, ty, tz = wx / w, wy / w, wz / w
            else:
                tx, ty, tz = c * ux - s * uy, s * ux + c * uy, uz
        ax += thrust_acc * tx
        ay += thrust_acc * ty
        az += thrust_acc * tz
        if rho > 0.0:
            cd = _interp_table(w / sound, cd_mach, cd_val, n_cd)
            drag = 0.5 * rho * w * cd * stage_area[st] / m
            ax -= drag * wx
            ay -= drag * wy
            az -= drag * wz
    else:
        if rho > 0.0 and p[5] > 0.0:
            drag = 0.5 * rho * w * p[5]
            ax -= drag * wx
            ay -= drag * wy
            az -= drag * wz
    out[0] = vx
    out[1] = vy
    out[2] = vz
    out[3] = ax
    out[4] = ay
    out[5] = az
    return h


@njit(cache=True)
def _rk_step(t, y, f0, h, y_new, f_new, err_vec, ks, tmp, p, stage_start, stage_thrust, stage_mdot,
             stage_mass0, stage_area, n_stages, cd_mach, cd_val, n_cd, earth, atmo_h0, atmo_dh,
             atmo_logrho, atmo_sound, use_atmo, flags, t_lim, tau_lim):
    """One Dormand-Prince step from (t, y) with derivative f0; fills y_new, f_new (FSAL) and err_vec.

    Stages are evaluated at ``min(t + c h, t_lim)``: a step clipped to end on a thrust discontinuity
    passes ``t_lim`` just short of it, so its last stages see the thrust of the interval they
    integrate, not the jump on the far side (which would wreck the error estimate and the step).
    """
    k2 = ks[0]
    k3 = ks[1]
    k4 = ks[2]
    k5 = ks[3]
    k6 = ks[4]
    for i in range(NY):
        tmp[i] = y[i] + h * A21 * f0[i]
    _deriv(min(t + C2 * h, t_lim), tmp, k2, p, stage_start, stage_thrust, stage_mdot, stage_mass0, stage_area,
           n_stages, cd_mach, cd_val, n_cd, earth, atmo_h0, atmo_dh, atmo_logrho, atmo_sound, use_atmo, flags, tau_lim)
    for i in range(NY):
        tmp[i] = y[i] + h * (A31 * f0[i] + A32 * k2[i])
    _deriv(min(t + C3 * h, t_lim), tmp, k3, p, stage_start, stage_thrust, stage_mdot, stage_mass0, stage_area,
           n_stages, cd_mach, cd_val, n_cd, earth, atmo_h0, atmo_dh, atmo_logrho, atmo_sound, use_atmo, flags, tau_lim)
    for i in range(NY):
        tmp[i] = y[i] + h * (A41 * f0[i] + A42 * k2[i] + A43 * k3[i])
    _deriv(min(t + C4 * h, t_lim), tmp, k4, p, stage_start, stage_thrust, stage_mdot, stage_mass0, stage_area,
           n_stages, cd_mach, cd_val, n_cd, earth, atmo_h0, atmo_dh, atmo_logrho, atmo_sound, use_atmo, flags, tau_lim)
    for i in range(NY):
        tmp[i] = y[i] + h * (A51 * f0[i] + A52 * k2[i] + A53 * k3[i] + A54 * k4[i])
    _deriv(min(t + C5 * h, t_lim), tmp, k5, p, stage_start, stage_thrust, stage_mdot, stage_mass0, stage_area,
           n_stages, cd_mach, cd_val, n_cd, earth, atmo_h0, atmo_dh, atmo_logrho, atmo_sound, use_atmo, flags, tau_lim)
    for i in range(NY):
        tmp[i] = y[i] + h * (A61 * f0[i] + A62 * k2[i] + A63 * k3[i] + A64 * k4[i] + A65 * k5[i])
    _deriv(min(t + h, t_lim), tmp, k6, p, stage_start, stage_thrust, stage_mdot, stage_mass0, stage_area,
           n_stages, cd_mach, cd_val, n_cd, earth, atmo_h0, atmo_dh, atmo_logrho, atmo_sound, use_atmo, flags, tau_lim)
    for i in range(NY):
        y_new[i] = y[i] + h * (B1 * f0[i] + B3 * k3[i] + B4 * k4[i] + B5 * k5[i] + B6 * k6[i])
    alt = _deriv(min(t + h, t_lim), y_new, f_new, p, stage_start, stage_thrust, stage_mdot, stage_mass0,
                 stage_area, n_stages, cd_mach, cd_val, n_cd, earth, atmo_h0, atmo_dh, atmo_logrho, atmo_sound,
                 use_atmo, flags, tau_lim)
    for i in range(NY):
        err_vec[i] = h * (E1 * f0[i] + E3 * k3[i] + E4 * k4[i] + E5 * k5[i] + E6 * k6[i] + E7 * f_new[i])
    return alt


@njit(cache=True, inline="always")
def _hermite(y0, f0, y1, f1, h, s, out):
    """Cubic Hermite interpolation of the state at fraction s of a step of length h."""
    s2 = s * s
    s3 = s2 * s
    h00 = 2 * s3 - 3 * s2 + 1
    h10 = s3 - 2 * s2 + s
    h01 = -2 * s3 + 3 * s2
    h11 = s3 - s2
    for i in range(NY):
        out[i] = h00 * y0[i] + h10 * h * f0[i] + h01 * y1[i] + h11 * h * f1[i]


@njit(cache=True, inline="always")
def _altitude_eci(t, yv, earth):
    """Geodetic height of an inertial position: the Earth's turn about z changes only the longitude."""
    _, _, _, _, h = ecef_to_geodetic_sincos(yv[0], yv[1], yv[2], earth[2], earth[3])
    return h


@njit(cache=True, inline="always")
def _rel_speed(yv, om):
    wx = yv[3] + om * yv[1]
    wy = yv[4] - om * yv[0]
    return math.sqrt(wx * wx + wy * wy + yv[5] * yv[5])


@njit(cache=True, inline="always")
def _dynamic_pressure(yv, earth, atmo_h0, atmo_dh, atmo_logrho, atmo_sound):
    """q = rho |v_rel|^2 / 2 (Pa) of an inertial state, v_rel relative to the co-rotating air."""
    h = _altitude_eci(0.0, yv, earth)
    rho, _ = density_sound_at(h, atmo_h0, atmo_dh, atmo_logrho, atmo_sound)
    w = _rel_speed(yv, earth[4])
    return 0.5 * rho * w * w


@njit(cache=True, inline="always")
def _parabola_peak(t0, q0, t1, q1, t2, q2):
    """Largest value of the parabola through three points whose middle one is the largest (Lagrange form)."""
    d0 = (t0 - t1) * (t0 - t2)
    d1 = (t1 - t0) * (t1 - t2)
    d2 = (t2 - t0) * (t2 - t1)
    if d0 == 0.0 or d1 == 0.0 or d2 == 0.0:
        return q1
    a = q0 / d0 + q1 / d1 + q2 / d2
    if a >= 0.0:
        return q1
    b = -(q0 * (t1 + t2) / d0 + q1 * (t0 + t2) / d1 + q2 * (t0 + t1) / d2)
    tv = -b / (2.0 * a)
    if tv < t0 or tv > t2:
        return q1
    c = q0 * t1 * t2 / d0 + q1 * t0 * t2 / d1 + q2 * t0 * t1 / d2
    return a * tv * tv + b * tv + c


@njit(cache=True, parallel=True)
def fly_kernel(y0, t0, params, stage_start, stage_thrust, stage_mdot, stage_mass0, stage_area, n_stages,
               cd_mach, cd_val, n_cd, earth, atmo_h0, atmo_dh, atmo_logrho, atmo_sound, use_atmo,
               target_alt, rtol, h_max, h_max_coast, t_max, sample_dt, samples, events, summary, flags):
    """Fly N trajectories. Inputs are (N, ...) arrays; outputs are written in place.

    Parameters
    ----------
    y0 : (N, 6) initial ECI state at time t0 (N,).
    params : (N, 6) or (N, 7) per-trajectory scalars, see ``_deriv`` (a 7th column q_max_pa > 0 turns
        on the dynamic-pressure ceiling for that row).
    stage_* : (N, S) per-stage start time (s since launch), thrust (N), mass flow (kg/s),
        mass at stage ignition (kg), reference area (m^2); n_stages : (N,) int.
    cd_mach, cd_val : (N, K) drag coefficient tables; n_cd : (N,) int.
    earth : [mu, j2, a, e2, omega].
    target_alt : (N,) altitude (m) at which the flight ends on the way down.
    samples : (N, T, 7) or (N, 0, 7); rows (t, r_eci, v_eci) every ``sample_dt`` s from t0.
    events : (N, N_EVENTS, 7) the states at burnout, apogee, reentry at 100 km and impact (NaN if none).
    summary : (N, N_SUMMARY) see the S_* column constants.
    h_max, h_max_coast : step caps (s) while thrusting and after burnout.
    flags : FLAG_* bits (FLAGS_ALL normally; benchmarks turn them off one by one).
    """
    n = y0.shape[0]
    max_samples = samples.shape[1]
    for j in prange(n):
        y = np.empty(NY)
        f = np.empty(NY)
        y_new = np.empty(NY)
        f_new = np.empty(NY)
        err = np.empty(NY)
        ks = np.empty((5, NY))
        tmp = np.empty(NY)
        yi = np.empty(NY)
        fi = np.empty(NY)
        p = params[j]
        ns = n_stages[j]
        for i in range(N_SUMMARY):
            summary[j, i] = np.nan
        for e in range(N_EVENTS):
            for i in range(7):
                events[j, e, i] = np.nan
        for i in range(6):
            y[i] = y0[j, i]
        t = t0[j]
        y[6] = t            # the burn clock starts with the flight
        alt = _deriv(t, y, f, p, stage_start[j], stage_thrust[j], stage_mdot[j], stage_mass0[j], stage_area[j],
                     ns, cd_mach[j], cd_val[j], n_cd[j], earth, atmo_h0, atmo_dh, atmo_logrho, atmo_sound, use_atmo,
                     flags, 1e300)
        t_cut = p[0]
        # boundaries where the right-hand side is discontinuous: kick start/end on the clock t,
        # staging and cut-off on the burn clock tau (equal to t unless the q ceiling throttles)
        nb = 0
        bounds = np.empty(2)
        nbu = 0
        bounds_tau = np.empty(ns + 1)
        if ns > 0:
            for b in (p[1], p[2]):
                if b > t:
                    bounds[nb] = b
                    nb += 1
            for i in range(1, ns):
                if stage_start[j, i] > t and stage_start[j, i] < t_cut:
                    bounds_tau[nbu] = stage_start[j, i]
                    nbu += 1
            if t_cut > t:
                bounds_tau[nbu] = t_cut
                nbu += 1
        bounds[:nb] = np.sort(bounds[:nb])
        bounds_tau[:nbu] = np.sort(bounds_tau[:nbu])
        ib = 0
        ibu = 0
        powered = ns > 0 and t < t_cut
        if not powered:
            summary[j, S_T_BURNOUT] = t
            events[j, E_BURNOUT, 0] = t
            for i in range(6):
                events[j, E_BURNOUT, 1 + i] = y[i]
        h = 0.5
        k_sample = 0
        next_sample = t
        if max_samples > 0:
            samples[j, 0, 0] = t
            for i in range(6):
                samples[j, 0, 1 + i] = y[i]
            k_sample = 1
            next_sample = t + sample_dt
        max_speed = _rel_speed(y, earth[4])
        max_q = 0.0
        if powered and use_atmo:
            max_q = _dynamic_pressure(y, earth, atmo_h0, atmo_dh, atmo_logrho, atmo_sound)
        # the last two step ends (time, q) for the parabolic peak
        t_pp = t - 2.0
        q_pp = max_q
        t_p = t - 1.0
        q_p = max_q
        apogee_alt = alt
        apogee_t = t
        rdot_prev = y[0] * y[3] + y[1] * y[4] + y[2] * y[5]
        reentry_done = False
        status = 1.0
        # a powered flight must first leave the pad before a descent counts as impact; a coast
        # (kinematic burnout state) is in free flight from t0, so its first descent through the
        # target altitude is the impact (else a low, slow arc never 'climbed' and fell through the Earth)
        climbed = alt > target_alt[j] + 1.0 or not powered
        n_steps = 0
        n_rejected = 0
        just_rejected = False
        err_prev = 1e-4
        while t < t_max:
            hb = h
            clipped = False
            clipped_tau = False
            t_lim = 1e300
            tau_lim = 1e300
            if ib < nb and t + hb >= bounds[ib] - 1e-9:
                hb = bounds[ib] - t
                clipped = True
                if flags & FLAG_NEAR_SIDE:
                    t_lim = bounds[ib] - 1e-9
            if ibu < nbu:
                # tau runs at most as fast as t (throttle <= 1), so a step of the remaining tau never
                # overshoots the boundary; under throttling it lands short and the next step closes in
                gap = bounds_tau[ibu] - y[6]
                if hb >= gap - 1e-9:
                    if clipped and gap < hb - 1e-9:
                        clipped = False          # the staging/cut-off comes first
                        t_lim = 1e300
                    hb = gap
                    clipped_tau = True
                    if flags & FLAG_NEAR_SIDE:
                        tau_lim = bounds_tau[ibu] - 1e-9
            if t + hb > t_max:
                hb = t_max - t
            alt_new = _rk_step(t, y, f, hb, y_new, f_new, err, ks, tmp, p, stage_start[j], stage_thrust[j],
                               stage_mdot[j], stage_mass0[j], stage_area[j], ns, cd_mach[j], cd_val[j], n_cd[j],
                               earth, atmo_h0, atmo_dh, atmo_logrho, atmo_sound, use_atmo, flags, t_lim, tau_lim)
            en = 0.0
            if flags & FLAG_VECTOR_NORM:
                # error scaled by the size of the position and velocity vectors, not of each component:
                # a component passing through zero (a frame artefact) no longer forces tiny steps
                r_sc = rtol * max(math.sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2]),
                                  math.sqrt(y_new[0] * y_new[0] + y_new[1] * y_new[1] + y_new[2] * y_new[2])) + 1e-4
                v_sc = rtol * max(math.sqrt(y[3] * y[3] + y[4] * y[4] + y[5] * y[5]),
                                  math.sqrt(y_new[3] * y_new[3] + y_new[4] * y_new[4] + y_new[5] * y_new[5])) + 1e-7
                for i in range(6):
                    q = abs(err[i]) / (r_sc if i < 3 else v_sc)
                    if q > en:
                        en = q
            else:
                for i in range(6):
                    sc = rtol * max(abs(y[i]), abs(y_new[i])) + (1e-4 if i < 3 else 1e-7)
                    q = abs(err[i]) / sc
                    if q > en:
                        en = q
            if en > 1.0 and hb > 1e-6:
                h = hb * max(0.2, 0.9 * en ** -0.2)
                n_rejected += 1
                just_rejected = True
                continue
            n_steps += 1
            # accepted step [t, t + hb]
            t_new = t + hb
            # regular output samples inside the step
            while max_samples > 0 and k_sample < max_samples and next_sample <= t_new:
                s_frac = (next_sample - t) / hb
                _hermite(y, f, y_new, f_new, hb, s_frac, yi)
                samples[j, k_sample, 0] = next_sample
                for i in range(6):
                    samples[j, k_sample, 1 + i] = yi[i]
                k_sample += 1
                next_sample += sample_dt
            # apogee: radial velocity changes sign (only after burnout)
            rdot_new = y_new[0] * y_new[3] + y_new[1] * y_new[4] + y_new[2] * y_new[5]
            if rdot_prev > 0.0 and rdot_new <= 0.0 and not powered:
                lo = 0.0
                hi = 1.0
                for _ in range(50):
                    mid = 0.5 * (lo + hi)
                    _hermite(y, f, y_new, f_new, hb, mid, yi)
                    if yi[0] * yi[3] + yi[1] * yi[4] + yi[2] * yi[5] > 0.0:
                        lo = mid
                    else:
                        hi = mid
                ta = t + lo * hb
                _hermite(y, f, y_new, f_new, hb, lo, yi)
                ha = _altitude_eci(ta, yi, earth)
                if ha > apogee_alt or math.isnan(summary[j, S_T_APOGEE]):
                    apogee_alt = ha
                    apogee_t = ta
                    events[j, E_APOGEE, 0] = ta
                    for i in range(6):
                        events[j, E_APOGEE, 1 + i] = yi[i]
            # peak dynamic pressure of the ascent: q at every step's end (its height is already known),
            # and where the last three ends bracket a maximum, the vertex of the parabola through them
            # (q peaks smoothly; steps of a few seconds would otherwise clip the peak by ~1 %)
            if powered and use_atmo and (alt < MAX_Q_CEILING_M or alt_new < MAX_Q_CEILING_M):
                rho_end, _ = density_sound_at(alt_new, atmo_h0, atmo_dh, atmo_logrho, atmo_sound)
                w_end = _rel_speed(y_new, earth[4])
                q_end = 0.5 * rho_end * w_end * w_end
                if q_end > max_q:
                    max_q = q_end
                if q_p > q_pp and q_p >= q_end:
                    q_top = _parabola_peak(t_pp, q_pp, t_p, q_p, t_new, q_end)
                    if q_top > max_q:
                        max_q = q_top
                t_pp = t_p
                q_pp = q_p
                t_p = t_new
                q_p = q_end
            rdot_prev = rdot_new
            spd = _rel_speed(y_new, earth[4])
            if spd > max_speed:
                max_speed = spd
            if alt_new > apogee_alt and math.isnan(events[j, E_APOGEE, 0]):
                apogee_alt = alt_new
                apogee_t = t_new
            if alt_new > target_alt[j] + 1.0:
                climbed = True
            # reentry at 100 km, descending
            if (not reentry_done) and alt > REENTRY_ALT_M and alt_new <= REENTRY_ALT_M and rdot_new < 0.0:
                lo = 0.0
                hi = 1.0
                for _ in range(50):
                    mid = 0.5 * (lo + hi)
                    _hermite(y, f, y_new, f_new, hb, mid, yi)
                    if _altitude_eci(t + mid * hb, yi, earth) > REENTRY_ALT_M:
                        lo = mid
                    else:
                        hi = mid
                _hermite(y, f, y_new, f_new, hb, hi, yi)
                events[j, E_REENTRY, 0] = t + hi * hb
                for i in range(6):
                    events[j, E_REENTRY, 1 + i] = yi[i]
                reentry_done = True
            # impact: crossing the target altitude on the way down (a powered flight that never
            # left the pad counts once it is a metre underground, or it would fly on through the Earth)
            if (climbed or alt_new < target_alt[j] - 1.0) and alt_new <= target_alt[j] and rdot_new < 0.0:
                lo = 0.0
                hi = 1.0
                for _ in range(60):
                    mid = 0.5 * (lo + hi)
                    _hermite(y, f, y_new, f_new, hb, mid, yi)
                    if _altitude_eci(t + mid * hb, yi, earth) > target_alt[j]:
                        lo = mid
                    else:
                        hi = mid
                # exact state at the crossing by one Runge-Kutta step from the start of the step
                hi_step = hi * hb
                _rk_step(t, y, f, hi_step, yi, fi, err, ks, tmp, p, stage_start[j], stage_thrust[j],
                         stage_mdot[j], stage_mass0[j], stage_area[j], ns, cd_mach[j], cd_val[j], n_cd[j],
                         earth, atmo_h0, atmo_dh, atmo_logrho, atmo_sound, use_atmo, flags, t_lim, tau_lim)
                t_imp = t + hi_step
                status = 2.0 if (powered and yi[6] < t_cut) else 0.0
                summary[j, S_T_IMPACT] = t_imp
                events[j, E_IMPACT, 0] = t_imp
                for i in range(6):
                    summary[j, S_R_IMPACT + i] = yi[i]
                    events[j, E_IMPACT, 1 + i] = yi[i]
                if status == 2.0:
                    summary[j, S_T_BURNOUT] = t_imp
                    events[j, E_BURNOUT, 0] = t_imp
                    for i in range(6):
                        events[j, E_BURNOUT, 1 + i] = yi[i]
                # regular samples interpolated past the impact are dropped; the impact itself is an event row
                while k_sample > 0 and samples.shape[1] > 0 and samples[j, k_sample - 1, 0] > t_imp:
                    k_sample -= 1
                break
            # step bookkeeping
            t = t_new
            alt = alt_new
            for i in range(NY):
                y[i] = y_new[i]
                f[i] = f_new[i]
            reached_tau = False
            if clipped_tau and bounds_tau[ibu] - y[6] <= 1e-7:
                # landed on the staging or cut-off (exactly at full thrust; within 0.1 us of burn
                # clock when throttled): snap the clock onto it
                y[6] = bounds_tau[ibu]
                reached_tau = True
                if bounds_tau[ibu] < t_cut and ibu < MAX_STAGINGS:
                    summary[j, S_T_STAGING + ibu] = t
                ibu += 1
            if clipped:
                ib += 1
            if clipped or reached_tau:
                if reached_tau and powered and y[6] >= t_cut:
                    powered = False
                    summary[j, S_T_BURNOUT] = t
                    events[j, E_BURNOUT, 0] = t
                    for i in range(6):
                        events[j, E_BURNOUT, 1 + i] = y[i]
                # re-evaluate the derivative on the far side of the discontinuity
                _deriv(t + 1e-9, y, f, p, stage_start[j], stage_thrust[j], stage_mdot[j], stage_mass0[j],
                       stage_area[j], ns, cd_mach[j], cd_val[j], n_cd[j], earth, atmo_h0, atmo_dh,
                       atmo_logrho, atmo_sound, use_atmo, flags, 1e300)
                h = 0.5
            else:
                # (a throttled step that landed short of a staging continues with the controller's step;
                # the next step is clipped to the remaining burn-clock gap again)
                if flags & FLAG_PI_CONTROL:
                    # Hairer, Norsett & Wanner, Solving ODEs I, sec. II.4 (PI control, beta = 0.04):
                    # smoother step sequences, fewer rejections where the error grows steadily (reentry)
                    e_now = max(en, 1e-10)
                    fac = min(5.0, max(0.2, 0.9 * e_now ** -0.17 * err_prev ** 0.04))
                    if just_rejected:
                        fac = min(fac, 1.0)
                    err_prev = e_now
                else:
                    fac = 5.0 if en == 0.0 else min(5.0, max(0.2, 0.9 * en ** -0.2))
                h = min(hb * fac, h_max if powered else h_max_coast)
            just_rejected = False
        summary[j, S_STATUS] = status
        for i in range(3):
            summary[j, S_R_BURNOUT + i] = events[j, E_BURNOUT, 1 + i]
            summary[j, S_V_BURNOUT + i] = events[j, E_BURNOUT, 4 + i]
        summary[j, S_T_APOGEE] = apogee_t
        summary[j, S_ALT_APOGEE] = apogee_alt
        summary[j, S_T_REENTRY] = events[j, E_REENTRY, 0]
        summary[j, S_MAX_SPEED] = max_speed
        summary[j, S_MAX_Q] = max_q
        summary[j, S_N_SAMPLES] = k_sample
        summary[j, S_N_STEPS] = n_steps
        summary[j, S_N_REJECTED] = n_rejected
