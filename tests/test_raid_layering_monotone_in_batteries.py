"""A layered defense never does worse than its parts (issue 11, item 1).

The authority is the law of a coupled Monte Carlo: every (battery, threat) pair draws from its own
random stream, so the same seed gives each battery the same kill draws for its s-th shot at a threat
whatever other batteries are present. With the battle manager's rule (wait for another battery's
look only when that costs no shot), a battery fires at a surviving threat every shot it would fire
alone, so

* adding a battery or layer (any Pk >= 0, its own inventory) can only add kills: run by run, a
  threat killed without it is killed with it, unless a shared inventory or the priority rule traded
  that threat (then the result says so per threat); and P(kill) cannot fall, nor expected leakers
  rise, beyond 4 Monte Carlo standard errors;
* a layer with Pk = 0 changes nothing at all (the same kills, the same rounds of every other battery).

Checked on the shipped examples (raid_seongju.toml is raid_layers.toml's THAAD alone) and on
layouts that hypothesis generates (a few threats, two to four batteries, small inventories).
Before this rule, the SM-3 ship of raid_layers.toml lowered the Nodongs' P(kill) from 0.99 to 0.94
(0.80 with the ship at Pk = 0), which these tests catch.
"""

import dataclasses
import os
import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thaadsim.defense.battery import make_battery
from thaadsim.defense.raid import Doctrine
from thaadsim.flight import fly_kinematic

from _raid_per_run import PerRun, simulate_raid_per_run

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module", autouse=True)
def _module_cache(tmp_path_factory):
    """One fresh cache for the module: reach tables are built once, not read from a developer's run."""
    mp = pytest.MonkeyPatch()
    mp.setenv("THAADSIM_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    yield
    mp.undo()


def _se(p, runs):
    return np.sqrt(np.maximum(p * (1 - p), 1.0 / runs) / runs)


def _assert_not_hurt(sub, sup, runs):
    """``sup`` has every battery of ``sub`` and one more (each a (result, per-run arrays) pair): no
    threat loses P(kill), leakers do not rise (4 standard errors of the difference), and run by run
    every kill of ``sub`` is a kill of ``sup`` for each threat that ``sup`` did not trade against
    another."""
    (sub, sub_runs), (sup, sup_runs) = sub, sup
    p_sub, p_sup = sub.p_kill, sup.p_kill
    se = np.hypot(_se(p_sub, runs), _se(p_sup, runs))
    assert np.all(p_sup >= p_sub - 4 * se), (p_sub, p_sup)
    d_leak = sup.leakers.astype(float) - sub.leakers
    assert d_leak.mean() <= 4 * max(d_leak.std(), 1.0) / np.sqrt(runs)
    untraded = ~(sup_runs["leaked_short"] | sup_runs["leaked_held"])
    lost = sub_runs["killed"] & ~sup_runs["killed"] & untraded
    assert not lost.any(), f"{lost.sum()} kills lost without a trade, threats {np.nonzero(lost.any(axis=0))[0]}"


# ---------------------------------------------------------------------------------------------
# the shipped examples

@pytest.fixture(scope="module")
def layers():
    """raid_layers.toml flown, sensed once; its batteries and plan."""
    from thaadsim.analysis.detections import run_detections
    from thaadsim.analysis.pipeline import fly_threats, threat_rcs_m2
    from thaadsim.io.scenario_outputs import load_run_scenario

    plan = load_run_scenario(str(EXAMPLES / "raid_layers.toml")).to_plan()
    batch = fly_threats(plan)
    rcs = threat_rcs_m2(plan, batch)
    det = run_detections(batch, plan.radars, rcs_m2=rcs)
    return plan, batch, det, rcs


def _raid(layers, batteries, runs=2000, seed=1):
    from thaadsim.analysis.pipeline import engage

    from thaadsim.analysis.pipeline import raid_result

    plan, batch, det, rcs = layers
    plan = dataclasses.replace(plan, trials=runs, seed=seed)
    sink = PerRun()
    res = raid_result(batch, batteries, engage(batch, batteries, det, rcs), plan, on_chunk=sink)
    return res, sink.arrays


def test_seongju_example_is_the_layers_example_with_thaad_alone(layers):
    from thaadsim.io.scenario_outputs import load_run_scenario

    one = load_run_scenario(str(EXAMPLES / "raid_seongju.toml")).to_plan()
    plan = layers[0]
    assert [b for b in plan.batteries if b.id == "thaad-seongju"] == list(one.batteries)
    assert [t.id for t in one.threats] == [t.id for t in plan.threats]


def test_every_added_layer_of_the_layers_example_never_lowers_p_kill(layers):
    plan = layers[0]
    bats = list(plan.batteries)
    runs = 2000
    results = {}
    for r in range(1, len(bats) + 1):
        for sub in itertools.combinations(range(len(bats)), r):
            results[sub] = _raid(layers, [bats[i] for i in sub], runs)
    nodong = [i for i, t in enumerate(plan.threats) if "nodong" in t.id]
    for sub, res in results.items():
        for extra in set(range(len(bats))) - set(sub):
            sup = tuple(sorted(sub + (extra,)))
            _assert_not_hurt(res, results[sup], runs)
    # the figure: THAAD alone gives the Nodongs on Daegu 3 shots (0.992); all layers no less
    thaad = [i for i, b in enumerate(bats) if b.id == "thaad-seongju"][0]
    p_alone = results[(thaad,)][0].p_kill[nodong]
    p_all = results[tuple(range(len(bats)))][0].p_kill[nodong]
    assert np.all(p_all >= p_alone)
    assert np.all(p_alone >= 1 - 0.2 ** 3 - 4 * _se(1 - 0.2 ** 3, runs))


def test_a_layer_with_pk_zero_changes_nothing_in_the_layers_example(layers):
    plan = layers[0]
    bats = list(plan.batteries)
    ship = [i for i, b in enumerate(bats) if b.id == "sm3-ship"][0]
    without = [b for i, b in enumerate(bats) if i != ship]
    dud = [dataclasses.replace(b, pk=0.0) if i == ship else b for i, b in enumerate(bats)]
    (a, pa), (b, pb) = _raid(layers, without, runs=3000, seed=4), _raid(layers, dud, runs=3000, seed=4)
    np.testing.assert_array_equal(pa["killed"], pb["killed"])
    np.testing.assert_array_equal(a.leakers, b.leakers)
    others = [i for i in range(len(bats)) if i != ship]
    np.testing.assert_array_equal(pa["expended_by_battery"], pb["expended_by_battery"][:, others])
    assert b.battery_expended.total[ship] > 0          # the dud did fire


# ---------------------------------------------------------------------------------------------
# generated layouts

@pytest.fixture(scope="module")
def raid4():
    """Four short-range threats on one line (2.8-3.2 km/s burnout at 40 deg), impacts ~800-1,000 km
    downrange, so batteries near the first impact point see different windows for each."""
    return fly_kinematic(np.array([3.0, 2.8, 3.2, 3.0]), 40.0, 150.0, 39.0, 125.7, sample_dt_s=1.0)


battery_st = st.fixed_dictionaries({
    "interceptor": st.sampled_from(["thaad", "pac3-mse"]),
    "dlat": st.floats(-0.6, 0.6), "dlon": st.floats(-0.6, 0.6),
    "pk": st.sampled_from([0.0, 0.3, 0.7, 1.0]),
    "launchers": st.integers(1, 3), "per_launcher": st.integers(1, 3),
    "layer": st.integers(0, 2), "look_s": st.sampled_from([5.0, 10.0, 30.0]),
})


def _battery(raid, i, d):
    from thaadsim.defense.battery import FireControl

    return make_battery(d["interceptor"], float(raid.impact_lat_deg[0]) + d["dlat"],
                        float(raid.impact_lon_deg[0]) + d["dlon"], id=f"b{i}", pk=d["pk"],
                        launchers=d["launchers"], interceptors_per_launcher=d["per_launcher"], layer=d["layer"],
                        fire_control=FireControl(kill_assessment_s=d["look_s"]))


@settings(max_examples=int(os.environ.get("THAADSIM_HYPOTHESIS_EXAMPLES", 100)), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bats=st.lists(battery_st, min_size=2, max_size=4),
       gaps=st.lists(st.sampled_from([0.0, 5.0, 20.0, 60.0]), min_size=3, max_size=3),
       mode=st.sampled_from(["shoot-look-shoot", "shoot-shoot-look"]),
       priority=st.sampled_from(["time-to-impact", "asset-value"]), seed=st.integers(0, 2 ** 16))
def test_adding_a_battery_to_a_generated_layout_never_lowers_p_kill(raid4, bats, gaps, mode, priority, seed):
    runs = 600
    batteries = [_battery(raid4, i, d) for i, d in enumerate(bats)]
    launch = np.concatenate([[0.0], np.cumsum(gaps)])
    kw = dict(launch_time_s=launch, asset_index=[0, 1, 0, 1], asset_names=["a", "b"], asset_values=[1.0, 3.0],
              doctrine=Doctrine(mode=mode, priority=priority), runs=runs, seed=seed, detect_s=100.0)
    sub = simulate_raid_per_run(raid4, batteries[:-1], **kw)
    sup = simulate_raid_per_run(raid4, batteries, **kw)
    _assert_not_hurt(sub, sup, runs)
    if batteries[-1].single_shot_pk == 0.0:
        np.testing.assert_array_equal(sub[1]["killed"], sup[1]["killed"])


def test_layered_raid_same_answer_whatever_the_chunking_or_the_battery_order(raid4):
    """Streams per (battery id, threat), rows in run order: the chunk size and the order in which the
    batteries are listed change nothing (same seed)."""
    d = dict(dlat=0.0, dlon=0.0, launchers=1, per_launcher=3, look_s=10.0)
    bats = [_battery(raid4, 0, {**d, "interceptor": "thaad", "pk": 0.6, "layer": 0}),
            _battery(raid4, 1, {**d, "interceptor": "thaad", "pk": 0.5, "layer": 1, "dlat": 0.3}),
            _battery(raid4, 2, {**d, "interceptor": "pac3-mse", "pk": 0.7, "layer": 2})]
    kw = dict(launch_time_s=[0.0, 5.0, 20.0, 30.0], runs=700, seed=9, detect_s=100.0)
    a, pa = simulate_raid_per_run(raid4, bats, chunk_runs=700, **kw)
    b, pb = simulate_raid_per_run(raid4, bats, chunk_runs=37, **kw)
    c, pc = simulate_raid_per_run(raid4, bats[::-1], chunk_runs=700, **kw)
    np.testing.assert_array_equal(pa["killed"], pb["killed"])
    np.testing.assert_array_equal(pa["expended_by_battery"], pb["expended_by_battery"])
    assert a.summary() == b.summary()
    np.testing.assert_array_equal(pa["killed"], pc["killed"])
    np.testing.assert_array_equal(pa["expended_by_battery"], pc["expended_by_battery"][:, ::-1])
    np.testing.assert_array_equal(a.battery_expended.total_sq, c.battery_expended.total_sq[::-1])
    assert a.p_kill.mean() > 0.5 and (a.battery_expended.total > 0).all()
