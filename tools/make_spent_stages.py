"""Write src/thaadsim/data/catalog/spent_stages.toml from the missile catalog (estimates; see
thaadsim.flight.spent_stage for the formulas and their sources).

    PYTHONPATH=src python tools/make_spent_stages.py

Run it again after the catalog's final stages change; the file records the inputs it used.
"""

from __future__ import annotations

import sys
from pathlib import Path

from thaadsim.flight.catalog import load_missile, missile_ids
from thaadsim.flight.spent_stage import LENGTH_FACTOR, PROPELLANT_DENSITY_KGM3, TUMBLING_CD, estimate_spent_stage

#: warhead stays on the body: no second object (the catalog notes say so for Scud-B; Scud-C is a stretched
#: Scud-B; Iskander-M's manoeuvring body is the warhead carrier)
NOT_SEPARATING = {"scud-b", "scud-c", "iskander-m"}
LIQUID_PREFIXES = ("hwasong", "musudan", "nodong", "scud")

HEADER = """# Spent final stages as radar objects (issue 10, item 4): ballistic coefficient and RCS of each missile's
# burnt-out last stage, which flies on beside the RV after separation. EVERY NUMBER IS AN ESTIMATE of this tool,
# made from the missile catalog's final-stage diameter, dry and propellant masses by
# thaadsim.flight.spent_stage.estimate_spent_stage (read its docstring for the reasoning and sources:
# [ref:regan-1984, knott-2004, mahafza-2000]); no published spent-stage figure was found for any of these missiles.
# Written by tools/make_spent_stages.py; the inputs used are recorded with each entry.
#   length_m   = %(lf)g * propellant_mass_kg / (density * pi * a^2), density %(solid)g (solid) / %(liquid)g (liquid) kg/m^3
#   beta_kgm2  = dry_mass_kg / (C_D * S/4), C_D = %(cd)g, S/4 = (pi a^2 + pi a L) / 2 (tumbling cylinder)
#   rcs_m2     = S/4: aspect-averaged RCS of an electrically large cylinder in the optical region (X band)
# separates = false: the warhead stays on the body, so there is no second object.
"""


def main() -> int:
    out = [HEADER % {"lf": LENGTH_FACTOR, "solid": PROPELLANT_DENSITY_KGM3["solid"],
                     "liquid": PROPELLANT_DENSITY_KGM3["liquid"], "cd": TUMBLING_CD}]
    for mid in missile_ids():
        m = load_missile(mid)
        s = m.stages[-1]
        prop = "liquid" if mid.startswith(LIQUID_PREFIXES) else "solid"
        out.append(f'\n["{mid}"]')
        if mid in NOT_SEPARATING:
            out.append("separates = false")
            out.append('estimate = "warhead not separated from the body in flight (catalog notes); no second object"')
            continue
        e = estimate_spent_stage(s.diameter_m, s.dry_mass_kg, s.propellant_mass_kg, prop)
        out.append("separates = true")
        out.append(f"beta_kgm2 = {e['beta_kgm2']:.0f}")
        out.append(f"rcs_m2 = {e['rcs_m2']:.2f}")
        out.append(f'propellant = "{prop}"')
        out.append(f"length_m = {e['length_m']:.2f}")
        out.append(f"diameter_m = {s.diameter_m:g}")
        out.append(f"dry_mass_kg = {s.dry_mass_kg:g}")
        out.append(f"propellant_mass_kg = {s.propellant_mass_kg:g}")
        out.append(f'estimate = "stage {len(m.stages)} of {len(m.stages)} ({prop}): {s.diameter_m:g} m x '
                   f'{e["length_m"]:.1f} m (length estimated), {s.dry_mass_kg:g} kg dry (catalog); beta and RCS '
                   f'from its mean projected area, estimates"')
    path = Path(__file__).resolve().parents[1] / "src" / "thaadsim" / "data" / "catalog" / "spent_stages.toml"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
