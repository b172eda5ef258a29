"""Legends and labels never cover data on the static map, checked geometrically in display
coordinates (pixels) as matplotlib draws them: every label's text box against every track
segment as drawn (an independent segment-box test in numpy), every marker's box and every other
label; the legend and the scale bar against the map frame. Also the vector exports: SVG that
parses as XML with the site names as text, a PDF, and the same bytes for the same map."""

import io
import xml.etree.ElementTree as ET

import numpy as np
from matplotlib.text import Text
from pyproj import Geod
from shapely.geometry import Point

from thaadsim.io.exports import Area, Site, Track
from thaadsim.report.map_png import figure_bytes, map_figure

GEOD = Geod(ellps="WGS84")


def _track(i, name, a, b, n=120, apogee_m=300e3):
    pts = np.array(GEOD.npts(a[1], a[0], b[1], b[0], n, initial_idx=0, terminus_idx=0))
    t = np.linspace(0.0, 600.0, len(pts))
    f = t / t[-1]
    return Track(f"t{i}", name, t, pts[:, 1], pts[:, 0], 4 * apogee_m * f * (1 - f))


def crowded_theatre():
    """Tracks leave every launch site up and to the right (where a label goes by default) and end
    on the labelled targets; sites sit close together."""
    launches = [("Sinpo", 40.0, 128.2), ("Wonsan", 39.15, 127.45), ("Pyongyang", 39.0, 125.75),
                ("Kusong", 39.9, 125.25)]
    targets = [("Busan", 35.1, 129.04), ("Daegu", 35.87, 128.6), ("Pyeongtaek", 36.99, 127.09),
               ("Seoul", 37.57, 126.98)]
    tracks = []
    for i, (ln, la, lo) in enumerate(launches):
        for j, (tn, ta, to) in enumerate(targets):
            tracks.append(_track(4 * i + j, f"{ln} → {tn}", (la, lo), (ta, to)))
    # one track that leaves Kusong exactly through its default (top right) label spot
    tracks.append(_track(99, "Kusong → north-east", (39.9, 125.25), (40.9, 126.55)))
    sites = [Site(f"l{i}", f"{n} area", la, lo, kind="launch") for i, (n, la, lo) in enumerate(launches)]
    sites += [Site(f"a{j}", n, la, lo, kind="asset") for j, (n, la, lo) in enumerate(targets)]
    sites += [Site("b", "THAAD Seongju", 35.95, 128.18, kind="battery"),
              Site("r", "TPY-2 Seongju", 35.95, 128.18, kind="radar"),
              Site("x", "intercept", 36.4, 128.3, kind="intercept")]
    areas = [Area("c", "TPY-2 coverage", Point(128.18, 35.95).buffer(2.5), kind="coverage")]
    return tracks, sites, areas


def _segments_hit_box(xy, box):
    """Which segments of the polyline ``xy`` (n, 2) meet the axis-aligned ``box`` (x0, y0, x1, y1):
    their bounding boxes overlap and the box's corners are not all on one side of the segment."""
    p, q = xy[:-1], xy[1:]
    x0, y0, x1, y1 = box
    overlap = ((np.minimum(p[:, 0], q[:, 0]) <= x1) & (np.maximum(p[:, 0], q[:, 0]) >= x0) &
               (np.minimum(p[:, 1], q[:, 1]) <= y1) & (np.maximum(p[:, 1], q[:, 1]) >= y0))
    d = q - p
    corners = np.array([[x0, y0], [x1, y0], [x0, y1], [x1, y1]])
    side = d[:, None, 0] * (corners[None, :, 1] - p[:, None, 1]) - d[:, None, 1] * (corners[None, :, 0] - p[:, None, 0])
    straddle = ~(np.all(side > 0, axis=1) | np.all(side < 0, axis=1))
    return overlap & straddle


def _boxes_overlap(a, b):
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def _label_problems(fig, drawing):
    r = fig.canvas.get_renderer()
    tracks_px = []
    for line in drawing.track_lines:
        xy = line.get_transform().transform(line.get_path().vertices)       # the polyline as drawn
        tracks_px.append(xy[np.all(np.isfinite(xy), axis=1)])
    markers = [m.get_window_extent(r) for m in drawing.markers]
    frame = drawing.track_lines[0].axes.get_window_extent(r)
    problems = []
    # the text's own box (Text's extent, without a leader line: a hairline may cross a track)
    boxes = [Text.get_window_extent(lab, r) for lab in drawing.labels]
    for lab, bb in zip(drawing.labels, boxes):
        name = lab.get_text()
        if any(_segments_hit_box(xy, (bb.x0, bb.y0, bb.x1, bb.y1)).any() for xy in tracks_px):
            problems.append(f"{name}: covers a track")
        if any(_boxes_overlap(bb, m) for m in markers):
            problems.append(f"{name}: covers a marker")
        if not (frame.x0 <= bb.x0 and bb.x1 <= frame.x1 and frame.y0 <= bb.y0 and bb.y1 <= frame.y1):
            problems.append(f"{name}: outside the frame")
        if sum(_boxes_overlap(bb, other) for other in boxes) > 1:
            problems.append(f"{name}: overlaps another label")
    return problems


def test_labels_cover_no_track_marker_or_label_and_legend_and_scale_bar_stay_off_the_frame():
    tracks, sites, areas = crowded_theatre()
    fig, drawing = map_figure(tracks, sites, areas, title="crowded")
    fig.canvas.draw()
    assert drawing.projection.kind == "theatre"
    assert len(drawing.labels) + len(drawing.unlabelled) == 9          # 4 launch areas, 4 targets, 1 co-located pair
    assert len(drawing.labels) >= 7, drawing.unlabelled               # the crowding leaves room for most
    assert _label_problems(fig, drawing) == []
    r = fig.canvas.get_renderer()
    frame = drawing.track_lines[0].axes.get_window_extent(r)
    assert not _boxes_overlap(drawing.legend.get_window_extent(r), frame)
    assert not _boxes_overlap(drawing.scale_bar.get_window_extent(r), frame)

    # the check is able to fail: Kusong's label put back at the default top-right spot covers its track
    kusong = next(lab for lab in drawing.labels if lab.get_text().startswith("Kusong"))
    kusong.set_position((5, 4))
    kusong.set_ha("left")
    kusong.set_va("bottom")
    assert "Kusong area: covers a track" in _label_problems(fig, drawing)


def test_long_range_map_keeps_labels_clear_too():
    tracks = [_track(0, "DF-31A → Seattle", (43.9, 125.3), (47.6, -122.3), apogee_m=1.2e6),
              _track(1, "DF-41 → Washington", (40.0, 112.0), (38.9, -77.0), apogee_m=1.2e6)]
    sites = [Site("l", "Jilin", 43.9, 125.3, kind="launch"), Site("w", "Washington", 38.9, -77.0, kind="asset"),
             Site("s", "Seattle", 47.6, -122.3, kind="asset"), Site("b", "THAAD Seongju", 35.95, 128.18,
                                                                    kind="battery")]
    fig, drawing = map_figure(tracks, sites, [])
    fig.canvas.draw()
    assert drawing.projection.kind == "long-range"
    assert _label_problems(fig, drawing) == [] and len(drawing.labels) == 4


def test_vector_exports_keep_names_as_text_and_are_reproducible():
    tracks, sites, areas = crowded_theatre()
    fig, drawing = map_figure(tracks, sites, areas)
    svg = figure_bytes(fig, "svg")
    root = ET.parse(io.BytesIO(svg)).getroot()
    texts = {"".join(t.itertext()).strip() for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {lab.get_text() for lab in drawing.labels} <= texts
    assert svg == figure_bytes(map_figure(tracks, sites, areas)[0], "svg")
    pdf = figure_bytes(fig, "pdf")
    assert pdf[:5] == b"%PDF-" and pdf.rstrip().endswith(b"%%EOF")
