"""The radar range equation (track and search forms) and the detection threshold.

Everything here is a plain vectorised function over numpy arrays in SI units; every argument
broadcasts, so one call evaluates a whole (N, T) batch of ranges or a grid of radar designs.

Track form (a beam dwells on one target and integrates coherently)
------------------------------------------------------------------
The energy form of the monostatic radar equation (Skolnik, *Introduction to Radar Systems*,
3rd ed., 2001, §2.2 and §2.11; Richards, *Fundamentals of Radar Signal Processing*, 2005, §2.3)
[ref:skolnik-2001, richards-2005]:

    SNR = P_av · t_dwell · G · A_e · σ / ((4π)² · k · T_s · L · R⁴),

with the effective aperture A_e = ρ·A (ρ the aperture efficiency, A the physical area) and the
gain G = 4π·A_e/λ². P_av·t_dwell is the energy put on the target during the dwell, so any pulse
train with the same average power and dwell gives the same SNR (perfect coherent integration,
the assumption Lewis & Postol 2012 make for AN/TPY-2). Substituting G gives the familiar
P·t·G²·λ²·σ/((4π)³·k·T_s·L·R⁴).

Search form (a fixed power-aperture product spread over a solid angle Ω every frame time)
----------------------------------------------------------------------------------------
    SNR = P_av · A_e · σ · t_frame / (4π · Ω · k · T_s · L · R⁴)

(Skolnik 2001 §2.12 "the search radar equation"; Richards 2005 eq. 2.44). It does not depend
on wavelength: only the power-aperture product P_av·A_e and the search budget Ω/t_frame count.

Both forms give R ∝ SNR^(-1/4): halving the range buys 12 dB of SNR, and ten times the RCS buys
10^(1/4) = 1.78 times the range.

Threshold
---------
The SNR needed for a detection probability Pd at a false-alarm probability Pfa, for a
non-fluctuating target and a linear envelope detector, by Albersheim's closed form
(W. J. Albersheim, "A closed-form approximation to Robertson's detection characteristics",
Proc. IEEE 69(7), 839, 1981; also Richards 2005 eq. 6.56) [ref:albersheim-1981]:

    A = ln(0.62/Pfa),   B = ln(Pd/(1-Pd)),
    SNR_dB = -5·log10(N) + (6.2 + 4.54/√(N + 0.44)) · log10(A + 0.12·A·B + 1.7·B),

quoted for 1e-7 ≤ Pfa ≤ 1e-3, 0.1 ≤ Pd ≤ 0.9 and 1 ≤ N ≤ 8096 non-coherently integrated samples.
With N = 1 it is the threshold on the coherently integrated SNR used here. Checked against the
exact single-sample result (Marcum's Q via scipy, tests/test_radar_against_textbook.py) it is
within 0.1 dB for 0.5 ≤ Pd ≤ 0.99, but for one sample it is optimistic at low Pd (-0.3 dB at
Pd = 0.3, -0.8 to -4 dB at Pd = 0.1): use Pd ≥ 0.5, the usual design point, or set the
threshold in dB directly.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from thaadsim.errors import ThaadsimError

BOLTZMANN_JK = 1.380649e-23      # exact, SI 2019
SPEED_OF_LIGHT_MS = 299792458.0  # exact
FOUR_PI = 4.0 * np.pi


def db_to_linear(x_db):
    """10^(x/10), element-wise."""
    return np.power(10.0, np.asarray(x_db, float) / 10.0)


def linear_to_db(x):
    """10·log10(x), element-wise; 0 maps to -inf without a warning."""
    x = np.asarray(x, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return 10.0 * np.log10(x)


def wavelength_m(frequency_hz):
    """λ = c/f."""
    return SPEED_OF_LIGHT_MS / np.asarray(frequency_hz, float)


def antenna_gain(aperture_m2, efficiency, wavelength):
    """Directive gain of an aperture, G = 4π·ρ·A/λ² (linear, not dB)."""
    return FOUR_PI * np.asarray(efficiency, float) * np.asarray(aperture_m2, float) / np.asarray(wavelength, float) ** 2


def _track_constant(power_w, dwell_s, aperture_m2, efficiency, wavelength, noise_temp_k, loss_db, rcs_m2):
    """Everything in the track equation except R⁴: SNR = C / R⁴."""
    ae = np.asarray(efficiency, float) * np.asarray(aperture_m2, float)
    g = FOUR_PI * ae / np.asarray(wavelength, float) ** 2
    num = np.asarray(power_w, float) * np.asarray(dwell_s, float) * g * ae * np.asarray(rcs_m2, float)
    den = FOUR_PI ** 2 * BOLTZMANN_JK * np.asarray(noise_temp_k, float) * db_to_linear(loss_db)
    return num / den


def _search_constant(power_w, aperture_m2, efficiency, noise_temp_k, loss_db, rcs_m2, solid_angle_sr, frame_s):
    """Everything in the search equation except R⁴: SNR = C / R⁴."""
    ae = np.asarray(efficiency, float) * np.asarray(aperture_m2, float)
    num = np.asarray(power_w, float) * ae * np.asarray(rcs_m2, float) * np.asarray(frame_s, float)
    den = (FOUR_PI * np.asarray(solid_angle_sr, float) * BOLTZMANN_JK * np.asarray(noise_temp_k, float)
           * db_to_linear(loss_db))
    return num / den


def track_snr(range_m, *, power_w, dwell_s, aperture_m2, efficiency, wavelength, noise_temp_k, loss_db, rcs_m2):
    """Track-mode SNR (linear) of a target at slant range ``range_m``.

    SNR = P_av·t_dwell·G·A_e·σ / ((4π)²·k·T_s·L·R⁴), A_e = ρA, G = 4πA_e/λ² (see module notes).
    All arguments broadcast. Range 0 gives +inf.
    """
    c = _track_constant(power_w, dwell_s, aperture_m2, efficiency, wavelength, noise_temp_k, loss_db, rcs_m2)
    r = np.asarray(range_m, float)
    with np.errstate(divide="ignore"):
        return c / r ** 4


def track_range_m(snr_db, *, power_w, dwell_s, aperture_m2, efficiency, wavelength, noise_temp_k, loss_db,
                  rcs_m2):
    """Slant range at which the track-mode SNR equals ``snr_db``: R = (C/SNR)^(1/4)."""
    c = _track_constant(power_w, dwell_s, aperture_m2, efficiency, wavelength, noise_temp_k, loss_db, rcs_m2)
    return (c / db_to_linear(snr_db)) ** 0.25


def search_snr(range_m, *, power_w, aperture_m2, efficiency, noise_temp_k, loss_db, rcs_m2, solid_angle_sr,
               frame_s):
    """Search-mode SNR (linear): P_av·A_e·σ·t_frame / (4π·Ω·k·T_s·L·R⁴)."""
    c = _search_constant(power_w, aperture_m2, efficiency, noise_temp_k, loss_db, rcs_m2, solid_angle_sr, frame_s)
    r = np.asarray(range_m, float)
    with np.errstate(divide="ignore"):
        return c / r ** 4


def search_range_m(snr_db, *, power_w, aperture_m2, efficiency, noise_temp_k, loss_db, rcs_m2, solid_angle_sr,
                   frame_s):
    """Slant range at which the search-mode SNR equals ``snr_db``."""
    c = _search_constant(power_w, aperture_m2, efficiency, noise_temp_k, loss_db, rcs_m2, solid_angle_sr, frame_s)
    return (c / db_to_linear(snr_db)) ** 0.25


def albersheim_snr_db(pd: ArrayLike, pfa: ArrayLike, n_samples: ArrayLike = 1) -> np.ndarray:
    """SNR (dB) needed for detection probability ``pd`` at false-alarm probability ``pfa``.

    Albersheim's closed form for a non-fluctuating target [ref:albersheim-1981]:
    ``A = ln(0.62/Pfa)``, ``B = ln(Pd/(1-Pd))``,
    ``SNR_dB = -5 log10(N) + (6.2 + 4.54/sqrt(N + 0.44)) log10(A + 0.12 A B + 1.7 B)``.
    Within 0.1 dB of the exact value for 0.5 ≤ Pd ≤ 0.99 and 1e-7 ≤ Pfa ≤ 1e-3; optimistic at low Pd.

    Parameters
    ----------
    pd, pfa : array_like
        Detection and false-alarm probabilities, strictly between 0 and 1; broadcast together.
    n_samples : array_like, default 1
        Non-coherently integrated samples N ≥ 1 (1: the threshold on a coherently integrated SNR).

    Returns
    -------
    numpy.ndarray
        The required SNR in dB, of the broadcast shape.

    Raises
    ------
    ThaadsimError
        For probabilities outside (0, 1), NaN, or N < 1.
    """
    pd = np.asarray(pd, float)
    pfa = np.asarray(pfa, float)
    n = np.asarray(n_samples, float)
    if not np.all(np.isfinite(pd)) or np.any((pd <= 0) | (pd >= 1)):
        raise ThaadsimError("pd", f"detection probability {pd} must be strictly between 0 and 1",
                            "e.g. pd = 0.9")
    if not np.all(np.isfinite(pfa)) or np.any((pfa <= 0) | (pfa >= 1)):
        raise ThaadsimError("pfa", f"false-alarm probability {pfa} must be strictly between 0 and 1",
                            "e.g. pfa = 1e-6")
    if not np.all(np.isfinite(n)) or np.any(n < 1):
        raise ThaadsimError("n_samples", f"{n} must be >= 1", "give the number of integrated samples")
    a = np.log(0.62 / pfa)
    b = np.log(pd / (1.0 - pd))
    return -5.0 * np.log10(n) + (6.2 + 4.54 / np.sqrt(n + 0.44)) * np.log10(a + 0.12 * a * b + 1.7 * b)
