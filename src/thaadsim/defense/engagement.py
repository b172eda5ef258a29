"""Engagement windows: when can a battery's interceptor meet each threat? (batch: threats x batteries)

For a threat sample at time t (s since the threat's launch) at ground range r from the battery
and altitude h, the interceptor must be launched at

    t_L(t) = t - tau(r, h)

where tau is the shortest fly-out time from the battery's reach table
(:mod:`thaadsim.defense.reach`, flown by the flight engine). The sample is a **feasible intercept**
when all of these hold:

* tau is finite (the point is kinematically reachable);
* h_min <= h <= h_max and r <= r_max (the interceptor's engagement envelope);
* the threat is past boost (phase >= 1: the target is the separated reentry vehicle);
* t_L(t) >= t_detect + firm track + launch decision + launch prep (the fire-control timeline);
* when the battery has its own radar, that radar holds the threat at t (line of sight, scan limits
  of the face, instrumented range, SNR above threshold: :func:`thaadsim.sensors.detect`). THAAD's
  interceptor flies on the fire-control radar's track until its seeker takes over, so an intercept
  point behind the face, below the elevation floor or out of radar range is not a feasible one,
  even when the threat was seen earlier (a threat that overflies the battery toward a target
  behind it). A battery without a radar (external cue) has no such check.

From the feasible set we report the earliest and latest intercept (time, altitude, ground range),
the fly-out time and closing speed at the earliest intercept, and the number of shots that fit
with **shoot-look-shoot**: shot k+1 may leave only after shot k's intercept plus the kill-assessment
delay, and must still meet a feasible intercept.

Closing speed: |v_threat - v_interceptor| at the intercept point, with the interceptor velocity
rebuilt from the reach table's speed and flight-path angle, heading horizontally away from the
battery. Times are sampled at the threat batch's sample times (fly the threats with a small
``sample_dt_s`` for finer windows).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # annotations only (the flight layer is below this one; no import at run time)
    from numpy.typing import ArrayLike

    from thaadsim.sensors.signatures import Signature
    from thaadsim.flight.trajectory import TrajectoryBatch

import numpy as np
import pandas as pd

from thaadsim.defense.battery import Battery
from thaadsim.defense.detection import ground_range_m, radar_track
from thaadsim.defense.reach import reach_table
from thaadsim.earth.frames import geodetic_to_ecef

MAX_SHOTS = 12


@dataclass
class PairGeometry:
    """Per-sample arrays (N, T) for one battery: what the raid simulator needs to place shots."""

    feasible: np.ndarray      # (N, T) bool
    t_s: np.ndarray           # (N, T) intercept time since threat launch
    launch_s: np.ndarray      # (N, T) interceptor launch time since threat launch (NaN if infeasible)


@dataclass
class EngagementWindows:
    """Results for N threats x M batteries; every array has shape (N, M). Times are s since each
    threat's launch; NaN where the pair is not engageable.

    Attributes
    ----------
    battery_ids : list of str
        The M batteries, in the order of the columns.
    engageable : numpy.ndarray of bool
        Whether the pair has at least one feasible intercept (see the module notes for the conditions).
    detect_s, earliest_launch_s : numpy.ndarray
        First detection, and the earliest launch the fire-control timeline allows after it.
    earliest_intercept_s, latest_intercept_s : numpy.ndarray
        The window of feasible intercepts.
    earliest_intercept_alt_km, latest_intercept_alt_km, intercept_alt_km_min, intercept_alt_km_max : numpy.ndarray
        Intercept altitudes at the window's ends, and over it.
    earliest_intercept_range_km, latest_intercept_range_km : numpy.ndarray
        Ground range from the battery at the window's ends.
    fly_out_time_s, closing_speed_kms : numpy.ndarray
        At the earliest intercept.
    shots_possible : numpy.ndarray
        Shoot-look-shoot opportunities that fit in the window.
    geometry : list of PairGeometry
        Per battery, the per-sample feasibility and launch times (N, T) the raid simulator places shots with.
    """

    battery_ids: list
    engageable: np.ndarray
    detect_s: np.ndarray
    earliest_launch_s: np.ndarray
    earliest_intercept_s: np.ndarray
    latest_intercept_s: np.ndarray
    earliest_intercept_alt_km: np.ndarray
    latest_intercept_alt_km: np.ndarray
    intercept_alt_km_min: np.ndarray
    intercept_alt_km_max: np.ndarray
    earliest_intercept_range_km: np.ndarray
    latest_intercept_range_km: np.ndarray
    fly_out_time_s: np.ndarray
    closing_speed_kms: np.ndarray
    shots_possible: np.ndarray
    geometry: list  # M PairGeometry

    def to_dataframe(self) -> pd.DataFrame:
        """One row per (threat, battery) pair."""
        n, m = self.engageable.shape
        cols = {"threat": np.repeat(np.arange(n), m), "battery": np.tile(np.array(self.battery_ids), n)}
        for f in fields(self):
            if f.name in ("battery_ids", "geometry"):
                continue
            cols[f.name] = getattr(self, f.name).reshape(-1)
        return pd.DataFrame(cols)

    def _repr_html_(self) -> str:
        """A notebook shows one row per (threat, battery) pair: engageable, intercept window, shots."""
        from thaadsim.html_repr import frame_block

        n, m = self.engageable.shape
        return frame_block(f"EngagementWindows: {n} threats x {m} batteries, {int(self.engageable.sum())} pairs "
                           "engageable", self.to_dataframe(),
                           ["threat", "battery", "engageable", "earliest_intercept_s", "latest_intercept_s",
                            "earliest_intercept_alt_km", "fly_out_time_s", "shots_possible"])

    def pair(self, i: int = 0, j: int = 0) -> dict:
        """The results for one (threat i, battery j) pair as a plain JSON-ready dict.

        Parameters
        ----------
        i : int
            Threat row.
        j : int
            Battery column.

        Returns
        -------
        dict
        """
        out = {"battery": self.battery_ids[j]}
        for f in fields(self):
            if f.name in ("battery_ids", "geometry"):
                continue
            v = getattr(self, f.name)[i, j]
            if f.name in ("engageable",):
                out[f.name] = bool(v)
            elif f.name == "shots_possible":
                out[f.name] = int(v)
            else:
                out[f.name] = None if not np.isfinite(v) else round(float(v), 3)
        return out


def _battery_pass(batch, bat: Battery, detect_s, tracked=None):
    itc = bat.interceptor
    table = reach_table(itc)
    valid = np.asarray(batch.valid, bool)
    t = np.asarray(batch.t_s, float)
    alt = np.asarray(batch.alt_m, float)
    rng = ground_range_m(bat.lat_deg, bat.lon_deg, batch.lat_deg, batch.lon_deg)
    tau, spd, gam = table.lookup(rng, alt - bat.alt_m)   # height above the launcher
    launch = t - tau
    t_min_launch = detect_s + bat.fire_control.detect_to_launch_s          # (N,)
    phase = np.asarray(batch.phase)
    with np.errstate(invalid="ignore"):
        feasible = (valid & np.isfinite(tau) & (alt >= itc.min_alt_m) & (alt <= itc.max_alt_m)
                    & (rng <= itc.max_range_m) & (phase >= 1)
                    & (launch >= t_min_launch[:, None]) & np.isfinite(t_min_launch)[:, None])
    if tracked is not None:
        feasible &= tracked
    n, T = t.shape
    any_f = feasible.any(axis=1)
    i_first = np.argmax(feasible, axis=1)
    i_last = T - 1 - np.argmax(feasible[:, ::-1], axis=1)
    rows = np.arange(n)

    def pick(a, idx):
        return np.where(any_f, a[rows, idx], np.nan)

    with np.errstate(all="ignore"):
        alt_min = np.where(any_f, np.nanmin(np.where(feasible, alt, np.inf), axis=1), np.nan)
        alt_max = np.where(any_f, np.nanmax(np.where(feasible, alt, -np.inf), axis=1), np.nan)

    # closing speed at the earliest intercept
    r_t = np.asarray(batch.r_ecef_m)[rows, i_first]
    v_t = np.asarray(batch.v_ecef_ms)[rows, i_first]
    r_b = geodetic_to_ecef(bat.lat_deg, bat.lon_deg, bat.alt_m)
    up = r_t / np.linalg.norm(r_t, axis=-1, keepdims=True)
    d = r_t - r_b
    horiz = d - np.einsum("ij,ij->i", d, up)[:, None] * up
    horiz /= np.maximum(np.linalg.norm(horiz, axis=-1, keepdims=True), 1e-9)
    g = gam[rows, i_first]
    s = spd[rows, i_first]
    v_i = s[:, None] * (np.cos(g)[:, None] * horiz + np.sin(g)[:, None] * up)
    closing = np.where(any_f, np.linalg.norm(v_t - v_i, axis=-1) / 1e3, np.nan)

    # shoot-look-shoot: greedy sequence of shots
    look = bat.fire_control.kill_assessment_s
    shots = np.zeros(n, np.int64)
    prev_intercept = np.full(n, -np.inf)
    launch_f = np.where(feasible, launch, np.nan)
    active = any_f.copy()
    for _ in range(MAX_SHOTS):
        with np.errstate(invalid="ignore"):
            ok = feasible & (launch_f >= (prev_intercept + look)[:, None])
        has = ok.any(axis=1) & active
        if not has.any():
            break
        k = np.argmax(ok, axis=1)
        shots += has
        prev_intercept = np.where(has, t[rows, k], prev_intercept)
        active = has
    res = dict(
        engageable=any_f,
        detect_s=detect_s,
        earliest_launch_s=pick(launch, i_first),
        earliest_intercept_s=pick(t, i_first),
        latest_intercept_s=pick(t, i_last),
        earliest_intercept_alt_km=pick(alt, i_first) / 1e3,
        latest_intercept_alt_km=pick(alt, i_last) / 1e3,
        intercept_alt_km_min=alt_min / 1e3,
        intercept_alt_km_max=alt_max / 1e3,
        earliest_intercept_range_km=pick(rng, i_first) / 1e3,
        latest_intercept_range_km=pick(rng, i_last) / 1e3,
        fly_out_time_s=pick(tau, i_first),
        closing_speed_kms=closing,
        shots_possible=shots,
    )
    geom = PairGeometry(feasible=feasible, t_s=t, launch_s=np.where(feasible, launch, np.nan))
    return res, geom


def engagement_windows(batch: TrajectoryBatch, batteries: Sequence[Battery], detect_s: ArrayLike | None = None,
                       face_az_deg: float | None = None, signature: Signature | None = None,
                       require_track: bool = True, rcs_m2: ArrayLike | None = None) -> EngagementWindows:
    """Engagement windows of every threat in ``batch`` against every battery.

    Parameters
    ----------
    batch : thaadsim.flight.TrajectoryBatch
        N threat trajectories.
    batteries : Battery or sequence of Battery
        M batteries.
    detect_s : array_like (N, M) or (N,) or None
        First detection time of each threat by each battery (s since threat launch), e.g. from the
        sensors layer. None computes it with :func:`thaadsim.defense.detection.first_detection_s`.
    face_az_deg : float or None
        Override every battery's radar face azimuth (None: the battery's own, else toward the
        threat's launch point).
    signature : thaadsim.sensors.Signature or None
        Threat RCS by phase for the battery radars' detections (first detection when ``detect_s``
        is None, and the track at the intercept point).
    require_track : bool
        Only intercept where the battery's own radar holds the threat (see the module notes).
        Applies to batteries with a radar; False reproduces a window limited by kinematics and the
        first detection alone.
    rcs_m2 : array (N, T) or None
        Threat RCS per sample, instead of ``signature`` (a batch of different missiles: the same
        RCS the sensors layer used for ``detect_s``, so the track and the first detection agree).
    """
    if isinstance(batteries, Battery):
        batteries = [batteries]
    n = len(batch.alt_m)
    m = len(batteries)
    # one detect() pass per battery radar gives both its first detection and its track mask
    need = [b.radar is not None and (detect_s is None or require_track) for b in batteries]
    tracks = [radar_track(batch, b, face_az_deg, signature, rcs_m2) if nd else None
              for b, nd in zip(batteries, need)]
    if detect_s is not None:
        d = np.asarray(detect_s, float)
        if d.ndim == 1 and d.size == n:
            d = d[:, None]
        try:
            det = np.broadcast_to(d, (n, m))
        except ValueError:
            from thaadsim.errors import ThaadsimError
            raise ThaadsimError("detect_s", f"shape {d.shape} does not fit {n} threats x {m} batteries",
                                "give a scalar, (N,) or (N, M) array") from None
    else:
        det = np.stack([tr[0] if tr is not None else np.full(n, b.fire_control.cue_delay_s)
                        for b, tr in zip(batteries, tracks)], axis=1)
    masks = [tr[1] if (tr is not None and require_track) else None for tr in tracks]
    cols: dict = {}
    geoms = []
    for j, bat in enumerate(batteries):
        res, geom = _battery_pass(batch, bat, det[:, j], masks[j])
        geoms.append(geom)
        for k, v in res.items():
            cols.setdefault(k, []).append(np.asarray(v))
    stacked = {k: np.stack(v, axis=1) for k, v in cols.items()}
    return EngagementWindows(battery_ids=[b.id for b in batteries], geometry=geoms, **stacked)


def not_engageable_reasons(batch, battery: Battery, windows: EngagementWindows, j: int = 0) -> list:
    """Why each threat is not engageable by ``windows``' battery ``j`` ('' where it is).

    Peels the conditions of the module notes off one at a time, so the first one that empties the
    window is named: never detected; never inside the interceptor's envelope (altitude band and
    range, past boost) at all; inside it only before detection + fire-control delays allow a launch;
    inside it, in time, only where the battery's radar does not hold the threat.
    """
    n = len(batch.alt_m)
    itc = battery.interceptor
    env = (f"{itc.min_alt_m / 1e3:g}-{itc.max_alt_m / 1e3:g} km altitude within "
           f"{itc.max_range_m / 1e3:g} km, past boost")
    det = windows.detect_s[:, j]
    anytime = engagement_windows(batch, [battery], detect_s=-1e9, require_track=False).engageable[:, 0]
    in_time = engagement_windows(batch, [battery], detect_s=np.nan_to_num(det, nan=np.inf),
                                 require_track=False).engageable[:, 0]
    late = np.char.add(np.char.add(f"inside the reach ({env}) only before an interceptor launched after the "
                                   "first detection (", np.char.mod("%.0f", np.nan_to_num(det))),
                       f" s) plus {battery.fire_control.detect_to_launch_s:g} s of fire control could get there")
    reasons = np.select(
        [windows.engageable[:, j], ~np.isfinite(det), ~anytime, ~in_time],
        ["", "never detected by the battery's radar", f"never inside the interceptor's reach ({env})", late],
        "inside the reach and in time only where the battery's radar does not hold the threat "
        "(behind or beside the face, below its minimum elevation or beyond its range)")
    return [str(r) for r in reasons]
