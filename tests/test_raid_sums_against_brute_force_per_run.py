"""The raid's sums over runs against a brute-force computation from every run's outcomes.

:class:`thaadsim.defense.raid.RaidResult` no longer keeps per-(run x threat) arrays (at 10,000
threats x 100,000 runs they were ~26 GB): each chunk of runs is reduced to per-run totals and to
per-threat, per-battery and per-asset sums (:class:`~thaadsim.defense.raid.RunSums`). The authority
here is the plain computation those sums replace: the per-run arrays that ``on_chunk`` hands out,
concatenated, and reduced with numpy after the fact (means, ``np.std(ddof=1) / sqrt(R)``, counts;
Wilson intervals from scipy's ``binomtest``). Checked on a small raid that runs short of rounds
(so the trade counts are not zero), over three assets of different values, in chunks of 37 runs.

The standard error from sums is checked against numpy's two-pass standard deviation where the
floating-point one-pass formula fails (samples 1e8 + {0, 1}: catastrophic cancellation).
"""

import numpy as np
import pytest
from scipy.stats import binomtest

from thaadsim.defense.battery import make_battery
from thaadsim.defense.intervals import standard_error_from_sums
from thaadsim.defense.raid import Doctrine, simulate_raid
from thaadsim.flight import fly_kinematic

from _raid_per_run import simulate_raid_per_run

pytestmark = pytest.mark.usefixtures("private_cache")

RUNS = 500
ASSETS = ["Busan", "Daegu", "Ulsan"]
VALUES = [5.0, 2.0, 0.5]


def _two_pass_se(x, axis=0):
    x = np.asarray(x, float)
    return x.std(axis=axis, ddof=1) / np.sqrt(x.shape[axis])


def _wilson(k, n):
    ci = binomtest(int(k), n).proportion_ci(confidence_level=0.95, method="wilson")
    return [ci.low, ci.high]


@pytest.fixture(scope="module")
def raid_and_runs():
    """Eight threats on three assets; two batteries short of rounds (5 + 3 for 8 threats)."""
    n = 8
    batch = fly_kinematic(np.array([3.0, 2.9, 3.1, 3.0, 2.95, 3.05, 3.0, 2.9]), 40.0, 150.0, 39.0, 125.7,
                          sample_dt_s=1.0)
    lat, lon = float(batch.impact_lat_deg[0]), float(batch.impact_lon_deg[0])
    bats = [make_battery("thaad", lat, lon, id="upper", pk=0.6, launchers=1, interceptors_per_launcher=5, layer=1),
            make_battery("pac3-mse", lat, lon, id="lower", pk=0.5, launchers=1, interceptors_per_launcher=3,
                         layer=2)]
    kw = dict(launch_time_s=np.arange(n) * 6.0, asset_index=[0, 1, 2, 0, 1, 2, 0, 1], asset_names=ASSETS,
              asset_values=VALUES, doctrine=Doctrine(mode="shoot-look-shoot"), runs=RUNS, seed=5, detect_s=100.0)
    res, per = simulate_raid_per_run(batch, bats, chunk_runs=37, **kw)
    whole = simulate_raid(batch, bats, chunk_runs=RUNS, **kw)
    return res, per, whole


def test_per_run_totals_and_sums_equal_the_brute_force_reduction(raid_and_runs):
    res, per, _ = raid_and_runs
    killed, shots = per["killed"], per["shots_at"]
    leaked = ~killed
    assert killed.shape == (RUNS, 8) and per["expended_by_battery"].shape == (RUNS, 2)
    np.testing.assert_array_equal(res.leakers, leaked.sum(axis=1))
    np.testing.assert_array_equal(res.expended, per["expended_by_battery"].sum(axis=1))
    np.testing.assert_array_equal(res.expended, shots.sum(axis=1))
    np.testing.assert_array_equal(res.threat_kills, killed.sum(axis=0))
    np.testing.assert_array_equal(res.threat_shots.total, shots.sum(axis=0))
    np.testing.assert_array_equal(res.threat_shots.total_sq, (shots ** 2).sum(axis=0))
    np.testing.assert_array_equal(res.battery_expended.total, per["expended_by_battery"].sum(axis=0))
    np.testing.assert_array_equal(res.battery_expended.total_sq, (per["expended_by_battery"] ** 2).sum(axis=0))
    np.testing.assert_array_equal(res.threat_leaked_short, per["leaked_short"].sum(axis=0))
    np.testing.assert_array_equal(res.threat_leaked_held, per["leaked_held"].sum(axis=0))
    index = np.array([0, 1, 2, 0, 1, 2, 0, 1])
    for a in range(len(ASSETS)):
        on_a = leaked[:, index == a].sum(axis=1)
        assert res.asset_leakers.total[a] == on_a.sum() and res.asset_leakers.total_sq[a] == (on_a ** 2).sum()
        assert res.asset_leakers.runs_positive[a] == (on_a > 0).sum()
    value = np.zeros(RUNS)
    for j in range(8):
        value += np.where(leaked[:, j], VALUES[index[j]], 0.0)
    np.testing.assert_allclose(res.value_lost, value, rtol=1e-15)
    # the case exercises what it claims: kills, leaks, rounds short and both batteries firing
    assert 0 < killed.mean() < 1 and res.threat_leaked_short.sum() > 0 and (res.battery_expended.total > 0).all()


def test_summary_figures_and_error_bars_equal_the_brute_force_ones(raid_and_runs):
    res, per, _ = raid_and_runs
    s = res.summary()
    killed, shots, by_b = per["killed"], per["shots_at"], per["expended_by_battery"]
    leaked = ~killed
    lk = leaked.sum(axis=1)
    assert s["p_no_leaker"] == pytest.approx((lk == 0).mean(), abs=1e-15)
    assert s["p_no_leaker_ci95"] == pytest.approx(_wilson((lk == 0).sum(), RUNS), abs=1e-6)
    assert s["expected_leakers_se"] == pytest.approx(_two_pass_se(lk), rel=1e-12)
    for m, b in enumerate(["upper", "lower"]):
        assert s["interceptors_expended_by_battery_mean"][b] == pytest.approx(by_b[:, m].mean(), rel=1e-15)
        assert s["interceptors_expended_by_battery_se"][b] == pytest.approx(_two_pass_se(by_b[:, m]), rel=1e-12)
    index = np.array([0, 1, 2, 0, 1, 2, 0, 1])
    for a, rec in enumerate(s["per_asset"]):
        on_a = leaked[:, index == a].sum(axis=1)
        assert rec["p_hit"] == pytest.approx((on_a > 0).mean(), abs=1e-15)
        assert rec["p_hit_ci95"] == pytest.approx(_wilson((on_a > 0).sum(), RUNS), abs=1e-6)
        assert rec["expected_leakers"] == pytest.approx(on_a.mean(), rel=1e-15)
        assert rec["expected_leakers_se"] == pytest.approx(_two_pass_se(on_a), rel=1e-12)
    for j, rec in enumerate(s["per_threat"]):
        assert rec["p_kill"] == pytest.approx(killed[:, j].mean(), abs=1e-15)
        assert rec["p_kill_ci95"] == pytest.approx(_wilson(killed[:, j].sum(), RUNS), abs=1e-6)
        assert rec["mean_shots"] == pytest.approx(shots[:, j].mean(), rel=1e-15)
        assert rec["mean_shots_se"] == pytest.approx(_two_pass_se(shots[:, j]), rel=1e-12, abs=1e-15)
        assert rec["p_leak_short_of_rounds"] == pytest.approx(per["leaked_short"][:, j].mean(), abs=1e-15)
        assert rec["p_leak_held_for_priority"] == pytest.approx(per["leaked_held"][:, j].mean(), abs=1e-15)


def test_sums_do_not_depend_on_the_chunking(raid_and_runs):
    res, _, whole = raid_and_runs
    for name in ("leakers", "expended", "value_lost", "threat_kills", "threat_leaked_short", "threat_leaked_held"):
        np.testing.assert_array_equal(getattr(res, name), getattr(whole, name))
    for name in ("threat_shots", "battery_expended", "asset_leakers"):
        a, b = getattr(res, name), getattr(whole, name)
        for part in ("total", "total_sq", "runs_positive"):
            np.testing.assert_array_equal(getattr(a, part), getattr(b, part))
    assert res.summary() == whole.summary()


def test_the_result_holds_nothing_of_size_runs_x_threats(raid_and_runs):
    """What the result keeps: arrays of R (per-run totals) or of N, M, A (sums), never R x N."""
    res, _, _ = raid_and_runs
    for name, value in vars(res).items():
        arrays = [value] if isinstance(value, np.ndarray) else (
            [value.total, value.total_sq, value.runs_positive] if hasattr(value, "total_sq") else [])
        for a in arrays:
            assert a.ndim <= 1 or name in ("denied_leaks", "shots_by_pair", "first_slot_s"), name
            assert a.size <= max(RUNS, 8 * 2), (name, a.shape)


def test_standard_error_from_sums_is_exact_where_one_pass_float_cancels():
    rng = np.random.default_rng(0)
    # 100 samples 1e8 + {0, 1}: S2 ~ 1e18 fits int64, but in float64 S2 - S1²/R loses every digit
    x = 100_000_000 + rng.integers(0, 2, size=(100, 3))
    s1, s2 = x.sum(axis=0), (x * x).sum(axis=0)
    reference = _two_pass_se(x)
    one_pass = np.sqrt(np.abs(s2.astype(float) - s1.astype(float) ** 2 / 100) / 99 / 100)
    assert not np.allclose(one_pass, reference, rtol=1e-3)      # the failure the exact sums avoid
    np.testing.assert_allclose(standard_error_from_sums(s1, s2, 100), reference, rtol=1e-12)
    # counts of the sizes a raid sums (up to 20,000 threats) against numpy on the samples
    y = rng.integers(0, 20_000, size=(5000, 4))
    np.testing.assert_allclose(standard_error_from_sums(y.sum(axis=0), (y ** 2).sum(axis=0), 5000),
                               _two_pass_se(y), rtol=1e-12)
    assert standard_error_from_sums(np.array([3]), np.array([9]), 1)[0] == 0.0
