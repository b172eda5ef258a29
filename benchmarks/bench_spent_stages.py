"""Benchmark: flying and detecting spent final stages in batch, against the plain alternative and the missile flight.

Flies N DF-41 trajectories (min-energy, samples every 2 s) from Jilin (central Manchuria) to aimpoints scattered
around Seattle, then:

1. ``thaadsim.flight.spent_stage.fly_spent_stages`` (one batch-kernel call for all N stages), against a plain
   ``scipy.integrate.solve_ivp(DOP853)`` coast per stage written the way ``benchmarks/plain_solve_ivp.py``
   writes the missile (scalar Python, Bowring geodetic altitude, the same 100 m atmosphere table) on a sample
   of rows, extrapolated to N; the impact times of the sample are compared;
2. the stages' cost against the missiles' own flight (``fly_targeted``) and detections by the forward-based
   TPY-2 (``run_stage_detections`` against ``run_detections`` of the missiles);
3. peak traced memory (tracemalloc) of the stage flight.

Both sides of every ratio are measured in the same run.

    python benchmarks/bench_spent_stages.py [--n 2000] [--sample 5] [--quick]
"""

from __future__ import annotations

import argparse
import math
import time
import tracemalloc

import numpy as np


def _plain_coast(t0, y0, beta, model, t_max=6000.0):
    """One stage's drag coast with solve_ivp and scalar Python; returns the impact time (s)."""
    from scipy.integrate import solve_ivp

    from plain_solve_ivp import _geodetic_alt_and_up

    from thaadsim.earth.atmosphere import kernel_table

    mu, j2, a_e, e2, om = model.mu_m3s2, model.j2, model.a_m, model.e2, model.omega_rads
    h0, dh, log_rho, _ = kernel_table()
    log_rho = log_rho.tolist()
    n_atm = len(log_rho)

    def density(h):
        """The kernel's 100 m table, cubic Hermite in log density (as plain_solve_ivp.py does)."""
        x = (h - h0) / dh
        if x <= 0.0:
            return math.exp(log_rho[0])
        if x > n_atm - 1:
            return 0.0
        i = min(int(x), n_atm - 2)
        f = x - i
        y0, y1 = log_rho[i], log_rho[i + 1]
        m0 = (y1 - log_rho[i - 1]) * 0.5 if i > 0 else y1 - y0
        m1 = (log_rho[i + 2] - y0) * 0.5 if i + 2 < n_atm else y1 - y0
        f2, f3 = f * f, f * f * f
        return math.exp((2 * f3 - 3 * f2 + 1) * y0 + (f3 - 2 * f2 + f) * m0 + (-2 * f3 + 3 * f2) * y1 + (f3 - f2) * m1)
    inv_beta = 1.0 / beta

    def alt(t, x, y, z):
        c, s = math.cos(om * t), math.sin(om * t)
        return _geodetic_alt_and_up(c * x + s * y, -s * x + c * y, z, a_e, e2)[0]

    def rhs(t, y):
        x, yy, z, vx, vy, vz = y
        r2 = x * x + yy * yy + z * z
        r = math.sqrt(r2)
        k = 1.5 * j2 * a_e * a_e / r2
        zr2 = z * z / r2
        mr3 = mu / (r2 * r)
        ax = -mr3 * x * (1 + k * (1 - 5 * zr2))
        ay = -mr3 * yy * (1 + k * (1 - 5 * zr2))
        az = -mr3 * z * (1 + k * (3 - 5 * zr2))
        rho = density(alt(t, x, yy, z))
        if rho > 0:
            wx, wy, wz = vx + om * yy, vy - om * x, vz
            dr = 0.5 * rho * math.sqrt(wx * wx + wy * wy + wz * wz) * inv_beta
            ax, ay, az = ax - dr * wx, ay - dr * wy, az - dr * wz
        return [vx, vy, vz, ax, ay, az]

    def impact(t, y):
        return alt(t, y[0], y[1], y[2])

    impact.terminal, impact.direction = True, -1
    sol = solve_ivp(rhs, (t0, t_max), y0, method="DOP853", rtol=1e-9, atol=1e-6, events=impact, max_step=20.0)
    return float(sol.t_events[0][0])


def main(argv=None):
    import os
    import sys

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2_000)
    ap.add_argument("--sample", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--quick", action="store_true", help="N = 300, 3 sampled rows")
    args = ap.parse_args(argv)
    if args.quick:
        args.n, args.sample = 300, 3
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

    from thaadsim.analysis.detections import run_detections, run_stage_detections
    from thaadsim.earth.constants import earth_model
    from thaadsim.flight import fly_targeted
    from thaadsim.flight.spent_stage import fly_spent_stages, spent_stage_for
    from thaadsim.sensors.radar import load_radar

    rng = np.random.default_rng(args.seed)
    lat = 47.61 + rng.uniform(-3, 3, args.n)
    lon = -122.33 + rng.uniform(-4, 4, args.n)
    fly_targeted("df-41", 43.9, 125.3, lat[:2], lon[:2])               # compile and cache outside the timing
    tracemalloc.start()
    t = time.perf_counter()
    batch = fly_targeted("df-41", 43.9, 125.3, lat, lon)
    t_missiles = time.perf_counter() - t
    _, peak_missiles = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    fly_spent_stages(batch[:2])
    tracemalloc.start()
    t = time.perf_counter()
    stages, rows = fly_spent_stages(batch)
    t_stages = time.perf_counter() - t
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    info = spent_stage_for("df-41")
    model = earth_model("wgs84")
    sample = rng.choice(len(rows), size=min(args.sample, len(rows)), replace=False)
    t = time.perf_counter()
    worst = 0.0
    for j in sample:
        i = rows[j]
        k = int(np.nanargmin(np.abs(batch.t_s[i] - batch.burnout_s[i])))
        y0 = np.concatenate([batch.r_eci_m[i, k], batch.v_eci_ms[i, k]])
        t_imp = _plain_coast(float(batch.burnout_s[i]), y0, info.beta_kgm2, model)
        worst = max(worst, abs(t_imp - float(stages.impact_s[j])))
    t_plain = (time.perf_counter() - t) / len(sample) * len(rows)

    radar = {"FBM": load_radar("tpy2-fbm").place(36.0, 128.2, 680.0, 350.0)}
    t = time.perf_counter()
    run_detections(batch, radar)
    t_det_missiles = time.perf_counter() - t
    t = time.perf_counter()
    run_stage_detections(stages, radar, info.rcs_m2)
    t_det_stages = time.perf_counter() - t

    n = len(rows)
    print(f"spent stages of {n:,} DF-41 flights (samples every 2 s), NUMBA_NUM_THREADS={os.environ.get('NUMBA_NUM_THREADS', 'all')}")
    print(f"  batch kernel        {t_stages:8.2f} s   {n / t_stages:10,.0f} stages/s   peak traced memory {peak / 1e6:,.0f} MB")
    print(f"  plain solve_ivp     {t_plain:8.2f} s   {n / t_plain:10,.0f} stages/s   (extrapolated from {len(sample)} rows; "
          f"largest impact-time difference {worst:.3f} s)")
    print(f"  ratio plain / batch {t_plain / t_stages:8.1f} x")
    print(f"  missiles' own flight (fly_targeted) {t_missiles:.2f} s, peak traced memory {peak_missiles / 1e6:,.0f} MB: "
          f"stages add {t_stages / t_missiles:.2f} x its time and {peak / peak_missiles:.2f} x its peak memory")
    print(f"  detections by the forward-based TPY-2: missiles {t_det_missiles:.2f} s, stages {t_det_stages:.2f} s")


if __name__ == "__main__":
    main()
