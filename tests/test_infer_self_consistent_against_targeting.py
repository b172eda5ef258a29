"""The lofted-test inference and the fixed ``loft`` reach, against independent computations.

Authorities:

* targeting (``fly_targeted`` with ``shape="lofted"`` and an apogee; ``max_range_km`` from its
  shape table): a separate solver with its own grids and iterations. The fitted rocket, flown
  lofted by it to the observed range and apogee, must take the observed time; its non-rotating
  maximum range must be the inference's ``met_range_km``.
* pyproj's geodesic (``Geod``, GeographicLib, independent of thaadsim's geodesy): a reach "along
  the real target line" must put the impact on the target's bearing, at the reported distance.
* the catalog Hwasong-15 (``fly_targeted`` min-energy): the headline of issue 10 -- the 2017
  Hwasong-15 test and the catalog missile must agree that Washington is in reach.
* the CLI as a user drives it: mistakes are one line on stderr and exit status 2, before any flight.

The comparisons with targeting, pyproj and the catalog are the checks in
:mod:`thaadsim.validation.lofted_tests` (the rows ``thaadsim validate`` prints, same tolerances); the CLI
tests stay here.
"""

import json
import os
import subprocess
import sys

import pytest

from _validation import assert_rows_pass, params
from thaadsim.validation import lofted_tests as vl


@pytest.fixture(autouse=True)
def _no_disk_cache(monkeypatch):
    """Shape tables of fitted rockets would otherwise land in the user's cache folder."""
    monkeypatch.setenv("THAADSIM_CACHE_DIR", "off")


@pytest.mark.parametrize("check", params(vl.infer_fitted_rocket_flown_lofted_by_targeting))
def test_targeting_flies_the_fitted_rocket_lofted_in_the_observed_time(check):
    assert_rows_pass(check)


@pytest.mark.parametrize("check", params(vl.infer_met_range_against_the_shape_table_maximum))
def test_met_range_matches_the_shape_table_maximum_on_a_non_rotating_earth(check):
    assert_rows_pass(check)


@pytest.mark.parametrize("check", params(vl.infer_reach_along_the_target_line))
def test_reach_along_the_target_line_lands_on_the_target_bearing(check):
    assert_rows_pass(check)


@pytest.mark.parametrize("check", params(vl.loft_reach_along_the_real_target_line))
def test_loft_reach_is_measured_along_the_real_target_line(check):
    """Issue 10 Why 1: about +565 km along the real line toward Los Angeles (not +731 km)."""
    assert_rows_pass(check)


@pytest.mark.parametrize("check", params(vl.infer_and_catalog_agree_washington_is_in_reach))
def test_hwasong15_test_and_catalog_missile_agree_washington_is_in_reach(check):
    """Issue 10 Why 2: the inference and `thaadsim fly --missile hwasong-15` must not contradict."""
    assert_rows_pass(check)


def _cli(*args):
    env = dict(os.environ, THAADSIM_CACHE_DIR="off", NUMBA_NUM_THREADS="1")
    return subprocess.run([sys.executable, "-m", "thaadsim", "infer", *args], capture_output=True, text=True,
                          env=env, timeout=300)


@pytest.mark.parametrize("args, field", [
    (["--apogee-km", "0", "--range-km", "950", "--flight-time-min", "53"], "--apogee-km"),
    (["--apogee-km", "nan", "--range-km", "950", "--flight-time-min", "53"], "--apogee-km"),
    (["--apogee-km", "4475", "--range-km", "950", "--flight-time-min", "20"], "--flight-time-min"),
    (["--apogee-km", "4475", "--range-km", "950", "--flight-time-min", "120"], "--flight-time-min"),
    (["--apogee-km", "4475", "--range-km", "950", "--flight-time-min", "53", "--stages", "3"], "--stages"),
    (["--apogee-km", "4475", "--range-km", "950", "--flight-time-min", "53", "--payload-kg", "50"], "--payload-kg"),
    (["--apogee-km", "4475", "--range-km", "950", "--flight-time-min", "53", "--from", "39,125.7"], "--to"),
    (["--apogee-km", "4475", "--range-km", "950", "--flight-time-min", "53", "--from", "99,0", "--to", "0,0"],
     "--from"),
])
def test_cli_mistakes_are_one_line_and_exit_2(args, field):
    res = _cli(*args)
    assert res.returncode == 2, res.stdout + res.stderr
    assert "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert field in res.stderr


def test_cli_json_says_which_estimate_and_is_complete():
    res = _cli("--apogee-km", "2802", "--range-km", "933", "--flight-time-min", "38", "--json",
               "--from", "39.0,125.7", "--to", "61.2,-149.9")
    assert res.returncode == 0, res.stderr
    rec = json.loads(res.stdout)
    for key in ("estimate", "met_range_km", "met_range_km_low", "met_range_km_high", "closed_form_lower_bound_km",
                "fit_converged", "variants", "target"):
        assert key in rec
    assert "non-rotating" in rec["estimate"]
    for key in ("reaches", "margin_km", "reach_km", "target_distance_km", "estimate"):
        assert key in rec["target"]
    assert rec["target"]["reaches"] == (rec["target"]["margin_km"] >= 0)
    assert rec["met_range_km_low"] <= rec["met_range_km"] <= rec["met_range_km_high"]
