"""Every citation in the project resolves to an entry of its own bibliography (``thaadsim/data/references.toml``).

Authority: the bibliography file itself, read here with ``tomllib`` (not through ``thaadsim.references``), and the
project rule that nothing may cite or depend on a file outside the repository (the section numbers of an outside
research aid, "REFERENCES §4", cannot be looked up by a reader). The checks:

* each entry has authors, title, venue, year, url (or a note saying why there is none), what it supports and a
  reliability label; keys are unique;
* every ``[ref:KEY]`` in the package (catalog, examples, source), the tests, tools, benchmarks and docs resolves;
* no mention of the outside research aid is left anywhere in the repository (the README separately, see below);
* every published figure's source in the catalog cites a key (or says no primary source was found);
* ``thaadsim catalog show ID`` prints, for every key the entry cites, the full reference (title and address);
* ``docs/references.md`` is the current rendering of the bibliography.
"""

import json
import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

import thaadsim
from thaadsim.cli import main
from thaadsim.cli.catalog import catalog
from thaadsim.errors import ThaadsimError
from thaadsim.references import render_markdown, resolve

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(thaadsim.__file__).resolve().parent
BIB = tomllib.loads((PACKAGE / "data" / "references.toml").read_text("utf-8"))["reference"]
KEYS = {e["key"]: e for e in BIB}
CITATION = re.compile(r"\[ref" r":([^\]]*)\]")   # split so that this line is not read as a citation
# the outside research aid by name or by its section numbers ("REFERENCES §4", "REFERENCES 1.2", "REFERENCES.md")
OUTSIDE = re.compile(r"REFERENCES\s*(§|\d|\.md|section)|shared/")
LABELS = ("OFFICIAL", "DPRK", "TRACKED", "ANALYST", "MEDIA", "TEXTBOOK")
TEXT_SUFFIXES = {".py", ".toml", ".md", ".csv", ".txt", ".cfg", ".ini", ".json", ""}
CATALOG = sorted((PACKAGE / "data" / "catalog").glob("*/*.toml"))


def _repo_text_files():
    """Text files of the working tree (package, examples, tests, tools, benchmarks, docs, top level), README aside."""
    seen, out = set(), []
    for top in [ROOT / d for d in ("src", "examples", "tests", "tools", "benchmarks", "docs", ".ci")] + [ROOT]:
        if not top.exists():
            continue
        files = [top] if top.is_file() else (top.glob("*") if top == ROOT else top.rglob("*"))
        for p in files:
            real = p.resolve()
            # build products (an egg-info copies the README) are not the project's own text
            built = "__pycache__" in p.parts or any(part.endswith(".egg-info") for part in p.parts)
            if (not p.is_file() or real in seen or p.suffix not in TEXT_SUFFIXES or built
                    or p.name in ("README.md", ".git") and p.parent == ROOT):
                continue
            seen.add(real)
            out.append(p)
    return out


def _cited(text):
    keys = [k.strip() for group in CITATION.findall(text) for k in group.split(",")]
    return [k for k in keys if not re.fullmatch(r"KEY\d*", k)]   # "[ref:KEY]" documents the convention


def test_every_entry_is_complete_and_its_key_unique():
    assert len(KEYS) == len(BIB) >= 40
    for e in BIB:
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*[a-z0-9]", e["key"]), e["key"]
        for field in ("authors", "title", "venue", "supports", "reliability"):
            assert isinstance(e[field], str) and len(e[field].strip()) >= 3, (e["key"], field)
        assert e["year"] == "n.d." or 1900 <= e["year"] <= 2026, e["key"]
        assert e["url"].startswith(("https://", "http://")) or (e["url"] == "" and e.get("note")), e["key"]
        assert e["reliability"].startswith(LABELS), e["key"]


def test_every_citation_in_the_repository_resolves():
    files = _repo_text_files()
    assert any(p.suffix == ".toml" and "catalog" in p.parts for p in files)   # the scan reaches the catalog
    unresolved, cited = [], set()
    for p in files:
        for key in _cited(p.read_text("utf-8", errors="replace")):
            cited.add(key)
            if key not in KEYS:
                unresolved.append(f"{p.relative_to(ROOT)}: {key}")
    assert not unresolved, unresolved
    assert len(cited) >= 40


def test_nothing_cites_the_outside_research_aid():
    this = Path(__file__).resolve()
    left = [f"{p.relative_to(ROOT)}:{i}: {line.strip()[:100]}"
            for p in _repo_text_files() if p.resolve() != this
            for i, line in enumerate(p.read_text("utf-8", errors="replace").splitlines(), 1) if OUTSIDE.search(line)]
    assert not left, left


def test_readme_cites_only_the_bibliography():
    text = (ROOT / "README.md").read_text("utf-8")
    assert not [line for line in text.splitlines() if OUTSIDE.search(line)]
    assert all(key in KEYS for key in _cited(text))


def test_every_published_figure_in_the_catalog_cites_its_publication():
    for path in CATALOG:
        data = tomllib.loads(path.read_text("utf-8"))
        if "missiles" in path.parts:   # the published range is the figure each missile is calibrated to
            src = data["range_source"]
            assert _cited(src) or "no primary source" in src, path.stem
        else:                          # radars and interceptors: {value, source | estimate | calibrated} per number
            for name, item in data.items():
                if isinstance(item, dict) and "source" in item:
                    assert _cited(item["source"]), f"{path.stem}.{name}: {item['source']}"


@pytest.mark.parametrize("path", CATALOG, ids=lambda p: p.stem)
def test_catalog_show_prints_the_full_reference_of_every_key_cited(path):
    data = tomllib.loads(path.read_text("utf-8"))   # what `show` prints: the file's values, not its comments

    def strings(obj):
        if isinstance(obj, str):
            return [obj]
        items = obj.values() if isinstance(obj, dict) else obj if isinstance(obj, list) else []
        return [s for v in items for s in strings(v)]

    keys = list(dict.fromkeys(k for s in strings(data) for k in _cited(s)))
    text = CliRunner().invoke(catalog, ["show", path.stem])
    assert text.exit_code == 0, text.output
    for key in keys:
        e = KEYS[key]
        assert f"[{key}]" in text.output and e["title"] in text.output and e["url"] in text.output, key
    res = CliRunner().invoke(catalog, ["show", path.stem, "--json"])
    assert [r["key"] for r in json.loads(res.output)["references"]] == keys


def test_an_unknown_key_is_one_line_naming_it(capsys):
    with pytest.raises(ThaadsimError, match="no-such-key"):
        resolve(["no-such-key"])
    with pytest.raises(SystemExit) as exc:
        main(["catalog", "refs", "no-such-key"])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and err.count("\n") == 1 and "no-such-key" in err


def test_docs_references_md_is_the_current_rendering():
    assert (ROOT / "docs" / "references.md").read_text("utf-8") == render_markdown(), \
        "regenerate: thaadsim catalog refs --markdown > docs/references.md"
    for key in KEYS:
        assert f"**{key}**" in render_markdown()
