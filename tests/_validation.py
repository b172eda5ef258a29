"""How the against-reference tests call :mod:`thaadsim.validation`: one pytest case per registered check.

A check's rows are what ``thaadsim validate`` prints; the test asserts every row passes, so a
regression fails both. A check registered as a documented known limitation is a strict xfail: the
day it passes, the test says so.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from thaadsim.validation import Check, checks, checks_for

TESTS = Path(__file__).parent


def params(*funcs) -> list:
    """pytest parameters, one per registered case of each check function."""
    out = []
    for c in checks_for(*funcs):
        marks = (pytest.mark.xfail(strict=True, reason=c.known_limit),) if c.known_limit else ()
        out.append(pytest.param(c, id=c.name, marks=marks))
    return out


def assert_rows_pass(check: Check) -> list:
    """Run the check, fail with every row that missed its reference, and return the rows."""
    rows = check.run()
    failed = [r.explain() for r in rows if not r.passed]
    assert not failed, "\n".join(failed)
    return rows


def validation_aliases(tree: ast.Module) -> dict[str, str]:
    """alias -> module for ``from thaadsim.validation import x as alias`` in a test file."""
    out = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "thaadsim.validation":
            for n in node.names:
                out[n.asname or n.name] = f"thaadsim.validation.{n.name}"
    return out


def called_in(path: Path) -> set[tuple[str, str]]:
    """(module, function) of every ``params(alias.func, ...)`` in a test file: the checks it runs."""
    tree = ast.parse(path.read_text())
    aliases = validation_aliases(tree)
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "params":
            for a in node.args:
                if isinstance(a, ast.Attribute) and isinstance(a.value, ast.Name):
                    out.add((aliases.get(a.value.id, a.value.id), a.attr))
    return out


def claimed() -> set[tuple[str, str]]:
    """The checks some test file named after its authority runs (the ambiance comparison is run by
    test_atmosphere_against_ussa76 through ``checks("atmosphere")``: it is registered only when installed)."""
    out = {("thaadsim.validation.atmosphere", "against_ambiance")}
    for path in sorted(TESTS.glob("test_*.py")):
        out |= called_in(path)
    return out


def unclaimed() -> list[Check]:
    """Registered checks no authority's test file runs yet: a row just added with one ``@check`` function."""
    mine = claimed()
    return [c for c in checks() if (c.func.__module__, c.func.__name__) not in mine]
