"""First detection time of each threat by a battery: the input of the fire-control timeline.

The engagement code needs one number per (threat, battery): the time (s since the threat's
launch) at which the battery's radar first holds the threat. Three sources, in order:

1. an explicit array the caller passes (e.g. from :mod:`thaadsim.sensors` detections, or a
   test's closed-form value) — :func:`thaadsim.defense.engagement.engagement_windows` takes it as
   ``detect_s``;
2. a battery without its own radar fires on an external cue: detection at ``cue_delay_s`` after
   the threat's launch (an estimate, see :class:`~thaadsim.defense.battery.FireControl`);
3. otherwise :func:`first_detection_s` here: the first sample at which the threat is inside the
   battery radar's *geometric* coverage: slant range <= instrumented range, elevation >= the
   face's minimum elevation, azimuth within the face's half width of its boresight. The face
   boresight is the battery's ``face_az_deg``, or, by default, the azimuth from the radar toward
   each threat's launch point. Elevation uses the 4/3 effective-Earth-radius model of
   refraction: the apparent elevation of a target at ground distance d is raised by
   d / (2 k R) - d / (2 R) (k = 4/3), which reproduces d = sqrt(2 k R h) for the horizon
   (REFERENCES 6.2). The radar equation (RCS, SNR) is the sensors layer's job; use option 1 to
   include it.
"""

from __future__ import annotations

import numpy as np

from thaadsim.earth.frames import ecef_to_enu, enu_to_aer

_R_MEAN_M = 6371.0e3
_K_REFRACTION = 4.0 / 3.0


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


def visible_mask(batch, lat_deg, lon_deg, antenna_alt_m, *, max_range_m, min_elevation_deg,
                 az_half_width_deg, face_az_deg=None):
    """(N, T) mask: samples inside a radar face's geometric coverage (see module docstring)."""
    enu = ecef_to_enu(batch.r_ecef_m, lat_deg, lon_deg, antenna_alt_m)
    az, el, rng = enu_to_aer(enu)
    d = ground_range_m(lat_deg, lon_deg, batch.lat_deg, batch.lon_deg)
    el_app = el + np.degrees(d / (2.0 * _R_MEAN_M) * (1.0 - 1.0 / _K_REFRACTION))
    if face_az_deg is None:
        face = azimuth_deg(lat_deg, lon_deg, batch.launch_lat_deg, batch.launch_lon_deg)[:, None]
    else:
        face = np.broadcast_to(np.asarray(face_az_deg, float), (len(batch.alt_m),))[:, None]
    off = np.abs((az - face + 180.0) % 360.0 - 180.0)
    valid = np.asarray(batch.valid, bool)
    return valid & (rng <= max_range_m) & (el_app >= min_elevation_deg) & (off <= az_half_width_deg)


def first_detection_s(batch, battery, face_az_deg=None):
    """(N,) first time (s since each threat's launch) the battery holds the threat; NaN if never.

    ``face_az_deg`` overrides the battery's face azimuth (scalar or (N,)).
    """
    n = len(batch.alt_m)
    if battery.radar is None:
        return np.full(n, battery.fire_control.cue_delay_s)
    pr = battery.radar
    face = face_az_deg if face_az_deg is not None else battery.face_az_deg
    if face is None:
        face = None
    mask = visible_mask(batch, pr.lat_deg, pr.lon_deg, pr.antenna_alt_m, max_range_m=pr.radar.max_range_m,
                        min_elevation_deg=pr.radar.min_elevation_deg,
                        az_half_width_deg=pr.radar.az_half_width_deg, face_az_deg=face)
    t = np.where(mask, batch.t_s, np.inf).min(axis=1)
    return np.where(np.isfinite(t), t, np.nan)
