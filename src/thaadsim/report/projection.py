"""The map projection a scenario's extent calls for, its graticule and its scale bar (pyproj, no download).

Both projections are *azimuthal*, centred on the middle of what the map shows [ref:snyder-1987]:

* **theatre** (everything within :data:`LONG_RANGE_KM` of the centre): oblique stereographic,
  ``+proj=stere``. Conformal: shapes and angles are right everywhere, and the scale factor is
  ``k = sec²(c/2)`` at angular distance ``c`` from the centre (Snyder eq. 21-4 with k0 = 1), so a
  1,000 km radius view is within 0.6 % of true scale at its edge.
* **long range** (an ICBM route, Guam from Korea): azimuthal equidistant, ``+proj=aeqd``.
  Distances and directions from the centre are true and every great circle through the centre is
  a straight line (Snyder ch. 25), so a polar route drawn from a centre near it looks straight,
  where an equirectangular map bent it into an arc over Canada.

Why not cartopy: it downloads Natural Earth at run time; the shipped outlines
(:mod:`thaadsim.report.basemap`) are projected here with pyproj instead.
Everything is plain data in, plain data out, so matplotlib and plotly maps share it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:   # annotations only
    from collections.abc import Iterable, Sequence

    from numpy.typing import ArrayLike

#: Beyond this distance (km) from the centre the map uses the azimuthal equidistant projection.
#: 2,500 km keeps the stereographic's scale error under 4 % (sec²(c/2) at c = 2,500 km) and puts
#: every Korean-peninsula and Taiwan-strait theatre in the conformal view.
LONG_RANGE_KM = 2500.0

EARTH_RADIUS_KM = 6371.0088


def _unit_vectors(lon_deg, lat_deg):
    lon, lat = np.radians(lon_deg), np.radians(lat_deg)
    return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=-1)


@dataclass(frozen=True)
class MapProjection:
    """An azimuthal projection centred at (``center_lat_deg``, ``center_lon_deg``), in km.

    ``kind`` is ``"theatre"`` (oblique stereographic) or ``"long-range"`` (azimuthal
    equidistant). :meth:`forward` and :meth:`inverse` take and give arrays.

    Parameters
    ----------
    kind : {"theatre", "long-range"}
        Oblique stereographic (conformal) or azimuthal equidistant [ref:snyder-1987].
    center_lat_deg, center_lon_deg : float
        The projection's centre, deg.

    Examples
    --------
    >>> from thaadsim.report.projection import MapProjection
    >>> p = MapProjection("long-range", 90.0, 0.0)
    >>> x, y = p.forward(0.0, 0.0)          # the equator, 90 deg from the pole: a quarter meridian away
    >>> round(float(abs(y)))
    10002
    """

    kind: str
    center_lat_deg: float
    center_lon_deg: float

    @property
    def proj4(self) -> str:
        """The PROJ string of the projection (WGS84 datum, km units)."""
        name = "stere" if self.kind == "theatre" else "aeqd"
        extra = " +k_0=1" if name == "stere" else ""
        return (f"+proj={name} +lat_0={self.center_lat_deg:.4f} +lon_0={self.center_lon_deg:.4f}{extra} "
                f"+datum=WGS84 +units=km +no_defs")

    @property
    def description(self) -> str:
        """The projection in words, for map captions."""
        where = f"centred on {self.center_lat_deg:.1f}°, {self.center_lon_deg:.1f}°"
        if self.kind == "theatre":
            return f"stereographic projection {where} (conformal)"
        return f"azimuthal equidistant projection {where} (distances from the centre are true)"

    @property
    def max_angle_deg(self) -> float:
        """Points farther than this (great-circle angle from the centre) are not drawn: the
        stereographic runs to infinity at the antipode, the equidistant's outer ring is the antipode
        itself (a line crossing near it would be drawn across the whole map)."""
        return 100.0 if self.kind == "theatre" else 160.0

    @cached_property
    def _to_xy(self):
        from pyproj import Transformer

        return Transformer.from_crs("EPSG:4326", self.proj4, always_xy=True)

    @cached_property
    def _to_lonlat(self):
        from pyproj import Transformer

        return Transformer.from_crs(self.proj4, "EPSG:4326", always_xy=True)

    def forward(self, lon_deg: ArrayLike, lat_deg: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """(x_km, y_km) of the points; NaN beyond :attr:`max_angle_deg` from the centre.

        Parameters
        ----------
        lon_deg, lat_deg : array_like
            Geodetic longitude and latitude, deg.

        Returns
        -------
        x_km, y_km : numpy.ndarray
            Projected coordinates, km (east and north of the centre).

        Notes
        -----
        Stereographic: ρ = 2 R k0 tan(c/2) at angular distance c (Snyder eq. 21-1 on the sphere);
        azimuthal equidistant: ρ = R c (Snyder eq. 25-1) [ref:snyder-1987]; pyproj evaluates the
        ellipsoidal forms.
        """
        lon, lat = np.asarray(lon_deg, float), np.asarray(lat_deg, float)
        x, y = self._to_xy.transform(lon, lat)
        far = self.angle_deg(lon, lat) > self.max_angle_deg
        x, y = np.where(far, np.nan, x), np.where(far, np.nan, y)
        return x, y

    def inverse(self, x_km: ArrayLike, y_km: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """(lon_deg, lat_deg) of projected points.

        Parameters
        ----------
        x_km, y_km : array_like
            Projected coordinates, km.

        Returns
        -------
        lon_deg, lat_deg : numpy.ndarray
            Geodetic longitude and latitude, deg.
        """
        return self._to_lonlat.transform(np.asarray(x_km, float), np.asarray(y_km, float))

    def angle_deg(self, lon_deg: ArrayLike, lat_deg: ArrayLike) -> np.ndarray:
        """Great-circle angle (deg) of each point from the centre (spherical, for clipping only).

        Parameters
        ----------
        lon_deg, lat_deg : array_like
            Longitude and latitude, deg.

        Returns
        -------
        numpy.ndarray
            c = arccos(u_centre · u_point), deg.
        """
        c = _unit_vectors(self.center_lon_deg, self.center_lat_deg)
        v = _unit_vectors(lon_deg, lat_deg)
        return np.degrees(np.arccos(np.clip(v @ c, -1.0, 1.0)))

    def lines(self, lines_lonlat: Iterable[np.ndarray]) -> list[np.ndarray]:
        """Project (n, 2) [lon, lat] lines; each is cut where it runs beyond :attr:`max_angle_deg`.

        Parameters
        ----------
        lines_lonlat : iterable of numpy.ndarray
            Lines as (n, 2) arrays of [lon_deg, lat_deg].

        Returns
        -------
        list of numpy.ndarray
            The visible pieces as (m, 2) arrays of [x_km, y_km], each at least 2 points long.
        """
        out = []
        for ln in lines_lonlat:
            x, y = self.forward(ln[:, 0], ln[:, 1])
            ok = np.isfinite(x) & np.isfinite(y)
            edges = np.flatnonzero(np.diff(np.r_[0, ok.astype(np.int8), 0]))
            out += [np.column_stack([x[a:b], y[a:b]]) for a, b in zip(edges[::2], edges[1::2]) if b - a >= 2]
        return out


def choose_projection(lon_deg: ArrayLike, lat_deg: ArrayLike, long_range_km: float = LONG_RANGE_KM) -> MapProjection:
    """The projection for a map of these points (every track point, site and area corner).

    Centre: the normalised mean of the points' unit vectors (the middle of the region on the
    sphere, right across the antimeridian and near the pole). Kind: ``"long-range"`` if any point
    is farther than ``long_range_km`` from that centre, else ``"theatre"``.

    Parameters
    ----------
    lon_deg, lat_deg : array_like
        The points the map must show, deg (NaN ignored).
    long_range_km : float
        Distance from the centre beyond which the map is long-range, km.

    Returns
    -------
    MapProjection

    Raises
    ------
    ThaadsimError
        When no point is finite.

    Examples
    --------
    >>> from thaadsim.report.projection import choose_projection
    >>> choose_projection([126.0, 129.0], [35.0, 37.0]).kind        # the Korean peninsula
    'theatre'
    >>> choose_projection([127.0, -77.0], [37.0, 38.9]).kind        # Korea to Washington
    'long-range'
    """
    lon, lat = np.ravel(np.asarray(lon_deg, float)), np.ravel(np.asarray(lat_deg, float))
    ok = np.isfinite(lon) & np.isfinite(lat)
    lon, lat = lon[ok], lat[ok]
    if lon.size == 0:
        from thaadsim.errors import ThaadsimError

        raise ThaadsimError("map", "nothing to draw: no finite point", "give at least one track, site or area")
    m = _unit_vectors(lon, lat).mean(axis=0)
    norm = float(np.linalg.norm(m))
    if norm < 1e-6:              # points spread evenly round the globe: any centre is as good
        m, norm = _unit_vectors(lon[0], lat[0]), 1.0
    m = m / norm
    clat = math.degrees(math.asin(float(np.clip(m[2], -1.0, 1.0))))
    clon = math.degrees(math.atan2(float(m[1]), float(m[0])))
    far_km = float(np.max(np.arccos(np.clip(_unit_vectors(lon, lat) @ m, -1.0, 1.0)))) * EARTH_RADIUS_KM
    kind = "long-range" if far_km > long_range_km else "theatre"
    return MapProjection(kind, round(clat, 4), round(clon, 4))


def view_extent(proj: MapProjection, lon_deg: ArrayLike, lat_deg: ArrayLike, *, margin_frac: float = 0.08,
                margin_km: float = 30.0, min_half_km: float = 100.0,
                aspect: float = 0.75) -> tuple[float, float, float, float]:
    """The map's view (x0, x1, y0, y1) in km on ``proj``'s plane: the points' bounding box grown by
    ``margin_frac`` of its size plus ``margin_km``, at least ``min_half_km`` either side, and at
    least ``aspect`` x its height wide (a tall region still leaves room for labels).

    Parameters
    ----------
    proj : MapProjection
        The map's projection.
    lon_deg, lat_deg : array_like
        The points the view must hold, deg.
    margin_frac : float
        Margin as a fraction of the box's half-size.
    margin_km : float
        Margin added on every side, km.
    min_half_km : float
        Smallest half-width and half-height, km.
    aspect : float
        Smallest width as a multiple of the height.

    Returns
    -------
    x0, x1, y0, y1 : float
        The view, km on the projection's plane.
    """
    x, y = proj.forward(lon_deg, lat_deg)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = np.asarray(x)[ok], np.asarray(y)[ok]
    cx, cy = 0.5 * (x.min() + x.max()), 0.5 * (y.min() + y.max())
    half_w = max(0.5 * np.ptp(x), 0.5 * np.ptp(y) * aspect, min_half_km) * (1 + margin_frac) + margin_km
    half_h = max(0.5 * np.ptp(y), min_half_km) * (1 + margin_frac) + margin_km
    return float(cx - half_w), float(cx + half_w), float(cy - half_h), float(cy + half_h)


def fit_projection(lon_deg: ArrayLike, lat_deg: ArrayLike, long_range_km: float = LONG_RANGE_KM
                   ) -> tuple[MapProjection, tuple[float, float, float, float]]:
    """The projection and view for a map of these points: ``(MapProjection, extent_km)``.

    :func:`choose_projection`, then re-centred on the middle of the resulting view (the points'
    projected bounding box), so the view is symmetric about the projection's centre: a plotly
    geo view, which is centred on its rotation, then frames the same region as map.png.

    Parameters
    ----------
    lon_deg, lat_deg : array_like
        The points the map must show, deg.
    long_range_km : float
        As :func:`choose_projection`.

    Returns
    -------
    proj : MapProjection
        The re-centred projection.
    extent_km : tuple of float
        Its view ``(x0, x1, y0, y1)``, km (:func:`view_extent`).
    """
    first = choose_projection(lon_deg, lat_deg, long_range_km)
    x0, x1, y0, y1 = view_extent(first, lon_deg, lat_deg)
    lon_c, lat_c = first.inverse(0.5 * (x0 + x1), 0.5 * (y0 + y1))
    proj = MapProjection(first.kind, round(float(lat_c), 4), round(float(lon_c), 4))
    return proj, view_extent(proj, lon_deg, lat_deg)


def nice_step(span: float, target_lines: int = 6,
              steps: Sequence[float] = (0.5, 1, 2, 5, 10, 15, 30, 45)) -> float:
    """The graticule step (deg): the smallest of ``steps`` giving at most ``target_lines`` lines.

    Parameters
    ----------
    span : float
        The view's extent in longitude or latitude, deg.
    target_lines : int
        Most lines wanted across the span.
    steps : sequence of float
        Candidate steps, deg, smallest first.

    Returns
    -------
    float
        The step, deg (the largest candidate when none is coarse enough).

    Examples
    --------
    >>> from thaadsim.report.projection import nice_step
    >>> nice_step(8.0), nice_step(100.0)
    (2.0, 30.0)
    """
    for s in steps:
        if span / s <= target_lines:
            return float(s)
    return float(steps[-1])


def graticule(proj: MapProjection, extent_km: Sequence[float],
              n: int = 181) -> list[tuple[str, float, np.ndarray]]:
    """Meridians and parallels that cross the view, projected.

    Parameters
    ----------
    proj : MapProjection
        The map's projection.
    extent_km : sequence of float
        ``(x0, x1, y0, y1)`` of the view, km.
    n : int
        Points per meridian (parallels get 4 n).

    Returns
    -------
    list of tuple
        ``(kind, value_deg, xy)`` with kind ``"meridian"`` or ``"parallel"`` and ``xy`` an (m, 2)
        array of x_km, y_km; the step is :func:`nice_step` of the view's span in degrees.
    """
    x0, x1, y0, y1 = extent_km
    gx, gy = np.meshgrid(np.linspace(x0, x1, 25), np.linspace(y0, y1, 25))
    lon, lat = proj.inverse(gx.ravel(), gy.ravel())
    ok = np.isfinite(lon) & np.isfinite(lat)
    lon, lat = np.asarray(lon)[ok], np.asarray(lat)[ok]
    ul = (lon - proj.center_lon_deg + 180.0) % 360.0 - 180.0 + proj.center_lon_deg   # unwrapped round the centre
    # with a pole in (or near) the view every meridian crosses it: draw them all
    px, py = proj.forward(0.0, 90.0 if proj.center_lat_deg >= 0 else -90.0)
    w, h = x1 - x0, y1 - y0
    pole_near = bool(np.isfinite(px) and x0 - w / 2 <= px <= x1 + w / 2 and y0 - h / 2 <= py <= y1 + h / 2)
    lon_step = nice_step(360.0 if pole_near else float(np.ptp(ul)))
    lat_step = nice_step(float(np.ptp(lat)))
    if pole_near:
        lo0, lo1 = -180.0, 180.0 - lon_step
    else:
        lo0 = math.floor(ul.min() / lon_step) * lon_step - lon_step
        lo1 = math.ceil(ul.max() / lon_step) * lon_step + lon_step
    la0 = max(math.floor(lat.min() / lat_step) * lat_step - lat_step, -90.0 + lat_step)
    la1 = min(math.ceil(lat.max() / lat_step) * lat_step + lat_step, 90.0 - lat_step)
    out = []
    merid_lats = np.linspace(max(la0, -89.5), min(la1 if not pole_near else 90.0, 89.5), n)
    for lo in np.arange(lo0, lo1 + 1e-9, lon_step):
        for piece in proj.lines([np.column_stack([np.full(n, lo), merid_lats])]):
            out.append(("meridian", float(lo), piece))
    par_lons = np.linspace(lo0, lo1 + (lon_step if pole_near else 0.0), 4 * n)
    for la in np.arange(la0, la1 + 1e-9, lat_step):
        for piece in proj.lines([np.column_stack([par_lons, np.full(par_lons.size, la)])]):
            out.append(("parallel", float(la), piece))
    return out


def edge_crossings(lines: Iterable[tuple[str, float, np.ndarray]], edge_value: float, axis: int, lo: float,
                   hi: float) -> list[tuple[float, str, float]]:
    """Where each graticule line crosses a map edge: ``[(position, kind, value_deg)]``.

    ``axis`` 1 means a horizontal edge ``y = edge_value`` (positions are x), 0 a vertical edge
    ``x = edge_value`` (positions are y); only crossings within [lo, hi] count.

    Parameters
    ----------
    lines : iterable of tuple
        :func:`graticule`'s ``(kind, value_deg, xy)`` lines.
    edge_value : float
        The edge's coordinate, km.
    axis : int
        1 for a horizontal edge, 0 for a vertical one.
    lo, hi : float
        The edge's extent along it, km.

    Returns
    -------
    list of tuple
        ``(position_km, kind, value_deg)`` per crossing, linearly interpolated between line points.
    """
    out = []
    for kind, value, xy in lines:
        a = xy[:, axis] - edge_value
        idx = np.flatnonzero(np.sign(a[:-1]) * np.sign(a[1:]) < 0)
        for i in idx:
            f = a[i] / (a[i] - a[i + 1])
            pos = xy[i, 1 - axis] + f * (xy[i + 1, 1 - axis] - xy[i, 1 - axis])
            if lo <= pos <= hi:
                out.append((float(pos), kind, value))
    return out


def degree_label(kind: str, value: float) -> str:
    """"128°E", "35°N", "0°", "180°".

    Parameters
    ----------
    kind : {"meridian", "parallel"}
        A line of longitude or of latitude.
    value : float
        Its longitude or latitude, deg (longitudes are wrapped to [-180, 180)).

    Returns
    -------
    str

    Examples
    --------
    >>> from thaadsim.report.projection import degree_label
    >>> degree_label("meridian", 232.0), degree_label("parallel", -35.0)
    ('128°W', '35°S')
    """
    v = float(value)
    if kind == "meridian":
        v = (v + 180.0) % 360.0 - 180.0
        return f"{abs(v):g}°" if v in (0.0, -180.0) else f"{abs(v):g}°{'E' if v > 0 else 'W'}"
    return "0°" if v == 0 else f"{abs(v):g}°{'N' if v > 0 else 'S'}"


def round_length_km(target_km: float) -> float:
    """A round length (1, 2 or 5 x 10^k km) no longer than ``target_km``.

    Parameters
    ----------
    target_km : float
        The longest acceptable length, km (at least 1 m is assumed).

    Returns
    -------
    float

    Examples
    --------
    >>> from thaadsim.report.projection import round_length_km
    >>> round_length_km(370.0), round_length_km(1999.0)
    (200.0, 1000.0)
    """
    target_km = max(float(target_km), 1e-3)
    p = 10 ** math.floor(math.log10(target_km))
    return float(max(s * p for s in (1, 2, 5) if s * p <= target_km * (1 + 1e-12)))


def scale_bar(proj: MapProjection, view_width_km: float, fraction: float = 0.2) -> tuple[float, float]:
    """A scale bar true at the map's centre: ``(length_km, projected_length_km)``.

    ``length_km`` is a round ground distance near ``fraction`` of the view's width; the
    projected length is that distance times the scale factor at the centre, measured on a 1 km
    WGS84 geodesic east from the centre (pyproj ``Geod``) and projected (1 for both projections
    here). Away from the centre the stereographic's scale grows (sec²(c/2)), so the bar is
    labelled as true at the centre.

    Parameters
    ----------
    proj : MapProjection
        The map's projection.
    view_width_km : float
        Width of the view on the projection's plane, km.
    fraction : float
        The bar's target length as a fraction of the view's width.

    Returns
    -------
    length_km, projected_length_km : float
        The ground distance the bar stands for and its length on the plane, km.
    """
    from pyproj import Geod

    length = round_length_km(view_width_km * fraction)
    step_km = 1.0     # short enough that the scale factor does not change along it
    lon1, lat1, _ = Geod(ellps="WGS84").fwd(proj.center_lon_deg, proj.center_lat_deg, 90.0, step_km * 1e3)
    x0, y0 = proj.forward(proj.center_lon_deg, proj.center_lat_deg)
    x1, y1 = proj.forward(lon1, lat1)
    return length, float(np.hypot(x1 - x0, y1 - y0)) / step_km * length
