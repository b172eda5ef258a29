"""Detections along trajectories against closed forms: horizon loss time, scan limits, R⁴ range.

Synthetic trajectories (plain arrays in the TrajectoryBatch layout) are built along known paths so
the answer is a closed form: the refracted-ray altitude (4/3-Earth formulas [ref:fs1037c-radar-los]), the
radar-equation range, the face geometry. Plus one smoke check on a real flown trajectory.

The horizon-loss and radar-equation-range comparisons live in :mod:`thaadsim.validation.radar`.
"""

from types import SimpleNamespace

import numpy as np
import pytest
from pyproj import Geod

from _validation import assert_rows_pass, params
from thaadsim.errors import ThaadsimError
from thaadsim.sensors import geometry as geo
from thaadsim.sensors.detection import detect
from thaadsim.sensors.radar import load_radar
from thaadsim.sensors.signatures import Signature, signature_for
from thaadsim.validation import radar as vr

GEOD = Geod(ellps="WGS84")
SITE = vr.SITE
make_batch = vr.synthetic_batch
strong_radar = vr.geometry_only_radar


def point_at(ground_m, az_deg=315.0):
    g = np.atleast_1d(np.asarray(ground_m, float))
    lon, lat, _ = GEOD.fwd(np.full(g.shape, SITE[1]), np.full(g.shape, SITE[0]), np.full(g.shape, az_deg), g)
    return (lat[0], lon[0]) if np.ndim(ground_m) == 0 else (lat, lon)


@pytest.mark.parametrize("check", params(vr.track_lost_below_the_visible_altitude,
                                         vr.first_detection_at_the_radar_equation_range))
def test_detections_against_the_horizon_and_the_radar_equation(check):
    """Track lost where a falling target passes the lowest visible altitude (1 s); first detection of an
    inbound target at the radar-equation range (1.5 km) and the R^4 law along the track (the rows
    ``thaadsim validate`` prints)."""
    assert_rows_pass(check)


def test_a_falling_target_is_tracked_in_midcourse_until_lost():
    lat, lon = point_at(800e3)
    t = np.arange(0.0, 300.0, 1.0)
    radar = strong_radar().place(SITE[0], SITE[1], SITE[2], face_az_deg=315.0)
    det = detect(make_batch(np.full_like(t, lat), np.full_like(t, lon), 600e3 - 2000.0 * t, t), radar)
    assert det.detected[0, 0]
    assert det.track_time_s[0] == pytest.approx(det.last_detection_s[0], abs=1e-9)
    assert det.tracked_phases() == ["midcourse"]


def _crossing_track(face_az):
    lat, lon = point_at(np.linspace(1500e3, 100e3, 200))
    alt = np.full(200, 300e3)
    t = np.arange(200.0) * 5.0
    radar = strong_radar().place(SITE[0], SITE[1], SITE[2], face_az_deg=face_az)
    return detect(make_batch(lat, lon, alt, t), radar)


def test_target_behind_the_face_is_never_detected():
    front = _crossing_track(315.0)
    behind = _crossing_track(135.0)
    assert front.detected.any()
    assert behind.in_line_of_sight.all() and not behind.in_scan.any()
    assert not behind.detected.any() and np.isnan(behind.first_detection_s[0])
    assert behind.summary().loc[0, "detected"] == False  # noqa: E712
    assert behind.track_time_s[0] == 0.0


def test_target_below_minimum_elevation_is_never_detected():
    # low target far away: above the refracted horizon but below the 5 deg floor
    lat, lon = point_at(np.linspace(900e3, 700e3, 50))
    alt = np.full(50, 40e3)
    t = np.arange(50.0)
    radar = strong_radar().place(SITE[0], SITE[1], SITE[2], face_az_deg=315.0)
    det = detect(make_batch(lat, lon, alt, t), radar)
    assert det.in_line_of_sight.all()
    assert np.all(det.elevation_deg < 5.0)
    assert not det.detected.any()


def test_phase_dependent_rcs():
    # outbound along the boresight at constant 500 km altitude, 1000 -> 2000 km as a 10 m² booster,
    # then 2000 -> 3000 km as a 0.01 m² RV: the RV is beyond its radar-equation range (< 1000 km)
    radar = load_radar("tpy2-fbm").with_changes(max_range_km=40000.0, min_elevation_deg=0.0)
    placed = radar.place(SITE[0], SITE[1], SITE[2], face_az_deg=315.0)
    assert float(radar.detection_range_m(0.01)) < 1500e3 < float(radar.detection_range_m(10.0))
    lat, lon = point_at(np.linspace(1000e3, 3000e3, 201))
    t = np.arange(201.0) * 10
    phase = np.where(np.arange(201) < 100, 0, 1).astype(np.int8)
    det = detect(make_batch(lat, lon, np.full(201, 500e3), t, phase), placed,
                 signature=Signature(booster_rcs_m2=10.0, rv_rcs_m2=0.01))
    assert det.tracked_phases() == ["boost"]
    assert det.last_detection_s[0] == t[99]
    assert det.summary().loc[0, "first_detection_phase"] == "boost"


def test_track_intervals_when_the_target_dips_below_the_floor():
    # fixed ground distance 1200 km; altitude falls 400 -> 100 km and climbs back: seen above the
    # lowest visible altitude h* only, so two intervals whose ends follow from h*
    lat, lon = point_at(1200e3)
    t = np.arange(0.0, 601.0, 1.0)
    alt = 100e3 + np.abs(t - 300.0) * 1000.0
    radar = strong_radar().place(SITE[0], SITE[1], SITE[2], face_az_deg=315.0)
    det = detect(make_batch(np.full_like(t, lat), np.full_like(t, lon), alt, t), radar)
    h_star = geo.lowest_visible_altitude_m(1200e3, SITE[2], 5.0, radius_m=geo.euler_radius_m(SITE[0], 315.0))
    dt_gap = (h_star - 100e3) / 1000.0            # half-width of the invisible gap, s
    iv = det.intervals_s[0]
    assert iv.shape == (2, 2)
    assert iv[0, 0] == 0.0 and iv[1, 1] == 600.0
    assert iv[0, 1] == pytest.approx(300.0 - dt_gap, abs=1.0)
    assert iv[1, 0] == pytest.approx(300.0 + dt_gap, abs=1.0)
    assert det.track_time_s[0] == pytest.approx(600.0 - 2 * dt_gap, abs=2.0)
    assert det.summary().loc[0, "n_track_intervals"] == 2


def test_signature_defaults_overrides_and_catalog():
    s = signature_for()
    assert s.rv_rcs_m2 == 0.05 and "assumption" in s.rv_source
    assert s.rcs_by_phase(np.array([0, 1, 2, -1])).tolist()[:3] == [10.0, 0.05, 0.05]
    m = SimpleNamespace(id="x", meta={"signature": {"rv_rcs_m2": 0.2, "source": "test"}})
    assert signature_for(m).rv_rcs_m2 == 0.2
    assert signature_for(m, rv_rcs_m2=0.01).rv_rcs_m2 == 0.01
    with pytest.raises(ThaadsimError, match="signature.rv_rcs"):
        signature_for(SimpleNamespace(id="x", meta={"signature": {"rv_rcs": 0.2}}))


def test_real_flown_trajectory_smoke():
    flight = pytest.importorskip("thaadsim.flight")
    b = flight.fly_targeted("hwasong-15", [39.0, 39.0], [125.7, 125.7], [38.9, 35.0], [-77.0, 139.0],
                            sample_dt_s=5.0)
    placed = load_radar("tpy2-fbm").place(SITE[0], SITE[1], SITE[2], face_az_deg=315.0)
    det = detect(b, placed)
    df = det.summary()
    assert len(df) == 2 and df["detected"].all()
    # detections only where valid and within each flight
    assert not (det.detected & ~det.valid).any()
    assert np.all(df["first_detection_s"] <= df["last_detection_s"])
    assert np.all(df["track_time_s"] <= df["last_detection_s"] - df["first_detection_s"] + 1e-9)


def test_flown_trajectory_loses_track_where_the_closed_form_horizon_says():
    # missiles flown by the flight engine outbound from near the radar; each is lost when it sinks
    # below the lowest visible altitude (5 deg floor, 4/3 Earth) at its ground distance
    flight = pytest.importorskip("thaadsim.flight")
    lat0, lon0 = point_at(np.array([50e3, 80e3, 120e3]))
    b = flight.fly_kinematic([3.0, 3.5, 4.0], 40.0, 315.0, lat0, lon0, burnout_altitude_km=30.0, sample_dt_s=1.0)
    radar = strong_radar(max_elevation_deg=90.0).place(SITE[0], SITE[1], SITE[2], face_az_deg=315.0)
    det = detect(b, radar)
    for i in range(len(b)):
        n = int(b.n_samples[i])
        _, _, ground = GEOD.inv(np.full(n, SITE[1]), np.full(n, SITE[0]), b.lon_deg[i, :n], b.lat_deg[i, :n])
        h_vis = geo.lowest_visible_altitude_m(ground, SITE[2], 5.0, radius_m=geo.euler_radius_m(SITE[0], 315.0))
        visible = b.alt_m[i, :n] >= h_vis
        expected_last = b.t_s[i, np.nonzero(visible)[0][-1]]
        assert b.impact_s[i] - expected_last > 30.0          # the track ends well before impact
        assert det.last_detection_s[i] == pytest.approx(expected_last, abs=1.0 + 1e-6)


@pytest.mark.parametrize("missile_id", ["scud-b", "scud-c"])
def test_a_missile_that_keeps_its_warhead_shows_its_airframe_after_burnout(missile_id):
    """The Scud family does not separate its warhead: after burnout the radar sees the whole body,
    not a 0.05 m² RV, so its catalog entry must override the RV default (and say why)."""
    from thaadsim.flight import load_missile
    from thaadsim.sensors.signatures import DEFAULT_RV_RCS_M2

    sig = signature_for(load_missile(missile_id))
    assert sig.rv_rcs_m2 > 10 * DEFAULT_RV_RCS_M2
    assert "does not separate" in sig.rv_source


def test_rcs_array_gives_each_row_its_own_missiles_rcs_by_phase():
    # rows of a scenario batch are different missiles: each row's RCS follows its own signature
    # (booster in boost, RV or airframe after), grouped per signature rather than looped per row
    from types import SimpleNamespace

    from thaadsim.analysis.detections import rcs_array

    ph = np.array([[0, 0, 1, 2, np.nan], [0, 1, 1, 2, 2], [0, 0, 0, 1, 2]])
    sigs = [Signature(10.0, 0.05), Signature(5.0, 1.0), Signature(10.0, 0.05)]
    got = rcs_array(SimpleNamespace(phase=ph), sigs)
    expected = np.array([[10, 10, 0.05, 0.05, np.nan], [5, 1, 1, 1, 1], [10, 10, 10, 0.05, 0.05]])
    np.testing.assert_array_equal(got, expected)
