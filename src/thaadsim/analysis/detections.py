"""Which radar sees which threat, when, and how well: one row per (threat, radar).

A sample of a trajectory counts as *detected* by a radar face when all of these hold
(the sensors layer supplies each piece):

1. line of sight over the 4/3 effective Earth (:func:`thaadsim.sensors.geometry.look_angles`);
2. inside the face's scan box: azimuth within ``az_half_width_deg`` of the boresight, apparent
   elevation within [min, max] (:func:`thaadsim.sensors.geometry.in_scan`);
3. slant range within the instrumented range;
4. the radar equation's SNR for the target's RCS at that moment is at or above the detection
   threshold (:meth:`thaadsim.sensors.radar.Radar.snr`).

The RCS depends on what the radar sees: during boost the (large) burning booster, after burnout
the separated reentry vehicle. Defaults (:data:`DEFAULT_RCS_M2`) are **assumptions** of this
tool, in the range open analyses use (an RV seen nose-on at X band ~0.01–0.1 m²: Sessler et al.,
*Countermeasures*, UCS/MIT 2000, Appendix A; a missile body in boost ~1–10 m²), and can be
overridden per phase. A sensors-layer RCS model, when present, can be passed as ``rcs_m2``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: RCS by flight phase (0 boost, 1 midcourse, 2 reentry), m². Assumptions (see module docstring).
DEFAULT_RCS_M2 = {0: 5.0, 1: 0.05, 2: 0.05}
RCS_NOTE = ("RCS assumptions: booster in boost 5 m², reentry vehicle after burnout 0.05 m² (open-literature "
            "range 0.01–0.1 m² nose-on at X band; Sessler et al. 2000)")


def rcs_by_phase(phase, rcs_m2: dict | None = None) -> np.ndarray:
    """RCS array (m²) shaped like ``phase``; NaN on padding."""
    table = dict(DEFAULT_RCS_M2)
    if rcs_m2:
        table.update(rcs_m2)
    ph = np.asarray(phase)
    out = np.full(ph.shape, np.nan)
    for k, v in table.items():
        out[ph == k] = v
    return out


def detection_mask(batch, placed, rcs_m2: dict | np.ndarray | None = None, refraction=True):
    """(N, T) boolean mask of detected samples and a dict of the look quantities (N, T)."""
    from thaadsim.sensors.geometry import in_scan, look_angles

    r = placed.radar
    la = look_angles(placed.lat_deg, placed.lon_deg, placed.antenna_alt_m, batch.lat_deg, batch.lon_deg,
                     batch.alt_m, target_ecef_m=batch.r_ecef_m, refraction=refraction)
    rcs = rcs_m2 if isinstance(rcs_m2, np.ndarray) else rcs_by_phase(batch.phase, rcs_m2)
    with np.errstate(invalid="ignore", divide="ignore"):
        snr_db = 10.0 * np.log10(r.snr(la["slant_range_m"], rcs))
        ok = (np.asarray(batch.valid, bool) & la["in_line_of_sight"]
              & in_scan(la["azimuth_deg"], la["elevation_deg"], placed.face_az_deg, r.az_half_width_deg,
                        r.min_elevation_deg, r.max_elevation_deg)
              & (la["slant_range_m"] <= r.max_range_m) & (snr_db >= r.snr_threshold_db))
    la["snr_db"] = snr_db
    return ok, la


def detections_table(batch, threat_ids, radars: dict, launch_time_s=None, rcs_m2=None) -> pd.DataFrame:
    """One row per (threat, radar): was it detected, first/last detection (scenario s), track time,
    altitude/range/phase at first detection, peak SNR, closest ground distance."""
    n = len(batch)
    t0 = np.zeros(n) if launch_time_s is None else np.broadcast_to(np.asarray(launch_time_s, float), (n,))
    rows = []
    for rid, placed in radars.items():
        det, la = detection_mask(batch, placed, rcs_m2)
        valid = np.asarray(batch.valid, bool)
        t = np.where(det, batch.t_s, np.nan)
        any_det = det.any(axis=1)
        first_idx = np.argmax(det, axis=1)
        last_idx = det.shape[1] - 1 - np.argmax(det[:, ::-1], axis=1)
        ground_km = la["central_angle_rad"] * 6371.0
        closest = np.where(valid, ground_km, np.inf).min(axis=1)
        snr = np.where(valid & la["in_line_of_sight"], la["snr_db"], -np.inf).max(axis=1)
        for i in range(n):
            f = first_idx[i]
            rows.append({
                "threat_id": str(threat_ids[i]), "radar_id": rid, "detected": bool(any_det[i]),
                "first_detect_s": float(t[i, f] + t0[i]) if any_det[i] else np.nan,
                "last_detect_s": float(t[i, last_idx[i]] + t0[i]) if any_det[i] else np.nan,
                "first_detect_after_launch_s": float(t[i, f]) if any_det[i] else np.nan,
                "track_time_s": float(np.nansum(np.diff(batch.t_s[i]) * (det[i, 1:] & det[i, :-1])))
                if any_det[i] else 0.0,
                "first_detect_alt_km": float(batch.alt_m[i, f] / 1e3) if any_det[i] else np.nan,
                "first_detect_range_km": float(la["slant_range_m"][i, f] / 1e3) if any_det[i] else np.nan,
                "first_detect_phase": (["boost", "midcourse", "reentry"][int(batch.phase[i, f])]
                                       if any_det[i] and 0 <= int(batch.phase[i, f]) <= 2 else ""),
                "peak_snr_db": float(snr[i]) if np.isfinite(snr[i]) else np.nan,
                "closest_ground_km": float(closest[i]),
            })
    return pd.DataFrame(rows)
