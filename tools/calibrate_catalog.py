"""Calibrate the missile catalog: match each missile's model maximum range to its published range.

Public sources give a missile's range, often its launch mass, diameter and payload, but almost
never its stage propellant loads, dry masses, specific impulses or burn times. The catalog files
carry engineering estimates for those (typical of the propellant type, labelled as estimates), and
this tool tunes ONE clearly named quantity so that the model's minimum-energy range agrees with
the published range:

    the propellant mass fraction of every stage, scaled by one factor ``f``,
    with each stage's loaded mass (propellant + dry) held fixed.

So the launch mass (published or estimated), the number of stages, the diameters, the payload,
the specific impulses and the burn times stay exactly as written; only the split of each stage's
mass between propellant and structure moves. Range rises monotonically with ``f`` (the ideal
delta-v is sum Isp*g0*ln(m0/(m0 - f*m_p))), so bisection on ``f`` converges. The structure is
never allowed below 4 % of a stage's loaded mass (propellant fraction <= 0.96): if the published
range needs more, the tool stops and says so instead of writing an unphysical rocket.

The figure matched is ``thaadsim.flight.max_range_km``: the range at full burn, range-maximising
pitch, on a non-rotating WGS84 Earth with J2, the US Standard Atmosphere 1976 and drag, the ascent
held under the missile class's dynamic-pressure ceiling when ``FlightOptions().max_q_ceiling`` is on — the
convention published ranges are quoted in (UCS, for one, quotes its lofted-test ranges 'not taking into account the Earth's rotation'
[ref:ucs-hwasong14-2017]).

The result is written back into the TOML file in place (only the ``propellant_mass_kg`` and
``dry_mass_kg`` lines of the stages and the top-level ``calibrated`` line change; comments and
layout are kept). The ``calibrated`` note records the cumulative factor, so re-running the tool
on a calibrated file leaves it (nearly) unchanged and the note still gives the factor relative to
the original estimates.

Usage::

    .venv/bin/python tools/calibrate_catalog.py                 # every catalog file
    .venv/bin/python tools/calibrate_catalog.py scud-b nodong   # some of them
    .venv/bin/python tools/calibrate_catalog.py --check         # report only, write nothing
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import re
import sys
import tempfile
import tomllib
from pathlib import Path

import thaadsim
from thaadsim.earth.constants import G0_MS2
from thaadsim.errors import ThaadsimError
from thaadsim.flight.catalog import catalog_dir, missile_from_dict
from thaadsim.flight.engine import FlightOptions
from thaadsim.flight.targeting import max_range_km

MAX_PROPELLANT_FRACTION = 0.96    # structure >= 4 % of each stage's loaded mass
TOLERANCE = 0.003                 # stop bisecting at +-0.3 % (the catalog promise is +-1 %)
MIN_THRUST_TO_WEIGHT = 1.3
_NOTE_PREFIX = "propellant mass fraction of every stage scaled by f = "


def scaled(d: dict, f: float) -> dict:
    """A copy of catalog dict ``d`` with each stage's propellant scaled by ``f`` at fixed stage mass."""
    out = dict(d)
    out["stages"] = []
    for s in d["stages"]:
        total = float(s["propellant_mass_kg"]) + float(s["dry_mass_kg"])
        p = float(s["propellant_mass_kg"]) * f
        out["stages"].append({**s, "propellant_mass_kg": p, "dry_mass_kg": total - p})
    return out


def f_max(d: dict) -> float:
    """Largest factor that keeps every stage's propellant fraction <= MAX_PROPELLANT_FRACTION."""
    return min(MAX_PROPELLANT_FRACTION * (float(s["propellant_mass_kg"]) + float(s["dry_mass_kg"]))
               / float(s["propellant_mass_kg"]) for s in d["stages"])


def range_at(d: dict, f: float) -> float:
    """Model maximum range (km) with factor ``f``; 0 if the rocket cannot lift off."""
    try:
        m = missile_from_dict(scaled(d, f), d.get("id", "?"))
    except ThaadsimError:
        return 0.0
    return max_range_km(m)


def calibrate(d: dict, *, verbose=True) -> tuple[float, float]:
    """Bisect ``f`` until the model range is within TOLERANCE of ``published_range_km``.

    Returns (f, model range km). Raises ``RuntimeError`` when the published range is out of reach.
    """
    target = float(d.get("range_km_nominal", d["published_range_km"]))
    hi = f_max(d)
    r_hi = range_at(d, hi)
    if r_hi < target:
        raise RuntimeError(f"{d['id']}: even at a propellant fraction of {MAX_PROPELLANT_FRACTION} "
                           f"(f = {hi:.3f}) the range is {r_hi:.0f} km < {target:.0f} km: "
                           "raise the launch mass or Isp estimate")
    lo, r_lo = 0.3, range_at(d, 0.3)
    if r_lo > target:
        raise RuntimeError(f"{d['id']}: even at f = 0.3 the range is {r_lo:.0f} km > {target:.0f} km: "
                           "lower the launch mass or Isp estimate")
    f, r = 1.0, range_at(d, 1.0)
    if not (lo < f < hi):
        f, r = 0.5 * (lo + hi), range_at(d, 0.5 * (lo + hi))
    for _ in range(40):
        if abs(r / target - 1.0) <= TOLERANCE:
            break
        if r < target:
            lo, r_lo = f, r
        else:
            hi, r_hi = f, r
        # regula falsi step, kept inside the middle 80 % of the bracket so it cannot stall
        g = lo + (target - r_lo) / (r_hi - r_lo) * (hi - lo) if r_hi > r_lo else 0.5 * (lo + hi)
        f = min(max(g, lo + 0.1 * (hi - lo)), hi - 0.1 * (hi - lo))
        r = range_at(d, f)
        if verbose:
            print(f"  {d['id']}: f = {f:.5f} -> {r:8.1f} km (target {target:.0f})", file=sys.stderr)
    else:
        raise RuntimeError(f"{d['id']}: bisection did not converge")
    return f, r


def _previous_factor(note: str) -> float:
    m = re.search(re.escape(_NOTE_PREFIX) + r"([0-9.]+)", note or "")
    return float(m.group(1)) if m else 1.0


def rewrite(path: Path, text: str, d_new: dict, note: str) -> str:
    """Replace the stage masses and the ``calibrated`` line in the TOML text, keeping everything else."""
    lines = text.splitlines(keepends=True)
    stage = -1
    in_stage = False
    in_calibration = False
    out = []
    for line in lines:
        head = line.strip()
        if head.startswith("["):
            in_stage = head == "[[stages]]"
            in_calibration = head == "[calibration]"
            stage += in_stage
        key = head.split("=", 1)[0].strip() if "=" in head else None
        if in_stage and key in ("propellant_mass_kg", "dry_mass_kg"):
            val = d_new["stages"][stage][key]
            line = f"{key} = {val:.0f}\n"
        elif stage < 0 and key == "calibrated":
            line = f"calibrated = {_toml_str(note)}\n"
        elif in_calibration and key in ("range_factor", "range_model_km", "range_target_km"):
            # the same calibration as numbers, which tests/test_catalog_calibrations_against_their_targets.py reads
            line = f"{key} = {d_new['_calibration'][key]}\n"
        out.append(line)
    return "".join(out)


def _toml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _write_atomic(path: Path, text: str):
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    os.replace(tmp, path)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("ids", nargs="*", help="missile ids (default: every catalog file)")
    ap.add_argument("--check", action="store_true", help="report the model range only; write nothing")
    args = ap.parse_args(argv)
    # every trial factor is a new rocket: keep its throw-away shape tables out of the user's cache
    os.environ.setdefault("THAADSIM_CACHE_DIR", tempfile.mkdtemp(prefix="thaadsim-calibrate-"))
    paths = sorted(catalog_dir().glob("*.toml"))
    if args.ids:
        paths = [catalog_dir() / f"{i}.toml" for i in args.ids]
    status = 0
    for path in paths:
        text = path.read_text()
        d = tomllib.loads(text)
        target = float(d["published_range_km"])
        if args.check:
            r = range_at(d, 1.0)
            print(f"{d['id']:12s} published {target:7.0f} km  model {r:8.1f} km  ({100 * (r / target - 1):+.2f} %)")
            continue
        try:
            f, r = calibrate(d)
        except RuntimeError as exc:
            print(f"FAILED {exc}", file=sys.stderr)
            status = 1
            continue
        d_new = scaled(d, f)
        # round to whole kg as written, and check the written file still matches
        for s in d_new["stages"]:
            s["propellant_mass_kg"] = round(s["propellant_mass_kg"])
            s["dry_mass_kg"] = round(s["dry_mass_kg"])
        m = missile_from_dict(d_new, str(path))
        r = max_range_km(m)
        tw = m.stages[0].thrust_n / (m.launch_mass_kg * G0_MS2)
        if tw < MIN_THRUST_TO_WEIGHT:
            print(f"FAILED {d['id']}: lift-off thrust/weight {tw:.2f} < {MIN_THRUST_TO_WEIGHT}: "
                  "shorten the first-stage burn time estimate", file=sys.stderr)
            status = 1
            continue
        fr = ", ".join(f"{s.propellant_mass_kg / (s.propellant_mass_kg + s.dry_mass_kg):.3f}" for s in m.stages)
        f_total = _previous_factor(d.get("calibrated", "")) * f
        ceiling = (f", the ascent under the {m.meta.get('class', '?')} dynamic-pressure ceiling of {m.max_q_kpa:g} kPa "
                   "(FlightOptions.max_q_ceiling)" if FlightOptions().max_q_ceiling and m.max_q_kpa > 0 else "")
        note = (f"{_NOTE_PREFIX}{f_total:.4f} relative to the estimates (each stage's loaded mass held "
                f"fixed, so the launch mass is unchanged; resulting propellant fraction per stage: {fr}) to match published_range_km = {target:.0f}; "
                f"model max range {r:.0f} km ({100 * (r / target - 1):+.2f} %), minimum-energy at full burn "
                f"on a non-rotating WGS84 Earth with J2, USSA-76 atmosphere and drag{ceiling}; "
                f"tools/calibrate_catalog.py, thaadsim {thaadsim.__version__}, {_dt.date.today().isoformat()}")
        d_new["_calibration"] = {"range_factor": round(f_total, 4), "range_model_km": round(r),
                                 "range_target_km": round(target)}
        _write_atomic(path, rewrite(path, text, d_new, note))
        print(f"{d['id']:12s} f = {f_total:.4f}  model {r:8.1f} km  published {target:.0f} km  "
              f"launch {m.launch_mass_kg / 1e3:.1f} t  T/W {tw:.2f}")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
