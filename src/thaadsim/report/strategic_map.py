"""Map of the strategic table: a north-polar azimuthal equidistant projection (pyproj).

In a north-polar azimuthal equidistant projection (``+proj=aeqd +lat_0=90``) every meridian is a
straight line through the pole and distances from the pole are true, so the great-circle routes from
north-east Asia to North America, which run close to the pole, are drawn nearly straight and
without the seam an equirectangular map puts in the Pacific. Outlines are the shipped Natural Earth
1:110m lines (:func:`thaadsim.report.basemap.load_outlines`); nothing downloads.

Routes are drawn as WGS84 geodesics between launch area and target (pyproj ``Geod``); a
min-energy trajectory's ground track on the rotating Earth bends away from it by tens to a few
hundred km. Each route is coloured by whether the forward-based TPY-2 at the site tracks it. The
TPY-2 circles are its instrumented ranges (600 km terminal mode, 2,000 km forward-based) as ground
distances, an upper bound on what it covers at any altitude.
"""

from __future__ import annotations

import io

import numpy as np

TRACKED = "#c0392b"
NOT_TRACKED = "#7f8c8d"


def _projector(lon0_deg: float):
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:4326", f"+proj=aeqd +lat_0=90 +lon_0={lon0_deg:.4f} +datum=WGS84 +units=km",
                                always_xy=True)


def _routes_xy(geod, tr, rows, n_points: int = 61):
    """(R, n_points, 2) projected points along each row's launch -> target geodesic, all at once:
    pyproj's inverse gives each route's azimuth and length, its forward problem the points at equal
    fractions of that length."""
    lon0, lat0 = rows["launch_lon_deg"].to_numpy(float), rows["launch_lat_deg"].to_numpy(float)
    lon1, lat1 = rows["target_lon_deg"].to_numpy(float), rows["target_lat_deg"].to_numpy(float)
    az, _, dist = geod.inv(lon0, lat0, lon1, lat1)
    frac = np.linspace(0.0, 1.0, n_points)[None, :]
    shape = (lon0.size, n_points)
    def spread(a):
        return np.broadcast_to(np.asarray(a, float)[:, None], shape).ravel()

    lon, lat, _ = geod.fwd(spread(lon0), spread(lat0), spread(az), (np.asarray(dist)[:, None] * frac).ravel())
    x, y = tr.transform(lon, lat)
    return np.stack([np.reshape(x, shape), np.reshape(y, shape)], axis=-1)


def strategic_figure(table, site, *, tm_range_km: float = 600.0, fbm_range_km: float = 2000.0,
                     title: str | None = None, min_lat_deg: float = 5.0):
    """A matplotlib Figure of the table: outlines, routes coloured by FBM track, site and circles.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`thaadsim.analysis.strategic.strategic_table` output.
    site : (lat_deg, lon_deg[, height_m])
    tm_range_km, fbm_range_km : float
        Radii of the two coverage circles (the catalog TPY-2 instrumented ranges).
    min_lat_deg : float
        Southern edge of the outlines drawn (the map is of the northern hemisphere).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection
    from pyproj import Geod

    from thaadsim.report.basemap import load_outlines

    geod = Geod(ellps="WGS84")
    lats = np.concatenate([table["launch_lat_deg"], table["target_lat_deg"], [site[0]]]).astype(float)
    lons = np.concatenate([table["launch_lon_deg"], table["target_lon_deg"], [site[1]]]).astype(float)
    # the meridian half-way round between the points points down: Asia on the left, America right
    ang = np.radians(lons)
    mid = np.degrees(np.arctan2(np.sin(ang).mean(), np.cos(ang).mean()))
    tr = _projector(float(mid))

    fig, ax = plt.subplots(figsize=(9, 9))
    ax.set_facecolor("#eef4fa")
    for kind, lines in load_outlines("world_110m").items():
        segs = []
        for ln in lines:
            keep = ln[:, 1] >= min_lat_deg
            if keep.sum() < 2:
                continue
            x, y = tr.transform(ln[:, 0], np.where(keep, ln[:, 1], np.nan))
            segs.append(np.column_stack([x, y]))
        ax.add_collection(LineCollection(segs, colors="#303030" if kind == "coastline" else "#b04040",
                                         linewidths=0.6 if kind == "coastline" else 0.4,
                                         linestyles="-" if kind == "coastline" else "--", zorder=1))

    # graticule: meridians are straight lines from the pole, parallels circles round it
    grid = [np.column_stack(tr.transform(np.full(50, lo), np.linspace(min_lat_deg, 90.0, 50)))
            for lo in range(-180, 180, 30)]
    grid += [np.column_stack(tr.transform(np.linspace(-180.0, 180.0, 181), np.full(181, la)))
             for la in (15, 30, 45, 60, 75)]
    ax.add_collection(LineCollection(grid, colors="#b8c4d0", linewidths=0.4, zorder=0.5))
    px, py = tr.transform([0.0], [90.0])
    ax.plot(px, py, "+", color="#5d6d7e", ms=8, zorder=2)
    ax.annotate("North Pole", (px[0], py[0]), xytext=(4, -10), textcoords="offset points", fontsize=7,
                color="#5d6d7e")

    flown = table["missile"] != ""
    tracked_rows = flown & (table["fbm_track_s"].to_numpy(float) > 0)
    routes = []
    for sel_mask, colour, style, label in ((~flown, NOT_TRACKED, ":", "out of every catalog missile's reach"),
                                           (flown & ~tracked_rows, NOT_TRACKED, "-",
                                            "route not tracked by the FBM TPY-2"),
                                           (tracked_rows, TRACKED, "-", "route tracked by the FBM TPY-2")):
        sel = table[sel_mask]
        tracked = colour == TRACKED
        segs = list(_routes_xy(geod, tr, sel)) if len(sel) else []
        if segs:
            routes.append(ax.add_collection(LineCollection(segs, colors=colour, linewidths=1.4 if tracked else 0.8,
                                                           linestyles=style, alpha=0.9 if tracked else 0.6,
                                                           zorder=3, label=f"{label} ({len(segs)})")))

    for radius, style, label in ((fbm_range_km, "-", f"TPY-2 forward-based, {fbm_range_km:,.0f} km"),
                                 (tm_range_km, ":", f"TPY-2 terminal mode, {tm_range_km:,.0f} km")):
        az = np.linspace(0.0, 360.0, 181)
        lon_c, lat_c, _ = geod.fwd(np.full(az.size, site[1]), np.full(az.size, site[0]), az,
                                   np.full(az.size, radius * 1e3))
        x, y = tr.transform(lon_c, lat_c)
        ax.plot(x, y, style, color="#1f618d", lw=1.2, zorder=4, label=label)

    la = table.drop_duplicates("launch_name")
    x, y = tr.transform(la["launch_lon_deg"].to_numpy(float), la["launch_lat_deg"].to_numpy(float))
    ax.plot(x, y, "v", color="#8e44ad", ms=6, zorder=5, label=f"launch areas ({len(la)})", ls="none")
    tg = table.drop_duplicates("target_name")
    x, y = tr.transform(tg["target_lon_deg"].to_numpy(float), tg["target_lat_deg"].to_numpy(float))
    ax.plot(x, y, "o", color="#27ae60", ms=5, zorder=5, label=f"targets ({len(tg)})", ls="none")
    x, y = tr.transform([site[1]], [site[0]])
    ax.plot(x, y, "^", color="#1f618d", ms=10, mec="k", zorder=6, label="THAAD and TPY-2 site", ls="none")
    anchors = []
    for frame in (la.rename(columns={"launch_name": "n", "launch_lat_deg": "la", "launch_lon_deg": "lo"}),
                  tg.rename(columns={"target_name": "n", "target_lat_deg": "la", "target_lon_deg": "lo"})):
        if len(frame) <= 12:        # names only where they stay readable
            x, y = tr.transform(frame["lo"].to_numpy(float), frame["la"].to_numpy(float))
            anchors += [(float(xi), float(yi), str(name).split(" (")[0]) for xi, yi, name in zip(x, y, frame["n"])]

    # frame the points, the circles and the pole (where the polar routes run), not the whole hemisphere
    xs, ys = tr.transform(np.append(lons, 0.0), np.append(lats, 90.0))
    pad = max(np.ptp(xs), np.ptp(ys), 2 * fbm_range_km) * 0.12 + fbm_range_km
    cx, cy = tr.transform([site[1]], [site[0]])
    x0, x1 = min(xs.min(), cx[0] - fbm_range_km) - pad * 0.3, max(xs.max(), cx[0] + fbm_range_km) + pad * 0.3
    y0, y1 = min(ys.min(), cy[0] - fbm_range_km) - pad * 0.3, max(ys.max(), cy[0] + fbm_range_km) + pad * 0.3
    half = 0.5 * max(x1 - x0, y1 - y0)
    xc, yc = 0.5 * (x0 + x1), 0.5 * (y0 + y1)
    ax.set_xlim(xc - half, xc + half)
    ax.set_ylim(yc - half, yc + half)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("north-polar azimuthal equidistant projection (km from the pole are true); routes drawn as great\n"
                  "circles; graticule every 30 deg of longitude and 15 deg of latitude; Natural Earth outlines", fontsize=8)
    ax.set_title(title or "Launch area x target routes and the TPY-2 at the site", fontsize=11)
    # the legend goes outside the map, below it, so it hides no route
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.05), ncol=2, fontsize=8, frameon=False)
    fig.tight_layout()
    # names where they cover no route, circle or marker (after the layout: placed in final pixels)
    from thaadsim.report.map_png import place_text_labels

    place_text_labels(ax, anchors, routes + [ln for ln in ax.lines if ln.get_linestyle() != "None"],
                      [ln for ln in ax.lines if ln.get_linestyle() == "None"])
    return fig


def strategic_png(table, site, **kw) -> bytes:
    """The map as PNG bytes (write them with :func:`thaadsim.io.atomic.write_many`)."""
    import matplotlib.pyplot as plt

    fig = strategic_figure(table, site, **kw)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def strategic_bytes(table, site, fmt: str = "png", **kw) -> bytes:
    """The map as PNG, SVG or PDF bytes (:func:`thaadsim.report.map_png.figure_bytes`)."""
    import matplotlib.pyplot as plt

    from thaadsim.report.map_png import figure_bytes

    fig = strategic_figure(table, site, **kw)
    try:
        return figure_bytes(fig, fmt)
    finally:
        plt.close(fig)
