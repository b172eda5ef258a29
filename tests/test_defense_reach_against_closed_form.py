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

The boost, coast and calibration comparisons live in :mod:`thaadsim.validation.interceptor`;
``thaadsim validate`` prints the same rows.
"""

import dataclasses

import numpy as np
import pytest

from _validation import assert_rows_pass, params
from thaadsim.defense.interceptors import interceptor_ids, load_interceptor
from thaadsim.defense.reach import ReachTable, compute_reach_table, fly_fan, kick_fan_deg, reach_table
from thaadsim.errors import ThaadsimError
from thaadsim.flight.engine import FlightOptions, fly_powered
from thaadsim.validation import interceptor as vi

pytestmark = pytest.mark.usefixtures("private_cache")


_probe = vi.probe
_vertical = vi.vertical_flight


@pytest.mark.parametrize("check", params(vi.vertical_vacuum_boost_rocket_equation, vi.coast_against_two_body_conic,
                                         vi.farthest_reach_min_energy_from_burnout,
                                         vi.burnout_speed_against_catalog_figure))
def test_against_rocket_equation_conics_and_catalog(check):
    """Vertical vacuum boost against solve_ivp (speed 1e-5, altitude 1e-4) and the uniform-g closed form
    (3 m/s, 0.2 %); each fly-out's coast against its two-body conic (2e-4 or 0.2 km); the farthest
    fly-out against the min-energy range from its burnout state (0.5 %); every interceptor's burnout
    speed against its catalog figure (1 %). The rows ``thaadsim validate`` prints."""
    assert_rows_pass(check)


def test_vertical_boost_loses_speed_to_drag_in_the_atmosphere():
    itc = load_interceptor("thaad")
    vac = _vertical(itc, atmosphere=False).burnout_speed_kms[0]
    air = _vertical(itc, atmosphere=True).burnout_speed_kms[0]
    assert air < vac
    # drag loss bounded by rho0 v^2 C_D A / (2 m) integrated: a few hundred m/s at most for this body
    assert vac - air < 0.4


def test_the_reach_table_holds_the_farthest_fly_out():
    # the table's farthest reachable ground cell is the fan's farthest reach, within a cell or two
    itc = _probe(max_range_km=1500.0, max_intercept_alt_km=300.0)
    b = fly_fan(itc, kick_fan_deg(181), atmosphere=False, sample_dt=None)
    tab = compute_reach_table(itc, n_range=301, n_alt=61, atmosphere=False)
    ground = tab.time_s[:, 0]
    far_km = tab.range_m[np.nonzero(np.isfinite(ground))[0].max()] / 1e3
    assert far_km == pytest.approx(np.nanmax(b.range_km), abs=2 * 1500.0 / 300)


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
def test_propellant_fraction_is_marked_calibrated(iid):
    assert "calibrated" in load_interceptor(iid).provenance["propellant_fraction"]


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
