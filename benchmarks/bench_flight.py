"""Benchmark: the batch flight engine and targeting, each against its baseline measured in the same run.

1. Kernel fixes one by one: N summary-only Hwasong-15 flights (rotating WGS84 Earth, J2, US-76
   atmosphere, drag, boost to impact) with each improvement switched on in turn
   (``FlightOptions.kernel_flags``, ``coast_max_step_s``); every row is compared with the row above,
   and every row's impact points with a strict-tolerance run (rtol 1e-12, the original kernel).
2. Targeting: N aimpoints over the continental US from one North Korean launch area, the fast path
   (seeded) against the robust solver alone (each aimpoint solved from the shape table) on a sample;
   then the lofted and depressed shapes, and N Nodong aimpoints over South Korea.
3. The batch engine against ``scipy.integrate.solve_ivp(DOP853)`` one trajectory at a time on the
   same physics, two ways: the plain-Python right-hand side a user would write
   (``benchmarks/plain_solve_ivp.py``: closed-form geodetic altitude, table atmosphere, no PROJ), and
   solve_ivp calling thaadsim's own numba-compiled right-hand side (so the difference is the
   integrator, the batching and the Python per step, not the physics code).
4. Peak memory of ``thaadsim fly --targets-csv`` with N targets and ``--json``, as a separate process.

    python benchmarks/bench_flight.py [--n 10000] [--sample 10] [--robust-sample 300]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def _impact_ecef(summary):
    from thaadsim.flight import kernel as K

    t = summary[:, K.S_T_IMPACT]
    r = summary[:, K.S_R_IMPACT:K.S_R_IMPACT + 3]
    th = 7.292115e-5 * t
    c, s = np.cos(th), np.sin(th)
    return np.stack([c * r[:, 0] + s * r[:, 1], -s * r[:, 0] + c * r[:, 1], r[:, 2]], 1)


def kernel_steps(m, n, rng):
    from thaadsim.flight import fly_powered
    from thaadsim.flight import kernel as K
    from thaadsim.flight.engine import FlightOptions

    az = rng.uniform(0, 360, n)
    kick = rng.uniform(15, 60, n)
    cut = rng.uniform(0.6, 1.0, n) * m.total_burn_time_s

    def run(opts):
        fly_powered([m], np.zeros(2, int), 39.0, 125.7, az[:2], kick[:2], cut[:2], options=opts, sample_dt_s=None,
                    raw=True)   # compile / warm
        t0 = time.perf_counter()
        _, _, s = fly_powered([m], np.zeros(n, int), 39.0, 125.7, az, kick, cut, options=opts, sample_dt_s=None,
                              raw=True)
        return time.perf_counter() - t0, s

    # the kernel's fixes on the unthrottled physics they were made for (and plain_solve_ivp flies); what the
    # dynamic-pressure ceiling costs is benchmarks/bench_max_q_ceiling.py
    _, strict = run(FlightOptions(rtol=1e-12, kernel_flags=0, coast_max_step_s=20.0, max_q_ceiling=False))
    ref = _impact_ecef(strict)
    f = 0
    rows = [("original kernel (PROJ-free Bowring with trig, far-side stages, I control, per-component norm, "
             "20 s coast cap)", 0, 20.0)]
    for name, bit in (("+ trigonometry-free geodetic conversion", K.FLAG_FAST_GEODETIC),
                      ("+ near-side stages at thrust discontinuities", K.FLAG_NEAR_SIDE),
                      ("+ PI step control", K.FLAG_PI_CONTROL),
                      ("+ error norm on |r| and |v|", K.FLAG_VECTOR_NORM),
                      ("+ local frame from the inertial position (no rotation trig)", K.FLAG_INERTIAL_LOCAL)):
        f |= bit
        rows.append((name, f, 20.0))
    rows.append(("+ 60 s coast step cap (summary-only flights)", f, 60.0))
    print(f"1. kernel fixes one by one: {n:,} Hwasong-15 flights, summary only, boost to impact")
    prev = None
    for name, flags, cap in rows:
        dt, s = run(FlightOptions(kernel_flags=flags, coast_max_step_s=cap, max_q_ceiling=False))
        d = np.linalg.norm(_impact_ecef(s) - ref, axis=1)
        rate = n / dt
        ratio = "" if prev is None else f"x{rate / prev:5.2f}"
        attempts = np.mean(s[:, K.S_N_STEPS] + s[:, K.S_N_REJECTED])
        print(f"   {name:<60.60s} {rate:7,.0f}/s {ratio:>7s}  steps {np.mean(s[:, K.S_N_STEPS]):5.0f}"
              f" + {np.mean(s[:, K.S_N_REJECTED]):3.0f} rejected ({attempts:4.0f} attempts)"
              f"  impact vs rtol 1e-12: max {np.nanmax(d):5.2f} m")
        prev = rate
    return az, kick, cut


def engine_vs_solve_ivp(m, tb, n_sample, rng):
    from numba import njit

    from thaadsim.earth.atmosphere import kernel_table
    from thaadsim.earth.constants import earth_model
    from thaadsim.earth.frames import geodetic_to_ecef
    from thaadsim.flight import fly_powered
    from thaadsim.flight import kernel as K
    from thaadsim.flight.engine import FlightOptions, _pack_missiles

    sys.path.insert(0, HERE)
    from plain_solve_ivp import fly_one_plain
    from scipy.integrate import solve_ivp

    n = len(tb)
    model = earth_model("wgs84")
    free = FlightOptions(max_q_ceiling=False)      # the physics plain_solve_ivp writes (no thrust bucket)
    t0 = time.perf_counter()
    fb = fly_powered([m], np.zeros(n, int), 39.0, 125.7, tb.launch_azimuth_deg, tb.kick_deg, tb.cutoff_s,
                     sample_dt_s=None, options=free)
    t_fly = time.perf_counter() - t0
    t0 = time.perf_counter()
    sb = fly_powered([m], np.zeros(n, int), 39.0, 125.7, tb.launch_azimuth_deg, tb.kick_deg, tb.cutoff_s,
                     sample_dt_s=5.0, options=free)
    t_samp = time.perf_counter() - t0
    del sb
    idx = rng.choice(n, size=min(n_sample, n), replace=False)

    t0 = time.perf_counter()
    plain = [fly_one_plain(m, 39.0, 125.7, tb.launch_azimuth_deg[i], tb.kick_deg[i], tb.cutoff_s[i], model)[1]
             for i in idx]
    t_plain = time.perf_counter() - t0

    # solve_ivp on the kernel's own compiled right-hand side
    opts = free
    h0, dh, logrho, sound = kernel_table()
    earth = opts.earth_vector()
    stage_pack, cd_pack = _pack_missiles([m], np.zeros(1, int))
    st = tuple(np.ascontiguousarray(a[0]) for a in stage_pack[:5]) + (int(stage_pack[5][0]),)
    cdp = (np.ascontiguousarray(cd_pack[0][0]), np.ascontiguousarray(cd_pack[1][0]), int(cd_pack[2][0]))

    @njit(cache=False)
    def _rhs(t, y, p, s0, s1, s2, s3, s4, ns, cm, cv, ncd, earth, h0, dh, logrho, sound, flags, tau_lim):
        out = np.empty(K.NY)
        K._deriv(t, y, out, p, s0, s1, s2, s3, s4, ns, cm, cv, ncd, earth, h0, dh, logrho, sound, True, flags,
                 tau_lim)
        return out

    def rhs_compiled(t, y, p, tau_lim=1e300):
        # state (r, v, tau): the burn clock runs with t here (no ceiling)
        return _rhs(t, y, p, *st, *cdp, earth, h0, dh, logrho, sound, K.FLAGS_ALL, tau_lim)

    def fly_compiled(i):
        burn = m.total_burn_time_s
        cut = min(tb.cutoff_s[i], burn)
        t_v = m.pitch.vertical_rise_s
        t_k = t_v + m.pitch.kick_duration_s
        p = np.array([cut, t_v, t_k, np.radians(tb.kick_deg[i]), np.radians(tb.launch_azimuth_deg[i]),
                      1.0 / m.rv.beta_kgm2])
        r0 = geodetic_to_ecef(39.0, 125.7, 0.0, model)
        y = np.array([*r0, -model.omega_rads * r0[1], model.omega_rads * r0[0], 0.0, 0.0])
        t = 0.0
        for t_end in sorted({t_v, t_k, cut, *[s for s in m.stage_arrays()[0][1:] if s < cut]}):
            if t_end > t:
                y = solve_ivp(lambda tt, yy: rhs_compiled(min(tt, t_end - 1e-9), yy, p, t_end - 1e-9), (t, t_end), y,
                              method="DOP853", rtol=1e-9, atol=1e-6).y[:, -1]
                t = t_end
        p_coast = p.copy()
        p_coast[0] = -1.0

        def alt(tt, yy):
            c, s = np.cos(model.omega_rads * tt), np.sin(model.omega_rads * tt)
            from thaadsim.earth.frames import ecef_to_geodetic
            return float(ecef_to_geodetic(np.array([c * yy[0] + s * yy[1], -s * yy[0] + c * yy[1], yy[2]]))[2])

        alt.terminal, alt.direction = True, -1
        sol = solve_ivp(lambda tt, yy: rhs_compiled(tt, yy, p_coast), (t, 10800.0), y, method="DOP853", rtol=1e-9,
                        atol=1e-6, events=alt)
        return sol.t_events[0][0]

    fly_compiled(int(idx[0]))     # compile
    t0 = time.perf_counter()
    for i in idx:
        fly_compiled(int(i))
    t_comp = time.perf_counter() - t0

    ours = geodetic_to_ecef(fb.impact_lat_deg[idx], fb.impact_lon_deg[idx], 0.0)
    diff = np.linalg.norm(ours - np.array(plain), axis=1)
    k = len(idx)
    rate = n / t_fly
    print("3. batch engine against solve_ivp(DOP853) one trajectory at a time, same physics, rtol 1e-9")
    print(f"   batch engine, summary only ({n:,})                    {t_fly:7.2f} s {rate:9,.0f} trajectories/s")
    print(f"   batch engine, samples every 5 s ({n:,})               {t_samp:7.2f} s {n / t_samp:9,.0f} trajectories/s")
    print(f"   solve_ivp, plain-Python right-hand side ({k})           {t_plain:7.2f} s {k / t_plain:9,.1f} trajectories/s"
          f"   batch is {rate / (k / t_plain):,.0f}x ({n / t_samp / (k / t_plain):,.0f}x with samples)")
    print(f"   solve_ivp, thaadsim's compiled right-hand side ({k})    {t_comp:7.2f} s {k / t_comp:9,.1f} trajectories/s"
          f"   batch is {rate / (k / t_comp):,.0f}x")
    print(f"   impact points, batch vs plain solve_ivp: max {diff.max():.1f} m, median {np.median(diff):.1f} m")
    return diff.max() < 100


def targeting(m, lat1, lon1, n_robust):
    import thaadsim.flight.targeting as T
    from thaadsim.flight import fly_targeted

    n = lat1.size
    fly_targeted(m, 39.0, 125.7, lat1[:30], lon1[:30], sample_dt_s=None)   # warm: compile, shape table
    t0 = time.perf_counter()
    tb = fly_targeted(m, 39.0, 125.7, lat1, lon1, sample_dt_s=None)
    t_fast = time.perf_counter() - t0
    saved = T.SEEDED_MIN_ROWS
    T.SEEDED_MIN_ROWS = 10 ** 12           # the robust solver alone, as before the fast path
    try:
        t0 = time.perf_counter()
        rb = fly_targeted(m, 39.0, 125.7, lat1[:n_robust], lon1[:n_robust], sample_dt_s=None)
        t_rob = time.perf_counter() - t0
    finally:
        T.SEEDED_MIN_ROWS = saved
    fast, rob = n / t_fast, n_robust / t_rob
    print(f"2. targeting {n:,} Hwasong-15 aimpoints over the continental US from one launch area (min-energy)")
    print(f"   seeded + Newton-Broyden      {t_fast:7.2f} s {fast:8,.0f} targeted/s  "
          f"{tb.targeting_flights / n:5.2f} flights per target  miss max {np.nanmax(tb.miss_km) * 1e3:4.1f} m, "
          f"median {np.nanmedian(tb.miss_km) * 1e3:4.1f} m")
    print(f"   robust solver alone ({n_robust:,})     {t_rob:7.2f} s {rob:8,.0f} targeted/s  "
          f"{rb.targeting_flights / n_robust:5.2f} flights per target   -> fast path x{fast / rob:,.1f}")
    # the other shapes, and a short-range missile (its aimpoints over South Korea)
    rng = np.random.default_rng(3)
    cases = [("hwasong-15", "lofted", lat1, lon1), ("hwasong-15", "depressed", lat1, lon1),
             ("nodong", "min-energy", rng.uniform(33.0, 38.0, n), rng.uniform(126.5, 130.0, n))]
    for mid, shape, la, lo in cases:
        fly_targeted(mid, 39.0, 125.7, la[:30], lo[:30], shape=shape, sample_dt_s=None)
        t0 = time.perf_counter()
        b = fly_targeted(mid, 39.0, 125.7, la, lo, shape=shape, sample_dt_s=None)
        dt = time.perf_counter() - t0
        print(f"   {mid} {shape:<10}             {dt:7.2f} s {n / dt:8,.0f} targeted/s  "
              f"{b.targeting_flights / n:5.2f} flights per target  miss max {np.nanmax(b.miss_km) * 1e3:4.1f} m")
    return tb


def fly_cli_memory(lat1, lon1):
    with tempfile.TemporaryDirectory() as d:
        csv = os.path.join(d, "targets.csv")
        with open(csv, "w") as fh:
            fh.write("lat,lon\n" + "".join(f"{a:.5f},{b:.5f}\n" for a, b in zip(lat1, lon1)))
        exe = os.path.join(os.path.dirname(sys.executable), "thaadsim")
        cmd = [exe, "fly", "--missile", "hwasong-15", "--from", "39.0,125.7", "--targets-csv", csv, "--json"]
        # measured from a small launcher process: a child's peak RSS counts its parent's at exec time
        launcher = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
                    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
                    "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
        out = subprocess.run([sys.executable, "-c", launcher, *cmd], check=True, capture_output=True, text=True)
        dt, peak_kb = out.stdout.split()
        dt, peak = float(dt), float(peak_kb)
    print(f"4. thaadsim fly --targets-csv ({lat1.size:,} targets) --json: {dt:.1f} s as a process, "
          f"peak memory {peak / 1024:,.0f} MB")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--kernel-n", type=int, default=4_000)
    ap.add_argument("--sample", type=int, default=10)
    ap.add_argument("--robust-sample", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)

    from thaadsim.flight import load_missile

    rng = np.random.default_rng(args.seed)
    m = load_missile("hwasong-15")
    lat1 = rng.uniform(30.0, 45.0, args.n)
    lon1 = rng.uniform(-122.0, -75.0, args.n)
    import numba

    print(f"thaadsim flight benchmark on {os.cpu_count()} cores ({numba.get_num_threads()} numba threads)")
    kernel_steps(m, args.kernel_n, rng)
    tb = targeting(m, lat1, lon1, args.robust_sample)
    ok = engine_vs_solve_ivp(m, tb, args.sample, rng)
    fly_cli_memory(lat1, lon1)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
