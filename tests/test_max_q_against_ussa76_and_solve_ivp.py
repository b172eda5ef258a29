"""Peak ascent dynamic pressure (``max_q_kpa``) against independent computations.

Authorities:

* the definition q = rho |v_rel|^2 / 2 evaluated with the public USSA-76 density function
  (the closed-form standard [ref:ussa-1976], not the kernel's lookup table) at the sampled states of
  the boost, every 0.1 s: the kernel's peak must match the sampled peak;
* a separate integration of the same ascent by ``scipy.integrate.solve_ivp`` (DOP853, PROJ for the
  geodetic height; ``thaadsim.flight.reference``), its q taken from the dense output every 0.02 s.

Both comparisons are checks in :mod:`thaadsim.validation.atmosphere` (the rows ``thaadsim validate``
prints, 0.3 %); the zero-q cases and the CLI field stay here.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from _validation import assert_rows_pass, params
from thaadsim.earth.atmosphere import density_kgm3
from thaadsim.earth.constants import earth_model
from thaadsim.flight import fly_kinematic, fly_powered, load_missile
from thaadsim.flight.engine import FlightOptions
from thaadsim.flight.reference import fly_one_reference
from thaadsim.flight.trajectory import PHASE_BOOST
from thaadsim.validation import atmosphere as va


@pytest.mark.parametrize("check", params(va.peak_q_against_ussa76_at_the_sampled_boost))
def test_peak_q_matches_ussa76_at_the_sampled_boost(check):
    assert_rows_pass(check)


@pytest.mark.parametrize("check", params(va.peak_q_against_a_solve_ivp_ascent))
def test_peak_q_matches_a_separate_solve_ivp_ascent(check):
    assert_rows_pass(check)


def test_a_coast_from_burnout_has_no_ascent_q_and_vacuum_has_none():
    k = fly_kinematic(6.0, 30.0, 90.0, 39.0, 125.7, 0.0, 5000.0, sample_dt_s=None)
    assert k.max_q_kpa[0] == 0.0
    m = load_missile("nodong")
    v = fly_powered([m], [0], 39.0, 125.7, 90.0, 20.0, sample_dt_s=None, options=FlightOptions(atmosphere=False))
    assert v.max_q_kpa[0] == 0.0


def test_fly_json_reports_max_q_kpa():
    from thaadsim.cli.fly import fly

    res = CliRunner().invoke(fly, ["--missile", "nodong", "--from", "39.0,125.7", "--to", "37.5,127.0",
                                    "--json"])
    assert res.exit_code == 0, res.output
    rec = json.loads(res.output.splitlines()[0])
    # a 1,300 km missile climbing through the dense air: tens of kPa, far below reentry's MPa
    assert 10.0 < rec["max_q_kpa"] < 300.0


# --- the dynamic-pressure ceiling (FlightOptions(max_q_ceiling=True)) ------------------------------------------

def _ceiling_options(**kw):
    from thaadsim.flight.engine import FlightOptions

    return FlightOptions(max_q_ceiling=True, **kw)


def _missile_ids():
    from thaadsim.flight.catalog import missile_ids

    return list(missile_ids())


@pytest.mark.parametrize("mid", _missile_ids())
def test_range_maximising_ascent_stays_under_the_class_ceiling_by_ussa76(mid):
    """Every catalog missile's range-maximising ascent (full burn, the catalog's range convention: non-rotating
    Earth), flown with the ceiling on: q = rho v^2 / 2 from the public USSA-76 density at the sampled boost
    states (every 0.1 s) never exceeds the class ceiling by more than 1 %, and neither does the kernel's peak."""
    from thaadsim.flight.targeting import shape_table

    m = load_missile(mid)
    q_max_pa = m.max_q_kpa * 1e3
    assert q_max_pa > 0.0, f"{mid} has no ceiling (class {m.meta.get('class')!r})"
    opts = _ceiling_options(rotation=False)
    kick = float(shape_table(m, opts).best_kick_deg[-1])
    b = fly_powered([m], [0], 0.0, 0.0, 90.0, kick, options=opts, sample_dt_s=0.1)
    n = int(b.n_samples[0])
    boost = b.phase[0, :n] == PHASE_BOOST
    q_sampled = 0.5 * density_kgm3(b.alt_m[0, :n][boost]) * b.speed_ms[0, :n][boost] ** 2
    assert q_sampled.max() <= 1.01 * q_max_pa
    assert b.max_q_kpa[0] * 1e3 <= 1.01 * q_max_pa
    # and the kernel's peak is the sampled one (it is measuring the same ascent)
    assert b.max_q_kpa[0] * 1e3 == pytest.approx(q_sampled.max(), rel=3e-3)


def _throttled_reference(missile, lat_deg, lon_deg, azimuth_deg, kick_deg, q_max_pa, model):
    """The throttled ascent integrated separately: solve_ivp (DOP853) with the MASS as a state (the kernel
    carries a burn clock instead), stages ended by a propellant-exhausted event (the kernel clips steps on
    the clock), PROJ for the geodetic height, the public USSA-76 functions for density and sound speed.
    The throttle law, written here from its statement: full thrust up to 90 % of q_max, falling linearly to
    none at q_max, thrust and mass flow together. Returns (stage end times s, impact s, impact lat, lon,
    peak q Pa)."""
    from pyproj import Transformer
    from scipy.integrate import solve_ivp
    from scipy.interpolate import CubicHermiteSpline

    from thaadsim.earth.atmosphere import speed_of_sound_ms
    from thaadsim.earth.frames import enu_basis, geodetic_to_ecef

    tr = Transformer.from_pipeline(f"+proj=pipeline +step +inv +proj=cart +a={model.a_m!r} +rf={1.0 / model.f!r}")
    mu, j2, a_e, om = model.mu_m3s2, model.j2, model.a_m, model.omega_rads
    wvec = np.array([0.0, 0.0, om])
    thrust_n = [s.thrust_n for s in missile.stages]
    mdot = [s.mass_flow_kgs for s in missile.stages]
    area = [max(x.area_m2 for x in missile.stages[i:]) for i in range(len(missile.stages))]
    loaded = [s.propellant_mass_kg + s.dry_mass_kg for s in missile.stages]
    mass_at_ignition = [missile.rv.mass_kg + sum(loaded[i:]) for i in range(len(loaded))]
    mass_at_burnout = [mass_at_ignition[i] - missile.stages[i].propellant_mass_kg for i in range(len(loaded))]
    t_v = missile.pitch.vertical_rise_s
    t_k = t_v + missile.pitch.kick_duration_s
    kick, az = np.radians(kick_deg), np.radians(azimuth_deg)
    xm, ym = np.asarray(missile.cd_mach, float), np.asarray(missile.cd, float)
    slopes = np.gradient(ym, xm)
    slopes[1:-1] = (ym[2:] - ym[:-2]) / (xm[2:] - xm[:-2])
    slopes[0], slopes[-1] = (ym[1] - ym[0]) / (xm[1] - xm[0]), (ym[-1] - ym[-2]) / (xm[-1] - xm[-2])
    cd_curve = CubicHermiteSpline(xm, ym, slopes)

    def rot(t, x, sign):
        c, s = np.cos(om * t), np.sin(om * t)
        return np.array([c * x[0] + sign * s * x[1], -sign * s * x[0] + c * x[1], x[2]])

    def geodetic(t, r):
        x = rot(t, r, +1.0)                       # ECI -> ECEF
        lon, lat, h = tr.transform(x[0], x[1], x[2])
        return lat, lon, h

    def q_of(t, y):
        h = geodetic(t, y[:3])[2]
        w = y[3:6] - np.cross(wvec, y[:3])
        return 0.5 * float(density_kgm3(h)) * float(w @ w)

    def rhs(t, y, stage):
        r, v = y[:3], y[3:6]
        rn = np.linalg.norm(r)
        zr2 = (r[2] / rn) ** 2
        k = 1.5 * j2 * (a_e / rn) ** 2
        acc = -mu / rn ** 3 * r * np.array([1 + k * (1 - 5 * zr2), 1 + k * (1 - 5 * zr2), 1 + k * (3 - 5 * zr2)])
        lat, lon, h = geodetic(t, r)
        w = v - np.cross(wvec, r)
        wn = np.linalg.norm(w)
        rho = float(density_kgm3(h))
        dm = 0.0
        if stage is None:
            acc = acc - 0.5 * rho * wn / missile.rv.beta_kgm2 * w
        else:
            m = y[6]
            q = 0.5 * rho * wn * wn
            throttle = float(np.clip((q_max_pa - q) / (0.1 * q_max_pa), 0.0, 1.0))
            e, n, u = enu_basis(lat, lon)
            if t < t_v:
                d = rot(t, u, -1.0)
            elif t < t_k:
                ang = kick * (t - t_v) / (t_k - t_v)
                d = rot(t, np.cos(ang) * u + np.sin(ang) * (np.cos(az) * n + np.sin(az) * e), -1.0)
            else:
                d = w / wn
            cd = float(cd_curve(np.clip(wn / float(speed_of_sound_ms(h)), xm[0], xm[-1])))
            acc = acc + throttle * thrust_n[stage] / m * d - 0.5 * rho * wn * cd * area[stage] / m * w
            dm = -throttle * mdot[stage]
        return np.concatenate([v, acc, [dm]])

    r0 = geodetic_to_ecef(lat_deg, lon_deg, 0.0, model)
    y = np.concatenate([r0, np.cross(wvec, r0), [mass_at_ignition[0]]])
    t, peak_q = 0.0, 0.0
    stage_ends = []
    for st in range(len(missile.stages)):
        y[6] = mass_at_ignition[st]

        def exhausted(tt, yy, stage, _end=mass_at_burnout[st]):
            return yy[6] - _end

        exhausted.terminal = True
        for t_end in [x for x in (t_v, t_k) if x > t] + [1e4]:
            sol = solve_ivp(rhs, (t, t_end), y, method="DOP853", rtol=1e-10, atol=1e-6, args=(st,),
                            events=exhausted, dense_output=True)
            peak_q = max([peak_q] + [q_of(tt, sol.sol(tt)) for tt in np.arange(t, sol.t[-1], 0.02)])
            t, y = sol.t[-1], sol.y[:, -1].copy()
            if sol.status == 1:
                break
        stage_ends.append(t)

    def impact(tt, yy, stage):
        return geodetic(tt, yy[:3])[2]

    impact.terminal, impact.direction = True, -1
    sol = solve_ivp(rhs, (t, 1e4), y, method="DOP853", rtol=1e-10, atol=1e-6, args=(None,), events=impact)
    t_imp = float(sol.t_events[0][0])
    lat, lon, _ = geodetic(t_imp, sol.y_events[0][0][:3])
    return stage_ends, t_imp, lat, lon, peak_q


THROTTLED_CASES = [
    # (missile, lat, lon, azimuth, kick): the Hwasong-15 near its range-maximising kick (throttled low in
    # the first stage), and the single-stage Iskander-M, whose burn ends while it is still throttled
    ("hwasong-15", 39.0, 125.7, 90.0, 45.0),
    ("iskander-m", 39.0, 125.7, 180.0, 60.0),
]


@pytest.mark.parametrize("case", THROTTLED_CASES, ids=[c[0] for c in THROTTLED_CASES])
def test_throttled_ascent_against_a_separate_solve_ivp_with_mass_as_state(case):
    from pyproj import Geod

    mid, lat, lon, az, kick = case
    m = load_missile(mid)
    model = earth_model("wgs84")
    b = fly_powered([m], [0], lat, lon, az, kick, options=_ceiling_options(), sample_dt_s=None)
    ends, t_imp, lat_i, lon_i, q_ref = _throttled_reference(m, lat, lon, az, kick, m.max_q_kpa * 1e3, model)
    assert ends[-1] > m.total_burn_time_s + 1.0      # the case is throttled: the burn is stretched
    assert q_ref <= 1.005 * m.max_q_kpa * 1e3
    # measured: burnout within 5 us, peak q within 1e-6, impact within 2 m and 1 ms (Hwasong-15 at 14,400 km)
    assert b.burnout_s[0] == pytest.approx(ends[-1], abs=1e-3)
    assert b.stage_burnout_s[0] == pytest.approx(ends, abs=1e-3)      # every staging, not only the last
    assert b.max_q_kpa[0] * 1e3 == pytest.approx(q_ref, rel=1e-4)
    assert b.impact_s[0] == pytest.approx(t_imp, abs=0.02)
    miss_m = Geod(ellps="WGS84").inv(lon_i, lat_i, b.impact_lon_deg[0], b.impact_lat_deg[0])[2]
    assert miss_m < 20.0
