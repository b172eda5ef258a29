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

__all__ = ["write_bytes", "write_text", "write_json", "write_jsonl", "write_many", "json_text",
           "jsonl_text", "unwritable_reason"]


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
    return write_many({path: data})[path]


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


def json_text(obj: Any, indent: int | None = 2) -> str:
    """``obj`` as strict JSON text (NaN -> null), newline-terminated."""
    return json.dumps(clean_nans(obj), indent=indent, default=_default, allow_nan=False,
                      ensure_ascii=False) + "\n"


def jsonl_text(records) -> str:
    """An iterable of dicts as JSON Lines text (one strict JSON object per line)."""
    lines = [json.dumps(clean_nans(r), default=_default, allow_nan=False, ensure_ascii=False)
             for r in records]
    return "".join(line + "\n" for line in lines)


def write_json(path: str | os.PathLike, obj: Any, indent: int | None = 2) -> Path:
    """Write ``obj`` as strict JSON (NaN -> null) atomically."""
    return write_text(path, json_text(obj, indent))


def write_jsonl(path: str | os.PathLike, records) -> Path:
    """Write an iterable of dicts as JSON Lines (one object per line) atomically."""
    return write_text(path, jsonl_text(records))


def _stage(target: Path, data: bytes) -> str:
    """Write ``data`` under a temporary name beside ``target`` (fsynced, mode 0644); its path."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def write_many(files: dict) -> dict:
    """Write several files as one set: every file is staged (written and fsynced under a temporary
    name beside its target) before any target is replaced.

    A failure while staging (disk full, permissions) removes the staged files and leaves every
    target as it was, so a directory never holds a new ``summary.json`` beside an old
    ``report.html``. Only a crash between the final renames (microseconds) could mix the two.

    Parameters
    ----------
    files : dict
        target path -> ``bytes`` or ``str`` (UTF-8).

    Returns
    -------
    dict
        target path (as given) -> :class:`~pathlib.Path` written.
    """
    staged: list[tuple[Any, str, Path]] = []
    try:
        for path, data in files.items():
            target = Path(path)
            staged.append((path, _stage(target, data.encode("utf-8") if isinstance(data, str) else data), target))
        out = {}
        for path, tmp, target in staged:
            os.replace(tmp, target)
            out[path] = target
    except BaseException:
        for _, tmp, _ in staged:      # whatever is still staged (not yet renamed) goes
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
        raise
    for d in {t.parent for _, _, t in staged}:
        _fsync_dir(d)
    return out


def unwritable_reason(directory: str | os.PathLike) -> str | None:
    """Why files could not be written into ``directory`` (created if needed), or None if they can.

    Checked before a long run, so a bad ``--out`` fails in a second, not after the simulation.
    Walks up to the nearest existing ancestor: it must be a directory we may write into
    (``access(2)`` also reports a read-only file system).
    """
    p = Path(directory).absolute()
    while not p.exists():
        if p.parent == p:
            return f"{p} does not exist"
        if p.is_symlink():      # a dangling link: mkdir would fail
            return f"{p} is a broken symbolic link"
        p = p.parent
    if not p.is_dir():
        return f"{p} is a file, not a directory"
    if not os.access(p, os.W_OK | os.X_OK):
        try:
            ro = bool(os.statvfs(p).f_flag & os.ST_RDONLY)
        except (OSError, AttributeError):  # pragma: no cover - platforms without statvfs
            ro = False
        return f"{p} is on a read-only file system" if ro else f"{p} is not writable (permission denied)"
    return None
