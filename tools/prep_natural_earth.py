#!/usr/bin/env python3
"""Turn a world-atlas TopoJSON file into a small clipped GeoJSON of coastlines and land borders.

A developer step, run once; the result is committed as package data so that neither the
runtime nor the tests ever touch the network.

Source: the npm package ``world-atlas@2.0.2`` (ISC licence, Mike Bostock), which carries
Natural Earth 1:50m / 1:110m admin-0 countries (public domain) [ref:natural-earth] as TopoJSON::

    cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python tools/prep_natural_earth.py /tmp/package/countries-50m.json \
        src/thaadsim/data/maps/east_asia_50m.geojson 90 0 160 60
    python tools/prep_natural_earth.py /tmp/package/countries-110m.json \
        src/thaadsim/data/maps/world_110m.geojson -180 -90 180 90

How it works
------------
TopoJSON stores every shared boundary once, as an *arc*: a list of integer points whose
coordinates after the first are deltas ("delta encoding") in a quantized grid. The real
position is ``lon = x * scale[0] + translate[0]`` (same for lat), applied to the running sum.
A country polygon is a list of rings, each a list of arc indices (a negative index ``~i``
means arc ``i`` reversed). An arc that bounds exactly one polygon has sea on its other side:
it is **coastline**. An arc shared by two or more polygons separates two countries: it is a
**land border**. (Lake shores inside one country would count as coastline; at 50m that is
acceptable for a strategic map.)

Output: a FeatureCollection with two MultiLineString features whose property ``kind`` is
``"coastline"`` or ``"border"``, clipped to the box and rounded to 1e-4 degrees (about 11 m,
well below the 50m scale's ~1 km resolution).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter

from shapely.geometry import MultiLineString, box, mapping
from shapely.ops import linemerge


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    """Un-delta and de-quantize every arc of a TopoJSON topology into (lon, lat) lists."""
    tr = topo.get("transform")
    arcs = []
    for arc in topo["arcs"]:
        if tr is None:
            arcs.append([(float(p[0]), float(p[1])) for p in arc])
            continue
        sx, sy = tr["scale"]
        tx, ty = tr["translate"]
        x = y = 0
        pts = []
        for p in arc:
            x += p[0]
            y += p[1]
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def split_artificial_edges(pts, eps: float = 1e-6):
    """Split an arc where it runs along or jumps across the antimeridian, or along the pole edge.

    Natural Earth cuts Russia, Fiji and Antarctica along lon = +-180 and closes Antarctica
    along lat = -90; those edges are not coastlines, so they are dropped.
    """
    out, cur = [], [pts[0]]
    for a, b in zip(pts[:-1], pts[1:]):
        on_seam = (abs(abs(a[0]) - 180.0) < eps and abs(abs(b[0]) - 180.0) < eps) or \
                  (a[1] < -90.0 + eps and b[1] < -90.0 + eps) or \
                  abs(b[0] - a[0]) > 180.0          # a jump across the antimeridian
        if on_seam:
            if len(cur) >= 2:
                out.append(cur)
            cur = [b]
        else:
            cur.append(b)
    if len(cur) >= 2:
        out.append(cur)
    return out


def _rings(geom: dict):
    """Yield each ring (a list of arc indices) of a Polygon/MultiPolygon TopoJSON geometry."""
    if geom.get("type") == "Polygon":
        yield from geom["arcs"]
    elif geom.get("type") == "MultiPolygon":
        for poly in geom["arcs"]:
            yield from poly


def arc_use_counts(topo: dict, object_name: str = "countries") -> Counter:
    """Number of distinct polygons (country parts) that use each arc."""
    counts: Counter = Counter()
    for geom in topo["objects"][object_name]["geometries"]:
        polys = []
        if geom.get("type") == "Polygon":
            polys = [geom["arcs"]]
        elif geom.get("type") == "MultiPolygon":
            polys = geom["arcs"]
        for poly in polys:
            used = {a if a >= 0 else ~a for ring in poly for a in ring}
            counts.update(used)
    return counts


def _round_lines(geom, ndigits: int) -> list[list[list[float]]]:
    if geom.is_empty:
        return []
    parts = getattr(geom, "geoms", [geom])
    out = []
    for g in parts:
        if g.geom_type != "LineString":
            continue
        pts = []
        for x, y in g.coords:
            p = [round(x, ndigits), round(y, ndigits)]
            if not pts or p != pts[-1]:
                pts.append(p)
        if len(pts) >= 2:
            out.append(pts)
    return out


def convert(topo: dict, lon_min: float, lat_min: float, lon_max: float, lat_max: float,
            ndigits: int = 4) -> dict:
    """Return the clipped coastline/border FeatureCollection for one topology."""
    arcs = decode_arcs(topo)
    counts = arc_use_counts(topo)
    clip = box(lon_min, lat_min, lon_max, lat_max)
    features = []
    for kind, keep in (("coastline", lambda n: n == 1), ("border", lambda n: n >= 2)):
        lines = [part for i, n in counts.items() if keep(n) and len(arcs[i]) >= 2
                 for part in split_artificial_edges(arcs[i])]
        merged = linemerge(MultiLineString(lines))
        clipped = merged.intersection(clip)
        coords = _round_lines(clipped, ndigits)
        features.append({
            "type": "Feature",
            "properties": {"kind": kind},
            "geometry": mapping(MultiLineString(coords)) if coords else {"type": "MultiLineString",
                                                                         "coordinates": []},
        })
    # shapely's mapping gives tuples; make them lists for compact, stable JSON
    for f in features:
        f["geometry"]["coordinates"] = [[list(p) for p in ln] for ln in f["geometry"]["coordinates"]]
    return {
        "type": "FeatureCollection",
        "properties": {
            "source": "Natural Earth admin-0 countries (public domain) via npm world-atlas@2.0.2 (ISC)",
            "bbox_deg": [lon_min, lat_min, lon_max, lat_max],
            "rounding_deg": 10.0 ** -ndigits,
        },
        "features": features,
    }


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("topojson")
    ap.add_argument("out_geojson")
    ap.add_argument("lon_min", type=float)
    ap.add_argument("lat_min", type=float)
    ap.add_argument("lon_max", type=float)
    ap.add_argument("lat_max", type=float)
    ap.add_argument("--digits", type=int, default=4)
    a = ap.parse_args(argv)
    with open(a.topojson, encoding="utf-8") as fh:
        topo = json.load(fh)
    fc = convert(topo, a.lon_min, a.lat_min, a.lon_max, a.lat_max, a.digits)
    text = json.dumps(fc, separators=(",", ":"))
    with open(a.out_geojson, "w", encoding="utf-8") as fh:
        fh.write(text + "\n")
    n = {f["properties"]["kind"]: len(f["geometry"]["coordinates"]) for f in fc["features"]}
    print(f"wrote {a.out_geojson}: {len(text) / 1024:.0f} KB, lines per kind {n}")


if __name__ == "__main__":
    main()
