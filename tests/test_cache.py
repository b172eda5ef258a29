"""The derived-table cache: where it lives, that it round-trips, and that it can be switched off."""

import numpy as np

from thaadsim import cache


def test_round_trip_and_switch_off(tmp_path, monkeypatch):
    monkeypatch.setenv("THAADSIM_CACHE_DIR", str(tmp_path))
    assert cache.load_arrays("t", "k") is None
    cache.save_arrays("t", "k", a=np.arange(3.0), b=np.eye(2))
    got = cache.load_arrays("t", "k")
    np.testing.assert_array_equal(got["a"], np.arange(3.0))
    np.testing.assert_array_equal(got["b"], np.eye(2))
    assert not list((tmp_path / "t").glob("*.tmp"))          # no temporary file left behind
    monkeypatch.setenv("THAADSIM_CACHE_DIR", "off")
    assert cache.cache_dir("t") is None and cache.load_arrays("t", "k") is None
    cache.save_arrays("t", "k2", a=np.zeros(1))               # silently nothing


def test_corrupt_file_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("THAADSIM_CACHE_DIR", str(tmp_path))
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "bad.npz").write_bytes(b"not a zip")
    assert cache.load_arrays("t", "bad") is None


def test_default_location_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("THAADSIM_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir("reach") == tmp_path / "thaadsim" / "reach"
