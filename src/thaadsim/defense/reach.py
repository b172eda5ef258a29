"""Interceptor fly-out and the reach table: shortest fly-out time to each (ground range, altitude).

How the fly-out is computed
---------------------------
The interceptor is flown by the *same* flight engine that flies the threats,
:func:`thaadsim.flight.fly_kinematic`, so the interceptor and the threat obey the same gravity,
Earth model and integrator. What is added here is only the boost, which ``fly_kinematic`` does
not model (it starts at burnout):

*Boost model (documented assumption).* The interceptor accelerates at a constant rate
``a = v_bo / t_b`` along a straight line that leaves the launcher at elevation angle ``e``. After a
time ``t <= t_b`` it has covered ``s = a t^2 / 2``. On a spherical Earth of radius R, a point at
distance ``s`` along that line, with ``x = s cos e`` and ``z = s sin e`` in the launch point's
vertical plane, is at

    altitude  h = sqrt((R + z)^2 + x^2) - R,      ground-range angle  theta = atan2(x, R + z),

and the local flight-path angle there is ``gamma = e - theta``. At burnout (``s_b = v_bo t_b / 2``)
these give the burnout altitude, the downrange offset of the burnout point and the burnout
angle handed to ``fly_kinematic``; its times are shifted by ``t_b``.

A fan of elevation angles ``e`` (azimuth does not matter: the table is built on a non-rotating
sphere, where every azimuth is the same) gives a family of trajectories. The **reach table** is
the lower envelope of their arrival times: every trajectory is resampled finely in time, each
sample is dropped into its (ground range, altitude) cell, and each cell keeps the smallest time.
Cells no trajectory enters are NaN: unreachable. Gaps between neighbouring
fan members (NaN cells inside a row's reachable interval) are filled by linear interpolation
along range.

This is a kinematic envelope, not a guidance law: it says how soon an interceptor *could* be at
a point, which is what engagement windows need. Post-burnout drag uses the catalog's
``beta_kgm2`` if given, otherwise the flight is drag-free (an optimistic reach).

Caching
-------
Tables are cached in memory and, unless disabled, on disk through :mod:`thaadsim.cache` (kind
``reach``: ``$THAADSIM_CACHE_DIR/reach``, else ``$XDG_CACHE_HOME/thaadsim/reach``, else
``~/.cache/thaadsim/reach``), keyed by a hash of the interceptor's kinematic parameters, the table
resolution and :data:`REACH_CACHE_VERSION`. Set ``THAADSIM_CACHE_DIR=off`` to disable the disk cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from thaadsim import cache as disk_cache
from thaadsim.defense.interceptors import Interceptor

REACH_CACHE_VERSION = 3
SPHERE_R_M = 6371.0e3   # the "sphere" Earth model of thaadsim.earth.constants (mean radius)

_MEMORY: dict[str, "ReachTable"] = {}


@dataclass(frozen=True)
class ReachTable:
    """Shortest fly-out time on a regular (ground range, altitude) grid.

    Attributes
    ----------
    interceptor_id : str
    range_m : (NR,) grid of ground range from the launcher, m (great-circle, mean sphere).
    alt_m : (NA,) grid of altitude, m.
    time_s : (NR, NA) shortest fly-out time (launch to arrival), NaN where unreachable.
    speed_ms : (NR, NA) interceptor speed at that arrival.
    gamma_rad : (NR, NA) interceptor flight-path angle at that arrival (+ climbing).
    """

    interceptor_id: str
    range_m: np.ndarray
    alt_m: np.ndarray
    time_s: np.ndarray
    speed_ms: np.ndarray
    gamma_rad: np.ndarray

    def lookup(self, range_m, alt_m):
        """Bilinear interpolation of (time_s, speed_ms, gamma_rad) at points; broadcasts.

        A point is reachable only if all four surrounding cells are (conservative: no
        extrapolation into the NaN region). Points outside the grid are NaN.
        """
        r = np.asarray(range_m, float)
        h = np.asarray(alt_m, float)
        r, h = np.broadcast_arrays(r, h)
        dr = self.range_m[1] - self.range_m[0]
        dh = self.alt_m[1] - self.alt_m[0]
        fr = (r - self.range_m[0]) / dr
        fh = (h - self.alt_m[0]) / dh
        nr, na = self.time_s.shape
        inside = (fr >= 0) & (fr <= nr - 1) & (fh >= 0) & (fh <= na - 1)
        fr = np.where(inside, fr, 0.0)
        fh = np.where(inside, fh, 0.0)
        i0 = np.minimum(np.floor(fr).astype(np.int64), nr - 2)
        j0 = np.minimum(np.floor(fh).astype(np.int64), na - 2)
        wr = fr - i0
        wh = fh - j0
        out = []
        for grid in (self.time_s, self.speed_ms, self.gamma_rad):
            v = ((1 - wr) * (1 - wh) * grid[i0, j0] + wr * (1 - wh) * grid[i0 + 1, j0]
                 + (1 - wr) * wh * grid[i0, j0 + 1] + wr * wh * grid[i0 + 1, j0 + 1])
            out.append(np.where(inside, v, np.nan))
        return tuple(out)

    def flyout_time_s(self, range_m, alt_m):
        """Shortest fly-out time to the points (NaN where unreachable)."""
        return self.lookup(range_m, alt_m)[0]

    def arrays(self) -> dict:
        """The table as named arrays (what the ``.npz`` files hold)."""
        return dict(interceptor_id=np.array(self.interceptor_id), range_m=self.range_m, alt_m=self.alt_m,
                    time_s=self.time_s, speed_ms=self.speed_ms, gamma_rad=self.gamma_rad)

    @classmethod
    def from_arrays(cls, z) -> "ReachTable":
        return cls(str(z["interceptor_id"]), z["range_m"], z["alt_m"], z["time_s"], z["speed_ms"], z["gamma_rad"])

    def to_npz(self, path):
        """Write the table to ``path`` atomically (temporary file in the same folder, then rename)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npz.tmp")
        os.close(fd)
        with open(tmp, "wb") as fh:
            np.savez_compressed(fh, **self.arrays())
        os.replace(tmp, path)

    @classmethod
    def from_npz(cls, path) -> "ReachTable":
        with np.load(path) as z:
            return cls.from_arrays(z)


def boost_point(s_m, elev_rad, r_earth_m=SPHERE_R_M):
    """Altitude (m), ground-range angle (rad) and local flight-path angle (rad) of a point at
    distance ``s_m`` along a straight boost line of elevation ``elev_rad`` (see module docstring)."""
    x = s_m * np.cos(elev_rad)
    z = s_m * np.sin(elev_rad)
    h = np.sqrt((r_earth_m + z) ** 2 + x * x) - r_earth_m
    theta = np.arctan2(x, r_earth_m + z)
    return h, theta, elev_rad - theta


def _default_resolution(itc: Interceptor) -> tuple[int, int]:
    return 201, 151


def _default_angles(itc: Interceptor) -> int:
    """Fan size: 360 elevations for theatre interceptors, 1440 when the table spans > 500 km
    (the gap between neighbouring fan members grows with range)."""
    return 360 if itc.max_range_km <= 500.0 else 1440


def _key(itc: Interceptor, n_range: int, n_alt: int, n_angles: int) -> str:
    payload = json.dumps({"v": REACH_CACHE_VERSION, "k": itc.kinematic_key(), "nr": n_range, "na": n_alt,
                          "ne": n_angles}, sort_keys=True)
    return itc.id + "-" + hashlib.sha1(payload.encode()).hexdigest()[:16]


def fly_out_fan(itc: Interceptor, elev_deg, *, sample_dt_s: float = 1.0, flyer=None):
    """Fly the interceptor over a fan of boost elevation angles with the flight engine.

    Returns a list of per-trajectory arrays ``(t_s, ground_range_m, alt_m, speed_ms, gamma_rad)``
    from launch (boost segment included) to impact or to leaving the table's box.
    """
    if flyer is None:
        from thaadsim.flight import fly_kinematic as flyer
    elev = np.radians(np.asarray(elev_deg, float))
    v_bo = itc.burnout_speed_ms
    t_b = itc.burn_time_s
    s_b = 0.5 * v_bo * t_b
    h_b, th_b, g_b = boost_point(s_b, elev)
    ok = g_b > np.radians(0.1)
    elev, h_b, th_b, g_b = elev[ok], h_b[ok], th_b[ok], g_b[ok]
    batch = flyer(itc.burnout_speed_kms, np.degrees(g_b), 0.0, np.degrees(th_b), 0.0,
                  burnout_altitude_km=h_b / 1e3, beta_kgm2=itc.beta_kgm2, earth="sphere", rotation=False,
                  atmosphere=itc.beta_kgm2 is not None, sample_dt_s=sample_dt_s)
    out = []
    n_boost = 24
    for i in range(len(elev)):
        # boost segment: s = a t^2 / 2 along the straight line
        tb = np.linspace(0.0, t_b, n_boost) if t_b > 0 else np.zeros(1)
        a = v_bo / t_b if t_b > 0 else 0.0
        hb, thb, gb = boost_point(0.5 * a * tb * tb, elev[i])
        m = np.asarray(batch.valid[i], bool)
        t = np.asarray(batch.t_s[i])[m] + t_b
        lat = np.radians(np.asarray(batch.lat_deg[i])[m])
        lon = np.radians(np.asarray(batch.lon_deg[i])[m])
        ang = np.arccos(np.clip(np.cos(lat) * np.cos(lon), -1.0, 1.0))
        r = np.asarray(batch.r_ecef_m[i])[m]
        v = np.asarray(batch.v_ecef_ms[i])[m]
        spd = np.linalg.norm(v, axis=-1)
        gam = np.arcsin(np.clip(np.einsum("ij,ij->i", v, r) / np.maximum(spd * np.linalg.norm(r, axis=-1),
                                                                         1e-9), -1.0, 1.0))
        out.append((np.concatenate([tb, t]), SPHERE_R_M * np.concatenate([thb, ang]),
                    np.concatenate([hb, np.asarray(batch.alt_m[i])[m]]),
                    np.concatenate([a * tb, spd]), np.concatenate([gb, gam])))
    return out


def compute_reach_table(itc: Interceptor, *, n_range: int | None = None, n_alt: int | None = None,
                        n_angles: int | None = None, flyer=None) -> ReachTable:
    """Build the reach table of an interceptor (no caching; see :func:`reach_table`).

    The grid spans ground range 0..max_range_km and altitude 0..max_intercept_alt_km. The fan
    has ``n_angles`` (default :func:`_default_angles`) boost elevations evenly spaced in [0.2 deg, 89.9 deg].
    """
    dn_r, dn_a = _default_resolution(itc)
    n_range = n_range or dn_r
    n_alt = n_alt or dn_a
    n_angles = n_angles or _default_angles(itc)
    r_grid = np.linspace(0.0, itc.max_range_m, n_range)
    h_grid = np.linspace(0.0, itc.max_alt_m, n_alt)
    dr, dh = r_grid[1] - r_grid[0], h_grid[1] - h_grid[0]
    elev = np.linspace(0.2, 89.9, n_angles)
    fan = fly_out_fan(itc, elev, flyer=flyer)

    # resample every trajectory so that consecutive points are < half a cell apart
    step = 0.4 * min(dr, dh)
    ts, rs, hs, vs, gs = [], [], [], [], []
    for t, r, h, v, g in fan:
        seg = np.hypot(np.diff(r), np.diff(h))
        s = np.concatenate([[0.0], np.cumsum(seg)])
        if s[-1] <= 0:
            continue
        s_new = np.arange(0.0, s[-1], step)
        # keep the sample parameterisation monotone even where s repeats
        s_u, idx = np.unique(s, return_index=True)
        ts.append(np.interp(s_new, s_u, t[idx]))
        rs.append(np.interp(s_new, s_u, r[idx]))
        hs.append(np.interp(s_new, s_u, h[idx]))
        vs.append(np.interp(s_new, s_u, v[idx]))
        gs.append(np.interp(s_new, s_u, g[idx]))
    t = np.concatenate(ts)
    r = np.concatenate(rs)
    h = np.concatenate(hs)
    v = np.concatenate(vs)
    g = np.concatenate(gs)
    i = np.rint(r / dr).astype(np.int64)
    j = np.rint(h / dh).astype(np.int64)
    keep = (i >= 0) & (i < n_range) & (j >= 0) & (j < n_alt) & np.isfinite(t)
    t, v, g, i, j = t[keep], v[keep], g[keep], i[keep], j[keep]
    flat = i * n_alt + j
    # smallest time per cell: sort by (cell, time) and take the first of each cell
    order = np.lexsort((t, flat))
    flat_s = flat[order]
    first = np.ones(flat_s.size, bool)
    first[1:] = flat_s[1:] != flat_s[:-1]
    sel = order[first]
    time = np.full(n_range * n_alt, np.nan)
    speed = np.full(n_range * n_alt, np.nan)
    gamma = np.full(n_range * n_alt, np.nan)
    time[flat[sel]] = t[sel]
    speed[flat[sel]] = v[sel]
    gamma[flat[sel]] = g[sel]
    time, speed, gamma = (a.reshape(n_range, n_alt) for a in (time, speed, gamma))
    time, speed, gamma = _fill_gaps(time, speed, gamma)
    return ReachTable(itc.id, r_grid, h_grid, time, speed, gamma)


def _despike(time):
    """NaN out cells far slower than the cells on both sides in their row (within 2 cells).

    Such a cell was missed by the fast (ascending) fan members and caught only by a slow lofted
    one on its way down: a sampling artefact of the fan, not the shortest fly-out. It is then
    refilled by :func:`_fill_gaps` from its neighbours.
    """
    t = time.copy()
    n = t.shape[0]
    with np.errstate(invalid="ignore"):
        left = np.full_like(t, np.inf)
        right = np.full_like(t, np.inf)
        for k in (1, 2):
            sh = np.full_like(t, np.inf)
            sh[k:] = np.where(np.isfinite(t[:-k]), t[:-k], np.inf)
            left = np.minimum(left, sh)
            sh = np.full_like(t, np.inf)
            sh[:n - k] = np.where(np.isfinite(t[k:]), t[k:], np.inf)
            right = np.minimum(right, sh)
        spike = np.isfinite(t) & (t > 1.25 * np.maximum(left, right))
    t[spike] = np.nan
    return t


def _fill_gaps(time, speed, gamma):
    """Fill interior holes along ground range, altitude row by altitude row.

    At a given altitude the reachable ground ranges form one interval (every boost elevation from
    grazing to vertical is flown), so a NaN cell with finite cells on both sides in its row is a
    gap between neighbouring fan members, not a region out of reach: it is filled by linear
    interpolation in range of time, speed and flight-path angle.
    """
    time = _despike(time)
    out = [time.copy(), speed.copy(), gamma.copy()]
    idx = np.arange(time.shape[0])
    for j in range(time.shape[1]):
        fin = np.isfinite(time[:, j])
        if fin.sum() < 2:
            continue
        lo, hi = idx[fin][0], idx[fin][-1]
        hole = ~fin & (idx > lo) & (idx < hi)
        if not hole.any():
            continue
        for k, grid in enumerate((time, speed, gamma)):
            out[k][hole, j] = np.interp(idx[hole], idx[fin], grid[fin, j])
    return tuple(out)


def reach_table(itc: Interceptor, *, cache: bool = True, **kw) -> ReachTable:
    """The reach table of an interceptor, from the memory cache, the disk cache, or computed.

    Keyword arguments go to :func:`compute_reach_table` (``n_range``, ``n_alt``, ``n_angles``).
    """
    dn_r, dn_a = _default_resolution(itc)
    key = _key(itc, kw.get("n_range") or dn_r, kw.get("n_alt") or dn_a, kw.get("n_angles") or _default_angles(itc))
    use_cache = cache and "flyer" not in kw
    if use_cache and key in _MEMORY:
        return _MEMORY[key]
    stored = disk_cache.load_arrays("reach", key) if use_cache else None
    if stored is not None:
        try:
            table = ReachTable.from_arrays(stored)
            _MEMORY[key] = table
            return table
        except KeyError:   # a file from another layout is recomputed, not an error
            pass
    table = compute_reach_table(itc, **kw)
    if use_cache:
        _MEMORY[key] = table
        disk_cache.save_arrays("reach", key, **table.arrays())
    return table
