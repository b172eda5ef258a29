"""A sweep's answer depends on the scenario, the vary spec and the seed only.

The contract (issue 9): the same seed gives the same answer whatever the number of workers, the
executor (this process, spawned local processes, a dask.distributed cluster) or the chunk size.
Each check compares two independently executed sweeps bit for bit; the spec mixes a field that
changes the flights (an aimpoint) with ones that do not (Pk, radar face), so both ways of cutting
work (a flight group shared by several chunks, and several flight groups packed in one chunk) run.
"""

import numpy as np
import pytest
import xarray as xr

from sweep_scenario import write_scenario
from thaadsim.sweep import sweep

VARY = ["batteries.0.pk=0.5,0.9", "assets.0.lat_deg=35.8,35.9", "radars.0.face_az_deg=320,340"]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    return write_scenario(tmp_path_factory.mktemp("sweep"))


@pytest.fixture(scope="module")
def serial(scenario):
    return sweep(scenario, VARY, workers=1, chunk_size=64, runs=200)


def test_chunk_size_does_not_change_the_answer(scenario, serial):
    # chunk_size 1: every case alone (flights shared across chunks); 4: one flight group per chunk
    for cs in (1, 4):
        xr.testing.assert_identical(sweep(scenario, VARY, workers=1, chunk_size=cs, runs=200), serial)


def test_two_local_workers_give_the_serial_answer(scenario, serial):
    xr.testing.assert_identical(sweep(scenario, VARY, workers=2, chunk_size=2, runs=200), serial)


def test_a_dask_local_cluster_gives_the_serial_answer(scenario, serial):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None,
                                  processes=True) as cluster:
        got = sweep(scenario, VARY, scheduler=cluster.scheduler_address, chunk_size=3, runs=200)
    xr.testing.assert_identical(got, serial)


def test_independent_streams_are_per_case_and_differ_from_common(scenario, serial):
    a = sweep(scenario, VARY, workers=1, chunk_size=64, runs=200, streams="independent")
    b = sweep(scenario, VARY, workers=1, chunk_size=1, runs=200, streams="independent")
    xr.testing.assert_identical(a, b)
    # the deterministic parts agree; the Monte Carlo parts are other draws of the same distribution
    np.testing.assert_array_equal(a.first_detection_s.values, serial.first_detection_s.values)
    np.testing.assert_array_equal(a.engageable.values, serial.engageable.values)
    assert not np.array_equal(a.p_kill.values, serial.p_kill.values)
    z = (a.p_kill - serial.p_kill) / np.hypot(a.p_kill_se, serial.p_kill_se).where(lambda s: s > 0)
    assert float(np.nanmax(np.abs(z))) < 5.0
