"""The strategic table does not depend on how it is cut up: one chunk, one pair per chunk, or two
spawned worker processes (thaadsim.executors) give the same table, value for value. The
authority is the contract of the executors module (each chunk carries everything it needs) and of
the flight engine (each trajectory is integrated on its own)."""

import numpy as np
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


# --- many aimpoints from one launch area: targeting seeds them from solved neighbours --------------
# fly_targeted solves >= SEEDED_MIN_ROWS (24) aimpoints from one launch point with one missile from
# interpolated neighbours, so a row's solution depends (by up to the 50 m targeting tolerance) on the
# other rows of its call. A table that targeted per chunk would then depend on the chunk size; the
# table targets every pair of a missile in one call and chunks only fly the solved parameters.
# 30 grid targets over the continental US from Jilin: 28 go to the DF-31A (a seeded group), the two
# south-eastern ones to the DF-41; Miami is beyond every PRC ICBM with the 5 % margin (a note row).
GRID = [Place(f"T{a}{o}", float(a), float(o)) for a in (32, 36, 40, 44, 47) for o in (-122, -115, -108, -101, -94, -87)]
GRID.append(Place("Miami", 25.76, -80.19))
GRID.append(Place("T40-108 again", 40.0, -108.0))    # the same flight twice: targeted once, same row
JILIN = [Place("Jilin", 43.9, 125.3, "PRC")]


def _same_bit_for_bit(a, b):
    assert list(a.columns) == list(b.columns) and len(a) == len(b)
    for c in a.columns:
        np.testing.assert_array_equal(a[c].to_numpy(), b[c].to_numpy(), err_msg=c)


@pytest.fixture(scope="module")
def grid_big_chunks():
    return strategic_table(SITE, JILIN, GRID, chunk_pairs=1000)


def test_seeded_group_really_is_seeded(grid_big_chunks):
    from thaadsim.flight.targeting import SEEDED_MIN_ROWS

    t = grid_big_chunks
    assert (t["missile"] == "df-31a").sum() >= SEEDED_MIN_ROWS   # the case this file is about
    assert (t["missile"] == "df-41").sum() >= 1                   # and the fallback to a longer range
    assert t.loc[t["target_name"] == "Miami", "note"].str.contains("no catalog missile").all()


def test_seeded_table_same_for_chunks_of_7_and_1000(grid_big_chunks):
    _same_bit_for_bit(grid_big_chunks, strategic_table(SITE, JILIN, GRID, chunk_pairs=7))


def test_seeded_table_same_for_one_and_two_workers(grid_big_chunks):
    _same_bit_for_bit(grid_big_chunks, strategic_table(SITE, JILIN, GRID, chunk_pairs=7, workers=2))


def test_the_same_flight_twice_is_the_same_row(grid_big_chunks):
    t = grid_big_chunks.set_index("target_name")
    a, b = t.loc["T40-108"], t.loc["T40-108 again"]
    for c in t.columns[4:]:
        assert (a[c] == b[c]) or (a[c] != a[c] and b[c] != b[c]), c
