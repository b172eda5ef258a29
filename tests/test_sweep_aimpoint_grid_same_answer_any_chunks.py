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


def test_every_case_was_computed(whole):
    # a grid where nothing was flown would pass the comparisons above trivially
    assert whole.first_detection_s.shape == (6, 6, 2)
    assert np.isfinite(whole.first_detection_s.values).all()
    assert np.isfinite(whole.p_no_leaker.values).all()
