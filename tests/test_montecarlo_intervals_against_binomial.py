"""Monte Carlo error bars against the binomial law and against scipy.

* The Wilson interval equals scipy's (``scipy.stats.binomtest(...).proportion_ci(method="wilson")``,
  an independent implementation) for every k of several n, ends included.
* Coverage: threats each shot at once with single-shot Pk are killed with probability Pk exactly;
  over 400 such estimates the 95 % Wilson intervals must cover Pk in about 95 % of them (within
  3 binomial standard deviations of 0.95).
* The standard error of expected leakers equals the closed form sqrt(p(1 - p)/R) of a Bernoulli
  mean, p = 1 - Pk, within the sampling error of a standard deviation.
* The CLI and summary.json carry the intervals: what ``raid --json`` prints is the raid summary.
"""

import json

import numpy as np
import pytest
from scipy.stats import binomtest

from thaadsim.defense.battery import make_battery
from thaadsim.defense.intervals import mean_standard_error, wilson_interval
from thaadsim.defense.raid import Doctrine, simulate_raid
from thaadsim.flight import fly_kinematic


@pytest.mark.parametrize("n", [1, 7, 50, 1000])
def test_wilson_interval_equals_scipy(n):
    ks = np.arange(n + 1) if n <= 50 else np.array([0, 1, 2, 17, 500, 983, 999, 1000])
    lo, hi = wilson_interval(ks, n)
    for k, a, b in zip(ks, lo, hi):
        ci = binomtest(int(k), n).proportion_ci(confidence_level=0.95, method="wilson")
        assert a == pytest.approx(ci.low, abs=1e-12) and b == pytest.approx(ci.high, abs=1e-12), (k, n)


def test_mean_standard_error_is_the_sample_sd_over_root_n():
    x = np.array([0.0, 1.0, 1.0, 3.0])
    assert mean_standard_error(x) == pytest.approx(np.sqrt(((x - x.mean()) ** 2).sum() / 3) / 2)


@pytest.fixture(scope="module")
def many_single_shots():
    """100 identical threats, one interceptor each at Pk 0.7, enough inventory for all."""
    n = 100
    batch = fly_kinematic(np.full(n, 3.0), 40.0, 150.0, 39.0, 125.7, sample_dt_s=1.0)
    bat = make_battery("thaad", float(batch.impact_lat_deg[0]), float(batch.impact_lon_deg[0]), pk=0.7,
                       launchers=20, interceptors_per_launcher=10)
    return batch, bat, 0.7


def test_wilson_intervals_cover_the_true_pk_95_percent_of_the_time(many_single_shots):
    batch, bat, pk = many_single_shots
    covered = []
    for seed in range(4):
        r = simulate_raid(batch, [bat], doctrine=Doctrine(max_shots_per_threat=1, hold_for_priority=False),
                          runs=300, seed=seed, detect_s=100.0)
        # one shot at each threat in every run (sum and sum of squares of a count are both R only
        # if every run's count is 1): each estimate is a plain binomial(300, Pk)
        assert np.all(r.threat_shots.total == 300) and np.all(r.threat_shots.total_sq == 300)
        for t in r.summary()["per_threat"]:
            lo, hi = t["p_kill_ci95"]
            covered.append(lo <= pk <= hi)
    rate, n = np.mean(covered), len(covered)
    assert abs(rate - 0.95) <= 3 * np.sqrt(0.95 * 0.05 / n), rate


def test_expected_leakers_se_is_the_bernoulli_closed_form():
    one = fly_kinematic(3.0, 40.0, 150.0, 39.0, 125.7, sample_dt_s=1.0)
    bat = make_battery("thaad", float(one.impact_lat_deg[0]), float(one.impact_lon_deg[0]), pk=0.6)
    runs = 20000
    s = simulate_raid(one, [bat], doctrine=Doctrine(max_shots_per_threat=1), runs=runs, seed=3,
                      detect_s=100.0).summary()
    p = 1 - 0.6
    closed = np.sqrt(p * (1 - p) / runs)
    # the sample SD of a Bernoulli mean has relative sampling error ~ 1/sqrt(2R) (< 1 % here)
    assert s["expected_leakers_se"] == pytest.approx(closed, rel=0.03)
    lo, hi = s["p_no_leaker_ci95"]
    assert lo < 0.6 < hi and hi - lo == pytest.approx(2 * 1.96 * np.sqrt(0.6 * 0.4 / runs), rel=0.05)


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
