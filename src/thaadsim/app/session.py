"""The app's engine: one scenario held in memory, its flights flown once, answers recomputed per change.

A change in the page (move a battery, turn a radar, change an interceptor or the doctrine) edits
the scenario's TOML mapping (:attr:`AppSession.data`), which is validated by the same schema as
``thaadsim run`` (:class:`~thaadsim.io.scenario_outputs.RunScenario`) before anything runs: a bad
value is one :class:`~thaadsim.errors.ThaadsimError` and the layout stays as it was.

Moving a battery or a radar changes no threat trajectory, only sensing and engagement. The flown
:class:`~thaadsim.flight.TrajectoryBatch` is therefore kept, keyed by everything that decides the
flights (each expanded threat's missile, launch and aim points, shape, apogee, and ``[flight]``),
and a change runs only the pipeline's later stages (:func:`thaadsim.analysis.pipeline.run_plan`
with that batch as its flyer): radar detections and coverage, engagement windows and the raid
Monte Carlo, about 0.15 s for the Seongju example. A change of the threats needs new flights; they
fly in a background thread (the page says "flying ...") through the very call ``thaadsim run``
makes (:meth:`~thaadsim.io.scenario.Scenario.fly_threats` on the same rows), so the saved file
reproduces the page's numbers exactly: same flights, same plan, same seed.

The live raid runs at most :data:`LIVE_RUNS` Monte Carlo runs (the file's ``[montecarlo].runs``
when lower); the answer says how many, with its Wilson interval. The saved file keeps its own runs.
"""

from __future__ import annotations

import copy
import dataclasses
import re
import threading
import time
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from thaadsim.errors import ThaadsimError

if TYPE_CHECKING:   # annotations only: the scenario model and the pipeline load on first use
    from os import PathLike

    from thaadsim.analysis.plan import Plan
    from thaadsim.analysis.result import ScenarioResult
    from thaadsim.flight.trajectory import TrajectoryBatch
    from thaadsim.io.scenario_outputs import RunScenario

#: Monte Carlo runs of the live raid: the Wilson half-width of a probability near 0.5 is then
#: about 0.022, and the raid of the Seongju example takes ~40 ms
LIVE_RUNS = 2000
#: flown batches kept in memory (each key is one set of threats): going back to an earlier raid
#: does not fly it again; ~a few MB each for regional raids
FLIGHT_CACHE_SIZE = 4
#: points per drawn ground track (the page draws them; the full trajectory stays in the batch)
TRACK_POINTS = 60
#: sections and fields the page may change; anything else is refused before it reaches the schema
EDITABLE = {
    "radars": {"lat_deg", "lon_deg", "face_az_deg", "radar", "site_height_m"},
    "batteries": {"lat_deg", "lon_deg", "interceptor", "launchers", "interceptors_per_launcher", "pk", "radar",
                  "layer"},
    "threats": {"missile", "launch_area", "aimpoint", "shape", "apogee_km", "count", "launch_time_s",
                "launch_interval_s"},
    "doctrine": {"mode", "priority", "salvo_size", "max_shots_per_threat"},
    "analysis": {"coverage_alt_km"},
}
#: a saved scenario's file name: letters, digits, '-', '_' (no path: it goes into the save directory)
SAVE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _parse_path(path: str) -> list:
    """``"batteries.0.lat_deg"`` -> ``["batteries", 0, "lat_deg"]``; only editable fields pass."""
    if not isinstance(path, str):
        raise ThaadsimError("change", f"the field path {path!r} is not text", "e.g. batteries.0.lat_deg")
    parts = [int(p) if p.isdigit() else p for p in path.split(".")]
    section = parts[0]
    if section not in EDITABLE:
        raise ThaadsimError(path, "cannot be changed in the app",
                            f"editable sections: {', '.join(EDITABLE)}")
    field = parts[-1]
    listed = section in ("radars", "batteries", "threats")
    if (listed and (len(parts) != 3 or not isinstance(parts[1], int))) or (not listed and len(parts) != 2):
        raise ThaadsimError(path, "is not a field path", f"e.g. {section}{'.0' if listed else ''}."
                            f"{sorted(EDITABLE[section])[0]}")
    if field not in EDITABLE[section]:
        raise ThaadsimError(path, "cannot be changed in the app",
                            f"editable {section} fields: {', '.join(sorted(EDITABLE[section]))}")
    return parts


def _check_value(path: str, value):
    """Refuse what TOML cannot hold before the schema sees it (NaN, infinities, nested objects)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)):
        if not np.isfinite(value):
            raise ThaadsimError(path, f"{value!r} is not a finite number", "give a number")
        return value
    if isinstance(value, list) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        if not all(np.isfinite(v) for v in value):
            raise ThaadsimError(path, "holds a value that is not a finite number", "give numbers")
        return value
    raise ThaadsimError(path, f"{value!r} is not a number, text, true/false or a list of numbers",
                        "give a number or one of the listed choices")


def apply_changes(data: dict, changes: list[dict[str, Any]]) -> dict:
    """A deep copy of the scenario mapping ``data`` with ``changes`` applied.

    ``changes`` is a list of ``{"path": "batteries.0.lat_deg", "value": 36.1}``; a value of
    ``None`` removes the key (e.g. a radar's ``face_az_deg``: toward the threats). Validation of the
    values is the schema's (:func:`validated`), not this function's.

    Parameters
    ----------
    data : dict
        The scenario's TOML mapping (left unchanged).
    changes : list of dict
        1 to 64 ``{"path", "value"}`` changes; paths name only the fields in ``EDITABLE``.

    Returns
    -------
    dict
        The changed copy.

    Raises
    ------
    ThaadsimError
        For a malformed change list, a path outside ``EDITABLE``, an entry index that does not exist,
        or a value TOML cannot hold (NaN, infinity, a nested table).

    Examples
    --------
    >>> from thaadsim.app.session import apply_changes
    >>> apply_changes({"batteries": [{"pk": 0.8}]}, [{"path": "batteries.0.pk", "value": 0.9}])
    {'batteries': [{'pk': 0.9}]}
    """
    if not isinstance(changes, list) or not changes or len(changes) > 64:
        raise ThaadsimError("changes", "must be a list of 1 to 64 {path, value} changes", "change one field at a time")
    out = copy.deepcopy(data)
    for ch in changes:
        if not isinstance(ch, dict) or "path" not in ch:
            raise ThaadsimError("changes", f"{ch!r} is not a {{path, value}} change", "e.g. {path: 'batteries.0.pk', "
                                "value: 0.9}")
        parts = _parse_path(ch["path"])
        value = _check_value(ch["path"], ch.get("value"))
        node = out
        for k, p in enumerate(parts[:-1]):
            if isinstance(p, int):
                if not isinstance(node, list) or not 0 <= p < len(node):
                    have = len(node) if isinstance(node, list) else 0
                    raise ThaadsimError(ch["path"], f"there is no {parts[k - 1]} entry {p}",
                                        f"valid: 0 to {have - 1}" if have else "the scenario has none")
                node = node[p]
            else:
                node = node.setdefault(p, [] if p in ("radars", "batteries", "threats") else {})
        if value is None:
            node.pop(parts[-1], None)
        else:
            node[parts[-1]] = value
    return out


def validated(data: dict, origin: str, source_path: str = "") -> RunScenario:
    """The :class:`~thaadsim.io.scenario_outputs.RunScenario` of ``data`` (ThaadsimError if invalid).

    Parameters
    ----------
    data : dict
        A scenario's TOML mapping.
    origin : str
        The name errors cite (the file's name).
    source_path : str
        The original file, so relative CSV paths resolve beside it.

    Returns
    -------
    RunScenario
        The validated scenario, as ``thaadsim run`` would load it.

    Raises
    ------
    ThaadsimError
        For any field the schema refuses, naming its path.
    """
    from thaadsim.io.scenario import scenario_from_dict
    from thaadsim.io.scenario_outputs import RunScenario

    scn = scenario_from_dict(data, origin, RunScenario)
    scn._source_path = source_path      # relative CSV paths ([analysis.strategic]) resolve beside the file
    return scn


def flight_key(scn: RunScenario) -> tuple:
    """Everything that decides the flown trajectories: rows in order, and the ``[flight]`` section.

    Parameters
    ----------
    scn : RunScenario
        A validated scenario.

    Returns
    -------
    tuple
        One ``(missile, launch lat, lon, aim lat, lon, shape, apogee_km)`` per expanded threat, then
        ``(sample_dt_s, rotation, atmosphere, earth)``: equal keys mean equal flights.
    """
    rows = scn.expand_threats()
    keys = tuple((r["missile"], r["launch_lat_deg"], r["launch_lon_deg"], r["aim_lat_deg"], r["aim_lon_deg"],
                  r["shape"], r["apogee_km"]) for r in rows)
    f = scn.flight
    return keys + ((f.sample_dt_s, f.rotation, f.atmosphere, f.earth),)


def _num(v, nd=3):
    """A JSON-ready float (None for NaN / missing), rounded for the page."""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return round(f, nd) if np.isfinite(f) else None


def _polygon_xy(poly) -> tuple[list, list]:
    """Exterior rings of a shapely (Multi)Polygon as lon/lat lists split by ``None`` (one plotly trace).

    Holes are left out (a filled trace would fill them too): coverage sectors have none; a defended
    footprint's undefended pockets are not drawn in the page (the report draws them).
    """
    geoms = getattr(poly, "geoms", [poly])
    lon, lat = [], []
    for g in geoms:
        if g.is_empty:
            continue
        x, y = g.exterior.xy
        lon += [round(float(v), 4) for v in x] + [None]
        lat += [round(float(v), 4) for v in y] + [None]
    return lon, lat


class AppSession:
    """One scenario in memory: its mapping, its flown threats, and the answers for the current layout.

    Parameters
    ----------
    path : str or Path
        The scenario TOML file (``thaadsim run``'s format, e.g. ``examples/seongju.toml``).
    live_runs : int
        Monte Carlo runs of the live raid (at most the file's runs), 100 to 100,000.

    Raises
    ------
    ThaadsimError
        For an unreadable or invalid scenario file, or ``live_runs`` out of bounds.

    Notes
    -----
    The live raid's probabilities carry their Wilson score interval [ref:agresti-coull-1998]; at
    2,000 runs its half-width near p = 0.5 is about 1.96 sqrt(p (1 - p) / n) = 0.022.

    Examples
    --------
    >>> from thaadsim.app import AppSession
    >>> s = AppSession("examples/seongju.toml")                           # doctest: +SKIP
    >>> s.change([{"path": "batteries.0.lat_deg", "value": 36.1}])        # doctest: +SKIP
    >>> s.compute()["status"]                                             # doctest: +SKIP
    'ready'
    """

    def __init__(self, path: str | PathLike[str], live_runs: int = LIVE_RUNS) -> None:
        from thaadsim.io.scenario_outputs import load_run_scenario

        if isinstance(live_runs, bool) or not isinstance(live_runs, int) or not 100 <= live_runs <= 100_000:
            raise ThaadsimError("--runs", f"{live_runs!r} is outside [100, 100,000]",
                                "e.g. 2000 (a probability's 95 % interval is then about ±0.02)")
        scn = load_run_scenario(path)           # the file's own errors, with its name and field
        self.path = Path(path)
        self.origin = self.path.name
        self.data = tomllib.loads(self.path.read_bytes().decode("utf-8-sig"))
        self.scenario = scn
        self.live_runs = live_runs
        self._lock = threading.RLock()
        self._flights: dict = {}                # flight_key -> TrajectoryBatch (oldest flown first)
        self._flying: dict = {}                 # flight_key -> Thread
        self._flight_errors: dict = {}          # flight_key -> ThaadsimError
        self.last_compute_s: float | None = None
        self.last_result = None
        self._before = None                     # (data, scenario) before the last change of the threats
        self.revision = 0                       # +1 per accepted change: footprints say which layout they are of

    # ---- flights --------------------------------------------------------------------------------
    def _fly(self, key, scn) -> None:
        try:
            batch = scn.fly_threats(scn.expand_threats())
        except Exception as exc:   # noqa: BLE001 - a thread has no caller: the page must learn of any failure
            if not isinstance(exc, ThaadsimError):
                import traceback

                traceback.print_exc()
                exc = ThaadsimError("flight", f"internal error ({type(exc).__name__}: {exc})",
                                    "please report it with the scenario")
            with self._lock:
                self._flight_errors[key] = exc
                self._flying.pop(key, None)
            return
        with self._lock:
            self._flights[key] = batch
            while len(self._flights) > FLIGHT_CACHE_SIZE:
                self._flights.pop(next(iter(self._flights)))
            self._flying.pop(key, None)

    def start_flight(self, scn: RunScenario | None = None, wait: bool = False) -> tuple:
        """Fly the threats of ``scn`` (default: the current layout) in a background thread unless
        they are flown or flying; ``wait=True`` blocks until they are. Returns the flight key.

        Parameters
        ----------
        scn : RunScenario or None
            The scenario whose threats to fly; ``None``: the current layout.
        wait : bool
            Block until the flights are done.

        Returns
        -------
        tuple
            The :func:`flight_key` of ``scn``.
        """
        scn = scn or self.scenario
        key = flight_key(scn)
        with self._lock:
            thread = self._flying.get(key)
            if key not in self._flights and thread is None and key not in self._flight_errors:
                thread = threading.Thread(target=self._fly, args=(key, scn), name="thaadsim-app-fly", daemon=True)
                self._flying[key] = thread
                thread.start()
        if wait and thread is not None:
            thread.join()
        return key

    def flying(self) -> bool:
        """True while the current layout's threats are being flown."""
        with self._lock:
            return flight_key(self.scenario) in self._flying

    # ---- changes --------------------------------------------------------------------------------
    def change(self, changes: list[dict[str, Any]]) -> None:
        """Apply ``changes`` (see :func:`apply_changes`) if the result is a valid scenario; start the
        flights it needs. A ThaadsimError leaves the layout unchanged.

        Parameters
        ----------
        changes : list of dict
            ``[{"path": "batteries.0.lat_deg", "value": 36.1}, ...]``.

        Raises
        ------
        ThaadsimError
            For a change :func:`apply_changes` or the scenario schema refuses.
        """
        data = apply_changes(self.data, changes)
        self._adopt(data)

    def _adopt(self, data: dict) -> None:
        scn = validated(data, self.origin, str(self.path))
        scn.to_plan()          # cross-checks that need the catalog (defended_area launch areas, strategic site)
        with self._lock:
            if flight_key(scn) != flight_key(self.scenario):
                self._before = (self.data, self.scenario)    # undone if the new threats cannot be flown
            self.data, self.scenario = data, scn
            self.revision += 1
            self._flight_errors.pop(flight_key(scn), None)   # a retry after an unreachable target
        self.start_flight(scn)

    def add_threat(self, threat: dict) -> None:
        """Append a ``[[threats]]`` entry (missile, launch_area, aimpoint, shape, apogee_km, ...).

        Parameters
        ----------
        threat : dict
            The entry's fields, among ``EDITABLE["threats"]``; ``None`` values are left out.

        Raises
        ------
        ThaadsimError
            For a field the app may not set, a value TOML cannot hold, or an invalid scenario.
        """
        if not isinstance(threat, dict):
            raise ThaadsimError("threat", "is not a table of threat fields", "give missile, launch_area, aimpoint")
        for k, v in threat.items():
            if k not in EDITABLE["threats"]:
                raise ThaadsimError(f"threat.{k}", "cannot be set in the app",
                                    f"fields: {', '.join(sorted(EDITABLE['threats']))}")
            _check_value(f"threat.{k}", v)
        data = copy.deepcopy(self.data)
        data.setdefault("threats", []).append({k: v for k, v in threat.items() if v is not None})
        self._adopt(data)

    def remove_threat(self, index: int) -> None:
        """Remove ``[[threats]]`` entry ``index`` (the scenario keeps at least one).

        Parameters
        ----------
        index : int
            Position of the entry in the file's ``[[threats]]`` list.

        Raises
        ------
        ThaadsimError
            For an index that does not exist, or the removal of the last threat.
        """
        n = len(self.data.get("threats", []))
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < n:
            raise ThaadsimError("threat", f"there is no threat entry {index!r}", f"valid: 0 to {n - 1}")
        data = copy.deepcopy(self.data)
        del data["threats"][index]
        self._adopt(data)

    # ---- answers --------------------------------------------------------------------------------
    def live_plan(self, batch: TrajectoryBatch) -> Plan:
        """The run's plan for the current layout, without footprints and the strategic table (on
        request only), with ``batch`` as the flights and at most :attr:`live_runs` raid runs.

        Parameters
        ----------
        batch : TrajectoryBatch
            The already-flown threats of the current layout.

        Returns
        -------
        Plan
            What :func:`thaadsim.analysis.pipeline.run_plan` runs.
        """
        plan = self.scenario.to_plan()
        return dataclasses.replace(plan, flyer=lambda: batch, footprints=[], strategic=None,
                                   trials=min(plan.trials, self.live_runs))

    def compute(self) -> dict:
        """The page's answers for the current layout, or ``{"status": "flying"}`` while its threats
        fly (or an error if they cannot be flown)."""
        from thaadsim.analysis.pipeline import run_plan

        with self._lock:
            scn = self.scenario
            key = flight_key(scn)
            batch = self._flights.get(key)
            err = self._flight_errors.get(key)
        if err is not None:
            # the change asked for a flight that cannot be flown (a target beyond the missile's
            # reach): the layout goes back to what it was before that change, and the page says why
            with self._lock:
                if self._before is not None and flight_key(self.scenario) == key:
                    self.data, self.scenario = self._before
                    self._before = None
                    self.revision += 1
            return {"status": "error", "error": f"{err}; the change was undone", "undone": True}
        if batch is None:
            self.start_flight(scn)
            return {"status": "flying", "threats": len(key) - 1}
        t0 = time.perf_counter()
        result = run_plan(self.live_plan(batch))
        answers = self.answers(result)
        # each question's live answer (footprint and strategic views: on request, see footprint()
        # and strategic(); the live plan computes neither)
        answers["question_answers"] = [qa["answer"] if qa["view"] not in ("footprint", "strategic") else None
                                       for qa in result.question_answers()]
        self.last_compute_s = time.perf_counter() - t0
        self.last_result = result
        answers["compute_s"] = round(self.last_compute_s, 3)
        answers["revision"] = self.revision
        return answers

    @staticmethod
    def answers(result: ScenarioResult) -> dict:
        """The JSON the page draws from a :class:`~thaadsim.analysis.result.ScenarioResult`.

        Parameters
        ----------
        result : ScenarioResult
            A run of the current layout.

        Returns
        -------
        dict
            ``{"status": "ready", "tracks", "coverage", "detections", "engagements", "raid", "answers",
            "missing"}``, JSON-ready (NaN as ``None``).
        """
        batch, plan = result.batch, result.plan
        tracks = []
        for i, th in enumerate(plan.threats):
            ok = np.isfinite(batch.lat_deg[i]) & np.isfinite(batch.lon_deg[i])
            idx = np.flatnonzero(ok)
            pick = idx[np.linspace(0, len(idx) - 1, min(TRACK_POINTS, len(idx))).round().astype(int)] if len(idx) else idx
            tracks.append({"threat_id": th.id, "lon": [round(float(v), 3) for v in batch.lon_deg[i][pick]],
                           "lat": [round(float(v), 3) for v in batch.lat_deg[i][pick]],
                           "apogee_km": _num(batch.apogee_km[i], 1), "range_km": _num(batch.range_km[i], 1)})
        coverage = []
        for c in result.coverage:
            lon, lat = _polygon_xy(c["polygon"])
            coverage.append({"radar_id": c["radar_id"], "alt_km": c["alt_km"], "range_km": _num(c["range_km"], 1),
                             "lon": lon, "lat": lat})
        det = [{"threat_id": r.threat_id, "radar_id": r.radar_id, "detected": bool(r.detected),
                "first_detection_s": _num(r.first_detection_s, 1),
                "first_detection_alt_km": _num(r.first_detection_alt_km, 1), "track_time_s": _num(r.track_time_s, 1)}
               for r in result.detections.itertuples()] if len(result.detections) else []
        eng = [{"threat_id": r.threat_id, "battery_id": r.battery_id, "engageable": bool(r.engageable),
                "earliest_intercept_s": _num(r.earliest_intercept_s, 1), "latest_intercept_s": _num(r.latest_intercept_s, 1),
                "intercept_alt_km_min": _num(r.intercept_alt_km_min, 1), "intercept_alt_km_max": _num(r.intercept_alt_km_max, 1),
                "shots_possible": int(r.shots_possible) if np.isfinite(r.shots_possible) else 0,
                "reason": r.not_engageable_reason if isinstance(r.not_engageable_reason, str) else ""}
               for r in result.engagements.itertuples()] if len(result.engagements) else []
        raid = None
        if result.raid_summary is not None:
            s = result.raid_summary
            raid = {"runs": s["runs"], "seed": s["seed"], "p_no_leaker": s["p_no_leaker"],
                    "p_no_leaker_ci95": s["p_no_leaker_ci95"], "expected_leakers": s["expected_leakers"],
                    "expected_leakers_ci95_halfwidth": 1.96 * s["expected_leakers_se"],
                    "interceptors_expended_mean": s["interceptors_expended_mean"],
                    "per_threat": [{"threat_id": r.threat_id, "p_kill": _num(r.p_kill, 4),
                                    "p_kill_ci95": [_num(r.p_kill_ci95_lo, 4), _num(r.p_kill_ci95_hi, 4)],
                                    "engageable_by": r.engageable_by} for r in result.raid_table.itertuples()]}
        return {"status": "ready", "tracks": tracks, "coverage": coverage, "detections": det, "engagements": eng,
                "raid": raid, "answers": list(result.answers), "missing": list(result.missing)}

    def layout(self) -> dict:
        """The editable layout for the page: sites, threats, the choices each field offers."""
        from thaadsim.defense.interceptors import interceptor_ids
        from thaadsim.flight import missile_ids

        d = self.data
        scn = self.scenario
        radars = [{"id": r.id, "radar": r.radar, "lat_deg": r.lat_deg, "lon_deg": r.lon_deg,
                   "face_az_deg": round(scn.face_az_deg(i), 2), "face_given": r.face_az_deg is not None}
                  for i, r in enumerate(scn.radars)]
        bats = [{"id": b.id, "interceptor": b.interceptor, "lat_deg": b.lat_deg, "lon_deg": b.lon_deg,
                 "launchers": b.launchers, "interceptors_per_launcher": b.interceptors_per_launcher,
                 "pk": b.pk, "radar": b.radar, "layer": b.layer} for b in scn.batteries]
        return {
            "name": scn.scenario.name, "title": scn.analysis.title or scn.scenario.name, "origin": self.origin,
            # each question with the answer view it is linked to (None: a plain question); the page's
            # question selector switches to that view
            "questions": [{"text": q.text, "view": q.view, "alt_km": q.alt_km} for q in scn.analysis.questions],
            "strategic": scn.analysis.strategic is not None,
            "radars": radars, "batteries": bats,
            "assets": [{"name": a.name, "lat_deg": a.lat_deg, "lon_deg": a.lon_deg} for a in scn.assets],
            "launch_areas": [{"name": a.name, "lat_deg": a.lat_deg, "lon_deg": a.lon_deg} for a in scn.launch_areas],
            "threats": [dict(t) for t in d.get("threats", [])],
            "doctrine": {"mode": scn.doctrine.mode, "priority": scn.doctrine.priority},
            "coverage_alt_km": list(scn.analysis.coverage_alt_km),
            "runs_file": scn.montecarlo.runs, "runs_live": min(scn.montecarlo.runs, self.live_runs),
            "choices": {"missile": missile_ids(), "interceptor": interceptor_ids(), "radar": ["tpy2-tm", "tpy2-fbm"],
                        "shape": ["min-energy", "lofted", "depressed"],
                        "doctrine_mode": _doctrine_modes()},
        }

    def footprint(self) -> dict:
        """Defended footprints of the current layout, on request (they fly a grid of aimpoints).

        The scenario's ``[[analysis.defended_area]]`` requests, else one against its first threat
        (missile, launch point, shape) on an 11 x 11 grid of +-400 km around the batteries: for every
        aimpoint, can the defence engage a threat aimed there (:func:`thaadsim.analysis.footprint.
        defended_footprints`, as ``thaadsim run`` computes it). Returns the defended region of all
        batteries together and each battery's area, with the layout ``revision`` they are of.
        """
        from thaadsim.analysis.footprint import defended_footprints
        from thaadsim.analysis.pipeline import _mean_point
        from thaadsim.analysis.plan import FootprintRequest

        with self._lock:
            scn, revision = self.scenario, self.revision
        plan = scn.to_plan()
        if not plan.batteries:
            raise ThaadsimError("footprint", "the layout has no battery", "add a [[batteries]] entry to the file")
        first = plan.threats[0]
        requests = plan.footprints or [FootprintRequest(first.missile_id, first.launch, first.shape, first.apogee_km,
                                                        None, 400.0, 11, None)]
        out = []
        for req in requests:
            c = req.center or _mean_point(plan.batteries)
            fp = defended_footprints(req.missile_id, req.launch.lat_deg, req.launch.lon_deg, plan.batteries,
                                     plan.radars, center_lat_deg=c.lat_deg, center_lon_deg=c.lon_deg,
                                     half_width_km=req.half_width_km, n=req.grid_n, shape=req.shape,
                                     apogee_km=req.apogee_km, sample_dt_s=plan.sample_dt_s, max_nodes=req.max_nodes)
            lon, lat = _polygon_xy(fp["any"]["polygon"])
            out.append({"label": req.label(), "area_km2": _num(fp["any"]["area_km2"], 0), "lon": lon, "lat": lat,
                        "touches_edge": bool(fp["any"].get("touches_edge", False)),
                        "per_battery_km2": {b: _num(v["area_km2"], 0) for b, v in fp["per_battery"].items()},
                        "cell_km": _num(fp.get("cell_km"), 1), "aimpoints": int(fp["reachable_nodes"])})
        return {"revision": revision, "footprints": out}

    def strategic(self) -> dict:
        """The strategic table of the current layout (``[analysis.strategic]``), on request: every
        launch area x target flown min-energy (:func:`thaadsim.analysis.strategic.strategic_table`,
        as ``thaadsim run`` computes it). Returns its answer line and fractions, with the layout
        ``revision`` they are of."""
        from thaadsim.analysis.pipeline import run_plan

        with self._lock:
            scn, revision = self.scenario, self.revision
        if scn.analysis.strategic is None:
            raise ThaadsimError("strategic", "the scenario has no [analysis.strategic] section",
                                "add one to the file (see examples/strategic.toml)")
        key = self.start_flight(scn, wait=True)
        with self._lock:
            batch = self._flights.get(key)
        plan = scn.to_plan()
        plan = dataclasses.replace(plan, footprints=[], trials=0,
                                   **({"flyer": (lambda: batch)} if batch is not None else {}))
        result = run_plan(plan)
        if result.strategic is None:
            raise ThaadsimError("strategic", result.view_answer("strategic"), "see the console for details")
        fr = {k: (_num(v, 4) if isinstance(v, float) else v) for k, v in result.strategic["fractions"].items()}
        return {"revision": revision, "answer": result.view_answer("strategic"), "fractions": fr}

    # ---- outputs --------------------------------------------------------------------------------
    def toml_text(self) -> str:
        """The current layout as a scenario file ``thaadsim run`` reads (comments are not kept)."""
        import tomli_w

        return tomli_w.dumps(self._portable_data())

    def _portable_data(self) -> dict:
        # a relative CSV path in [analysis.strategic] is relative to the original file: made absolute
        # so the saved file, wherever it is written, reads the same CSVs;
        from thaadsim.sensors.radar import radar_ids

        data = copy.deepcopy(self.data)
        # a radar file path is relative to the folder the app runs from (as for thaadsim run): made
        # absolute too, so the saved file runs from anywhere
        for r in data.get("radars", []):
            ref = r.get("radar")
            if isinstance(ref, str) and ref not in radar_ids() and Path(ref).is_file() and not Path(ref).is_absolute():
                r["radar"] = str(Path(ref).resolve())
        strat = data.get("analysis", {}).get("strategic")
        if isinstance(strat, dict):
            for k in ("launch_areas_csv", "targets_csv"):
                if isinstance(strat.get(k), str) and not Path(strat[k]).is_absolute():
                    strat[k] = str((self.path.parent / strat[k]).resolve())
        return data

    def save(self, directory: str | PathLike[str], name: str) -> Path:
        """Write the current layout to ``directory/name.toml`` atomically; returns the path.

        Parameters
        ----------
        directory : str or path-like
            The save directory.
        name : str
            The file's name without ``.toml``: 1 to 64 letters, digits, '-' or '_'.

        Returns
        -------
        Path
            The written file, which ``thaadsim run`` reads.

        Raises
        ------
        ThaadsimError
            For a name that is not a plain file name, or a directory that cannot be written.
        """
        from thaadsim.io.atomic import write_text

        if not isinstance(name, str) or not SAVE_NAME.match(name):
            raise ThaadsimError("file name", f"{name!r} is not a plain file name",
                                "use 1 to 64 letters, digits, '-' or '_' (saved as NAME.toml in the save directory)")
        text = self.toml_text()
        validated(tomllib.loads(text), f"{name}.toml")      # what thaadsim run will read: must load
        target = Path(directory) / f"{name}.toml"
        try:
            return write_text(target, text)
        except OSError as exc:
            raise ThaadsimError("save directory", f"cannot write {target} ({exc.strerror or exc})",
                                "start the app with --save-dir pointing at a directory you can write to") from None

    def report(self, out_dir: str | PathLike[str]) -> dict:
        """Run the full scenario (every analysis it asks for, the file's own Monte Carlo runs) for the
        current layout, through ``thaadsim run``'s pipeline and writer; returns the written paths.

        Parameters
        ----------
        out_dir : str or path-like
            The output directory (claimed as ``thaadsim run`` claims it: one writer at a time).

        Returns
        -------
        dict
            The written outputs, as :func:`thaadsim.report.outputs.write_outputs` returns them.

        Raises
        ------
        ThaadsimError
            For threats that cannot be flown or an output directory in use or not writable.
        """
        from thaadsim.analysis.pipeline import run_plan
        from thaadsim.io.outdir import claim_out_dir
        from thaadsim.report.outputs import write_outputs

        scn = validated(tomllib.loads(self.toml_text()), self.origin, str(self.path))
        scn._source_text = self.toml_text()
        key = self.start_flight(scn, wait=True)
        with self._lock:
            batch = self._flights.get(key)
        plan = scn.to_plan()
        if batch is not None:
            plan = dataclasses.replace(plan, flyer=lambda: batch)
        with claim_out_dir(out_dir):         # as thaadsim run: one writer per directory, stale temp files cleared
            return write_outputs(run_plan(plan), out_dir)


def _doctrine_modes() -> list[str]:
    from typing import get_args

    from thaadsim.io.scenario import DoctrineSection

    ann = DoctrineSection.model_fields["mode"].annotation
    return list(get_args(ann)) or ["shoot-look-shoot"]
