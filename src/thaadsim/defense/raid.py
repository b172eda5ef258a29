"""Raids: battle management over many threats and batteries, and its Monte Carlo.

The simulation is a discrete-event simulation run for R Monte Carlo runs *at once*: the events
(fire-control decision opportunities) are deterministic in time, and the state of every run is a
row of numpy arrays. Only what happens at an event differs between runs.

Events
------
For every (threat, battery) pair with a non-empty engagement window
(:mod:`thaadsim.defense.engagement`), the battery gets a **decision opportunity** ("slot") every
``decision_step_s`` seconds from its earliest allowed launch to its last feasible one. At a slot at
time L a battery fires at a threat (a shot, or a salvo) in a run when, in that run,

* the threat is not known to be dead: a kill becomes known ``kill_assessment_s`` after the
  intercept ("look");
* its own last shot at the threat has been looked at (shoot-look-shoot within the battery);
* it is not **waiting to look at another battery's shot** (below);
* it has interceptors ready, beyond those it **holds for higher-priority threats**: ready rounds
  minus the number of higher-priority threats this battery can still engage and has not yet
  engaged (priority by time to impact, or by the defended asset's value);
* the doctrine's cap on shots per threat is not reached.

Slots are processed in time order, ties broken by the battery's ``layer`` (lower first) and then by
threat priority. Each fired interceptor kills independently with the battery's single-shot Pk. A
shot at launch time L meets the threat at the earliest feasible intercept whose launch time is
>= L; shot i of a salvo launches ``i * salvo_interval_s`` later.

Shoot-look-shoot across layers
------------------------------
Each slot s of a pair carries the number of shots the battery can still fire at that threat along
its own shoot-look-shoot chain from s (``pot[s] = shots of the salvo + pot[first slot after its
look]``; greedy earliest-first is the most shots that fit, as in interval scheduling). When other
batteries' shots at the threat (those with Pk > 0: nothing is learnt by looking at a shot that
cannot kill) are in flight, the battery **waits for the next of their looks only if the first slot
after it leaves it as many shots**, min(pot, rounds ready, cap left) >= the same from now, and then
decides again; and only when its inventory cannot bind (the rounds on its launchers cover every
shot it could ever fire at every threat, or it can engage one threat only), for a battery short of rounds a wait delays its next
decisions and can cost another threat a shot. Otherwise it fires on its own schedule. While it
waits it keeps the rounds it would have fired for that threat. So an upper layer's look never costs a lower layer a shot, and with
enough rounds every battery fires at a surviving threat exactly the shots it would fire alone: adding
a battery (any Pk >= 0) cannot lower any threat's P(kill). Waiting still saves the rounds that a
known kill makes unnecessary. Only a shared inventory (rounds spent on, or held for, other threats)
or a cap on shots per threat over all batteries can trade one threat or one layer against another;
the first is reported per threat (:meth:`RaidResult.summary`: ``p_leak_short_of_rounds``,
``p_leak_held_for_priority``, ``traded_for``, ``note``).

This replaced a rule under which every battery waited for any other battery's look: with the SM-3
ship of ``examples/raid_layers.toml`` added, THAAD waited for the ship's look and had one shot left
at the Nodongs instead of three (P(kill) on Daegu 0.992 -> 0.94, and 0.80 with the ship at Pk = 0).

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
Every (battery, threat) pair has its own stream: a PCG64 generator seeded with
``SeedSequence(seed, spawn_key=(crc32(battery id), repeat of that id, threat index))``; the
battery's s-th interceptor at that threat in run r uses row r, column s of it. A battery added to
the raid therefore changes no other battery's draws, so its effect is seen without Monte Carlo noise
(with Pk = 0 it changes nothing at all). Rows are taken in run order (the generator is advanced to
the chunk's first run), so the result for a seed does not depend on the chunk size.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # annotations only (the flight layer is below this one; no import at run time)
    from numpy.typing import ArrayLike

    from thaadsim.flight.trajectory import TrajectoryBatch

import numpy as np

from thaadsim.defense.battery import Battery, require_whole
from thaadsim.defense.engagement import EngagementWindows, engagement_windows
from thaadsim.errors import ThaadsimError, require_positive, require_range

DOCTRINES = ("shoot-look-shoot", "shoot-shoot-look", "salvo")
"""The fire doctrines a battery may follow: one round then look, two rounds then look, or ``salvo_size``
rounds then look (see "Doctrines" in the module notes)."""
PRIORITIES = ("time-to-impact", "asset-value")
"""How a battery ranks threats when it holds rounds back: soonest impact first, or the defended asset's value."""


@dataclass(frozen=True)
class Doctrine:
    """How batteries spend interceptors.

    Attributes
    ----------
    mode : str, default "shoot-look-shoot"
        One of :data:`DOCTRINES`.
    salvo_size : int, default 2
        Rounds per salvo, used by ``salvo``.
    priority : str, default "time-to-impact"
        One of :data:`PRIORITIES`: which threats a battery holds rounds for.
    max_shots_per_threat : int or None
        A cap over all batteries (None: no cap).
    decision_step_s : float, default 5
        Spacing of a battery's decision opportunities at a threat, s.
    hold_for_priority : bool, default True
        Keep rounds for higher-priority threats still to come.

    Raises
    ------
    ThaadsimError
        For an unknown mode or priority, or a count or step out of range.
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
        """Interceptors fired per engagement: 1 for shoot-look-shoot, 2 for shoot-shoot-look, else the salvo size."""
        return {"shoot-look-shoot": 1, "shoot-shoot-look": 2}.get(self.mode, int(self.salvo_size))


@dataclass
class RunSums:
    """Sums over Monte Carlo runs of a per-run count x, one column per threat, battery or asset.

    What a figure and its error bar need of a count, kept instead of the count of every run: the
    sum of x (its mean is ``total / R``), the sum of x² (its standard error, see
    :func:`thaadsim.defense.intervals.standard_error_from_sums`) and the runs in which x > 0 (a
    probability, e.g. an asset hit). Integers, so the sums do not depend on how runs are chunked.
    """

    total: np.ndarray           # (K,) int64: sum over runs of x
    total_sq: np.ndarray        # (K,) int64: sum over runs of x**2
    runs_positive: np.ndarray   # (K,) int64: runs with x > 0

    @classmethod
    def zeros(cls, k: int) -> "RunSums":
        return cls(np.zeros(k, np.int64), np.zeros(k, np.int64), np.zeros(k, np.int64))

    def add(self, x: np.ndarray) -> None:
        """Add a chunk of runs: x is (runs of the chunk, K) counts."""
        x = np.asarray(x, np.int64)
        self.total += x.sum(axis=0)
        self.total_sq += (x * x).sum(axis=0)
        self.runs_positive += (x > 0).sum(axis=0)

    def mean(self, runs: int) -> np.ndarray:
        return self.total / runs

    def standard_error(self, runs: int) -> np.ndarray:
        from thaadsim.defense.intervals import standard_error_from_sums

        return standard_error_from_sums(self.total, self.total_sq, runs)


@dataclass
class RaidResult:
    """Monte Carlo summary of a raid (see :meth:`summary` for the JSON form).

    Memory does not grow as runs x threats: per run only three numbers are kept (``leakers``,
    ``expended``, ``value_lost``: 16 bytes a run, for P(no leaker), percentiles and standard
    errors); per threat, battery and asset, sums over the runs (:class:`RunSums`, counts). A caller
    who wants every run's per-threat outcome passes ``on_chunk`` to :func:`simulate_raid`.

    Attributes
    ----------
    runs, seed : int
        Number of Monte Carlo runs and the seed that reproduces them (whatever the chunking).
    leakers, expended, value_lost : numpy.ndarray, shape (R,)
        Warheads that leaked, interceptors fired, and the value of the assets hit, in each run.
    threat_kills : numpy.ndarray, shape (N,)
        Runs in which each threat was killed (:attr:`p_kill` is this over ``runs``).
    threat_shots, battery_expended, asset_leakers : RunSums
        Interceptors fired at each threat, fired by each battery, and leakers on each asset, summed
        over the runs (with sums of squares for standard errors).
    asset_names, asset_values, asset_index
        The defended assets, their values, and each threat's asset.
    battery_ids, threat_labels : list of str
        Names of the batteries and threats.
    windows : EngagementWindows
        The engagement windows the raid was fought in.
    event_log : list of dict
        The events of run ``log_run`` in time order (``events.jsonl``).
    threat_leaked_short, threat_leaked_held : numpy.ndarray or None, shape (N,)
        Runs in which the threat leaked while a battery that could shoot had no round left / held its
        rounds for higher priority.
    """

    runs: int
    seed: int
    leakers: np.ndarray            # (R,) int32 leakers per run
    expended: np.ndarray           # (R,) int32 interceptors fired per run
    value_lost: np.ndarray         # (R,) float64 value of the assets hit (sum of asset values over leakers) per run
    threat_kills: np.ndarray       # (N,) int64 runs in which threat j was killed
    threat_shots: RunSums          # (N,) interceptors fired at threat j
    battery_expended: RunSums      # (M,) interceptors battery m fired
    asset_leakers: RunSums         # (A,) leakers on asset a (runs_positive: runs in which it was hit)
    asset_names: list
    asset_values: np.ndarray
    asset_index: np.ndarray        # (N,)
    battery_ids: list
    threat_labels: list
    windows: EngagementWindows
    event_log: list = field(default_factory=list)
    threat_leaked_short: np.ndarray | None = None   # (N,) runs: leaked while a battery that could shoot had no round left
    threat_leaked_held: np.ndarray | None = None    # (N,) runs: leaked while a battery held its rounds for higher priority
    denied_leaks: np.ndarray | None = None   # (N, M) runs in which battery m denied threat j and j leaked
    shots_by_pair: np.ndarray | None = None  # (N, M) interceptors battery m fired at threat j, all runs
    prio_rank: np.ndarray | None = None      # (N,) 0 = highest priority
    first_slot_s: np.ndarray | None = None   # (N, M) first decision opportunity of each pair (raid clock)

    @property
    def p_kill(self) -> np.ndarray:
        """(N,) each threat's P(kill): the share of runs in which it was killed."""
        return self.threat_kills / self.runs

    def summary(self) -> dict:
        """Every figure of the raid as plain numbers (what ``summary.json`` and ``thaadsim raid`` print).

        Returns
        -------
        dict
            ``runs``, ``seed``, ``threats``, ``p_no_leaker``, ``expected_leakers``, the interceptors
            expended (mean, percentiles, per battery), ``expected_value_lost``, ``per_asset`` and
            ``per_threat`` rows (``p_kill``, ``mean_shots``, ``engageable_by``, and the trade notes
            ``p_leak_short_of_rounds``, ``p_leak_held_for_priority``, ``traded_for``, ``note``), each
            probability with its 95 % Wilson interval (``*_ci95``) and each mean with its standard
            error (``*_se``).
        """
        lk = self.leakers
        ex = self.expended
        r = self.runs
        per_asset = []
        on_asset = self.asset_leakers.mean(r)
        for a, name in enumerate(self.asset_names):
            sel = self.asset_index == a
            per_asset.append({"asset": name, "value": float(self.asset_values[a]), "threats": int(sel.sum()),
                              "p_hit": float(self.asset_leakers.runs_positive[a] / r),
                              "expected_leakers": float(on_asset[a])})
        per_threat = []
        p_kill = self.p_kill
        mean_shots = self.threat_shots.mean(r)
        for j, lab in enumerate(self.threat_labels):
            wj = {b: bool(self.windows.engageable[j, m]) for m, b in enumerate(self.battery_ids)}
            per_threat.append({"threat": lab, "asset": self.asset_names[self.asset_index[j]],
                               "p_kill": float(p_kill[j]),
                               "mean_shots": float(mean_shots[j]), "engageable_by": wj,
                               **self._trade(j)})
        by_battery = self.battery_expended.mean(r)
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
            "interceptors_expended_by_battery_mean": {b: float(by_battery[m]) for m, b in enumerate(self.battery_ids)},
            "expected_value_lost": float(self.value_lost.mean()),
            "per_asset": per_asset,
            "per_threat": per_threat,
        })

    def _repr_html_(self) -> str:
        """A notebook shows the whole-raid figures with their 95 % error bars and P(kill) per threat."""
        from thaadsim.html_repr import block, figures_table, rows_table

        s = self.summary()
        ci = s.get("p_no_leaker_ci95")
        se = s.get("expected_leakers_se")
        figs = figures_table([
            ("P(no leaker)", s["p_no_leaker"], "", f"95 % Wilson interval {ci[0]:.4f}-{ci[1]:.4f}" if ci else ""),
            ("expected leakers", s["expected_leakers"], "threats", f"± {1.96 * se:.3g} (95 %)" if se else ""),
            ("interceptors expended (mean)", s["interceptors_expended_mean"], "interceptors",
             f"5/50/95 %: {s['interceptors_expended_p5']:.0f}/{s['interceptors_expended_p50']:.0f}/"
             f"{s['interceptors_expended_p95']:.0f}")])
        per = s["per_threat"]
        rows = rows_table(["threat", "asset", "p_kill", "mean_shots", "engageable by"],
                          ((t["threat"], t["asset"], t["p_kill"], t["mean_shots"],
                            ", ".join(b for b, ok in t["engageable_by"].items() if ok) or "none") for t in per),
                          limit=12, total=len(per))
        return block(f"RaidResult: {s['runs']:,} runs, seed {s['seed']}, {s['threats']} threats, "
                     f"{len(self.battery_ids)} batteries", figs, rows)

    def _trade(self, j: int) -> dict:
        """Whether threat j was traded against others: the share of runs in which it leaked while a
        battery that could still shoot at it had no round left (``p_leak_short_of_rounds``: spent on
        other threats) or kept its rounds for higher-priority threats (``p_leak_held_for_priority``),
        ``traded_for``: the threats those batteries spent or kept them for, and a ``note`` in words."""
        if self.threat_leaked_short is None:
            return {"p_leak_short_of_rounds": 0.0, "p_leak_held_for_priority": 0.0, "traded_for": [], "note": ""}
        p_short = float(self.threat_leaked_short[j] / self.runs)
        p_held = float(self.threat_leaked_held[j] / self.runs)
        traded: list[str] = []
        for m in np.nonzero(self.denied_leaks[j] > 0)[0]:
            # threats this battery shot at that it could reach first (spent), or of higher priority (held)
            others = (self.shots_by_pair[:, m] > 0) & (np.arange(len(self.threat_labels)) != j)
            if p_short == 0.0:
                others &= self.prio_rank < self.prio_rank[j]
            else:
                others &= ~(self.first_slot_s[:, m] > self.first_slot_s[j, m] + 1e-9) | (
                    self.prio_rank < self.prio_rank[j])
            traded += [self.threat_labels[i] for i in np.nonzero(others)[0] if self.threat_labels[i] not in traded]
        parts = []
        if p_short > 0:
            parts.append(f"leaked in {100 * p_short:.1f} % of runs while a battery that could still shoot at it "
                         "had no round left")
        if p_held > 0:
            parts.append(f"leaked in {100 * p_held:.1f} % of runs while a battery kept its rounds for "
                         "higher-priority threats")
        note = ""
        if parts:
            note = "; ".join(parts) + (f" (traded for {', '.join(traded)})" if traded else "")
        return {"p_leak_short_of_rounds": p_short, "p_leak_held_for_priority": p_held, "traded_for": traded,
                "note": note}


def _leakers_by_asset(leaked: np.ndarray, asset_index: np.ndarray, n_assets: int) -> np.ndarray:
    """(rc, A) leakers on each asset in each run, from (rc, N) leaked flags: a column sum per asset."""
    out = np.zeros((leaked.shape[0], n_assets), np.int64)
    order = np.argsort(asset_index, kind="stable")
    bounds = np.searchsorted(asset_index[order], np.arange(n_assets + 1))
    cum = np.zeros((leaked.shape[0], leaked.shape[1] + 1), np.int64)
    np.cumsum(leaked[:, order], axis=1, out=cum[:, 1:])
    out[:] = cum[:, bounds[1:]] - cum[:, bounds[:-1]]
    return out


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


def _stream_keys(batteries) -> list[tuple[int, int]]:
    """A stable key per battery for its random streams: (CRC-32 of its id, how many earlier batteries
    share that id). A battery's draws therefore do not depend on its position in the list, and
    adding a battery does not shift any other battery's stream."""
    seen: dict[str, int] = {}
    keys = []
    for b in batteries:
        bid = str(b.id)
        keys.append((zlib.crc32(bid.encode("utf-8")), seen.get(bid, 0)))
        seen[bid] = seen.get(bid, 0) + 1
    return keys


def _chain_shots(nxt: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Shots along each slot's shoot-look-shoot chain, ``pot[s] = weight[s] + pot[nxt[s]]``.

    ``nxt[s] > s`` is the first slot the battery may use after slot s's look (``len(nxt)`` = none).
    Solved for every slot of every pair at once by pointer jumping ("list ranking", Wyllie 1979):
    each pass doubles the length of chain summed, so ``log2(longest chain)`` array passes.
    """
    n = nxt.size
    ptr = np.append(nxt.astype(np.int64), n)          # the sentinel points to itself
    cnt = np.append(weight.astype(np.int64), 0)
    while (ptr[:n] < n).any():
        cnt = cnt + cnt[ptr]
        ptr = ptr[ptr]
    return cnt[:n]


@dataclass
class _PairState:
    """Per-run state of one (threat, battery) pair in one chunk, created when the pair first acts."""

    U: np.ndarray | None       # (rc, S) uniforms: this battery's k-th shot at this threat uses column k
    shots: np.ndarray          # (rc,) shots this battery has fired at this threat
    pending: np.ndarray        # (rc,) when this battery's own look at its last shot completes
    denied: np.ndarray         # (rc,) it could have fired but had no round / held its rounds
    reserve: np.ndarray        # (rc,) rounds kept for this threat while waiting to look at another's shot
    retired: bool = False      # past its last slot


def _new_pair_state(state: dict, p: int, rc: int) -> _PairState:
    st = state[p] = _PairState(U=None, shots=np.zeros(rc, np.int64), pending=np.full(rc, -np.inf),
                               denied=np.zeros(rc, bool), reserve=np.zeros(rc, np.int64))
    return st


def _retire(state: dict, p: int, n: int, shots_sum: np.ndarray) -> None:
    """A pair past its last slot: count its shots and drop its draws; keep its look times, and the
    runs it denied (only when there are some) for the chunk's trade figures."""
    st = state[p]
    if st.retired:
        return
    st.retired = True
    shots_sum[p % n, p // n] += int(st.shots.sum())
    st.U = None                     # its look time stays: other batteries may still wait for it
    st.shots = np.zeros(0, np.int64)
    if st.denied is not None and not st.denied.any():
        st.denied = None


_LOG_ORDER = {"threat_launch": 0, "detect": 1, "interceptor_launch": 2, "intercept": 3,
              "killed_before_impact": 4, "leak_impact": 4}


def simulate_raid(batch: TrajectoryBatch, batteries: Sequence[Battery], *, launch_time_s: ArrayLike = 0.0,
                  asset_index: ArrayLike | None = None, asset_names: Sequence[str] | None = None,
                  asset_values: ArrayLike | None = None, threat_labels: Sequence[str] | None = None,
                  doctrine: Doctrine | None = None, runs: int = 1000,
                  seed: int = 1, chunk_runs: int = 2000, detect_s: ArrayLike | None = None,
                  windows: EngagementWindows | None = None, log_run: int | None = 0,
                  progress: Callable[[int, int], object] | None = None,
                  on_chunk: Callable[[int, dict], object] | None = None) -> RaidResult:
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
    threat_labels : sequence of str or None
        A name per threat for tables and the event log.
    doctrine : Doctrine
    runs, seed, chunk_runs : Monte Carlo size, seed, runs simulated per chunk (the answer does not
        depend on it).
    detect_s : (N, M) or None
        First detection times (see :func:`engagement_windows`).
    windows : EngagementWindows or None
        Reuse precomputed windows.
    log_run : int or None
        Which run's events to return as the event log (None: none).
    progress : callable(done_runs, total_runs) or None
        Called after every chunk of ``chunk_runs`` runs (a progress bar that moves).
    on_chunk : callable(first_run, arrays) or None
        Called with each chunk's per-(run x threat) outcomes before they are reduced to sums and
        dropped: ``arrays`` holds ``killed`` (rc, N) bool, ``shots_at`` (rc, N) interceptors fired
        at each threat, ``expended_by_battery`` (rc, M), ``leaked_short`` and ``leaked_held``
        (rc, N) bool, for runs ``first_run`` to ``first_run + rc - 1``. For a caller who wants
        every run's detail (streamed to disk, say) or a test that recomputes the sums by brute
        force; the result itself never holds them.

    Returns
    -------
    RaidResult
        Per-run totals (leakers, interceptors expended, value lost: O(runs)) and per-threat,
        per-battery and per-asset sums over the runs (O(threats)): memory does not grow as
        runs x threats. One chunk's working arrays are O(chunk_runs x threats); callers bound them
        by the chunk size (:func:`thaadsim.io.scenario_outputs.raid_chunk_runs`).

    Notes
    -----
    See the module docstring for the battle-management rules; in short, each battery fires its own
    shoot-look-shoot schedule and waits to look at another battery's shot only when waiting costs it
    none of its shots, so a battery added to a raid never takes shots away from the others.
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

    inv0 = np.array([b.inventory for b in batteries], np.int64)
    per_l = np.array([b.interceptors_per_launcher for b in batteries], np.int64)
    loads0 = np.array([b.reload_loads for b in batteries], np.int64)
    pk = np.array([b.single_shot_pk for b in batteries])
    look = np.array([b.fire_control.kill_assessment_s for b in batteries])
    reload_t = np.array([b.reload_time_s for b in batteries])

    # ---- deterministic slots of every (threat, battery) pair, pair p = mm * n + j ---------------
    k = doctrine.shots_per_engagement
    pair_L: list = [np.zeros(0)] * (n * m)
    ev_t, ev_p, ev_ti, ev_tl = [], [], [], []
    last_launch = np.full((n, m), -np.inf)
    for mm, bat in enumerate(batteries):
        g = windows.geometry[mm]
        for j in range(n):
            L, TI, TL = _slots(g.feasible[j], g.t_s[j], g.launch_s[j], doctrine, bat.fire_control.salvo_interval_s,
                               launch[j])
            if L.size:
                last_launch[j, mm] = L.max()
            pair_L[mm * n + j] = L
            ev_t.append(L)
            ev_p.append(np.full(L.size, mm * n + j, np.int64))
            ev_ti.append(TI)
            ev_tl.append(TL)
    ev_t = np.concatenate(ev_t) if ev_t else np.zeros(0)
    ev_p = np.concatenate(ev_p) if ev_p else np.zeros(0, np.int64)
    ev_ti = np.concatenate(ev_ti) if ev_ti else np.zeros((0, k))
    ev_tl = np.concatenate(ev_tl) if ev_tl else np.zeros((0, k))
    ev_j, ev_m = ev_p % n, ev_p // n
    ev_nok = np.isfinite(ev_ti).sum(axis=1)                       # shots of the salvo that have an intercept
    with np.errstate(all="ignore"):
        ev_tlast = np.nanmax(np.where(np.isfinite(ev_ti), ev_ti, -np.inf), axis=1)
    # each slot's next usable slot of the same pair after its look, and the shots along that chain
    # ("potential"): a battery alone fires pot[first slot] shots at a threat that survives them
    sizes = np.array([a.size for a in pair_L], np.int64)
    offs = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    nxt = np.empty(ev_t.size, np.int64)
    for p in np.nonzero(sizes)[0]:
        sl = slice(offs[p], offs[p] + sizes[p])
        loc = np.searchsorted(pair_L[p], ev_tlast[sl] + look[p // n], side="left")
        nxt[sl] = np.where(loc < sizes[p], offs[p] + loc, ev_t.size)
    ev_pot = _chain_shots(nxt, ev_nok)
    pair_pot = [np.append(ev_pot[offs[p]:offs[p] + sizes[p]], 0) for p in range(n * m)]   # 0 past the end
    pair_S = np.array([int(pp[0]) for pp in pair_pot], np.int64)    # most shots the pair can ever take
    ev_order = np.lexsort((prio_rank[ev_j], np.array([b.layer for b in batteries])[ev_m], ev_t))
    ev_t, ev_p, ev_j, ev_m, ev_ti, ev_tl, ev_nok, ev_tlast, ev_pot = (
        a[ev_order] for a in (ev_t, ev_p, ev_j, ev_m, ev_ti, ev_tl, ev_nok, ev_tlast, ev_pot))
    last_event_of = np.full(n * m, -1, np.int64)
    last_event_of[ev_p] = np.arange(ev_p.size)                     # later writes win: the last event

    qmax = max(1, int(loads0.max()))
    cap = doctrine.max_shots_per_threat
    has_window = np.isfinite(last_launch)
    keys = _stream_keys(batteries)
    # a battery whose rounds on the launchers cover every shot it could ever fire at every threat:
    # its inventory never binds, so waiting for another battery's look can cost no other threat
    # anything. Only such batteries wait; the others fire on their own schedule.
    # (a battery that can engage one threat only has nobody to trade it against)
    ample = (inv0 >= pair_S.reshape(m, n).sum(axis=1)) | ((pair_S.reshape(m, n) > 0).sum(axis=1) <= 1)

    def pair_stream(p, start, rc):
        j, mm = p % n, p // n
        bg = np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(keys[mm][0], keys[mm][1], j)))
        bg.advance(int(start) * int(pair_S[p]))                   # rows in run order: chunking-free
        return np.random.Generator(bg).random((rc, int(pair_S[p])))

    # what the summary needs, reduced chunk by chunk: per run O(runs), per threat / battery / asset sums
    leakers_per_run = np.zeros(runs, np.int32)
    expended_per_run = np.zeros(runs, np.int32)
    value_lost_per_run = np.zeros(runs, float)
    threat_kills = np.zeros(n, np.int64)
    threat_short = np.zeros(n, np.int64)
    threat_held = np.zeros(n, np.int64)
    threat_shots = RunSums.zeros(n)
    battery_expended = RunSums.zeros(m)
    n_assets = len(asset_names)
    asset_leakers = RunSums.zeros(n_assets)
    threat_value = asset_values[asset_index]
    denied_leaks = np.zeros((n, m), np.int64)      # runs in which battery m denied threat j and j leaked
    shots_sum = np.zeros((n, m), np.int64)
    event_log: list = []
    for start in range(0, runs, chunk_runs):
        rc = min(chunk_runs, runs - start)
        rows = np.arange(rc)
        ready = np.tile(inv0, (rc, 1))
        loads = np.tile(loads0, (rc, 1))
        fired_b = np.zeros((rc, m), np.int64)
        reload_due = np.full((rc, m, qmax), np.inf)
        n_fired = np.zeros(rc, np.int64)
        # per-threat state is threat-major, (N, rc) and (N, M, rc): a slot reads and writes one
        # threat's row of runs, contiguous, instead of a column strided by N (at 10,000 threats a
        # strided column costs a cache miss per run and dominated large chunks)
        killed = np.zeros((n, rc), bool)
        known_dead_at = np.full((n, rc), np.inf)
        shots_at = np.zeros((n, rc), np.int64)
        engaged_by = np.zeros((n, m, rc), bool)
        waiting_on = np.zeros((n, m, rc), bool)    # battery m keeps rounds for threat n while it waits
        reserved_b = np.zeros((rc, m), np.int64)
        short = np.zeros((n, rc), bool)
        held = np.zeros((n, rc), bool)
        state: dict[int, _PairState] = {}
        want_log = log_run is not None and start <= log_run < start + rc
        lr = (log_run - start) if want_log else -1
        run_log: list = []
        retire: list = []
        for e in range(ev_t.size):
            for q in retire:                # bounded memory: keep only what the chunk's end needs
                _retire(state, q, n, shots_sum)
            retire.clear()
            L, j, mm, p = ev_t[e], ev_j[e], ev_m[e], ev_p[e]
            ti = ev_ti[e]
            # reloads that have arrived by L
            due = reload_due[:, mm, :] <= L
            if due.any():
                ready[:, mm] += per_l[mm] * due.sum(axis=1)
                reload_due[:, mm, :][due] = np.inf
            st = state.get(p)
            if st is not None and last_event_of[p] == e:
                retire.append(p)            # after this event the pair needs no draws nor look times
            if st is not None and st.reserve.any():   # a wait ends here: decide afresh
                reserved_b[:, mm] -= st.reserve
                waiting_on[j, mm] = False
                st.reserve[:] = 0
            can = known_dead_at[j] > L
            if st is not None:
                can &= st.pending <= L                                 # own shoot-look-shoot
            if cap is not None:
                can &= shots_at[j] < cap
            if not can.any():
                continue
            # other batteries' shots are in flight: wait for the next of their looks only where
            # waiting leaves this battery every shot it would fire from now on (the first slot after
            # that look has as many on its chain, up to the rounds ready and the doctrine's cap);
            # after that look it decides again. Nothing is learnt by looking at a shot of Pk 0.
            n_ok = int(ev_nok[e])
            want = np.full(rc, min(k, n_ok), np.int64)
            if cap is not None:
                want = np.minimum(want, np.maximum(cap - shots_at[j], 0))
            free = ready[:, mm] - reserved_b[:, mm]         # rounds not kept for threats it waits on
            next_look = np.full(rc, np.inf)
            for mo in range(m):
                so = state.get(mo * n + j)
                if mo != mm and pk[mo] > 0 and so is not None:
                    next_look = np.where((so.pending > L) & (so.pending < next_look), so.pending, next_look)
            other = can & np.isfinite(next_look)
            if ample[mm] and other.any():
                after = np.searchsorted(pair_L[p], next_look[other], side="left")
                budget = np.maximum(free[other], 0)
                if cap is not None:
                    budget = np.minimum(budget, cap - shots_at[j, other])
                wait = np.zeros(rc, bool)
                wait[other] = (budget > 0) & (np.minimum(pair_pot[p][after], budget) >= np.minimum(ev_pot[e], budget))
                if wait.any():
                    # while it waits, keep the rounds it would have fired now for this threat, so the
                    # wait cannot hand them to another threat
                    st = st or _new_pair_state(state, p, rc)
                    st.reserve = np.where(wait, np.minimum(want, np.maximum(free, 0)), 0)
                    reserved_b[:, mm] += st.reserve
                    waiting_on[j, mm] = wait
                can &= ~wait
                if not can.any():
                    continue
            st = st or _new_pair_state(state, p, rc)
            if st.U is None:
                st.U = pair_stream(p, start, rc)
            avail = free.copy()
            if doctrine.hold_for_priority:
                higher = (prio_rank < prio_rank[j]) & has_window[:, mm] & (last_launch[:, mm] >= L)
                # (a whole salvo must leave a round for each higher-priority threat still to come)
                if higher.any() and avail[can].min() < higher.sum() + min(k, n_ok):
                    hj = np.nonzero(higher)[0]
                    need = ((known_dead_at[hj] > L) & ~engaged_by[hj, mm] & ~waiting_on[hj, mm]).sum(axis=0)
                    avail = avail - need
            nshot = np.where(can, np.clip(avail, 0, want), 0)
            # fired fewer than it wanted (none, or a salvo cut): its rounds were spent on other
            # threats (fewer ready than wanted), or held back for higher-priority ones
            cut = can & (nshot < want) & (pk[mm] > 0)      # a round that cannot kill is no loss
            no_round = cut & (ready[:, mm] < want)
            kept = cut & (ready[:, mm] >= want)
            held[j] |= kept
            short[j] |= no_round & ~held[j]   # a round held back for another, then spent on it: held
            st.denied |= no_round | kept
            fire = nshot > 0
            if not fire.any():
                continue
            # outcomes: this battery's s-th shot at threat j in run r uses st.U[r, s]
            assert (st.shots + nshot <= pair_S[p]).all()
            hit_any = np.zeros(rc, bool)
            kill_time = np.full(rc, np.inf)
            for i in range(min(k, n_ok)):
                use = fire & (nshot > i)
                u = st.U[rows, np.minimum(st.shots + i, pair_S[p] - 1)]
                hit = use & (u < pk[mm])
                kill_time = np.where(hit & ~hit_any, ti[i], kill_time)
                hit_any |= hit
                if want_log and use[lr]:
                    run_log.append({"time_s": round(float(ev_tl[e, i]), 2), "event": "interceptor_launch",
                                    "threat": threat_labels[j], "battery": batteries[mm].id,
                                    "ready_after": int(ready[lr, mm] - i - 1)})
                    run_log.append({"time_s": round(float(ti[i]), 2), "event": "intercept",
                                    "threat": threat_labels[j], "battery": batteries[mm].id,
                                    "outcome": "kill" if hit[lr] else "miss", "_t": float(ti[i])})
            killed[j] |= hit_any
            known_dead_at[j] = np.minimum(known_dead_at[j], kill_time + look[mm])
            st.pending = np.where(fire, ev_tlast[e] + look[mm], st.pending)
            st.shots += nshot
            before = fired_b[:, mm].copy()
            ready[:, mm] -= nshot
            fired_b[:, mm] += nshot
            n_fired += nshot
            shots_at[j] += nshot
            engaged_by[j, mm] |= fire
            # launchers emptied by this salvo -> schedule reloads while spare loads remain
            emptied = fired_b[:, mm] // per_l[mm] - before // per_l[mm]
            for _ in range(int(emptied.max()) if loads0[mm] > 0 else 0):
                go = (emptied > 0) & (loads[:, mm] > 0)
                slot = np.argmax(np.isinf(reload_due[:, mm, :]), axis=1)
                reload_due[rows[go], mm, slot[go]] = L + reload_t[mm]
                loads[:, mm] -= go
                emptied -= go
        assert (ready >= 0).all()
        leaked = ~killed
        for p in list(state):
            _retire(state, p, n, shots_sum)
        for p, st in state.items():
            if st.denied is not None:
                denied_leaks[p % n, p // n] += int((st.denied & leaked[p % n]).sum())
        if on_chunk is not None:
            on_chunk(start, {"killed": killed.T, "shots_at": shots_at.T, "expended_by_battery": fired_b,
                             "leaked_short": (short & leaked).T, "leaked_held": (held & leaked).T})
        chunk = slice(start, start + rc)
        leakers_per_run[chunk] = leaked.sum(axis=0)
        expended_per_run[chunk] = n_fired
        value_lost_per_run[chunk] = (leaked * threat_value[:, None]).sum(axis=0)   # run by run: chunking-free
        threat_kills += killed.sum(axis=1)
        threat_short += (short & leaked).sum(axis=1)
        threat_held += (held & leaked).sum(axis=1)
        threat_shots.add(shots_at.T)
        battery_expended.add(fired_b)
        # leakers on each asset in each run: (rc, N) x (N, A) one-hot, without an (rc, N, A) temporary
        asset_leakers.add(_leakers_by_asset(leaked.T, asset_index, n_assets))
        if progress is not None:
            progress(start + rc, runs)
        if want_log:
            event_log = _run_event_log(run_log, killed[:, lr], launch, impact_abs, windows, batteries,
                                       threat_labels, asset_names, asset_index)
    return RaidResult(runs=runs, seed=seed, leakers=leakers_per_run, expended=expended_per_run,
                      value_lost=value_lost_per_run, threat_kills=threat_kills, threat_shots=threat_shots,
                      battery_expended=battery_expended, asset_leakers=asset_leakers, asset_names=asset_names,
                      asset_values=asset_values, asset_index=asset_index, battery_ids=[b.id for b in batteries],
                      threat_labels=threat_labels, windows=windows, event_log=event_log,
                      threat_leaked_short=threat_short, threat_leaked_held=threat_held,
                      denied_leaks=denied_leaks, shots_by_pair=shots_sum,
                      prio_rank=prio_rank, first_slot_s=np.array([[pair_L[mm * n + j][0] if pair_L[mm * n + j].size
                                                                   else np.nan for mm in range(m)]
                                                                  for j in range(n)]).reshape(n, m))


def _run_event_log(run_log, killed_row, launch, impact_abs, windows, batteries, threat_labels, asset_names,
                   asset_index) -> list[dict]:
    """One run's events in the order they happened; a kill ends its threat's events.

    A threat's kill is stamped at the intercept time of the first shot that killed it (the
    earliest-intercepting hit of the run). Interceptors that were still on their way to it then, or
    were launched at it before the kill was known, destroyed nothing: they are counted in the kill
    event (``interceptors_wasted``) and in the expenditure, not logged as events after the kill.
    """
    n = len(threat_labels)
    ev = list(run_log)
    for j in range(n):
        ev.append({"time_s": round(float(launch[j]), 2), "event": "threat_launch",
                   "threat": threat_labels[j], "asset": asset_names[asset_index[j]]})
        for mm, bat in enumerate(batteries):
            d = windows.detect_s[j, mm]
            if np.isfinite(d):
                ev.append({"time_s": round(float(launch[j] + d), 2), "event": "detect",
                           "threat": threat_labels[j], "battery": bat.id})
    end = {}
    for j in range(n):
        lab = threat_labels[j]
        if killed_row[j]:
            hits = [x for x in run_log if x["threat"] == lab and x["event"] == "intercept" and x["outcome"] == "kill"]
            first = min(hits, key=lambda x: x["_t"])
            end[lab] = first["_t"]
            after = [x for x in run_log if x["threat"] == lab and x["event"] == "intercept" and x["_t"] > first["_t"]]
            ev.append({"time_s": first["time_s"], "event": "killed_before_impact", "threat": lab,
                       "asset": asset_names[asset_index[j]], "battery": first["battery"],
                       "would_have_impacted_s": round(float(impact_abs[j]), 2),
                       "interceptors_wasted": len(after)})
        else:
            end[lab] = float(impact_abs[j])
            ev.append({"time_s": round(float(impact_abs[j]), 2), "event": "leak_impact", "threat": lab,
                       "asset": asset_names[asset_index[j]]})
    kept = []
    for x in ev:
        if x["event"] not in ("killed_before_impact", "leak_impact") and x.get("_t", x["time_s"]) > end[x["threat"]]:
            continue            # after the threat's end: nothing of it happens any more
        kept.append({k: v for k, v in x.items() if k != "_t"})
    kept.sort(key=lambda x: (x["time_s"], _LOG_ORDER.get(x["event"], 5)))
    return kept
