"""Benchmark: what the dynamic-pressure ceiling costs the batch kernel, and what it does to each ascent.

1. CPU time (``time.process_time``, one numba thread) of N summary-only Hwasong-15 flights (rotating
   WGS84 Earth, J2, USSA-76, drag, boost to impact, kicks spread over 5-75 deg) with the ceiling off
   and on, runs interleaved (off, on, off, on, ...) so a busy machine loads both alike; the ratio is
   against the ceiling-off run of the same process. Run the same script with PYTHONPATH pointing at an
   older checkout (no ``max_q_ceiling`` option) to compare the kernel before the burn clock was added:
   it then times only the plain flights.
2. Per catalog missile (with ``--table``): the range-maximising ascent's peak q, kick and burnout time,
   and the maximum range on the catalog's convention, with the ceiling off and on.
3. Peak memory (ru_maxrss) of the process.

    NUMBA_NUM_THREADS=1 python benchmarks/bench_max_q_ceiling.py [--n 2000] [--repeats 3] [--table]
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np


def _time_flights(missile, n, options):
    from thaadsim.flight import fly_powered

    kicks = np.linspace(5.0, 75.0, n)
    az = np.linspace(0.0, 350.0, n)
    t0 = time.process_time()
    b = fly_powered([missile], np.zeros(n, int), 39.0, 125.7, az, kicks, options=options, sample_dt_s=None)
    return time.process_time() - t0, b


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--table", action="store_true", help="also the per-missile range-maximising ascents")
    args = ap.parse_args(argv)

    import numba

    from thaadsim.flight import load_missile
    from thaadsim.flight.engine import FlightOptions

    has_ceiling = "max_q_ceiling" in FlightOptions.__dataclass_fields__
    m = load_missile("hwasong-15")
    modes = {"ceiling off": FlightOptions(**({"max_q_ceiling": False} if has_ceiling else {}))}
    if has_ceiling:
        modes["ceiling on"] = FlightOptions(max_q_ceiling=True)
    for opts in modes.values():                 # compile outside the timing
        _time_flights(m, 4, opts)
    times = {k: [] for k in modes}
    steps = {}
    for _ in range(args.repeats):
        for name, opts in modes.items():
            dt, b = _time_flights(m, args.n, opts)
            times[name].append(dt)
            steps[name] = (float(np.mean(b.max_q_kpa)), float(np.max(b.max_q_kpa)))
    print(f"1. {args.n:,} Hwasong-15 flights, summary only, {numba.get_num_threads()} numba thread(s), "
          f"CPU time, best of {args.repeats} interleaved runs"
          + ("" if has_ceiling else " (checkout without the ceiling option)"))
    base = min(times["ceiling off"])
    for name, ts in times.items():
        best = min(ts)
        print(f"   {name:<12s} {best:7.2f} s CPU {args.n / best:8,.0f} flights/s  x{best / base:5.2f}  "
              f"(runs {', '.join(f'{t:.2f}' for t in ts)})  peak q mean {steps[name][0]:6.1f} kPa, "
              f"max {steps[name][1]:6.1f} kPa")

    if args.table and has_ceiling:
        from thaadsim.flight import fly_powered
        from thaadsim.flight.catalog import missile_ids
        from thaadsim.flight.targeting import shape_table

        print("2. range-maximising ascent (full burn, non-rotating WGS84 Earth): ceiling off -> on")
        print(f"   {'missile':<12s} {'class':<5s} {'q_max':>5s}  {'range km':>15s}  {'peak q kPa':>13s}  "
              f"{'kick deg':>11s}  {'burnout s':>13s}")
        for mid in missile_ids():
            mm = load_missile(mid)
            row = []
            for on in (False, True):
                opts = FlightOptions(max_q_ceiling=on)
                st = shape_table(mm, opts)
                kick = float(st.best_kick_deg[-1])
                b = fly_powered([mm], [0], 0.0, 0.0, 90.0, kick, sample_dt_s=None,
                                options=FlightOptions(rotation=False, max_q_ceiling=on))
                row.append((float(np.nanmax(st.max_range_km)), float(b.max_q_kpa[0]), kick, float(b.burnout_s[0])))
            (r0, q0, k0, t0), (r1, q1, k1, t1) = row
            print(f"   {mid:<12s} {mm.meta.get('class', ''):<5s} {mm.max_q_kpa:5.0f}  {r0:6.0f} -> {r1:6.0f}  "
                  f"{q0:5.1f} -> {q1:5.1f}  {k0:4.1f} -> {k1:4.1f}  {t0:5.1f} -> {t1:5.1f}")
    print(f"3. peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
