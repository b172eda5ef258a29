"""Benchmark: ``thaadsim infer`` fits every assumption variant in one batch, against one variant at a time.

For the five lofted tests of tests/test_infer_against_published_estimates.py, the inference
(``infer_lofted_test``: the Newton fit of 9-11 assumption variants, then their non-rotating
minimum-energy ranges) is timed as shipped, where every Newton iteration flies all variants and all
Jacobian columns in one engine call, against the plain alternative a first version would write:
the same fit and range scan called for one variant at a time. Both sides give the same ranges
(each variant's Newton path does not depend on its batch); the benchmark checks that, and prints
the time per test, the ratio, and the peak Python-heap memory of each side (tracemalloc).

    python benchmarks/bench_infer.py [--tests 5]
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np

TESTS = [  # (name, apogee km, range km, minutes, stages), as in the test file
    ("Hwasong-12 2017-05-14", 2111.5, 787.0, 30.0, 1),
    ("Hwasong-14 2017-07-04", 2802.0, 933.0, 38.0, 2),
    ("Hwasong-14 2017-07-28", 3724.9, 998.0, 47.2, 2),
    ("Hwasong-15 2017-11-28", 4475.0, 950.0, 53.0, 2),
    ("Hwasong-17 2022-11-18", 6040.9, 999.2, 4135.0 / 60.0, 2),
]


def _batched(test):
    from thaadsim.analysis import inference as I

    _, apo, rng, minutes, stages = test
    variants = I.assumption_variants(stages)
    fit = I.fit_lofted_test(apo, rng, minutes * 60.0, variants)
    return I.met_range_km(fit.missiles)


def _one_at_a_time(test):
    from thaadsim.analysis import inference as I

    _, apo, rng, minutes, stages = test
    out = []
    for v in I.assumption_variants(stages):       # the loop the batch replaces
        fit = I.fit_lofted_test(apo, rng, minutes * 60.0, [v])
        out.append(float(I.met_range_km(fit.missiles)[0]))
    return np.array(out)


def _measure(fn, test):
    tracemalloc.start()
    t0 = time.perf_counter()
    out = fn(test)
    dt = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return out, dt, peak


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tests", type=int, default=5, help="how many of the five tests")
    args = ap.parse_args(argv)
    _batched(TESTS[1])        # compile / load the numba kernels outside the timing
    print(f"{'test':24s} {'batched s':>10s} {'one-by-one s':>13s} {'ratio':>6s} {'peak MB b/1':>12s}  same")
    tb = to = 0.0
    for test in TESTS[: args.tests]:
        rb, dtb, pb = _measure(_batched, test)
        ro, dto, po = _measure(_one_at_a_time, test)
        same = bool(np.allclose(np.nan_to_num(rb), np.nan_to_num(ro), rtol=1e-6, atol=1e-3))
        tb, to = tb + dtb, to + dto
        print(f"{test[0]:24s} {dtb:10.2f} {dto:13.2f} {dto / dtb:6.1f} {pb / 1e6:5.1f}/{po / 1e6:5.1f}  {same}")
    print(f"{'all':24s} {tb:10.2f} {to:13.2f} {to / tb:6.1f}")


if __name__ == "__main__":
    main()
