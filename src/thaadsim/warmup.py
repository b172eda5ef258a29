"""Compile thaadsim's numba kernels once, ahead of the first run: ``python -m thaadsim.warmup``.

The flight kernel, the frames and the atmosphere lookup are numba functions with ``cache=True``:
the first call compiles them (about 15-20 s on two cores) and writes the machine code next to the
sources, so every later process loads it in a fraction of a second. ``make`` runs this module right
after installing, so a new user's first ``thaadsim run`` simulates instead of waiting on the
compiler. Running it again costs about a second (numba finds its cache).
"""

from __future__ import annotations

import sys
import time


def compile_kernels() -> float:
    """Call every compiled kernel once on tiny inputs (filling numba's on-disk cache); return seconds."""
    t0 = time.perf_counter()
    import numpy as np

    from thaadsim.earth.frames import ecef_to_geodetic, geodetic_to_ecef
    from thaadsim.flight import fly_kinematic, fly_powered, load_missile

    ecef_to_geodetic(geodetic_to_ecef(np.array([10.0]), np.array([20.0]), np.array([30.0])))
    # the kernel has one signature; summary-only and sampled calls share it
    fly_kinematic(7.0, 25.0, 45.0, 0.0, 0.0, sample_dt_s=None)
    fly_powered([load_missile("scud-b")], np.zeros(1, int), 0.0, 0.0, 45.0, 30.0, sample_dt_s=5.0)
    return time.perf_counter() - t0


def main() -> int:
    dt = compile_kernels()
    print(f"thaadsim kernels compiled and cached ({dt:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
