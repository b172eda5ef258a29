"""Interceptor fly-out (boost and coast flown by ``fly_powered``) against independent references.

References
----------
* Boost: a vertical powered ascent in vacuum on the sphere, constant thrust and mass flow, against
  the rocket equation with gravity written here and integrated independently with scipy
  ``solve_ivp`` (dv/dt = F/m(t) - mu/r^2); and its uniform-g closed form
  v(t_b) = Isp g0 ln(m0/mf) - g t_b (Sutton & Biblarz, *Rocket Propulsion Elements*, ch. 4).
* Coast: two-body conics. From the engine's burnout state (r_b, v_b, gamma_b) the ground angle
  to impact at r = R is nu_impact - nu_burnout on the conic p = h^2/mu (Bate, Mueller & White,
  *Fundamentals of Astrodynamics*, ch. 6); the farthest member of the fan reaches, within the
  flatness of the range near its optimum, the maximum of that range over the burnout angle (the
  min-energy range from the burnout state).
* Drag: physical ordering (the atmosphere can only shorten reach) and convergence to vacuum as
  the body drag vanishes (tiny diameter, very high kill-vehicle beta).
* Calibration: the catalog's burnout speed ([ref:gagadget-thaad] and estimates), met by the engine within 1 %.
"""

import dataclasses
import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp
from scipy.optimize import minimize_scalar

from thaadsim.defense.interceptors import interceptor_ids, load_interceptor
from thaadsim.defense.reach import (ReachTable, compute_reach_table, fly_fan, kick_fan_deg, reach_table,
                                    reference_burnout)
from thaadsim.errors import ThaadsimError
from thaadsim.flight.engine import FlightOptions, fly_powered

MU = 3.986004418e14
R = 6371.0e3
G0 = 9.80665

pytestmark = pytest.mark.usefixtures("private_cache")


def _probe(**kw):
    """A THAAD-like interceptor with a box large enough to hold its whole ground reach."""
    base = dataclasses.replace(load_interceptor("thaad"), id="probe", min_intercept_alt_km=0.0)
    return dataclasses.replace(base, **kw)


def _vertical(itc, atmosphere):
    opts = FlightOptions(earth="sphere", rotation=False, atmosphere=atmosphere)
    return fly_powered([itc.missile()], [0], 0.0, 0.0, 90.0, 0.0, options=opts, sample_dt_s=0.01)


def test_vertical_vacuum_boost_matches_rocket_equation_with_gravity():
    itc = load_interceptor("thaad")
    m0 = itc.launch_mass_kg
    mdot = itc.propellant_mass_kg / itc.burn_time_s
    c = itc.isp_s * G0
    t_b = itc.burn_time_s

    def rhs(t, y):                      # y = (r, v): straight up, thrust minus inverse-square gravity
        return [y[1], c * mdot / (m0 - mdot * t) - MU / y[0] ** 2]

    ref = solve_ivp(rhs, (0.0, t_b), [R, 0.0], rtol=1e-11, atol=1e-6)
    b = _vertical(itc, atmosphere=False)
    assert b.burnout_speed_kms[0] * 1e3 == pytest.approx(ref.y[1, -1], rel=1e-5)
    assert b.burnout_altitude_km[0] * 1e3 == pytest.approx(ref.y[0, -1] - R, rel=1e-4)
    # uniform-g closed form: g varies by < 1 % over the ~20 km climb, so it agrees to ~1 m/s
    mf = m0 - mdot * t_b
    closed = c * math.log(m0 / mf) - MU / R ** 2 * t_b
    h_closed = c * (t_b - mf / mdot * math.log(m0 / mf)) - 0.5 * MU / R ** 2 * t_b ** 2
    assert b.burnout_speed_kms[0] * 1e3 == pytest.approx(closed, abs=3.0)
    assert b.burnout_altitude_km[0] * 1e3 == pytest.approx(h_closed, rel=2e-3)


def test_vertical_boost_loses_speed_to_drag_in_the_atmosphere():
    itc = load_interceptor("thaad")
    vac = _vertical(itc, atmosphere=False).burnout_speed_kms[0]
    air = _vertical(itc, atmosphere=True).burnout_speed_kms[0]
    assert air < vac
    # drag loss bounded by rho0 v^2 C_D A / (2 m) integrated: a few hundred m/s at most for this body
    assert vac - air < 0.4


def _kepler_ground_angle(r0, v0, gam):
    """Ground angle (rad) from a state at radius r0, speed v0, flight-path angle gam to r = R descending."""
    h = r0 * v0 * math.cos(gam)
    p = h * h / MU
    eps = v0 * v0 / 2 - MU / r0
    e = math.sqrt(max(1 + 2 * eps * h * h / MU ** 2, 0.0))
    nu0 = math.acos(max(-1.0, min(1.0, (p / r0 - 1) / e)))
    nu0 = nu0 if gam >= 0 else -nu0
    nu1 = 2 * math.pi - math.acos(max(-1.0, min(1.0, (p / R - 1) / e)))
    return nu1 - nu0


def test_coast_from_engine_burnout_matches_two_body_conic():
    # vacuum fan: each member's impact range = boost ground angle + conic ground angle from its burnout state
    itc = _probe()
    kicks = np.array([10.0, 30.0, 50.0, 70.0, 90.0])
    b = fly_fan(itc, kicks, atmosphere=False, sample_dt=None)
    for i in range(kicks.size):
        r0 = R + b.burnout_altitude_km[i] * 1e3
        gam = math.radians(b.burnout_angle_deg[i])
        # ground angle of the burnout point: the launch is at (0, 0), so it is the great-circle angle there
        full = fly_fan(itc, kicks[i:i + 1], atmosphere=False, sample_dt=0.05)
        k = np.nanargmin(np.abs(full.t_s[0] - b.burnout_s[i]))
        th_b = math.acos(math.cos(math.radians(full.lat_deg[0, k])) * math.cos(math.radians(full.lon_deg[0, k])))
        expect = R * (th_b + _kepler_ground_angle(r0, b.burnout_speed_kms[i] * 1e3, gam)) / 1e3
        assert b.range_km[i] == pytest.approx(expect, rel=2e-4, abs=0.2), kicks[i]


def test_farthest_ground_reach_matches_min_energy_range_from_burnout_state():
    itc = _probe(max_range_km=1500.0, max_intercept_alt_km=300.0)
    b = fly_fan(itc, kick_fan_deg(181), atmosphere=False, sample_dt=None)
    i = int(np.nanargmax(b.range_km))
    r0 = R + b.burnout_altitude_km[i] * 1e3
    v0 = b.burnout_speed_kms[i] * 1e3
    best = -minimize_scalar(lambda g: -_kepler_ground_angle(r0, v0, g), bounds=(0.05, 1.5),
                            method="bounded", options={"xatol": 1e-8}).fun
    boost_km = b.range_km[i] - R * _kepler_ground_angle(r0, v0, math.radians(b.burnout_angle_deg[i])) / 1e3
    assert b.range_km[i] == pytest.approx(boost_km + R * best / 1e3, rel=5e-3)
    # and the table's farthest reachable ground cell is that reach, within a cell or two
    tab = compute_reach_table(itc, n_range=301, n_alt=61, atmosphere=False)
    ground = tab.time_s[:, 0]
    far_km = tab.range_m[np.nonzero(np.isfinite(ground))[0].max()] / 1e3
    assert far_km == pytest.approx(b.range_km[i], abs=2 * 1500.0 / 300)


def test_atmosphere_shrinks_low_altitude_reach_and_vanishing_drag_converges_to_vacuum():
    kw = dict(n_range=121, n_alt=61)
    # a draggy coasting body (a separated 60 kg kill vehicle, ~2,500 kg/m2) so the air's effect is large
    itc = _probe(max_range_km=600.0, max_intercept_alt_km=150.0, kv_beta_kgm2=2500.0)
    vac = compute_reach_table(itc, atmosphere=False, **kw)
    air = compute_reach_table(itc, **kw)

    def far_km(tab, j):
        fin = np.nonzero(np.isfinite(tab.time_s[:, j]))[0]
        return tab.range_m[fin.max()] / 1e3

    j10 = int(np.argmin(np.abs(air.alt_m - 10e3)))
    assert far_km(air, j10) < far_km(vac, j10) - 20.0
    both = np.isfinite(air.time_s) & np.isfinite(vac.time_s)
    assert np.nanmedian(air.time_s[both] - vac.time_s[both]) > 0      # drag makes fly-out slower

    thin = dataclasses.replace(itc, diameter_m=0.01, kv_beta_kgm2=1e8)
    air_thin = compute_reach_table(thin, **kw)
    vac_thin = compute_reach_table(thin, atmosphere=False, **kw)
    assert far_km(air_thin, j10) == pytest.approx(far_km(vac_thin, j10), abs=2 * 600.0 / 120)
    both = np.isfinite(air_thin.time_s) & np.isfinite(vac_thin.time_s)
    np.testing.assert_allclose(air_thin.time_s[both], vac_thin.time_s[both], rtol=5e-3, atol=0.5)


@pytest.mark.parametrize("iid", interceptor_ids())
def test_engine_burnout_speed_matches_catalog_figure(iid):
    # the calibration promise: the farthest-reaching member of a fine fan, flown from the catalog data
    itc = load_interceptor(iid)
    kicks = kick_fan_deg(361)
    b = fly_fan(itc, kicks, sample_dt=None)
    i = int(np.nanargmax(b.range_km))
    assert b.burnout_speed_kms[i] == pytest.approx(itc.burnout_speed_kms, rel=0.01)
    assert reference_burnout(itc)[0] == pytest.approx(itc.burnout_speed_kms, rel=0.01)
    assert "calibrated" in itc.provenance["propellant_fraction"]


def test_flyout_grows_with_distance_and_is_nan_outside_envelope():
    tab = reach_table(load_interceptor("thaad"))
    t = tab.flyout_time_s(np.array([20e3, 100e3, 190e3]), 80e3)
    assert np.all(np.diff(t) > 0)
    assert np.isnan(tab.flyout_time_s(250e3, 80e3))   # beyond max range: outside the table
    assert np.isnan(tab.flyout_time_s(50e3, -5e3))


def test_disk_cache_round_trip_and_key(tmp_path):
    itc = _probe(max_range_km=100.0, max_intercept_alt_km=60.0)
    a = compute_reach_table(itc, n_range=41, n_alt=31, n_angles=90)
    a.to_npz(tmp_path / "t.npz")
    b = ReachTable.from_npz(tmp_path / "t.npz")
    np.testing.assert_array_equal(a.time_s, b.time_s)
    for change in (dict(propellant_fraction=0.70), dict(isp_s=260.0), dict(kv_beta_kgm2=3000.0),
                   dict(diameter_m=0.4), dict(vertical_rise_s=0.02)):
        assert itc.kinematic_key() != itc.with_overrides(**change).kinematic_key(), change
    assert itc.kinematic_key() == itc.with_overrides(pk=0.9).kinematic_key()   # Pk does not change reach


def test_reach_table_uses_the_shared_disk_cache(tmp_path, monkeypatch):
    # thaadsim.cache is the one on-disk cache: the table lands in $THAADSIM_CACHE_DIR/reach, is read back
    # after the memory cache is cleared, and a corrupt file costs a recomputation, never an error
    from thaadsim.defense import reach as reach_mod

    itc = _probe(max_range_km=100.0, max_intercept_alt_km=60.0)
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


def _write_catalog(tmp_path, monkeypatch, text):
    from thaadsim.defense import interceptors as mod

    (tmp_path / "bad.toml").write_text(text)
    monkeypatch.setattr(mod, "_catalog_dir", lambda: tmp_path)
    mod.load_interceptor.cache_clear()
    try:
        return mod.load_interceptor("bad")
    finally:
        mod.load_interceptor.cache_clear()


@pytest.mark.parametrize("edit,field", [
    (lambda s: s + '\n[thrust_n]\nvalue = 1.0\nestimate = "x"\n', "thrust_n"),
    (lambda s: s.replace("[isp_s]\nvalue = 250.0", "[isp_s]\nvalue = 50.0"), "isp_s"),
    (lambda s: s.replace("[kv_mass_kg]\nvalue = 60.0", "[kv_mass_kg]\nvalue = 600.0"), "propellant_fraction"),
    (lambda s: s.replace("[diameter_m]\nvalue = 0.34", "[diameter_m]\nvalue = nan"), "diameter_m"),
    (lambda s: s.replace("[kick_duration_s]\nvalue = 0.2", "[kick_duration_s]\nvalue = 30.0"), "kick_duration_s"),
    (lambda s: s.replace('[kv_beta_kgm2]\nvalue = 12000.0\n', '[kv_beta_kgm2]\nvalue = 12000.0\nunit = "x"\n'),
     "kv_beta_kgm2.unit"),
])
def test_interceptor_loader_refuses_bad_rocket_data(tmp_path, monkeypatch, edit, field):
    from importlib import resources

    text = (resources.files("thaadsim") / "data" / "catalog" / "interceptors" / "thaad.toml").read_text()
    bad = edit(text)
    assert bad != text
    with pytest.raises(ThaadsimError, match=field):
        _write_catalog(tmp_path, monkeypatch, bad)


def test_a_flyout_aimed_into_the_ground_stops_at_the_ground():
    # kicks past ~180 deg point the thrust below the horizon from the first instant: the flight never
    # climbs a metre, and the kernel used to wait for a climb before looking for the impact, so it
    # flew on underground (burnout at -7 km for a 178 deg kick)
    itc = load_interceptor("thaad")
    opts = FlightOptions(earth="sphere", rotation=False, atmosphere=True)
    b = fly_powered([itc.missile()], [0, 0], 0.0, 0.0, 90.0, [178.0, 179.9], options=opts, sample_dt_s=None)
    assert np.all(np.isfinite(b.flight_time_s))
    assert np.all(b.flight_time_s < itc.burn_time_s)                 # it hits the ground while thrusting
    assert np.all(b.burnout_altitude_km > -0.002)                    # not kilometres underground
