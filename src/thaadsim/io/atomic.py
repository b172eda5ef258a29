"""Atomic file writes: a reader sees either the old file or the complete new one, never half of it.

Recipe (POSIX ``rename(2)`` is atomic within one file system):

1. write to a temporary file created *in the same directory* as the target
   (``tempfile.mkstemp(dir=...)``: same file system, so the rename cannot turn into a copy);
2. ``flush`` and ``os.fsync`` the file, so its bytes are on disk before its name is;
3. ``os.replace(tmp, target)`` — atomic, and it overwrites an existing target;
4. ``fsync`` the directory (best effort), so the rename itself survives a power cut.

If anything fails before step 3, the temporary file is removed and the target is untouched.

A set of files (:func:`write_many`) is staged completely before the first rename. Two faults are
left that no ``try`` can catch, and :mod:`thaadsim.io.outdir` repairs both on the next run into the
directory: a SIGKILL (or power cut) while staging leaves temporary files, named
``.<target>.<8 random characters>.tmp`` (:func:`is_temp_name`), which the next run removes; a
SIGKILL between the renames leaves a *commit journal* (``.thaadsim-commit.json``, written once
every file is staged, removed after the last rename) from which the next run completes the renames
("roll forward", as a database redo log does). SIGINT and SIGTERM during the renames are deferred
until the last one is done, and then raised as :class:`InterruptedAfterCommit`, so a caller can
report that the new set is complete.
"""

from __future__ import annotations

import json
import os
import re
import signal
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:   # annotations only
    from collections.abc import Iterable

__all__ = ["write_bytes", "write_text", "write_json", "write_jsonl", "write_many", "json_text",
           "jsonl_text", "unwritable_reason", "is_temp_name", "JOURNAL_NAME", "InterruptedAfterCommit",
           "roll_forward"]

#: the commit journal of a set of files being renamed into one directory
JOURNAL_NAME = ".thaadsim-commit.json"
# what tempfile.mkstemp(prefix=".<name>.", suffix=".tmp") creates: 8 characters of [a-z0-9_]
_TEMP_RE = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")


def is_temp_name(name: str) -> bool:
    """True for a name this module stages under (``.<target>.<8 random chars>.tmp``): the only
    files :func:`thaadsim.io.outdir.remove_stale_temp_files` may delete.

    Parameters
    ----------
    name : str
        A file name (no directory).

    Returns
    -------
    bool
    """
    return bool(_TEMP_RE.match(name))


class InterruptedAfterCommit(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived while a set of files was being renamed into place; the renames were
    finished first, so every file of the new set is in place (``paths``)."""

    def __init__(self, signum: int, paths):
        super().__init__(f"signal {signum} after the files were written")
        self.signum = signum
        self.paths = list(paths)


def _fault_point(name: str) -> None:
    """Test hook: with ``THAADSIM_FAULT_PAUSE=<name>:<seconds>`` (and optionally
    ``THAADSIM_FAULT_FLAG=<file>``, touched on arrival), pause here so a test can signal the process
    at a known point. Unset in normal use: one dictionary look-up."""
    spec = os.environ.get("THAADSIM_FAULT_PAUSE")
    if not spec or not spec.startswith(name + ":"):
        return
    flag = os.environ.get("THAADSIM_FAULT_FLAG")
    if flag:
        Path(flag).write_text(name)
    time.sleep(float(spec.split(":", 1)[1]))


class _DeferSignals:
    """SIGINT and SIGTERM are recorded, not acted on, inside the block (main thread only)."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __enter__(self):
        self.received: list[int] = []
        self.old = {}
        if threading.current_thread() is threading.main_thread():
            for s in self.SIGNALS:
                self.old[s] = signal.signal(s, lambda signum, _frame: self.received.append(signum))
        return self

    def __exit__(self, *exc):
        for s, h in self.old.items():
            signal.signal(s, h)
        return False


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
    """Write ``data`` to ``path`` atomically; create parent directories. Returns the Path.

    Parameters
    ----------
    path : str or path-like
        The target file.
    data : bytes
        Its new content.

    Returns
    -------
    Path
    """
    return write_many({path: data})[path]


def write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> Path:
    """Write a string atomically (UTF-8 by default).

    Parameters
    ----------
    path : str or path-like
        The target file.
    text : str
        Its new content.
    encoding : str
        The text encoding.

    Returns
    -------
    Path
    """
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
    """``obj`` as strict JSON text (NaN -> null), newline-terminated.

    Parameters
    ----------
    obj : Any
        JSON-able data (numpy scalars and arrays included).
    indent : int or None
        Indentation; ``None`` for one line.

    Returns
    -------
    str

    Examples
    --------
    >>> from thaadsim.io.atomic import json_text
    >>> print(json_text({"p": float("nan")}, indent=None), end="")
    {"p": null}
    """
    return json.dumps(clean_nans(obj), indent=indent, default=_default, allow_nan=False,
                      ensure_ascii=False) + "\n"


def jsonl_text(records: Iterable[dict]) -> str:
    """An iterable of dicts as JSON Lines text (one strict JSON object per line).

    Parameters
    ----------
    records : iterable of dict
        The objects, one per line.

    Returns
    -------
    str
    """
    lines = [json.dumps(clean_nans(r), default=_default, allow_nan=False, ensure_ascii=False)
             for r in records]
    return "".join(line + "\n" for line in lines)


def write_json(path: str | os.PathLike, obj: Any, indent: int | None = 2) -> Path:
    """Write ``obj`` as strict JSON (NaN -> null) atomically.

    Parameters
    ----------
    path : str or path-like
        The target file.
    obj : Any
        JSON-able data.
    indent : int or None
        Indentation; ``None`` for one line.

    Returns
    -------
    Path
    """
    return write_text(path, json_text(obj, indent))


def write_jsonl(path: str | os.PathLike, records: Iterable[dict]) -> Path:
    """Write an iterable of dicts as JSON Lines (one object per line) atomically.

    Parameters
    ----------
    path : str or path-like
        The target file.
    records : iterable of dict
        The objects, one per line.

    Returns
    -------
    Path
    """
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
    journal = None
    try:
        for path, data in files.items():
            target = Path(path)
            staged.append((path, _stage(target, data.encode("utf-8") if isinstance(data, str) else data), target))
        parents = {t.parent.absolute() for _, _, t in staged}
        if len(staged) > 1 and len(parents) == 1:
            # every file is on disk under its temporary name: from here on the set is complete, and
            # the journal lets the next run finish the renames if this process dies among them
            journal = parents.pop() / JOURNAL_NAME
            _fault_point("staged")
            entries = [[Path(tmp).name, t.name] for _, tmp, t in staged]
            os.replace(_stage(journal, json.dumps({"renames": entries}).encode()), journal)
            _fsync_dir(journal.parent)
    except BaseException:
        for _, tmp, _ in staged:      # nothing renamed yet: every staged file goes
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
        raise
    out = {}
    with _DeferSignals() as deferred:
        try:
            for k, (path, tmp, target) in enumerate(staged):
                os.replace(tmp, target)
                out[path] = target
                if k == 0:
                    _fault_point("renames")
        except BaseException:     # a rename failed (not a kill): what is not renamed yet goes
            for _, tmp, _ in staged:
                try:
                    os.unlink(tmp)
                except FileNotFoundError:
                    pass
            if journal is not None:
                journal.unlink(missing_ok=True)
            raise
        for d in {t.parent for _, _, t in staged}:
            _fsync_dir(d)
        if journal is not None:
            journal.unlink(missing_ok=True)
            _fsync_dir(journal.parent)
    if deferred.received:
        signum = deferred.received[0]
        if deferred.old.get(signum) == signal.SIG_DFL:     # nobody handles it: die as the signal would
            os.kill(os.getpid(), signum)
        raise InterruptedAfterCommit(signum, out.values())
    return out


def roll_forward(directory: str | os.PathLike) -> list[Path]:
    """Finish the renames of a set whose writer died among them (see the module docstring).

    Reads ``directory/.thaadsim-commit.json``; every listed temporary file that still exists is
    renamed onto its target, then the journal is removed. Call it only while no other writer uses
    the directory (:func:`thaadsim.io.outdir.claim_out_dir` holds the lock). Returns the targets
    renamed now.

    Parameters
    ----------
    directory : str or path-like
        The output directory.

    Returns
    -------
    list of Path
    """
    d = Path(directory)
    journal = d / JOURNAL_NAME
    try:
        entries = json.loads(journal.read_text())["renames"]
    except FileNotFoundError:
        return []
    except (OSError, ValueError, KeyError, TypeError):   # a torn journal cannot exist (it is renamed
        journal.unlink(missing_ok=True)                   # into place); an alien file is dropped
        return []
    done = []
    for tmp, target in entries:
        if "/" in tmp or "/" in target or not is_temp_name(tmp):
            continue
        if (d / tmp).exists():
            os.replace(d / tmp, d / target)
            done.append(d / target)
    _fsync_dir(d)
    journal.unlink(missing_ok=True)
    _fsync_dir(d)
    return done


def unwritable_reason(directory: str | os.PathLike) -> str | None:
    """Why files could not be written into ``directory`` (created if needed), or None if they can.

    Checked before a long run, so a bad ``--out`` fails in a second, not after the simulation.
    Walks up to the nearest existing ancestor: it must be a directory we may write into
    (``access(2)`` also reports a read-only file system).

    Parameters
    ----------
    directory : str or path-like
        The output directory.

    Returns
    -------
    str or None
        The reason in words, or ``None`` when files can be written there.
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
