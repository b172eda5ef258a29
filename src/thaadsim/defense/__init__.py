"""Defense: interceptors, reach tables, batteries, engagement windows, battle management and raids.

Public API::

    from thaadsim.defense import (load_interceptor, interceptor_ids, reach_table, make_battery, Battery,
                                  FireControl, engagement_windows, Doctrine, simulate_raid)

    bat = make_battery("thaad", 36.0, 128.2, radar=load_radar("tpy2-tm").place(36.0, 128.2, 680.0))
    w = engagement_windows(batch, [bat])         # batch: thaadsim.flight.TrajectoryBatch
    w.pair(0, 0)                                  # earliest/latest intercept, shots, closing speed
    r = simulate_raid(batch, [bat], launch_time_s=..., runs=10000, seed=1)
    r.summary()                                   # P(no leaker), expected leakers, interceptors used

Modules: :mod:`~thaadsim.defense.interceptors` (catalog), :mod:`~thaadsim.defense.reach` (fly-out by
the flight engine, reach tables), :mod:`~thaadsim.defense.battery` (battery, fire-control timeline),
:mod:`~thaadsim.defense.detection` (first detection per threat), :mod:`~thaadsim.defense.engagement`
(windows), :mod:`~thaadsim.defense.raid` (doctrine, discrete-event raid, Monte Carlo).
"""

from thaadsim.defense.battery import FIRE_CONTROL_NOTES, Battery, FireControl, make_battery
from thaadsim.defense.engagement import EngagementWindows, engagement_windows
from thaadsim.defense.interceptors import Interceptor, interceptor_ids, load_interceptor
from thaadsim.defense.raid import DOCTRINES, PRIORITIES, Doctrine, RaidResult, simulate_raid
from thaadsim.defense.reach import ReachTable, compute_reach_table, reach_table

__all__ = ["Battery", "DOCTRINES", "Doctrine", "EngagementWindows", "FIRE_CONTROL_NOTES", "FireControl",
           "Interceptor", "PRIORITIES", "RaidResult", "ReachTable", "compute_reach_table", "engagement_windows",
           "interceptor_ids", "load_interceptor", "make_battery", "reach_table", "simulate_raid"]
