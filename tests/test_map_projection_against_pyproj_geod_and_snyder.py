"""The maps' projections checked against independent references: pyproj's geodesic (Karney's
algorithm) for true distances, pyproj's own projection factors and Snyder's closed forms
(Map Projections: A Working Manual, 1987 [ref:snyder-1987]) for the stereographic's conformality
and scale, plain collinearity for "great circles through the centre are straight"."""

import numpy as np
import pytest
from pyproj import Geod, Proj

from thaadsim.errors import ThaadsimError
from thaadsim.report.projection import (EARTH_RADIUS_KM, choose_projection, degree_label, edge_crossings, graticule,
                                        round_length_km, scale_bar)

GEOD = Geod(ellps="WGS84")


def test_extent_chooses_stereographic_for_a_theatre_and_equidistant_for_long_range():
    korea = choose_projection([125.7, 127.45, 129.04, 128.18, 126.9], [39.0, 39.15, 35.1, 35.95, 37.0])
    assert korea.kind == "theatre" and "+proj=stere" in korea.proj4
    # the centre is the middle of the points on the sphere: inside their lon/lat box
    assert 125.7 < korea.center_lon_deg < 129.04 and 35.1 < korea.center_lat_deg < 39.15
    icbm = choose_projection([125.3, -122.3, -77.0], [43.9, 47.6, 38.9])
    assert icbm.kind == "long-range" and "+proj=aeqd" in icbm.proj4
    # across the antimeridian: the centre is over the Pacific/Arctic, not over Africa
    assert abs(((icbm.center_lon_deg - 180.0) + 180.0) % 360.0 - 180.0) < 60.0
    with pytest.raises(ThaadsimError):
        choose_projection([np.nan], [np.nan])


def test_equidistant_distances_from_the_centre_are_true_and_routes_through_it_are_straight():
    proj = choose_projection([125.3, -122.3, -77.0], [43.9, 47.6, 38.9])
    rng = np.random.default_rng(3)
    lon = rng.uniform(-180.0, 180.0, 200)
    lat = rng.uniform(-30.0, 89.0, 200)
    far = proj.angle_deg(lon, lat) < 150.0
    x, y = proj.forward(lon[far], lat[far])
    d_km = GEOD.inv(np.full(far.sum(), proj.center_lon_deg), np.full(far.sum(), proj.center_lat_deg),
                    lon[far], lat[far])[2] / 1e3
    np.testing.assert_allclose(np.hypot(x, y), d_km, rtol=1e-6, atol=0.01)
    # a geodesic through the centre (from 4,000 km one side to 4,000 km the other) is a straight line
    lo, la, _ = GEOD.fwd([proj.center_lon_deg] * 2, [proj.center_lat_deg] * 2, [40.0, 220.0], [4e6, 4e6])
    pts = np.array(GEOD.npts(lo[0], la[0], lo[1], la[1], 50))
    px, py = proj.forward(pts[:, 0], pts[:, 1])
    d = np.array([px[-1] - px[0], py[-1] - py[0]])
    off = np.abs((px - px[0]) * d[1] - (py - py[0]) * d[0]) / np.hypot(*d)
    assert off.max() < 1.0                          # km, over an 8,000 km line


def test_stereographic_is_conformal_with_snyders_scale_factor():
    proj = choose_projection([125.7, 129.04, 128.18], [39.0, 35.1, 35.95])
    p = Proj(proj.proj4)
    lon0, lat0 = proj.center_lon_deg, proj.center_lat_deg
    az = np.linspace(0.0, 330.0, 12)
    for dist_km in (300.0, 1000.0, 2000.0):
        lon, lat, _ = GEOD.fwd(np.full(az.size, lon0), np.full(az.size, lat0), az, np.full(az.size, dist_km * 1e3))
        f = p.get_factors(lon, lat)
        # conformal: the same scale along the meridian and the parallel, no angular distortion
        np.testing.assert_allclose(f.meridional_scale, f.parallel_scale, rtol=1e-6)
        assert np.max(np.abs(f.angular_distortion)) < 1e-4          # degrees: numerical noise only
        # Snyder eq. 21-4 with k0 = 1 (sphere): k = 2 / (1 + cos c), c the angle from the centre
        c = dist_km / EARTH_RADIUS_KM
        np.testing.assert_allclose(f.parallel_scale, 2.0 / (1.0 + np.cos(c)), rtol=4e-3)


def test_scale_bar_is_a_round_length_true_on_the_ground_at_the_centre():
    for pts in (([125.7, 129.04], [39.0, 35.1]), ([125.3, -77.0], [43.9, 38.9])):
        proj = choose_projection(*pts)
        for width_km in (730.0, 1900.0, 9000.0):
            length_km, projected_km = scale_bar(proj, width_km)
            assert length_km in {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000}
            assert 0.1 * width_km < length_km <= 0.2 * width_km
            assert projected_km == pytest.approx(length_km, rel=2e-3)      # scale factor 1 at the centre
    assert [round_length_km(v) for v in (7.0, 19.9, 20.0, 480.0)] == [5.0, 10.0, 20.0, 200.0]


def test_graticule_edge_labels_name_the_meridian_that_crosses_there():
    proj = choose_projection([125.7, 129.04, 128.18], [39.0, 35.1, 35.95])
    extent = (-450.0, 450.0, -420.0, 420.0)
    lines = graticule(proj, extent)
    bottom = edge_crossings([g for g in lines if g[0] == "meridian"], extent[2], 1, *extent[:2])
    left = edge_crossings([g for g in lines if g[0] == "parallel"], extent[0], 0, *extent[2:])
    assert len(bottom) >= 3 and len(left) >= 3
    lon, _ = proj.inverse([p for p, _, _ in bottom], np.full(len(bottom), extent[2]))
    np.testing.assert_allclose(lon, [v for _, _, v in bottom], atol=1e-3)
    _, lat = proj.inverse(np.full(len(left), extent[0]), [p for p, _, _ in left])
    np.testing.assert_allclose(lat, [v for _, _, v in left], atol=1e-3)
    assert [degree_label("meridian", v) for v in (128.0, -77.0, 180.0, 0.0)] == ["128°E", "77°W", "180°", "0°"]
    assert degree_label("parallel", -15.0) == "15°S"
