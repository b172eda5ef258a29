"""The missile catalog against its published figures (the sources each catalog file cites) and the
minimum-energy closed form [ref:wheelon-1959].

Authorities:

* each file's ``published_range_km`` (with its ``range_source``): the model's minimum-energy
  range at full burn (``max_range_km``) must lie within +-5 % of it (the calibration aims at +-1 %);
* the public figures its sources give (launch mass, diameter, payload) that the catalog must carry
  unchanged (``thaadsim.validation.catalog.PUBLISHED``);
* the two-body minimum-energy relation of Wheelon 1959 [ref:wheelon-1959]: the burnout speed a
  published range needs on a spherical Earth is a floor for the stack's ideal (Tsiolkovsky) delta-v.

It also checks provenance (every stage and RV number carries a note) and that the loader refuses
bad files with a ThaadsimError naming the field.

The range and delta-v comparisons live in :mod:`thaadsim.validation.catalog`; ``thaadsim validate``
prints the same rows.
"""

from __future__ import annotations

import re
import tomllib

import pytest

from _validation import assert_rows_pass, params
from thaadsim.errors import ThaadsimError
from thaadsim.flight import load_missile
from thaadsim.flight.catalog import catalog_dir, load_missile_file
from thaadsim.validation import catalog as vc

REQUIRED_IDS = {"scud-b", "scud-c", "nodong", "musudan", "hwasong-12", "hwasong-14", "hwasong-15", "hwasong-17",
                "df-15", "df-21", "df-26", "df-31a", "df-41", "iskander-m", "topol-m", "yars"}
FILES = sorted(catalog_dir().glob("*.toml"))
IDS = [p.stem for p in FILES]
G0 = 9.80665

@pytest.fixture(scope="module", autouse=True)
def _fresh_shape_table_cache(tmp_path_factory):
    """Compute every shape table here, never read one cached on disk by an earlier run."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("THAADSIM_CACHE_DIR", str(tmp_path_factory.mktemp("shape_tables")))
        yield


def _raw(path):
    return tomllib.loads(path.read_text())


def test_every_required_missile_is_in_the_catalog():
    assert REQUIRED_IDS <= set(IDS), f"missing: {sorted(REQUIRED_IDS - set(IDS))}"


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_id_matches_file_name(path):
    assert _raw(path)["id"] == path.stem


@pytest.mark.parametrize("check", params(vc.max_range_against_published, vc.min_energy_inversion_reproduces_the_table,
                                         vc.ideal_delta_v_covers_two_body_speed, vc.published_figures_kept))
def test_against_published_ranges_and_the_two_body_speed(check):
    """Max range within 5 % of the published range; the min-energy inversion reproduces the table
    (0.005 km/s); the ideal delta-v exceeds the two-body speed of the published range by a loss of
    0-2.5 km/s; the published masses, diameters and stage counts are kept (the rows ``thaadsim validate``
    prints)."""
    assert_rows_pass(check)


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_max_range_is_an_interior_maximum_of_the_kick_grid(path):
    """The full-burn range peaks inside the kick grid: a peak at the edge would understate max range."""
    import numpy as np

    from thaadsim.flight.targeting import shape_table

    t = shape_table(load_missile(path.stem))
    j = int(np.nanargmax(t.range_km[-1]))
    assert 0 < j < len(t.kick_deg) - 1, f"{path.stem}: best kick {t.kick_deg[j]:.1f} deg is at the grid edge"


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_every_number_carries_a_note(path):
    d = _raw(path)
    for key in ("range_source", "calibrated", "launch_mass_source"):
        assert isinstance(d.get(key), str) and d[key].strip(), f"{path.stem}: {key} missing or empty"
    for key in ("mass_source", "beta_source"):
        assert isinstance(d["rv"].get(key), str) and d["rv"][key].strip(), f"{path.stem}: rv.{key}"
    assert "assumption" in d["rv"]["beta_source"].lower(), f"{path.stem}: beta is not published: label it an assumption"
    for i, s in enumerate(d["stages"]):
        assert isinstance(s.get("source"), str) and s["source"].strip(), f"{path.stem}: stages.{i}.source"
    # the calibration note is a real one, and it names the range this file publishes
    note = d["calibrated"]
    assert "PLACEHOLDER" not in note and "not yet" not in note
    assert f"published_range_km = {float(d['published_range_km']):.0f}" in note, \
        f"{path.stem}: calibrated note does not match published_range_km (re-run tools/calibrate_catalog.py)"


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_launch_mass_and_lift_off(path):
    """The stated launch mass is the model's, and the first stage lifts it with T/W > 1.3."""
    d = _raw(path)
    m = load_missile(path.stem)
    stated = float(re.match(r"launch mass ([0-9,]+) kg", d["launch_mass_source"]).group(1).replace(",", ""))
    assert m.launch_mass_kg == pytest.approx(stated, abs=1.0)
    tw = m.stages[0].thrust_n / (m.launch_mass_kg * G0)
    assert tw > 1.3, f"{path.stem}: lift-off T/W {tw:.2f}"
    for s in m.stages:   # calibration keeps structure >= 4 % of each stage
        assert s.propellant_mass_kg / (s.propellant_mass_kg + s.dry_mass_kg) <= 0.96 + 1e-6


# --- the loader refuses bad files, naming the field ---------------------------------------------

def _write(tmp_path, text):
    p = tmp_path / "bad.toml"
    p.write_text(text)
    return p


@pytest.fixture()
def good_text():
    return (catalog_dir() / "scud-b.toml").read_text()


def test_loader_accepts_the_unmodified_file(tmp_path, good_text):
    assert load_missile_file(_write(tmp_path, good_text)).id == "scud-b"


@pytest.mark.parametrize("key", ["propellant_mass_kg", "dry_mass_kg"])
def test_loader_rejects_negative_stage_mass(tmp_path, good_text, key):
    text = re.sub(rf"^{key} = \d+", f"{key} = -100", good_text, count=1, flags=re.M)
    with pytest.raises(ThaadsimError) as exc:
        load_missile_file(_write(tmp_path, text))
    assert f"stages.0.{key}" in exc.value.field


def test_loader_rejects_negative_rv_mass(tmp_path, good_text):
    text = re.sub(r"^mass_kg = \d+", "mass_kg = -5", good_text, count=1, flags=re.M)
    with pytest.raises(ThaadsimError) as exc:
        load_missile_file(_write(tmp_path, text))
    assert "rv.mass_kg" in exc.value.field


def test_loader_rejects_unknown_key(tmp_path, good_text):
    with pytest.raises(ThaadsimError) as exc:
        load_missile_file(_write(tmp_path, "published_range_kms = 300\n" + good_text))
    assert "published_range_kms" in exc.value.field


def test_loader_rejects_missing_stage_field(tmp_path, good_text):
    text = re.sub(r"^isp_s = .*\n", "", good_text, count=1, flags=re.M)
    with pytest.raises(ThaadsimError) as exc:
        load_missile_file(_write(tmp_path, text))
    assert "stages.0.isp_s" in exc.value.field
