"""How the against-reference tests call :mod:`thaadsim.validation`: one pytest case per registered check.

A check's rows are what ``thaadsim validate`` prints; the test asserts every row passes, so a
regression fails both. A check registered as a documented known limitation is a strict xfail: the
day it passes, the test says so.
"""

from __future__ import annotations

import pytest

from thaadsim.validation import Check, checks_for


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
