"""Reach tables (interceptor fly-out flown by the flight engine) against two-body closed forms.

References: the minimum-energy range and flight time of a drag-free burnout at the surface of a
non-rotating spherical Earth (REFERENCES.md 6.1, Wheelon 1959: v = 3.0 km/s -> 988 km, 7.9 min), and
the energy integral of a vertical drag-free coast, t = integral dr / sqrt(v0^2 - 2 mu (1/r0 - 1/r)),
evaluated independently with scipy quadrature.
"""

import math

import numpy as np
import pytest
from scipy.integrate import quad

from thaadsim.defense.interceptors import Interceptor, load_interceptor
from thaadsim.defense.reach import ReachTable, boost_point, compute_reach_table, reach_table

MU = 3.986004418e14
R = 6371.0e3


pytestmark = pytest.mark.usefixtures("private_cache")


def _probe(v_kms, t_b, max_range_km, max_alt_km):
    return Interceptor(id="probe", name="probe", tier="test", burnout_speed_kms=v_kms, burn_time_s=t_b,
                       min_intercept_alt_km=0.0, max_intercept_alt_km=max_alt_km, max_range_km=max_range_km, pk=0.5)


def test_farthest_ground_reach_matches_min_energy_range_table():
    # no boost (t_b = 0): the farthest cell reached at ground level is the min-energy range
    itc = _probe(3.0, 0.0, 1200.0, 300.0)
    tab = compute_reach_table(itc, n_range=241, n_alt=61)
    ground = tab.time_s[:, 0]
    i_far = np.nonzero(np.isfinite(ground))[0].max()
    far_km = tab.range_m[i_far] / 1e3
    assert far_km == pytest.approx(988.0, rel=0.015)              # REFERENCES 6.1
    assert ground[i_far] / 60.0 == pytest.approx(7.9, abs=0.25)    # min


def test_vertical_flyout_matches_energy_integral():
    itc = load_interceptor("thaad")
    tab = reach_table(itc)
    v0 = itc.burnout_speed_ms
    t_b = itc.burn_time_s
    h_b, _, _ = boost_point(0.5 * v0 * t_b, math.radians(89.9))
    r0 = R + h_b
    for h_km in (60.0, 100.0, 140.0):
        r1 = R + h_km * 1e3
        coast, _ = quad(lambda r: 1.0 / math.sqrt(v0 * v0 - 2.0 * MU * (1.0 / r0 - 1.0 / r)), r0, r1)
        expect = t_b + coast
        got = float(tab.flyout_time_s(0.0, h_km * 1e3))
        assert got == pytest.approx(expect, abs=1.0), h_km


def test_flyout_grows_with_distance_and_is_nan_outside_envelope():
    tab = reach_table(load_interceptor("thaad"))
    t = tab.flyout_time_s(np.array([20e3, 100e3, 190e3]), 80e3)
    assert np.all(np.diff(t) > 0)
    assert np.isnan(tab.flyout_time_s(250e3, 80e3))   # beyond max range: outside the table
    assert np.isnan(tab.flyout_time_s(50e3, -5e3))


def test_disk_cache_round_trip_and_key(tmp_path):
    itc = _probe(2.0, 5.0, 100.0, 60.0)
    a = compute_reach_table(itc, n_range=41, n_alt=31, n_angles=90)
    a.to_npz(tmp_path / "t.npz")
    b = ReachTable.from_npz(tmp_path / "t.npz")
    np.testing.assert_array_equal(a.time_s, b.time_s)
    assert itc.kinematic_key() != itc.with_overrides(burnout_speed_kms=2.1).kinematic_key()
    assert itc.kinematic_key() == itc.with_overrides(pk=0.9).kinematic_key()   # Pk does not change reach


def test_reach_table_uses_the_shared_disk_cache(tmp_path, monkeypatch):
    # thaadsim.cache is the one on-disk cache: the table lands in $THAADSIM_CACHE_DIR/reach, is read back
    # after the memory cache is cleared, and a corrupt file costs a recomputation, never an error
    from thaadsim.defense import reach as reach_mod

    itc = _probe(2.0, 5.0, 100.0, 60.0)
    kw = dict(n_range=41, n_alt=31, n_angles=90)
    a = reach_table(itc, **kw)
    files = list((tmp_path / "reach").glob("*.npz"))
    assert len(files) == 1
    monkeypatch.setattr(reach_mod, "_MEMORY", {})
    b = reach_table(itc, **kw)
    np.testing.assert_array_equal(a.time_s, b.time_s)
    files[0].write_bytes(b"not an npz")
    monkeypatch.setattr(reach_mod, "_MEMORY", {})
    c = reach_table(itc, **kw)
    np.testing.assert_array_equal(a.time_s, c.time_s)
