"""An HTTP gateway in front of a SPARQL engine: guard, read-only, time limit, complete answers.

The Oxigraph server answers ``SERVICE`` (it federates), aborts on deeply nested queries, sends
``Access-Control-Allow-Origin: *`` when CORS is on, and returns HTTP 200 with a truncated body
when its own timeout fires. The gateway speaks the SPARQL 1.1 Protocol to clients and to the
engine, and in between it:

* refuses updates and the graph-store protocol (403), and any method or path but
  ``GET``/``POST /query`` (405);
* runs :func:`msbackpain.guard.check_query` on every query (SERVICE, FROM, LOAD, nesting) and
  answers 400 with a JSON error before the engine sees it;
* limits request bodies (413) and slow request bodies (408);
* limits the time a query may take: on timeout the client gets 503 with a JSON error, never a
  partial 200, and the engine is restarted (``on_timeout``) so that the query really stops;
* buffers the engine's answer and checks that it parses (JSON or XML results, RDF for graphs)
  and holds at most ``max_rows`` solutions (otherwise 422), so a truncated body never passes;
* sends no CORS headers unless an origin is explicitly allowed.

Every error is JSON: ``{"error": kind, "message": text, "status": code}``.
"""

from __future__ import annotations

import asyncio
import json
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from msbackpain._upstream import EngineUnavailableError, IncompleteAnswerError, Upstream
from msbackpain.exceptions import MissingExtraError, QueryError
from msbackpain.guard import check_query

if TYPE_CHECKING:
    from aiohttp import web

__all__ = [
    "GatewayConfig",
    "Supervisor",
    "build_app",
    "require_server_extra",
    "run",
    "serve_forever",
]

JSON_RESULTS = "application/sparql-results+json"
XML_RESULTS = "application/sparql-results+xml"
GRAPH_TYPES = {
    "application/n-triples": "N_TRIPLES",
    "text/turtle": "TURTLE",
    "application/rdf+xml": "RDF_XML",
}
READ_ONLY = "this endpoint is read-only: updates are refused"
INCOMPLETE = "the engine's answer was incomplete (a timeout?); nothing partial is sent"


@dataclass(frozen=True, slots=True)
class GatewayConfig:
    """Settings of the gateway.

    Args:
        upstream: The engine's SPARQL query URL (``http://127.0.0.1:PORT/query``).
        timeout: Seconds a query may run before the client gets 503.
        max_rows: Solutions (or triples) an answer may hold before the client gets 422.
        max_body: Bytes a request body may have before the client gets 413.
        allow_origin: An origin to allow cross-origin reads from (no CORS headers if None).
        on_timeout: Called after a timeout, to stop the query (the server restarts the engine).
    """

    upstream: str
    timeout: float = 10.0
    max_rows: int = 100_000
    max_body: int = 1_000_000
    allow_origin: str | None = None
    on_timeout: Callable[[], Awaitable[None]] | None = None


class _RefusedError(Exception):
    """An answer to send instead of a result."""

    def __init__(self, status: int, kind: str, message: str) -> None:
        super().__init__(message)
        self.status, self.kind, self.message = status, kind, message


@lru_cache(maxsize=4096)
def _form_of(text: str) -> str:
    """Return the query form of ``text`` or raise QueryError (decisions cached by text)."""
    return check_query(text).form


def _error(status: int, kind: str, message: str) -> web.Response:
    from aiohttp import web

    body = json.dumps({"error": kind, "message": message, "status": status})
    return web.Response(status=status, text=body, content_type="application/json")


def _count(body: bytes, content_type: str) -> int:
    """Return the solutions or triples in ``body``; raise if it does not parse (truncated)."""
    if content_type == JSON_RESULTS:
        data = json.loads(body)
        return 1 if "boolean" in data else len(data["results"]["bindings"])
    if content_type == XML_RESULTS:
        root = ET.fromstring(body)  # noqa: S314 - the local engine's answer; no DTD is expanded
        return sum(1 for element in root.iter() if element.tag.endswith("}result"))
    import pyoxigraph

    return len(
        list(
            pyoxigraph.parse(body, format=getattr(pyoxigraph.RdfFormat, GRAPH_TYPES[content_type]))
        )
    )


async def _query_text(request: web.Request) -> str:
    if request.method == "GET":
        if "update" in request.query:
            raise _RefusedError(403, "read-only", READ_ONLY)
        return request.query.get("query", "")
    kind = request.content_type
    if kind == "application/sparql-update" or "update" in request.query:
        raise _RefusedError(403, "read-only", READ_ONLY)
    try:
        raw = await asyncio.wait_for(request.read(), timeout=10)
    except TimeoutError:
        raise _RefusedError(
            408, "slow-request", "the request body did not arrive in time"
        ) from None
    if kind == "application/sparql-query":
        return raw.decode("utf-8", errors="replace")
    if kind == "application/x-www-form-urlencoded":
        form = await request.post()
        if "update" in form:
            raise _RefusedError(403, "read-only", READ_ONLY)
        value = form.get("query")
        return value if isinstance(value, str) else ""
    raise _RefusedError(415, "unsupported-media-type", f"cannot read a query from {kind!r}")


def _result_type(form: str, accept: str) -> str:
    if form in ("CONSTRUCT", "DESCRIBE"):
        return next((t for t in GRAPH_TYPES if t in accept), "application/n-triples")
    if XML_RESULTS in accept and JSON_RESULTS not in accept:
        return XML_RESULTS
    return JSON_RESULTS


async def _forward(config: GatewayConfig, upstream: Upstream, text: str, wanted: str) -> bytes:
    try:
        answer = await upstream.query(text, wanted, config.timeout)
    except TimeoutError:
        if config.on_timeout is not None:
            await config.on_timeout()
        message = f"the query ran longer than {config.timeout:g} s and was stopped"
        raise _RefusedError(503, "timeout", message) from None
    except EngineUnavailableError as err:
        raise _RefusedError(
            503, "engine-unavailable", f"the SPARQL engine is unavailable: {err}"
        ) from None
    except IncompleteAnswerError:
        raise _RefusedError(503, "incomplete-answer", INCOMPLETE) from None
    if answer.status != 200:
        lines = answer.body.decode("utf-8", errors="replace").strip().splitlines()
        raise _RefusedError(
            400 if answer.status == 400 else 502,
            "engine-error",
            lines[0] if lines else str(answer.status),
        )
    return answer.body


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


def build_app(config: GatewayConfig) -> web.Application:
    """Return the aiohttp application of the gateway (needs the ``server`` extra).

    Raises:
        MissingExtraError: if aiohttp or httptools is not installed.
    """
    require_server_extra()
    from aiohttp import web

    upstream = Upstream(config.upstream)

    async def close_upstream(_: web.Application) -> AsyncIterator[None]:
        yield
        upstream.close()

    async def query(request: web.Request) -> web.Response:
        try:
            text = await _query_text(request)
            if not text.strip():
                raise _RefusedError(400, "missing-query", "no 'query' parameter")
            try:
                form = _form_of(text)
            except QueryError as err:  # the library's opt-in does not exist over HTTP
                message = str(err).replace("; pass allow_network=True to opt in", "")
                raise _RefusedError(400, "refused-query", message) from None
            wanted = _result_type(form, request.headers.get("Accept", ""))
            body = await _forward(config, upstream, text, wanted)
            try:
                rows = _count(body, wanted)
            except (ValueError, ET.ParseError, SyntaxError, KeyError, TypeError):
                raise _RefusedError(503, "incomplete-answer", INCOMPLETE) from None
            if rows > config.max_rows:
                message = (
                    f"the query returned more than {config.max_rows} rows (the cap); "
                    "no partial result"
                )
                raise _RefusedError(422, "result-too-large", message)
        except _RefusedError as refusal:
            return _error(refusal.status, refusal.kind, refusal.message)
        response = web.Response(body=body, content_type=wanted)
        if config.allow_origin:
            response.headers["Access-Control-Allow-Origin"] = config.allow_origin
        return response

    async def refuse(request: web.Request) -> web.Response:
        if request.path.rstrip("/").endswith(("/update", "/store")):
            return _error(403, "read-only", READ_ONLY)
        return _error(405, "method-not-allowed", f"{request.method} {request.path} is not served")

    app = web.Application(client_max_size=config.max_body)
    app.cleanup_ctx.append(close_upstream)
    app.router.add_route("GET", "/query", query)
    app.router.add_route("POST", "/query", query)
    app.router.add_route("*", "/{tail:.*}", refuse)
    return app


async def run(config: GatewayConfig, host: str, port: int) -> web.AppRunner:
    """Start the gateway on ``host:port`` in the running event loop; return its runner."""
    from aiohttp import web

    # A short shutdown grace: a client still uploading a refused body must not hold a stop up.
    runner = web.AppRunner(build_app(config), access_log=None, shutdown_timeout=2.0)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner


class Supervisor:
    """Keep an engine running behind the gateway: restart it when it dies or a query times out.

    ``engine`` is an :class:`msbackpain.server.OxigraphServer` (anything with ``alive``,
    ``restart()`` and ``stop()``). ``on_event`` receives one line per restart, for the CLI.
    """

    def __init__(self, engine: Any, *, on_event: Callable[[str], None] | None = None) -> None:
        self.engine = engine
        self.on_event = on_event or (lambda message: None)
        self.restarts = 0
        self._lock = asyncio.Lock()

    async def restart(self, reason: str) -> None:
        """Restart the engine (once, even if several requests ask at the same time)."""
        async with self._lock:
            await asyncio.get_running_loop().run_in_executor(None, self.engine.restart)
            self.restarts += 1
            self.on_event(f"engine restarted ({reason}); pid {self.engine.pid}")

    async def watch(self, interval: float = 0.5) -> None:
        """Poll the engine and restart it whenever it has died."""
        while True:
            await asyncio.sleep(interval)
            if not self.engine.alive and not self._lock.locked():
                await self.restart("it had stopped")


async def serve_forever(
    engine: Any,
    config: GatewayConfig,
    host: str,
    port: int,
    *,
    stop: asyncio.Event,
    on_event: Callable[[str], None] | None = None,
    on_ready: Callable[[], None] | None = None,
) -> int:
    """Run the gateway on ``host:port`` in front of a started ``engine`` until ``stop`` is set.

    ``on_ready`` is called once the gateway listens. The engine is restarted when it dies and
    after every query timeout. Returns the number of restarts.

    Raises:
        OSError: if ``host:port`` cannot be listened on (in use, not an address here).
    """
    supervisor = Supervisor(engine, on_event=on_event)

    async def on_timeout() -> None:
        await supervisor.restart("a query ran out of time")

    runner = await run(
        GatewayConfig(
            upstream=config.upstream,
            timeout=config.timeout,
            max_rows=config.max_rows,
            max_body=config.max_body,
            allow_origin=config.allow_origin,
            on_timeout=on_timeout,
        ),
        host,
        port,
    )
    watcher = asyncio.create_task(supervisor.watch())
    if on_ready is not None:
        on_ready()
    try:
        await stop.wait()
    finally:
        watcher.cancel()
        await runner.cleanup()
    return supervisor.restarts
