"""The vendored outlines against geography anyone can check, and the converter against a hand-made topology.

References: city coordinates from public gazetteers (Wikipedia infobox values, rounded): Busan
35.10 N 129.04 E (a port: on the coast), Seongju 35.92 N 128.28 E (inland, ~70 km from the sea),
Panmunjom 37.96 N 126.68 E (on the inter-Korean line), Vladivostok 43.12 N 131.89 E (a port),
Dandong 40.13 N 124.39 E / Sinuiju (China-DPRK border on the Yalu).
"""

import importlib.util
import json
import math
from pathlib import Path

import numpy as np
import pytest
from shapely.geometry import MultiLineString, Point, shape

from thaadsim.report import basemap

ROOT = Path(__file__).resolve().parents[1]


def _tool():
    spec = importlib.util.spec_from_file_location("prep_ne", ROOT / "tools" / "prep_natural_earth.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _km(p: Point, geom) -> float:
    """Distance in km in a local equirectangular frame around p (good to ~1% over tens of km)."""
    from shapely import affinity

    k = math.cos(math.radians(p.y))
    g = affinity.scale(geom, xfact=k, yfact=1.0, origin=(0, 0))
    return g.distance(Point(p.x * k, p.y)) * 111.32


@pytest.fixture(scope="module")
def east_asia():
    fc = json.loads((ROOT / "src/thaadsim/data/maps/east_asia_50m.geojson").read_text())
    return {f["properties"]["kind"]: shape(f["geometry"]) for f in fc["features"]}


def test_files_are_feature_collections_inside_their_boxes():
    for name, box in (("east_asia_50m", (90, 0, 160, 60)), ("world_110m", (-180, -90, 180, 90))):
        fc = json.loads((ROOT / f"src/thaadsim/data/maps/{name}.geojson").read_text())
        assert fc["type"] == "FeatureCollection"
        kinds = {f["properties"]["kind"] for f in fc["features"]}
        assert kinds == {"coastline", "border"}
        for f in fc["features"]:
            g = shape(f["geometry"])
            assert isinstance(g, MultiLineString) and not g.is_empty
            x0, y0, x1, y1 = g.bounds
            assert x0 >= box[0] - 1e-9 and y0 >= box[1] - 1e-9 and x1 <= box[2] + 1e-9 and y1 <= box[3] + 1e-9


def test_ports_lie_on_the_coast_and_seongju_inland(east_asia):
    coast = east_asia["coastline"]
    assert _km(Point(129.04, 35.10), coast) < 8          # Busan
    assert _km(Point(131.89, 43.12), coast) < 8          # Vladivostok
    assert 40 < _km(Point(128.28, 35.92), coast) < 110   # Seongju, inland


def test_land_borders_are_where_they_are(east_asia):
    border = east_asia["border"]
    assert _km(Point(126.68, 37.96), border) < 10        # Panmunjom on the inter-Korean line
    assert _km(Point(124.39, 40.13), border) < 15        # Dandong, on the Yalu
    assert _km(Point(128.28, 35.92), border) > 150       # nowhere near Seongju


def test_no_line_jumps_across_the_antimeridian_in_the_world_file():
    lines = basemap.load_outlines("world_110m")
    for kind, ls in lines.items():
        for ln in ls:
            assert np.all(np.abs(np.diff(ln[:, 0])) < 180.0), kind


def test_converter_classifies_a_two_square_topology():
    # two unit squares sharing the edge x = 1: that edge is a border, the other six edges coastline.
    # Quantized with scale 0.5 and translate (10, 20); arcs are delta-encoded.
    topo = {
        "type": "Topology",
        "transform": {"scale": [0.5, 0.5], "translate": [10.0, 20.0]},
        "arcs": [
            [[2, 0], [0, 2]],                    # shared edge: (11,20) -> (11,21)
            [[2, 2], [-2, 0], [0, -2], [2, 0]],  # left square's other three edges
            [[2, 0], [2, 0], [0, 2], [-2, 0]],   # right square's other three edges
        ],
        "objects": {"countries": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[0, 1]]},
            {"type": "Polygon", "arcs": [[2, ~0]]},
        ]}},
    }
    tool = _tool()
    arcs = tool.decode_arcs(topo)
    assert arcs[0] == [(11.0, 20.0), (11.0, 21.0)]
    assert arcs[1][-1] == (11.0, 20.0)
    fc = tool.convert(topo, 0, 0, 50, 50)
    got = {f["properties"]["kind"]: shape(f["geometry"]) for f in fc["features"]}
    assert got["border"].length == pytest.approx(1.0)
    assert got["coastline"].length == pytest.approx(6.0)
    # clipping to a box that cuts the right square in half
    fc = tool.convert(topo, 0, 0, 11.5, 50)
    got = {f["properties"]["kind"]: shape(f["geometry"]) for f in fc["features"]}
    assert got["coastline"].length == pytest.approx(3.0 + 0.5 + 0.5)


def test_view_box_puts_asia_and_the_us_side_by_side():
    lo, la0, hi, la1, c = basemap.view_box([127.0, -77.0], [38.0, 38.9])   # Korea and Washington
    assert hi - lo < 180                  # across the Pacific, not the long way round
    assert basemap.outlines_for_box(lo, la0, hi, la1) == "world_110m"
    assert basemap.outlines_for_box(124, 33, 131.5, 43.5) == "east_asia_50m"
