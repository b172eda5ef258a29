"""What ``thaadsim run`` adds to the scenario file: an ``[analysis]`` section and a ``run()`` method.

The base schema (:mod:`thaadsim.io.scenario`) describes the situation (sites, threats, doctrine,
Monte Carlo). A full run also asks for some analysis outputs::

    [analysis]
    title = "THAAD at Seongju against a North Korean raid"   # report title (default: scenario name)
    coverage_alt_km = [50.0, 150.0]    # draw each radar face's ground footprint for targets at these altitudes
    coverage_rcs_m2 = 0.05             # RCS for those footprints (default: the sensors layer's RV value)
    raid = true                        # run the raid Monte Carlo ([montecarlo].runs) when batteries exist
    questions = ["Does the TPY-2 see ...?"]   # echoed in the report next to the answers, or linked
    # to the answer view each is about (the report prints that view's answer under the question;
    # the app's question selector switches to it): raid, engagement_windows, detections,
    # coverage (alt_km: one of coverage_alt_km), footprint, strategic
    # questions = [{text = "What is P(no leaker)?", view = "raid"}, "a plain question"]

    [analysis.strategic]               # optional: the strategic table (`thaadsim strategic`) for this layout
    site = "THAAD Seongju"             # a [[batteries]] id: the THAAD battery and TPY-2 (default: the first)
    launch_areas_csv = "areas.csv"     # name,lat_deg,lon_deg[,country][,missile], relative to this file
    targets_csv = "targets.csv"        # name,lat_deg,lon_deg (default for either: [[launch_areas]], [[assets]])
    missile = "df-41"                  # optional: one missile for every pair (default: chosen per pair)
    face_az_deg = 350.0                # optional: both TPY-2 modes' face (default: TM 325, FBM to each area)

    [outputs]                          # optional
    figure_formats = ["png", "svg", "pdf"]   # static maps also as SVG / PDF for papers (png always)

    [[analysis.defended_area]]         # optional, repeatable: defended footprints of every battery
    missile = "nodong"                 # against this threat type ...
    launch_area = "Wonsan area"        # ... from here (or launch_lat_deg / launch_lon_deg)
    shape = "min-energy"               # (apogee_km for lofted/depressed)
    grid_n = 11                        # aimpoints on an 11 x 11 grid (one flight each) ...
    half_width_km = 300.0              # ... spanning +-300 km around the batteries (or center_lat_deg/lon)
    max_nodes = 484                    # a footprint reaching the grid edge grows it by rings of the same
                                       # cell size up to this many nodes (default 4 x grid_n², at most
                                       # 40,000); grid_n may be up to 200

Use::

    from thaadsim.io.scenario_outputs import load_run_scenario
    result = load_run_scenario("examples/seongju.toml").run()      # a ScenarioResult
    result.threats, result.detections, result.engagements, result.raid_table; result.plot()
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from typing import TYPE_CHECKING, Literal, get_args

from pydantic import Field, PrivateAttr, field_validator, model_validator

from thaadsim.io.scenario import Scenario, _Model, _RefError, known_missile_id, load_scenario, parse_epoch

if TYPE_CHECKING:                 # annotations only
    from collections.abc import Callable, Sequence

    from thaadsim.analysis.plan import Plan
    from thaadsim.analysis.result import ScenarioResult
    from thaadsim.defense.battery import Battery


class DefendedAreaRequest(_Model):
    """``[[analysis.defended_area]]``: footprints of every battery against one threat type."""

    missile: str
    launch_area: str | None = None
    launch_lat_deg: float | None = Field(None, ge=-90, le=90)
    launch_lon_deg: float | None = Field(None, ge=-180, le=360)
    shape: Literal["min-energy", "lofted", "depressed"] = "min-energy"
    apogee_km: float | None = Field(None, gt=0, le=10_000)   # the [[threats]] bound (twice the highest lofted test)
    center_lat_deg: float | None = Field(None, ge=-90, le=90)
    center_lon_deg: float | None = Field(None, ge=-180, le=360)
    half_width_km: float = Field(300.0, gt=10, le=3000)
    # up to 200 x 200 aimpoints (thaadsim.analysis.footprint_map.MAX_GRID_N): flown in fixed chunks,
    # so memory stays bounded; about a minute on two cores once targeting costs ~2 flights/aimpoint
    grid_n: int = Field(11, ge=3, le=200)
    # the grid grows (whole rings, same cell size) while a footprint touches its edge, up to this
    # many nodes; None: 4 x grid_n², at most 40,000. The upper bound keeps a run to minutes.
    max_nodes: int | None = Field(None, ge=9, le=40000)

    @field_validator("missile")
    @classmethod
    def _known_missile(cls, v):
        return known_missile_id(v)

    @model_validator(mode="after")
    def _points(self):
        if (self.launch_area is None) == (self.launch_lat_deg is None or self.launch_lon_deg is None):
            raise ValueError("give launch_area (a [[launch_areas]] name) or launch_lat_deg and launch_lon_deg")
        if (self.center_lat_deg is None) != (self.center_lon_deg is None):
            raise ValueError("give both center_lat_deg and center_lon_deg, or neither (mean battery position)")
        if self.shape != "min-energy" and self.apogee_km is None:
            raise ValueError(f"shape {self.shape!r} needs apogee_km")
        if self.max_nodes is not None and self.max_nodes < self.grid_n ** 2:
            raise ValueError(f"max_nodes = {self.max_nodes} is below the initial grid's {self.grid_n ** 2} nodes "
                             f"(grid_n = {self.grid_n}); give max_nodes >= {self.grid_n ** 2}, or omit it "
                             f"(default 4 x grid_n²)")
        return self


#: the answer views a question may name: the app shows each as one panel, the report prints its
#: answer line under the question (:meth:`thaadsim.analysis.result.ScenarioResult.question_answers`)
AnswerView = Literal["raid", "engagement_windows", "detections", "coverage", "footprint", "strategic"]
ANSWER_VIEWS = get_args(AnswerView)


class Question(_Model):
    """One ``questions`` entry linked to the answer view it is about.

    ``{text = "...", view = "coverage", alt_km = 150.0}``: ``view`` is one of :data:`ANSWER_VIEWS`;
    ``alt_km`` (coverage only) picks one of ``coverage_alt_km`` (default: every altitude). A plain
    string is a question with no link (``view = None``).
    """

    text: str = Field(min_length=1, max_length=1000)
    view: AnswerView | None = None
    alt_km: float | None = Field(None, ge=0, le=3000)

    @model_validator(mode="after")
    def _alt_only_for_coverage(self):
        if self.alt_km is not None and self.view != "coverage":
            raise ValueError(f"alt_km is for view = \"coverage\" only (this question's view is {self.view!r})")
        return self


class StrategicRequest(_Model):
    """``[analysis.strategic]``: every launch area x target, flown min-energy, against the site's defence."""

    site: str | None = None
    launch_areas_csv: str | None = None
    targets_csv: str | None = None
    missile: str | None = None
    face_az_deg: float | None = Field(None, ge=0, lt=360)
    sample_dt_s: float = Field(5.0, ge=0.5, le=30.0)

    @field_validator("missile")
    @classmethod
    def _known_missile(cls, v):
        return None if v is None else known_missile_id(v)


class AnalysisSection(_Model):
    """``[analysis]``: what ``thaadsim run`` reports beyond the raid: the title, the questions, the
    coverage altitudes and RCS, defended-area footprints and the strategic table."""

    title: str = ""
    coverage_alt_km: list[float] = Field(default_factory=lambda: [100.0])
    coverage_rcs_m2: float | None = Field(None, gt=0, le=1e4)
    raid: bool = True
    # echoed in the report; each a plain string or a Question linked to an answer view
    questions: list[Question] = Field(default_factory=list, max_length=100)
    # <= 8 footprint requests: each may fly up to 40,000 aimpoints (max_nodes)
    defended_area: list[DefendedAreaRequest] = Field(default_factory=list, max_length=8)
    strategic: StrategicRequest | None = None

    @field_validator("questions", mode="before")
    @classmethod
    def _plain_questions(cls, v):
        # a plain string stays valid: a question with no link to a view
        return [{"text": q} if isinstance(q, str) else q for q in v] if isinstance(v, list) else v

    @field_validator("coverage_alt_km")
    @classmethod
    def _alts(cls, v):
        if len(v) > 8:
            raise ValueError("at most 8 coverage altitudes")
        for a in v:
            if not (0.0 <= a <= 3000.0):
                raise ValueError(f"coverage altitude {a!r} km must be within [0, 3000] km")
        return v


class OutputsSection(_Model):
    """``[outputs]``: what ``thaadsim run`` writes besides the fixed set.

    ``figure_formats = ["svg", "pdf"]`` also writes the static maps (map.png, strategic.png) as
    map.svg / map.pdf (vector, text kept as text, for papers); png is always written.
    ``thaadsim run --figure-format`` overrides it.
    """

    figure_formats: list[Literal["png", "svg", "pdf"]] = Field(default_factory=lambda: ["png"], min_length=1,
                                                                max_length=3)


class RunScenario(Scenario):
    """The scenario schema plus ``[analysis]`` and ``[outputs]``; ``run()`` runs everything and returns a
    ScenarioResult."""

    analysis: AnalysisSection = Field(default_factory=AnalysisSection)
    outputs: OutputsSection = Field(default_factory=OutputsSection)
    _source_path: str = PrivateAttr(default="")
    _source_text: str = PrivateAttr(default="")
    _source_sha256: str = PrivateAttr(default="")

    @model_validator(mode="after")
    def _has_threats(self):
        # an empty file (or one with only radars) used to run and write a report with no answers
        if not self.threats:
            raise _RefError("threats", "no [[threats]] entries: there is nothing to fly",
                            "add at least one [[threats]] entry (missile, launch_area or launch_lat_deg/"
                            "launch_lon_deg, aimpoint or aim_lat_deg/aim_lon_deg); see examples/seongju.toml")
        return self

    @model_validator(mode="after")
    def _questions_answerable(self):
        # a question linked to a view the run does not compute would print "not computed" under it
        # in every report: refused here, naming what the file must ask for
        a = self.analysis
        needs = {"raid": (a.raid and bool(self.batteries), "[[batteries]] and analysis.raid = true"),
                 "engagement_windows": (bool(self.batteries), "a [[batteries]] entry"),
                 "detections": (bool(self.radars), "a [[radars]] entry"),
                 "coverage": (bool(self.radars), "a [[radars]] entry"),
                 "footprint": (bool(a.defended_area), "an [[analysis.defended_area]] request"),
                 "strategic": (a.strategic is not None, "an [analysis.strategic] section")}
        for i, q in enumerate(a.questions):
            if q.view is None:
                continue
            ok, what = needs[q.view]
            if not ok:
                raise _RefError(f"analysis.questions.{i}.view", f"view {q.view!r} needs {what} in the file",
                                f"add {what}, or link the question to another view "
                                f"({', '.join(ANSWER_VIEWS)}) or give it as a plain string")
            if q.alt_km is not None and not any(abs(q.alt_km - h) < 1e-9 for h in a.coverage_alt_km):
                raise _RefError(f"analysis.questions.{i}.alt_km",
                                f"{q.alt_km:g} km is not one of coverage_alt_km "
                                f"({', '.join(f'{h:g}' for h in a.coverage_alt_km)} km)",
                                "add it to analysis.coverage_alt_km, or omit alt_km (every altitude)")
        return self

    def to_plan(self) -> "Plan":
        """The pipeline's :class:`~thaadsim.analysis.plan.Plan` for this scenario.

        Returns
        -------
        Plan
            Plain objects (threats, radars, batteries, assets, requests) the analysis layer runs.
        """
        from thaadsim.analysis.plan import FootprintRequest, PlacePoint, Plan, ThreatPlan
        rows = self.expand_threats()
        assets = {a.name: a for a in self.assets}
        threats = []
        for k, r in enumerate(rows):
            la = r["launch_lat_deg"], r["launch_lon_deg"]
            src = self.threats[r["source"]].launch_area or f"{la[0]:.2f}N {la[1]:.2f}E"
            if r["asset"] is not None:
                tgt = PlacePoint(r["asset"], assets[r["asset"]].lat_deg, assets[r["asset"]].lon_deg)
            else:
                tgt = PlacePoint(f"{r['aim_lat_deg']:.2f}N {r['aim_lon_deg']:.2f}E", r["aim_lat_deg"], r["aim_lon_deg"])
            tid = f"T{k + 1:02d} {r['missile']}→{tgt.name}"
            threats.append(ThreatPlan(id=tid, missile_id=r["missile"], launch=PlacePoint(src, *la), target=tgt,
                                      shape=r["shape"], apogee_km=r["apogee_km"], launch_time_s=r["launch_time_s"],
                                      name=f"{r['missile']} {r['shape']} {src} → {tgt.name}",
                                      rv_rcs_m2=r["rv_rcs_m2"], booster_rcs_m2=r["booster_rcs_m2"]))
        radars = {}
        batteries = self.build_batteries()
        by_id = {b.id: b for b in batteries}
        for i, r in enumerate(self.radars):
            # the battery's placed radar object when one uses this radar, so detections are shared
            user = next((by_id[b.id].radar for b in self.batteries if b.radar == r.id), None)
            radars[r.id] = user or r.build().place(r.lat_deg, r.lon_deg, r.site_height_m,
                                                             self.face_az_deg(i))
        areas = {a.name: a for a in self.launch_areas}
        footprints = []
        for i, q in enumerate(self.analysis.defended_area):
            if q.launch_area is not None:
                if q.launch_area not in areas:
                    from thaadsim.errors import ThaadsimError

                    raise ThaadsimError(f"{self._origin}: analysis.defended_area.{i}.launch_area",
                                        f"no [[launch_areas]] entry named {q.launch_area!r}",
                                        f"valid: {', '.join(areas) or '(none defined)'}")
                a = areas[q.launch_area]
                launch = PlacePoint(a.name, a.lat_deg, a.lon_deg)
            else:
                launch = PlacePoint(f"{q.launch_lat_deg:.2f}N {q.launch_lon_deg:.2f}E", q.launch_lat_deg,
                                    q.launch_lon_deg)
            center = (PlacePoint("footprint centre", q.center_lat_deg, q.center_lon_deg)
                      if q.center_lat_deg is not None else None)
            footprints.append(FootprintRequest(q.missile, launch, q.shape, q.apogee_km, center, q.half_width_km,
                                               q.grid_n, q.max_nodes))
        strategic = self._strategic_request(batteries) if self.analysis.strategic is not None else None
        doctrine = self.doctrine.build()
        mc = self.montecarlo
        text = self._source_text
        plan = Plan(
            name=self.scenario.name, title=self.analysis.title or self.scenario.name,
            description=self.scenario.description, threats=threats, radars=radars, batteries=batteries,
            assets=[PlacePoint(a.name, a.lat_deg, a.lon_deg, value=a.value) for a in self.assets],
            coverage_alt_km=tuple(self.analysis.coverage_alt_km), coverage_rcs_m2=self.analysis.coverage_rcs_m2,
            sample_dt_s=self.flight.sample_dt_s,
            trials=mc.runs if (self.analysis.raid and batteries) else 0,
            seed=mc.seed if mc.seed is not None else self.scenario.seed, questions=[q.text for q in self.analysis.questions],
            question_views=[(q.view, q.alt_km) if q.view else None for q in self.analysis.questions],
            scenario_path=self._source_path, scenario_text=text,
            scenario_sha256=self._source_sha256,
            doctrine=doctrine, chunk_runs=raid_chunk_runs(mc.chunk_runs, len(threats), self.batteries),
            footprints=footprints, strategic=strategic,
            flyer=functools.partial(self.fly_threats, rows),   # not a lambda: results pickle (joblib, multiprocessing)
            epoch=parse_epoch(self.scenario.epoch))
        return plan

    def _strategic_request(self, batteries) -> dict:
        """Keyword arguments of :func:`thaadsim.analysis.strategic.strategic_table` for this file."""
        from thaadsim.errors import ThaadsimError

        q = self.analysis.strategic
        where = f"{self._origin}: analysis.strategic"
        if q.site is not None:
            site = next((b for b in batteries if b.id == q.site), None)
            if site is None:
                raise ThaadsimError(f"{where}.site", f"no [[batteries]] entry with id {q.site!r}",
                                    f"valid: {', '.join(b.id for b in batteries) or '(none defined)'}")
        elif batteries:
            site = batteries[0]
        else:
            raise ThaadsimError(f"{where}.site", "the scenario has no [[batteries]] to stand at the site",
                                "add a [[batteries]] entry (the THAAD battery whose site the table is about)")
        base = Path(self._source_path).parent if self._source_path else Path(".")

        def places(csv_name, fallback):
            if csv_name is None:
                return [{"name": p.name, "lat_deg": p.lat_deg, "lon_deg": p.lon_deg} for p in fallback]
            path = Path(csv_name)
            return str(path if path.is_absolute() else base / path)

        areas = places(q.launch_areas_csv, self.launch_areas)
        targets = places(q.targets_csv, self.assets)
        for name, v, what in (("launch_areas_csv", areas, "[[launch_areas]]"), ("targets_csv", targets, "[[assets]]")):
            if isinstance(v, list) and not v:
                raise ThaadsimError(f"{where}.{name}", f"is not given and the scenario has no {what}",
                                    f"give {name} = \"file.csv\" (name,lat_deg,lon_deg) or add {what} entries")
        return {"site": (site.lat_deg, site.lon_deg, site.alt_m), "launch_areas": areas, "targets": targets,
                "missile": q.missile, "face_az_deg": q.face_az_deg, "sample_dt_s": q.sample_dt_s}

    def run(self, progress: "Callable[[str, float], object] | None" = None) -> "ScenarioResult":
        """Run everything the scenario asks.

        Parameters
        ----------
        progress : callable or None
            Called as ``progress(stage, fraction)`` while it works (a progress bar).

        Returns
        -------
        ScenarioResult
            Flights, detections, engagement windows, the raid and the requested analyses.
        """
        from thaadsim.analysis.pipeline import run_plan

        return run_plan(self.to_plan(), progress=progress)


#: memory for one chunk of Monte Carlo runs in the raid (its per-chunk working arrays). Each chunk
#: walks every decision slot once in Python (~20 s a chunk at 10,000 threats, whatever its size), so
#: small chunks make large raids slow; 1 GiB (two chunks alive: 2 GiB) stays below what flying
#: 10,000 threats takes by itself (2.5 GB) and leaves ordinary scenarios their 2,000 runs a chunk.
RAID_CHUNK_BYTES = 2 ** 30


def raid_chunk_runs(chunk_runs: int, n_threats: int, batteries: "Sequence[Battery]") -> int:
    """``chunk_runs`` lowered so one chunk of the raid's working arrays fits :data:`RAID_CHUNK_BYTES`.

    Per run, :func:`thaadsim.defense.raid.simulate_raid` holds one uniform per interceptor round
    (8 bytes x rounds, reload loads included), per threat and battery an ``engaged_by`` flag
    (1 byte x N x M), per threat five working arrays (~33 bytes x N) and per battery its reload
    queue (8 bytes x M x loads); while it draws the next chunk the last one is still alive, so two
    chunks count. With the default 2,000 runs a chunk, 100,000 rounds took 1.6 GB per chunk; the
    chunk size does not change the answer (runs are drawn in run order), so it is lowered here.
    Scenarios of ordinary size (a few hundred rounds) keep their chunk_runs.

    Parameters
    ----------
    chunk_runs : int
        The runs a chunk the file asks for (``[montecarlo].chunk_runs``).
    n_threats : int
        Threats in the raid.
    batteries : sequence of Battery
        The raid's batteries (their rounds and reload loads).

    Returns
    -------
    int
        The runs a chunk to simulate, at least 1.
    """
    m = max(1, len(batteries))
    rounds = sum((b.launchers + b.reload_loads) * b.interceptors_per_launcher for b in batteries)
    loads = max([b.reload_loads for b in batteries] + [1])
    per_run = 8 * max(1, rounds) + n_threats * m + 33 * n_threats + 8 * m * loads + 64
    return int(max(1, min(chunk_runs, RAID_CHUNK_BYTES // (2 * per_run))))


def load_run_scenario(path: "str | Path") -> RunScenario:
    """Load a scenario file with the ``[analysis]`` section allowed; remembers its path and text.

    Parameters
    ----------
    path : str or pathlib.Path
        The scenario file.

    Returns
    -------
    RunScenario
        The validated scenario, with its source text and SHA-256 for ``summary.json``.
    """
    scn = load_scenario(path, model=RunScenario)
    p = Path(path)
    scn._source_path = str(p)
    data = p.read_bytes()
    scn._source_text = data.decode("utf-8", errors="replace")
    scn._source_sha256 = hashlib.sha256(data).hexdigest()
    return scn


def file_sha256(path: "str | Path") -> str:
    """SHA-256 of a file's bytes.

    Parameters
    ----------
    path : str or pathlib.Path
        The file.

    Returns
    -------
    str
        The digest in hexadecimal.
    """
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
