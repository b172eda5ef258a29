"""The report page and the static map, read back: escaping, one inlined plotly.js, what a reader
should find, and a decodable, non-blank PNG (decoded by matplotlib's PNG reader)."""

import io
import re

import numpy as np
import pandas as pd
from shapely.geometry import Point

from thaadsim.io.exports import Area, Site, Track
from thaadsim.report.html import Figure, ReportContent, build_html
from thaadsim.report.map_png import render_png


def _content(**kw):
    t = np.arange(0.0, 301.0, 10.0)
    f = t / t[-1]
    tr = Track("t1", "Scud to <Daegu>", t, 39.15 + (35.87 - 39.15) * f, 127.45 + (128.6 - 127.45) * f,
               4 * 80e3 * f * (1 - f))
    base = dict(title="Test <b>report</b>", answers=["THAAD & Patriot: 2 < 3"], tracks=[tr],
                sites=[Site("s", "THAAD Seongju", 36.0, 128.2, 680.0, kind="battery")],
                areas=[Area("c", "cov", Point(128.2, 36.0).buffer(2.0), kind="coverage")],
                figures=[Figure("P(no leaker)", 0.4567, "", "2000 runs"), Figure("apogee", float("nan"), "km")],
                tables=[("Raid", pd.DataFrame({"threat_id": ["T01"], "p_kill": [0.96]}))],
                scenario_text='[scenario]\nname = "</pre><script>alert(1)</script>"\n', missing=["radar layer"])
    base.update(kw)
    return ReportContent(**base)


def test_page_escapes_user_text_and_inlines_plotly_once():
    html = build_html(_content())
    assert "<script>alert(1)</script>" not in html
    assert "&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Test &lt;b&gt;report&lt;/b&gt;" in html and "THAAD &amp; Patriot: 2 &lt; 3" in html
    packed = re.findall(r"<script type='application/x-gzip-base85' id='plotlyjs'>([^<]*)</script>", html)
    assert len(packed) == 1
    assert len(re.findall(r"<script>", html)) == 1          # one loader; figures carry no script of their own
    assert "Not computed in this run" in html and "radar layer" in html
    assert ">0.457<" in html and ">—<" in html        # 3 significant digits; NaN shown as a dash


def test_plots_present_only_with_their_data():
    html = build_html(_content())
    assert 'id="map"' in html and 'id="profiles"' not in html and 'id="timeline"' not in html
    prof = pd.DataFrame({"name": ["a", "a"], "kind": ["threat"] * 2, "ground_range_km": [0, 1], "alt_km": [0, 1]})
    tl = pd.DataFrame({"row": ["a"], "start_s": [0.0], "end_s": [10.0], "kind": ["radar"], "text": ["x"]})
    html = build_html(_content(profiles=prof, timeline=tl))
    assert 'id="profiles"' in html and 'id="timeline"' in html


def test_png_decodes_and_is_not_blank():
    import matplotlib.image as mpimg

    c = _content()
    png = render_png(c.tracks, c.sites, c.areas, title="t", width_in=6.0, dpi=80)
    img = mpimg.imread(io.BytesIO(png), format="png")
    h, w = img.shape[:2]
    assert 300 < w < 1.2 * 6.0 * 80 and h > 200      # tight bbox trims or adds a little
    rgb = img[..., :3].reshape(-1, 3)
    bg = np.median(rgb, axis=0)
    assert np.mean(np.abs(rgb - bg).sum(axis=1) > 0.15) > 0.02
    red = (rgb[:, 0] > 0.7) & (rgb[:, 1] < 0.35) & (rgb[:, 2] < 0.35)   # the threat track is drawn in red
    assert red.sum() > 50


def test_profiles_sharing_a_name_are_separate_lines():
    """Two identical shots (same label) are two curves, not one line that runs from the first impact
    back along the ground to the second launch: ground range from launch only grows along a
    ballistic flight, so every drawn curve must be non-decreasing in x."""
    from thaadsim.report.html import profile_figure

    x = np.linspace(0.0, 470.0, 50)
    one = pd.DataFrame({"name": "nodong → Busan", "kind": "threat", "ground_range_km": x,
                        "alt_km": 4 * 120 * (x / 470) * (1 - x / 470), "t_s": np.arange(50.0)})
    prof = pd.concat([one.assign(row=0), one.assign(row=1)], ignore_index=True)
    fig = profile_figure(prof)
    assert len(fig.data) == 2
    assert all(np.all(np.diff(np.asarray(tr.x, float)) >= 0) for tr in fig.data)
    assert sum(bool(tr.showlegend) for tr in fig.data) == 1          # one legend entry per name
    assert fig.data[0].line.color == fig.data[1].line.color
    assert "km" in fig.layout.xaxis.title.text and "km" in fig.layout.yaxis.title.text


def test_questions_are_shown_apart_from_the_answers():
    """A question the scenario asks is not an answer: it used to be listed under 'Key answers' as
    'Question asked: ...'."""
    html = build_html(_content(questions=["Does the TPY-2 see <it>?"]))
    q = html.index("Questions this scenario asks")
    a = html.index("Key answers")
    assert q < html.index("Does the TPY-2 see &lt;it&gt;?") < a


def test_report_tables_keep_small_quantities_readable():
    from thaadsim.analysis.result import _round

    df = _round(pd.DataFrame({"expected_leakers": [0.0751, 0.4], "range_km": [378.04, 12.0]}))
    assert list(df["expected_leakers"]) == [0.075, 0.4]          # was rounded to 0.1
    assert list(df["range_km"]) == [378.0, 12.0]


def test_timeline_gives_each_radar_and_battery_its_own_legend_entry():
    from thaadsim.report.html import timeline_figure

    tl = pd.DataFrame({"row": ["T01", "T01", "T01", "T01"], "start_s": [10.0, 50.0, 200.0, 300.0],
                       "end_s": [100.0, 90.0, 260.0, 320.0], "kind": ["radar", "radar", "battery", "battery"],
                       "text": ["a", "b", "c", "d"], "series": ["TPY-2 A", "SBX", "THAAD", "SM-3"]})
    fig = timeline_figure(tl)
    names = [t.name for t in fig.data]
    assert names == ["TPY-2 A: radar track", "SBX: radar track", "THAAD: intercept window", "SM-3: intercept window"]
    colours = [t.marker.color for t in fig.data]
    assert len(set(colours[:2])) == 2 and len(set(colours[2:])) == 2
    # without the column, one entry per kind as before
    fig = timeline_figure(tl.drop(columns="series"))
    assert [t.name for t in fig.data] == ["radar track", "intercept window"]


def test_table_text_is_left_aligned_and_numbers_right_aligned():
    """Names used to be right-aligned like numbers (DataFrame.to_html aligns every column alike)."""
    from html.parser import HTMLParser

    from thaadsim.report.html import data_table_html

    df = pd.DataFrame({"threat_id": ["T01 <x>", "T02"], "name": ["scud-c Wonsan → Daegu", "nodong"],
                       "engageable": [True, False], "range_km": [378.04, float("nan")], "p_kill": [0.9995, 0.5]})

    class Cells(HTMLParser):
        def __init__(self):
            super().__init__()
            self.cells, self._cls, self._td = [], None, False

        def handle_starttag(self, tag, attrs):
            if tag == "td":
                self._td, self._cls = True, dict(attrs).get("class")

        def handle_endtag(self, tag):
            self._td = tag != "td" and self._td

        def handle_data(self, data):
            if self._td:
                self.cells.append((data, self._cls))

    p = Cells()
    p.feed(data_table_html(df))
    assert p.cells[:5] == [("T01 <x>", "t"), ("scud-c Wonsan → Daegu", "t"), ("True", "t"), ("378.0", "n"),
                           ("> 0.999", "n")]
    assert p.cells[8] == ("—", "n")
    html = build_html(_content(tables=[("T", df)]))
    assert ".data td.t" in html and "T01 &lt;x&gt;" in html


def test_map_labels_of_neighbours_do_not_face_each_other():
    """Wonsan (127.45E) and Pyongyang (125.75E), either side of the Seongju map's centre (126.6E),
    had their labels pointed at each other and printed on top of one another."""
    from thaadsim.report.html import label_positions

    sites = [Site("a", "Pyongyang area", 39.0, 125.75, kind="launch"), Site("b", "Wonsan area", 39.15, 127.45,
                                                                             kind="launch"),
             Site("c", "Far east edge", 36.0, 132.8, kind="asset")]
    box = (120.3, 31.9, 132.9, 42.7, 126.6)
    pos = label_positions(sites, {0: sites[0].name, 1: sites[1].name, 2: sites[2].name}, box)
    assert not (pos[0].endswith("right") and pos[1].endswith("left")), pos
    assert pos[2].endswith("left")          # near the east edge: the label goes inward, not off the map
    # a lone label keeps the old rule: toward the centre
    assert label_positions(sites[:1], {0: "x"}, box) == {0: "top right"}


def test_probabilities_near_one_or_zero_do_not_read_as_certain():
    """P(kill) 0.9995 (one survivor in 2,000 runs) was printed "1"."""
    from thaadsim.analysis.result import _round
    from thaadsim.report.html import data_table_html

    df = _round(pd.DataFrame({"threat_id": ["T01", "T02", "T03", "T04"], "p_kill": [0.9995, 1.0, 0.0004, 0.806]}))
    html = data_table_html(df)
    cells = re.findall(r"<td class='n'>([^<]*)</td>", html)
    assert cells == ["&gt; 0.999", "1", "&lt; 0.001", "0.806"]
    page = build_html(_content(figures=[Figure("P(no leaker)", 0.9996, "", "")]))
    assert "<td>&gt; 0.999</td>" in page
