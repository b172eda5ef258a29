"""Targeting: every shape lands within 1 km of its aimpoint on the rotating WGS84 Earth with drag,
shapes order as their definitions say, and impossible requests are clear errors.

The miss distances against pyproj's geodesic live in :mod:`thaadsim.validation.targeting`;
``thaadsim validate`` prints the same rows.
"""

import numpy as np
import pytest

from _validation import assert_rows_pass, params
from thaadsim.earth.geodesy import geodesic_inverse
from thaadsim.errors import ThaadsimError
from thaadsim.flight import fly_targeted, load_missile, max_range_km
from thaadsim.validation import targeting as vt

PYONGYANG_AREA = vt.PYONGYANG_AREA
WASHINGTON = vt.WASHINGTON


@pytest.mark.parametrize("check", params(vt.hwasong15_to_washington_every_shape, vt.hwasong15_depressed_batch_of_four,
                                         vt.lofted_to_a_requested_apogee, vt.short_range_missile_every_shape))
def test_impacts_within_1_km_of_the_aimpoint_by_pyproj(check):
    """The impact-to-aimpoint distance, by pyproj's WGS84 geodesic, is under 1 km for every shape
    (the rows ``thaadsim validate`` prints); a requested apogee is flown within 1 km."""
    assert_rows_pass(check)


def test_hwasong15_shapes_order_as_defined():
    shapes = ["min-energy", "lofted", "depressed"]
    b = fly_targeted("hwasong-15", *PYONGYANG_AREA, *WASHINGTON, shape=shapes, sample_dt_s=None)
    d, _ = geodesic_inverse(b.impact_lat_deg, b.impact_lon_deg, WASHINGTON[0], WASHINGTON[1])
    assert np.allclose(b.miss_km, d / 1e3)
    me, lo, de = b.apogee_km
    assert lo > me > de
    # flight time grows with apogee
    assert b.flight_time_s[1] > b.flight_time_s[0] > b.flight_time_s[2]
    # the lofted shot burns everything; min-energy burns less
    m = load_missile("hwasong-15")
    assert b.cutoff_s[1] == pytest.approx(m.total_burn_time_s)
    assert b.cutoff_s[0] <= m.total_burn_time_s


def test_target_out_of_reach_names_the_maximum_range():
    with pytest.raises(ThaadsimError, match=r"maximum range") as err:
        fly_targeted("hwasong-15", *PYONGYANG_AREA, -40.0, -60.0)
    assert "km" in str(err.value)


_test_missile = vt.generic_srbm


def test_eastward_reach_beats_westward():
    """From the equator at full burn, the best eastward shot flies farther than the non-rotating
    maximum range and the best westward shot falls short of it (rotation adds up to
    omega * R = 0.465 km/s eastward at the equator)."""
    from thaadsim.flight import fly_powered

    m = _test_missile()
    ref = max_range_km(m)
    kicks = np.linspace(2.0, 85.0, 167)
    best = {}
    for az in (90.0, 270.0):
        b = fly_powered([m], np.zeros(kicks.size, int), 0.0, 0.0, az, kicks, sample_dt_s=None)
        best[az] = np.nanmax(b.range_km)
    assert best[90.0] > ref > best[270.0]
    assert best[90.0] - best[270.0] > 0.02 * ref


def test_short_range_missile_shapes_order_as_defined():
    m = _test_missile()
    d = 0.7 * max_range_km(m)
    b = fly_targeted(m, 40.0, 125.0, 40.0 - d / 111.0, 125.0, shape=["min-energy", "lofted", "depressed"],
                     sample_dt_s=None)
    assert b.apogee_km[1] > b.apogee_km[0] > b.apogee_km[2]


@pytest.mark.parametrize("kwargs, field", [
    (dict(missile="no-such-missile"), "missile"),
    (dict(target=(95.0, 0.0)), "target_lat_deg"),
    (dict(target=(float("nan"), 0.0)), "target_lat_deg"),
    (dict(shape="sideways"), "shape"),
    (dict(shape="min-energy", apogee_km=500.0), "apogee_km"),
    (dict(shape="lofted", apogee_km=-5.0), "apogee_km"),
    (dict(target=PYONGYANG_AREA), "target"),
    (dict(shape="lofted", apogee_km=float("nan")), "apogee_km"),
    (dict(shape="lofted", apogee_km=float("inf")), "apogee_km"),
    (dict(sample_dt_s=0.0), "sample_dt_s"),
    (dict(sample_dt_s=-2.0), "sample_dt_s"),
    (dict(sample_dt_s=float("nan")), "sample_dt_s"),
    (dict(sample_dt_s=1e-6), "sample_dt_s"),   # would allocate ~2e9 samples per trajectory
])
def test_bad_requests_are_clear_errors(kwargs, field):
    missile = kwargs.pop("missile", "hwasong-15")
    target = kwargs.pop("target", WASHINGTON)
    kwargs.setdefault("sample_dt_s", None)
    with pytest.raises(ThaadsimError) as err:
        fly_targeted(missile, *PYONGYANG_AREA, *target, **kwargs)
    assert err.value.field.startswith(field)


def test_each_stage_burnout_is_an_event():
    """A three-stage ICBM to a far target fires every stage; to a near one the cut-off skips the last."""
    b = fly_targeted("df-41", 44.0, 125.3, [38.9, 41.0], [-77.0, 130.0], sample_dt_s=None)
    far, near = b.stage_burnout_s
    assert np.all(np.diff(far) > 0)
    assert far[-1] == pytest.approx(b.burnout_s[0])
    assert np.isnan(near[-1]) and near[np.isfinite(near)][-1] == pytest.approx(b.burnout_s[1])


@pytest.mark.parametrize("missile, launch, target", [
    # a near-orbital ICBM to a quarter of its range: its full-burn probes never come down
    ("hwasong-17", (49.16, -140.51), (60.67, -78.09)),
    # a Scud-class missile cannot fly at half its min-energy apogee: the flattest it can fly
    ("scud-c", (39.0, 125.7), (35.9, 128.6)),
])
def test_default_depressed_is_flatter_than_min_energy(missile, launch, target):
    b = fly_targeted(missile, *launch, *target, shape=["min-energy", "depressed"], sample_dt_s=None)
    assert np.all(b.miss_km < 1.0)
    assert b.apogee_km[1] < b.apogee_km[0] - 1.0
    assert b.flight_time_s[1] < b.flight_time_s[0]
