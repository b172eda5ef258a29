"""Ballistic flight against closed-form two-body results (no drag, spherical non-rotating Earth).

References: the minimum-energy relations sin(psi/2) = nu/(2 - nu), gamma = 45 deg - psi/4, with
nu = v^2 R / mu (Wheelon, ARS Journal 1959 [ref:wheelon-1959]); the free-flight range equation
tan(psi/2) = nu sin(g) cos(g) / (1 - nu cos^2 g); Kepler's equation for the time of flight; the J2
energy integral; flat-Earth projectile formulas for a short hop. The engine integrates the equations
of motion and knows none of these closed forms.
"""

from __future__ import annotations

import numpy as np

from thaadsim.validation import Row, check

FAMILY = "kepler"
KEPLER = "two-body closed form (Kepler's equation, free-flight range equation) [ref:wheelon-1959]"


def _sphere():
    from thaadsim.earth.constants import SPHERE
    return SPHERE.mu_m3s2, SPHERE.a_m


def kepler_range_time(v_ms, gamma_rad, r0=None):
    """Range angle (rad), flight time (s) and apogee radius (m) of a symmetric ballistic arc from ``r0``.

    psi from tan(psi/2) = nu sin g cos g / (1 - nu cos^2 g); the time from Kepler's equation
    M = E - e sin E between the burnout true anomaly and apogee, doubled.
    """
    mu, r_e = _sphere()
    r0 = r_e if r0 is None else r0
    nu = v_ms ** 2 * r0 / mu
    psi = 2 * np.arctan2(nu * np.sin(gamma_rad) * np.cos(gamma_rad), 1 - nu * np.cos(gamma_rad) ** 2)
    h = r0 * v_ms * np.cos(gamma_rad)
    energy = v_ms ** 2 / 2 - mu / r0
    a = -mu / (2 * energy)
    e = np.sqrt(1 + 2 * energy * h ** 2 / mu ** 2)
    p = h ** 2 / mu
    theta0 = np.arccos(np.clip((p / r0 - 1) / e, -1, 1))      # burnout on the way up: apogee at pi
    e0 = 2 * np.arctan(np.sqrt((1 - e) / (1 + e)) * np.tan(theta0 / 2))
    n = np.sqrt(mu / a ** 3)
    t_half = (np.pi - (e0 - e * np.sin(e0))) / n
    return psi, 2 * t_half, a * (1 + e)


def _vacuum_sphere(v_kms, gamma_deg, az, lat, lon, **kw):
    from thaadsim.flight import fly_kinematic
    return fly_kinematic(v_kms, gamma_deg, az, lat, lon, earth="sphere", rotation=False, atmosphere=False,
                         sample_dt_s=None, **kw)


_SPEEDS = {f"{v} km/s": {"v_kms": v} for v in (1.0, 2.0, 3.0, 4.5, 6.0, 7.0, 7.2, 7.5)}


@check(FAMILY, cases=_SPEEDS)
def min_energy_range_time_apogee(v_kms: float) -> list[Row]:
    """Min-energy shot at ``v_kms``: range within 0.1 %, time within 1 s, apogee within 0.01 %."""
    mu, r_e = _sphere()
    v = v_kms * 1e3
    nu = v ** 2 * r_e / mu
    psi = 2 * np.arcsin(nu / (2 - nu))
    gamma = np.pi / 4 - psi / 4
    _, t_ref, ra = kepler_range_time(v, gamma)
    b = _vacuum_sphere(v_kms, np.degrees(gamma), 90.0, 0.0, 0.0)
    name = f"min-energy {v_kms} km/s"
    return [Row.within(f"{name}: range", FAMILY, KEPLER, value=b.range_km[0], reference=r_e * psi / 1e3,
                       rel=1e-3, unit="km"),
            Row.within(f"{name}: flight time", FAMILY, KEPLER, value=b.flight_time_s[0], reference=t_ref,
                       abs=1.0, unit="s"),
            Row.within(f"{name}: apogee", FAMILY, KEPLER, value=b.apogee_km[0], reference=(ra - r_e) / 1e3,
                       rel=1e-4, unit="km")]


# the min-energy table computed from the two-body relations [ref:wheelon-1959], rounded to the km and 0.1 min
WHEELON_TABLE = {2.0: (421, 5.0, 103), 5.0: (3215, 15.6, 694), 7.0: (8910, 30.0, 1303)}


@check(FAMILY, cases={f"{v} km/s": {"v_kms": v} for v in WHEELON_TABLE})
def min_energy_table(v_kms: float) -> list[Row]:
    """The published min-energy table: range and apogee within 1 km, time within 0.06 min."""
    mu, r_e = _sphere()
    rng, minutes, apo = WHEELON_TABLE[v_kms]
    v = v_kms * 1e3
    nu = v ** 2 * r_e / mu
    gamma = np.pi / 4 - np.arcsin(nu / (2 - nu)) / 2
    b = _vacuum_sphere(v_kms, np.degrees(gamma), 45.0, 10.0, 20.0)
    src = "min-energy table [ref:wheelon-1959]"
    name = f"table {v_kms} km/s"
    return [Row.within(f"{name}: range", FAMILY, src, value=b.range_km[0], reference=rng, abs=1.0, unit="km"),
            Row.within(f"{name}: flight time", FAMILY, src, value=b.flight_time_s[0] / 60, reference=minutes,
                       abs=0.06, unit="min"),
            Row.within(f"{name}: apogee", FAMILY, src, value=b.apogee_km[0], reference=apo, abs=1.0, unit="km")]


@check(FAMILY)
def free_flight_range_equation_off_optimum() -> list[Row]:
    """Lofted and depressed arcs on any azimuth: range within 0.1 %, time within 1 s."""
    _, r_e = _sphere()
    v = np.array([3.0, 5.0, 6.5, 6.5])
    g = np.array([70.0, 15.0, 40.0, 10.0])
    az = np.array([0.0, 123.0, 270.0, 200.0])
    b = _vacuum_sphere(v, g, az, [30.0, -45.0, 60.0, 0.0], [10.0, 100.0, -70.0, 179.0])
    psi, t_ref, _ = kepler_range_time(v * 1e3, np.radians(g))
    rows = []
    for i in range(v.size):
        name = f"{v[i]} km/s at {g[i]:g} deg, az {az[i]:g}"
        rows += [Row.within(f"{name}: range", FAMILY, KEPLER, value=b.range_km[i], reference=r_e * psi[i] / 1e3,
                            rel=1e-3, unit="km"),
                 Row.within(f"{name}: flight time", FAMILY, KEPLER, value=b.flight_time_s[i], reference=t_ref[i],
                            abs=1.0, unit="s")]
    return rows


@check(FAMILY)
def energy_conserved_in_vacuum_with_j2() -> list[Row]:
    """E = v^2/2 + U, U = -mu/r [1 - J2 (Re/r)^2 (3 sin^2(phi) - 1)/2], constant to 3e-8 (relative)."""
    from thaadsim.earth.constants import WGS84
    from thaadsim.flight import fly_kinematic

    b = fly_kinematic([7.0, 5.0], [25.0, 40.0], [30.0, 300.0], [45.0, -20.0], [10.0, 50.0],
                      earth="wgs84", rotation=True, atmosphere=False, sample_dt_s=5.0)
    rows = []
    for i in range(len(b)):
        n = b.n_samples[i]
        r, v = b.r_eci_m[i, :n], b.v_eci_ms[i, :n]
        rn = np.linalg.norm(r, axis=1)
        s2 = (r[:, 2] / rn) ** 2
        u = -WGS84.mu_m3s2 / rn * (1 - WGS84.j2 * (WGS84.a_m / rn) ** 2 * (3 * s2 - 1) / 2)
        e = 0.5 * np.sum(v * v, axis=1) + u
        drift = float(np.max(np.abs(e - e[0])) / abs(e[0]))
        # samples between steps are cubic-Hermite interpolated: good to ~1e-8 of the energy
        rows.append(Row.within(f"J2 energy drift, flight {i}", FAMILY, "J2 energy integral (conserved)",
                               value=drift, reference=0.0, abs=3e-8, unit="relative"))
    return rows


@check(FAMILY)
def short_low_hop_flat_earth() -> list[Row]:
    """A 10 m/s hop at 25 deg: range v^2 sin 2g / g, apex v^2 sin^2 g / 2g, time 2 v sin g / g (0.1 %)."""
    mu, r_e = _sphere()
    g = mu / r_e ** 2
    v, gam = 10.0, np.radians(25.0)
    b = _vacuum_sphere(v / 1e3, 25.0, 0.0, 10.0, 20.0)
    src = "flat-Earth projectile formulas"
    return [Row.within("10 m/s hop: range", FAMILY, src, value=b.range_km[0] * 1e3,
                       reference=v ** 2 * np.sin(2 * gam) / g, rel=1e-3, unit="m"),
            Row.within("10 m/s hop: apex", FAMILY, src, value=b.apogee_km[0] * 1e3,
                       reference=v ** 2 * np.sin(gam) ** 2 / (2 * g), rel=1e-3, unit="m"),
            Row.within("10 m/s hop: flight time", FAMILY, src, value=b.flight_time_s[0],
                       reference=2 * v * np.sin(gam) / g, rel=1e-3, unit="s")]
