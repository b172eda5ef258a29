"""Exports read back by independent parsers: json + shapely (GeoJSON), xml.etree (KML), json +
czml3's pydantic models (CZML). Values are checked against the inputs, not against earlier output;
the KML against the OGC KML 2.2 schema itself (fastkml's copy, lxml), GeoJSON rings against RFC
7946's right-hand rule by the shoelace formula."""

import datetime as dt
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from shapely.geometry import Point, shape

from thaadsim.io import atomic
from thaadsim.io.exports import Area, Site, Track, write_czml, write_geojson, write_kml

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
KML_NS = {"k": "http://www.opengis.net/kml/2.2", "gx": "http://www.google.com/kml/ext/2.2"}


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


def test_kml_parses_with_etree_and_tracks_are_time_tagged(tmp_path, inputs):
    """gx:Track: a ``when`` per sample at epoch + t (computed here with datetime) and a gx:coord
    with the absolute altitude; an intercept appears from its time on; areas clamp to the ground."""
    tracks, sites, areas = inputs
    epoch = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.timezone.utc)
    p = write_kml(tmp_path / "s.kml", tracks, sites, areas, epoch=epoch)
    root = ET.parse(p).getroot()
    tr = root.findall(".//gx:Track", KML_NS)
    assert len(tr) == 1 and not root.findall(".//k:LineString", KML_NS)
    assert tr[0].find("k:altitudeMode", KML_NS).text == "absolute"
    whens = [w.text for w in tr[0].findall("k:when", KML_NS)]
    expect = [(epoch + dt.timedelta(seconds=float(t))).strftime("%Y-%m-%dT%H:%M:%S.000Z")
              for t in np.arange(0.0, 601.0, 10.0)]
    assert whens == expect
    pts = [tuple(map(float, c.text.split())) for c in tr[0].findall("gx:coord", KML_NS)]
    assert len(pts) == 61
    assert pts[0] == pytest.approx((125.7, 39.0, 0.0))
    assert pts[30][2] == pytest.approx(300e3)
    names = [e.text for e in root.findall(".//k:Placemark/k:name", KML_NS)]
    assert {"THAAD Seongju", "intercept", "Nodong to Busan", "TPY-2 coverage"} <= set(names)
    ic = next(pm for pm in root.findall(".//k:Placemark", KML_NS) if pm.find("k:name", KML_NS).text == "intercept")
    assert ic.find("k:TimeSpan/k:begin", KML_NS).text == "2026-03-01T12:08:32.000Z"
    ring = root.find(".//k:Polygon//k:coordinates", KML_NS).text.split()
    lonlat = np.array([[float(v) for v in c.split(",")[:2]] for c in ring])
    r = np.hypot(lonlat[:, 0] - 128.28, lonlat[:, 1] - 35.92)
    assert r == pytest.approx(1.0, abs=1e-6)
    assert root.find(".//k:Polygon/k:altitudeMode", KML_NS).text == "clampToGround"


def _ogc_kml_schema():
    """The OGC KML 2.2 schema (with Google's gx extension and the atom and xAL schemas it imports),
    as fastkml ships it, parsed by lxml with the network off: every import resolves locally."""
    etree = pytest.importorskip("lxml.etree")
    fastkml = pytest.importorskip("fastkml")

    xsd = Path(fastkml.__file__).parent / "schema" / "ogckml22.xsd"
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree, etree.XMLSchema(etree.parse(str(xsd), parser))


def test_kml_and_kmz_are_valid_against_the_ogc_kml_22_schema(tmp_path, inputs):
    import re
    import zipfile

    from thaadsim.io.exports import write_kmz

    etree, schema = _ogc_kml_schema()
    tracks, sites, areas = inputs
    # ids from raw labels that are not NCNames (digits first, slashes, spaces) and that collide
    sites = sites + [Site("7/a b", "odd id", 36.0, 128.0, 0.0, kind="asset"),
                     Site("7/a b", "same id", 36.1, 128.1, 0.0, kind="asset")]
    doc = etree.parse(str(write_kml(tmp_path / "s.kml", tracks, sites, areas)))
    assert schema.validate(doc), schema.error_log
    ids = [e.get("id") for e in doc.iter() if e.get("id") is not None]
    assert len(ids) == len(set(ids)) and all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9._-]*", i) for i in ids), ids
    with zipfile.ZipFile(write_kmz(tmp_path / "s.kmz", tracks, sites, areas)) as z:
        assert z.namelist()[0] == "doc.kml"
        assert schema.validate(etree.fromstring(z.read("doc.kml"))), schema.error_log
        # every icon the KML names is inside the KMZ
        hrefs = {e.text for e in etree.fromstring(z.read("doc.kml")).iter("{*}href")}
        assert hrefs and hrefs <= set(z.namelist())
    # simplekml's output, what the export wrote before, fails the same schema (the check can fail)
    import simplekml

    old = simplekml.Kml(name="x")
    old.newfolder(name="f").newpoint(name="p", coords=[(128.0, 36.0)]).style.iconstyle.scale = 1.1
    assert not schema.validate(etree.fromstring(old.kml().encode()))


def test_kml_icons_are_local_distinct_per_kind_and_written_beside_it(tmp_path, inputs):
    tracks, sites, areas = inputs
    sites = sites + [Site("r", "radar", 36.0, 128.0, 0.0, kind="radar"), Site("a", "Busan", 35.2, 129.1, 0.0,
                                                                             kind="asset")]
    interceptor = Track("i1", "THAAD interceptor", [500.0, 512.0], [35.9, 36.5], [128.3, 128.0], [700.0, 40e3],
                        kind="interceptor")
    p = write_kml(tmp_path / "out" / "s.kml", tracks + [interceptor], sites, areas)
    root = ET.parse(p).getroot()
    by_style = {st.get("id"): st.find("k:IconStyle/k:Icon/k:href", KML_NS) for st in root.findall(".//k:Style", KML_NS)}
    href_of = {}
    for pm in root.findall(".//k:Placemark", KML_NS):
        icon = by_style[pm.find("k:styleUrl", KML_NS).text[1:]]
        if icon is not None:
            href_of[pm.find("k:description", KML_NS).text.split()[0].rstrip(";")] = icon.text
    kinds = ["threat", "interceptor", "radar", "battery", "asset", "intercept"]
    assert set(kinds) <= set(href_of)
    assert len({href_of[k] for k in kinds}) == len(kinds)         # six kinds, six icons
    for href in href_of.values():
        assert "://" not in href                                   # no network URL
        data = (p.parent / href).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"                  # a PNG, beside the KML
    assert len({(p.parent / href_of[k]).read_bytes() for k in kinds}) == len(kinds)


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


@pytest.mark.parametrize("line,problem", [
    ('epoch = "2017-03-06T07:36:00"', "is not in UTC"),
    ('epoch = "2017-03-06T07:36:00+09:00"', "is not in UTC"),
    ('epoch = "the day after"', "is not an ISO 8601 date and time"),
    ('epoch = "2999-01-01T00:00:00Z"', "is out of range (allowed: years 1950 to 2100)"),
    ("epoch = 36.0", "is not a quoted string"),
])
def test_scenario_epoch_refused_in_one_line(tmp_path, capsys, line, problem):
    from thaadsim.cli import main

    text = (EXAMPLES / "raid_seongju.toml").read_text().replace("[scenario]", f"[scenario]\n{line}", 1)
    (tmp_path / "e.toml").write_text(text)
    with pytest.raises(SystemExit) as e:
        main(["raid", str(tmp_path / "e.toml"), "--runs", "2"])
    err = capsys.readouterr().err
    assert e.value.code == 2 and err.startswith("error: e.toml: scenario.epoch: ") and problem in err, err
    assert err.count("\n") == 1


@pytest.mark.parametrize("line", ['epoch = "2017-03-06T07:36:00Z"', "epoch = 2017-03-06T07:36:00Z",
                                  'epoch = "2017-03-06T07:36:00+00:00"'])
def test_scenario_epoch_stamps_kml_and_czml_times(tmp_path, inputs, line):
    """[scenario].epoch (a quoted ISO 8601 string or TOML's own date-time) is the instant of t = 0 in
    both exports: a track sample at t = 300 s is 07:41:00 UTC (datetime arithmetic)."""
    from thaadsim.io.scenario_outputs import load_run_scenario

    text = (EXAMPLES / "raid_seongju.toml").read_text().replace("[scenario]", f"[scenario]\n{line}", 1)
    (tmp_path / "e.toml").write_text(text)
    epoch = load_run_scenario(tmp_path / "e.toml").to_plan().epoch
    assert epoch == dt.datetime(2017, 3, 6, 7, 36, tzinfo=dt.timezone.utc)
    tracks, sites, areas = inputs
    root = ET.parse(write_kml(tmp_path / "s.kml", tracks, sites, areas, epoch=epoch)).getroot()
    whens = [w.text for w in root.findall(".//gx:Track/k:when", KML_NS)]
    assert whens[30] == "2017-03-06T07:41:00.000Z"
    doc = json.loads(write_czml(tmp_path / "s.czml", tracks, sites, areas, epoch=epoch).read_text())
    assert next(pk for pk in doc if pk["id"] == "track/nodong-1")["position"]["epoch"].startswith("2017-03-06T07:36:00")
    default = load_run_scenario(EXAMPLES / "raid_seongju.toml").to_plan().epoch
    from thaadsim.io.exports import DEFAULT_EPOCH

    assert default == DEFAULT_EPOCH          # a file without an epoch: the exports' stated default


def test_run_writes_schema_valid_kml_and_kmz_stamped_with_the_scenario_epoch(tmp_path):
    """``thaadsim run`` itself: the lone KML and the KMZ both pass the OGC schema, the KMZ holds every
    icon its KML names, the lone KML names no icon file it does not ship, and both count time from
    the scenario's epoch (a threat launched at t = 0 starts at 07:36:00 UTC)."""
    import zipfile

    from thaadsim.cli import main

    etree, schema = _ogc_kml_schema()
    text = (EXAMPLES / "raid_seongju.toml").read_text().replace(
        "[scenario]", '[scenario]\nepoch = "2017-03-06T07:36:00Z"', 1)
    (tmp_path / "e.toml").write_text(text)
    with pytest.raises(SystemExit) as e:
        main(["run", str(tmp_path / "e.toml"), "--out", str(tmp_path / "out"), "--runs", "20", "--quiet"])
    assert e.value.code == 0
    kml = etree.parse(str(tmp_path / "out" / "scenario.kml"))
    assert schema.validate(kml), schema.error_log
    assert not [h for h in kml.iter("{*}href")]
    with zipfile.ZipFile(tmp_path / "out" / "scenario.kmz") as z:
        doc = etree.fromstring(z.read("doc.kml"))
        assert schema.validate(doc), schema.error_log
        hrefs = {h.text for h in doc.iter("{*}href")}
        assert hrefs and hrefs <= set(z.namelist())
    whens = sorted(w.text for w in kml.iter("{http://www.opengis.net/kml/2.2}when"))
    assert whens[0].startswith("2017-03-06T07:36:00")
    czml = json.loads((tmp_path / "out" / "scenario.czml").read_text())
    assert czml[0]["clock"]["interval"].startswith("2017-03-06T07:36:00"), czml[0].get("clock")
