"""Exports for other tools: GeoJSON (QGIS, web maps), KML (Google Earth), CZML (Cesium).

The inputs are plain and generic so that any layer can feed them:

* :class:`Track` — a path in time: ``times_s`` (seconds after the scenario epoch), ``lat_deg``,
  ``lon_deg``, ``alt_m`` (height above the WGS84 ellipsoid);
* :class:`Site` — a point (a radar, a battery, an intercept, a defended asset, a launch area);
* :class:`Area` — a shapely polygon in lon/lat degrees (radar coverage, defended footprint).

Altitudes: GeoJSON carries [lon, lat, alt_m] (RFC 7946 allows the third number; units follow
the WGS84 ellipsoid here), KML uses ``altitudeMode = absolute`` (metres above sea level — the
ellipsoid/geoid difference, < 100 m, does not matter at missile scales), and CZML
``cartographicDegrees`` are [t_s, lon, lat, h_m] relative to an ``epoch`` (ISO 8601, UTC).

Libraries: stdlib ``json`` + ``shapely.geometry.mapping`` (GeoJSON), ``simplekml`` (KML),
``czml3`` (CZML; validated pydantic models). Files are written atomically.
"""

from __future__ import annotations

import datetime as _dt
import json
from typing import Iterable

import numpy as np

# the plain objects live with the analysis that makes them; this module only writes them out
from thaadsim.analysis.objects import Area, Site, Track
from thaadsim.io.atomic import clean_nans, write_text

__all__ = ["Track", "Site", "Area", "to_geojson", "to_kml", "to_kmz", "to_czml", "write_geojson", "write_kml",
           "write_kmz", "write_czml", "DEFAULT_EPOCH", "KIND_COLORS", "KIND_ICONS", "icon_files"]

#: The scenario clock starts here unless the caller gives an epoch (an arbitrary, fixed instant,
#: so the exports are reproducible): a scenario file's ``[scenario].epoch`` defaults to the same
#: instant (:data:`thaadsim.io.scenario.DEFAULT_EPOCH_ISO`).
DEFAULT_EPOCH = _dt.datetime(2026, 1, 1, 0, 0, 0, tzinfo=_dt.timezone.utc)

#: RGBA colours by kind (shared by the exports and the maps).
KIND_COLORS = {
    "threat": (214, 39, 40, 255),
    "interceptor": (31, 119, 180, 255),
    "radar": (44, 160, 44, 255),
    "battery": (31, 119, 180, 255),
    "site": (44, 160, 44, 255),
    "intercept": (255, 127, 14, 255),
    "leak": (148, 0, 0, 255),
    "miss": (120, 120, 120, 255),
    "asset": (148, 103, 189, 255),
    "launch": (90, 90, 90, 255),
    "coverage": (44, 160, 44, 70),
    "defended": (31, 119, 180, 60),
    "footprint": (148, 103, 189, 90),
    "area": (127, 127, 127, 60),
}


def thin_index(n: int, max_points: int) -> np.ndarray:
    """Indices of at most about ``max_points`` evenly spaced samples out of ``n``, always keeping the
    first and the last (the launch and the impact)."""
    if n <= 0:
        return np.arange(0)
    step = max(1, int(np.ceil(n / max_points)))
    return np.r_[np.arange(0, n - 1, step), n - 1]


def label_groups(sites, tol_deg: float = 0.03) -> dict[int, str]:
    """Map labels for sites, merging co-located ones: {index of the first site of a group: 'a / b'}.

    Sites closer than ``tol_deg`` in both coordinates share one label (a battery and its radar).
    Intercept/miss/leak points are not labelled.
    """
    groups: list[tuple[float, float, list[int]]] = []
    for i, s in enumerate(sites):
        if s.kind in ("intercept", "leak", "miss"):
            continue
        for la, lo, members in groups:
            if abs(la - s.lat_deg) < tol_deg and abs(lo - s.lon_deg) < tol_deg:
                members.append(i)
                break
        else:
            groups.append((s.lat_deg, s.lon_deg, [i]))
    return {m[0]: " / ".join(dict.fromkeys(sites[k].name for k in m)) for _, _, m in groups}


def _props(obj, **extra) -> dict:
    p = {"id": obj.id, "name": obj.name, "kind": obj.kind}
    p.update(extra)
    p.update(obj.properties)
    return clean_nans(p)


# ---------------------------------------------------------------------------------------- GeoJSON
def _right_hand_rule(geom):
    """``geom`` with every polygon's exterior counter-clockwise and its holes clockwise (RFC 7946
    §3.1.6); other geometries unchanged."""
    from shapely.geometry import MultiPolygon
    from shapely.geometry.polygon import orient

    if geom.geom_type == "Polygon":
        return orient(geom, sign=1.0)
    if geom.geom_type == "MultiPolygon":
        return MultiPolygon([orient(p, sign=1.0) for p in geom.geoms])
    return geom


def to_geojson(tracks: Iterable[Track] = (), sites: Iterable[Site] = (), areas: Iterable[Area] = (),
               *, ndigits: int = 5) -> dict:
    """A GeoJSON FeatureCollection (RFC 7946): tracks as 3D LineStrings, sites as Points, areas
    as Polygons. Track properties carry ``t_start_s``/``t_end_s`` and ``apogee_m``.

    Polygon rings follow the right-hand rule of RFC 7946 §3.1.6: exterior rings counter-clockwise,
    holes clockwise (shapely's ``orient``; shapely's buffers come out clockwise, which some
    viewers fill inside out)."""
    from shapely.geometry import mapping

    feats = []
    for a in areas:
        feats.append({"type": "Feature", "properties": _props(a), "geometry": json.loads(
            json.dumps(mapping(_right_hand_rule(a.geometry))))})
    for tr in tracks:
        t, la, lo, h = tr.arrays()
        if t.size < 2:
            continue
        coords = np.column_stack([lo.round(ndigits), la.round(ndigits), h.round(1)])
        cut = np.nonzero(np.abs(np.diff(lo)) > 180.0)[0]
        if cut.size:   # RFC 7946 §3.1.9: split lines that cross the antimeridian
            parts = [p.tolist() for p in np.split(coords, cut + 1) if len(p) >= 2]
            geom = {"type": "MultiLineString", "coordinates": parts}
        else:
            geom = {"type": "LineString", "coordinates": coords.tolist()}
        feats.append({"type": "Feature",
                      "properties": _props(tr, t_start_s=float(t[0]), t_end_s=float(t[-1]),
                                           apogee_m=float(h.max())),
                      "geometry": geom})
    for s in sites:
        extra = {} if s.time_s is None else {"time_s": float(s.time_s)}
        feats.append({"type": "Feature", "properties": _props(s, alt_m=float(s.alt_m), **extra),
                      "geometry": {"type": "Point",
                                   "coordinates": [round(float(s.lon_deg), ndigits),
                                                   round(float(s.lat_deg), ndigits),
                                                   round(float(s.alt_m), 1)]}})
    return {"type": "FeatureCollection", "features": feats}


def write_geojson(path, tracks=(), sites=(), areas=()):
    """Write :func:`to_geojson` atomically; returns the path."""
    fc = to_geojson(tracks, sites, areas)
    return write_text(path, json.dumps(fc, separators=(",", ":"), allow_nan=False) + "\n")


# ---------------------------------------------------------------------------------------- KML
def _kml_color(rgba) -> str:
    # KML colours are aabbggrr hex
    r, g, b, a = rgba
    return f"{a:02x}{b:02x}{g:02x}{r:02x}"


def _polygons(geom):
    if geom.geom_type == "Polygon":
        return [geom]
    if geom.geom_type == "MultiPolygon":
        return list(geom.geoms)
    return []


KML_NS = "http://www.opengis.net/kml/2.2"
GX_NS = "http://www.google.com/kml/ext/2.2"

#: the icon drawn for each kind of site or track (PNG files shipped in ``thaadsim/data/icons``,
#: written beside the KML in ``icons/``, or inside a KMZ: no network URL)
KIND_ICONS = {"threat": "threat", "launch": "threat", "interceptor": "interceptor", "radar": "radar",
              "site": "radar", "battery": "battery", "asset": "asset", "intercept": "impact", "leak": "impact",
              "miss": "impact", "impact": "impact"}


def icon_files() -> dict[str, "Path"]:
    """{icon name: path of its PNG in the installed package} for :data:`KIND_ICONS`."""
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "data" / "icons"
    return {name: folder / f"{name}.png" for name in sorted(set(KIND_ICONS.values()))}


def _ncname(prefix: str, raw: str, taken: set) -> str:
    """An XML NCName (what KML's ``id`` attributes must be: xs:ID) made from ``raw``, unique in
    ``taken``: a letter first, then letters, digits, '.', '-' and '_' only."""
    import re

    base = f"{prefix}-" + re.sub(r"[^A-Za-z0-9._-]", "_", str(raw))
    name, k = base, 2
    while name in taken:
        name, k = f"{base}-{k}", k + 1
    taken.add(name)
    return name


def _iso(epoch: _dt.datetime, t_s: float) -> str:
    """UTC ISO-8601 time ``t_s`` seconds after ``epoch`` (millisecond resolution), as KML's ``when``."""
    t = epoch + _dt.timedelta(seconds=round(float(t_s), 3))
    return t.astimezone(_dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def to_kml(tracks: Iterable[Track] = (), sites: Iterable[Site] = (), areas: Iterable[Area] = (),
           *, name: str = "thaadsim scenario", max_points: int = 2000, epoch: _dt.datetime = DEFAULT_EPOCH,
           icon_dir: str | None = "icons") -> str:
    """KML 2.2 text, valid against the OGC KML 2.2 schema (with Google's ``gx`` extension schema).

    * tracks are time-tagged ``gx:Track`` elements (a ``when`` and a ``gx:coord`` per sample,
      ``epoch`` + seconds, altitudeMode absolute), so Google Earth's time slider moves each
      threat and interceptor along its path;
    * sites are Placemarks with an icon per kind (:data:`KIND_ICONS`, files under ``icon_dir``
      relative to the KML: :func:`write_kml` and :func:`write_kmz` put them there; with
      ``icon_dir=None`` no icon file is named and the viewer's own marker is tinted by kind); an event
      (``time_s``) appears from that time on (``TimeSpan`` with a ``begin``);
    * areas are polygons clamped to the ground.

    Elements are written in the order the schema's sequences require (``name`` before
    ``description``, ``TimePrimitive``, ``styleUrl`` ...; shared ``Style`` elements in the
    Document), and every ``id`` is an NCName. Written with :mod:`xml.etree.ElementTree` (simplekml
    put ``name`` after ``Style`` and gave bare numeric ids, which the schema refuses).
    """
    import xml.etree.ElementTree as ET

    if epoch.tzinfo is None:
        epoch = epoch.replace(tzinfo=_dt.timezone.utc)
    k, gx = f"{{{KML_NS}}}", f"{{{GX_NS}}}"
    ET.register_namespace("", KML_NS)
    ET.register_namespace("gx", GX_NS)

    def sub(parent, tag, text=None, ns=k):
        e = ET.SubElement(parent, ns + tag)
        if text is not None:
            e.text = str(text)
        return e

    root = ET.Element(k + "kml")
    doc = sub(root, "Document")
    taken: set = set()
    doc.set("id", _ncname("doc", "thaadsim", taken))
    sub(doc, "name", name)
    sub(doc, "open", 1)
    tracks, sites, areas = list(tracks), list(sites), list(areas)
    styles: dict[str, str] = {}

    def style_for(kind: str, what: str) -> str:
        """The id of the shared Style for a kind of object ("point", "line" or "area")."""
        key = f"{what}-{kind}"
        if key in styles:
            return styles[key]
        sid = styles[key] = _ncname("style", key, taken)
        st = sub(doc, "Style")
        st.set("id", sid)
        if what == "point" or what == "line":
            ic = sub(st, "IconStyle")
            if icon_dir is None:       # a lone .kml: no icon files beside it, so tint the viewer's marker
                sub(ic, "color", _kml_color(KIND_COLORS.get(kind, KIND_COLORS["threat"])))
            sub(ic, "scale", 1.0)
            if icon_dir is not None:
                icon = sub(ic, "Icon")
                sub(icon, "href", f"{icon_dir}/{KIND_ICONS.get(kind, 'radar')}.png")
        if what == "line":
            ls = sub(st, "LineStyle")
            sub(ls, "color", _kml_color(KIND_COLORS.get(kind, KIND_COLORS["threat"])))
            sub(ls, "width", 2.5)
        if what == "area":
            rgba = KIND_COLORS.get(kind, KIND_COLORS["area"])
            ls = sub(st, "LineStyle")
            sub(ls, "color", _kml_color((*rgba[:3], 255)))
            sub(ls, "width", 1.5)
            ps = sub(st, "PolyStyle")
            sub(ps, "color", _kml_color(rgba))
        return sid

    # styles first: the schema puts a Document's StyleSelectors before its Features
    for kind in dict.fromkeys(a.kind for a in areas):
        style_for(kind, "area")
    for kind in dict.fromkeys(tr.kind for tr in tracks):
        style_for(kind, "line")
    for kind in dict.fromkeys(s.kind for s in sites):
        style_for(kind, "point")

    def folder(title):
        f = sub(doc, "Folder")
        f.set("id", _ncname("folder", title, taken))
        sub(f, "name", title)
        return f

    def placemark(parent, obj, label, description, style_id, time_span=None):
        pm = sub(parent, "Placemark")
        pm.set("id", _ncname(obj.kind, obj.id, taken))
        sub(pm, "name", label)
        sub(pm, "description", description)
        if time_span is not None:
            span = sub(pm, "TimeSpan")
            sub(span, "begin", time_span[0])
            if time_span[1] is not None:
                sub(span, "end", time_span[1])
        sub(pm, "styleUrl", f"#{style_id}")
        return pm

    if areas:
        f_areas = folder("Areas")
        for a in areas:
            for n_poly, poly in enumerate(_polygons(a.geometry)):
                pm = placemark(f_areas, a, a.name if n_poly == 0 else f"{a.name} ({n_poly + 1})", a.kind,
                               styles[f"area-{a.kind}"])
                pg = sub(pm, "Polygon")
                sub(pg, "tessellate", 1)
                sub(pg, "altitudeMode", "clampToGround")
                rings = [("outerBoundaryIs", poly.exterior)] + [("innerBoundaryIs", r) for r in poly.interiors]
                for tag, ring in rings:
                    lr = sub(sub(pg, tag), "LinearRing")
                    sub(lr, "coordinates", " ".join(f"{float(x):.6f},{float(y):.6f}" for x, y in ring.coords))
    if tracks:
        f_tracks = folder("Trajectories")
        for tr in tracks:
            t, la, lo, h = tr.arrays()
            if t.size < 2:
                continue
            idx = thin_index(t.size, max_points)
            pm = placemark(f_tracks, tr, tr.name,
                           f"{tr.kind}; t = {t[0]:.0f}..{t[-1]:.0f} s; apogee {h.max() / 1e3:.0f} km",
                           styles[f"line-{tr.kind}"], (_iso(epoch, t[0]), _iso(epoch, t[-1])))
            track = sub(pm, "Track", ns=gx)
            sub(track, "altitudeMode", "absolute")
            for i in idx:                      # the schema's order: every when, then every coord
                sub(track, "when", _iso(epoch, t[i]))
            for i in idx:
                sub(track, "coord", f"{float(lo[i]):.6f} {float(la[i]):.6f} {float(h[i]):.1f}", ns=gx)
    if sites:
        f_sites = folder("Sites and events")
        for s in sites:
            desc = s.kind if s.time_s is None else f"{s.kind} at t = {s.time_s:.0f} s, alt {s.alt_m / 1e3:.1f} km"
            span = None if s.time_s is None else (_iso(epoch, s.time_s), None)
            pm = placemark(f_sites, s, s.name, desc, styles[f"point-{s.kind}"], span)
            pt = sub(pm, "Point")
            sub(pt, "altitudeMode", "absolute" if s.alt_m > 1000 else "clampToGround")
            sub(pt, "coordinates", f"{float(s.lon_deg):.6f},{float(s.lat_deg):.6f},{float(s.alt_m):.1f}")
    ET.indent(root, space=" ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_kml(path, tracks=(), sites=(), areas=(), name: str = "thaadsim scenario",
              epoch: _dt.datetime = DEFAULT_EPOCH):
    """Write :func:`to_kml` atomically, and its icons beside it (``icons/<kind>.png``); returns the path."""
    from pathlib import Path

    from thaadsim.io.atomic import write_bytes

    path = Path(path)
    for icon, src in icon_files().items():
        write_bytes(path.parent / "icons" / f"{icon}.png", src.read_bytes())
    return write_text(path, to_kml(tracks, sites, areas, name=name, epoch=epoch))


def to_kmz(tracks=(), sites=(), areas=(), *, name: str = "thaadsim scenario",
           epoch: _dt.datetime = DEFAULT_EPOCH) -> bytes:
    """A KMZ (zip) holding ``doc.kml`` (:func:`to_kml`) and its icons: one file a viewer opens whole."""
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        # the KML first: viewers read the first .kml entry of a KMZ
        z.writestr(zipfile.ZipInfo("doc.kml", (1980, 1, 1, 0, 0, 0)), to_kml(tracks, sites, areas, name=name,
                                                                              epoch=epoch))
        for icon, src in icon_files().items():
            z.writestr(zipfile.ZipInfo(f"icons/{icon}.png", (1980, 1, 1, 0, 0, 0)), src.read_bytes())
    return buf.getvalue()


def write_kmz(path, tracks=(), sites=(), areas=(), name: str = "thaadsim scenario",
              epoch: _dt.datetime = DEFAULT_EPOCH):
    """Write :func:`to_kmz` atomically; returns the path."""
    from thaadsim.io.atomic import write_bytes

    return write_bytes(path, to_kmz(tracks, sites, areas, name=name, epoch=epoch))


# ---------------------------------------------------------------------------------------- CZML
def to_czml(tracks: Iterable[Track] = (), sites: Iterable[Site] = (), areas: Iterable[Area] = (),
            *, epoch: _dt.datetime = DEFAULT_EPOCH, name: str = "thaadsim scenario",
            max_points: int = 2000) -> str:
    """CZML text (a JSON array of packets), validated by czml3's models.

    Tracks become time-dynamic ``position`` samples (``epoch`` + seconds) with a ``path`` that
    trails behind a moving point; sites with ``time_s`` (intercepts) appear at that time; areas
    are static ground polygons. The document clock spans the scenario.
    """
    from czml3 import Document, Packet
    from czml3.properties import (Clock, Color, Label, Material, Path, Point, Polygon, PolylineMaterial,
                                  Position, PositionList, SolidColorMaterial)
    from czml3.types import TimeInterval

    if epoch.tzinfo is None:
        epoch = epoch.replace(tzinfo=_dt.timezone.utc)
    tracks, sites, areas = list(tracks), list(sites), list(areas)
    t_all = [tr.arrays()[0] for tr in tracks]
    t_end = max([float(t[-1]) for t in t_all if t.size] + [float(s.time_s or 0.0) for s in sites] + [60.0])
    end = epoch + _dt.timedelta(seconds=t_end)
    packets = [Packet(id="document", name=name, version="1.0",
                      clock=Clock(interval=TimeInterval(start=epoch, end=end), currentTime=epoch,
                                  multiplier=10))]

    def color(kind, default="site"):
        return Color(rgba=list(KIND_COLORS.get(kind, KIND_COLORS[default])))

    for a in areas:
        rgba = KIND_COLORS.get(a.kind, KIND_COLORS["area"])
        for k, poly in enumerate(_polygons(a.geometry)):
            flat = []
            for x, y in list(poly.exterior.coords)[:-1]:
                flat += [float(x), float(y), 0.0]
            packets.append(Packet(id=f"area/{a.id}/{k}", name=a.name, description=a.kind,
                                  polygon=Polygon(positions=PositionList(cartographicDegrees=flat),
                                                  material=Material(solidColor=SolidColorMaterial(
                                                      color=Color(rgba=list(rgba)))))))
    for tr in tracks:
        t, la, lo, h = tr.arrays()
        if t.size < 2:
            continue
        idx = thin_index(t.size, max_points)
        # the impact sample can fall within 0.5 ms of the one before it: after rounding to 1 ms
        # their times were equal and czml3 refused the packet ("Time values must be increasing")
        tr_ms = t[idx].round(3)
        idx = idx[np.r_[True, np.diff(tr_ms) > 0]]
        samples = np.column_stack([t[idx].round(3), lo[idx].round(5), la[idx].round(5),
                                   h[idx].round(1)]).ravel().tolist()
        t0 = epoch + _dt.timedelta(seconds=float(t[0]))
        t1 = epoch + _dt.timedelta(seconds=float(t[-1]))
        packets.append(Packet(
            id=f"track/{tr.id}", name=tr.name, description=tr.kind,
            availability=TimeInterval(start=t0, end=t1),
            position=Position(epoch=epoch, cartographicDegrees=samples),
            point=Point(pixelSize=7, color=color(tr.kind, "threat")),
            label=Label(text=tr.name, show=False),
            path=Path(show=True, width=2, leadTime=0, trailTime=float(t[-1] - t[0]) + 1.0, resolution=5,
                      material=PolylineMaterial(solidColor=SolidColorMaterial(color=color(tr.kind, "threat")))),
        ))
    for s in sites:
        kw = {}
        if s.time_s is not None:
            kw["availability"] = TimeInterval(start=epoch + _dt.timedelta(seconds=float(s.time_s)), end=end)
        packets.append(Packet(id=f"site/{s.id}", name=s.name, description=s.kind,
                              position=Position(cartographicDegrees=[float(s.lon_deg), float(s.lat_deg),
                                                                     float(s.alt_m)]),
                              point=Point(pixelSize=10 if s.kind == "intercept" else 9, color=color(s.kind)),
                              label=Label(text=s.name, show=s.kind not in ("intercept", "leak", "miss")), **kw))
    return Document(packets=packets).dumps()


def write_czml(path, tracks=(), sites=(), areas=(), epoch: _dt.datetime = DEFAULT_EPOCH,
               name: str = "thaadsim scenario"):
    """Write :func:`to_czml` atomically; returns the path."""
    return write_text(path, to_czml(tracks, sites, areas, epoch=epoch, name=name))
