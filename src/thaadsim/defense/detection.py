"""First detection time of each threat by a battery: the input of the fire-control timeline.

The engagement code needs one number per (threat, battery): the time (s since the threat's
launch) at which the battery's radar first holds the threat. Three sources, in order:

1. an explicit array the caller passes (e.g. from :mod:`thaadsim.sensors` detections, or a
   test's closed-form value) — :func:`thaadsim.defense.engagement.engagement_windows` takes it as
   ``detect_s``;
2. a battery without its own radar fires on an external cue: detection at ``cue_delay_s`` after
   the threat's launch (an estimate, see :class:`~thaadsim.defense.battery.FireControl`);
3. otherwise the battery's radar decides, through :func:`thaadsim.sensors.detect` (line of sight
   with 4/3-Earth refraction, scan limits of the face, instrumented range, and the radar equation
   with the sensors layer's RCS-by-phase signature): the first detected sample. The face boresight
   is the battery's ``face_az_deg``, or, by default, the azimuth from the radar toward each threat's
   launch point (threats are grouped by that azimuth, one ``detect`` call per group).
"""

from __future__ import annotations

import numpy as np


_R_MEAN_M = 6371.0e3


def azimuth_deg(lat1_deg, lon1_deg, lat2_deg, lon2_deg):
    """Initial great-circle azimuth from point 1 to point 2 (deg clockwise from north; sphere)."""
    p1, l1, p2, l2 = (np.radians(np.asarray(x, float)) for x in (lat1_deg, lon1_deg, lat2_deg, lon2_deg))
    dl = l2 - l1
    y = np.sin(dl) * np.cos(p2)
    x = np.cos(p1) * np.sin(p2) - np.sin(p1) * np.cos(p2) * np.cos(dl)
    return np.degrees(np.arctan2(y, x)) % 360.0


def ground_range_m(lat1_deg, lon1_deg, lat2_deg, lon2_deg):
    """Great-circle distance on the mean sphere (R = 6371 km), haversine form; broadcasts."""
    p1, l1, p2, l2 = (np.radians(np.asarray(x, float)) for x in (lat1_deg, lon1_deg, lat2_deg, lon2_deg))
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2) ** 2
    return 2.0 * _R_MEAN_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def face_azimuths_deg(batch, battery, face_az_deg=None) -> np.ndarray:
    """(N,) face azimuth (deg, 0.1 deg steps) the battery's radar uses against each threat: the one
    given, else the battery's own, else toward each threat's launch point."""
    pr = battery.radar
    face = face_az_deg if face_az_deg is not None else battery.face_az_deg
    if face is None:
        face = azimuth_deg(pr.lat_deg, pr.lon_deg, batch.launch_lat_deg, batch.launch_lon_deg)
    return np.round(np.broadcast_to(np.asarray(face, float), (len(batch.alt_m),)), 1) % 360.0


def radar_track(batch, battery, face_az_deg=None, signature=None, rcs_m2=None):
    """What the battery's own radar holds: ((N,) first detection time, (N, T) detected mask).

    The mask is True at the samples where the radar detects the threat (line of sight, scan
    limits, instrumented range and SNR above threshold; see :func:`thaadsim.sensors.detect`).
    A battery without a radar (external cue) gets its cue time and ``None`` for the mask: nothing
    is known about where a distant sensor holds the threat.
    ``face_az_deg`` overrides the battery's face azimuth (scalar or (N,)); ``signature`` (a
    :class:`thaadsim.sensors.Signature`) sets the threats' RCS by phase (default: the sensors
    layer's documented assumptions); ``rcs_m2`` ((N, T), e.g. one missile's signature per row)
    replaces it where the rows are different missiles.
    """
    n = len(batch.alt_m)
    if battery.radar is None:
        return np.full(n, battery.fire_control.cue_delay_s), None
    from dataclasses import replace

    from thaadsim.sensors import detect

    pr = battery.radar
    face = face_azimuths_deg(batch, battery, face_az_deg)
    out = np.full(n, np.nan)
    mask = np.zeros(np.shape(batch.alt_m), bool)
    for az in np.unique(face):
        rows = np.nonzero(face == az)[0]
        sub = batch if rows.size == n else batch[rows]
        rcs = None if rcs_m2 is None else np.asarray(rcs_m2, float)[rows]
        det = detect(sub, replace(pr, face_az_deg=float(az)), signature=signature, rcs_m2=rcs)
        out[rows] = det.first_detection_s
        mask[rows] = det.detected
    return out, mask


def first_detection_s(batch, battery, face_az_deg=None, signature=None):
    """(N,) first time (s since each threat's launch) the battery holds the threat; NaN if never.

    Same arguments as :func:`radar_track`.
    """
    return radar_track(batch, battery, face_az_deg, signature)[0]
