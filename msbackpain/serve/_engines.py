"""Keep an engine behind the gateway: replace it without losing other clients' queries.

The Oxigraph server cannot stop one query: its own ``--timeout-s`` answers 200 with a cut-off
body, cancels late (a 3 s limit stopped a cross product after 7.7 s) and keeps one thread per
query for the whole timeout (14,000 threads after 3 s of trivial queries), and closing the
connection does not stop the evaluation. So a query that runs out of time is stopped by
stopping its engine process, and this module makes that harmless to everyone else:

* the engine that ran the late query is marked *poisoned* and a replacement is started on
  another port; the poisoned engine keeps answering until the replacement is ready, then gets
  no new queries, finishes the ones it has (each within its own deadline) and is stopped;
* any number of timeouts on one engine cause one replacement (coalesced), and replacements
  are spaced out with a growing delay (backoff) when they follow each other closely;
* an engine that dies (a crash, ``kill -9``) is replaced too, and the queries it was running
  are sent once more to the replacement (read-only queries are safe to repeat);
* every replacement is logged through ``on_event``; if no engine can be started after
  ``max_failures`` attempts in a row, :attr:`EnginePool.failed` is set and the gateway exits
  with an error instead of answering 503 forever.

``factory()`` returns an unstarted engine: anything with ``start()``, ``stop()``, ``alive``,
``pid``, ``url`` and ``log_tail()`` (an :class:`msbackpain.serve.server.OxigraphServer`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from msbackpain.exceptions import BackendError
from msbackpain.serve._upstream import (
    Answer,
    EngineUnavailableError,
    IncompleteAnswerError,
    Upstream,
)

__all__ = ["EnginePool", "FixedEngine"]


class _Slot:
    def __init__(self, engine: Any, upstream: Upstream) -> None:
        self.engine, self.upstream = engine, upstream
        self.inflight = 0
        self.poisoned = False
        self.stopped = False


class FixedEngine:
    """One engine at a fixed URL that is never replaced (tests, an engine run elsewhere).

    ``on_timeout`` is awaited after a query on it ran out of time.
    """

    def __init__(self, url: str, *, max_bytes: int | None = None, on_timeout: Any = None) -> None:
        self.upstream = Upstream(url, max_bytes=max_bytes)
        self.on_timeout = on_timeout
        self.failed: str | None = None

    async def query(self, text: str, accept: str, timeout: float, dataset: str = "") -> Answer:
        """Send one query (see :meth:`Upstream.query`)."""
        try:
            return await self.upstream.query(text, accept, timeout, dataset)
        except TimeoutError:
            if self.on_timeout is not None:
                await self.on_timeout()
            raise

    async def close(self) -> None:
        """Close idle connections."""
        self.upstream.close()


class EnginePool:
    """The current engine and its replacements (see the module docstring)."""

    def __init__(
        self,
        factory: Callable[[], Any],
        *,
        max_bytes: int | None = None,
        on_event: Callable[[str], None] | None = None,
        max_failures: int = 5,
        backoff: tuple[float, float] = (0.5, 8.0),
        drain: float = 30.0,
    ) -> None:
        self.factory = factory
        self.max_bytes = max_bytes
        self.on_event = on_event or (lambda message: None)
        self.max_failures = max_failures
        self.backoff = backoff
        self.drain = drain
        self.restarts = 0
        self.failed: str | None = None
        self.failure = asyncio.Event()
        self._active: _Slot | None = None
        self._ready = asyncio.Event()
        self._replacing: asyncio.Task[None] | None = None
        self._last_start = 0.0
        self._delay = 0.0
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def engine(self) -> Any:
        """The engine new queries go to (None while there is none)."""
        return self._active.engine if self._active is not None else None

    async def _start_engine(self) -> _Slot:
        failures = 0
        delay = self.backoff[0]
        loop = asyncio.get_running_loop()
        while True:
            engine = self.factory()
            try:
                await loop.run_in_executor(None, engine.start)
            except Exception as err:  # any failure to start counts, and is said
                failures += 1
                if failures >= self.max_failures:
                    self.failed = f"the engine could not be started {failures} times: {err}"
                    self.on_event(self.failed)
                    self.failure.set()
                    raise BackendError(self.failed) from err
                self.on_event(f"engine failed to start ({err}); retrying in {delay:g} s")
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.backoff[1])
                continue
            self._last_start = time.monotonic()
            return _Slot(engine, Upstream(engine.url, max_bytes=self.max_bytes))

    async def start(self) -> None:
        """Start the first engine.

        Raises:
            BackendError: if it cannot be started after ``max_failures`` attempts.
        """
        self._active = await self._start_engine()
        self._ready.set()

    def _replace(self, slot: _Slot, reason: str) -> None:
        """Start a replacement for ``slot`` unless one is on its way (coalesced)."""
        if slot is not self._active:
            return
        if not slot.engine.alive:  # nothing to drain: no engine until the replacement is up
            self._active = None
            self._ready.clear()
        if slot.poisoned:
            return
        slot.poisoned = True
        if self._replacing is None or self._replacing.done():
            self._replacing = self._spawn(self._replacement(slot, reason))

    def _spawn(self, coroutine: Any) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _replacement(self, old: _Slot, reason: str) -> None:
        since = time.monotonic() - self._last_start
        self._delay = (
            0.0 if since > 30 else max(self.backoff[0], min(self._delay * 2, self.backoff[1]))
        )
        if self._delay > since:
            await asyncio.sleep(self._delay - since)
        try:
            slot = await self._start_engine()
        except BackendError:
            self._ready.set()  # wake the waiting queries: they see `failed`
            return
        self._active = slot
        self._ready.set()
        self.restarts += 1
        self.on_event(f"engine restarted ({reason}); pid {slot.engine.pid}")
        if old.inflight == 0:
            await self._stop(old)
        else:  # every query still on it ends (answer or timeout) before its own deadline
            self._spawn(self._stop_later(old))

    async def _stop_later(self, slot: _Slot) -> None:
        deadline = time.monotonic() + self.drain
        while slot.inflight and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await self._stop(slot)

    async def _stop(self, slot: _Slot) -> None:
        if slot.stopped:
            return
        slot.stopped = True
        slot.upstream.close()
        await asyncio.get_running_loop().run_in_executor(None, slot.engine.stop)

    async def _current(self) -> _Slot:
        while self._active is None or not self._ready.is_set():
            if self.failed is not None:
                raise EngineUnavailableError(self.failed)
            await self._ready.wait()
        return self._active

    async def query(self, text: str, accept: str, timeout: float, dataset: str = "") -> Answer:
        """Send one query to the current engine within ``timeout`` seconds.

        ``dataset`` is as for :meth:`Upstream.query`.

        Raises:
            TimeoutError: the engine did not answer in time (it is replaced; others go on).
            EngineUnavailableError: no engine could be reached.
            IncompleteAnswerError: the answer stopped before its end.
            AnswerTooLargeError: the answer passed ``max_bytes``.
        """
        deadline = time.monotonic() + timeout
        for attempt in (1, 2):
            slot = self._active
            if slot is None or not self._ready.is_set():  # none right now: wait within the deadline
                async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                    slot = await self._current()
            slot.inflight += 1
            try:
                left = deadline - time.monotonic()
                return await slot.upstream.query(text, accept, left, dataset)
            except TimeoutError:
                self._replace(slot, "a query ran out of time")
                raise
            except (EngineUnavailableError, IncompleteAnswerError):
                if not await self._died(slot):
                    raise
                self._replace(slot, "it had stopped")
                if attempt == 2 or time.monotonic() >= deadline:
                    raise
            finally:
                slot.inflight -= 1
                if slot.poisoned and slot.inflight == 0 and slot is not self._active:
                    self._spawn(self._stop(slot))
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    async def _died(slot: _Slot) -> bool:
        """Whether the engine of ``slot`` is gone (it may take a moment to be reaped)."""
        for _ in range(10):
            if slot.stopped or not slot.engine.alive:
                return True
            await asyncio.sleep(0.02)
        return False

    async def watch(self, interval: float = 0.25) -> None:
        """Replace the engine whenever it has died (runs until cancelled)."""
        while self.failed is None:
            await asyncio.sleep(interval)
            slot = self._active
            if slot is not None and not slot.engine.alive and not slot.stopped:
                self._replace(slot, "it had stopped")

    async def close(self) -> None:
        """Stop every engine and background task."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._active is not None:
            await self._stop(self._active)
