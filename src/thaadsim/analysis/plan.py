"""A run plan: the plain, already-validated description of what a scenario asks for.

The scenario file's schema (:mod:`thaadsim.io.scenario`) is the user's language; this is the
pipeline's. Keeping them apart lets the pipeline be driven from Python directly (notebooks,
tests, sweeps) and keeps the pipeline independent of how the file is spelled.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PlacePoint:
    """A named point (launch area, aimpoint, defended asset): city/region level only."""

    name: str
    lat_deg: float
    lon_deg: float
    alt_m: float = 0.0
    value: float = 1.0                   # relative value of a defended asset (raid priority/loss)


@dataclass
class ThreatPlan:
    """One threat missile: who, from where, to where, how (shape), when (scenario seconds)."""

    id: str
    missile_id: str
    launch: PlacePoint
    target: PlacePoint
    shape: str = "min-energy"
    apogee_km: float | None = None
    launch_time_s: float = 0.0
    name: str = ""
    missile: object | None = None        # a Missile with overrides applied, if any
    rv_rcs_m2: float | None = None       # replaces the missile's RV (midcourse, reentry) RCS
    booster_rcs_m2: float | None = None  # replaces its booster RCS

    def label(self) -> str:
        return self.name or f"{self.missile_id} {self.shape} → {self.target.name}"


@dataclass
class FootprintRequest:
    """Ask for the defended footprints against one threat type (see :mod:`thaadsim.analysis.footprint`)."""

    missile_id: str
    launch: PlacePoint
    shape: str = "min-energy"
    apogee_km: float | None = None
    center: PlacePoint | None = None      # None: the mean position of the batteries
    half_width_km: float = 300.0
    grid_n: int = 11
    max_nodes: int | None = None          # cap on the grown grid's nodes (None: 4 grid_n²)

    def label(self) -> str:
        return f"{self.missile_id} {self.shape} from {self.launch.name}"


@dataclass
class Plan:
    """Everything :func:`thaadsim.analysis.pipeline.run_plan` needs."""

    name: str
    title: str = ""
    description: str = ""
    threats: list[ThreatPlan] = field(default_factory=list)
    radars: dict = field(default_factory=dict)            # id -> thaadsim.sensors.radar.PlacedRadar
    batteries: list = field(default_factory=list)         # thaadsim.defense.battery.Battery
    assets: list[PlacePoint] = field(default_factory=list)
    coverage_alt_km: tuple[float, ...] = (100.0,)
    coverage_rcs_m2: float | None = None                  # None: the RV default of the sensors layer
    sample_dt_s: float = 2.0
    trials: int = 0                                       # raid Monte Carlo trials (0 = skip)
    seed: int = 0
    questions: list[str] = field(default_factory=list)    # free-text questions echoed in the report
    # parallel to questions: (view, alt_km) of the answer view each is linked to, or None
    # (thaadsim.io.scenario_outputs.Question; answered by ScenarioResult.question_answers)
    question_views: list = field(default_factory=list)
    footprints: list[FootprintRequest] = field(default_factory=list)
    strategic: dict | None = None                         # strategic_table keyword arguments (None: skip)
    scenario_path: str = ""
    scenario_text: str = ""
    scenario_sha256: str = ""
    raid_runner: object | None = None                     # callable(batch, batteries, windows, plan) -> dict
    doctrine: object | None = None                        # thaadsim.defense.raid.Doctrine (None: default)
    chunk_runs: int = 2000
    flyer: object | None = None                           # callable() -> TrajectoryBatch (None: fly_targeted)
    epoch: object | None = None                           # datetime: UTC instant of t = 0 (None: the exports' default)
