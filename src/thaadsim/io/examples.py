"""The worked examples shipped inside the package (``thaadsim/data/examples``), listed and copied out.

``pip install thaadsim`` puts the examples next to the catalog, so ``thaadsim examples copy DIR`` gives a
user who has no clone of the repository the same files as ``examples/`` in a clone (which is a link to this
directory): scenario TOMLs, their companion CSVs and a README that says where their numbers come from.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from thaadsim.errors import ThaadsimError
from thaadsim.io.atomic import unwritable_reason, write_many

#: what ``examples copy`` copies: scenario files, their data, the README and the quick-start notebook
SUFFIXES = (".toml", ".csv", ".md", ".ipynb")


def examples_dir():
    """The packaged examples directory (a :class:`importlib.resources` traversable)."""
    return resources.files("thaadsim") / "data" / "examples"


def example_names() -> list[str]:
    """File names of the shipped examples, sorted."""
    return sorted(p.name for p in examples_dir().iterdir() if p.is_file() and p.name.endswith(SUFFIXES))


def describe(name: str) -> str:
    """One line about an example: a scenario's ``title`` or ``description``, else its first comment line."""
    text = (examples_dir() / name).read_text("utf-8")
    if name.endswith(".csv"):
        rows = [line for line in text.splitlines() if line.strip()]
        return f"table: {rows[0]} ({len(rows) - 1} rows)" if rows else "table (empty)"
    if name.endswith(".md"):
        return "where the examples' numbers come from"
    if name.endswith(".ipynb"):      # a notebook: the first line of its first markdown cell
        import json

        cells = [c for c in json.loads(text).get("cells", []) if c.get("cell_type") == "markdown"]
        first = "".join(cells[0]["source"]).strip().splitlines() if cells else []
        return ("notebook: " + first[0].lstrip("# ").strip()) if first else "notebook"
    for line in text.splitlines():
        if line.startswith("#") and line.strip("# ").strip():
            return line.strip("# ").strip()
    return ""


def copy_examples(dest, force: bool = False) -> list[Path]:
    """Copy every shipped example into directory ``dest`` (created if missing) and return the paths written.

    Nothing is written if any target already exists and ``force`` is false, or if ``dest`` cannot be
    written; the files are written as one set (:func:`thaadsim.io.atomic.write_many`), so an interrupted
    copy leaves no half-written scenario.
    """
    dest = Path(dest)
    reason = unwritable_reason(dest)
    if reason:
        raise ThaadsimError("DIR", f"cannot write into {dest}: {reason}", "give a writable directory")
    names = example_names()
    if not names:   # pragma: no cover - a broken installation
        raise ThaadsimError("examples", "no examples are installed with this package", "reinstall thaadsim")
    existing = [n for n in names if (dest / n).exists()]
    if existing and not force:
        raise ThaadsimError("DIR", f"{dest / existing[0]} already exists ({len(existing)} of the "
                                   f"{len(names)} example files do)", "add --force to overwrite, or choose another DIR")
    files = {dest / n: (examples_dir() / n).read_bytes() for n in names}
    return list(write_many(files).values())
