"""Compact HTML for notebooks: the ``_repr_html_`` of thaadsim's result objects.

Jupyter calls ``obj._repr_html_()`` to show an object; each result returns a small table of its key
figures (label, value, unit), optionally a second table of rows, built here so they all look alike.
Plain HTML and inline styles only: no JavaScript, no external stylesheet, so it renders the same in
JupyterLab, VS Code, a static nbconvert page or GitHub's notebook viewer.
"""

from __future__ import annotations

import html
import math
from typing import Iterable, Sequence

_TABLE = 'style="border-collapse:collapse;font-size:90%;margin:0.2em 0"'
_CELL = 'style="padding:0.15em 0.6em;text-align:{align};border-bottom:1px solid #ddd"'


def fmt(value, digits: int = 4) -> str:
    """A number as a reader wants it: thousands separators, ``digits`` significant figures, '-' for NaN/None."""
    if value is None:
        return "-"
    if isinstance(value, (bool,)):
        return "yes" if value else "no"
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(x):
        return "-"
    if x == int(x) and abs(x) < 1e15:
        return f"{int(x):,}"
    if 1e-3 <= abs(x) < 1e15:
        return f"{x:,.{max(0, digits - 1 - int(math.floor(math.log10(abs(x)))))}f}"
    return f"{x:.{digits - 1}e}"


def _cell(text: str, align: str = "left", header: bool = False) -> str:
    tag = "th" if header else "td"
    return f"<{tag} {_CELL.format(align=align)}>{html.escape(str(text))}</{tag}>"


def figures_table(rows: Iterable[tuple]) -> str:
    """A table of (label, value, unit[, note]) rows; values right-aligned and formatted with :func:`fmt`."""
    body = []
    for r in rows:
        label, value, unit = r[0], r[1], r[2]
        note = r[3] if len(r) > 3 else ""
        cells = (_cell(label) + _cell(fmt(value) if not isinstance(value, str) else value, "right") + _cell(unit)
                 + (_cell(note) if note else ""))
        body.append(f"<tr>{cells}</tr>")
    return f"<table {_TABLE}>{''.join(body)}</table>"


def rows_table(columns: Sequence[str], rows: Iterable[Sequence], limit: int = 12, total: int | None = None) -> str:
    """A table with a header row; at most ``limit`` rows, then a line saying how many were left out."""
    head = "".join(_cell(c, header=True) for c in columns)
    body, n = [], 0
    for r in rows:
        if n < limit:
            body.append("<tr>" + "".join(_cell(fmt(v) if not isinstance(v, str) else v,
                                               "left" if isinstance(v, str) else "right") for v in r) + "</tr>")
        n += 1
    total = n if total is None else total
    more = (f'<div style="font-size:85%;color:#555">… and {total - limit:,} more rows</div>'
            if total > limit else "")
    return f"<table {_TABLE}><tr>{head}</tr>{''.join(body)}</table>{more}"


def block(title: str, *parts: str, lines: Sequence[str] = ()) -> str:
    """A titled block: a bold title, optional lines of text, then the given HTML parts."""
    text = "".join(f'<div style="margin:0.1em 0">{html.escape(line)}</div>' for line in lines)
    return (f'<div class="thaadsim-repr"><div style="font-weight:bold;margin-bottom:0.2em">{html.escape(title)}'
            f"</div>{text}{''.join(parts)}</div>")


def frame_block(title: str, frame, columns: Sequence[str] | None = None, limit: int = 12,
                lines: Sequence[str] = ()) -> str:
    """A titled table of a DataFrame's ``columns`` (all by default), its first ``limit`` rows."""
    cols = [c for c in (columns or list(frame.columns)) if c in frame.columns]
    values = [frame[c].to_numpy() for c in cols]
    return block(title, rows_table(cols, zip(*values), limit=limit, total=len(frame)), lines=lines)
