"""Run a query in a child process with a hard time limit, so that runaway queries really stop.

Neither rdflib nor pyoxigraph can interrupt a running query (SIGALRM does not reach
pyoxigraph's Rust loop). :func:`run_limited` forks the current process — the child shares the
loaded graph copy-on-write, so nothing is reloaded — evaluates there, and sends the result
back through a pipe. When the time limit passes the child is killed and
:class:`~msbackpain.QueryTimeoutError` is raised; the graph in the parent is untouched and
stays usable. A fork costs a few milliseconds; pass ``timeout=None`` to evaluate in-process.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import warnings
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from msbackpain.exceptions import BackendError, QueryTimeoutError

__all__ = ["DEFAULT_MAX_ROWS", "DEFAULT_TIMEOUT", "can_fork", "run_limited"]

#: Seconds an ad-hoc query may run before it is stopped.
DEFAULT_TIMEOUT = 30.0
#: Rows an ad-hoc query may return before it is refused as too large.
DEFAULT_MAX_ROWS = 100_000

T = TypeVar("T")


def can_fork() -> bool:
    """Return True where queries can run in a forked child (POSIX)."""
    return hasattr(os, "fork") and "fork" in multiprocessing.get_all_start_methods()


def _child(
    connection: Connection, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    try:
        connection.send((True, fn(*args, **kwargs)))
    except BaseException as err:  # noqa: BLE001 - every failure goes back to the parent
        try:
            connection.send((False, err))
        except Exception:  # noqa: BLE001 - an unpicklable error: send its text
            connection.send((False, BackendError(f"{type(err).__name__}: {err}")))
    finally:
        connection.close()


def run_limited(
    fn: Callable[..., T], *args: Any, timeout: float, what: str = "query", **kwargs: Any
) -> T:
    """Return ``fn(*args, **kwargs)`` computed in a forked child that is killed after ``timeout`` s.

    Exceptions raised by ``fn`` are raised here. A child that dies without answering (a
    crash in the engine) becomes :class:`~msbackpain.BackendError`.

    Raises:
        QueryTimeoutError: when ``timeout`` passes first; no partial result is returned.

    Examples:
        >>> run_limited(sum, [1, 2, 3], timeout=5)
        6
    """
    if not can_fork():  # pragma: no cover - Windows
        return fn(*args, **kwargs)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    with warnings.catch_warnings():
        # Python 3.12+ warns when forking a process that has threads; the child only
        # evaluates the query and exits, and the parent kills it on timeout.
        warnings.simplefilter("ignore", DeprecationWarning)
        process = context.Process(target=_child, args=(sender, fn, args, kwargs), daemon=True)
        process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            if process.pid is not None:
                os.kill(process.pid, signal.SIGKILL)
            process.join()
            msg = f"the {what} ran longer than {timeout:g} s and was stopped (no partial result)"
            raise QueryTimeoutError(msg)
        try:
            ok, value = receiver.recv()
        except EOFError:
            process.join()
            msg = (
                f"the {what} crashed the engine (exit code {process.exitcode}); "
                "the graph is unchanged"
            )
            raise BackendError(msg) from None
    finally:
        receiver.close()
    process.join()
    if not ok:
        raise value
    result: T = value
    return result
