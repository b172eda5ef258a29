"""The strategic table does not depend on how it is cut up: one chunk, one pair per chunk, or two
spawned worker processes (thaadsim.sweep.executors) give the same table, value for value. The
authority is the contract of the executors module (each chunk carries everything it needs) and of
the flight engine (each trajectory is integrated on its own)."""

import pandas as pd
import pytest

from thaadsim.analysis.strategic import Place, strategic_table

SITE = (35.95, 128.18, 680.0)
LAUNCH = [Place("Jilin", 43.9, 125.3, "PRC"), Place("Khabarovsk", 48.5, 135.1, "Russia")]
TARGETS = [Place("Seattle", 47.61, -122.33), Place("Honolulu", 21.31, -157.86)]


@pytest.fixture(scope="module")
def one_chunk():
    return strategic_table(SITE, LAUNCH, TARGETS)


def test_one_pair_per_chunk_is_the_same(one_chunk):
    pd.testing.assert_frame_equal(one_chunk, strategic_table(SITE, LAUNCH, TARGETS, chunk_pairs=1))


def test_two_worker_processes_are_the_same(one_chunk):
    pd.testing.assert_frame_equal(one_chunk, strategic_table(SITE, LAUNCH, TARGETS, chunk_pairs=2, workers=2))
