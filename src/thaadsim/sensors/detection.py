"""Detections of a batch of trajectories by one placed radar: per sample, then per trajectory.

Per time sample (arrays of shape (N, T), False/NaN on padding):

* ``in_line_of_sight`` - the refracted ray clears the Earth (:mod:`thaadsim.sensors.geometry`);
* ``in_scan`` - azimuth within the face's half width of boresight and apparent elevation within
  [min, max] elevation;
* ``in_range`` - slant range within the instrumented range;
* ``slant_range_m``, ``azimuth_deg``, ``elevation_deg``, ``rcs_m2`` and ``snr_db`` (radar equation,
  track form by default, search form with ``search=True``);
* ``detected`` = all of the above and SNR ≥ the radar's threshold.

Per trajectory: first detection (time, altitude, slant range, phase), last detection, the track
intervals (runs of consecutive detected samples), total track time (the sum of the intervals'
lengths, first to last detected sample of each run: a run of one sample counts 0 s, so results
are good to about one sample spacing), and which flight phases were tracked.

Everything is vectorised over (N, T); no Python loop runs per sample. Only splitting the
intervals into one small array per trajectory loops over rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # annotations only (the flight layer is below this one; no import at run time)
    from numpy.typing import ArrayLike

    from thaadsim.flight.trajectory import TrajectoryBatch

import numpy as np
import pandas as pd

from thaadsim.sensors.geometry import in_scan as _in_scan
from thaadsim.sensors.geometry import look_angles
from thaadsim.sensors.radar import PlacedRadar
from thaadsim.sensors.radar_equation import linear_to_db
from thaadsim.sensors.signatures import Signature, signature_for

PHASES = ("boost", "midcourse", "reentry")


@dataclass
class DetectionResult:
    """Detections of N trajectories by one radar (see the module docstring)."""

    radar_id: str
    mode: str
    t_s: np.ndarray
    valid: np.ndarray
    in_line_of_sight: np.ndarray
    in_scan: np.ndarray
    in_range: np.ndarray
    slant_range_m: np.ndarray
    azimuth_deg: np.ndarray
    elevation_deg: np.ndarray
    rcs_m2: np.ndarray
    snr_db: np.ndarray
    detected: np.ndarray
    # per trajectory (N,)
    first_detection_s: np.ndarray
    first_detection_alt_m: np.ndarray
    first_detection_range_m: np.ndarray
    first_detection_phase: np.ndarray
    last_detection_s: np.ndarray
    last_detection_alt_m: np.ndarray
    track_time_s: np.ndarray
    tracked_phase: np.ndarray          # (N, 3) bool: boost, midcourse, reentry
    intervals_s: list = field(default_factory=list)   # per trajectory, (k, 2) array of [start, end]
    missile_id: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.detected.shape[0])

    @property
    def any_detected(self) -> np.ndarray:
        """(N,) bool: whether each trajectory is detected at any sample."""
        return self.detected.any(axis=1)

    def tracked_phases(self) -> list[str]:
        """Per trajectory, the tracked phases as a comma-separated string ("" if never detected)."""
        return [",".join(p for p, on in zip(PHASES, row) if on) for row in self.tracked_phase]

    def _repr_html_(self) -> str:
        """A notebook shows one row per trajectory: detected, first detection, track time, phases."""
        from thaadsim.html_repr import frame_block

        n = len(self)
        return frame_block(f"DetectionResult: radar {self.radar_id} ({self.mode}), {int(self.any_detected.sum())} "
                           f"of {n} trajector{'y' if n == 1 else 'ies'} detected", self.summary(),
                           ["missile_id", "detected", "first_detection_s", "first_detection_alt_km",
                            "first_detection_range_km", "track_time_s", "tracked_phases"])

    def summary(self) -> pd.DataFrame:
        """One row per trajectory; units in the column names."""
        df = pd.DataFrame({
            "radar_id": self.radar_id,
            "mode": self.mode,
            "detected": self.any_detected,
            "first_detection_s": self.first_detection_s,
            "first_detection_alt_km": self.first_detection_alt_m / 1e3,
            "first_detection_range_km": self.first_detection_range_m / 1e3,
            "first_detection_phase": [PHASES[int(p)] if p >= 0 else "" for p in self.first_detection_phase],
            "last_detection_s": self.last_detection_s,
            "last_detection_alt_km": self.last_detection_alt_m / 1e3,
            "track_time_s": self.track_time_s,
            "n_track_intervals": [len(iv) for iv in self.intervals_s],
            "tracked_phases": self.tracked_phases(),
        })
        if self.missile_id is not None:
            df.insert(0, "missile_id", self.missile_id)
        return df


def _valid_mask(batch) -> np.ndarray:
    v = getattr(batch, "valid", None)
    if v is not None:
        return np.asarray(v, bool)
    t = np.asarray(batch.t_s)
    return np.arange(t.shape[1])[None, :] < np.asarray(batch.n_samples)[:, None]


def _first_last(mask: np.ndarray):
    """Index of the first and last True per row, -1 where none."""
    anyv = mask.any(axis=1)
    first = np.where(anyv, mask.argmax(axis=1), -1)
    last = np.where(anyv, mask.shape[1] - 1 - mask[:, ::-1].argmax(axis=1), -1)
    return first, last


def _take(a: np.ndarray, idx: np.ndarray) -> np.ndarray:
    rows = np.arange(a.shape[0])
    out = a[rows, np.maximum(idx, 0)].astype(float)
    return np.where(idx >= 0, out, np.nan)


def track_intervals(detected: np.ndarray):
    """Runs of consecutive True samples per row: (row, start index, end index) arrays, row-major.

    Every run has exactly one start and one end, so the start and end rows coincide pairwise.
    """
    d = np.asarray(detected, bool)
    prev = np.zeros_like(d)
    prev[:, 1:] = d[:, :-1]
    nxt = np.zeros_like(d)
    nxt[:, :-1] = d[:, 1:]
    rs, cs = np.nonzero(d & ~prev)
    _, ce = np.nonzero(d & ~nxt)
    return rs, cs, ce


def detect(batch: TrajectoryBatch, radar: PlacedRadar, *, signature: Signature | None = None, rcs_m2: ArrayLike | None = None,
           search: bool = False, refraction: bool | float = True) -> DetectionResult:
    """Detections of every sample of a :class:`~thaadsim.flight.TrajectoryBatch` by ``radar``.

    Parameters
    ----------
    batch : TrajectoryBatch
        Uses ``t_s``, ``lat_deg``, ``lon_deg``, ``alt_m``, ``r_ecef_m``, ``phase`` and the valid mask.
    radar : PlacedRadar
    signature : Signature, optional
        RCS by phase (default :func:`signature_for` with no missile: the documented assumptions).
    rcs_m2 : float or array (N, T), optional
        A fixed RCS for every sample instead of the signature.
    search : bool
        Use the search form of the radar equation (the radar's search budget) instead of track.
    refraction : bool or float
        4/3-Earth refraction (True), none (False), or a k value.
    """
    r = radar.radar
    valid = _valid_mask(batch)
    t = np.where(valid, np.asarray(batch.t_s, float), np.nan)
    lat = np.where(valid, batch.lat_deg, np.nan)
    lon = np.where(valid, batch.lon_deg, np.nan)
    alt = np.where(valid, batch.alt_m, np.nan)
    ecef = getattr(batch, "r_ecef_m", None)
    la = look_angles(radar.lat_deg, radar.lon_deg, radar.antenna_alt_m, lat, lon, alt,
                     target_ecef_m=ecef, refraction=refraction)
    los = la["in_line_of_sight"] & valid
    scan = _in_scan(la["azimuth_deg"], la["elevation_deg"], radar.face_az_deg, r.az_half_width_deg,
                    r.min_elevation_deg, r.max_elevation_deg) & valid
    slant = np.where(valid, la["slant_range_m"], np.nan)
    in_range = (slant <= r.max_range_m) & valid
    phase = np.asarray(batch.phase)
    if rcs_m2 is not None:
        rcs = np.where(valid, np.broadcast_to(np.asarray(rcs_m2, float), valid.shape), np.nan)
    else:
        rcs = (signature or signature_for()).rcs_by_phase(np.where(valid, phase, -1))
    snr_db = linear_to_db(r.snr(slant, rcs, search=search))
    with np.errstate(invalid="ignore"):
        strong = snr_db >= r.snr_threshold_db
    detected = los & scan & in_range & strong & valid

    first, last = _first_last(detected)
    rows, cs, ce = track_intervals(detected)
    n = detected.shape[0]
    lengths = t[rows, ce] - t[rows, cs]
    track_time = np.bincount(rows, weights=lengths, minlength=n)
    pairs = np.stack([t[rows, cs], t[rows, ce]], axis=-1) if rows.size else np.zeros((0, 2))
    splits = np.searchsorted(rows, np.arange(1, n))
    intervals = np.split(pairs, splits)
    tracked = np.stack([(detected & (phase == k)).any(axis=1) for k in range(3)], axis=-1)
    fphase = np.where(first >= 0, phase[np.arange(n), np.maximum(first, 0)], -1)
    return DetectionResult(
        radar_id=r.id, mode="search" if search else "track", t_s=t, valid=valid,
        in_line_of_sight=los, in_scan=scan, in_range=in_range, slant_range_m=slant,
        azimuth_deg=np.where(valid, la["azimuth_deg"], np.nan),
        elevation_deg=np.where(valid, la["elevation_deg"], np.nan), rcs_m2=rcs, snr_db=snr_db,
        detected=detected,
        first_detection_s=_take(t, first), first_detection_alt_m=_take(alt, first),
        first_detection_range_m=_take(slant, first), first_detection_phase=fphase,
        last_detection_s=_take(t, last), last_detection_alt_m=_take(alt, last),
        track_time_s=track_time, tracked_phase=tracked, intervals_s=list(intervals),
        missile_id=getattr(batch, "missile_id", None),
    )
