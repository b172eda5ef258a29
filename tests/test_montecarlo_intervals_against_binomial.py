"""Monte Carlo error bars against the binomial law and against scipy.

* The Wilson interval equals scipy's (``scipy.stats.binomtest(...).proportion_ci(method="wilson")``,
  an independent implementation) for every k of several n, ends included.
* Coverage: threats each shot at once with single-shot Pk are killed with probability Pk exactly;
  over 400 such estimates the 95 % Wilson intervals must cover Pk in about 95 % of them (within
  3 binomial standard deviations of 0.95).
* The standard error of expected leakers equals the closed form sqrt(p(1 - p)/R) of a Bernoulli
  mean, p = 1 - Pk, within the sampling error of a standard deviation.
* The CLI and summary.json carry the intervals: what ``raid --json`` prints is the raid summary.

The comparisons live in :mod:`thaadsim.validation.montecarlo`; ``thaadsim validate`` prints the same rows.
"""

import json

import numpy as np
import pytest
from scipy.stats import binomtest

from _validation import assert_rows_pass, params
from thaadsim.defense.intervals import mean_standard_error
from thaadsim.defense.raid import Doctrine, simulate_raid
from thaadsim.validation import montecarlo as vm


@pytest.mark.parametrize("check", params(vm.wilson_interval_against_scipy, vm.wilson_intervals_cover_the_true_pk,
                                         vm.expected_leakers_standard_error))
def test_intervals_against_scipy_and_the_binomial_law(check):
    """Wilson ends equal scipy's (1e-12); 95 % coverage within 3 SD over 400 estimates; the SE of expected
    leakers within 3 % of sqrt(p(1 - p)/R) and the P(no leaker) interval's width within 5 % (the rows
    ``thaadsim validate`` prints)."""
    assert_rows_pass(check)


def test_mean_standard_error_is_the_sample_sd_over_root_n():
    x = np.array([0.0, 1.0, 1.0, 3.0])
    assert mean_standard_error(x) == pytest.approx(np.sqrt(((x - x.mean()) ** 2).sum() / 3) / 2)


def test_p_no_leaker_interval_contains_the_true_value():
    one = vm.one_threat()
    s = simulate_raid(one, [vm.battery_at_impact(pk=0.6)], doctrine=Doctrine(max_shots_per_threat=1), runs=20000,
                      seed=3, detect_s=100.0).summary()
    lo, hi = s["p_no_leaker_ci95"]
    assert lo < 0.6 < hi


def test_raid_cli_prints_and_returns_the_intervals(capsys):
    from thaadsim.cli import main

    with pytest.raises(SystemExit) as e:
        main(["raid", "examples/raid_seongju.toml", "--runs", "400", "--seed", "2", "--json"])
    assert e.value.code == 0
    s = json.loads(capsys.readouterr().out)
    k = round(s["p_no_leaker"] * 400)
    ci = binomtest(k, 400).proportion_ci(method="wilson")
    assert s["p_no_leaker_ci95"] == pytest.approx([ci.low, ci.high], abs=1e-6)
    for t in s["per_threat"]:
        ci = binomtest(round(t["p_kill"] * 400), 400).proportion_ci(method="wilson")
        assert t["p_kill_ci95"] == pytest.approx([ci.low, ci.high], abs=1e-6)
    with pytest.raises(SystemExit):
        main(["raid", "examples/raid_seongju.toml", "--runs", "400", "--seed", "2"])
    assert "95 % Wilson interval" in capsys.readouterr().out
