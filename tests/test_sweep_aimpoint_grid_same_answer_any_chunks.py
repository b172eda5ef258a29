"""An aimpoint-grid sweep gives the same Dataset, bit for bit, whatever the chunk size or workers.

The authority is the project's determinism contract (the answer depends on the scenario, the vary
spec and the seed only), checked where targeting makes it hard: 36 aimpoints of one missile from
one launch point are at least ``SEEDED_MIN_ROWS`` rows of one targeting group, which
``fly_targeted`` solves from interpolated neighbours, so a row's solution depends (by up to the
50 m targeting tolerance) on which other rows share its call. Chunks of 5 cases and of 64 cases
(every case in one chunk), and one worker against two spawned ones, must still agree exactly:
the sweep targets every distinct flight once, in fixed blocks, before any chunk runs.
"""

import numpy as np
import pytest
import xarray as xr

from sweep_scenario import write_scenario
from thaadsim.flight.targeting import SEEDED_MIN_ROWS
from thaadsim.sweep import sweep

# a 6 x 6 aimpoint grid for the Scud-C (threats.1) around its file aimpoint (36.99 N, 127.11 E)
VARY = ["threats.1.aim_lat_deg=36.6:37.3:6", "threats.1.aim_lon_deg=126.8:127.5:6"]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    return write_scenario(tmp_path_factory.mktemp("grid"))


@pytest.fixture(scope="module")
def whole(scenario):
    return sweep(scenario, VARY, workers=1, chunk_size=64, runs=50)


def test_the_grid_is_large_enough_to_be_targeted_from_seeds():
    assert 36 >= SEEDED_MIN_ROWS


def test_chunks_of_five_give_the_one_chunk_answer(scenario, whole):
    got = sweep(scenario, VARY, workers=1, chunk_size=5, runs=50)
    for name in whole.data_vars:
        np.testing.assert_array_equal(got[name].values, whole[name].values, err_msg=name)
    xr.testing.assert_identical(got, whole)


def test_two_workers_give_the_one_worker_answer(scenario, whole):
    got = sweep(scenario, VARY, workers=2, chunk_size=5, runs=50)
    for name in whole.data_vars:
        np.testing.assert_array_equal(got[name].values, whole[name].values, err_msg=name)
    xr.testing.assert_identical(got, whole)
    got = sweep(scenario, VARY, workers=2, chunk_size=64, runs=50)
    xr.testing.assert_identical(got, whole)


def test_targeting_blocks_are_fixed_by_the_sweep_not_by_the_chunks(scenario, whole, monkeypatch):
    # blocks of 10 distinct flights (37 here: 4 blocks) may give other solutions than one block of all,
    # but the same ones for every chunk size: a block's rows are the sweep's canonical order
    import thaadsim.sweep.core as core

    monkeypatch.setattr(core, "TARGETING_BLOCK", 10)
    a, st = core.run_sweep(scenario, VARY, workers=1, chunk_size=5, runs=50)
    b = sweep(scenario, VARY, workers=1, chunk_size=64, runs=50)
    assert (st.targeting_blocks, st.flights_flown) == (4, 37)
    xr.testing.assert_identical(a, b)
    # several blocks run on the spawned workers (a single block runs in the calling process)
    xr.testing.assert_identical(sweep(scenario, VARY, workers=2, chunk_size=5, runs=50), b)
    # and the flights differ from the one-block answer only within the targeting tolerance
    assert float(np.abs(a.flight_time_s - whole.flight_time_s).max()) < 1.0
    assert float(np.abs(a.apogee_km / whole.apogee_km - 1).max()) < 0.01


def test_a_resumed_grid_gives_the_uninterrupted_answer(scenario, whole, tmp_path):
    # the rerun targets again only what its unfinished chunks need, in the same blocks
    class Stop(Exception):
        pass

    def stop_after_two_chunks(done, total):
        if done >= 10:
            raise Stop

    out = tmp_path / "grid"
    with pytest.raises(Stop):
        sweep(scenario, VARY, workers=1, chunk_size=5, runs=50, out=out, progress=stop_after_two_chunks)
    assert len(list((out / "chunks").glob("*.npz"))) == 2
    from thaadsim.sweep.core import run_sweep

    resumed, stats = run_sweep(scenario, VARY, workers=1, chunk_size=5, runs=50, out=out, plot=False)
    assert (stats.chunks_reused, stats.chunks_computed) == (2, 6)
    xr.testing.assert_identical(resumed, whole)


def test_every_case_was_computed(whole):
    # a grid where nothing was flown would pass the comparisons above trivially
    assert whole.first_detection_s.shape == (6, 6, 2)
    assert np.isfinite(whole.first_detection_s.values).all()
    assert np.isfinite(whole.p_no_leaker.values).all()


@pytest.mark.parametrize("far_lat", [34.6, 33.5])   # just beyond the Scud-C's ~500 km, and far beyond
def test_an_aimpoint_out_of_reach_is_one_line_naming_the_case(scenario, tmp_path, capsys, far_lat):
    # 30 aimpoints: one targeting group solved from seeds; the first latitude is out of reach
    # (39.15 N -> 34.6 N is ~517 km, 33.5 N ~628 km; the catalog Scud-C reaches ~500 km)
    from thaadsim.cli import main

    vary = [f"threats.1.aim_lat_deg={far_lat},36.6,36.8,37.0,37.2", "threats.1.aim_lon_deg=126.8:127.5:6"]
    with pytest.raises(SystemExit) as exc:
        main(["sweep", str(scenario), "--vary", vary[0], "--vary", vary[1], "--out", str(tmp_path / "o"),
              "--workers", "1", "--runs", "10", "-q"])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and err.count("\n") == 1 and err.startswith("error: "), err
    assert "threats.1" in err and "scud-c" in err, err
    assert f"[case 0: threats.1.aim_lat_deg={far_lat}, threats.1.aim_lon_deg=126.8]" in err, err
    assert not list((tmp_path / "o" / "chunks").glob("*.npz"))     # nothing was computed
