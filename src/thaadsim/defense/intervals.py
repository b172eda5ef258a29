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

__all__ = ["Z95", "wilson_interval", "mean_standard_error", "with_uncertainty"]

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


def _ci(k, n):
    lo, hi = wilson_interval(k, n)
    return [round(lo, 6), round(hi, 6)]


def with_uncertainty(result, summary: dict) -> dict:
    """Add error bars to a :meth:`thaadsim.defense.raid.RaidResult.summary` dict (in place; returned).

    Adds ``p_no_leaker_ci95`` (Wilson), ``expected_leakers_se``, ``interceptors_expended_mean_se``,
    ``interceptors_expended_by_battery_se``, ``expected_value_lost_se``; per asset ``p_hit_ci95`` and
    ``expected_leakers_se``; per threat ``p_kill_ci95`` and ``mean_shots_se``; and ``uncertainty``,
    a sentence saying what they are.
    """
    r = int(result.runs)
    leakers = np.asarray(result.leakers)
    summary["p_no_leaker_ci95"] = _ci(int((leakers == 0).sum()), r)
    summary["expected_leakers_se"] = mean_standard_error(leakers)
    summary["interceptors_expended_mean_se"] = mean_standard_error(result.expended)
    se_b = np.atleast_1d(mean_standard_error(result.expended_by_battery, axis=0))
    summary["interceptors_expended_by_battery_se"] = {b: float(se_b[m]) for m, b in enumerate(result.battery_ids)}
    leaked = ~np.asarray(result.killed)
    value_lost = (leaked * np.asarray(result.asset_values)[result.asset_index][None, :]).sum(axis=1)
    summary["expected_value_lost_se"] = mean_standard_error(value_lost)
    for a, rec in enumerate(summary.get("per_asset", [])):
        n_on = leaked[:, result.asset_index == a].sum(axis=1)
        rec["p_hit_ci95"] = _ci(int((n_on > 0).sum()), r)
        rec["expected_leakers_se"] = mean_standard_error(n_on)
    kills = np.asarray(result.killed).sum(axis=0)
    shots_se = np.atleast_1d(mean_standard_error(result.shots_at, axis=0))
    for j, rec in enumerate(summary.get("per_threat", [])):
        rec["p_kill_ci95"] = _ci(int(kills[j]), r)
        rec["mean_shots_se"] = float(shots_se[j])
    summary["uncertainty"] = (f"Monte Carlo sampling error over {r:,} runs: *_ci95 are 95 % Wilson score intervals "
                              "of probabilities, *_se standard errors of means (mean ± 1.96 SE is a 95 % interval); "
                              "they do not cover errors in the assumed Pk, delays or geometry.")
    return summary
