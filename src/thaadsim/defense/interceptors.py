"""Interceptor types: the catalog entries in ``data/catalog/interceptors/*.toml`` as typed objects.

Every number in the catalog is a table ``{value = ..., source = "..."}`` or ``{value = ...,
estimate = "..."}`` so that its provenance travels with it; :func:`load_interceptor` keeps the
provenance in :attr:`Interceptor.provenance` and exposes the values in SI units.

An interceptor is flown by the same powered flight engine as a threat missile
(:func:`thaadsim.flight.fly_powered`): :meth:`Interceptor.missile` turns the entry into a
single-stage :class:`~thaadsim.flight.vehicle.Missile` (launch mass, body diameter, a solid motor's
specific impulse, the catalog burn time, and a kill vehicle that flies on with its own ballistic
coefficient after burnout). For the multi-stage SM-3 and GBI the one stage is an *equivalent*
stage (same launch mass, burn time and burnout speed), a documented simplification.

The published (or estimated) burnout speed is a *target*, not an input of the flight: the one
calibrated quantity, ``propellant_fraction`` (propellant mass / launch mass, at fixed launch mass),
is tuned so that the engine's burnout speed on the farthest-reaching fan member equals
``burnout_speed_kms`` within 1 % (:func:`thaadsim.defense.reach.calibrate_propellant_fraction`,
``tools/calibrate_interceptors.py``).

What the catalog adds beyond the rocket is the engagement envelope that the fire-control system
enforces: a minimum and maximum intercept altitude and a maximum ground range from the battery,
plus a default single-shot kill probability ``pk``.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from thaadsim.earth.constants import G0_MS2
from thaadsim.errors import ThaadsimError, require_positive, require_range

if TYPE_CHECKING:   # annotations only: the flight layer loads when an interceptor is first flown
    from typing import Any

    from thaadsim.flight.vehicle import Missile

_NUMERIC = ("burnout_speed_kms", "burn_time_s", "min_intercept_alt_km", "max_intercept_alt_km",
            "max_range_km", "pk", "launch_mass_kg", "diameter_m", "isp_s", "kv_mass_kg", "kv_beta_kgm2",
            "vertical_rise_s", "kick_duration_s", "propellant_fraction")
_TEXT = ("id", "name", "tier", "kill")
MIN_THRUST_TO_WEIGHT = 1.3    # as the missile calibration: below this the rocket barely leaves the pad


@dataclass(frozen=True)
class Interceptor:
    """One interceptor type (public edge in km/s, km, s; SI through the ``*_m``/``*_ms`` properties).

    Attributes
    ----------
    id, name, tier : str
        Catalog id (``thaad``), display name, and tier (``upper``/``lower``/``exo``).
    burnout_speed_kms : float
        Speed at burnout relative to the rotating Earth: the published figure that the rocket's
        ``propellant_fraction`` is calibrated to (``tools/calibrate_interceptors.py``). The flight
        engine flies the rocket, so this number alone does not move the fly-out.
    burn_time_s : float
        Boost duration (time from launch to burnout).
    min_intercept_alt_km, max_intercept_alt_km : float
        Altitude band inside which the fire-control system accepts an intercept point.
    max_range_km : float
        Largest ground range from the battery of an intercept point.
    pk : float
        Default single-shot kill probability (an assumption for every type; see provenance).
    launch_mass_kg, diameter_m : float
        Mass at launch and body diameter (the drag reference area during boost).
    isp_s : float
        Specific impulse of the (equivalent) motor, averaged over the ascent.
    kv_mass_kg, kv_beta_kgm2 : float
        Mass and ballistic coefficient m/(C_D A) of what flies on after burnout (the kill vehicle;
        for PAC-3, which does not stage, the burnt-out missile).
    vertical_rise_s, kick_duration_s : float
        Pitch programme: vertical rise, then a linear tilt of the thrust to the kick angle.
    propellant_fraction : float
        Propellant mass / launch mass: the ONE calibrated quantity (see module docstring).
    provenance : dict
        ``{field: "source: ..."|"estimate: ..."}`` for every number.
    """

    id: str
    name: str
    tier: str
    burnout_speed_kms: float
    burn_time_s: float
    min_intercept_alt_km: float
    max_intercept_alt_km: float
    max_range_km: float
    pk: float
    launch_mass_kg: float
    diameter_m: float
    isp_s: float
    kv_mass_kg: float
    kv_beta_kgm2: float
    vertical_rise_s: float
    kick_duration_s: float
    propellant_fraction: float
    kill: str = ""
    provenance: dict = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self):
        require_positive(f"interceptor {self.id}.burnout_speed_kms", self.burnout_speed_kms, " km/s")
        require_range(f"interceptor {self.id}.burn_time_s", self.burn_time_s, 0.0, 1000.0, " s")
        require_range(f"interceptor {self.id}.min_intercept_alt_km", self.min_intercept_alt_km, 0.0, None, " km")
        require_positive(f"interceptor {self.id}.max_intercept_alt_km", self.max_intercept_alt_km, " km")
        if self.max_intercept_alt_km <= self.min_intercept_alt_km:
            raise ThaadsimError(f"interceptor {self.id}.max_intercept_alt_km",
                                "must exceed min_intercept_alt_km", "give a non-empty altitude band")
        require_positive(f"interceptor {self.id}.max_range_km", self.max_range_km, " km")
        require_range(f"interceptor {self.id}.pk", self.pk, 0.0, 1.0)
        w = f"interceptor {self.id}"
        require_positive(f"{w}.burn_time_s", self.burn_time_s, " s")
        require_positive(f"{w}.launch_mass_kg", self.launch_mass_kg, " kg")
        require_range(f"{w}.diameter_m", self.diameter_m, 0.01, 10.0, " m")
        require_range(f"{w}.isp_s", self.isp_s, 100.0, 500.0, " s")
        require_positive(f"{w}.kv_mass_kg", self.kv_mass_kg, " kg")
        require_positive(f"{w}.kv_beta_kgm2", self.kv_beta_kgm2, " kg/m2")
        require_positive(f"{w}.vertical_rise_s", self.vertical_rise_s, " s")
        require_positive(f"{w}.kick_duration_s", self.kick_duration_s, " s")
        require_range(f"{w}.propellant_fraction", self.propellant_fraction, 0.01, 0.99)
        if self.vertical_rise_s + self.kick_duration_s >= self.burn_time_s:
            raise ThaadsimError(f"{w}.kick_duration_s", "vertical rise + kick must end before burnout",
                                f"make vertical_rise_s + kick_duration_s < burn_time_s = {self.burn_time_s:g} s")
        if self.propellant_mass_kg + self.kv_mass_kg > self.launch_mass_kg:
            raise ThaadsimError(f"{w}.propellant_fraction",
                                f"propellant ({self.propellant_mass_kg:.0f} kg) + kill vehicle "
                                f"({self.kv_mass_kg:.0f} kg) exceed the launch mass ({self.launch_mass_kg:.0f} kg)",
                                "lower propellant_fraction or kv_mass_kg")
        tw = self.propellant_mass_kg / self.burn_time_s * self.isp_s / self.launch_mass_kg
        if tw < MIN_THRUST_TO_WEIGHT:
            raise ThaadsimError(f"{w}.propellant_fraction", f"thrust/weight at launch is {tw:.2f}",
                                f"raise isp_s or propellant_fraction, or shorten burn_time_s (need >= "
                                f"{MIN_THRUST_TO_WEIGHT:g})")

    # SI views used by the kernels
    @property
    def burnout_speed_ms(self) -> float:
        """Burnout speed, m/s."""
        return self.burnout_speed_kms * 1e3

    @property
    def propellant_mass_kg(self) -> float:
        """Propellant mass, kg: ``propellant_fraction`` x ``launch_mass_kg``."""
        return self.propellant_fraction * self.launch_mass_kg

    def missile(self, propellant_fraction: float | None = None) -> Missile:
        """The interceptor as a single-stage :class:`~thaadsim.flight.vehicle.Missile` for ``fly_powered``.

        Constant thrust ``F = mdot Isp g0`` with ``mdot = m_prop / burn_time_s``; the stage's dry mass is
        whatever the launch mass leaves after propellant and kill vehicle; the kill vehicle is the
        ``rv`` that flies on after burnout with ``kv_beta_kgm2``. ``propellant_fraction`` overrides the
        catalog value (what the calibration varies).

        Parameters
        ----------
        propellant_fraction : float or None
            Propellant over launch mass; ``None``: the catalog's.

        Returns
        -------
        Missile
        """
        from thaadsim.flight.vehicle import Missile, PitchProgram, ReentryVehicle, Stage

        f = self.propellant_fraction if propellant_fraction is None else float(propellant_fraction)
        m_prop = f * self.launch_mass_kg
        dry = self.launch_mass_kg - m_prop - self.kv_mass_kg
        if dry < 0:
            raise ThaadsimError(f"interceptor {self.id}.propellant_fraction", f"{f:g} leaves no mass for the structure",
                                "lower propellant_fraction or kv_mass_kg")
        stage = Stage(propellant_mass_kg=m_prop, dry_mass_kg=dry, isp_s=self.isp_s, burn_time_s=self.burn_time_s,
                      diameter_m=self.diameter_m)
        return Missile(id=self.id, name=self.name, stages=(stage,),
                       rv=ReentryVehicle(mass_kg=self.kv_mass_kg, beta_kgm2=self.kv_beta_kgm2),
                       pitch=PitchProgram(vertical_rise_s=self.vertical_rise_s, kick_duration_s=self.kick_duration_s))

    @property
    def min_alt_m(self) -> float:
        """Lowest intercept altitude, m."""
        return self.min_intercept_alt_km * 1e3

    @property
    def max_alt_m(self) -> float:
        """Highest intercept altitude, m."""
        return self.max_intercept_alt_km * 1e3

    @property
    def max_range_m(self) -> float:
        """Greatest intercept ground range, m."""
        return self.max_range_km * 1e3

    def with_overrides(self, **kw: Any) -> "Interceptor":
        """A copy with some numbers replaced (e.g. ``pk=0.9``), validated again.

        Parameters
        ----------
        **kw : Any
            Field name -> new value.

        Returns
        -------
        Interceptor

        Raises
        ------
        ThaadsimError
            For an unknown field, a number out of bounds, or ``burnout_speed_kms`` (the engine flies
            the rocket: change its propellant fraction instead).
        """
        if "burnout_speed_kms" in kw:
            # the engine flies the rocket: a new speed alone would change nothing but the label
            raise ThaadsimError(f"interceptor {self.id}.burnout_speed_kms",
                                "is a calibration target, not an input of the fly-out",
                                "override propellant_fraction (or launch_mass_kg, isp_s), or recalibrate with "
                                "tools/calibrate_interceptors.py")
        prov = dict(self.provenance)
        for k in kw:
            prov[k] = "user override"
        return dataclasses.replace(self, provenance=prov, **kw)

    def kinematic_key(self) -> tuple:
        """The parameters a reach table depends on (used as its cache key)."""
        return tuple(round(float(getattr(self, k)), 9) for k in
                     ("burn_time_s", "launch_mass_kg", "diameter_m", "isp_s", "kv_mass_kg", "kv_beta_kgm2",
                      "vertical_rise_s", "kick_duration_s", "propellant_fraction", "max_range_km",
                      "max_intercept_alt_km"))


def _catalog_dir():
    return resources.files("thaadsim") / "data" / "catalog" / "interceptors"


def interceptor_ids() -> list[str]:
    """Ids of every interceptor in the packaged catalog, sorted."""
    return sorted(p.name[:-5] for p in _catalog_dir().iterdir() if p.name.endswith(".toml"))


def _parse(data: dict, where: str) -> Interceptor:
    kw: dict = {}
    prov: dict = {}
    unknown = sorted(set(data) - set(_NUMERIC) - set(_TEXT))
    if unknown:
        raise ThaadsimError(f"{where}.{unknown[0]}", "is not a known field",
                            f"remove it; known fields: {', '.join(_TEXT + _NUMERIC)}")
    if "id" not in data:
        raise ThaadsimError(f"{where}.id", "missing", "give id = \"...\"")
    for key in _NUMERIC:
        item = data.get(key)
        if item is None:
            raise ThaadsimError(f"{where}.{key}", "missing", "give {value = ..., source|estimate = \"...\"}")
        if not isinstance(item, dict) or "value" not in item:
            raise ThaadsimError(f"{where}.{key}", "must be a table with a value",
                                "write {value = ..., source = \"...\"} or estimate = \"...\"")
        tags = [t for t in ("source", "estimate", "calibrated") if t in item]
        if not tags:
            raise ThaadsimError(f"{where}.{key}", "has no provenance",
                                "add source = \"...\", calibrated = \"...\" or estimate = \"...\"")
        extra = sorted(set(item) - {"value", "source", "estimate", "calibrated"})
        if extra:
            raise ThaadsimError(f"{where}.{key}.{extra[0]}", "is not a known key",
                                "use value and one of source, estimate, calibrated")
        try:
            kw[key] = float(item["value"])
        except (TypeError, ValueError):
            raise ThaadsimError(f"{where}.{key}.value", f"{item['value']!r} is not a number",
                                "give a number") from None
        prov[key] = f"{tags[0]}: {item[tags[0]]}"
    return Interceptor(id=str(data["id"]), name=str(data.get("name", data["id"])),
                       tier=str(data.get("tier", "")), kill=str(data.get("kill", "")),
                       provenance=prov, **kw)


@lru_cache(maxsize=None)
def load_interceptor(interceptor_id: str) -> Interceptor:
    """Load one interceptor type from the packaged catalog.

    Parameters
    ----------
    interceptor_id : str
        A catalog id (:func:`interceptor_ids`): ``"thaad"``, ``"pac3-mse"``, ``"sm3-iia"``, ``"gbi"``.

    Returns
    -------
    Interceptor
        Its published or estimated figures (burnout speed, engagement envelope, Pk, rocket), each with
        its source in the TOML file.

    Raises
    ------
    ThaadsimError
        For an unknown id; the message lists the known ids.
    """
    key = str(interceptor_id).strip().lower()
    ids = interceptor_ids()
    if key not in ids:
        raise ThaadsimError("interceptor", f"unknown interceptor {interceptor_id!r}",
                            f"known: {', '.join(ids)}")
    path = _catalog_dir() / f"{key}.toml"
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return _parse(data, f"interceptors/{key}.toml")
