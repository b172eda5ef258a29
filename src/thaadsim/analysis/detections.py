"""Which radar sees which threat, when, and how well: one row per (threat, radar).

The physics is the sensors layer's (:func:`thaadsim.sensors.detection.detect`: line of sight over
the 4/3 Earth, the face's scan box, instrumented range, and the radar equation's SNR for the RCS
of what the radar sees in each flight phase). This module only runs it for every radar of a
scenario and puts the answers on the scenario clock (each threat launches ``launch_time_s`` after
the scenario starts; the sensors layer counts from each launch).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def run_detections(batch, radars: dict, signatures=None, rcs_m2=None) -> dict:
    """``{radar_id: DetectionResult}`` for every placed radar.

    ``signatures``: optional list (one per trajectory) of :class:`thaadsim.sensors.signatures.Signature`;
    rows of the batch may be different missiles, so the RCS array is assembled per row. Or give
    that (N, T) array itself as ``rcs_m2`` (:func:`rcs_array`), to share it with the engagement.
    """
    from thaadsim.sensors.detection import detect

    rcs = rcs_m2 if rcs_m2 is not None else (rcs_array(batch, signatures) if signatures is not None else None)
    return {rid: detect(batch, placed, rcs_m2=rcs) for rid, placed in radars.items()}


def rcs_array(batch, signatures) -> np.ndarray:
    """(N, T) RCS (m²) from one :class:`~thaadsim.sensors.signatures.Signature` per row.

    One array operation per distinct signature (a raid has a handful of missile types), not one
    per row.
    """
    ph = np.asarray(batch.phase)
    out = np.full(ph.shape, np.nan)
    groups: dict = {}
    for i, sig in enumerate(signatures):
        groups.setdefault(sig, []).append(i)
    for sig, rows in groups.items():
        out[rows] = sig.rcs_by_phase(ph[rows])
    return out


def detections_table(results: dict, threat_ids, launch_time_s=None) -> pd.DataFrame:
    """Concatenate the per-radar summaries into one (threat, radar) table on the scenario clock.

    Adds ``threat_id`` and ``first_detection_scenario_s`` / ``last_detection_scenario_s``
    (scenario seconds) next to the sensors layer's per-launch times.
    """
    frames = []
    n = len(threat_ids)
    t0 = np.zeros(n) if launch_time_s is None else np.broadcast_to(np.asarray(launch_time_s, float), (n,))
    for rid, res in results.items():
        df = res.summary().copy()
        df.insert(0, "threat_id", list(threat_ids))
        if "radar_id" in df:
            df["radar_id"] = rid
        df["first_detection_scenario_s"] = df["first_detection_s"].to_numpy() + t0
        df["last_detection_scenario_s"] = df["last_detection_s"].to_numpy() + t0
        frames.append(df)
    if not frames:
        return pd.DataFrame(columns=["threat_id", "radar_id", "detected"])
    return pd.concat(frames, ignore_index=True)


def track_intervals_frame(results: dict, threat_names, launch_time_s=None) -> pd.DataFrame:
    """Timeline rows (``row``, ``start_s``, ``end_s``, ``kind`` = "radar", ``text``, ``series`` = the
    radar id) of every track interval, on the scenario clock."""
    rows = []
    n = len(threat_names)
    t0 = np.zeros(n) if launch_time_s is None else np.broadcast_to(np.asarray(launch_time_s, float), (n,))
    for rid, res in results.items():
        for i, iv in enumerate(res.intervals_s):
            for a, b in np.asarray(iv, float).reshape(-1, 2):
                rows.append({"row": str(threat_names[i]), "start_s": a + t0[i], "end_s": b + t0[i],
                             "kind": "radar", "text": f"tracked by {rid}", "series": rid})
    return pd.DataFrame(rows, columns=["row", "start_s", "end_s", "kind", "text", "series"])


# ---- spent stages: the second object of a threat ------------------------------------------------------------
def stage_rcs_array(stage_batch, rcs_m2) -> np.ndarray:
    """(M, T) RCS (m²) of spent-stage trajectories: each row's one aspect-averaged value on its valid samples."""
    rcs = np.broadcast_to(np.asarray(rcs_m2, float), (len(stage_batch),))
    return np.where(stage_batch.valid, rcs[:, None], np.nan)


def run_stage_detections(stage_batch, radars: dict, rcs_m2) -> dict:
    """``{radar_id: DetectionResult}`` of the spent stages (:func:`thaadsim.flight.spent_stage.fly_spent_stages`)
    by every placed radar; the stage's RCS is one value per row (``rcs_m2``, scalar or (M,))."""
    from thaadsim.sensors.detection import detect

    if stage_batch is None or not radars:
        return {}
    rcs = stage_rcs_array(stage_batch, rcs_m2)
    return {rid: detect(stage_batch, placed, rcs_m2=rcs) for rid, placed in radars.items()}


def union_intervals(*interval_lists) -> np.ndarray:
    """The union of several lists of [start, end] intervals (s) as a sorted (k, 2) array: the times at
    which at least one object of a threat is tracked."""
    iv = [np.asarray(x, float).reshape(-1, 2) for x in interval_lists]
    iv = np.concatenate(iv) if iv else np.empty((0, 2))
    if not len(iv):
        return np.empty((0, 2))
    iv = iv[np.argsort(iv[:, 0], kind="stable")]
    out = [iv[0].copy()]
    for a, b in iv[1:]:
        if a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append(np.array([a, b]))
    return np.array(out)


def stage_detections_table(stage_results: dict, rows, threat_ids, launch_time_s=None) -> pd.DataFrame:
    """The spent stages' (threat, radar) rows in :func:`detections_table`'s layout, with ``object`` =
    "spent stage" (``rows`` maps each stage trajectory to its threat's index)."""
    rows = np.asarray(rows, int)
    ids = np.asarray(list(threat_ids), dtype=object)[rows] if len(rows) else []
    t0 = None if launch_time_s is None else np.broadcast_to(np.asarray(launch_time_s, float),
                                                            (len(threat_ids),))[rows]
    df = detections_table(stage_results, list(ids), t0)
    if len(df):
        df.insert(1, "object", "spent stage")
    return df


def stage_track_intervals_frame(stage_results: dict, rows, threat_names, launch_time_s=None) -> pd.DataFrame:
    """Timeline rows of the spent stages' track intervals, on their threat's line, text "spent stage tracked by"."""
    rows = np.asarray(rows, int)
    names = [str(threat_names[i]) for i in rows]
    t0 = None if launch_time_s is None else np.broadcast_to(np.asarray(launch_time_s, float),
                                                            (len(threat_names),))[rows]
    df = track_intervals_frame(stage_results, names, t0)
    df["text"] = df["text"].str.replace("tracked by", "spent stage tracked by", regex=False)
    return df
