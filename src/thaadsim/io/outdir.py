"""One writer per output directory, and repair after a killed run.

Every command that writes into a directory (``run``, ``demo``, ``fly --plot``, ``footprint``,
``strategic``, ``sweep``) wraps its work in :func:`claim_out_dir`:

1. **a lock.** ``fcntl.flock`` on ``DIR/.thaadsim.lock``. A writer of a whole set of files takes it
   exclusively, for the whole run; a second run into the same directory is refused at once with one
   line (not after its simulation), instead of both "succeeding" with files of two runs mixed. A
   command that writes one file (``fly --plot``) takes it shared: several may write side by side,
   but not beside a run. The kernel drops a ``flock`` when its holder dies, even by SIGKILL, so a
   killed run never leaves the directory locked.
2. **repair.** Holding the lock exclusively, it first finishes a set whose renames a killed writer
   left half done (:func:`thaadsim.io.atomic.roll_forward`), then removes the temporary files that
   :mod:`thaadsim.io.atomic` stages (``.<name>.<8 chars>.tmp``) and that a SIGKILL left behind. Only
   that pattern is removed: a sweep's resume files (``chunks/*.npz``, ``manifest.json``) and the
   user's own files are never touched.
3. **no litter.** On release the lock file is removed (while still held; a waiting process that
   opened the old file notices the new inode and retries), and a directory this call created is
   removed again if nothing was written into it, so a failed run leaves no empty ``--out``.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
from pathlib import Path

from thaadsim.errors import ThaadsimError
from thaadsim.io.atomic import is_temp_name, roll_forward, unwritable_reason

__all__ = ["LOCK_NAME", "claim_out_dir", "remove_stale_temp_files"]

LOCK_NAME = ".thaadsim.lock"


def remove_stale_temp_files(directory: str | os.PathLike) -> list[Path]:
    """Delete the atomic writer's leftover temporary files directly in ``directory``; their paths.

    Safe only while holding the directory's lock exclusively (a live writer's staged file has the
    same name pattern).
    """
    d = Path(directory)
    gone = []
    try:
        entries = list(os.scandir(d))
    except FileNotFoundError:
        return gone
    for e in entries:
        if is_temp_name(e.name) and e.is_file(follow_symlinks=False):
            try:
                os.unlink(e.path)
                gone.append(Path(e.path))
            except FileNotFoundError:
                pass
    return gone


def _open_locked(lock_path: Path, shared: bool) -> tuple[int, bool]:
    """Open and flock the lock file; returns (fd, exclusive). Raises BlockingIOError when held."""
    while True:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                exclusive = True
            except BlockingIOError:
                if not shared:
                    raise
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                exclusive = False
            # the holder before us may have unlinked the file after we opened it: lock the live one
            try:
                same = os.stat(lock_path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                return fd, exclusive
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)


@contextlib.contextmanager
def claim_out_dir(directory: str | os.PathLike, *, option: str = "--out", shared: bool = False,
                  also_clean=()):
    """Lock ``directory`` for writing, repair what a killed run left, yield its Path.

    Parameters
    ----------
    directory : path
        Created (with parents) if needed.
    option : str
        The option the user typed, for the one-line errors.
    shared : bool
        For a command that writes one file: other shared holders are allowed, an exclusive one
        (a run writing a set) is not. Repair then happens only when no one else holds the lock.
    also_clean : iterable of path
        Subdirectories whose stale temporary files go too (a sweep's ``chunks``).

    Raises
    ------
    ThaadsimError
        The directory cannot be written, or another thaadsim process is writing into it.
    """
    d = Path(directory)
    reason = unwritable_reason(d)
    if reason:
        raise ThaadsimError(option, f"cannot write to {str(d)!r}: {reason}", "choose a directory you can write to")
    created = []
    p = d.absolute()
    while not p.exists():
        created.append(p)
        p = p.parent
    try:
        d.mkdir(parents=True, exist_ok=True)
        fd, exclusive = _open_locked(d / LOCK_NAME, shared)
    except BlockingIOError:
        raise ThaadsimError(option, f"another thaadsim command is writing into {str(d)!r} right now "
                            f"(it holds {LOCK_NAME} there)",
                            "wait for it to finish, or give another directory") from None
    except OSError as exc:
        _remove_created(created)
        raise ThaadsimError(option, f"cannot write to {str(d)!r} ({exc.strerror or exc})",
                            "choose a directory you can write to") from None
    try:
        if exclusive:
            roll_forward(d)
            remove_stale_temp_files(d)
            for sub in also_clean:
                remove_stale_temp_files(sub)
            if shared:
                fcntl.flock(fd, fcntl.LOCK_SH)     # let other one-file writers in
        yield d
    finally:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            (d / LOCK_NAME).unlink(missing_ok=True)     # unlinked while held: see _open_locked
        except OSError as exc:     # another shared holder still uses it: it removes the file later
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.ENOENT):
                raise
        finally:
            os.close(fd)
        _remove_created(created)


def _remove_created(created: list[Path]) -> None:
    """rmdir the directories this call made, deepest first, while they are empty."""
    for p in created:
        try:
            p.rmdir()
        except OSError:
            break
