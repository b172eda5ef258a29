"""Parsing helpers shared by the commands: coordinates and JSON printing."""

from __future__ import annotations

import json
import math

import click
import numpy as np

from thaadsim.errors import ThaadsimError


def parse_latlon(option: str, text: str, allow_height: bool = False) -> tuple[float, ...]:
    """Parse ``LAT,LON`` (or ``LAT,LON,HEIGHT_M``) in decimal degrees, with a clear error naming the option."""
    parts = [p.strip() for p in str(text).split(",")]
    want = "LAT,LON[,HEIGHT_M]" if allow_height else "LAT,LON"
    if len(parts) not in ((2, 3) if allow_height else (2,)):
        raise ThaadsimError(option, f"{text!r} is not {want}", f"write e.g. {option} 39.0,125.7")
    try:
        vals = tuple(float(p) for p in parts)
    except ValueError:
        raise ThaadsimError(option, f"{text!r} is not {want} in decimal degrees", f"write e.g. {option} 39.0,125.7") from None
    if not all(math.isfinite(v) for v in vals):
        raise ThaadsimError(option, f"{text!r} has a non-finite number", "give finite decimal degrees")
    if abs(vals[0]) > 90:
        raise ThaadsimError(option, f"latitude {vals[0]:g} is outside [-90, 90]", "latitude comes first: LAT,LON")
    if abs(vals[1]) > 360:
        raise ThaadsimError(option, f"longitude {vals[1]:g} is outside [-360, 360]", "give decimal degrees")
    if len(vals) == 3 and not -500.0 <= vals[2] <= 9000.0:
        raise ThaadsimError(option, f"height {vals[2]:g} m is outside [-500, 9000] m", "the third number is metres above sea level")
    return vals


def to_jsonable(value):
    """Plain Python numbers for JSON: numpy scalars become floats/ints, NaN becomes null."""
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return None if not math.isfinite(v) else v
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist())
    return value


def dumps(obj) -> str:
    return json.dumps(to_jsonable(obj), sort_keys=False)


def as_options(exc: ThaadsimError, options: dict[str, str], problem: str | None = None) -> ThaadsimError:
    """The library's error with its field renamed to the option the user typed (``apogee_km`` ->
    ``--apogee-km``); fields not in ``options`` are kept."""
    return ThaadsimError(options.get(exc.field, exc.field), exc.problem if problem is None else problem, exc.fix,
                         rows=exc.rows)


class Bounded(click.ParamType):
    """A click number type with bounds, checked while the command line is parsed (before any work).

    ``Bounded(0, 1e4, " km", lo_open=True)`` accepts finite numbers in (0, 10,000] km; anything else
    (NaN, inf, text, a number outside) fails with one line naming the option and the allowed range,
    e.g. ``error: --apogee-km: 1e+09 km is out of range (allowed: (0, 10,000] km)``.
    ``integer=True`` accepts whole numbers only (``--runs 2.5`` is refused, not truncated).
    """

    def __init__(self, lo, hi, unit: str = "", *, lo_open: bool = False, hi_open: bool = False,
                 integer: bool = False):
        self.lo, self.hi, self.unit = lo, hi, unit
        self.lo_open, self.hi_open, self.integer = lo_open, hi_open, integer
        self.name = "integer" if integer else "number"

    def allowed(self) -> str:
        def fmt(v):
            return f"{v:,}" if isinstance(v, int) else f"{v:,g}"
        return (f"{'(' if self.lo_open else '['}{fmt(self.lo)}, {fmt(self.hi)}{')' if self.hi_open else ']'}"
                f"{self.unit}")

    def convert(self, value, param, ctx):
        # a ThaadsimError, not click's BadParameter: the same one-line form as every other user
        # error ("error: --runs: ... (allowed: [1, 10,000,000])"), and main() turns it into exit 2
        option = max(param.opts, key=len) if param is not None and param.opts else "value"
        allowed = f"allowed: {self.allowed()}"
        if isinstance(value, bool):
            raise ThaadsimError(option, f"{value!r} is not a number", allowed)
        try:
            x = int(value) if self.integer else float(value)
        except (TypeError, ValueError, OverflowError):
            raise ThaadsimError(option, f"{value!r} is not {'a whole number' if self.integer else 'a number'}",
                                allowed) from None
        if not self.integer and not math.isfinite(x):
            raise ThaadsimError(option, f"{value!r} is not a finite number", allowed)
        below = x <= self.lo if self.lo_open else x < self.lo
        above = x >= self.hi if self.hi_open else x > self.hi
        if below or above:
            shown = f"{x:,}" if self.integer else f"{x:g}"
            raise ThaadsimError(option, f"{shown}{self.unit} is out of range", allowed)
        return x


# ---- the bounds shared by several commands (each with the reason it is where it is) ------------
#: a compass azimuth: [0, 360) deg; outside it is refused, not wrapped (1e9 wrapped to 280 deg)
AZIMUTH_DEG = Bounded(0.0, 360.0, " deg", hi_open=True)
#: a probability
PROBABILITY = Bounded(0.0, 1.0)
#: a requested apogee: (0, 10,000] km, above every lofted test reported (the scenario file's bound)
APOGEE_KM = Bounded(0.0, 10_000.0, " km", lo_open=True)
#: a site's height: the Dead Sea shore (-430 m) to above the highest mountains
SITE_HEIGHT_M = Bounded(-500.0, 9000.0, " m")
#: local worker processes: more than 64 on one machine only adds memory (the Dask scheduler scales further)
WORKERS = Bounded(1, 64, integer=True)
#: Monte Carlo runs: the scenario file's [montecarlo].runs bound (SE of a probability < 0.0002 at 1e7)
RUNS = Bounded(1, 10_000_000, integer=True)
#: a seed: numpy's SeedSequence takes ints >= 0; TOML's (and the file's) are signed 64-bit
SEED = Bounded(0, 2 ** 63 - 1, integer=True)
#: a radar cross-section: (0, 10,000] m², the scenario file's bound (a large ship is ~1e4 m²)
RCS_M2 = Bounded(0.0, 1e4, " m²", lo_open=True)
