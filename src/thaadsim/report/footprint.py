"""The files of a defended footprint map (:class:`thaadsim.analysis.footprint_map.FootprintMap`).

=====================  ==========================================================================
``footprint.json``     every figure (``summary()``) and the per-aimpoint grid (``grid_dict()``)
``footprint.geojson``  RFC 7946 regions: defended (P(kill) > 0), P(kill) >= 0.5 and >= 0.9
``footprint.png``      map: P(kill) per aimpoint over Natural Earth outlines, batteries, launch
                       point, the defended outline and a scale bar
``footprint.nc``       the grid as an xarray Dataset (NetCDF4/HDF5, dims y_km, x_km; units as
                       attributes)
=====================  ==========================================================================

All four are rendered in memory and written as one set (:func:`thaadsim.io.atomic.write_many`).
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np

FOOTPRINT_FILES = ("footprint.json", "footprint.geojson", "footprint.png", "footprint.nc")


def _scale_bar_km(width_km: float) -> float:
    """A round length (1, 2 or 5 x 10^k km) near a fifth of the map's width."""
    target = max(width_km / 5.0, 1e-3)
    p = 10 ** math.floor(math.log10(target))
    return max(s * p for s in (1, 2, 5) if s * p <= target)


def render_footprint_png(fm, *, width_in: float = 8.5, dpi: int = 110) -> bytes:
    """The footprint map as PNG bytes (matplotlib, no pyplot)."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    from thaadsim.analysis.footprint_map import FLOWN, place_km
    from thaadsim.report import basemap
    from thaadsim.report.map_png import basemap_polys

    # cell corners in lon/lat: the curved image of the km grid
    h = fm.cell_km / 2.0
    edges = np.concatenate([fm.x_km - h, [fm.x_km[-1] + h]])
    EX, EY = np.meshgrid(edges, np.concatenate([fm.y_km - h, [fm.y_km[-1] + h]]))
    clat, clon = place_km(fm.center_lat_deg, fm.center_lon_deg, EX, EY)
    lons = [clon.ravel(), [fm.launch_lon_deg], [b["lon_deg"] for b in fm.batteries]]
    lats = [clat.ravel(), [fm.launch_lat_deg], [b["lat_deg"] for b in fm.batteries]]
    box = basemap.view_box(np.concatenate(lons), np.concatenate(lats), margin_deg=0.8)
    center = box[4]
    aspect = (box[3] - box[1]) / max(box[2] - box[0], 1e-6) / max(math.cos(math.radians(0.5 * (box[1] + box[3]))), 0.2)
    fig = Figure(figsize=(width_in, min(max(width_in * aspect * 0.85 + 0.8, 4.0), 12.0)), dpi=dpi)
    ax = fig.add_subplot(1, 1, 1)
    basemap.draw_outlines(ax, box, zorder=3)
    X = basemap.wrap_lon(clon, center)
    shown = np.ma.masked_where((fm.status != FLOWN) | (fm.p_kill <= 0), fm.p_kill)
    unreach = np.ma.masked_where(fm.status == FLOWN, np.ones_like(fm.p_kill))
    ax.pcolormesh(X, clat, unreach, cmap="Greys", vmin=0, vmax=4, alpha=0.35, zorder=1, shading="flat")
    mesh = ax.pcolormesh(X, clat, shown, cmap="viridis", vmin=0.0, vmax=1.0, alpha=0.8, zorder=2, shading="flat")
    cb = fig.colorbar(mesh, ax=ax, shrink=0.75, pad=0.02)
    cb.set_label("P(kill) of the defence per aimpoint")
    # grid outline, defended outline, P >= 0.9 outline
    gx = np.concatenate([X[0, :], X[:, -1], X[-1, ::-1], X[::-1, 0]])
    gy = np.concatenate([clat[0, :], clat[:, -1], clat[-1, ::-1], clat[::-1, 0]])
    ax.plot(gx, gy, color="#555", linewidth=0.6, linestyle=":", zorder=4)
    handles = [Line2D([], [], color="#555", linestyle=":", label=f"grid {fm.grid_n}×{fm.grid_n}, "
                      f"{fm.span_km:g} km")]
    for geom, style, label in ((fm.defended_region(), dict(color="k", linewidth=1.3), "defended (P(kill) > 0)"),
                               (fm.level_region(0.9), dict(color="#d62728", linewidth=1.0, linestyle="--"),
                                "P(kill) ≥ 0.9")):
        for poly in basemap_polys(geom):
            for ring in [poly.exterior, *poly.interiors]:
                x, y = np.asarray(ring.coords).T
                ax.plot(basemap.wrap_lon(x, center), y, zorder=5, **style)
        if not geom.is_empty:
            handles.append(Line2D([], [], label=label, **style))
    for b in fm.batteries:
        ax.plot([basemap.wrap_lon(b["lon_deg"], center)], [b["lat_deg"]], "s", color="#1f77b4", markeredgecolor="k",
                markersize=8, zorder=6)
        ax.annotate(b["id"] if b["id"] == b["interceptor"] else f"{b['id']} ({b['interceptor']})", (basemap.wrap_lon(b["lon_deg"], center), b["lat_deg"]),
                    xytext=(6, -10), textcoords="offset points", fontsize=7, zorder=7,
                    bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.7))
    handles.append(Line2D([], [], marker="s", color="#1f77b4", markeredgecolor="k", linestyle="none", label="battery"))
    lx = float(basemap.wrap_lon(fm.launch_lon_deg, center))
    ax.plot([lx], [fm.launch_lat_deg], "v", color="#5a5a5a", markeredgecolor="k", markersize=8, zorder=6)
    ax.annotate(f"launch ({fm.missile_id})", (lx, fm.launch_lat_deg), xytext=(6, 4), textcoords="offset points",
                fontsize=7, zorder=7, bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.7))
    handles.append(Line2D([], [], marker="v", color="#5a5a5a", markeredgecolor="k", linestyle="none",
                          label="launch point"))
    # scale bar along the parallel near the bottom-left corner: its km converted at that latitude
    lon0, lat0, lon1, lat1, _ = box
    bar_lat = lat0 + 0.06 * (lat1 - lat0)
    km_per_deg_lon = 111.32 * math.cos(math.radians(bar_lat))
    width_km = (lon1 - lon0) * km_per_deg_lon
    bar_km = _scale_bar_km(width_km)
    x0 = lon0 + 0.05 * (lon1 - lon0)
    ax.plot([x0, x0 + bar_km / km_per_deg_lon], [bar_lat, bar_lat], color="k", linewidth=3, zorder=8,
            solid_capstyle="butt")
    ax.annotate(f"{bar_km:g} km", (x0, bar_lat), xytext=(0, 5), textcoords="offset points", fontsize=8, zorder=8)
    # below the map, outside it: inside (upper right) it covered aimpoints
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3, fontsize=7, frameon=False)
    ax.set_title(f"Defended footprint: {', '.join(fm.battery_ids)} vs {fm.missile_id} ({fm.shape}); "
                 f"{fm.defended_area_km2:,.0f} km²", fontsize=10)
    fig.text(0.99, 0.005, "outlines: Natural Earth (public domain); grey: aimpoints not flown (beyond reach)",
             ha="right", va="bottom", fontsize=6, color="#666")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight", pad_inches=0.15)
    return buf.getvalue()


def footprint_json(fm) -> dict:
    """What ``footprint.json`` holds: the summary figures and the per-aimpoint grid."""
    import thaadsim

    return {"thaadsim_version": getattr(thaadsim, "__version__", ""), **fm.summary(), "grid": fm.grid_dict()}


def write_footprint(fm, out_dir) -> dict[str, Path]:
    """Render the four files in memory and write them as one atomic set; returns name -> path."""
    from thaadsim.io import atomic

    files = {
        "footprint.json": atomic.json_text(footprint_json(fm), indent=None),
        "footprint.geojson": atomic.json_text(fm.geojson(), indent=None),
        "footprint.png": render_footprint_png(fm),
        "footprint.nc": bytes(fm.to_xarray().to_netcdf(engine="h5netcdf")),
    }
    out = Path(out_dir)
    written = atomic.write_many({out / name: data for name, data in files.items()})
    return {p.name: p for p in written.values()}
