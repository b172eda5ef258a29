"""Sweeps: run a scenario over grids of its numbers, in chunks, on local cores or a Dask cluster.

This layer sits beside ``analysis``: it knows how to cut work into chunks and where to run them
(:mod:`thaadsim.executors`), not how a single plan is computed.

>>> from thaadsim.sweep import sweep
>>> ds = sweep("examples/raid_seongju.toml", ["batteries.0.pk=0.5:0.9:5"], workers=2)   # doctest: +SKIP
>>> ds.p_no_leaker                                                                        # doctest: +SKIP

The heavy modules (xarray, the pipeline) are imported when :func:`sweep` is first called, so
``import thaadsim`` stays fast.
"""

from __future__ import annotations

__all__ = ["sweep"]


def sweep(scenario, vary, **kwargs):
    """Run ``scenario`` over the outer product of ``vary``; see :func:`thaadsim.sweep.core.sweep`."""
    from thaadsim.sweep.core import sweep as _sweep

    return _sweep(scenario, vary, **kwargs)

