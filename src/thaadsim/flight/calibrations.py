"""Calibrations that cannot go stale: every calibrated catalog number recomputed with today's engine.

A calibrated number is one no source gives, tuned so the model reproduces a published figure. Each
records in its TOML what it was tuned to, as numbers; this module recomputes that figure now and
reports the drift, so a change anywhere in the physics that moves a calibration shows up
(``tests/test_catalog_calibrations_against_their_targets.py`` fails above :data:`DRIFT_LIMIT`;
``thaadsim validate`` can list the rows). The targets:

* missiles, ``[calibration]``: the stage propellant fractions (``range_factor``) make the model's
  range in the catalog's convention (:data:`thaadsim.flight.catalog.RANGE_CONVENTION`,
  :func:`thaadsim.flight.max_range_km`) equal ``range_km_nominal``; where the band comes from payload,
  ``payload_kg_min`` / ``payload_kg_max`` fly ``range_km_high`` / ``range_km_low`` in the same
  convention; where burn times were chosen to fly an observed lofted test, the missile must still
  fly it (targeted lofted to the observed apogee at the observed ground range);
* interceptors, ``[propellant_fraction]``: the burnout speed of the farthest-reaching member of the
  kick fan (:func:`thaadsim.defense.reach.reference_burnout`) equals ``burnout_speed_kms``, the
  figure its ``calibrated`` note names ("to match burnout_speed_kms = X").

Every figure is recomputed in batch: the range figures come from each missile's shape table (one
batch of ~3,400 summary flights), the lofted tests fly as one targeted call.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:   # annotations only
    from collections.abc import Iterable

#: the largest drift (fraction) a calibrated figure may show before it counts as stale
DRIFT_LIMIT = 0.005

#: where the lofted tests are flown from, and toward (as tests/test_catalog_against_lofted_tests.py)
LOFTED_LAUNCH = (39.0, 125.7)
LOFTED_AZIMUTH_DEG = 95.0


def _row(kind, item, quantity, target_key, target, recomputed, unit, band=(None, None), conditions=""):
    drift = (recomputed / target - 1.0) if (recomputed is not None and np.isfinite(recomputed)) else float("nan")
    return {"kind": kind, "id": item, "quantity": quantity, "target_key": target_key, "target": float(target),
            "recomputed": float("nan") if recomputed is None else float(recomputed), "unit": unit,
            "drift": float(drift), "ok": bool(np.isfinite(drift) and abs(drift) <= DRIFT_LIMIT),
            "band_low": band[0], "band_high": band[1], "conditions": conditions}


def missile_calibrations(ids: Iterable[str] | None = None, lofted: bool = True) -> list[dict]:
    """One row per calibrated missile figure: target, today's recomputed value, drift and the band.

    Returns dicts with ``kind`` ("missile"), ``id``, ``quantity``, ``target_key``, ``target``,
    ``recomputed``, ``unit``, ``drift`` (fraction), ``ok`` (``|drift| <= DRIFT_LIMIT``), the published
    band ``band_low``/``band_high`` (km) and the ``conditions`` the figure is defined under.

    Parameters
    ----------
    ids : iterable of str or None
        Catalog missile ids; ``None``: every missile in the catalog.
    lofted : bool
        Also fly the recorded lofted tests (one targeted call for all of them).

    Returns
    -------
    list of dict
        One row per calibrated figure, as above; missiles without a ``[calibration]`` give none.

    Notes
    -----
    The drift is ``recomputed / target - 1``; the range figures are :func:`thaadsim.flight.max_range_km`
    (non-rotating minimum-energy range, the catalog's convention).
    """
    from thaadsim.flight.catalog import load_missile, missile_ids, with_payload
    from thaadsim.flight.targeting import max_range_km

    rows = []
    lofted_cases = []
    for mid in ids or missile_ids():
        m = load_missile(mid)
        cal = m.meta.get("calibration", {})
        band = (m.meta.get("range_km_low"), m.meta.get("range_km_high"))
        if "range_target" in cal:
            target = float(m.meta[cal["range_target"]])
            rows.append(_row("missile", mid, "max_range_km (propellant fractions)", cal["range_target"], target,
                             max_range_km(m), "km", band, cal.get("range_conditions", "")))
        for end, tkey in (("payload_kg_min", cal.get("payload_kg_min_target")),
                          ("payload_kg_max", cal.get("payload_kg_max_target"))):
            if tkey is None:
                continue
            p = float(m.meta[end])
            rows.append(_row("missile", mid, f"max_range_km at {end} = {p:g} kg", tkey, float(m.meta[tkey]),
                             max_range_km(with_payload(mid, p)), "km", band, cal.get("payload_conditions", "")))
        if lofted and "lofted_test_apogee_km" in cal:
            lofted_cases.append((mid, float(cal["lofted_test_apogee_km"]), float(cal["lofted_test_range_km"]),
                                 cal.get("lofted_test_date", ""), cal.get("lofted_test_conditions", ""), band))
    if lofted_cases:
        rows += _lofted_rows(lofted_cases)
    return rows


def _lofted_rows(cases) -> list[dict]:
    """Fly every recorded lofted test in one targeted call; the recomputed figure is the apogee flown."""
    from pyproj import Geod

    from thaadsim.flight.targeting import fly_targeted

    geod = Geod(ellps="WGS84")
    lat0, lon0 = LOFTED_LAUNCH
    aims = [geod.fwd(lon0, lat0, LOFTED_AZIMUTH_DEG, rng * 1e3)[:2] for _, _, rng, _, _, _ in cases]
    b = fly_targeted([c[0] for c in cases], lat0, lon0, [a[1] for a in aims], [a[0] for a in aims],
                     shape="lofted", apogee_km=[c[1] for c in cases], sample_dt_s=None, errors="mark")
    rows = []
    for i, (mid, apo, rng, date, cond, band) in enumerate(cases):
        got = float(b.apogee_km[i]) if b.targeting_ok[i] else float("nan")
        rows.append(_row("missile", mid, f"lofted test {date}: apogee at {rng:g} km", "lofted_test_apogee_km",
                         apo, got, "km", band, cond))
    return rows


_NOTE_TARGET = re.compile(r"to match ([a-z_]+) = ([0-9.eE+-]+)")


def interceptor_calibrations(ids: Iterable[str] | None = None) -> list[dict]:
    """One row per interceptor: its calibrated propellant fraction's target figure and today's value.

    Parameters
    ----------
    ids : iterable of str or None
        Catalog interceptor ids; ``None``: every interceptor in the catalog.

    Returns
    -------
    list of dict
        Rows in the layout of :func:`missile_calibrations` (``kind`` "interceptor"); the recomputed
        figure is the burnout speed (km/s) of
        :func:`thaadsim.defense.reach.reference_burnout`. An interceptor whose ``calibrated`` note names
        no target gives no row.
    """
    from thaadsim.defense.interceptors import interceptor_ids, load_interceptor
    from thaadsim.defense.reach import reference_burnout

    rows = []
    for iid in ids or interceptor_ids():
        itc = load_interceptor(iid)
        note = _interceptor_note(iid)
        m = _NOTE_TARGET.search(note)
        if not m:
            continue
        key, recorded = m.group(1), float(m.group(2))
        target = float(getattr(itc, key))
        if not np.isclose(recorded, target):
            # the note names a figure the file no longer holds: the calibration itself is stale
            rows.append(_row("interceptor", iid, f"{key} named in the calibrated note", key, target, recorded,
                             "km/s", conditions=note))
            continue
        v, _, _ = reference_burnout(itc)
        rows.append(_row("interceptor", iid, "burnout speed of the farthest-reaching fan member "
                         "(propellant_fraction)", key, target, v, "km/s",
                         conditions="fly_powered on a non-rotating sphere with USSA-76 and drag "
                                    "(thaadsim.defense.reach.reference_burnout)"))
    return rows


def _interceptor_note(iid: str) -> str:
    import tomllib
    from importlib import resources

    path = resources.files("thaadsim") / "data" / "catalog" / "interceptors" / f"{iid}.toml"
    return tomllib.loads(path.read_text("utf-8")).get("propellant_fraction", {}).get("calibrated", "")


def calibration_report(lofted: bool = True) -> list[dict]:
    """Every calibrated catalog figure (missiles, then interceptors) with its target, today's value and drift.

    Parameters
    ----------
    lofted : bool
        Include the missiles' lofted-test rows (the slowest part: one targeted call).

    Returns
    -------
    list of dict
        :func:`missile_calibrations` rows, then :func:`interceptor_calibrations` rows.
    """
    return missile_calibrations(lofted=lofted) + interceptor_calibrations()
