"""The footprint map is the same whatever runs its chunks: the reference is the serial computation.

Every array of the map (status, P(kill) per battery and for the defence, shots, launch and intercept
times) must be bit-identical for one in-process worker, two spawned local processes, a Dask
``LocalCluster`` reached through its scheduler address, and for other chunk sizes (the flights of
one aimpoint do not depend on the other aimpoints of its batch), including chunks in which some
aimpoints have no targeting solution and must be isolated.
"""

import numpy as np
import pytest

from _footprint_cases import PYONGYANG_AREA, thaad_at_seongju
from thaadsim.analysis.footprint_map import footprint_map

FIELDS = ("status", "p_kill", "p_kill_by_battery", "engageable_by_battery", "shots_by_battery",
          "earliest_launch_s", "earliest_intercept_s", "lat_deg", "lon_deg")


def _run(**kw):
    bat, radars = thaad_at_seongju()
    # a second, radar-less battery cued by the TPY-2: two batteries exercise the (B, N, N) arrays
    from thaadsim.defense.battery import make_battery

    pac = make_battery("pac3-mse", 35.5, 128.9, id="PAC3")
    return footprint_map("nodong", *PYONGYANG_AREA, [bat, pac], radars, grid_n=6, span_km=720.0, **kw)


@pytest.fixture(scope="module")
def serial():
    return _run(workers=1, chunk_aimpoints=10)


def _same(a, b):
    for f in FIELDS:
        np.testing.assert_array_equal(getattr(a, f), getattr(b, f), err_msg=f)
    assert a.defended_area_km2 == b.defended_area_km2


def test_serial_map_is_not_trivial(serial):
    assert 0 < serial.aimpoints_defended < serial.aimpoints
    assert serial.p_kill_by_battery.shape == (2, 6, 6)


@pytest.mark.parametrize("chunk", [1, 7, 1000])
def test_chunk_size_does_not_change_the_map(serial, chunk):
    _same(serial, _run(workers=1, chunk_aimpoints=chunk))


def test_two_local_processes_give_the_serial_map(serial):
    _same(serial, _run(workers=2, chunk_aimpoints=10))


def test_a_dask_local_cluster_gives_the_serial_map(serial):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster:
        _same(serial, _run(scheduler=cluster.scheduler_address, chunk_aimpoints=10))


def test_aimpoints_without_a_targeting_solution_do_not_disturb_their_chunk():
    """A 600 km apogee Nodong cannot reach the nearer aimpoints: those are marked NO_SOLUTION. Flying
    each aimpoint alone (chunks of one: nothing to isolate) is the reference for the chunk of all."""
    from thaadsim.analysis.footprint_map import FLOWN, NO_SOLUTION

    bat, radars = thaad_at_seongju()
    kw = dict(grid_n=5, span_km=900.0, shape="lofted", apogee_km=600.0, workers=1)
    alone = footprint_map("nodong", *PYONGYANG_AREA, [bat], radars, chunk_aimpoints=1, **kw)
    together = footprint_map("nodong", *PYONGYANG_AREA, [bat], radars, **kw)
    assert (alone.status == NO_SOLUTION).any() and (alone.status == FLOWN).any()
    _same(alone, together)
