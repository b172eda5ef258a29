"""The shipped examples run end to end, answer what they ask, and agree with plain geometry.

Independent references: geographiclib (geodesic distances and ground tracks), the THAAD
interceptor's published 200 km maximum range (ROK MND [ref:uscc-2016, chinadaily-thaad-2016]), and a real browser for
the Seongju report (skipped where no Chromium exists).
"""

import json
from pathlib import Path

import numpy as np
import pytest
from geographiclib.geodesic import Geodesic

from thaadsim.io.scenario_outputs import load_run_scenario
from thaadsim.report.outputs import write_outputs

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
G = Geodesic.WGS84
SEONGJU = (36.0, 128.2)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = {}
    for name in ("seongju", "strategic", "guam"):
        scn = load_run_scenario(EXAMPLES / f"{name}.toml")
        scn.montecarlo.runs = 100
        for q in scn.analysis.defended_area:     # a coarse footprint grid keeps the test quick
            q.grid_n = 5
        res = scn.run()
        d = tmp_path_factory.mktemp(name)
        out[name] = (scn, res, write_outputs(res, d))
    return out


@pytest.mark.parametrize("name", ["seongju", "strategic", "guam"])
def test_example_runs_completely(runs, name):
    scn, res, paths = runs[name]
    assert res.missing == []
    s = json.loads(paths["summary.json"].read_text())
    assert len(s["threats"]) == sum(t.count for t in scn.threats)
    assert s["raid"]["runs"] == 100
    for r in scn.radars:
        assert any(a.startswith(f"Radar {r.id} ") for a in s["answers"])
    for b in scn.batteries:
        assert any(a.startswith(f"Battery {b.id} ") for a in s["answers"])


@pytest.mark.parametrize("name", ["seongju", "strategic", "guam"])
def test_every_threat_flies_to_its_aimpoint(runs, name):
    _, res, _ = runs[name]
    for t, row in zip(res.plan.threats, res.threats.itertuples()):
        ref_km = G.Inverse(t.launch.lat_deg, t.launch.lon_deg, t.target.lat_deg, t.target.lon_deg)["s12"] / 1e3
        assert row.range_km == pytest.approx(ref_km, abs=3.0), t.id


def test_strategic_icbms_never_come_within_thaad_reach_of_seongju(runs):
    """Every ICBM ground track (geodesic launch -> target) stays more than 200 km from Seongju, so the
    THAAD battery there can engage none of them; the run must say so."""
    _, res, _ = runs["strategic"]
    for t in res.plan.threats:
        line = G.InverseLine(t.launch.lat_deg, t.launch.lon_deg, t.target.lat_deg, t.target.lon_deg)
        s = np.linspace(0.0, line.s13, 400)
        pts = [line.Position(x) for x in s]
        closest = min(G.Inverse(*SEONGJU, p["lat2"], p["lon2"])["s12"] for p in pts) / 1e3
        assert closest > 200.0
    assert not res.engagements["engageable"].any()
    assert res.raid_summary["expected_leakers"] == len(res.plan.threats)


def test_seongju_thaad_covers_threats_aimed_within_its_reach(runs):
    """Daegu and Busan lie within THAAD's 200 km of Seongju; the battery must be able to engage the
    threats aimed there that pass through its 40-150 km band within 200 km *in front of* its radar
    face (325°, 60° half width, geographiclib azimuths), and none whose every such point lies behind
    the face (the lofted ones, which come down steeply south-east of Seongju): THAAD's interceptor
    flies on the TPY-2's track, and a single face cannot see behind itself."""
    scn, res, _ = runs["seongju"]
    for city in ("Daegu", "Busan"):
        t = next(t for t in res.plan.threats if t.target.name == city)
        assert G.Inverse(*SEONGJU, t.target.lat_deg, t.target.lon_deg)["s12"] < 200e3
    face = next(r.face_az_deg for r in scn.radars if r.id == "TPY-2 Seongju")
    e = res.engagements[res.engagements["battery_id"] == "THAAD Seongju"].set_index("threat_id")
    b = res.batch
    seen_in_front = {}
    for i, t in enumerate(res.plan.threats):
        if t.target.name not in ("Daegu", "Busan"):
            continue
        m = b.valid[i] & (b.alt_m[i] >= 40e3) & (b.alt_m[i] <= 150e3) & (b.phase[i] >= 1)
        inv = [G.Inverse(*SEONGJU, a, c) for a, c in zip(b.lat_deg[i][m], b.lon_deg[i][m])]
        off = np.array([abs((x["azi1"] - face + 180.0) % 360.0 - 180.0) for x in inv])
        near = np.array([x["s12"] <= 200e3 for x in inv])
        seen_in_front[t.id] = bool((near & (off <= 59.0)).any())
        if not (near & (off <= 61.0)).any():
            assert not e.loc[t.id, "engageable"], t.id
    assert sum(seen_in_front.values()) >= 4
    for tid, front in seen_in_front.items():
        if front:
            assert e.loc[tid, "engageable"], tid


def test_seongju_report_renders_in_a_browser(runs, tmp_path):
    from _browser import CHROMIUM
    from test_browser_report import check_in_browser, nonbackground_fraction

    if CHROMIUM is None:
        pytest.skip("no Chromium found (apt-get install chromium); the browser check needs a real browser")
    _, _, paths = runs["seongju"]
    shot = tmp_path / "seongju_map.png"
    external, errors, n, geo_paths, png = check_in_browser(paths["report.html"].resolve(), shot)
    print(f"\nscreenshot: {shot}")
    assert external == [] and errors == []
    assert n > 10 and geo_paths > 0
    assert nonbackground_fraction(png) > 0.02


def test_strategic_timeline_names_the_radar_of_each_track(runs):
    """The timeline's legend names the radar behind each track bar: with one "radar track" entry,
    the hypothetical forward-based TPY-2's tracks read as the terminal-mode radar's (which sees none).
    Checked against the detections table: a radar has a legend entry iff it detected something."""
    from thaadsim.report.html import timeline_figure

    _, res, _ = runs["strategic"]
    fig = timeline_figure(res.timeline())
    names = {t.name for t in fig.data}
    for rid, g in res.detections.groupby("radar_id"):
        assert (f"{rid}: radar track" in names) == bool(g["detected"].any()), rid
    assert "radar track" not in names


def test_strategic_not_engageable_reason_says_it_counts_only_after_burnout(runs):
    """'passes no closer than 8,081 km while inside thaad's altitude band' read as false to anyone
    who knows an ICBM from Jilin climbs through 40-150 km some 900 km from Seongju (geographiclib):
    the figure is for the unpowered flight only, and the reason must say so."""
    import re

    _, res, _ = runs["strategic"]
    for t in res.plan.threats:
        why = res.why_not(t.id, "THAAD Seongju")
        assert "after burnout" in why, why
        launch_km = G.Inverse(*SEONGJU, t.launch.lat_deg, t.launch.lon_deg)["s12"] / 1e3
        quoted = float(re.search(r"no closer than ([\d,]+) km", why).group(1).replace(",", ""))
        assert quoted > launch_km      # not the boost-phase distance


def test_seongju_not_engageable_reasons_agree_with_the_defense_layer(runs):
    """The report said 'detected at 84 s, too late for the fire-control timeline' for lofted threats
    that are in fact engageable only behind the TPY-2's face; every reason not about the envelope
    must be the defense layer's own (thaadsim.defense.engagement.not_engageable_reasons)."""
    from thaadsim.defense.engagement import not_engageable_reasons

    _, res, _ = runs["seongju"]
    ids = [t.id for t in res.plan.threats]
    for j, bat in enumerate(res.plan.batteries):
        ref = not_engageable_reasons(res.batch, bat, res.windows, res.windows.battery_ids.index(bat.id))
        for i, tid in enumerate(ids):
            if res.windows.engageable[i, res.windows.battery_ids.index(bat.id)]:
                continue
            why = res.why_not(tid, bat.id)
            assert "too late for the fire-control timeline" not in why
            if "passes no closer" not in why and "never inside" not in why:
                assert why == f"{tid}: {ref[i]}"


def test_guam_answers_which_layer_gets_the_first_shot(runs):
    """guam.toml asks which layer gets the first shot. Every layer can engage every threat there, so
    the first opportunity belongs to the battery nearest the launch area along the track: the ship in
    the Philippine Sea, ~1,900 km closer to North Korea than Guam (geographiclib)."""
    scn, res, _ = runs["guam"]
    ship = next(b for b in scn.batteries if b.interceptor == "sm3-iia")
    guam = next(b for b in scn.batteries if b.interceptor == "thaad")
    for t in res.plan.threats:
        d_ship = G.Inverse(t.launch.lat_deg, t.launch.lon_deg, ship.lat_deg, ship.lon_deg)["s12"]
        d_guam = G.Inverse(t.launch.lat_deg, t.launch.lon_deg, guam.lat_deg, guam.lon_deg)["s12"]
        assert d_guam - d_ship > 1.0e6
    n = len(res.plan.threats)
    first = [a for a in res.answers if a.startswith("Earliest intercept opportunity:")]
    assert len(first) == 1, res.answers
    assert first[0].startswith(f"Earliest intercept opportunity: {ship.id} for {n} of {n} threats (")
    assert ";" not in first[0]                # no other battery is first for any threat
