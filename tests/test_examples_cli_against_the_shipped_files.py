"""``thaadsim examples list|copy`` against the example files themselves, read directly from the repository.

Authority: the files in ``examples/`` (a link to ``src/thaadsim/data/examples``, the single copy) read with plain
file I/O, and the project's error contract (a user mistake is one line on stderr and exit status 2, nothing
written). The wheel test checks the same commands from an installed package.
"""

import json
import os
from pathlib import Path

import pytest

from thaadsim.cli import main

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted(p for p in (ROOT / "src" / "thaadsim" / "data" / "examples").iterdir() if p.is_file())


def _cli(capsys, *args):
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def test_examples_dir_at_the_root_is_the_packaged_directory():
    # one copy: README commands (`thaadsim run examples/seongju.toml`) and the installed package read the same files
    assert (ROOT / "examples").resolve() == (ROOT / "src" / "thaadsim" / "data" / "examples").resolve()
    assert {p.name for p in SHIPPED} >= {"seongju.toml", "strategic.toml", "guam.toml", "raid_seongju.toml",
                                         "us_cities.csv", "README.md"}


def test_list_names_every_shipped_file_with_what_it_is(capsys):
    code, out, _ = _cli(capsys, "examples", "list", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["name"] for r in rows] == [p.name for p in SHIPPED]
    first_comment = (ROOT / "examples" / "seongju.toml").read_text().splitlines()[0].lstrip("# ")
    assert next(r for r in rows if r["name"] == "seongju.toml")["about"] == first_comment


def test_copy_writes_byte_identical_files_and_refuses_to_overwrite(capsys, tmp_path):
    dest = tmp_path / "new" / "dir"                 # created, parents too
    code, out, _ = _cli(capsys, "examples", "copy", str(dest))
    assert code == 0 and "seongju.toml" in out
    assert sorted(p.name for p in dest.iterdir()) == [p.name for p in SHIPPED]   # no temporary files left
    for p in SHIPPED:
        assert (dest / p.name).read_bytes() == p.read_bytes()

    (dest / "seongju.toml").write_text("# my edits\n")
    code, out, err = _cli(capsys, "examples", "copy", str(dest))
    assert code == 2 and err.count("\n") == 1 and "already exists" in err and "--force" in err
    assert (dest / "seongju.toml").read_text() == "# my edits\n"          # nothing overwritten

    code, _, _ = _cli(capsys, "examples", "copy", str(dest), "--force")
    assert code == 0 and (dest / "seongju.toml").read_bytes() == (ROOT / "examples" / "seongju.toml").read_bytes()


def test_copy_into_an_unwritable_place_is_one_line(capsys, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    code, _, err = _cli(capsys, "examples", "copy", str(blocker / "sub"))
    assert code == 2 and err.count("\n") == 1 and "is a file" in err
    if os.geteuid() != 0:                           # root may write anywhere
        ro = tmp_path / "ro"
        ro.mkdir(mode=0o500)
        code, _, err = _cli(capsys, "examples", "copy", str(ro))
        assert code == 2 and err.count("\n") == 1
