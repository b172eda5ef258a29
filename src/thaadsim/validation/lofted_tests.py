"""What lofted tests imply, against independent references.

* the closed-form inversion ``analysis/lofted.py`` (apogee + ground range -> burnout state) flown
  back by the engine (``fly_kinematic`` on a non-rotating sphere, no drag), which knows nothing of it;
* the minimum-energy table computed from the two-body relations [ref:wheelon-1959]; the quarter-globe
  shot by hand (nu = 2(sqrt 2 - 1), gamma = 22.5 deg, Bate-Mueller-White §6.2);
* the published analyses of the 2017 tests by UCS (David Wright) and CSIS
  [ref:ucs-hwasong15-2017, ucs-hwasong14-2017, csis-hwasong14-2017]: the Keplerian figure must be a
  lower bound, within 30 % of theirs;
* the catalog's DPRK missiles flown lofted to their observed tests' apogee and ground range, against
  the observed flight times and against Kepler's equation for the coast
  [ref:csis-hwasong12-2017, vice-hwasong14-2017, janes-hwasong14-2017, bno-hwasong14-2017]
  [ref:defence-industries-hwasong15-2017, ucs-hwasong15-2017, tass-hwasong17-2022].

* ``thaadsim infer`` (a staged liquid rocket fitted to each test with the engine, issue 10 item 1): its
  non-rotating minimum-energy range within 10 % of the analysts' and governments' published estimates
  [ref:csis-hwasong12-2017, taskandpurpose-hwasong14-2017, ucs-hwasong14-2017, ucs-hwasong15-2017]
  [ref:asiaone-hwasong17-2022] (three cases outside it are documented known limits), consistent with
  its band, never below the Keplerian lower bound, and its fitted rocket flying the observed test;
* the inference against independent solvers: the targeting solver flying the fitted rocket lofted in
  the observed time and giving its maximum range, pyproj's geodesic placing the reach along the real
  target line (``infer`` and the fixed ``loft``), and the catalog Hwasong-15 agreeing that Washington
  is in reach (issue 10 Why 1-2).

The fits take seconds each: those checks are left out of ``thaadsim validate --quick``.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from thaadsim.validation import Row, check

FAMILY = "lofted-tests"
# observed lofted tests with both apogee and ground range (DPRK figures), in order:
# [ref:koreaherald-musudan-2016, csis-hwasong12-2017, vice-hwasong14-2017, janes-hwasong14-2017]
# [ref:defence-industries-hwasong15-2017, hankyoreh-hwasong17-2022, tass-hwasong17-2022]
# [ref:livemint-hwasong15-2023, shine-hwasong18-2023, efe-hwasong18-2023]
TESTS_APOGEE_KM = np.array([1413.0, 2111.5, 2802.0, 3724.9, 4475.0, 6248.5, 6040.9, 5768.5, 6648.4, 6518.2])
TESTS_RANGE_KM = np.array([400.0, 787.0, 933.0, 998.0, 950.0, 1090.0, 999.2, 989.0, 1001.2, 1002.3])
SPHERE_FLAT = dict(earth="sphere", rotation=False, atmosphere=False)
ENGINE = "the flight engine (non-rotating sphere, no drag) flying the inferred burnout state"


def fly_burnout_states(b, sample_dt_s=None):
    """The engine flying burnout states ``b`` (from ``burnout_state_from_lofted_test``) on the sphere."""
    from thaadsim.flight import fly_kinematic

    n = b.burnout_speed_kms.size
    return fly_kinematic(b.burnout_speed_kms, b.burnout_angle_deg, np.full(n, 45.0), np.full(n, 10.0),
                         np.full(n, 20.0), b.burnout_altitude_km, sample_dt_s=sample_dt_s, **SPHERE_FLAT)


@check(FAMILY)
def inversion_flown_by_the_engine_from_the_surface() -> list[Row]:
    """Burnout at the surface: the engine reaches the observed apogee and range (0.1 %) in the
    ellipse's coast time (1 s), for the ten observed tests and four synthetic ones."""
    from thaadsim.analysis.lofted import burnout_state_from_lofted_test

    apo = np.r_[TESTS_APOGEE_KM, [50.0, 300.0, 1500.0, 8000.0]]
    rng = np.r_[TESTS_RANGE_KM, [300.0, 2500.0, 6000.0, 3000.0]]
    b = burnout_state_from_lofted_test(apo, rng, burnout_altitude_km=0.0)
    flown = fly_burnout_states(b)
    rows = []
    for i in range(apo.size):
        name = f"apogee {apo[i]:g} km, range {rng[i]:g} km"
        rows += [Row.within(f"{name}: apogee flown", FAMILY, ENGINE, value=flown.apogee_km[i], reference=apo[i],
                            rel=1e-3, unit="km"),
                 Row.within(f"{name}: range flown", FAMILY, ENGINE, value=flown.range_km[i], reference=rng[i],
                            rel=1e-3, unit="km"),
                 Row.within(f"{name}: flight time", FAMILY, ENGINE, value=flown.flight_time_s[i],
                            reference=b.coast_time_s[i], abs=1.0, unit="s")]
    return rows


def recross(flown, h_km):
    """Range (R x central angle from burnout, km) and time (s) where each engine track crosses ``h_km``
    on the way down, interpolated between samples. Non-rotating sphere: ECI is ECEF."""
    from thaadsim.analysis.lofted import R_KM

    rng, tim = np.empty(len(flown)), np.empty(len(flown))
    for i in range(len(flown)):       # reading samples of a few tracks, not a hot path
        n = int(flown.n_samples[i])
        r, t = flown.r_eci_m[i, :n], flown.t_s[i, :n]
        rn = np.linalg.norm(r, axis=1)
        alt = rn / 1e3 - R_KM
        ang = np.arccos(np.clip(r @ r[0] / (rn * rn[0]), -1, 1))
        k = int(np.nonzero((alt[:-1] >= h_km) & (alt[1:] < h_km))[0][-1])
        w = (alt[k] - h_km) / (alt[k] - alt[k + 1])
        rng[i] = R_KM * (ang[k] + w * (ang[k + 1] - ang[k]))
        tim[i] = t[k] + w * (t[k + 1] - t[k])
    return rng, tim


@check(FAMILY, cases={f"burnout at {h:g} km": {"h_bo_km": h} for h in (150.0, 300.0, 500.0)})
def inversion_flown_by_the_engine_from_altitude(h_bo_km: float) -> list[Row]:
    """Burnout at altitude: the engine reaches the observed apogee (0.1 %), lands at the coast plus the
    fall below burnout altitude (0.1 %), and re-crosses that altitude at the observed range (0.1 %) in
    the ellipse's coast time (1 s), for the ten observed tests."""
    from thaadsim.analysis.lofted import burnout_state_from_lofted_test

    b = burnout_state_from_lofted_test(TESTS_APOGEE_KM, TESTS_RANGE_KM, burnout_altitude_km=h_bo_km)
    flown = fly_burnout_states(b, sample_dt_s=0.25)
    rng_at_h, t_at_h = recross(flown, h_bo_km)
    rows = []
    for i in range(TESTS_APOGEE_KM.size):
        name = f"apogee {TESTS_APOGEE_KM[i]:g} km, range {TESTS_RANGE_KM[i]:g} km, burnout at {h_bo_km:g} km"
        rows += [Row.within(f"{name}: apogee flown", FAMILY, ENGINE, value=flown.apogee_km[i],
                            reference=TESTS_APOGEE_KM[i], rel=1e-3, unit="km"),
                 Row.within(f"{name}: impact range", FAMILY, ENGINE, value=flown.range_km[i],
                            reference=b.coast_range_km[i] + b.reentry_range_km[i], rel=1e-3, unit="km"),
                 Row.within(f"{name}: range where it re-crosses {h_bo_km:g} km", FAMILY, ENGINE, value=rng_at_h[i],
                            reference=TESTS_RANGE_KM[i], rel=1e-3, unit="km"),
                 Row.within(f"{name}: coast time", FAMILY, ENGINE, value=t_at_h[i], reference=b.coast_time_s[i],
                            abs=1.0, unit="s")]
    return rows


@check(FAMILY)
def flat_earth_projectile_by_hand() -> list[Row]:
    """H = 1 km, d = 4 km: tan g = 4H/d, v = sqrt(g d / sin 2g), t = 2 v sin g / g (curvature ~ H/R ~ 2e-4)."""
    from thaadsim.analysis.lofted import burnout_state_from_lofted_test
    from thaadsim.earth.constants import SPHERE

    g = SPHERE.mu_m3s2 / SPHERE.a_m ** 2
    b = burnout_state_from_lofted_test([1.0, 0.5], [4.0, 4.0], burnout_altitude_km=0.0)
    gam = np.degrees(np.arctan([1.0, 0.5]))
    v = np.sqrt(g * 4000.0 / np.sin(2 * np.radians(gam)))
    src = "flat-Earth projectile: tan g = 4H/d, v^2 = g d / sin 2g"
    rows = []
    for i, h in enumerate((1.0, 0.5)):
        name = f"{h:g} km high, 4 km long hop"
        rows += [Row.within(f"{name}: angle", FAMILY, src, value=b.burnout_angle_deg[i], reference=gam[i], rel=5e-4,
                            unit="deg"),
                 Row.within(f"{name}: speed", FAMILY, src, value=b.burnout_speed_kms[i] * 1e3, reference=v[i],
                            rel=5e-4, unit="m/s"),
                 Row.within(f"{name}: time", FAMILY, src, value=b.coast_time_s[i],
                            reference=2 * v[i] * np.sin(np.radians(gam[i])) / g, rel=5e-4, unit="s")]
    return rows


@check(FAMILY, cases={f"burnout {a:g} km, end {b:g} km": {"h_bo_km": a, "h_end_km": b}
                      for a, b in [(0.0, 0.0), (300.0, 300.0), (300.0, 0.0), (150.0, 0.0)]})
def min_energy_closed_form_against_the_engine(h_bo_km: float, h_end_km: float) -> list[Row]:
    """The engine flown at the closed-form angle lands at the closed-form range (0.1 %), and 1 deg
    either side lands shorter (the row's band: below the range at the closed-form angle)."""
    from thaadsim.analysis.lofted import min_energy_angle_deg, min_energy_range_km
    from thaadsim.flight import fly_kinematic

    v = np.array([3.0, 5.0, 6.5, 7.2])
    rng, gam = min_energy_range_km(v, h_bo_km, h_end_km), min_energy_angle_deg(v, h_bo_km, h_end_km)
    dg = np.array([-1.0, 0.0, 1.0])
    flown = fly_kinematic(np.repeat(v, 3), (gam[:, None] + dg).ravel(), 90.0, 0.0, 0.0, h_bo_km,
                          sample_dt_s=None if h_end_km == 0 else 0.25, **SPHERE_FLAT)
    got = (flown.range_km if h_end_km == 0 else recross(flown, h_end_km)[0]).reshape(-1, 3)
    src = "min-energy closed form (burnout and end altitudes) [ref:wheelon-1959]"
    rows = []
    for i in range(v.size):
        name = f"{v[i]} km/s, burnout {h_bo_km:g} km, end {h_end_km:g} km"
        rows.append(Row.within(f"{name}: range at the closed-form angle", FAMILY, src, value=got[i, 1],
                               reference=rng[i], rel=1e-3, unit="km"))
        rows.append(Row.between(f"{name}: best of the angle -1, +1 deg", FAMILY, "a maximum is a maximum",
                                value=max(got[i, 0], got[i, 2]), reference=got[i, 1], lower=0.0,
                                upper=np.nextafter(got[i, 1], 0.0), unit="km", text="shorter than at the optimum"))
    return rows


@check(FAMILY)
def engine_search_finds_the_closed_form_maximum() -> list[Row]:
    """The engine's search for the longest shot on the sphere finds the closed-form range (0.1 %) and angle (0.3 deg)."""
    from thaadsim.analysis.lofted import min_energy_angle_deg, min_energy_range_km, min_energy_reach_rotating

    v = np.array([4.0, 6.0, 7.0])
    got = min_energy_reach_rotating(v, 300.0, 30.0, 40.0, 90.0, **SPHERE_FLAT)
    rng, ang = min_energy_range_km(v, 300.0), min_energy_angle_deg(v, 300.0)
    src = "min-energy closed form [ref:wheelon-1959]"
    rows = []
    for i in range(v.size):
        rows += [Row.within(f"engine search at {v[i]:g} km/s: range", FAMILY, src, value=got.range_km[i],
                            reference=rng[i], rel=1e-3, unit="km"),
                 Row.within(f"engine search at {v[i]:g} km/s: angle", FAMILY, src, value=got.angle_deg[i],
                            reference=ang[i], abs=0.3, unit="deg")]
    return rows


# the min-energy table computed from the two-body relations [ref:wheelon-1959], burnout at the surface, km
WHEELON_RANGES = {1.0: 103, 1.5: 233, 2.0: 421, 2.5: 670, 3.0: 988, 3.5: 1386, 4.0: 1875, 4.5: 2476, 5.0: 3215,
                  5.5: 4135, 6.0: 5298, 6.5: 6816, 7.0: 8910, 7.2: 10012, 7.5: 12176}


@check(FAMILY)
def min_energy_range_table() -> list[Row]:
    from thaadsim.analysis.lofted import min_energy_range_km

    v = np.array(list(WHEELON_RANGES))
    got = min_energy_range_km(v, 0.0)
    return [Row.within(f"closed-form min-energy range at {v[i]} km/s", FAMILY, "min-energy table [ref:wheelon-1959]",
                       value=got[i], reference=WHEELON_RANGES[v[i]], abs=1.0, unit="km") for i in range(v.size)]


@check(FAMILY)
def quarter_globe_by_hand() -> list[Row]:
    """Psi = 90 deg: sin 45 deg = nu / (2 - nu) gives nu = 2(sqrt 2 - 1); gamma = 45 - 90/4 = 22.5 deg."""
    from thaadsim.analysis.lofted import R_KM, min_energy_angle_deg, min_energy_range_km
    from thaadsim.earth.constants import SPHERE

    v = math.sqrt(2 * (math.sqrt(2) - 1) * SPHERE.mu_m3s2 / SPHERE.a_m) / 1e3
    src = "quarter-globe min-energy shot by hand (Bate, Mueller & White §6.2)"
    return [Row.within("quarter-globe shot: range", FAMILY, src, value=float(min_energy_range_km(v)),
                       reference=math.pi * R_KM / 2, rel=1e-9, unit="km"),
            Row.within("quarter-globe shot: angle", FAMILY, src, value=float(min_energy_angle_deg(v)),
                       reference=22.5, abs=1e-9, unit="deg")]


PUBLISHED_ESTIMATES = {
    # UCS, D. Wright, 2017-11-28 [ref:ucs-hwasong15-2017]: 4,500 km apogee, 960 km -> "more than 13,000 km"
    "Hwasong-15 2017-11-28 (UCS)": (4500.0, 960.0, 13000.0, "UCS 2017 [ref:ucs-hwasong15-2017]"),
    # UCS, D. Wright, 2017-07-28 [ref:ucs-hwasong14-2017]: 3,700 / 1,000 km -> 10,400 km, no rotation
    "Hwasong-14 2017-07-28 (UCS)": (3700.0, 1000.0, 10400.0, "UCS 2017 [ref:ucs-hwasong14-2017]"),
    # CSIS [ref:csis-hwasong14-2017], 2017-07-04: 2,802 / 933 km -> "more than 6,000 km"
    "Hwasong-14 2017-07-04 (CSIS)": (2802.0, 933.0, 6000.0, "CSIS 2017 [ref:csis-hwasong14-2017]"),
}


@check(FAMILY, cases={k: {"what": k} for k in PUBLISHED_ESTIMATES})
def keplerian_range_lower_bound_of_published_estimate(what: str) -> Row:
    """The published figures credit the boost's gravity loss, which a Keplerian inversion cannot: the
    inversion must come out below them, but not by more than 30 % (UCS's margin is ~25-30 %).
    Burnout at the surface, non-rotating Earth, as the published figures are quoted."""
    from thaadsim.analysis.lofted import burnout_state_from_lofted_test, min_energy_range_km

    apogee_km, range_km, published_km, src = PUBLISHED_ESTIMATES[what]
    b = burnout_state_from_lofted_test(apogee_km, range_km, burnout_altitude_km=0.0)
    rng = float(min_energy_range_km(b.burnout_speed_kms, 0.0))
    return Row.between(f"{what}: Keplerian min-energy range", FAMILY, src, value=rng, reference=published_km,
                       lower=0.7 * published_km, upper=published_km, unit="km",
                       text="0.7-1.0 x the published figure (a lower bound)")


# --- the catalog's DPRK missiles flying their observed lofted tests ----------------------------------
LAUNCH = (39.0, 125.7)       # Pyongyang area
AZIMUTH_DEG = 95.0           # into the Sea of Japan
MU = 3.986004418e14          # m^3/s^2, WGS84 GM
TIME_TOLERANCE = 0.05
# (missile, date, apogee km, ground range km, observed total flight time min, whose timing)
OBSERVED = [
    ("hwasong-12", "2017-05-14", 2111.5, 787.0, 30.0, "~30 min, Japan (CSIS) [ref:csis-hwasong12-2017]"),
    ("hwasong-14", "2017-07-04", 2802.0, 933.0, 38.0, "37 min (US PACOM) - 39 min [ref:vice-hwasong14-2017]"),
    ("hwasong-14", "2017-07-28", 3724.9, 998.0, 47.2, "47 min 12 s, DPRK [ref:janes-hwasong14-2017]"),
    ("hwasong-15", "2017-11-28", 4475.0, 950.0, 53.0, "53 min, DPRK [ref:defence-industries-hwasong15-2017]"),
    ("hwasong-17", "2022-11-18", 6040.9, 999.2, 68.9, "4,135 s, DPRK [ref:tass-hwasong17-2022]"),
]
OBSERVED_IDS = [f"{m}-{d}" for m, d, *_ in OBSERVED]
# The Hwasong-17 cannot fly its test with plausible stage estimates while keeping the published
# 15,000 km and the 1,500 kg RV estimate (see the notes in hwasong-17.toml)
HWASONG17_LIMIT = ("hwasong-17 with a 1,500 kg RV calibrated to 15,000 km reaches ~4,160 km lofted at 999 km, "
                   "not 6,040.9; even 65 s + 70 s burns (lift-off T/W 3.3) reach only ~5,400 km: the test payload "
                   "was presumably much lighter (hwasong-17.toml notes)")
KNOWN_LIMITS = {"hwasong-17-2022-11-18": HWASONG17_LIMIT}


def aimpoint(range_km):
    """The aimpoint ``range_km`` from the launch area on AZIMUTH_DEG, by pyproj's geodesic."""
    from pyproj import Geod

    lon, lat, _ = Geod(ellps="WGS84").fwd(LAUNCH[1], LAUNCH[0], AZIMUTH_DEG, range_km * 1e3)
    return lat, lon


@functools.lru_cache(maxsize=None)
def fly_observed_test(key: str):
    """The catalog missile flown lofted to test ``key``'s apogee and range (raises ThaadsimError if it cannot)."""
    from thaadsim.flight import fly_targeted

    mid, _, apogee_km, range_km, _, _ = OBSERVED[OBSERVED_IDS.index(key)]
    # sampled coarsely: the burnout and impact states are exact event samples either way
    return fly_targeted(mid, *LAUNCH, *aimpoint(range_km), shape="lofted", apogee_km=apogee_km, sample_dt_s=120.0)


def kepler_time_to_radius_s(r0, v0, r1):
    """Two-body time from state (r0, v0) to radius r1 on the descending branch (Kepler's equation)."""
    rn, vn = np.linalg.norm(r0), np.linalg.norm(v0)
    a = 1.0 / (2.0 / rn - vn * vn / MU)
    h = np.linalg.norm(np.cross(r0, v0))
    e = math.sqrt(max(0.0, 1.0 - h * h / (MU * a)))
    e0 = math.acos(np.clip((1.0 - rn / a) / e, -1.0, 1.0))
    if np.dot(r0, v0) < 0.0:          # already past apogee
        e0 = 2.0 * math.pi - e0
    e1 = 2.0 * math.pi - math.acos(np.clip((1.0 - r1 / a) / e, -1.0, 1.0))
    return math.sqrt(a ** 3 / MU) * ((e1 - e * math.sin(e1)) - (e0 - e * math.sin(e0)))


_OBS_CASES = {k: {"key": k} for k in OBSERVED_IDS}


@check(FAMILY, cases=_OBS_CASES, known_limits=KNOWN_LIMITS)
def catalog_missile_flies_its_lofted_test(key: str) -> list[Row]:
    """Targeted lofted to the observed apogee (1 %) and range (miss < 1 km)."""
    mid, date, apogee_km, range_km, _, _ = OBSERVED[OBSERVED_IDS.index(key)]
    b = fly_observed_test(key)
    src = f"observed {date} test, apogee {apogee_km:,.1f} km, range {range_km:g} km"
    return [Row.within(f"{mid} {date}: apogee", FAMILY, src, value=b.apogee_km[0], reference=apogee_km, rel=0.01,
                       unit="km"),
            Row.within(f"{mid} {date}: miss of the observed range point", FAMILY, src, value=b.miss_km[0],
                       reference=0.0, abs=1.0, unit="km")]


@check(FAMILY, cases=_OBS_CASES, known_limits=KNOWN_LIMITS)
def catalog_missile_flight_time_against_observed(key: str) -> Row:
    """Total flight time within 5 % of the observed (timings differ by 2-5 % between sources)."""
    mid, date, _, _, minutes, whose = OBSERVED[OBSERVED_IDS.index(key)]
    b = fly_observed_test(key)
    return Row.within(f"{mid} {date}: flight time", FAMILY, f"observed: {whose}", value=float(b.flight_time_s[0]) / 60,
                      reference=minutes, rel=TIME_TOLERANCE, unit="min")


@check(FAMILY, cases=_OBS_CASES, known_limits=KNOWN_LIMITS)
def catalog_missile_coast_against_kepler(key: str) -> Row:
    """The model's coast, burnout to impact, takes the two-body ellipse's time (J2 and drag: 0.5 %)."""
    mid, date, *_ = OBSERVED[OBSERVED_IDS.index(key)]
    b = fly_observed_test(key)
    n = int(b.n_samples[0])
    t = b.t_s[0, :n]
    i_bo = int(np.flatnonzero(np.isclose(t, b.burnout_s[0], atol=1e-6))[-1])
    coast = kepler_time_to_radius_s(b.r_eci_m[0, i_bo], b.v_eci_ms[0, i_bo], np.linalg.norm(b.r_eci_m[0, n - 1]))
    return Row.within(f"{mid} {date}: coast time", FAMILY, "Kepler's equation from the burnout state",
                      value=float(t[n - 1] - t[i_bo]), reference=coast, rel=0.005, unit="s")


# --- `thaadsim infer`: a staged liquid rocket fitted to each test, against the published estimates -----------
# (id, apogee km, range km, total minutes, liquid stages, published range km, "about" or "more than", whose)
# The published figures are all quoted without the Earth's rotation (UCS says so [ref:ucs-hwasong14-2017]).
INFER_PUBLISHED = [
    ("hwasong-12-2017-05-14", 2111.5, 787.0, 30.0, 1, 4500.0, "about",
     "up to ~4,500 km, CSIS with 38 North's Schilling [ref:csis-hwasong12-2017]"),
    ("hwasong-14-2017-07-04", 2802.0, 933.0, 38.0, 2, 6700.0, "about",
     "roughly 6,700 km, UCS (Wright) [ref:taskandpurpose-hwasong14-2017]"),
    ("hwasong-14-2017-07-28", 3724.9, 998.0, 47.2, 2, 10400.0, "about",
     "about 10,400 km, UCS (Wright) [ref:ucs-hwasong14-2017]"),
    ("hwasong-15-2017-11-28", 4475.0, 950.0, 53.0, 2, 13000.0, "more than",
     "more than 13,000 km, UCS (Wright) [ref:ucs-hwasong15-2017]"),
    ("hwasong-17-2022-11-18", 6040.9, 999.2, 4135.0 / 60.0, 2, 15000.0, "more than",
     "as far as 15,000 km depending on the warhead, Japan MoD [ref:asiaone-hwasong17-2022]"),
]
INFER_TOLERANCE = 0.10
# the farthest any non-rotating ballistic range can be: the antipode (WGS84 half equator, 20,038 km)
ANTIPODE_KM = 20040.0
# the fit's range is hypersensitive to the flight time at these apogees: +-1 min moves it by ~30 %
# (the band), because the time fixes the burn time and so the gravity loss of the lofted boost.
# The Hwasong-15 fit passes since its range-maximising ascent keeps under the ICBM class's
# dynamic-pressure ceiling (FlightOptions.max_q_ceiling): 14,151 km (+8.9 %); with a ~100 kPa
# ascent it gave 15,155 km (+17 %).
INFER_KNOWN_LIMITS = {
    "hwasong-14-2017-07-28": "the fit gives 11,543 km (+11 %) with the DPRK's 47.2 min; with the Japanese ~45 min it "
                             "gives ~8,800 km: the published 10,400 km lies inside the band (7,479-19,221 km)",
    "hwasong-17-2022-11-18": "the published figure is 'as far as 15,000 km, depending on the warhead'; with the "
                             "1,000 kg in test and warhead alike the fitted rocket is near orbital (19,775 km, the "
                             "antipode: global range); the published figure depends on the warhead's weight",
}
_INFER_IDS = [p[0] for p in INFER_PUBLISHED]
_INFER_CASES = {k: {"key": k} for k in _INFER_IDS}


def _published(key: str):
    return INFER_PUBLISHED[_INFER_IDS.index(key)]


@functools.lru_cache(maxsize=None)
def inferred(key: str):
    """``infer_lofted_test`` on test ``key`` (a few hundred vectorised flights), once per process; the
    fitted rockets' tables are not written to the user's cache."""
    from thaadsim.analysis.inference import infer_lofted_test
    from thaadsim.validation import disk_cache_dir

    _, apogee_km, range_km, minutes, stages, *_ = _published(key)
    with disk_cache_dir("off"):
        return infer_lofted_test(apogee_km, range_km, minutes * 60.0, stages=stages)


@check(FAMILY, quick=False, cases=_INFER_CASES, known_limits=INFER_KNOWN_LIMITS)
def infer_met_range_against_published_estimate(key: str) -> Row:
    """The boost-modelled minimum-energy range (non-rotating) within 10 % of the published estimate."""
    *_, published, _, whose = _published(key)
    return Row.within(f"{key}: infer met_range_km", FAMILY, whose, value=inferred(key).met_range_km,
                      reference=published, rel=INFER_TOLERANCE, unit="km")


@check(FAMILY, quick=False, cases=_INFER_CASES)
def infer_band_consistent_with_published_estimate(key: str) -> list[Row]:
    """The fit lies in its band over the assumptions; an "about X" lies inside the band, a "more than X"
    is not above the band's top."""
    *_, published, kind, whose = _published(key)
    inf = inferred(key)
    rows = [Row.between(f"{key}: infer met_range_km inside its band", FAMILY, "the fit's band over its assumptions",
                        value=inf.met_range_km, reference=inf.met_range_km, lower=inf.met_range_km_low,
                        upper=inf.met_range_km_high, unit="km", text="met_range_km_low ... met_range_km_high"),
            Row.between(f"{key}: infer band top against the published figure", FAMILY, whose,
                        value=inf.met_range_km_high, reference=published, lower=published, upper=ANTIPODE_KM,
                        unit="km", text="at or above the published figure")]
    if kind == "about":
        rows.append(Row.between(f"{key}: infer band bottom against the published figure", FAMILY, whose,
                                value=inf.met_range_km_low, reference=published, lower=0.0, upper=published,
                                unit="km", text="at or below the published figure"))
    return rows


@check(FAMILY, quick=False, cases=_INFER_CASES)
def infer_not_below_the_keplerian_lower_bound(key: str) -> list[Row]:
    """The closed-form inversion with burnout at the surface and at 300 km (lofted.py's default) is a
    lower bound: the boost-modelled estimate must not fall below it."""
    from thaadsim.analysis.lofted import burnout_state_from_lofted_test, min_energy_range_km

    _, apogee_km, range_km, *_ = _published(key)
    met = inferred(key).met_range_km
    rows = []
    for h_bo in (0.0, 300.0):
        v = burnout_state_from_lofted_test(apogee_km, range_km, h_bo).burnout_speed_kms
        bound = float(min_energy_range_km(v, h_bo))
        rows.append(Row.between(f"{key}: infer met_range_km above the Keplerian bound (burnout {h_bo:g} km)", FAMILY,
                                "two-body min-energy range of the closed-form burnout state [ref:wheelon-1959]",
                                value=met, reference=bound, lower=bound, upper=ANTIPODE_KM, unit="km",
                                text="at or above the lower bound"))
    return rows


@check(FAMILY, quick=False, cases=_INFER_CASES)
def infer_fit_flies_the_observed_test(key: str) -> list[Row]:
    """The fit converged: the fitted rocket, flown by the engine, reproduces the observed apogee, range
    and flight time to 0.15 %."""
    _, apogee_km, range_km, minutes, *_ = _published(key)
    f = inferred(key).fit
    src = f"observed {key[-10:]} test (DPRK figures)"
    return [Row.within(f"{key}: fit converged", FAMILY, "the fit's own convergence flag", value=float(f.converged[0]),
                       reference=1.0, text="converged"),
            Row.within(f"{key}: fitted rocket's apogee", FAMILY, src, value=f.apogee_km[0], reference=apogee_km,
                       rel=1.5e-3, unit="km"),
            Row.within(f"{key}: fitted rocket's range", FAMILY, src, value=f.range_km[0], reference=range_km,
                       rel=1.5e-3, unit="km"),
            Row.within(f"{key}: fitted rocket's flight time", FAMILY, src, value=f.flight_time_s[0] / 60.0,
                       reference=minutes, rel=1.5e-3, unit="min")]


# --- the inference against targeting and pyproj (self-consistency with independent solvers) ------------------
HS15_TEST = (4475.0, 950.0, 53.0 * 60.0)      # 28 Nov 2017 [ref:defence-industries-hwasong15-2017]
PYONGYANG = (39.0, 125.7)
WASHINGTON = (38.9, -77.0)
LOS_ANGELES = (34.05, -118.25)
ANCHORAGE = (61.2, -149.9)
GEOD_SRC = "pyproj Geod (GeographicLib)"


@functools.lru_cache(maxsize=None)
def nominal_fit(apogee_km: float, range_km: float, flight_time_s: float):
    """The fit under the nominal assumptions only (one variant), once per process, no disk tables."""
    from thaadsim.analysis import inference
    from thaadsim.validation import disk_cache_dir

    with disk_cache_dir("off"):
        return inference.fit_lofted_test(apogee_km, range_km, flight_time_s, inference.assumption_variants()[:1])


def _bearing_error_deg(a_deg: float, b_deg: float) -> float:
    return (a_deg - b_deg + 180.0) % 360.0 - 180.0


@check(FAMILY, quick=False)
def infer_fitted_rocket_flown_lofted_by_targeting() -> list[Row]:
    """The Hwasong-15 test's fitted rocket, flown lofted by the targeting solver (its own grids and
    iterations) to the observed range and apogee, takes the observed time (1 %)."""
    from pyproj import Geod

    from thaadsim.analysis.inference import DEFAULT_TEST_AZIMUTH_DEG
    from thaadsim.flight import fly_targeted
    from thaadsim.validation import disk_cache_dir

    apogee_km, range_km, time_s = HS15_TEST
    m = nominal_fit(*HS15_TEST).missiles[0]
    lon, lat, _ = Geod(ellps="WGS84").fwd(PYONGYANG[1], PYONGYANG[0], DEFAULT_TEST_AZIMUTH_DEG, range_km * 1e3)
    with disk_cache_dir("off"):
        b = fly_targeted(m, *PYONGYANG, lat, lon, shape="lofted", apogee_km=apogee_km, sample_dt_s=None)
    src = "fly_targeted lofted (the targeting solver) to the observed 2017-11-28 test"
    return [Row.within("Hwasong-15 2017 fit, flown lofted by targeting: miss", FAMILY, src, value=b.miss_km[0],
                       reference=0.0, abs=1.0, unit="km"),
            Row.within("Hwasong-15 2017 fit, flown lofted by targeting: apogee", FAMILY, src, value=b.apogee_km[0],
                       reference=apogee_km, rel=0.01, unit="km"),
            Row.within("Hwasong-15 2017 fit, flown lofted by targeting: flight time", FAMILY, src,
                       value=b.flight_time_s[0] / 60.0, reference=time_s / 60.0, rel=0.01, unit="min")]


@check(FAMILY, quick=False)
def infer_met_range_against_the_shape_table_maximum() -> Row:
    """The inference's met_range_km for the Hwasong-15 fit is the targeting shape table's maximum range on a
    non-rotating Earth (1 %)."""
    from thaadsim.analysis import inference
    from thaadsim.flight.engine import FlightOptions
    from thaadsim.flight.targeting import max_range_km
    from thaadsim.validation import disk_cache_dir

    m = nominal_fit(*HS15_TEST).missiles[0]
    with disk_cache_dir("off"):
        ours = float(inference.met_range_km([m])[0])
        theirs = float(max_range_km(m, FlightOptions(rotation=False)))
    return Row.within("Hwasong-15 2017 fit: met_range_km", FAMILY,
                      "targeting's shape-table maximum range, non-rotating", value=ours, reference=theirs, rel=0.01,
                      unit="km")


@check(FAMILY, quick=False)
def infer_reach_along_the_target_line() -> list[Row]:
    """The 4 Jul 2017 Hwasong-14 fit toward Anchorage [ref:vice-hwasong14-2017]: flown at the corrected
    launch azimuth and the best kick, the impact lies on the target's geodesic bearing (0.1 deg) at the
    reported reach (5 km); the Earth's turn moves the launch azimuth off the geodesic one by over 2 deg."""
    from pyproj import Geod

    from thaadsim.analysis import inference
    from thaadsim.flight.engine import fly_powered

    geod = Geod(ellps="WGS84")
    m = nominal_fit(2802.0, 933.0, 38.0 * 60.0).missiles[0]
    reach, dist, az_launch, az_target = inference.reach_along_target_line([m], PYONGYANG, ANCHORAGE)
    kick = inference._best_kick_reach([m], PYONGYANG, az_launch, rotation=True)[1]
    b = fly_powered([m], [0], *PYONGYANG, az_launch, kick, sample_dt_s=None)
    fwd, _, d = geod.inv(PYONGYANG[1], PYONGYANG[0], b.impact_lon_deg[0], b.impact_lat_deg[0])
    fwd_target, _, d_target = geod.inv(PYONGYANG[1], PYONGYANG[0], ANCHORAGE[1], ANCHORAGE[0])
    name = "Hwasong-14 2017-07-04 fit toward Anchorage"
    return [Row.within(f"{name}: impact bearing off the target's", FAMILY, GEOD_SRC,
                       value=_bearing_error_deg(fwd, fwd_target), reference=0.0, abs=0.1, unit="deg"),
            Row.within(f"{name}: reach", FAMILY, GEOD_SRC + " distance to the flown impact", value=float(reach[0]),
                       reference=d / 1e3, abs=5.0, unit="km"),
            Row.within(f"{name}: target distance", FAMILY, GEOD_SRC, value=float(dist), reference=d_target / 1e3,
                       abs=0.01, unit="km"),
            Row.between(f"{name}: launch azimuth off the geodesic azimuth", FAMILY, "the Earth turning under the flight",
                        value=abs(_bearing_error_deg(float(az_launch[0]), float(az_target))), reference=2.0,
                        lower=2.0, upper=180.0, unit="deg", text="more than 2 deg")]


@check(FAMILY)
def loft_reach_along_the_real_target_line() -> list[Row]:
    """Issue 10 Why 1: the closed-form burnout speed of the 2017 Hwasong-15 test toward Los Angeles; the
    engine's maximum-range impact at the corrected azimuth lies on the target's bearing (0.1 deg) at the
    reported reach (5 km), and the margin is the outside check's ~+565 km (25 km), not +731 km."""
    from pyproj import Geod

    from thaadsim.analysis.lofted import burnout_state_from_lofted_test, reach_toward_target
    from thaadsim.flight import fly_kinematic

    v = float(burnout_state_from_lofted_test(HS15_TEST[0], HS15_TEST[1], 300.0).burnout_speed_kms)
    t = reach_toward_target(v, 300.0, *PYONGYANG, *LOS_ANGELES)
    angles = np.arange(5.0, 45.0, 0.25)
    flown = fly_kinematic(np.full(angles.size, v), angles, float(t.launch_azimuth_deg), *PYONGYANG, 300.0,
                          sample_dt_s=None)
    i = int(np.nanargmax(flown.range_km))
    fwd, _, d = Geod(ellps="WGS84").inv(PYONGYANG[1], PYONGYANG[0], flown.impact_lon_deg[i], flown.impact_lat_deg[i])
    name = "loft, Hwasong-15 2017 toward Los Angeles"
    return [Row.within(f"{name}: impact bearing off the target's", FAMILY, GEOD_SRC,
                       value=_bearing_error_deg(fwd, float(t.azimuth_deg)), reference=0.0, abs=0.1, unit="deg"),
            Row.within(f"{name}: reach", FAMILY, GEOD_SRC + " distance to the engine's farthest impact",
                       value=float(t.reach_km), reference=d / 1e3, abs=5.0, unit="km"),
            Row.within(f"{name}: margin beyond the target", FAMILY, "issue 10's outside check: about +565 km",
                       value=float(t.margin_km), reference=565.0, abs=25.0, unit="km")]


@check(FAMILY, quick=False)
def infer_and_catalog_agree_washington_is_in_reach() -> list[Row]:
    """Issue 10 Why 2: the 2017 Hwasong-15 test's inference and the catalog Hwasong-15 (``fly``) must not
    contradict: both reach Washington."""
    from thaadsim.analysis.inference import infer_lofted_test
    from thaadsim.flight import fly_targeted
    from thaadsim.validation import disk_cache_dir

    with disk_cache_dir("off"):
        inf = infer_lofted_test(*HS15_TEST, launch=PYONGYANG, target=WASHINGTON)
    b = fly_targeted("hwasong-15", *PYONGYANG, *WASHINGTON, sample_dt_s=None)
    return [Row.between("Hwasong-15 2017 inference toward Washington: margin", FAMILY,
                        "the catalog Hwasong-15 reaching Washington (fly_targeted)", value=inf.target["margin_km"],
                        reference=0.0, lower=0.0, upper=ANTIPODE_KM, unit="km", text="positive (it reaches)"),
            Row.within("catalog Hwasong-15 to Washington: miss", FAMILY, "fly_targeted to Washington",
                       value=b.miss_km[0], reference=0.0, abs=1.0, unit="km")]
