"""Interceptor types: the catalog entries in ``data/catalog/interceptors/*.toml`` as typed objects.

Every number in the catalog is a table ``{value = ..., source = "..."}`` or ``{value = ...,
estimate = "..."}`` so that its provenance travels with it; :func:`load_interceptor` keeps the
provenance in :attr:`Interceptor.provenance` and exposes the values in SI units.

The kinematic model of an interceptor here is deliberately the same as that of a threat
missile in :func:`thaadsim.flight.fly_kinematic`: a burnout speed (relative to the rotating
Earth) reached after a burn time, then free flight. What the catalog adds is the engagement
envelope that the fire-control system enforces: a minimum and maximum intercept altitude and
a maximum ground range from the battery, plus a default single-shot kill probability ``pk``.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from thaadsim.errors import ThaadsimError, require_positive, require_range

_NUMERIC = ("burnout_speed_kms", "burn_time_s", "min_intercept_alt_km", "max_intercept_alt_km",
            "max_range_km", "pk")


@dataclass(frozen=True)
class Interceptor:
    """One interceptor type (public edge in km/s, km, s; SI through the ``*_m``/``*_ms`` properties).

    Attributes
    ----------
    id, name, tier : str
        Catalog id (``thaad``), display name, and tier (``upper``/``lower``/``exo``).
    burnout_speed_kms : float
        Speed at burnout relative to the rotating Earth.
    burn_time_s : float
        Boost duration (time from launch to burnout).
    min_intercept_alt_km, max_intercept_alt_km : float
        Altitude band inside which the fire-control system accepts an intercept point.
    max_range_km : float
        Largest ground range from the battery of an intercept point.
    pk : float
        Default single-shot kill probability (an assumption for every type; see provenance).
    beta_kgm2 : float or None
        Ballistic coefficient after burnout; None flies the interceptor drag-free (optimistic reach).
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
    beta_kgm2: float | None = None
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
        if self.beta_kgm2 is not None:
            require_positive(f"interceptor {self.id}.beta_kgm2", self.beta_kgm2, " kg/m2")

    # SI views used by the kernels
    @property
    def burnout_speed_ms(self) -> float:
        return self.burnout_speed_kms * 1e3

    @property
    def min_alt_m(self) -> float:
        return self.min_intercept_alt_km * 1e3

    @property
    def max_alt_m(self) -> float:
        return self.max_intercept_alt_km * 1e3

    @property
    def max_range_m(self) -> float:
        return self.max_range_km * 1e3

    def with_overrides(self, **kw) -> "Interceptor":
        """A copy with some numbers replaced (e.g. ``pk=0.9``), validated again."""
        prov = dict(self.provenance)
        for k in kw:
            prov[k] = "user override"
        return dataclasses.replace(self, provenance=prov, **kw)

    def kinematic_key(self) -> tuple:
        """The parameters a reach table depends on (used as its cache key)."""
        return (round(self.burnout_speed_kms, 6), round(self.burn_time_s, 6), self.beta_kgm2,
                round(self.max_range_km, 3), round(self.max_intercept_alt_km, 3))


def _catalog_dir():
    return resources.files("thaadsim") / "data" / "catalog" / "interceptors"


def interceptor_ids() -> list[str]:
    """Ids of every interceptor in the packaged catalog, sorted."""
    return sorted(p.name[:-5] for p in _catalog_dir().iterdir() if p.name.endswith(".toml"))


def _parse(data: dict, where: str) -> Interceptor:
    kw: dict = {}
    prov: dict = {}
    for key in _NUMERIC + ("beta_kgm2",):
        item = data.get(key)
        if item is None:
            if key == "beta_kgm2":
                continue
            raise ThaadsimError(f"{where}.{key}", "missing", "give {value = ..., source|estimate = \"...\"}")
        if not isinstance(item, dict) or "value" not in item:
            raise ThaadsimError(f"{where}.{key}", "must be a table with a value",
                                "write {value = ..., source = \"...\"} or estimate = \"...\"")
        tags = [t for t in ("source", "estimate", "calibrated") if t in item]
        if not tags:
            raise ThaadsimError(f"{where}.{key}", "has no provenance",
                                "add source = \"...\", calibrated = \"...\" or estimate = \"...\"")
        kw[key] = float(item["value"])
        prov[key] = f"{tags[0]}: {item[tags[0]]}"
    return Interceptor(id=str(data["id"]), name=str(data.get("name", data["id"])),
                       tier=str(data.get("tier", "")), kill=str(data.get("kill", "")),
                       provenance=prov, **kw)


@lru_cache(maxsize=None)
def load_interceptor(interceptor_id: str) -> Interceptor:
    """Load one interceptor type from the packaged catalog.

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
