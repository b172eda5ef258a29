"""The scenario file: one TOML format for raids (``thaadsim raid``) and full runs (``thaadsim run``).

Layout (units in every numeric field's name; unknown keys are errors)::

    [scenario]                 name, seed, description
    [flight]                   sample_dt_s, rotation, atmosphere, earth          (optional)
    [[radars]]                 id, radar (catalog id or TOML path), lat_deg, lon_deg, site_height_m,
                               face_az_deg (optional: else toward the threats), average_power_kw
                               (optional: replaces the catalog radar's power, for sensitivity sweeps)
    [[batteries]]              id, interceptor, lat_deg, lon_deg, alt_m, launchers,
                               interceptors_per_launcher, reload_time_s, reload_loads, radar (a
                               [[radars]] id; absent = fires on an external cue), face_az_deg, pk, layer,
                               [batteries.fire_control] firm_track_s, launch_decision_s, ...
    [[assets]]                 defended assets: name, lat_deg, lon_deg, value
    [[launch_areas]]           named launch points: name, lat_deg, lon_deg                 (optional)
    [[threats]]                missile (catalog id), launch_area or launch_lat_deg/launch_lon_deg,
                               aimpoint (asset name) or aim_lat_deg/aim_lon_deg, shape, apogee_km,
                               launch_time_s, count, launch_interval_s, rv_rcs_m2, booster_rcs_m2
                               (optional: replace the missile's signature, for sensitivity sweeps)
    [doctrine]                 mode, salvo_size, priority, max_shots_per_threat, decision_step_s,
                               hold_for_priority                                          (optional)
    [montecarlo]               runs, seed (default: scenario.seed)                         (optional)

The main job adds its own sections (e.g. ``[analysis]``, ``[outputs]``) by subclassing
:class:`Scenario` and passing the subclass to :func:`load_scenario` (``model=``); every section
here is its own model class so it can be reused.

Errors: :func:`load_scenario` raises :class:`~thaadsim.errors.ThaadsimError` whose field is
``<file>: <path>`` (e.g. ``raid.toml: threats.0.missile``) and whose fix says what is valid.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator,
                      model_validator)

from thaadsim.errors import ThaadsimError


def known_missile_id(v: str) -> str:
    """A catalog missile id, normalised (stripped, lower case); ValueError listing the valid ones."""
    from thaadsim.flight import missile_ids

    ids = missile_ids()
    if v.strip().lower() not in ids:
        raise ValueError(f"unknown missile {v!r}; valid: {', '.join(ids)}")
    return v.strip().lower()


def _nonblank(v: str) -> str:
    # an id of "" was accepted: the map and tables then showed an unlabelled site, and a battery's
    # radar = "" could not be told from "no radar"
    if not v.strip():
        raise ValueError("must not be empty (give it a name, e.g. \"TPY-2 Seongju\")")
    return v


#: an id or name other entries refer to: a non-blank string
Name = Annotated[str, AfterValidator(_nonblank)]


class _Model(BaseModel):
    # allow_inf_nan=False: TOML has nan/inf literals; a NaN latitude used to read "should be <= 90
    # (got nan)" and an unbounded field (face_az_deg, reload_time_s = inf) slipped through to a
    # later error that named neither the file nor the field path.
    model_config = ConfigDict(extra="forbid", frozen=False, allow_inf_nan=False)


class ScenarioInfo(_Model):
    name: str = "scenario"
    seed: int = 1
    description: str = ""


class FlightSection(_Model):
    sample_dt_s: float = Field(1.0, ge=0.01, le=30)
    rotation: bool = True
    atmosphere: bool = True
    earth: Literal["wgs84", "sphere"] = "wgs84"


class RadarSite(_Model):
    id: Name
    radar: str = Field("tpy2-tm", description="radar catalog id, or a path to a radar TOML file")
    lat_deg: float = Field(ge=-90, le=90)
    lon_deg: float = Field(ge=-180, le=360)
    site_height_m: float = Field(0.0, ge=-500, le=9000)
    face_az_deg: float | None = None
    # the TPY-2's power is a labelled estimate (README, radar analysis): a scenario can replace it
    # to ask how the answers move with it (thaadsim sweep --vary radars.0.average_power_kw=...)
    average_power_kw: float | None = Field(None, gt=0, le=1e5)

    def build(self):
        """The catalog (or file) radar with this site's power override applied, not yet placed."""
        from thaadsim.sensors.radar import load_radar

        radar = load_radar(self.radar)
        return radar if self.average_power_kw is None else radar.with_changes(average_power_kw=self.average_power_kw)


class FireControlSection(_Model):
    firm_track_s: float = Field(20.0, ge=0, le=3600)
    launch_decision_s: float = Field(10.0, ge=0, le=3600)
    launch_prep_s: float = Field(5.0, ge=0, le=3600)
    kill_assessment_s: float = Field(10.0, ge=0, le=3600)
    salvo_interval_s: float = Field(3.0, ge=0, le=3600)
    cue_delay_s: float = Field(90.0, ge=0, le=3600)


class BatterySection(_Model):
    id: Name
    interceptor: str
    lat_deg: float = Field(ge=-90, le=90)
    lon_deg: float = Field(ge=-180, le=360)
    alt_m: float = Field(0.0, ge=-500, le=9000)
    launchers: int = Field(6, ge=1)
    interceptors_per_launcher: int = Field(8, ge=1)
    reload_time_s: float = Field(1800.0, ge=0)
    reload_loads: int = Field(0, ge=0)
    radar: str | None = None
    face_az_deg: float | None = None
    pk: float | None = Field(None, ge=0, le=1)
    layer: int = 0
    fire_control: FireControlSection = Field(default_factory=FireControlSection)

    @field_validator("interceptor")
    @classmethod
    def _known_interceptor(cls, v):
        from thaadsim.defense.interceptors import interceptor_ids
        ids = interceptor_ids()
        if v.strip().lower() not in ids:
            raise ValueError(f"unknown interceptor {v!r}; valid: {', '.join(ids)}")
        return v.strip().lower()


class AssetSection(_Model):
    name: Name
    lat_deg: float = Field(ge=-90, le=90)
    lon_deg: float = Field(ge=-180, le=360)
    value: float = Field(1.0, ge=0)


class LaunchArea(_Model):
    name: Name
    lat_deg: float = Field(ge=-90, le=90)
    lon_deg: float = Field(ge=-180, le=360)


class ThreatSection(_Model):
    missile: str
    launch_area: str | None = None
    launch_lat_deg: float | None = Field(None, ge=-90, le=90)
    launch_lon_deg: float | None = Field(None, ge=-180, le=360)
    aimpoint: str | None = None
    aim_lat_deg: float | None = Field(None, ge=-90, le=90)
    aim_lon_deg: float | None = Field(None, ge=-180, le=360)
    shape: Literal["min-energy", "lofted", "depressed"] = "min-energy"
    apogee_km: float | None = Field(None, gt=0)
    launch_time_s: float = Field(0.0, ge=0)
    count: int = Field(1, ge=1, le=1000)
    launch_interval_s: float = Field(0.0, ge=0)
    # RCS is an assumption (sensors.signatures); these replace the missile's own for this entry
    rv_rcs_m2: float | None = Field(None, gt=0, le=1e4)
    booster_rcs_m2: float | None = Field(None, gt=0, le=1e4)

    @field_validator("missile")
    @classmethod
    def _known_missile(cls, v):
        return known_missile_id(v)

    @model_validator(mode="after")
    def _points(self):
        if self.launch_area is None and (self.launch_lat_deg is None or self.launch_lon_deg is None):
            raise ValueError("give launch_area (a [[launch_areas]] name) or launch_lat_deg and launch_lon_deg")
        if self.launch_area is not None and (self.launch_lat_deg is not None or self.launch_lon_deg is not None):
            raise ValueError("give either launch_area or launch_lat_deg/launch_lon_deg, not both")
        if self.aimpoint is None and (self.aim_lat_deg is None or self.aim_lon_deg is None):
            raise ValueError("give aimpoint (an [[assets]] name) or aim_lat_deg and aim_lon_deg")
        if self.aimpoint is not None and (self.aim_lat_deg is not None or self.aim_lon_deg is not None):
            raise ValueError("give either aimpoint or aim_lat_deg/aim_lon_deg, not both")
        if self.shape != "min-energy" and self.apogee_km is None:
            raise ValueError(f"shape {self.shape!r} needs apogee_km")
        return self


class DoctrineSection(_Model):
    mode: Literal["shoot-look-shoot", "shoot-shoot-look", "salvo"] = "shoot-look-shoot"
    salvo_size: int = Field(2, ge=1, le=16)
    priority: Literal["time-to-impact", "asset-value"] = "time-to-impact"
    max_shots_per_threat: int | None = Field(None, ge=1)
    decision_step_s: float = Field(5.0, gt=0)
    hold_for_priority: bool = True

    def build(self):
        """The defense layer's :class:`~thaadsim.defense.raid.Doctrine` for this section."""
        from thaadsim.defense.raid import Doctrine

        return Doctrine(mode=self.mode, salvo_size=self.salvo_size, priority=self.priority,
                        max_shots_per_threat=self.max_shots_per_threat, decision_step_s=self.decision_step_s,
                        hold_for_priority=self.hold_for_priority)


class MonteCarloSection(_Model):
    runs: int = Field(1000, ge=1, le=10_000_000)
    seed: int | None = None
    chunk_runs: int = Field(2000, ge=1)


class Scenario(_Model):
    """A whole scenario file. Subclass to add sections (``extra`` stays forbidden)."""

    scenario: ScenarioInfo = Field(default_factory=ScenarioInfo)
    flight: FlightSection = Field(default_factory=FlightSection)
    radars: list[RadarSite] = Field(default_factory=list)
    batteries: list[BatterySection] = Field(default_factory=list)
    assets: list[AssetSection] = Field(default_factory=list)
    launch_areas: list[LaunchArea] = Field(default_factory=list)
    threats: list[ThreatSection] = Field(default_factory=list)
    doctrine: DoctrineSection = Field(default_factory=DoctrineSection)
    montecarlo: MonteCarloSection = Field(default_factory=MonteCarloSection)
    _origin: str = PrivateAttr(default="<scenario>")   # the file name, for error messages

    def user_error(self, path: str, exc: ThaadsimError) -> ThaadsimError:
        """``exc`` (raised by a lower layer while building from this file) re-labelled with the file
        and the field path, so the one-line message says where in the scenario to look."""
        return ThaadsimError(f"{self._origin}: {path}", f"{exc.field}: {exc.problem}", exc.fix)

    @model_validator(mode="after")
    def _cross_refs(self):
        _unique(self.radars, "id", "radars")
        _unique(self.batteries, "id", "batteries")
        _unique(self.assets, "name", "assets")
        _unique(self.launch_areas, "name", "launch_areas")
        radar_ids = [r.id for r in self.radars]
        for i, b in enumerate(self.batteries):
            if b.radar is not None and b.radar not in radar_ids:
                raise _RefError(f"batteries.{i}.radar", f"no [[radars]] entry with id {b.radar!r}",
                                f"valid: {', '.join(radar_ids) or '(none defined)'}; or omit it for a cued battery")
        assets = [a.name for a in self.assets]
        areas = [a.name for a in self.launch_areas]
        for i, t in enumerate(self.threats):
            if t.launch_area is not None and t.launch_area not in areas:
                raise _RefError(f"threats.{i}.launch_area", f"no [[launch_areas]] entry named {t.launch_area!r}",
                                f"valid: {', '.join(areas) or '(none defined)'}")
            if t.aimpoint is not None and t.aimpoint not in assets:
                raise _RefError(f"threats.{i}.aimpoint", f"no [[assets]] entry named {t.aimpoint!r}",
                                f"valid: {', '.join(assets) or '(none defined)'}")
        return self

    # ---- turning the file into simulation objects --------------------------------------------
    def build_batteries(self):
        """The :class:`~thaadsim.defense.battery.Battery` objects (radars placed and attached)."""
        from thaadsim.defense.battery import Battery, FireControl
        from thaadsim.defense.interceptors import load_interceptor
        placed = {}
        for i, r in enumerate(self.radars):
            try:
                placed[r.id] = r.build().place(r.lat_deg, r.lon_deg, r.site_height_m,
                                                         self.face_az_deg(i))
            except ThaadsimError as exc:
                raise self.user_error(f"radars.{i}", exc) from None
        face = {r.id: r.face_az_deg for r in self.radars}
        out = []
        for i, b in enumerate(self.batteries):
            fa = b.face_az_deg if b.face_az_deg is not None else (face.get(b.radar) if b.radar else None)
            try:
                out.append(Battery(id=b.id, interceptor=load_interceptor(b.interceptor), lat_deg=b.lat_deg,
                                   lon_deg=b.lon_deg, alt_m=b.alt_m, launchers=b.launchers,
                                   interceptors_per_launcher=b.interceptors_per_launcher,
                                   reload_time_s=b.reload_time_s, reload_loads=b.reload_loads, pk=b.pk,
                                   radar=placed.get(b.radar) if b.radar else None, face_az_deg=fa,
                                   fire_control=FireControl(**b.fire_control.model_dump()), layer=b.layer))
            except ThaadsimError as exc:
                raise self.user_error(f"batteries.{i}", exc) from None
        return out

    def face_az_deg(self, i: int) -> float:
        """Face azimuth of radar ``i``: its ``face_az_deg``, else toward the threats — the circular
        mean of the geodesic azimuths from the radar to every threat's launch point (0, north, when
        the file has no threats). The raid's defense layer instead turns a battery radar without a
        face toward each threat in turn; this single face is what the map and the run's detections use."""
        r = self.radars[i]
        if r.face_az_deg is not None:
            return float(r.face_az_deg)
        rows = self.expand_threats()
        if not rows:
            return 0.0
        from thaadsim.earth.geodesy import geodesic_inverse

        _, az = geodesic_inverse(r.lat_deg, r.lon_deg, [x["launch_lat_deg"] for x in rows],
                                 [x["launch_lon_deg"] for x in rows])
        a = np.radians(az)
        return float(np.degrees(np.arctan2(np.sin(a).mean(), np.cos(a).mean())) % 360.0)

    def expand_threats(self) -> list[dict]:
        """One dict per individual missile (``count`` expanded): label, missile, launch/aim points,
        shape, apogee_km, launch_time_s, asset (name or None)."""
        areas = {a.name: a for a in self.launch_areas}
        assets = {a.name: a for a in self.assets}
        rows = []
        for i, t in enumerate(self.threats):
            if t.launch_area is not None:
                la, lo = areas[t.launch_area].lat_deg, areas[t.launch_area].lon_deg
                src = t.launch_area
            else:
                la, lo, src = t.launch_lat_deg, t.launch_lon_deg, f"{t.launch_lat_deg:g},{t.launch_lon_deg:g}"
            if t.aimpoint is not None:
                ta, to, dst = assets[t.aimpoint].lat_deg, assets[t.aimpoint].lon_deg, t.aimpoint
            else:
                ta, to, dst = t.aim_lat_deg, t.aim_lon_deg, None
            for c in range(t.count):
                rows.append(dict(label=f"{t.missile}#{i}.{c} {src}->{dst or f'{ta:g},{to:g}'}", missile=t.missile,
                                 launch_lat_deg=la, launch_lon_deg=lo, aim_lat_deg=ta, aim_lon_deg=to,
                                 shape=t.shape, apogee_km=t.apogee_km, source=i,
                                 launch_time_s=t.launch_time_s + c * t.launch_interval_s, asset=dst,
                                 rv_rcs_m2=t.rv_rcs_m2, booster_rcs_m2=t.booster_rcs_m2))
        return rows

    def fly_threats(self, rows=None):
        """Fly every expanded threat with the flight engine: one ``fly_targeted`` call for all the
        distinct flights (a ``count`` of 10 flies once), then rows are repeated as needed."""
        from thaadsim.flight import fly_targeted

        rows = rows if rows is not None else self.expand_threats()
        if not rows:
            raise ThaadsimError("threats", "no threats in the scenario", "add at least one [[threats]] entry")
        keys, index = [], []
        for r in rows:
            key = (r["missile"], r["launch_lat_deg"], r["launch_lon_deg"], r["aim_lat_deg"], r["aim_lon_deg"],
                   r["shape"], r["apogee_km"])
            if key not in keys:
                keys.append(key)
            index.append(keys.index(key))
        f = self.flight
        apo = [np.nan if k[6] is None else k[6] for k in keys]
        try:
            batch = fly_targeted([k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys],
                             [k[3] for k in keys], [k[4] for k in keys], shape=[k[5] for k in keys],
                                 apogee_km=None if all(np.isnan(apo)) else apo, earth=f.earth,
                                 rotation=f.rotation, atmosphere=f.atmosphere, sample_dt_s=f.sample_dt_s)
        except ThaadsimError as exc:
            raise self.user_error(_threats_matching(rows, exc, index), exc) from None
        index = np.asarray(index)
        return batch if np.array_equal(index, np.arange(len(keys))) else batch[index]


def _threats_matching(rows, exc: ThaadsimError, index) -> str:
    """The ``threats.<i>`` path(s) a flight-layer error is about.

    The flight layer says which rows of its batch an error concerns (``exc.rows``); ``index`` maps
    each expanded threat to its batch row. Falls back to ``threats`` when the error names no row.
    """
    hits = sorted({r["source"] for r, j in zip(rows, index) if j in exc.rows})
    return ", ".join(f"threats.{i}" for i in hits) if hits else "threats"


class _RefError(ValueError):
    def __init__(self, loc, problem, fix):
        super().__init__(problem)
        self.loc, self.problem, self.fix = loc, problem, fix


def _unique(items, key, where):
    seen = set()
    for i, it in enumerate(items):
        v = getattr(it, key)
        if v in seen:
            raise _RefError(f"{where}.{i}.{key}", f"duplicate {key} {v!r}", f"every {where} entry needs its own {key}")
        seen.add(v)


def _fields_at(model_cls, loc):
    """Field names of the model reached by following ``loc`` (for 'unknown key' hints)."""
    import typing

    cls = model_cls
    for part in loc:
        if isinstance(part, int):
            continue
        fld = getattr(cls, "model_fields", {}).get(part)
        if fld is None:
            break
        ann = fld.annotation
        for _ in range(3):
            args = typing.get_args(ann)
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                break
            cand = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            ann = cand[0] if cand else ann
            if not args:
                break
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            cls = ann
        else:
            break
    return list(getattr(cls, "model_fields", {}).keys())


def scenario_from_dict(data: dict, origin: str = "<scenario>", model: type[Scenario] = Scenario) -> Scenario:
    """Validate a parsed TOML mapping; errors name ``origin`` and the field path."""
    try:
        scn = model.model_validate(data)
        scn._origin = origin
        return scn
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = [p for p in err["loc"]]
        ctx_err = err.get("ctx", {}).get("error")
        if isinstance(ctx_err, _RefError):
            raise ThaadsimError(f"{origin}: {ctx_err.loc}", ctx_err.problem, ctx_err.fix) from None
        path = ".".join(str(p) for p in loc) or "(top level)"
        if err["type"] == "extra_forbidden":
            valid = _fields_at(model, loc[:-1])
            raise ThaadsimError(f"{origin}: {path}", "unknown key", f"valid keys here: {', '.join(valid)}") from None
        if err["type"] == "missing":
            raise ThaadsimError(f"{origin}: {path}", "is required", "add it") from None
        msg = err["msg"].removeprefix("Value error, ")
        raise ThaadsimError(f"{origin}: {path}", f"{msg} (got {err.get('input')!r})"
                            if err["type"] != "value_error" else msg) from None


def load_scenario(path, model: type[Scenario] = Scenario) -> Scenario:
    """Read and validate a scenario TOML file (see the module docstring for the layout)."""
    p = Path(path)
    if p.is_dir():
        raise ThaadsimError(str(path), "is a directory, not a scenario file",
                            "give the path to a scenario .toml file, e.g. examples/seongju.toml")
    if not p.is_file():
        raise ThaadsimError(str(path), "file not found", "give the path to a scenario .toml file")
    try:
        with p.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ThaadsimError(p.name, f"is not valid TOML: {exc}", "fix the TOML syntax") from None
    except UnicodeDecodeError as exc:   # tomllib reads bytes and decodes them as UTF-8
        raise ThaadsimError(p.name, f"is not UTF-8 text (byte {exc.start}: {exc.reason})",
                            "save the scenario as a UTF-8 .toml file") from None
    except OSError as exc:
        raise ThaadsimError(str(path), f"cannot be read ({exc.strerror or exc})",
                            "check the path and its permissions") from None
    return scenario_from_dict(data, p.name, model)
