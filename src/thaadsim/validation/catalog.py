"""The missile catalog against its published figures (the sources each catalog file cites,
``thaadsim catalog show ID``) and the two-body minimum-energy relation [ref:wheelon-1959].

* each file's ``published_range_km``: the model's minimum-energy range at full burn (``max_range_km``)
  within +-5 % (the calibration aims at +-1 %);
* the burnout speed a published range needs on a spherical Earth (sin(psi/2) = nu/(2 - nu)) is a
  floor for the stack's ideal (Tsiolkovsky) delta-v; the difference, the gravity, drag and steering
  loss, must be positive and under 2.5 km/s.

* every calibrated number (stage propellant fractions, payload span, lofted-test burn times, interceptor
  propellant fractions) recomputed with today's engine on freshly built shape tables, against the
  published figure its TOML records it was calibrated to, within 0.5 %
  (:func:`thaadsim.flight.calibrations.calibration_report`, issue 10 item 6);
* each missile's published range band (low, nominal, high): every figure is one its cited source text
  quotes; from the home launch area the rotating-Earth reach is east > the non-rotating convention > west
  (the ground's eastward speed omega R cos(latitude) helps an eastward shot), and the non-rotating figure
  is the calibrated nominal one (0.5 %).
"""

from __future__ import annotations

import contextlib
import functools
import math
import re
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


# --- calibrations that cannot go stale (issue 10 item 6) ------------------------------------------------------
#: the tool that recalibrates each kind of figure, named in a stale row
CALIBRATION_TOOLS = {"missile": "tools/calibrate_catalog.py (ranges), tools/payload_span.py (payload span)",
                     "interceptor": "tools/calibrate_interceptors.py"}


@contextlib.contextmanager
def fresh_shape_tables():
    """Shape tables built now: an empty disk cache for the duration and the in-memory tables dropped.

    A table cached on disk by an earlier engine (the cache key has a hand-bumped version) would hide
    exactly the drift a calibration check looks for. The tables built here stay in memory afterwards:
    they are today's.
    """
    import tempfile

    from thaadsim.flight import targeting
    from thaadsim.validation import disk_cache_dir

    with tempfile.TemporaryDirectory(prefix="thaadsim-calibrations-") as tmp, disk_cache_dir(tmp):
        targeting._shape_table_cached.cache_clear()
        yield


@functools.lru_cache(maxsize=1)
def fresh_calibration_report() -> tuple[dict, ...]:
    """:func:`thaadsim.flight.calibrations.calibration_report` on shape tables built now (once per process)."""
    from thaadsim.flight.calibrations import calibration_report

    with fresh_shape_tables():
        return tuple(calibration_report())


def _calibration_source(row: dict) -> str:
    """The published figure a calibration was tuned to, with the source its TOML cites."""
    if row["kind"] == "interceptor":
        from importlib import resources

        path = resources.files("thaadsim") / "data" / "catalog" / "interceptors" / f"{row['id']}.toml"
        d = tomllib.loads(path.read_text("utf-8"))
        return f"{row['id']} {row['target_key']}: {d.get(row['target_key'], {}).get('source', 'its TOML')}"
    if row["target_key"].startswith("range_km"):
        return f"{row['id']} {row['target_key']}: {published(row['id']).get('range_band_source', 'its TOML')}"
    return f"{row['id']} observed lofted test: {row['conditions']}"


@check(FAMILY, quick=False)
def calibrations_recomputed_against_their_targets() -> list[Row]:
    """One row per calibrated catalog number: today's engine, flying it, must give the published figure
    the number was tuned to within 0.5 % (``DRIFT_LIMIT``); a stale row names the tool that recalibrates."""
    from thaadsim.flight.calibrations import DRIFT_LIMIT

    return [Row.within(f"{r['kind']} {r['id']}: {r['quantity']}", FAMILY,
                       f"{_calibration_source(r)} (if stale, re-run {CALIBRATION_TOOLS[r['kind']]})",
                       value=r["recomputed"], reference=r["target"], rel=DRIFT_LIMIT, unit=r["unit"])
            for r in fresh_calibration_report()]


# --- published range bands --------------------------------------------------------------------------------
def figures_in(text: str) -> list[float]:
    """Every number a source text quotes (1,900-2,350 -> 1900 and 2350; [ref:KEY] keys left out)."""
    text = re.sub(r"\[" + "ref" + r":[^\]]*\]", " ", text)      # split so the scan for citations skips it
    return sorted({float(x.replace(",", "")) for x in re.findall(r"\d[\d,]*", text)})


@check(FAMILY, cases=_CASES)
def range_band_figures_quoted_by_their_sources(mid: str) -> list[Row]:
    """Each band figure (``range_km_low/nominal/high``) against the nearest figure the cited source text
    (``range_band_source`` and ``range_source``) quotes: equal."""
    d = published(mid)
    quoted = figures_in(d["range_band_source"] + " " + d["range_source"])
    rows = []
    for key in ("range_km_low", "range_km_nominal", "range_km_high"):
        v = float(d[key])
        nearest = min(quoted, key=lambda q: abs(q - v)) if quoted else math.nan
        rows.append(Row.within(f"{mid}: {key}", FAMILY, d["range_band_source"], value=v, reference=nearest,
                               unit="km", text="a figure the source quotes"))
    return rows


@check(FAMILY, cases={m: {"mid": m} for m in ("df-41", "hwasong-15", "df-26")})
def rotating_reach_east_above_convention_above_west(mid: str) -> list[Row]:
    """From the home launch area the rotating-Earth reach is east > non-rotating > west: the ground's
    eastward speed (omega R cos(latitude), 0.37 km/s at 36.5 deg N) adds to an eastward shot and is taken
    from a westward one; the non-rotating figure is the nominal band figure it was calibrated to (0.5 %)."""
    from thaadsim.flight import load_missile
    from thaadsim.flight.targeting import max_range_km, max_range_on_azimuth_km

    m = load_missile(mid)
    east, _, west = (float(x) for x in max_range_on_azimuth_km(m, m.meta["home_launch_lat_deg"],
                                                               m.meta["home_launch_lon_deg"], [90.0, 0.0, 270.0]))
    nonrot = float(max_range_km(m))
    return [Row.between(f"{mid}: non-rotating reach between the rotating west and east reach", FAMILY,
                        "Earth rotation: omega R cos(latitude) eastward ground speed", value=nonrot,
                        reference=(east + west) / 2, lower=west, upper=east, unit="km",
                        text="west < non-rotating < east"),
            Row.within(f"{mid}: non-rotating reach against the nominal band figure", FAMILY,
                       published(mid)["range_band_source"], value=nonrot, reference=float(m.meta["range_km_nominal"]),
                       rel=5e-3, unit="km")]
