"""`thaadsim catalog show` against the catalog TOML files themselves, read independently with tomllib:
a radar or interceptor id prints every number with the source or estimate note its file gives
(the examples' README sends readers there for provenance), and an unknown id is one line naming
all three kinds of id.
"""

import json
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

import thaadsim
from thaadsim.cli.catalog import catalog
from thaadsim.errors import ThaadsimError

CATALOG = Path(thaadsim.__file__).parent / "data" / "catalog"
FILES = sorted(CATALOG.glob("radars/*.toml")) + sorted(CATALOG.glob("interceptors/*.toml"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_show_prints_every_number_with_its_provenance(path):
    expected = tomllib.loads(path.read_text("utf-8"))
    res = CliRunner().invoke(catalog, ["show", path.stem, "--json"])
    assert res.exit_code == 0, res.output
    got = json.loads(res.output)
    got.pop("references")   # the bibliography entries the file cites (tests/test_references_resolve.py)
    assert got == expected
    text = CliRunner().invoke(catalog, ["show", path.stem]).output
    numbers = {k: v for k, v in expected.items() if isinstance(v, dict) and "value" in v}
    assert len(numbers) >= 5
    for key, item in numbers.items():
        note = next(item[t] for t in ("source", "estimate", "calibrated") if t in item)
        assert f"{key}:" in text and str(item["value"]) in text and note in text


def test_unknown_id_is_one_line_naming_every_kind():
    res = CliRunner().invoke(catalog, ["show", "thad"])
    assert isinstance(res.exception, ThaadsimError)
    msg = str(res.exception)
    assert "\n" not in msg and "thaad" in msg and "tpy2-tm" in msg and "nodong" in msg
