"""A listening socket for the gateway that holds a bounded number of connections.

:class:`LimitedSite` listens like aiohttp's ``TCPSite`` but holds at most ``limit``
connections. At the limit a new connection takes the place of the oldest one that is not
running a request (idle, or still sending its headers: a slowloris connection); only when
every connection is running a request does the new one get a canned 503 and is closed.
Both are logged as one line per ten seconds, never one per connection (with no limit,
1,100 half-open connections under ``ulimit -n 1024`` stopped all service and wrote 109 MB
of log in 40 s).
Needs the ``server`` extra (aiohttp); only :mod:`msbackpain.serve.gateway` imports it.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

__all__ = ["ALLOWED_HOSTS", "LimitedSite"]

#: The ``Host`` values an application answers (set once its site listens).
ALLOWED_HOSTS = web.AppKey("allowed_hosts", set[str])

_BUSY_BODY = json.dumps(
    {"error": "busy", "message": "too many open connections; try again", "status": 503}
).encode()
_BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
    b"Connection: close\r\nRetry-After: 1\r\nContent-Length: %d\r\n\r\n%s"
) % (len(_BUSY_BODY), _BUSY_BODY)


class _Busy(asyncio.Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if isinstance(transport, asyncio.Transport):
            transport.write(_BUSY)
        transport.close()


def _idle(handler: Any) -> bool:
    """Whether a connection is open and not running a request (waiting for its headers)."""
    return handler.transport is not None and not getattr(handler, "_request_in_progress", True)


class LimitedSite(web.TCPSite):
    """A ``TCPSite`` that holds at most ``limit`` connections (see the module docstring)."""

    def __init__(
        self,
        runner: web.BaseRunner,
        host: str,
        port: int,
        *,
        limit: int,
        on_event: Callable[[str], None] | None = None,
        **options: Any,
    ) -> None:
        super().__init__(runner, host, port, **options)
        self.limit = limit
        self.refused = 0
        self.evicted = 0
        self._pending: list[Any] = []
        self._on_event = on_event or (lambda message: None)
        self._last_report = 0.0
        self._unreported = 0

    def _protocol(self) -> asyncio.Protocol:
        server = self._runner.server
        if server is None:  # pragma: no cover - the runner is set up before a site starts
            return _Busy()
        connections = server.connections
        if not self._pending:  # handlers made in this loop turn are not in `connections` yet
            asyncio.get_running_loop().call_soon(self._pending.clear)
        if len(connections) + len(self._pending) < self.limit:
            return self._made(server())
        idle = next((c for c in connections if _idle(c)), None)
        if idle is not None:  # the oldest idle or half-open connection makes room
            idle.force_close()
            self.evicted += 1
            self._report()
            return self._made(server())
        self.refused += 1
        self._report()
        return _Busy()

    def _made(self, handler: Any) -> asyncio.Protocol:
        self._pending.append(handler)
        protocol: asyncio.Protocol = handler
        return protocol

    def _report(self) -> None:
        self._unreported += 1
        now = time.monotonic()
        if now - self._last_report >= 10.0:
            self._on_event(
                f"connection limit of {self.limit} reached: {self.evicted} idle connection(s) "
                f"closed, {self.refused} refused with 503 so far"
            )
            self._last_report, self._unreported = now, 0

    async def start(self) -> None:
        """Listen (the runner's own registration first, as ``TCPSite.start`` does)."""
        await web.BaseSite.start(self)
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            self._protocol, self._host, self._port, backlog=self._backlog
        )
        self._bound_port = self._server.sockets[0].getsockname()[1]
        for listening in self._server.sockets:  # asyncio accepts `backlog` at a time (file
            # descriptors); the kernel's queue may be longer, so a burst waits instead of
            # losing SYNs (a one-second retry for the client)
            with socket.socket(fileno=os.dup(listening.fileno())) as same:
                same.listen(4096)
