"""Static map (PNG) with matplotlib: coastlines, borders, coverage, trajectories, sites, intercepts.

Inputs are the generic export objects of :mod:`thaadsim.io.exports` (``Track``, ``Site``,
``Area``), so the same objects feed the PNG, the interactive map and the GIS exports.
The projection is azimuthal and centred on the data, chosen by its extent
(:mod:`thaadsim.report.projection`: stereographic for a theatre, azimuthal equidistant for long
range), with a graticule, a scale bar, the legend outside the frame and site labels placed clear
of the data. PNG for the report, SVG or PDF for papers (:func:`figure_bytes`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np

from thaadsim.io.exports import KIND_COLORS, Area, Site, Track, label_groups
from thaadsim.report import basemap
from thaadsim.report import projection as projection_mod

#: fill opacity by area kind (reach circles are context: outline, almost no fill)
FILL_ALPHA = {"coverage": 0.15, "footprint": 0.25, "defended": 0.04}

MARKERS = {"radar": "^", "battery": "s", "site": "^", "intercept": "*", "leak": "X", "miss": "X", "asset": "o",
           "launch": "v"}


def _rgb(kind: str, alpha: float | None = None):
    r, g, b, a = KIND_COLORS.get(kind, KIND_COLORS["site"])
    return (r / 255, g / 255, b / 255, a / 255 if alpha is None else alpha)


def _split_unwrapped(lon, lat, center):
    """Unwrap longitudes around center; return list of (lon, lat) pieces without seam jumps."""
    x = basemap.wrap_lon(lon, center)
    cut = np.nonzero(np.abs(np.diff(x)) > 180.0)[0]
    pieces, start = [], 0
    for j in list(cut) + [len(x) - 1]:
        pieces.append((x[start:j + 1], np.asarray(lat)[start:j + 1]))
        start = j + 1
    return pieces


def fit_box(tracks: Sequence[Track] = (), sites: Sequence[Site] = (), areas: Sequence[Area] = (),
            margin_deg: float = 1.5):
    """The view box around everything to be drawn (see :func:`basemap.view_box`)."""
    lons, lats = [], []
    for tr in tracks:
        _, la, lo, _ = tr.arrays()
        lons.append(lo)
        lats.append(la)
    for s in sites:
        lons.append([s.lon_deg])
        lats.append([s.lat_deg])
    for a in areas:
        x0, y0, x1, y1 = a.geometry.bounds
        lons.append([x0, x1])
        lats.append([y0, y1])
    if not lons:
        return basemap.view_box([], [])
    return basemap.view_box(np.concatenate(lons), np.concatenate(lats), margin_deg=margin_deg)


def _lonlat_of(tracks, sites, areas):
    """Every point the map must show: track points, sites, area outlines (lon_deg, lat_deg)."""
    lons, lats = [np.empty(0)], [np.empty(0)]
    for tr in tracks:
        _, la, lo, _ = tr.arrays()
        lons.append(np.asarray(lo, float))
        lats.append(np.asarray(la, float))
    for s in sites:
        lons.append(np.array([s.lon_deg], float))
        lats.append(np.array([s.lat_deg], float))
    for a in areas:
        for poly in basemap_polys(a.geometry):
            x, y = np.asarray(poly.exterior.coords).T
            lons.append(x)
            lats.append(y)
    lon, lat = np.concatenate(lons), np.concatenate(lats)
    if not np.any(np.isfinite(lon) & np.isfinite(lat)):
        # nothing to draw: frame the shipped regional outlines (north-east Asia), not an error
        b = basemap.EAST_ASIA_BOX
        return np.array([b[0], b[2], b[0], b[2]], float), np.array([b[1], b[1], b[3], b[3]], float)
    return lon, lat


@dataclass
class MapDrawing:
    """What :func:`draw_map` drew, for callers and tests: the projection, the view (km), the
    artists that carry data (tracks, markers), the site labels and those left unlabelled."""

    projection: projection_mod.MapProjection
    extent_km: tuple[float, float, float, float]
    track_lines: list = field(default_factory=list)
    markers: list = field(default_factory=list)
    labels: list = field(default_factory=list)
    unlabelled: list = field(default_factory=list)
    legend: object = None
    scale_bar: object = None
    scale_km: float = 0.0


def draw_map(ax, tracks: Iterable[Track] = (), sites: Iterable[Site] = (), areas: Iterable[Area] = (),
             title: str | None = None, label_sites: bool = True,
             proj: projection_mod.MapProjection | None = None) -> MapDrawing:
    """Draw everything on a plain matplotlib axis in the projection the extent calls for.

    The projection (:func:`thaadsim.report.projection.fit_projection`) is azimuthal and centred
    on the view, coordinates are km on the projection plane, aspect equal. The graticule is drawn
    under the data and labelled on the frame; the legend and the scale bar (true at the centre) go
    outside the frame, right of it, so they cannot hide data; site labels are placed where they
    cover no track, marker or other label (:func:`place_labels`), else left off and listed.
    Call it on an axis whose figure has its final size and layout (labels are placed in display
    coordinates).
    """
    import shapely
    from matplotlib.collections import LineCollection

    tracks, sites, areas = list(tracks), list(sites), list(areas)
    lon_all, lat_all = _lonlat_of(tracks, sites, areas)
    if proj is None:
        proj, extent = projection_mod.fit_projection(lon_all, lat_all)
    else:
        extent = projection_mod.view_extent(proj, lon_all, lat_all)
    drawing = MapDrawing(proj, extent)

    # outlines: the finest shipped file that covers the box, only the lines near it
    box = basemap.view_box(lon_all, lat_all, margin_deg=1.0)
    name = basemap.outlines_for_box(*box[:4])
    for kind, lines in basemap.load_outlines(name).items():
        near = basemap.lines_near_box(lines, box, pad_frac=0.6) if name == "east_asia_50m" or \
            proj.kind == "theatre" else lines
        st = basemap.STYLE.get(kind, basemap.STYLE["coastline"])
        ax.add_collection(LineCollection(proj.lines(near), colors=st["color"], linewidths=st["width"],
                                         linestyles="--" if st["dash"] else "-", zorder=1))
    grat = projection_mod.graticule(proj, extent)
    ax.add_collection(LineCollection([g[2] for g in grat], colors="#b8c4d0", linewidths=0.4, zorder=0.5))

    seen = set()
    area_names = {"coverage": "radar coverage", "defended": "interceptor reach", "footprint": "defended footprint"}
    for a in areas:
        for poly in basemap_polys(a.geometry):
            # edges every 0.1 deg: a lon/lat rectangle's sides are curves in the projection
            lon, lat = np.asarray(shapely.segmentize(poly.exterior, 0.1).coords).T
            x, y = proj.forward(lon, lat)
            lab = area_names.get(a.kind, a.kind) if a.kind not in seen else None
            seen.add(a.kind)
            ax.fill(x, y, facecolor=_rgb(a.kind, FILL_ALPHA.get(a.kind, 0.15)), edgecolor=_rgb(a.kind, 0.9),
                    linewidth=1.0, zorder=2, label=lab)
    track_names = {"threat": "threat trajectories", "interceptor": "interceptor trajectories"}
    for tr in tracks:
        _, la, lo, _ = tr.arrays()
        x, y = proj.forward(lo, la)
        lab = track_names.get(tr.kind, tr.kind) if tr.kind not in seen else None
        seen.add(tr.kind)
        (line,) = ax.plot(x, y, color=_rgb(tr.kind), linewidth=1.4 if tr.kind == "threat" else 1.0,
                          alpha=0.85, zorder=3, label=lab)
        drawing.track_lines.append(line)
    for s in sites:
        lab = s.kind if s.kind not in seen else None
        seen.add(s.kind)
        x, y = proj.forward(s.lon_deg, s.lat_deg)
        (m,) = ax.plot([x], [y], linestyle="none", marker=MARKERS.get(s.kind, "o"),
                       markersize=11 if s.kind == "intercept" else 7, color=_rgb(s.kind),
                       markeredgecolor="k", markeredgewidth=0.5, zorder=5, label=lab)
        drawing.markers.append(m)

    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_aspect("equal")
    ax.set_facecolor("#eef4fa")
    # graticule labels where the lines cross the bottom and left edges of the frame
    bottom = projection_mod.edge_crossings([g for g in grat if g[0] == "meridian"], extent[2], 1, *extent[:2])
    left = projection_mod.edge_crossings([g for g in grat if g[0] == "parallel"], extent[0], 0, *extent[2:])
    # a curved parallel can cross an edge twice: label each line once
    bottom = list({(k, v): (p, k, v) for p, k, v in sorted(bottom, reverse=True)}.values())
    left = list({(k, v): (p, k, v) for p, k, v in sorted(left, reverse=True)}.values())
    ax.set_xticks([p for p, _, _ in bottom], [projection_mod.degree_label(k, v) for _, k, v in bottom], fontsize=7)
    ax.set_yticks([p for p, _, _ in left], [projection_mod.degree_label(k, v) for _, k, v in left], fontsize=7)
    ax.tick_params(length=2, pad=2)
    ax.set_xlabel(f"{proj.description}; graticule every {_grat_step(grat)}", fontsize=7)
    if title:
        ax.set_title(title, fontsize=10)
    if seen:
        drawing.legend = ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, fontsize=7,
                                   frameon=False)
    drawing.scale_km, bar_len = projection_mod.scale_bar(proj, extent[1] - extent[0], 0.25)
    from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

    drawing.scale_bar = AnchoredSizeBar(ax.transData, bar_len, f"{drawing.scale_km:g} km (true at the centre)",
                                        loc="lower left", bbox_to_anchor=(1.02, 0.0), bbox_transform=ax.transAxes,
                                        borderpad=0.0, pad=0.0, sep=3, frameon=False, size_vertical=0.0,
                                        fontproperties={"size": 7})
    ax.add_artist(drawing.scale_bar)
    if label_sites:
        place_labels(ax, drawing, sites)
    return drawing


def _grat_step(grat) -> str:
    steps = []
    for kind in ("meridian", "parallel"):
        v = sorted({g[1] for g in grat if g[0] == kind})
        if len(v) > 1:
            steps.append(f"{min(np.diff(v)):g}°")
    return " / ".join(dict.fromkeys(steps)) or "—"


#: Label offsets tried in turn (points from the marker): the four corners close by, then the four
#: sides, then the corners farther out.
LABEL_OFFSETS_PT = [(5, 4), (-5, 4), (5, -4), (-5, -4), (0, 8), (0, -8), (8, 0), (-8, 0),
                    (14, 12), (-14, 12), (14, -12), (-14, -12), (0, 18), (0, -18),
                    (26, 22), (-26, 22), (26, -22), (-26, -22), (0, 32), (0, -32), (40, 0), (-40, 0),
                    (44, 36), (-44, 36), (44, -36), (-44, -36)]
#: Beyond this offset (points) a thin leader line joins the label to its marker.
LEADER_FROM_PT = 20.0


def place_labels(ax, drawing: MapDrawing, sites: Sequence[Site]) -> None:
    """Site names placed where they cover no data (:func:`place_text_labels`).

    Co-located sites share one label (:func:`thaadsim.io.exports.label_groups`). A name with no
    clear spot is left off the map and listed in ``drawing.unlabelled`` (printed under the map).
    """
    anchors = []
    for k, text in label_groups(sites).items():
        x, y = drawing.projection.forward(sites[k].lon_deg, sites[k].lat_deg)
        if np.isfinite(x) and np.isfinite(y):
            anchors.append((float(x), float(y), text))
    placed, left_off = place_text_labels(ax, anchors, drawing.track_lines, drawing.markers)
    drawing.labels += placed
    drawing.unlabelled += left_off


def place_text_labels(ax, anchors, lines, markers, fontsize: float = 7, **text_kw):
    """Annotate ``(x, y, text)`` anchors (data coordinates) where no label covers data.

    For each label the offsets :data:`LABEL_OFFSETS_PT` are tried in order; the first whose text
    box, as the renderer measures it in display pixels, stays inside the frame and meets no line
    of ``lines`` (Line2D or LineCollection, as drawn; shapely intersection), no point of
    ``markers`` (Line2D, a disc of the marker's size) and no label already placed is kept.
    Returns ``(annotations, texts left off)``. The axis must have its final size and limits.
    """
    from matplotlib.collections import LineCollection
    from shapely.geometry import LineString, MultiLineString, Point, box
    from shapely.ops import unary_union

    fig = ax.figure
    renderer = _renderer(fig)
    ax.apply_aspect()          # the frame shrinks to equal aspect at draw time: place in its final pixels
    to_px = ax.transData
    paths = []
    for line in lines:
        polylines = line.get_segments() if isinstance(line, LineCollection) else [np.column_stack(line.get_data())]
        for seg in polylines:
            xy = to_px.transform(np.asarray(seg, float))
            xy = xy[np.all(np.isfinite(xy), axis=1)]
            if len(xy) >= 2:
                paths.append(LineString(xy))
    obstacles = [MultiLineString(paths)] if paths else []
    for m in markers:
        r = m.get_markersize() * fig.dpi / 72.0 / 2.0 + 1.0
        for xy in to_px.transform(np.column_stack(m.get_data()).astype(float)):
            if np.all(np.isfinite(xy)):
                obstacles.append(Point(xy).buffer(r))
    taken = unary_union(obstacles) if obstacles else None
    frame = ax.get_window_extent(renderer)
    frame_box = box(frame.x0, frame.y0, frame.x1, frame.y1)
    placed, annotations, left_off = [], [], []
    for x, y, text in anchors:
        ann = ax.annotate(text, (x, y), xytext=(0, 0), textcoords="offset points", fontsize=fontsize,
                          zorder=6, gid="site-label", **text_kw)
        for dx, dy in LABEL_OFFSETS_PT:
            ann.set_position((dx, dy))
            ann.set_ha("left" if dx > 0 else "right" if dx < 0 else "center")
            ann.set_va("bottom" if dy > 0 else "top" if dy < 0 else "center")
            bb = ann.get_window_extent(renderer)
            r = box(bb.x0 - 1, bb.y0 - 1, bb.x1 + 1, bb.y1 + 1)
            if not frame_box.contains(r):
                continue
            if taken is not None and r.intersects(taken):
                continue
            if any(r.intersects(q) for q in placed):
                continue
            placed.append(r)
            if np.hypot(dx, dy) > LEADER_FROM_PT:
                # far from its marker: the same text with a leader line (a hairline may cross a
                # track; the text box does not)
                ha, va = ann.get_ha(), ann.get_va()
                ann.remove()
                ann = ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points", fontsize=fontsize,
                                  zorder=6, gid="site-label", ha=ha, va=va,
                                  arrowprops=dict(arrowstyle="-", lw=0.5, color="#555555", shrinkA=1, shrinkB=4),
                                  **text_kw)
            annotations.append(ann)
            break
        else:
            ann.remove()
            left_off.append(text)
    return annotations, left_off


def _renderer(fig):
    """The figure's renderer (an Agg canvas is attached to a bare Figure first)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    return fig.canvas.get_renderer()


def basemap_polys(geom):
    if geom.geom_type == "Polygon":
        return [geom]
    if geom.geom_type == "MultiPolygon":
        return list(geom.geoms)
    return []


def map_figure(tracks: Iterable[Track] = (), sites: Iterable[Site] = (), areas: Iterable[Area] = (), *,
               title: str | None = None, width_in: float = 9.0, dpi: int = 110):
    """The static map as a matplotlib Figure (no pyplot): data in, figure out.

    The map's frame is square-ish in km; the legend and scale bar sit right of it. Returns
    ``(figure, drawing)`` with ``drawing`` the :class:`MapDrawing`.
    """
    from matplotlib.figure import Figure  # no pyplot: no backend switch, safe in notebooks

    tracks, sites, areas = list(tracks), list(sites), list(areas)
    fig = Figure(figsize=(width_in, width_in * 0.78), dpi=dpi)
    _renderer(fig)
    # frame left, legend column right; fixed so labels can be placed in final display coordinates
    ax = fig.add_axes((0.07, 0.10, 0.66, 0.84))
    drawing = draw_map(ax, tracks, sites, areas, title=title)
    note = "outlines: Natural Earth (public domain)"
    if drawing.unlabelled:
        note = "not labelled (no clear spot): " + "; ".join(drawing.unlabelled) + ". " + note
    fig.text(0.99, 0.005, note, ha="right", va="bottom", fontsize=6, color="#666", wrap=True)
    return fig, drawing


#: Figure file formats the static maps can be written in (matplotlib's own writers).
FIGURE_FORMATS = ("png", "svg", "pdf")


def figure_bytes(fig, fmt: str = "png") -> bytes:
    """A matplotlib Figure as PNG, SVG or PDF bytes (vector formats for papers)."""
    if fmt not in FIGURE_FORMATS:
        from thaadsim.errors import ThaadsimError

        raise ThaadsimError("figure format", f"{fmt!r} is not one of {', '.join(FIGURE_FORMATS)}",
                            "use png, svg or pdf")
    import matplotlib

    buf = io.BytesIO()
    # no dates in the metadata: the same scenario gives the same bytes
    meta = {"svg": {"Creator": "thaadsim", "Date": None}, "pdf": {"Creator": "thaadsim", "CreationDate": None}}
    # text stays text (an editor or a journal's typesetter can change it), TrueType in the PDF
    with matplotlib.rc_context({"svg.fonttype": "none", "pdf.fonttype": 42, "svg.hashsalt": "thaadsim"}):
        fig.savefig(buf, format=fmt, bbox_inches="tight", pad_inches=0.15, metadata=meta.get(fmt))
    return buf.getvalue()


def render_png(tracks: Iterable[Track] = (), sites: Iterable[Site] = (), areas: Iterable[Area] = (), *,
               title: str | None = None, width_in: float = 9.0, dpi: int = 110, fmt: str = "png") -> bytes:
    """The map as PNG (or ``fmt`` = svg / pdf) bytes; write them with :mod:`thaadsim.io.atomic`."""
    fig, _ = map_figure(tracks, sites, areas, title=title, width_in=width_in, dpi=dpi)
    return figure_bytes(fig, fmt)


def write_png(path, tracks=(), sites=(), areas=(), **kw):
    """Render and write the map atomically; returns the path."""
    from thaadsim.io.atomic import write_bytes

    return write_bytes(path, render_png(tracks, sites, areas, **kw))
