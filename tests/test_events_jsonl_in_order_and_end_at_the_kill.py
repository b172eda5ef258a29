"""events.jsonl tells what happened, in order, and a kill ends its threat's events (issue 11, item 6).

Read back from ``thaadsim run`` on the shipped Seongju and layered examples and checked against
the run's own records: the lines are in time order; each threat ends exactly once, killed or
impacting; nothing of a threat (radar, engagement window, flight, interceptor) follows its end;
a kill is stamped at the intercept time of the earliest killing shot of that threat, before the
would-be impact; a leaker ends at its impact time, launch time + flight time from the flight
summary (``summary.json`` threats); interceptors launched at a threat that had been killed by the
time they arrived are counted in its kill event, as launches without an intercept.
"""

import json
from pathlib import Path

import pytest

from thaadsim.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
pytestmark = pytest.mark.usefixtures("private_cache")


def _run(name, out, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["run", str(EXAMPLES / name), "--out", str(out)])
    err = capsys.readouterr().err
    assert exc.value.code == 0, err
    events = [json.loads(line) for line in (out / "events.jsonl").read_text().splitlines()]
    return events, json.loads((out / "summary.json").read_text())


@pytest.mark.parametrize("name", ["raid_seongju.toml", "raid_layers.toml"])
def test_events_are_in_order_and_end_at_the_kill(name, tmp_path, capsys):
    events, summary = _run(name, tmp_path / "out", capsys)
    times = [e["time_s"] for e in events]
    assert times == sorted(times)
    impact = {t["threat_id"]: t["impact_scenario_s"] for t in summary["threats"]}
    ends = {}
    for k, e in enumerate(events):
        if e["event"] in ("killed_before_impact", "leak_impact"):
            assert e["threat"] not in ends, f"{e['threat']} ends twice"
            ends[e["threat"]] = k
    assert set(ends) == set(impact)                  # every threat ends, once
    kills = 0
    for threat, k in ends.items():
        mine = [(i, e) for i, e in enumerate(events) if e.get("threat") == threat]
        assert mine[-1][0] == k, f"{threat}: {mine[-1][1]} after its end {events[k]}"
        end = events[k]
        assert all(e["time_s"] <= end["time_s"] for _, e in mine)
        if end["event"] == "leak_impact":
            assert end["time_s"] == pytest.approx(impact[threat], abs=0.01)
            assert not any(e["event"] == "intercept" and e["outcome"] == "kill" for _, e in mine)
            continue
        kills += 1
        hits = [e for _, e in mine if e["event"] == "intercept" and e["outcome"] == "kill"]
        assert len(hits) == 1, "a dead threat is killed once; later shots meet nothing"
        assert (hits[0]["time_s"], hits[0]["battery"]) == (end["time_s"], end.get("battery"))
        assert end["time_s"] < end["would_have_impacted_s"] == pytest.approx(impact[threat], abs=0.01)
        launches = sum(e["event"] == "interceptor_launch" for _, e in mine)
        intercepts = sum(e["event"] == "intercept" for _, e in mine)
        assert launches - intercepts == end["interceptors_wasted"] >= 0
    assert kills > 0
    # radar and engagement-window events did exist for these threats, before their ends
    assert any(e["event"] == "radar_first_detection" for e in events)
    assert any(e["event"] == "engagement_window_open" for e in events)
