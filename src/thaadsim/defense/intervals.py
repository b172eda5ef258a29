"""Error bars for Monte Carlo figures: Wilson score intervals and standard errors of means.

A raid Monte Carlo of R runs estimates probabilities (P(no leaker), each threat's P(kill), each
asset's P(hit)) as a count k of runs out of R, and means (expected leakers, interceptors expended)
as averages over the R runs. Printed bare, 0.930 from 200 runs reads like three good digits; it is
good to about ±0.035.

Probabilities: the **Wilson score interval** (Wilson 1927; Agresti & Coull 1998 [ref:wilson-1927, agresti-coull-1998]
recommend it over the Wald interval p ± z·sqrt(p(1-p)/R), which collapses to a point at p = 0 or 1,
exactly where a defence analyst's figures sit — P(no leaker) = 0 in every run says little after
ten runs and a lot after a million)::

    centre = (p + z²/2R) / (1 + z²/R)
    half   = z / (1 + z²/R) · sqrt(p(1-p)/R + z²/4R²)

with p = k/R and z = 1.959964 for 95 %. Means: the standard error s/sqrt(R) of the sample mean
(s the sample standard deviation, ddof = 1); the report gives mean ± 1.96 SE.

These are Monte Carlo (sampling) uncertainties only: they say how far more runs could move a
figure, not how far the assumed Pk or geometry are from the truth.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Z95", "wilson_interval", "mean_standard_error", "standard_error_from_sums", "with_uncertainty"]

#: the two-sided 95 % normal quantile
Z95 = 1.959963984540054


def wilson_interval(successes, trials, z: float = Z95):
    """Wilson score interval of a binomial proportion (arrays broadcast).

    Parameters
    ----------
    successes : int or array
        k, the runs in which the event happened.
    trials : int or array
        R >= 1, the runs.
    z : float
        Normal quantile (1.96 for 95 %).

    Returns
    -------
    (lo, hi) : floats or arrays, within [0, 1]
    """
    k = np.asarray(successes, float)
    n = np.asarray(trials, float)
    p = k / n
    z2 = z * z
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z / denom * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    lo, hi = np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)
    # exact at the ends: k = 0 has lo = 0, k = R has hi = 1 (rounding left 1e-17 there)
    lo = np.where(k <= 0, 0.0, lo)
    hi = np.where(k >= n, 1.0, hi)
    if lo.ndim == 0:
        return float(lo), float(hi)
    return lo, hi


def mean_standard_error(x, axis=0):
    """Standard error of the mean of samples ``x`` along ``axis``: s / sqrt(R), ddof = 1 (0 for R = 1)."""
    x = np.asarray(x, float)
    r = x.shape[axis]
    if r < 2:
        return np.zeros(np.delete(x.shape, axis)) if x.ndim > 1 else 0.0
    se = x.std(axis=axis, ddof=1) / np.sqrt(r)
    return float(se) if np.ndim(se) == 0 else se


def standard_error_from_sums(total, total_sq, runs: int):
    """Standard error of the mean of R integer samples known only by their sums (arrays broadcast).

    With S1 = sum x and S2 = sum x², the sample variance (ddof = 1) is
    ``s² = (R·S2 − S1²) / (R·(R − 1))`` and the standard error ``s / sqrt(R)``; the same figure as
    :func:`mean_standard_error` on the samples themselves, without keeping them. The numerator is
    computed in exact integer arithmetic (Python integers: R·S2 overflows int64 at 1e7 runs of
    counts in the thousands), so it does not suffer the cancellation the one-pass formula has in
    floating point (Chan, Golub & LeVeque 1983 [ref:chan-golub-leveque-1983]); 0 for R = 1.

    Parameters
    ----------
    total, total_sq : int or (K,) int arrays
        S1 and S2 of each column.
    runs : int
        R >= 1, the number of samples.

    Returns
    -------
    float or (K,) float array
    """
    s1 = np.asarray(total, np.int64)
    s2 = np.asarray(total_sq, np.int64)
    r = int(runs)
    if r < 2:
        return np.zeros(s1.shape) if s1.ndim else 0.0
    num = r * s2.astype(object) - s1.astype(object) * s1.astype(object)   # exact: Python integers
    var = np.array([int(v) / (r * (r - 1)) for v in np.atleast_1d(num)], float).reshape(s1.shape)
    se = np.sqrt(np.maximum(var, 0.0) / r)
    return float(se) if se.ndim == 0 else se


def _ci(k, n):
    lo, hi = wilson_interval(k, n)
    return [round(lo, 6), round(hi, 6)]


def with_uncertainty(result, summary: dict) -> dict:
    """Add error bars to a :meth:`thaadsim.defense.raid.RaidResult.summary` dict (in place; returned).

    Adds ``p_no_leaker_ci95`` (Wilson), ``expected_leakers_se``, ``interceptors_expended_mean_se``,
    ``interceptors_expended_by_battery_se``, ``expected_value_lost_se``; per asset ``p_hit_ci95`` and
    ``expected_leakers_se``; per threat ``p_kill_ci95`` and ``mean_shots_se``; and ``uncertainty``,
    a sentence saying what they are. Whole-raid figures come from the per-run totals the result
    keeps; per threat, battery and asset figures from its sums over the runs
    (:func:`standard_error_from_sums`).
    """
    r = int(result.runs)
    leakers = np.asarray(result.leakers)
    summary["p_no_leaker_ci95"] = _ci(int((leakers == 0).sum()), r)
    summary["expected_leakers_se"] = mean_standard_error(leakers)
    summary["interceptors_expended_mean_se"] = mean_standard_error(result.expended)
    se_b = np.atleast_1d(result.battery_expended.standard_error(r))
    summary["interceptors_expended_by_battery_se"] = {b: float(se_b[m]) for m, b in enumerate(result.battery_ids)}
    summary["expected_value_lost_se"] = mean_standard_error(result.value_lost)
    se_a = np.atleast_1d(result.asset_leakers.standard_error(r))
    for a, rec in enumerate(summary.get("per_asset", [])):
        rec["p_hit_ci95"] = _ci(int(result.asset_leakers.runs_positive[a]), r)
        rec["expected_leakers_se"] = float(se_a[a])
    kills = np.asarray(result.threat_kills)
    shots_se = np.atleast_1d(result.threat_shots.standard_error(r))
    for j, rec in enumerate(summary.get("per_threat", [])):
        rec["p_kill_ci95"] = _ci(int(kills[j]), r)
        rec["mean_shots_se"] = float(shots_se[j])
    summary["uncertainty"] = (f"Monte Carlo sampling error over {r:,} runs: *_ci95 are 95 % Wilson score intervals "
                              "of probabilities, *_se standard errors of means (mean ± 1.96 SE is a 95 % interval); "
                              "they do not cover errors in the assumed Pk, delays or geometry.")
    return summary
