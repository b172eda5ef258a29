"""``thaadsim validate``: its JSON schema, every family, its exit status, and that the
against-reference test files call :mod:`thaadsim.validation` instead of keeping a copy of it.

Authorities: issue 12's schema (``{"rows": [{"name", "family", "reference", "value", "tolerance",
"pass"}]}``, families kepler ... catalog); the exit-status contract in the command's help (1 when a
row fails, 2 for a usage error); the test files' own source, read with :mod:`ast`.
"""

from __future__ import annotations

import ast
import json
import math
from pathlib import Path

import pytest

import thaadsim.validation as validation
from _validation import called_in, validation_aliases
from thaadsim.cli import main
from thaadsim.validation import FAMILIES, Check, Row, checks

TESTS = Path(__file__).parent
KEYS = {"name", "family", "reference", "value", "tolerance", "pass"}


def _run(capsys, *args):
    with pytest.raises(SystemExit) as e:
        main(["validate", *args])
    out = capsys.readouterr()
    return e.value.code, out.out, out.err


def test_every_family_has_checks_and_every_check_its_family():
    for fam in FAMILIES:
        got = checks(fam)
        assert got, f"no checks registered for {fam}"
        assert {c.family for c in got} == {fam}
    assert len({c.id for c in checks()}) == len(checks())          # ids are unique


# the checks that take seconds each (solve_ivp flights, shape tables built fresh, fitted rockets):
# everything else must stay in --quick
SLOW = {("rotation", "powered_flight_against_dop853"), ("atmosphere", "peak_q_against_a_solve_ivp_ascent"),
        ("catalog", "calibrations_recomputed_against_their_targets"),
        ("lofted-tests", "infer_met_range_against_published_estimate"),
        ("lofted-tests", "infer_band_consistent_with_published_estimate"),
        ("lofted-tests", "infer_not_below_the_keplerian_lower_bound"),
        ("lofted-tests", "infer_fit_flies_the_observed_test"),
        ("lofted-tests", "infer_fitted_rocket_flown_lofted_by_targeting"),
        ("lofted-tests", "infer_met_range_against_the_shape_table_maximum"),
        ("lofted-tests", "infer_reach_along_the_target_line"),
        ("lofted-tests", "infer_and_catalog_agree_washington_is_in_reach")}


def test_quick_leaves_out_only_the_slow_checks():
    slow = [c for c in checks() if not c.quick]
    assert {(c.family, c.func.__name__) for c in slow} == SLOW
    assert [c for c in checks() if c.quick] == checks(quick=True)


def test_json_schema_out_files_and_every_family(capsys, tmp_path):
    code, out, err = _run(capsys, "--quick", "--json", "--out", str(tmp_path / "v"))
    assert code == 0, err
    payload = json.loads(out)
    rows = payload["rows"]
    assert {r["family"] for r in rows} == set(FAMILIES)
    for r in rows:
        assert KEYS <= set(r), r
        assert isinstance(r["pass"], bool) and isinstance(r["name"], str) and r["name"]
        if r["pass"]:
            assert math.isfinite(r["value"]) and math.isfinite(r["reference"]) and r["tolerance"] >= 0
            assert r["lower"] <= r["value"] <= r["upper"]
        else:
            assert r["known_limit"], r            # exit 0 means only documented limitations fail
    assert payload["summary"]["all"]["rows"] == len(rows)
    # the files the docs site includes: the same rows
    assert json.loads((tmp_path / "v" / "validation.json").read_text())["rows"] == rows
    md = (tmp_path / "v" / "validation.md").read_text()
    for fam in FAMILIES:
        assert f"### {fam}" in md
    assert md.count("\n| ") - 2 * len(FAMILIES) == len(rows)        # one table line per row, plus two per header


def _only(monkeypatch, family, *funcs, known_limit=""):
    monkeypatch.setitem(validation._REGISTRY, family,
                        [Check(family, f.__name__, f, {}, True, known_limit) for f in funcs])


def _failing() -> Row:
    return Row.within("one plus one", "catalog", "arithmetic", value=3.0, reference=2.0, abs=0.5)


def _passing() -> Row:
    return Row.within("one plus one", "catalog", "arithmetic", value=2.0, reference=2.0, abs=0.5)


def _raising() -> Row:
    raise RuntimeError("the reference file is missing")


def test_exit_status_is_1_when_a_row_fails(capsys, monkeypatch):
    _only(monkeypatch, "catalog", _passing)
    assert _run(capsys, "--family", "catalog")[0] == 0
    _only(monkeypatch, "catalog", _passing, _failing)
    code, out, _ = _run(capsys, "--family", "catalog")
    assert code == 1 and "FAIL" in out and "1 fail" in out
    _only(monkeypatch, "catalog", _raising)
    code, out, _ = _run(capsys, "--family", "catalog", "--json")
    row = json.loads(out)["rows"][0]
    assert code == 1 and row["pass"] is False and "RuntimeError" in row["source"]


def test_a_documented_known_limit_is_listed_but_does_not_fail_the_run(capsys, monkeypatch):
    _only(monkeypatch, "catalog", _failing, known_limit="the model cannot fly it (see its notes)")
    code, out, _ = _run(capsys, "--family", "catalog")
    assert code == 0 and "known limit" in out


def test_help_states_the_exit_status_and_a_bad_family_is_exit_2(capsys):
    code, out, _ = _run(capsys, "--help")
    assert code == 0 and "1 when" in " ".join(out.split())
    code, _, err = _run(capsys, "--family", "orbits")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "orbits" in err


# the test files whose reference comparisons moved into thaadsim.validation (each keeps its name and authority)
AGAINST_FILES = ["test_flight_against_kepler", "test_flight_against_solve_ivp", "test_frames_against_pyproj",
                 "test_atmosphere_against_ussa76", "test_radar_against_textbook",
                 "test_radar_horizon_against_references", "test_targeting", "test_defense_reach_against_closed_form",
                 "test_raid_montecarlo_against_binomial", "test_montecarlo_intervals_against_binomial",
                 "test_lofted_inference_against_kepler", "test_catalog_against_lofted_tests",
                 "test_catalog_against_published_ranges", "test_engagement_against_closed_form",
                 "test_targeting_many_aimpoints_against_strict_solution", "test_sensors_detection_closed_form",
                 "test_swerling_against_closed_forms", "test_site_height_against_horizon_closed_form",
                 "test_spent_stage_against_solve_ivp", "test_max_q_against_ussa76_and_solve_ivp",
                 "test_catalog_calibrations_against_their_targets",
                 "test_catalog_range_bands_against_published_sources", "test_infer_against_published_estimates",
                 "test_infer_self_consistent_against_targeting"]


def _against_files():
    return [TESTS / f"{name}.py" for name in AGAINST_FILES]


def test_each_against_file_imports_the_validation_module():
    for path in _against_files():
        assert validation_aliases(ast.parse(path.read_text())), f"{path.name} does not call thaadsim.validation"


def test_every_check_is_run_by_a_test(monkeypatch):
    """The authority files run the checks that moved out of them; a check no file runs (a row added with
    one function) is run by test_new_validation_rows_against_their_references.py."""
    from _validation import claimed, unclaimed

    for path in _against_files():
        assert called_in(path), f"{path.name} runs no validation check"
    registered = {(c.func.__module__, c.func.__name__) for c in checks()}
    assert claimed() <= registered | {("thaadsim.validation.atmosphere", "against_ambiance")}
    new = [*validation._REGISTRY["catalog"], Check("catalog", "_passing", _passing, {}, True, "")]
    monkeypatch.setitem(validation._REGISTRY, "catalog", new)
    assert [c.name for c in unclaimed()][-1] == "_passing"


def test_the_test_files_keep_no_copy_of_the_validation_code():
    """No against-reference test file defines a function or table the validation package defines."""
    import importlib

    defined = set()
    for fam in FAMILIES:
        mod = importlib.import_module(validation._MODULES[fam])
        tree = ast.parse(Path(mod.__file__).read_text())
        defined |= {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
        defined |= {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets
                    if isinstance(t, ast.Name) and t.id.isupper() and t.id not in {"FAMILY", "MU", "R", "G0"}}
    for path in _against_files():
        tree = ast.parse(path.read_text())
        mine = {n.name.lstrip("_") for n in tree.body if isinstance(n, ast.FunctionDef)}
        mine |= {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets
                 if isinstance(t, ast.Name) and isinstance(n.value, (ast.List, ast.Dict, ast.Tuple))}
        copies = sorted(mine & defined)
        assert not copies, f"{path.name} keeps its own copy of {copies}: call thaadsim.validation instead"
