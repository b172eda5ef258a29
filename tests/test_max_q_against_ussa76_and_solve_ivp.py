"""Peak ascent dynamic pressure (``max_q_kpa``) against independent computations.

Authorities:

* the definition q = rho |v_rel|^2 / 2 evaluated with the public USSA-76 density function
  (the closed-form standard [ref:ussa-1976], not the kernel's lookup table) at the sampled states of
  the boost, every 0.1 s: the kernel's peak must match the sampled peak;
* a separate integration of the same ascent by ``scipy.integrate.solve_ivp`` (DOP853, PROJ for the
  geodetic height; ``thaadsim.flight.reference``), its q taken from the dense output every 0.02 s.

Both comparisons are checks in :mod:`thaadsim.validation.atmosphere` (the rows ``thaadsim validate``
prints, 0.3 %); the zero-q cases and the CLI field stay here.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from _validation import assert_rows_pass, params
from thaadsim.flight import fly_kinematic, fly_powered, load_missile
from thaadsim.validation import atmosphere as va


@pytest.mark.parametrize("check", params(va.peak_q_against_ussa76_at_the_sampled_boost))
def test_peak_q_matches_ussa76_at_the_sampled_boost(check):
    assert_rows_pass(check)


@pytest.mark.parametrize("check", params(va.peak_q_against_a_solve_ivp_ascent))
def test_peak_q_matches_a_separate_solve_ivp_ascent(check):
    assert_rows_pass(check)


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
