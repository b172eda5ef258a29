"""Fixtures shared by several test modules."""
import pytest


@pytest.fixture
def private_cache(tmp_path, monkeypatch):
    """Point thaadsim's on-disk cache at a fresh directory for one test.

    Tests of what the cache holds (reach tables, shape tables) must compute it, not read a table
    a developer's earlier run left in ~/.cache.
    """
    monkeypatch.setenv("THAADSIM_CACHE_DIR", str(tmp_path))
    return tmp_path
