"""A scenario question may name the answer view it is about (``[analysis] questions``, see
``thaadsim.io.scenario_outputs.Question``); the report prints that view's answer under it.

Checked against authorities outside the code under test:

* the raid line under a ``view = "raid"`` question states P(no leaker) with the 95 % Wilson score
  interval of its run count, recomputed here from Wilson's closed form (Wilson 1927, J. Am. Stat.
  Assoc. 22:209);
* the coverage line under a ``view = "coverage"`` question states the covered ground area at its
  altitude, recomputed here as the geodesic area of the coverage polygon's outline on WGS84 by
  pyproj's ``Geod.polygon_area_perimeter`` (Karney 2013);
* the engagement line counts the engageable rows of the run's engagement-window table;
* plain strings stay valid questions with no link; a link the file cannot answer (unknown view,
  ``alt_km`` not among ``coverage_alt_km``, a footprint without ``[[analysis.defended_area]]``, a
  strategic table without ``[analysis.strategic]``) is one ThaadsimError naming the file and field,
  and ``thaadsim run`` exits 2 with one line before flying anything.
"""

import math
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from pyproj import Geod

from thaadsim.errors import ThaadsimError
from thaadsim.io.scenario import scenario_from_dict
from thaadsim.io.scenario_outputs import RunScenario

EXAMPLE = Path(__file__).resolve().parents[1] / "src" / "thaadsim" / "data" / "examples" / "seongju.toml"


def _data():
    return tomllib.loads(EXAMPLE.read_text())


def _error(data) -> str:
    with pytest.raises(ThaadsimError) as ei:
        scenario_from_dict(data, "my.toml", RunScenario)
    return str(ei.value)


def _wilson(successes: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval, closed form."""
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def test_plain_and_linked_questions_are_both_valid():
    d = _data()
    d["analysis"]["questions"] = ["a plain question", {"text": "the raid?", "view": "raid"},
                                  {"text": "coverage?", "view": "coverage", "alt_km": 40.0}]
    scn = scenario_from_dict(d, "my.toml", RunScenario)
    plan = scn.to_plan()
    assert plan.questions == ["a plain question", "the raid?", "coverage?"]
    assert plan.question_views == [None, ("raid", None), ("coverage", 40.0)]


@pytest.mark.parametrize("question,field,words", [
    ({"text": "q", "view": "leakers"}, "analysis.questions.0.view", "raid"),
    ({"text": "q", "view": "raid", "alt_km": 40.0}, "analysis.questions.0", "coverage"),
    ({"text": "q", "view": "coverage", "alt_km": 75.0}, "analysis.questions.0.alt_km", "coverage_alt_km"),
    ({"text": "q", "view": "coverage", "alt_km": -5.0}, "analysis.questions.0.alt_km", "[0, 3,000]"),
    ({"text": "q", "view": "strategic"}, "analysis.questions.0.view", "[analysis.strategic]"),
    ({"text": "", "view": "raid"}, "analysis.questions.0.text", "at least 1"),
    ({"text": "q", "see": "raid"}, "analysis.questions.0.see", "unknown key"),
    (42, "analysis.questions.0", "table"),
])
def test_a_link_the_file_cannot_answer_is_one_error_naming_the_field(question, field, words):
    d = _data()
    d["analysis"]["questions"] = [question]
    msg = _error(d)
    assert msg.startswith(f"my.toml: {field}"), msg
    assert words in msg, msg
    assert "\n" not in msg


def test_footprint_view_needs_a_defended_area_request():
    d = _data()
    d["analysis"]["questions"] = [{"text": "q", "view": "footprint"}]
    d["analysis"]["defended_area"] = []
    msg = _error(d)
    assert msg.startswith("my.toml: analysis.questions.0.view") and "[[analysis.defended_area]]" in msg, msg


def test_thaadsim_run_refuses_an_unanswerable_link_in_one_line(tmp_path):
    import tomli_w

    d = _data()
    d["analysis"]["questions"] = [{"text": "q", "view": "coverage", "alt_km": 75.0}]
    bad = tmp_path / "bad.toml"
    bad.write_text(tomli_w.dumps(d))
    proc = subprocess.run([sys.executable, "-m", "thaadsim", "run", str(bad), "--out", str(tmp_path / "out"), "-q"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    lines = [x for x in proc.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and "analysis.questions.0.alt_km" in lines[0] and "Traceback" not in proc.stderr
    assert not (tmp_path / "out" / "report.html").exists()


@pytest.fixture(scope="module")
def small_run():
    """The Seongju layout against two threats, 1,000 raid runs, no footprint (quick)."""
    from thaadsim.analysis.pipeline import run_plan

    d = _data()
    d["threats"] = [dict(d["threats"][0], count=1), dict(d["threats"][2], count=1)]
    d["montecarlo"]["runs"] = 1000
    d["analysis"]["defended_area"] = []
    d["analysis"]["questions"] = [
        "a plain question",
        {"text": "raid?", "view": "raid"},
        {"text": "coverage at 150 km?", "view": "coverage", "alt_km": 150.0},
        {"text": "coverage?", "view": "coverage"},
        {"text": "engage?", "view": "engagement_windows"},
        {"text": "detect?", "view": "detections"},
    ]
    scn = scenario_from_dict(d, "small.toml", RunScenario)
    return run_plan(scn.to_plan())


def test_raid_answer_states_p_no_leaker_with_its_wilson_interval(small_run):
    qa = small_run.question_answers()
    assert [q["view"] for q in qa] == [None, "raid", "coverage", "coverage", "engagement_windows", "detections"]
    assert qa[0]["answer"] is None
    raid = small_run.raid_summary
    n = raid["runs"]
    k = round(raid["p_no_leaker"] * n)
    lo, hi = _wilson(k, n)
    m = re.search(r"P\(no leaker\) = ([0-9.]+) \(95 % interval ([0-9.]+)–([0-9.]+)\)", qa[1]["answer"])
    assert m, qa[1]["answer"]
    assert float(m.group(1)) == pytest.approx(k / n, abs=5e-4)
    assert float(m.group(2)) == pytest.approx(lo, abs=5e-4) and float(m.group(3)) == pytest.approx(hi, abs=5e-4)


def test_coverage_answer_is_the_geodesic_area_of_the_coverage_polygon(small_run):
    geod = Geod(ellps="WGS84")
    qa = small_run.question_answers()
    at150 = re.findall(r"(\S[^;]*?) covers ([0-9,]+) km² for targets at ([0-9.]+) km altitude", qa[2]["answer"])
    every = re.findall(r"covers ([0-9,]+) km² for targets at ([0-9.]+) km altitude", qa[3]["answer"])
    assert [float(a) for _, _, a in at150] == [150.0]
    assert sorted(float(a) for _, a in every) == [40.0, 150.0]
    for c in small_run.coverage:
        polys = getattr(c["polygon"], "geoms", [c["polygon"]])
        area = 0.0
        for poly in polys:
            x, y = poly.exterior.xy
            area += abs(geod.polygon_area_perimeter(list(x), list(y))[0])
            for hole in poly.interiors:
                hx, hy = hole.xy
                area -= abs(geod.polygon_area_perimeter(list(hx), list(hy))[0])
        stated = next(float(s.replace(",", "")) for s, a in every if float(a) == c["alt_km"])
        assert stated == pytest.approx(area / 1e6, abs=1.0), (c["alt_km"], stated, area / 1e6)


def test_engagement_and_detection_answers_count_the_run_tables(small_run):
    qa = small_run.question_answers()
    eng = small_run.engagements
    for bid, g in eng.groupby("battery_id", sort=False):
        assert f"Battery {bid} can engage {int(g['engageable'].sum())} of {len(g)} threats" in qa[4]["answer"]
    det = small_run.detections
    for rid, g in det.groupby("radar_id", sort=False):
        assert f"Radar {rid} detects {int(g['detected'].sum())} of {len(g)} threats" in qa[5]["answer"]


def test_the_report_prints_each_answer_under_its_question(small_run):
    from thaadsim.report.html import build_html

    html = build_html(small_run.report_content())
    import html as _html

    page = _html.unescape(html)
    start = page.index("Questions this scenario asks")
    for q in small_run.question_answers():
        i = page.index(q["question"], start)
        if q["answer"] is not None:
            j = page.index(q["answer"], i)
            assert page[i:j].count("<li>") == 0       # under its own question, before the next one
