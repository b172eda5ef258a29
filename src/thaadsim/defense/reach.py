"""Interceptor fly-out and the reach table: shortest fly-out time to each (ground range, altitude).

How the fly-out is computed
---------------------------
The whole fly-out, boost included, is flown by the *same* powered flight engine that flies the
threats, :func:`thaadsim.flight.fly_powered`: the interceptor is the single-stage rocket of
:meth:`~thaadsim.defense.interceptors.Interceptor.missile` (constant thrust and mass flow, gravity,
the US Standard Atmosphere 1976 and a generic slender-body C_D(Mach) on the body diameter through
the boost; then the kill vehicle flies on with its ballistic coefficient ``kv_beta_kgm2``). The
pitch programme is the engine's: a vertical rise, a linear kick of the thrust to ``kick_deg``,
then a gravity turn. Interceptor and threat thus obey the same gravity, Earth model, atmosphere
and integrator.

A fan of kick angles (:data:`KICK_RANGE_DEG`; azimuth does not matter: the table is built on a
non-rotating sphere, where every azimuth is the same) gives a family of trajectories, flown as
ONE batch. The **reach table** is the lower envelope of their arrival times: every trajectory is
resampled finely along its path, each sample is dropped into its (ground range, altitude) cell,
and each cell keeps the smallest time. Cells no trajectory enters are NaN: unreachable. Gaps
between neighbouring fan members (NaN cells inside a row's reachable interval) are filled by
linear interpolation along range.

Kick angles
-----------
The engine's pitch programme starts vertical, which suits the silo- and VLS-launched GBI and SM-3.
THAAD and PAC-3 leave canted launchers, which the engine has no notion of; their catalog entries
give a 0.01 s vertical rise and a 0.2 s kick, so short that it only sets the direction of the
initial velocity: a linear tilt of the thrust from rest to ``K`` leaves along ``K/2`` from the
vertical. That is why the fan runs to :data:`KICK_RANGE_DEG` ``[1] = 160`` deg (a launch ~10 deg above
the horizon), past 90 deg: a launch flatter than that only skims the ground and adds nothing to
the envelope. Members that fall back to the ground while still thrusting (large kicks of GBI and
SM-3) simply end there.

This is a kinematic envelope, not a guidance law: it says how soon an interceptor *could* be at
a point, which is what engagement windows need. No trajectory is shaped after the kick (no
lofting or energy management), so the envelope is that of an unguided gravity-turn fan: slower
than a guided interceptor that holds a flatter path in the boost, and in that sense conservative.

Calibration
-----------
The catalog's burnout speed is a published (or estimated) figure, not an input of the flight. The
one calibrated quantity is the propellant fraction (propellant / launch mass, launch mass fixed):
:func:`calibrate_propellant_fraction` tunes it so that the burnout speed of the fan member that
reaches farthest along the ground (the reference member, :func:`reference_burnout`, atmosphere on)
equals ``burnout_speed_kms``. ``tools/calibrate_interceptors.py`` writes the result into the TOML.

Caching
-------
Tables are cached in memory and, unless disabled, on disk through :mod:`thaadsim.cache` (kind
``reach``: ``$THAADSIM_CACHE_DIR/reach``, else ``$XDG_CACHE_HOME/thaadsim/reach``, else
``~/.cache/thaadsim/reach``), keyed by a hash of the interceptor's rocket and envelope parameters
(:meth:`~thaadsim.defense.interceptors.Interceptor.kinematic_key`), the fan, the sampling, the
table resolution and :data:`REACH_CACHE_VERSION`. Set ``THAADSIM_CACHE_DIR=off`` to disable the disk cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from thaadsim import cache as disk_cache
from thaadsim.defense.interceptors import MIN_THRUST_TO_WEIGHT, Interceptor

if TYPE_CHECKING:   # annotations only
    from numpy.typing import ArrayLike

REACH_CACHE_VERSION = 5   # 5: kernel step control changed (4: boost flown by fly_powered)
SPHERE_R_M = 6371.0e3   # the "sphere" Earth model of thaadsim.earth.constants (mean radius)
KICK_RANGE_DEG = (0.2, 160.0)   # see "Kick angles" in the module docstring
CALIBRATION_KICKS = 179        # fan size used to find the farthest-reaching (reference) member

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

    def lookup(self, range_m: ArrayLike, alt_m: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Bilinear interpolation of (time_s, speed_ms, gamma_rad) at points; broadcasts.

        A point is reachable only if all four surrounding cells are (conservative: no
        extrapolation into the NaN region). Points outside the grid are NaN.

        Parameters
        ----------
        range_m : array_like
            Ground range from the battery, m.
        alt_m : array_like
            Altitude, m.

        Returns
        -------
        time_s, speed_ms, gamma_rad : numpy.ndarray
            Shortest fly-out time, the interceptor's speed and flight-path angle there.
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

    def flyout_time_s(self, range_m: ArrayLike, alt_m: ArrayLike) -> np.ndarray:
        """Shortest fly-out time to the points (NaN where unreachable).

        Parameters
        ----------
        range_m : array_like
            Ground range from the battery, m.
        alt_m : array_like
            Altitude, m.

        Returns
        -------
        numpy.ndarray
            Fly-out time, s.
        """
        return self.lookup(range_m, alt_m)[0]

    def arrays(self) -> dict:
        """The table as named arrays (what the ``.npz`` files hold)."""
        return dict(interceptor_id=np.array(self.interceptor_id), range_m=self.range_m, alt_m=self.alt_m,
                    time_s=self.time_s, speed_ms=self.speed_ms, gamma_rad=self.gamma_rad)

    @classmethod
    def from_arrays(cls, z: Any) -> "ReachTable":
        """A table from a mapping of arrays (an opened ``.npz``, as :meth:`to_npz` writes it).

        Parameters
        ----------
        z : mapping of str to numpy.ndarray
            ``interceptor_id``, ``range_m``, ``alt_m``, ``time_s``, ``speed_ms``, ``gamma_rad``.

        Returns
        -------
        ReachTable
        """
        return cls(str(z["interceptor_id"]), z["range_m"], z["alt_m"], z["time_s"], z["speed_ms"], z["gamma_rad"])

    def to_npz(self, path: str | os.PathLike[str]) -> None:
        """Write the table to ``path`` atomically (temporary file in the same folder, then rename).

        Parameters
        ----------
        path : str or path-like
            The ``.npz`` file.
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npz.tmp")
        os.close(fd)
        with open(tmp, "wb") as fh:
            np.savez_compressed(fh, **self.arrays())
        os.replace(tmp, path)

    @classmethod
    def from_npz(cls, path: str | os.PathLike[str]) -> "ReachTable":
        """Read a table written by :meth:`to_npz`.

        Parameters
        ----------
        path : str or path-like
            The ``.npz`` file.

        Returns
        -------
        ReachTable
        """
        with np.load(path) as z:
            return cls.from_arrays(z)


def _default_resolution(itc: Interceptor) -> tuple[int, int]:
    return 201, 151


def _default_angles(itc: Interceptor) -> int:
    """Fan size: 360 kick angles for theatre interceptors, 1440 when the table spans > 500 km
    (the gap between neighbouring fan members grows with range)."""
    return 360 if itc.max_range_km <= 500.0 else 1440


def kick_fan_deg(n_kicks: int) -> np.ndarray:
    """The fan of kick angles (deg), evenly spaced over :data:`KICK_RANGE_DEG`."""
    return np.linspace(KICK_RANGE_DEG[0], KICK_RANGE_DEG[1], int(n_kicks))


def sample_dt_s(itc: Interceptor) -> float:
    """Output sampling of the fan: ~24 samples through the boost, at most 1 s (the coast is smooth)."""
    return float(np.clip(itc.burn_time_s / 24.0, 0.1, 1.0))


def _key(itc: Interceptor, n_range: int, n_alt: int, n_angles: int, atmosphere: bool = True) -> str:
    payload = json.dumps({"v": REACH_CACHE_VERSION, "k": itc.kinematic_key(), "nr": n_range, "na": n_alt,
                          "ne": n_angles, "kick": KICK_RANGE_DEG, "dt": sample_dt_s(itc), "atm": atmosphere},
                         sort_keys=True)
    return itc.id + "-" + hashlib.sha1(payload.encode()).hexdigest()[:16]


def fly_fan(itc: Interceptor, kick_deg, *, atmosphere: bool = True, sample_dt=None, propellant_fraction=None):
    """Fly the interceptor from the pad over a fan of kick angles: ONE ``fly_powered`` batch.

    The launch point is (0 N, 0 E) heading east on the non-rotating sphere, so the ground range of a
    sample at (lat, lon) is ``R arccos(cos lat cos lon)``. ``sample_dt=None`` flies summary-only
    (burnout, impact), which is what the calibration needs.
    """
    from thaadsim.flight.engine import FlightOptions, fly_powered

    kick = np.atleast_1d(np.asarray(kick_deg, float))
    missile = itc.missile(propellant_fraction)
    opts = FlightOptions(earth="sphere", rotation=False, atmosphere=atmosphere)
    return fly_powered([missile], np.zeros(kick.size, np.int64), 0.0, 0.0, 90.0, kick, options=opts,
                       sample_dt_s=sample_dt)


def reference_burnout(itc: Interceptor, *, propellant_fraction=None, n_kicks: int = CALIBRATION_KICKS):
    """Burnout speed (km/s), kick (deg) and ground range (km) of the farthest-reaching fan member.

    This member is the calibration reference: burnout speeds quoted for interceptors, like ranges
    quoted for missiles, refer to a range-maximising fly-out, and the burnout speed of the farthest
    member is what the catalog's ``burnout_speed_kms`` is matched to.
    """
    kicks = kick_fan_deg(n_kicks)
    batch = fly_fan(itc, kicks, propellant_fraction=propellant_fraction)
    rng = np.where(np.isfinite(batch.range_km), batch.range_km, -np.inf)
    i = int(np.argmax(rng))
    return float(batch.burnout_speed_kms[i]), float(kicks[i]), float(batch.range_km[i])


def calibrate_propellant_fraction(itc: Interceptor, *, rtol: float = 1e-4) -> float:
    """The propellant fraction at which :func:`reference_burnout` gives ``itc.burnout_speed_kms``.

    Burnout speed rises monotonically with the propellant fraction at fixed launch mass and burn
    time (more thrust and a larger mass ratio), so a bracketing root search converges. The bracket
    runs from thrust/weight 1.3 at launch to the kill vehicle alone left at burnout.

    Raises
    ------
    ThaadsimError
        If even the largest possible fraction does not reach the catalog speed (the rocket data and
        the published speed are incompatible: raise ``isp_s`` or the launch mass).
    """
    from scipy.optimize import brentq

    from thaadsim.errors import ThaadsimError

    target = itc.burnout_speed_kms
    lo = MIN_THRUST_TO_WEIGHT * itc.burn_time_s / itc.isp_s * 1.001   # thrust/weight = f Isp / t_b at the floor
    hi = 1.0 - itc.kv_mass_kg / itc.launch_mass_kg - 1e-4
    f = lambda x: reference_burnout(itc, propellant_fraction=x)[0] - target  # noqa: E731
    if f(hi) < 0:
        raise ThaadsimError(f"interceptor {itc.id}.burnout_speed_kms",
                            f"{target:g} km/s is out of reach of the rocket even with no structure",
                            "raise isp_s or lower kv_mass_kg")
    if f(lo) > 0:
        return lo
    return float(brentq(f, lo, hi, xtol=rtol * 0.1, rtol=rtol))


def fly_out_fan(itc: Interceptor, kick_deg, *, atmosphere: bool = True, sample_dt=None):
    """Fly the interceptor over a fan of kick angles (one batch) and return each trajectory's samples.

    Returns a list of per-trajectory arrays ``(t_s, ground_range_m, alt_m, speed_ms, gamma_rad)``
    from launch (boost included) to impact, in ground-relative terms on the non-rotating sphere.
    """
    batch = fly_fan(itc, kick_deg, atmosphere=atmosphere, sample_dt=sample_dt or sample_dt_s(itc))
    valid = np.asarray(batch.valid, bool)
    lat = np.radians(np.asarray(batch.lat_deg))
    lon = np.radians(np.asarray(batch.lon_deg))
    rng = SPHERE_R_M * np.arccos(np.clip(np.cos(lat) * np.cos(lon), -1.0, 1.0))
    r = np.asarray(batch.r_ecef_m)
    v = np.asarray(batch.v_ecef_ms)
    spd = np.linalg.norm(v, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        gam = np.arcsin(np.clip(np.einsum("...j,...j->...", v, r) / np.maximum(spd * np.linalg.norm(r, axis=-1),
                                                                                1e-9), -1.0, 1.0))
    t = np.asarray(batch.t_s)
    alt = np.asarray(batch.alt_m)
    return [(t[i][m], rng[i][m], alt[i][m], spd[i][m], gam[i][m]) for i, m in enumerate(valid)]


def compute_reach_table(itc: Interceptor, *, n_range: int | None = None, n_alt: int | None = None,
                        n_angles: int | None = None, atmosphere: bool = True) -> ReachTable:
    """Build the reach table of an interceptor (no caching; see :func:`reach_table`).

    The grid spans ground range 0..max_range_km and altitude 0..max_intercept_alt_km. The fan
    has ``n_angles`` (default :func:`_default_angles`) kick angles evenly spaced over
    :data:`KICK_RANGE_DEG`. ``atmosphere=False`` flies it in vacuum (a reference, not the model).

    Parameters
    ----------
    itc : Interceptor
        The interceptor.
    n_range, n_alt : int or None
        Grid points in ground range and altitude; ``None``: the defaults.
    n_angles : int or None
        Kick angles in the fan; ``None``: :func:`_default_angles`.
    atmosphere : bool
        Fly through the 1976 standard atmosphere [ref:ussa-1976] (``False``: vacuum).

    Returns
    -------
    ReachTable
        Shortest fly-out time, speed and flight-path angle on the (range, altitude) grid.
    """
    dn_r, dn_a = _default_resolution(itc)
    n_range = n_range or dn_r
    n_alt = n_alt or dn_a
    n_angles = n_angles or _default_angles(itc)
    r_grid = np.linspace(0.0, itc.max_range_m, n_range)
    h_grid = np.linspace(0.0, itc.max_alt_m, n_alt)
    dr, dh = r_grid[1] - r_grid[0], h_grid[1] - h_grid[0]
    fan = fly_out_fan(itc, kick_fan_deg(n_angles), atmosphere=atmosphere)

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

    At a given altitude the reachable ground ranges form one interval (every kick from near-vertical
    to flat is flown), so a NaN cell with finite cells on both sides in its row is a
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


def reach_table(itc: Interceptor, *, cache: bool = True, **kw: Any) -> ReachTable:
    """The reach table of an interceptor, from the memory cache, the disk cache, or computed.

    The shortest fly-out time to each (ground range, altitude) cell, from a fan of fly-outs flown by
    the threats' own flight engine (see the module notes).

    Parameters
    ----------
    itc : Interceptor
        The interceptor (:func:`~thaadsim.defense.interceptors.load_interceptor`).
    cache : bool, default True
        Use the memory and disk caches (``THAADSIM_CACHE_DIR=off`` disables the disk one globally).
    **kw
        Passed to :func:`compute_reach_table`: ``n_range``, ``n_alt``, ``n_angles``, ``atmosphere``.

    Returns
    -------
    ReachTable
        Fly-out time (s; NaN where unreachable), speed and flight-path angle on the range × altitude grid.
    """
    dn_r, dn_a = _default_resolution(itc)
    key = _key(itc, kw.get("n_range") or dn_r, kw.get("n_alt") or dn_a, kw.get("n_angles") or _default_angles(itc),
               kw.get("atmosphere", True))
    use_cache = cache
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
