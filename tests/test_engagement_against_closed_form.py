"""Engagement window of a threat falling straight down on the battery, against a closed form.

A reentry vehicle falls vertically onto the battery at constant speed v from H (a synthetic
trajectory: plain arrays, no flight engine). An intercept at altitude h happens at t(h) = (H - h)/v
and needs a launch at t(h) - tau(h), where tau is the vertical fly-out time. tau(h) comes from ONE
vertical flight of the interceptor (``fly_powered``, kick 0: boost and coast, with gravity and drag),
whose own physics is checked against the rocket equation and two-body conics in
test_defense_reach_against_closed_form.py; what is checked here is the engagement logic and the
reach table's envelope on top of it. The earliest intercept solves t(h) - tau(h) = t_fc (brentq); shoot-look-shoot shots follow by
solving t - tau = t_prev + look repeatedly, down to the 40 km floor [ref:ecns-xinhua-thaad-2016].
"""

import pytest

from _validation import assert_rows_pass, params
from thaadsim.validation import interceptor as vi

pytestmark = pytest.mark.usefixtures("private_cache")

# The closed form, the synthetic falling threat and the vertical fly-out are in
# thaadsim.validation.interceptor (``thaadsim validate`` prints the same rows).


@pytest.mark.parametrize("check", params(vi.falling_threat_engagement_window))
def test_falling_threat_window_matches_closed_form(check):
    rows = assert_rows_pass(check)
    shots = next(r for r in rows if r.name.endswith("shots"))
    assert shots.value >= (1 if check.kwargs["v_ms"] > 2000 else 2)    # a slow fall leaves room for a second shot
