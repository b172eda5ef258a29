"""The built wheel is a working thaadsim on its own: what pip installs, away from the repository, runs an example.

Authority: pip itself (it builds the wheel with the project's own build backend and installs it) and the wheel
format (PEP 427 file list; PEP 639 puts the license file under ``.dist-info/licenses/`` and writes
``License-Expression``). The checks:

* the wheel holds the examples, ``py.typed``, the bibliography and the LICENSE, and its version is the one in
  ``src/thaadsim/__init__.py`` (the single version source);
* installed with ``pip install --target`` into a temporary directory and imported from there (not from the
  repository's ``src``), ``thaadsim examples copy DIR`` then ``thaadsim run DIR/seongju.toml --out OUT`` work from
  a working directory outside the repository and write the report's files.

No network: the wheel is built with ``--no-build-isolation`` from the running environment's setuptools and
installed with ``--no-deps --no-index`` (the dependencies come from the running environment). The build needs
setuptools >= 77 (``license = "MIT"`` is an SPDX expression); with an older setuptools the test is skipped and
says so. The scenario runs with 100 Monte Carlo runs to stay quick; the first run in a new location compiles the
numba kernels (~20 s on a busy 2-core machine).
"""

import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VERSION = re.search(r'^__version__ = "([^"]+)"', (ROOT / "src" / "thaadsim" / "__init__.py").read_text(), re.M)[1]


def _setuptools_major():
    try:
        return int(importlib.metadata.version("setuptools").split(".")[0])
    except importlib.metadata.PackageNotFoundError:
        return 0


pytestmark = pytest.mark.skipif(
    _setuptools_major() < 77,
    reason="the build needs setuptools >= 77 (SPDX license expression); this environment has "
           f"{importlib.metadata.version('setuptools') if _setuptools_major() else 'none'}: "
           "`python -m pip install 'setuptools>=77'` into this environment")


def _pip(*args, cwd):
    # the same environment as this test (so the same setuptools as the skip check above)
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}
    res = subprocess.run([sys.executable, "-m", "pip", *args], cwd=cwd, env=env, capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    # build from a copy of what the sdist would hold, so the build leaves nothing (build/, *.egg-info) in the repo
    source = tmp / "source"
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info",
                                                                                  "*.nbi", "*.nbc"))
    for name in ("pyproject.toml", "README.md", "LICENSE", "CHANGELOG.md"):
        shutil.copy2(ROOT / name, source / name)
    _pip("wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(tmp / "dist"), str(source), cwd=tmp)
    (whl,) = (tmp / "dist").glob("thaadsim-*.whl")
    return whl


def test_wheel_holds_examples_license_types_and_references(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for example in sorted(p.name for p in (ROOT / "src" / "thaadsim" / "data" / "examples").iterdir()):
        assert f"thaadsim/data/examples/{example}" in names
    assert "thaadsim/py.typed" in names
    assert "thaadsim/data/references.toml" in names
    dist_info = f"thaadsim-{VERSION}.dist-info"
    assert f"{dist_info}/licenses/LICENSE" in names
    meta = zipfile.ZipFile(wheel).read(f"{dist_info}/METADATA").decode()
    assert f"\nVersion: {VERSION}\n" in meta and "\nLicense-Expression: MIT\n" in meta
    assert not [n for n in names if "__pycache__" in n or n.endswith((".nbi", ".nbc"))]


def test_installed_wheel_copies_and_runs_an_example_outside_the_repository(wheel, tmp_path):
    site = tmp_path / "site"
    _pip("install", "--no-deps", "--no-index", "--target", str(site), str(wheel), cwd=tmp_path)
    work = tmp_path / "work"        # a working directory with no repository around it
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "NUMBA_NUM_THREADS": "1",
           "THAADSIM_CACHE_DIR": str(tmp_path / "cache")}

    def thaadsim(*args):
        code = "import sys, thaadsim; print(thaadsim.__file__, file=sys.stderr); from thaadsim.cli import main; main()"
        return subprocess.run([sys.executable, "-c", code, *args], cwd=work, env=env, capture_output=True,
                              text=True, timeout=300)

    res = thaadsim("examples", "copy", "ex")
    assert res.returncode == 0, res.stderr
    imported_from = Path(res.stderr.splitlines()[0]).resolve()
    assert imported_from.is_relative_to(site.resolve()), imported_from   # the wheel's thaadsim, not the repo's
    assert (work / "ex" / "seongju.toml").read_bytes() == (ROOT / "examples" / "seongju.toml").read_bytes()

    again = thaadsim("examples", "copy", "ex")     # refuses to overwrite: one line, exit 2
    assert again.returncode == 2 and again.stderr.splitlines()[-1].startswith("error: DIR:")

    res = thaadsim("run", "ex/seongju.toml", "--out", "out", "--runs", "100", "--quiet")
    assert res.returncode == 0, res.stderr[-3000:]
    for name in ("summary.json", "report.html", "map.png", "events.jsonl", "scenario.geojson", "scenario.kml", "scenario.kmz",
                 "scenario.czml"):
        assert (work / "out" / name).stat().st_size > 0, name
    summary = json.loads((work / "out" / "summary.json").read_text())
    assert summary["thaadsim_version"] == VERSION
