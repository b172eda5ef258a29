"""Parsing helpers shared by the commands: coordinates and JSON printing."""

from __future__ import annotations

import json
import math

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
