"""The missile catalog: TOML files in ``thaadsim/data/catalog/missiles/``, one per missile.

Every number carries its provenance: a ``*_source`` string (publication, year) for published
figures, or ``calibrated`` for the staged parameters no source gives, which are tuned so that the
missile's minimum-energy range matches its published range (see ``tools/calibrate_catalog.py``).

Citations: a source string names its publication the way a reader would (publisher, date) and cites it
by key, ``[ref:KEY]`` or ``[ref:KEY1, KEY2]``, inside the string, next to the figure it supports; the
keys are entries of the project's bibliography, ``thaadsim/data/references.toml``
(:mod:`thaadsim.references`). The same convention holds for the radar and interceptor catalogs, the
examples and the docstrings. ``thaadsim catalog show ID`` prints the full entries an item cites, and
``tests/test_references_resolve.py`` fails on a key that does not resolve. A figure no source gives
says so in words ("estimate", "assumption", "no published figure found") and cites nothing.

File layout (units in every key)::

    id = "hwasong-15"
    name = "Hwasong-15"
    country = "DPRK"
    class = "ICBM"
    published_range_km = 13000      # = range_km_nominal, the figure the calibration matches
    range_source = "ROK MND: over 13,000 km (AP via The Columbian, 2017-12-01) [ref:ap-columbian-hwasong15-2017]"
    range_km_low = 8500             # the published band (RANGE_CONVENTION: non-rotating maximum range)
    range_km_nominal = 13000
    range_km_high = 13000
    range_band_source = "... [ref:KEY]"
    home_launch_area = "Pyongyang region, DPRK"   # a regional point, never a site
    home_launch_lat_deg = 39.0
    home_launch_lon_deg = 125.7
    calibrated = "..."              # what was tuned, and to what (words)

    [calibration]                   # the same, as numbers a test recomputes (see calibrations.py)
    knob = "..."
    target = "range_km_nominal"
    target_value = 13000

    [rv]
    mass_kg = 1000
    mass_source = "..."
    beta_kgm2 = 5000
    beta_source = "assumption: ..."

    [[stages]]
    propellant_mass_kg = ...
    dry_mass_kg = ...
    isp_s = ...
    burn_time_s = ...
    diameter_m = ...
    source = "..."

    [pitch]                         # optional
    vertical_rise_s = 10
    kick_duration_s = 10

    [signature]                     # optional, read by the sensors layer
    booster_rcs_m2 = 10.0
    rv_rcs_m2 = 0.05
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from thaadsim.errors import ThaadsimError
from thaadsim.flight.vehicle import GENERIC_CD, GENERIC_CD_MACH, Missile, PitchProgram, ReentryVehicle, Stage

_STAGE_KEYS = {"propellant_mass_kg", "dry_mass_kg", "isp_s", "burn_time_s", "diameter_m"}
_NOTE_KEYS = {"source", "calibrated", "notes", "estimate"}
_SUB_KEYS = {
    "stages": _STAGE_KEYS | _NOTE_KEYS,
    "rv": {"mass_kg", "beta_kgm2", "mass_source", "beta_source"} | _NOTE_KEYS,
    "pitch": {"vertical_rise_s", "kick_duration_s"} | _NOTE_KEYS,
    "drag": {"cd_mach", "cd"} | _NOTE_KEYS,
    "calibration": {"range_factor", "range_knob", "range_target", "range_target_km", "range_model_km",
                    "range_conditions", "payload_kg_min_target", "payload_kg_max_target", "payload_conditions",
                    "lofted_test_date", "lofted_test_apogee_km", "lofted_test_range_km", "lofted_test_conditions"},
}
_BAND_KEYS = ("range_km_low", "range_km_nominal", "range_km_high")
_HOME_KEYS = ("home_launch_lat_deg", "home_launch_lon_deg")
_TOP_KEYS = {"id", "name", "country", "class", "published_range_km", "range_source", "calibrated", "status",
             "notes", "rv", "stages", "pitch", "signature", "drag", "launch_mass_source", "dimensions_source",
             *_BAND_KEYS, "range_band_source", *_HOME_KEYS, "home_launch_area", "home_launch_source", "calibration",
             "payload_kg_min", "payload_kg_max", "payload_source"}

#: What every range figure in the catalog means (``range_km_*``, ``published_range_km``, the calibration).
RANGE_CONVENTION = ("range = maximum ground range on a NON-rotating Earth (WGS84 ellipsoid with J2, US Standard "
                    "Atmosphere 1976, drag): full burn at the range-maximising pitch, the convention most published "
                    "figures use; flown on the rotating Earth the reach depends on direction (east farther, west "
                    "shorter). The ascent keeps under its class's dynamic-pressure ceiling (a thrust bucket, "
                    "FlightOptions.max_q_ceiling) when that is on, as it is by default")


def _check_band(d: dict, origin: str) -> None:
    """A range band, when given, is three positive numbers low <= nominal <= high; nominal is the calibrated figure."""
    given = [k for k in _BAND_KEYS if k in d]
    if not given:
        return
    if len(given) != 3:
        missing = sorted(set(_BAND_KEYS) - set(given))[0]
        raise ThaadsimError(_where(origin, missing), "is missing", "give range_km_low, range_km_nominal and range_km_high")
    vals = []
    for k in _BAND_KEYS:
        v = d[k]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not (np.isfinite(v) and 0 < v <= 25_000):
            raise ThaadsimError(_where(origin, k), f"{v!r} is not a range in (0, 25000] km", "give km")
        vals.append(float(v))
    if not vals[0] <= vals[1] <= vals[2]:
        raise ThaadsimError(_where(origin, "range_km_nominal"), f"band {vals} is not low <= nominal <= high",
                            "order the band")
    if "published_range_km" in d and float(d["published_range_km"]) != vals[1]:
        raise ThaadsimError(_where(origin, "published_range_km"),
                            f"{d['published_range_km']} differs from range_km_nominal = {vals[1]:g}",
                            "they are the same figure (the one the calibration matches): make them equal")
    if ("payload_kg_min" in d) != ("payload_kg_max" in d):
        raise ThaadsimError(_where(origin, "payload_kg_min"), "payload_kg_min and payload_kg_max come together",
                            "give both (the RV masses that fly range_km_high and range_km_low) or neither")
    if "payload_kg_min" in d:
        lo, hi = d["payload_kg_min"], d["payload_kg_max"]
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < v <= 1e5 for v in (lo, hi)) or lo > hi:
            raise ThaadsimError(_where(origin, "payload_kg_min"), f"payload span [{lo!r}, {hi!r}] is not 0 < min <= max <= 1e5 kg",
                                "give the RV masses in kg, lighter first")
    for k, lim in zip(_HOME_KEYS, (90.0, 180.0)):
        if k in d:
            v = d[k]
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not abs(v) <= lim:
                raise ThaadsimError(_where(origin, k), f"{v!r} is outside [-{lim:g}, {lim:g}]", "give decimal degrees")


def catalog_dir() -> Path:
    return Path(str(resources.files("thaadsim") / "data" / "catalog" / "missiles"))


def _where(path, key):
    return f"{path}: {key}"


def missile_from_dict(d: dict, origin: str = "<dict>") -> Missile:
    """Build and validate a :class:`Missile` from a catalog-style dict."""
    unknown = set(d) - _TOP_KEYS
    if unknown:
        raise ThaadsimError(_where(origin, sorted(unknown)[0]), "unknown key",
                            f"valid keys are {sorted(_TOP_KEYS)}")
    for key in ("id", "rv", "stages"):
        if key not in d:
            raise ThaadsimError(_where(origin, key), "is missing", "see the catalog file layout in thaadsim.flight.catalog")
    _check_band(d, origin)
    for table, allowed in _SUB_KEYS.items():
        entries = d.get(table, [])
        for j, entry in enumerate(entries if isinstance(entries, list) else [entries]):
            if not isinstance(entry, dict):
                raise ThaadsimError(_where(origin, table), "must be a table", "see the catalog file layout")
            extra = set(entry) - allowed
            if extra:
                where = f"{table}.{j}" if table == "stages" else table
                raise ThaadsimError(_where(origin, f"{where}.{sorted(extra)[0]}"), "unknown key",
                                    f"valid keys are {sorted(allowed)}")
    stages = []
    for i, s in enumerate(d["stages"]):
        missing = _STAGE_KEYS - set(s)
        if missing:
            raise ThaadsimError(_where(origin, f"stages.{i}.{sorted(missing)[0]}"), "is missing",
                                f"each stage needs {sorted(_STAGE_KEYS)}")
        try:
            stages.append(Stage(**{k: float(s[k]) for k in _STAGE_KEYS}))
        except ThaadsimError as exc:
            raise ThaadsimError(_where(origin, f"stages.{i}.{exc.field.split('.')[-1]}"), exc.problem, exc.fix) from None
    rv = d["rv"]
    try:
        rv_obj = ReentryVehicle(float(rv["mass_kg"]), float(rv["beta_kgm2"]))
    except KeyError as exc:
        raise ThaadsimError(_where(origin, f"rv.{exc.args[0]}"), "is missing", "give mass_kg and beta_kgm2") from None
    except ThaadsimError as exc:
        raise ThaadsimError(_where(origin, exc.field), exc.problem, exc.fix) from None
    pitch = d.get("pitch", {})
    pitch_obj = PitchProgram(float(pitch.get("vertical_rise_s", 10.0)), float(pitch.get("kick_duration_s", 10.0)))
    drag = d.get("drag", {})
    cd_mach = np.asarray(drag.get("cd_mach", GENERIC_CD_MACH), float)
    cd = np.asarray(drag.get("cd", GENERIC_CD), float)
    meta = {k: v for k, v in d.items() if k not in ("stages", "rv", "pitch", "drag")}
    meta["rv"] = dict(rv)
    meta["stages"] = [dict(s) for s in d["stages"]]
    return Missile(id=str(d["id"]), name=str(d.get("name", d["id"])), stages=tuple(stages), rv=rv_obj,
                   pitch=pitch_obj, cd_mach=cd_mach, cd=cd, meta=meta)


def load_missile_file(path) -> Missile:
    p = Path(path)
    try:
        d = tomllib.loads(p.read_text())
    except FileNotFoundError:
        raise ThaadsimError(str(p), "file not found", "check the path") from None
    except tomllib.TOMLDecodeError as exc:
        raise ThaadsimError(str(p), f"is not valid TOML ({exc})", "fix the syntax") from None
    return missile_from_dict(d, str(p))


@lru_cache(maxsize=None)
def _catalog() -> dict[str, Path]:
    return {p.stem: p for p in sorted(catalog_dir().glob("*.toml"))}


def missile_ids() -> list[str]:
    """Ids of every missile in the packaged catalog, sorted (``thaadsim catalog list``)."""
    return list(_catalog())


@lru_cache(maxsize=None)
def load_missile(missile_id: str) -> Missile:
    """A catalog missile by id (e.g. ``"hwasong-15"``); a path to a TOML file also works.

    Parameters
    ----------
    missile_id : str
        A catalog id (case and surrounding spaces ignored; see :func:`missile_ids`) or the path of a
        missile TOML file in the catalog's format.

    Returns
    -------
    Missile
        Its stages, reentry vehicle, pitch programme and ``meta`` (every number's source, the
        calibration note). Cached: the same id gives the same object.

    Raises
    ------
    ThaadsimError
        For an unknown id (the message lists the known ones) or an invalid file.
    """
    key = str(missile_id).strip().lower()
    cat = _catalog()
    if key in cat:
        return load_missile_file(cat[key])
    if key.endswith(".toml"):
        return load_missile_file(missile_id)
    raise ThaadsimError("missile", f"unknown missile id {missile_id!r}",
                        f"use one of: {', '.join(cat)} (see `thaadsim catalog list`)")


@lru_cache(maxsize=None)
def with_payload(missile_id: str, payload_kg: float | None) -> Missile:
    """The catalog missile ``missile_id`` carrying ``payload_kg`` of reentry vehicle instead of its own.

    Only where the catalog gives a payload span (``payload_kg_min``..``payload_kg_max``: the RV masses
    at which the model flies the ends of the published range band), and only inside it: a published
    band that is wide because payloads differ is spanned by this option rather than by one silent
    pick. The stages are unchanged (launch mass moves with the payload) and so is the RV's ballistic
    coefficient (the option changes what the stages lift, not the reentry body's shape). The same
    (id, payload) gives the same object, so a batch of many rows with one payload flies one missile.
    ``payload_kg=None`` is the catalog missile itself.
    """
    import dataclasses

    m = load_missile(missile_id)
    if payload_kg is None:
        return m
    p = float(payload_kg)
    lo, hi = m.meta.get("payload_kg_min"), m.meta.get("payload_kg_max")
    if lo is None:
        raise ThaadsimError("payload_kg", f"the catalog gives no payload span for {m.id} (its published range band "
                            "does not come from payload)", "drop the payload option for this missile")
    if not (np.isfinite(p) and lo <= p <= hi):
        raise ThaadsimError("payload_kg", f"{payload_kg!r} kg is outside {m.id}'s span [{lo:g}, {hi:g}] kg "
                            f"(the RV masses that fly its published band {m.meta.get('range_km_high'):,} to "
                            f"{m.meta.get('range_km_low'):,} km)", f"give a payload between {lo:g} and {hi:g} kg")
    meta = dict(m.meta)
    meta["payload_kg"] = p
    return dataclasses.replace(m, rv=ReentryVehicle(p, m.rv.beta_kgm2), meta=meta)
