"""The one exception type for mistakes a user can make.

Anything the user can cause (a bad file, an unknown id, impossible geometry, a target out of
reach, a NaN) raises :class:`ThaadsimError` with a message that names the field and the fix.
The CLI prints it on one line to stderr and exits with status 2; any other exception is a bug.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any


class ThaadsimError(ValueError):
    """A user error: the message names the field and how to fix it.

    Everything a user can get wrong — a bad file, an unknown id, an out-of-range number, a NaN, an
    impossible geometry — raises this, never a bare exception; the CLI prints ``error: <message>`` on one
    line and exits with status 2.

    Parameters
    ----------
    field : str
        What was wrong, as the user wrote it: an option (``"--runs"``), a scenario path
        (``"radars.0.lat_deg"``) or a name (``"missile"``).
    problem : str
        What is wrong with it (``"96.0 is out of range"``).
    fix : str, optional
        How to put it right (``"allowed: [-90, 90] deg"``).
    rows : iterable of int, optional
        The rows of a batch call the mistake is about, so a caller can name them in its own terms
        (a line of a targets CSV, a ``[[threats]]`` entry).

    Examples
    --------
    >>> str(ThaadsimError("--runs", "0 is out of range", "allowed: [1, 10,000,000]"))
    '--runs: 0 is out of range (allowed: [1, 10,000,000])'
    """

    def __init__(self, field: str, problem: str, fix: str | None = None, *, rows: Iterable[int] = ()) -> None:
        self.field = field
        self.problem = problem
        self.fix = fix
        # which rows of a batch call the mistake is about, so a caller can name them in its own
        # terms (a line of a targets CSV, a [[threats]] entry) instead of parsing the message
        self.rows = tuple(int(r) for r in rows)
        msg = f"{field}: {problem}"
        if fix:
            msg += f" ({fix})"
        super().__init__(msg)


def require_finite(field: str, value: Any) -> float:
    """Return ``value`` as a float, or raise a ThaadsimError if it is not a finite number.

    Parameters
    ----------
    field : str
        The field the error names (e.g. ``"radars.0.lat_deg"``).
    value : Any
        What the user gave.

    Returns
    -------
    float

    Raises
    ------
    ThaadsimError
        For a value that is not a number, or is NaN or infinite.
    """
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ThaadsimError(field, f"{value!r} is not a number", "give a finite number") from None
    if not math.isfinite(x):
        raise ThaadsimError(field, f"{value!r} is not finite", "give a finite number")
    return x


def require_range(field: str, value: Any, lo: float | None = None, hi: float | None = None,
                  unit: str = "") -> float:
    """A finite float within [lo, hi], else a ThaadsimError naming the valid interval.

    Parameters
    ----------
    field : str
        The field the error names.
    value : Any
        What the user gave.
    lo, hi : float or None
        Inclusive bounds; ``None`` leaves that side open.
    unit : str
        Appended to numbers in the message (e.g. ``" km"``).

    Returns
    -------
    float

    Raises
    ------
    ThaadsimError
        For a value that is not finite or lies outside [lo, hi].

    Examples
    --------
    >>> from thaadsim.errors import require_range
    >>> require_range("pk", "0.9", 0.0, 1.0)
    0.9
    """
    x = require_finite(field, value)
    if (lo is not None and x < lo) or (hi is not None and x > hi):
        lo_s = "-inf" if lo is None else f"{lo:g}"
        hi_s = "inf" if hi is None else f"{hi:g}"
        raise ThaadsimError(field, f"{x:g}{unit} is out of range", f"must be within [{lo_s}, {hi_s}]{unit}")
    return x


def require_positive(field: str, value: Any, unit: str = "") -> float:
    """A finite float > 0, else a ThaadsimError naming ``field``.

    Parameters
    ----------
    field : str
        The field the error names.
    value : Any
        What the user gave.
    unit : str
        Appended to the number in the message.

    Returns
    -------
    float

    Raises
    ------
    ThaadsimError
        For a value that is not finite or not positive.
    """
    x = require_finite(field, value)
    if x <= 0:
        raise ThaadsimError(field, f"{x:g}{unit} must be positive", "give a value > 0")
    return x
