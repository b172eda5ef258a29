"""The on-disk cache of derived tables (shape tables of missiles, reach tables of interceptors).

These tables cost thousands of flights to build and depend only on their inputs, so they are kept
between runs as ``.npz`` files under ``$THAADSIM_CACHE_DIR``, else ``$XDG_CACHE_HOME/thaadsim``,
else ``~/.cache/thaadsim``. ``THAADSIM_CACHE_DIR=off`` disables the disk cache. Writes are atomic
(temporary file in the same folder, then rename), and a missing, corrupt or unwritable cache only
costs time: it is never an error. Like ``errors``, this module belongs to no layer.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import numpy as np

_OFF = ("", "off", "0", "none", "false")


def cache_dir(kind: str) -> Path | None:
    """The folder for one kind of table, or None when the disk cache is disabled."""
    env = os.environ.get("THAADSIM_CACHE_DIR")
    if env is not None:
        return None if env.strip().lower() in _OFF else Path(env) / kind
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "thaadsim" / kind


def load_arrays(kind: str, key: str) -> dict[str, np.ndarray] | None:
    """The arrays stored under ``key``, or None if absent or unreadable."""
    folder = cache_dir(kind)
    if folder is None:
        return None
    try:
        with np.load(folder / f"{key}.npz") as z:
            return {name: z[name] for name in z.files}
    except (OSError, ValueError, KeyError, EOFError):
        return None


def save_arrays(kind: str, key: str, **arrays) -> None:
    """Store arrays under ``key`` atomically; failures are ignored (a cache only saves time)."""
    folder = cache_dir(kind)
    if folder is None:
        return
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{key}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(buf.getvalue())
            os.replace(tmp, folder / f"{key}.npz")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass
