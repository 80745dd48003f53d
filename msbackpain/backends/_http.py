"""HTTP for the SPARQL Protocol: kept-alive connections, connect/read timeouts, retries, bounds.

Built on the standard library's :mod:`http.client` rather than ``urllib.request`` (which opens
a new connection per request) or httpx (an extra dependency, ~100 ms to import and more
Python work per request than the loopback round trip it wraps). One connection per thread
is kept alive; every failure becomes a one-line :class:`~msbackpain.BackendError` that names
the URL.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from msbackpain.exceptions import BackendError, QueryTimeoutError, ResultTooLargeError

__all__ = ["RETRY_STATUSES", "HttpClient", "Response"]

#: Statuses of a server or proxy that is starting, restarting or overloaded: worth a retry.
RETRY_STATUSES = frozenset({502, 503, 504})
_CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class Response:
    """A complete HTTP response: status, media type (lower case, no parameters), body, headers.

    ``headers`` maps lower-case names to values (repeated headers joined by ", ").
    """

    status: int
    media_type: str
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)


class _RetryableError(Exception):
    """A transient failure: try again after a pause (carries the message for the last try)."""


class HttpClient:
    """Send requests to one URL over a kept-alive connection per thread.

    Transient failures (connection refused or reset, a connect timeout, HTTP 502/503/504) are
    retried ``retries`` times with exponential backoff; requests are SPARQL queries, which
    are safe to repeat. A read timeout is not retried: the query itself is slow. Nor is a
    502/503/504 answer that ``final`` recognises as the server's verdict on the query (its
    time limit, say), rather than a server that is starting or overloaded.

    Raises:
        BackendError: for a URL that is not ``http(s)://host...``.

    Examples:
        >>> HttpClient("ftp://example.org/sparql")
        Traceback (most recent call last):
        ...
        msbackpain.exceptions.BackendError: ftp://example.org/sparql is not an http:// or \
https:// URL
    """

    def __init__(
        self,
        url: str,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 60.0,
        retries: int = 3,
        backoff: float = 0.2,
        max_bytes: int = 512 << 20,
        final: Callable[[Response], bool] | None = None,
    ) -> None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise BackendError(f"{url} is not an http:// or https:// URL")
        try:
            self.port = parts.port
        except ValueError:
            raise BackendError(f"{url} has an invalid port") from None
        self.url = url
        self.host = parts.hostname
        self.https = parts.scheme == "https"
        self.path = parts.path or "/"
        self.query = parts.query
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.retries = max(0, retries)
        self.backoff = backoff
        self.max_bytes = max_bytes
        self.final = final
        self._local = threading.local()
        self._open: set[http.client.HTTPConnection] = set()
        self._lock = threading.Lock()

    def _connection(self) -> http.client.HTTPConnection:
        conn: http.client.HTTPConnection | None = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        kind = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
        conn = kind(self.host, self.port, timeout=self.connect_timeout)
        try:
            conn.connect()
        except (ConnectionRefusedError, ConnectionResetError, TimeoutError) as err:
            conn.close()
            raise _RetryableError(f"cannot connect ({_reason(err)})") from err
        except OSError as err:  # DNS failure, no route, TLS failure: not transient
            conn.close()
            raise BackendError(f"cannot reach {self.url}: {_reason(err)}") from None
        if conn.sock is not None:
            conn.sock.settimeout(self.read_timeout)
            conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._local.conn = conn
        with self._lock:
            self._open.add(conn)
        return conn

    def _drop(self) -> None:
        """Close this thread's connection (a new one is opened on the next request)."""
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            with self._lock:
                self._open.discard(conn)
            conn.close()

    def close(self) -> None:
        """Close every connection this client opened, in any thread."""
        self._local = threading.local()
        with self._lock:
            connections, self._open = self._open, set()
        for conn in connections:
            conn.close()

    def __del__(self) -> None:
        if hasattr(self, "_open"):  # not when __init__ refused the URL
            self.close()

    def request(
        self,
        method: str,
        *,
        params: Mapping[str, str] | Sequence[tuple[str, str]],
        headers: dict[str, str],
        read_timeout: float | None = None,
    ) -> Response:
        """Send ``params`` (in the URL for GET, as a form for POST) and return the response.

        ``params`` may repeat a name when given as pairs (``default-graph-uri`` twice, say);
        ``read_timeout`` replaces the client's own for this request.

        Raises:
            BackendError: when the server cannot be reached after the retries, or keeps
                answering 502/503/504.
            QueryTimeoutError: when no answer comes within the read timeout.
            ResultTooLargeError: when the body exceeds ``max_bytes``.
        """
        pairs = list(params.items()) if isinstance(params, Mapping) else list(params)
        encoded = urllib.parse.urlencode(pairs)
        target = self.path
        query = "&".join(q for q in (self.query, encoded if method == "GET" else "") if q)
        if query:
            target = f"{target}?{query}"
        body = encoded.encode() if method == "POST" else None
        headers = dict(headers)
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        last = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(min(self.backoff * 2 ** (attempt - 1), 5.0))
            try:
                return self._once(method, target, body, headers, read_timeout)
            except _RetryableError as err:
                last = str(err)
        tries = self.retries + 1
        raise BackendError(f"{self.url}: {last} (after {tries} attempt{'s' * (tries > 1)})")

    def _once(
        self,
        method: str,
        target: str,
        body: bytes | None,
        headers: dict[str, str],
        read_timeout: float | None,
    ) -> Response:
        reused = getattr(self._local, "conn", None) is not None
        conn = self._connection()
        limit = self.read_timeout if read_timeout is None else read_timeout
        if conn.sock is not None:
            conn.sock.settimeout(limit)
        try:
            conn.request(method, target, body=body, headers=headers)
            response = conn.getresponse()
            status = response.status
            media_type = response.getheader("Content-Type", "").split(";")[0].strip().lower()
            fields: dict[str, str] = {}
            for name, value in response.getheaders():
                key = name.lower()
                fields[key] = f"{fields[key]}, {value}" if key in fields else value
            data = self._read(response)
        except TimeoutError:
            self._drop()
            msg = f"{self.url} did not answer within {limit:g} s (read timeout)"
            raise QueryTimeoutError(msg) from None
        except http.client.IncompleteRead as err:
            self._drop()
            msg = f"{self.url} broke off its answer after {len(err.partial)} bytes"
            raise BackendError(msg) from None
        except (
            http.client.RemoteDisconnected,
            ConnectionResetError,
            BrokenPipeError,
        ) as err:
            self._drop()
            if reused:  # a kept-alive connection the server had closed: try a fresh one
                raise _RetryableError(f"connection lost ({_reason(err)})") from err
            raise BackendError(f"{self.url} closed the connection ({_reason(err)})") from None
        except (http.client.HTTPException, OSError) as err:
            self._drop()
            raise BackendError(f"{self.url}: {_reason(err)}") from None
        if response.will_close:
            self._drop()
        answer = Response(status, media_type, data, fields)
        if status in RETRY_STATUSES and not (self.final is not None and self.final(answer)):
            raise _RetryableError(f"HTTP {status} {response.reason}")
        return answer

    def _read(self, response: http.client.HTTPResponse) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while chunk := response.read(_CHUNK):
            size += len(chunk)
            if size > self.max_bytes:
                self._drop()
                msg = f"{self.url} answered with more than {self.max_bytes} bytes; refine the query"
                raise ResultTooLargeError(msg)
            chunks.append(chunk)
        if response.length:  # Content-Length promised more than came (read(n) does not raise)
            raise http.client.IncompleteRead(b"".join(chunks), response.length)
        return b"".join(chunks)


def _reason(err: BaseException) -> str:
    text = str(err).strip()
    return f"{type(err).__name__}: {text}" if text else type(err).__name__
