"""Where chunks of work run: in this process, on local cores, or on a Dask cluster.

Like ``errors`` and ``cache``, this module belongs to no layer: footprint maps and the strategic
table (analysis) and sweeps all fan their chunks out through it.

Every caller that fans work out (sweeps, footprint maps, strategic tables) asks :func:`executor`
for a :class:`concurrent.futures.Executor` and submits plain functions of arrays to it. Results
never depend on which executor ran them: each chunk carries everything it needs (including its own
random stream, derived from the seed and the chunk's position, never from the worker).

* ``workers=1`` (or a single core): an in-process executor, no pickling, no start-up cost.
* ``workers=K``: ``K`` local processes (``spawn``: numba's thread pool is not fork-safe), each
  limited to ``cores // K`` numba threads so that workers x threads matches the machine.
* ``scheduler="tcp://HOST:PORT"``: an existing ``dask.distributed`` scheduler, through
  ``Client.get_executor()`` (dask's own ``concurrent.futures`` adapter). A ``LocalCluster``'s
  address works the same way, which is how the tests run it.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import multiprocessing
import os
from typing import TYPE_CHECKING, Iterator

from thaadsim.errors import ThaadsimError

if TYPE_CHECKING:   # annotations only
    from typing import Any, Callable

MAX_WORKERS = 256


class SerialExecutor(cf.Executor):
    """Runs each submitted call at once in this process (the executor for one worker)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future:
        """Call ``fn(*args, **kwargs)`` now; return a finished future holding its result or exception.

        Parameters
        ----------
        fn : callable
            The function to call.
        *args : Any
            Its positional arguments.
        **kwargs : Any
            Its keyword arguments.

        Returns
        -------
        concurrent.futures.Future
            Already done.
        """
        fut: cf.Future = cf.Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to the caller through the future, like any executor
            fut.set_exception(exc)
        return fut


def cpu_count() -> int:
    """Cores this process may use (the affinity mask where the OS has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _limit_threads(n_threads: int) -> None:
    """Worker initializer: numba (and BLAS) threads per worker, so workers x threads ~ cores."""
    os.environ["NUMBA_NUM_THREADS"] = str(n_threads)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    try:
        import numba

        numba.set_num_threads(min(n_threads, numba.config.NUMBA_NUM_THREADS))
    except Exception:  # numba absent or already initialised with fewer threads: a speed matter only
        pass


def check_workers(workers: int | None) -> int | None:
    """``None`` (all cores) or a whole number in [1, MAX_WORKERS]; anything else is a user error.

    Parameters
    ----------
    workers : int or None
        Local worker processes asked for.

    Returns
    -------
    int or None
        ``workers`` unchanged.

    Raises
    ------
    ThaadsimError
        For a bool, a non-integer, or a number outside [1, MAX_WORKERS].
    """
    if workers is None:
        return None
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= MAX_WORKERS:
        raise ThaadsimError("workers", f"{workers!r} is not a whole number from 1 to {MAX_WORKERS}",
                            "give the number of local worker processes, e.g. --workers 2")
    return workers


@contextlib.contextmanager
def executor(workers: int | None = None, scheduler: str | None = None) -> Iterator[cf.Executor]:
    """An executor for chunks of work; closed (and its processes or client shut down) on exit.

    Parameters
    ----------
    workers
        Local worker processes; ``None`` means one per core. Ignored when ``scheduler`` is given.
    scheduler
        Address of a running ``dask.distributed`` scheduler, e.g. ``tcp://10.0.0.5:8786``.
    """
    if scheduler:
        try:
            from distributed import Client
        except ImportError:
            raise ThaadsimError("scheduler", "needs dask.distributed, which is not installed",
                                "pip install 'thaadsim[dist]', or run on local cores with --workers") from None
        try:
            client = Client(scheduler, timeout="10s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ThaadsimError("scheduler", f"cannot reach a Dask scheduler at {scheduler!r} ({exc})",
                                "give the address the scheduler prints, e.g. tcp://HOST:8786") from None
        try:
            with client.get_executor(pure=False) as ex:
                yield ex
        finally:
            client.close()
        return
    n = check_workers(workers)
    cores = cpu_count()
    n = cores if n is None else n
    if n <= 1:
        yield SerialExecutor()
        return
    threads = max(1, cores // n)
    ctx = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=_limit_threads,
                                initargs=(threads,)) as ex:
        yield ex
