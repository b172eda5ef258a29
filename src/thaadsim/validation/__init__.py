"""Every comparison of thaadsim against an independent reference, as data.

Each check is a module-level function in the module of its family (``kepler``, ``rotation``,
``atmosphere``, ``radar``, ``targeting``, ``interceptor``, ``montecarlo``, ``lofted_tests``,
``catalog``) that computes thaadsim's figure and the reference's, and returns one :class:`Row` or a
list of them. ``thaadsim validate`` runs them all and prints the table; the test files named after
each authority (``tests/test_flight_against_kepler.py`` ...) call the *same* functions, parametrised
over the family's checks, so a regression fails both.

Adding a row is adding one function::

    @check("lofted-tests")
    def hwasong15_2017_infer() -> Row:
        value = ...                                  # thaadsim's figure
        return Row.within("Hwasong-15 2017 range", "lofted-tests", "UCS 2017 [ref:ucs-hwasong15-2017]",
                          value=value, reference=13000.0, rel=0.3, unit="km")

Nothing else is needed: ``thaadsim validate`` prints the new rows, and
``tests/test_new_validation_rows_against_their_references.py`` runs every check that no test file
named after its authority runs yet (move it into that file's ``params(...)`` when there is one).

A check may be registered for several parameter sets (``cases={"label": {...}}``); a check marked
``quick=False`` is left out of ``thaadsim validate --quick``; ``known_limits`` marks a case that is
expected to fail for a documented reason (listed, not counted as a failure).
"""

from __future__ import annotations

import contextlib
import importlib
import math
import os
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Iterator

FAMILIES = ("kepler", "rotation", "atmosphere", "radar", "targeting", "interceptor", "montecarlo",
            "lofted-tests", "catalog")
# family -> module holding its checks (a module name cannot carry the hyphen)
_MODULES = {f: "thaadsim.validation." + f.replace("-", "_") for f in FAMILIES}


@dataclass(frozen=True)
class Row:
    """One comparison: thaadsim's ``value`` against an independent ``reference``.

    The row passes when ``lower <= value <= upper`` (a NaN value fails). :meth:`within` builds
    symmetric bounds, ``|value - reference| <= max(abs, rel * |reference|)`` (``pytest.approx``'s
    rule); :meth:`between` an explicit band. ``tolerance`` is the largest deviation from the
    reference the bounds allow, in ``unit``; ``tolerance_text`` says it as the test says it.

    Parameters
    ----------
    name : str
        What is compared, e.g. ``"Hwasong-15 2017 range"``.
    family : str
        One of :data:`FAMILIES`.
    source : str
        The independent reference, with its ``[ref:KEY]`` citation.
    value : float
        thaadsim's figure, in ``unit``.
    reference : float
        The reference's figure, in ``unit``.
    lower, upper : float
        The passing band for ``value``.
    tolerance : float
        The largest deviation from ``reference`` the band allows.
    tolerance_text : str
        The tolerance in words.
    unit : str
        Unit of ``value``, ``reference`` and the bounds.
    known_limit : str
        Why a documented limitation is expected to fail this row (then it does not count).

    Examples
    --------
    >>> from thaadsim.validation import Row
    >>> r = Row.within("1 + 1", "kepler", "arithmetic", value=2.001, reference=2.0, rel=0.01)
    >>> r.passed, r.tolerance_text
    (True, '±1 %')
    """

    name: str
    family: str
    source: str
    value: float
    reference: float
    lower: float
    upper: float
    tolerance: float
    tolerance_text: str
    unit: str = ""
    known_limit: str = ""       # why a documented limitation is expected to fail this row (then it does not count)

    @classmethod
    def within(cls, name: str, family: str, source: str, *, value: float, reference: float,
               abs: float = 0.0, rel: float = 0.0, unit: str = "", text: str | None = None) -> "Row":
        """A row passing when ``|value - reference| <= max(abs, rel * |reference|)``; ``text`` says the
        tolerance in words when its origin matters (e.g. "4 binomial standard errors").

        Parameters
        ----------
        name : str
            What is compared.
        family : str
            One of :data:`FAMILIES`.
        source : str
            The independent reference, with its ``[ref:KEY]`` citation.
        value : float
            thaadsim's figure.
        reference : float
            The reference's figure.
        abs : float
            Absolute tolerance, in ``unit``.
        rel : float
            Relative tolerance (fraction of ``|reference|``).
        unit : str
            Unit of the figures.
        text : str or None
            The tolerance in words; ``None``: from ``abs`` and ``rel``.

        Returns
        -------
        Row
            With ``lower, upper = reference -/+ max(abs, rel |reference|)``.
        """
        reference, value = float(reference), float(value)
        tol = max(float(abs), float(rel) * math.fabs(reference))
        parts = ([f"±{abs:.3g} {unit}".rstrip()] if abs else []) + ([f"±{rel * 100:.3g} %"] if rel else [])
        return cls(name, family, source, value, reference, reference - tol, reference + tol, tol,
                   text or " or ".join(parts) or "exact", unit)

    @classmethod
    def between(cls, name: str, family: str, source: str, *, value: float, reference: float,
                lower: float, upper: float, unit: str = "", text: str | None = None) -> "Row":
        """A row passing when ``lower <= value <= upper`` (a band that need not be centred on the reference).

        Parameters
        ----------
        name : str
            What is compared.
        family : str
            One of :data:`FAMILIES`.
        source : str
            The independent reference, with its ``[ref:KEY]`` citation.
        value : float
            thaadsim's figure.
        reference : float
            The reference's central figure.
        lower, upper : float
            The passing band.
        unit : str
            Unit of the figures.
        text : str or None
            The band in words; ``None``: ``"[lower, upper] unit"``.

        Returns
        -------
        Row
            With ``tolerance = max(reference - lower, upper - reference)``.
        """
        reference, value, lower, upper = float(reference), float(value), float(lower), float(upper)
        tol = max(reference - lower, upper - reference)
        return cls(name, family, source, value, reference, lower, upper, tol,
                   text or f"[{lower:.6g}, {upper:.6g}] {unit}".rstrip(), unit)

    @property
    def error(self) -> float:
        """value - reference, in ``unit``."""
        return self.value - self.reference

    @property
    def passed(self) -> bool:
        """Whether ``lower <= value <= upper`` (False for a NaN value)."""
        return bool(self.lower <= self.value <= self.upper)   # False for NaN

    @property
    def counts_as_failure(self) -> bool:
        """A failed row that is not a documented known limitation (what makes ``thaadsim validate`` exit 1)."""
        return not self.passed and not self.known_limit

    def explain(self) -> str:
        """One line for an assertion message: what was compared and by how much it missed."""
        return (f"{self.family}: {self.name}: thaadsim {self.value:.10g} vs reference {self.reference:.10g} "
                f"{self.unit} (error {self.error:.4g}; allowed {self.tolerance_text}) [{self.source}]")

    def as_dict(self) -> dict:
        """The JSON form: ``name, family, reference, value, tolerance, pass`` and the details."""
        def num(x):
            return x if math.isfinite(x) else None
        return {"name": self.name, "family": self.family, "reference": num(self.reference),
                "value": num(self.value), "tolerance": num(self.tolerance), "pass": self.passed,
                "unit": self.unit, "error": num(self.error), "lower": num(self.lower), "upper": num(self.upper),
                "tolerance_text": self.tolerance_text, "source": self.source,
                "known_limit": self.known_limit or None}


@dataclass(frozen=True)
class Check:
    """A registered check: ``func(**kwargs)`` returns a Row or a list of Rows.

    Parameters
    ----------
    family : str
        One of :data:`FAMILIES`.
    name : str
        The function's name, with ``[label]`` for one case of several.
    func : callable
        The module-level check function.
    kwargs : dict
        Keyword arguments of this case.
    quick : bool
        Whether ``thaadsim validate --quick`` runs it.
    known_limit : str
        Why this case is expected to fail (a documented limitation), or empty.
    """

    family: str
    name: str
    func: Callable
    kwargs: dict = field(default_factory=dict)
    quick: bool = True
    known_limit: str = ""

    @property
    def id(self) -> str:
        """``family:name``, unique across the registry."""
        return f"{self.family}:{self.name}"

    def run(self) -> list[Row]:
        """Call the check and return its rows, marked with ``known_limit`` if it has one.

        Returns
        -------
        list of Row

        Raises
        ------
        TypeError
            When the check returns something other than a Row or a non-empty list of Rows.
        """
        out = self.func(**self.kwargs)
        rows = [out] if isinstance(out, Row) else list(out)
        if not rows or not all(isinstance(r, Row) for r in rows):
            raise TypeError(f"check {self.id} returned {out!r}, not Rows")
        if self.known_limit:
            rows = [replace(r, known_limit=self.known_limit) for r in rows]
        return rows

    def __str__(self) -> str:          # pytest ids
        return self.name


_REGISTRY: dict[str, list[Check]] = {f: [] for f in FAMILIES}


def check(family: str, *, quick: bool = True, cases: dict[str, dict] | None = None,
          known_limits: dict[str, str] | None = None) -> Callable[[Callable], Callable]:
    """Register the decorated function as a check of ``family``.

    Parameters
    ----------
    family : str
        One of :data:`FAMILIES`.
    quick : bool
        False for a slow check that ``thaadsim validate --quick`` leaves out.
    cases : dict, optional
        label -> keyword arguments: the function is registered once per case, named ``func[label]``.
    known_limits : dict, optional
        label -> the documented reason that case is expected to fail. The tests mark it a strict
        xfail, so the day it passes is noticed; ``thaadsim validate`` lists it as a known limit and
        does not exit 1 for it.

    Returns
    -------
    callable
        A decorator that registers the function and returns it unchanged (still callable directly).
    """
    if family not in FAMILIES:
        raise ValueError(f"unknown validation family {family!r}; valid: {', '.join(FAMILIES)}")

    def register(func):
        items = cases.items() if cases else [(None, {})]
        for label, kwargs in items:
            name = func.__name__ if label is None else f"{func.__name__}[{label}]"
            limit = (known_limits or {}).get(label, "")
            _REGISTRY[family].append(Check(family, name, func, dict(kwargs), quick, limit))
        return func
    return register


def checks(family: str | None = None, *, quick: bool = False) -> list[Check]:
    """The registered checks, in registration order.

    Parameters
    ----------
    family : str, optional
        One of :data:`FAMILIES`; all of them if None.
    quick : bool
        Keep only the checks registered as quick.

    Returns
    -------
    list of Check
    """
    fams = FAMILIES if family is None else (family,)
    out = []
    for f in fams:
        if f not in FAMILIES:
            raise ValueError(f"unknown validation family {f!r}")
        importlib.import_module(_MODULES[f])
        out += [c for c in _REGISTRY[f] if c.quick or not quick]
    return out


def checks_for(*funcs: Callable) -> list[Check]:
    """The registered checks made from these functions (every case of each), in registration order.

    The test files parametrise over these, so a test and ``thaadsim validate`` run the same code.

    Parameters
    ----------
    *funcs : callable
        Check functions decorated with :func:`check` (their modules imported).

    Returns
    -------
    list of Check

    Raises
    ------
    ValueError
        For a function that is not a registered check.
    """
    for f in funcs:
        if not any(c.func is f for fam in FAMILIES for c in _REGISTRY[fam]):
            raise ValueError(f"{getattr(f, '__qualname__', f)!r} is not a registered validation check")
    return [c for fam in FAMILIES for c in _REGISTRY[fam] if c.func in funcs]


def run_checks(selected: Iterable[Check], on_row: Callable[[Row], None] | None = None) -> list[Row]:
    """Run checks in order and collect their rows.

    Parameters
    ----------
    selected : iterable of Check
        The checks to run, e.g. :func:`checks` ``(quick=True)``.
    on_row : callable, optional
        Called with each row as it is made (a progress display).

    Returns
    -------
    list of Row
        A check that raises becomes one failing row whose ``source`` names the exception, so one
        broken comparison is reported in the table instead of hiding the others.
    """
    rows: list[Row] = []
    for c in selected:
        try:
            got = c.run()
        except Exception as exc:                 # a broken check is a failed comparison, reported, not a crash
            got = [Row(c.name, c.family, f"raised {type(exc).__name__}: {exc}", math.nan, math.nan,
                       math.nan, math.nan, math.nan, "check raised", "", c.known_limit)]
        for r in got:
            rows.append(r)
            if on_row:
                on_row(r)
    return rows


@contextlib.contextmanager
def disk_cache_dir(value: str) -> Iterator[None]:
    """Run with ``THAADSIM_CACHE_DIR`` set to ``value`` ("off": no disk cache), restored afterwards.

    A check that builds tables of rockets only it flies (fitted lofted-test rockets) should not leave
    them in the user's cache; a check of calibrations must not read tables an earlier engine cached.

    Parameters
    ----------
    value : str
        The cache directory for the duration of the ``with`` block, or ``"off"``.

    Yields
    ------
    None
    """
    old = os.environ.get("THAADSIM_CACHE_DIR")
    os.environ["THAADSIM_CACHE_DIR"] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("THAADSIM_CACHE_DIR", None)
        else:
            os.environ["THAADSIM_CACHE_DIR"] = old


__all__ = ["FAMILIES", "Row", "Check", "check", "checks", "checks_for", "run_checks", "disk_cache_dir"]
