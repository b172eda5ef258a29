"""Exports read back by independent parsers: json + shapely (GeoJSON), xml.etree (KML), json +
czml3's pydantic models (CZML). Values are checked against the inputs, not against earlier output."""

import datetime as dt
import json
import os
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from shapely.geometry import Point, shape

from thaadsim.io import atomic
from thaadsim.io.exports import Area, Site, Track, write_czml, write_geojson, write_kml

KML_NS = {"k": "http://www.opengis.net/kml/2.2"}


@pytest.fixture
def inputs():
    t = np.arange(0.0, 601.0, 10.0)
    lat = np.linspace(39.0, 35.1, t.size)
    lon = np.linspace(125.7, 129.0, t.size)
    alt = 4 * 300e3 * (t / t[-1]) * (1 - t / t[-1])   # parabola, apogee 300 km at mid-flight
    tr = Track("nodong-1", "Nodong to Busan", t, lat, lon, alt, kind="threat", properties={"shape": "lofted"})
    bad = Track("short", "empty", [0.0, np.nan], [1.0, np.nan], [1.0, np.nan], [0.0, np.nan])
    sites = [Site("thaad", "THAAD Seongju", 35.92, 128.28, 680.0, kind="battery"),
             Site("x1", "intercept", 36.5, 128.0, 40e3, kind="intercept", time_s=512.0)]
    ring = Point(128.28, 35.92).buffer(1.0)
    areas = [Area("cov", "TPY-2 coverage", ring, kind="coverage")]
    return [tr, bad], sites, areas


def test_geojson_round_trips_through_shapely(tmp_path, inputs):
    tracks, sites, areas = inputs
    p = write_geojson(tmp_path / "s.geojson", tracks, sites, areas)
    fc = json.loads(p.read_text())
    kinds = [f["properties"]["kind"] for f in fc["features"]]
    assert kinds.count("threat") == 1            # the all-NaN track is dropped
    line = next(shape(f["geometry"]) for f in fc["features"] if f["properties"]["kind"] == "threat")
    assert line.has_z and len(line.coords) == 61
    assert line.coords[0] == pytest.approx((125.7, 39.0, 0.0))
    assert max(c[2] for c in line.coords) == pytest.approx(300e3, rel=1e-6)
    poly = next(shape(f["geometry"]) for f in fc["features"] if f["properties"]["kind"] == "coverage")
    from shapely.geometry.polygon import orient

    assert poly.equals_exact(orient(areas[0].geometry, sign=1.0), 1e-9)   # the same ring, counter-clockwise
    ic = next(f for f in fc["features"] if f["properties"]["kind"] == "intercept")
    assert ic["properties"]["time_s"] == 512.0 and ic["geometry"]["coordinates"][2] == 40000.0
    assert next(f for f in fc["features"] if f["properties"]["kind"] == "threat")["properties"]["shape"] == "lofted"


def test_kml_parses_with_etree_and_keeps_absolute_altitude(tmp_path, inputs):
    tracks, sites, areas = inputs
    p = write_kml(tmp_path / "s.kml", tracks, sites, areas)
    root = ET.parse(p).getroot()
    ls = root.findall(".//k:LineString", KML_NS)
    assert len(ls) == 1
    assert ls[0].find("k:altitudeMode", KML_NS).text == "absolute"
    pts = [tuple(map(float, c.split(","))) for c in ls[0].find("k:coordinates", KML_NS).text.split()]
    assert len(pts) == 61
    assert pts[0] == pytest.approx((125.7, 39.0, 0.0))
    assert pts[30][2] == pytest.approx(300e3)
    names = [e.text for e in root.findall(".//k:Placemark/k:name", KML_NS)]
    assert {"THAAD Seongju", "intercept", "Nodong to Busan", "TPY-2 coverage"} <= set(names)
    ring = root.find(".//k:Polygon//k:coordinates", KML_NS).text.split()
    lonlat = np.array([[float(v) for v in c.split(",")[:2]] for c in ring])
    r = np.hypot(lonlat[:, 0] - 128.28, lonlat[:, 1] - 35.92)
    assert r == pytest.approx(1.0, abs=1e-6)


def test_czml_is_valid_for_czml3_and_time_dynamic(tmp_path, inputs):
    from czml3 import Packet

    tracks, sites, areas = inputs
    epoch = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.timezone.utc)
    p = write_czml(tmp_path / "s.czml", tracks, sites, areas, epoch=epoch)
    doc = json.loads(p.read_text())
    assert doc[0]["id"] == "document" and doc[0]["version"] == "1.0"
    for pk in doc:                               # every packet validates against czml3's schema
        Packet.model_validate(pk)
    tr = next(pk for pk in doc if pk["id"] == "track/nodong-1")
    assert tr["position"]["epoch"].startswith("2026-03-01T12:00:00")
    s = np.array(tr["position"]["cartographicDegrees"]).reshape(-1, 4)
    assert s[:, 0] == pytest.approx(np.arange(0.0, 601.0, 10.0))
    assert s[30, 3] == pytest.approx(300e3)
    assert tr["availability"].startswith("2026-03-01T12:00:00") and "12:10:00" in tr["availability"]
    ic = next(pk for pk in doc if pk["id"] == "site/x1")
    assert ic["availability"].startswith("2026-03-01T12:08:32")
    assert any(pk["id"].startswith("area/cov") for pk in doc)


def test_atomic_write_leaves_old_file_when_writing_fails(tmp_path, monkeypatch):
    target = tmp_path / "summary.json"
    atomic.write_json(target, {"a": 1.0, "b": float("nan"), "c": np.float64(2.5), "d": np.arange(2)})
    assert json.loads(target.read_text()) == {"a": 1.0, "b": None, "c": 2.5, "d": [0, 1]}

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        atomic.write_text(target, "half")
    assert json.loads(target.read_text())["a"] == 1.0          # old content intact
    assert [p.name for p in tmp_path.iterdir()] == ["summary.json"]   # no temp file left


def test_jsonl_has_one_object_per_line(tmp_path):
    p = atomic.write_jsonl(tmp_path / "e.jsonl", [{"t_s": 1.0, "event": "launch"}, {"t_s": np.float32(2.5)}])
    lines = p.read_text().splitlines()
    assert [json.loads(x)["t_s"] for x in lines] == [1.0, 2.5]


def test_geojson_splits_a_track_at_the_antimeridian(tmp_path):
    t = np.arange(5.0)
    tr = Track("p", "Pacific", t, [40, 42, 44, 46, 48], [176.0, 178.0, 179.9, -178.0, -176.0], [0, 1e5, 2e5, 1e5, 0])
    fc = json.loads(write_geojson(tmp_path / "p.geojson", [tr]).read_text())
    g = shape(fc["features"][0]["geometry"])
    assert g.geom_type == "MultiLineString" and len(g.geoms) == 2
    assert max(abs(a[0] - b[0]) for ln in g.geoms for a, b in zip(ln.coords[:-1], ln.coords[1:])) < 5.0


def _shoelace(ring) -> float:
    """Signed area of a closed ring in the plane (lon, lat): > 0 counter-clockwise (Gauss's formula)."""
    xy = np.asarray(ring, float)[:, :2]
    x, y = xy[:, 0], xy[:, 1]
    return 0.5 * float(np.sum(x[:-1] * y[1:] - x[1:] * y[:-1]))


def test_geojson_polygons_follow_the_rfc7946_right_hand_rule(tmp_path):
    """RFC 7946 §3.1.6: exterior rings counter-clockwise, holes clockwise; checked with the
    shoelace formula on the written coordinates, for inputs given the wrong way round (a shapely
    buffer is clockwise) and for a MultiPolygon."""
    from shapely.geometry import MultiPolygon, Polygon

    cw_square = [(0, 0), (0, 1), (1, 1), (1, 0), (0, 0)]
    ccw_hole = [(0.25, 0.25), (0.75, 0.25), (0.75, 0.75), (0.25, 0.75), (0.25, 0.25)]
    holed = Polygon(cw_square, [ccw_hole])
    assert _shoelace(holed.exterior.coords) < 0 < _shoelace(holed.interiors[0].coords)   # both wrong
    areas = [Area("holed", "ring", holed, kind="coverage"),
             Area("buf", "buffer", Point(128.28, 35.92).buffer(1.0), kind="coverage"),
             Area("multi", "two", MultiPolygon([Polygon(cw_square), Polygon([(2, 0), (2, 1), (3, 1), (3, 0)])]),
                  kind="defended")]
    fc = json.loads(write_geojson(tmp_path / "a.geojson", areas=areas).read_text())
    polygons = []
    for f in fc["features"]:
        g = f["geometry"]
        polygons += [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
    assert len(polygons) == 4
    for rings in polygons:
        assert _shoelace(rings[0]) > 0                       # exterior counter-clockwise
        assert all(_shoelace(r) < 0 for r in rings[1:])      # holes clockwise
    assert sum(len(p) - 1 for p in polygons) == 1            # the hole survived
    got = shape(fc["features"][0]["geometry"])
    assert got.equals(holed) and got.area == pytest.approx(0.75)
