"""Static map (PNG) with matplotlib: coastlines, borders, coverage, trajectories, sites, intercepts.

Inputs are the generic export objects of :mod:`thaadsim.io.exports` (``Track``, ``Site``,
``Area``), so the same objects feed the PNG, the interactive map and the GIS exports.
The projection is local equirectangular (see :mod:`thaadsim.report.basemap`); the view box fits
every object given, and longitudes are unwrapped so a trans-Pacific track stays continuous.
"""

from __future__ import annotations

import io
from typing import Iterable, Sequence

import numpy as np

from thaadsim.io.exports import KIND_COLORS, Area, Site, Track, label_groups
from thaadsim.report import basemap

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


def draw_map(ax, tracks: Iterable[Track] = (), sites: Iterable[Site] = (), areas: Iterable[Area] = (),
             box=None, title: str | None = None, label_sites: bool = True):
    """Draw everything on a matplotlib axis; returns the box used."""
    tracks, sites, areas = list(tracks), list(sites), list(areas)
    box = box or fit_box(tracks, sites, areas)
    center = box[4]
    basemap.draw_outlines(ax, box)
    seen = set()
    area_names = {"coverage": "radar coverage", "defended": "interceptor reach", "footprint": "defended footprint"}
    for a in areas:
        for poly in basemap_polys(a.geometry):
            x, y = np.asarray(poly.exterior.coords).T
            x = basemap.wrap_lon(x, center)
            lab = area_names.get(a.kind, a.kind) if a.kind not in seen else None
            seen.add(a.kind)
            ax.fill(x, y, facecolor=_rgb(a.kind, FILL_ALPHA.get(a.kind, 0.15)), edgecolor=_rgb(a.kind, 0.9),
                    linewidth=1.0,
                    zorder=2, label=lab)
    for tr in tracks:
        _, la, lo, _ = tr.arrays()
        lab = tr.kind if tr.kind not in seen else None
        seen.add(tr.kind)
        for x, y in _split_unwrapped(lo, la, center):
            ax.plot(x, y, color=_rgb(tr.kind), linewidth=1.4 if tr.kind == "threat" else 1.0,
                    alpha=0.85, zorder=3, label=lab)
            lab = None
    labels = label_groups(sites)
    for k, s in enumerate(sites):
        lab = s.kind if s.kind not in seen else None
        seen.add(s.kind)
        x = float(basemap.wrap_lon(s.lon_deg, center))
        ax.plot([x], [s.lat_deg], linestyle="none", marker=MARKERS.get(s.kind, "o"),
                markersize=11 if s.kind == "intercept" else 7, color=_rgb(s.kind),
                markeredgecolor="k", markeredgewidth=0.5, zorder=5, label=lab)
        if label_sites and k in labels:
            east = x > center                   # label toward the centre: not cut off at the east edge
            ax.annotate(labels[k], (x, s.lat_deg), xytext=(-5 if east else 5, 4), textcoords="offset points",
                        fontsize=7, ha="right" if east else "left", zorder=6, bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.7))
    if title:
        ax.set_title(title, fontsize=10)
    if seen:
        ax.legend(loc="best", fontsize=7, framealpha=0.85)
    ax.grid(True, color="#c8d0d8", linewidth=0.4, zorder=0)
    return box


def basemap_polys(geom):
    if geom.geom_type == "Polygon":
        return [geom]
    if geom.geom_type == "MultiPolygon":
        return list(geom.geoms)
    return []


def render_png(tracks: Iterable[Track] = (), sites: Iterable[Site] = (), areas: Iterable[Area] = (), *,
               title: str | None = None, box=None, width_in: float = 9.0, dpi: int = 110) -> bytes:
    """The map as PNG bytes (write them with :func:`thaadsim.io.atomic.write_bytes`)."""
    from matplotlib.figure import Figure  # no pyplot: no backend switch, safe in notebooks

    tracks, sites, areas = list(tracks), list(sites), list(areas)
    box = box or fit_box(tracks, sites, areas)
    import math

    aspect = (box[3] - box[1]) / max(box[2] - box[0], 1e-6) / max(math.cos(math.radians(0.5 * (box[1] + box[3]))), 0.2)
    height = min(max(width_in * aspect + 0.8, 4.0), 12.0)
    fig = Figure(figsize=(width_in, height), dpi=dpi)
    ax = fig.add_subplot(1, 1, 1)
    draw_map(ax, tracks, sites, areas, box=box, title=title)
    fig.text(0.99, 0.005, "outlines: Natural Earth (public domain)", ha="right", va="bottom", fontsize=6,
             color="#666")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight", pad_inches=0.15)
    return buf.getvalue()


def write_png(path, tracks=(), sites=(), areas=(), **kw):
    """Render and write the map atomically; returns the path."""
    from thaadsim.io.atomic import write_bytes

    return write_bytes(path, render_png(tracks, sites, areas, **kw))
