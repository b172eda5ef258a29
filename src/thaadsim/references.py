"""The project's bibliography: ``thaadsim/data/references.toml``, and the ``[ref:KEY]`` citations that point into it.

Every published figure in the catalog, the examples and the docstrings names its publication by key, inside the
text that states the figure::

    source = "OFFICIAL: ROK MND, 'does not exceed 200 km' [ref:uscc-2016, chinadaily-thaad-2016]"

A citation is ``[ref:KEY]``, or ``[ref:KEY1, KEY2]`` for several. Keys are lower case,
author-or-publisher, subject, year (``ucs-hwasong15-2017``, ``lewis-postol-2012``). Each entry of the bibliography
gives authors, title, venue, year, url, what this project takes from it (``supports``) and how far to trust it
(``reliability``: OFFICIAL, DPRK, TRACKED, ANALYST, MEDIA or TEXTBOOK; see the file's header).

``thaadsim catalog show ID`` prints the entries an item cites, ``thaadsim catalog refs`` all of them, and
``docs/references.md`` is this module's Markdown rendering (``thaadsim catalog refs --markdown``).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from thaadsim.errors import ThaadsimError

if TYPE_CHECKING:   # annotations only
    from collections.abc import Iterable

#: ``[ref:KEY]`` or ``[ref:KEY1, KEY2]``; group 1 is the comma-separated key list (the pattern is split in two
#: so that this source line is not itself read as a citation by tests/test_references_resolve.py)
CITATION = re.compile(r"\[ref" r":\s*([^\]]*)\]")
KEY = re.compile(r"^[a-z0-9][a-z0-9-]*[a-z0-9]$")
PLACEHOLDER = re.compile(r"^KEY\d*$")
FIELDS = ("key", "authors", "title", "venue", "year", "url", "supports", "reliability")
OPTIONAL_FIELDS = ("date", "note")


@dataclass(frozen=True)
class Reference:
    """One bibliography entry (see ``thaadsim/data/references.toml`` for what each field means)."""

    key: str
    authors: str
    title: str
    venue: str
    year: int | str
    url: str
    supports: str
    reliability: str
    date: str = ""
    note: str = ""

    def citation(self) -> str:
        """One line: authors, title, venue, date or year, url."""
        when = self.date or str(self.year)
        parts = [f"{self.authors}", f"\"{self.title}\"", self.venue, when]
        return ", ".join(p for p in parts if p) + (f". {self.url}" if self.url else ".")

    def as_dict(self) -> dict:
        """The entry's non-empty fields, as in ``references.toml`` (what ``--json`` outputs print)."""
        return {f: getattr(self, f) for f in FIELDS + OPTIONAL_FIELDS if getattr(self, f) != ""}


def references_text() -> str:
    """The bibliography file's text, as shipped in the package."""
    return (resources.files("thaadsim") / "data" / "references.toml").read_text("utf-8")


@lru_cache(maxsize=None)
def bibliography() -> dict[str, Reference]:
    """Every entry by key, in file order; a malformed entry is a :class:`ThaadsimError` naming it."""
    entries = tomllib.loads(references_text()).get("reference", [])
    out: dict[str, Reference] = {}
    for i, entry in enumerate(entries):
        where = f"references.toml: reference.{i}"
        missing = [f for f in FIELDS if f not in entry]
        unknown = sorted(set(entry) - set(FIELDS) - set(OPTIONAL_FIELDS))
        if missing or unknown:
            raise ThaadsimError(where, f"missing {missing}" if missing else f"unknown key {unknown[0]!r}",
                                f"each entry has {list(FIELDS)} and may have {list(OPTIONAL_FIELDS)}")
        key = entry["key"]
        if not KEY.match(key) or key in out:
            raise ThaadsimError(where, f"key {key!r} is malformed or repeated",
                                "use a unique lower-case key such as 'ucs-hwasong15-2017'")
        out[key] = Reference(**entry)
    return out


def cited_keys(text: str) -> list[str]:
    """The keys cited in ``text`` by ``[ref:KEY]``, in order of first appearance, without repeats.

    Parameters
    ----------
    text : str
        Any text: a catalog ``source`` string, a docstring, a page.

    Returns
    -------
    list of str
        The keys (``[ref:KEY1, KEY2]`` cites two; the placeholders ``KEY``, ``KEY1`` ... are skipped).
    """
    keys: list[str] = []
    for group in CITATION.findall(text):
        for key in (k.strip() for k in group.split(",")):
            if PLACEHOLDER.match(key):   # "[ref:KEY]" in documentation of the convention itself
                continue
            if key not in keys:
                keys.append(key)
    return keys


def strings_in(obj: Any) -> list[str]:
    """Every string inside a nested structure of dicts and lists (a parsed TOML file, a catalog entry).

    Parameters
    ----------
    obj : Any
        A string, or dicts, lists and tuples nesting them (other values are skipped).

    Returns
    -------
    list of str
    """
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for v in obj.values() for s in strings_in(v)]
    if isinstance(obj, (list, tuple)):
        return [s for v in obj for s in strings_in(v)]
    return []


def resolve(keys: Iterable[str]) -> list[Reference]:
    """The entries for ``keys``; an unknown key is a :class:`ThaadsimError` naming it.

    Parameters
    ----------
    keys : iterable of str
        Bibliography keys.

    Returns
    -------
    list of Reference

    Raises
    ------
    ThaadsimError
        For a key that ``data/references.toml`` does not hold.
    """
    bib = bibliography()
    unknown = [k for k in keys if k not in bib]
    if unknown:
        raise ThaadsimError("ref", f"unknown reference key {unknown[0]!r}",
                            "use a key of thaadsim/data/references.toml (`thaadsim catalog refs`)")
    return [bib[k] for k in keys]


def references_for(obj: Any) -> list[Reference]:
    """The entries cited anywhere inside ``obj`` (a string or a nested dict/list), in order of citation.

    Parameters
    ----------
    obj : Any
        A string or a nested structure of dicts and lists.

    Returns
    -------
    list of Reference

    Raises
    ------
    ThaadsimError
        For a citation of an unknown key.
    """
    keys: list[str] = []
    for s in strings_in(obj):
        keys += [k for k in cited_keys(s) if k not in keys]
    return resolve(keys)


def render_text(refs: Iterable[Reference]) -> str:
    """Plain-text rendering for the terminal: one block per entry.

    Parameters
    ----------
    refs : iterable of Reference
        The entries, in the order to print them.

    Returns
    -------
    str
    """
    blocks = []
    for r in refs:
        lines = [f"[{r.key}] {r.citation()}", f"    supports: {r.supports}", f"    reliability: {r.reliability}"]
        if r.note:
            lines.append(f"    note: {r.note}")
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


def render_markdown(refs: Iterable[Reference] | None = None) -> str:
    """The whole bibliography (or ``refs``) as Markdown; ``docs/references.md`` is this output.

    Parameters
    ----------
    refs : iterable of Reference or None
        The entries; ``None``: the whole bibliography. Sorted by key.

    Returns
    -------
    str
    """
    refs = list(bibliography().values()) if refs is None else list(refs)
    out = ["# References", "",
           "thaadsim's bibliography, generated from `src/thaadsim/data/references.toml` by",
           "`thaadsim catalog refs --markdown > docs/references.md`. Catalog entries, examples and code cite these",
           "by key as `[ref:KEY]`; `thaadsim catalog show ID` prints the entries an item cites. Reliability:",
           "OFFICIAL (a government or manufacturer, as quoted), DPRK (published by North Korea), TRACKED",
           "(ROK/Japanese/US tracking as reported), ANALYST (independent estimate), MEDIA (secondary, no primary",
           "source given), TEXTBOOK (reference work or standard). Titles in [brackets] describe an item whose own",
           "headline was not recorded.", ""]
    for r in sorted(refs, key=lambda r: r.key):
        out.append(f"- <a id=\"{r.key}\"></a>**{r.key}**: {r.citation()}  ")
        out.append(f"  *Supports:* {r.supports}  ")
        out.append(f"  *Reliability:* {r.reliability}" + ("  " if r.note else ""))
        if r.note:
            out.append(f"  *Note:* {r.note}")
    return "\n".join(out) + "\n"
