"""Check queries for the gateway in worker processes, under a deadline, with a bounded cache.

The guard (:func:`msbackpain.guard.check_query`) parses with a pure-Python parser whose time
grows fast with the size of the text: on the gateway's event loop a 48 KB query stalled every
client for 9.6 s. Here each check runs in a worker process
(``python -m msbackpain.serve._guardpool``) that reads length-prefixed query texts on its
stdin and writes one JSON verdict per text on its stdout. A check that outlives its
deadline gets its worker killed (a parse cannot be interrupted otherwise) and a fresh
worker started in its place; the other workers go on.

Workers are split into lanes by the size of the text, so that a flood of large queries never
makes a small one wait: by default one worker for texts up to 4 KiB and one for the rest.

Nothing here is exposed to users; :mod:`msbackpain.serve.gateway` maps the outcomes to HTTP
answers.
"""

from __future__ import annotations

import asyncio
import json
import struct
import sys
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from msbackpain.exceptions import QueryError

__all__ = ["GuardPool", "Verdict", "VerdictCache"]

_HEADER = struct.Struct(">I")
_READY = b"ready\n"
#: Address space a worker may use (bytes); a parse past it is refused, not swapped.
WORKER_MEMORY = 2 << 30


@dataclass(frozen=True, slots=True)
class Verdict:
    """A query the guard passed: its form and the exact text the engine is to run."""

    form: str
    text: str


class VerdictCache:
    """Least-recently-used verdicts (or refusal messages), bounded in entries and in bytes.

    Texts longer than ``max_text`` characters are never kept, so that cheap distinct large
    requests cannot grow the gateway's memory.

    Examples:
        >>> cache = VerdictCache(max_entries=2, max_bytes=1000)
        >>> cache.put("ASK {}", Verdict("ASK", "ASK {}"))
        >>> cache.get("ASK {}")
        Verdict(form='ASK', text='ASK {}')
        >>> cache.put("x" * 2000, "too big to keep"); cache.get("x" * 2000) is None
        True
    """

    def __init__(
        self, *, max_entries: int = 4096, max_bytes: int = 16 << 20, max_text: int = 64 << 10
    ) -> None:
        self.max_entries, self.max_bytes, self.max_text = max_entries, max_bytes, max_text
        self._items: OrderedDict[str, Verdict | str] = OrderedDict()
        self.size = 0

    @staticmethod
    def _cost(text: str, value: Verdict | str) -> int:
        return len(text) + (len(value.text) if isinstance(value, Verdict) else len(value)) + 200

    def get(self, text: str) -> Verdict | str | None:
        """Return the cached verdict or refusal message of ``text``, or None."""
        value = self._items.get(text)
        if value is not None:
            self._items.move_to_end(text)
        return value

    def put(self, text: str, value: Verdict | str) -> None:
        """Remember ``value`` for ``text`` (unless it is too large), forgetting the oldest."""
        cost = self._cost(text, value)
        if len(text) > self.max_text or cost > self.max_bytes or text in self._items:
            return
        self._items[text] = value
        self.size += cost
        while len(self._items) > self.max_entries or self.size > self.max_bytes:
            old, old_value = self._items.popitem(last=False)
            self.size -= self._cost(old, old_value)

    def __len__(self) -> int:
        return len(self._items)


class _Worker:
    """One checking process; one text at a time."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    async def ask(self, text: str) -> dict[str, str]:
        stdin, stdout = self.process.stdin, self.process.stdout
        if stdin is None or stdout is None:  # pragma: no cover - started with pipes
            raise ConnectionError("the guard worker has no pipes")
        data = text.encode("utf-8", "surrogatepass")
        stdin.write(_HEADER.pack(len(data)) + data)
        await stdin.drain()
        (size,) = _HEADER.unpack(await stdout.readexactly(_HEADER.size))
        reply: dict[str, str] = json.loads(await stdout.readexactly(size))
        return reply

    def kill(self) -> None:
        if self.process.returncode is None:
            self.process.kill()
        if self.process.stdin is not None:
            self.process.stdin.close()


class _Lane:
    def __init__(self, limit: int | None, size: int) -> None:
        self.limit, self.size = limit, size
        self.idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self.all: set[_Worker] = set()


class GuardPool:
    """Worker processes that run the guard, in lanes by text size.

    ``lanes`` is a sequence of ``(largest text in characters or None, workers)``; ``on_event``
    receives one line when a worker is killed or cannot be started.
    """

    def __init__(
        self,
        lanes: Sequence[tuple[int | None, int]] = ((4096, 1), (None, 1)),
        *,
        on_event: Callable[[str], None] | None = None,
    ) -> None:
        self._lanes = [_Lane(limit, size) for limit, size in lanes]
        self.on_event = on_event or (lambda message: None)
        self.killed = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._dying: set[_Worker] = set()

    async def start(self) -> None:
        """Start every worker and wait until each has loaded the guard."""
        await asyncio.gather(*(self._spawn(lane) for lane in self._lanes for _ in range(lane.size)))

    async def _spawn(self, lane: _Lane) -> None:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "msbackpain.serve._guardpool",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=1 << 20,
        )
        worker = _Worker(process)
        try:
            if process.stdout is None or (
                await asyncio.wait_for(process.stdout.readline(), 60) != _READY
            ):
                raise OSError("the guard worker did not start")
        except BaseException:
            worker.kill()
            await process.wait()
            raise
        lane.all.add(worker)
        lane.idle.put_nowait(worker)

    def _replace(self, lane: _Lane, worker: _Worker) -> None:
        worker.kill()
        lane.all.discard(worker)
        self._dying.add(worker)
        self.killed += 1

        async def respawn() -> None:
            await worker.process.wait()
            self._dying.discard(worker)
            delay = 0.5
            while True:
                try:
                    await self._spawn(lane)
                except (OSError, asyncio.IncompleteReadError, TimeoutError) as err:
                    self.on_event(f"guard worker failed to start ({err}); retrying in {delay:g} s")
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 10.0)
                else:
                    return

        task = asyncio.get_running_loop().create_task(respawn())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def check(self, text: str, timeout: float) -> Verdict:
        """Check ``text`` in a worker within ``timeout`` seconds (waiting for one included).

        Raises:
            QueryError: the guard's refusal (or the worker crashed on this text).
            TimeoutError: if no verdict came within ``timeout``; that worker is replaced.
        """
        lane = next(x for x in self._lanes if x.limit is None or len(text) <= x.limit)
        async with asyncio.timeout(timeout):
            worker = await lane.idle.get()
            try:
                reply = await worker.ask(text)
            except (asyncio.IncompleteReadError, ConnectionError) as err:
                self._replace(lane, worker)
                raise QueryError("the query could not be checked (the checker failed)") from err
            except BaseException:  # the deadline, or the request was cancelled
                self._replace(lane, worker)
                raise
        lane.idle.put_nowait(worker)
        if "error" in reply:
            raise QueryError(reply["error"])
        return Verdict(reply["form"], reply["text"])

    async def close(self) -> None:
        """Stop every worker."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        workers = [worker for lane in self._lanes for worker in lane.all] + list(self._dying)
        for worker in workers:
            worker.kill()
        await asyncio.gather(*(w.process.wait() for w in workers), return_exceptions=True)


def _serve_stdio() -> None:  # pragma: no cover - runs in the worker process
    from msbackpain.guard import check_query

    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY, WORKER_MEMORY))
    except (ImportError, ValueError, OSError):  # Windows; a system that refuses
        pass
    check_query("ASK {}")  # import and build the parser before saying ready
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    stdout.write(_READY)
    stdout.flush()
    while True:
        head = stdin.read(_HEADER.size)
        if len(head) < _HEADER.size:
            return
        (size,) = _HEADER.unpack(head)
        text = stdin.read(size).decode("utf-8", "surrogatepass")
        try:
            checked = check_query(text)
            reply = {"form": checked.form, "text": checked.text}  # exactly what was checked
        except QueryError as err:
            reply = {"error": str(err)}
        except MemoryError:
            reply = {"error": f"the query needs more than {WORKER_MEMORY >> 20} MB to check"}
        data = json.dumps(reply).encode()
        stdout.write(_HEADER.pack(len(data)) + data)
        stdout.flush()


if __name__ == "__main__":  # pragma: no cover
    _serve_stdio()
