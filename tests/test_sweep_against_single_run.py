"""A sweep case against ``thaadsim run`` of the same scenario: an independent path to the figures.

``thaadsim run`` goes through ``run_plan`` (its own flight call, detections, engagement, raid, the
report's summary) and writes summary.json; the sweep validates each case from the TOML mapping,
groups flights and runs the pipeline's per-stage functions in chunks. With common random numbers
(the default) a case equal to the file must reproduce the run's figures exactly.

The varied field, ``montecarlo.chunk_runs``, cannot matter: the raid draws its runs in order
whatever the chunk (defense.raid, "Randomness"), so every case must equal the run.
"""

import json

import numpy as np
import pytest

from sweep_scenario import write_scenario
from thaadsim.cli import main
from thaadsim.sweep import sweep


@pytest.fixture(scope="module")
def single_run(tmp_path_factory):
    d = tmp_path_factory.mktemp("run")
    scn = write_scenario(d)
    with pytest.raises(SystemExit) as exc:
        main(["run", str(scn), "--out", str(d / "out"), "--quiet", "--runs", "400"])
    assert exc.value.code == 0
    return scn, json.loads((d / "out" / "summary.json").read_text())


def test_cases_that_cannot_differ_equal_the_single_run_summary(single_run):
    scn, summary = single_run
    ds = sweep(scn, ["montecarlo.chunk_runs=7,100,5000"], workers=1, runs=400)
    raid = summary["raid"]
    assert raid["runs"] == 400
    for k in range(3):
        case = ds.isel({"montecarlo.chunk_runs": k})
        assert float(case.p_no_leaker) == raid["p_no_leaker"]
        assert float(case.expected_leakers) == pytest.approx(raid["expected_leakers"], rel=0, abs=1e-12)
        assert float(case.interceptors_expended) == pytest.approx(raid["interceptors_expended_mean"], abs=1e-12)
        per_threat = {t["threat_id"]: t for t in summary["raid_per_threat"]}
        assert [float(x) for x in case.p_kill] == pytest.approx([per_threat[t]["p_kill"] for t in ds.threat.values],
                                                                 abs=1e-12)
        eng = {}
        for e in summary["engagements"]:
            eng[e["threat_id"]] = eng.get(e["threat_id"], False) or bool(e["engageable"])
        assert [bool(x) for x in case.engageable] == [eng[t] for t in ds.threat.values]
        # the single radar's first detection of each threat (seconds after its launch)
        det = {d["threat_id"]: d["first_detection_s"] for d in summary["detections"]}
        assert [float(x) for x in case.first_detection_s] == pytest.approx([det[t] for t in ds.threat.values],
                                                                            abs=1e-9)


def test_a_varied_value_equal_to_the_file_reproduces_the_run(single_run):
    scn, summary = single_run
    ds = sweep(scn, ["batteries.0.pk=0.5,0.7,0.9"], workers=1, runs=400)   # the file says pk = 0.7
    assert float(ds.p_no_leaker.sel({"batteries.0.pk": 0.7})) == summary["raid"]["p_no_leaker"]
    # the standard error is the binomial one, sqrt(p (1 - p) / runs)
    p = summary["raid"]["p_no_leaker"]
    assert float(ds.p_no_leaker_se.sel({"batteries.0.pk": 0.7})) == pytest.approx(np.sqrt(p * (1 - p) / 400))
