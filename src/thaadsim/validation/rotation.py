"""The rotating WGS84 Earth: frames and geodesics against PROJ and GeographicLib, Earth rotation
against the two-body arc of the inertial velocity, and the whole powered flight with drag against
scipy's DOP853 on the same equations written independently (:mod:`thaadsim.flight.reference`), and
the spent final stage's coast (J2, drag in the co-rotating air) against DOP853 on its equations written
here (issue 10 item 4).
"""

from __future__ import annotations

import functools

import numpy as np

from thaadsim.validation import Row, check
from thaadsim.validation.kepler import kepler_range_time

FAMILY = "rotation"
PROJ = "PROJ (pyproj) EPSG:4979 -> EPSG:4978"


@functools.lru_cache(maxsize=1)
def random_points():
    """2,000 seeded points, latitudes to +-89.9 deg, heights -1 km to 40,000 km, and PROJ's ECEF for them."""
    from pyproj import Transformer

    rng = np.random.default_rng(7)
    lat, lon, alt = rng.uniform(-89.9, 89.9, 2000), rng.uniform(-180, 180, 2000), rng.uniform(-1e3, 4e7, 2000)
    x, y, z = Transformer.from_crs("EPSG:4979", "EPSG:4978", always_xy=True).transform(lon, lat, alt)
    return lat, lon, alt, np.stack([x, y, z], -1)


def _max_abs(a, b) -> float:
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))))


@check(FAMILY)
def geodetic_to_ecef_against_proj() -> Row:
    from thaadsim.earth.frames import geodetic_to_ecef

    lat, lon, alt, xyz = random_points()
    return Row.within("geodetic -> ECEF, max position error (2,000 points)", FAMILY, PROJ,
                      value=_max_abs(geodetic_to_ecef(lat, lon, alt), xyz), reference=0.0, abs=1e-6, unit="m")


@check(FAMILY)
def ecef_to_geodetic_against_proj() -> list[Row]:
    from thaadsim.earth.frames import ecef_to_geodetic

    lat0, lon0, alt0, xyz = random_points()
    lat, lon, alt = ecef_to_geodetic(xyz)
    return [Row.within("ECEF -> geodetic, max latitude error", FAMILY, PROJ, value=_max_abs(lat, lat0),
                       reference=0.0, abs=1e-9, unit="deg"),
            Row.within("ECEF -> geodetic, max longitude error", FAMILY, PROJ, value=_max_abs(lon, lon0),
                       reference=0.0, abs=1e-9, unit="deg"),
            Row.within("ECEF -> geodetic, max height error", FAMILY, PROJ, value=_max_abs(alt, alt0),
                       reference=0.0, abs=1e-4, unit="m")]


@functools.lru_cache(maxsize=1)
def _sincos_kernel():
    from numba import njit

    from thaadsim.earth.frames import ecef_to_geodetic_sincos

    @njit
    def many(xyz, a, e2):
        out = np.empty((xyz.shape[0], 5))
        for i in range(xyz.shape[0]):
            out[i, 0], out[i, 1], out[i, 2], out[i, 3], out[i, 4] = ecef_to_geodetic_sincos(
                xyz[i, 0], xyz[i, 1], xyz[i, 2], a, e2)
        return out
    return many


def trig_free_geodetic(xyz):
    """The flight kernel's trigonometry-free conversion, called point by point as the kernel calls it."""
    from thaadsim.earth.constants import WGS84
    return _sincos_kernel()(np.ascontiguousarray(xyz, dtype=float), WGS84.a_m, WGS84.e2)


@check(FAMILY)
def trig_free_geodetic_against_proj() -> list[Row]:
    """The kernel's sines, cosines (1e-12) and height (0.1 mm) against PROJ, poles included."""
    from thaadsim.earth.constants import WGS84

    lat, lon, alt, xyz = random_points()
    out = trig_free_geodetic(xyz)
    la, lo = np.radians(lat), np.radians(lon)
    trig = max(_max_abs(out[:, 0], np.sin(la)), _max_abs(out[:, 1], np.cos(la)),
               _max_abs(out[:, 2], np.sin(lo)), _max_abs(out[:, 3], np.cos(lo)))
    pole = trig_free_geodetic(np.array([[0.0, 0.0, WGS84.b_m + 100.0], [0.0, 0.0, -WGS84.b_m - 50.0]]))
    return [Row.within("kernel geodetic: max sine/cosine error", FAMILY, PROJ, value=trig, reference=0.0,
                       abs=1e-12),
            Row.within("kernel geodetic: max height error", FAMILY, PROJ, value=_max_abs(out[:, 4], alt),
                       reference=0.0, abs=1e-4, unit="m"),
            Row.within("kernel geodetic at the poles: max error", FAMILY, "the poles' geodetic coordinates",
                       value=_max_abs(pole[:, [0, 1, 4]], [[1.0, 0.0, 100.0], [-1.0, 0.0, 50.0]]), reference=0.0,
                       abs=1e-6)]


@check(FAMILY)
def look_angles_against_proj_topocentric() -> Row:
    from pyproj import Transformer

    from thaadsim.earth.frames import ecef_to_enu, geodetic_to_ecef

    lat0, lon0, h0 = 36.0, 128.2, 680.0
    tgt = geodetic_to_ecef([39.0, 35.0], [125.7, 129.0], [300e3, 10e3])
    topo = Transformer.from_pipeline(
        f"+proj=pipeline +step +proj=topocentric +ellps=WGS84 +lon_0={lon0} +lat_0={lat0} +h_0={h0}")
    e, n, u = topo.transform(tgt[:, 0], tgt[:, 1], tgt[:, 2])
    return Row.within("ECEF -> local east/north/up, max error", FAMILY, "PROJ topocentric conversion",
                      value=_max_abs(ecef_to_enu(tgt, lat0, lon0, h0), np.stack([e, n, u], -1)), reference=0.0,
                      abs=1e-6, unit="m")


@check(FAMILY)
def geodesics_against_geographiclib() -> list[Row]:
    """Inverse and direct geodesics, pyproj's Geod (GeographicLib's algorithms) as the reference."""
    from pyproj import Geod

    from thaadsim.earth.geodesy import geodesic_direct, geodesic_inverse

    geod = Geod(ellps="WGS84")
    src = "GeographicLib (through pyproj Geod)"
    rows = []
    for lat1, lon1, lat2, lon2 in [(39.0, 125.7, 38.9, -77.0), (36.0, 128.2, 37.5665, 126.978),
                                   (45.0, 130.0, 40.7, -74.0)]:
        az_ref, _, s_ref = geod.inv(lon1, lat1, lon2, lat2)
        d, az = geodesic_inverse(lat1, lon1, lat2, lon2)
        lat, lon = geodesic_direct(lat1, lon1, az_ref, s_ref)
        pair = f"({lat1:g},{lon1:g})->({lat2:g},{lon2:g})"
        rows += [Row.within(f"geodesic {pair}: distance", FAMILY, src, value=float(d), reference=s_ref, abs=1e-6,
                            unit="m"),
                 Row.within(f"geodesic {pair}: azimuth", FAMILY, src, value=float(az), reference=az_ref % 360,
                            abs=1e-9, unit="deg"),
                 Row.within(f"geodesic {pair}: direct problem, end-point error", FAMILY, src,
                            value=max(abs(float(lat) - lat2), abs((float(lon) - lon2 + 180) % 360 - 180)),
                            reference=0.0, abs=1e-9, unit="deg")]
    return rows


@check(FAMILY, cases={"eastward": {"azimuth_deg": 90.0}, "westward": {"azimuth_deg": 270.0}})
def rotation_impact_longitude(azimuth_deg: float) -> Row:
    """From the equator the inertial burnout velocity is v_rel + omega x r; the two-body arc of it,
    less the Earth's turn under it during the flight, gives the impact longitude (0.01 deg)."""
    from thaadsim.earth.constants import SPHERE
    from thaadsim.flight import fly_kinematic

    om, r_e = SPHERE.omega_rads, SPHERE.a_m
    sign = 1.0 if azimuth_deg == 90.0 else -1.0
    v, g = 6.0e3, np.radians(30.0)
    ve = sign * v * np.cos(g) + om * r_e
    vu = v * np.sin(g)
    psi, t, _ = kepler_range_time(np.hypot(ve, vu), np.arctan2(vu, abs(ve)))
    lon_fixed = np.sign(ve) * psi - om * t
    b = fly_kinematic(6.0, 30.0, azimuth_deg, 0.0, 0.0, earth="sphere", rotation=True, atmosphere=False,
                      sample_dt_s=None)
    return Row.within(f"6 km/s at 30 deg, {'east' if sign > 0 else 'west'}ward from the equator: impact longitude",
                      FAMILY, "two-body arc of v_rel + omega x r, less the Earth's turn",
                      value=b.impact_lon_deg[0], reference=np.degrees(lon_fixed), abs=0.01, unit="deg")


SOLVE_IVP_CASES = {
    # (missile, lat, lon, azimuth, kick, cut-off fraction)
    "hwasong-15 min-energy-like": ("hwasong-15", 39.0, 125.7, 9.6, 20.5, 0.99),
    "hwasong-15 lofted south-east": ("hwasong-15", 39.0, 125.7, 140.0, 5.0, 1.0),
    "hwasong-15 westward depressed": ("hwasong-15", 41.0, 129.0, 270.0, 30.0, 0.6),
}


@check(FAMILY, quick=False, cases={k: {"case": v} for k, v in SOLVE_IVP_CASES.items()})
def powered_flight_against_dop853(case) -> list[Row]:
    """Boost to impact with drag, J2 and rotation: impact within 25 m, time 0.5 s, apogee 0.5 km."""
    from thaadsim.earth.constants import earth_model
    from thaadsim.earth.frames import geodetic_to_ecef
    from thaadsim.flight import fly_powered, load_missile
    from thaadsim.flight.reference import fly_one_reference

    mid, lat, lon, az, kick, frac = case
    m = load_missile(mid)
    cut = frac * m.total_burn_time_s
    b = fly_powered([m], [0], lat, lon, az, kick, cut, sample_dt_s=None)
    t_ref, r_ref, apo_ref = fly_one_reference(m, lat, lon, az, kick, cut, earth_model("wgs84"))
    ours = geodetic_to_ecef(b.impact_lat_deg[0], b.impact_lon_deg[0], 0.0)
    src = "scipy solve_ivp(DOP853) on the same equations written independently"
    name = f"{mid} az {az:g} kick {kick:g} cut {frac:g}"
    return [Row.within(f"{name}: impact point distance", FAMILY, src, value=float(np.linalg.norm(ours - r_ref)),
                       reference=0.0, abs=25.0, unit="m"),
            Row.within(f"{name}: impact time", FAMILY, src, value=b.impact_s[0], reference=t_ref, abs=0.5, unit="s"),
            Row.within(f"{name}: apogee", FAMILY, src, value=b.apogee_km[0], reference=apo_ref / 1e3, abs=0.5,
                       unit="km")]


# --- spent final stages: the stage's own coast against an independent DOP853 integration ------------------
SPENT_STAGE_CASES = {
    # label: (missile, launch lat/lon, target lat/lon): the ICBM case and a short-range missile
    "df-41 Jilin -> Seattle": ("df-41", (43.9, 125.3), (47.61, -122.33)),
    "nodong Pyongyang -> Seongju area": ("nodong", (39.0, 125.7), (35.9, 128.3)),
}


def coast_with_drag_dop853(t0, y0, beta_kgm2, model, t_max=4000.0):
    """Impact time (s) and ECEF impact point (m) of a drag coast from ECI state ``y0`` at ``t0``.

    The equations written again, independently of the engine: J2 gravity (Vallado eq. 8-30), drag
    (rho |v_rel| / 2) v_rel / beta in the co-rotating air, geodetic height through PROJ's cartesian
    conversion, density from the public USSA-76 function; SciPy's DOP853 (rtol 1e-10) with a
    terminal event at zero height. None of the engine's kernel, lookup table or event code is used.
    """
    import math

    from pyproj import Transformer
    from scipy.integrate import solve_ivp

    from thaadsim.earth.atmosphere import density_kgm3

    mu, j2, a_e, om = model.mu_m3s2, model.j2, model.a_m, model.omega_rads
    tr = Transformer.from_pipeline(f"+proj=pipeline +step +inv +proj=cart +a={model.a_m!r} +rf={1.0 / model.f!r}")
    wvec = np.array([0.0, 0.0, om])

    def to_ecef(t, r):
        c, s = math.cos(om * t), math.sin(om * t)
        return np.array([c * r[0] + s * r[1], -s * r[0] + c * r[1], r[2]])

    def height(t, r):
        x = to_ecef(t, r)
        return tr.transform(x[0], x[1], x[2])[2]

    def rhs(t, y):
        r, v = y[:3], y[3:]
        rn = np.linalg.norm(r)
        zr2 = (r[2] / rn) ** 2
        k = 1.5 * j2 * (a_e / rn) ** 2
        g = -mu / rn ** 3 * r * np.array([1 + k * (1 - 5 * zr2), 1 + k * (1 - 5 * zr2), 1 + k * (3 - 5 * zr2)])
        w = v - np.cross(wvec, r)
        rho = float(density_kgm3(height(t, r)))
        return np.concatenate([v, g - 0.5 * rho * np.linalg.norm(w) / beta_kgm2 * w])

    def impact(t, y):
        return height(t, y[:3])

    impact.terminal, impact.direction = True, -1
    sol = solve_ivp(rhs, (t0, t_max), y0, method="DOP853", rtol=1e-10, atol=1e-6, events=impact)
    t_imp = float(sol.t_events[0][0])
    return t_imp, to_ecef(t_imp, sol.y_events[0][0][:3])


@check(FAMILY, cases={k: {"case": v} for k, v in SPENT_STAGE_CASES.items()})
def spent_stage_coast_against_dop853(case) -> list[Row]:
    """The spent final stage (issue 10 item 4) separates at the final burnout and coasts with its own
    ballistic coefficient: impact time within 0.01 s and impact point within 5 m of DOP853 on the same
    equations; being far lighter per area than the RV, it lands later and shorter."""
    from thaadsim.earth.constants import earth_model
    from thaadsim.flight import fly_targeted
    from thaadsim.flight.spent_stage import fly_spent_stages, spent_stage_for

    mid, launch, target = case
    batch = fly_targeted(mid, *launch, *target)
    stages, rows = fly_spent_stages(batch)
    if list(rows) != [0]:
        raise RuntimeError(f"{mid}: expected one spent stage, got rows {list(rows)}")
    beta = spent_stage_for(mid).beta_kgm2
    t_b = float(batch.burnout_s[0])
    k = int(np.nanargmin(np.abs(batch.t_s[0] - t_b)))
    y0 = np.concatenate([batch.r_eci_m[0, k], batch.v_eci_ms[0, k]])
    t_ref, x_ref = coast_with_drag_dop853(t_b, y0, beta, earth_model("wgs84"))
    ours = stages.r_ecef_m[0, int(stages.n_samples[0]) - 1]
    src = "scipy solve_ivp(DOP853) on the coast equations written independently"
    name = f"{mid} spent stage ({launch[0]:g},{launch[1]:g})->({target[0]:g},{target[1]:g})"
    return [Row.within(f"{name}: separation time", FAMILY, "the RV's final burnout", value=float(stages.burnout_s[0]),
                       reference=t_b, rel=1e-6, unit="s"),
            Row.within(f"{name}: impact time", FAMILY, src, value=float(stages.impact_s[0]), reference=t_ref,
                       abs=0.01, unit="s"),
            Row.within(f"{name}: impact point distance", FAMILY, src, value=float(np.linalg.norm(ours - x_ref)),
                       reference=0.0, abs=5.0, unit="m"),
            Row.between(f"{name}: lands after the RV, by", FAMILY, "drag on a light, broad stage", unit="s",
                        value=float(stages.impact_s[0] - batch.impact_s[0]), reference=0.0, lower=1e-9,
                        upper=float(batch.flight_time_s[0]), text="later, by less than the RV's flight time"),
            Row.between(f"{name}: lands short of the RV, by", FAMILY, "drag on a light, broad stage", unit="km",
                        value=float(batch.range_km[0] - stages.range_km[0]), reference=0.0, lower=1e-9,
                        upper=float(batch.range_km[0]), text="shorter, by less than the RV's range")]
