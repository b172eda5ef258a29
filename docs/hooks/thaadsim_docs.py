"""MkDocs hooks that build the generated parts of the thaadsim documentation site.

Everything here runs inside ``mkdocs build`` and reads the installed ``thaadsim`` package, so the site can never
drift from the code or the data:

* **catalog pages** (``catalog/index.md`` and one page per missile, radar and interceptor), rendered from the
  catalog TOML files themselves, each number beside its ``source``;
* **the bibliography** (``references.md``), re-rendered from ``data/references.toml`` with
  :func:`thaadsim.references.render_markdown` (the committed ``docs/references.md`` is the same text, and
  ``tests/test_references_resolve.py`` keeps it current);
* **the CLI reference** (``cli.md``), the ``--help`` of every command registered in
  :data:`thaadsim.cli.COMMANDS`, subcommands included;
* **the validation table**: ``docs/_generated/validation.md`` (written by ``thaadsim validate --out
  docs/_generated``) is spliced into ``validation.md`` where the page says ``<!-- validation-table -->``;
* **citations**: every ``[ref:KEY]`` in a page (docstrings included) becomes a link to its bibliography entry;
* **Sphinx roles in docstrings** (``:func:`thaadsim.flight.fly_targeted```, ``:class:`~x.Y```) become links to the
  object's entry in the API reference where it has one, plain code otherwise;
* **equations**: ``$$ ... $$`` (display) and ``\\( ... \\)`` (inline) LaTeX become MathML at build time with
  ``latex2mathml``, so browsers render them natively and no JavaScript or web font is needed.
"""

from __future__ import annotations

import html
import posixpath
import re
import tomllib
from importlib import resources
from pathlib import Path

import click
from mkdocs.structure.files import File

DOCS_DIR = Path(__file__).resolve().parents[1]
VALIDATION_SOURCE = DOCS_DIR / "_generated" / "validation.md"
VALIDATION_MARKER = "<!-- validation-table -->"
CATALOG_KINDS = (("missiles", "Threat missiles"), ("radars", "Radars"), ("interceptors", "Interceptors"))


# --- the catalog ---------------------------------------------------------------------------------------------

def _catalog_root():
    return resources.files("thaadsim") / "data" / "catalog"


def _cell(value) -> str:
    """A TOML value as one Markdown table cell (pipes escaped, lists joined)."""
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    elif isinstance(value, float):
        value = f"{value:,.6g}"
    elif isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:,}"
    return html.escape(str(value)).replace("|", "\\|").replace("\n", " ")


def _is_source(key: str) -> bool:
    return key in ("source", "estimate", "assumption", "notes", "calibrated", "status", "note") or \
        key.endswith("_source")


def _is_sourced_value(value) -> bool:
    """A ``{value = ..., source|estimate = "..."}`` table: one number and the words that justify it."""
    return isinstance(value, dict) and "value" in value and all(k == "value" or _is_source(k) for k in value)


def _provenance(table: dict) -> str:
    return " ".join(f"{'' if k == 'source' else k + ': '}{v}" for k, v in table.items() if k != "value")


def _source_candidates(key: str) -> list[str]:
    """Where a number's source may be: ``published_range_km`` -> ``published_range_km_source``,
    ``published_range_source``, ``published_source``, then ``range_source`` (the unit and leading words
    dropped), as the catalog files name them."""
    parts = key.split("_")
    stems = ["_".join(parts[:i]) for i in range(len(parts), 0, -1)]
    stems += ["_".join(parts[j:-1]) for j in range(1, len(parts) - 1)]
    return [f"{stem}_source" for stem in stems]


def _table(mapping: dict) -> list[str]:
    """A table of a TOML table's numbers, each with the text that documents it.

    A field ``foo_kg`` is paired with ``foo_kg_source`` or ``foo_source`` (:func:`_source_candidates`); a ``{value, source}`` (or
    ``{value, estimate}``) sub-table is one row. Sources that pair with no number, and the table's own
    ``source`` or ``notes``, are listed under it, so that nothing in the file is left out.
    """
    values = {k: v for k, v in mapping.items()
              if _is_sourced_value(v) or not isinstance(v, dict | list)
              or (isinstance(v, list) and not any(isinstance(x, dict) for x in v))}
    used = set()
    rows = ["| field | value | source |", "| --- | --- | --- |"]
    for key, value in values.items():
        if _is_source(key):
            continue
        if _is_sourced_value(value):
            rows.append(f"| `{key}` | {_cell(value['value'])} | {_cell(_provenance(value))} |")
            continue
        src_key = next((c for c in _source_candidates(key) if c in values), None)
        if src_key:
            used.add(src_key)
        rows.append(f"| `{key}` | {_cell(value)} | {_cell(values[src_key]) if src_key else ''} |")
    notes = [f"- **{k}**: {_cell(v)}" for k, v in values.items() if _is_source(k) and k not in used]
    out = rows if len(rows) > 2 else []
    return out + ([""] if out else []) + notes


def _entry_page(kind: str, path) -> tuple[str, str, str]:
    """(id, title, Markdown) of one catalog entry, from its TOML file."""
    data = tomllib.loads(path.read_text("utf-8"))
    entry_id = data.get("id", path.name.removesuffix(".toml"))
    title = data.get("name", entry_id)
    lines = [f"# {_cell(title)} (`{entry_id}`)", "",
             f"Catalog {kind[:-1]} `{entry_id}`, rendered at build time from "
             f"`src/thaadsim/data/catalog/{kind}/{path.name}`. Each number sits beside the text that gives its "
             f"source, or says that it is an estimate, an assumption or a calibration; `[ref:KEY]` citations "
             f"link to the [references](../references.md). On the command line: "
             f"`thaadsim catalog show {entry_id}`.", ""]
    return entry_id, title, "\n".join(lines + _sections(data, level=2, prefix=""))


def _sections(table: dict, level: int, prefix: str) -> list[str]:
    """A TOML table's numbers, then one section per sub-table or array of tables, to any depth."""
    lines = _table(table) + [""]
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and not _is_sourced_value(value):
            lines += [f"{'#' * min(level, 6)} {name}", ""] + _sections(value, level + 1, f"{name}.")
        elif isinstance(value, list) and value and all(isinstance(x, dict) for x in value):
            for i, item in enumerate(value, 1):
                lines += [f"{'#' * min(level, 6)} {name} {i}", ""] + _sections(item, level + 1, f"{name}.{i}.")
    return lines


def _catalog_files(config) -> list[File]:
    files, index = [], ["# Catalog", "",
                        "Every missile, radar and interceptor thaadsim knows, generated at build time from the "
                        "catalog's TOML files (`src/thaadsim/data/catalog/`). Each number is given with its source, "
                        "or marked as an estimate, an assumption or a calibration; the keys in `[ref:KEY]` link to "
                        "the [references](../references.md). Bring your own with `--missile-file` / "
                        "`--radar-file`, in the same format.", ""]
    for kind, heading in CATALOG_KINDS:
        index += [f"## {heading}", "", "| id | name | country / class | published figure |",
                  "| --- | --- | --- | --- |"]
        for path in sorted(_catalog_root().joinpath(kind).iterdir(), key=lambda p: p.name):
            if not path.name.endswith(".toml"):
                continue
            entry_id, title, text = _entry_page(kind, path)
            data = tomllib.loads(path.read_text("utf-8"))
            figure = next((f"{k} = {_cell(v['value'] if _is_sourced_value(v) else v)}" for k, v in data.items()
                           if k.startswith("published_") or k in ("instrumented_range_km", "max_range_km",
                                                                  "burnout_speed_kms")), "")
            who = " / ".join(str(data[k]) for k in ("country", "class") if k in data)
            index.append(f"| [`{entry_id}`]({kind}-{entry_id}.md) | {_cell(title)} | {_cell(who)} | {figure} |")
            files.append(File.generated(config, f"catalog/{kind}-{entry_id}.md", content=text))
        index.append("")
    files.append(File.generated(config, "catalog/index.md", content="\n".join(index)))
    return files


# --- the CLI reference ---------------------------------------------------------------------------------------

HELP_WIDTH = 80   # the width of the site's code blocks, so no help line scrolls


def _context(command: click.Command, name: str, parent: click.Context | None = None) -> click.Context:
    """The context click would make for ``command``: its own settings (``-h``), inherited from ``parent``."""
    return click.Context(command, info_name=name, parent=parent, terminal_width=HELP_WIDTH,
                         max_content_width=HELP_WIDTH, **command.context_settings)


def _cli_page() -> str:
    from thaadsim.cli import COMMANDS, cli

    root = _context(cli, "thaadsim")
    lines = ["# CLI reference", "",
             "Generated at build time from the click commands registered in `thaadsim.cli.COMMANDS`: each "
             "section is exactly what `thaadsim COMMAND --help` prints. Every user mistake is one line on stderr "
             "and exit status 2; Ctrl-C or SIGTERM prints `aborted` (status 1) and leaves no half-written file.",
             "", "```text", cli.get_help(root), "```", ""]
    for name in cli.list_commands(root):
        command = cli.get_command(root, name)
        ctx = _context(command, name, root)
        lines += [f"## thaadsim {name}", "", COMMANDS[name][2], "", "```text", command.get_help(ctx), "```", ""]
        if isinstance(command, click.Group):
            for sub in command.list_commands(ctx):
                subcommand = command.get_command(ctx, sub)
                lines += [f"### thaadsim {name} {sub}", "", "```text",
                          subcommand.get_help(_context(subcommand, sub, ctx)), "```", ""]
    return "\n".join(lines)


# --- citations and equations ---------------------------------------------------------------------------------

CITATION = re.compile(r"\[ref" r":\s*([^\]]*)\]")
FENCE = re.compile(r"^(```|~~~).*?^\1\s*$", re.S | re.M)
INLINE_CODE = re.compile(r"`[^`\n]+`")
DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.S)
INLINE_MATH = re.compile(r"\\\((.+?)\\\)", re.S)
CODE_HTML = re.compile(r"(<pre\b.*?</pre>|<code\b.*?</code>)", re.S)


def _mathml(latex: str, display: str) -> str:
    from latex2mathml.converter import convert

    return convert(latex.strip(), display=display)


def _convert_math(markdown: str) -> str:
    """LaTeX to MathML outside code: fenced blocks and inline code spans are left exactly as written."""
    out, last = [], 0
    protected = sorted([m.span() for m in FENCE.finditer(markdown)] +
                       [m.span() for m in INLINE_CODE.finditer(markdown)])
    spans, end = [], -1
    for a, b in protected:                     # drop inline-code spans that sit inside fences
        if a >= end:
            spans.append((a, b))
            end = b
    for a, b in spans + [(len(markdown), len(markdown))]:
        text = markdown[last:a]
        # wrapped, because Python-Markdown counts <math> as a block-level tag: bare, an inline equation that
        # starts a line would become a paragraph of its own
        text = DISPLAY_MATH.sub(lambda m: f'\n\n<div class="math">{_mathml(m.group(1), "block")}</div>\n\n', text)
        text = INLINE_MATH.sub(lambda m: f'<span class="math">{_mathml(m.group(1), "inline")}</span>', text)
        out += [text, markdown[a:b]]
        last = b
    return "".join(out)


def _link_citations(page_html: str, page_url: str, known: set[str]) -> str:
    """``[ref:KEY1, KEY2]`` -> ``[<a>KEY1</a>, <a>KEY2</a>]`` linking to ``references.html#KEY1``, except inside code."""
    here = posixpath.dirname(page_url)
    target = "" if page_url == "references.html" else posixpath.relpath("references.html", here or ".")

    def link(match):
        keys = [k.strip() for k in match.group(1).split(",")]
        if not all(k in known for k in keys):
            return match.group(0)
        return "[" + ", ".join(f'<a class="citation" href="{target}#{k}">{k}</a>' for k in keys) + "]"

    parts = CODE_HTML.split(page_html)
    return "".join(p if i % 2 else CITATION.sub(link, p) for i, p in enumerate(parts))


# --- the hooks -----------------------------------------------------------------------------------------------

def _catalog_ids(kind: str) -> list[str]:
    return sorted(p.name.removesuffix(".toml") for p in _catalog_root().joinpath(kind).iterdir()
                  if p.name.endswith(".toml"))


def on_config(config):
    """Give the generated catalog pages their place in the navigation (one section per kind)."""
    for i, item in enumerate(config.nav):
        if isinstance(item, dict) and item.get("Catalog") == "catalog/index.md":
            section = ["catalog/index.md"]
            for kind, heading in CATALOG_KINDS:
                section.append({heading: [{eid: f"catalog/{kind}-{eid}.md"} for eid in _catalog_ids(kind)]})
            config.nav[i] = {"Catalog": section}
    return config


def on_files(files, config):
    """Add the generated pages: the catalog (index and one page per entry) and the CLI reference."""
    for f in _catalog_files(config):
        files.append(f)
    files.append(File.generated(config, "cli.md", content=_cli_page()))
    return files


URL = re.compile(r"(?<![\"<])\bhttps?://[^\s<>]+")


def _autolink(match: re.Match) -> str:
    """A bare address as a Markdown autolink, without trailing punctuation or an unbalanced ``)``:
    ``https://doi.org/10.1016/0771-050X(80)90013-3`` keeps its parentheses."""
    url, tail = match.group(0), ""
    while url and (url[-1] in ".,;:" or (url[-1] == ")" and url.count(")") > url.count("("))):
        url, tail = url[:-1], url[-1] + tail
    return f"<{url}>{tail}"


def on_page_markdown(markdown, page, config, files):
    """Refresh the bibliography, splice in the validation table, and turn LaTeX into MathML."""
    if page.file.src_uri == "references.md":
        from thaadsim.references import render_markdown

        markdown = URL.sub(_autolink, render_markdown())    # the addresses as links
    if VALIDATION_MARKER in markdown:
        if VALIDATION_SOURCE.is_file():
            table = VALIDATION_SOURCE.read_text("utf-8")
            table = re.sub(r"^#\s+.*\n", "", table, count=1)   # the page has its own title
        else:
            table = ("!!! note \"No validation run in this build\"\n"
                     "    `docs/_generated/validation.md` was not found. Run `thaadsim validate --out "
                     "docs/_generated` and then `make docs` to show the table from that run here.\n")
        markdown = markdown.replace(VALIDATION_MARKER, table)
    return _convert_math(markdown)


# every API object's anchor -> the page that documents it; filled as pages render, used once all have
_ANCHORS: dict[str, str] = {}
ANCHOR = re.compile(r'id="(thaadsim(?:\.[A-Za-z_][A-Za-z0-9_]*)*)"')
ROLE = re.compile(r":(?:py:)?(?:func|class|mod|meth|attr|data|exc|obj):<code>(~?)([^<]+)</code>")


def _page_url(page) -> str:
    return page.url or page.file.dest_uri


def on_page_content(page_html, page, config, files):
    """Link every resolvable ``[ref:KEY]`` citation (docstrings rendered by mkdocstrings included), and
    note the API anchors this page defines."""
    from thaadsim.references import bibliography

    for anchor in ANCHOR.findall(page_html):
        _ANCHORS.setdefault(anchor, _page_url(page))
    return _link_citations(page_html, _page_url(page), set(bibliography()))


def _resolve(target: str, page_url: str) -> str | None:
    """The anchor of ``target``: its full dotted name, else a documented object whose name ends so (one on
    the same page first, then the shortest name: ``ThaadsimError`` -> ``thaadsim.ThaadsimError``)."""
    if target in _ANCHORS:
        return target
    ends = sorted((a for a in _ANCHORS if a.endswith("." + target)), key=lambda a: (_ANCHORS[a] != page_url, len(a)))
    return ends[0] if ends else None


def on_post_page(output, page, config):
    """Sphinx roles left in rendered docstrings (``:func:`x```) -> links into the API reference, or code."""
    here = posixpath.dirname(_page_url(page)) or "."

    def link(match):
        short, target = match.group(1), match.group(2).rstrip("()")
        shown = target.rsplit(".", 1)[-1] if short else match.group(2)
        anchor = _resolve(target, _page_url(page))
        if anchor is None:
            return f"<code>{shown}</code>"
        href = posixpath.relpath(_ANCHORS[anchor], here)
        return f'<a class="autorefs" href="{href}#{anchor}"><code>{shown}</code></a>'

    return ROLE.sub(link, output)
