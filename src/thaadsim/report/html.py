"""One self-contained, offline HTML report (plotly.js inlined once, no network at view time).

Contents, top to bottom: title and the key answers in words, a table of key figures (number +
unit + what it means), a "missing pieces" box if some part of the analysis could not run, the
interactive map (plotly ``Scattergeo``; every geo base layer OFF and Natural Earth outlines drawn
as traces — see :mod:`thaadsim.report.basemap`; the projection, graticule and scale bar of
:mod:`thaadsim.report.projection`, the legend below the map, labels placed clear of the tracks),
altitude vs ground range, the engagement timeline, tables (raid results...; each with a CSV
download link), and the scenario file itself.

Size: plotly.js (4.8 MB as text) and the figures' JSON are inlined gzip-compressed and Base85
encoded (:func:`pack_text`), once per page, and unpacked by the browser (``DecompressionStream``)
before the figures are drawn: the Seongju example's page is 1.94 MB instead of 5.4 MB and its
text shows at once. Layout: tables scroll sideways inside their own box on a narrow screen, and a
print stylesheet wraps them to the page (and narrows the plots) for print / PDF.

Everything is passed in as plain data (the objects of :mod:`thaadsim.analysis.objects`, DataFrames, strings), so
this module does not depend on how the numbers were made.
"""

from __future__ import annotations

import datetime as _dt
import html as _html
from functools import lru_cache
from typing import Sequence

import numpy as np
import pandas as pd

from thaadsim.analysis.objects import Area, Figure, ReportContent, Site, Track  # noqa: F401 (re-exported)
from thaadsim.io.exports import KIND_COLORS, label_groups, thin_index
from thaadsim.report import basemap




def _css_rgba(kind: str, alpha: float | None = None) -> str:
    r, g, b, a = KIND_COLORS.get(kind, KIND_COLORS["site"])
    return f"rgba({r},{g},{b},{(a / 255) if alpha is None else alpha:.3f})"


def _prob(v) -> str:
    """A probability to 3 decimals that never reads as certain when it is not: 0.9995 (one leaker
    in 2,000 runs) printed "1", which reads as a guaranteed kill."""
    if v is None or not np.isfinite(v):
        return "—"
    v = float(v)
    if 0.999 < v < 1.0:
        return "&gt; 0.999"
    if 0.0 < v < 0.001:
        return "&lt; 0.001"
    return f"{v:.3f}" if 0.0 < v < 1.0 else f"{v:g}"


def _fmt(v) -> str:
    if isinstance(v, (float, np.floating)):
        if not np.isfinite(v):
            return "—"
        av = abs(float(v))
        if av >= 1000:
            return f"{v:,.0f}"
        if av >= 10:
            return f"{v:.1f}"
        return f"{v:.3g}"
    return _html.escape(str(v))


# ------------------------------------------------------------------------------------------ figures
def label_positions(sites: Sequence[Site], labels: dict[int, str], box, height_px: int = 620,
                    width_px: int = 900, char_px: float = 5.6, line_px: float = 13.0,
                    avoid_lonlat=None, proj=None, drop_covering: bool = False,
                    extent_km=None) -> dict[int, str | None]:
    """A plotly ``textposition`` for each labelled site, chosen so labels cover no data.

    Greedy, in the order of the sites: each label takes the first of eight positions (the four
    corners, toward the map's centre first so a label near the east edge is not cut off, then the
    four sides) whose box, estimated at the map's scale, overlaps no label already placed, no
    other marker and no track; if every position overlaps, the least-overlapping one.
    ``avoid_lonlat`` ((n, 2) lon, lat points sampled densely along the tracks) are the tracks: each
    point inside a box costs as much as a marker's area. With ``proj`` (the map's
    :class:`~thaadsim.report.projection.MapProjection`) positions are computed in that projection
    at plotly's fitted scale (the projected box fills the frame); without it on a local flat
    (equirectangular) projection. "Every label toward the centre" made neighbours on either side
    of the centre face each other (Wonsan and Pyongyang overwrote each other on the Seongju map).
    With ``drop_covering`` a label with no clear position gets None (the caller leaves it off the
    map: its name stays in the marker's hover text) instead of the least-overlapping position.
    """
    if not labels:
        return {}
    lon_min, lat_min, lon_max, lat_max, centre = box
    if proj is not None and proj.kind == "long-range" and extent_km is not None:
        x0, x1, y0, y1 = extent_km
        # plotly's zoom (basemap.plotly_geo_layout) puts max(height, width / 0.8) km in the frame's
        # height, which is the figure's less the title strip and the legend (about 0.9 of it)
        tall_km = max(y1 - y0, (x1 - x0) / 0.8)
        scale = 0.9 * height_px / tall_km
        frame = (-0.4 * tall_km * scale, -0.5 * tall_km * scale, 0.4 * tall_km * scale, 0.5 * tall_km * scale)
    elif proj is not None:
        # plotly fits the lon/lat box's projected outline into the frame
        edge = np.linspace(0.0, 1.0, 30)
        rx, ry = proj.forward(np.r_[lon_min + (lon_max - lon_min) * edge, np.full(30, lon_max),
                                    lon_max - (lon_max - lon_min) * edge, np.full(30, lon_min)],
                              np.r_[np.full(30, lat_min), lat_min + (lat_max - lat_min) * edge,
                                    np.full(30, lat_max), lat_max - (lat_max - lat_min) * edge])
        scale = min(width_px / max(np.nanmax(rx) - np.nanmin(rx), 1e-6),
                    0.9 * height_px / max(np.nanmax(ry) - np.nanmin(ry), 1e-6))      # px per km
        frame = (np.nanmin(rx) * scale, np.nanmin(ry) * scale, np.nanmax(rx) * scale, np.nanmax(ry) * scale)
    else:
        frame = None
    if proj is not None:
        def project(lon, lat):
            x, y = proj.forward(lon, lat)
            return np.asarray(x) * scale, np.asarray(y) * scale
    else:
        mid = np.radians(0.5 * (lat_min + lat_max))
        span_x = max(((lon_max - lon_min) % 360 or 360) * np.cos(mid), 1e-6)
        scale = min(width_px / span_x, 0.92 * height_px / max(lat_max - lat_min, 1e-6))   # px per degree

        def project(lon, lat):
            lon, lat = np.asarray(lon, float), np.asarray(lat, float)
            return ((lon - centre + 180) % 360 - 180) * np.cos(mid) * scale, lat * scale

    pts = {i: tuple(float(v) for v in project(sites[i].lon_deg, sites[i].lat_deg)) for i in labels}
    x_mid = float(project(centre, 0.5 * (lat_min + lat_max))[0]) if proj is None else 0.0
    markers = [(x - 5, y - 5, x + 5, y + 5) for x, y in pts.values()]
    if avoid_lonlat is not None and len(avoid_lonlat):
        av = np.asarray(avoid_lonlat, float)
        track_xy = np.column_stack(project(av[:, 0], av[:, 1]))
        track_xy = track_xy[np.all(np.isfinite(track_xy), axis=1)]
    else:
        track_xy = np.empty((0, 2))
    placed: list[tuple[float, float, float, float]] = []
    out = {}
    for i, text in labels.items():
        x, y = pts[i]
        w, h = char_px * max(len(text), 1), line_px
        east = x > x_mid
        order = (["top left", "top right", "bottom left", "bottom right"] if east
                 else ["top right", "top left", "bottom right", "bottom left"])
        order += ["middle left", "middle right"] if east else ["middle right", "middle left"]
        order += ["top center", "bottom center"]

        def rect(pos):
            vert, horiz = pos.split()
            x0 = x + 5 if horiz == "right" else x - 5 - w if horiz == "left" else x - w / 2
            y0 = y + 4 if vert == "top" else y - 4 - h if vert == "bottom" else y - h / 2
            return x0, y0, x0 + w, y0 + h

        def overlap(r):
            tot = 0.0
            for q in placed + [m for m in markers if m != (x - 5, y - 5, x + 5, y + 5)]:
                dx = min(r[2], q[2]) - max(r[0], q[0])
                dy = min(r[3], q[3]) - max(r[1], q[1])
                if dx > 0 and dy > 0:
                    tot += dx * dy
            inside = ((track_xy[:, 0] > r[0] - 2) & (track_xy[:, 0] < r[2] + 2) &
                      (track_xy[:, 1] > r[1] - 2) & (track_xy[:, 1] < r[3] + 2))
            out_of_frame = frame is not None and (r[0] < frame[0] or r[1] < frame[1] or r[2] > frame[2] or
                                                  r[3] > frame[3])
            return tot + 100.0 * int(inside.sum()) + 1e6 * out_of_frame

        costs = [(overlap(rect(pos)), k, pos) for k, pos in enumerate(order)]
        best = next((c for c in costs if c[0] == 0.0), min(costs))
        if drop_covering and best[0] > 0.0:
            out[i] = None
            continue
        out[i] = best[2]
        placed.append(rect(best[2]))
    return out


def map_figure(tracks: Sequence[Track], sites: Sequence[Site], areas: Sequence[Area], box=None,
               height_px: int = 620):
    """The interactive map: outlines as traces, base layers off (works offline)."""
    import plotly.graph_objects as go

    from thaadsim.report.map_png import _lonlat_of, fit_box
    from thaadsim.report.projection import fit_projection

    box = box or fit_box(tracks, sites, areas)
    proj, extent = fit_projection(*_lonlat_of(tracks, sites, areas))
    if proj.kind == "theatre":
        # plotly frames a theatre view by lon/lat ranges: those that enclose the projected view
        x0, x1, y0, y1 = extent
        u = np.linspace(0.0, 1.0, 40)
        ex = np.r_[x0 + (x1 - x0) * u, np.full(40, x1), x1 - (x1 - x0) * u, np.full(40, x0)]
        ey = np.r_[np.full(40, y0), y0 + (y1 - y0) * u, np.full(40, y1), y1 - (y1 - y0) * u]
        elon, elat = proj.inverse(ex, ey)
        elon = basemap.wrap_lon(elon, proj.center_lon_deg)
        box = (float(elon.min()), float(elat.min()), float(elon.max()), float(elat.max()), proj.center_lon_deg)
    name = basemap.outlines_for_box(*box[:4])
    fig = go.Figure()
    x0, x1, y0, y1 = extent
    grown = (x0 - 0.5 * (x1 - x0), x1 + 0.5 * (x1 - x0), y0 - 0.5 * (y1 - y0), y1 + 0.5 * (y1 - y0))
    for tr in basemap.plotly_outline_traces(name, proj=proj, extent_km=grown):     # the frame may show more
        fig.add_trace(tr)
    group_names = {"coverage": "radar coverage", "defended": "interceptor reach", "footprint": "defended footprint", "threat": "threat trajectories",
                   "interceptor": "interceptor trajectories"}
    shown: set = set()
    for a in areas:
        polys = [a.geometry] if a.geometry.geom_type == "Polygon" else list(getattr(a.geometry, "geoms", []))
        for k, p in enumerate(polys):
            x, y = np.asarray(p.exterior.coords).T
            fig.add_trace(go.Scattergeo(lon=x.round(3).tolist(), lat=y.round(3).tolist(), mode="lines", fill="toself",
                                        fillcolor=_css_rgba(a.kind, {"coverage": 0.12, "footprint": 0.25,
                                                                     "defended": 0.03}.get(a.kind, 0.12)),
                                        line=dict(color=_css_rgba(a.kind, 0.9), width=1.2),
                                        name=group_names.get(a.kind, a.kind), legendgroup=a.kind,
                                        showlegend=a.kind not in shown, text=a.name, hoverinfo="text"))
            shown.add(a.kind)
    for tr in tracks:
        t, la, lo, h = tr.arrays()
        idx = thin_index(t.size, 400)
        # time and altitude per point as numbers, the name once in the template (a text string per
        # point repeated the name 400 times per track)
        fig.add_trace(go.Scattergeo(lon=lo[idx].round(3).tolist(), lat=la[idx].round(3).tolist(), mode="lines",
                                    line=dict(color=_css_rgba(tr.kind), width=2 if tr.kind == "threat" else 1.4),
                                    name=group_names.get(tr.kind, tr.kind), legendgroup=tr.kind,
                                    showlegend=tr.kind not in shown,
                                    customdata=np.column_stack([t[idx].round(0), (h[idx] / 1e3).round(1)]).tolist(),
                                    hovertemplate=_html.escape(tr.name)
                                    + "<br>t = %{customdata[0]:.0f} s<br>alt = %{customdata[1]:.1f} km"
                                      "<extra></extra>"))
        shown.add(tr.kind)
    symbols = {"radar": "triangle-up", "battery": "square", "site": "triangle-up", "intercept": "star",
               "leak": "x", "miss": "x", "asset": "circle", "launch": "triangle-down"}
    kinds: dict[str, list[int]] = {}
    for i, s in enumerate(sites):
        kinds.setdefault(s.kind, []).append(i)
    labels = label_groups(sites)
    where = label_positions(sites, labels, box, height_px, avoid_lonlat=_track_points(tracks), proj=proj,
                            drop_covering=True, extent_km=extent)
    unlabelled = [labels[i] for i, pos in where.items() if pos is None]
    labels = {i: t for i, t in labels.items() if where.get(i) is not None}
    for kind, members in kinds.items():
        ss = [sites[i] for i in members]
        labelled = kind not in ("intercept", "leak", "miss")
        hover = [f"{s.name}<br>{s.lat_deg:.2f}°, {s.lon_deg:.2f}°" +
                 (f"<br>t = {s.time_s:.0f} s, alt = {s.alt_m / 1e3:.1f} km" if s.time_s is not None else "")
                 for s in ss]
        fig.add_trace(go.Scattergeo(lon=[s.lon_deg for s in ss], lat=[s.lat_deg for s in ss],
                                    mode="markers+text" if labelled else "markers",
                                    text=[labels.get(i, "") for i in members] if labelled else None,
                                    textposition=[where.get(i) or "top right" for i in members],
                                    textfont=dict(size=10),
                                    hovertext=hover, hoverinfo="text",
                                    marker=dict(symbol=symbols.get(kind, "circle"),
                                                size=13 if kind == "intercept" else 9,
                                                color=_css_rgba(kind), line=dict(color="black", width=0.6)),
                                    name=kind))
    fig.add_trace(_scale_bar_trace(proj, extent, tracks, sites))
    fig.update_geos(**basemap.plotly_geo_layout(box, proj, extent))
    # the legend below the map, outside it: inside, it covered tracks and coverage (on the right)
    fig.update_layout(height=height_px, margin=dict(l=0, r=0, t=40 if unlabelled else 26, b=0),
                      legend=dict(orientation="h", x=0.0, xanchor="left", y=-0.01, yanchor="top",
                                  font=dict(size=11)),
                      annotations=[dict(text=proj.description + (
                                            f"<br>not labelled (no clear spot, hover the marker): "
                                            f"{_html.escape(', '.join(unlabelled))}" if unlabelled else ""),
                                        showarrow=False, xref="paper", yref="paper",
                                        x=0.0, y=1.0, xanchor="left", yanchor="bottom", font=dict(size=10,
                                                                                                    color="#57606a"))])
    return fig


def _track_points(tracks, step_deg: float = 0.05):
    """(n, 2) lon, lat points along every track, at most ``step_deg`` apart (straight in lon/lat
    between samples, as plotly draws at these scales), for labels to avoid."""
    pts = []
    for tr in tracks:
        _, la, lo, _ = tr.arrays()
        lo, la = np.asarray(lo, float), np.asarray(la, float)
        if lo.size < 2:
            continue
        seg = np.hypot(np.diff(lo), np.diff(la))
        s = np.r_[0.0, np.cumsum(seg)]
        u = np.linspace(0.0, s[-1], max(2, int(s[-1] / step_deg) + 2))
        pts.append(np.column_stack([np.interp(u, s, lo), np.interp(u, s, la)]))
    return np.concatenate(pts) if pts else np.empty((0, 2))


def _scale_bar_trace(proj, extent_km, tracks, sites):
    """A scale bar as a geo line: a round ground distance along the WGS84 geodesic (pyproj Geod),
    due east from the corner of the view (inset 10 %) with the fewest track points and sites near
    it, so it sits where data is thinnest; true length at that spot on the ground."""
    import plotly.graph_objects as go
    from pyproj import Geod

    from thaadsim.report.projection import round_length_km

    geod = Geod(ellps="WGS84")
    x_lo, x_hi, y_lo, y_hi = extent_km
    w, h = x_hi - x_lo, y_hi - y_lo
    length_km = round_length_km(0.2 * min(w, 20000.0))
    pts = np.concatenate([_track_points(tracks), np.array([[s.lon_deg, s.lat_deg] for s in sites]).reshape(-1, 2)])
    px, py = proj.forward(pts[:, 0], pts[:, 1])
    best = None
    for cx, cy in ((x_lo + 0.1 * w, y_lo + 0.08 * h), (x_hi - 0.1 * w - length_km, y_lo + 0.08 * h),
                   (x_lo + 0.1 * w, y_hi - 0.12 * h), (x_hi - 0.1 * w - length_km, y_hi - 0.12 * h)):
        near = int(np.sum((px > cx - 0.05 * w) & (px < cx + length_km + 0.05 * w) &
                          (py > cy - 0.05 * h) & (py < cy + 0.08 * h)))
        if best is None or near < best[0]:
            best = (near, cx, cy)
    lon0, lat0 = proj.inverse(best[1], best[2])
    x0, y0 = float(lon0), float(lat0)
    way = geod.fwd_intermediate(x0, y0, 90.0, npts=10, del_s=length_km * 1e3 / 10, return_back_azimuth=False)
    lons, lats = [x0, *way.lons], [y0, *way.lats]
    text = [""] * len(lons)
    text[len(lons) // 2] = f"{length_km:g} km"
    return go.Scattergeo(lon=[round(v, 4) for v in lons], lat=[round(v, 4) for v in lats], mode="lines+text",
                         text=text, textposition="top center", textfont=dict(size=10),
                         line=dict(color="black", width=3), name=f"scale: {length_km:g} km", showlegend=False,
                         hoverinfo="skip", meta="scale-bar")


def profile_figure(profiles: pd.DataFrame):
    """Altitude vs ground range from launch, one line per trajectory.

    One trace per trajectory (column ``row`` when present): trajectories that share a name (two
    identical shots of a raid) used to be one trace, drawn with a line from the first one's impact
    back to the second one's launch along the ground. Same name → same colour and one legend entry.
    """
    import plotly.colors
    import plotly.graph_objects as go

    palette = plotly.colors.qualitative.Plotly
    fig = go.Figure()
    keys = ["row", "name", "kind"] if "row" in profiles else ["name", "kind"]
    colour: dict = {}
    for key, df in profiles.groupby(keys, sort=False):
        name, kind = key[-2], key[-1]
        first = (name, kind) not in colour
        colour.setdefault((name, kind), palette[len(colour) % len(palette)])
        # to 10 m, as JSON numbers: full float64 went in as binary, which gzip barely shrinks
        fig.add_trace(go.Scatter(x=df["ground_range_km"].round(2).tolist(), y=df["alt_km"].round(2).tolist(),
                                 mode="lines", name=str(name),
                                 legendgroup=f"{kind}/{name}", showlegend=first,
                                 line=dict(color=colour[(name, kind)], width=2 if kind == "threat" else 1.3,
                                           dash="solid" if kind == "threat" else "dot")))
    # t=36: room for the modebar above the plot, so it does not cover the legend's first entry
    fig.update_layout(height=420, margin=dict(l=60, r=10, t=36, b=50),
                      xaxis_title="ground range from launch (km)", yaxis_title="altitude (km)",
                      legend=dict(font=dict(size=10)))
    return fig


def timeline_figure(tl: pd.DataFrame):
    """Horizontal bars from ``start_s`` to ``end_s`` per row (detections, windows, shots).

    An optional ``series`` column names whose bar it is (a radar id for tracks, a battery id for
    intercept windows): each gets its own legend entry and shade. With one "radar track" entry for
    all radars, a hypothetical forward-based TPY-2's tracks read as the terminal-mode radar's.
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    rows = list(dict.fromkeys(tl["row"]))
    lane = {"threat": (0.85, 0.25), "radar": (0.55, 0.85), "battery": (0.32, 0.85), "intercept": (0.6, 1.0),
            "miss": (0.6, 1.0)}
    names = {"threat": "threat in flight", "radar": "radar track", "battery": "intercept window",
             "intercept": "intercept (kill, run 0)", "miss": "intercept (miss, run 0)"}
    # shades per series: greens for radars, blues for batteries (the map's colours for each kind)
    shades = {"radar": [(44, 160, 44), (0, 100, 0), (120, 200, 80), (0, 140, 120)],
              "battery": [(31, 119, 180), (10, 50, 120), (120, 170, 230), (90, 60, 170)]}
    has_series = "series" in tl
    for kind, df in tl.groupby("kind", sort=False):
        kind = str(kind)
        w, alpha = lane.get(kind, (0.5, 0.8))
        if kind in ("intercept", "miss"):
            fig.add_trace(go.Scatter(y=df["row"], x=0.5 * (df["start_s"] + df["end_s"]), mode="markers",
                                     name=names[kind], customdata=df.get("text"),
                                     marker=dict(symbol="star" if kind == "intercept" else "x", size=13,
                                                 color=_css_rgba(kind), line=dict(color="black", width=0.6)),
                                     hovertemplate="%{y}<br>t = %{x:.0f} s<br>%{customdata}<extra></extra>"))
            continue
        series = (list(dict.fromkeys(df["series"].fillna(""))) if has_series and kind in shades else [""])
        for k, ser in enumerate(series):
            d = df if not ser else df[df["series"] == ser]
            length = (d["end_s"] - d["start_s"]).clip(lower=2.0)
            if ser:
                r, g, b = shades[kind][k % len(shades[kind])]
                colour = f"rgba({r},{g},{b},{alpha:.3f})"
                label = f"{ser}: {names[kind]}"
                width = w * (1.0 - 0.25 * min(k, 2))    # later series narrower: overlaps stay visible
            else:
                colour = _css_rgba(kind, alpha) if kind in KIND_COLORS else None
                label = names.get(kind, kind)
                width = w
            fig.add_trace(go.Bar(y=d["row"], x=length, base=d["start_s"], orientation="h", name=label,
                                 width=width, marker_color=colour, customdata=d.get("text"), textposition="none",
                                 hovertemplate="%{y}<br>%{base:.0f} s, for %{x:.0f} s<br>%{customdata}<extra></extra>"))
    fig.update_layout(barmode="overlay", height=max(260, 28 * len(rows) + 146),
                      margin=dict(l=10, r=10, t=36, b=50), xaxis_title="time after first launch (s)",
                      yaxis=dict(categoryorder="array", categoryarray=rows[::-1], automargin=True))
    return fig


# ------------------------------------------------------------------------------------------ page
_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;margin:0;color:#1d2329;background:#fafbfc}
main{max-width:1180px;margin:0 auto;padding:18px 22px 60px}
h1{font-size:1.55em;margin:0.2em 0 0.1em} h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #d0d7de;padding-bottom:4px}
.meta{color:#57606a;font-size:0.85em}
.answers{background:#fff;border-left:4px solid #1f77b4;padding:8px 16px;margin:14px 0}
.answers li{margin:5px 0}
.questions .qa{color:#333;border-left:3px solid #1f77b4;padding:2px 8px;margin:3px 0 6px}
.missing{background:#fff4e5;border-left:4px solid #e08a00;padding:8px 16px;margin:14px 0}
table{border-collapse:collapse;font-size:0.86em;background:#fff}
th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:right} th{background:#f0f3f6}
td:first-child,th:first-child{text-align:left} .data td.t,.data th.t{text-align:left}
td{white-space:nowrap} .figs td.note{white-space:normal}
.figs td.note{text-align:left;color:#57606a} .figs th.note{text-align:left}
pre{background:#f0f3f6;padding:10px;overflow:auto;font-size:0.8em;max-height:420px}
.plot{background:#fff;border:1px solid #d0d7de;margin:8px 0}
.tablewrap{overflow-x:auto;max-width:100%}
.figs td.note{min-width:14em}
.tabletools{margin:2px 0 6px;font-size:0.85em} .tabletools a{color:#0b5cad}
.loading{color:#57606a;padding:12px}
@media (max-width:640px){main{padding:10px 8px 40px} h1{font-size:1.3em}}
@media print{
  @page{size:A4;margin:12mm}
  body{background:#fff;font-size:10pt}
  main{max-width:none;padding:0}
  .tabletools,.modebar-container{display:none}
  .tablewrap{overflow:visible}
  table{width:100%;font-size:8pt;table-layout:auto}
  td,th{white-space:normal;overflow-wrap:anywhere;padding:2px 4px}
  .figs td.note{min-width:0;width:55%}
  .plot{break-inside:avoid;border:none}
  pre{max-height:none;white-space:pre-wrap;overflow-wrap:anywhere}
  h2{break-after:avoid}
}
"""


def _cell(v) -> str:
    if v is None or (isinstance(v, (float, np.floating)) and not np.isfinite(v)):
        return "—"
    if isinstance(v, (float, np.floating)):
        return f"{v:,.3g}" if abs(v) < 10 else f"{v:,.1f}"
    return _html.escape(str(v))


def data_table_html(df: pd.DataFrame) -> str:
    """A DataFrame as an HTML table: numbers right-aligned (digits line up), text left-aligned.

    ``DataFrame.to_html`` right-aligned every column, so names such as "scud-c min-energy Wonsan
    area → Daegu" hung off the right edge of their cells and were hard to scan.
    """
    text = [not (pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]))
            for c in df.columns]
    cls = ["t" if t else "n" for t in text]
    head = "".join(f"<th class='{k}'>{_html.escape(str(c))}</th>" for c, k in zip(df.columns, cls))
    prob = [str(c).startswith("p_") and not t for c, t in zip(df.columns, text)]
    body = "".join("<tr>" + "".join(f"<td class='{k}'>{_prob(v) if pr else _cell(v)}</td>"
                                    for v, k, pr in zip(row, cls, prob)) + "</tr>"
                   for row in df.itertuples(index=False, name=None))
    return f"<table class='data'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


#: Base85 alphabet of :func:`base64.b85encode` with ``<`` and ``>`` swapped for ``.`` and ``,`` (neither is
#: in the alphabet): the payload then cannot contain ``<!--`` or ``</script``, which would end or
#: re-mode the ``<script>`` element that carries it (HTML 13.2.5.4, script data states).
_B85_IN = b"<>"
_B85_OUT = b".,"
_B85_ALPHABET = ("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~"
                 .replace("<", ".").replace(">", ","))


def pack_text(text: str) -> str:
    """``text`` as gzip (level 9) then Base85, safe to inline in an HTML ``<script>`` element.

    Base85 (RFC 1924 alphabet, Python's :func:`base64.b85encode`) grows the bytes by 25 %, where
    base64 grows them by 33 %: on plotly.js's 1.47 MB of gzip that is 120 kB. The browser undoes
    it with :data:`_LOADER_JS` (a 10-line Base85 decoder, then its own ``DecompressionStream``).
    """
    import base64
    import gzip

    raw = gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)
    return base64.b85encode(raw).translate(bytes.maketrans(_B85_IN, _B85_OUT)).decode("ascii")


@lru_cache(maxsize=1)
def packed_plotlyjs() -> str:
    """plotly.js (the bundle shipped inside plotly.py, 4.8 MB) packed by :func:`pack_text` (~1.8 MB).

    Computed once per process: gzip level 9 of the bundle takes about a second.
    """
    from plotly.offline import get_plotlyjs

    return pack_text(get_plotlyjs())


#: Decode the packed plotly.js and figures, run plotly.js once, then draw every figure. Figures are
#: drawn after the library arrives (no figure script runs before it), each into ``<div id=...>``.
_LOADER_JS = """
(function(){
var A=%(alphabet)s,T=new Int16Array(128).fill(-1);for(var i=0;i<85;i++)T[A.charCodeAt(i)]=i;
function b85(s){s=s.replace(/\\s+/g,'');var n=s.length,len=Math.floor(n/5)*4+(n%%5?n%%5-1:0),
out=new Uint8Array(Math.ceil(n/5)*4),o=0;for(var p=0;p<n;p+=5){var v=0;
for(var k=0;k<5;k++){v=v*85+(p+k<n?T[s.charCodeAt(p+k)]:84);}
out[o++]=(v/16777216)&255;out[o++]=(v>>>16)&255;out[o++]=(v>>>8)&255;out[o++]=v&255;}return out.subarray(0,len);}
function inflate(id){var b=b85(document.getElementById(id).textContent);
return new Response(new Blob([b]).stream().pipeThrough(new DecompressionStream('gzip')));}
function run(blob){return new Promise(function(ok,no){var s=document.createElement('script');
s.src=URL.createObjectURL(new Blob([blob],{type:'text/javascript'}));s.onload=ok;
s.onerror=function(){no(new Error('plotly.js did not load'));};document.head.appendChild(s);});}
function fail(e){document.querySelectorAll('.plot').forEach(function(d){d.innerHTML="<p class='loading'>"+
'The interactive figures need a browser with DecompressionStream (Chrome/Edge 80+, Firefox 113+, Safari 16.4+): '+
String(e)+'</p>';});console.error(e);}
if(typeof DecompressionStream==='undefined'){fail('not available');return;}
performance.mark('thaadsim-start');inflate('plotlyjs').blob().then(function(b){performance.mark('thaadsim-inflated');return run(b);})
.then(function(){performance.mark('thaadsim-plotly-ready');return inflate('figures').text();}).then(function(txt){var figs=JSON.parse(txt),jobs=[];
Object.keys(figs).forEach(function(id){var el=document.getElementById(id);el.innerHTML='';
jobs.push(Plotly.newPlot(el,figs[id].data,figs[id].layout,{displaylogo:false,responsive:true}));});
window.addEventListener('beforeprint',function(){Object.keys(figs).forEach(function(id){
Plotly.relayout(id,{width:680});});});
window.addEventListener('afterprint',function(){Object.keys(figs).forEach(function(id){
Plotly.relayout(id,{width:null,autosize:true});});});
return Promise.all(jobs);}).then(function(){performance.mark('thaadsim-plots-drawn');document.documentElement.setAttribute('data-plots-ready','1');})
.catch(fail);
})();
"""


def _fig_div(div_id: str) -> str:
    """The empty box a figure is drawn into by :data:`_LOADER_JS`."""
    return f"<div id=\"{div_id}\" class=\"figure\"><p class='loading'>drawing…</p></div>"


def _csv_link(df: pd.DataFrame, stem: str) -> str:
    """A link that downloads ``df`` as CSV, offline: the CSV is in the link itself (RFC 2397 data: URI,
    percent-encoded), so it holds the full-precision values, not the rounded ones the table shows."""
    from urllib.parse import quote

    slug = "".join(ch if ch.isalnum() else "_" for ch in stem.lower()).strip("_")[:60] or "table"
    href = "data:text/csv;charset=utf-8," + quote(df.to_csv(index=False), safe="")
    return (f"<div class='tabletools'><a download='{slug}.csv' href='{href}'>download CSV "
            f"({len(df):,} rows)</a></div>")


def build_html(c: ReportContent) -> str:
    """Render the report page as one string: self-contained, offline, plotly.js inlined once.

    plotly.js and every figure's JSON are inlined gzip-compressed (:func:`pack_text`) in two
    non-executed ``<script>`` elements; :data:`_LOADER_JS` unpacks them with the browser's own
    ``DecompressionStream`` and draws the figures. The page is about a third of the size it was
    with plotly.js inlined as text (5.4 MB for the Seongju example). Each table carries a CSV
    download link (:func:`_csv_link`); a print stylesheet wraps table cells to the page width.
    """
    import json

    esc = _html.escape
    figs: dict[str, object] = {}
    now = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
             f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
             f"<title>{esc(c.title)}</title><style>{_CSS}</style></head><body><main>"]
    parts.append(f"<h1>{esc(c.title)}</h1>")
    meta = [f"thaadsim {esc(c.version)}" if c.version else "", f"scenario {esc(c.scenario_name)}" if c.scenario_name else "",
            f"sha256 {esc(c.scenario_sha256[:16])}…" if c.scenario_sha256 else "", f"generated {now}"]
    parts.append(f"<div class='meta'>{' · '.join(m for m in meta if m)}</div>")
    if c.description:
        parts.append(f"<p>{esc(c.description)}</p>")
    if c.questions:
        # each question with, under it, the answer of the view it is linked to (Question.view)
        linked = list(c.question_answers) + [None] * (len(c.questions) - len(c.question_answers))
        parts.append("<h2>Questions this scenario asks</h2><ul class='questions'>" +
                     "".join(f"<li>{esc(q)}" + (f"<div class='qa'>{esc(a)}</div>" if a else "") + "</li>"
                             for q, a in zip(c.questions, linked)) + "</ul>")
    if c.answers:
        parts.append("<h2>Key answers</h2><div class='answers'><ul>" +
                     "".join(f"<li>{esc(a)}</li>" for a in c.answers) + "</ul></div>")
    if c.missing:
        parts.append("<div class='missing'><b>Not computed in this run:</b><ul>" +
                     "".join(f"<li>{esc(m)}</li>" for m in c.missing) + "</ul></div>")
    if c.figures:
        rows = "".join(f"<tr><td>{esc(f.label)}</td>"
                       f"<td>{_prob(f.value) if f.label.startswith('P(') else _fmt(f.value)}</td><td>{esc(f.unit)}</td>"
                       f"<td class='note'>{esc(f.note)}</td></tr>" for f in c.figures)
        key = pd.DataFrame({"quantity": [f.label for f in c.figures], "value": [f.value for f in c.figures],
                            "unit": [f.unit for f in c.figures], "note": [f.note for f in c.figures]})
        parts.append("<h2>Key figures</h2><div class='tablewrap'><table class='figs'><tr><th>quantity</th>"
                     f"<th>value</th><th>unit</th><th class='note'>note</th></tr>{rows}</table></div>"
                     + _csv_link(key, "key figures"))
    parts.append("<h2>Map</h2><p class='meta'>Sites, radar coverage, trajectories and intercept points. "
                 "Drag to pan, scroll to zoom, click legend entries to hide them. Outlines: Natural Earth "
                 "(public domain).</p>")
    figs["map"] = map_figure(c.tracks, c.sites, c.areas)
    parts.append("<div class='plot'>" + _fig_div("map") + "</div>")
    if c.profiles is not None and len(c.profiles):
        parts.append("<h2>Altitude vs ground range</h2>")
        figs["profiles"] = profile_figure(c.profiles)
        parts.append("<div class='plot'>" + _fig_div("profiles") + "</div>")
    if c.timeline is not None and len(c.timeline):
        parts.append("<h2>Engagement timeline</h2><p class='meta'>Radar tracking, engagement windows and "
                     "shots per threat, in seconds after the first launch.</p>")
        figs["timeline"] = timeline_figure(c.timeline)
        parts.append("<div class='plot'>" + _fig_div("timeline") + "</div>")
    for caption, png in c.images:
        import base64

        src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        parts.append(f"<h2>{esc(caption.split(':')[0])}</h2><figure><img src='{src}' alt='{esc(caption)}' "
                     f"style='max-width:100%'><figcaption class='meta'>{esc(caption)}</figcaption></figure>")
    for title, df in c.tables:
        parts.append(f"<h2>{esc(title)}</h2><div class='tablewrap'>{data_table_html(df)}</div>"
                     + _csv_link(df, title))
    if c.notes:
        parts.append("<h2>Notes and assumptions</h2><ul>" + "".join(f"<li>{esc(n)}</li>" for n in c.notes) +
                     "</ul>")
    if c.scenario_text:
        parts.append(f"<h2>Scenario file</h2><pre>{esc(c.scenario_text)}</pre>")
    parts.append("<p class='meta'>Public physics and public figures only; every catalog number carries its "
                 "source in thaadsim's catalog files. Results are model estimates, not predictions of real "
                 "system performance.</p></main>")
    figures_json = "{" + ",".join(f"{json.dumps(k)}:{fig.to_json()}" for k, fig in figs.items()) + "}"
    parts.append(f"<script type='application/x-gzip-base85' id='plotlyjs'>{packed_plotlyjs()}</script>")
    parts.append(f"<script type='application/x-gzip-base85' id='figures'>{pack_text(figures_json)}</script>")
    parts.append("<script>" + _LOADER_JS % {"alphabet": json.dumps(_B85_ALPHABET)} + "</script></body></html>")
    return "\n".join(parts)


def write_html(path, content: ReportContent):
    """Write the report atomically; returns the path."""
    from thaadsim.io.atomic import write_text

    return write_text(path, build_html(content))
