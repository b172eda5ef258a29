"""Turn a flown :class:`~thaadsim.flight.trajectory.TrajectoryBatch` into map/export objects and tables.

Scenario time: each threat launches at its own ``launch_time_s`` after the scenario's start, so
the exported tracks are shifted by it (the batch's own ``t_s`` counts from each launch).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from thaadsim.analysis.objects import Track


def batch_tracks(batch, ids: Sequence[str], names: Sequence[str], launch_time_s=None,
                 kind: str = "threat", properties: Sequence[dict] | None = None) -> list[Track]:
    """One :class:`Track` per row of ``batch``, times in scenario seconds."""
    n = len(batch)
    t0 = np.zeros(n) if launch_time_s is None else np.broadcast_to(np.asarray(launch_time_s, float), (n,))
    out = []
    for i in range(n):
        m = int(batch.n_samples[i])
        props = dict(properties[i]) if properties is not None else {}
        out.append(Track(str(ids[i]), str(names[i]), batch.t_s[i, :m] + t0[i], batch.lat_deg[i, :m],
                         batch.lon_deg[i, :m], batch.alt_m[i, :m], kind=kind, properties=props))
    return out


def profiles_frame(batch, names: Sequence[str], kind: str = "threat") -> pd.DataFrame:
    """Long table for altitude-vs-range plots: ``row`` (trajectory index), ``name``, ``kind``,
    ``ground_range_km``, ``alt_km``, ``t_s``. Several trajectories may share a name (a raid fires two
    identical shots); ``row`` keeps them apart."""
    gr = batch.ground_range_km()
    frames = []
    for i in range(len(batch)):
        m = int(batch.n_samples[i])
        frames.append(pd.DataFrame({"row": i, "name": names[i], "kind": kind, "ground_range_km": gr[i, :m],
                                    "alt_km": batch.alt_m[i, :m] / 1e3, "t_s": batch.t_s[i, :m]}))
    if not frames:
        return pd.DataFrame(columns=["row", "name", "kind", "ground_range_km", "alt_km", "t_s"])
    return pd.concat(frames, ignore_index=True)
