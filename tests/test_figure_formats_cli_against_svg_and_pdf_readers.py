"""SVG/PDF figure export for papers, end to end: ``thaadsim run --figure-format svg,pdf`` writes
map.svg (parsed by Python's XML parser, the site names present as text) and map.pdf (its header,
font objects and trailer checked: what a PDF reader looks for first), next to map.png;
a bad format, on the command line or in ``[outputs]``, is one line and exit 2 before any work."""

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from thaadsim.cli.run import parse_figure_formats
from thaadsim.errors import ThaadsimError

EXAMPLE = Path(__file__).resolve().parents[1] / "src" / "thaadsim" / "data" / "examples" / "raid_seongju.toml"


def _thaadsim(*args, cwd=None):
    env = dict(os.environ, NUMBA_NUM_THREADS="1")
    return subprocess.run([sys.executable, "-m", "thaadsim", *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=300)


def test_run_writes_svg_and_pdf_maps(tmp_path):
    out = tmp_path / "out"
    p = _thaadsim("run", str(EXAMPLE), "--out", str(out), "--quiet", "--runs", "20", "--figure-format", "svg,pdf")
    assert p.returncode == 0, p.stderr
    assert {"map.png", "map.svg", "map.pdf"} <= {f.name for f in out.iterdir()}
    root = ET.parse(out / "map.svg").getroot()
    texts = " ".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "Busan" in texts and "km" in texts              # a site name and the scale bar, as text
    pdf = (out / "map.pdf").read_bytes()
    assert pdf[:5] == b"%PDF-" and pdf.rstrip().endswith(b"%%EOF") and b"/Font" in pdf


def test_bad_formats_are_one_line_and_exit_2(tmp_path):
    p = _thaadsim("run", str(EXAMPLE), "--out", str(tmp_path / "o"), "--figure-format", "eps")
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and "--figure-format" in p.stderr
    assert not (tmp_path / "o").exists()
    bad = tmp_path / "bad.toml"
    bad.write_text(EXAMPLE.read_text() + '\n[outputs]\nfigure_formats = ["tiff"]\n')
    p = _thaadsim("run", str(bad), "--out", str(tmp_path / "o"), "--quiet")
    assert p.returncode == 2 and "outputs.figure_formats" in p.stderr and "Traceback" not in p.stderr
    assert parse_figure_formats("--figure-format", "PDF, svg") == ("png", "pdf", "svg")
    with pytest.raises(ThaadsimError):
        parse_figure_formats("--figure-format", " , ")
