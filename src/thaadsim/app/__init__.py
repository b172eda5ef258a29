"""``thaadsim app``: a local web app on the scenario engine (move batteries, turn radars, change the raid).

:mod:`thaadsim.app.session` is the engine (no web framework: usable from Python and tests);
:mod:`thaadsim.app.server` serves it with Starlette/uvicorn. The page's files are in
``thaadsim/data/app`` (shipped with the package data), plotly.js comes from the installed ``plotly``.
"""

from thaadsim.app.session import AppSession

__all__ = ["AppSession"]
