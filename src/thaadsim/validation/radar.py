"""Radar equation, detection threshold and radar horizon against worked examples and closed forms.

* MathWorks Radar Toolbox [ref:mathworks-radar-toolbox] ``radareqrng`` example 2 (f = 10 GHz,
  Pt = 1 MW, tau = 10 us, G = 40 dB, sigma = 0.1 m^2, L = 3 dB, Ts = 290 K, SNR = 6 dB -> 1.9426e5 m)
  and ``radareqsearchpap`` (R = 111 km at a power-aperture product of 2.3689e4 W m^2);
* Albersheim (1981) against the exact non-fluctuating detection probability, Marcum's Q evaluated
  with scipy: Pd = ncx2.sf(-2 ln Pfa, 2, 2 SNR); Richards (2005) §6.2: 13.1 dB for Pd 0.9, Pfa 1e-6;
* the catalog radars' ranges worked by hand from their TOML fields with SI constants;
* Federal Standard 1037C radar line of sight [ref:fs1037c-radar-los], d[km] = 4.12 (sqrt h_r + sqrt h_t)
  (k = 4/3; 3.57 without refraction), and its worked values for a radar at 680 m;
* pyproj's geodesic placing a target where the closed forms put a 5 deg ray: the ECEF machinery must
  see it at 5 deg.
* fluctuating targets [ref:swerling-1960]: the Swerling 1 single-look closed form Pd = Pfa^(1/(1+S))
  (Richards 2005 ch. 7 [ref:richards-2005]); every Swerling 1-4 threshold against Marcum's Q averaged
  over the RCS law by scipy's quad (none of the code's closed forms); Swerling 0's Albersheim within
  its published 0.2 dB of the exact threshold; issue 10's "about 8 dB more, a third less range";
* the site's height: the horizon a radar 680 m up gains, against sqrt(2kRh) (Skolnik 2001 §8.3
  [ref:skolnik-2001]).
"""

from __future__ import annotations

import numpy as np

from thaadsim.validation import Row, check

FAMILY = "radar"
MATHWORKS = "MathWorks Radar Toolbox worked example [ref:mathworks-radar-toolbox]"
FS1037C = "Federal Standard 1037C radar line of sight [ref:fs1037c-radar-los]"
SITE = (36.0, 128.2, 680.0)   # approximate Seongju radar [ref:koreatimes-seongju-2016, koreaherald-seongju-2016]


@check(FAMILY)
def track_range_radareqrng_example() -> Row:
    from thaadsim.sensors import radar_equation as req

    lam = req.wavelength_m(10e9)
    ae = 10 ** (40 / 10) * lam ** 2 / (4 * np.pi)          # the aperture whose gain is 40 dB
    r = req.track_range_m(6.0, power_w=1e6, dwell_s=10e-6, aperture_m2=ae, efficiency=1.0, wavelength=lam,
                          noise_temp_k=290.0, loss_db=3.0, rcs_m2=0.1)
    return Row.within("track range, radareqrng example 2", FAMILY, MATHWORKS, value=float(r), reference=1.9426e5,
                      rel=1e-4, unit="m")


@check(FAMILY)
def search_range_radareqsearchpap_example() -> Row:
    from thaadsim.sensors import radar_equation as req

    omega = 2 * np.pi * np.sin(np.radians(45.0))
    r = req.search_range_m(13.0, power_w=2.3689e4, aperture_m2=1.0, efficiency=1.0, noise_temp_k=487.0,
                           loss_db=20.0, rcs_m2=1.0, solid_angle_sr=omega, frame_s=60 / 12.5)
    return Row.within("search range, radareqsearchpap example", FAMILY, MATHWORKS, value=float(r), reference=111e3,
                      rel=1e-4, unit="m")


def exact_snr_db(pd: float, pfa: float) -> float:
    """Non-fluctuating target, one sample: solve Marcum Q1(sqrt(2s), sqrt(-2 ln pfa)) = pd for s (dB)."""
    from scipy import optimize, stats

    thr = -2.0 * np.log(pfa)
    s = optimize.brentq(lambda s: stats.ncx2.sf(thr, 2, 2.0 * s) - pd, 1e-3, 1e4, xtol=1e-12)
    return float(10 * np.log10(s))


@check(FAMILY, cases={f"Pd {pd}, Pfa {pfa:g}": {"pd": pd, "pfa": pfa}
                      for pfa in (1e-3, 1e-5, 1e-7) for pd in (0.5, 0.7, 0.9, 0.95, 0.99)})
def albersheim_against_marcum_q(pd: float, pfa: float) -> Row:
    from thaadsim.sensors import radar_equation as req

    return Row.within(f"Albersheim SNR, Pd {pd}, Pfa {pfa:g}", FAMILY, "exact Marcum Q (scipy ncx2)",
                      value=float(req.albersheim_snr_db(pd, pfa)), reference=exact_snr_db(pd, pfa), abs=0.1,
                      unit="dB")


@check(FAMILY)
def albersheim_textbook_value() -> list[Row]:
    from thaadsim.sensors import radar_equation as req

    src = "Richards, Fundamentals of Radar Signal Processing (2005), §6.2"
    return [Row.within("Albersheim SNR, Pd 0.9, Pfa 1e-6", FAMILY, src,
                       value=float(req.albersheim_snr_db(0.9, 1e-6)), reference=13.1, abs=0.05, unit="dB"),
            Row.within("exact SNR (Marcum Q as computed here), Pd 0.9, Pfa 1e-6", FAMILY, src,
                       value=exact_snr_db(0.9, 1e-6), reference=13.2, abs=0.05, unit="dB")]


@check(FAMILY, cases={r: {"rid": r} for r in ("tpy2-tm", "tpy2-fbm", "sbx")})
def catalog_radar_range_by_hand(rid: str) -> list[Row]:
    """The Radar object's unit plumbing (kW -> W, GHz -> Hz, dB -> linear, rho*A) against the radar
    equation written out with SI constants, track and search forms, 0.01 and 1 m^2 (1e-9)."""
    from thaadsim.sensors.radar import load_radar

    r = load_radar(rid)
    k_b, c = 1.380649e-23, 299792458.0
    lam = c / (r.frequency_ghz * 1e9)
    ae = r.aperture_efficiency * r.aperture_m2
    gain = 4 * np.pi * ae / lam ** 2
    loss = 10 ** (r.losses_db / 10)
    snr = 10 ** (r.snr_threshold_db / 10)
    p_w = r.average_power_kw * 1000.0
    src = "radar equation by hand from the catalog TOML (SI constants)"
    rows = []
    for sigma in (0.01, 1.0):
        track = (p_w * r.dwell_s * gain * ae * sigma
                 / ((4 * np.pi) ** 2 * k_b * r.noise_temperature_k * loss * snr)) ** 0.25
        search = (p_w * ae * sigma * r.search_frame_s
                  / (4 * np.pi * r.search_solid_angle_sr * k_b * r.noise_temperature_k * loss * snr)) ** 0.25
        rows += [Row.within(f"{rid} track range, {sigma:g} m^2", FAMILY, src,
                            value=float(r.detection_range_m(sigma)), reference=track, rel=1e-9, unit="m"),
                 Row.within(f"{rid} search range, {sigma:g} m^2", FAMILY, src,
                            value=float(r.detection_range_m(sigma, search=True)), reference=search, rel=1e-9,
                            unit="m")]
    rows.append(Row.within(f"{rid} antenna gain", FAMILY, src, value=r.gain_db, reference=10 * np.log10(gain),
                           abs=1e-9, unit="dB"))
    return rows


@check(FAMILY, cases={"k 4/3": {"k": 4 / 3, "coef": 4.12}, "k 1": {"k": 1.0, "coef": 3.57}})
def horizon_km_formula(k: float, coef: float) -> list[Row]:
    from thaadsim.sensors import geometry as geo

    rows = []
    for hr, ht in [(680, 10e3), (10, 100e3), (680, 500e3), (30, 30)]:
        rows.append(Row.within(f"horizon, k {k:.3g}, antenna {hr:g} m, target {ht:g} m", FAMILY, FS1037C,
                               value=geo.horizon_distance_m(hr, ht, k=k) / 1e3,
                               reference=coef * (np.sqrt(hr) + np.sqrt(ht)), rel=0.003, unit="km"))
    return rows


@check(FAMILY)
def horizon_worked_values_680_m() -> list[Row]:
    """A radar at 680 m sees targets at 10/100/200/500 km to 520/1411/1951/3022 km (0.2 %; the exact
    tangent-ray ground distance within 2.5 %)."""
    from thaadsim.sensors import geometry as geo

    ht = np.array([10, 100, 200, 500]) * 1e3
    ref = [520, 1411, 1951, 3022]
    d = geo.horizon_distance_m(680, ht) / 1e3
    g = geo.horizon_ground_range_m(680, ht) / 1e3
    rows = []
    for i in range(ht.size):
        rows += [Row.within(f"horizon from 680 m, target {ht[i] / 1e3:g} km", FAMILY, FS1037C, value=d[i],
                            reference=ref[i], rel=0.002, unit="km"),
                 Row.within(f"tangent-ray ground range from 680 m, target {ht[i] / 1e3:g} km", FAMILY, FS1037C,
                            value=g[i], reference=ref[i], rel=0.025, unit="km")]
    return rows


@check(FAMILY)
def seongju_lowest_visible_altitudes() -> list[Row]:
    """The 4/3-Earth lowest visible altitude from 680 m: the grazing ray by ground distance (3 %) and
    the 5 deg ray by slant range (1.5 %)."""
    from thaadsim.sensors import geometry as geo

    dist = np.array([600, 800, 1000, 1500, 2000]) * 1e3
    grazing = geo.lowest_visible_altitude_m(dist, 680.0, min_elevation_deg=-5.0) / 1e3
    at5 = geo.ray_altitude_m(dist, 5.0, 680.0) / 1e3
    rows = []
    for i, (g_ref, a_ref) in enumerate(zip([14, 28, 47, 114, 211], [73, 107, 145, 259, 400])):
        rows += [Row.within(f"grazing ray altitude at {dist[i] / 1e3:g} km", FAMILY, "4/3-Earth ray geometry",
                            value=grazing[i], reference=g_ref, rel=0.03, unit="km"),
                 Row.within(f"5 deg ray altitude at {dist[i] / 1e3:g} km", FAMILY, "4/3-Earth ray geometry",
                            value=at5[i], reference=a_ref, rel=0.015, unit="km")]
    return rows


def target_at(ground_m, alt_m, az_deg=315.0):
    """A target ``ground_m`` from the Seongju site along ``az_deg``, placed with pyproj's WGS84 geodesic."""
    from pyproj import Geod

    lon, lat, _ = Geod(ellps="WGS84").fwd(np.full_like(ground_m, SITE[1]), np.full_like(ground_m, SITE[0]),
                                         np.full_like(ground_m, az_deg), ground_m)
    return lat, lon, alt_m


@check(FAMILY)
def apparent_elevation_of_the_5_degree_ray() -> list[Row]:
    """A target at the altitude a 5 deg refracted ray reaches at a ground distance is seen at 5 deg (0.02)."""
    from thaadsim.sensors import geometry as geo

    s = np.array([200e3, 600e3, 1000e3, 2000e3])
    h = geo.lowest_visible_altitude_m(s, SITE[2], 5.0, radius_m=geo.euler_radius_m(SITE[0], 315.0))
    la = geo.look_angles(*SITE, *target_at(s, h), refraction=True)
    return [Row.within(f"apparent elevation at {s[i] / 1e3:g} km ground distance", FAMILY,
                       "4/3-Earth ray placed with pyproj's geodesic", value=la["elevation_deg"][i], reference=5.0,
                       abs=0.02, unit="deg") for i in range(s.size)]


# --- detections along synthetic trajectories, against the closed forms above ----------------------------
def synthetic_batch(lat, lon, alt, t, phase=None):
    """Plain arrays in the TrajectoryBatch layout along a known path (no flight engine)."""
    from types import SimpleNamespace

    from thaadsim.earth.frames import geodetic_to_ecef

    lat, lon, alt, t = (np.atleast_2d(np.asarray(a, float)) for a in (lat, lon, alt, t))
    n, m = lat.shape
    return SimpleNamespace(t_s=t, n_samples=np.full(n, m), valid=np.ones((n, m), bool), lat_deg=lat,
                           lon_deg=lon, alt_m=alt, r_ecef_m=geodetic_to_ecef(lat, lon, alt),
                           phase=np.ones((n, m), np.int8) if phase is None else np.atleast_2d(phase),
                           missile_id=np.array(["synthetic"] * n))


def geometry_only_radar(**changes):
    """TPY-2 hardware with absurd power, so that only geometry limits detection."""
    from thaadsim.sensors.radar import load_radar

    base = dict(average_power_kw=1e9, max_range_km=40000.0, height_m=0.0)
    base.update(changes)
    return load_radar("tpy2-tm").with_changes(**base)


@check(FAMILY, cases={f"{g} km, floor {e:g} deg": {"ground_km": g, "min_el": e}
                      for g, e in [(800, 5.0), (1500, 5.0), (1200, 0.0), (1500, -3.0)]})
def track_lost_below_the_visible_altitude(ground_km: float, min_el: float) -> Row:
    """A target falling vertically at 2 km/s over a point ``ground_km`` away is lost when it passes the
    lowest visible altitude (the elevation floor, or the grazing ray below the dip): within 1 s."""
    from thaadsim.sensors import geometry as geo
    from thaadsim.sensors.detection import detect

    lat, lon = target_at(np.array([ground_km * 1e3]), 0.0)[:2]
    t = np.arange(0.0, 300.0, 1.0)
    alt = 600e3 - 2000.0 * t
    radar = geometry_only_radar(min_elevation_deg=min_el).place(SITE[0], SITE[1], SITE[2], face_az_deg=315.0)
    det = detect(synthetic_batch(np.full_like(t, lat[0]), np.full_like(t, lon[0]), alt, t), radar)
    h_loss = geo.lowest_visible_altitude_m(ground_km * 1e3, SITE[2], min_el, radius_m=geo.euler_radius_m(SITE[0], 315.0))
    return Row.within(f"vertical fall {ground_km:g} km out, {min_el:g} deg floor: last detection", FAMILY,
                      "4/3-Earth lowest visible altitude [ref:fs1037c-radar-los]", value=det.last_detection_s[0],
                      reference=(600e3 - h_loss) / 2000.0, abs=1.0 + 1e-6, unit="s")


@check(FAMILY)
def first_detection_at_the_radar_equation_range() -> list[Row]:
    """Inbound at 600 km altitude along the boresight (SNR-limited): first detection at the slant range
    where SNR = threshold, R = (C/SNR)^(1/4), within the 1 km sampling; SNR follows 40 log10 of the
    range ratio along the track (1e-9 dB)."""
    from thaadsim.sensors.detection import detect
    from thaadsim.sensors.radar import load_radar

    radar = load_radar("tpy2-fbm").with_changes(max_range_km=40000.0, min_elevation_deg=0.0)
    placed = radar.place(SITE[0], SITE[1], SITE[2], face_az_deg=315.0)
    ground = np.linspace(2500e3, 200e3, 2301)   # 1 km steps
    lat, lon, _ = target_at(ground, 0.0)
    t = np.arange(ground.size, dtype=float)
    det = detect(synthetic_batch(lat, lon, np.full(ground.size, 600e3), t), placed, rcs_m2=0.05)
    i, j = 100, 1500
    src = "radar equation R = (C/SNR)^(1/4)"
    return [Row.within("TPY-2 (FBM) inbound 0.05 m^2: first detection slant range", FAMILY, src,
                       value=det.first_detection_range_m[0], reference=float(radar.detection_range_m(0.05)),
                       abs=1.5e3, unit="m"),
            Row.within("SNR gain from 2,400 to 1,000 km ground range", FAMILY, "R^4 law: 40 log10(R1/R2)",
                       value=det.snr_db[0, j] - det.snr_db[0, i],
                       reference=40 * np.log10(det.slant_range_m[0, i] / det.slant_range_m[0, j]), abs=1e-9,
                       unit="dB")]


# --- fluctuating targets (Swerling 0-4) against closed forms and independent integrals ---------------------
# the usual design range the thresholds are checked over: Pd 0.5-0.99, Pfa 1e-4 to 1e-8
SWERLING_DESIGN = [(pd, pfa) for pd in (0.5, 0.8, 0.9, 0.99) for pfa in (1e-4, 1e-6, 1e-8)]
SWERLING_AVERAGED = [(case, dof, pd, pfa) for pd, pfa in [(0.5, 1e-6), (0.9, 1e-6), (0.9, 1e-4), (0.99, 1e-8)]
                     for case, dof in [(1, 2), (2, 2), (3, 4), (4, 4)]]
RICHARDS = "Richards, Fundamentals of Radar Signal Processing (2005), ch. 7 [ref:richards-2005]"


def pd_averaged_over_rcs(snr_mean: float, pfa: float, dof: int | None) -> float:
    """Single-look Pd of a target whose SNR follows a chi-square law with ``dof`` degrees of freedom.

    The non-fluctuating detection probability (Marcum's Q, scipy's non-central chi-square,
    Pd(s) = ncx2.sf(-2 ln Pfa, 2, 2 s)) averaged over the RCS distribution by scipy's quad:
    exponential (chi-square 2 dof) for Swerling 1/2, chi-square 4 dof for 3/4 [ref:swerling-1960].
    ``dof=None`` is the steady (Swerling 0) target. Uses none of the closed forms the code uses.
    """
    from scipy import integrate, stats

    thr = -2.0 * np.log(pfa)

    def pd_steady(s):
        return stats.ncx2.sf(thr, 2, 2.0 * s)

    if dof is None:
        return float(pd_steady(snr_mean))
    k = dof / 2.0
    pdf = stats.gamma(a=k, scale=snr_mean / k).pdf          # chi-square with mean snr_mean
    val, _ = integrate.quad(lambda s: pd_steady(s) * pdf(s), 0.0, np.inf, limit=200, epsabs=1e-11)
    return float(val)


@check(FAMILY, cases={f"Pd {pd}, Pfa {pfa:g}": {"pd": pd, "pfa": pfa} for pd, pfa in SWERLING_DESIGN})
def swerling1_single_look_closed_form(pd: float, pfa: float) -> Row:
    """Swerling 1, one look: Pd = Pfa^(1/(1+S)) [ref:richards-2005, skolnik-2001], to 1e-9 in Pd."""
    from thaadsim.sensors.swerling import swerling_snr_db

    s = 10 ** (swerling_snr_db(pd, pfa, 1) / 10)
    return Row.within(f"Swerling 1 threshold, Pd {pd}, Pfa {pfa:g}: Pfa^(1/(1+S))", FAMILY,
                      "Swerling 1 single-look closed form Pd = Pfa^(1/(1+S)) [ref:richards-2005]",
                      value=pfa ** (1.0 / (1.0 + s)), reference=pd, abs=1e-9)


@check(FAMILY, cases={f"Swerling {c}, Pd {pd}, Pfa {pfa:g}": {"case": c, "dof": dof, "pd": pd, "pfa": pfa}
                      for c, dof, pd, pfa in SWERLING_AVERAGED})
def swerling_threshold_against_marcum_q_averaged_over_the_rcs(case: int, dof: int, pd: float, pfa: float) -> Row:
    """Swerling 1-4 thresholds: the Pd that Marcum's Q averaged over the RCS law gives at the
    threshold's mean SNR is the Pd asked for (2e-5)."""
    from thaadsim.sensors.swerling import swerling_snr_db

    s = 10 ** (swerling_snr_db(pd, pfa, case) / 10)
    return Row.within(f"Swerling {case} threshold, Pd {pd}, Pfa {pfa:g}: averaged Pd", FAMILY,
                      f"Marcum Q (scipy ncx2) averaged over chi-square {dof} dof by scipy quad [ref:swerling-1960]",
                      value=pd_averaged_over_rcs(s, pfa, dof), reference=pd, abs=2e-5)


@check(FAMILY, cases={f"Pd {pd}, Pfa {pfa:g}": {"pd": pd, "pfa": pfa} for pd, pfa in SWERLING_DESIGN})
def swerling0_albersheim_and_exact_against_marcum_q(pd: float, pfa: float) -> list[Row]:
    """Swerling 0: Albersheim's equation (the default) within its published 0.2 dB of the exact
    Marcum-Q threshold, and the ``exact=True`` threshold within 1e-6 dB."""
    from thaadsim.sensors.swerling import swerling_snr_db

    exact = exact_snr_db(pd, pfa)
    src = "exact Marcum Q (scipy ncx2, brentq)"
    return [Row.within(f"Swerling 0 Albersheim threshold, Pd {pd}, Pfa {pfa:g}", FAMILY, src,
                       value=swerling_snr_db(pd, pfa, 0), reference=exact, abs=0.2, unit="dB"),
            Row.within(f"Swerling 0 exact threshold, Pd {pd}, Pfa {pfa:g}", FAMILY, src,
                       value=swerling_snr_db(pd, pfa, 0, exact=True), reference=exact, abs=1e-6, unit="dB")]


@check(FAMILY)
def swerling_ordering_at_high_pd() -> Row:
    """At Pd 0.9, Pfa 1e-6 a dominant scatterer (Swerling 3) fades less than many equal ones
    (Swerling 1): steady < chi-square 4 < exponential, the textbook ordering."""
    from thaadsim.sensors.swerling import swerling_snr_db

    t0, t1, t3 = (swerling_snr_db(0.9, 1e-6, c) for c in (0, 1, 3))
    return Row.between("Swerling 3 threshold between Swerling 0 and 1, Pd 0.9, Pfa 1e-6", FAMILY, RICHARDS,
                       value=t3, reference=(t0 + t1) / 2, lower=t0, upper=t1, unit="dB",
                       text="between the Swerling 0 and Swerling 1 thresholds")


@check(FAMILY)
def swerling1_costs_8_db_and_a_third_of_the_range() -> list[Row]:
    """Issue 10's figure: at Pd 0.9, Pfa 1e-6 a Swerling 1 target needs about 8 dB more than the
    13.1 dB of a steady one, and the TPY-2's range against 0.05 m^2 shrinks by the fourth root of
    that SNR ratio (R ∝ SNR^(-1/4), the radar equation), about a third."""
    from thaadsim.sensors.radar import load_radar
    from thaadsim.sensors.swerling import swerling_snr_db

    t0, t1 = swerling_snr_db(0.9, 1e-6, 0), swerling_snr_db(0.9, 1e-6, 1)
    steady = load_radar("tpy2-fbm")
    fluct = steady.with_detection(swerling=1)
    r0, r1 = float(steady.detection_range_m(0.05)), float(fluct.detection_range_m(0.05))
    return [Row.within("steady target threshold, Pd 0.9, Pfa 1e-6", FAMILY, RICHARDS, value=t0, reference=13.1,
                       abs=0.05, unit="dB"),
            Row.within("Swerling 1 threshold, Pd 0.9, Pfa 1e-6", FAMILY,
                       "10 log10(ln 1e-6 / ln 0.9 - 1) [ref:richards-2005]", value=t1, reference=21.14, abs=0.01,
                       unit="dB"),
            Row.within("Swerling 1 extra SNR, Pd 0.9, Pfa 1e-6", FAMILY,
                       "issue 10's figure, about 8 dB more (Richards 2005 [ref:richards-2005])", value=t1 - t0,
                       reference=8.0, abs=0.1, unit="dB"),
            Row.within("TPY-2 (FBM) with swerling=1: its threshold", FAMILY, "swerling_snr_db(0.9, 1e-6, 1)",
                       value=fluct.snr_threshold_db, reference=t1, rel=1e-6, unit="dB"),
            Row.within("TPY-2 (FBM) range ratio, Swerling 1 / steady, 0.05 m^2", FAMILY,
                       "radar equation: R1/R0 = (SNR0/SNR1)^(1/4)", value=r1 / r0,
                       reference=(10 ** ((t0 - t1) / 10)) ** 0.25, rel=1e-9),
            Row.within("TPY-2 (FBM) range lost to Swerling 1, 0.05 m^2", FAMILY,
                       "issue 10's figure: about a third (radar equation R ∝ SNR^(-1/4))",
                       value=1 - r1 / r0, reference=1 / 3, abs=0.05)]


# --- the site's height: what a radar 680 m up gains in horizon --------------------------------------------
def horizon_closed_form_km(h_radar_m, h_target_m, k=4.0 / 3.0, r_earth_m=6371e3):
    """4/3-Earth radar horizon d = sqrt(2 k R h_r) + sqrt(2 k R h_t) (Skolnik 2001 §8.3) [ref:skolnik-2001]."""
    return (np.sqrt(2 * k * r_earth_m * h_radar_m) + np.sqrt(2 * k * r_earth_m * h_target_m)) / 1e3


@check(FAMILY)
def site_height_horizon_gain_against_closed_form() -> Row:
    """The TPY-2 (terminal mode) at Seongju [ref:koreaherald-seongju-2016] on the ground at sea level
    and 680 m up, a 10 km-high target: the refracted horizon grows by what sqrt(2kRh) says (5 %, the
    difference of an ellipsoid and the refraction model from the sphere)."""
    from thaadsim.sensors.coverage import range_limits
    from thaadsim.sensors.radar import load_radar

    r = load_radar("tpy2-tm")
    low, high = (r.place(35.95, 128.18, h, 315.0) for h in (0.0, 680.0))
    horizon = [float(range_limits(p, 1.0, 10.0)["horizon_range_km"]) for p in (low, high)]
    expected = (horizon_closed_form_km(high.antenna_alt_m, 10e3)
                - horizon_closed_form_km(low.antenna_alt_m, 10e3))
    return Row.within("horizon gained by a site 680 m up, 10 km target", FAMILY,
                      "4/3-Earth horizon sqrt(2kRh), Skolnik 2001 §8.3 [ref:skolnik-2001]",
                      value=horizon[1] - horizon[0], reference=float(expected), rel=0.05, unit="km")
