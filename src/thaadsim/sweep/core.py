"""Run one scenario over the outer product of varied fields; return an :class:`xarray.Dataset`.

How the work is cut
-------------------
Cases (one per combination of the varied values, numbered in C order over the ``--vary``
dimensions) are grouped by the fields that change the flights (launch points, aimpoints, missile,
shape, ``[flight]``; :func:`thaadsim.sweep.spec.changes_flights`). Every case of a group shares
the same trajectories, so only sensing, engagement and the raid Monte Carlo run per case
(:func:`thaadsim.analysis.pipeline.threat_rcs_m2`, ``run_detections``, ``engage``,
``raid_result``: the same functions ``thaadsim run`` calls, so the two cannot disagree).

Flights are targeted once, before any chunk runs. Targeting many aimpoints from one launch point
solves them from interpolated neighbours (:func:`thaadsim.flight.fly_targeted`), so a row's
launch azimuth, kick and cut-off depend, within the 50 m targeting tolerance, on the other rows
of its call. A call per chunk would make the answer depend on the chunk size; instead

1. every distinct flight of the sweep (missile, launch point, aimpoint, shape, apogee and the
   ``[flight]`` physics switches) is listed once, in a canonical order fixed by the sweep alone
   (flight groups in order, each group's threats in file order, first appearance wins);
2. that list is cut into blocks of :data:`TARGETING_BLOCK` flights (per physics setting) and each
   block is targeted, summary only, as one ``fly_targeted`` call (:func:`target_block`, handed to
   the same executor as the chunks), keeping four floats per flight (azimuth, kick, cut-off,
   flight time); a flight that cannot be hit is a one-line error naming the case;
3. cases are cut into chunks of ``chunk_size`` (fixed; never derived from the worker count),
   groups packed whole where they are smaller than a chunk; each chunk receives the solved
   parameters of its flights and flies them, sampled as ``[flight] sample_dt_s`` says, with
   :func:`thaadsim.flight.fly_powered`, in which each row depends on that row alone.

So chunk size, worker count and executor change how fast, never what: the block composition
depends on the sweep only. Within a chunk, the cases that see the same radars and batteries
(:func:`_sensing_groups`) are sensed and engaged as one batch (every row on its own, so the same
numbers as case by case); only each case's raid Monte Carlo runs case by case.

Randomness
----------
Each case's Monte Carlo has its own seed, fixed by the case alone, so results are bit-identical
for any number of workers, any executor and any chunk size. ``streams="common"`` (the default)
gives every case the scenario's seed: common random numbers, the usual variance reduction for
sensitivity studies (the difference between two cases is not drowned in independent noise), and
a case equal to the file gives exactly what ``thaadsim run`` gives. ``streams="independent"``
gives case ``i`` the stream ``numpy.random.SeedSequence(seed, spawn_key=(i,))`` (what
``SeedSequence(seed).spawn(n)[i]`` yields), for users who want the cases' errors independent.

Resuming
--------
With ``out``, every finished chunk is written atomically to ``out/chunks/NNNNNN.npz`` next to a
``manifest.json`` that names the scenario's SHA-256, the vary spec, the chunk size, runs, seed,
streams and the thaadsim version. A rerun with the same manifest loads the finished chunks and
computes only the others; a different manifest in the same directory is refused unless
``force=True``. Only per-case figures are kept: memory grows with cases x threats, never with
trajectories of finished chunks. A rerun targets only the blocks its unfinished chunks need (the
same blocks, so the same solutions).
"""

from __future__ import annotations

import concurrent.futures as cf
import io
import json
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from thaadsim.errors import ThaadsimError
from thaadsim.sweep.spec import (FLIGHT_SECTIONS, SweepSpec, apply_overrides, changes_flights, check_seed,
                                 parse_vary, validate)

if TYPE_CHECKING:   # annotations only: xarray and the scenario model load when a sweep first runs
    import os
    from collections.abc import Mapping, Sequence

    import xarray

    from thaadsim.io.scenario_outputs import RunScenario

STREAMS = ("common", "independent")
DEFAULT_CHUNK_SIZE = 64
MAX_CHUNK_SIZE = 100_000
#: chunks handed out but not yet finished: bounds the memory of pending results
MAX_PENDING = 16
#: distinct flights per targeting call. A module constant, never derived from chunks or workers:
#: targeting solutions depend on the rows of their call, so this fixes them for a given sweep.
#: 20,000 summary-only flights keep a block's working arrays in the tens of MB.
TARGETING_BLOCK = 20_000
#: chunk files and manifest layout; 2: flights targeted in fixed blocks, flight_time_s and apogee_km
MANIFEST_FORMAT = 2

#: per-case figures: name -> (has a threat dimension, CF units, long_name)
FIGURES = {
    "p_no_leaker": (False, "1", "probability that no threat leaks through the defense (raid Monte Carlo)"),
    "p_no_leaker_se": (False, "1", "Monte Carlo standard error of p_no_leaker, sqrt(p(1-p)/runs)"),
    "expected_leakers": (False, "1", "expected number of threats that reach their aimpoint"),
    "expected_leakers_se": (False, "1", "Monte Carlo standard error of expected_leakers, sd/sqrt(runs)"),
    "interceptors_expended": (False, "1", "mean interceptors fired per Monte Carlo run"),
    "interceptors_expended_se": (False, "1", "Monte Carlo standard error of interceptors_expended"),
    "runs": (False, "1", "Monte Carlo runs of the case"),
    "p_kill": (True, "1", "probability that the threat is killed before impact"),
    "p_kill_se": (True, "1", "Monte Carlo standard error of p_kill, sqrt(p(1-p)/runs)"),
    "engageable": (True, "1", "some battery has a feasible intercept of the threat (engagement windows)"),
    "first_detection_s": (True, "s", "earliest first detection of the threat by any scenario radar, "
                                     "seconds after the threat's launch (NaN: never detected)"),
    # the flight itself: continuous in the targeting solution, so any dependence of a case's
    # trajectory on how cases were chunked shows here first (discrete figures hide metres)
    "flight_time_s": (True, "s", "time of flight of the threat, launch to impact"),
    "apogee_km": (True, "km", "highest altitude of the threat above the WGS84 ellipsoid"),
}


@dataclass
class SweepStats:
    """What a sweep did (not part of the Dataset, which must not depend on how it was run)."""

    n_cases: int = 0
    n_threats: int = 0
    n_chunks: int = 0
    chunks_computed: int = 0
    chunks_reused: int = 0
    flights_flown: int = 0          # distinct flights targeted (each then flown, sampled, by its chunks)
    targeting_blocks: int = 0
    listing_s: float = 0.0          # listing the distinct flights (one scenario check per flight group)
    targeting_s: float = 0.0        # targeting them (the blocks, on the executor)
    wall_s: float = 0.0
    paths: dict = field(default_factory=dict)

    @property
    def trajectories(self) -> int:
        """Threat trajectories sensed, engaged and simulated (cases x threats)."""
        return self.n_cases * self.n_threats


# ---- the scenario ---------------------------------------------------------------------------------
def _load(scenario):
    """(parsed TOML mapping, file name for messages, SHA-256 of the file's bytes, model class)."""
    import hashlib
    import tomllib

    from thaadsim.io.scenario import load_scenario
    from thaadsim.io.scenario_outputs import RunScenario

    if isinstance(scenario, RunScenario):
        data = scenario.model_dump(mode="python", exclude_none=True)
        text = json.dumps(data, sort_keys=True, default=str).encode()
        return data, scenario._origin, scenario._source_sha256 or hashlib.sha256(text).hexdigest(), RunScenario
    load_scenario(scenario, model=RunScenario)     # every check and message of `thaadsim run`
    raw = Path(scenario).read_bytes()
    return tomllib.loads(raw.decode("utf-8")), Path(scenario).name, hashlib.sha256(raw).hexdigest(), RunScenario


def _spec_from(vary) -> SweepSpec:
    if isinstance(vary, SweepSpec):
        return vary
    if isinstance(vary, str):
        vary = [vary]
    if isinstance(vary, dict):
        items = []
        for k, vals in vary.items():
            fields = k if isinstance(k, tuple) else (k,)
            if len(fields) == 1:
                items.append(f"{fields[0]}={','.join(str(v) for v in vals)}")
            else:
                items.append(f"{','.join(fields)}={';'.join(','.join(str(x) for x in row) for row in vals)}")
        vary = items
    return parse_vary(list(vary))


def case_seed(seed: int, case: int, streams: str) -> int:
    """The Monte Carlo seed of case ``case`` (see the module notes on randomness)."""
    if streams == "common":
        return int(seed)
    return int(np.random.SeedSequence(int(seed), spawn_key=(int(case),)).generate_state(1, np.uint32)[0])


# ---- the work of one chunk (runs in a worker; module level so spawn and dask can pickle it) -------
def run_chunk(task: dict) -> dict:
    """Figures of every case of one chunk. Returns arrays keyed as :data:`FIGURES` plus ``cases``,
    or ``{"error": (field, problem, fix)}`` for a user error (ThaadsimError does not pickle)."""
    try:
        return _run_chunk(task)
    except ThaadsimError as exc:
        return {"error": (exc.field, exc.problem, exc.fix)}


def _scenario(task, overrides):
    from thaadsim.io.scenario import scenario_from_dict

    return scenario_from_dict(apply_overrides(task["data"], overrides), task["origin"], task["model"])


def _run_chunk(task: dict) -> dict:
    cases, overrides, groups = task["cases"], task["overrides"], task["groups"]
    n, n_threats = len(cases), task["n_threats"]
    out = {k: np.full((n, n_threats) if per_threat else n, np.nan) for k, (per_threat, _, _) in FIGURES.items()}
    out["engageable"] = np.zeros((n, n_threats), bool)
    scns = [_scenario(task, ov) for ov in overrides]
    batches = _chunk_flights(task, scns, groups)
    k = 0
    try:
        plans = []
        for k in range(n):
            plans.append(scns[k].to_plan())
        for ks in _sensing_groups(plans, overrides).values():
            k = ks[0]
            _group_figures([plans[i] for i in ks], [batches[groups[i]] for i in ks], [int(cases[i]) for i in ks],
                           task, out, ks)
    except ThaadsimError as exc:
        given = ", ".join(f"{f}={v!r}" for f, v in overrides[k].items())
        raise ThaadsimError(exc.field, f"{exc.problem} [case {int(cases[k])}: {given}]", exc.fix) from None
    out["cases"] = np.asarray(cases, np.int64)
    return out


def _sensing_groups(plans, overrides) -> dict:
    """Cases of a chunk that see the same radars and batteries (the same non-flight values and the
    same radar and battery faces, which may follow the threats' launch points): their trajectories
    are sensed and engaged as one batch, case by case results being row by row the same."""
    out: dict = {}
    for k, (plan, ov) in enumerate(zip(plans, overrides)):
        key = (tuple(sorted((f, repr(v)) for f, v in ov.items() if not changes_flights(f))),
               tuple((rid, getattr(r, "face_az_deg", None)) for rid, r in plan.radars.items()),
               tuple((b.id, b.face_az_deg) for b in plan.batteries))
        out.setdefault(key, []).append(k)
    return out


def _chunk_flights(task, scns, groups) -> dict:
    """``{group: batch}``: each group's threats flown with the launch parameters targeting solved
    for them in the calling process (``task["params"][group]``: one row of azimuth, kick, cut-off
    and flight time per threat), one :func:`~thaadsim.flight.fly_powered` call per ``[flight]``
    setting (normally one). ``fly_powered`` flies each row on its own, so the samples do not depend
    on which groups share the chunk."""
    first = {}
    for k, g in enumerate(groups):
        first.setdefault(g, k)
    by_setting: dict = {}
    for g, k in first.items():
        key = json.dumps(scns[k].flight.model_dump(), sort_keys=True)
        by_setting.setdefault(key, []).append(g)
    batches = {}
    for gs in by_setting.values():
        rows, params, spans = [], [], []
        for g in gs:
            r = scns[first[g]].expand_threats()
            spans.append((g, len(rows), len(rows) + len(r)))
            rows.extend(r)
            params.append(task["params"][g])
        batch = fly_solved(rows, np.concatenate(params), scns[first[gs[0]]].flight)
        for g, a, b in spans:
            batches[g] = batch[np.arange(a, b)]
    return batches


def fly_solved(rows, params, flight):
    """Fly expanded threat ``rows`` with solved launch ``params`` ((N, 4): azimuth deg, kick deg,
    cut-off s, flight time s from targeting), sampled every ``flight.sample_dt_s``.

    Equal flights are flown once. The batch carries what ``fly_targeted``'s would: the aimpoint,
    the miss distance and the launch parameters.
    """
    from thaadsim.earth.geodesy import geodesic_inverse
    from thaadsim.flight import FlightOptions, fly_powered, load_missile

    keys, index = {}, []
    for r in rows:
        index.append(keys.setdefault(_flight_key(r), len(keys)))
    index = np.asarray(index)
    take = np.unique(index, return_index=True)[1]          # first row of each distinct flight
    ids = [rows[i]["missile"] for i in take]
    distinct = sorted(set(ids))
    missiles = [load_missile(m) for m in distinct]
    opts = FlightOptions(earth=flight.earth, rotation=flight.rotation, atmosphere=flight.atmosphere)
    lat0 = np.array([rows[i]["launch_lat_deg"] for i in take], float)
    lon0 = np.array([rows[i]["launch_lon_deg"] for i in take], float)
    lat1 = np.array([rows[i]["aim_lat_deg"] for i in take], float)
    lon1 = np.array([rows[i]["aim_lon_deg"] for i in take], float)
    az, kick, cut, t_imp = np.asarray(params, float)[take].T
    batch = fly_powered(missiles, [distinct.index(m) for m in ids], lat0, lon0, az, kick, cut, options=opts,
                        sample_dt_s=flight.sample_dt_s, impact_time_hint_s=t_imp)
    miss_m, _ = geodesic_inverse(batch.impact_lat_deg, batch.impact_lon_deg, lat1, lon1, opts.model())
    batch.target_lat_deg, batch.target_lon_deg, batch.miss_km = lat1, lon1, miss_m / 1e3
    batch.launch_azimuth_deg, batch.kick_deg, batch.cutoff_s = az, kick, cut
    return batch if np.array_equal(index, np.arange(len(take))) else batch[index]


def _flight_key(r: dict) -> tuple:
    """What makes two expanded threats the same flight (for one ``[flight]`` setting)."""
    return (r["missile"], r["launch_lat_deg"], r["launch_lon_deg"], r["aim_lat_deg"], r["aim_lon_deg"],
            r["shape"], r["apogee_km"])


def _group_figures(plans, batches, cases, task: dict, out: dict, ks) -> None:
    """Sense and engage the trajectories of cases that share their radars and batteries as ONE batch
    (row by row the same results as case by case: every row is sensed and engaged on its own), then
    run each case's raid with the pipeline's own functions and that case's own seed."""
    from thaadsim.analysis.detections import run_detections
    from thaadsim.analysis.pipeline import engage, raid_result, threat_rcs_m2

    sizes = [len(b) for b in batches]
    starts = np.concatenate([[0], np.cumsum(sizes)])
    whole = concat_batches(batches)
    rcs = np.concatenate([_pad_cols(threat_rcs_m2(p, b), whole.t_s.shape[1]) for p, b in zip(plans, batches)])
    plan0 = plans[0]
    det = run_detections(whole, plan0.radars, rcs_m2=rcs) if plan0.radars else {}
    first = np.full(len(whole), np.nan)
    for res in det.values():
        first = np.fmin(first, res.first_detection_s)
    windows = engage(whole, plan0.batteries, det, rcs) if plan0.batteries else None
    for j, (plan, case, k) in enumerate(zip(plans, cases, ks)):
        rows = slice(int(starts[j]), int(starts[j + 1]))
        b = batches[j]
        out["flight_time_s"][k] = b.flight_time_s
        out["apogee_km"][k] = b.apogee_km
        out["first_detection_s"][k] = first[rows]
        if windows is None:
            continue
        w = windows_rows(windows, rows)
        out["engageable"][k] = np.asarray(w.engageable).any(axis=1)
        if plan.trials <= 0:
            continue
        plan = replace(plan, seed=case_seed(plan.seed, case, task["streams"]), flyer=None)
        rr = raid_result(whole[rows], plan.batteries, w, plan, log_run=None)
        runs = rr.runs
        sq = np.sqrt(runs)
        p = float((rr.leakers == 0).mean())
        pk = rr.p_kill
        out["runs"][k] = runs
        out["p_no_leaker"][k] = p
        out["p_no_leaker_se"][k] = np.sqrt(p * (1 - p) / runs)
        out["expected_leakers"][k] = rr.leakers.mean()
        out["expected_leakers_se"][k] = rr.leakers.std(ddof=1) / sq if runs > 1 else np.nan
        out["interceptors_expended"][k] = rr.expended.mean()
        out["interceptors_expended_se"][k] = rr.expended.std(ddof=1) / sq if runs > 1 else np.nan
        out["p_kill"][k] = pk
        out["p_kill_se"][k] = np.sqrt(pk * (1 - pk) / runs)


def _pad_cols(a: np.ndarray, t: int, fill=np.nan) -> np.ndarray:
    """(N, T') -> (N, t): sample arrays of batches padded to a common length (NaN: no sample)."""
    if a.shape[1] == t:
        return a
    out = np.full((a.shape[0], t) + a.shape[2:], fill, dtype=a.dtype if fill is not np.nan else np.result_type(a, float))
    out[:, :a.shape[1]] = a
    return out


def concat_batches(batches):
    """One :class:`~thaadsim.flight.trajectory.TrajectoryBatch` of the rows of several (sample arrays
    padded to the longest); a batch of one is returned as it is."""
    from dataclasses import fields as dc_fields

    from thaadsim.flight.trajectory import TrajectoryBatch

    if len(batches) == 1:
        return batches[0]
    t = max(b.t_s.shape[1] for b in batches)
    out = {}
    for f in dc_fields(TrajectoryBatch):
        vals = [getattr(b, f.name) for b in batches]
        if any(v is None for v in vals):
            out[f.name] = None
            continue
        v0 = np.asarray(vals[0])
        if v0.ndim >= 2 and f.name != "stage_burnout_s":
            fill = -1 if v0.dtype.kind in "iu" else (False if v0.dtype.kind == "b" else np.nan)
            vals = [_pad_cols(np.asarray(v), t, fill) for v in vals]
        elif f.name == "stage_burnout_s":
            width = max(np.asarray(v).shape[1] for v in vals)
            vals = [_pad_cols(np.asarray(v, float), width) for v in vals]
        out[f.name] = np.concatenate([np.asarray(v) for v in vals])
    return TrajectoryBatch(**out)


def windows_rows(w, rows):
    """The :class:`~thaadsim.defense.engagement.EngagementWindows` of some threat rows only."""
    from dataclasses import fields as dc_fields

    from thaadsim.defense.engagement import PairGeometry

    kw = {}
    for f in dc_fields(w):
        v = getattr(w, f.name)
        if f.name == "battery_ids":
            kw[f.name] = v
        elif f.name == "geometry":
            kw[f.name] = [PairGeometry(g.feasible[rows], g.t_s[rows], g.launch_s[rows]) for g in v]
        else:
            kw[f.name] = v[rows]
    return type(w)(**kw)


# ---- targeting: every distinct flight once, in blocks fixed by the sweep ------------------------
@dataclass
class FlightTable:
    """The distinct flights of a sweep in canonical order, and their solved launch parameters.

    About 90 bytes per distinct flight (a 1e6-aimpoint grid: ~90 MB), plus one index per group
    and threat; never a trajectory.
    """

    group_rows: np.ndarray      # (n_groups, n_threats): each group's threats -> distinct flight
    first_case: np.ndarray      # (n_groups,) lowest case number of each group (for messages)
    settings: list              # distinct [flight] physics (earth, rotation, atmosphere)
    setting: np.ndarray         # (F,) index into ``settings``
    missiles: list              # distinct missile ids
    missile: np.ndarray         # (F,) index into ``missiles``
    where: np.ndarray           # (F, 4) launch lat, lon, aim lat, lon (deg)
    shape: np.ndarray           # (F,) index into thaadsim.flight.targeting.SHAPES
    apogee_km: np.ndarray       # (F,) NaN: the shape's default
    params: np.ndarray          # (F, 4) azimuth deg, kick deg, cut-off s, flight time s (NaN: not solved)

    def __len__(self) -> int:
        return int(self.missile.size)

    def blocks(self) -> list:
        """Flight indices of each targeting call: per physics setting, the canonical order cut
        every :data:`TARGETING_BLOCK` flights (depends on the sweep alone)."""
        out = []
        for s in range(len(self.settings)):
            idx = np.flatnonzero(self.setting == s)
            out.extend(idx[a:a + TARGETING_BLOCK] for a in range(0, idx.size, TARGETING_BLOCK))
        return out

    def block_task(self, idx) -> dict:
        from thaadsim.flight.targeting import SHAPES

        earth, rotation, atmosphere = self.settings[int(self.setting[idx[0]])]
        return {"missile": [self.missiles[int(m)] for m in self.missile[idx]], "where": self.where[idx],
                "shape": [SHAPES[int(k)] for k in self.shape[idx]], "apogee_km": self.apogee_km[idx],
                "earth": earth, "rotation": rotation, "atmosphere": atmosphere}


def _flight_scenario(spec: SweepSpec, data: dict, origin: str, model, case: int):
    """The flight sections of case ``case`` with its flight-changing values (only they are
    validated here: radars and batteries do not change what flies, and each case is checked
    whole by its chunk)."""
    from thaadsim.io.scenario import scenario_from_dict

    ov = {f: v for f, v in spec.overrides(case).items() if changes_flights(f)}
    sub = {k: data[k] for k in FLIGHT_SECTIONS if k in data}
    try:
        return scenario_from_dict(apply_overrides(sub, ov), origin, model)
    except ThaadsimError as exc:
        raise _in_case(exc, spec, case) from None


def _in_case(exc: ThaadsimError, spec: SweepSpec, case: int) -> ThaadsimError:
    given = ", ".join(f"{f}={v!r}" for f, v in spec.overrides(case).items())
    return ThaadsimError(exc.field, f"{exc.problem} [case {case}: {given}]", exc.fix)


def flight_table(spec: SweepSpec, lay: "Layout", data: dict, origin: str, model) -> FlightTable:
    """List every distinct flight of the sweep once: groups in order, threats in file order."""
    from thaadsim.flight.targeting import SHAPES

    n_groups = int(lay.group_of.max()) + 1 if lay.group_of.size else 0
    _, first_case = np.unique(lay.group_of, return_index=True)     # groups are numbered 0..n_groups-1
    keys: dict = {}
    settings: dict = {}
    missiles: dict = {}
    group_rows = None
    for g in range(n_groups):         # a loop over flight groups (aimpoints), not over cases
        scn = _flight_scenario(spec, data, origin, model, int(first_case[g]))
        fl = scn.flight
        s = settings.setdefault((fl.earth, fl.rotation, fl.atmosphere), len(settings))
        rows = scn.expand_threats()
        if any(r.get("payload_kg") is not None for r in rows):
            # the sweep flies catalog missiles by id; a payload would be silently dropped
            raise ThaadsimError("threats.payload_kg", "is not supported in a sweep yet",
                                "drop payload_kg from the base scenario, or run it with `thaadsim run`")
        if group_rows is None:
            group_rows = np.empty((n_groups, len(rows)), np.int64)
        for j, r in enumerate(rows):
            group_rows[g, j] = keys.setdefault((s,) + _flight_key(r), len(keys))
    n = len(keys)
    setting, missile, shape = np.empty(n, np.int16), np.empty(n, np.int16), np.empty(n, np.int8)
    where, apo = np.empty((n, 4)), np.empty(n)
    for f, (s, m, la0, lo0, la1, lo1, sh, ap) in enumerate(keys):
        setting[f], missile[f], shape[f] = s, missiles.setdefault(m, len(missiles)), SHAPES.index(sh)
        where[f] = la0, lo0, la1, lo1
        apo[f] = np.nan if ap is None else ap
    del keys
    return FlightTable(group_rows if group_rows is not None else np.empty((0, 0), np.int64), first_case,
                       list(settings), setting, list(missiles), missile, where, shape, apo, np.full((n, 4), np.nan))


def target_block(task: dict) -> dict:
    """Solve one block of distinct flights (summary only): ``{"params": (N, 4), "ok": (N,)}``, or
    ``{"error": (field, problem, fix), "rows": rows}`` (ThaadsimError does not pickle).

    ``errors="mark"``: a flight that cannot be hit is marked, not raised, so the caller can name
    the first one in canonical order (and the case it belongs to) whatever block finished first.
    """
    from thaadsim.flight import fly_targeted

    w = task["where"]
    apo = np.asarray(task["apogee_km"], float)
    try:
        b = fly_targeted(task["missile"], w[:, 0], w[:, 1], w[:, 2], w[:, 3], shape=task["shape"],
                         apogee_km=None if np.isnan(apo).all() else apo, earth=task["earth"],
                         rotation=task["rotation"], atmosphere=task["atmosphere"], sample_dt_s=None,
                         errors="mark")
    except ThaadsimError as exc:
        return {"error": (exc.field, exc.problem, exc.fix), "rows": exc.rows}
    return {"params": np.column_stack([b.launch_azimuth_deg, b.kick_deg, b.cutoff_s, b.impact_s]),
            "ok": np.asarray(b.targeting_ok, bool)}


def _target(ex, table: FlightTable, needed: np.ndarray, spec, data, origin, model, stats) -> None:
    """Target the blocks holding ``needed`` flights on ``ex``; fill ``table.params``."""
    from thaadsim.executors import SerialExecutor

    blocks = [idx for idx in table.blocks() if needed[idx].any()]
    # one block cannot run in parallel: here it has every core's numba threads, a worker only its share
    # (the solutions do not depend on where a block runs)
    run = SerialExecutor() if len(blocks) == 1 else ex
    futures = [run.submit(target_block, table.block_task(idx)) for idx in blocks]
    worst = None                      # the first flight in canonical order that could not be hit
    try:
        for idx, fut in zip(blocks, futures):
            res = fut.result()
            if "error" in res:
                rows = res["rows"] or (0,)
                bad = int(idx[min(rows)])
            else:
                table.params[idx] = res["params"]
                miss = np.flatnonzero(~res["ok"])
                bad = int(idx[miss[0]]) if miss.size else None
            if bad is not None and (worst is None or bad < worst):
                worst = bad
    finally:
        for fut in futures:
            fut.cancel()
    stats.targeting_blocks += len(blocks)
    stats.flights_flown += int(sum(idx.size for idx in blocks))
    if worst is not None:
        raise _unreachable(table, worst, spec, data, origin, model)


def _unreachable(table: FlightTable, f: int, spec, data, origin, model) -> ThaadsimError:
    """The one-line error for distinct flight ``f``: the first case that flies it, with the
    message ``thaadsim run`` gives for that threat (its flight targeted alone, errors raised)."""
    g, j = (int(x[0]) for x in np.nonzero(table.group_rows == f))
    case = int(table.first_case[g])
    scn = _flight_scenario(spec, data, origin, model, case)
    row = scn.expand_threats()[j]
    try:
        scn.fly_threats([row])
    except ThaadsimError as exc:
        return _in_case(exc, spec, case)
    return _in_case(ThaadsimError(f"{origin}: threats.{row['source']}",
                                  "targeting could not hit this aimpoint among the sweep's others",
                                  "try another shape or apogee; lofted/depressed shots need range margin"),
                    spec, case)


# ---- the layout of chunks -----------------------------------------------------------------------
@dataclass
class Layout:
    order: np.ndarray        # case numbers, grouped by flight group
    group_of: np.ndarray     # flight group of each case (by case number)
    chunks: list             # (start, stop, shared group or -1) into ``order``


def layout(spec: SweepSpec, chunk_size: int) -> Layout:
    """Group cases by their flight-changing values and cut them into chunks (see module notes)."""
    n = spec.n_cases
    fdims = [i for i, d in enumerate(spec.dims) if d.changes_flights]
    if fdims:
        idx = np.unravel_index(np.arange(n), spec.shape)
        group_of = np.ravel_multi_index(tuple(idx[i] for i in fdims), tuple(spec.shape[i] for i in fdims))
    else:
        group_of = np.zeros(n, np.int64)
    order = np.argsort(group_of, kind="stable")
    n_groups = int(group_of.max()) + 1 if n else 0
    per_group = n // max(n_groups, 1)           # an outer product: every group has as many cases
    chunks = []
    if per_group >= chunk_size:
        for g in range(n_groups):
            for a in range(g * per_group, (g + 1) * per_group, chunk_size):
                chunks.append((a, min(a + chunk_size, (g + 1) * per_group), g))
    else:
        step = (chunk_size // per_group) * per_group
        for a in range(0, n, step):
            chunks.append((a, min(a + step, n), -1))
    return Layout(order, group_of, chunks)


# ---- storage ------------------------------------------------------------------------------------
def _manifest(sha, origin, spec, chunk_size, streams, runs, seed, n_cases, n_chunks) -> dict:
    from thaadsim import __version__

    return {"format": MANIFEST_FORMAT, "scenario": origin, "scenario_sha256": sha, "vary": spec.canonical(),
            "chunk_size": chunk_size, "streams": streams, "runs_override": runs, "seed_override": seed,
            "thaadsim_version": __version__, "n_cases": n_cases, "n_chunks": n_chunks}


def _prepare_out(out: Path, manifest: dict, force: bool) -> set:
    """Create ``out``; return the chunk numbers already finished there for this same manifest."""
    from thaadsim.io.atomic import unwritable_reason, write_json

    reason = unwritable_reason(out)
    if reason:
        raise ThaadsimError("--out", f"cannot write to {str(out)!r}: {reason}", "choose a directory you can write to")
    mpath = out / "manifest.json"
    chunks = out / "chunks"
    if mpath.exists():
        try:
            old = json.loads(mpath.read_text())
        except (OSError, ValueError):
            old = None
        if old != manifest:
            if not force:
                what = ("a different sweep" if old is None else
                        "a sweep with different " + ", ".join(k for k in manifest if old.get(k) != manifest[k]))
                raise ThaadsimError("--out", f"{str(out)!r} holds {what}",
                                    "give another --out directory, or --force to discard its chunks")
            for p in chunks.glob("*.npz") if chunks.is_dir() else ():
                p.unlink()
            for p in (out / "sweep.nc", out / "sweep.png"):
                p.unlink(missing_ok=True)
    chunks.mkdir(parents=True, exist_ok=True)
    write_json(mpath, manifest)
    return {int(p.stem) for p in chunks.glob("*.npz") if p.stem.isdigit()}


def _save_chunk(out: Path, number: int, res: dict) -> None:
    from thaadsim.io.atomic import write_bytes

    buf = io.BytesIO()
    np.savez(buf, **{k: v for k, v in res.items() if isinstance(v, np.ndarray)})
    write_bytes(out / "chunks" / f"{number:06d}.npz", buf.getvalue())


def _load_chunk(out: Path, number: int) -> dict | None:
    try:
        with np.load(out / "chunks" / f"{number:06d}.npz") as z:
            return {k: z[k] for k in z.files}
    except (OSError, ValueError, KeyError):   # unreadable: computed again
        return None


# ---- the sweep ----------------------------------------------------------------------------------
def sweep(scenario: str | os.PathLike[str] | RunScenario, vary: Sequence[str] | Mapping[Any, Sequence[Any]], *,
          workers: int | None = None, scheduler: str | None = None, out: str | os.PathLike[str] | None = None,
          chunk_size: int = DEFAULT_CHUNK_SIZE, progress: Callable[[int, int], Any] | None = None,
          runs: int | None = None, seed: int | None = None, streams: str = "common",
          force: bool = False, plot: bool = True) -> xarray.Dataset:
    """Run ``scenario`` for every combination of the ``vary`` values; an :class:`xarray.Dataset`.

    Parameters
    ----------
    scenario : path or RunScenario
        The scenario file (as for ``thaadsim run``) or a loaded scenario.
    vary : list of str, or dict
        ``["batteries.0.pk=0.5:0.9:5", "radars.0.average_power_kw=20,40,80"]`` (see
        :mod:`thaadsim.sweep.spec`), or ``{"batteries.0.pk": [0.5, 0.9], ("f1", "f2"): [(a, b), ...]}``.
    workers, scheduler
        Where chunks run (:func:`thaadsim.executors.executor`): ``workers`` local processes
        (None: one per core; 1: this process) or a ``dask.distributed`` scheduler address.
    out : path or None
        Directory for chunks, ``manifest.json``, ``sweep.nc`` and ``sweep.png``; resumable.
    chunk_size : int
        Cases per chunk (results do not depend on it).
    progress : callable(done_cases, total_cases) or None
    runs, seed : int or None
        Override ``[montecarlo].runs`` / ``seed`` (checked by the same schema as the file's).
    streams : "common" or "independent"
        Monte Carlo streams of the cases (see the module notes).
    force : bool
        Discard the chunks of a different sweep found in ``out``.
    plot : bool
        Also write ``sweep.png`` into ``out``.

    Returns
    -------
    xarray.Dataset
        One dimension per ``--vary`` (zipped fields share one) and ``threat``; the variables of
        :data:`FIGURES` with CF ``units`` and ``long_name``; the varied values as coordinates.
    """
    return run_sweep(scenario, vary, workers=workers, scheduler=scheduler, out=out, chunk_size=chunk_size,
                     progress=progress, runs=runs, seed=seed, streams=streams, force=force, plot=plot)[0]


def run_sweep(scenario, vary, *, workers=None, scheduler=None, out=None, chunk_size: int = DEFAULT_CHUNK_SIZE,
              progress=None, runs=None, seed=None, streams="common", force=False, plot=True):
    """:func:`sweep`, returning ``(Dataset, SweepStats)``."""
    from thaadsim.io.scenario import scenario_from_dict
    from thaadsim.executors import SerialExecutor, check_workers, executor

    t0 = time.perf_counter()
    # every number is checked before any work starts
    check_workers(workers)
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer)) or not 1 <= chunk_size <= MAX_CHUNK_SIZE:
        raise ThaadsimError("chunk_size", f"{chunk_size!r} is not a whole number from 1 to {MAX_CHUNK_SIZE}",
                            "e.g. --chunk-size 64")
    chunk_size = int(chunk_size)
    if streams not in STREAMS:
        raise ThaadsimError("streams", f"unknown {streams!r}", f"one of {', '.join(STREAMS)}")
    data, origin, sha, model = _load(scenario)
    fixed = {}
    if runs is not None:
        fixed["montecarlo.runs"] = runs
    if seed is not None:
        fixed["montecarlo.seed"] = seed
    if fixed:
        try:
            check_seed(scenario_from_dict(apply_overrides(data, fixed), origin, model))
        except ThaadsimError as exc:
            name = "--runs" if "runs" in exc.field else "--seed"
            raise ThaadsimError(name, exc.problem, exc.fix) from None
        data = apply_overrides(data, fixed)
    spec = _spec_from(vary)
    validate(spec, data, origin, model)
    base = scenario_from_dict(data, origin, model)
    base_plan = base.to_plan()
    threat_ids = [t.id for t in base_plan.threats]
    n_threats = len(threat_ids)

    lay = layout(spec, chunk_size)
    stats = SweepStats(n_cases=spec.n_cases, n_threats=n_threats, n_chunks=len(lay.chunks))
    results = {k: np.full((spec.n_cases, n_threats) if pt else spec.n_cases, np.nan)
               for k, (pt, _, _) in FIGURES.items()}
    results["engageable"] = np.zeros((spec.n_cases, n_threats), bool)

    outdir = Path(out) if out is not None else None
    done: set = set()
    if outdir is not None:
        manifest = _manifest(sha, origin, spec, chunk_size, streams, runs, seed, spec.n_cases, len(lay.chunks))
        done = _prepare_out(outdir, manifest, force)
    finished = 0
    for c in sorted(done):
        res = _load_chunk(outdir, c) if c < len(lay.chunks) else None
        a, b, _ = lay.chunks[c] if c < len(lay.chunks) else (0, 0, 0)
        if res is None or not np.array_equal(res.get("cases"), lay.order[a:b]):
            done.discard(c)
            continue
        _store(results, res)
        finished += b - a
    stats.chunks_reused = len(done)
    report = progress or (lambda _done, _total: None)
    report(finished, spec.n_cases)

    todo = [c for c in range(len(lay.chunks)) if c not in done]
    if todo:
        # every distinct flight listed once; only the blocks unfinished chunks need are targeted
        t = time.perf_counter()
        table = flight_table(spec, lay, data, origin, model)
        stats.listing_s = time.perf_counter() - t
        needed = np.zeros(len(table), bool)
        for c in todo:
            a, b, _ = lay.chunks[c]
            needed[table.group_rows[np.unique(lay.group_of[lay.order[a:b]])].ravel()] = True
        # one chunk left cannot run in parallel: run it here rather than start processes for it
        # (the answer is the same on any executor)
        local = 1 if len(todo) == 1 and not scheduler else workers
        with executor(local, scheduler) as ex:
            t = time.perf_counter()
            _target(ex, table, needed, spec, data, origin, model, stats)
            stats.targeting_s = time.perf_counter() - t
            pending: dict = {}
            # in this process a chunk runs at submission: one at a time, so each is saved at once
            window = 1 if isinstance(ex, SerialExecutor) else MAX_PENDING
            try:
                it = iter(todo)
                while True:
                    while len(pending) < window:
                        c = next(it, None)
                        if c is None:
                            break
                        task = _task(c, lay, spec, data, origin, model, n_threats, streams, table)
                        pending[ex.submit(run_chunk, task)] = c
                    if not pending:
                        break
                    fin, _ = cf.wait(list(pending), return_when=cf.FIRST_COMPLETED)
                    for fut in sorted(fin, key=pending.get):
                        c = pending.pop(fut)
                        res = fut.result()
                        if "error" in res:
                            raise ThaadsimError(*res["error"])
                        _store(results, res)
                        if outdir is not None:
                            _save_chunk(outdir, c, res)
                        stats.chunks_computed += 1
                        a, b, _ = lay.chunks[c]
                        finished += b - a
                        report(finished, spec.n_cases)
            finally:
                for fut in pending:
                    fut.cancel()

    ds = to_dataset(results, spec, threat_ids, sha=sha, origin=origin, streams=streams, title=base.scenario.name)
    if outdir is not None:
        stats.paths = write_outputs(ds, outdir, plot=plot)
    stats.wall_s = time.perf_counter() - t0
    return ds, stats


def _task(c, lay, spec, data, origin, model, n_threats, streams, table: FlightTable) -> dict:
    a, b, _ = lay.chunks[c]
    cases = lay.order[a:b]
    groups = [int(x) for x in lay.group_of[cases]]
    # the solved launch parameters of the chunk's flights: four floats per group and threat
    params = {g: table.params[table.group_rows[g]] for g in sorted(set(groups))}
    return {"cases": cases, "overrides": [spec.overrides(int(i)) for i in cases], "groups": groups,
            "data": data, "origin": origin, "model": model, "n_threats": n_threats, "streams": streams,
            "params": params}


def _store(results: dict, res: dict) -> None:
    cases = res["cases"]
    for k in FIGURES:
        results[k][cases] = res[k]


# ---- the Dataset and the files ------------------------------------------------------------------
def units_of(path: str, values) -> dict:
    """CF attributes of a varied field, from the unit its name carries."""
    last = path.split(".")[-1]
    if values and isinstance(values[0], str):
        return {"long_name": path}
    if last.endswith("lat_deg"):
        u = "degrees_north"
    elif last.endswith("lon_deg"):
        u = "degrees_east"
    else:
        u = {"_deg": "degree", "_km": "km", "_m": "m", "_m2": "m2", "_s": "s", "_kw": "kW",
             "_kms": "km s-1"}.get("_" + last.rsplit("_", 1)[-1], "1")
    return {"units": u, "long_name": path}


def _coord_values(values):
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return np.asarray(values, float)
    return np.asarray([str(v) for v in values], dtype=object) if not all(isinstance(v, bool) for v in values) \
        else np.asarray(values, bool)


def to_dataset(results: dict, spec: SweepSpec, threat_ids, *, sha: str, origin: str, streams: str, title: str):
    """Per-case arrays (case-numbered) into a labelled Dataset, one dimension per varied field."""
    import xarray as xr

    from thaadsim import __version__

    dims = [d.name for d in spec.dims]
    shape = spec.shape
    coords = {}
    for d in spec.dims:
        for k, f in enumerate(d.fields):
            col = d.column(k)
            coords[f] = (d.name, _coord_values(col), units_of(f, col))
    coords["threat"] = ("threat", np.asarray(threat_ids, dtype=object),
                        {"long_name": "threat (the scenario's expanded [[threats]], as in thaadsim run)"})
    data_vars = {}
    for k, (per_threat, units, long_name) in FIGURES.items():
        arr = results[k]
        if per_threat:
            data_vars[k] = (dims + ["threat"], arr.reshape(shape + (len(threat_ids),)),
                            {"units": units, "long_name": long_name})
        else:
            data_vars[k] = (dims, arr.reshape(shape), {"units": units, "long_name": long_name})
    ds = xr.Dataset(data_vars, coords=coords)
    ds.attrs = {"title": f"thaadsim sweep: {title}", "Conventions": "CF-1.8", "source": "thaadsim sweep",
                "scenario": origin, "scenario_sha256": sha, "vary": spec.text(), "streams": streams,
                "thaadsim_version": __version__}
    return ds


def write_outputs(ds, out: Path, plot: bool = True) -> dict:
    """``sweep.nc`` (NetCDF-4 through h5netcdf) and ``sweep.png``, each written atomically."""
    from thaadsim.io.atomic import write_bytes

    paths = {"sweep.nc": write_bytes(out / "sweep.nc", netcdf_bytes(ds))}
    if plot:
        paths["sweep.png"] = write_bytes(out / "sweep.png", summary_png(ds))
    return {k: str(v) for k, v in paths.items()}


def netcdf_bytes(ds) -> bytes:
    """The Dataset as NetCDF-4 bytes (h5netcdf), for the atomic writer."""
    enc = {name: {"dtype": str} for name, var in ds.variables.items() if var.dtype == object}
    return bytes(ds.to_netcdf(None, engine="h5netcdf", encoding=enc))


def summary_png(ds) -> bytes:
    """P(no leaker) against the first one or two varied fields: 95 % Monte Carlo error bars (one
    field) or a coloured grid with contours (two). Expected leakers where P(no leaker) is the same in
    every case (a threat that always leaks), the mean first detection time where there is no raid."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    var = "p_no_leaker"
    v = ds[var].values
    if np.isfinite(v).any() and np.nanmin(v) == np.nanmax(v) and not np.isnan(ds["expected_leakers"].values).all():
        var = "expected_leakers"     # e.g. a threat that always leaks: P(no leaker) is 0 everywhere
    da = ds[var]
    se = ds.get(f"{var}_se")
    if bool(np.isnan(da.values).all()):
        var = "first_detection_s"
        da = ds[var].mean("threat")
        se = None
    dims = [d for d in da.dims]
    others = dims[2:] if len(dims) >= 2 and _numeric(ds, dims[0]) and _numeric(ds, dims[1]) else dims[1:]
    sel = {d: 0 for d in others}
    da = da.isel(sel)
    se = se.isel(sel) if se is not None else None
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=110)
    label = f"{var} ({ds[var].attrs.get('units', '')})"
    if da.ndim == 2:
        x, y = dims[1], dims[0]
        xv, yv = _axis(ds, x), _axis(ds, y)
        v = da.values
        lim = (0.0, 1.0) if var == "p_no_leaker" else (np.nanmin(v), np.nanmax(v))
        im = ax.pcolormesh(xv, yv, v, cmap="viridis", shading="nearest", vmin=lim[0], vmax=lim[1])
        fig.colorbar(im, ax=ax, label=label)
        if len(xv) >= 4 and len(yv) >= 4 and np.nanmax(v) > np.nanmin(v):   # contours of a coarser grid mislead
            cs = ax.contour(xv, yv, v, levels=6, colors="white", linewidths=0.8)
            ax.clabel(cs, fontsize=7, fmt="%.3g")
        ax.set_xlabel(x)
        ax.set_ylabel(y)
    elif da.ndim == 1:
        x = dims[0]
        xv = _axis(ds, x) if _numeric(ds, x) else np.arange(da.size)
        yerr = 1.96 * se.values if se is not None else None
        ax.errorbar(xv, da.values, yerr=yerr, marker="o", capsize=3)
        if not _numeric(ds, x):
            ax.set_xticks(xv, [str(v) for v in ds[x].values])
        ax.set_xlabel(x)
        ax.set_ylabel(label)
    else:
        ax.bar([0], [float(da.values)])
        ax.set_ylabel(label)
    held = ", ".join(f"{d} = {ds[d].values[0]}" for d in others if d in ds.coords)
    ax.set_title(f"{ds.attrs.get('title', 'sweep')}" + (f"\n(at {held})" if held else ""), fontsize=9)
    ax.grid(alpha=0.3)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def _numeric(ds, dim) -> bool:
    return dim in ds.coords and ds[dim].dtype.kind in "fiu"


def _axis(ds, dim):
    if dim in ds.coords and ds[dim].dtype.kind in "fiu":
        return ds[dim].values
    return np.arange(ds.sizes[dim])
