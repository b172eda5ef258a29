"""`thaadsim run` killed at several points: the output directory holds the complete old set or the
complete new set, the next run removes what a killed one left, and two runs never share a directory.

The authority is POSIX itself: ``rename(2)`` replaces a name atomically, and ``flock(2)`` on the
lock file is checked here with the test's own ``fcntl.flock`` (a second holder is refused). Which
run a file belongs to is read from the file system's own record, its modification time: every file
of the second run is staged after the first run has finished.

The process is paused at a known point with the test hook ``THAADSIM_FAULT_PAUSE=<point>:<s>``
(:func:`thaadsim.io.atomic._fault_point`), which touches ``THAADSIM_FAULT_FLAG`` on arrival; the
test then sends the signal.
"""

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from thaadsim.io.atomic import JOURNAL_NAME, is_temp_name, write_many
from thaadsim.io.outdir import LOCK_NAME, claim_out_dir
from thaadsim.report.outputs import OUTPUT_FILES

SRC = str(Path(__file__).resolve().parents[1] / "src")

SCENARIO = """
[scenario]
name = "faults"
seed = 5
[flight]
sample_dt_s = 4.0
[[radars]]
id = "TPY-2"
radar = "tpy2-tm"
lat_deg = 36.0
lon_deg = 128.2
site_height_m = 680.0
face_az_deg = 325.0
[[batteries]]
id = "THAAD"
interceptor = "thaad"
lat_deg = 36.0
lon_deg = 128.2
alt_m = 680.0
radar = "TPY-2"
[[assets]]
name = "Daegu"
lat_deg = 35.87
lon_deg = 128.60
[[launch_areas]]
name = "Wonsan area"
lat_deg = 39.15
lon_deg = 127.45
[[threats]]
missile = "scud-c"
launch_area = "Wonsan area"
aimpoint = "Daegu"
[montecarlo]
runs = 100
"""


def _env(**extra):
    env = dict(os.environ, PYTHONPATH=SRC, NUMBA_NUM_THREADS="1")
    env.update(extra)
    return env


def _cmd(scn, out, *more):
    return [sys.executable, "-m", "thaadsim", "run", str(scn), "--out", str(out), "-q", *more]


@pytest.fixture(scope="module")
def old_run(tmp_path_factory):
    """A scenario and a directory holding one complete run; the time it finished."""
    d = tmp_path_factory.mktemp("faults")
    scn = d / "s.toml"
    scn.write_text(SCENARIO)
    out = d / "out"
    r = subprocess.run(_cmd(scn, out), env=_env(), capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    time.sleep(0.05)
    return scn, out, time.time()


def _copy_dir(src: Path, dst: Path):
    dst.mkdir()
    for p in src.iterdir():
        os.link(p, dst / p.name)     # hard links keep the modification times


def _which_set(out: Path, boundary: float) -> str:
    """'old' or 'new' when every output file is there and all from one side of ``boundary``."""
    names = {p.name for p in out.iterdir()}
    assert set(OUTPUT_FILES) <= names, f"incomplete set: {sorted(names)}"
    sides = {("new" if (out / n).stat().st_mtime > boundary else "old") for n in OUTPUT_FILES}
    assert len(sides) == 1, {n: (out / n).stat().st_mtime > boundary for n in OUTPUT_FILES}
    return sides.pop()


def _leftovers(out: Path):
    return sorted(p.name for p in out.iterdir() if is_temp_name(p.name) or p.name in (JOURNAL_NAME, LOCK_NAME))


def _run_until(scn, out, point, sig, tmp_path, pause_s=60):
    """Start a run, wait until it reaches ``point``, send ``sig``; returns (returncode, stderr)."""
    flag = tmp_path / f"flag-{point}-{sig}"
    p = subprocess.Popen(_cmd(scn, out), env=_env(THAADSIM_FAULT_PAUSE=f"{point}:{pause_s}",
                                                  THAADSIM_FAULT_FLAG=str(flag)),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    t0 = time.time()
    while not flag.exists():
        assert p.poll() is None, p.communicate()
        assert time.time() - t0 < 240, "the run never reached the fault point"
        time.sleep(0.05)
    p.send_signal(sig)
    _, err = p.communicate(timeout=120)
    return p.returncode, err


@pytest.mark.parametrize("point,sig", [("simulation", signal.SIGTERM), ("rendering", signal.SIGINT),
                                       ("staged", signal.SIGTERM)])
def test_an_interrupt_before_the_renames_keeps_the_old_set_and_says_aborted(old_run, tmp_path, point, sig):
    scn, src, boundary = old_run
    out = tmp_path / "out"
    _copy_dir(src, out)
    code, err = _run_until(scn, out, point, sig, tmp_path)
    assert code == 1 and err.strip().splitlines()[-1] == "aborted", err
    assert "Traceback" not in err
    assert _which_set(out, boundary) == "old"
    assert _leftovers(out) == []          # staged files removed, lock released and removed


def test_sigint_during_the_renames_finishes_them_and_reports_success(old_run, tmp_path):
    scn, src, boundary = old_run
    out = tmp_path / "out"
    _copy_dir(src, out)
    code, err = _run_until(scn, out, "renames", signal.SIGINT, tmp_path, pause_s=2)
    assert code == 0, err
    assert "aborted" not in err and "files complete" in err
    assert _which_set(out, boundary) == "new"
    assert _leftovers(out) == []


@pytest.mark.parametrize("point", ["rendering", "staged", "renames"])
def test_sigkill_leftovers_are_repaired_by_the_next_run(old_run, tmp_path, point):
    scn, src, boundary = old_run
    out = tmp_path / "out"
    _copy_dir(src, out)
    _run_until(scn, out, point, signal.SIGKILL, tmp_path)
    left = _leftovers(out)
    if point == "staged":          # every file staged, nothing renamed: the old set is still whole
        assert len([n for n in left if is_temp_name(n)]) >= len(OUTPUT_FILES)
        assert _which_set(out, boundary) == "old"
    if point == "renames":         # one file renamed; the journal says how to finish
        assert JOURNAL_NAME in left
    killed_at = time.time()
    time.sleep(0.05)
    # the next run into the directory repairs first; hold it at its simulation to look
    code, err = _run_until(scn, out, "simulation", signal.SIGTERM, tmp_path)
    assert code == 1
    assert _leftovers(out) == []
    # a half-renamed set was finished (the killed run's new set), else the old set stayed
    assert _which_set(out, boundary) == ("new" if point == "renames" else "old")
    if point == "renames":
        assert all((out / n).stat().st_mtime < killed_at for n in OUTPUT_FILES)


def test_a_second_run_into_a_busy_directory_is_refused_in_one_line(old_run, tmp_path):
    scn, src, _ = old_run
    out = tmp_path / "busy"
    out.mkdir()
    fd = os.open(out / LOCK_NAME, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)     # what a run in progress holds
        r = subprocess.run(_cmd(scn, out), env=_env(), capture_output=True, text=True, timeout=300)
        assert r.returncode == 2
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and "another thaadsim command is writing into" in lines[0], r.stderr
        assert sorted(p.name for p in out.iterdir()) == [LOCK_NAME]     # nothing written
    finally:
        os.close(fd)


def test_claims_exclude_each_other_and_shared_ones_coexist(tmp_path):
    from thaadsim.errors import ThaadsimError

    d = tmp_path / "d"
    with claim_out_dir(d):
        with pytest.raises(ThaadsimError, match="another thaadsim command"):
            with claim_out_dir(d):
                pass
        with pytest.raises(ThaadsimError, match="another thaadsim command"):
            with claim_out_dir(d, shared=True):
                pass
    with claim_out_dir(d, shared=True):
        with claim_out_dir(d, shared=True):      # two one-file writers side by side
            pass
        with pytest.raises(ThaadsimError):
            with claim_out_dir(d):
                pass
    assert not d.exists()     # created by the claim, nothing written: removed again


def test_cleanup_removes_only_the_atomic_writers_temp_files(tmp_path):
    d = tmp_path / "sweep"
    (d / "chunks").mkdir(parents=True)
    keep = [d / "manifest.json", d / "chunks" / "000001.npz", d / "notes.tmp", d / ".hidden", d / "a.npz.tmp"]
    for p in keep:
        p.write_text("x")
    stale = [d / ".sweep.nc.ab12cd_9.tmp", d / "chunks" / ".000002.npz.k2j3h4g5.tmp"]
    for p in stale:
        p.write_text("partial")
    with claim_out_dir(d, also_clean=[d / "chunks"]):
        pass
    assert all(p.exists() for p in keep) and not any(p.exists() for p in stale)


def test_a_set_written_in_process_leaves_no_journal_and_the_names_match_the_pattern(tmp_path, monkeypatch):
    seen = []
    real_replace = os.replace

    def spy(a, b):
        seen.append(Path(a).name)
        return real_replace(a, b)

    monkeypatch.setattr(os, "replace", spy)
    write_many({tmp_path / "a.json": "1", tmp_path / "b.html": "2"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.html"]
    assert all(is_temp_name(n) for n in seen)      # what the cleanup recognises is what is staged


@pytest.mark.parametrize("argv", [
    ["sweep", "examples/raid_seongju.toml", "--vary", "batteries.0.pk=0.5:0.9:2", "--out", "{d}"],
    ["footprint", "--battery", "thaad", "--at", "35.95,128.18,680", "--missile", "nodong", "--from", "39.0,125.7",
     "--grid", "3", "--out", "{d}"],
    ["strategic", "--site", "35.95,128.18,680", "--launch-areas", "examples/strategic_launch_areas.csv",
     "--targets", "examples/strategic_targets.csv", "--out", "{d}"],
    ["demo", "--out", "{d}"],
    ["fly", "--missile", "nodong", "--from", "39.0,125.7", "--to", "35.1,129.0", "--plot", "{d}/p.png"],
])
def test_every_writing_command_is_refused_beside_a_run(tmp_path, capsys, argv):
    from thaadsim.cli import main

    d = tmp_path / "busy"
    d.mkdir()
    fd = os.open(d / LOCK_NAME, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(SystemExit) as e:
            main([a.replace("{d}", str(d)) for a in argv])
        assert e.value.code == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "another thaadsim command is writing into" in err[0], err
        assert sorted(p.name for p in d.iterdir()) == [LOCK_NAME]
    finally:
        os.close(fd)


@pytest.mark.parametrize("argv,option", [(["demo", "--out", "{f}/sub"], "--out"),
                                         (["fly", "--missile", "nodong", "--from", "39.0,125.7", "--to",
                                           "35.1,129.0", "--plot", "{f}/p.png"], "--plot")])
def test_unwritable_demo_and_plot_paths_are_one_line_errors(tmp_path, capsys, argv, option):
    from thaadsim.cli import main

    f = tmp_path / "a-file"
    f.write_text("not a directory")
    with pytest.raises(SystemExit) as e:
        main([a.replace("{f}", str(f)) for a in argv])
    assert e.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {option}: cannot write") and "is a file" in err[0], err
