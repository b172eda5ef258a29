"""The DPRK catalog missiles against their observed lofted test flights
[ref:csis-hwasong12-2017, vice-hwasong14-2017, janes-hwasong14-2017, bno-hwasong14-2017]
[ref:defence-industries-hwasong15-2017, ucs-hwasong15-2017, tass-hwasong17-2022].

Authorities:

* the observed lofted DPRK test flights (sources above; `thaadsim catalog refs`): apogee, ground range and total flight time
  of each test (DPRK announcements, tracked by Japan / ROK / US), copied into ``OBSERVED`` below.
  The catalog's stage numbers are estimates calibrated to a *published maximum range*
  (tools/calibrate_catalog.py); a lofted test is a second, independent constraint on the same
  rocket. Each catalog missile, flown lofted from the Pyongyang area to a point at the observed
  ground range with the observed apogee, must (a) be able to fly it at all, and (b) take a total
  flight time within 5 % of the observed one (the spread between the DPRK and Japanese timings is
  2-5 %, and the model's boost is a constant-thrust, constant-Isp estimate).

  What is calibrated and what is checked: the Hwasong-12, Hwasong-14 and Hwasong-15 burn times
  were shortened so that (a) holds for the 2017-05-14, 2017-07-28 and 2017-11-28 tests (their
  TOMLs say so); for those, (a) is a calibration target that can still fail if the catalog moves.
  The 2017-07-04 Hwasong-14 test, which nothing was tuned to, and the flight times (b) of all of
  them are the independent checks.
* Kepler's equation (two-body ellipse): the model's coast from burnout to impact must take the
  time the two-body ellipse through the burnout state takes to fall back to the impact radius, so
  the flight times compared above are ballistic physics, not bookkeeping. J2 and reentry drag make
  the small difference allowed (0.5 %).

The aimpoint is placed with pyproj's geodesic (``Geod.fwd``, independent of thaadsim's geodesy),
eastward into the Sea of Japan. The launch point is "the Pyongyang area" (the tests flew from near
Pyongyang, Sunchon or Kusong; a few tens of km do not change a ~1,000 km lofted shot).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from pyproj import Geod

from thaadsim.errors import ThaadsimError
from thaadsim.flight import fly_targeted

LAUNCH = (39.0, 125.7)       # Pyongyang area
AZIMUTH_DEG = 95.0           # into the Sea of Japan
MU = 3.986004418e14          # m^3/s^2, WGS84 GM
TIME_TOLERANCE = 0.05

# observed tests (cited above): (missile, date, apogee km, ground range km, observed total flight time min, whose timing)
OBSERVED = [
    ("hwasong-12", "2017-05-14", 2111.5, 787.0, 30.0, "~30 min, Japan (CSIS)"),
    ("hwasong-14", "2017-07-04", 2802.0, 933.0, 38.0, "37 min (US PACOM) - 39 min: the middle"),
    ("hwasong-14", "2017-07-28", 3724.9, 998.0, 47.2, "47 min 12 s, DPRK (Jane's); ~45 Japan"),
    ("hwasong-15", "2017-11-28", 4475.0, 950.0, 53.0, "53 min, DPRK (KCNA); ~54 Japan"),
    ("hwasong-17", "2022-11-18", 6040.9, 999.2, 68.9, "4,135 s, DPRK (KCNA via TASS)"),
]
IDS = [f"{m}-{d}" for m, d, *_ in OBSERVED]
# The Hwasong-17 cannot fly its test with plausible stage estimates while keeping the published
# 15,000 km and the 1,500 kg RV estimate (see the notes in hwasong-17.toml): strict, so a catalog
# change that makes it fly shows up here.
_HS17_XFAIL = pytest.mark.xfail(strict=True, reason=(
    "hwasong-17 with a 1,500 kg RV calibrated to 15,000 km reaches ~4,160 km lofted at 999 km, not "
    "6,040.9; even 65 s + 70 s burns (lift-off T/W 3.3) reach only ~5,400 km: the test payload was "
    "presumably much lighter (hwasong-17.toml notes)"))
CASES = [pytest.param(o, id=i, marks=_HS17_XFAIL if o[0] == "hwasong-17" else ()) for o, i in zip(OBSERVED, IDS)]


def _aimpoint(range_km):
    lon, lat, _ = Geod(ellps="WGS84").fwd(LAUNCH[1], LAUNCH[0], AZIMUTH_DEG, range_km * 1e3)
    return lat, lon


@pytest.fixture(scope="module")
def flights():
    """Each observed test flown once by the model: a TrajectoryBatch of one, or the ThaadsimError."""
    out = {}
    for (mid, date, apogee_km, range_km, _, _), key in zip(OBSERVED, IDS):
        try:
            # sampled coarsely: the burnout and impact states are exact event samples either way
            out[key] = fly_targeted(mid, *LAUNCH, *_aimpoint(range_km), shape="lofted",
                                    apogee_km=apogee_km, sample_dt_s=120.0)
        except ThaadsimError as exc:
            out[key] = exc
    return out


def _flown(flights, key):
    b = flights[key]
    if isinstance(b, ThaadsimError):
        pytest.fail(f"{key}: the catalog missile cannot fly its observed lofted test: {b}")
    return b


@pytest.mark.parametrize("obs", CASES)
def test_catalog_missile_can_fly_its_lofted_test(flights, obs):
    mid, date, apogee_km, range_km, _, _ = obs
    b = _flown(flights, f"{mid}-{date}")
    assert b.miss_km[0] < 1.0
    assert b.apogee_km[0] == pytest.approx(apogee_km, rel=0.01)


@pytest.mark.parametrize("obs", CASES)
def test_flight_time_within_5_percent_of_observed(flights, obs):
    mid, date, _, _, minutes, whose = obs
    b = _flown(flights, f"{mid}-{date}")
    model_min = float(b.flight_time_s[0]) / 60.0
    assert abs(model_min / minutes - 1.0) <= TIME_TOLERANCE, (
        f"{mid} {date}: model {model_min:.1f} min (burnout at {float(b.burnout_s[0]):.0f} s) vs observed "
        f"{minutes} min ({whose})")


def _kepler_time_to_radius_s(r0, v0, r1):
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


@pytest.mark.parametrize("obs", CASES)
def test_coast_time_matches_kepler_from_burnout(flights, obs):
    mid, date, *_ = obs
    b = _flown(flights, f"{mid}-{date}")
    n = int(b.n_samples[0])
    t = b.t_s[0, :n]
    i_bo = int(np.flatnonzero(np.isclose(t, b.burnout_s[0], atol=1e-6))[-1])
    coast_model = float(t[n - 1] - t[i_bo])
    coast_kepler = _kepler_time_to_radius_s(b.r_eci_m[0, i_bo], b.v_eci_ms[0, i_bo],
                                            np.linalg.norm(b.r_eci_m[0, n - 1]))
    assert coast_model == pytest.approx(coast_kepler, rel=0.005), (
        f"{mid} {date}: model coast {coast_model:.0f} s vs two-body {coast_kepler:.0f} s")
