"""thaadsim: an open, physics-based simulator of THAAD and the ballistic missiles it faces.

Data flows one way: scenario -> flights -> sensing -> engagement -> analysis -> outputs.
SI units inside; every public name carries its unit (``range_km``, ``flight_time_s``).
Heavy modules are imported lazily so that ``import thaadsim`` and the CLI start fast.
"""

from __future__ import annotations

__version__ = "0.1.0"   # the one version source: pyproject.toml reads it (dynamic), CHANGELOG.md names it

from thaadsim.errors import ThaadsimError  # noqa: E402

__all__ = ["ThaadsimError", "__version__", "load_scenario"]


def load_scenario(path):
    """Load and validate a scenario TOML file; ``.run()`` on the result runs it.

    The format is described in ``thaadsim.io.scenario`` (sites, threats, raids) and
    ``thaadsim.io.scenario_outputs`` (the ``[analysis]`` section); errors name the file and field.
    """
    from thaadsim.io.scenario_outputs import load_run_scenario

    return load_run_scenario(path)
