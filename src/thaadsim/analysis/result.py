"""`ScenarioResult`: everything a scenario run produced, as DataFrames, plus the key answers.

Tables (pandas DataFrames, units in the column names):

* ``threats`` — one row per threat: missile, shape, launch area, target, launch time, range,
  apogee, flight time, impact point, targeting miss;
* ``detections`` — one row per (threat, radar): detected?, first/last detection, altitude and
  range at first detection, track time, tracked phases;
* ``engagements`` — one row per (threat, battery): engageable?, detection time, earliest launch,
  earliest/latest intercept time and altitude, fly-out time, closing speed, shots possible, and
  ``not_engageable_reason`` in words where it cannot be engaged;
* ``raid`` — one row per threat from the Monte Carlo: P(kill), mean shots, and where a shared
  inventory or the priority rule traded it against other threats, ``traded_for`` (those threats)
  and ``note`` (how often it leaked for want of a round, in words); ``raid_summary`` the
  whole-raid figures (P(no leaker), expected leakers, interceptors expended);
* ``events`` — the event log (one Monte Carlo run, plus the deterministic flight/sensor events),
  in time order; a threat's events end at its kill (the killing intercept) or its impact.

``result.plot()`` draws the map and the altitude profiles with matplotlib; ``result.summary()``
is the JSON-ready dict written to ``summary.json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:   # annotations only: matplotlib and xarray load when first used
    from collections.abc import Sequence

    import matplotlib.figure
    import xarray

    from thaadsim.analysis.objects import Area, ReportContent, Site, Track


_TERMINAL = ("killed_before_impact", "leak_impact", "impact")
_SAME_TIME_ORDER = {"threat_launch": 0, "burnout": 1, "radar_first_detection": 2, "detect": 2,
                    "engagement_window_open": 3, "apogee": 3, "interceptor_launch": 4, "intercept": 5,
                    "radar_last_detection": 6, "engagement_window_close": 6}


def _in_order_ending_at_kill(ev: list[dict]) -> list[dict]:
    """The events sorted by time (a threat's end last among events at the same instant), without
    any event of a threat after its end (its kill, or its impact)."""
    def t(e):
        v = e.get("time_s")
        return float(v) if v is not None and np.isfinite(v) else np.inf

    end: dict = {}
    for e in ev:
        if e.get("event") in _TERMINAL:
            end[e.get("threat")] = min(end.get(e.get("threat"), np.inf), t(e))
    kept = [e for e in ev if e.get("event") in _TERMINAL or t(e) <= end.get(e.get("threat"), np.inf)]
    return sorted(kept, key=lambda e: (t(e), 9 if e.get("event") in _TERMINAL else _SAME_TIME_ORDER.get(e.get("event"), 8)))


@dataclass
class ScenarioResult:
    plan: object
    batch: object | None = None
    detection_results: dict = field(default_factory=dict)
    # spent final stages: their trajectories, the threat row of each, and their detections per radar
    stage_batch: object | None = None
    stage_rows: object | None = None
    stage_detection_results: dict = field(default_factory=dict)
    coverage: list = field(default_factory=list)
    windows: object | None = None
    raid: dict | None = None
    footprints: list = field(default_factory=list)
    strategic: dict | None = None         # {"table", "fractions", "site"} when the scenario asks for it
    missing: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    timings: dict = field(default_factory=dict)
    # built by finalize()
    threats: pd.DataFrame | None = None
    detections: pd.DataFrame | None = None
    stage_detections: pd.DataFrame | None = None
    engagements: pd.DataFrame | None = None
    raid_table: pd.DataFrame | None = None
    raid_summary: dict | None = None
    events: list = field(default_factory=list)
    answers: list = field(default_factory=list)
    figures: list = field(default_factory=list)

    # ------------------------------------------------------------------ tables
    def finalize(self) -> "ScenarioResult":
        """Fill the derived tables (threats, detections, engagements, raid) from the run; returns ``self``."""
        from thaadsim.analysis.detections import detections_table
        from thaadsim.analysis.pipeline import threats_frame

        plan = self.plan
        ids = [t.id for t in plan.threats]
        t0 = np.array([t.launch_time_s for t in plan.threats], float)
        self.threats = threats_frame(plan, self.batch)
        self.detections = (detections_table(self.detection_results, ids, t0) if self.detection_results
                           else pd.DataFrame(columns=["threat_id", "radar_id", "detected"]))
        from thaadsim.analysis.detections import stage_detections_table

        self.stage_detections = (stage_detections_table(self.stage_detection_results, self.stage_rows, ids, t0)
                                 if self.stage_detection_results
                                 else pd.DataFrame(columns=["threat_id", "object", "radar_id", "detected"]))
        if self.windows is not None:
            df = self.windows.to_dataframe()
            df.insert(0, "threat_id", [ids[i] for i in df.pop("threat")])
            df = df.rename(columns={"battery": "battery_id"})
            self.engagements = df
            # the reason in words, as the report gives it, for every pair that cannot be engaged
            reasons = [None if ok else self.why_not(t, bid).split(": ", 1)[-1]
                       for t, bid, ok in zip(df["threat_id"], df["battery_id"], df["engageable"])]
            df["not_engageable_reason"] = reasons
        else:
            self.engagements = pd.DataFrame(columns=["threat_id", "battery_id", "engageable"])
        if self.raid is not None:
            s = self.raid["summary"]
            self.raid_summary = {k: v for k, v in s.items() if k not in ("per_threat", "per_asset")}
            rows = []
            for pt in s.get("per_threat", []):
                ci = pt.get("p_kill_ci95") or [np.nan, np.nan]
                row = {"threat_id": pt["threat"], "target": pt.get("asset"), "p_kill": pt["p_kill"],
                       "p_kill_ci95_lo": ci[0], "p_kill_ci95_hi": ci[1],
                       "mean_shots": pt["mean_shots"]}
                row["engageable_by"] = ", ".join(b for b, ok in pt.get("engageable_by", {}).items() if ok) or "none"
                # where a shared inventory or the priority rule traded this threat against others
                row["traded_for"] = ", ".join(pt.get("traded_for", []))
                row["note"] = pt.get("note", "")
                rows.append(row)
            self.raid_table = pd.DataFrame(rows)
            assets = []
            for pa in s.get("per_asset", []):     # the interval as two columns: tables and CSV read them
                pa = dict(pa)
                lo, hi = pa.pop("p_hit_ci95", [np.nan, np.nan])
                assets.append({**pa, "p_hit_ci95_lo": lo, "p_hit_ci95_hi": hi})
            self.raid_assets = pd.DataFrame(assets)
        else:
            self.raid_table = None
            self.raid_assets = None
        self.events = self._events()
        self.answers, self.figures = self._answers()
        return self

    def _events(self) -> list[dict]:
        """events.jsonl: what happened, in time order; a threat's events end at its kill.

        With a raid, run 0 of the Monte Carlo is the representative run: a threat it kills gets a
        ``killed_before_impact`` event at the intercept time of the shot that killed it (the
        earliest-intercepting hit, see :func:`thaadsim.defense.raid._run_event_log`), and none of its
        flight, radar or engagement-window events after that; a leaker's events end at its impact.
        """
        plan = self.plan
        ev = []
        if self.raid is not None:
            ev = [dict(e, source="raid run 0") for e in self.raid.get("event_log", [])]
        else:
            b = self.batch
            for i, th in enumerate(plan.threats):
                ev.append({"time_s": th.launch_time_s, "event": "threat_launch", "threat": th.id,
                           "asset": th.target.name})
                if b is not None:
                    ev.append({"time_s": th.launch_time_s + float(b.impact_s[i]), "event": "impact",
                               "threat": th.id, "asset": th.target.name})
        if self.batch is not None:
            b = self.batch
            for i, th in enumerate(plan.threats):
                for name, arr in (("burnout", b.burnout_s), ("apogee", b.apogee_s)):
                    if np.isfinite(arr[i]):
                        ev.append({"time_s": round(th.launch_time_s + float(arr[i]), 2), "event": name,
                                   "threat": th.id, "source": "flight"})
        if self.detections is not None and len(self.detections):
            for r in self.detections.itertuples():
                if bool(r.detected):
                    ev.append({"time_s": round(float(r.first_detection_scenario_s), 2), "event": "radar_first_detection",
                               "threat": r.threat_id, "radar": r.radar_id,
                               "alt_km": round(float(r.first_detection_alt_km), 1), "source": "sensors"})
                    ev.append({"time_s": round(float(r.last_detection_scenario_s), 2), "event": "radar_last_detection",
                               "threat": r.threat_id, "radar": r.radar_id, "source": "sensors"})
        if self.engagements is not None and len(self.engagements) and "earliest_intercept_s" in self.engagements:
            t0 = {t.id: t.launch_time_s for t in plan.threats}
            for r in self.engagements.itertuples():
                if bool(r.engageable):
                    ev.append({"time_s": round(t0[r.threat_id] + float(r.earliest_intercept_s), 2),
                               "event": "engagement_window_open", "threat": r.threat_id, "battery": r.battery_id,
                               "source": "defense"})
                    ev.append({"time_s": round(t0[r.threat_id] + float(r.latest_intercept_s), 2),
                               "event": "engagement_window_close", "threat": r.threat_id, "battery": r.battery_id,
                               "source": "defense"})
        return _in_order_ending_at_kill(ev)

    # ------------------------------------------------------------------ words and numbers
    def _answers(self):
        from thaadsim.analysis.objects import Figure

        plan = self.plan
        A: list[str] = []
        # each answer line also filed under the answer view it belongs to, so that a question linked
        # to a view (Question.view) prints it under the question (question_answers)
        self._view_answers: dict[str, list[str]] = {}

        def say(view: str, line: str) -> None:
            A.append(line)
            self._view_answers.setdefault(view, []).append(line)
        F: list = []
        n = len(plan.threats)
        th = self.threats
        if self.batch is not None and n:
            rng = th["range_km"]
            apo = th["apogee_km"]
            ft = th["flight_time_s"] / 60
            A.append(f"{n} threat {'trajectory' if n == 1 else 'trajectories'} flown ({', '.join(sorted(set(th['missile_id'])))}): range "
                     f"{_span(rng.min(), rng.max())} km, apogee {_span(apo.min(), apo.max())} km, "
                     f"flight time {_span(ft.min(), ft.max(), '{:.1f}')} min.")
            F.append(Figure("threats flown", n, "", "one trajectory per threat entry"))
            F.append(Figure("longest flight time", float(th["flight_time_s"].max()), "s", ""))
            F.append(Figure("highest apogee", float(apo.max()), "km", ""))
            if "miss_km" in th and np.isfinite(th["miss_km"]).any():
                F.append(Figure("largest targeting miss", float(np.nanmax(th["miss_km"])), "km",
                                "distance of the flown impact point from the aimpoint (solver tolerance)"))
        det = self.detections
        if det is not None and len(det):
            for rid, g in det.groupby("radar_id", sort=False):
                k = int(g["detected"].sum())
                s = f"Radar {rid} detects {k} of {len(g)} threats"
                if k:
                    d = g[g["detected"]]
                    s += (f"; first detection {_span(d['first_detection_s'].min(), d['first_detection_s'].max())} s "
                          f"after launch, at {_span(d['first_detection_alt_km'].min(), d['first_detection_alt_km'].max())} km "
                          f"altitude and {_span(d['first_detection_range_km'].min(), d['first_detection_range_km'].max())} km "
                          f"slant range; tracked for {_span(d['track_time_s'].min(), d['track_time_s'].max())} s")
                    phases = sorted({p for ps in d["tracked_phases"] for p in str(ps).split(",") if p})
                    if phases:
                        s += f" (phases seen: {', '.join(phases)})"
                missed = g[~g["detected"]]["threat_id"].tolist()
                if missed and len(missed) <= 6:
                    s += f". Not detected: {', '.join(missed)}"
                elif missed:
                    s += f". {len(missed)} not detected"
                if missed:
                    s += self._why_unseen(rid, [i for i, ok in enumerate(g["detected"]) if not ok])
                say("detections", s + ".")
                F.append(Figure(f"threats detected by {rid}", k, f"of {len(g)}", "radar equation + line of sight + scan box"))
                if k:
                    F.append(Figure(f"{rid}: earliest detection after launch", float(g["first_detection_s"].min()), "s", ""))
        sd = self.stage_detections
        if sd is not None and len(sd) and det is not None and len(det):
            for rid, g in sd.groupby("radar_id", sort=False):
                seen = g[g["detected"]]
                if not len(seen):
                    continue
                # how much longer the radar holds the threat thanks to its second object
                own = det[det["radar_id"] == rid].set_index("threat_id")["last_detection_s"]
                later = seen["last_detection_s"].to_numpy() - own.reindex(seen["threat_id"]).fillna(-np.inf).to_numpy()
                s = (f"Radar {rid} also tracks the spent final stage of {len(seen)} threat"
                     f"{'' if len(seen) == 1 else 's'} (estimated RCS of a few m², far above the RV's), "
                     f"until {_span(seen['last_detection_s'].min(), seen['last_detection_s'].max())} s after launch")
                if np.any(later > 0):
                    s += f": up to {float(np.max(later)):.0f} s after it loses the missile itself"
                say("detections", s + ".")
        eng = self.engagements
        if eng is not None and len(eng):
            for bid, g in eng.groupby("battery_id", sort=False):
                k = int(g["engageable"].sum())
                s = f"Battery {bid} can engage {k} of {len(g)} threats"
                if k:
                    e = g[g["engageable"]]
                    shots = int(e["shots_possible"].max())
                    s += (f"; intercept altitudes {_span(e['intercept_alt_km_min'].min(), e['intercept_alt_km_max'].max())} km, "
                          f"up to {shots} shoot-look-shoot opportunit{'y' if shots == 1 else 'ies'} per threat")
                no = g[~g["engageable"]]
                if len(no):
                    reasons = [self.why_not(r.threat_id, bid) for r in no.itertuples()]
                    uniq = list(dict.fromkeys(reasons))
                    s += ". Not engageable: " + "; ".join(uniq[:3])
                    if len(uniq) > 3:   # say so: a silent cut read as "only these three"
                        s += f"; and {len(uniq) - 3} more (see the engagement windows table)"
                say("engagement_windows", s + ".")
                F.append(Figure(f"threats engageable by {bid}", k, f"of {len(g)}", "kinematic reach + fire-control timeline"))
        first = self._first_opportunity()
        if first:
            say("engagement_windows", first)
        if self.raid_summary is not None:
            r = self.raid_summary
            ci = r.get("p_no_leaker_ci95")
            pm = _pm(r, "expected_leakers", "{:.2f}")
            say("raid", f"Raid Monte Carlo ({r['runs']:,} runs, seed {r['seed']}): P(no leaker) = {r['p_no_leaker']:.3f}"
                     + (f" (95 % interval {ci[0]:.3f}–{ci[1]:.3f})" if ci else "") +
                     f", expected leakers {r['expected_leakers']:.2f}{pm} of {r['threats']}, interceptors expended "
                     f"{r['interceptors_expended_mean']:.1f}{_pm(r, 'interceptors_expended_mean', '{:.1f}')} on "
                     f"average (5–95 %: {_span(r['interceptors_expended_p5'], r['interceptors_expended_p95'])}).")
            F.append(Figure("P(no leaker)", r["p_no_leaker"], "",
                            f"{r['runs']:,} Monte Carlo runs" +
                            (f"; 95 % Wilson interval {ci[0]:.4f}–{ci[1]:.4f}" if ci else "")))
            F.append(Figure("expected leakers", r["expected_leakers"], "threats", _se_note(r, "expected_leakers")))
            F.append(Figure("leakers, 95th percentile", r["leakers_p95"], "threats", ""))
            F.append(Figure("interceptors expended (mean)", r["interceptors_expended_mean"], "interceptors",
                            "per run, all batteries" + _se_note(r, "interceptors_expended_mean", "; ")))
            se_b = r.get("interceptors_expended_by_battery_se", {})
            for b, v in r.get("interceptors_expended_by_battery_mean", {}).items():
                F.append(Figure(f"interceptors expended by {b} (mean)", v, "interceptors", "per run" +
                                (f"; ± {1.96 * se_b[b]:.3g} (95 %, 1.96 standard errors)" if b in se_b else "")))
        for fp in self.footprints:
            req, r = fp["request"], fp["result"]
            parts = [f"{bid} {v['area_km2']:,.0f} km²" + _edge_caveat(r, v) for bid, v in r["per_battery"].items()]
            say("footprint", f"Defended footprint against a {req.label()} ({_grid_phrase(req, r)}): " + "; ".join(parts) +
                     f"; all batteries together {r['any']['area_km2']:,.0f} km²" + _edge_caveat(r, r["any"]) + ".")
            for bid, v in r["per_battery"].items():
                F.append(Figure(f"{bid}: defended footprint vs {req.label()}", v["area_km2"], "km²",
                                f"{v['defended_nodes']} of {r['nodes']} grid aimpoints defended"))
        if self.strategic is not None:
            s = self.strategic["fractions"]
            n, nf = s["pairs"], s["pairs_flown"]
            say("strategic", f"Strategic table, every launch area x target ({n} pairs, {nf} within a catalog missile's "
                     f"reach, min-energy on the rotating Earth): THAAD at the site can engage "
                     f"{s['engageable']:.0%} of them; its TPY-2 tracks {s['tracked_tm']:.0%} in terminal mode and "
                     f"{s['tracked_fbm']:.0%} in forward-based mode; a GBI battery in Alaska has a launch window "
                     f"for {s['gbi_window_without_cue']:.0%} with its own sensors and "
                     f"{s['gbi_window_with_cue']:.0%} with the forward-based TPY-2's cue (the cue lengthens the "
                     f"window for {s['cue_gains_gbi_window']:.0%}, by {s['mean_gbi_window_gain_s']:,.0f} s on "
                     "average over the pairs).")
            for key, label in (("engageable", "pairs THAAD at the site can engage"),
                               ("tracked_tm", "pairs the TPY-2 tracks in terminal mode"),
                               ("tracked_fbm", "pairs the TPY-2 tracks in forward-based mode"),
                               ("cue_gains_gbi_window", "pairs whose GBI window the FBM cue lengthens")):
                F.append(Figure(label, s[key], "fraction", f"of {nf} flown launch-area x target pairs"))
        for c in self.coverage:
            area = _area_km2(c["polygon"])
            F.append(Figure(f"{c['radar_id']} coverage at {c['alt_km']:g} km altitude", area, "km²",
                            f"detection range {c['range_km']:.0f} km for RCS {c['rcs_m2']:g} m²"))
        return A, F

    def view_answer(self, view: str, alt_km: float | None = None) -> str:
        """The answer of one answer view in words: the key-answer lines filed under ``view``
        (``raid``, ``engagement_windows``, ``detections``, ``footprint``, ``strategic``), or for
        ``coverage`` each radar face's covered ground area at ``alt_km`` (every altitude if None):
        the geodesic area of the coverage polygon on WGS84 (pyproj ``Geod``) and the detection range.

        Parameters
        ----------
        view : str
            The answer view: ``raid``, ``engagement_windows``, ``detections``, ``footprint``,
            ``strategic`` or ``coverage``.
        alt_km : float or None
            For ``coverage``: the target altitude, km; ``None``: every altitude of the run.

        Returns
        -------
        str
        """
        if view == "coverage":
            cov = [c for c in self.coverage if alt_km is None or abs(c["alt_km"] - alt_km) < 1e-9]
            parts = [f"{c['radar_id']} covers {_area_km2(c['polygon']):,.0f} km² for targets at {c['alt_km']:g} km "
                     f"altitude (detection range {c['range_km']:,.0f} km for RCS {c['rcs_m2']:g} m²)" for c in cov]
            if parts:
                return "Coverage: " + "; ".join(parts) + "."
        else:
            lines = getattr(self, "_view_answers", {}).get(view)
            if lines:
                return " ".join(lines)
        stage = {"detections": "radar detections", "coverage": "radar coverage",
                 "engagement_windows": "engagement windows", "raid": "raid Monte Carlo"}.get(view, view)
        why = [m for m in self.missing if m.startswith((stage, "flight engine", "no threats"))]
        return "Not computed in this run" + (f" ({why[0]})." if why else ".")

    def question_answers(self) -> list[dict]:
        """Each question of the scenario with the answer under it: ``{"question", "view", "alt_km",
        "answer"}``; ``answer`` is the linked view's answer (:meth:`view_answer`), None for a plain
        question (no link: the key answers answer it)."""
        plan = self.plan
        links = list(plan.question_views) + [None] * (len(plan.questions) - len(plan.question_views))
        out = []
        for q, link in zip(plan.questions, links):
            view, alt_km = link if link else (None, None)
            out.append({"question": q, "view": view, "alt_km": alt_km,
                        "answer": self.view_answer(view, alt_km) if view else None})
        return out

    def _first_opportunity(self) -> str:
        """With several batteries: which one has the earliest intercept opportunity against each
        threat (a layered defence's first question), from the engagement windows."""
        eng = self.engagements
        if eng is None or not len(eng) or "earliest_intercept_s" not in eng or eng["battery_id"].nunique() < 2:
            return ""
        e = eng[eng["engageable"].astype(bool)].dropna(subset=["earliest_intercept_s"])
        if not len(e):
            return ""
        best = e.loc[e.groupby("threat_id", sort=False)["earliest_intercept_s"].idxmin()]
        n = len(self.plan.threats)
        parts = []
        for bid, g in best.groupby("battery_id", sort=False):
            parts.append(f"{bid} for {len(g)} of {n} threats (from {_span(g['earliest_intercept_s'].min(), g['earliest_intercept_s'].max())} s "
                         f"after launch)")
        s = "Earliest intercept opportunity: " + "; ".join(parts)
        if len(best) < n:
            s += f"; none for {n - len(best)} of {n}"
        return s + "."

    def _why_unseen(self, rid: str, rows: list[int]) -> str:
        """Closest approach of undetected threats to a radar, against the radar's reach."""
        res = self.detection_results.get(rid)
        pr = self.plan.radars.get(rid)
        if res is None or pr is None or not rows:
            return ""
        r = pr.radar
        valid = np.asarray(res.valid, bool)[rows]
        slant = np.asarray(res.slant_range_m, float)[rows]
        los = valid & np.asarray(res.in_line_of_sight, bool)[rows]
        face = los & np.asarray(res.in_scan, bool)[rows]
        with np.errstate(invalid="ignore"):
            d_all = np.nanmin(np.where(valid, slant, np.inf)) / 1e3
            d_los = np.nanmin(np.where(los, slant, np.inf)) / 1e3
            d_face = np.nanmin(np.where(face, slant, np.inf)) / 1e3
        try:
            from thaadsim.sensors.signatures import DEFAULT_RV_RCS_M2 as rv
        except ImportError:
            rv = 0.05
        reach = min(r.max_range_m, float(r.detection_range_m(rv))) / 1e3
        # minima over all the undetected threats: "the closest any of them came", not one threat's figure
        parts = [f"the closest any came: slant range {d_all:,.0f} km"]
        parts.append(f"above its horizon no closer than {d_los:,.0f} km" if np.isfinite(d_los)
                     else "never above its horizon")
        if np.isfinite(d_los):
            parts.append(f"inside its face's scan limits no closer than {d_face:,.0f} km" if np.isfinite(d_face)
                         else "never inside its face's scan limits")
        return (f" ({'; '.join(parts)}; the radar reaches {reach:,.0f} km: instrumented "
                f"{r.max_range_m / 1e3:,.0f} km, radar equation {float(r.detection_range_m(rv)) / 1e3:,.0f} km "
                f"for a {rv:g} m² RV)")

    def why_not(self, threat_id: str, battery_id: str) -> str:
        """A short reason why a battery cannot engage a threat (envelope, reach, detection).

        Parameters
        ----------
        threat_id : str
            The threat's id in the plan.
        battery_id : str
            The battery's id.

        Returns
        -------
        str
        """
        plan = self.plan
        try:
            i = [t.id for t in plan.threats].index(threat_id)
            bat = next(b for b in plan.batteries if b.id == battery_id)
        except (ValueError, StopIteration):
            return f"{threat_id}: no reason available"
        b = self.batch
        if b is None:
            return f"{threat_id}: not flown"
        from thaadsim.defense.detection import ground_range_m

        itc = bat.interceptor
        m = int(b.n_samples[i])
        alt = b.alt_m[i, :m]
        gr = ground_range_m(bat.lat_deg, bat.lon_deg, b.lat_deg[i, :m], b.lon_deg[i, :m])
        in_alt = (alt >= itc.min_alt_m) & (alt <= itc.max_alt_m) & (b.phase[i, :m] >= 1)
        # after burnout only (phase >= 1): an ICBM climbs through the band right after launch, far
        # closer to a battery near the launch area, but the interceptor cannot engage a boosting missile
        band = f"{itc.id}'s {itc.min_alt_m / 1e3:.0f}–{itc.max_alt_m / 1e3:.0f} km altitude band"
        if not in_alt.any():
            return f"{threat_id}: never inside {band} after burnout"
        closest = float(gr[in_alt].min() / 1e3)
        if closest > itc.max_range_m / 1e3:
            return (f"{threat_id}: after burnout, passes no closer than {closest:,.0f} km while inside {band} "
                    f"(max range {itc.max_range_m / 1e3:.0f} km)")
        if self.windows is not None:
            # the defense layer peels its conditions off one at a time (detected? in time? where the
            # battery's radar holds the threat?); "too late" was said here for every remaining case,
            # also for lofted Nodongs that come down behind the TPY-2's face 600 s after detection
            from thaadsim.defense.engagement import not_engageable_reasons

            j = self.windows.battery_ids.index(battery_id)
            cache = self.__dict__.setdefault("_why_cache", {})
            if battery_id not in cache:
                cache[battery_id] = not_engageable_reasons(b, bat, self.windows, j)
            why = cache[battery_id][i]
            return f"{threat_id}: {why}" if why else f"{threat_id}: engageable"
        return f"{threat_id}: outside the engagement envelope"

    # ------------------------------------------------------------------ export objects
    # ------------------------------------------------------------------ scale
    @property
    def large(self) -> bool:
        """More threats than the report draws one by one (:data:`thaadsim.analysis.scale.DETAIL_MAX_THREATS`)."""
        from thaadsim.analysis.scale import is_large

        return is_large(len(self.plan.threats))

    def drawn_threats(self) -> np.ndarray:
        """Indices of the threats the report draws: all of them, or for a large raid a stratified
        sample (missile type x launch area x target) that always holds the worst cases."""
        from thaadsim.analysis import scale

        n = len(self.plan.threats)
        if not self.large:
            return np.arange(n)
        if "_drawn" not in self.__dict__:
            th = self.plan.threats
            strata = [(t.missile_id, t.launch.name, t.target.name) for t in th]
            worst = []
            if self.threats is not None:
                worst = scale.worst_cases(scale.scale_frame(self.threats, self.detections, self.engagements,
                                                            self.raid_table))
            drawn = scale.stratified_sample(strata, scale.MAX_DRAWN_TRACKS, first=worst)
            # the timeline: fewer rows still, half of them the worst cases
            pos = {int(i): k for k, i in enumerate(drawn)}
            sub = scale.stratified_sample([strata[i] for i in drawn], scale.MAX_TIMELINE_ROWS,
                                          first=[pos[int(i)] for i in worst[:scale.MAX_TIMELINE_ROWS // 2]])
            self.__dict__["_drawn"] = drawn
            self.__dict__["_timeline_rows"] = drawn[sub]
        return self.__dict__["_drawn"]

    def map_objects(self) -> tuple[list[Track], list[Site], list[Area]]:
        """(tracks, sites, areas) as the report's map and map.png draw them: for a large raid, the
        drawn sample of threats with thinned tracks (:mod:`thaadsim.analysis.scale`)."""
        from thaadsim.analysis.scale import REPORT_POINTS_PER_TRACK

        if not self.large:
            return self.export_objects()
        return self.export_objects(rows=self.drawn_threats(), points_per_track=REPORT_POINTS_PER_TRACK)

    def export_objects(self, rows: Sequence[int] | None = None,
                       points_per_track: int | None = None) -> tuple[list[Track], list[Site], list[Area]]:
        """(tracks, sites, areas) for the maps and the GeoJSON/KML/CZML exports.

        ``rows``: only these threats' tracks and intercept points (default all). ``points_per_track``:
        thin each track to about that many samples; default: all samples, or for a large raid
        :data:`~thaadsim.analysis.scale.EXPORT_POINTS_PER_TRACK`, so exports grow with the number of
        threats, not threats x samples.

        Parameters
        ----------
        rows : sequence of int or None
            Threat rows to include; ``None``: all.
        points_per_track : int or None
            Samples per track after thinning; ``None``: as above.

        Returns
        -------
        tracks, sites, areas : list
            :class:`~thaadsim.analysis.objects.Track`, :class:`~thaadsim.analysis.objects.Site` and
            :class:`~thaadsim.analysis.objects.Area` objects.
        """
        from thaadsim.analysis import scale
        from thaadsim.analysis.tracks import batch_tracks
        from thaadsim.analysis.objects import Area, Site

        plan = self.plan
        if points_per_track is None and self.large:
            points_per_track = scale.EXPORT_POINTS_PER_TRACK
        tracks = []
        if self.batch is not None:
            rows = np.arange(len(plan.threats)) if rows is None else np.asarray(rows, np.int64)
            th = [plan.threats[i] for i in rows]
            props = [{"missile_id": t.missile_id, "shape": t.shape, "launch_area": t.launch.name,
                      "target": t.target.name} for t in th]
            tracks = batch_tracks(self.batch[rows] if len(rows) != len(plan.threats) else self.batch,
                                  [t.id for t in th], [t.label() for t in th],
                                  [t.launch_time_s for t in th], properties=props)
            if points_per_track is not None:
                tracks = [scale.thin_track(t, points_per_track) for t in tracks]
        sites = []
        for rid, pr in plan.radars.items():
            sites.append(Site(f"radar/{rid}", rid, pr.lat_deg, pr.lon_deg, pr.site_height_m, kind="radar",
                              properties={"radar": pr.radar.name, "face_az_deg": pr.face_az_deg}))
        for bat in plan.batteries:
            sites.append(Site(f"battery/{bat.id}", bat.id, bat.lat_deg, bat.lon_deg,
                              bat.alt_m, kind="battery",
                              properties={"interceptor": bat.interceptor.id, "inventory": bat.inventory}))
        seen = set()
        for a in plan.assets + [t.target for t in plan.threats]:
            if a.name not in seen:
                seen.add(a.name)
                sites.append(Site(f"asset/{a.name}", a.name, a.lat_deg, a.lon_deg, a.alt_m, kind="asset"))
        for t in plan.threats:
            if ("L", t.launch.name) not in seen:
                seen.add(("L", t.launch.name))
                sites.append(Site(f"launch/{t.launch.name}", t.launch.name, t.launch.lat_deg, t.launch.lon_deg,
                                  kind="launch"))
        intercepts = self.intercept_sites()
        if rows is not None and len(rows) != len(plan.threats):
            keep = {plan.threats[i].id for i in rows}
            intercepts = [s for s in intercepts if s.properties.get("threat") in keep]
        sites += intercepts
        areas = [Area(f"{c['radar_id']}@{c['alt_km']:g}km", f"{c['radar_id']} coverage, target at {c['alt_km']:g} km",
                      c["polygon"], kind="coverage",
                      properties={"alt_km": c["alt_km"], "rcs_m2": c["rcs_m2"], "range_km": round(c["range_km"], 1)})
                 for c in self.coverage if not c["polygon"].is_empty]
        for fp in self.footprints:
            req, r = fp["request"], fp["result"]
            for bid, v in r["per_battery"].items():
                if not v["polygon"].is_empty:
                    areas.append(Area(f"footprint/{bid}/{req.label()}", f"{bid}: defended footprint vs {req.label()}",
                                      v["polygon"], kind="footprint",
                                      properties={"area_km2": round(v["area_km2"], 1), "missile_id": req.missile_id,
                                                  "launch_area": req.launch.name, "shape": req.shape,
                                                  "touches_grid_edge": bool(v.get("touches_edge", False))}))
        from thaadsim.analysis.coverage import geodesic_circle

        for bat in plan.batteries:
            r_km = bat.interceptor.max_range_m / 1e3
            areas.append(Area(f"reach/{bat.id}", f"{bat.id}: max intercept ground range {r_km:.0f} km",
                              geodesic_circle(bat.lat_deg, bat.lon_deg, r_km), kind="defended",
                              properties={"max_range_km": r_km}))
        return tracks, sites, areas

    def intercept_sites(self) -> list[Site]:
        """Intercept points: from the logged Monte Carlo run if any, else the earliest feasible ones."""
        from thaadsim.analysis.objects import Site

        b = self.batch
        if b is None:
            return []
        plan = self.plan
        idx = {t.id: i for i, t in enumerate(plan.threats)}
        out = []

        def at(i, t_rel):
            m = int(b.n_samples[i])
            ts = b.t_s[i, :m]
            return (float(np.interp(t_rel, ts, b.lat_deg[i, :m])), float(np.interp(t_rel, ts, b.lon_deg[i, :m])),
                    float(np.interp(t_rel, ts, b.alt_m[i, :m])))

        if self.raid is not None:
            for k, e in enumerate(self.raid.get("event_log", [])):
                if e.get("event") == "intercept" and e.get("threat") in idx:
                    i = idx[e["threat"]]
                    la, lo, h = at(i, e["time_s"] - plan.threats[i].launch_time_s)
                    kind = "intercept" if e.get("outcome") == "kill" else "miss"
                    out.append(Site(f"intercept/{k}", f"{e['battery']} vs {e['threat']}: {e.get('outcome')}", la, lo, h,
                                    kind=kind, time_s=float(e["time_s"]),
                                    properties={"battery": e["battery"], "threat": e["threat"],
                                                "outcome": e.get("outcome"), "run": 0}))
        elif self.engagements is not None and len(self.engagements) and "earliest_intercept_s" in self.engagements:
            for k, r in enumerate(self.engagements.itertuples()):
                if bool(r.engageable):
                    i = idx[r.threat_id]
                    la, lo, h = at(i, float(r.earliest_intercept_s))
                    out.append(Site(f"intercept/{k}", f"earliest intercept {r.battery_id} vs {r.threat_id}", la, lo, h,
                                    kind="intercept", time_s=plan.threats[i].launch_time_s + float(r.earliest_intercept_s),
                                    properties={"battery": r.battery_id, "threat": r.threat_id}))
        return out

    # ------------------------------------------------------------------ summary / report
    def info(self) -> str:
        """The key answers in words, as the report opens with them (for a notebook or a terminal)."""
        s = self.summary()
        sc = s["scenario"]
        lines = [f"{sc.get('title') or sc['name']} (thaadsim {s['thaadsim_version']}, seed {sc['seed']})"]
        lines += [f"  asks: {q}" for q in s["questions"]]
        lines += [f"  - {a}" for a in s["answers"]]
        return "\n".join(lines)

    def summary(self) -> dict:
        """Every figure the report shows, JSON-ready (NaN become null when written)."""
        import thaadsim

        plan = self.plan

        def recs(df):
            return [] if df is None else df.replace({np.nan: None}).to_dict(orient="records")

        return {
            "thaadsim_version": thaadsim.__version__,
            "scenario": {"name": plan.name, "title": plan.title, "path": plan.scenario_path,
                         "sha256": plan.scenario_sha256, "seed": plan.seed, "trials": plan.trials},
            "questions": list(plan.questions),
            "question_answers": self.question_answers(),
            "answers": self.answers,
            "figures": [{"label": f.label, "value": f.value, "unit": f.unit, "note": f.note} for f in self.figures],
            "threats": recs(self.threats),
            "detections": recs(self.detections.drop(columns=[c for c in ("missile_id",) if c in self.detections])
                               if self.detections is not None else None),
            "stage_detections": recs(self.stage_detections.drop(columns=[c for c in ("missile_id",)
                                                                         if c in self.stage_detections])
                                     if self.stage_detections is not None else None),
            "engagements": recs(self.engagements),
            "raid": self.raid_summary,
            "raid_per_threat": recs(self.raid_table),
            "raid_per_asset": recs(getattr(self, "raid_assets", None)),
            "coverage": [{"radar_id": c["radar_id"], "alt_km": c["alt_km"], "rcs_m2": c["rcs_m2"],
                          "range_km": c["range_km"], "area_km2": _area_km2(c["polygon"])} for c in self.coverage],
            "defended_footprints": [
                {"missile_id": fp["request"].missile_id, "launch_area": fp["request"].launch.name,
                 "shape": fp["request"].shape, "grid_n": fp["request"].grid_n,
                 "half_width_km": fp["request"].half_width_km, "cell_km": fp["result"].get("cell_km"),
                 "reachable_nodes": fp["result"]["reachable_nodes"],
                 "area_km2": {bid: v["area_km2"] for bid, v in fp["result"]["per_battery"].items()},
                 "area_km2_all_batteries": fp["result"]["any"]["area_km2"],
                 # grid_n / half_width_km above are as asked; the grid actually flown (grown while a
                 # footprint touched its edge) and whether the final edge is still touched:
                 "final_grid": _final_grid(fp["result"]),
                 "touches_edge": {bid: v.get("touches_edge", False) for bid, v in fp["result"]["per_battery"].items()},
                 "touches_edge_all_batteries": fp["result"]["any"].get("touches_edge", False)}
                for fp in self.footprints],
            "strategic": None if self.strategic is None else {
                "fractions": self.strategic["fractions"], "pairs": recs(self.strategic["table"])},
            "missing": self.missing,
            "notes": self.report_notes(),
            "timings_s": {k: round(v, 3) for k, v in self.timings.items()},
        }

    def timeline(self) -> pd.DataFrame:
        """Bars for the engagement timeline (scenario seconds)."""
        from thaadsim.analysis.detections import track_intervals_frame

        plan = self.plan
        names = [t.id for t in plan.threats]
        parts = []
        if self.detection_results:
            parts.append(track_intervals_frame(self.detection_results, names,
                                               [t.launch_time_s for t in plan.threats]))
        if self.stage_detection_results:
            from thaadsim.analysis.detections import stage_track_intervals_frame

            st = stage_track_intervals_frame(self.stage_detection_results, self.stage_rows, names,
                                             [t.launch_time_s for t in plan.threats])
            st["series"] = st["series"] + " (spent stage)"   # its own legend entry beside the radar's
            parts.append(st)
        rows = []
        if self.batch is not None:
            for i, t in enumerate(plan.threats):
                rows.append({"row": t.id, "start_s": t.launch_time_s, "end_s": t.launch_time_s + float(self.batch.flight_time_s[i]),
                             "kind": "threat", "text": f"{t.label()} in flight"})
        if self.engagements is not None and len(self.engagements) and "earliest_intercept_s" in self.engagements:
            t0 = {t.id: t.launch_time_s for t in plan.threats}
            for r in self.engagements.itertuples():
                if bool(r.engageable):
                    rows.append({"row": r.threat_id, "start_s": t0[r.threat_id] + r.earliest_intercept_s,
                                 "end_s": t0[r.threat_id] + r.latest_intercept_s, "kind": "battery",
                                 "text": f"intercept window of {r.battery_id}", "series": r.battery_id})
        if self.raid is not None:
            for e in self.raid.get("event_log", []):
                if e.get("event") == "intercept":
                    rows.append({"row": e["threat"], "start_s": e["time_s"] - 1, "end_s": e["time_s"] + 1,
                                 "kind": "intercept" if e.get("outcome") == "kill" else "miss",
                                 "text": f"{e['battery']}: {e.get('outcome')} (run 0)", "series": e["battery"]})
        parts.append(pd.DataFrame(rows, columns=["row", "start_s", "end_s", "kind", "text", "series"]))
        df = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else parts[-1]
        order = {"threat": 0, "radar": 1, "battery": 2, "intercept": 3, "miss": 3}
        return df.sort_values(by="kind", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)

    def report_notes(self) -> list[str]:
        """The report's "Notes and assumptions" (also in summary.json, which used to list none)."""
        notes = list(self.notes)
        notes.append("Radar cross sections by flight phase are the sensors layer's documented assumptions "
                     "(booster 10 m², reentry vehicle 0.05 m²) unless the missile's catalog entry overrides them.")
        for rid, placed in (self.plan.radars or {}).items():   # the fluctuation model behind each threshold
            r = placed.radar
            caveat = (" Non-fluctuating: optimistic for a reentry vehicle (Swerling 1, the textbook RV model, "
                      "needs about 8 dB more at Pd 0.9 and cuts detection ranges by about a third)."
                      if r.swerling == 0 and r.pd is not None else "")
            notes.append(f"Radar {rid} ({r.id}) detection threshold: {r.detection_model}.{caveat}")
        notes.append("Coverage polygons: ground footprint of each radar face for a target at the stated altitude "
                     "(range and elevation limits on the 4/3 Earth).")
        notes.append("Blue circles: each battery's maximum intercept ground range (catalog), not a defended footprint.")
        if self.footprints:
            notes.append("Defended footprints (purple): grid cells whose aimpoint the battery can engage against the "
                         "stated threat (detected in time and inside the interceptor's envelope); edges are good "
                         "to about half a cell. A footprint that reaches the grid's edge grows the grid by rings of "
                         "the same cell size until it no longer does, the next ring is beyond the missile's reach, "
                         "or the node cap (max_nodes) is hit; only in the last case is the footprint larger in fact.")
        if self.large:
            from thaadsim.analysis import scale

            notes.append(f"A large raid ({len(self.plan.threats):,} threats, more than {scale.DETAIL_MAX_THREATS}): "
                         f"the tables aggregate per missile type, launch area, raid wave and defended asset and "
                         f"list the {scale.WORST_CASES} worst cases; the map and the altitude profiles "
                         f"draw a stratified sample of {min(scale.MAX_DRAWN_TRACKS, len(self.plan.threats))} threats "
                         f"(every missile type x launch area x target represented while room remains, the worst "
                         f"cases always), each with at most about {scale.REPORT_POINTS_PER_TRACK} points, and the "
                         f"timeline {scale.MAX_TIMELINE_ROWS} of them (half the worst cases). The "
                         f"GeoJSON/KML/CZML exports hold every threat with at most about "
                         f"{scale.EXPORT_POINTS_PER_TRACK} points each; summary.json and events.jsonl hold every "
                         f"threat in full.")
        if self.raid is not None:
            notes.append("Intercept markers and the timeline's shots are from Monte Carlo run 0; the tables give the "
                         "statistics over all runs.")
            notes.append("Monte Carlo error bars: probabilities carry 95 % Wilson score intervals (*_ci95_lo/_hi), "
                         "means ± 1.96 standard errors. They are sampling errors only (more runs shrink them); "
                         "they do not cover errors in the assumed Pk, fire-control delays or geometry.")
        return notes

    def report_content(self) -> ReportContent:
        """A :class:`thaadsim.report.html.ReportContent` for the HTML report."""
        import thaadsim
        from thaadsim.analysis.tracks import profiles_frame
        from thaadsim.analysis.objects import ReportContent

        plan = self.plan
        tracks, sites, areas = self.map_objects()
        drawn = self.drawn_threats()
        large = self.large
        profiles = None
        if self.batch is not None:
            sub = self.batch[drawn] if large else self.batch
            profiles = profiles_frame(sub, [plan.threats[i].label() for i in drawn])
            if large:    # thinned as the map's tracks are
                from thaadsim.analysis.scale import REPORT_POINTS_PER_TRACK, thin_indices

                profiles = pd.concat([g.iloc[thin_indices(g["alt_km"].to_numpy(), REPORT_POINTS_PER_TRACK)]
                                      for _, g in profiles.groupby("row", sort=False)], ignore_index=True)
        timeline = self.timeline()
        tables = []
        if large:
            from thaadsim.analysis.scale import aggregate_tables

            ids = {plan.threats[i].id for i in self.__dict__["_timeline_rows"]}
            timeline = timeline[timeline["row"].isin(ids)].reset_index(drop=True)
            tables += aggregate_tables(self.threats, self.detections, self.engagements, self.raid_table,
                                       getattr(self, "raid_assets", None))
        elif self.threats is not None and len(self.threats):
            tables.append(("Threats", _round(self.threats)))
        if not large and self.raid_table is not None and len(self.raid_table):
            tables.append(("Raid table (Monte Carlo, per threat)", _round(self.raid_table)))
        if not large and getattr(self, "raid_assets", None) is not None and len(self.raid_assets):
            tables.append(("Defended assets", _round(self.raid_assets)))
        if not large and self.detections is not None and len(self.detections):
            cols = [c for c in ("threat_id", "radar_id", "detected", "first_detection_s", "first_detection_alt_km",
                                "first_detection_range_km", "first_detection_phase", "last_detection_s",
                                "track_time_s", "tracked_phases") if c in self.detections]
            shown = self.detections[cols].copy()
            shown.insert(1, "object", "missile (booster, then RV)")
            sd = self.stage_detections
            if sd is not None and len(sd):   # each threat's second object, under its own rows
                shown = pd.concat([shown, sd[[c for c in ["object"] + cols if c in sd]]], ignore_index=True)
                shown = shown.sort_values(["threat_id", "radar_id"], kind="stable").reset_index(drop=True)
            tables.append(("Radar detections (times after each threat's launch; the spent final stage is the "
                           "threat's second object after separation)", _round(shown)))
        if not large and self.engagements is not None and len(self.engagements):
            cols = [c for c in ("threat_id", "battery_id", "engageable", "detect_s", "earliest_launch_s",
                                "earliest_intercept_s", "latest_intercept_s", "intercept_alt_km_min",
                                "intercept_alt_km_max", "fly_out_time_s", "closing_speed_kms", "shots_possible")
                    if c in self.engagements]
            tables.append(("Engagement windows (times after each threat's launch)", _round(self.engagements[cols])))
        images = []
        if self.strategic is not None:
            tab = self.strategic["table"]
            cols = [c for c in ("launch_name", "target_name", "missile", "range_km", "closest_approach_below_ceiling_km",
                                "closest_approach_past_boost_km", "engageable", "tm_track_s", "fbm_track_s",
                                "gbi_window_s_without_cue", "gbi_window_s_with_cue", "note") if c in tab]
            tables.append(("Strategic table: every launch area x target (min-energy, rotating Earth)",
                           _round(tab[cols])))
            images.append(("Strategic map: routes over the pole, coloured by the forward-based TPY-2's track "
                           "(north-polar azimuthal equidistant projection)", self.strategic_png()))
        notes = self.report_notes()
        return ReportContent(
            title=plan.title or plan.name, description=plan.description, questions=list(plan.questions),
            question_answers=[qa["answer"] for qa in self.question_answers()],
            answers=self.answers, figures=self.figures, tracks=tracks, sites=sites,
            areas=areas, profiles=profiles, timeline=timeline, tables=tables, images=images,
            missing=self.missing,
            notes=notes, scenario_text=plan.scenario_text,
            scenario_name=plan.name, version=thaadsim.__version__, scenario_sha256=plan.scenario_sha256)

    def strategic_png(self) -> bytes:
        """The strategic table's polar map as PNG bytes, drawn once (the report and strategic.png share it)."""
        st = self.strategic
        if "png" not in st:
            from thaadsim.report.strategic_map import strategic_png

            st["png"] = strategic_png(st["table"], st["site"])
        return st["png"]

    def plot(self, figsize: tuple[float, float] = (13, 5.5)) -> matplotlib.figure.Figure:
        """Map and altitude profiles side by side (matplotlib); returns the Figure.

        Parameters
        ----------
        figsize : tuple of float
            Figure size, inches.

        Returns
        -------
        matplotlib.figure.Figure
        """
        import matplotlib.pyplot as plt

        from thaadsim.report.map_png import draw_map

        tracks, sites, areas = self.export_objects()
        # the map's legend and scale bar stand right of it (off the data): a column of room for them
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=figsize, gridspec_kw={"width_ratios": [1.1, 1]})
        fig.subplots_adjust(left=0.05, right=0.98, bottom=0.12, top=0.92, wspace=0.55)
        draw_map(ax1, tracks, sites, areas, title=self.plan.title or self.plan.name)
        if self.batch is not None:
            gr = self.batch.ground_range_km()
            for i, t in enumerate(self.plan.threats):
                m = int(self.batch.n_samples[i])
                ax2.plot(gr[i, :m], self.batch.alt_m[i, :m] / 1e3, label=t.label())
            ax2.set_xlabel("ground range from launch (km)")
            ax2.set_ylabel("altitude (km)")
            ax2.grid(True, alpha=0.3)
            if len(self.plan.threats) <= 12:
                ax2.legend(fontsize=7)
        return fig

    def to_xarray(self) -> xarray.Dataset:
        """The run as an :class:`xarray.Dataset` on ``threat``, ``sample``, ``radar`` and ``battery``.

        Threat figures (range, apogee, flight time, P(kill) ...) on ``threat``; every trajectory sample
        on (``threat``, ``sample``), NaN-padded; detections on (``threat``, ``radar``); engagement
        windows on (``threat``, ``battery``); the raid's whole-raid figures as scalars. Every variable
        carries CF ``units`` and ``long_name`` (CF-1.8, as :meth:`TrajectoryBatch.to_xarray`); the
        scenario's SHA-256, seed and the thaadsim version are attributes. ``.to_netcdf(path)`` as it is.
        """
        from thaadsim.analysis.labelled import scenario_dataset

        return scenario_dataset(self)

    def to_long_dataframe(self) -> pd.DataFrame:
        """Every sample of every threat's trajectory, one row each (``threat_id``, ``missile_id``,
        ``target``, ``t_s`` since launch, ``t_scenario_s`` on the scenario clock, position, ``alt_km``,
        ``speed_kms``, ``phase``)."""
        from thaadsim.analysis.labelled import scenario_long_frame

        return scenario_long_frame(self)

    def _repr_html_(self) -> str:
        """A notebook shows the key answers, the key figures and the threats table (plain HTML)."""
        from thaadsim.analysis.labelled import scenario_html

        return scenario_html(self)

    def __repr__(self) -> str:
        n = len(self.plan.threats)
        return (f"ScenarioResult({self.plan.name!r}: {n} threats, {len(self.plan.radars)} radars, "
                f"{len(self.plan.batteries)} batteries; tables: threats, detections, engagements"
                f"{', raid_table' if self.raid_table is not None else ''}; missing: {len(self.missing)})")


def _pm(r: dict, key: str, fmt: str) -> str:
    """' ± x' (1.96 standard errors of the Monte Carlo mean ``key``), or '' without one."""
    se = r.get(f"{key}_se")
    return "" if se is None else " ± " + fmt.format(1.96 * se)


def _se_note(r: dict, key: str, sep: str = "") -> str:
    se = r.get(f"{key}_se")
    return "" if se is None else f"{sep}± {1.96 * se:.3g} (95 %: 1.96 standard errors over {r['runs']:,} runs)"


def _span(a, b, fmt: str = "{:,.0f}") -> str:
    """'a–b', or just 'a' when both round to the same text."""
    x, y = fmt.format(a), fmt.format(b)
    return x if x == y else f"{x}–{y}"


def _area_km2(poly) -> float:
    """Geodesic area of a lon/lat polygon (km²) on WGS84."""
    if poly is None or poly.is_empty:
        return 0.0
    from pyproj import Geod

    area, _ = Geod(ellps="WGS84").geometry_area_perimeter(poly)
    return abs(float(area)) / 1e6


def _round(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]) and not c.startswith("p_"):   # the report formats probabilities
            # small quantities keep 3 decimals: expected leakers 0.07 read "0.1" in the assets table
            small = not (out[c].abs() >= 10).any()
            out[c] = out[c].round(3 if small else 1)
    return out


def _grid_phrase(req, r: dict) -> str:
    """The final footprint grid in words: size, extent, cell, nodes flown, and how it grew."""
    n0 = r.get("initial_grid_n", req.grid_n)
    side = r.get("grid_n", n0)
    hw = r.get("half_width_km", req.half_width_km)
    s = (f"aimpoints on a {side}×{side} grid spanning ±{hw:,.0f} km, {r.get('cell_km', 0):.0f} km cells, "
         f"{r['reachable_nodes']} flown within the missile's reach")
    if r.get("rings_added"):
        k = r["rings_added"]
        s += f"; grown from {n0}×{n0} by {k} ring{'s' if k > 1 else ''} because a footprint reached the edge"
    return s


def _edge_caveat(r: dict, v: dict) -> str:
    """What a footprint on the final grid's edge means: larger in fact only if growth was capped."""
    if not v.get("touches_edge"):
        return ""
    if r.get("stop_reason") == "reach":
        return " (reaches the grid edge, but the next ring of aimpoints is beyond the missile's reach)"
    if r.get("stop_reason") == "cap":
        return (f" (reaches the grid edge: larger in fact; the grid stopped growing at its {r['max_nodes']:,}-node "
                "cap, raise max_nodes)")
    return " (reaches the grid edge: larger in fact)"


def _final_grid(r: dict) -> dict:
    """The grown footprint grid, for summary.json."""
    return {k: r.get(k) for k in ("grid_n", "half_width_km", "cell_km", "nodes", "reachable_nodes",
                                  "initial_grid_n", "initial_half_width_km", "rings_added", "growth_steps",
                                  "max_nodes", "stop_reason", "touches_edge")}
