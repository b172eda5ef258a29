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

__all__ = ["Track", "Site", "Area", "to_geojson", "to_kml", "to_czml", "write_geojson", "write_kml",
           "write_czml", "DEFAULT_EPOCH", "KIND_COLORS"]

#: The scenario clock starts here unless the caller gives an epoch (an arbitrary, fixed instant,
#: so the exports are reproducible).
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


def to_kml(tracks: Iterable[Track] = (), sites: Iterable[Site] = (), areas: Iterable[Area] = (),
           *, name: str = "thaadsim scenario", max_points: int = 2000) -> str:
    """KML text: tracks as 3D LineStrings (altitudeMode absolute, extruded to the ground),
    sites as Placemarks, areas as clamped Polygons; one Folder per kind of object."""
    import simplekml

    kml = simplekml.Kml(name=name)
    f_areas = kml.newfolder(name="Areas")
    f_tracks = kml.newfolder(name="Trajectories")
    f_sites = kml.newfolder(name="Sites and events")
    for a in areas:
        rgba = KIND_COLORS.get(a.kind, KIND_COLORS["area"])
        for k, poly in enumerate(_polygons(a.geometry)):
            pg = f_areas.newpolygon(name=a.name if k == 0 else f"{a.name} ({k + 1})")
            pg.outerboundaryis = [(float(x), float(y)) for x, y in poly.exterior.coords]
            if poly.interiors:
                pg.innerboundaryis = [[(float(x), float(y)) for x, y in r.coords] for r in poly.interiors]
            pg.altitudemode = simplekml.AltitudeMode.clamptoground
            pg.tessellate = 1
            pg.style.polystyle.color = _kml_color(rgba)
            pg.style.linestyle.color = _kml_color((*rgba[:3], 255))
            pg.style.linestyle.width = 1.5
            pg.description = a.kind
    for tr in tracks:
        t, la, lo, h = tr.arrays()
        if t.size < 2:
            continue
        idx = thin_index(t.size, max_points)
        ls = f_tracks.newlinestring(name=tr.name)
        ls.coords = [(float(lo[i]), float(la[i]), float(h[i])) for i in idx]
        ls.altitudemode = simplekml.AltitudeMode.absolute
        ls.extrude = 0
        ls.tessellate = 0
        rgba = KIND_COLORS.get(tr.kind, KIND_COLORS["threat"])
        ls.style.linestyle.color = _kml_color(rgba)
        ls.style.linestyle.width = 2.5
        ls.description = (f"{tr.kind}; t = {t[0]:.0f}..{t[-1]:.0f} s; apogee {h.max() / 1e3:.0f} km")
    for s in sites:
        pt = f_sites.newpoint(name=s.name, coords=[(float(s.lon_deg), float(s.lat_deg), float(s.alt_m))])
        pt.altitudemode = (simplekml.AltitudeMode.absolute if s.alt_m > 1000
                           else simplekml.AltitudeMode.clamptoground)
        pt.style.iconstyle.color = _kml_color(KIND_COLORS.get(s.kind, KIND_COLORS["site"]))
        pt.style.iconstyle.scale = 1.1
        desc = s.kind if s.time_s is None else f"{s.kind} at t = {s.time_s:.0f} s, alt {s.alt_m / 1e3:.1f} km"
        pt.description = desc
    return kml.kml()


def write_kml(path, tracks=(), sites=(), areas=(), name: str = "thaadsim scenario"):
    """Write :func:`to_kml` atomically; returns the path."""
    return write_text(path, to_kml(tracks, sites, areas, name=name))


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
