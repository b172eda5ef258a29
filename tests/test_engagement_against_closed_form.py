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

from types import SimpleNamespace

import numpy as np
import pytest
from scipy.optimize import brentq

from thaadsim.defense.battery import FireControl, make_battery
from thaadsim.defense.engagement import engagement_windows
from thaadsim.earth.frames import enu_basis, geodetic_to_ecef
from thaadsim.flight.engine import FlightOptions, fly_powered

LAT, LON = 36.0, 128.2
H = 300e3


pytestmark = pytest.mark.usefixtures("private_cache")


def _falling_threat(V, dt=0.05):
    t = np.arange(0.0, H / V + 1e-9, dt)
    alt = H - V * t
    n = t.size
    up = enu_basis(LAT, LON)[2]
    return SimpleNamespace(
        t_s=t[None], valid=np.ones((1, n), bool), alt_m=alt[None], lat_deg=np.full((1, n), LAT),
        lon_deg=np.full((1, n), LON), phase=np.full((1, n), 2, np.int8),
        r_ecef_m=geodetic_to_ecef(LAT, LON, alt)[None], v_ecef_ms=np.broadcast_to(-V * up, (1, n, 3)).copy(),
        speed_ms=np.full((1, n), V), launch_lat_deg=np.array([40.0]), launch_lon_deg=np.array([126.0]),
        flight_time_s=np.array([H / V]))


def _vertical_flight(itc):
    """Time and speed against altitude on the way up, for a vertical launch (kick 0) of ``itc``."""
    opts = FlightOptions(earth="sphere", rotation=False, atmosphere=True)
    b = fly_powered([itc.missile()], [0], 0.0, 0.0, 90.0, 0.0, options=opts, sample_dt_s=0.02)
    m = b.valid[0] & (b.t_s[0] <= b.apogee_s[0])
    return b.t_s[0][m], b.alt_m[0][m], b.speed_ms[0][m]


def _tau(itc, h):
    t, alt, _ = _vertical_flight(itc)
    return float(np.interp(h, alt, t))


def _speed_at(itc, h):
    _, alt, v = _vertical_flight(itc)
    return float(np.interp(h, alt, v))


@pytest.mark.parametrize("V,min_shots", [(3000.0, 1), (1000.0, 2)])
def test_falling_threat_window_matches_closed_form(V, min_shots):
    fc = FireControl()                        # 20 + 10 + 5 s from detection to launch
    bat = make_battery("thaad", LAT, LON, fire_control=fc)
    itc = bat.interceptor
    det = 0.0
    w = engagement_windows(_falling_threat(V), [bat], detect_s=det)
    p = w.pair(0, 0)

    t_of = lambda h: (H - h) / V               # noqa: E731
    launch = lambda h: t_of(h) - _tau(itc, h)  # noqa: E731
    g1 = lambda h: launch(h) - (det + fc.detect_to_launch_s)  # noqa: E731
    h1 = 150e3 if g1(150e3) >= 0 else brentq(g1, 40e3, 150e3)   # the band's top, or the first launchable
    assert p["engageable"]
    assert p["earliest_intercept_s"] == pytest.approx(t_of(h1), abs=1.0)
    assert p["earliest_intercept_alt_km"] == pytest.approx(h1 / 1e3, abs=3.0)
    assert p["latest_intercept_alt_km"] == pytest.approx(40.0, abs=0.2)
    assert p["latest_intercept_s"] == pytest.approx(t_of(40e3), abs=0.1)
    assert p["fly_out_time_s"] == pytest.approx(_tau(itc, h1), abs=1.0)
    # head-on: closing speed = threat speed + interceptor speed at the meeting point
    v_i = _speed_at(itc, h1)
    assert p["closing_speed_kms"] == pytest.approx((V + v_i) / 1e3, abs=0.05)

    # shoot-look-shoot: next launch no earlier than the previous intercept + look
    shots, t_prev = 1, t_of(h1)
    while True:
        g = lambda h: launch(h) - (t_prev + fc.kill_assessment_s)  # noqa: E731
        if g(40e3) < 0:
            break
        h_next = brentq(g, 40e3, 150e3) if g(150e3) < 0 else 150e3
        shots, t_prev = shots + 1, t_of(h_next)
    assert p["shots_possible"] == shots >= min_shots
