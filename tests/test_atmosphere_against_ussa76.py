"""thaadsim.earth.atmosphere against the U.S. Standard Atmosphere 1976 and against `ambiance`.

Authorities:
* *U.S. Standard Atmosphere, 1976* (NOAA-S/T 76-1562): Table 4 (layer bases, geopotential
  altitude: molecular-scale temperature and pressure) and Table I (geometric altitude: density,
  kinetic temperature, pressure) [ref:ussa-1976].
* ambiance 1.3.1 (an independent implementation of the same standard, valid -5.004 ... 81.02 km).
* The kernel form is checked against the public API, which is itself checked above.

The table comparisons live in :mod:`thaadsim.validation.atmosphere`; ``thaadsim validate`` prints them.
"""

from __future__ import annotations

import math

import numba
import numpy as np
import pytest

from _validation import assert_rows_pass, params
from thaadsim.earth import atmosphere as atm
from thaadsim.validation import atmosphere as va
from thaadsim.validation import checks


@pytest.mark.parametrize("check", params(va.layer_base_table_4, va.density_table_i, va.kinetic_temperature_table_i,
                                         va.pressure_table_i, va.speed_of_sound_sea_level))
def test_against_ussa76_tables(check):
    """Table 4 layer bases (T exact, p to the printed 7 figures); Table I density, kinetic temperature
    and pressure (the printed 4-5 figures below 86 km, 0.06 % above); sea-level speed of sound."""
    assert_rows_pass(check)


def test_against_ambiance_over_its_range():
    pytest.importorskip("ambiance")
    assert_rows_pass(next(c for c in checks("atmosphere") if c.func is va.against_ambiance))


# --- shape, edges, NaN -------------------------------------------------------------------------------
def test_density_decreases_monotonically_from_minus_5_to_1000_km():
    z = np.arange(-5000.0, 1_000_000.0 + 0.5, 5.0)
    d = atm.density_kgm3(z)
    assert np.all(np.isfinite(d)) and np.all(d > 0)
    assert np.all(np.diff(d) < 0)
    p = atm.pressure_pa(z)
    assert np.all(np.diff(p) < 0)


def test_profile_is_continuous_at_86_km():
    for f in (atm.density_kgm3, atm.pressure_pa, atm.temperature_k):
        assert f(86_000.001) == pytest.approx(f(86_000.0), rel=1e-6)


@pytest.mark.parametrize("f", [atm.density_kgm3, atm.temperature_k, atm.pressure_pa, atm.speed_of_sound_ms])
def test_scalars_and_arrays(f):
    z = np.array([[0.0, 30e3], [150e3, 900e3]])
    out = f(z)
    assert isinstance(out, np.ndarray) and out.shape == z.shape
    assert isinstance(f(30e3), float) and isinstance(f(30_000), float)
    assert f(30e3) == out[0, 1]
    assert f([0.0, 30e3])[1] == out[0, 1]


def test_nan_in_nan_out():
    for f in (atm.density_kgm3, atm.temperature_k, atm.pressure_pa, atm.speed_of_sound_ms):
        assert math.isnan(f(float("nan")))
        out = f(np.array([0.0, np.nan, 200e3]))
        assert math.isnan(out[1]) and np.isfinite(out[[0, 2]]).all()


def test_below_minus_5_km_clamps_and_above_1000_km_is_vacuum():
    assert atm.density_kgm3(-8000.0) == atm.density_kgm3(-5000.0)
    assert atm.temperature_k(-1e6) == atm.temperature_k(-5000.0)
    assert atm.density_kgm3(1_000_001.0) == 0.0 and atm.pressure_pa(2e6) == 0.0
    assert atm.density_kgm3(1_000_000.0) > 0.0
    assert atm.temperature_k(5e6) == atm.temperature_k(1e6)
    assert atm.speed_of_sound_ms(5e6) == atm.speed_of_sound_ms(1e6)


# --- the numba kernel ------------------------------------------------------------------------------
@numba.njit(cache=False)
def _kernel_many(h, h0, dh, log_rho, sound):
    rho = np.empty(h.size)
    a = np.empty(h.size)
    for k in range(h.size):
        rho[k], a[k] = atm.density_sound_at(h[k], h0, dh, log_rho, sound)
    return rho, a


def test_kernel_table_layout():
    h0, dh, log_rho, sound = atm.kernel_table()
    assert (h0, dh) == (-5000.0, 100.0)
    assert log_rho.shape == sound.shape == (10_051,)
    assert h0 + dh * (log_rho.size - 1) == 1_000_000.0
    assert atm.kernel_table() is atm.kernel_table()     # cached


def test_kernel_agrees_with_public_api():
    h0, dh, log_rho, sound = atm.kernel_table()
    rng = np.random.default_rng(76)
    mids = h0 + dh * (np.arange(log_rho.size - 1) + 0.5)          # worst place: between nodes
    h = np.concatenate([rng.uniform(-5000.0, 1e6, 50_000), mids])
    rho, a = _kernel_many(h, h0, dh, log_rho, sound)
    np.testing.assert_allclose(rho, atm.density_kgm3(h), rtol=1e-3)
    np.testing.assert_allclose(a, atm.speed_of_sound_ms(h), rtol=1e-3)
    nodes = h0 + dh * np.arange(log_rho.size)
    rho_n, a_n = _kernel_many(nodes, h0, dh, log_rho, sound)
    np.testing.assert_allclose(rho_n, atm.density_kgm3(nodes), rtol=1e-12)
    np.testing.assert_allclose(a_n, atm.speed_of_sound_ms(nodes), rtol=1e-12)


def test_kernel_edges():
    h0, dh, log_rho, sound = atm.kernel_table()
    h = np.array([-1e5, -5000.0, 1e6, 1e6 + 1.0, 5e6, np.nan])
    rho, a = _kernel_many(h, h0, dh, log_rho, sound)
    assert rho[0] == pytest.approx(atm.density_kgm3(-5000.0), rel=1e-12) and a[0] == sound[0]
    assert rho[2] == pytest.approx(atm.density_kgm3(1e6), rel=1e-12)
    assert rho[3] == 0.0 and rho[4] == 0.0 and a[3] == a[4] == sound[-1]
    assert math.isnan(rho[5]) and math.isnan(a[5])
    # Also callable from plain Python.
    r, s = atm.density_sound_at(0.0, h0, dh, log_rho, sound)
    assert r == pytest.approx(1.2250, rel=1e-4) and s == pytest.approx(340.294, abs=1e-3)
