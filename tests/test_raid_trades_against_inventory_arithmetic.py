"""Where a shared inventory or the priority rule trades one threat against another, the result says
so per threat (issue 11, item 1) — checked against inventory arithmetic.

One battery with one round (Pk = 1) against two threats in range of it can kill exactly one of them
in every run. Which one is the doctrine's choice: by time to impact it fires at the first threat and
has no round left for the second ("short of rounds", traded for the first); by asset value it keeps
its round for the valuable second threat and lets the first pass ("held for priority", traded for
the second). With two rounds nothing is traded and no note is written. The CLI's JSON carries the
same per-threat fields for a scenario file.
"""

import json
from pathlib import Path

import numpy as np
import pytest

from thaadsim.defense.battery import make_battery
from thaadsim.defense.raid import Doctrine, simulate_raid
from thaadsim.flight import fly_kinematic

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
pytestmark = pytest.mark.usefixtures("private_cache")


@pytest.fixture(scope="module")
def two():
    return fly_kinematic(np.full(2, 3.0), 40.0, 150.0, 39.0, 125.7, sample_dt_s=1.0)


def _raid(two, rounds, priority):
    bat = make_battery("thaad", float(two.impact_lat_deg[0]), float(two.impact_lon_deg[0]), pk=1.0,
                       launchers=1, interceptors_per_launcher=rounds)
    return simulate_raid(two, [bat], launch_time_s=[0.0, 60.0], asset_index=[0, 1], asset_names=["low", "high"],
                         asset_values=[1.0, 5.0], runs=200, seed=3, detect_s=100.0,
                         doctrine=Doctrine(priority=priority)).summary()["per_threat"]


def test_one_round_by_time_to_impact_spends_it_on_the_first_threat(two):
    first, second = _raid(two, 1, "time-to-impact")
    assert first["p_kill"] == 1.0 and second["p_kill"] == 0.0
    assert second["p_leak_short_of_rounds"] == 1.0 and second["p_leak_held_for_priority"] == 0.0
    assert second["traded_for"] == ["threat0"]
    assert "no round left" in second["note"] and "threat0" in second["note"]
    assert first["traded_for"] == [] and first["note"] == ""


def test_one_round_by_asset_value_keeps_it_for_the_valuable_threat(two):
    first, second = _raid(two, 1, "asset-value")
    assert first["p_kill"] == 0.0 and second["p_kill"] == 1.0
    assert first["p_leak_held_for_priority"] == 1.0 and first["p_leak_short_of_rounds"] == 0.0
    assert first["traded_for"] == ["threat1"]
    assert "higher-priority" in first["note"] and "threat1" in first["note"]
    assert second["note"] == ""


@pytest.mark.parametrize("priority", ["time-to-impact", "asset-value"])
def test_enough_rounds_trade_nothing(two, priority):
    for t in _raid(two, 2, priority):
        assert t["p_kill"] == 1.0
        assert t["p_leak_short_of_rounds"] == t["p_leak_held_for_priority"] == 0.0
        assert t["traded_for"] == [] and t["note"] == ""


def test_cli_json_names_the_threats_a_small_inventory_traded(tmp_path, capsys):
    """raid_seongju.toml with THAAD cut to 2 rounds: at most 2 kills per run (arithmetic), and every
    engageable threat that leaks for want of a round says so and names what the rounds went to."""
    from thaadsim.cli import main

    text = (EXAMPLES / "raid_seongju.toml").read_text().replace("launchers = 6 ", "launchers = 1 ")
    text = text.replace("interceptors_per_launcher = 8", "interceptors_per_launcher = 2")
    p = tmp_path / "small.toml"
    p.write_text(text)
    with pytest.raises(SystemExit) as exc:
        main(["raid", str(p), "--runs", "2000", "--seed", "2", "--json"])
    out = capsys.readouterr()
    assert exc.value.code == 0, out.err
    s = json.loads(out.out)
    assert s["interceptors_expended_p95"] <= 2
    assert sum(t["p_kill"] for t in s["per_threat"]) <= 2.0
    labels = {t["threat"] for t in s["per_threat"]}
    traded = [t for t in s["per_threat"] if t["note"]]
    assert traded, "2 rounds for 6 engageable threats must trade some of them"
    for t in s["per_threat"]:
        assert set(t["traded_for"]) <= labels - {t["threat"]}
        engageable = any(t["engageable_by"].values())
        if not engageable:
            assert t["note"] == ""      # nothing to trade: no battery could shoot at it
        p_traded = t["p_leak_short_of_rounds"] + t["p_leak_held_for_priority"]
        assert p_traded <= 2 * (1 - t["p_kill"]) + 1e-12
        assert (p_traded > 0) == bool(t["note"]) == bool(t["traded_for"])
