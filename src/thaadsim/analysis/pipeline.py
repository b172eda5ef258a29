"""Run a :class:`~thaadsim.analysis.plan.Plan`: fly, sense, engage, simulate the raid, sum up.

Stages (each hands arrays to the next; nothing is flown twice):

1. **flight** — every threat in one :func:`thaadsim.flight.fly_targeted` batch;
2. **sensing** — :func:`thaadsim.sensors.detection.detect` for every radar, and ground footprints
   of each radar face at the altitudes asked for (:mod:`thaadsim.analysis.coverage`);
3. **engagement** — :func:`thaadsim.defense.engagement.engagement_windows` for every (threat,
   battery) pair, with each battery's detection time taken from its own radar, or else from the
   first detection by any scenario radar (a networked cue), or else its fire-control cue delay;
4. **raid** — :func:`thaadsim.defense.raid.simulate_raid` Monte Carlo (when ``plan.trials > 0``).

A stage whose upstream layer is missing or fails on a user error is recorded in
``result.missing`` and skipped; the rest still runs, and the report says what is missing.
"""

from __future__ import annotations

import time
from typing import Callable

import numpy as np
import pandas as pd

from thaadsim.analysis.plan import Plan
from thaadsim.analysis.result import ScenarioResult
from thaadsim.errors import ThaadsimError

Progress = Callable[[str, float], None]


def _noop(_stage: str, _frac: float) -> None:
    pass


def fly_threats(plan: Plan):
    """One batch for all threats (rows in plan order)."""
    from thaadsim.flight import fly_targeted

    th = plan.threats
    missiles = [t.missile if t.missile is not None else t.missile_id for t in th]
    apo = np.array([np.nan if t.apogee_km is None else float(t.apogee_km) for t in th])
    return fly_targeted(missiles, [t.launch.lat_deg for t in th], [t.launch.lon_deg for t in th],
                        [t.target.lat_deg for t in th], [t.target.lon_deg for t in th],
                        shape=[t.shape for t in th], apogee_km=None if np.all(np.isnan(apo)) else apo,
                        sample_dt_s=plan.sample_dt_s)


def stage_detections(plan: Plan, batch):
    """Fly every threat's spent final stage (:mod:`thaadsim.flight.spent_stage`) and detect it with every
    scenario radar: ``(stage batch or None, threat row of each stage, {radar_id: DetectionResult})``."""
    from thaadsim.analysis.detections import run_stage_detections
    from thaadsim.flight.spent_stage import fly_spent_stages, spent_stage_for

    stages, rows = fly_spent_stages(batch, sample_dt_s=plan.sample_dt_s)
    if stages is None or not plan.radars:
        return stages, rows, {}
    rcs = np.array([spent_stage_for(str(batch.missile_id[i])).rcs_m2 for i in rows])
    return stages, rows, run_stage_detections(stages, plan.radars, rcs)


def battery_detect_s(batch, batteries, det_results: dict, rcs_m2=None) -> np.ndarray:
    """(N, M) first detection time (s since each threat's launch) per battery.

    Own radar (matched by identity or id) → its detection; no own radar → the earliest detection by
    any scenario radar (networked cue); neither → NaN, and the defense layer's cue-delay fallback
    is applied by the caller.
    """
    n = len(batch)
    net = np.full(n, np.nan)
    for res in det_results.values():
        net = np.fmin(net, res.first_detection_s)
    out = np.full((n, len(batteries)), np.nan)
    for j, bat in enumerate(batteries):
        own = None
        if bat.radar is not None:
            for rid, res in det_results.items():
                if res.radar_id == getattr(bat.radar.radar, "id", None) or rid == getattr(bat, "radar_id", None):
                    own = res
                    break
        if own is not None:
            out[:, j] = own.first_detection_s
        elif bat.radar is not None:
            from thaadsim.sensors.detection import detect

            out[:, j] = detect(batch, bat.radar, rcs_m2=rcs_m2).first_detection_s
        else:
            out[:, j] = net
            if np.isnan(net).any():
                from thaadsim.defense.detection import first_detection_s

                cue = first_detection_s(batch, bat)
                out[:, j] = np.where(np.isnan(net), cue, net)
    return out


def threat_rcs_m2(plan: Plan, batch) -> np.ndarray:
    """(N, T) RCS of every threat sample, each threat with its own missile's signature by phase
    (and the scenario's ``rv_rcs_m2`` / ``booster_rcs_m2`` in place of it where given)."""
    from thaadsim.analysis.detections import rcs_array
    from thaadsim.sensors.signatures import signature_for

    return rcs_array(batch, [signature_for(plan_missile(th, batch, i), rv_rcs_m2=th.rv_rcs_m2,
                                           booster_rcs_m2=th.booster_rcs_m2) for i, th in enumerate(plan.threats)])


def engage(batch, batteries, det_results: dict, rcs_m2=None):
    """Engagement windows of every threat against every battery, cued by ``det_results``
    (:func:`battery_detect_s`); each battery's own radar holds the threats with the same RCS
    (``rcs_m2``, (N, T)) that their first detections used."""
    from thaadsim.defense.engagement import engagement_windows

    det = battery_detect_s(batch, batteries, det_results, rcs_m2)
    return engagement_windows(batch, batteries, detect_s=det, rcs_m2=rcs_m2)


def run_raid_only(plan: Plan, progress=None):
    """Fly, sense and engage exactly as :func:`run_plan` does, then run the raid Monte Carlo.

    What ``thaadsim raid`` prints: the same numbers as the raid part of ``thaadsim run`` on the same
    file, seed and runs (one path, so the two commands cannot disagree), without the coverage maps,
    footprints and report. Returns the :class:`~thaadsim.defense.raid.RaidResult`.
    ``progress(done_runs, total_runs)`` is called after every chunk of Monte Carlo runs.
    """
    batch = plan.flyer() if plan.flyer is not None else fly_threats(plan)
    from thaadsim.analysis.detections import run_detections

    rcs = threat_rcs_m2(plan, batch)
    det_results = run_detections(batch, plan.radars, rcs_m2=rcs) if plan.radars else {}
    windows = engage(batch, plan.batteries, det_results, rcs)
    return default_raid_runner(batch, plan.batteries, windows, plan, progress=progress)["result"]


def run_plan(plan: Plan, progress: Progress | None = None) -> ScenarioResult:
    """Run everything the plan asks; returns a :class:`ScenarioResult`."""
    progress = progress or _noop
    res = ScenarioResult(plan=plan)
    timings = {}

    # 1. flight -----------------------------------------------------------------------------
    progress("flying threats", 0.0)
    t = time.perf_counter()
    if not plan.threats:
        res.missing.append("no threats in the scenario: nothing was flown")
    else:
        try:
            res.batch = plan.flyer() if plan.flyer is not None else fly_threats(plan)
        except ImportError as exc:
            res.missing.append(f"flight engine not available ({exc}); no trajectories")
    timings["flight_s"] = time.perf_counter() - t
    progress("flying threats", 0.3)

    # 2. sensing ----------------------------------------------------------------------------
    t = time.perf_counter()
    # each threat's RCS by phase from its own missile: the same for first detections and for the
    # battery radars' track at the intercept point
    rcs = threat_rcs_m2(plan, res.batch) if res.batch is not None else None
    if res.batch is not None and plan.radars:
        try:
            from thaadsim.analysis.detections import run_detections

            res.detection_results = run_detections(res.batch, plan.radars, rcs_m2=rcs)
            # the second object of each threat: its spent final stage (tracked, not engaged). Up to the
            # report's detail limit only: a stage flight costs about as much time and memory as its
            # missile's (benchmarks/bench_spent_stages.py), and a large raid's report aggregates anyway
            from thaadsim.analysis.scale import DETAIL_MAX_THREATS

            if len(plan.threats) <= DETAIL_MAX_THREATS:
                res.stage_batch, res.stage_rows, res.stage_detection_results = stage_detections(plan, res.batch)
            else:
                res.notes.append(f"Spent final stages (each threat's second radar object) are flown and detected for "
                                 f"scenarios of up to {DETAIL_MAX_THREATS} threats; this one has "
                                 f"{len(plan.threats):,}, so detections cover the missiles themselves only.")
        except ImportError as exc:
            res.missing.append(f"radar detections not available ({exc})")
    elif not plan.radars:
        res.notes.append("No radar in the scenario: detections and coverage were not computed.")
    progress("radar coverage", 0.45)
    try:
        res.coverage = coverage_polygons(plan)
    except ImportError as exc:
        res.missing.append(f"radar coverage not available ({exc})")
    timings["sensing_s"] = time.perf_counter() - t

    # 3. engagement -------------------------------------------------------------------------
    t = time.perf_counter()
    progress("engagement windows", 0.5)
    if res.batch is not None and plan.batteries:
        try:
            res.windows = engage(res.batch, plan.batteries, res.detection_results, rcs)
        except ImportError as exc:
            res.missing.append(f"engagement windows not available ({exc})")
    elif not plan.batteries:
        res.notes.append("No battery in the scenario: engagement windows and the raid were not computed.")
    timings["engagement_s"] = time.perf_counter() - t

    # 3b. defended footprints (optional, one batch of aimpoints per request) -----------------
    t = time.perf_counter()
    if plan.footprints and plan.batteries:
        from thaadsim.analysis.footprint import defended_footprints

        for k, req in enumerate(plan.footprints):
            progress(f"footprint {k + 1}/{len(plan.footprints)}", 0.55 + 0.15 * k / len(plan.footprints))
            c = req.center or _mean_point(plan.batteries)
            fp = defended_footprints(req.missile_id, req.launch.lat_deg, req.launch.lon_deg, plan.batteries,
                                     plan.radars, center_lat_deg=c.lat_deg, center_lon_deg=c.lon_deg,
                                     half_width_km=req.half_width_km, n=req.grid_n, shape=req.shape,
                                     apogee_km=req.apogee_km, sample_dt_s=plan.sample_dt_s,
                                     max_nodes=req.max_nodes)
            res.footprints.append({"request": req, "result": fp})
    timings["footprints_s"] = time.perf_counter() - t

    # 3c. the strategic table (optional): every launch area x target against the site --------
    t = time.perf_counter()
    if plan.strategic is not None:
        from thaadsim.analysis.strategic import strategic_fractions, strategic_table

        progress("strategic table", 0.65)
        table = strategic_table(**plan.strategic)
        res.strategic = {"table": table, "fractions": strategic_fractions(table), "site": plan.strategic["site"]}
    timings["strategic_s"] = time.perf_counter() - t

    # 4. raid Monte Carlo -------------------------------------------------------------------
    t = time.perf_counter()
    progress("raid Monte Carlo", 0.7)
    if res.windows is not None and plan.trials > 0:
        try:
            if plan.raid_runner is None:
                def mc_progress(done, total):
                    progress(f"raid Monte Carlo {done:,}/{total:,} runs", 0.7 + 0.2 * done / total)
                res.raid = default_raid_runner(res.batch, plan.batteries, res.windows, plan, progress=mc_progress)
            else:
                res.raid = plan.raid_runner(res.batch, plan.batteries, res.windows, plan)
        except ImportError as exc:
            res.missing.append(f"raid Monte Carlo not available ({exc})")
    elif plan.trials <= 0 and plan.batteries:
        res.notes.append("Monte Carlo trials = 0: the raid simulation was skipped.")
    timings["raid_s"] = time.perf_counter() - t
    res.timings = timings
    progress("summing up", 0.9)
    res.finalize()
    progress("done", 1.0)
    return res


def _mean_point(batteries):
    from thaadsim.analysis.plan import PlacePoint

    lat = float(np.mean([b.lat_deg for b in batteries]))
    ang = np.radians([b.lon_deg for b in batteries])
    lon = float(np.degrees(np.arctan2(np.sin(ang).mean(), np.cos(ang).mean())))
    return PlacePoint("defence centre", lat, lon)


def plan_missile(th, batch, i):
    """The Missile object flown for threat i (for its signature), or None."""
    if th.missile is not None:
        return th.missile
    try:
        from thaadsim.flight import load_missile

        return load_missile(th.missile_id)
    except (ImportError, ThaadsimError):
        return None


def default_raid_runner(batch, batteries, windows, plan: Plan, progress=None) -> dict:
    """The defense layer's raid Monte Carlo; each threat's target is its defended asset.
    ``progress(done_runs, total_runs)`` is called after every chunk of runs."""
    rr = raid_result(batch, batteries, windows, plan, progress=progress)
    return {"result": rr, "summary": rr.summary(), "event_log": list(rr.event_log)}


def raid_result(batch, batteries, windows, plan: Plan, log_run: int | None = 0, progress=None, on_chunk=None):
    """The :class:`~thaadsim.defense.raid.RaidResult` alone (a sweep needs no summary per case, and
    no event log: ``log_run=None``). ``on_chunk`` receives each chunk's per-(run x threat)
    outcomes (see :func:`~thaadsim.defense.raid.simulate_raid`); the result keeps only sums."""
    from thaadsim.defense.raid import Doctrine, simulate_raid

    names = [a.name for a in plan.assets]
    values = [a.value for a in plan.assets]
    for t in plan.threats:
        if t.target.name not in names:
            names.append(t.target.name)
            values.append(1.0)
    index = np.array([names.index(t.target.name) for t in plan.threats])
    rr = simulate_raid(batch, batteries, launch_time_s=np.array([t.launch_time_s for t in plan.threats]),
                       asset_index=index, asset_names=names, asset_values=values,
                       threat_labels=[t.id for t in plan.threats], doctrine=plan.doctrine or Doctrine(),
                       runs=int(plan.trials), seed=int(plan.seed), chunk_runs=int(plan.chunk_runs),
                       windows=windows, log_run=log_run, progress=progress, on_chunk=on_chunk)
    return rr


def coverage_polygons(plan: Plan) -> list[dict]:
    """Ground footprints of every radar face at each requested target altitude.

    Detection range for the footprint: min(instrumented range, radar-equation range for the RCS
    ``plan.coverage_rcs_m2`` — default the sensors layer's reentry-vehicle RCS).
    """
    from thaadsim.analysis.coverage import radar_footprint

    if plan.coverage_rcs_m2 is None:
        try:
            from thaadsim.sensors.signatures import DEFAULT_RV_RCS_M2 as rcs
        except ImportError:
            rcs = 0.05
    else:
        rcs = float(plan.coverage_rcs_m2)
    out = []
    for rid, pr in plan.radars.items():
        r = pr.radar
        rng = float(min(r.max_range_m, r.detection_range_m(rcs)))
        for alt_km in plan.coverage_alt_km:
            poly = radar_footprint(pr.lat_deg, pr.lon_deg, pr.antenna_alt_m, target_alt_m=alt_km * 1e3,
                                   max_range_m=rng, min_elevation_deg=r.min_elevation_deg,
                                   face_az_deg=pr.face_az_deg, az_half_width_deg=r.az_half_width_deg)
            out.append({"radar_id": rid, "alt_km": float(alt_km), "rcs_m2": rcs, "range_km": rng / 1e3,
                        "polygon": poly})
    return out


def threats_frame(plan: Plan, batch) -> pd.DataFrame:
    """One row per threat: the plan's description next to the flown summary figures."""
    rows = []
    for i, th in enumerate(plan.threats):
        row = {"threat_id": th.id, "name": th.label(), "missile_id": th.missile_id, "shape": th.shape,
               "launch_area": th.launch.name, "target": th.target.name, "launch_time_s": th.launch_time_s}
        if batch is not None:
            for c in ("range_km", "apogee_km", "flight_time_s", "burnout_speed_kms", "max_speed_kms",
                      "impact_lat_deg", "impact_lon_deg"):
                row[c] = float(getattr(batch, c)[i])
            row["miss_km"] = float(batch.miss_km[i]) if batch.miss_km is not None else np.nan
            row["impact_scenario_s"] = th.launch_time_s + float(batch.flight_time_s[i])
        rows.append(row)
    return pd.DataFrame(rows)
