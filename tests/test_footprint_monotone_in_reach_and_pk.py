"""A property users rely on: a better interceptor never defends less.

Independent of the numbers: if the interceptor may intercept farther out (larger maximum ground
range, a superset of feasible intercept points) or kills more often per shot (higher Pk), then
no aimpoint's P(kill) may fall and the defended set may only grow. For the shot count this holds
for the greedy shoot-look-shoot schedule because its k-th shot can only come earlier when more
intercept points are feasible; for Pk because 1 - (1 - Pk)^n increases with Pk for every n >= 1.
Hypothesis draws the pairs of Pk values (a few examples: each flies a 6 x 6 grid twice, about a
second); the reach cases are 40 %, 70 % and 100 % of THAAD's catalog range.
"""

from dataclasses import replace

import numpy as np
from hypothesis import given, settings, strategies as st

from _footprint_cases import PYONGYANG_AREA, thaad_at_seongju
from thaadsim.analysis.footprint_map import footprint_map
from thaadsim.defense.interceptors import load_interceptor


def _map(itc=None, pk=None):
    bat, radars = thaad_at_seongju(pk=pk, interceptor=itc or "thaad")
    return footprint_map("nodong", *PYONGYANG_AREA, [bat], radars, grid_n=6, span_km=720.0)


def _never_less(small, big):
    assert np.all(big.p_kill >= small.p_kill - 1e-15)
    assert np.all(big.defended | ~small.defended)
    assert big.defended_area_km2 >= small.defended_area_km2 - 1e-6


@settings(max_examples=4, deadline=None)
@given(st.floats(0.05, 0.95), st.floats(0.05, 0.95))
def test_a_higher_pk_never_lowers_p_kill(a, b):
    lo, hi = sorted((a, b))
    _never_less(_map(pk=lo), _map(pk=hi))


def test_more_interceptor_reach_never_shrinks_the_footprint():
    itc = load_interceptor("thaad")
    short = replace(itc, max_range_km=0.4 * itc.max_range_km)
    mid = replace(itc, max_range_km=0.7 * itc.max_range_km)
    maps = [_map(itc=x) for x in (short, mid, itc)]
    _never_less(maps[0], maps[1])
    _never_less(maps[1], maps[2])
    # and the property is not vacuous here: the shortest reach really defends less
    assert maps[0].aimpoints_defended < maps[2].aimpoints_defended
