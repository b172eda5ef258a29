"""The scenario file: one TOML format for raids (``thaadsim raid``) and full runs (``thaadsim run``).

Layout (units in every numeric field's name; unknown keys are errors)::

    [scenario]                 name, seed, description, epoch (UTC ISO 8601 instant of t = 0 on the
                               raid clock, for the KML and CZML times; default 2026-01-01T00:00:00Z)
    [flight]                   sample_dt_s, rotation, atmosphere, earth          (optional)
    [[radars]]                 id, radar (catalog id or TOML path), lat_deg, lon_deg, site_height_m,
                               face_az_deg (optional: else toward the threats), average_power_kw
                               (optional: replaces the catalog radar's power, for sensitivity sweeps),
                               swerling, pd, pfa (optional: the target fluctuation model and design
                               point that set the SNR threshold; see thaadsim.sensors.swerling)
    [[batteries]]              id, interceptor, lat_deg, lon_deg, alt_m, launchers,
                               interceptors_per_launcher, reload_time_s, reload_loads, radar (a
                               [[radars]] id; absent = fires on an external cue), face_az_deg, pk, layer,
                               [batteries.fire_control] firm_track_s, launch_decision_s, ...
    [[assets]]                 defended assets: name, lat_deg, lon_deg, value
    [[launch_areas]]           named launch points: name, lat_deg, lon_deg                 (optional)
    [[threats]]                missile (catalog id), launch_area or launch_lat_deg/launch_lon_deg,
                               aimpoint (asset name) or aim_lat_deg/aim_lon_deg, shape, apogee_km,
                               launch_time_s, count, launch_interval_s, rv_rcs_m2, booster_rcs_m2
                               (optional: replace the missile's signature, for sensitivity sweeps),
                               payload_kg (optional: RV mass within the missile's catalog span, where its
                               published range band comes from payload; not in sweeps yet)
    [doctrine]                 mode, salvo_size, priority, max_shots_per_threat, decision_step_s,
                               hold_for_priority                                          (optional)
    [montecarlo]               runs, seed (default: scenario.seed)                         (optional)

The main job adds its own sections (e.g. ``[analysis]``, ``[outputs]``) by subclassing
:class:`Scenario` and passing the subclass to :func:`load_scenario` (``model=``); every section
here is its own model class so it can be reused.

Errors: :func:`load_scenario` raises :class:`~thaadsim.errors.ThaadsimError` whose field is
``<file>: <path>`` (e.g. ``raid.toml: threats.0.missile``) and whose fix says what is valid.

Bounds and types: every number has physical or practical limits, each with its reason in a
comment beside the field, checked when the file is read, before any work: e.g.
``raid.toml: threats.0.launch_time_s: 1000000000000.0 is out of range (allowed: [0, 86,400] s)``.
Totals are bounded too: missiles (10,000 per second of ``sample_dt_s``, at most 20,000),
interceptor rounds (100,000) and runs x missiles (1e9, for time: memory no longer grows with it). Numbers are strict: a quoted ``"36.0"``
is a string, not a number, and ``true`` is not 1; an integer where a float is expected, and a
whole float such as ``6.0`` for a count, are the same numbers and accepted. Angles outside their
range are refused, not wrapped. A UTF-8 byte-order mark is ignored.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import numpy as np
from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, ValidationError,
                      field_validator, model_validator)

from thaadsim.errors import ThaadsimError

if TYPE_CHECKING:                 # annotations only: the io layer builds these lazily
    import datetime

    from thaadsim.defense.battery import Battery
    from thaadsim.defense.raid import Doctrine
    from thaadsim.flight.trajectory import TrajectoryBatch
    from thaadsim.sensors.radar import Radar


def known_missile_id(v: str) -> str:
    """A catalog missile id, normalised (stripped, lower case).

    Parameters
    ----------
    v : str
        The id as the file writes it (case and surrounding spaces do not matter).

    Returns
    -------
    str
        The catalog id.

    Raises
    ------
    ValueError
        For an unknown id, listing the valid ones (the schema turns it into a one-line error).
    """
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


def _whole_float_as_int(v):
    # ``thaadsim sweep --vary batteries.0.launchers=2:8:4`` produces 2.0, 4.0, ... (numpy linspace);
    # a whole float is the same count. 6.5 launchers, "6" and true stay errors (strict mode).
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


#: a count (strict: a string or a boolean is not a number; a whole float such as 6.0 is accepted)
Count = Annotated[int, BeforeValidator(_whole_float_as_int)]

#: the largest seed: TOML integers are signed 64-bit, and numpy's SeedSequence takes any int >= 0
MAX_SEED = 2 ** 63 - 1
#: one day of raid clock: every launch happens within it (the CZML export and the event log use it)
MAX_RAID_CLOCK_S = 86_400.0
#: at most this many individual missiles (``count`` expanded): issue 11 measured 10,000 threats in
#: 174 s; twice that keeps a run within minutes on a laptop
MAX_THREATS = 20_000
#: and at most this many missiles per second of trajectory sample spacing (10,000 at the default
#: sample_dt_s = 1 s): every missile keeps its own sampled trajectory and engagement geometry,
#: ~220 kB a missile at 1 s for regional flights (benchmarks/bench_raid_memory.py), so 2.2 GB;
#: a finer spacing multiplies it (sample_dt_s = 0.1 s allows 1,000 missiles)
MAX_THREATS_PER_SAMPLE_S = 10_000
#: at most this many interceptors over all batteries (ready rounds plus reload loads). The raid draws
#: one uniform per round per Monte Carlo run (8 bytes each): 100,000 rounds are 0.8 MB per run, and
#: every fielded THAAD and Patriot inventory together is a few thousand rounds
MAX_TOTAL_ROUNDS = 100_000
#: at most this many runs x threats, for time, not memory: the raid keeps per-run totals and
#: per-threat sums only (its peak memory is flat in runs: 1.9 GB at 10,000 threats for 100,000
#: runs, benchmarks/bench_raid_memory.py), but its event loop walks every threat's decision slots
#: once per chunk of runs, ~40 s a chunk of 1,577 runs at 10,000 threats on 2 busy cores: 1e9
#: (issue 11's 10,000 threats x 100,000 runs) took 42 minutes; more would take hours.
#: (It was 1e8 while the raid kept ~26 bytes per run x threat: 1e9 would have been 26 GB.)
MAX_RUN_THREAT_CELLS = 1_000_000_000


class _Model(BaseModel):
    # allow_inf_nan=False: TOML has nan/inf literals; a NaN latitude used to read "should be <= 90
    # (got nan)" and an unbounded field (face_az_deg, reload_time_s = inf) slipped through to a
    # later error that named neither the file nor the field path.
    # strict=True: lat_deg = "36.0" (a TOML string) was silently read as a number; in strict mode a
    # string is not a number and 1 is not true (an int where a float is expected stays fine).
    model_config = ConfigDict(extra="forbid", frozen=False, allow_inf_nan=False, strict=True)


#: the raid clock's zero when a file gives none (an arbitrary fixed instant: exports reproducible)
DEFAULT_EPOCH_ISO = "2026-01-01T00:00:00Z"


class ScenarioInfo(_Model):
    """``[scenario]``: the scenario's name, seed, description and epoch (the UTC instant of t = 0)."""

    name: str = "scenario"
    seed: Count = Field(1, ge=0, le=MAX_SEED)
    description: str = ""
    # UTC launch time of the raid's clock (t = 0), ISO 8601, e.g. "2017-03-06T07:36:00Z": the KML
    # and CZML exports stamp every time from it (Google Earth's slider, Cesium's clock)
    epoch: str = DEFAULT_EPOCH_ISO

    @field_validator("epoch", mode="before")
    @classmethod
    def _toml_datetime(cls, v):
        import datetime as dt

        # TOML's own date-time literal (epoch = 2017-03-06T07:36:00Z, unquoted) is the same instant
        return v.isoformat() if isinstance(v, (dt.datetime, dt.date, dt.time)) else v

    @field_validator("epoch")
    @classmethod
    def _utc_iso_8601(cls, v: str) -> str:
        parse_epoch(v)
        return v


class FlightSection(_Model):
    """``[flight]``: how the threats are flown (sample spacing, Earth model, rotation, atmosphere)."""

    # >= 0.1 s: resolves intercept windows far below the 3 s salvo interval; 0.01 s multiplied every
    # trajectory's memory by 100 for nothing. <= 30 s: coarser misses short windows entirely
    sample_dt_s: float = Field(1.0, ge=0.1, le=30)
    rotation: bool = True
    atmosphere: bool = True
    earth: Literal["wgs84", "sphere"] = "wgs84"


class RadarSite(_Model):
    """``[[radars]]``: a catalog radar (or radar file) on a site, its face, and optional overrides of
    its power and detection design (Swerling case, Pd, Pfa)."""

    id: Name
    radar: str = Field("tpy2-tm", description="radar catalog id, or a path to a radar TOML file")
    lat_deg: float = Field(ge=-90, le=90)
    lon_deg: float = Field(ge=-180, le=360)
    site_height_m: float = Field(0.0, ge=-500, le=9000)
    # [0, 360): an azimuth outside it used to wrap (1e9 -> 280 deg) and the radar saw nothing
    face_az_deg: float | None = Field(None, ge=0, lt=360)
    # the TPY-2's power is a labelled estimate (README, radar analysis): a scenario can replace it
    # to ask how the answers move with it (thaadsim sweep --vary radars.0.average_power_kw=...)
    average_power_kw: float | None = Field(None, gt=0, le=1e5)
    # the threshold's design point (thaadsim.sensors.swerling): Swerling cases 0-4 exist; Pd below 0.1
    # is no design point and 1 needs infinite SNR; a Pfa of 0.1 or more is mostly noise, 0 infinite
    swerling: int | None = Field(None, ge=0, le=4)
    pd: float | None = Field(None, ge=0.1, lt=1)
    pfa: float | None = Field(None, gt=0, lt=0.1)

    def build(self) -> "Radar":
        """The catalog (or file) radar with this site's power and detection design overrides applied,
        not yet placed.

        Returns
        -------
        Radar
            The radar model (:class:`thaadsim.sensors.radar.Radar`).
        """
        from thaadsim.sensors.radar import load_radar

        radar = load_radar(self.radar)
        if self.average_power_kw is not None:
            radar = radar.with_changes(average_power_kw=self.average_power_kw)
        return radar.with_detection(swerling=self.swerling, pd=self.pd, pfa=self.pfa)


class FireControlSection(_Model):
    """A battery's ``fire_control`` delays, s: firm track, launch decision and preparation, kill
    assessment, salvo interval and the delay of an external cue."""

    firm_track_s: float = Field(20.0, ge=0, le=3600)
    launch_decision_s: float = Field(10.0, ge=0, le=3600)
    launch_prep_s: float = Field(5.0, ge=0, le=3600)
    kill_assessment_s: float = Field(10.0, ge=0, le=3600)
    salvo_interval_s: float = Field(3.0, ge=0, le=3600)
    cue_delay_s: float = Field(90.0, ge=0, le=3600)


class BatterySection(_Model):
    """``[[batteries]]``: an interceptor battery on a site (launchers, rounds, reloads, Pk, layer)
    and the radar that guides it."""

    id: Name
    interceptor: str
    lat_deg: float = Field(ge=-90, le=90)
    lon_deg: float = Field(ge=-180, le=360)
    alt_m: float = Field(0.0, ge=-500, le=9000)
    # <= 64: a THAAD battery has 6 launchers (up to 9), a Patriot battery up to 16; 64 leaves room
    # for several batteries pooled at one site
    launchers: Count = Field(6, ge=1, le=64)
    # <= 128: THAAD 8, PAC-3 MSE 12-16; a cruiser's 122 vertical launch cells fit as one "launcher"
    interceptors_per_launcher: Count = Field(8, ge=1, le=128)
    # <= one day: a reload arriving after the raid clock ends changes nothing
    reload_time_s: float = Field(1800.0, ge=0, le=MAX_RAID_CLOCK_S)
    # <= 100 spare launcher loads (each refills one launcher): far beyond any battery's stock
    reload_loads: Count = Field(0, ge=0, le=100)
    radar: str | None = None
    face_az_deg: float | None = Field(None, ge=0, lt=360)   # refused, not wrapped (see RadarSite)
    pk: float | None = Field(None, ge=0, le=1)
    # 0..9: a layer is a tier of the defense (upper, lower, ...); ten tiers are more than any architecture
    layer: Count = Field(0, ge=0, le=9)
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
    """``[[assets]]``: a defended point (a city-level place) and its relative value."""

    name: Name
    lat_deg: float = Field(ge=-90, le=90)
    lon_deg: float = Field(ge=-180, le=360)
    value: float = Field(1.0, ge=0, le=1e6)   # a relative weight: 1e6 spans any ranking of assets


class LaunchArea(_Model):
    """``[[launch_areas]]``: a named, regional launch point that threats may refer to."""

    name: Name
    lat_deg: float = Field(ge=-90, le=90)
    lon_deg: float = Field(ge=-180, le=360)


class ThreatSection(_Model):
    """``[[threats]]``: one missile type (or ``count`` of them) from a launch point to an aimpoint,
    with its trajectory shape, launch time and optional payload."""

    missile: str
    launch_area: str | None = None
    launch_lat_deg: float | None = Field(None, ge=-90, le=90)
    launch_lon_deg: float | None = Field(None, ge=-180, le=360)
    aimpoint: str | None = None
    aim_lat_deg: float | None = Field(None, ge=-90, le=90)
    aim_lon_deg: float | None = Field(None, ge=-180, le=360)
    shape: Literal["min-energy", "lofted", "depressed"] = "min-energy"
    # <= 10,000 km: twice the highest lofted test (Hwasong-15, 4,475 km, 2017) [ref:ucs-hwasong15-2017]
    apogee_km: float | None = Field(None, gt=0, le=10_000)
    # <= one day of raid clock (1e12 s crashed the CZML export after the whole run)
    launch_time_s: float = Field(0.0, ge=0, le=MAX_RAID_CLOCK_S)
    count: Count = Field(1, ge=1, le=1000)
    # <= one hour between missiles of one entry: later waves are entries of their own
    launch_interval_s: float = Field(0.0, ge=0, le=3600)
    # RCS is an assumption (sensors.signatures); these replace the missile's own for this entry
    rv_rcs_m2: float | None = Field(None, gt=0, le=1e4)
    booster_rcs_m2: float | None = Field(None, gt=0, le=1e4)
    # RV mass replacing the catalog's, within the missile's own span (catalog payload_kg_min/max, where its
    # published range band comes from payload); <= 100,000 kg bounds the number before that check
    payload_kg: float | None = Field(None, gt=0, le=1e5)

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
        if self.payload_kg is not None:
            from thaadsim.flight.catalog import with_payload

            try:
                with_payload(self.missile, self.payload_kg)
            except ThaadsimError as exc:
                raise ValueError(f"payload_kg: {exc.problem}; {exc.fix}") from None
        last = self.launch_time_s + (self.count - 1) * self.launch_interval_s
        if last > MAX_RAID_CLOCK_S:
            raise ValueError(f"the last of {self.count} missiles launches at {last:g} s (launch_time_s + (count - 1)"
                             f" x launch_interval_s), after the {MAX_RAID_CLOCK_S:g} s (one day) raid clock; "
                             f"lower count, launch_interval_s or launch_time_s")
        return self


class DoctrineSection(_Model):
    """``[doctrine]``: how batteries fire (shoot-look-shoot, shoot-shoot-look, salvo), how threats are
    prioritised, the cap on shots per threat and the spacing of decision slots."""

    mode: Literal["shoot-look-shoot", "shoot-shoot-look", "salvo"] = "shoot-look-shoot"
    salvo_size: Count = Field(2, ge=1, le=16)
    priority: Literal["time-to-impact", "asset-value"] = "time-to-impact"
    max_shots_per_threat: Count | None = Field(None, ge=1, le=64)   # 64: more than any battery's launcher load
    # [0.5, 600] s: decision slots are spaced by it over each window; 1e-9 s tried to allocate 741 GiB.
    # 0.5 s is finer than the 3 s salvo interval; 600 s is longer than a short-range flight
    decision_step_s: float = Field(5.0, ge=0.5, le=600)
    hold_for_priority: bool = True

    def build(self) -> "Doctrine":
        """The defense layer's :class:`~thaadsim.defense.raid.Doctrine` for this section.

        Returns
        -------
        Doctrine
            The doctrine the raid simulation takes.
        """
        from thaadsim.defense.raid import Doctrine

        return Doctrine(mode=self.mode, salvo_size=self.salvo_size, priority=self.priority,
                        max_shots_per_threat=self.max_shots_per_threat, decision_step_s=self.decision_step_s,
                        hold_for_priority=self.hold_for_priority)


class MonteCarloSection(_Model):
    """``[montecarlo]``: the number of runs, their seed and how many are simulated together."""

    # <= 1e7 runs: the standard error of a probability is then below 0.0002; more only costs time
    # (the raid keeps 16 bytes a run of per-run totals: 160 MB at 1e7)
    runs: Count = Field(1000, ge=1, le=10_000_000)
    seed: Count | None = Field(None, ge=0, le=MAX_SEED)
    # runs simulated together; results do not depend on it, and to_plan lowers it to bound memory
    chunk_runs: Count = Field(2000, ge=1, le=100_000)


class Scenario(_Model):
    """A whole scenario file. Subclass to add sections (``extra`` stays forbidden)."""

    scenario: ScenarioInfo = Field(default_factory=ScenarioInfo)
    flight: FlightSection = Field(default_factory=FlightSection)
    # list lengths: the map, report and raid tables are drawn per entry; these are far above any
    # published layout (a few radars and batteries, tens of assets)
    radars: list[RadarSite] = Field(default_factory=list, max_length=32)
    batteries: list[BatterySection] = Field(default_factory=list, max_length=32)
    assets: list[AssetSection] = Field(default_factory=list, max_length=1000)
    launch_areas: list[LaunchArea] = Field(default_factory=list, max_length=1000)
    threats: list[ThreatSection] = Field(default_factory=list, max_length=1000)
    doctrine: DoctrineSection = Field(default_factory=DoctrineSection)
    montecarlo: MonteCarloSection = Field(default_factory=MonteCarloSection)
    _origin: str = PrivateAttr(default="<scenario>")   # the file name, for error messages

    def user_error(self, path: str, exc: ThaadsimError) -> ThaadsimError:
        """``exc`` (raised by a lower layer while building from this file) re-labelled with the file
        and the field path, so the one-line message says where in the scenario to look.

        Parameters
        ----------
        path : str
            The field path in the file, e.g. ``"batteries.0.interceptor"``.
        exc : ThaadsimError
            The error the lower layer raised.

        Returns
        -------
        ThaadsimError
            The same problem and fix, with ``<file>: <path>`` in front of its field.
        """
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
        n_threats = sum(t.count for t in self.threats)
        if n_threats > MAX_THREATS:
            raise _RefError("threats", f"{n_threats:,} missiles in all (count summed over [[threats]]) is above the "
                            f"limit of {MAX_THREATS:,}", "lower the counts, or split the raid into several files")
        # a reload load refills one launcher: interceptors_per_launcher rounds
        most = int(MAX_THREATS_PER_SAMPLE_S * self.flight.sample_dt_s)
        if n_threats > most:
            raise _RefError("threats", f"{n_threats:,} missiles at flight.sample_dt_s = {self.flight.sample_dt_s:g} s "
                            f"would hold ~{n_threats * 0.22 / self.flight.sample_dt_s / 1e3:,.1f} GB of trajectories "
                            f"(~220 kB a missile at 1 s)", f"at most {most:,} missiles at this spacing: lower the "
                            f"counts or raise [flight].sample_dt_s")
        rounds = sum((b.launchers + b.reload_loads) * b.interceptors_per_launcher for b in self.batteries)
        if rounds > MAX_TOTAL_ROUNDS:
            raise _RefError("batteries", f"{rounds:,} interceptors in all ((launchers + reload_loads) x "
                            f"interceptors_per_launcher, summed) is above the limit of {MAX_TOTAL_ROUNDS:,}",
                            "lower launchers, interceptors_per_launcher or reload_loads")
        check_monte_carlo_size("montecarlo.runs", self.montecarlo.runs, n_threats)
        return self

    @field_validator("radars")
    @classmethod
    def _radar_files(cls, v):
        for i, r in enumerate(v):
            problem = radar_ref_problem(r.radar)
            if problem:
                raise _RefError(f"radars.{i}.radar", *problem)
        return v

    def set_runs(self, runs: int, option: str = "--runs") -> None:
        """Replace ``[montecarlo].runs`` (a CLI override), with the file's bounds.

        Parameters
        ----------
        runs : int
            Monte Carlo runs, 1 to 10,000,000 (and runs x threats within the file's limit).
        option : str
            The command-line option the number came from; errors name it.

        Raises
        ------
        ThaadsimError
            When ``runs`` is not a whole number in range.
        """
        if isinstance(runs, bool) or not isinstance(runs, int) or not 1 <= runs <= 10_000_000:
            raise ThaadsimError(option, f"{runs!r} is outside [1, 10,000,000]",
                                "e.g. 10000 (the standard error of a probability is then below 0.005)")
        try:
            check_monte_carlo_size(option, runs, sum(t.count for t in self.threats))
        except _RefError as exc:
            raise ThaadsimError(exc.loc, exc.problem, exc.fix) from None
        self.montecarlo.runs = runs

    # ---- turning the file into simulation objects --------------------------------------------
    def build_batteries(self) -> "list[Battery]":
        """The :class:`~thaadsim.defense.battery.Battery` objects (radars placed and attached).

        Returns
        -------
        list of Battery
            One per ``[[batteries]]`` entry, in file order.
        """
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
        face toward each threat in turn; this single face is what the map and the run's detections use.

        Parameters
        ----------
        i : int
            Index of the radar in ``[[radars]]``.

        Returns
        -------
        float
            Face azimuth, degrees clockwise from north, in [0, 360).
        """
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
                                 rv_rcs_m2=t.rv_rcs_m2, booster_rcs_m2=t.booster_rcs_m2, payload_kg=t.payload_kg))
        return rows

    def fly_threats(self, rows: "list[dict] | None" = None) -> "TrajectoryBatch":
        """Fly every expanded threat with the flight engine: one ``fly_targeted`` call for all the
        distinct flights (a ``count`` of 10 flies once), then rows are repeated as needed.

        Parameters
        ----------
        rows : list of dict or None
            The expanded threat rows (:meth:`expand_threats`); None expands the file's threats.

        Returns
        -------
        TrajectoryBatch
            One sampled trajectory per expanded threat, in order.
        """
        from thaadsim.flight import fly_targeted

        rows = rows if rows is not None else self.expand_threats()
        if not rows:
            raise ThaadsimError("threats", "no threats in the scenario", "add at least one [[threats]] entry")
        keys, index = [], []
        for r in rows:
            key = (r["missile"], r["launch_lat_deg"], r["launch_lon_deg"], r["aim_lat_deg"], r["aim_lon_deg"],
                   r["shape"], r["apogee_km"], r.get("payload_kg"))
            if key not in keys:
                keys.append(key)
            index.append(keys.index(key))
        f = self.flight
        apo = [np.nan if k[6] is None else k[6] for k in keys]
        try:
            from thaadsim.flight.catalog import with_payload

            # with_payload caches: rows with one (missile, payload) share one Missile, so fly as one
            batch = fly_targeted([with_payload(k[0], k[7]) for k in keys], [k[1] for k in keys], [k[2] for k in keys],
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


def parse_epoch(text: str) -> "datetime.datetime":
    """``[scenario].epoch`` as an aware UTC :class:`datetime.datetime`.

    ISO 8601 with a UTC designator (``Z`` or ``+00:00``): a time without one is ambiguous, and a
    local offset is refused rather than converted, so the file says the instant the exports show.
    Years 1950-2100: every export viewer's clock covers them (and a raid lasts at most a day).

    Parameters
    ----------
    text : str
        The epoch as written, e.g. ``"2017-03-06T07:36:00Z"``.

    Returns
    -------
    datetime.datetime
        The instant, timezone-aware, in UTC.

    Raises
    ------
    ValueError
        Saying what is wrong (not ISO 8601, not UTC, out of range) and how to write it.
    """
    import datetime as dt

    example = f'write e.g. epoch = "{DEFAULT_EPOCH_ISO}" (UTC, ISO 8601)'
    try:
        t = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO 8601 date and time; {example}") from None
    if t.tzinfo is None or t.utcoffset() != dt.timedelta(0):
        raise ValueError(f"{text!r} is not in UTC (it needs a Z or +00:00 designator); {example}")
    if not 1950 <= t.year <= 2100:
        raise ValueError(f"{text!r} is out of range (allowed: years 1950 to 2100); {example}")
    return t.astimezone(dt.timezone.utc)


def check_monte_carlo_size(where: str, runs: int, n_threats: int) -> None:
    """Refuse a raid whose runs x threats exceeds :data:`MAX_RUN_THREAT_CELLS` (a limit on time).

    Parameters
    ----------
    where : str
        The field or option the run count came from (named in the error).
    runs : int
        Monte Carlo runs.
    n_threats : int
        Threats in the raid (``count`` included).

    Raises
    ------
    ValueError
        A schema error naming ``where``, the product, the limit and the most runs allowed.
    """
    if runs * n_threats > MAX_RUN_THREAT_CELLS:
        most = max(1, MAX_RUN_THREAT_CELLS // max(n_threats, 1))
        raise _RefError(where, f"{runs:,} runs x {n_threats:,} threats = {runs * n_threats:,.0f} threat-runs, above "
                        f"the limit of {MAX_RUN_THREAT_CELLS:,.0f} (the raid's time grows with it: 10,000 threats x "
                        f"100,000 runs take ~40 minutes)", f"give at most {most:,} runs for {n_threats:,} threats")


def radar_ref_problem(ref: str) -> tuple[str, str] | None:
    """Why a ``[[radars]].radar`` value is neither a catalog radar id nor a readable radar file.

    Parameters
    ----------
    ref : str
        A catalog radar id or the path of a radar TOML file.

    Returns
    -------
    tuple of (str, str) or None
        ``(problem, fix)`` for the one-line error, or None when ``ref`` names a radar.
    """
    from thaadsim.sensors.radar import radar_ids

    if ref in radar_ids():   # load_radar looks ids up as written
        return None
    p = Path(ref)
    if p.is_file():
        return None
    ids = ", ".join(radar_ids())
    if p.is_dir():
        return (f"{ref!r} is a directory, not a radar file", f"give a radar catalog id ({ids}) or a radar .toml file")
    if p.suffix.lower() == ".toml" or "/" in ref or "\\" in ref:
        return (f"radar file {ref!r} not found (paths are relative to the folder you run thaadsim from)",
                f"check the path, or give a radar catalog id ({ids})")
    return (f"unknown radar id {ref!r}", f"valid: {ids}; or the path of a radar .toml file")


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
    cls = _model_at(model_cls, loc)
    return list(getattr(cls, "model_fields", {}).keys())


def _model_at(model_cls, loc):
    """The model class reached by following ``loc`` (as far as it leads through models)."""
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
    return cls


def scenario_from_dict(data: dict, origin: str = "<scenario>", model: type[Scenario] = Scenario) -> Scenario:
    """Validate a parsed TOML mapping as a scenario.

    Parameters
    ----------
    data : dict
        The mapping ``tomllib`` read (or one built in code).
    origin : str
        What to call it in error messages (the file name).
    model : type
        The schema: :class:`Scenario`, or a subclass with more sections.

    Returns
    -------
    Scenario
        The validated scenario.

    Raises
    ------
    ThaadsimError
        For the first problem, naming ``origin``, the field path and the allowed values.
    """
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
        if err["type"] in _RANGE_ERRORS:
            raise ThaadsimError(f"{origin}: {path}", f"{err.get('input')!r} is out of range",
                                f"allowed: {_allowed_range(model, loc)}") from None
        if err["type"] in _TYPE_ERRORS:
            got = err.get("input")
            what = _TYPE_ERRORS[err["type"]]
            hint = (f"write it without quotes, e.g. {loc[-1]} = {got.strip()}" if isinstance(got, str) and
                    _reads_as_number(got) else f"give {what}")
            raise ThaadsimError(f"{origin}: {path}", f"{got!r} ({type(got).__name__}) is not {what}", hint) from None
        if err["type"] in ("too_long", "too_short"):
            raise ThaadsimError(f"{origin}: {path}", err["msg"], "split the scenario into several files"
                                if err["type"] == "too_long" else None) from None
        msg = err["msg"].removeprefix("Value error, ")
        raise ThaadsimError(f"{origin}: {path}", f"{msg} (got {err.get('input')!r})"
                            if err["type"] != "value_error" else msg) from None


#: pydantic error types for a number outside a field's bounds
_RANGE_ERRORS = ("greater_than", "greater_than_equal", "less_than", "less_than_equal")
#: pydantic strict-mode type errors, and what the field wants
_TYPE_ERRORS = {"float_type": "a number", "int_type": "a whole number", "bool_type": "true or false",
                "string_type": "a quoted string", "list_type": "a list [...]", "model_type": "a table",
                "dict_type": "a table", "finite_number": "a finite number", "int_from_float": "a whole number"}


def _reads_as_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def _allowed_range(model_cls, loc) -> str:
    """``[lo, hi]`` (``(`` / ``)`` for open ends) of the field at ``loc``, from its pydantic metadata."""
    info = _field_info_at(model_cls, loc)
    lo, hi, lo_open, hi_open = None, None, False, False
    for m in getattr(info, "metadata", []) if info is not None else []:
        for name, is_lo, is_open in (("ge", True, False), ("gt", True, True), ("le", False, False),
                                     ("lt", False, True)):
            v = getattr(m, name, None)
            if v is not None:
                if is_lo:
                    lo, lo_open = v, is_open
                else:
                    hi, hi_open = v, is_open
    def fmt(v):
        return f"{v:,}" if isinstance(v, int) else f"{v:,g}"

    lo_s = "-inf" if lo is None else fmt(lo)
    hi_s = "inf" if hi is None else fmt(hi)
    names = [p for p in loc if isinstance(p, str)]
    unit = next((u for suffix, u in _UNITS.items() if names and names[-1].endswith(suffix)), "")
    return f"{'(' if lo_open or lo is None else '['}{lo_s}, {hi_s}{')' if hi_open or hi is None else ']'}{unit}"


#: the unit a field name's suffix states (the project's naming rule), for range messages
_UNITS = {"_s": " s", "_deg": " deg", "_km": " km", "_m": " m", "_kw": " kW", "_m2": " m²"}


def _field_info_at(model_cls, loc):
    """The pydantic FieldInfo of the field at ``loc`` (None if the path leaves the models)."""
    fields = _fields_at(model_cls, loc[:-1])
    if loc and loc[-1] in fields:
        parent = _model_at(model_cls, loc[:-1])
        return parent.model_fields.get(loc[-1]) if parent is not None else None
    # list items (coverage_alt_km.0) and unions: the last named field
    names = [p for p in loc if isinstance(p, str)]
    parent = _model_at(model_cls, loc[:loc.index(names[-1])]) if names else None
    return parent.model_fields.get(names[-1]) if parent is not None else None


def load_scenario(path: str | Path, model: type[Scenario] = Scenario) -> Scenario:
    """Read and validate a scenario TOML file (see the module docstring for the layout).

    Parameters
    ----------
    path : str or pathlib.Path
        The scenario file.
    model : type
        The schema: :class:`Scenario`, or a subclass with more sections.

    Returns
    -------
    Scenario
        The validated scenario.

    Raises
    ------
    ThaadsimError
        A missing or unreadable file, invalid TOML, or the first schema problem, in one line that
        names the file and the field.
    """
    p = Path(path)
    if p.is_dir():
        raise ThaadsimError(str(path), "is a directory, not a scenario file",
                            "give the path to a scenario .toml file, e.g. examples/seongju.toml")
    if not p.is_file():
        raise ThaadsimError(str(path), "file not found", "give the path to a scenario .toml file")
    try:
        # utf-8-sig: a byte-order mark (Windows Notepad writes one) read as "Invalid statement (line 1,
        # column 1)"; it is not part of the TOML text, so it is dropped
        data = tomllib.loads(p.read_bytes().decode("utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise ThaadsimError(p.name, f"is not valid TOML: {exc}", "fix the TOML syntax") from None
    except UnicodeDecodeError as exc:   # tomllib reads bytes and decodes them as UTF-8
        raise ThaadsimError(p.name, f"is not UTF-8 text (byte {exc.start}: {exc.reason})",
                            "save the scenario as a UTF-8 .toml file") from None
    except OSError as exc:
        raise ThaadsimError(str(path), f"cannot be read ({exc.strerror or exc})",
                            "check the path and its permissions") from None
    return scenario_from_dict(data, p.name, model)
