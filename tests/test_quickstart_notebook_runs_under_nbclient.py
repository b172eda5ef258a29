"""The quick-start notebook shipped with the examples runs from top to bottom in a fresh Jupyter kernel.

Authority: nbclient (Jupyter's own notebook executor) running ``examples/quickstart.ipynb`` in an
ipykernel, as CI and a user's Jupyter would; every code cell must finish without an error, the
result objects must show their HTML tables and the xarray plots must be drawn (PNG outputs).
"""

from __future__ import annotations

import pytest

nbclient = pytest.importorskip("nbclient", reason="the dev extra's nbclient + ipykernel run the notebook")
nbformat = pytest.importorskip("nbformat")

from thaadsim.io.examples import examples_dir  # noqa: E402


def test_quickstart_notebook_executes(tmp_path, monkeypatch):
    import os
    from pathlib import Path

    import thaadsim

    # the kernel imports the thaadsim these tests import (a relative PYTHONPATH would not survive its cwd)
    here = str(Path(thaadsim.__file__).resolve().parents[1])
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([here, *filter(None, [os.environ.get("PYTHONPATH")])]))
    path = examples_dir() / "quickstart.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "ship the notebook without outputs"
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert sum("thaadsim-repr" in h for h in html) >= 2        # the batch's and the scenario result's tables
    assert any("xarray" in h for h in html)                      # the Dataset's own view
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 3   # the plots were drawn
    assert not list(tmp_path.iterdir())                          # it writes nothing where it runs
