"""Coverage: range limits vs RCS and altitude, which one binds, and the map polygon.

Checked against the closed forms (R ∝ σ^(1/4); d ≈ 4.12(√h_r + √h_t) km, FS-1037C [ref:fs1037c-radar-los];
the same model's lowest visible altitude above a 5° floor, by slant range) and against the per-sample detection machinery
(look angles from ECEF positions), which computes visibility a different way.
"""

from types import SimpleNamespace

import numpy as np
import pytest
from pyproj import Geod
from shapely.geometry import Point, shape

from thaadsim.earth.frames import geodetic_to_ecef
from thaadsim.sensors.coverage import coverage_geojson, coverage_polygon, range_limits, range_table
from thaadsim.sensors.detection import detect
from thaadsim.sensors.radar import load_radar

GEOD = Geod(ellps="WGS84")
LAT, LON = 35.95, 128.18


def tm(**changes):
    r = load_radar("tpy2-tm")
    return r.with_changes(**changes) if changes else r


def test_effective_range_is_the_smallest_limit_and_names_it():
    df = range_table(load_radar("tpy2-fbm").place(LAT, LON, 675.0, 315.0),
                     rcs_m2=[0.001, 0.01, 0.1, 1.0, 10.0], altitude_km=[20, 100, 300, 600, 1200])
    cols = {"detection": "detection_range_km", "horizon": "horizon_range_km",
            "elevation": "elevation_limited_range_km", "instrumented": "instrumented_range_km"}
    lims = df[list(cols.values())].to_numpy()
    np.testing.assert_allclose(df["effective_range_km"], lims.min(axis=1))
    for _, row in df.iterrows():
        assert row["effective_range_km"] == pytest.approx(row[cols[row["limited_by"]]])
    # every kind of limit shows up somewhere in this sweep
    assert set(df["limited_by"]) >= {"detection", "elevation", "instrumented"}
    # with an elevation floor below the horizon dip, the refracted horizon binds for low, bright targets
    low = load_radar("tpy2-fbm").with_changes(min_elevation_deg=-2.0).place(LAT, LON, 675.0, 315.0)
    row = range_table(low, rcs_m2=[10.0], altitude_km=[20.0]).iloc[0]
    assert row["limited_by"] == "horizon"
    assert row["effective_range_km"] == pytest.approx(4.12 * (np.sqrt(680) + np.sqrt(20e3)), rel=0.02)


def test_detection_range_scales_as_fourth_root_of_rcs():
    lim = range_limits(tm().place(LAT, LON, 675.0, 315.0), np.array([0.01, 0.1, 1.0]), 300.0)
    r = lim["detection_range_km"]
    np.testing.assert_allclose(r[1:] / r[:-1], 10 ** 0.25, rtol=1e-12)


def test_horizon_and_elevation_limits_against_references():
    placed = tm(min_elevation_deg=5.0, height_m=5.0).place(LAT, LON, 675.0, 315.0)   # antenna at 680 m
    alt = np.array([10.0, 100.0, 200.0, 500.0])
    lim = range_limits(placed, 1.0, alt)
    np.testing.assert_allclose(lim["horizon_range_km"], 4.12 * (np.sqrt(680) + np.sqrt(alt * 1e3)), rtol=0.02)
    # 4/3-Earth model [ref:fs1037c-radar-los], 5° floor by slant range: 145 km at 1,000 km, 259 km at 1,500 km, 400 km at 2,000 km
    lim5 = range_limits(placed, 1.0, np.array([145.0, 259.0, 400.0]))
    np.testing.assert_allclose(lim5["elevation_limited_range_km"], [1000, 1500, 2000], rtol=0.01)


def test_too_high_or_too_weak_is_not_detectable():
    placed = tm().place(LAT, LON, 675.0, 315.0)
    lim = range_limits(placed, 0.01, 1000.0)        # 600 km instrumented range < 1000 km altitude
    assert not lim["detectable"] and np.isnan(lim["effective_ground_range_km"])
    assert coverage_polygon(placed, 0.01, 1000.0).is_empty
    assert coverage_geojson(placed, 0.01, 1000.0)["geometry"] is None


def _batch_at(ground_m, alt_m, az):
    lon, lat, _ = GEOD.fwd(np.full(ground_m.shape, LON), np.full(ground_m.shape, LAT), np.full(ground_m.shape, az),
                           ground_m)
    n = ground_m.size
    alt = np.full(n, alt_m)
    return SimpleNamespace(t_s=np.arange(n, dtype=float)[None], n_samples=np.array([n]), valid=np.ones((1, n), bool),
                           lat_deg=lat[None], lon_deg=lon[None], alt_m=alt[None],
                           r_ecef_m=geodetic_to_ecef(lat, lon, alt)[None], phase=np.ones((1, n), np.int8))


@pytest.mark.parametrize("radar_id,rcs,alt_km", [("tpy2-fbm", 0.01, 300.0), ("tpy2-fbm", 1.0, 100.0),
                                                 ("tpy2-tm", 0.1, 200.0), ("sbx", 0.01, 500.0)])
def test_polygon_edge_agrees_with_per_sample_detection(radar_id, rcs, alt_km):
    placed = load_radar(radar_id).place(LAT, LON, 675.0, 315.0)
    lim = range_limits(placed, rcs, alt_km)
    s_out = float(lim["effective_ground_range_km"]) * 1e3
    s_in = float(lim["min_ground_range_km"]) * 1e3
    az = 315.0 + 0.5 * placed.radar.az_half_width_deg
    g = np.array([0.98 * s_out, 1.02 * s_out, 0.5 * (s_in + s_out)])
    det = detect(_batch_at(g, alt_km * 1e3, az), placed, rcs_m2=rcs)
    assert det.detected[0].tolist() == [True, False, True]
    if s_in > 10e3:
        det_in = detect(_batch_at(np.array([0.9 * s_in]), alt_km * 1e3, az), placed, rcs_m2=rcs)
        assert not det_in.detected.any()
    # the polygon agrees: inside at mid-range on the boresight, outside behind the face and beyond
    feat = coverage_geojson(placed, rcs, alt_km)
    poly = shape(feat["geometry"])
    assert poly.is_valid and feat["properties"]["limited_by"] == lim["limited_by"].item()
    lon_m, lat_m, _ = GEOD.fwd(LON, LAT, 315.0, 0.5 * (s_in + s_out))
    lon_b, lat_b, _ = GEOD.fwd(LON, LAT, 135.0, 0.5 * (s_in + s_out))
    lon_f, lat_f, _ = GEOD.fwd(LON, LAT, 315.0, 1.05 * s_out)
    assert poly.contains(Point(lon_m, lat_m))
    assert not poly.contains(Point(lon_b, lat_b)) and not poly.contains(Point(lon_f, lat_f))
    # RFC 7946's right-hand rule by the shoelace formula: exterior rings counter-clockwise (positive
    # signed area in lon/lat), holes clockwise
    polys = feat["geometry"]["coordinates"] if feat["geometry"]["type"] == "MultiPolygon" \
        else [feat["geometry"]["coordinates"]]
    for rings in polys:
        for i, ring in enumerate(rings):
            x, y = np.asarray(ring).T
            signed = 0.5 * np.sum(x[:-1] * y[1:] - x[1:] * y[:-1])
            assert (signed > 0) if i == 0 else (signed < 0), (i, signed)
