"""A defended footprint that reaches its grid's edge grows the grid until it does not.

Independent check: the footprint computed directly on one big grid (same cell size, one batch,
no growth) covering the grown one. Both grids share their nodes, so once the grown footprint no
longer reaches its edge, the big grid must find exactly the same defended aimpoints, and the same
area. The cap case is checked against the arithmetic of square rings ((n + 2k)² nodes).
"""

import numpy as np
import pytest

from thaadsim.analysis.footprint import defended_footprints
from thaadsim.defense.battery import make_battery
from thaadsim.errors import ThaadsimError

pytestmark = pytest.mark.usefixtures("private_cache")

SEONGJU = (36.0, 128.2)
LAUNCH = (39.15, 127.45)      # Wonsan area: a Nodong aimed over the battery comes down on it


def _fp(half_width_km, n, max_nodes=None):
    bat = make_battery("thaad", *SEONGJU, id="THAAD")
    return defended_footprints("nodong", *LAUNCH, [bat], {}, center_lat_deg=SEONGJU[0], center_lon_deg=SEONGJU[1],
                               half_width_km=half_width_km, n=n, max_nodes=max_nodes)


def _defended_nodes(r, cell):
    m = r["per_battery"]["THAAD"]["defended_mask"]
    return {(int(round(x / cell)), int(round(y / cell))) for x, y in zip(r["x_km"][m], r["y_km"][m])}


@pytest.fixture(scope="module")
def grown():
    # 3 x 3 aimpoints 100 km apart around a THAAD battery: its footprint (a few hundred km across)
    # certainly covers the whole initial grid, edge included
    return _fp(100.0, 3, max_nodes=2000)


def test_footprint_touching_the_edge_grows_until_it_no_longer_does(grown):
    r = grown
    assert r["rings_added"] >= 1 and r["growth_steps"] == r["rings_added"]
    assert r["stop_reason"] == "clear" and not r["touches_edge"]
    assert not r["per_battery"]["THAAD"]["touches_edge"]
    # same cell size, whole rings: the grid is (3 + 2k)² nodes spanning 100 + 100 k km
    k = r["rings_added"]
    assert r["cell_km"] == pytest.approx(100.0)
    assert r["grid_n"] == 3 + 2 * k and r["nodes"] == (3 + 2 * k) ** 2
    assert r["half_width_km"] == pytest.approx(100.0 * (1 + k))
    assert r["x_km"].size == r["nodes"]
    assert len(_defended_nodes(r, 100.0)) == r["per_battery"]["THAAD"]["defended_nodes"]
    # the battery's own aimpoint (the centre) is defended: a threat coming down on a THAAD is engageable
    assert (0, 0) in _defended_nodes(r, 100.0)


def test_grown_footprint_equals_the_one_on_a_big_grid_flown_at_once(grown):
    side = grown["grid_n"] + 4                      # two more rings than the grown grid, same cells
    big = _fp(100.0 * (side - 1) / 2, side, max_nodes=side * side)
    assert big["rings_added"] == 0 and big["stop_reason"] == "clear" and not big["touches_edge"]
    assert big["cell_km"] == pytest.approx(grown["cell_km"])
    assert _defended_nodes(big, 100.0) == _defended_nodes(grown, 100.0)
    assert big["per_battery"]["THAAD"]["area_km2"] == pytest.approx(grown["per_battery"]["THAAD"]["area_km2"],
                                                                    rel=1e-9)
    # and a grid larger from the start but still touched grows to the same answer
    mid = _fp(200.0, 5, max_nodes=2000)
    assert _defended_nodes(mid, 100.0) == _defended_nodes(grown, 100.0)
    assert mid["grid_n"] == grown["grid_n"]


def test_growth_stops_at_the_node_cap_and_says_so(grown):
    assert grown["grid_n"] >= 7                      # so a cap of 25 nodes must stop it at 5 x 5
    r = _fp(100.0, 3, max_nodes=48)                  # 5² = 25 fits, 7² = 49 does not
    assert r["stop_reason"] == "cap" and r["max_nodes"] == 48
    assert r["grid_n"] == 5 and r["nodes"] == 25 and r["rings_added"] == 1
    assert r["touches_edge"] and r["per_battery"]["THAAD"]["touches_edge"]
    # what it has is a subset of the full footprint
    assert _defended_nodes(r, 100.0) <= _defended_nodes(grown, 100.0)
    none = _fp(100.0, 3, max_nodes=9)               # no room for a single ring
    assert none["stop_reason"] == "cap" and none["rings_added"] == 0 and none["touches_edge"]


def test_growth_is_deterministic(grown):
    again = _fp(100.0, 3, max_nodes=2000)
    for key in ("grid_n", "nodes", "reachable_nodes", "rings_added", "stop_reason"):
        assert again[key] == grown[key]
    np.testing.assert_array_equal(again["per_battery"]["THAAD"]["defended_mask"],
                                  grown["per_battery"]["THAAD"]["defended_mask"])
    assert again["per_battery"]["THAAD"]["area_km2"] == grown["per_battery"]["THAAD"]["area_km2"]


def test_a_cap_below_the_initial_grid_is_a_user_error():
    with pytest.raises(ThaadsimError, match="max_nodes"):
        _fp(100.0, 5, max_nodes=24)


def _seongju_run(tmp_path, edits):
    from pathlib import Path

    from thaadsim.io.scenario_outputs import load_run_scenario

    text = (Path(__file__).resolve().parents[1] / "examples" / "seongju.toml").read_text()
    p = tmp_path / "s.toml"
    p.write_text(text)
    scn = load_run_scenario(p)
    scn.montecarlo.runs = 10
    for k, v in edits.items():
        setattr(scn.analysis.defended_area[0], k, v)
    return scn.run()


@pytest.mark.parametrize("max_nodes, capped", [(25, True), (121, False)])
def test_report_states_the_final_grid_and_warns_only_when_capped(tmp_path, max_nodes, capped):
    import json

    from thaadsim.report.outputs import write_outputs

    res = _seongju_run(tmp_path, {"grid_n": 3, "half_width_km": 80.0, "max_nodes": max_nodes})
    s = json.loads(write_outputs(res, tmp_path / "out")["summary.json"].read_text())
    fp = s["defended_footprints"][0]
    g = fp["final_grid"]
    assert fp["grid_n"] == 3 and g["initial_grid_n"] == 3 and g["grid_n"] == 3 + 2 * g["rings_added"]
    assert g["rings_added"] >= 1 and g["nodes"] == g["grid_n"] ** 2
    assert g["stop_reason"] == ("cap" if capped else "clear") and g["touches_edge"] is capped
    ans = next(a for a in s["answers"] if a.startswith("Defended footprint"))
    assert f"{g['grid_n']}×{g['grid_n']} grid spanning ±{g['half_width_km']:,.0f} km" in ans
    assert f"{g['reachable_nodes']} flown" in ans and "grown from 3×3" in ans
    assert ("larger in fact" in ans) is capped
