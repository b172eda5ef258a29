"""The smaller report read back with independent decoders: the packed plotly.js is, byte for byte,
the bundle plotly.py ships (Python's own Base85 and gzip undo the packing), the figures payload is
the JSON plotly.py writes for each figure, and every table's CSV link parses with pandas to the
table's DataFrame. Also the size bound the issue asks for, on a report with data in it."""

import base64
import gzip
import io
import json
import re
from urllib.parse import unquote

import numpy as np
import pandas as pd
from shapely.geometry import Point

from thaadsim.io.exports import Area, Site, Track
from thaadsim.report.html import Figure, ReportContent, build_html


def _unpack(text: str) -> str:
    raw = base64.b85decode(text.translate(str.maketrans(".,", "<>")))
    return gzip.decompress(raw).decode("utf-8")


def _content():
    t = np.arange(0.0, 601.0, 2.0)
    f = t / t[-1]
    tr = Track("t1", "Nodong to Busan", t, 39.0 + (35.1 - 39.0) * f, 127.4 + (129.0 - 127.4) * f,
               4 * 250e3 * f * (1 - f))
    raid = pd.DataFrame({"threat_id": ["T01", "T02"], "p_kill": [0.123456789, 0.9995],
                         "name": ["scud-c Wonsan → Daegu, \"quoted\"", "nodong, comma"]})
    prof = pd.DataFrame({"name": "Nodong to Busan", "kind": "threat", "ground_range_km": f * 480.0,
                         "alt_km": 4 * 250 * f * (1 - f)})
    return ReportContent(title="t", tracks=[tr], sites=[Site("s", "THAAD Seongju", 35.95, 128.18, kind="battery")],
                         areas=[Area("c", "cov", Point(128.18, 35.95).buffer(3.0), kind="coverage")],
                         figures=[Figure("apogee", 250.0, "km", "a note, with a comma")], profiles=prof,
                         tables=[("Raid table", raid)])


def test_packed_plotly_is_the_shipped_bundle_and_figures_are_plotly_json():
    from plotly.offline import get_plotlyjs

    html = build_html(_content())
    (js,) = re.findall(r"<script type='application/x-gzip-base85' id='plotlyjs'>([^<]*)</script>", html)
    assert _unpack(js) == get_plotlyjs()
    (figs,) = re.findall(r"<script type='application/x-gzip-base85' id='figures'>([^<]*)</script>", html)
    figs = json.loads(_unpack(figs))
    assert set(figs) == {"map", "profiles"}
    assert {'id="map"', 'id="profiles"'} <= set(re.findall(r'id="\w+"', html))
    names = [tr.get("name") for tr in figs["map"]["data"]]
    assert "threat trajectories" in names and "radar coverage" in names
    # the packed text can be inlined: it cannot end or re-mode its <script> element
    assert "<" not in js and "</script" not in js


def test_every_table_downloads_as_csv_that_pandas_reads_back():
    c = _content()
    html = build_html(c)
    links = re.findall(r"<a download='([^']+)' href='data:text/csv;charset=utf-8,([^']*)'>", html)
    assert [name for name, _ in links] == ["key_figures.csv", "raid_table.csv"]
    key = pd.read_csv(io.StringIO(unquote(links[0][1])))
    assert list(key.columns) == ["quantity", "value", "unit", "note"]
    assert key.loc[0, "value"] == 250.0 and key.loc[0, "note"] == "a note, with a comma"
    raid = pd.read_csv(io.StringIO(unquote(links[1][1])))
    pd.testing.assert_frame_equal(raid, c.tables[0][1])          # full precision, not the rounded cells


def test_seongju_sized_report_is_under_two_megabytes():
    """The issue's bound. A 4,000-point track and a 1,500-row table: the size is plotly.js packed
    (~1.84 MB) plus a few tens of kB of figures and tables."""
    c = _content()
    t = np.arange(0.0, 4000.0, 1.0)
    f = t / t[-1]
    c.tracks.append(Track("t2", "long", t, 40.0 - 5 * f, 125.0 + 4 * f, 1e6 * f * (1 - f)))
    c.tables.append(("big", pd.DataFrame({"x": np.arange(1500.0) / 7.0, "name": ["row"] * 1500})))
    size = len(build_html(c).encode("utf-8"))
    assert size < 2_000_000, size
