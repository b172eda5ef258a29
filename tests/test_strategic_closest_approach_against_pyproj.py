"""Closest approach below THAAD's ceiling, checked against independent geodesy (pyproj's WGS84
geodesics, computed here sample by sample) and against the geometry of a flight along a meridian.

* A short-range missile flown due north along the site's meridian, never above the ceiling, passes
  over the site: its closest approach is ~0 km (Earth rotation bends the track by well under 1 km).
* For a far-away ICBM pair sampled every second, the closest approach equals the brute-force
  minimum of pyproj geodesic distances from the site to every sample at or below the ceiling, to
  within the ground distance of one sample step (the function also searches between samples, so it
  can only be closer).
* A site placed under the flight path between two samples of a coarse (20 s) sampling is found
  (~0 km), where the nearest coarse sample is more than 10 km away: interpolation does not let a
  coarse sampling hide an overflight.
"""

import numpy as np
import pytest
from pyproj import Geod

from thaadsim.analysis.strategic import closest_approach_below_ceiling
from thaadsim.flight import fly_targeted

GEOD = Geod(ellps="WGS84")
SITE = (35.95, 128.18)
CEILING_M = 150e3   # THAAD catalog max intercept altitude [ref:uscc-2016]


def _brute_km(batch, lat, lon, ceiling_m):
    """min over samples at or below the ceiling of the pyproj geodesic distance, per trajectory."""
    out = []
    for i in range(len(batch)):
        n = int(batch.n_samples[i])
        ok = batch.alt_m[i, :n] <= ceiling_m
        d = GEOD.inv(np.full(ok.sum(), lon), np.full(ok.sum(), lat), batch.lon_deg[i, :n][ok],
                     batch.lat_deg[i, :n][ok])[2]
        out.append(d.min() / 1e3)
    return np.array(out)


def test_due_north_over_the_site_is_zero():
    b = fly_targeted("scud-b", SITE[0] - 1.0, SITE[1], SITE[0] + 1.05, SITE[1], sample_dt_s=5.0)
    assert b.apogee_km[0] < CEILING_M / 1e3          # the whole flight is below the ceiling
    km, alt_km, phase, t_s = closest_approach_below_ceiling(b, *SITE, CEILING_M)
    assert km[0] < 1.5
    assert 0.0 < alt_km[0] <= CEILING_M / 1e3 and phase[0] >= 0 and 0 < t_s[0] < b.flight_time_s[0]


def test_far_pair_equals_pyproj_minimum_over_samples():
    # Manchuria to Seattle and to Honolulu: nearest below-ceiling part is the boost near Jilin
    b = fly_targeted("df-31a", 43.9, 125.3, [47.61, 21.31], [-122.33, -157.86], sample_dt_s=1.0)
    km, *_ = closest_approach_below_ceiling(b, *SITE, CEILING_M)
    brute = _brute_km(b, *SITE, CEILING_M)
    assert np.all(brute > 800.0)
    # one sample step's ground distance bounds the difference; the search between samples can only be closer
    step_km = np.nanmax(b.speed_ms, axis=1) * 1.0 / 1e3
    assert np.all(km <= brute + 1e-3)
    assert np.all(km >= brute - step_km)


def test_coarse_sampling_does_not_hide_an_overflight():
    dense = fly_targeted("nodong", 39.0, 125.7, 35.1, 129.0, sample_dt_s=1.0)
    coarse = fly_targeted("nodong", 39.0, 125.7, 35.1, 129.0, sample_dt_s=20.0)
    n = int(dense.n_samples[0])
    t, alt = dense.t_s[0, :n], dense.alt_m[0, :n]
    i = np.flatnonzero((alt < 60e3) & (t > dense.apogee_s[0]))[0]
    i -= int(round(t[i])) % 20 - 10                   # half-way between two 20 s samples
    site = (dense.lat_deg[0, i], dense.lon_deg[0, i])
    assert _brute_km(coarse, *site, CEILING_M)[0] > 10.0       # the samples alone miss it
    km, alt_km, phase, _ = closest_approach_below_ceiling(coarse, *site, CEILING_M)
    assert km[0] < 0.5
    assert alt_km[0] == pytest.approx(alt[i] / 1e3, abs=2.0)
    assert phase[0] == 2                                        # reentry


def test_never_below_the_ceiling_is_nan():
    b = fly_targeted("scud-b", 34.95, 128.18, 37.0, 128.18, sample_dt_s=5.0)
    km, alt_km, phase, t_s = closest_approach_below_ceiling(b, *SITE, -1000.0)   # nothing is below -1 km
    assert np.isnan(km[0]) and np.isnan(alt_km[0]) and phase[0] == -1 and np.isnan(t_s[0])


def test_past_boost_equals_pyproj_minimum_over_post_boost_samples():
    # Jilin -> Seattle and Honolulu: with the boost left out, the minimum is over the samples past
    # burnout at or below the ceiling (early midcourse when burnout is below 150 km, and reentry)
    b = fly_targeted("df-31a", 43.9, 125.3, [47.61, 21.31], [-122.33, -157.86], sample_dt_s=1.0)
    any_phase, *_ = closest_approach_below_ceiling(b, *SITE, CEILING_M)
    past_boost, _, phase_pb, _ = closest_approach_below_ceiling(b, *SITE, CEILING_M, min_phase=1)
    assert np.all(phase_pb >= 1)
    brute = []
    for i in range(len(b)):
        n = int(b.n_samples[i])
        ok = (b.alt_m[i, :n] <= CEILING_M) & (b.phase[i, :n] >= 1)
        brute.append(GEOD.inv(np.full(ok.sum(), SITE[1]), np.full(ok.sum(), SITE[0]), b.lon_deg[i, :n][ok],
                              b.lat_deg[i, :n][ok])[2].min() / 1e3)
    brute = np.array(brute)
    step_km = np.nanmax(b.speed_ms, axis=1) / 1e3
    assert np.all(past_boost <= brute + 1e-3) and np.all(past_boost >= brute - step_km)
    assert np.all(past_boost >= any_phase)          # fewer phases can only be further away
