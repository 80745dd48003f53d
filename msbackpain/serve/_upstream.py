"""Keep-alive HTTP/1.1 connections from the gateway to its own SPARQL engine on loopback.

The gateway forwards every query to the Oxigraph server it supervises. aiohttp's client costs
about 80 µs of CPU per forwarded request here, four times the rest of the gateway's work, and
on a 2-core machine that CPU is shared with the engine and the clients. The exchange with the
engine is always the same (``POST`` a query, read one response), so this module speaks just
that, over pooled connections, and leaves parsing to httptools (llhttp, the HTTP parser of
Node.js and uvicorn). See docs/decisions.md.

Nothing here is exposed to users; :mod:`msbackpain.serve.gateway` maps the errors to HTTP answers.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlsplit

__all__ = [
    "Answer",
    "AnswerTooLargeError",
    "EngineUnavailableError",
    "IncompleteAnswerError",
    "Upstream",
]


class EngineUnavailableError(Exception):
    """The engine could not be reached, or closed the connection before answering."""


class IncompleteAnswerError(Exception):
    """The engine's answer stopped before its end (a crash or a cut-off body)."""


class AnswerTooLargeError(Exception):
    """The engine's answer passed the byte limit; reading stopped and the connection closed."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the answer is larger than {limit} bytes")
        self.limit = limit


@dataclass(frozen=True, slots=True)
class Answer:
    """One response of the engine: status code and the whole body."""

    status: int
    body: bytes


class _Connection(asyncio.Protocol):
    """One keep-alive connection; one request at a time."""

    def __init__(self, max_bytes: int | None = None) -> None:
        import httptools

        self.max_bytes = max_bytes
        self._size = 0
        self._parser_type = httptools.HttpResponseParser
        self._parse_error = httptools.HttpParserError
        self.transport: asyncio.Transport | None = None
        self.open = False
        self.reusable = False
        self._waiter: asyncio.Future[Answer] | None = None
        self._chunks: list[bytes] = []
        self._started = False
        self._parser: Any = None

    # -- asyncio.Protocol ------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast("asyncio.Transport", transport)
        self.open = True

    def data_received(self, data: bytes) -> None:
        if self._parser is None:  # bytes nobody asked for: this connection cannot be trusted
            self.close()
            return
        self._started = True
        try:
            self._parser.feed_data(data)
        except self._parse_error as err:
            self._fail(IncompleteAnswerError(f"the engine's answer is not valid HTTP: {err}"))
            self.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.open = False
        if self._started:
            self._fail(IncompleteAnswerError("the engine closed the connection mid-answer"))
        else:
            self._fail(EngineUnavailableError("the engine closed the connection"))

    # -- httptools callbacks ---------------------------------------------------------------

    def on_body(self, body: bytes) -> None:
        self._chunks.append(body)
        self._size += len(body)
        if self.max_bytes is not None and self._size > self.max_bytes:
            self._chunks = []
            self._fail(AnswerTooLargeError(self.max_bytes))
            self.close()  # the engine gets EPIPE and stops writing its answer

    def on_message_complete(self) -> None:
        parser, waiter = self._parser, self._waiter
        if parser is None:  # already failed (too large) within this feed
            return
        self.reusable = bool(parser.should_keep_alive())
        status = int(parser.get_status_code())
        self._parser, self._waiter = None, None
        if waiter is not None and not waiter.done():
            waiter.set_result(Answer(status, b"".join(self._chunks)))

    # -- use ---------------------------------------------------------------------------------

    def send(self, request: bytes) -> asyncio.Future[Answer]:
        """Write one request; the future resolves with the whole answer."""
        if self.transport is None or not self.open:
            raise EngineUnavailableError("the connection to the engine is closed")
        self.reusable = False
        self._chunks, self._started, self._size = [], False, 0
        self._parser = self._parser_type(self)
        self._waiter = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return self._waiter

    def _fail(self, error: Exception) -> None:
        waiter, self._waiter, self._parser = self._waiter, None, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(error)

    def close(self) -> None:
        self.open = False
        if self.transport is not None:
            self.transport.abort()


class Upstream:
    """A pool of keep-alive connections to one ``http://host:port/path`` URL.

    Example:
        >>> upstream = Upstream("http://127.0.0.1:7878/query")
        >>> upstream.host, upstream.port, upstream.path
        ('127.0.0.1', 7878, '/query')
    """

    def __init__(self, url: str, *, limit: int = 64, max_bytes: int | None = None) -> None:
        parts = urlsplit(url)
        if parts.scheme != "http" or not parts.hostname or parts.port is None:
            msg = f"the engine URL must be http://host:port/path, not {url!r}"
            raise ValueError(msg)
        self.host, self.port, self.path = parts.hostname, parts.port, parts.path or "/"
        self._head = (
            f"POST {self.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            "Content-Type: application/sparql-query\r\n"
        ).encode("ascii")
        self.max_bytes = max_bytes
        self._idle: list[_Connection] = []
        self._slots = asyncio.Semaphore(limit)

    async def query(self, text: str, accept: str, timeout: float, dataset: str = "") -> Answer:
        """Send ``text`` and return the engine's whole answer.

        ``dataset`` is an encoded query string of ``default-graph-uri`` / ``named-graph-uri``
        parameters for the engine (none if empty).

        A connection the engine closed while it was idle (a restart) is replaced once; read-only
        queries are safe to send again.

        Raises:
            TimeoutError: if the answer is not complete within ``timeout`` seconds.
            EngineUnavailableError: if the engine cannot be reached.
            IncompleteAnswerError: if the answer stops before its end.
            AnswerTooLargeError: if the body passes ``max_bytes`` (reading stops there).
        """
        body = text.encode("utf-8")
        head = self._head
        if dataset:
            head = head.replace(b" HTTP/1.1", b"?%s HTTP/1.1" % dataset.encode("ascii"), 1)
        request = b"%sAccept: %s\r\nContent-Length: %d\r\n\r\n%s" % (
            head,
            accept.encode("ascii"),
            len(body),
            body,
        )
        async with self._slots, asyncio.timeout(timeout):
            for attempt in (1, 2):
                connection, reused = await self._connection()
                try:
                    answer = await connection.send(request)
                except EngineUnavailableError:
                    if reused and attempt == 1:
                        continue
                    raise
                except BaseException:  # timeout, cancellation, incomplete answer
                    connection.close()
                    raise
                if connection.reusable and connection.open:
                    self._idle.append(connection)
                else:
                    connection.close()
                return answer
        raise AssertionError("unreachable")  # pragma: no cover

    async def _connection(self) -> tuple[_Connection, bool]:
        while self._idle:
            connection = self._idle.pop()
            if connection.open:
                return connection, True
        loop = asyncio.get_running_loop()
        try:
            _, connection = await loop.create_connection(
                lambda: _Connection(self.max_bytes), self.host, self.port
            )
        except OSError as err:
            msg = f"cannot connect to {self.host}:{self.port}: {err.strerror or err}"
            raise EngineUnavailableError(msg) from None
        return connection, False

    def close(self) -> None:
        """Close every idle connection."""
        while self._idle:
            self._idle.pop().close()
