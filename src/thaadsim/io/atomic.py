"""Atomic file writes: a reader sees either the old file or the complete new one, never half of it.

Recipe (POSIX ``rename(2)`` is atomic within one file system):

1. write to a temporary file created *in the same directory* as the target
   (``tempfile.mkstemp(dir=...)``: same file system, so the rename cannot turn into a copy);
2. ``flush`` and ``os.fsync`` the file, so its bytes are on disk before its name is;
3. ``os.replace(tmp, target)`` — atomic, and it overwrites an existing target;
4. ``fsync`` the directory (best effort), so the rename itself survives a power cut.

If anything fails before step 3, the temporary file is removed and the target is untouched.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["write_bytes", "write_text", "write_json", "write_jsonl"]


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; create parent directories. Returns the Path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(target.parent)
    return target


def write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> Path:
    """Write a string atomically (UTF-8 by default)."""
    return write_bytes(path, text.encode(encoding))


def _default(obj: Any):
    """JSON fallback for numpy scalars/arrays and paths (keeps summary.json free of surprises)."""
    try:
        import numpy as np

        if isinstance(obj, np.integer):
            return int(obj)
        if isinstance(obj, np.floating):
            return None if not np.isfinite(obj) else float(obj)
        if isinstance(obj, np.bool_):
            return bool(obj)
        if isinstance(obj, np.ndarray):
            return obj.tolist()
    except ImportError:  # pragma: no cover
        pass
    if isinstance(obj, (Path, os.PathLike)):
        return str(obj)
    raise TypeError(f"not JSON serializable: {type(obj).__name__}")


def clean_nans(obj: Any):
    """Replace NaN/inf floats by None recursively (JSON has no NaN; strict parsers reject it)."""
    if isinstance(obj, float):
        return obj if obj == obj and obj not in (float("inf"), float("-inf")) else None
    if isinstance(obj, dict):
        return {k: clean_nans(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [clean_nans(v) for v in obj]
    try:
        import numpy as np

        if isinstance(obj, np.ndarray):
            return clean_nans(obj.tolist())
        if isinstance(obj, np.floating):
            return clean_nans(float(obj))
    except ImportError:  # pragma: no cover
        pass
    return obj


def write_json(path: str | os.PathLike, obj: Any, indent: int | None = 2) -> Path:
    """Write ``obj`` as strict JSON (NaN -> null) atomically."""
    text = json.dumps(clean_nans(obj), indent=indent, default=_default, allow_nan=False,
                      ensure_ascii=False)
    return write_text(path, text + "\n")


def write_jsonl(path: str | os.PathLike, records) -> Path:
    """Write an iterable of dicts as JSON Lines (one object per line) atomically."""
    lines = [json.dumps(clean_nans(r), default=_default, allow_nan=False, ensure_ascii=False)
             for r in records]
    return write_text(path, "".join(line + "\n" for line in lines))
