"""Targeting against pyproj's WGS84 geodesic: every shape lands within 1 km of its aimpoint on the
rotating WGS84 Earth with drag (the solver converges to 50 m), and a requested apogee is flown.

The reference distance impact -> aimpoint is computed with ``pyproj.Geod.inv`` (GeographicLib's
algorithm), independently of thaadsim's own geodesy and of the miss the solver reports.
"""

from __future__ import annotations

import numpy as np

from thaadsim.validation import Row, check

FAMILY = "targeting"
GEOD = "impact-to-aimpoint distance, pyproj Geod (WGS84)"
PYONGYANG_AREA = (39.0, 125.7)
WASHINGTON = (38.9, -77.0)


def miss_m(batch, lat, lon):
    """Geodesic distance (m) from each impact to its aimpoint, by pyproj."""
    from pyproj import Geod

    n = len(batch)
    _, _, d = Geod(ellps="WGS84").inv(batch.impact_lon_deg, batch.impact_lat_deg, np.broadcast_to(lon, n),
                                      np.broadcast_to(lat, n))
    return np.asarray(d, dtype=float)


def generic_srbm():
    """A Scud-class single-stage rocket defined here, so the check does not move with catalog calibration."""
    from thaadsim.flight import Missile, ReentryVehicle, Stage

    return Missile("test-srbm", "test SRBM", (Stage(4500.0, 1000.0, 235.0, 65.0, 0.88),),
                   ReentryVehicle(800.0, 3000.0))


def _miss_rows(label, batch, lat, lon, names):
    d = miss_m(batch, lat, lon)
    return [Row.within(f"{label}, {n}: miss", FAMILY, GEOD, value=d[i], reference=0.0, abs=1000.0, unit="m")
            for i, n in enumerate(names)]


@check(FAMILY)
def hwasong15_to_washington_every_shape() -> list[Row]:
    from thaadsim.flight import fly_targeted

    shapes = ["min-energy", "lofted", "depressed"]
    b = fly_targeted("hwasong-15", *PYONGYANG_AREA, *WASHINGTON, shape=shapes, sample_dt_s=None)
    return _miss_rows("hwasong-15 Pyongyang area -> Washington", b, *WASHINGTON, shapes)


@check(FAMILY)
def hwasong15_depressed_batch_of_four() -> list[Row]:
    from thaadsim.flight import fly_targeted

    lats = np.array([35.1, 37.5, 34.7, 33.5])
    lons = np.array([129.0, 127.0, 135.5, 126.5])
    b = fly_targeted("hwasong-15", *PYONGYANG_AREA, lats, lons, shape="depressed", sample_dt_s=None)
    return _miss_rows("hwasong-15 depressed, one call", b, lats, lons,
                      [f"to {a:g},{o:g}" for a, o in zip(lats, lons)])


@check(FAMILY)
def lofted_to_a_requested_apogee() -> list[Row]:
    from thaadsim.flight import fly_targeted

    b = fly_targeted("hwasong-15", *PYONGYANG_AREA, 39.5, 135.0, shape="lofted", apogee_km=2000.0,
                     sample_dt_s=None)
    return _miss_rows("hwasong-15 lofted to 2,000 km apogee", b, 39.5, 135.0, ["39.5,135"]) + [
        Row.within("hwasong-15 lofted: apogee asked for", FAMILY, "the requested apogee", value=b.apogee_km[0],
                   reference=2000.0, abs=1.0, unit="km")]


@check(FAMILY)
def short_range_missile_every_shape() -> list[Row]:
    from thaadsim.flight import fly_targeted, max_range_km

    m = generic_srbm()
    lat = 40.0 - 0.7 * max_range_km(m) / 111.0
    shapes = ["min-energy", "lofted", "depressed"]
    b = fly_targeted(m, 40.0, 125.0, lat, 125.0, shape=shapes, sample_dt_s=None)
    return _miss_rows("test SRBM at 70 % of its range", b, lat, 125.0, shapes)


# 60 aimpoints spread over the continental US, seeded: many aimpoints from one launch area take the fast path
_RNG = np.random.default_rng(11)
US_LAT = _RNG.uniform(32.0, 45.0, 60)
US_LON = _RNG.uniform(-120.0, -78.0, 60)


@check(FAMILY)
def many_aimpoints_against_a_strict_flight() -> list[Row]:
    """The fast path (interpolated neighbours + Newton-Broyden) for 60 aimpoints: every impact within
    50 m of its aimpoint, within 10 m of the same launch parameters flown again at rtol 1e-12 with the
    kernel's plain step control, and that strict flight within 60 m of the aimpoint (pyproj distances)."""
    from pyproj import Geod

    from thaadsim.flight import fly_powered, fly_targeted, load_missile
    from thaadsim.flight.engine import FlightOptions

    b = fly_targeted("hwasong-15", *PYONGYANG_AREA, US_LAT, US_LON, sample_dt_s=None)
    strict = FlightOptions(rtol=1e-12, kernel_flags=0, coast_max_step_s=20.0)
    s = fly_powered([load_missile("hwasong-15")], np.zeros(US_LAT.size, int), *PYONGYANG_AREA, b.launch_azimuth_deg,
                    b.kick_deg, b.cutoff_s, options=strict, sample_dt_s=None)
    _, _, d = Geod(ellps="WGS84").inv(b.impact_lon_deg, b.impact_lat_deg, s.impact_lon_deg, s.impact_lat_deg)
    src = "the same launch parameters flown at rtol 1e-12 (plain step control)"
    name = "hwasong-15, 60 US aimpoints, fast path"
    return [Row.within(f"{name}: largest miss", FAMILY, GEOD, value=float(np.max(miss_m(b, US_LAT, US_LON))),
                       reference=0.0, abs=50.0, unit="m"),
            Row.within(f"{name}: largest impact difference from the strict flight", FAMILY, src,
                       value=float(np.max(d)), reference=0.0, abs=10.0, unit="m"),
            Row.within(f"{name}: the strict flight's largest miss", FAMILY, GEOD,
                       value=float(np.max(miss_m(s, US_LAT, US_LON))), reference=0.0, abs=60.0, unit="m")]
