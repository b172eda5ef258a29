"""Calibrate the interceptor catalog: match each interceptor's engine burnout speed to its catalog figure.

The catalog gives an interceptor's burnout speed (published or estimated) and burn time, its launch
mass and diameter, and estimates for the motor's specific impulse and the kill vehicle. This tool
tunes ONE clearly named quantity,

    ``propellant_fraction`` = propellant mass / launch mass, at fixed launch mass,

so that the burnout speed of the farthest-reaching member of the kick-angle fan, flown by
``thaadsim.flight.fly_powered`` on a non-rotating sphere with the US Standard Atmosphere 1976 and
drag (:func:`thaadsim.defense.reach.reference_burnout`), equals ``burnout_speed_kms``. Only the
``value`` and ``calibrated`` lines of the ``[propellant_fraction]`` table change; the file is
rewritten atomically.

Usage::

    .venv/bin/python tools/calibrate_interceptors.py              # every catalog file
    .venv/bin/python tools/calibrate_interceptors.py thaad        # some of them
    .venv/bin/python tools/calibrate_interceptors.py --check      # report only, write nothing
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as _dt
import re
import sys

import thaadsim
from thaadsim.defense.interceptors import _catalog_dir, interceptor_ids, load_interceptor
from thaadsim.defense.reach import calibrate_propellant_fraction, reference_burnout
from thaadsim.io.atomic import write_text as atomic_write_text

_BLOCK = re.compile(r"(\[propellant_fraction\]\s*\nvalue = )([^\n]*)(\ncalibrated = )\"[^\n]*\"")


def calibrate(iid: str, write: bool) -> str:
    itc = load_interceptor(iid)
    f = calibrate_propellant_fraction(itc)
    cal = dataclasses.replace(itc, propellant_fraction=f)
    v, kick, rng = reference_burnout(cal)
    err = (v / itc.burnout_speed_kms - 1.0) * 100.0
    note = (f"propellant fraction (propellant / launch mass at fixed launch mass {itc.launch_mass_kg:g} kg) = {f:.4f} "
            f"to match burnout_speed_kms = {itc.burnout_speed_kms:g}; engine burnout speed {v:.3f} km/s "
            f"({err:+.2f} %) on the farthest-reaching fan member (kick {kick:.1f} deg, ground range {rng:.0f} km), "
            f"fly_powered on a non-rotating sphere with USSA-76 atmosphere and drag; tools/calibrate_interceptors.py, "
            f"thaadsim {thaadsim.__version__}, {_dt.date.today().isoformat()}")
    if write:
        path = _catalog_dir() / f"{iid}.toml"
        text = path.read_text()
        new, n = _BLOCK.subn(lambda m: f"{m.group(1)}{f:.4f}{m.group(3)}\"{note}\"", text)
        if n != 1:
            raise SystemExit(f"{path}: expected one [propellant_fraction] table with value and calibrated lines")
        atomic_write_text(path, new)
    return f"{iid}: {note}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("ids", nargs="*")
    ap.add_argument("--check", action="store_true", help="report only, write nothing")
    a = ap.parse_args(argv)
    for iid in a.ids or interceptor_ids():
        print(calibrate(iid, not a.check), flush=True)
        load_interceptor.cache_clear()
    return 0


if __name__ == "__main__":
    sys.exit(main())
