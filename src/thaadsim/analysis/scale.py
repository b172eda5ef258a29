"""Reports that scale: what a report shows of a raid too large to draw threat by threat.

Up to :data:`DETAIL_MAX_THREATS` threats the report draws every track and lists every threat. Above
it, a report of 10,000 threats drawn the same way was 562 MB of HTML with a 75,000 px page; so:

* **aggregates** replace the per-threat tables: one row per missile type, launch area, raid wave
  and defended asset (threats, detected, engageable, mean and lowest P(kill), expected leakers);
* **the worst cases** are listed by name: the :data:`WORST_CASES` threats with the lowest P(kill)
  (or, without a Monte Carlo, those no battery can engage);
* **tracks are thinned**: the map, the altitude profiles and the timeline draw a *stratified sample*
  of :data:`MAX_DRAWN_TRACKS` threats (equal shares for every missile type x launch area x target
  stratum, so each is drawn while room remains, and the worst cases always), each with
  at most :data:`REPORT_POINTS_PER_TRACK` points; the report says so;
* **exports stay proportional**: GeoJSON, KML and CZML keep every threat, with at most
  :data:`EXPORT_POINTS_PER_TRACK` points each (launch, apogee and impact always among them), so
  their size grows with the number of threats, not with threats x samples.

``summary.json`` and ``events.jsonl`` keep every threat: they are the data, not the picture.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from thaadsim.analysis.objects import Track

__all__ = ["DETAIL_MAX_THREATS", "MAX_DRAWN_TRACKS", "REPORT_POINTS_PER_TRACK", "EXPORT_POINTS_PER_TRACK",
           "WORST_CASES", "MAX_TIMELINE_ROWS", "WAVE_S", "is_large", "thin_indices", "thin_track", "stratified_sample",
           "scale_frame", "aggregate_tables", "worst_cases"]

DETAIL_MAX_THREATS = 200
MAX_DRAWN_TRACKS = 120
REPORT_POINTS_PER_TRACK = 40
EXPORT_POINTS_PER_TRACK = 24
WORST_CASES = 25
#: rows of the engagement timeline for a large raid (28 px each): a sample of the drawn sample
MAX_TIMELINE_ROWS = 40
#: threats launched in the same WAVE_S-second bin of the raid clock form one wave
WAVE_S = 300.0


def is_large(n_threats: int) -> bool:
    """Whether a report of ``n_threats`` aggregates and thins (above :data:`DETAIL_MAX_THREATS`)."""
    return n_threats > DETAIL_MAX_THREATS


def thin_indices(alt_m: np.ndarray, max_points: int) -> np.ndarray:
    """Indices of at most ``max_points`` samples of one track: evenly spaced, with the first, the
    last and the highest (apogee) always kept, so the drawn arc keeps its range and its height."""
    m = len(alt_m)
    if m <= max_points:
        return np.arange(m)
    keep = np.unique(np.round(np.linspace(0, m - 1, max(2, max_points - 1))).astype(np.int64))
    apogee = int(np.nanargmax(alt_m)) if np.isfinite(alt_m).any() else 0
    return np.union1d(keep, [apogee])


def thin_track(track: Track, max_points: int) -> Track:
    """The track with at most ``max_points`` (+1 for the apogee) of its samples."""
    alt = np.asarray(track.alt_m, float)
    idx = thin_indices(alt, max_points)
    pick = lambda a: np.asarray(a, float)[idx]   # noqa: E731
    return Track(track.id, track.name, pick(track.times_s), pick(track.lat_deg), pick(track.lon_deg), alt[idx],
                 kind=track.kind, properties=dict(track.properties))


def stratified_sample(strata: Sequence, k: int, first: Sequence[int] = ()) -> np.ndarray:
    """At most ``k`` indices of ``strata`` (one label per item), spread over the strata.

    ``first`` (e.g. the worst cases) are taken before anything else. The rest is filled round-robin
    over the strata, largest stratum first, taking each stratum's items evenly spaced through it
    (launch times, aimpoints): every stratum gets the same share while it has items left, so a rare
    missile type is drawn as surely as a common one (a proportional sample would drop it).
    Deterministic: the same input gives the same sample. Returns sorted indices.
    """
    n = len(strata)
    chosen: list[int] = list(dict.fromkeys(int(i) for i in first))[:k]
    if n <= k:
        return np.arange(n)
    taken = set(chosen)
    labels = pd.Series(list(strata))
    groups = [np.asarray(ix) for _, ix in sorted(labels.groupby(labels, sort=False).indices.items(),
                                                   key=lambda kv: (-len(kv[1]), str(kv[0])))]
    # each stratum's items ordered so that any prefix is spread evenly through it (bit-reversal-like)
    orders = [g[np.argsort(_spread_order(len(g)))] for g in groups]
    pos = [0] * len(orders)
    while len(chosen) < k:
        progressed = False
        for s, order in enumerate(orders):
            while pos[s] < len(order) and int(order[pos[s]]) in taken:
                pos[s] += 1
            if pos[s] < len(order) and len(chosen) < k:
                i = int(order[pos[s]])
                chosen.append(i)
                taken.add(i)
                pos[s] += 1
                progressed = True
        if not progressed:
            break
    return np.sort(np.asarray(chosen, np.int64))


def _spread_order(m: int) -> np.ndarray:
    """Rank of each position 0..m-1 in a low-discrepancy order (van der Corput in base 2)."""
    x = np.zeros(m)
    i = np.arange(m)
    f = 0.5
    while np.any(i):
        x += f * (i & 1)
        i >>= 1
        f /= 2
    return np.argsort(np.argsort(x, kind="stable"), kind="stable")


def _group(df: pd.DataFrame, by: str, label: str) -> pd.DataFrame:
    agg = {"threats": ("threat_id", "size")}
    if "detected" in df:
        agg["detected"] = ("detected", "sum")
    if "engageable" in df:
        agg["engageable"] = ("engageable", "sum")
    if "p_kill" in df:
        agg["p_kill_mean"] = ("p_kill", "mean")
        agg["p_kill_lowest"] = ("p_kill", "min")
        agg["expected_leakers"] = ("leak", "sum")
    out = df.groupby(by, sort=True).agg(**agg).reset_index().rename(columns={by: label})
    for c in ("detected", "engageable"):
        if c in out:
            out[c] = out[c].astype(int)
    return out


def scale_frame(threats: pd.DataFrame, detections: pd.DataFrame | None, engagements: pd.DataFrame | None,
                raid_table: pd.DataFrame | None) -> pd.DataFrame:
    """One row per threat (plan order): missile, launch area, target, launch time, detected by any radar,
    engageable by any battery, P(kill) and 1 - P(kill) (``leak``) when the Monte Carlo ran."""
    df = threats[["threat_id", "missile_id", "launch_area", "target", "launch_time_s"]].copy()
    if detections is not None and len(detections) and "detected" in detections:
        det = detections.groupby("threat_id")["detected"].any()
        df["detected"] = df["threat_id"].map(det).fillna(False).astype(bool)
    if engagements is not None and len(engagements) and "engageable" in engagements:
        eng = engagements.groupby("threat_id")["engageable"].any()
        df["engageable"] = df["threat_id"].map(eng).fillna(False).astype(bool)
    if raid_table is not None and len(raid_table):
        pk = raid_table.set_index("threat_id")["p_kill"]
        df["p_kill"] = df["threat_id"].map(pk).astype(float)
        df["leak"] = 1.0 - df["p_kill"]
    return df


def aggregate_tables(threats: pd.DataFrame, detections: pd.DataFrame | None, engagements: pd.DataFrame | None,
                     raid_table: pd.DataFrame | None, raid_assets: pd.DataFrame | None) -> list[tuple[str, pd.DataFrame]]:
    """(title, DataFrame) tables for a large raid: per missile type, launch area, wave, asset; worst cases."""
    df = scale_frame(threats, detections, engagements, raid_table)
    df["wave_k"] = np.floor(df["launch_time_s"].to_numpy(float) / WAVE_S).astype(int)
    waves = _group(df, "wave_k", "wave_k")
    waves.insert(0, "wave", [f"{k + 1}: launched T+{k * WAVE_S / 60:g}–{(k + 1) * WAVE_S / 60:g} min"
                             for k in waves.pop("wave_k")])
    tables = [(f"By missile type ({len(df):,} threats)", _group(df, "missile_id", "missile")),
              ("By launch area", _group(df, "launch_area", "launch area")),
              (f"By raid wave (launches in {WAVE_S / 60:g}-minute bins of the raid clock)", waves)]
    if raid_assets is not None and len(raid_assets):
        a = raid_assets.sort_values("expected_leakers", ascending=False)
        title = "Defended assets, most expected leakers first"
        if len(a) > 3 * WORST_CASES:
            title += f" (the {3 * WORST_CASES} worst of {len(a):,}; summary.json lists all)"
            a = a.head(3 * WORST_CASES)
        tables.append((title, a.reset_index(drop=True)))
    worst = worst_cases(df)
    if len(worst):
        cols = [c for c in ("threat_id", "missile_id", "launch_area", "target", "launch_time_s", "detected",
                            "engageable", "p_kill") if c in df]
        tables.append((f"Worst cases: the {len(worst)} threats "
                       + ("with the lowest P(kill)" if "p_kill" in df else "no battery can engage"),
                       df.loc[worst, cols].reset_index(drop=True)))
    return tables


def worst_cases(df: pd.DataFrame, k: int = WORST_CASES) -> np.ndarray:
    """Row indices of the ``k`` worst threats: lowest P(kill); without one, not engageable, then not detected."""
    if "p_kill" in df:
        return np.argsort(df["p_kill"].to_numpy(float), kind="stable")[:k]
    score = np.zeros(len(df))
    if "engageable" in df:
        score += ~df["engageable"].to_numpy(bool)
    if "detected" in df:
        score += 0.5 * ~df["detected"].to_numpy(bool)
    order = np.argsort(-score, kind="stable")
    return order[:k][score[order[:k]] > 0]
