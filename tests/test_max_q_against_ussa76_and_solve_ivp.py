"""Peak ascent dynamic pressure (``max_q_kpa``) against independent computations.

Authorities:

* the definition q = rho |v_rel|^2 / 2 evaluated with the public USSA-76 density function
  (the closed-form standard [ref:ussa-1976], not the kernel's lookup table) at the sampled states of
  the boost, every 0.1 s: the kernel's peak must match the sampled peak;
* a separate integration of the same ascent by ``scipy.integrate.solve_ivp`` (DOP853, PROJ for the
  geodetic height; ``thaadsim.flight.reference``), its q taken from the dense output every 0.02 s.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from thaadsim.earth.atmosphere import density_kgm3
from thaadsim.earth.constants import earth_model
from thaadsim.flight import fly_kinematic, fly_powered, load_missile
from thaadsim.flight.reference import fly_one_reference
from thaadsim.flight.trajectory import PHASE_BOOST

CASES = [
    # (missile, lat, lon, azimuth deg, kick deg): a steep and a flat ascent, two stage counts
    ("hwasong-15", 39.0, 125.7, 45.0, 20.0),
    ("hwasong-15", 39.0, 125.7, 270.0, 60.0),
    ("df-41", 36.5, 101.0, 0.0, 40.0),
    ("scud-b", 39.0, 125.7, 180.0, 40.0),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-kick{c[4]:g}" for c in CASES])
def test_peak_q_matches_ussa76_at_the_sampled_boost(case):
    mid, lat, lon, az, kick = case
    m = load_missile(mid)
    b = fly_powered([m], [0], lat, lon, az, kick, sample_dt_s=0.1)
    n = int(b.n_samples[0])
    boost = b.phase[0, :n] == PHASE_BOOST
    rho = density_kgm3(b.alt_m[0, :n][boost])
    q_sampled = 0.5 * rho * b.speed_ms[0, :n][boost] ** 2
    assert q_sampled.max() > 10e3                      # the case reaches a meaningful q
    # the kernel looks between its steps too: never below the sampled peak, and not above it by
    # more than the sampling (0.1 s) and the lookup table (< 0.1 % in density) can explain
    assert b.max_q_kpa[0] * 1e3 == pytest.approx(q_sampled.max(), rel=3e-3)


@pytest.mark.parametrize("case", CASES[:3], ids=[f"{c[0]}-kick{c[4]:g}" for c in CASES[:3]])
def test_peak_q_matches_a_separate_solve_ivp_ascent(case):
    mid, lat, lon, az, kick = case
    m = load_missile(mid)
    b = fly_powered([m], [0], lat, lon, az, kick, sample_dt_s=None)
    *_, q_ref = fly_one_reference(m, lat, lon, az, kick, m.total_burn_time_s, earth_model("wgs84"),
                                  return_max_q=True)
    assert b.max_q_kpa[0] * 1e3 == pytest.approx(q_ref, rel=3e-3)


def test_a_coast_from_burnout_has_no_ascent_q_and_vacuum_has_none():
    k = fly_kinematic(6.0, 30.0, 90.0, 39.0, 125.7, 0.0, 5000.0, sample_dt_s=None)
    assert k.max_q_kpa[0] == 0.0
    m = load_missile("nodong")
    from thaadsim.flight.engine import FlightOptions

    v = fly_powered([m], [0], 39.0, 125.7, 90.0, 20.0, sample_dt_s=None, options=FlightOptions(atmosphere=False))
    assert v.max_q_kpa[0] == 0.0


def test_fly_json_reports_max_q_kpa():
    from thaadsim.cli.fly import fly

    res = CliRunner().invoke(fly, ["--missile", "nodong", "--from", "39.0,125.7", "--to", "37.5,127.0",
                                    "--json"])
    assert res.exit_code == 0, res.output
    rec = json.loads(res.output.splitlines()[0])
    # a 1,300 km missile climbing through the dense air: tens of kPa, far below reentry's MPa
    assert 10.0 < rec["max_q_kpa"] < 300.0
