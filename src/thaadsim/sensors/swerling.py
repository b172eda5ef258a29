"""Detection thresholds for fluctuating targets: the Swerling 0-4 models, given Pd and Pfa.

Why it matters
--------------
A reentry vehicle is a complex body seen from a changing aspect: its radar cross section (RCS) is
not one number but a random variable from look to look. A radar needs more mean SNR to reach the
same detection probability against such a target, because some looks fall in a fade. Swerling's
models (P. Swerling, "Probability of detection for fluctuating targets", IRE Trans. IT-6, 1960;
summarised in Richards, *Fundamentals of Radar Signal Processing*, 2005, ch. 7 and Skolnik,
*Introduction to Radar Systems*, 3rd ed., 2001, §2.8)
[ref:swerling-1960, richards-2005, skolnik-2001] are the textbook set:

* **0** (also written 5): a steady target, no fluctuation.
* **1, 2**: the RCS is exponentially distributed (chi-square with 2 degrees of freedom): many
  scatterers of similar size, none dominant -- the usual model for a complex target such as an
  aircraft or an RV seen off the nose. 1: constant during a dwell, independent from dwell to dwell;
  2: independent from pulse to pulse.
* **3, 4**: chi-square with 4 degrees of freedom: one dominant scatterer plus many small ones.
  3 dwell-to-dwell, 4 pulse-to-pulse.

One look
--------
This tool's radar equation (:mod:`thaadsim.sensors.radar_equation`) integrates a whole dwell
coherently into one sample, so the threshold applies to a **single look** at the integrated SNR S.
With one sample, Swerling 2 is the same as 1 and 4 the same as 3 (they differ only when several
samples are integrated non-coherently); a target that decorrelates within a coherent dwell is not
modelled. With the normalised threshold T = -ln Pfa (square-law detector, Gaussian noise):

* Swerling 0 -- Marcum's Q function, Pd = Q1(√(2S), √(2T)). Here it is **Albersheim's** closed form
  (Albersheim 1981 [ref:albersheim-1981]; Richards 2005 eq. 6.56), the project's threshold since
  the start: within 0.1 dB of Marcum's Q for 0.5 <= Pd <= 0.99, 1e-7 <= Pfa <= 1e-3 (published
  accuracy 0.2 dB), so existing detection ranges are unchanged. ``exact=True`` solves Marcum's Q
  instead (scipy's non-central chi-square).
* Swerling 1/2 -- exact closed form (Richards 2005 ch. 7; Skolnik 2001 §2.8)::

      Pd = Pfa^(1/(1+S))     =>     S = ln Pfa / ln Pd - 1

* Swerling 3/4 -- exact closed form for one sample (Richards 2005 ch. 7; Mahafza, *Radar Systems
  Analysis and Design Using MATLAB*, 2000, Swerling III with n_p = 1, simplified)
  [ref:mahafza-2000]::

      Pd = exp(-2T/(2+S)) · (1 + 2·T·S/(2+S)²)

  inverted for S by a bracketed root search (Pd rises monotonically with S).

At Pd 0.9, Pfa 1e-6 these give 13.1 dB (0), 21.1 dB (1, 2) and 17.2 dB (3, 4): a Swerling 1
target needs 8.0 dB more, and since R ∝ SNR^(-1/4) the detection range shrinks by 10^(-8.0/40) =
0.63, about a third less.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from scipy import optimize, stats

from thaadsim.errors import ThaadsimError
from thaadsim.sensors.radar_equation import albersheim_snr_db

if TYPE_CHECKING:   # annotations only
    from numpy.typing import ArrayLike

#: the Swerling cases accepted (0 = non-fluctuating)
SWERLING_CASES = (0, 1, 2, 3, 4)
#: Pd bounds: below 0.1 no design point is meaningful and Albersheim's form is far off; 1 needs infinite SNR
PD_RANGE = (0.1, 1.0)
#: Pfa bounds: above 0.1 a "detection" is mostly noise; 0 needs an infinite threshold
PFA_RANGE = (0.0, 0.1)

SWERLING_NAMES = {
    0: "Swerling 0 (non-fluctuating)",
    1: "Swerling 1 (exponential RCS, dwell-to-dwell)",
    2: "Swerling 2 (exponential RCS, pulse-to-pulse; one coherent look = Swerling 1)",
    3: "Swerling 3 (chi-square 4 dof RCS, dwell-to-dwell)",
    4: "Swerling 4 (chi-square 4 dof RCS, pulse-to-pulse; one coherent look = Swerling 3)",
}


def check_detection_design(swerling: int | float, pd: float, pfa: float,
                           field_prefix: str = "") -> tuple[int, float, float]:
    """Bounds-check a (Swerling case, Pd, Pfa) design point; return it as (int, float, float).

    Raises :class:`ThaadsimError` naming the field: swerling in 0..4 (a whole number), 0.1 <= pd < 1,
    0 < pfa < 0.1.

    Parameters
    ----------
    swerling : int or float
        The Swerling case, a whole number in 0..4 (``SWERLING_CASES``).
    pd : float
        Detection probability, in [0.1, 1).
    pfa : float
        False-alarm probability, in (0, 0.1).
    field_prefix : str
        Prepended to the field named in an error (e.g. ``"radars.0."``).

    Returns
    -------
    swerling, pd, pfa : tuple of (int, float, float)
        The design point, converted.

    Raises
    ------
    ThaadsimError
        For a case outside 0..4 (or not whole, or a bool), or a probability that is not a number or
        is out of its range.

    Examples
    --------
    >>> from thaadsim.sensors.swerling import check_detection_design
    >>> check_detection_design(1.0, "0.9", 1e-6)
    (1, 0.9, 1e-06)
    """
    p = field_prefix
    if isinstance(swerling, bool) or not isinstance(swerling, (int, np.integer, float)) \
            or not math.isfinite(float(swerling)) or float(swerling) != int(float(swerling)) \
            or int(float(swerling)) not in SWERLING_CASES:
        raise ThaadsimError(f"{p}swerling", f"{swerling!r} is not a Swerling case",
                            "give 0 (steady), 1, 2 (exponential RCS) or 3, 4 (chi-square 4 dof RCS)")
    try:
        pd_f, pfa_f = float(pd), float(pfa)
    except (TypeError, ValueError):
        raise ThaadsimError(f"{p}pd", f"pd {pd!r} / pfa {pfa!r} are not numbers", "e.g. pd = 0.9, pfa = 1e-6") from None
    if not (math.isfinite(pd_f) and PD_RANGE[0] <= pd_f < PD_RANGE[1]):
        raise ThaadsimError(f"{p}pd", f"detection probability {pd!r} is out of range",
                            "allowed: [0.1, 1); e.g. pd = 0.9")
    if not (math.isfinite(pfa_f) and PFA_RANGE[0] < pfa_f < PFA_RANGE[1]):
        raise ThaadsimError(f"{p}pfa", f"false-alarm probability {pfa!r} is out of range",
                            "allowed: (0, 0.1); e.g. pfa = 1e-6")
    return int(float(swerling)), pd_f, pfa_f


def swerling_pd(snr: ArrayLike, pfa: ArrayLike, swerling: int) -> np.ndarray:
    """Single-look detection probability of a Swerling ``swerling`` target at linear mean SNR ``snr``.

    Exact forms (see module notes): Marcum's Q for 0, Pfa^(1/(1+S)) for 1/2,
    exp(-2T/(2+S))·(1 + 2TS/(2+S)²) for 3/4, T = -ln Pfa. Broadcasts over ``snr`` and ``pfa``.

    Parameters
    ----------
    snr : array_like
        Mean signal-to-noise ratio of the look, linear (not dB).
    pfa : array_like
        False-alarm probability.
    swerling : int
        The Swerling case, 0..4.

    Returns
    -------
    numpy.ndarray
        Detection probability, broadcast over ``snr`` and ``pfa``.

    Raises
    ------
    ThaadsimError
        For a case outside 0..4.

    Notes
    -----
    With T = -ln Pfa [ref:swerling-1960, richards-2005, skolnik-2001, mahafza-2000]:

        Swerling 0:    Pd = Q1(sqrt(2S), sqrt(2T))   (non-central chi-square, 2 dof, survival at 2T)
        Swerling 1/2:  Pd = Pfa^(1/(1+S))
        Swerling 3/4:  Pd = exp(-2T/(2+S)) (1 + 2TS/(2+S)²)

    Examples
    --------
    >>> from thaadsim.sensors.swerling import swerling_pd
    >>> round(float(swerling_pd(10 ** 2.11, 1e-6, 1)), 2)     # 21.1 dB: the Swerling 1 design point
    0.9
    """
    s = np.asarray(snr, float)
    pfa = np.asarray(pfa, float)
    t = -np.log(pfa)
    if swerling == 0:
        return stats.ncx2.sf(2.0 * t, 2, 2.0 * s)
    if swerling in (1, 2):
        return np.power(pfa, 1.0 / (1.0 + s))
    if swerling in (3, 4):
        return np.exp(-2.0 * t / (2.0 + s)) * (1.0 + 2.0 * t * s / (2.0 + s) ** 2)
    raise ThaadsimError("swerling", f"{swerling!r} is not a Swerling case", "give 0, 1, 2, 3 or 4")


def swerling_snr_db(pd: float, pfa: float, swerling: int = 0, *, exact: bool = False) -> float:
    """Mean single-look SNR (dB) a Swerling ``swerling`` target needs for ``pd`` at ``pfa``.

    Parameters
    ----------
    pd, pfa : float
        Detection and false-alarm probabilities, 0.1 <= pd < 1 and 0 < pfa < 0.1.
    swerling : int
        0 (steady), 1-4 (see module notes).
    exact : bool
        Swerling 0 only: solve Marcum's Q exactly instead of Albersheim's closed form (the
        project's default, within 0.1 dB at the usual design points).

    Returns
    -------
    float
        Threshold SNR in dB, e.g. 13.1 (0), 21.1 (1, 2), 17.2 (3, 4) at pd 0.9, pfa 1e-6.

    Raises
    ------
    ThaadsimError
        For a design point outside the bounds of :func:`check_detection_design`.

    Notes
    -----
    Swerling 1/2 inverts in closed form, S = ln Pfa / ln Pd - 1 [ref:swerling-1960, richards-2005];
    Swerling 0 uses Albersheim's approximation [ref:albersheim-1981] unless ``exact``; Swerling 0
    (exact) and 3/4 are solved for S by Brent's method on :func:`swerling_pd`.

    Examples
    --------
    >>> from thaadsim.sensors.swerling import swerling_snr_db
    >>> round(swerling_snr_db(0.9, 1e-6, 1), 1)
    21.1
    """
    case, pd, pfa = check_detection_design(swerling, pd, pfa)
    if case == 0 and not exact:
        return float(albersheim_snr_db(pd, pfa))
    if case in (1, 2):
        return float(10.0 * np.log10(np.log(pfa) / np.log(pd) - 1.0))
    # monotone in SNR: bracket in dB between "no signal" and far beyond any design point
    f = lambda snr_db: float(swerling_pd(10.0 ** (snr_db / 10.0), pfa, case)) - pd   # noqa: E731
    return float(optimize.brentq(f, -30.0, 80.0, xtol=1e-10))


def describe(swerling: int, pd: float | None, pfa: float | None, snr_threshold_db: float) -> str:
    """One line saying which detection model sets a radar's threshold, for CLI output and reports.

    Parameters
    ----------
    swerling : int
        The Swerling case, 0..4.
    pd, pfa : float or None
        The design point; ``None`` when the threshold was given directly.
    snr_threshold_db : float
        The resulting single-look SNR threshold, dB.

    Returns
    -------
    str
        E.g. ``"Swerling 1 (exponential RCS, dwell-to-dwell), Pd 0.9, Pfa 1e-06: SNR threshold 21.1 dB
        (exact, one coherent look per dwell)"``.
    """
    if pd is None or pfa is None:
        return f"SNR threshold {snr_threshold_db:.1f} dB (given directly)"
    how = "Albersheim" if swerling == 0 else "exact"
    return (f"{SWERLING_NAMES[swerling]}, Pd {pd:g}, Pfa {pfa:g}: SNR threshold {snr_threshold_db:.1f} dB "
            f"({how}, one coherent look per dwell)")
