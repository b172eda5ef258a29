"""The strategic table: what a THAAD battery and its TPY-2 in Korea see of ICBMs bound for the US.

The 2016 dispute [ref:uscc-2016, xinhua-cctv-thaad-2016, globaltimes-kristensen-2015]: China and Russia objected that a THAAD battery at Seongju
could see or shoot their ICBMs flying to the United States. :func:`strategic_table` answers that for
every launch-area x target pair at once:

* every pair is flown on a **minimum-energy** trajectory (rotating WGS84 Earth, J2, USSA-76
  atmosphere). Targeting (:func:`thaadsim.flight.fly_targeted`) runs once per missile over all of
  that missile's pairs, in the calling process: it solves many aimpoints from one launch point
  together (from solved neighbours, to 50 m), so a pair's solution depends on the other pairs of
  its call, and a call per chunk would make the table depend on the chunk size. Chunks of
  ``CHUNK_PAIRS`` pairs then fly the solved launch parameters
  (:func:`thaadsim.flight.fly_powered`, each row on its own) and assess them, through
  :func:`thaadsim.executors.executor`: the table is the same, bit for bit, for any chunk
  size and any number of workers;
* ``closest_approach_below_ceiling_km``: ground distance from the site to the missile's sub-point,
  over every part of the flight where the missile is at or below THAAD's ceiling (the catalog
  interceptor's maximum intercept altitude, 150 km), **any phase**: boost, midcourse and reentry all
  count, so the figure is never empty — it is at least the distance to the launch area's boost or
  the target's reentry. ``closest_approach_phase`` says which phase it is, and
  ``closest_approach_past_boost_km`` gives the same distance for midcourse and reentry only (THAAD
  intercepts only past boost). The minimum is taken on the continuous path, not only at samples
  (see :func:`closest_approach_below_ceiling`);
* ``engageable``: THAAD at the site, with its TPY-2 in terminal mode as fire-control radar
  (:func:`thaadsim.defense.engagement.engagement_windows`: reach table, altitude band, range, past
  boost, fire-control timeline, and the radar holding the threat at the intercept point);
* ``tm_track_s`` / ``fbm_track_s``: track time of a TPY-2 at the site in terminal mode
  (``tpy2-tm``, 600 km instrumented) and in forward-based mode (``tpy2-fbm``, 2,000 km), with each
  missile's catalog signature (booster RCS in boost, RV RCS after) (:func:`thaadsim.sensors.detect`);
* the question China raised — what the Korean radar adds to US homeland defense — as the launch
  window of a GBI battery in Alaska, without and with the forward-based TPY-2's track as a cue.

Missile choice (when ``missile`` is not given), in this order:

1. the launch area's ``missile`` column (a catalog id), if the table has one;
2. else, among the catalog **ICBMs of the launch area's ``country``** (column ``country``, e.g. PRC,
   Russia, DPRK; every catalog missile if there is no such column), the shortest-ranged one whose
   minimum-energy range (non-rotating Earth, the published-range convention) is at least
   ``REACH_MARGIN`` (1.05) times the pair's distance;
3. if targeting on the rotating Earth still finds that missile short (flying west costs range),
   the next longer-ranged candidate (the pairs found short by one missile are targeted together,
   in one more call, with the next); if none reaches, the row says so in ``note`` (``missile``
   empty, figures NaN) — it is a result, not an error.

Face azimuths (``face_az_deg`` None): the terminal-mode TPY-2 faces ``TM_DEFAULT_FACE_AZ_DEG``
(325°, north-west toward the DPRK: the regional mission it was deployed for, as in
``examples/seongju.toml``); the forward-based TPY-2 faces each pair's launch area (the
configuration China objected to). A given ``face_az_deg`` turns both.

GBI windows. The battery: catalog interceptor ``gbi`` at ``GBI_SITE``, a city-level point at Delta
Junction, Alaska (the GBIs are at Fort Greely, "near Delta Junction": Missile Defense Agency public
statements), with the default :class:`~thaadsim.defense.battery.FireControl` delays (estimates). Its
**own sensors** are an Upgraded Early Warning Radar (catalog ``uewr``, every number an estimate) at
``EW_SITE``, a city-level point at Anderson, Alaska, next to Clear Space Force Station whose radar
"detects ballistic missiles aimed at North America" (US Air Force, AFPN 2001); its face points at
each pair's launch area (generous to the own sensors: Clear's real faces are fixed). Satellites'
launch warnings are not counted as a fire-control detection: a GBI needs a radar track. With the
cue, the GBI's detection time is the earlier of its own radar's and the forward-based TPY-2's first
detection plus ``cue_latency_s``.

The window is::

    window = max(0, latest feasible launch - (t_detect + firm track + decision + prep))

where a launch time t - tau(r, h) is feasible when the threat sample at t is inside the GBI's
envelope (100-2,000 km altitude, 5,000 km range, past boost) and reachable in its fly-out time tau
(the reach table flown by the flight engine). The earliest launch is the one the detection allows;
the latest is the last that still meets the threat. 0 s means no shot.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from thaadsim.errors import ThaadsimError, require_range

if TYPE_CHECKING:   # annotations only
    import os
    from collections.abc import Sequence

    from numpy.typing import ArrayLike

    from thaadsim.defense.battery import Battery
    from thaadsim.flight.trajectory import TrajectoryBatch
    from thaadsim.sensors.signatures import Signature

#: THAAD's TPY-2 in terminal mode faces north-west toward the DPRK unless told otherwise (assumption,
#: as in examples/seongju.toml: Pyongyang bears ~322 deg from Seongju)
TM_DEFAULT_FACE_AZ_DEG = 325.0
#: the publicly announced THAAD site at Seongju [ref:koreatimes-seongju-2016, koreaherald-seongju-2016]: lat, lon (deg), ground height (m)
SEONGJU = (35.95, 128.18, 680.0)
#: GBI battery: Delta Junction, Alaska, city-level point (GBIs at Fort Greely "near Delta Junction", MDA)
GBI_SITE = (64.04, -145.73, 400.0)
#: GBI's own early-warning radar: Anderson, Alaska, city-level point next to Clear Space Force Station
EW_SITE = (64.34, -149.19, 170.0)
#: a missile is a candidate for a pair when its min-energy range is this many times the distance
REACH_MARGIN = 1.05
#: pairs per chunk sent to the executor: each chunk flies its pairs' solved launch parameters
#: (fly_powered, row-independent) and assesses them; targeting itself is never chunked
CHUNK_PAIRS = 400

PHASES = ("boost", "midcourse", "reentry")

COLUMNS = ["launch_name", "launch_lat_deg", "launch_lon_deg", "target_name", "target_lat_deg",
           "target_lon_deg", "missile", "range_km", "apogee_km", "flight_time_s",
           "closest_approach_below_ceiling_km", "closest_approach_alt_km", "closest_approach_phase",
           "closest_approach_past_boost_km",
           "engageable", "tm_face_az_deg", "tm_first_detection_s", "tm_track_s", "fbm_face_az_deg",
           "fbm_first_detection_s", "fbm_track_s", "ew_first_detection_s", "gbi_window_s_without_cue",
           "gbi_window_s_with_cue", "note"]


@dataclass(frozen=True)
class Place:
    """A named launch area or target (regional or city-level point), with the optional columns."""

    name: str
    lat_deg: float
    lon_deg: float
    country: str | None = None
    missile: str | None = None


# --- inputs -----------------------------------------------------------------------------------

def read_places_csv(path: str | os.PathLike[str], what: str = "places") -> list[Place]:
    """Read ``name,lat_deg,lon_deg[,country][,missile]`` (header required, UTF-8, any column order).

    Every mistake is a :class:`ThaadsimError` naming the file, its line and the field.

    Parameters
    ----------
    path : str or path-like
        The CSV file.
    what : str
        What the places are (``"launch areas"``, ``"targets"``), for messages.

    Returns
    -------
    list of Place

    Raises
    ------
    ThaadsimError
        For an unreadable file, a missing column, a number out of range, or no rows.
    """
    p = Path(path)
    if not p.is_file():
        problem = "is a directory" if p.is_dir() else "not found"
        raise ThaadsimError(f"{what} {path}", problem, "give a CSV file with a header name,lat_deg,lon_deg")
    try:
        with p.open(newline="", encoding="utf-8-sig") as fh:   # -sig: a spreadsheet's byte-order mark
            reader = csv.DictReader(fh)
            cols = [c.strip().lower() for c in (reader.fieldnames or [])]
            missing = [c for c in ("name", "lat_deg", "lon_deg") if c not in cols]
            if missing:
                raise ThaadsimError(f"{what} {path} line 1", f"no {missing[0]} column (columns: {cols})",
                                    "the header must name name,lat_deg,lon_deg (optional: country, missile)")
            out = []
            for row in reader:
                line = reader.line_num
                row = {str(k).strip().lower(): (v or "").strip() for k, v in row.items() if k is not None}
                where = f"{what} {path} line {line}"
                if not row.get("name"):
                    raise ThaadsimError(f"{where}: name", "is empty", "give every row a name")
                vals = {}
                for key, lim in (("lat_deg", 90.0), ("lon_deg", 360.0)):
                    text = row.get(key, "")
                    if not text:
                        raise ThaadsimError(f"{where}: {key}", "is empty", "give decimal degrees")
                    try:
                        vals[key] = float(text)
                    except ValueError:
                        raise ThaadsimError(f"{where}: {key}", f"{text!r} is not a number",
                                            "give decimal degrees") from None
                    require_range(f"{where}: {key}", vals[key], -lim, lim, " deg")
                mid = row.get("missile")
                if mid and mid not in _catalog_ids() and not Path(mid).is_file():
                    raise ThaadsimError(f"{where}: missile", f"unknown missile {mid!r}",
                                        f"use a catalog id ({', '.join(_catalog_ids())}) or leave it empty")
                out.append(Place(row["name"], vals["lat_deg"], ((vals["lon_deg"] + 180.0) % 360.0) - 180.0,
                                 row.get("country") or None, row.get("missile") or None))
    except UnicodeDecodeError:
        raise ThaadsimError(f"{what} {path}", "is not UTF-8 text", "save it as a plain UTF-8 CSV") from None
    if not out:
        raise ThaadsimError(f"{what} {path}", "has no rows", "add one place per line: name,lat_deg,lon_deg")
    return out


def _catalog_ids() -> list[str]:
    from thaadsim.flight import missile_ids

    return list(missile_ids())


def _places(items, what: str) -> list[Place]:
    """Accept Place objects, dicts, a DataFrame or a CSV path; check every number."""
    if isinstance(items, (str, Path)):
        return read_places_csv(items, what)
    if isinstance(items, pd.DataFrame):
        items = items.to_dict("records")
    out = []
    for k, it in enumerate(items):
        if not isinstance(it, Place):
            it = dict(it)
            try:
                it = Place(str(it["name"]), it["lat_deg"], it["lon_deg"], it.get("country") or None,
                           it.get("missile") or None)
            except KeyError as exc:
                raise ThaadsimError(f"{what}[{k}]", f"has no {exc.args[0]}",
                                    "give name, lat_deg, lon_deg") from None
        lat = require_range(f"{what}[{k}] ({it.name}).lat_deg", it.lat_deg, -90.0, 90.0, " deg")
        lon = require_range(f"{what}[{k}] ({it.name}).lon_deg", it.lon_deg, -360.0, 360.0, " deg")
        out.append(Place(it.name, lat, ((lon + 180.0) % 360.0) - 180.0, it.country, it.missile))
    if not out:
        raise ThaadsimError(what, "is empty", "give at least one place")
    return out


def _site(site) -> tuple[float, float, float]:
    s = tuple(site)
    if len(s) not in (2, 3):
        raise ThaadsimError("site", f"{site!r} is not (lat, lon[, height_m])", "e.g. (35.95, 128.18, 680)")
    lat = require_range("site lat_deg", s[0], -90.0, 90.0, " deg")
    lon = require_range("site lon_deg", s[1], -360.0, 360.0, " deg")
    h = require_range("site height_m", s[2] if len(s) == 3 else 0.0, -500.0, 9000.0, " m")
    return lat, ((lon + 180.0) % 360.0) - 180.0, h


# --- missile choice ---------------------------------------------------------------------------

def _catalog_reach() -> list[tuple[str, str, str, float]]:
    """(id, country, class, min-energy range km) of every catalog missile, shortest first."""
    from thaadsim.flight import load_missile, max_range_km, missile_ids

    rows = []
    for mid in missile_ids():
        m = load_missile(mid)
        meta = getattr(m, "meta", {}) or {}
        rows.append((mid, str(meta.get("country", "")), str(meta.get("class", "")), max_range_km(m)))
    return sorted(rows, key=lambda r: r[3])


@lru_cache(maxsize=64)
def _reach_km(missile_id: str) -> float:
    """Min-energy range (km, non-rotating Earth) of a catalog missile or missile file."""
    from thaadsim.flight import load_missile, max_range_km

    return max_range_km(load_missile(missile_id))


def candidate_missiles(place: Place, distance_km: float,
                       reach: Sequence[tuple[str, str, str, float]] | None = None) -> list[str]:
    """Catalog ids that may fly ``distance_km`` from ``place``, in the order they are tried.

    See the module notes: the place's own ``missile``; else the ICBMs of its ``country`` (every
    catalog missile when no country is given) whose min-energy range is at least ``REACH_MARGIN``
    times the distance, shortest-ranged first.

    Parameters
    ----------
    place : Place
        The launch area.
    distance_km : float
        Geodesic distance to the target, km.
    reach : sequence of tuple or None
        ``(id, country, class, min-energy range km)`` rows, shortest range first; ``None``: the catalog's.

    Returns
    -------
    list of str

    Raises
    ------
    ThaadsimError
        For a country with no catalog ICBM.
    """
    if place.missile:
        return [place.missile]
    reach = _catalog_reach() if reach is None else reach
    if place.country:
        pool = [r for r in reach if r[1].lower() == place.country.lower() and r[2].upper() == "ICBM"]
        if not pool:
            countries = sorted({r[1] for r in reach if r[2].upper() == "ICBM"})
            raise ThaadsimError(f"launch area {place.name!r}: country", f"no catalog ICBM of {place.country!r}",
                                f"use one of {', '.join(countries)}, or give a missile column")
    else:
        pool = reach
    return [r[0] for r in pool if r[3] >= REACH_MARGIN * distance_km]


# --- closest approach -------------------------------------------------------------------------

def _nvec(lat_deg, lon_deg):
    """Unit normal to the WGS84 ellipsoid (the 'n-vector') at geodetic lat/lon; shape (..., 3)."""
    la, lo = np.radians(lat_deg), np.radians(lon_deg)
    return np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=-1)


def closest_approach_below_ceiling(batch: TrajectoryBatch, site_lat_deg: float, site_lon_deg: float,
                                   ceiling_m: ArrayLike, min_phase: int = 0
                                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Nearest approach of each trajectory's sub-point to a site while at or below ``ceiling_m``.

    Between samples i and i+1 the sub-point moves along the great circle of the two samples'
    n-vectors and the altitude is linear in the fraction f of the step. The part of a step at or
    below the ceiling is an interval [f_lo, f_hi] (where the altitude line crosses the ceiling);
    on it the angular distance to the site s is smallest at the projection of s on the arc,
    f* = atan2(s.t, s.a) / theta_ab (a, b the endpoints' n-vectors, t the unit tangent at a,
    theta_ab the arc), clipped to [f_lo, f_hi] (distance along an arc shorter than a half circle is
    unimodal). So a coarse sampling cannot skip an overflight between samples, nor a ceiling
    crossing. The winning point's distance is then the WGS84 geodesic (pyproj) from the site.

    ``min_phase`` = 1 leaves out the boost (steps that end in boost), e.g. to ask how near the
    missile passes where THAAD, which intercepts only past boost, could meet it.

    Returns (distance_km, alt_km, phase index, t_s), each (N,); NaN (phase -1) where no part of
    the flight (of those phases) is at or below the ceiling.

    Parameters
    ----------
    batch : TrajectoryBatch
        The flown trajectories.
    site_lat_deg, site_lon_deg : float
        The site, deg.
    ceiling_m : array_like
        Altitude ceiling, m (scalar or per row).
    min_phase : int
        Lowest flight phase counted (0 boost, 1 midcourse, 2 reentry).

    Returns
    -------
    distance_km, alt_km, phase, t_s : numpy.ndarray
        As above; distances are WGS84 geodesics [ref:karney-2013].
    """
    from thaadsim.earth.geodesy import geodesic_inverse

    valid = np.asarray(batch.valid, bool)
    alt = np.where(valid, np.asarray(batch.alt_m, float), np.nan)
    nv = _nvec(np.asarray(batch.lat_deg, float), np.asarray(batch.lon_deg, float))
    s = _nvec(site_lat_deg, site_lon_deg)
    n, T = alt.shape
    if T < 2:
        raise ThaadsimError("batch", "has fewer than 2 samples per trajectory", "fly with a sample_dt_s")
    a, b = nv[:, :-1], nv[:, 1:]
    h0, h1 = alt[:, :-1], alt[:, 1:]
    seg_ok = valid[:, :-1] & valid[:, 1:]
    if min_phase > 0:
        seg_ok &= np.asarray(batch.phase)[:, 1:] >= min_phase
    c = float(ceiling_m)
    with np.errstate(invalid="ignore", divide="ignore"):
        below0, below1 = h0 <= c, h1 <= c
        cross = np.where(h1 != h0, (c - h0) / (h1 - h0), 0.0)
        f_lo = np.where(below0, 0.0, np.where(below1, cross, np.nan))
        f_hi = np.where(below1, 1.0, np.where(below0, cross, np.nan))
    seg_ok &= below0 | below1
    ab = np.clip(np.einsum("ijk,ijk->ij", a, b), -1.0, 1.0)
    tang = b - ab[..., None] * a
    tn = np.linalg.norm(tang, axis=-1)
    theta = np.arctan2(tn, ab)
    tang = np.where(tn[..., None] > 1e-15, tang / np.maximum(tn, 1e-300)[..., None], 0.0)
    phi = np.arctan2(np.einsum("ijk,k->ij", tang, s), np.einsum("ijk,k->ij", a, s))
    with np.errstate(invalid="ignore", divide="ignore"):
        f = np.where(theta > 1e-15, phi / theta, 0.0)
    f = np.clip(np.nan_to_num(f), np.nan_to_num(f_lo), np.nan_to_num(f_hi, nan=0.0))
    q = a * np.cos(f * theta)[..., None] + tang * np.sin(f * theta)[..., None]
    ang = np.arctan2(np.linalg.norm(np.cross(q, s), axis=-1), np.einsum("ijk,k->ij", q, s))
    ang = np.where(seg_ok, ang, np.inf)
    rows = np.arange(n)
    k = np.argmin(ang, axis=1)
    found = np.isfinite(ang[rows, k])
    qk, fk = q[rows, k], f[rows, k]
    lat_q = np.degrees(np.arctan2(qk[:, 2], np.hypot(qk[:, 0], qk[:, 1])))
    lon_q = np.degrees(np.arctan2(qk[:, 1], qk[:, 0]))
    dist_m, _ = geodesic_inverse(np.full(n, float(site_lat_deg)), np.full(n, float(site_lon_deg)),
                                 np.where(found, lat_q, 0.0), np.where(found, lon_q, 0.0))
    t = np.asarray(batch.t_s, float)
    alt_at = h0[rows, k] + fk * (h1[rows, k] - h0[rows, k])
    t_at = t[rows, k] + fk * (t[rows, k + 1] - t[rows, k])
    ph = np.asarray(batch.phase)
    phase = np.where(fk < 0.5, ph[rows, k], ph[rows, k + 1]).astype(int)
    return (np.where(found, dist_m / 1e3, np.nan), np.where(found, alt_at / 1e3, np.nan),
            np.where(found, phase, -1), np.where(found, t_at, np.nan))


# --- the assessment of one chunk (module level: the spawn executor pickles it) ------------------

def gbi_window_s(batch: TrajectoryBatch, battery: Battery, detect_s: ArrayLike) -> np.ndarray:
    """(N,) seconds between the earliest launch the detection allows and the latest feasible launch.

    ``max(0, max over feasible samples of (t - tau) - (detect_s + detect-to-launch delays))``; 0 when
    the threat is never detected or never inside the interceptor's reach in time. ``battery`` has no
    radar of its own (it fires on ``detect_s``), so no track-at-intercept condition applies.

    Parameters
    ----------
    batch : TrajectoryBatch
        The N threats.
    battery : Battery
        The GBI battery.
    detect_s : array_like, shape (N,)
        First detection time of each threat, s since its launch (NaN: never).

    Returns
    -------
    numpy.ndarray, shape (N,)
        The window, s.
    """
    from thaadsim.defense.engagement import engagement_windows

    det = np.asarray(detect_s, float)
    ew = engagement_windows(batch, [battery], detect_s=det, require_track=False)
    launch = ew.geometry[0].launch_s
    latest = np.max(np.where(np.isfinite(launch), launch, -np.inf), axis=1)
    earliest = det + battery.fire_control.detect_to_launch_s
    w = latest - earliest
    return np.where(np.isfinite(w) & (w > 0), w, 0.0)


def assess_batch(batch: TrajectoryBatch, site: tuple[float, float, float], *,
                 face_az_deg: float | None = None, gbi_site: tuple[float, float, float] = GBI_SITE,
                 ew_site: tuple[float, float, float] = EW_SITE, cue_latency_s: float = 0.0,
                 signatures: Sequence[Signature] | None = None) -> pd.DataFrame:
    """Every column of the strategic table that depends on the flown trajectories (one row each).

    ``signatures``: one :class:`~thaadsim.sensors.signatures.Signature` per row (default: each
    row's catalog missile's).

    Parameters
    ----------
    batch : TrajectoryBatch
        The flown launch-area x target pairs.
    site : tuple of float
        (lat_deg, lon_deg, height_m) of the THAAD battery and its TPY-2.
    face_az_deg : float or None
        Both TPY-2 modes' face azimuth; ``None``: as :func:`strategic_table`.
    gbi_site, ew_site : tuple of float
        (lat, lon, height_m) of the GBI battery and of its early-warning radar.
    cue_latency_s : float
        Delay from the forward-based TPY-2's detection to the GBI fire control, s.
    signatures : sequence of Signature or None
        Radar signature per row.

    Returns
    -------
    pandas.DataFrame
    """
    from thaadsim.analysis.detections import rcs_array
    from thaadsim.defense.battery import Battery
    from thaadsim.defense.detection import azimuth_deg
    from thaadsim.defense.engagement import engagement_windows
    from thaadsim.defense.interceptors import load_interceptor
    from thaadsim.flight import load_missile
    from thaadsim.sensors.detection import detect
    from thaadsim.sensors.radar import load_radar
    from thaadsim.sensors.signatures import signature_for

    lat, lon, h = site
    n = len(batch)
    if signatures is None:
        sigs = {mid: signature_for(load_missile(mid)) for mid in set(map(str, batch.missile_id))}
        signatures = [sigs[str(m)] for m in batch.missile_id]
    rcs = rcs_array(batch, signatures)
    thaad = load_interceptor("thaad")
    ca_km, ca_alt_km, ca_phase, _ = closest_approach_below_ceiling(batch, lat, lon, thaad.max_alt_m)
    ca_pb_km = closest_approach_below_ceiling(batch, lat, lon, thaad.max_alt_m, min_phase=1)[0]

    toward_launch = np.round(azimuth_deg(lat, lon, batch.launch_lat_deg, batch.launch_lon_deg), 1) % 360.0
    tm_face = np.full(n, TM_DEFAULT_FACE_AZ_DEG if face_az_deg is None else float(face_az_deg) % 360.0)
    fbm_face = toward_launch if face_az_deg is None else tm_face.copy()

    def by_face(radar, faces, bat=None):
        """detect() once per distinct face azimuth (a table has a few launch areas)."""
        first = np.full(n, np.nan)
        track = np.zeros(n)
        for az in np.unique(faces):
            rows = np.flatnonzero(faces == az)
            sub = batch if rows.size == n else batch[rows]
            d = detect(sub, radar.place(*bat, face_az_deg=float(az)), rcs_m2=rcs[rows])
            first[rows] = d.first_detection_s
            track[rows] = d.track_time_s
        return first, track

    tm_radar, fbm_radar = load_radar("tpy2-tm"), load_radar("tpy2-fbm")
    tm_first, tm_track = by_face(tm_radar, tm_face, (lat, lon, h))
    fbm_first, fbm_track = by_face(fbm_radar, fbm_face, (lat, lon, h))

    placed_tm = tm_radar.place(lat, lon, h, face_az_deg=TM_DEFAULT_FACE_AZ_DEG)
    battery = Battery(id="THAAD", interceptor=thaad, lat_deg=lat, lon_deg=lon, alt_m=h, radar=placed_tm)
    engageable = engagement_windows(batch, [battery], detect_s=tm_first, face_az_deg=tm_face,
                                    rcs_m2=rcs).engageable[:, 0]

    ew_face = np.round(azimuth_deg(ew_site[0], ew_site[1], batch.launch_lat_deg, batch.launch_lon_deg), 1) % 360.0
    ew_first, _ = by_face(load_radar("uewr"), ew_face, tuple(ew_site))
    gbi = Battery(id="GBI", interceptor="gbi", lat_deg=gbi_site[0], lon_deg=gbi_site[1], alt_m=gbi_site[2])
    cued = np.fmin(ew_first, fbm_first + float(cue_latency_s))
    w0 = gbi_window_s(batch, gbi, ew_first)
    w1 = gbi_window_s(batch, gbi, cued)

    return pd.DataFrame({
        "missile": [str(m) for m in batch.missile_id],
        "range_km": batch.range_km, "apogee_km": batch.apogee_km, "flight_time_s": batch.flight_time_s,
        "closest_approach_below_ceiling_km": ca_km, "closest_approach_alt_km": ca_alt_km,
        "closest_approach_phase": [PHASES[p] if p >= 0 else "" for p in ca_phase],
        "closest_approach_past_boost_km": ca_pb_km,
        "engageable": engageable.astype(bool),
        "tm_face_az_deg": tm_face, "tm_first_detection_s": tm_first, "tm_track_s": tm_track,
        "fbm_face_az_deg": fbm_face, "fbm_first_detection_s": fbm_first, "fbm_track_s": fbm_track,
        "ew_first_detection_s": ew_first,
        "gbi_window_s_without_cue": w0, "gbi_window_s_with_cue": w1,
    })


def _chunk(missile_ids, lat0, lon0, azimuth_deg, kick_deg, cutoff_s, impact_s, site, settings) -> pd.DataFrame:
    """Fly one chunk of pairs from their solved launch parameters and assess them.

    ``missile_ids`` (one per pair) and the launch parameters come from the parent's targeting;
    :func:`~thaadsim.flight.fly_powered` integrates each row on its own, so a pair's samples (and
    so its row of the table) do not depend on which chunk it is in. ``impact_s`` (targeting's
    flight times) sizes the sample arrays without a summary pass.
    """
    from thaadsim.flight import fly_powered, load_missile

    distinct = sorted(set(missile_ids))
    index = np.array([distinct.index(m) for m in missile_ids], np.int64)
    batch = fly_powered([load_missile(m) for m in distinct], index, lat0, lon0, azimuth_deg, kick_deg,
                        cutoff_s, sample_dt_s=settings["sample_dt_s"], impact_time_hint_s=impact_s)
    return assess_batch(batch, site, face_az_deg=settings["face_az_deg"], gbi_site=settings["gbi_site"],
                        ew_site=settings["ew_site"], cue_latency_s=settings["cue_latency_s"])


def _target_once(cands, lat0, lon0, lat1, lon1):
    """Solve every pair's min-energy shot, one :func:`fly_targeted` call per missile and round.

    Round r sends each pending pair to its r-th candidate missile; all pairs of one missile go in
    one call, in ascending pair order, identical flights (same launch point and aimpoint) once.
    Which pairs share a call thus depends only on the problem, never on chunks or workers, which
    is what keeps the table chunk-independent (targeting seeds many aimpoints from one launch
    point from each other, to within its 50 m tolerance). Pairs the missile cannot hit
    (``targeting_ok`` False) go to their next candidate in the next round.

    Returns (missile id per pair, "" if none; azimuth, kick, cut-off, impact time per pair, NaN if
    none; the pairs every candidate missed).
    """
    from thaadsim.flight import fly_targeted

    n = len(cands)
    chosen = np.full(n, "", object)
    azimuth, kick, cut, impact = (np.full(n, np.nan) for _ in range(4))
    attempt = np.zeros(n, int)
    missed: list[int] = []
    pending = np.array([k for k in range(n) if cands[k]], int)
    while pending.size:
        groups: dict[str, list[int]] = {}
        for k in pending:
            groups.setdefault(cands[k][attempt[k]], []).append(int(k))
        retry: list[int] = []
        for mid, rows in sorted(groups.items()):
            rows = np.asarray(rows)
            _, first, inverse = np.unique(np.stack([lat0[rows], lon0[rows], lat1[rows], lon1[rows]], 1),
                                          axis=0, return_index=True, return_inverse=True)
            one = rows[np.sort(first)]            # one pair per distinct flight, in pair order
            where = np.argsort(np.argsort(first))  # distinct flight (sorted) -> its place in ``one``
            b = fly_targeted(mid, lat0[one], lon0[one], lat1[one], lon1[one], shape="min-energy",
                             sample_dt_s=None, errors="mark")
            j = where[np.ravel(inverse)]          # each row's place in ``one``
            ok = np.asarray(b.targeting_ok, bool)[j]
            good = rows[ok]
            chosen[good] = mid
            azimuth[good] = np.asarray(b.launch_azimuth_deg, float)[j[ok]]
            kick[good] = np.asarray(b.kick_deg, float)[j[ok]]
            cut[good] = np.asarray(b.cutoff_s, float)[j[ok]]
            impact[good] = np.asarray(b.impact_s, float)[j[ok]]
            for k in rows[~ok]:
                attempt[k] += 1
                (retry if attempt[k] < len(cands[k]) else missed).append(int(k))
        pending = np.asarray(sorted(retry), int)
    return chosen, azimuth, kick, cut, impact, sorted(missed)


# --- the table ----------------------------------------------------------------------------------

def strategic_table(site: Sequence[float] = SEONGJU, launch_areas: Any = (), targets: Any = (), *,
                    missile: str | None = None, face_az_deg: float | None = None, sample_dt_s: float = 5.0,
                    gbi_site: Sequence[float] = GBI_SITE, ew_site: Sequence[float] = EW_SITE,
                    cue_latency_s: float = 0.0, workers: int | None = 1,
                    scheduler: str | None = None, chunk_pairs: int = CHUNK_PAIRS) -> pd.DataFrame:
    """One row per launch-area x target pair (launch-area major), the columns of :data:`COLUMNS`.

    Parameters
    ----------
    site : (lat_deg, lon_deg[, height_m])
        The THAAD battery and its TPY-2 (default Seongju, 35.95 N 128.18 E, 680 m).
    launch_areas, targets : sequence of :class:`Place` / dicts, a DataFrame, or a CSV path
        ``name``, ``lat_deg``, ``lon_deg``; launch areas may add ``country`` and ``missile``.
    missile : str or None
        Catalog id for every pair; None chooses per pair (module notes).
    face_az_deg : float or None
        Both TPY-2 modes' face azimuth; None: terminal mode 325°, forward-based toward the launch area.
    sample_dt_s : float
        Trajectory sample spacing; detections and windows are good to about one spacing.
    gbi_site, ew_site : (lat, lon, height_m)
        The GBI battery and its own early-warning radar (defaults: Delta Junction, Anderson, Alaska).
    cue_latency_s : float
        Delay from the forward-based TPY-2's first detection to the GBI fire control's receiving it.
    workers, scheduler, chunk_pairs
        Fan-out through :func:`thaadsim.executors.executor`, ``chunk_pairs`` pairs per chunk.
        The answer does not depend on them, bit for bit: targeting runs once per missile over all
        its pairs in this process, and each chunk flies the solved launch parameters row by row.

    Returns
    -------
    pandas.DataFrame
        Unreachable pairs keep their row, with ``missile`` empty, NaN figures and a ``note``.
    """
    from thaadsim.earth.geodesy import geodesic_inverse
    from thaadsim.executors import check_workers, executor

    site = _site(site)
    gbi_site, ew_site = _site(gbi_site), _site(ew_site)
    launches = _places(launch_areas, "launch_areas")
    tgts = _places(targets, "targets")
    require_range("sample_dt_s", sample_dt_s, 0.5, 30.0, " s")
    require_range("cue_latency_s", cue_latency_s, 0.0, 600.0, " s")
    if face_az_deg is not None:
        require_range("face_az_deg", face_az_deg, -360.0, 360.0, " deg")
    if isinstance(chunk_pairs, bool) or not isinstance(chunk_pairs, (int, np.integer)) or chunk_pairs < 1:
        raise ThaadsimError("chunk_pairs", f"{chunk_pairs!r} is not a whole number >= 1", "e.g. 400")
    check_workers(workers)
    named = {missile} if missile is not None else {p.missile for p in launches if p.missile}
    for mid in sorted(named):   # an unknown id is one clear error before any work
        try:
            _reach_km(mid)
        except ThaadsimError as exc:
            where = "missile" if missile is not None else \
                f"launch_areas ({next(p.name for p in launches if p.missile == mid)}).missile"
            raise ThaadsimError(where, exc.problem, exc.fix) from None

    li = np.repeat(np.arange(len(launches)), len(tgts))
    ti = np.tile(np.arange(len(tgts)), len(launches))
    lat0 = np.array([launches[i].lat_deg for i in li]); lon0 = np.array([launches[i].lon_deg for i in li])
    lat1 = np.array([tgts[i].lat_deg for i in ti]); lon1 = np.array([tgts[i].lon_deg for i in ti])
    npairs = li.size
    dist_km = geodesic_inverse(lat0, lon0, lat1, lon1)[0] / 1e3
    if np.any(dist_km < 1.0):
        k = int(np.argmax(dist_km < 1.0))
        raise ThaadsimError("targets", f"{tgts[ti[k]].name!r} is {dist_km[k]:.2f} km from launch area "
                            f"{launches[li[k]].name!r}", "a target must be at least 1 km from the launch area")
    reach = None if missile is not None or all(p.missile for p in launches) else _catalog_reach()
    cands = []
    for k in range(npairs):       # choosing is bookkeeping per pair, not physics: no flight here
        mid = missile or launches[li[k]].missile
        if mid:
            # a named missile is flown wherever it may reach: targeting itself refuses beyond
            # 1.1 x its non-rotating range, so such pairs are not sent to it at all
            cands.append([mid] if dist_km[k] <= 1.1 * _reach_km(mid) else [])
        else:
            cands.append(candidate_missiles(launches[li[k]], float(dist_km[k]), reach))
    settings = dict(sample_dt_s=float(sample_dt_s), face_az_deg=face_az_deg, gbi_site=gbi_site,
                    ew_site=ew_site, cue_latency_s=float(cue_latency_s))
    notes = {k: (f"beyond the {missile or launches[li[k]].missile}'s reach" if (missile or launches[li[k]].missile)
                 else "no catalog missile reaches this target from this launch area with a 5 % margin")
             for k in range(npairs) if not cands[k]}
    chosen, azimuth, kick, cut, impact, missed = _target_once(cands, lat0, lon0, lat1, lon1)
    for k in missed:
        notes[k] = (f"targeting on the rotating Earth found no min-energy shot with "
                    f"{', '.join(cands[k])} (out of reach)")
    solved = np.flatnonzero(chosen != "")
    results = []
    with executor(workers, scheduler) as ex:
        futures = []
        for start in range(0, solved.size, chunk_pairs):
            part = solved[start:start + chunk_pairs]
            futures.append((part, ex.submit(_chunk, list(chosen[part]), lat0[part], lon0[part], azimuth[part],
                                            kick[part], cut[part], impact[part], site, settings)))
        for part, fut in futures:
            df = fut.result()
            df.insert(0, "_pos", part)
            results.append(df)
    flown = pd.concat(results, ignore_index=True) if results else pd.DataFrame(columns=["_pos"])
    table = pd.DataFrame({"_pos": np.arange(npairs)}).merge(flown, on="_pos", how="left")
    table.insert(1, "launch_name", [launches[i].name for i in li])
    table.insert(2, "launch_lat_deg", lat0)
    table.insert(3, "launch_lon_deg", lon0)
    table.insert(4, "target_name", [tgts[i].name for i in ti])
    table.insert(5, "target_lat_deg", lat1)
    table.insert(6, "target_lon_deg", lon1)
    for c in COLUMNS:
        if c not in table:          # no pair flown at all: the columns still exist, empty
            table[c] = np.nan
    for c in ("missile", "closest_approach_phase"):
        table[c] = [v if isinstance(v, str) else "" for v in table[c]]
    table["engageable"] = [v is True or v == True for v in table["engageable"]]  # noqa: E712 (numpy bools)
    for c in ("gbi_window_s_without_cue", "gbi_window_s_with_cue", "tm_track_s", "fbm_track_s"):
        table[c] = table[c].astype(float)
    table["note"] = [notes.get(k, "") for k in range(npairs)]
    return table[COLUMNS].reset_index(drop=True)


def strategic_fractions(table: pd.DataFrame) -> dict:
    """Fractions over the flown pairs (pairs no missile reaches are counted apart).

    ``engageable`` (THAAD at the site), ``tracked_tm`` / ``tracked_fbm`` (track time > 0),
    ``cue_gains_gbi_window`` (the FBM cue lengthens the GBI window), ``gbi_window_without_cue`` /
    ``gbi_window_with_cue`` (a window > 0 at all), and the mean window gain in seconds.

    Parameters
    ----------
    table : pandas.DataFrame
        A :func:`strategic_table` result.

    Returns
    -------
    dict
    """
    flown = table[table["missile"] != ""]
    n = len(flown)

    def frac(mask):
        return float(np.mean(mask)) if n else float("nan")

    w0 = flown["gbi_window_s_without_cue"].to_numpy(float)
    w1 = flown["gbi_window_s_with_cue"].to_numpy(float)
    return {
        "pairs": int(len(table)), "pairs_flown": int(n), "pairs_unreachable": int(len(table) - n),
        "engageable": frac(flown["engageable"].to_numpy(bool)),
        "tracked_tm": frac(flown["tm_track_s"].to_numpy(float) > 0),
        "tracked_fbm": frac(flown["fbm_track_s"].to_numpy(float) > 0),
        "gbi_window_without_cue": frac(w0 > 0),
        "gbi_window_with_cue": frac(w1 > 0),
        "cue_gains_gbi_window": frac(w1 > w0 + 1e-9),
        "mean_gbi_window_gain_s": float(np.mean(w1 - w0)) if n else float("nan"),
    }
