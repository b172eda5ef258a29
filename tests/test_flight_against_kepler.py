"""The batch kernel against closed-form two-body results (no drag, spherical non-rotating Earth).

References: the minimum-energy relations sin(psi/2) = nu/(2 - nu), gamma = 45 deg - psi/4, with
nu = v^2 R / mu (Wheelon, ARS Journal 1959 [ref:wheelon-1959]), the free-flight range equation
tan(psi/2) = nu sin(g) cos(g) / (1 - nu cos^2 g), Kepler's equation for the time of flight, the J2
energy integral and the flat-Earth projectile. The comparisons themselves live in
:mod:`thaadsim.validation.kepler` (and the Earth-rotation one in :mod:`thaadsim.validation.rotation`);
``thaadsim validate`` prints the same rows.
"""

import numpy as np
import pytest

from _validation import assert_rows_pass, params
from thaadsim.earth.constants import SPHERE
from thaadsim.flight import fly_kinematic
from thaadsim.validation import kepler, rotation

MU = SPHERE.mu_m3s2
R = SPHERE.a_m


@pytest.mark.parametrize("check", params(kepler.min_energy_range_time_apogee, kepler.min_energy_table,
                                         kepler.free_flight_range_equation_off_optimum,
                                         kepler.energy_conserved_in_vacuum_with_j2, kepler.short_low_hop_flat_earth))
def test_against_two_body_closed_forms(check):
    """Min-energy range/time/apogee (0.1 %, 1 s, 0.01 %) for 1.0-7.5 km/s; the published min-energy table
    (1 km, 0.06 min); lofted and depressed arcs on any azimuth; J2 energy (3e-8); a 10 m/s hop."""
    assert_rows_pass(check)


@pytest.mark.parametrize("check", params(rotation.rotation_impact_longitude))
def test_rotation_impact_longitude_is_what_the_two_body_arc_implies(check):
    """From the equator the inertial burnout velocity is v_rel + omega x r; the two-body arc of that
    velocity, less the Earth's turn under it during the flight, gives each impact longitude (0.01 deg)."""
    assert_rows_pass(check)


def test_eastward_beats_westward():
    east, west = (fly_kinematic(6.0, 30.0, az, 0.0, 0.0, earth="sphere", rotation=True, atmosphere=False,
                                sample_dt_s=None).range_km[0] for az in (90.0, 270.0))
    assert east > west + 500.0


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


def test_burnout_on_the_ground_must_climb():
    from thaadsim.errors import ThaadsimError

    with pytest.raises(ThaadsimError, match="burnout_angle_deg"):
        fly_kinematic(7.0, -10.0, 90.0, 0.0, 0.0)
    # from altitude a descending burnout state is fine: it comes down ahead, within the flat-Earth bound
    b = fly_kinematic(2.0, -10.0, 90.0, 0.0, 0.0, burnout_altitude_km=50.0, earth="sphere", rotation=False,
                      atmosphere=False, sample_dt_s=None)
    assert 0 < b.range_km[0] < 2.0 * 50.0 / np.tan(np.radians(10.0))
