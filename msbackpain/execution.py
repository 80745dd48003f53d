"""Run a query in a child process with a hard time limit, so that runaway queries really stop.

Neither rdflib nor pyoxigraph can interrupt a running query (SIGALRM does not reach
pyoxigraph's Rust loop). :func:`run_limited` evaluates in another process and kills it when
the time limit passes, raising :class:`~msbackpain.QueryTimeoutError`; the graph in the
caller is untouched and stays usable. Pass ``timeout=None`` to evaluate in-process.

A query (a call of a backend's method) goes to a persistent worker holding a copy of the
graph (:mod:`msbackpain._worker`), reused across queries: forked from a process with a single
thread (counted by the kernel in ``/proc/self/task``, so threads of native libraries count
too), otherwise a fresh interpreter (a lock held by another thread stays held in a forked
child, and 0.2-0.7% of forked queries hung). Any other function is forked per call, or sent
to a worker where the process has threads.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from msbackpain.exceptions import BackendError, QueryTimeoutError

if TYPE_CHECKING:  # multiprocessing costs 20 ms to import: only a query with a limit needs it
    from multiprocessing.connection import Connection

    from msbackpain.backends.base import Backend, BindingValue
    from msbackpain.models import QueryResult

__all__ = ["DEFAULT_MAX_ROWS", "DEFAULT_TIMEOUT", "can_fork", "run_limited", "run_query"]

#: Seconds an ad-hoc query may run before it is stopped.
DEFAULT_TIMEOUT = 30.0
#: Rows an ad-hoc query may return before it is refused as too large.
DEFAULT_MAX_ROWS = 100_000

T = TypeVar("T")


def can_fork() -> bool:
    """Return True where a query may run in a forked child: POSIX, and one thread only.

    Examples:
        >>> isinstance(can_fork(), bool)
        True
    """
    import multiprocessing

    if not hasattr(os, "fork") or "fork" not in multiprocessing.get_all_start_methods():
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:  # no /proc (macOS, BSD): threads we cannot see may exist
        return False


def run_query(
    backend: Backend,
    sparql: str,
    bindings: Mapping[str, BindingValue],
    *,
    allow_network: bool = False,
    timeout: float | None = DEFAULT_TIMEOUT,
    max_rows: int | None = DEFAULT_MAX_ROWS,
    base: str | None = None,
) -> QueryResult:
    """Return ``backend.query(...)`` of an ad-hoc query, under ``timeout`` for an embedded one.

    The whole pipeline (guard, one parse, bindings checked and bound, evaluation) runs where
    the query runs: in a persistent worker process for an embedded backend with a time limit
    (:mod:`msbackpain._worker`; nothing is parsed twice and nothing forks per query), in this
    process with ``timeout=None``, and at the endpoint (which is told the time limit) for a
    remote backend.

    Raises:
        QueryError: for refused or malformed text.
        QueryParameterError: for a binding the query cannot take.
        QueryTimeoutError: past ``timeout``; no partial result is returned.
        ResultTooLargeError: past ``max_rows``.

    Examples:
        >>> from msbackpain.backends import get_backend
        >>> run_query(get_backend("oxigraph"), "ASK {}", {}, timeout=None).boolean
        True
    """
    options = {"allow_network": allow_network, "max_rows": max_rows, "base": base}
    if timeout is None or not backend.embedded:
        return backend.query(sparql, bindings, timeout=timeout, **options)  # type: ignore[arg-type]
    from msbackpain import _worker

    args = (sparql, dict(bindings))
    result: QueryResult = _worker.call(backend, "query", args, options, timeout=timeout)
    return result


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
    crash in the engine) becomes :class:`~msbackpain.BackendError`. Where the process cannot
    be forked safely (see :func:`can_fork`), a bound method of a backend runs in a worker
    holding a copy of that backend, and any other ``fn`` must be picklable.

    Raises:
        QueryTimeoutError: when ``timeout`` passes first; no partial result is returned.

    Examples:
        >>> run_limited(sum, [1, 2, 3], timeout=5)
        6
    """
    from msbackpain import _worker

    owner = getattr(fn, "__self__", None)
    if owner is not None and hasattr(owner, "triples") and hasattr(owner, "name"):
        name = getattr(fn, "__name__", "query")
        return _worker.call(owner, name, args, kwargs, timeout=timeout, what=what)  # type: ignore[no-any-return]
    if not can_fork():
        return _worker.call(None, fn, args, kwargs, timeout=timeout, what=what)  # type: ignore[no-any-return]
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
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
