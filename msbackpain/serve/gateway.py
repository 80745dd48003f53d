"""An HTTP gateway in front of a SPARQL engine: guard, read-only, time limit, complete answers.

The Oxigraph server federates ``SERVICE``, aborts on deep nesting, sends ``*`` CORS headers and
answers a timed-out query with a cut-off 200. The gateway speaks the SPARQL 1.1 Protocol to
clients and to the engine, and in between it:

* answers only the ``Host`` names it serves (421 otherwise; DNS rebinding), holds a bounded
  number of connections (503 past it) and closes one that is slow to send its headers;
* speaks the protocol strictly (:mod:`msbackpain.serve._protocol`): one ``query``, UTF-8, dataset
  parameters passed to the engine, content negotiation with q-values incl. CSV/TSV (406 if
  nothing fits), the library's implicit prefixes; 404 for other paths, 405 with ``Allow``
  for other methods;
* refuses updates and the graph-store protocol (403), large (413) and slow (408) bodies;
* checks every query with :func:`msbackpain.guard.check_query` in worker processes, within
  the request's deadline (:mod:`msbackpain.serve._guardpool`), and sends the engine exactly the
  checked text; a refusal is a 400 with a JSON error before the engine sees anything;
* gives a query ``timeout`` seconds in all, checking included: then the client gets 503,
  never a partial 200, and the engine is replaced without losing other clients' queries
  (:mod:`msbackpain.serve._engines`);
* reads at most ``max_bytes`` of the answer, checks that it parses (JSON or XML results, RDF
  for graphs) and holds at most ``max_rows`` solutions (otherwise 422);
* sends no CORS headers unless an origin is explicitly allowed.

Every error is JSON: ``{"error": kind, "message": text, "status": code}``.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from msbackpain._sparql_text import mask
from msbackpain.exceptions import BackendError, MissingExtraError, QueryError
from msbackpain.serve._answers import JSON_RESULTS, count, count_rows
from msbackpain.serve._guardpool import GuardPool, Verdict, VerdictCache
from msbackpain.serve._protocol import (
    CSV,
    READ_ONLY,
    TSV,
    ProtocolError,
    read_query,
    result_type,
    to_delimited,
    with_prefixes,
)
from msbackpain.serve._upstream import (
    AnswerTooLargeError,
    EngineUnavailableError,
    IncompleteAnswerError,
)

if TYPE_CHECKING:
    from aiohttp import web

    from msbackpain.serve._engines import EnginePool, FixedEngine

    Engines = EnginePool | FixedEngine

__all__ = ["GatewayConfig", "build_app", "require_server_extra", "run", "serve_forever"]

INCOMPLETE = "the engine's answer was incomplete (a timeout?); nothing partial is sent"


@dataclass(frozen=True, slots=True)
class GatewayConfig:
    """Settings of the gateway.

    Args:
        upstream: The engine's SPARQL query URL (``http://127.0.0.1:PORT/query``), used when
            no engine pool is given to :func:`build_app`.
        timeout: Seconds a query may take, checking included, before the client gets 503.
        max_rows: Solutions (or triples) an answer may hold before the client gets 422.
        max_bytes: Bytes the engine's answer may have before the client gets 422.
        max_body: Bytes a request body may have before the client gets 413.
        allow_origin: An origin to allow cross-origin reads from (no CORS headers if None).
        allow_hosts: ``Host`` names answered besides the loopback names (others get 421).
        header_timeout: Seconds a connection may take to send a request's headers, and stay
            idle between requests, before it is closed.
        body_timeout: Seconds a request body may take to arrive before the client gets 408.
        max_connections: Connections held at once; one more gets 503 and is closed.
        on_timeout: Called after a timeout on the fixed ``upstream`` engine.
        on_event: Receives one line per notable event (restarts, limits reached).

    Raises:
        BackendError: if ``allow_origin`` is not an origin or a name in ``allow_hosts`` is not
            a host name.
    """

    upstream: str = ""
    timeout: float = 10.0
    max_rows: int = 100_000
    max_bytes: int = 50_000_000
    max_body: int = 1_000_000
    allow_origin: str | None = None
    allow_hosts: tuple[str, ...] = ()
    header_timeout: float = 5.0
    body_timeout: float = 10.0
    max_connections: int = 1024
    on_timeout: Callable[[], Awaitable[None]] | None = None
    on_event: Callable[[str], None] | None = None

    def __post_init__(self) -> None:
        from msbackpain.serve._listen import check_host_name, check_origin

        try:
            if self.allow_origin is not None:
                check_origin(self.allow_origin)
            object.__setattr__(
                self, "allow_hosts", tuple(check_host_name(h) for h in self.allow_hosts)
            )
        except ValueError as err:
            raise BackendError(str(err)) from None


_RefusedError = ProtocolError


def _error(status: int, kind: str, message: str) -> web.Response:
    from aiohttp import web

    body = json.dumps({"error": kind, "message": message, "status": status})
    return web.Response(status=status, text=body, content_type="application/json")


async def _verdict(
    guard: GuardPool, cache: VerdictCache, text: str, config: GatewayConfig
) -> Verdict:
    """The guard's verdict on ``text``, from the cache or a worker within the timeout."""
    timeout = config.timeout
    known = cache.get(text)
    if known is None:
        try:
            known = await guard.check(text, timeout)
        except QueryError as err:  # the library's opt-in does not exist over HTTP
            known = str(err).replace("; pass allow_network=True to opt in", "")
        except TimeoutError:
            message = f"the query could not be checked within {timeout:.3g} s"
            raise _RefusedError(503, "timeout", message) from None
        cache.put(text, known)
    if isinstance(known, str):
        raise _RefusedError(400, "refused-query", known)
    return known


async def _forward(
    config: GatewayConfig, engines: Engines, text: str, wanted: str, timeout: float, dataset: str
) -> bytes:
    try:
        answer = await engines.query(text, wanted, timeout, dataset)
    except TimeoutError:
        message = f"the query ran longer than {config.timeout:g} s and was stopped"
        raise _RefusedError(503, "timeout", message) from None
    except EngineUnavailableError as err:
        raise _RefusedError(
            503, "engine-unavailable", f"the SPARQL engine is unavailable: {err}"
        ) from None
    except IncompleteAnswerError:
        raise _RefusedError(503, "incomplete-answer", INCOMPLETE) from None
    except AnswerTooLargeError as err:
        message = f"the answer is larger than {err.limit} bytes (the cap); no partial result"
        raise _RefusedError(422, "result-too-large", message) from None
    if answer.status != 200:
        lines = answer.body.decode("utf-8", errors="replace").strip().splitlines()
        raise _RefusedError(
            400 if answer.status == 400 else 502,
            "engine-error",
            lines[0] if lines else str(answer.status),
        )
    return answer.body


def _lifecycle(
    pool: GuardPool | None, engines: Engines
) -> Callable[[web.Application], AsyncIterator[None]]:
    """Start and stop the gateway's own guard pool; close a fixed engine's connections."""

    async def lifecycle(_: web.Application) -> AsyncIterator[None]:
        if pool is not None:
            await pool.start()
        yield
        if pool is not None:
            await pool.close()
        if not hasattr(engines, "watch"):  # a pool of engines is closed by its owner
            await engines.close()

    return lifecycle


def _misdirected(request: web.Request, allowed: set[str]) -> web.Response | None:
    host = request.headers.get("Host", "").lower()
    if host in allowed:
        return None
    if not host:
        return _error(400, "missing-host", "the request has no Host header")
    message = f"this endpoint does not answer for Host {host[:100]!r}; see --allow-host"
    return _error(421, "misdirected-request", message)


async def _answer(
    request: web.Request,
    config: GatewayConfig,
    engines: Engines,
    guard: GuardPool,
    cache: VerdictCache,
) -> tuple[bytes, str]:
    """Return the checked, complete answer to ``request`` and its type, or raise a refusal."""
    text, dataset = await read_query(request, config.body_timeout)
    deadline = time.monotonic() + config.timeout
    text = with_prefixes(text, mask(text))  # before checking: the checked text is what runs
    known = cache.get(text)  # the common case, without a coroutine
    verdict = known if isinstance(known, Verdict) else await _verdict(guard, cache, text, config)
    media = result_type(verdict.form, request.headers.get("Accept", ""))
    wanted = JSON_RESULTS if media in (CSV, TSV) else media
    left = deadline - time.monotonic()
    if left <= 0:
        message = f"the query ran longer than {config.timeout:g} s and was stopped"
        raise _RefusedError(503, "timeout", message)
    body = await _forward(config, engines, verdict.text, wanted, left, dataset)
    try:
        rows = count(body, wanted) if len(body) < 256 << 10 else await count_rows(body, wanted)
    except IncompleteAnswerError:
        raise _RefusedError(503, "incomplete-answer", INCOMPLETE) from None
    if rows > config.max_rows:
        message = (
            f"the query returned more than {config.max_rows} rows (the cap); no partial result"
        )
        raise _RefusedError(422, "result-too-large", message)
    return (to_delimited(body, media) if media != wanted else body), media


def require_server_extra() -> None:
    """Check that the gateway's dependencies (aiohttp, httptools) are installed.

    Raises:
        MissingExtraError: naming ``pip install 'msbackpain[server]'``.
    """
    try:
        import aiohttp  # noqa: F401
        import httptools  # noqa: F401
    except ImportError as err:
        raise MissingExtraError("the serve gateway", "server") from err


def build_app(
    config: GatewayConfig, engines: Engines | None = None, guard: GuardPool | None = None
) -> web.Application:
    """Return the aiohttp application of the gateway (needs the ``server`` extra).

    ``engines`` answers the checked queries (default: the fixed ``config.upstream``);
    ``guard`` checks them (default: a new worker pool, started with the application).
    Add the ``Host`` values to answer to ``app[msbackpain.serve._site.ALLOWED_HOSTS]`` (:func:`run`
    does).

    Raises:
        MissingExtraError: if aiohttp or httptools is not installed.
    """
    require_server_extra()
    from aiohttp import web

    from msbackpain.serve._engines import FixedEngine
    from msbackpain.serve._site import ALLOWED_HOSTS

    if engines is None:
        engines = FixedEngine(
            config.upstream, max_bytes=config.max_bytes, on_timeout=config.on_timeout
        )
    pool = guard or GuardPool(on_event=config.on_event)
    cache = VerdictCache()
    app = web.Application(client_max_size=config.max_body)
    app[ALLOWED_HOSTS] = set()

    async def query(request: web.Request) -> web.Response:
        refused = _misdirected(request, app[ALLOWED_HOSTS])
        if refused is not None:
            return refused
        try:
            body, wanted = await _answer(request, config, engines, pool, cache)
        except _RefusedError as refusal:
            return _error(refusal.status, refusal.kind, refusal.message)
        response = web.Response(body=body, content_type=wanted)
        if config.allow_origin:
            response.headers["Access-Control-Allow-Origin"] = config.allow_origin
        return response

    async def refuse(request: web.Request) -> web.Response:
        refused = _misdirected(request, app[ALLOWED_HOSTS])
        if refused is not None:
            return refused
        if request.path.rstrip("/").endswith(("/update", "/store")):
            return _error(403, "read-only", READ_ONLY)
        if request.path != "/query":
            return _error(404, "not-found", f"{request.path[:200]!r} is not served; use /query")
        response = _error(405, "method-not-allowed", f"{request.method} /query is not served")
        response.headers["Allow"] = "GET, HEAD, POST"
        return response

    app.cleanup_ctx.append(_lifecycle(pool if guard is None else None, engines))
    app.router.add_get("/query", query)  # and HEAD: the same answer without its body
    app.router.add_post("/query", query)
    app.router.add_route("*", "/{tail:.*}", refuse)
    return app


async def run(
    config: GatewayConfig,
    host: str,
    port: int,
    engines: Engines | None = None,
    guard: GuardPool | None = None,
) -> web.AppRunner:
    """Start the gateway on ``host:port`` in the running event loop; return its runner.

    ``engines`` and ``guard`` are as for :func:`build_app`.

    Raises:
        OSError: if ``host:port`` cannot be listened on (in use, not an address here).
    """
    from aiohttp import web

    from msbackpain.serve._listen import allowed_hosts
    from msbackpain.serve._site import ALLOWED_HOSTS, LimitedSite

    app = build_app(config, engines, guard)
    # A short shutdown grace: a client still uploading a refused body must not hold a stop up.
    # The keep-alive timer also runs from a connection's start until its first request's
    # headers are complete, so it is the header-read timeout too (slowloris).
    runner = web.AppRunner(
        app, access_log=None, shutdown_timeout=2.0, keepalive_timeout=config.header_timeout
    )
    await runner.setup()
    try:
        site = LimitedSite(
            runner,
            host,
            port,
            limit=config.max_connections,
            on_event=config.on_event,
            backlog=64,  # accepted per loop turn: bounds the file descriptors of a burst
        )
        await site.start()
    except BaseException:
        await runner.cleanup()
        raise
    app[ALLOWED_HOSTS].update(allowed_hosts(site.port, config.allow_hosts, host))
    return runner


async def serve_forever(
    engines: EnginePool,
    config: GatewayConfig,
    host: str,
    port: int,
    *,
    stop: asyncio.Event,
    on_ready: Callable[[], None] | None = None,
) -> int:
    """Run the gateway on ``host:port`` in front of a started engine pool until ``stop`` is set.

    ``on_ready`` is called once the gateway listens. Returns the number of engine restarts.

    Raises:
        OSError: if ``host:port`` cannot be listened on (in use, not an address here).
        BackendError: if the engine died and could not be brought back (the message says why).
    """
    runner = await run(config, host, port, engines)
    watcher = asyncio.create_task(engines.watch())
    if on_ready is not None:
        on_ready()
    stopping = asyncio.create_task(stop.wait())
    failing = asyncio.create_task(engines.failure.wait())
    try:
        await asyncio.wait({stopping, failing, watcher}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (watcher, stopping, failing):
            task.cancel()
        await runner.cleanup()
    if engines.failed is not None:
        raise BackendError(engines.failed)
    if watcher.done() and not watcher.cancelled() and watcher.exception() is not None:
        raise BackendError(f"the engine supervisor failed: {watcher.exception()}")
    return engines.restarts
