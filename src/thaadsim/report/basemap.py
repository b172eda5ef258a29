"""Offline coastlines and borders for maps: load the vendored outlines, draw them.

The outlines are Natural Earth (public domain) converted once by ``tools/prep_natural_earth.py``
and shipped in ``thaadsim/data/maps`` (see the README there). Nothing here touches the network:

* matplotlib: :func:`draw_outlines` draws lines as a :class:`~matplotlib.collections.LineCollection`
  on a plain axis in a local equirectangular projection (x = lon, y = lat, aspect
  1/cos(mid-latitude)), used by the footprint map; map.png projects the same lines with pyproj
  instead (:mod:`thaadsim.report.projection`, :func:`thaadsim.report.map_png.draw_map`).
* plotly: every built-in geo base layer is switched OFF (plotly.js would otherwise fetch its
  topojson from a CDN and render blank offline), and the outlines are plotted as ``Scattergeo``
  line traces instead.

Longitudes can be *unwrapped* around a centre (``lon_center_deg``), so that a Pacific view from
Manchuria to Washington (100 E .. 285 E) is one continuous picture.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from importlib import resources

import numpy as np

#: Extent of the 50 m regional file (lon_min, lat_min, lon_max, lat_max), degrees.
EAST_ASIA_BOX = (90.0, 0.0, 160.0, 60.0)

STYLE = {
    "coastline": {"color": "#303030", "width": 0.8, "dash": None},
    "border": {"color": "#b04040", "width": 0.6, "dash": "dash"},
}


@lru_cache(maxsize=4)
def load_outlines(name: str = "east_asia_50m") -> dict[str, tuple[np.ndarray, ...]]:
    """Vendored outlines as ``{"coastline": (lines...), "border": (lines...)}``.

    Each line is an ``(n, 2)`` float array of [lon_deg, lat_deg]. ``name`` is a file stem in
    ``thaadsim/data/maps`` (``"east_asia_50m"`` or ``"world_110m"``).
    """
    path = resources.files("thaadsim").joinpath("data", "maps", f"{name}.geojson")
    if not path.is_file():
        from thaadsim.errors import ThaadsimError

        raise ThaadsimError("map", f"no vendored outline file {name!r}",
                            "use 'east_asia_50m' or 'world_110m'")
    fc = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, list[np.ndarray]] = {"coastline": [], "border": []}
    for f in fc["features"]:
        kind = f["properties"]["kind"]
        out.setdefault(kind, []).extend(np.asarray(ln, dtype=float) for ln in f["geometry"]["coordinates"])
    return {k: tuple(v) for k, v in out.items()}


def wrap_lon(lon_deg, center_deg: float = 0.0):
    """Longitude(s) mapped into [center - 180, center + 180)."""
    return (np.asarray(lon_deg, dtype=float) - center_deg + 180.0) % 360.0 - 180.0 + center_deg


def view_box(lons_deg, lats_deg, margin_deg: float = 2.0, min_span_deg: float = 4.0):
    """A map box around the given points, with the longitude centre chosen to avoid the seam.

    Returns ``(lon_min, lat_min, lon_max, lat_max, lon_center)``; lon_min/lon_max are unwrapped
    around lon_center (they may exceed 180). The centre is the circular mean of the longitudes,
    so points on both sides of the antimeridian (Asia and the US) end up side by side.
    """
    lon = np.asarray(lons_deg, dtype=float).ravel()
    lat = np.asarray(lats_deg, dtype=float).ravel()
    ok = np.isfinite(lon) & np.isfinite(lat)
    lon, lat = lon[ok], lat[ok]
    if lon.size == 0:
        return (*EAST_ASIA_BOX, 0.5 * (EAST_ASIA_BOX[0] + EAST_ASIA_BOX[2]))
    ang = np.radians(lon)
    center = math.degrees(math.atan2(np.sin(ang).mean(), np.cos(ang).mean()))
    ul = wrap_lon(lon, center)
    span = max(ul.max() - ul.min(), lat.max() - lat.min())
    margin_deg = max(margin_deg, 0.07 * span)          # room for labels on wide views
    lo, hi = ul.min() - margin_deg, ul.max() + margin_deg
    la0, la1 = lat.min() - margin_deg, lat.max() + margin_deg
    if hi - lo < min_span_deg:
        mid = 0.5 * (hi + lo)
        lo, hi = mid - min_span_deg / 2, mid + min_span_deg / 2
    if la1 - la0 < min_span_deg:
        mid = 0.5 * (la1 + la0)
        la0, la1 = mid - min_span_deg / 2, mid + min_span_deg / 2
    la0, la1 = max(la0, -89.0), min(la1, 89.0)
    center = 0.5 * (lo + hi)
    return float(lo), float(la0), float(hi), float(la1), float(center)


def outlines_for_box(lon_min: float, lat_min: float, lon_max: float, lat_max: float) -> str:
    """Name of the finest vendored file that covers the box (50 m East Asia, else 110 m world)."""
    b = EAST_ASIA_BOX
    lo = wrap_lon(lon_min, 0.5 * (b[0] + b[2]))
    hi = lo + (lon_max - lon_min)
    if lo >= b[0] and hi <= b[2] and lat_min >= b[1] and lat_max <= b[3]:
        return "east_asia_50m"
    return "world_110m"


def unwrap_lines(lines, center_deg: float):
    """Wrap each line's longitudes around ``center_deg`` and split it where it jumps the seam."""
    out = []
    for ln in lines:
        x = wrap_lon(ln[:, 0], center_deg)
        jumps = np.nonzero(np.abs(np.diff(x)) > 180.0)[0]
        start = 0
        for j in list(jumps) + [len(x) - 1]:
            seg = np.column_stack([x[start:j + 1], ln[start:j + 1, 1]])
            if len(seg) >= 2:
                out.append(seg)
            start = j + 1
    return out


def draw_outlines(ax, box, *, name: str | None = None, zorder: float = 1.0) -> None:
    """Draw coastlines and borders on a matplotlib axis and set its limits and aspect.

    Parameters
    ----------
    ax : matplotlib Axes (plain, x = lon_deg, y = lat_deg)
    box : (lon_min, lat_min, lon_max, lat_max, lon_center) as from :func:`view_box`
    name : outline file stem; default: :func:`outlines_for_box`
    """
    from matplotlib.collections import LineCollection

    lon_min, lat_min, lon_max, lat_max, center = box
    name = name or outlines_for_box(lon_min, lat_min, lon_max, lat_max)
    for kind, lines in load_outlines(name).items():
        st = STYLE.get(kind, STYLE["coastline"])
        segs = unwrap_lines(lines, center)
        ax.add_collection(LineCollection(segs, colors=st["color"], linewidths=st["width"],
                                         linestyles="--" if st["dash"] else "-", zorder=zorder,
                                         label=kind))
    ax.set_xlim(lon_min, lon_max)
    ax.set_ylim(lat_min, lat_max)
    mid = math.radians(0.5 * (lat_min + lat_max))
    ax.set_aspect(1.0 / max(math.cos(mid), 0.2))
    ax.set_xlabel("longitude (deg)")
    ax.set_ylabel("latitude (deg)")
    ax.set_facecolor("#eef4fa")
    # tick labels in conventional -180..180 form even when unwrapped
    from matplotlib.ticker import FuncFormatter

    def _fmt(v, _pos):
        w = float(wrap_lon(v, 0.0))
        return f"{abs(w):g}°{'E' if w >= 0 else 'W'}" if abs(w) not in (0.0, 180.0) else f"{abs(w):g}°"

    ax.xaxis.set_major_formatter(FuncFormatter(_fmt))


def lines_near_box(lines, box, pad_frac: float = 0.25):
    """The parts of ``lines`` inside ``box`` grown by ``pad_frac`` of its span on every side.

    A line is cut where it leaves the padded box, and each inside run keeps one point beyond the
    cut on either side so the drawn line still reaches the map's edge. Longitudes come back
    unwrapped around the box's centre. Used to ship only the outlines a map shows: the Seongju
    report carried the whole 90-160 E x 0-60 N file for a 13 x 11 degree view.
    """
    lon_min, lat_min, lon_max, lat_max, center = box
    px, py = pad_frac * (lon_max - lon_min), pad_frac * (lat_max - lat_min)
    out = []
    for ln in unwrap_lines(lines, center):
        inside = ((ln[:, 0] >= lon_min - px) & (ln[:, 0] <= lon_max + px) &
                  (ln[:, 1] >= lat_min - py) & (ln[:, 1] <= lat_max + py))
        if not inside.any():
            continue
        # grow each inside run by one point both ways, then split into runs
        keep = inside | np.r_[inside[1:], False] | np.r_[False, inside[:-1]]
        edges = np.flatnonzero(np.diff(np.r_[0, keep.astype(np.int8), 0]))
        for a, b in zip(edges[::2], edges[1::2]):
            if b - a >= 2:
                out.append(ln[a:b])
    return out


def lines_in_view(lines, proj, extent_km):
    """The runs of each [lon, lat] line whose points project inside ``extent_km`` (x0, x1, y0, y1)
    of ``proj`` (a :class:`thaadsim.report.projection.MapProjection`): what a map of that view shows."""
    x0, x1, y0, y1 = extent_km
    out = []
    for ln in lines:
        x, y = proj.forward(ln[:, 0], ln[:, 1])
        inside = np.isfinite(x) & (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)
        if not inside.any():
            continue
        edges = np.flatnonzero(np.diff(np.r_[0, inside.astype(np.int8), 0]))
        out += [ln[a:b] for a, b in zip(edges[::2], edges[1::2]) if b - a >= 2]
    return out


def plotly_outline_traces(name: str = "east_asia_50m", box=None, proj=None, extent_km=None):
    """``Scattergeo`` line traces for the outlines (one per kind, None-separated lines).

    With ``box`` (as from :func:`view_box`) only the outlines near it are kept
    (:func:`lines_near_box`), with ``proj`` and ``extent_km`` only those inside that projected
    view (:func:`lines_in_view`; plotly then fits the view to the data and these lines), rounded
    to 0.001 deg (about 100 m, finer than a 1:50m line).
    """
    import plotly.graph_objects as go

    traces = []
    for kind, lines in load_outlines(name).items():
        xs: list = []
        ys: list = []
        digits = 4 if box is None and proj is None else 3
        if proj is not None:
            lines = lines_in_view(lines, proj, extent_km)
        elif box is not None:
            lines = lines_near_box(lines, box)
        for ln in lines:
            xs.extend(ln[:, 0].round(digits).tolist())
            xs.append(None)
            ys.extend(ln[:, 1].round(digits).tolist())
            ys.append(None)
        st = STYLE.get(kind, STYLE["coastline"])
        traces.append(go.Scattergeo(lon=xs, lat=ys, mode="lines", name=kind, hoverinfo="skip",
                                    showlegend=False,
                                    line=dict(color=st["color"], width=st["width"] + 0.2,
                                              dash=st["dash"] or "solid")))
    return traces


#: plotly geo base layers that would fetch topojson from the network when on.
GEO_LAYERS_OFF = {f"show{layer}": False
                  for layer in ("coastlines", "land", "ocean", "lakes", "rivers", "countries", "subunits")}


def plotly_geo_layout(box, proj=None, extent_km=None) -> dict:
    """``layout.geo`` settings for a self-contained map: every base layer off, a fitted view.

    With ``proj`` (a :class:`thaadsim.report.projection.MapProjection`) the view uses the same
    projection as map.png, plotly's own ``stereographic`` or ``azimuthal equidistant`` rotated to
    its centre; the graticule is plotly's (``lonaxis``/``lataxis`` grid, no network).
    """
    from thaadsim.report.projection import nice_step

    lon_min, lat_min, lon_max, lat_max, center = box
    span = max(lon_max - lon_min, lat_max - lat_min)
    if proj is not None:
        kind = "stereographic" if proj.kind == "theatre" else "azimuthal equidistant"
        projection = dict(type=kind, rotation=dict(lon=proj.center_lon_deg, lat=proj.center_lat_deg))
    elif span > 60:
        projection = dict(type="natural earth", rotation=dict(lon=float(wrap_lon(center, 0.0))))
    else:
        mid = 0.5 * (lat_min + lat_max)
        projection = dict(type="conic conformal", rotation=dict(lon=float(wrap_lon(center, 0.0))),
                          parallels=[mid - span / 6, mid + span / 6])
    grid = dict(showgrid=True, gridcolor="#b8c4d0", gridwidth=0.5)
    if proj is not None and proj.kind == "long-range" and extent_km is not None:
        # a lon/lat box cannot frame a view across the pole: zoom instead. At scale 1 plotly fits
        # the whole azimuthal-equidistant disc (radius pi R) to the frame's height; the frame is
        # about 0.8 as wide as high at the report's 620 px
        x0, x1, y0, y1 = extent_km
        from thaadsim.report.projection import EARTH_RADIUS_KM

        scale = 2 * math.pi * EARTH_RADIUS_KM / max(y1 - y0, (x1 - x0) / 0.8)
        projection["scale"] = float(scale)
        step = nice_step(360.0 if scale < 3 else 120.0)
        # the view is centred on the rotation, i.e. on the projection's centre (fit_projection)
        return dict(projection=projection,
                    lonaxis=dict(dtick=step, **grid), lataxis=dict(dtick=nice_step(90.0), **grid),
                    showframe=True, framecolor="#888", bgcolor="#eef4fa", **GEO_LAYERS_OFF)
    return dict(projection=projection,
                lonaxis=dict(range=[lon_min, lon_max], dtick=nice_step(lon_max - lon_min), **grid),
                lataxis=dict(range=[lat_min, lat_max], dtick=nice_step(lat_max - lat_min), **grid),
                showframe=True, framecolor="#888", bgcolor="#eef4fa",
                **GEO_LAYERS_OFF)
