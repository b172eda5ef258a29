"""thaadsim.earth.atmosphere against the U.S. Standard Atmosphere 1976 and against `ambiance`.

Authorities:
* *U.S. Standard Atmosphere, 1976* (NOAA-S/T 76-1562): Table 4 (layer bases, geopotential
  altitude: molecular-scale temperature and pressure) and Table I (geometric altitude: density,
  kinetic temperature, pressure) [ref:ussa-1976].
* ambiance 1.3.1 (an independent implementation of the same standard, valid -5.004 ... 81.02 km).
* The kernel form is checked against the public API, which is itself checked above.
"""

from __future__ import annotations

import math

import numba
import numpy as np
import pytest

from thaadsim.earth import atmosphere as atm

R0_M = 6_356_766.0   # the standard's effective Earth radius (eq. 18)


def _geometric(h_geopotential_m: float) -> float:
    """Inverse of eq. 18: Z = r0 H / (r0 - H)."""
    return R0_M * h_geopotential_m / (R0_M - h_geopotential_m)


# --- Table 4: layer bases (geopotential km'), T_M (K), p (Pa) -------------------------------------
LAYER_BASES = [
    (0.0, 288.15, 101325.0),
    (11.0, 216.65, 22632.06),
    (20.0, 216.65, 5474.889),
    (32.0, 228.65, 868.0187),
    (47.0, 270.65, 110.9063),
    (51.0, 270.65, 66.93887),
    (71.0, 214.65, 3.956420),
]


@pytest.mark.parametrize(("h_km", "t_k", "p_pa"), LAYER_BASES)
def test_layer_bases_match_table_4(h_km, t_k, p_pa):
    z = _geometric(h_km * 1e3)
    assert atm.temperature_k(z) == pytest.approx(t_k, abs=1e-6)
    # Table 4 prints 7 significant figures.
    assert atm.pressure_pa(z) == pytest.approx(p_pa, rel=1e-6)


# --- Table I (geometric altitude) ------------------------------------------------------------------
# (Z km, rho kg/m^3, relative tolerance). Below 86 km the closed form must match to the printed
# 4-5 significant figures; above, the shipped table comes from pyatmos's fits (documented
# ~0.05 % from the standard), so 0.06 %.
DENSITY_TABLE = [
    (0.0, 1.2250, 1e-4),
    (11.0, 3.6480e-1, 1e-4),
    (50.0, 1.0269e-3, 1e-4),
    (86.0, 6.958e-6, 1e-4),
    (100.0, 5.604e-7, 6e-4),
    (200.0, 2.541e-10, 6e-4),
    (500.0, 5.215e-13, 6e-4),
    (1000.0, 3.561e-15, 6e-4),
]


@pytest.mark.parametrize(("z_km", "rho", "rtol"), DENSITY_TABLE)
def test_density_matches_table_i(z_km, rho, rtol):
    assert atm.density_kgm3(z_km * 1e3) == pytest.approx(rho, rel=rtol)


# Kinetic temperature (Table I): 86 km is the closed form times M/M0 (Table 8); 110 and 120 km
# are exact by definition of the standard's profile (eqs. 29, 30).
TEMPERATURE_TABLE = [(86.0, 186.87, 0.006), (100.0, 195.08, 0.01), (110.0, 240.00, 0.01),
                     (120.0, 360.00, 0.01), (200.0, 854.56, 0.01), (500.0, 999.24, 0.01),
                     (1000.0, 1000.00, 0.01)]


@pytest.mark.parametrize(("z_km", "t_k", "atol"), TEMPERATURE_TABLE)
def test_kinetic_temperature_matches_table_i(z_km, t_k, atol):
    assert atm.temperature_k(z_km * 1e3) == pytest.approx(t_k, abs=atol)


PRESSURE_TABLE = [(86.0, 3.7338e-1, 1e-4), (100.0, 3.2011e-2, 6e-4), (200.0, 8.4736e-5, 6e-4),
                  (500.0, 3.0236e-7, 6e-4), (1000.0, 7.5138e-9, 6e-4)]


@pytest.mark.parametrize(("z_km", "p_pa", "rtol"), PRESSURE_TABLE)
def test_pressure_matches_table_i(z_km, p_pa, rtol):
    assert atm.pressure_pa(z_km * 1e3) == pytest.approx(p_pa, rel=rtol)


def test_speed_of_sound_at_sea_level_matches_the_standard():
    # Table I: Cs(0) = 340.29 m/s; eq. 50 with T_M = 288.15 K.
    assert atm.speed_of_sound_ms(0.0) == pytest.approx(340.294, abs=1e-3)


# --- ambiance, an independent implementation, -5 ... 81 km ------------------------------------------
def test_against_ambiance_over_its_range():
    ambiance = pytest.importorskip("ambiance")
    z = np.linspace(-5000.0, 81000.0, 8601)
    ref = ambiance.Atmosphere(z)
    # ambiance uses slightly different rounding of the constants: ~1e-5 agreement expected.
    np.testing.assert_allclose(atm.density_kgm3(z), ref.density, rtol=2e-5)
    np.testing.assert_allclose(atm.pressure_pa(z), ref.pressure, rtol=2e-5)
    np.testing.assert_allclose(atm.speed_of_sound_ms(z), ref.speed_of_sound, rtol=2e-6)
    # Temperature: identical below 80 km; above, we apply M/M0 (Table 8, 0.999989 at 81 km) and
    # ambiance returns the molecular-scale temperature.
    below = z <= 80000.0
    np.testing.assert_allclose(atm.temperature_k(z[below]), ref.temperature[below], rtol=1e-9)
    ratio = atm.temperature_k(z[~below]) / ref.temperature[~below]
    np.testing.assert_allclose(ratio, np.interp(z[~below], [80e3, 80.5e3, 81e3], [1.0, 0.999996, 0.999989]),
                               rtol=2e-7)


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
