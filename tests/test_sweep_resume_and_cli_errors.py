"""An interrupted sweep resumes from its finished chunks; bad --vary inputs are one line, exit 2.

The reference for resuming is an uninterrupted sweep of the same spec: the resumed Dataset must be
identical to it, and chunk files written before the interruption must not be written again.
The linspace form is checked against numpy.linspace, and the NetCDF file against xarray's reader.
"""

import json

import numpy as np
import pytest
import xarray as xr

from sweep_scenario import write_scenario
from thaadsim.cli import main
from thaadsim.errors import ThaadsimError
from thaadsim.sweep import sweep
from thaadsim.sweep.spec import parse_vary

VARY = ["batteries.0.pk=0.5,0.6,0.7,0.8,0.9", "radars.0.face_az_deg=320,340"]


class Stop(Exception):
    pass


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    return write_scenario(tmp_path_factory.mktemp("sweep"))


def test_interrupted_sweep_resumes_without_recomputing_finished_chunks(scenario, tmp_path):
    out = tmp_path / "sw"
    calls = []

    def stop_after_two_chunks(done, total):
        calls.append(done)
        if done >= 4:          # chunk_size 2: two chunks finished
            raise Stop

    with pytest.raises(Stop):
        sweep(scenario, VARY, workers=1, chunk_size=2, runs=100, out=out, progress=stop_after_two_chunks)
    first = sorted((out / "chunks").glob("*.npz"))
    assert [p.name for p in first] == ["000000.npz", "000001.npz"]
    assert not (out / "sweep.nc").exists()
    stamps = {p.name: p.stat().st_mtime_ns for p in first}

    from thaadsim.sweep.core import run_sweep
    resumed, stats = run_sweep(scenario, VARY, workers=1, chunk_size=2, runs=100, out=out)
    assert (stats.chunks_reused, stats.chunks_computed) == (2, 3)
    assert {p.name: p.stat().st_mtime_ns for p in first} == stamps
    fresh = sweep(scenario, VARY, workers=1, chunk_size=2, runs=100)
    xr.testing.assert_identical(resumed, fresh)
    # the file on disk is the Dataset, with its units and provenance
    on_disk = xr.load_dataset(out / "sweep.nc", engine="h5netcdf")
    np.testing.assert_array_equal(on_disk.p_no_leaker.values, fresh.p_no_leaker.values)
    assert on_disk.first_detection_s.attrs["units"] == "s"
    assert on_disk["radars.0.face_az_deg"].attrs["units"] == "degree"
    assert len(on_disk.attrs["scenario_sha256"]) == 64
    assert json.loads(on_disk.attrs["vary"])[0]["fields"] == ["batteries.0.pk"]
    assert (out / "sweep.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # a different spec into the same directory is refused, unless forced
    with pytest.raises(ThaadsimError, match="--force"):
        sweep(scenario, ["batteries.0.pk=0.5,0.9"], workers=1, chunk_size=2, runs=100, out=out)
    forced, stats = run_sweep(scenario, ["batteries.0.pk=0.5,0.9"], workers=1, chunk_size=2, runs=100, out=out,
                              force=True)
    assert stats.chunks_reused == 0 and forced.sizes["batteries.0.pk"] == 2


def test_linspace_and_zip_forms():
    spec = parse_vary(["batteries.0.pk=0.5:0.9:5", "batteries.0.lat_deg,batteries.0.lon_deg=36,128.2;35.5,128.6"])
    np.testing.assert_array_equal([v[0] for v in spec.dims[0].values], np.linspace(0.5, 0.9, 5))
    assert spec.dims[1].values == ((36, 128.2), (35.5, 128.6))
    line = parse_vary(["threats.0.aim_lat_deg,threats.0.aim_lon_deg=35:36:3;128:129:3"])
    assert line.dims[0].values == ((35.0, 128.0), (35.5, 128.5), (36.0, 129.0))
    assert parse_vary(VARY).n_cases == 10


@pytest.mark.parametrize("vary, says", [
    ("batteries.0.pk=1.5", "batteries.0.pk: 1.5 is out of range"),
    ("batteries.0.pk=nan", "not a finite number"),
    ("batteries.0.pkk=0.5", "unknown key"),
    ("batteries.4.pk=0.5", "has 1 [[batteries]] entry"),
    ("batteries.0.pk=0.1:0.9:x", "count must be a whole number"),
    ("batteries.0.pk", "has no '='"),
    ("radars.0.radar=tpy2-tm,tpy2-xx", "unknown radar id 'tpy2-xx'"),
    ("doctrine.mode=salvo,bogus", "'shoot-look-shoot', 'shoot-shoot-look' or 'salvo'"),
    ("threats.0.count=1,2", "'count' cannot be varied"),
    ("analysis.title=a,b", "not a section a sweep can vary"),
    ("batteries.0.lat_deg,batteries.0.lon_deg=36,128,1", "gives 3 values for 2 fields"),
    ("batteries.0.pk=0.5,0.5", "repeats a value"),
])
def test_bad_vary_is_one_line_and_exit_2(scenario, tmp_path, capsys, vary, says):
    with pytest.raises(SystemExit) as exc:
        main(["sweep", str(scenario), "--vary", vary, "--out", str(tmp_path / "o"), "--quiet"])
    err = capsys.readouterr().err
    assert exc.value.code == 2
    assert err.count("\n") == 1 and err.startswith("error: ") and says in err, err
    assert not (tmp_path / "o" / "chunks").exists()      # nothing ran


@pytest.mark.parametrize("args, says", [
    (["--workers", "0"], "--workers"), (["--chunk-size", "0"], "--chunk-size"), (["--runs", "0"], "--runs"),
    (["--seed", "-1"], "--seed"), (["--vary", "montecarlo.seed=1,-2"], "montecarlo.seed"),
])
def test_bad_numbers_are_refused_before_work(scenario, tmp_path, capsys, args, says):
    with pytest.raises(SystemExit) as exc:
        main(["sweep", str(scenario), "--vary", "batteries.0.pk=0.5", "--out", str(tmp_path / "o"), "-q", *args])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and err.count("\n") == 1 and says in err, err


def test_cli_json_summary_and_files(scenario, tmp_path, capsys):
    out = tmp_path / "cli"
    with pytest.raises(SystemExit) as exc:
        main(["sweep", str(scenario), "--vary", "batteries.0.pk=0.6,0.8", "--vary",
              "batteries.0.lat_deg,batteries.0.lon_deg=36.0,128.2;35.9,128.4", "--runs", "50", "--out", str(out),
              "--workers", "1", "--chunk-size", "3", "--json", "-q"])
    captured = capsys.readouterr()
    assert exc.value.code == 0, captured.err
    summary = json.loads(captured.out)
    assert summary["cases"] == 4 and summary["threats"] == 2 and summary["trajectories"] == 8
    assert summary["dims"] == {"batteries.0.pk": 2, "batteries.0.lat_deg,batteries.0.lon_deg": 2, "threat": 2}
    assert summary["chunks"] == summary["chunks_computed"] == 2
    ds = xr.load_dataset(out / "sweep.nc", engine="h5netcdf")
    assert ds["batteries.0.lon_deg"].attrs["units"] == "degrees_east"
    assert list(ds["batteries.0.lat_deg"].values) == [36.0, 35.9]
