"""The missile catalog against its published figures (the sources each catalog file cites,
``thaadsim catalog show ID``) and the two-body minimum-energy relation [ref:wheelon-1959].

* each file's ``published_range_km``: the model's minimum-energy range at full burn (``max_range_km``)
  within +-5 % (the calibration aims at +-1 %);
* the burnout speed a published range needs on a spherical Earth (sin(psi/2) = nu/(2 - nu)) is a
  floor for the stack's ideal (Tsiolkovsky) delta-v; the difference, the gravity, drag and steering
  loss, must be positive and under 2.5 km/s.

The per-missile calibration check adds its rows here, one function each.
"""

from __future__ import annotations

import math
import tomllib

from thaadsim.validation import Row, check

FAMILY = "catalog"
MU = 3.986004418e14
R_E = 6371e3


def _ids():
    from thaadsim.flight.catalog import catalog_dir
    return sorted(p.stem for p in catalog_dir().glob("*.toml"))


def published(mid: str) -> dict:
    """The raw catalog file of ``mid`` (its published figures and their sources)."""
    from thaadsim.flight.catalog import catalog_dir
    return tomllib.loads((catalog_dir() / f"{mid}.toml").read_text())


def min_energy_speed_ms(range_km: float) -> float:
    """Burnout speed for a minimum-energy shot of this range ([ref:wheelon-1959], sphere, no drag).

    sin(psi/2) = nu / (2 - nu)  =>  nu = 2 s / (1 + s),  v = sqrt(nu mu / R).
    """
    s = math.sin(range_km * 1e3 / R_E / 2.0)
    return math.sqrt(2.0 * s / (1.0 + s) * MU / R_E)


_CASES = {m: {"mid": m} for m in _ids()}


@check(FAMILY, cases=_CASES)
def max_range_against_published(mid: str) -> Row:
    from thaadsim.flight import load_missile, max_range_km

    d = published(mid)
    return Row.within(f"{mid}: maximum range", FAMILY, d.get("range_source", "published range"),
                      value=max_range_km(load_missile(mid)), reference=float(d["published_range_km"]), rel=0.05,
                      unit="km")


@check(FAMILY)
def min_energy_inversion_reproduces_the_table() -> list[Row]:
    return [Row.within(f"min-energy speed for {r_km:,} km", FAMILY, "min-energy table [ref:wheelon-1959]",
                       value=min_energy_speed_ms(r_km) / 1e3, reference=v_kms, abs=0.005, unit="km/s")
            for v_kms, r_km in ((3.0, 988), (5.0, 3215), (7.2, 10012))]


@check(FAMILY, cases=_CASES)
def ideal_delta_v_covers_two_body_speed(mid: str) -> Row:
    from thaadsim.flight import load_missile

    d = published(mid)
    need = min_energy_speed_ms(float(d["published_range_km"]))
    dv = load_missile(mid).ideal_delta_v_ms()
    # the gravity, drag and steering loss dv - need must be positive and under 2.5 km/s
    return Row.between(f"{mid}: ideal delta-v against the min-energy speed of its published range", FAMILY,
                       "rocket equation vs two-body min-energy speed [ref:wheelon-1959]", value=dv,
                       reference=need, lower=need, upper=need + 2500.0, unit="m/s",
                       text="above it by a loss of 0-2,500 m/s")


# Public figures from the catalog's cited sources that the catalog must keep as published (bounds where a
# span is given): missile -> [(what, low, high, whose figure)]
PUBLISHED = {
    "scud-b": [("rv.mass_kg", 1000, 1000, "~1,000 kg (CNS / Morimoto 1994)")],
    "scud-c": [("rv.mass_kg", 700, 700, "~700 kg")],
    "nodong": [("rv.mass_kg", 1000, 1200, "1.0-1.2 t (Japanese estimate)")],
    "musudan": [("rv.mass_kg", 650, 650, "650 kg (38 North assumption)")],
    "hwasong-15": [("rv.mass_kg", 1000, 1000, "Elleman"), ("diameter_m", 2.0, 2.0, "Arirang"),
                   ("stages", 2, 2, "Arirang")],
    "hwasong-17": [("launch_mass_kg", 80e3, 110e3, "38 North"), ("diameter_m", 2.4, 2.5, "38 North"),
                   ("stages", 2, 2, "38 North")],
    "hwasong-14": [("stages", 2, 2, "the catalog file's sources")],
    "df-26": [("rv.mass_kg", 1200, 1800, "CSIS"), ("stages", 2, 2, "CSIS")],
    "df-31a": [("stages", 3, 3, "the catalog file's sources")],
    "df-41": [("diameter_m", 2.78, 2.78, "CCTV"), ("stages", 3, 3, "CCTV")],
    "iskander-m": [("rv.mass_kg", 1, 700, "up to 700 kg (MDAA)")],
    "topol-m": [("stages", 3, 3, "the catalog file's sources")],
}
_UNITS = {"rv.mass_kg": "kg", "launch_mass_kg": "kg", "diameter_m": "m", "stages": ""}


@check(FAMILY, cases={m: {"mid": m} for m in PUBLISHED})
def published_figures_kept(mid: str) -> list[Row]:
    """The model carries each published mass, diameter and stage count unchanged (within a published span)."""
    from thaadsim.flight import load_missile

    m = load_missile(mid)
    have = {"rv.mass_kg": m.rv.mass_kg, "launch_mass_kg": m.launch_mass_kg, "diameter_m": m.stages[0].diameter_m,
            "stages": len(m.stages)}
    return [Row.between(f"{mid}: {what}", FAMILY, f"published: {whose}", value=have[what], reference=(lo + hi) / 2,
                        lower=lo - 1e-9, upper=hi + 1e-9, unit=_UNITS[what],
                        text="as published" if lo == hi else f"{lo:g}-{hi:g} (the published span)")
            for what, lo, hi, whose in PUBLISHED[mid]]
