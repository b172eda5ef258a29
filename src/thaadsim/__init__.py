"""thaadsim: an open, physics-based simulator of THAAD and the ballistic missiles it faces.

Data flows one way: scenario -> flights -> sensing -> engagement -> analysis -> outputs.
SI units inside; every public name carries its unit (``range_km``, ``flight_time_s``).
Heavy modules are imported lazily so that ``import thaadsim`` and the CLI start fast.
"""

from __future__ import annotations

__version__ = "0.1.0"   # the one version source: pyproject.toml reads it (dynamic), CHANGELOG.md names it

from os import PathLike  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

from thaadsim.errors import ThaadsimError  # noqa: E402

if TYPE_CHECKING:   # annotations only: importing the scenario model here would slow ``import thaadsim``
    from thaadsim.io.scenario_outputs import RunScenario

__all__ = ["ThaadsimError", "__version__", "load_scenario"]


def load_scenario(path: str | PathLike[str]) -> RunScenario:
    """Load and validate a scenario TOML file; ``.run()`` on the result runs it.

    The format is described in ``thaadsim.io.scenario`` (sites, threats, raids) and
    ``thaadsim.io.scenario_outputs`` (the ``[analysis]`` section). Every number is checked against
    its bounds here, before anything is flown.

    Parameters
    ----------
    path : str or path-like
        A scenario file, e.g. ``"examples/seongju.toml"``.

    Returns
    -------
    RunScenario
        The validated scenario; ``.run()`` gives a ``ScenarioResult`` (``.info()``, ``.threats``,
        ``.plot()``, ``.summary()``).

    Raises
    ------
    ThaadsimError
        For an unreadable file or any invalid field; the message names the file, the field path and
        what would be valid.

    Examples
    --------
    >>> import thaadsim
    >>> result = thaadsim.load_scenario("examples/seongju.toml").run()   # doctest: +SKIP
    >>> print(result.info())                                               # doctest: +SKIP
    """
    from thaadsim.io.scenario_outputs import load_run_scenario

    return load_run_scenario(path)
