"""Every run's per-threat outcomes of a raid, for tests that compare runs one by one.

:class:`thaadsim.defense.raid.RaidResult` keeps per-run totals and sums over runs only (its memory
does not grow as runs x threats); ``simulate_raid(on_chunk=...)`` hands each chunk's
per-(run x threat) arrays to the caller before they are reduced. These helpers gather them.
"""

import numpy as np

KEYS = ("killed", "shots_at", "expended_by_battery", "leaked_short", "leaked_held")


class PerRun:
    """An ``on_chunk`` sink: call it as the hook, then read ``.arrays`` (each (runs, ...))."""

    def __init__(self):
        self._parts = []

    def __call__(self, start, arrays):
        self._parts.append((start, {k: np.array(arrays[k], copy=True) for k in KEYS}))

    @property
    def arrays(self) -> dict:
        parts = sorted(self._parts, key=lambda p: p[0])
        return {k: np.concatenate([p[1][k] for p in parts]) for k in KEYS}


def simulate_raid_per_run(*args, **kw):
    """``simulate_raid(*args, **kw)`` and the dict of its per-run arrays."""
    from thaadsim.defense.raid import simulate_raid

    sink = PerRun()
    res = simulate_raid(*args, on_chunk=sink, **kw)
    return res, sink.arrays
