"""Catalog range bands and reach against their published sources and the rotating-Earth geometry.

Authorities:

* each missile's published range band (``range_km_low/nominal/high``) against the source text it
  cites (``range_band_source`` / ``range_source``, with ``[ref:KEY]``): every band figure is one the
  source text quotes, and the nominal figure is ``published_range_km``, the one calibrated to;
* the Earth's rotation, which adds the ground's eastward speed (omega R cos(latitude), 0.37 km/s at
  36.5 deg N) to an eastward shot and takes it from a westward one: from the home launch area the
  rotating-Earth reach is east > non-rotating figure > west;
* geodesic distances from pyproj (an independent library) for the targets near the edge of reach:
  every refusal there is the reach error naming that direction's maximum on the Earth model in use,
  and that maximum lies within 1.5 % of what the engine flies there.

The band figures against their source texts and the east > non-rotating > west reach are checks in
:mod:`thaadsim.validation.catalog` (the rows ``thaadsim validate`` prints).
"""

from __future__ import annotations

import re
import tomllib

import numpy as np
import pytest
from click.testing import CliRunner
from pyproj import Geod

from _validation import assert_rows_pass, params
from thaadsim.errors import ThaadsimError
from thaadsim.flight import fly_targeted, load_missile
from thaadsim.flight.catalog import RANGE_CONVENTION, catalog_dir, missile_from_dict, with_payload
from thaadsim.flight.targeting import max_range_on_azimuth_km
from thaadsim.validation import catalog as vc

FILES = sorted(catalog_dir().glob("*.toml"))
GEOD = Geod(ellps="WGS84")


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_band_is_ordered_cited_and_the_calibrated_figure(path):
    d = tomllib.loads(path.read_text())
    lo, nom, hi = d["range_km_low"], d["range_km_nominal"], d["range_km_high"]
    assert lo <= nom <= hi and nom == d["published_range_km"]
    assert "[" + "ref:" in d["range_band_source"] or "estimate" in d["range_band_source"]   # split: not a citation
    assert -90 <= d["home_launch_lat_deg"] <= 90 and "regional" in d["home_launch_source"]


@pytest.mark.parametrize("check", params(vc.range_band_figures_quoted_by_their_sources))
def test_band_figures_are_the_ones_the_cited_source_quotes(check):
    assert_rows_pass(check)


def test_loader_refuses_a_band_out_of_order_or_disagreeing_with_the_calibrated_figure():
    d = tomllib.loads((catalog_dir() / "df-41.toml").read_text())
    with pytest.raises(ThaadsimError, match="low <= nominal <= high"):
        missile_from_dict({**d, "range_km_low": 13000}, "x.toml")
    with pytest.raises(ThaadsimError, match="published_range_km"):
        missile_from_dict({**d, "published_range_km": 12500}, "x.toml")
    with pytest.raises(ThaadsimError, match="range_km_high"):
        missile_from_dict({k: v for k, v in d.items() if k != "range_km_high"}, "x.toml")


@pytest.mark.parametrize("check", params(vc.rotating_reach_east_above_convention_above_west))
def test_rotating_reach_from_home_is_east_above_the_convention_above_west(check):
    assert_rows_pass(check)


def test_catalog_show_states_the_convention_and_the_three_directions():
    from thaadsim.cli.catalog import catalog

    res = CliRunner().invoke(catalog, ["show", "hwasong-15"])
    assert res.exit_code == 0, res.output
    assert RANGE_CONVENTION[:40] in res.output
    for key in ("model_max_range_nonrotating_km", "rotating_max_range_east_km", "rotating_max_range_north_km",
                "rotating_max_range_west_km", "range_km_low", "range_km_high"):
        assert key in res.output


@pytest.mark.parametrize("mid, lat, lon, az", [("df-26", 36.5, 101.0, 0.0), ("hwasong-12", 39.0, 125.7, 90.0),
                                               ("df-41", 36.5, 101.0, 270.0)])
def test_near_maximum_range_every_refusal_is_the_reach_error_of_the_earth_in_use(mid, lat, lon, az):
    m = load_missile(mid)
    reach = float(max_range_on_azimuth_km(m, lat, lon, az)[0])
    fracs = np.array([0.99, 0.995, 1.0, 1.003, 1.02])
    for frac in fracs:
        lon2, lat2, _ = GEOD.fwd(lon, lat, az, reach * frac * 1e3)
        try:
            b = fly_targeted(mid, lat, lon, lat2, lon2, sample_dt_s=None)
        except ThaadsimError as exc:
            assert "converge" not in exc.problem, exc.problem
            assert "rotating WGS84 Earth" in exc.problem and "non-rotating" not in exc.problem
            stated = float(re.search(r"about ([\d,]+) km", exc.problem).group(1).replace(",", ""))
            assert stated == pytest.approx(reach, rel=0.015)
            assert frac >= 0.985          # refusals only at the edge
        else:
            assert b.miss_km[0] < 1.0 and frac <= 1.0 + 1e-3


def test_df41_to_washington_refused_at_the_catalog_payload_reaches_with_a_band_payload():
    from thaadsim.cli.fly import fly

    args = ["--missile", "df-41", "--from", "36.5,101.0", "--to", "38.9,-77.0"]
    res = CliRunner().invoke(fly, args)
    assert isinstance(res.exception, ThaadsimError)
    assert "rotating WGS84" in res.exception.problem and "--payload-kg" in res.exception.fix
    lightest = load_missile("df-41").meta["payload_kg_min"]
    res = CliRunner().invoke(fly, args + ["--payload-kg", str(lightest), "--json"])
    assert res.exit_code == 0, res.output
    res = CliRunner().invoke(fly, args + ["--payload-kg", "100"])
    assert isinstance(res.exception, ThaadsimError) and res.exception.field == "--payload-kg"


def test_payload_is_refused_where_the_band_does_not_come_from_payload_and_changes_only_the_rv():
    with pytest.raises(ThaadsimError, match="no payload span"):
        with_payload("nodong", 900.0)
    m, h = load_missile("hwasong-15"), with_payload("hwasong-15", 1500.0)
    assert h.rv.mass_kg == 1500.0 and h.stages == m.stages and h.rv.beta_kgm2 == m.rv.beta_kgm2
    assert with_payload("hwasong-15", 1500.0) is h       # one object per (missile, payload): one batch


def test_scenario_payload_is_bounded_by_the_missiles_span():
    from pathlib import Path

    from thaadsim.io.scenario import scenario_from_dict
    from thaadsim.io.scenario_outputs import RunScenario

    data = tomllib.loads((Path(__file__).resolve().parents[1] / "examples" / "seongju.toml").read_text())
    data["threats"][0]["missile"] = "hwasong-15"
    data["threats"][0]["payload_kg"] = 5000.0
    with pytest.raises(ThaadsimError) as ei:
        scenario_from_dict(data, "my.toml", RunScenario)
    assert str(ei.value).startswith("my.toml: threats.0") and "payload_kg" in str(ei.value)
