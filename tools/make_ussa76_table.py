"""Generate the 86-1000 km table of the U.S. Standard Atmosphere 1976 (package data).

This is a one-time developer step, not part of the package or its tests. The table is
committed as ``src/thaadsim/data/ussa76_upper.npz`` and read by
``thaadsim.earth.atmosphere``; nothing downloads at run time.

Why a table
-----------
Below 86 km the 1976 standard is a few closed-form layers (coded directly in
``atmosphere.py``). Above 86 km it is defined by diffusion of N2, O, O2, Ar, He and H with
a prescribed kinetic-temperature profile (U.S. Standard Atmosphere 1976, NOAA-S/T 76-1562,
eqs. 23-31 and Part 1 sec. 1.3), which needs a numerical integration of the species'
number densities. Rather than re-derive that, we sample a maintained implementation once:
pyatmos 1.2.7 ``coesa76``. Its kinetic temperature above 86 km is the standard's closed form;
its log-density and log-pressure are 4th-order polynomial fits per altitude band (86, 91, 100,
110, 120, 150, 200, 300, 500, 750 km; after braeunig.us), within about 0.05 % of the
standard's printed table.

How it was run (Debian 12, CPython 3.11.7, 2026-11-26)
-----------------------------------------------------
::

    python3 -m venv /tmp/pyatmos-venv
    /tmp/pyatmos-venv/bin/pip install pyatmos==1.2.7       # pulls astropy, numpy, ...
    # `import pyatmos` downloads IERS files unless told not to; run it offline:
    ENABLE_IERS_LOAD=false unshare -n /tmp/pyatmos-venv/bin/python tools/make_ussa76_table.py

pyatmos is NOT a dependency of thaadsim; only this script imports it.

Output (``.npz``, float64 arrays, 0.5 km step, 1829 rows)
------------------------------------------------------
``alt_m`` geometric altitude 86 000 ... 1 000 000 m; ``rho_kgm3`` mass density;
``t_k`` kinetic temperature; ``p_pa`` pressure; ``source`` a string naming the generator.
Measured when generated: linear interpolation of ln(rho), T, ln(p) at the 0.5 km step misses
pyatmos at the mid-points by at most 0.034 %, 0.065 %, 0.027 % (a 1 km step: 0.11 %, 0.20 %,
0.08 %, hence the finer step; the file is 45 KB).
The 86 km row is sampled just above 86 km (86 km + 1 mm) so that every row comes from the
same (upper) branch of pyatmos, i.e. the kinetic temperature 186.8673 K of the standard.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "src" / "thaadsim" / "data" / "ussa76_upper.npz"
STEP_KM = 0.5
Z_LO_KM, Z_HI_KM = 86.0, 1000.0


def main() -> int:
    os.environ.setdefault("ENABLE_IERS_LOAD", "false")   # must be set before the import
    import pyatmos                                        # noqa: PLC0415 (dev-only, throwaway venv)
    from importlib.metadata import version

    z_km = np.arange(Z_LO_KM, Z_HI_KM + 0.5 * STEP_KM, STEP_KM)
    z_eval = z_km.copy()
    z_eval[0] += 1e-6                                     # upper branch at the 86 km node (see docstring)
    res = pyatmos.coesa76(z_eval)
    rho, t, p = (np.asarray(a, dtype=np.float64) for a in (res.rho, res.T, res.P))
    if not (np.all(np.isfinite(rho)) and np.all(np.diff(np.log(rho)) < 0)):
        raise SystemExit("pyatmos returned a non-finite or non-monotone density; table not written")

    # Interpolation error of the shipped step, measured at the mid-points against pyatmos itself.
    z_mid = 0.5 * (z_km[1:] + z_km[:-1])
    mid = pyatmos.coesa76(z_mid)
    err_rho = np.exp(np.interp(z_mid, z_km, np.log(rho))) / np.asarray(mid.rho) - 1.0
    err_t = np.interp(z_mid, z_km, t) / np.asarray(mid.T) - 1.0
    err_p = np.exp(np.interp(z_mid, z_km, np.log(p))) / np.asarray(mid.P) - 1.0
    print(f"mid-point interpolation error: rho {np.abs(err_rho).max():.2e} "
          f"T {np.abs(err_t).max():.2e} p {np.abs(err_p).max():.2e} (max relative)")

    source = (f"pyatmos {version('pyatmos')} coesa76 (U.S. Standard Atmosphere 1976 / COESA 1976), "
              f"sampled every {STEP_KM:g} km from {Z_LO_KM:g} to {Z_HI_KM:g} km geometric "
              "by tools/make_ussa76_table.py")
    fd, tmp = tempfile.mkstemp(dir=OUT.parent, suffix=".npz.tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez_compressed(fh, alt_m=z_km * 1e3, rho_kgm3=rho, t_k=t, p_pa=p, source=np.array(source))
        os.replace(tmp, OUT)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {z_km.size} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
