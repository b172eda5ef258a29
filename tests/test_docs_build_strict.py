"""The documentation site builds with ``mkdocs build --strict`` and reads offline.

Authorities checked against, each independent of the docs hooks' own output:

* MkDocs itself in strict mode: any warning (a broken link or anchor, a page missing from the nav, a docstring
  mkdocstrings cannot render) fails the build;
* the navigation in ``mkdocs.yml``, the catalog TOML files on disk, ``thaadsim.cli.COMMANDS`` and the keys of
  ``data/references.toml``: every page they imply must exist in the built site;
* the HTML standard's fetching attributes: no ``<script src>``, ``<link href>``, ``<img src>``, ``<iframe src>``
  or CSS ``url()``/``@import`` may point at the network (``http:``, ``https:`` or protocol-relative ``//``),
  so the site needs nothing beyond its own folder.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from importlib import resources
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytest.importorskip("mkdocs", reason="mkdocs is not installed: install the docs extra (pip install -e '.[docs]')")
pytest.importorskip("material", reason="mkdocs-material is not installed: install the docs extra")
pytest.importorskip("mkdocstrings", reason="mkdocstrings is not installed: install the docs extra")
pytest.importorskip("latex2mathml", reason="latex2mathml is not installed: install the docs extra")

NETWORK = r"(?:https?:)?//"
FETCHING_TAGS = re.compile(
    r"<(?:script|img|iframe|source|audio|video|embed)\b[^>]*\bsrc\s*=\s*[\"']?" + NETWORK
    + r"|<link\b[^>]*\bhref\s*=\s*[\"']?" + NETWORK, re.I)
CSS_FETCH = re.compile(r"url\(\s*[\"']?" + NETWORK + r"|@import\s+(?:url\()?\s*[\"']?" + NETWORK, re.I)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
                           str(ROOT / "mkdocs.yml"), "--site-dir", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stdout}\n{proc.stderr}"
    return out


def _nav_pages(nav) -> list[str]:
    pages = []
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        pages += _nav_pages(value) if isinstance(value, list) else [value]
    return pages


def test_every_nav_page_is_built(site):
    from mkdocs.config import load_config

    pages = _nav_pages(load_config(str(ROOT / "mkdocs.yml")).nav)   # as written, before the hooks add the catalog
    assert len(pages) >= 20
    for page in pages:
        built = site / re.sub(r"\.md$", ".html", page)
        assert built.is_file(), f"{page} is in the nav but {built.relative_to(site)} was not built"
        assert built.stat().st_size > 2000, f"{built.relative_to(site)} is nearly empty"


def _number_keys(table: dict) -> set[str]:
    """The keys of every number in a parsed TOML table, nested tables and arrays of tables included."""
    keys = set()
    for key, value in table.items():
        if isinstance(value, dict) and "value" in value:   # {value = ..., source = "..."}
            value = value["value"]
        if isinstance(value, int | float) and not isinstance(value, bool):
            keys.add(key)
        elif isinstance(value, dict):
            keys |= _number_keys(value)
        elif isinstance(value, list):
            for item in value:
                keys |= _number_keys(item) if isinstance(item, dict) else set()
    return keys


def test_one_catalog_page_per_toml_with_its_sources(site):
    catalog = resources.files("thaadsim") / "data" / "catalog"
    for kind in ("missiles", "radars", "interceptors"):
        for toml in catalog.joinpath(kind).iterdir():
            if not toml.name.endswith(".toml"):
                continue
            data = tomllib.loads(toml.read_text("utf-8"))
            page = site / "catalog" / f"{kind}-{toml.name.removesuffix('.toml')}.html"
            assert page.is_file(), f"no catalog page for {kind}/{toml.name}"
            text = page.read_text("utf-8")
            for key in _number_keys(data):   # every number of the file, at any depth, appears by name
                assert f"<code>{key}</code>" in text, f"{toml.name}: {key} missing from {page.name}"


def test_cli_reference_has_every_registered_command(site):
    from thaadsim.cli import COMMANDS

    text = (site / "cli.html").read_text("utf-8")
    for name in COMMANDS:
        assert f"thaadsim {name}" in text and f"Usage: thaadsim {name}" in text, f"CLI page lacks {name}"


def test_references_page_has_an_anchor_per_bibliography_key_and_citations_link_to_it(site):
    bib = tomllib.loads((ROOT / "src" / "thaadsim" / "data" / "references.toml").read_text("utf-8"))
    text = (site / "references.html").read_text("utf-8")
    for entry in bib["reference"]:
        assert f'id="{entry["key"]}"' in text, f"references.html has no anchor for {entry['key']}"
    nodong = (site / "catalog" / "missiles-nodong.html").read_text("utf-8")
    assert re.search(r'<a class="citation" href="\.\./references\.html#[a-z0-9-]+">', nodong)


def test_equations_are_mathml_not_raw_latex(site):
    for page in sorted((site / "physics").glob("*.html")):
        text = page.read_text("utf-8")
        body = re.sub(r"<(pre|code)\b.*?</\1>", "", text, flags=re.S)
        assert "$$" not in body and "\\(" not in body, f"{page.name} has unconverted LaTeX"
    assert "<math" in (site / "physics" / "earth.html").read_text("utf-8")


def test_nothing_is_fetched_from_the_network(site):
    html_files = list(site.rglob("*.html"))
    assert len(html_files) > 20
    for path in html_files:
        hits = FETCHING_TAGS.findall(path.read_text("utf-8"))
        assert not hits, f"{path.relative_to(site)} fetches from the network: {hits[:3]}"
    for path in site.rglob("*.css"):
        hits = CSS_FETCH.findall(path.read_text("utf-8"))
        assert not hits, f"{path.relative_to(site)} fetches from the network: {hits[:3]}"


def test_every_figure_a_page_shows_is_in_the_site(site):
    for path in site.rglob("*.html"):
        for src in re.findall(r"<img\b[^>]*\bsrc=\"([^\"]+)\"", path.read_text("utf-8")):
            if src.startswith("data:"):
                continue
            assert (path.parent / src).resolve().is_file(), f"{path.relative_to(site)} shows a missing {src}"


@pytest.mark.parametrize("layer", ["flight", "sensors", "defense", "sweep"])
def test_api_reference_documents_every_name_a_layer_exports(site, layer):
    """The layer's own ``__all__`` is the authority for what its API page must show."""
    import importlib

    exported = importlib.import_module(f"thaadsim.{layer}").__all__
    text = (site / "api" / f"{layer}.html").read_text("utf-8")
    missing = [name for name in exported if f'id="thaadsim.{layer}.{name}"' not in text]
    assert not missing, f"api/{layer}.html does not document {missing}"


def test_every_link_inside_the_site_reaches_a_page_and_an_anchor(site):
    """HTML's own rules: a relative ``href`` names a file in the site and, after ``#``, an element id in it.

    MkDocs checks the links written in Markdown; this also covers those the hooks and mkdocstrings write
    (citations, Sphinx roles turned into links, cross-references)."""
    ids: dict[Path, set[str]] = {}

    def ids_of(path: Path) -> set[str]:
        if path not in ids:
            ids[path] = set(re.findall(r'\bid="([^"]+)"', path.read_text("utf-8")))
        return ids[path]

    broken = []
    for page in site.rglob("*.html"):
        if page.name == "404.html":
            continue   # a web server's error page: its links are from the server's root, by design
        for href in re.findall(r'<a\b[^>]*\bhref="([^"]+)"', page.read_text("utf-8")):
            if re.match(r"^[a-z][a-z0-9+.-]*:", href) or href.startswith("//"):
                continue   # http:, https:, mailto:, javascript:, data: links go elsewhere by design
            path, _, anchor = href.partition("#")
            target = (page.parent / path).resolve() if path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site)} -> {href} (no such file)")
            elif anchor and target.suffix == ".html" and anchor not in ids_of(target):
                broken.append(f"{page.relative_to(site)} -> {href} (no such anchor)")
    assert not broken, "\n".join(broken[:20])


def test_no_sphinx_role_is_left_raw_in_the_api_reference(site):
    for page in (site / "api").glob("*.html"):
        raw = re.findall(r":(?:func|class|mod|meth|attr|data|exc):<code>", page.read_text("utf-8"))
        assert not raw, f"{page.name}: {len(raw)} Sphinx roles left as text"
