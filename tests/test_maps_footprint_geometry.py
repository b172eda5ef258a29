"""Geometry of the defended-footprint map layer, against geographiclib and plain area arithmetic."""

import numpy as np
import pytest
from geographiclib.geodesic import Geodesic

from thaadsim.analysis.footprint import _cells_polygon, grid_aimpoints
from thaadsim.analysis.result import _area_km2

G = Geodesic.WGS84


def test_grid_nodes_sit_at_their_local_east_north_offsets():
    xs, ys, la, lo = grid_aimpoints(36.0, 128.2, 300.0, 7)
    assert xs.size == 49
    for x, y, a, b in zip(xs, ys, la, lo):
        inv = G.Inverse(36.0, 128.2, a, b)
        assert inv["s12"] / 1e3 == pytest.approx(np.hypot(x, y), abs=1e-6)
        if np.hypot(x, y) > 0:
            assert (inv["azi1"] - np.degrees(np.arctan2(x, y)) + 180) % 360 - 180 == pytest.approx(0, abs=1e-7)


def test_union_of_cells_has_the_area_of_its_cells():
    # 3x3 grid with 100 km cells; defend an L of 4 cells -> 40,000 km² (local-frame distortion < 1 %)
    xs, ys, _, _ = grid_aimpoints(36.0, 128.2, 100.0, 3)
    mask = np.zeros(9, bool)
    mask[[0, 3, 6, 7]] = True
    poly = _cells_polygon(xs, ys, mask, 100.0, 36.0, 128.2)
    assert poly.geom_type == "Polygon"
    assert _area_km2(poly) == pytest.approx(4 * 100.0**2, rel=0.01)
    assert _cells_polygon(xs, ys, np.zeros(9, bool), 100.0, 36.0, 128.2).is_empty


def test_geodesic_area_of_a_known_box():
    from shapely.geometry import box

    # a 1 deg x 1 deg box at the equator: 110.57 km (lat) x 111.32 km (lon) ≈ 12,308 km²
    assert _area_km2(box(0.0, -0.5, 1.0, 0.5)) == pytest.approx(12308.0, rel=2e-3)
