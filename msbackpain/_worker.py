"""Persistent query worker processes: how an ad-hoc query gets a time limit that really stops it.

A worker holds a copy of the graph and answers calls over a pipe, one at a time; a call that
runs past its time limit, or a worker that dies, gets the worker killed and replaced, and the
caller's graph is never touched. A worker lives across calls, so a query costs a round trip
on a pipe (well under a millisecond for a small answer) rather than a fork (5-30 ms), and its
parse cache stays warm.

A worker is made in one of two ways. While the calling process has a single thread (see
:func:`msbackpain.execution.can_fork`), it is forked: it shares the loaded graph
copy-on-write and starts in milliseconds. Forking a process whose other threads hold locks
(the allocator's, rdflib's, RocksDB's) leaves those locks held forever in the child (0.2-0.7%
of forked queries hung), so otherwise a worker is a fresh interpreter (``python -m
msbackpain._worker``, never a re-import of the caller's ``__main__``) that receives a copy of
the graph once (0.7-1.5 s for the bundle).
"""

from __future__ import annotations

import atexit
import functools
import os
import signal
import subprocess
import sys
import threading
import weakref
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from msbackpain.exceptions import BackendError, QueryTimeoutError

__all__ = ["call", "main"]

#: Seconds a new worker may take to start and load its copy of the graph.
START_TIMEOUT = 300.0
#: Most workers per graph; further callers wait for one to be free.
MAX_WORKERS = max(2, min(8, os.cpu_count() or 2))


def _snapshot(backend: Any) -> tuple[str, Any]:
    """Return what a worker needs to rebuild ``backend``: a store path or N-Triples."""
    path = getattr(backend, "path", None)
    if backend.name == "oxigraph" and path is not None:
        return ("oxigraph-store", str(path))
    data = "".join(f"{s} {p} {o} .\n" for s, p, o in backend.triples()).encode("utf-8")
    return (backend.name, data)


def _rebuild(kind: str, payload: Any) -> Any:
    import pyoxigraph

    from msbackpain.backends import get_backend

    backend: Any = get_backend("oxigraph" if kind == "oxigraph-store" else kind)
    if kind == "oxigraph-store":  # read-only beside the caller's handle; nothing is copied
        backend.store = pyoxigraph.Store.read_only(payload)
        backend.path, backend.read_only = Path(payload), True
        return backend
    quads = pyoxigraph.parse(payload, format=pyoxigraph.RdfFormat.TURTLE)
    if kind == "oxigraph":
        backend.store.extend(quads)
        return backend
    from rdflib.term import BNode, Literal, URIRef

    def node(term: Any) -> Any:  # blank node ids are kept, so answers match the caller's
        if isinstance(term, pyoxigraph.NamedNode):
            return URIRef(term.value)
        if isinstance(term, pyoxigraph.BlankNode):
            return BNode(term.value)
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))

    graph = backend.graph
    graph.addN((node(q.subject), node(q.predicate), node(q.object), graph) for q in quads)
    return backend


def main() -> None:
    """Serve calls on stdin/stdout until stdin closes (run as ``python -m``)."""
    out = os.dup(1)
    os.dup2(2, 1)  # nothing printed by a library may corrupt the answers
    _serve(Connection(0, writable=False), Connection(out, readable=False), None)


def _serve_forked(inbox: Connection, outbox: Connection, backend: Any) -> None:
    """The body of a forked worker: the graph is already here (copy-on-write)."""
    _serve(inbox, outbox, backend)


def _serve(inbox: Connection, outbox: Connection, backend: Any) -> None:
    while True:
        try:
            request = inbox.recv()
        except EOFError:
            return
        try:
            if request[0] == "load":
                backend = _rebuild(request[1], request[2])
                outbox.send((True, None))
                continue
            fn = getattr(backend, request[1]) if isinstance(request[1], str) else request[1]
            outbox.send((True, fn(*request[2], **request[3])))
        except BaseException as err:  # noqa: BLE001 - every failure goes back to the caller
            try:
                outbox.send((False, err))
            except Exception:  # noqa: BLE001 - an unpicklable error: send its text
                outbox.send((False, BackendError(f"{type(err).__name__}: {err}")))


class _Channel:
    """A worker process at the other end of two pipes: ask it, kill it."""

    outbox: Connection
    inbox: Connection

    def ask(self, request: tuple[Any, ...], timeout: float, what: str) -> Any:
        try:
            self.outbox.send(request)
            ready = self.inbox.poll(timeout)
        except OSError:
            ready = True  # a dead worker: recv reports it
        if not ready:
            self.kill()
            msg = f"the {what} ran longer than {timeout:g} s and was stopped (no partial result)"
            raise QueryTimeoutError(msg)
        try:
            ok, value = self.inbox.recv()
        except (EOFError, OSError):
            code = self.kill()
            msg = f"the {what} crashed the engine (exit code {code}); the graph is unchanged"
            raise BackendError(msg) from None
        if not ok:
            raise value
        return value

    def alive(self) -> bool:
        raise NotImplementedError

    def kill(self) -> int | None:
        raise NotImplementedError


class _Forked(_Channel):
    """A worker forked from this (single-threaded) process, holding the graph copy-on-write."""

    def __init__(self, owner: Any) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        child_in, self.outbox = context.Pipe(duplex=False)
        self.inbox, child_out = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_serve_forked, args=(child_in, child_out, owner), daemon=True
        )
        self.process.start()
        child_in.close()
        child_out.close()

    def alive(self) -> bool:
        return self.process.is_alive()

    def kill(self) -> int | None:
        if self.process.pid is not None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.join()
        self.outbox.close()
        self.inbox.close()
        return self.process.exitcode


class _Spawned(_Channel):
    """A worker in a fresh interpreter, sent a copy of the graph when it starts."""

    def __init__(self, snapshot: tuple[str, Any] | None) -> None:
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        self.process = subprocess.Popen(  # our own module, our own interpreter
            [sys.executable, "-m", "msbackpain._worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            close_fds=True,
        )
        assert self.process.stdin is not None and self.process.stdout is not None  # noqa: S101
        self.outbox = Connection(os.dup(self.process.stdin.fileno()), readable=False)
        self.inbox = Connection(os.dup(self.process.stdout.fileno()), writable=False)
        self.process.stdin.close()
        self.process.stdout.close()
        if snapshot is not None:
            self.ask(("load", *snapshot), START_TIMEOUT, "start of a query worker")

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> int | None:
        self.process.kill()
        code = self.process.wait()
        self.outbox.close()
        self.inbox.close()
        return code


class _Pool:
    """The workers of one graph: reused while idle, at most :data:`MAX_WORKERS` at once."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.snapshot: tuple[str, Any] | None = None
        self.idle: list[_Channel] = []
        self.busy = 0
        self.ready = threading.Condition()

    def acquire(self, owner: Any) -> _Channel:
        with self.ready:
            while not self.idle and self.busy >= MAX_WORKERS:
                self.ready.wait()
            self.busy += 1
            if self.idle:
                return self.idle.pop()
        try:
            return self._start(owner)
        except BaseException:
            self.release(None)
            raise

    def _start(self, owner: Any) -> _Channel:
        from msbackpain.execution import can_fork

        if can_fork():
            return _Forked(owner)
        with self.ready:
            if self.snapshot is None and owner is not None:
                self.snapshot = _snapshot(owner)
        return _Spawned(self.snapshot)

    def release(self, worker: _Channel | None) -> None:
        with self.ready:
            self.busy -= 1
            if worker is not None:
                self.idle.append(worker)
            self.ready.notify()

    def close(self) -> None:
        with self.ready:
            for worker in self.idle:
                worker.kill()
            self.idle.clear()


_POOLS: dict[int, _Pool] = {}
_POOLS_LOCK = threading.Lock()


@functools.cache
def _close_at_exit() -> None:
    """Register :func:`_close_all` to run at exit, once per process."""
    atexit.register(_close_all)


def _close_all() -> None:
    """Stop every idle worker when the interpreter exits (no worker outlives its parent)."""
    with _POOLS_LOCK:
        pools = list(_POOLS.values())
        _POOLS.clear()
    for pool in pools:
        pool.close()


def _pool(owner: Any) -> _Pool:
    key = id(owner) if owner is not None else 0
    with _POOLS_LOCK:
        pool = _POOLS.get(key)
        size = len(owner) if owner is not None else 0
        if pool is not None and pool.size == size:
            return pool
        if pool is not None:  # the graph grew since the workers copied it
            pool.close()
        _close_at_exit()  # the workers of every pool stop when this process exits
        pool = _POOLS[key] = _Pool(size)
        if owner is not None:
            weakref.finalize(owner, _drop, key, pool)
    return pool


def _drop(key: int, pool: _Pool) -> None:
    with _POOLS_LOCK:
        if _POOLS.get(key) is pool:
            del _POOLS[key]
    pool.close()


def call(
    owner: Any,
    fn: Any,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    *,
    timeout: float,
    what: str = "query",
) -> Any:
    """Return ``fn(*args, **kwargs)`` computed by a worker holding a copy of ``owner``.

    ``fn`` is the name of a method of ``owner`` (a backend), or, with ``owner=None``, a
    picklable callable.

    Raises:
        QueryTimeoutError: when ``timeout`` passes first (the worker is killed).
        BackendError: when the worker dies without answering.
    """
    pool = _pool(owner)
    worker = pool.acquire(owner)
    try:
        value = worker.ask(("call", fn, args, kwargs), timeout, what)
    except BaseException:
        pool.release(worker if worker.alive() else None)
        raise
    pool.release(worker)
    return value


if __name__ == "__main__":
    main()
