"""What a sweep varies: ``--vary FIELD=VALUES`` parsed, checked against the scenario schema, laid out.

A FIELD is a dotted path into the scenario file, spelled as the scenario's own error messages
spell it (``batteries.0.lat_deg``, ``radars.0.face_az_deg``, ``radars.0.radar``, ``batteries.0.pk``,
``threats.2.rv_rcs_m2``, ``radars.0.average_power_kw``, ``doctrine.mode``, ``assets.0.lat_deg``).
VALUES are ``a,b,c`` or ``start:stop:count`` (``numpy.linspace``, both ends included).

Several ``--vary`` give their outer product, one dimension each. Fields that must move together
(a position, an aimpoint) are zipped into ONE dimension by naming them together::

    --vary batteries.0.lat_deg,batteries.0.lon_deg=36.0,128.2;35.5,128.6    # two positions
    --vary threats.0.aim_lat_deg,threats.0.aim_lon_deg=35:36:5;128:129:5   # 5 points on a line

(``v1,v2;v1,v2;...``: one case per ``;``; or one ``start:stop:count`` per field). An aimpoint grid is two ordinary
``--vary`` of the aim latitude and longitude: their outer product.

Every value is checked by the scenario's own pydantic schema (:func:`thaadsim.io.scenario.scenario_from_dict`)
before any work starts, so a bad value gives the same one-line message as a bad file.
"""

from __future__ import annotations

import copy
import json
import math
from dataclasses import dataclass, field

import numpy as np

from thaadsim.errors import ThaadsimError

#: most values one ``--vary`` may have, and most cases a sweep may have (a 1e6-trajectory sweep of a
#: 7-threat raid is ~1.4e5 cases; the cap keeps a typo like 0:1:1e9 from allocating gigabytes)
MAX_VALUES = 100_000
MAX_CASES = 10_000_000

#: the top-level sections a sweep may vary (``analysis`` shapes the report, not the answers;
#: ``scenario.name``/``description`` are words)
SECTIONS = ("scenario", "flight", "radars", "batteries", "assets", "launch_areas", "threats", "doctrine",
            "montecarlo")

#: sections whose numbers change what is flown; a vary of any other field reuses the same flights
FLIGHT_SECTIONS = ("flight", "threats", "launch_areas", "assets")
#: ... except these keys, which change when a missile launches or what it looks like, not its path
NOT_FLIGHT_KEYS = ("value", "launch_time_s", "launch_interval_s", "rv_rcs_m2", "booster_rcs_m2")


@dataclass(frozen=True)
class Dim:
    """One dimension of a sweep: one field, or several zipped fields, and their values.

    ``values`` holds one tuple per position along the dimension (one entry per field).
    """

    fields: tuple[str, ...]
    values: tuple[tuple, ...]

    @property
    def name(self) -> str:
        return ",".join(self.fields)

    @property
    def size(self) -> int:
        return len(self.values)

    @property
    def changes_flights(self) -> bool:
        return any(changes_flights(f) for f in self.fields)

    def column(self, k: int) -> list:
        """The values of field ``k`` along this dimension."""
        return [v[k] for v in self.values]


@dataclass(frozen=True)
class SweepSpec:
    """The dimensions of a sweep, in the order given (the first varies slowest in case numbers)."""

    dims: tuple[Dim, ...] = field(default_factory=tuple)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(d.size for d in self.dims)

    @property
    def n_cases(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64)) if self.dims else 1

    def overrides(self, case: int) -> dict:
        """``{field path: value}`` of case number ``case`` (C order over :attr:`shape`)."""
        idx = np.unravel_index(case, self.shape) if self.dims else ()
        out = {}
        for d, k in zip(self.dims, idx):
            out.update(zip(d.fields, d.values[int(k)]))
        return out

    def canonical(self) -> list:
        """A JSON-able form that identifies the sweep (the manifest compares it on resume)."""
        return [{"fields": list(d.fields), "values": [list(v) for v in d.values]} for d in self.dims]

    def text(self) -> str:
        return json.dumps(self.canonical(), separators=(",", ":"))


def changes_flights(path: str) -> bool:
    """Whether a field changes the trajectories (so cases differing in it need their own flights)."""
    parts = path.split(".")
    return parts[0] in FLIGHT_SECTIONS and parts[-1] not in NOT_FLIGHT_KEYS


def _token(text: str, where: str):
    """One value: a number if it reads as one (int when whole and written without a point),
    ``true``/``false``, else the text itself (a radar id, a doctrine mode)."""
    t = text.strip()
    if not t:
        raise ThaadsimError(where, "has an empty value", "write values as a,b,c or start:stop:count")
    low = t.lower()
    if low in ("true", "false"):
        return low == "true"
    try:
        return int(t)
    except ValueError:
        pass
    try:
        x = float(t)
    except ValueError:
        return t
    if not math.isfinite(x):
        raise ThaadsimError(where, f"{t!r} is not a finite number", "give finite numbers")
    return x


def parse_values(text: str, where: str) -> list:
    """``a,b,c`` or ``start:stop:count`` (linspace, ends included) into a list of values."""
    text = text.strip()
    if not text:
        raise ThaadsimError(where, "has no values", "write values as a,b,c or start:stop:count, e.g. 0.5:0.9:5")
    if ":" in text and "," not in text:
        parts = text.split(":")
        if len(parts) != 3:
            raise ThaadsimError(where, f"{text!r} is not start:stop:count", "e.g. 0.5:0.9:5 (5 values)")
        a, b, n = (_token(p, where) for p in parts)
        if not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (a, b)):
            raise ThaadsimError(where, f"{text!r}: start and stop must be numbers", "e.g. 0.5:0.9:5")
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_VALUES:
            raise ThaadsimError(where, f"{text!r}: count must be a whole number from 1 to {MAX_VALUES}",
                                "e.g. 0.5:0.9:5")
        return [float(x) for x in np.linspace(float(a), float(b), n)]
    vals = [_token(p, where) for p in text.split(",")]
    if len(vals) > MAX_VALUES:
        raise ThaadsimError(where, f"has {len(vals)} values", f"at most {MAX_VALUES} per --vary")
    if len(set(map(repr, vals))) != len(vals):
        raise ThaadsimError(where, f"{text!r} repeats a value", "give each value once (a dimension's labels must differ)")
    return vals


def parse_vary(items) -> SweepSpec:
    """``["FIELD=VALUES", "F1,F2=VALUES", ...]`` into a :class:`SweepSpec` (no schema checks yet)."""
    dims = []
    seen: set = set()
    for item in items:
        if "=" not in item:
            raise ThaadsimError("--vary", f"{item!r} has no '='", "write FIELD=VALUES, e.g. batteries.0.pk=0.5:0.9:5")
        lhs, rhs = item.split("=", 1)
        fields = tuple(f.strip() for f in lhs.split(","))
        where = f"--vary {lhs.strip()}"
        for f in fields:
            if not f:
                raise ThaadsimError("--vary", f"{item!r} has an empty field name",
                                    "write FIELD=VALUES, e.g. batteries.0.pk=0.5:0.9:5")
            if f in seen:
                raise ThaadsimError(f"--vary {f}", "is varied twice", "give each field in one --vary only")
            seen.add(f)
        if len(fields) == 1:
            values = tuple((v,) for v in parse_values(rhs, where))
        else:
            values = _zip_values(rhs, fields, where)
        dims.append(Dim(fields, values))
    spec = SweepSpec(tuple(dims))
    if spec.n_cases > MAX_CASES:
        raise ThaadsimError("--vary", f"{spec.n_cases:,} cases ({' x '.join(map(str, spec.shape))})",
                            f"at most {MAX_CASES:,}; vary fewer values or split the sweep")
    return spec


def _zip_values(rhs: str, fields: tuple, where: str) -> tuple:
    parts = rhs.split(";")
    if len(parts) == len(fields) and all(":" in p and "," not in p for p in parts):
        # one start:stop:count per field: points along a line
        cols = [parse_values(p, f"--vary {f}") for p, f in zip(parts, fields)]
        if len({len(c) for c in cols}) != 1:
            raise ThaadsimError(where, f"zipped fields have {', '.join(str(len(c)) for c in cols)} values",
                                "give every zipped field the same count (they move together)")
        rows = list(zip(*cols))
    else:
        rows = []
        for p in parts:
            vals = [_token(x, where) for x in p.split(",")]
            if len(vals) != len(fields):
                raise ThaadsimError(where, f"{p.strip()!r} gives {len(vals)} values for {len(fields)} fields",
                                    f"write one 'v1,v2' per case separated by ';' (e.g. 36.0,128.2;35.5,128.6), "
                                    f"or one start:stop:count per field (e.g. 35:36:5;128:129:5)")
            rows.append(tuple(vals))
    if len(set(map(repr, rows))) != len(rows):
        raise ThaadsimError(where, "repeats a case", "give each combination once")
    return tuple(rows)


def _check_path(data: dict, path: str, origin: str) -> None:
    """The path must lead through the file's sections and list entries to one key."""
    parts = path.split(".")
    if parts[0] not in SECTIONS:
        raise ThaadsimError(f"--vary {path}", f"{parts[0]!r} is not a section a sweep can vary",
                            f"valid sections: {', '.join(SECTIONS)}")
    if parts[-1] in ("id", "name", "count"):
        # ids and names are what other entries refer to; count changes how many threats there are,
        # and the result's threat dimension must be the same for every case
        raise ThaadsimError(f"--vary {path}", f"{parts[-1]!r} cannot be varied",
                            "a sweep keeps the scenario's entries and threats; vary numbers, the radar "
                            "mode (radars.N.radar) or choices such as doctrine.mode")
    node = data
    for k, part in enumerate(parts[:-1]):
        here = ".".join(parts[:k + 1])
        if isinstance(node, list):
            if not part.isdigit():
                raise ThaadsimError(f"--vary {path}", f"{here}: {part!r} is not an entry number",
                                    f"give a number from 0 to {len(node) - 1}")
            i = int(part)
            if i >= len(node):
                raise ThaadsimError(f"--vary {path}", f"{here}: {origin} has {len(node)} "
                                    f"[[{parts[0]}]] entr{'y' if len(node) == 1 else 'ies'}",
                                    f"give a number from 0 to {len(node) - 1}" if node else f"add a [[{parts[0]}]] entry")
            node = node[i]
        elif isinstance(node, dict):
            node = node.setdefault(part, {}) if part not in node else node[part]
        else:
            raise ThaadsimError(f"--vary {path}", f"{here} is a value, not a section", "check the field path")
    if isinstance(node, list):
        raise ThaadsimError(f"--vary {path}", f"{'.'.join(parts[:-1])} is a list", "add an entry number, e.g. batteries.0.pk")


def apply_overrides(data: dict, overrides: dict) -> dict:
    """A deep copy of the parsed TOML mapping with ``{path: value}`` set (paths already checked)."""
    out = copy.deepcopy(data)
    for path, value in overrides.items():
        parts = path.split(".")
        node = out
        for part in parts[:-1]:
            node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
        node[parts[-1]] = value
    return out


def validate(spec: SweepSpec, data: dict, origin: str, model) -> None:
    """Check every field path and every value against the scenario schema, before any work.

    Each value is checked in the scenario with only that dimension changed (the others at the
    file's values); the first and last cases are checked whole, which catches most combinations
    that are invalid together (e.g. a lofted shape without an apogee).
    """
    from thaadsim.io.scenario import scenario_from_dict

    for d in spec.dims:
        for f in d.fields:
            _check_path(copy.deepcopy(data), f, origin)
    for d in spec.dims:
        # radar and interceptor ids are resolved only where a value can name another one (a text
        # value in [[radars]] or [[batteries]]); numbers are bounded by the schema itself, and
        # loading the radar for each of 3,000 Pk values took seconds
        sites = any(f.split(".")[0] in ("radars", "batteries") for f in d.fields)
        for row in d.values:
            build = sites and any(isinstance(v, str) for v in row)
            _validated(scenario_from_dict, data, dict(zip(d.fields, row)), origin, model, build)
    for case in {0, spec.n_cases - 1}:
        _validated(scenario_from_dict, data, spec.overrides(case), origin, model, True)


def check_seed(scn) -> None:
    """The Monte Carlo seed in force (``[montecarlo].seed``, else ``[scenario].seed``) must be a
    whole number >= 0 (numpy's SeedSequence); the schema itself does not bound it."""
    mc = scn.montecarlo.seed
    where, seed = ("montecarlo.seed", mc) if mc is not None else ("scenario.seed", scn.scenario.seed)
    if seed < 0:
        raise ThaadsimError(f"{scn._origin}: {where}", f"{seed} must be a whole number >= 0", "e.g. 1")


def _validated(scenario_from_dict, data, overrides, origin, model, build: bool):
    try:
        scn = scenario_from_dict(apply_overrides(data, overrides), origin, model)
        check_seed(scn)
        if not build:
            return scn
        # what the schema holds as text (a radar id or file, an interceptor) is resolved here too,
        # so an unknown radar mode fails now, not in a worker minutes later
        for i, r in enumerate(scn.radars):
            try:
                r.build()
            except ThaadsimError as exc:
                raise scn.user_error(f"radars.{i}.radar", exc) from None
        scn.build_batteries()
        return scn
    except ThaadsimError as exc:
        given = ", ".join(f"{k}={v!r}" for k, v in overrides.items())
        raise ThaadsimError(f"--vary {exc.field.removeprefix(origin + ': ')}", f"{exc.problem} [with {given}]",
                            exc.fix) from None
