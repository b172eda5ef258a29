"""Raids: battle management over many threats and batteries, and its Monte Carlo.

The simulation is a discrete-event simulation run for R Monte Carlo runs *at once*: the events
(fire-control decision opportunities) are deterministic in time, and the state of every run is a
row of numpy arrays. Only what happens at an event differs between runs.

Events
------
For every (threat, battery) pair with a non-empty engagement window
(:mod:`thaadsim.defense.engagement`), the battery gets a **decision opportunity** every
``decision_step_s`` seconds from its earliest allowed launch to its last feasible one. At an
opportunity at time L a shot (or a salvo) is fired in a run when, in that run,

* the threat is not known to be dead: a kill becomes known ``kill_assessment_s`` after the
  intercept ("look");
* no interceptor is already in flight against it (from any battery) whose result is not yet known;
* the battery has interceptors ready, beyond those it **holds for higher-priority threats**: ready
  rounds minus the number of higher-priority threats this battery can still engage and has not
  yet engaged (priority by time to impact, or by the defended asset's value);
* the doctrine's cap on shots per threat is not reached.

Opportunities are processed in time order, ties broken by the battery's ``layer`` (lower first) and
then by threat priority. Each fired interceptor kills independently with the battery's single-shot
Pk. A shot at launch time L meets the threat at the earliest feasible intercept whose launch time
is >= L; shot i of a salvo launches ``i * salvo_interval_s`` later.

Doctrines
---------
``shoot-look-shoot``: one interceptor, look, then re-engage if it survived (salvo size 1).
``shoot-shoot-look``: two interceptors, look, re-engage (salvo size 2).
``salvo``: ``salvo_size`` interceptors, look, re-engage.

Inventory
---------
Each battery starts with launchers x interceptors_per_launcher ready rounds. Whenever a launcher's
worth of rounds has been fired, a reload of one launcher arrives ``reload_time_s`` later while
spare loads (``reload_loads``) remain. Inventory never goes negative: a salvo is cut to what is ready.

Randomness
----------
One ``numpy.random.Generator`` (seeded) draws, per run, a row of C uniforms, C = the most
interceptors all batteries could ever fire; the n-th interceptor fired in run r uses U[r, n].
Runs are drawn in chunks of rows in run order, so the result for a seed does not depend on the
chunk size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from thaadsim.defense.battery import Battery, require_whole
from thaadsim.defense.engagement import EngagementWindows, engagement_windows
from thaadsim.errors import ThaadsimError, require_positive, require_range

DOCTRINES = ("shoot-look-shoot", "shoot-shoot-look", "salvo")
PRIORITIES = ("time-to-impact", "asset-value")


@dataclass(frozen=True)
class Doctrine:
    """How batteries spend interceptors.

    mode : one of :data:`DOCTRINES`; salvo_size : used by ``salvo``;
    priority : one of :data:`PRIORITIES`; max_shots_per_threat : cap over all batteries (None: none);
    decision_step_s : spacing of decision opportunities; hold_for_priority : keep rounds for
    higher-priority threats still to come.
    """

    mode: str = "shoot-look-shoot"
    salvo_size: int = 2
    priority: str = "time-to-impact"
    max_shots_per_threat: int | None = None
    decision_step_s: float = 5.0
    hold_for_priority: bool = True

    def __post_init__(self):
        if self.mode not in DOCTRINES:
            raise ThaadsimError("doctrine.mode", f"unknown doctrine {self.mode!r}", f"one of {', '.join(DOCTRINES)}")
        if self.priority not in PRIORITIES:
            raise ThaadsimError("doctrine.priority", f"unknown priority {self.priority!r}",
                                f"one of {', '.join(PRIORITIES)}")
        require_whole("doctrine.salvo_size", self.salvo_size, 1)
        if self.max_shots_per_threat is not None:
            require_whole("doctrine.max_shots_per_threat", self.max_shots_per_threat, 1, "or leave it out")
        require_positive("doctrine.decision_step_s", self.decision_step_s, " s")

    @property
    def shots_per_engagement(self) -> int:
        return {"shoot-look-shoot": 1, "shoot-shoot-look": 2}.get(self.mode, int(self.salvo_size))


@dataclass
class RaidResult:
    """Monte Carlo summary of a raid (see :meth:`summary` for the JSON form)."""

    runs: int
    seed: int
    leakers: np.ndarray            # (R,) leakers per run
    expended: np.ndarray           # (R,) interceptors fired per run
    expended_by_battery: np.ndarray  # (R, M)
    killed: np.ndarray             # (R, N) bool
    shots_at: np.ndarray           # (R, N) interceptors fired at each threat
    asset_names: list
    asset_values: np.ndarray
    asset_index: np.ndarray        # (N,)
    battery_ids: list
    threat_labels: list
    windows: EngagementWindows
    event_log: list = field(default_factory=list)

    def summary(self) -> dict:
        lk = self.leakers
        ex = self.expended
        per_asset = []
        leaked = ~self.killed
        for a, name in enumerate(self.asset_names):
            sel = self.asset_index == a
            n_on = leaked[:, sel].sum(axis=1)
            per_asset.append({"asset": name, "value": float(self.asset_values[a]), "threats": int(sel.sum()),
                              "p_hit": float((n_on > 0).mean()), "expected_leakers": float(n_on.mean())})
        per_threat = []
        for j, lab in enumerate(self.threat_labels):
            wj = {b: bool(self.windows.engageable[j, m]) for m, b in enumerate(self.battery_ids)}
            per_threat.append({"threat": lab, "asset": self.asset_names[self.asset_index[j]],
                               "p_kill": float(self.killed[:, j].mean()),
                               "mean_shots": float(self.shots_at[:, j].mean()), "engageable_by": wj})
        value_lost = (leaked * self.asset_values[self.asset_index][None, :]).sum(axis=1)
        from thaadsim.defense.intervals import with_uncertainty   # error bars on every figure below

        return with_uncertainty(self, {
            "runs": int(self.runs),
            "seed": int(self.seed),
            "threats": len(self.threat_labels),
            "p_no_leaker": float((lk == 0).mean()),
            "expected_leakers": float(lk.mean()),
            "leakers_p95": float(_count_percentile(lk, 95)),
            "leakers_histogram": {str(int(v)): float(c) / lk.size
                                  for v, c in zip(*np.unique(lk, return_counts=True))},
            "interceptors_expended_mean": float(ex.mean()),
            "interceptors_expended_p5": float(_count_percentile(ex, 5)),
            "interceptors_expended_p50": float(_count_percentile(ex, 50)),
            "interceptors_expended_p95": float(_count_percentile(ex, 95)),
            "interceptors_expended_by_battery_mean": {b: float(self.expended_by_battery[:, m].mean())
                                                      for m, b in enumerate(self.battery_ids)},
            "expected_value_lost": float(value_lost.mean()),
            "per_asset": per_asset,
            "per_threat": per_threat,
        })


def _count_percentile(x, q):
    """The q-th percentile of a count as a count that occurred: the smallest x with F(x) >= q/100
    (the inverted-CDF definition, Hyndman & Fan 1996 no. 1). numpy's default interpolates between
    neighbours and reported e.g. 0.05 interceptors as a 95th percentile."""
    return float(np.percentile(x, q, method="inverted_cdf"))


def _slots(geom_f, geom_t, geom_L, doctrine: Doctrine, salvo_dt: float, launch_offset: float):
    """Decision opportunities of one (threat, battery) pair.

    Returns (L, T_I, T_L) with L (S,) decision times, T_I (S, k) intercept times of the k shots
    (NaN where a shot of the salvo has no feasible intercept) and T_L (S, k) their launch times,
    all absolute (offset added).
    """
    f = geom_f
    k = doctrine.shots_per_engagement
    if not f.any():
        return np.zeros(0), np.zeros((0, k)), np.zeros((0, k))
    t = geom_t[f]
    L = geom_L[f]
    cand = np.arange(L.min(), L.max() + 1e-9, doctrine.decision_step_s)
    cand = np.unique(np.concatenate([cand, [L.max()]]))
    ti = np.full((cand.size, k), np.nan)
    tl = np.full((cand.size, k), np.nan)
    for i in range(k):
        want = cand + i * salvo_dt
        ok = L[None, :] >= want[:, None] - 1e-9          # (S, K)
        # earliest intercept among samples whose launch time is late enough
        tt = np.where(ok, t[None, :], np.inf)
        am = np.argmin(tt, axis=1)
        fin = np.isfinite(tt[np.arange(cand.size), am])
        ti[:, i] = np.where(fin, t[am], np.nan)
        tl[:, i] = np.where(fin, L[am], np.nan)
    keep = np.isfinite(ti[:, 0])
    return cand[keep] + launch_offset, ti[keep] + launch_offset, tl[keep] + launch_offset


def simulate_raid(batch, batteries, *, launch_time_s=0.0, asset_index=None, asset_names=None,
                  asset_values=None, threat_labels=None, doctrine: Doctrine | None = None, runs: int = 1000,
                  seed: int = 1, chunk_runs: int = 2000, detect_s=None,
                  windows: EngagementWindows | None = None, log_run: int | None = 0,
                  progress=None) -> RaidResult:
    """Monte Carlo of a raid of N threats (one flown batch) against M batteries.

    Parameters
    ----------
    batch : TrajectoryBatch
        The N threats (times since each threat's launch).
    batteries : sequence of Battery
    launch_time_s : float or (N,)
        Launch time of each threat on the raid clock.
    asset_index : (N,) int or None
        Which defended asset each threat is aimed at (index into ``asset_names``).
    asset_names, asset_values : sequences or None
        Defended assets (value 1 each if absent).
    doctrine : Doctrine
    runs, seed, chunk_runs : Monte Carlo size, seed of the one Generator, rows drawn per chunk.
    detect_s : (N, M) or None
        First detection times (see :func:`engagement_windows`).
    windows : EngagementWindows or None
        Reuse precomputed windows.
    log_run : int or None
        Which run's events to return as the event log (None: none).
    progress : callable(done_runs, total_runs) or None
        Called after every chunk of ``chunk_runs`` runs (a progress bar that moves).
    """
    if isinstance(batteries, Battery):
        batteries = [batteries]
    batteries = list(batteries)
    if not batteries:
        raise ThaadsimError("batteries", "no battery given", "add at least one [[batteries]] entry")
    doctrine = doctrine or Doctrine()
    runs = require_whole("runs", runs, 1, "e.g. --runs 10000")
    chunk_runs = require_whole("chunk_runs", chunk_runs, 1)
    seed = require_whole("seed", seed, 0, "e.g. --seed 1")
    n = len(batch.alt_m)
    m = len(batteries)
    launch = np.broadcast_to(np.asarray(launch_time_s, float), (n,)).copy()
    bad = ~(np.isfinite(launch) & (launch >= 0.0))
    if bad.any():   # name the first offending threat, without a Python loop over every threat
        j = int(np.argmax(bad))
        require_range(f"threats.{j}.launch_time_s", float(launch[j]), 0.0, None, " s")
    if asset_index is None:
        asset_index = np.zeros(n, np.int64)
        asset_names = asset_names or ["target"]
    asset_index = np.asarray(asset_index, np.int64)
    asset_names = list(asset_names) if asset_names is not None else [f"asset{i}" for i in range(asset_index.max() + 1)]
    asset_values = (np.ones(len(asset_names)) if asset_values is None else np.asarray(asset_values, float))
    threat_labels = list(threat_labels) if threat_labels is not None else [f"threat{j}" for j in range(n)]
    if windows is None:
        windows = engagement_windows(batch, batteries, detect_s=detect_s)

    impact_abs = launch + np.asarray(batch.flight_time_s, float)
    if doctrine.priority == "asset-value":
        order = np.lexsort((impact_abs, -asset_values[asset_index]))
    else:
        order = np.lexsort((-asset_values[asset_index], impact_abs))
    prio_rank = np.empty(n, np.int64)
    prio_rank[order] = np.arange(n)

    # ---- deterministic event list ------------------------------------------------------------
    k = doctrine.shots_per_engagement
    ev_t, ev_j, ev_m, ev_ti, ev_tl = [], [], [], [], []
    last_launch = np.full((n, m), -np.inf)
    for mm, bat in enumerate(batteries):
        g = windows.geometry[mm]
        for j in range(n):
            L, TI, TL = _slots(g.feasible[j], g.t_s[j], g.launch_s[j], doctrine, bat.fire_control.salvo_interval_s,
                           launch[j])
            if L.size:
                last_launch[j, mm] = L.max()
            ev_t.append(L)
            ev_j.append(np.full(L.size, j))
            ev_m.append(np.full(L.size, mm))
            ev_ti.append(TI)
            ev_tl.append(TL)
    ev_t = np.concatenate(ev_t) if ev_t else np.zeros(0)
    ev_j = np.concatenate(ev_j).astype(np.int64) if ev_j else np.zeros(0, np.int64)
    ev_m = np.concatenate(ev_m).astype(np.int64) if ev_m else np.zeros(0, np.int64)
    ev_ti = np.concatenate(ev_ti) if ev_ti else np.zeros((0, k))
    ev_tl = np.concatenate(ev_tl) if ev_tl else np.zeros((0, k))
    layer = np.array([b.layer for b in batteries])
    ev_order = np.lexsort((prio_rank[ev_j], layer[ev_m], ev_t))
    ev_t, ev_j, ev_m, ev_ti, ev_tl = (ev_t[ev_order], ev_j[ev_order], ev_m[ev_order], ev_ti[ev_order],
                                      ev_tl[ev_order])

    inv0 = np.array([b.inventory for b in batteries], np.int64)
    per_l = np.array([b.interceptors_per_launcher for b in batteries], np.int64)
    loads0 = np.array([b.reload_loads for b in batteries], np.int64)
    pk = np.array([b.single_shot_pk for b in batteries])
    look = np.array([b.fire_control.kill_assessment_s for b in batteries])
    reload_t = np.array([b.reload_time_s for b in batteries])
    n_cols = max(1, int((inv0 + loads0 * per_l).sum()))
    qmax = max(1, int(loads0.max()))
    cap = doctrine.max_shots_per_threat
    has_window = np.isfinite(last_launch)

    rng = np.random.default_rng(seed)
    out_leak, out_exp, out_expb, out_killed, out_shots = [], [], [], [], []
    event_log: list = []
    for start in range(0, runs, chunk_runs):
        rc = min(chunk_runs, runs - start)
        U = rng.random((rc, n_cols))
        rows = np.arange(rc)
        ready = np.tile(inv0, (rc, 1))
        loads = np.tile(loads0, (rc, 1))
        fired_b = np.zeros((rc, m), np.int64)
        reload_due = np.full((rc, m, qmax), np.inf)
        n_fired = np.zeros(rc, np.int64)
        killed = np.zeros((rc, n), bool)
        known_dead_at = np.full((rc, n), np.inf)
        pending_until = np.full((rc, n), -np.inf)
        shots_at = np.zeros((rc, n), np.int64)
        engaged_by = np.zeros((rc, n, m), bool)
        want_log = log_run is not None and start <= log_run < start + rc
        lr = (log_run - start) if want_log else -1
        for e in range(ev_t.size):
            L, j, mm = ev_t[e], ev_j[e], ev_m[e]
            ti = ev_ti[e]
            # reloads that have arrived by L
            due = reload_due[:, mm, :] <= L
            if due.any():
                ready[:, mm] += per_l[mm] * due.sum(axis=1)
                reload_due[:, mm, :][due] = np.inf
            can = (known_dead_at[:, j] > L) & (pending_until[:, j] <= L) & (ready[:, mm] > 0)
            if cap is not None:
                can &= shots_at[:, j] < cap
            if not can.any():
                continue
            avail = ready[:, mm].copy()
            if doctrine.hold_for_priority:
                higher = (prio_rank < prio_rank[j]) & has_window[:, mm] & (last_launch[:, mm] >= L)
                if higher.any() and avail[can].min() <= higher.sum():
                    hj = np.nonzero(higher)[0]
                    need = ((known_dead_at[:, hj] > L) & ~engaged_by[:, hj, mm]).sum(axis=1)
                    avail = avail - need
            n_ok = int(np.isfinite(ti).sum())
            nshot = np.where(can, np.clip(avail, 0, min(k, n_ok)), 0)
            if cap is not None:
                nshot = np.minimum(nshot, np.maximum(cap - shots_at[:, j], 0))
            fire = nshot > 0
            if not fire.any():
                continue
            # outcomes: shot i of run r uses U[r, n_fired[r] + i]
            hit_any = np.zeros(rc, bool)
            kill_time = np.full(rc, np.inf)
            for i in range(min(k, n_ok)):
                use = fire & (nshot > i)
                col = np.minimum(n_fired + i, n_cols - 1)
                hit = use & (U[rows, col] < pk[mm])
                kill_time = np.where(hit & ~hit_any, ti[i], kill_time)
                hit_any |= hit
            t_last = np.nanmax(np.where(np.arange(k) < n_ok, ti, np.nan))
            killed[:, j] |= hit_any
            known_dead_at[:, j] = np.minimum(known_dead_at[:, j],
                                             np.where(hit_any, kill_time + look[mm], np.inf))
            pending_until[:, j] = np.where(fire, t_last + look[mm], pending_until[:, j])
            before = fired_b[:, mm].copy()
            ready[:, mm] -= nshot
            fired_b[:, mm] += nshot
            n_fired += nshot
            shots_at[:, j] += nshot
            engaged_by[:, j, mm] |= fire
            # launchers emptied by this salvo -> schedule reloads while spare loads remain
            emptied = fired_b[:, mm] // per_l[mm] - before // per_l[mm]
            for _ in range(int(emptied.max()) if loads0[mm] > 0 else 0):
                go = (emptied > 0) & (loads[:, mm] > 0)
                slot = np.argmax(np.isinf(reload_due[:, mm, :]), axis=1)
                reload_due[rows[go], mm, slot[go]] = L + reload_t[mm]
                loads[:, mm] -= go
                emptied -= go
            if want_log and fire[lr]:
                for i in range(int(nshot[lr])):
                    u = U[lr, min(n_fired[lr] - nshot[lr] + i, n_cols - 1)]
                    event_log.append({"time_s": round(float(ev_tl[e, i]), 2), "event": "interceptor_launch", "threat": threat_labels[j],
                                      "battery": batteries[mm].id, "ready_after": int(ready[lr, mm])})
                    event_log.append({"time_s": round(float(ti[i]), 2), "event": "intercept",
                                      "threat": threat_labels[j], "battery": batteries[mm].id,
                                      "outcome": "kill" if u < pk[mm] else "miss"})
        assert (ready >= 0).all()
        out_leak.append((~killed).sum(axis=1))
        out_exp.append(n_fired)
        out_expb.append(fired_b)
        out_killed.append(killed)
        out_shots.append(shots_at)
        if progress is not None:
            progress(start + rc, runs)
        if want_log:
            for j in range(n):
                event_log.append({"time_s": round(float(launch[j]), 2), "event": "threat_launch",
                                  "threat": threat_labels[j], "asset": asset_names[asset_index[j]]})
                for mm, bat in enumerate(batteries):
                    d = windows.detect_s[j, mm]
                    if np.isfinite(d):
                        event_log.append({"time_s": round(float(launch[j] + d), 2), "event": "detect",
                                          "threat": threat_labels[j], "battery": bat.id})
                event_log.append({"time_s": round(float(impact_abs[j]), 2),
                                  "event": "killed_before_impact" if killed[lr, j] else "leak_impact",
                                  "threat": threat_labels[j], "asset": asset_names[asset_index[j]]})
            event_log.sort(key=lambda d: d["time_s"])
    return RaidResult(runs=runs, seed=seed, leakers=np.concatenate(out_leak), expended=np.concatenate(out_exp),
                      expended_by_battery=np.concatenate(out_expb), killed=np.concatenate(out_killed),
                      shots_at=np.concatenate(out_shots), asset_names=asset_names, asset_values=asset_values,
                      asset_index=asset_index, battery_ids=[b.id for b in batteries], threat_labels=threat_labels,
                      windows=windows, event_log=event_log)
