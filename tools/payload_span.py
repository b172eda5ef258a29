"""Compute each catalog missile's payload span: the RV masses at which the model flies the ends of its
published range band (``range_km_high`` with the lightest payload, ``range_km_low`` with the heaviest),
on the catalog's range convention (non-rotating maximum range, ``thaadsim.flight.max_range_km``).

Only for missiles whose band comes from payload (named on the command line); the RV's own mass is the
span's end where the band's end is the nominal figure. Writes ``payload_kg_min``, ``payload_kg_max`` and
``payload_source`` after ``range_band_source``, and the targets into the file's ``[calibration]`` table
(``payload_kg_min_target_range_km`` etc.), so tests/test_catalog_calibrations_against_their_targets.py
recomputes them.

    .venv/bin/python tools/payload_span.py df-41 hwasong-15 musudan
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import tomllib

from thaadsim.errors import ThaadsimError
from thaadsim.flight.catalog import catalog_dir, missile_from_dict
from thaadsim.flight.targeting import max_range_km

TOLERANCE = 0.002


def range_with_payload(d: dict, payload_kg: float) -> float:
    dd = dict(d)
    dd["rv"] = {**d["rv"], "mass_kg": payload_kg}
    try:
        return max_range_km(missile_from_dict(dd, d["id"]))
    except ThaadsimError:          # too heavy to lift off: no range at all
        return 0.0


def payload_for_range(d: dict, target_km: float) -> tuple[float, float]:
    """Bisect the RV mass (range falls as it grows) until the model range is within TOLERANCE of target."""
    lo, hi = 10.0, 5.0 * float(d["rv"]["mass_kg"])
    r_lo, r_hi = range_with_payload(d, lo), range_with_payload(d, hi)
    if not (r_hi <= target_km <= r_lo):
        raise RuntimeError(f"{d['id']}: {target_km} km is outside [{r_hi:.0f}, {r_lo:.0f}] km for RV masses "
                           f"[{lo:g}, {hi:g}] kg")
    p, r = lo, r_lo
    for _ in range(40):
        # regula falsi, kept inside the middle 80 % of the bracket
        g = lo + (r_lo - target_km) / (r_lo - r_hi) * (hi - lo)
        p = min(max(g, lo + 0.1 * (hi - lo)), hi - 0.1 * (hi - lo))
        r = range_with_payload(d, p)
        print(f"  {d['id']}: {p:8.1f} kg -> {r:8.1f} km (target {target_km:.0f})", file=sys.stderr)
        if abs(r / target_km - 1) <= TOLERANCE:
            return p, r
        if r > target_km:
            lo, r_lo = p, r
        else:
            hi, r_hi = p, r
    raise RuntimeError(f"{d['id']}: did not converge")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("ids", nargs="+")
    args = ap.parse_args(argv)
    os.environ.setdefault("THAADSIM_CACHE_DIR", tempfile.mkdtemp(prefix="thaadsim-payload-"))
    for mid in args.ids:
        path = catalog_dir() / f"{mid}.toml"
        text = path.read_text()
        d = tomllib.loads(text)
        rv = float(d["rv"]["mass_kg"])
        nominal = float(d["range_km_nominal"])
        ends = {}
        for key, band_key in (("payload_kg_min", "range_km_high"), ("payload_kg_max", "range_km_low")):
            target = float(d[band_key])
            if target == nominal:
                ends[key] = (rv, target)
            else:
                p, _ = payload_for_range(d, target)
                ends[key] = (round(p), target)
        src = (f"calibrated: the RV masses at which the model flies range_km_high = {ends['payload_kg_min'][1]:.0f} km "
               f"({ends['payload_kg_min'][0]:.0f} kg) and range_km_low = {ends['payload_kg_max'][1]:.0f} km "
               f"({ends['payload_kg_max'][0]:.0f} kg) on the catalog's range convention (tools/payload_span.py); "
               "the catalog RV mass is the end that is the nominal figure")
        text = re.sub(r"^payload_kg_(min|max) = .*\n|^payload_source = .*\n", "", text, flags=re.M)
        m = re.search(r"^range_band_source = .*\n", text, re.M)
        text = (text[:m.end()] + f"payload_kg_min = {ends['payload_kg_min'][0]:.0f}\n"
                f"payload_kg_max = {ends['payload_kg_max'][0]:.0f}\n"
                f"payload_source = \"{src}\"\n" + text[m.end():])
        path.write_text(text)
        print(f"{mid}: payload {ends['payload_kg_min'][0]:.0f}..{ends['payload_kg_max'][0]:.0f} kg")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
