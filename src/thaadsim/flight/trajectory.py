"""`TrajectoryBatch`: N flown trajectories as padded arrays, with events and summary figures.

A single trajectory is a batch of one. Rows have different lengths; ``n_samples`` gives each row's
length and ``valid`` masks the padding (times are NaN there). Samples are regular in time plus the
exact event times (burnout, apogee, 100 km on the way down, impact), so the last valid sample of a
row that impacted is the impact itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:   # annotations only: xarray and matplotlib load when first used
    import matplotlib.axes
    import xarray
    from numpy.typing import ArrayLike

PHASE_BOOST, PHASE_MIDCOURSE, PHASE_REENTRY = 0, 1, 2
PHASE_NAMES = {PHASE_BOOST: "boost", PHASE_MIDCOURSE: "midcourse", PHASE_REENTRY: "reentry"}

SUMMARY_COLUMNS = (
    "missile_id", "launch_lat_deg", "launch_lon_deg", "range_km", "apogee_km", "flight_time_s",
    "impact_lat_deg", "impact_lon_deg", "max_speed_kms", "burnout_speed_kms", "burnout_angle_deg",
    "burnout_altitude_km", "burnout_s", "apogee_s", "reentry_100km_s", "impact_s",
)


@dataclass
class TrajectoryBatch:
    """Arrays for N trajectories (see the module docstring for the layout).

    Produced by :func:`thaadsim.flight.fly_targeted`, :func:`thaadsim.flight.fly_powered` and
    :func:`thaadsim.flight.fly_kinematic`. ``summary()`` gives one row per trajectory,
    ``to_dataframe(i)`` the samples of one, ``to_long_dataframe()`` and ``to_xarray()`` all of them.

    Attributes
    ----------
    t_s, lat_deg, lon_deg, alt_m, speed_ms, phase : numpy.ndarray, shape (N, T)
        Per sample: time since launch (s), geodetic position (WGS84), speed relative to the rotating
        Earth (m/s) and flight phase (0 boost, 1 midcourse, 2 reentry below 100 km; -1 padding).
        Rows are padded with NaN past ``n_samples``.
    r_eci_m, v_eci_ms, r_ecef_m, v_ecef_ms : numpy.ndarray, shape (N, T, 3)
        Position and velocity in the inertial frame (equal to the Earth-fixed frame at launch) and in
        the Earth-fixed frame (velocity relative to the rotating Earth).
    n_samples : numpy.ndarray, shape (N,)
        Valid samples in each row.
    burnout_s, apogee_s, reentry_100km_s, impact_s : numpy.ndarray, shape (N,)
        Event times, s since launch (NaN if the event did not happen).
    missile_id, launch_lat_deg, launch_lon_deg, range_km, apogee_km, flight_time_s : numpy.ndarray, shape (N,)
        The summary figures, one per trajectory (range is the WGS84 geodesic from launch to impact).
    impact_lat_deg, impact_lon_deg, max_speed_kms, burnout_speed_kms, burnout_angle_deg : numpy.ndarray
        Where it came down, its top speed and its burnout state (speed relative to the rotating Earth).
    burnout_altitude_km : numpy.ndarray, shape (N,)
        Altitude at the last burnout, km.
    target_lat_deg, target_lon_deg, miss_km : numpy.ndarray or None
        The aimpoint and the miss distance, when the batch was targeted.
    kick_deg, cutoff_s, launch_azimuth_deg : numpy.ndarray or None
        The flight programme targeting chose (None for kinematic flights).
    stage_burnout_s : numpy.ndarray or None, shape (N, S)
        Burnout time of each stage that fired (NaN for stages the cut-off skipped).
    """

    t_s: np.ndarray              # (N, T)
    n_samples: np.ndarray        # (N,)
    r_eci_m: np.ndarray          # (N, T, 3)
    v_eci_ms: np.ndarray         # (N, T, 3)
    r_ecef_m: np.ndarray         # (N, T, 3)
    v_ecef_ms: np.ndarray        # (N, T, 3) relative to the rotating Earth
    lat_deg: np.ndarray          # (N, T)
    lon_deg: np.ndarray          # (N, T)
    alt_m: np.ndarray            # (N, T)
    speed_ms: np.ndarray         # (N, T) relative to the rotating Earth
    phase: np.ndarray            # (N, T) int8, -1 padding
    # events (N,)
    burnout_s: np.ndarray
    apogee_s: np.ndarray
    reentry_100km_s: np.ndarray
    impact_s: np.ndarray
    # summary (N,)
    missile_id: np.ndarray
    launch_lat_deg: np.ndarray
    launch_lon_deg: np.ndarray
    range_km: np.ndarray
    apogee_km: np.ndarray
    flight_time_s: np.ndarray
    impact_lat_deg: np.ndarray
    impact_lon_deg: np.ndarray
    max_speed_kms: np.ndarray
    burnout_speed_kms: np.ndarray
    burnout_angle_deg: np.ndarray
    burnout_altitude_km: np.ndarray
    # targeting diagnostics, NaN where not targeted
    target_lat_deg: np.ndarray | None = None
    target_lon_deg: np.ndarray | None = None
    miss_km: np.ndarray | None = None
    # the flight programme that targeting chose (NaN/None for kinematic flights)
    kick_deg: np.ndarray | None = None
    cutoff_s: np.ndarray | None = None
    launch_azimuth_deg: np.ndarray | None = None
    # (N, S) burnout time of each stage that fired (NaN for stages the cut-off skipped); the last
    # one fired is also ``burnout_s``, when the reentry vehicle separates
    stage_burnout_s: np.ndarray | None = None
    # (N,) peak dynamic pressure rho |v_rel|^2 / 2 from launch to burnout, kPa (0 for a coast from burnout)
    max_q_kpa: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.n_samples.shape[0])

    @property
    def valid(self) -> np.ndarray:
        """(N, T) bool: True for the samples each trajectory really has (False for the padding)."""
        return np.arange(self.t_s.shape[1])[None, :] < self.n_samples[:, None]

    def __getitem__(self, idx) -> "TrajectoryBatch":
        """A sub-batch (rows ``idx``: an int, slice, boolean mask or index array)."""
        if isinstance(idx, (int, np.integer)):
            idx = [int(idx)]
        out = {}
        for f in fields(self):
            v = getattr(self, f.name)
            out[f.name] = None if v is None else v[idx]
        return TrajectoryBatch(**out)

    def summary(self) -> pd.DataFrame:
        """One row per trajectory with the summary figures (units in the column names)."""
        data = {c: getattr(self, c) for c in SUMMARY_COLUMNS}
        if self.stage_burnout_s is not None:
            for k in range(self.stage_burnout_s.shape[1]):
                data[f"stage{k + 1}_burnout_s"] = self.stage_burnout_s[:, k]
        if self.max_q_kpa is not None:
            data["max_q_kpa"] = self.max_q_kpa
        if self.target_lat_deg is not None:
            data["target_lat_deg"] = self.target_lat_deg
            data["target_lon_deg"] = self.target_lon_deg
            data["miss_km"] = self.miss_km
        return pd.DataFrame(data)

    def to_dataframe(self, i: int = 0) -> pd.DataFrame:
        """The samples of trajectory ``i``: time, position, altitude, speed, phase.

        Parameters
        ----------
        i : int
            Row of the batch.

        Returns
        -------
        pandas.DataFrame
            One line per real sample (padding dropped).
        """
        n = int(self.n_samples[i])
        return pd.DataFrame({
            "t_s": self.t_s[i, :n],
            "lat_deg": self.lat_deg[i, :n],
            "lon_deg": self.lon_deg[i, :n],
            "alt_km": self.alt_m[i, :n] / 1e3,
            "speed_kms": self.speed_ms[i, :n] / 1e3,
            "ground_range_km": self.ground_range_km([i])[0, :n],
            "phase": [PHASE_NAMES.get(int(p), "") for p in self.phase[i, :n]],
            "x_ecef_m": self.r_ecef_m[i, :n, 0],
            "y_ecef_m": self.r_ecef_m[i, :n, 1],
            "z_ecef_m": self.r_ecef_m[i, :n, 2],
        })

    def to_long_dataframe(self) -> pd.DataFrame:
        """Every sample of every trajectory, one row each (``trajectory`` is the batch row)."""
        ok = self.valid
        rows, cols = np.nonzero(ok)
        return pd.DataFrame({
            "trajectory": rows,
            "missile_id": np.asarray(self.missile_id)[rows],
            "t_s": self.t_s[ok],
            "lat_deg": self.lat_deg[ok],
            "lon_deg": self.lon_deg[ok],
            "alt_km": self.alt_m[ok] / 1e3,
            "speed_kms": self.speed_ms[ok] / 1e3,
            "phase": np.array([PHASE_NAMES.get(int(p), "") for p in range(-1, 3)], dtype=object)[
                self.phase[ok].astype(int) + 1],
        })

    def to_xarray(self) -> xarray.Dataset:
        """The batch as an :class:`xarray.Dataset`: samples on (``trajectory``, ``sample``), the summary
        figures on ``trajectory``; CF ``units`` and ``long_name`` on every variable, NaN padding."""
        import xarray as xr

        def var(dims, values, units, long_name):
            return xr.Variable(dims, np.asarray(values), {"units": units, "long_name": long_name})

        ts = ("trajectory", "sample")
        data = {
            "t_s": var(ts, self.t_s, "s", "time since launch"),
            "lat_deg": var(ts, self.lat_deg, "degrees_north", "geodetic latitude (WGS84)"),
            "lon_deg": var(ts, self.lon_deg, "degrees_east", "longitude"),
            "alt_km": var(ts, self.alt_m / 1e3, "km", "geodetic altitude"),
            "speed_kms": var(ts, self.speed_ms / 1e3, "km s-1", "speed relative to the rotating Earth"),
            "phase": var(ts, self.phase, "1", "flight phase: -1 padding, 0 boost, 1 midcourse, 2 reentry"),
            "n_samples": var(("trajectory",), self.n_samples, "1", "valid samples of the row"),
        }
        units = {"range_km": ("km", "ground range launch point to impact"), "apogee_km": ("km", "apogee altitude"),
                 "flight_time_s": ("s", "launch to impact"), "impact_lat_deg": ("degrees_north", "impact latitude"),
                 "impact_lon_deg": ("degrees_east", "impact longitude"),
                 "max_speed_kms": ("km s-1", "largest Earth-relative speed"),
                 "burnout_speed_kms": ("km s-1", "Earth-relative speed at burnout"),
                 "burnout_angle_deg": ("degree", "flight-path angle at burnout"),
                 "burnout_altitude_km": ("km", "altitude at burnout"), "burnout_s": ("s", "burnout time"),
                 "apogee_s": ("s", "apogee time"), "reentry_100km_s": ("s", "descent through 100 km"),
                 "launch_lat_deg": ("degrees_north", "launch latitude"),
                 "launch_lon_deg": ("degrees_east", "launch longitude"),
                 "miss_km": ("km", "impact to aimpoint (targeted batches)")}
        for name, (u, ln) in units.items():
            v = getattr(self, name, None)
            if v is not None:
                data[name] = var(("trajectory",), np.asarray(v, float), u, ln)
        coords = {"trajectory": np.arange(len(self)), "missile_id": ("trajectory", np.asarray(self.missile_id).astype(str))}
        return xr.Dataset(data, coords=coords, attrs={"title": "thaadsim trajectory batch",
                                                      "Conventions": "CF-1.8"})

    def _repr_html_(self) -> str:
        """A notebook shows the summary figures of the first trajectories (plain HTML, no JavaScript)."""
        from thaadsim.html_repr import block, rows_table

        cols = ["missile_id", "range_km", "apogee_km", "flight_time_s", "burnout_speed_kms", "impact_lat_deg",
                "impact_lon_deg"] + (["miss_km"] if self.miss_km is not None else [])
        values = [np.asarray(self.missile_id).astype(str)] + [np.asarray(getattr(self, c), float) for c in cols[1:]]
        n = len(self)
        kinds = ", ".join(sorted(set(np.asarray(self.missile_id).astype(str))))
        return block(f"TrajectoryBatch: {n} trajector{'y' if n == 1 else 'ies'} ({kinds}), "
                     f"{int(self.n_samples.sum()):,} samples",
                     rows_table(cols, zip(*values), limit=12, total=n))

    def ground_range_km(self, rows: ArrayLike | None = None) -> np.ndarray:
        """(N, T) geodesic distance of each sample's sub-point from the launch point (WGS84);
        only ``rows`` (an index array) if given, shape (len(rows), T).

        Parameters
        ----------
        rows : array_like of int or None
            Rows to compute; ``None``: all.

        Returns
        -------
        numpy.ndarray
            Ground range, km, on the WGS84 ellipsoid (Karney's geodesics [ref:karney-2013]); NaN for
            padding.
        """
        from thaadsim.earth.geodesy import geodesic_inverse

        sel = slice(None) if rows is None else np.atleast_1d(rows)
        lat, lon = self.lat_deg[sel], self.lon_deg[sel]
        lat0 = np.broadcast_to(self.launch_lat_deg[sel][:, None], lat.shape)
        lon0 = np.broadcast_to(self.launch_lon_deg[sel][:, None], lat.shape)
        ok = self.valid[sel]
        out = np.full(lat.shape, np.nan)
        dist_m, _ = geodesic_inverse(lat0[ok], lon0[ok], lat[ok], lon[ok])
        out[ok] = dist_m / 1e3
        return out

    def ecef_at(self, times_s: ArrayLike) -> np.ndarray:
        """Earth-fixed positions (N, K, 3) at times (N, K) (or (K,) shared), linearly interpolated.

        NaN outside each trajectory's flight. Samples are a few seconds apart, so linear
        interpolation is good to metres-to-tens-of-metres; use the sample arrays for more.
        All rows at once: each row's times are shifted by a per-row offset so that one sorted
        search serves the whole batch.

        Parameters
        ----------
        times_s : array_like
            (N, K) times per row, or (K,) shared by all rows, s since launch.

        Returns
        -------
        numpy.ndarray
            (N, K, 3) Earth-fixed positions, m.
        """
        times = np.asarray(times_s, float)
        n, t_len = self.t_s.shape
        if times.ndim == 1:
            times = np.broadcast_to(times[None, :], (n, times.size))
        t = np.where(self.valid, self.t_s, np.inf)
        span = np.nanmax(np.where(self.valid, self.t_s, np.nan)) + 1.0 if self.valid.any() else 1.0
        lo_t = np.nanmin(np.where(self.valid, self.t_s, np.nan)) if self.valid.any() else 0.0
        offset = (np.arange(n) * 2.0 * (span - lo_t + 1.0))[:, None]
        flat_t = np.where(np.isfinite(t), t + offset, np.inf).ravel()
        order = np.argsort(flat_t, kind="stable")
        q = (times + offset).ravel()
        j = np.clip(np.searchsorted(flat_t[order], q, side="right") - 1, 0, flat_t.size - 2)
        i0 = order[j]
        i1 = np.minimum(i0 + 1, flat_t.size - 1)
        row = np.repeat(np.arange(n), times.shape[1])
        t0 = self.t_s.ravel()[i0]
        t1 = self.t_s.ravel()[i1]
        same_row = (i0 // t_len == row) & (i1 // t_len == row)
        inside = same_row & (times.ravel() >= t0) & (times.ravel() <= t1) & np.isfinite(t1)
        w = np.where(inside & (t1 > t0), (times.ravel() - t0) / np.where(t1 > t0, t1 - t0, 1.0), 0.0)
        r = self.r_ecef_m.reshape(-1, 3)
        out = r[i0] + w[:, None] * (r[i1] - r[i0])
        # a query exactly at a row's last sample
        at_end = same_row & ~inside & (times.ravel() == t0)
        out[at_end] = r[i0[at_end]]
        out[~(inside | at_end)] = np.nan
        return out.reshape(times.shape + (3,))

    def info(self) -> str:
        """A short readable table of the summary figures."""
        df = self.summary()
        cols = ["missile_id", "range_km", "apogee_km", "flight_time_s", "burnout_speed_kms",
                "burnout_angle_deg", "max_speed_kms"]
        return df[cols].to_string(index=False, float_format=lambda x: f"{x:,.1f}")

    def plot(self, ax: matplotlib.axes.Axes | None = None, labels: Sequence[str] | None = None) -> matplotlib.axes.Axes:
        """Altitude against ground range for every trajectory (matplotlib).

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Where to draw; a new 8 × 4.5 in figure by default.
        labels : sequence of str, optional
            One legend label per trajectory; the missile ids by default (a legend is drawn for ten
            trajectories or fewer).

        Returns
        -------
        matplotlib.axes.Axes
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(8, 4.5))
        gr = self.ground_range_km()
        for i in range(len(self)):
            n = int(self.n_samples[i])
            ax.plot(gr[i, :n], self.alt_m[i, :n] / 1e3, label=labels[i] if labels else str(self.missile_id[i]))
        ax.set_xlabel("ground range (km)")
        ax.set_ylabel("altitude (km)")
        ax.grid(True, alpha=0.3)
        if len(self) <= 10:
            ax.legend()
        return ax
