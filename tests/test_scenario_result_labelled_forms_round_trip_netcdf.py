"""A scenario run's labelled forms and notebook views, against the run's own tables, NetCDF and HTML.

Authorities:
* the run's DataFrames (``threats``, ``detections``, ``engagements``, ``raid_table``) and its
  ``TrajectoryBatch``: the Dataset and the long frame must hold exactly their numbers, on the right labels;
* a NetCDF file written and read back with h5netcdf: nothing lost, units kept;
* the CF conventions (CF-1.8 units as UDUNITS spells them: ``degrees_north``, ``km s-1``, ``1``), the
  same spellings :meth:`TrajectoryBatch.to_xarray` uses;
* Python's HTML parser: each ``_repr_html_`` is well-formed HTML with no script, carrying the key figures.
"""

from __future__ import annotations

from html.parser import HTMLParser

import numpy as np
import pytest
import xarray as xr

import thaadsim
from thaadsim.io.examples import examples_dir

# CF units expected for the variables a reader plots first (UDUNITS spellings, CF-1.8 §3.1, §4.1-4.2)
CF_UNITS = {"range_km": "km", "apogee_km": "km", "flight_time_s": "s", "launch_time_s": "s",
            "impact_lat_deg": "degrees_north", "impact_lon_deg": "degrees_east", "burnout_speed_kms": "km s-1",
            "t_s": "s", "lat_deg": "degrees_north", "lon_deg": "degrees_east", "alt_km": "km", "speed_kms": "km s-1",
            "first_detection_alt_km": "km", "track_time_s": "s", "detected": "1", "engageable": "1",
            "shots_possible": "1", "closing_speed_kms": "km s-1", "p_kill": "1", "p_no_leaker": "1",
            "expected_leakers": "1"}


@pytest.fixture(scope="module")
def result():
    return thaadsim.load_scenario(str(examples_dir() / "seongju.toml")).run()


@pytest.fixture(scope="module")
def ds(result):
    return result.to_xarray()


def test_every_variable_has_cf_units_and_a_long_name(ds):
    for name, var in ds.data_vars.items():
        if var.dtype.kind in "OUS":          # text (why a battery cannot engage) carries no unit
            continue
        assert "units" in var.attrs and "long_name" in var.attrs, name
    for name, units in CF_UNITS.items():
        assert ds[name].attrs["units"] == units, name
    assert ds.attrs["Conventions"] == "CF-1.8"


def test_units_are_the_trajectory_batch_conventions(result, ds):
    own = result.batch.to_xarray()
    for name in ("t_s", "lat_deg", "lon_deg", "alt_km", "speed_kms", "range_km", "apogee_km", "flight_time_s"):
        assert ds[name].attrs["units"] == own[name].attrs["units"], name


def test_threat_figures_and_samples_are_the_run_s_own(result, ds):
    th = result.threats
    assert list(ds.threat.values) == list(th["threat_id"])
    for c in ("range_km", "apogee_km", "flight_time_s", "launch_time_s", "miss_km"):
        np.testing.assert_array_equal(ds[c].values, th[c].to_numpy(float))
    assert list(ds.missile_id.values) == list(th["missile_id"])
    b = result.batch
    np.testing.assert_array_equal(ds.alt_km.values, b.alt_m / 1e3)
    np.testing.assert_array_equal(ds.t_s.values, b.t_s)
    assert ds.sizes["sample"] == b.t_s.shape[1]


def test_pairs_are_on_the_right_labels(result, ds):
    for r in result.detections.itertuples():
        cell = ds.sel(threat=r.threat_id, radar=r.radar_id)
        assert bool(cell.detected) == bool(r.detected)
        np.testing.assert_equal(float(cell.first_detection_s), r.first_detection_s)
    for r in result.engagements.itertuples():
        cell = ds.sel(threat=r.threat_id, battery=r.battery_id)
        assert bool(cell.engageable) == bool(r.engageable)
        np.testing.assert_equal(float(cell.earliest_intercept_s), r.earliest_intercept_s)
        why = r.not_engageable_reason if isinstance(r.not_engageable_reason, str) else ""   # NaN: engageable
        assert str(cell.not_engageable_reason.values) == why
    for r in result.raid_table.itertuples():
        assert float(ds.p_kill.sel(threat=r.threat_id)) == r.p_kill
    assert float(ds.p_no_leaker) == result.raid_summary["p_no_leaker"]


def test_netcdf_round_trip_keeps_values_and_units(ds, tmp_path):
    path = tmp_path / "seongju.nc"
    ds.to_netcdf(path, engine="h5netcdf")
    with xr.open_dataset(path, engine="h5netcdf") as back:
        back = back.load()
    xr.testing.assert_equal(back, ds)
    for name, var in ds.data_vars.items():
        assert back[name].attrs.get("units") == var.attrs.get("units"), name
    assert back.attrs["scenario_sha256"] == ds.attrs["scenario_sha256"]


def test_long_frame_holds_every_sample_of_every_threat(result):
    long = result.to_long_dataframe()
    b = result.batch
    assert len(long) == int(b.n_samples.sum())
    th = result.threats.set_index("threat_id")
    for i, tid in enumerate(result.threats["threat_id"]):
        mine = long[long.threat_id == tid]
        one = b.to_dataframe(i)
        np.testing.assert_array_equal(mine["alt_km"].to_numpy(), one["alt_km"].to_numpy())
        np.testing.assert_allclose(mine["t_scenario_s"].to_numpy(), th.loc[tid, "launch_time_s"] + one["t_s"].to_numpy())
        assert set(mine["target"]) == {th.loc[tid, "target"]}


class _Parsed(HTMLParser):
    """Tags opened and closed, and the text, of an HTML fragment."""

    VOID = {"br", "hr", "img", "meta", "link", "input"}

    def __init__(self, text):
        super().__init__()
        self.stack, self.tags, self.text, self.balanced = [], [], [], True
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.balanced = False

    def handle_data(self, data):
        self.text.append(data)


def _check_html(obj, *must_contain):
    h = obj._repr_html_()
    p = _Parsed(h)
    assert p.balanced and not p.stack, "unbalanced HTML"
    assert "script" not in p.tags and "<script" not in h.lower()
    assert "table" in p.tags
    text = " ".join(p.text)
    for s in must_contain:
        assert s in text, (s, text[:500])
    return text


def test_repr_html_of_the_scenario_result(result):
    r = result.raid_summary
    _check_html(result, result.plan.title, "P(no leaker)", f"{r['expected_leakers']:.4g}",
                result.threats["threat_id"].iloc[0])


def test_repr_html_of_a_trajectory_batch(result):
    b = result.batch
    _check_html(b, f"{len(b)} trajectories", f"{b.range_km[0]:,.1f}", str(b.missile_id[0]))


def test_repr_html_of_a_raid_result():
    from thaadsim.defense.raid import simulate_raid
    from thaadsim.validation.montecarlo import battery_at_impact, one_threat

    rr = simulate_raid(one_threat(), [battery_at_impact(pk=0.5)], runs=400, seed=1, detect_s=100.0)
    s = rr.summary()
    _check_html(rr, "400 runs", "P(no leaker)", f"{s['expected_leakers']:.4g}", "interceptors expended (mean)")


def test_repr_html_of_a_footprint_map():
    from _footprint_cases import PYONGYANG_AREA, thaad_at_seongju
    from thaadsim.analysis.footprint_map import footprint_map

    bat, radars = thaad_at_seongju(pk=0.8)
    fm = footprint_map("nodong", *PYONGYANG_AREA, [bat], radars, grid_n=4, span_km=300.0, workers=1)
    _check_html(fm, "nodong", "defended area", f"{fm.aimpoints_reachable:,}")


def test_repr_html_of_detections_and_engagement_windows(result):
    det = next(iter(result.detection_results.values()))
    _check_html(det, det.radar_id, f"of {len(det)} trajectories detected", "first_detection_s")
    w = result.windows
    _check_html(w, f"{int(w.engageable.sum())} pairs engageable", str(w.battery_ids[0]), "shots_possible")
