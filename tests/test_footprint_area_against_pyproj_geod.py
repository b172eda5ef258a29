"""Defended area and GeoJSON against independent geodesic computations (pyproj ``Geod``) and RFC 7946.

* The defended area (geodesic area of the united region) equals the sum, over the defended cells,
  of each cell's own geodesic area: its four corners put on WGS84 here with ``Geod.fwd`` from the
  grid centre (distance and azimuth of the corner's km offsets) and its edges densified, each
  polygon measured by ``Geod.polygon_area_perimeter``: no union, no shared code path.
* It also equals count x cell_km² to within the azimuthal equidistant frame's area distortion:
  at distance rho the area scale is sin(rho/R)/(rho/R) >= 1 - rho²/(6 R²) (Snyder, *Map
  Projections: A Working Manual*, USGS PP 1395, 1987, §25), under 0.3 % within 600 km.
* The GeoJSON parses with shapely, is a FeatureCollection of lon/lat (Multi)Polygons whose
  exterior rings are counter-clockwise and holes clockwise (RFC 7946 §3.1.6), and its defended
  feature measures the same area as the map.
"""

import json

import numpy as np
import pytest
from pyproj import Geod
from shapely.geometry import shape

from _footprint_cases import PYONGYANG_AREA, thaad_at_seongju
from thaadsim.analysis.footprint_map import footprint_map
from thaadsim.report.footprint import write_footprint

GEOD = Geod(ellps="WGS84")
R_KM = 6371.0


@pytest.fixture(scope="module")
def fm():
    bat, radars = thaad_at_seongju()
    return footprint_map("nodong", *PYONGYANG_AREA, [bat], radars, grid_n=9, span_km=810.0)


def _cell_area_km2(fm, x, y, dense=8):
    """Geodesic area of one cell, corners and densified edges placed by Geod.fwd from the centre."""
    h = fm.cell_km / 2
    t = np.linspace(0, 1, dense, endpoint=False)
    ex = np.concatenate([x - h + 2 * h * t, np.full(dense, x + h), x + h - 2 * h * t, np.full(dense, x - h)])
    ey = np.concatenate([np.full(dense, y - h), y - h + 2 * h * t, np.full(dense, y + h), y + h - 2 * h * t])
    lon, lat, _ = GEOD.fwd(np.full(ex.size, fm.center_lon_deg), np.full(ex.size, fm.center_lat_deg),
                           np.degrees(np.arctan2(ex, ey)), np.hypot(ex, ey) * 1e3)
    a, _ = GEOD.polygon_area_perimeter(lon, lat)
    return abs(a) / 1e6


def test_defended_area_equals_the_sum_of_the_defended_cells_areas(fm):
    jj, ii = np.nonzero(fm.defended)
    assert 5 <= jj.size < fm.aimpoints                      # a real region, not the whole grid
    cells = sum(_cell_area_km2(fm, fm.x_km[i], fm.y_km[j]) for j, i in zip(jj, ii))
    assert fm.defended_area_km2 == pytest.approx(cells, rel=1e-6)     # 7e-8 measured


def test_defended_area_is_count_times_cell_area_within_the_frame_distortion(fm):
    d = fm.defended
    X, Y = np.meshgrid(fm.x_km, fm.y_km)
    rho = np.hypot(np.abs(X[d]) + fm.cell_km / 2, np.abs(Y[d]) + fm.cell_km / 2).max()
    bound = rho ** 2 / (6 * R_KM ** 2) + 0.003               # + ellipsoid vs sphere (flattening 1/298)
    nominal = d.sum() * fm.cell_km ** 2
    assert abs(fm.defended_area_km2 / nominal - 1.0) <= bound
    assert fm.summary()["defended_area_km2"] == pytest.approx(fm.defended_area_km2, abs=0.1)


def test_geojson_is_rfc7946_with_counter_clockwise_exteriors(fm, tmp_path):
    paths = write_footprint(fm, tmp_path)
    gj = json.loads(paths["footprint.geojson"].read_text())
    assert gj["type"] == "FeatureCollection" and gj["features"]
    names = [f["properties"]["name"] for f in gj["features"]]
    assert names[0] == "defended"
    for f in gj["features"]:
        g = shape(f["geometry"])
        assert g.is_valid and g.geom_type in ("Polygon", "MultiPolygon")
        polys = [g] if g.geom_type == "Polygon" else list(g.geoms)
        for p in polys:
            assert p.exterior.is_ccw
            assert all(not r.is_ccw for r in p.interiors)
            lon, lat = np.asarray(p.exterior.coords).T
            assert np.all(np.abs(lat) <= 90) and np.all(np.abs(lon - fm.center_lon_deg) <= 180)
        a, _ = GEOD.geometry_area_perimeter(g)
        assert abs(a) / 1e6 == pytest.approx(f["properties"]["area_km2"], abs=0.1)
    defended = shape(gj["features"][0]["geometry"])
    a, _ = GEOD.geometry_area_perimeter(defended)
    assert abs(a) / 1e6 == pytest.approx(fm.defended_area_km2, rel=1e-9)
    # every defended aimpoint lies inside the defended polygon, every undefended one outside it
    from shapely import points, contains

    inside = contains(defended, points(fm.lon_deg.ravel(), fm.lat_deg.ravel()))
    np.testing.assert_array_equal(inside, fm.defended.ravel())


def test_iso_regions_nest(fm):
    """P >= 0.9 lies within P >= 0.5, which lies within P > 0 (areas and shapes)."""
    r0, r5, r9 = fm.defended_region(), fm.level_region(0.5), fm.level_region(0.9)
    assert r9.difference(r5).area < 1e-9 and r5.difference(r0).area < 1e-9
    s = fm.summary()["p_kill"]["at_least"]
    assert s["0.9"]["area_km2"] <= s["0.5"]["area_km2"] <= fm.defended_area_km2 + 0.1
