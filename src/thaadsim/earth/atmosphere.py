"""The U.S. Standard Atmosphere 1976, from 5 km below sea level to 1000 km.

Source: *U.S. Standard Atmosphere, 1976*, NOAA-S/T 76-1562 (NOAA, NASA, USAF; Washington D.C.,
1976), Part 1 (equations numbered as there) and Tables 1 and 8.

Below 86 km (the seven layers)
-------------------------------
The standard is written in *geopotential* altitude H, which makes gravity constant:

    H = r0 Z / (r0 + Z)                                    (eq. 18)

with Z the geometric altitude and r0 = 6 356 766 m the effective Earth radius of the standard.
In each layer b (base H_b, base molecular-scale temperature T_Mb, lapse rate L_Mb) the
molecular-scale temperature is linear in H (eq. 23),

    T_M = T_Mb + L_Mb (H - H_b),

and the hydrostatic equation with the perfect-gas law gives the pressure (eqs. 33a, 33b):

    p = p_b [T_Mb / T_M] ** (g0' M0 / (R* L_Mb))          if L_Mb != 0
    p = p_b exp(-g0' M0 (H - H_b) / (R* T_Mb))            if L_Mb == 0

with g0' = 9.80665 m²/(s² m') , M0 = 28.9644 kg/kmol, R* = 8.31432e3 J/(kmol K). The base
pressures p_b follow from p0 = 101 325 Pa by applying the same formulas layer after layer
(they reproduce Table 4 of the standard: 22 632.06 Pa at 11 km', 5474.889 Pa at 20 km', ...).
Density is (eq. 42) rho = p M0 / (R* T_M): the molecular-scale temperature already carries
the molecular weight, so rho and p need no M/M0 ratio.

The *kinetic* temperature is T = T_M (M / M0) (eq. 22). M/M0 = 1 up to 80 km; from 80 to 86 km
the standard tabulates it (Table 8, 0.5 km steps, 1.000000 down to 0.999579); we interpolate
that table linearly, which gives T(86 km) = 186.87 K. Speed of sound (eq. 50),

    a = sqrt(gamma R* T / M) = sqrt(gamma R* T_M / M0),    gamma = 1.4,

so it depends on T_M only.

Above 86 km (the thermosphere and exosphere)
---------------------------------------------
The standard's upper part integrates diffusive equilibrium of six species; we do not redo it.
A table of (Z, rho, T, p) every 0.5 km from 86 to 1000 km was generated once from pyatmos 1.2.7
``coesa76`` by ``tools/make_ussa76_table.py`` and ships as package data
(``thaadsim/data/ussa76_upper.npz``). Between nodes we interpolate ln(rho) and ln(p) linearly
and T linearly; that adds at most 0.034 % (rho), 0.027 % (p), 0.065 % (T) to pyatmos's own
0.05 % agreement with the printed standard.
The table's temperature is the kinetic one. For the speed of sound above 86 km we use
a = sqrt(1.4 R* T / M0), i.e. the kinetic temperature with the *sea-level* molecular weight.
That is a convention, not physics (M falls to ~16 kg/kmol at 500 km, where "sound" hardly
exists): drag there is negligible and Mach only indexes drag-coefficient tables. At 86 km the
convention makes a step of -0.02 % in a (T_M = 186.946 K below, T = 186.867 K above); the
table's 86 km node is replaced by the closed form, so rho, p and T are continuous there.

Range and edge cases
--------------------
* Valid from -5 km to 1000 km geometric. Below -5 km the altitude is clamped to -5 km (no error).
* Above 1000 km density and pressure are 0; temperature and speed of sound keep their 1000 km
  values (999.9997 K, 634 m/s) so that Mach numbers stay finite.
* NaN altitude gives NaN in every output (no exception): these are numeric kernels over
  arrays; validate user input at the edge with ``thaadsim.errors.require_finite``.
* Scalars give Python floats, arrays give arrays of the same shape.

For the numba flight integrator, :func:`kernel_table` and :func:`density_sound_at` give the
same density and speed of sound on a uniform 100 m grid with linear interpolation.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import TYPE_CHECKING

import numba
import numpy as np

if TYPE_CHECKING:   # annotations only
    from numpy.typing import ArrayLike

__all__ = [
    "density_kgm3", "temperature_k", "pressure_pa", "speed_of_sound_ms",
    "kernel_table", "density_sound_at",
    "R0_M", "G0_MS2", "M0_KGKMOL", "RSTAR_JKMOLK", "GAMMA", "ALT_MIN_M", "ALT_MAX_M", "ALT_86KM_M",
]

# --- Constants of the standard (Part 1, sec. 1.2) -----------------------------------------------
R0_M = 6_356_766.0            # effective Earth radius for geopotential altitude
G0_MS2 = 9.80665              # g0' (standard gravity)
M0_KGKMOL = 28.9644           # sea-level mean molecular weight
RSTAR_JKMOLK = 8.31432e3      # universal gas constant as the standard defines it, J/(kmol K)
GAMMA = 1.4                   # ratio of specific heats
P0_PA = 101_325.0
ALT_MIN_M = -5_000.0
ALT_MAX_M = 1_000_000.0
ALT_86KM_M = 86_000.0

_GMR = G0_MS2 * M0_KGKMOL / RSTAR_JKMOLK      # g0' M0 / R*, K/m  (0.034163...)

# Table 4 of the standard: geopotential base altitudes (m') and lapse rates (K/m').
_H_BASE = np.array([0.0, 11_000.0, 20_000.0, 32_000.0, 47_000.0, 51_000.0, 71_000.0])
_LAPSE = np.array([-6.5e-3, 0.0, 1.0e-3, 2.8e-3, 0.0, -2.8e-3, -2.0e-3])


def _base_values() -> tuple[np.ndarray, np.ndarray]:
    """Base molecular-scale temperatures and pressures of the 7 layers, stepped up from sea level."""
    t_b = np.empty(7)
    p_b = np.empty(7)
    t_b[0], p_b[0] = 288.15, P0_PA
    for i in range(6):
        dh = _H_BASE[i + 1] - _H_BASE[i]
        t_b[i + 1] = t_b[i] + _LAPSE[i] * dh
        if _LAPSE[i] == 0.0:
            p_b[i + 1] = p_b[i] * np.exp(-_GMR * dh / t_b[i])
        else:
            p_b[i + 1] = p_b[i] * (t_b[i] / t_b[i + 1]) ** (_GMR / _LAPSE[i])
    return t_b, p_b


_T_BASE, _P_BASE = _base_values()

# Table 8 of the standard: M/M0 at geometric 80.0, 80.5, ..., 86.0 km.
_MRATIO_Z_M = np.arange(80_000.0, 86_000.0 + 1.0, 500.0)
_MRATIO = np.array([1.000000, 0.999996, 0.999989, 0.999971, 0.999941, 0.999909, 0.999870,
                    0.999829, 0.999786, 0.999741, 0.999694, 0.999641, 0.999579])


@functools.lru_cache(maxsize=1)
def _upper_table() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(alt_m, ln rho, T_K, ln p) of the 86-1000 km table shipped as package data.

    The 86 km node is replaced by the closed form of the lower layers, so the profile is
    continuous there (pyatmos's fit differs from it by +0.005 % in rho, which would otherwise
    make density rise over the first ~14 m above 86 km).
    """
    ref = resources.files("thaadsim") / "data" / "ussa76_upper.npz"
    with ref.open("rb") as fh, np.load(fh, allow_pickle=False) as d:
        alt = d["alt_m"].astype(np.float64)
        ln_rho, t_k, ln_p = np.log(d["rho_kgm3"]), d["t_k"].astype(np.float64), np.log(d["p_pa"])
    if alt[0] != ALT_86KM_M:
        raise RuntimeError(f"ussa76_upper.npz starts at {alt[0]} m, expected {ALT_86KM_M} m")
    tm, p, t_kin = _lower(np.array([ALT_86KM_M]))
    ln_p[0] = np.log(p[0])
    ln_rho[0] = np.log(p[0] * M0_KGKMOL / (RSTAR_JKMOLK * tm[0]))
    t_k[0] = t_kin[0]
    return alt, ln_rho, t_k, ln_p


def _lower(z_m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Molecular-scale temperature, pressure, kinetic temperature for z in [-5, 86] km."""
    h = R0_M * z_m / (R0_M + z_m)                                   # eq. 18
    i = np.clip(np.searchsorted(_H_BASE, h, side="right") - 1, 0, 6)
    hb, lb, tb, pb = _H_BASE[i], _LAPSE[i], _T_BASE[i], _P_BASE[i]
    dh = h - hb
    tm = tb + lb * dh                                               # eq. 23
    iso = lb == 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        p_grad = pb * (tb / tm) ** (_GMR / np.where(iso, 1.0, lb))  # eq. 33a
    p_iso = pb * np.exp(-_GMR * dh / tb)                            # eq. 33b
    p = np.where(iso, p_iso, p_grad)
    t_kin = tm * np.interp(z_m, _MRATIO_Z_M, _MRATIO)               # eq. 22; ratio = 1 below 80 km
    return tm, p, t_kin


def _prepare(alt_m) -> tuple[np.ndarray, bool]:
    z = np.asarray(alt_m, dtype=np.float64)
    return np.maximum(z, ALT_MIN_M), z.ndim == 0          # np.maximum keeps NaN


def _out(x: np.ndarray, scalar: bool):
    return float(x) if scalar else x


def _state(z: np.ndarray, *, want: str) -> np.ndarray:
    """One quantity over clamped geometric altitudes z (m): 'rho', 'p', 't' or 'a'."""
    low = ~(z > ALT_86KM_M)          # NaN goes to the lower branch and stays NaN
    z_lo = np.where(low, z, ALT_86KM_M)
    tm, p, t_kin = _lower(z_lo)
    if want == "rho":
        lower = p * M0_KGKMOL / (RSTAR_JKMOLK * tm)                  # eq. 42
    elif want == "p":
        lower = p
    elif want == "t":
        lower = t_kin
    else:
        lower = np.sqrt(GAMMA * RSTAR_JKMOLK * tm / M0_KGKMOL)       # eq. 50
    if np.all(low):
        return lower
    alt, ln_rho, t_k, ln_p = _upper_table()
    z_up = np.where(low, ALT_86KM_M, z)
    above = z_up > ALT_MAX_M
    if want == "rho":
        upper = np.where(above, 0.0, np.exp(np.interp(z_up, alt, ln_rho)))
    elif want == "p":
        upper = np.where(above, 0.0, np.exp(np.interp(z_up, alt, ln_p)))
    else:
        t_up = np.interp(z_up, alt, t_k)       # np.interp holds the 1000 km value above the top
        upper = t_up if want == "t" else np.sqrt(GAMMA * RSTAR_JKMOLK * t_up / M0_KGKMOL)
    return np.where(low, lower, upper)


def density_kgm3(alt_m: ArrayLike) -> float | np.ndarray:
    """Mass density rho (kg/m³) at geometric altitude ``alt_m`` (m), scalar or array.

    rho = p M0 / (R* T_M) below 86 km (eq. 42); log-linear in the shipped table above; 0 above
    1000 km. Below -5 km the value at -5 km. NaN in, NaN out.

    Parameters
    ----------
    alt_m : array_like
        Geometric altitude above sea level, m.

    Returns
    -------
    float or numpy.ndarray
        A float for a scalar input, else an array of the input's shape.

    Notes
    -----
    Equation numbers are those of the US Standard Atmosphere 1976 [ref:ussa-1976].

    Examples
    --------
    >>> from thaadsim.earth.atmosphere import density_kgm3
    >>> round(density_kgm3(0.0), 4)          # sea level, USSA-76 Table I: 1.2250 kg/m³
    1.225
    """
    z, scalar = _prepare(alt_m)
    return _out(_state(z, want="rho"), scalar)


def pressure_pa(alt_m: ArrayLike) -> float | np.ndarray:
    """Pressure p (Pa) at geometric altitude ``alt_m`` (m); eqs. 33a/33b below 86 km, table above, 0 above 1000 km.

    Parameters
    ----------
    alt_m : array_like
        Geometric altitude above sea level, m.

    Returns
    -------
    float or numpy.ndarray
        A float for a scalar input, else an array of the input's shape.

    Notes
    -----
    Equation numbers are those of the US Standard Atmosphere 1976 [ref:ussa-1976].
    """
    z, scalar = _prepare(alt_m)
    return _out(_state(z, want="p"), scalar)


def temperature_k(alt_m: ArrayLike) -> float | np.ndarray:
    """Kinetic temperature T (K) at geometric altitude ``alt_m`` (m).

    T = T_M M/M0 (eq. 22): equal to the molecular-scale temperature below 80 km, slightly lower
    from 80 to 86 km (Table 8), the table's kinetic temperature above; held at its 1000 km value
    above 1000 km.

    Parameters
    ----------
    alt_m : array_like
        Geometric altitude above sea level, m.

    Returns
    -------
    float or numpy.ndarray
        A float for a scalar input, else an array of the input's shape.

    Notes
    -----
    Equation and table numbers are those of the US Standard Atmosphere 1976 [ref:ussa-1976].
    """
    z, scalar = _prepare(alt_m)
    return _out(_state(z, want="t"), scalar)


def speed_of_sound_ms(alt_m: ArrayLike) -> float | np.ndarray:
    """Speed of sound a (m/s) = sqrt(1.4 R* T_M / M0) (eq. 50) at geometric altitude ``alt_m`` (m).

    Above 86 km: sqrt(1.4 R* T / M0) with the kinetic T, a convention (see the module docstring).

    Parameters
    ----------
    alt_m : array_like
        Geometric altitude above sea level, m.

    Returns
    -------
    float or numpy.ndarray
        A float for a scalar input, else an array of the input's shape.

    Notes
    -----
    Equation numbers are those of the US Standard Atmosphere 1976 [ref:ussa-1976].
    """
    z, scalar = _prepare(alt_m)
    return _out(_state(z, want="a"), scalar)


# --- Kernel form for numba ------------------------------------------------------------------------
KERNEL_H0_M = ALT_MIN_M
KERNEL_DH_M = 100.0


@functools.lru_cache(maxsize=1)
def kernel_table() -> tuple[float, float, np.ndarray, np.ndarray]:
    """(h0_m, dh_m, log_rho, sound_ms): a uniform grid from h0_m = -5000.0 in steps of dh_m (100 m)
    to 1000 km, natural log of density and speed of sound at each node. Built once and cached.

    The arrays are read-only (they are shared by every caller through the cache).
    """
    n = int(round((ALT_MAX_M - KERNEL_H0_M) / KERNEL_DH_M)) + 1
    h = KERNEL_H0_M + KERNEL_DH_M * np.arange(n, dtype=np.float64)
    log_rho = np.log(density_kgm3(h))
    sound = speed_of_sound_ms(h)
    log_rho.flags.writeable = False
    sound.flags.writeable = False
    return KERNEL_H0_M, KERNEL_DH_M, log_rho, sound


@numba.njit(cache=True, inline="always")
def density_sound_at(h_m, h0_m, dh_m, log_rho, sound_ms):
    """Cubic (Catmull-Rom) interpolation in log-density, linear in sound speed; returns (rho_kgm3, a_ms).

    The cubic makes the density continuously differentiable in altitude. That matters to the
    flight integrator more than the last digit: with piecewise-linear log-density every grid node
    is a kink that the adaptive step control must creep over, and a reentry crosses a thousand
    of them. Below the grid: the first node. Above the top: rho = 0.0 and the last sound speed.
    NaN altitude gives (nan, nan).
    """
    n = log_rho.shape[0]
    if h_m != h_m:
        return np.nan, np.nan
    x = (h_m - h0_m) / dh_m
    if x <= 0.0:
        return np.exp(log_rho[0]), sound_ms[0]
    if x > n - 1:
        return 0.0, sound_ms[n - 1]
    i = int(x)
    if i >= n - 1:
        i = n - 2
    f = x - i
    y0 = log_rho[i]
    y1 = log_rho[i + 1]
    # one-sided slopes at the ends of the table, central ones inside
    m0 = (y1 - log_rho[i - 1]) * 0.5 if i > 0 else y1 - y0
    m1 = (log_rho[i + 2] - y0) * 0.5 if i + 2 < n else y1 - y0
    f2 = f * f
    f3 = f2 * f
    lr = (2 * f3 - 3 * f2 + 1) * y0 + (f3 - 2 * f2 + f) * m0 + (-2 * f3 + 3 * f2) * y1 + (f3 - f2) * m1
    a = sound_ms[i] + f * (sound_ms[i + 1] - sound_ms[i])
    return np.exp(lr), a
