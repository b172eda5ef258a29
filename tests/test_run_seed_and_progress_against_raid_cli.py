"""`thaadsim run --seed` against `thaadsim raid --seed` on the same file (one Monte Carlo, two
commands: the same seed must give the same figures), and the Monte Carlo's progress reports
against its chunking (one report per chunk of ``chunk_runs``, ending at the run count)."""

import json

import numpy as np
import pytest

from thaadsim.cli import main
from thaadsim.defense.battery import make_battery
from thaadsim.defense.raid import simulate_raid
from thaadsim.flight import fly_kinematic


def test_progress_is_reported_once_per_chunk_and_changes_nothing():
    one = fly_kinematic(3.0, 40.0, 150.0, 39.0, 125.7, sample_dt_s=1.0)
    bat = make_battery("thaad", float(one.impact_lat_deg[0]), float(one.impact_lon_deg[0]), pk=0.6)
    seen = []
    a = simulate_raid(one, [bat], runs=350, seed=4, chunk_runs=100, detect_s=100.0,
                      progress=lambda done, total: seen.append((done, total)))
    b = simulate_raid(one, [bat], runs=350, seed=4, chunk_runs=350, detect_s=100.0)
    assert seen == [(100, 350), (200, 350), (300, 350), (350, 350)]
    assert np.array_equal(a.leakers, b.leakers) and np.array_equal(a.threat_kills, b.threat_kills)
    assert a.summary() == b.summary()


def test_run_seed_overrides_the_file_and_matches_raid(tmp_path, capsys):
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as e:
        main(["run", "examples/raid_seongju.toml", "--out", str(out), "--runs", "300", "--seed", "11", "-q"])
    assert e.value.code == 0, capsys.readouterr().err
    s = json.loads((out / "summary.json").read_text())
    assert s["scenario"]["seed"] == 11 and s["raid"]["seed"] == 11
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["raid", "examples/raid_seongju.toml", "--runs", "300", "--seed", "11", "--json"])
    r = json.loads(capsys.readouterr().out)
    for k in ("p_no_leaker", "p_no_leaker_ci95", "expected_leakers", "expected_leakers_se"):
        assert s["raid"][k] == pytest.approx(r[k]), k


@pytest.mark.parametrize("args,field", [(["--seed", "-1"], "--seed"), (["--runs", "0"], "--runs"),
                                        (["--runs", "1000000000000"], "--runs")])
def test_run_seed_and_runs_out_of_range_are_one_line(tmp_path, capsys, args, field):
    out = tmp_path / "o"
    with pytest.raises(SystemExit) as e:
        main(["run", "examples/raid_seongju.toml", "--out", str(out), *args])
    assert e.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {field}")
    assert not out.exists()
