"""The batch kernel against closed-form two-body results (no drag, spherical non-rotating Earth).

References: the minimum-energy relations sin(psi/2) = nu/(2 - nu), gamma = 45 deg - psi/4, with
nu = v^2 R / mu (Wheelon, ARS Journal 1959 [ref:wheelon-1959]), the free-flight range equation
tan(psi/2) = nu sin(g) cos(g) / (1 - nu cos^2 g), and Kepler's equation for the time of flight.
"""

import numpy as np
import pytest

from thaadsim.earth.constants import SPHERE
from thaadsim.flight import fly_kinematic

MU = SPHERE.mu_m3s2
R = SPHERE.a_m


def kepler_range_time(v_ms, gamma_rad, r0=R):
    """Range angle (rad), flight time (s) and apogee radius (m) of a symmetric ballistic arc."""
    nu = v_ms ** 2 * r0 / MU
    psi = 2 * np.arctan2(nu * np.sin(gamma_rad) * np.cos(gamma_rad), 1 - nu * np.cos(gamma_rad) ** 2)
    h = r0 * v_ms * np.cos(gamma_rad)
    energy = v_ms ** 2 / 2 - MU / r0
    a = -MU / (2 * energy)
    e = np.sqrt(1 + 2 * energy * h ** 2 / MU ** 2)
    p = h ** 2 / MU
    # burnout is on the way up: true anomaly in (0, pi), apogee at pi
    theta0 = np.arccos(np.clip((p / r0 - 1) / e, -1, 1))
    e0 = 2 * np.arctan(np.sqrt((1 - e) / (1 + e)) * np.tan(theta0 / 2))
    n = np.sqrt(MU / a ** 3)
    t_half = (np.pi - (e0 - e * np.sin(e0))) / n
    return psi, 2 * t_half, a * (1 + e)


@pytest.mark.parametrize("v_kms", [1.0, 2.0, 3.0, 4.5, 6.0, 7.0, 7.2, 7.5])
def test_min_energy_range_and_time_match_closed_form(v_kms):
    v = v_kms * 1e3
    nu = v ** 2 * R / MU
    psi = 2 * np.arcsin(nu / (2 - nu))
    gamma = np.pi / 4 - psi / 4
    _, t_ref, ra = kepler_range_time(v, gamma)
    b = fly_kinematic(v_kms, np.degrees(gamma), 90.0, 0.0, 0.0, earth="sphere", rotation=False,
                      atmosphere=False, sample_dt_s=None)
    assert b.range_km[0] == pytest.approx(R * psi / 1e3, rel=1e-3)
    assert abs(b.flight_time_s[0] - t_ref) < 1.0
    assert b.apogee_km[0] == pytest.approx((ra - R) / 1e3, rel=1e-4)


def test_matches_the_published_min_energy_table():
    """The min-energy table computed from the two-body relations [ref:wheelon-1959] (rounded to the km and
    0.1 min)."""
    table = {2.0: (421, 5.0, 103), 5.0: (3215, 15.6, 694), 7.0: (8910, 30.0, 1303)}
    for v_kms, (rng, minutes, apo) in table.items():
        v = v_kms * 1e3
        nu = v ** 2 * R / MU
        gamma = np.pi / 4 - np.arcsin(nu / (2 - nu)) / 2
        b = fly_kinematic(v_kms, np.degrees(gamma), 45.0, 10.0, 20.0, earth="sphere", rotation=False,
                          atmosphere=False, sample_dt_s=None)
        assert abs(b.range_km[0] - rng) <= 1.0
        assert abs(b.flight_time_s[0] / 60 - minutes) <= 0.06
        assert abs(b.apogee_km[0] - apo) <= 1.0


def test_free_flight_range_equation_off_optimum():
    """Lofted and depressed arcs too, on any azimuth (the sphere is isotropic)."""
    v = np.array([3.0, 5.0, 6.5, 6.5])
    g = np.array([70.0, 15.0, 40.0, 10.0])
    az = np.array([0.0, 123.0, 270.0, 200.0])
    b = fly_kinematic(v, g, az, [30.0, -45.0, 60.0, 0.0], [10.0, 100.0, -70.0, 179.0], earth="sphere",
                      rotation=False, atmosphere=False, sample_dt_s=None)
    psi, t_ref, _ = kepler_range_time(v * 1e3, np.radians(g))
    np.testing.assert_allclose(b.range_km, R * psi / 1e3, rtol=1e-3)
    np.testing.assert_allclose(b.flight_time_s, t_ref, atol=1.0)


def test_energy_is_conserved_in_vacuum_with_j2():
    """E = v^2/2 + U with the J2 potential U = -mu/r [1 - J2 (Re/r)^2 (3 sin^2(phi) - 1)/2] is constant."""
    b = fly_kinematic([7.0, 5.0], [25.0, 40.0], [30.0, 300.0], [45.0, -20.0], [10.0, 50.0],
                      earth="wgs84", rotation=True, atmosphere=False, sample_dt_s=5.0)
    from thaadsim.earth.constants import WGS84

    for i in range(len(b)):
        n = b.n_samples[i]
        r = b.r_eci_m[i, :n]
        v = b.v_eci_ms[i, :n]
        rn = np.linalg.norm(r, axis=1)
        s2 = (r[:, 2] / rn) ** 2
        u = -WGS84.mu_m3s2 / rn * (1 - WGS84.j2 * (WGS84.a_m / rn) ** 2 * (3 * s2 - 1) / 2)
        e = 0.5 * np.sum(v * v, axis=1) + u
        # samples between steps are cubic-Hermite interpolated: good to ~1e-8 of the energy
        assert np.max(np.abs(e - e[0])) / abs(e[0]) < 3e-8


def test_eastward_beats_westward_by_what_rotation_implies():
    """From the equator, the inertial burnout velocity is v_rel + omega x r; the two-body arc of that
    velocity, less the Earth's turn under it during the flight, gives each impact longitude exactly."""
    om = SPHERE.omega_rads
    v, g = 6.0e3, np.radians(30.0)
    out = {}
    for az, sign in ((90.0, 1.0), (270.0, -1.0)):
        ve = sign * v * np.cos(g) + om * R
        vu = v * np.sin(g)
        vi = np.hypot(ve, vu)
        gi = np.arctan2(vu, abs(ve))
        psi, t, _ = kepler_range_time(vi, gi)
        lon_fixed = np.sign(ve) * psi - om * t
        b = fly_kinematic(6.0, 30.0, az, 0.0, 0.0, earth="sphere", rotation=True, atmosphere=False,
                          sample_dt_s=None)
        assert b.impact_lon_deg[0] == pytest.approx(np.degrees(lon_fixed), abs=0.01)
        out[az] = b.range_km[0]
    assert out[90.0] > out[270.0] + 500.0


def test_drag_shortens_a_reentry():
    """With the atmosphere on, a blunt RV (low beta) falls short of a vacuum one, and a dense one less so."""
    common = dict(earth="wgs84", rotation=False, sample_dt_s=None)
    # burnout above the sensible atmosphere, as for a real missile
    vac = fly_kinematic(3.0, 40.0, 90.0, 0.0, 0.0, 80.0, atmosphere=False, **common).range_km[0]
    blunt = fly_kinematic(3.0, 40.0, 90.0, 0.0, 0.0, 80.0, beta_kgm2=500.0, **common).range_km[0]
    dense = fly_kinematic(3.0, 40.0, 90.0, 0.0, 0.0, 80.0, beta_kgm2=20000.0, **common).range_km[0]
    assert blunt < dense < vac
    assert vac - dense < 0.01 * vac


def test_kinematic_inputs_are_checked():
    from thaadsim.errors import ThaadsimError

    with pytest.raises(ThaadsimError, match="lat_deg"):
        fly_kinematic(3.0, 40.0, 90.0, 95.0, 0.0)
    with pytest.raises(ThaadsimError, match="burnout_speed_kms"):
        fly_kinematic(-3.0, 40.0, 90.0, 0.0, 0.0)
    with pytest.raises(ThaadsimError, match="azimuth_deg"):
        fly_kinematic(3.0, 40.0, float("nan"), 0.0, 0.0)
    with pytest.raises(ThaadsimError, match="sample_dt_s"):
        fly_kinematic(3.0, 40.0, 90.0, 0.0, 0.0, sample_dt_s=-1.0)


def test_escape_has_no_apogee_and_no_impact():
    """Above escape speed sqrt(2 mu / R) (11.19 km/s) the orbit is a hyperbola: no apogee, no impact.

    The batch used to report the altitude where the clock stopped (~73,000 km) as the apogee.
    """
    v_esc = np.sqrt(2 * MU / R) / 1e3
    b = fly_kinematic([1.02 * v_esc, 7.0], 25.0, 90.0, 0.0, 0.0, earth="sphere", rotation=False,
                      atmosphere=False, sample_dt_s=None)
    assert np.isnan(b.apogee_km[0]) and np.isnan(b.apogee_s[0])
    assert np.isnan(b.range_km[0]) and np.isnan(b.impact_s[0])
    assert np.isfinite(b.apogee_km[1]) and np.isfinite(b.range_km[1])


def test_short_low_hop_lands_where_flat_earth_ballistics_says():
    """A 10 m/s hop at 40 deg from the ground: range v^2 sin(2g) / g, apex v^2 sin^2(g) / 2g (g = mu / R^2).

    It rises less than a metre, so the kernel, waiting for a 1 m climb before looking for the
    impact, used to let it fall through the Earth (and numba raised a ZeroDivisionError).
    """
    g = MU / R ** 2
    v, gam = 10.0, np.radians(25.0)
    b = fly_kinematic(v / 1e3, 25.0, 0.0, 10.0, 20.0, earth="sphere", rotation=False, atmosphere=False,
                      sample_dt_s=None)
    assert b.range_km[0] * 1e3 == pytest.approx(v ** 2 * np.sin(2 * gam) / g, rel=1e-3)
    assert b.apogee_km[0] * 1e3 == pytest.approx(v ** 2 * np.sin(gam) ** 2 / (2 * g), rel=1e-3)
    assert b.flight_time_s[0] == pytest.approx(2 * v * np.sin(gam) / g, rel=1e-3)


def test_burnout_on_the_ground_must_climb():
    from thaadsim.errors import ThaadsimError

    with pytest.raises(ThaadsimError, match="burnout_angle_deg"):
        fly_kinematic(7.0, -10.0, 90.0, 0.0, 0.0)
    # from altitude a descending burnout state is fine: it comes down ahead, within the flat-Earth bound
    b = fly_kinematic(2.0, -10.0, 90.0, 0.0, 0.0, burnout_altitude_km=50.0, earth="sphere", rotation=False,
                      atmosphere=False, sample_dt_s=None)
    assert 0 < b.range_km[0] < 2.0 * 50.0 / np.tan(np.radians(10.0))
