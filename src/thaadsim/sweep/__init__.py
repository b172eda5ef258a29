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

from collections.abc import Mapping, Sequence
from os import PathLike
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:   # annotations only: xarray and the scenario model load when sweep() is first called
    import xarray

    from thaadsim.io.scenario_outputs import RunScenario

__all__ = ["sweep"]


def sweep(scenario: str | PathLike[str] | RunScenario, vary: Sequence[str] | Mapping[Any, Sequence[Any]],
          **kwargs: Any) -> xarray.Dataset:
    """Run ``scenario`` over the outer product of ``vary``; see :func:`thaadsim.sweep.core.sweep`.

    Parameters
    ----------
    scenario : str, path-like or RunScenario
        A scenario file (as for ``thaadsim run``) or a loaded scenario.
    vary : sequence of str, or mapping
        ``["batteries.0.pk=0.5:0.95:10", "radars.0.face_az_deg=300,330,0"]``: each a field path and
        its values (``a,b,c`` or ``start:stop:count``); several give their outer product.
    **kwargs
        ``workers``, ``scheduler``, ``out``, ``chunk_size``, ``runs``, ``seed``, ``streams``, ``force``,
        ``progress``, ``plot``: as :func:`thaadsim.sweep.core.sweep`.

    Returns
    -------
    xarray.Dataset
        One dimension per varied field (plus ``threat``); ``p_no_leaker``, ``expected_leakers``,
        ``interceptors_expended`` and per-threat ``p_kill``, each with its Monte Carlo standard error,
        with CF ``units`` and ``long_name``. The same for any workers or chunk size.
    """
    from thaadsim.sweep.core import sweep as _sweep

    return _sweep(scenario, vary, **kwargs)

