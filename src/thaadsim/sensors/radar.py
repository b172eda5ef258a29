"""Radars as typed objects: the catalog entries in ``data/catalog/radars/*.toml`` and user files.

A :class:`Radar` is the hardware and its operating mode (power, aperture, noise, dwell, threshold,
scan limits, instrumented range); a :class:`PlacedRadar` puts one on the map (site latitude,
longitude and ground height, face boresight azimuth and tilt).

TOML format
-----------
Every number may be a bare value (a quick user-defined radar)::

    frequency_ghz = 10.0

or, as in the shipped catalog, a table that carries its provenance::

    [frequency_ghz]
    value = 10.0
    source = "Lewis, mostlymissiledefense.com (Aug 2013): X-band, about 10 GHz"

with ``source``, ``calibrated`` or ``estimate`` as the provenance key. The detection threshold is
``snr_threshold_db`` directly, or ``pd`` and ``pfa`` with an optional ``swerling`` case (0-4, default
0 = a steady target); then :func:`thaadsim.sensors.swerling.swerling_snr_db` sets it (Albersheim's
equation for Swerling 0, the exact single-look forms for 1-4; see :mod:`thaadsim.sensors.swerling`). ``search_solid_angle_sr`` and ``search_frame_s`` are an
optional search budget for the search form of the radar equation.

Scan model: one planar face. A target is inside the face's scan limits when its azimuth is within
``az_half_width_deg`` of the face boresight azimuth and its (apparent) elevation is within
[``min_elevation_deg``, ``max_elevation_deg``]. The face tilt is recorded (it is where the
boresight points in elevation) but the az/el box above is what limits coverage; scan loss
(the cos θ drop of a phased array's gain off boresight) is not modelled.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:   # annotations only
    import numpy as np
    from numpy.typing import ArrayLike

from thaadsim.errors import ThaadsimError, require_finite, require_positive, require_range
from thaadsim.sensors import radar_equation as req

#: numeric fields of a radar, with (lo, hi, unit) bounds used by validation; hi None = unbounded
_FIELDS = {
    "frequency_ghz": (0.01, 300.0, " GHz"),
    "average_power_kw": (None, None, " kW"),
    "aperture_m2": (None, None, " m²"),
    "aperture_efficiency": (0.0, 1.0, ""),
    "noise_temperature_k": (None, None, " K"),
    "losses_db": (0.0, 60.0, " dB"),
    "dwell_s": (None, None, " s"),
    "height_m": (0.0, 1000.0, " m"),
    "min_elevation_deg": (-10.0, 90.0, "°"),
    "max_elevation_deg": (-10.0, 90.0, "°"),
    "az_half_width_deg": (0.0, 180.0, "°"),
    "max_range_km": (None, None, " km"),
}
_POSITIVE = {"frequency_ghz", "average_power_kw", "aperture_m2", "aperture_efficiency", "noise_temperature_k",
             "dwell_s", "max_range_km"}
_OPTIONAL = ("snr_threshold_db", "pd", "pfa", "swerling", "search_solid_angle_sr", "search_frame_s", "tilt_deg")
_PROVENANCE_KEYS = ("source", "calibrated", "estimate")


@dataclass(frozen=True)
class Radar:
    """A radar's hardware and operating mode (public edge units in the names; SI via properties).

    Attributes
    ----------
    id, name : str
        Catalog id (``tpy2-tm``) and display name.
    frequency_ghz, average_power_kw, aperture_m2, aperture_efficiency, noise_temperature_k,
    losses_db, dwell_s : float
        Terms of the radar equation (see :mod:`thaadsim.sensors.radar_equation`).
    snr_threshold_db : float
        SNR at which a dwell declares a detection.
    swerling, pd, pfa : int, float or None
        The design point that set ``snr_threshold_db`` (Swerling case 0-4 of the target's RCS
        fluctuation, detection and false-alarm probabilities); pd/pfa None when the threshold was
        given directly.
    height_m : float
        Antenna phase-centre height above the site's ground (added to the site height).
    min_elevation_deg, max_elevation_deg, az_half_width_deg : float
        Scan limits of the face (apparent elevation; azimuth off boresight).
    max_range_km : float
        Instrumented range: the longest slant range the radar's processing accepts.
    search_solid_angle_sr, search_frame_s : float or None
        Search budget: solid angle searched every frame time (search form of the equation).
    tilt_deg : float
        Default boresight elevation of the face (informational; see module notes).
    provenance : dict
        ``{field: "source: ..." | "estimate: ..." | "calibrated: ..."}`` for each number given one.
    """

    id: str
    name: str
    frequency_ghz: float
    average_power_kw: float
    aperture_m2: float
    aperture_efficiency: float
    noise_temperature_k: float
    losses_db: float
    dwell_s: float
    snr_threshold_db: float
    height_m: float
    min_elevation_deg: float
    max_elevation_deg: float
    az_half_width_deg: float
    max_range_km: float
    search_solid_angle_sr: float | None = None
    search_frame_s: float | None = None
    tilt_deg: float = 20.0
    pd: float | None = None
    pfa: float | None = None
    swerling: int = 0
    description: str = ""
    provenance: dict = field(default_factory=dict, compare=False, repr=False)

    # --- SI views -----------------------------------------------------------------------------
    @property
    def wavelength_m(self) -> float:
        """Wavelength λ = c / f, m."""
        return float(req.wavelength_m(self.frequency_ghz * 1e9))

    @property
    def power_w(self) -> float:
        """Average transmitted power, W."""
        return self.average_power_kw * 1e3

    @property
    def max_range_m(self) -> float:
        """Instrumented range limit, m."""
        return self.max_range_km * 1e3

    @property
    def gain_db(self) -> float:
        """Antenna gain G = 4π ρ A / λ², dB [ref:skolnik-2001]."""
        return float(req.linear_to_db(req.antenna_gain(self.aperture_m2, self.aperture_efficiency,
                                                       self.wavelength_m)))

    @property
    def has_search(self) -> bool:
        """Whether the file gives a search budget (solid angle and frame time)."""
        return self.search_solid_angle_sr is not None and self.search_frame_s is not None

    def equation_kwargs(self, search: bool = False) -> dict:
        """Keyword arguments for :func:`radar_equation.track_snr` (or ``search_snr``) minus rcs/range.

        Parameters
        ----------
        search : bool
            Search mode (solid angle and frame time) instead of track mode (dwell and wavelength).

        Returns
        -------
        dict

        Raises
        ------
        ThaadsimError
            For ``search`` with a radar that has no search budget.
        """
        common = dict(power_w=self.power_w, aperture_m2=self.aperture_m2, efficiency=self.aperture_efficiency,
                      noise_temp_k=self.noise_temperature_k, loss_db=self.losses_db)
        if search:
            if not self.has_search:
                raise ThaadsimError("search", f"radar {self.id!r} has no search budget",
                                    "give search_solid_angle_sr and search_frame_s in its TOML, or use track mode")
            return dict(common, solid_angle_sr=self.search_solid_angle_sr, frame_s=self.search_frame_s)
        return dict(common, dwell_s=self.dwell_s, wavelength=self.wavelength_m)

    def snr(self, range_m: ArrayLike, rcs_m2: ArrayLike, search: bool = False) -> np.ndarray:
        """Linear SNR at slant range ``range_m`` for RCS ``rcs_m2`` (broadcast arrays).

        Parameters
        ----------
        range_m : array_like
            Slant range, m.
        rcs_m2 : array_like
            Radar cross section, m².
        search : bool
            Search mode instead of track mode.

        Returns
        -------
        numpy.ndarray
            Linear SNR.

        Notes
        -----
        Track mode: SNR = P_av t_dwell G A_e σ / ((4π)² k T_s L R⁴), A_e = ρ A, G = 4π A_e / λ²;
        search mode: SNR = P_av A_e σ t_frame / (4π Ω k T_s L R⁴) [ref:skolnik-2001].
        """
        kw = self.equation_kwargs(search)
        if search:
            return req.search_snr(range_m, rcs_m2=rcs_m2, **kw)
        return req.track_snr(range_m, rcs_m2=rcs_m2, **kw)

    def detection_range_m(self, rcs_m2: ArrayLike, search: bool = False) -> np.ndarray:
        """Radar-equation slant range at which the SNR reaches the threshold (no horizon, no limits).

        Parameters
        ----------
        rcs_m2 : array_like
            Radar cross section, m².
        search : bool
            Search mode instead of track mode.

        Returns
        -------
        numpy.ndarray
            R = (C / SNR_threshold)^(1/4), m, with C the radar equation's constant.
        """
        kw = self.equation_kwargs(search)
        if search:
            return req.search_range_m(self.snr_threshold_db, rcs_m2=rcs_m2, **kw)
        return req.track_range_m(self.snr_threshold_db, rcs_m2=rcs_m2, **kw)

    @property
    def detection_model(self) -> str:
        """One line naming what set the threshold, e.g. "Swerling 1 (...), Pd 0.9, Pfa 1e-06: SNR threshold 21.1 dB"."""
        from thaadsim.sensors.swerling import describe

        return describe(self.swerling, self.pd, self.pfa, self.snr_threshold_db)

    def with_detection(self, swerling: int | None = None, pd: float | None = None,
                       pfa: float | None = None) -> "Radar":
        """A copy whose threshold is set again from a (Swerling case, Pd, Pfa) design point.

        Each argument left ``None`` keeps the radar's own value (Swerling 0 and no Pd/Pfa for a radar
        whose file gave ``snr_threshold_db`` directly: then ``pd`` and ``pfa`` are required).

        Parameters
        ----------
        swerling : int or None
            Swerling case 0..4 (:mod:`thaadsim.sensors.swerling`).
        pd : float or None
            Detection probability, [0.1, 1).
        pfa : float or None
            False-alarm probability, (0, 0.1).

        Returns
        -------
        Radar
            With ``snr_threshold_db`` from :func:`thaadsim.sensors.swerling.swerling_snr_db`.

        Raises
        ------
        ThaadsimError
            For a design point out of bounds, or a missing Pd/Pfa.
        """
        from thaadsim.sensors.swerling import check_detection_design, swerling_snr_db

        if swerling is None and pd is None and pfa is None:
            return self
        pd = self.pd if pd is None else pd
        pfa = self.pfa if pfa is None else pfa
        if pd is None or pfa is None:
            raise ThaadsimError("pd", f"radar {self.id!r} gives its SNR threshold directly, without Pd and Pfa",
                                "give both pd and pfa with swerling (e.g. --pd 0.9 --pfa 1e-6)")
        case, pd, pfa = check_detection_design(self.swerling if swerling is None else swerling, pd, pfa)
        thr = swerling_snr_db(pd, pfa, case)
        prov = dict(self.provenance)
        prov["snr_threshold_db"] = f"calibrated: Swerling {case}, pd={pd:g}, pfa={pfa:g} (user choice)"
        return replace(self.with_changes(snr_threshold_db=thr, swerling=case, pd=pd, pfa=pfa), provenance=prov)

    def with_changes(self, **changes: Any) -> "Radar":
        """A copy with some fields changed, validated again.

        Parameters
        ----------
        **changes : Any
            Field name -> new value.

        Returns
        -------
        Radar

        Raises
        ------
        ThaadsimError
            For an unknown field or a value out of bounds.
        """
        return _validated(replace(self, **changes))

    def place(self, lat_deg: float, lon_deg: float, site_height_m: float = 0.0, face_az_deg: float = 0.0,
              tilt_deg: float | None = None) -> "PlacedRadar":
        """This radar on a site, facing ``face_az_deg``.

        Parameters
        ----------
        lat_deg, lon_deg : float
            The site, geodetic WGS84 degrees.
        site_height_m : float, default 0
            Ground height of the site above sea level, m (the antenna is ``height_m`` above it).
        face_az_deg : float, default 0
            Boresight azimuth of the face, degrees clockwise from north, in [0, 360).
        tilt_deg : float, optional
            Face tilt, recorded in outputs (the azimuth/elevation scan box sets the coverage).

        Returns
        -------
        PlacedRadar

        Raises
        ------
        ThaadsimError
            For a position, height or azimuth out of range or not finite.
        """
        return PlacedRadar.create(self, lat_deg, lon_deg, site_height_m, face_az_deg, tilt_deg)


@dataclass(frozen=True)
class PlacedRadar:
    """A radar at a site: geodetic WGS84 latitude/longitude (deg), site ground height (m above the
    ellipsoid; sea level and ellipsoid are not distinguished), face boresight azimuth (deg clockwise
    from north) and tilt (deg)."""

    radar: Radar
    lat_deg: float
    lon_deg: float
    site_height_m: float = 0.0
    face_az_deg: float = 0.0
    tilt_deg: float = 20.0

    @classmethod
    def create(cls, radar: Radar, lat_deg: float, lon_deg: float, site_height_m: float = 0.0,
               face_az_deg: float = 0.0, tilt_deg: float | None = None) -> PlacedRadar:
        """A radar placed on a site, every number bounds-checked.

        Parameters
        ----------
        radar : Radar
            The radar.
        lat_deg : float
            Site latitude, deg, in [-90, 90].
        lon_deg : float
            Site longitude, deg, in [-180, 360] (wrapped to [-180, 180)).
        site_height_m : float
            Antenna height above the ellipsoid, m, in [-500, 9000].
        face_az_deg : float
            Boresight azimuth, deg from north (wrapped to [0, 360)).
        tilt_deg : float or None
            Face tilt above the horizon, deg, in [-10, 90]; ``None``: the radar's own.

        Returns
        -------
        PlacedRadar

        Raises
        ------
        ThaadsimError
            For a number out of bounds or not finite.
        """
        lat = require_range("lat_deg", lat_deg, -90.0, 90.0, "°")
        lon = require_range("lon_deg", lon_deg, -180.0, 360.0, "°")
        h = require_range("site_height_m", site_height_m, -500.0, 9000.0, " m")
        az = require_finite("face_az_deg", face_az_deg) % 360.0
        tilt = radar.tilt_deg if tilt_deg is None else require_range("tilt_deg", tilt_deg, -10.0, 90.0, "°")
        return cls(radar, lat, ((lon + 180.0) % 360.0) - 180.0, h, az, tilt)

    @property
    def antenna_alt_m(self) -> float:
        """Height of the antenna phase centre above the ellipsoid: site height + mast height."""
        return self.site_height_m + self.radar.height_m


def _validated(r: Radar) -> Radar:
    """Check every field of a Radar; raise ThaadsimError naming the field and the fix."""
    for name, (lo, hi, unit) in _FIELDS.items():
        v = getattr(r, name)
        if name in _POSITIVE:
            require_positive(f"{r.id}.{name}", v, unit)
        require_range(f"{r.id}.{name}", v, lo, hi, unit)
    require_finite(f"{r.id}.snr_threshold_db", r.snr_threshold_db)
    if r.min_elevation_deg >= r.max_elevation_deg:
        raise ThaadsimError(f"{r.id}.min_elevation_deg",
                            f"scan limits out of order: min {r.min_elevation_deg:g}° >= max {r.max_elevation_deg:g}°",
                            "min_elevation_deg must be below max_elevation_deg")
    if (r.search_solid_angle_sr is None) != (r.search_frame_s is None):
        raise ThaadsimError(f"{r.id}.search_solid_angle_sr", "the search budget is half given",
                            "give both search_solid_angle_sr and search_frame_s, or neither")
    if r.search_solid_angle_sr is not None:
        require_range(f"{r.id}.search_solid_angle_sr", r.search_solid_angle_sr, 1e-6, 4 * math.pi, " sr")
        require_positive(f"{r.id}.search_frame_s", r.search_frame_s, " s")
    require_range(f"{r.id}.tilt_deg", r.tilt_deg, -10.0, 90.0, "°")
    return r


def _flatten(raw: dict, origin: str) -> tuple[dict, dict]:
    """Split ``{field: value | {value=..., source=...}}`` into values and provenance."""
    values, prov = {}, {}
    for key, item in raw.items():
        if isinstance(item, dict):
            if "value" not in item:
                raise ThaadsimError(f"{origin}: {key}", "a table without 'value'",
                                    'write [field] value = ... source = "..." (or estimate = "...")')
            values[key] = item["value"]
            for pk in _PROVENANCE_KEYS:
                if pk in item:
                    prov[key] = f"{pk}: {item[pk]}"
                    break
        else:
            values[key] = item
    return values, prov


def radar_from_mapping(raw: dict, origin: str = "radar") -> Radar:
    """Build and validate a :class:`Radar` from a parsed TOML mapping.

    Parameters
    ----------
    raw : dict
        The parsed radar file (sections flattened; each number with its provenance).
    origin : str
        The file's name, cited in errors (also the default id).

    Returns
    -------
    Radar

    Raises
    ------
    ThaadsimError
        For an unknown key, a missing field or a number out of bounds.
    """
    values, prov = _flatten(raw, origin)
    rid = str(values.get("id", Path(origin).stem))
    known = set(_FIELDS) | set(_OPTIONAL) | {"id", "name", "description"}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ThaadsimError(f"{origin}: {unknown[0]}", "unknown radar field",
                            f"valid fields: {', '.join(sorted(known))}")
    missing = [k for k in _FIELDS if k not in values]
    if missing:
        raise ThaadsimError(f"{origin}: {missing[0]}", "missing radar field",
                            f"a radar needs all of: {', '.join(_FIELDS)}")
    nums = {k: require_finite(f"{rid}.{k}", values[k]) for k in _FIELDS}
    opt = {k: (None if values.get(k) is None else require_finite(f"{rid}.{k}", values[k])) for k in _OPTIONAL}
    thr = opt.pop("snr_threshold_db")
    pd, pfa, swerling = opt.pop("pd"), opt.pop("pfa"), opt.pop("swerling")
    if thr is not None and swerling not in (None, 0):
        # a threshold in dB already contains whatever fluctuation model its author assumed
        raise ThaadsimError(f"{origin}: swerling", "given with snr_threshold_db",
                            "give swerling with pd and pfa (the threshold is then computed), or drop it")
    if thr is not None and (pd is not None or pfa is not None):
        # two thresholds would silently disagree: Albersheim's for pd/pfa is not the number given
        raise ThaadsimError(f"{origin}: snr_threshold_db", "given together with pd/pfa",
                            "give either snr_threshold_db, or pd and pfa, not both")
    if thr is None:
        if pd is None or pfa is None:
            raise ThaadsimError(f"{origin}: snr_threshold_db", "no detection threshold",
                                "give snr_threshold_db, or pd and pfa (Albersheim's equation sets it)")
        from thaadsim.sensors.swerling import check_detection_design, swerling_snr_db

        swerling, pd, pfa = check_detection_design(0 if swerling is None else swerling, pd, pfa,
                                                   field_prefix=f"{origin}: ")
        thr = swerling_snr_db(pd, pfa, swerling)
        how = "Albersheim (1981)" if swerling == 0 else "exact single-look form"
        prov.setdefault("snr_threshold_db", f"calibrated: Swerling {swerling}, {how} for pd={pd:g}, pfa={pfa:g}")
    tilt = opt.pop("tilt_deg")
    r = Radar(id=rid, name=str(values.get("name", rid)), snr_threshold_db=thr, pd=pd, pfa=pfa,
              swerling=0 if swerling is None else int(swerling),
              tilt_deg=20.0 if tilt is None else tilt, description=str(values.get("description", "")),
              provenance=prov, **nums, **opt)
    return _validated(r)


def catalog_dir():
    return resources.files("thaadsim") / "data" / "catalog" / "radars"


def radar_ids() -> list[str]:
    """Ids of the radars shipped in the catalog."""
    return sorted(p.name[:-5] for p in catalog_dir().iterdir() if p.name.endswith(".toml"))


def load_radar(path_or_id: str | PathLike[str] | Radar) -> Radar:
    """A radar from the catalog by id (``"tpy2-tm"``) or from a TOML file path.

    Parameters
    ----------
    path_or_id : str, path-like or Radar
        A catalog id (:func:`radar_ids`), the path of a radar TOML file in the catalog's format
        (every number with its ``source`` or ``estimate``), or a :class:`Radar`, returned as it is.

    Returns
    -------
    Radar
        The radar's design; ``.place(lat_deg, lon_deg, height_m, face_az_deg=...)`` puts it on a site.

    Raises
    ------
    ThaadsimError
        For an unknown id, a missing file or directory, or an invalid number in the file.
    """
    if isinstance(path_or_id, Radar):
        return path_or_id
    text = str(path_or_id)
    p = Path(text)
    if text.endswith(".toml") or p.exists():
        if p.is_dir():   # it exists: "does not exist" misled (issue 11)
            raise ThaadsimError("radar file", f"{text!r} is a directory, not a radar file",
                                "give the path to a radar .toml file")
        if not p.is_file():
            raise ThaadsimError("radar file", f"{text!r} does not exist", "give the path to a radar .toml file")
        origin = str(p)
        data = p.read_bytes()
    else:
        return _catalog_radar(text)
    return _parse_radar(data, origin)


@lru_cache(maxsize=None)
def _catalog_radar(radar_id: str) -> Radar:
    """A catalog radar, parsed once per process: the files ship with the package and a Radar is
    frozen, so a sweep's thousands of cases share one (parsing the TOML was a quarter of a case)."""
    ids = radar_ids()
    if radar_id not in ids:
        raise ThaadsimError("radar", f"unknown radar id {radar_id!r}", f"use one of {', '.join(ids)} or --radar-file")
    return _parse_radar((catalog_dir() / f"{radar_id}.toml").read_bytes(), f"catalog/radars/{radar_id}.toml")


def _parse_radar(data: bytes, origin: str) -> Radar:
    try:
        # utf-8-sig: a byte-order mark (Windows Notepad writes one) is not part of the TOML text
        raw = tomllib.loads(data.decode("utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ThaadsimError(origin, f"not valid TOML ({exc})", "fix the syntax") from None
    return radar_from_mapping(raw, origin)
