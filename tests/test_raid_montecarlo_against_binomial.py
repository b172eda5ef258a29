"""Raid Monte Carlo against the binomial law and against inventory arithmetic.

* n independent shots with single-shot Pk leave a threat alive with probability (1 - Pk)^n; the
  Monte Carlo estimate must sit within 4 binomial standard errors of it.
* With Pk = 1 a raid larger than the inventory leaks exactly (threats - inventory) in every run.
* Inventory never goes negative and never more is fired than there was.
* The same seed gives the same answer, whatever the chunk size.

The binomial comparisons live in :mod:`thaadsim.validation.montecarlo`; ``thaadsim validate`` prints them.
"""

import numpy as np
import pytest

from _validation import assert_rows_pass, params
from thaadsim.defense.battery import make_battery
from thaadsim.defense.raid import Doctrine, simulate_raid
from thaadsim.flight import fly_kinematic
from thaadsim.validation import montecarlo as vm

from _raid_per_run import simulate_raid_per_run


pytestmark = pytest.mark.usefixtures("private_cache")


@pytest.fixture(scope="module")
def one():
    return vm.one_threat()


def _raid(one, n):
    return fly_kinematic(np.full(n, 3.0), 40.0, 150.0, 39.0, 125.7, sample_dt_s=1.0)


def _at_impact(one, **kw):
    return make_battery("thaad", float(one.impact_lat_deg[0]), float(one.impact_lon_deg[0]), **kw)


@pytest.mark.parametrize("check", params(vm.salvo_leak_probability, vm.shoot_look_shoot_leak_probability,
                                         vm.two_layers_multiply_leak_probabilities))
def test_leak_probabilities_are_binomial(check):
    """Salvos of 1-3 and shoot-look-shoot: P(leak) = (1 - Pk)^n, and two independent layers
    (1 - p1)(1 - p2), within 4 binomial standard errors over 20,000 runs (the rows ``thaadsim validate``
    prints)."""
    assert_rows_pass(check)


def test_shoot_look_shoot_fires_once_or_twice(one):
    r = simulate_raid(one, [_at_impact(one, pk=0.5)],
                      doctrine=Doctrine(mode="shoot-look-shoot", max_shots_per_threat=2), runs=2000, seed=11,
                      detect_s=100.0)
    assert r.windows.shots_possible[0, 0] >= 2
    assert set(np.unique(r.expended)) <= {1, 2}


def test_raid_larger_than_inventory_leaks_exactly_the_excess(one):
    n = 20
    raid = _raid(one, n)
    bat = _at_impact(one, pk=1.0, launchers=2, interceptors_per_launcher=7)   # 14 rounds
    r = simulate_raid(raid, [bat], launch_time_s=np.arange(n) * 5.0, runs=200, seed=1, detect_s=100.0)
    assert np.all(r.leakers == n - 14)
    assert np.all(r.expended == 14)


def test_inventory_never_negative_and_bounded(one):
    n = 12
    raid = _raid(one, n)
    bats = [_at_impact(one, pk=0.4, launchers=1, interceptors_per_launcher=8, id="a"),
            _at_impact(one, pk=0.6, launchers=1, interceptors_per_launcher=5, id="b", layer=1)]
    r, per = simulate_raid_per_run(raid, bats, launch_time_s=np.arange(n) * 3.0, runs=3000, seed=3,
                                   detect_s=100.0, doctrine=Doctrine(mode="shoot-shoot-look"))
    by_battery = per["expended_by_battery"]
    assert np.all(by_battery >= 0)
    assert np.all(by_battery <= np.array([8, 5]))
    assert np.all(r.expended == by_battery.sum(axis=1))
    assert np.all(per["shots_at"].sum(axis=1) == r.expended)


def test_reload_adds_exactly_one_launcher_load(one):
    n = 4
    raid = _raid(one, n)
    bat = _at_impact(one, pk=1.0, launchers=1, interceptors_per_launcher=1, reload_loads=1, reload_time_s=1.0)
    r = simulate_raid(raid, [bat], launch_time_s=np.arange(n) * 60.0, runs=50, seed=1, detect_s=100.0)
    assert np.all(r.expended == 2) and np.all(r.leakers == n - 2)


def test_priority_by_asset_value_keeps_the_round_for_the_valuable_target(one):
    raid = _raid(one, 2)
    bat = _at_impact(one, pk=1.0, launchers=1, interceptors_per_launcher=1)
    r = simulate_raid(raid, [bat], launch_time_s=[0.0, 60.0], asset_index=[0, 1], asset_names=["low", "high"],
                      asset_values=[1.0, 5.0], runs=10, seed=1, detect_s=100.0,
                      doctrine=Doctrine(priority="asset-value"))
    assert list(r.threat_kills) == [0, 10]        # killed in every run: the high-value one only
    r2 = simulate_raid(raid, [bat], launch_time_s=[0.0, 60.0], asset_index=[0, 1], asset_names=["low", "high"],
                       asset_values=[1.0, 5.0], runs=10, seed=1, detect_s=100.0,
                       doctrine=Doctrine(priority="time-to-impact"))
    assert list(r2.threat_kills) == [10, 0]


def test_same_seed_same_answer_regardless_of_chunking(one):
    n = 6
    raid = _raid(one, n)
    bats = [_at_impact(one, pk=0.7, launchers=1, interceptors_per_launcher=8)]
    kw = dict(launch_time_s=np.arange(n) * 4.0, runs=1000, seed=42, detect_s=100.0)
    a, pa = simulate_raid_per_run(raid, bats, chunk_runs=1000, **kw)
    b, pb = simulate_raid_per_run(raid, bats, chunk_runs=37, **kw)
    c, pc = simulate_raid_per_run(raid, bats, chunk_runs=1000, **{**kw, "seed": 43})
    for key in pa:
        np.testing.assert_array_equal(pa[key], pb[key])
    np.testing.assert_array_equal(a.expended, b.expended)
    np.testing.assert_array_equal(a.threat_shots.total_sq, b.threat_shots.total_sq)
    assert a.summary() == b.summary()
    assert not np.array_equal(pa["killed"], pc["killed"])


def test_event_log_is_consistent_with_the_run(one):
    raid = _raid(one, 3)
    bat = _at_impact(one, pk=0.5)
    r = simulate_raid(raid, [bat], launch_time_s=[0, 10, 20], runs=5, seed=5, detect_s=100.0)
    log = r.event_log
    assert [e["time_s"] for e in log] == sorted(e["time_s"] for e in log)
    launches = [e for e in log if e["event"] == "interceptor_launch"]
    assert len(launches) == r.expended[0]
    leaks = [e for e in log if e["event"] == "leak_impact"]
    assert len(leaks) == r.leakers[0]
    for e in log:
        assert {"time_s", "event", "threat"} <= set(e)


def test_two_layers_fire_upper_tier_first(one):
    lat, lon = float(one.impact_lat_deg[0]), float(one.impact_lon_deg[0])
    bats = [make_battery("thaad", lat, lon, pk=0.6, launchers=1, interceptors_per_launcher=1, layer=1),
            make_battery("pac3-mse", lat, lon, pk=0.5, launchers=1, interceptors_per_launcher=1, layer=2)]
    r = simulate_raid(one, bats, runs=2000, seed=2, detect_s=100.0)
    assert r.windows.engageable.all()
    assert r.windows.earliest_intercept_s[0, 0] < r.windows.earliest_intercept_s[0, 1]
    # THAAD fires its one round in every run: sum and sum of squares are both R only if each run is 1
    assert r.battery_expended.total[0] == r.battery_expended.total_sq[0] == 2000


@pytest.mark.parametrize("n_zero,p95", [(950, 0.0), (949, 1.0)])
def test_percentiles_of_counts_are_counts(n_zero, p95):
    """The q-th percentile of a count is the smallest count whose empirical CDF reaches q (Hyndman &
    Fan 1996, definition 1): with 950 zeros in 1000 runs F(0) = 0.95 and p95 = 0; with 949 it is 1.
    An interpolated 0.05 interceptors is not a number of interceptors."""
    from thaadsim.defense.raid import RaidResult, RunSums

    x = np.array([0] * n_zero + [1] * (1000 - n_zero))
    by_battery = RunSums.zeros(1)
    by_battery.add(x[:, None])
    r = RaidResult(runs=1000, seed=0, leakers=x, expended=x, value_lost=np.zeros(1000),
                   threat_kills=np.zeros(0, int), threat_shots=RunSums.zeros(0), battery_expended=by_battery,
                   asset_leakers=RunSums.zeros(0), asset_names=[], asset_values=np.zeros(0),
                   asset_index=np.zeros(0, int), battery_ids=["b"], threat_labels=[], windows=None)
    s = r.summary()
    assert s["interceptors_expended_p95"] == p95 and s["leakers_p95"] == p95
    assert s["interceptors_expended_p5"] == 0.0 and s["interceptors_expended_p50"] == 0.0
