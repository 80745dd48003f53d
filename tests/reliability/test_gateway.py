"""The HTTP gateway in front of the engine, against a scripted fake engine (like httpx's MockTransport).

The fake engine answers like Oxigraph does, including its failure modes: an HTML error page, a
200 whose body was cut off by a timeout, a query that hangs. The gateway must never pass a
partial or broken answer on, and must refuse what the engine should not see.
"""

from __future__ import annotations

import asyncio
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

pytest.importorskip("aiohttp")

from aiohttp import web

from msbackpain.serve._guardpool import GuardPool
from msbackpain.serve.gateway import GatewayConfig, run

pytestmark = pytest.mark.slow  # starts gateways and scripted engines

ROWS = {
    "head": {"vars": ["t"]},
    "results": {"bindings": [{"t": {"type": "uri", "value": f"http://e/{i}"}} for i in range(3)]},
}
GOOD = json.dumps(ROWS).encode()


@dataclass
class FakeEngine:
    """What the fake engine does with the next queries, and what it received."""

    mode: str = "ok"
    received: list[str] = field(default_factory=list)
    restarts: int = 0


@dataclass
class Running:
    url: str
    engine: FakeEngine
    loop: asyncio.AbstractEventLoop


def _engine_app(engine: FakeEngine) -> web.Application:
    async def query(request: web.Request) -> web.Response:
        engine.received.append((await request.read()).decode())
        if engine.mode == "html-error":
            return web.Response(
                status=500,
                text="<html><body>Internal error</body></html>",
                content_type="text/html",
            )
        if engine.mode == "truncated":
            return web.Response(
                body=GOOD[: len(GOOD) // 2], content_type="application/sparql-results+json"
            )
        if engine.mode == "hang":
            await asyncio.sleep(3)
        if engine.mode == "many":
            many = {
                "head": {"vars": ["t"]},
                "results": {
                    "bindings": [{"t": {"type": "literal", "value": str(i)}} for i in range(50)]
                },
            }
            return web.Response(
                text=json.dumps(many), content_type="application/sparql-results+json"
            )
        return web.Response(body=GOOD, content_type="application/sparql-results+json")

    app = web.Application()
    app.router.add_post("/query", query)
    return app


@pytest.fixture(scope="module")
def checking() -> Iterator[tuple[asyncio.AbstractEventLoop, GuardPool]]:
    """One event loop and one pool of guard workers for the module (workers take a second)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    pool = GuardPool()
    asyncio.run_coroutine_threadsafe(pool.start(), loop).result(60)
    yield loop, pool
    asyncio.run_coroutine_threadsafe(pool.close(), loop).result(30)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    loop.close()


@pytest.fixture
def gateway(
    checking: tuple[asyncio.AbstractEventLoop, GuardPool],
) -> Iterator[Callable[..., Running]]:
    loop, pool = checking
    runners: list[Any] = []

    def start(**options: Any) -> Running:
        engine = FakeEngine()

        async def setup() -> str:
            engine_runner = web.AppRunner(_engine_app(engine))
            await engine_runner.setup()
            site = web.TCPSite(engine_runner, "127.0.0.1", 0)
            await site.start()
            engine_port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

            async def restart() -> None:
                engine.restarts += 1

            config = GatewayConfig(
                upstream=f"http://127.0.0.1:{engine_port}/query", on_timeout=restart, **options
            )
            gateway_runner = await run(config, "127.0.0.1", 0, guard=pool)
            runners.extend([gateway_runner, engine_runner])
            port = gateway_runner.addresses[0][1]
            return f"http://127.0.0.1:{port}"

        url = asyncio.run_coroutine_threadsafe(setup(), loop).result(10)
        return Running(url, engine, loop)

    yield start
    for runner in runners:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)


def _get(
    url: str, query: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(
        f"{url}/query?{urllib.parse.urlencode({'query': query})}", headers=headers or {}
    )
    return _send(request)


def _send(request: urllib.request.Request) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


SELECT = "SELECT ?t WHERE { ?t ?p ?o }"


def test_a_good_query_passes_unchanged(gateway: Callable[..., Running]) -> None:
    running = gateway()
    status, headers, body = _get(running.url, SELECT)
    assert status == 200 and json.loads(body) == ROWS
    assert "Access-Control-Allow-Origin" not in headers
    assert running.engine.received == [SELECT]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE is not allowed"),
        ("SELECT * FROM <file:///etc/passwd> { ?s ?p ?o }", "FROM is not allowed"),
        ("SELECT * WHERE " + "{ " * 3000 + "?s ?p ?o " + "} " * 3000, "nesting depth 3000 exceeds"),
        ("SELECT * { ?a ?b }", "malformed SPARQL at line 1"),
    ],
    ids=["service", "from", "deep-nesting", "malformed"],
)
def test_refused_queries_never_reach_the_engine(
    gateway: Callable[..., Running], query: str, message: str
) -> None:
    running = gateway()
    post = urllib.request.Request(
        f"{running.url}/query",
        data=query.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    status, _, body = _send(post)
    assert status == 400
    error = json.loads(body)
    assert error["error"] == "refused-query" and message in error["message"]
    assert running.engine.received == []


def test_an_overlong_get_is_refused_before_parsing(gateway: Callable[..., Running]) -> None:
    running = gateway()
    status, _, _ = _get(running.url, "SELECT * WHERE " + "{ " * 3000 + "?s ?p ?o " + "} " * 3000)
    assert status == 400
    assert running.engine.received == []


def test_updates_are_refused_with_403(gateway: Callable[..., Running]) -> None:
    running = gateway()
    update = urllib.request.Request(
        f"{running.url}/query",
        data=b"DELETE WHERE { ?s ?p ?o }",
        headers={"Content-Type": "application/sparql-update"},
    )
    assert _send(update)[0] == 403
    form = urllib.request.Request(
        f"{running.url}/update",
        data=urllib.parse.urlencode({"update": "CLEAR ALL"}).encode(),
        method="POST",
    )
    status, _, body = _send(form)
    assert status == 403 and json.loads(body)["error"] == "read-only"
    put = urllib.request.Request(
        f"{running.url}/store?default", data=b"<a> <b> <c> .", method="PUT"
    )
    assert _send(put)[0] == 403
    delete = urllib.request.Request(f"{running.url}/query", method="DELETE")
    assert _send(delete)[0] == 405
    assert running.engine.received == []


def test_a_timeout_is_a_503_and_restarts_the_engine(gateway: Callable[..., Running]) -> None:
    running = gateway(timeout=0.5)
    running.engine.mode = "hang"
    status, _, body = _get(running.url, SELECT)
    assert status == 503
    assert json.loads(body) == {
        "error": "timeout",
        "message": "the query ran longer than 0.5 s and was stopped",
        "status": 503,
    }
    assert running.engine.restarts == 1


def test_a_truncated_answer_is_never_passed_on(gateway: Callable[..., Running]) -> None:
    running = gateway()
    running.engine.mode = "truncated"
    status, _, body = _get(running.url, SELECT)
    assert status == 503 and json.loads(body)["error"] == "incomplete-answer"


def test_an_html_error_page_becomes_a_json_error(gateway: Callable[..., Running]) -> None:
    running = gateway()
    running.engine.mode = "html-error"
    status, headers, body = _get(running.url, SELECT)
    assert status == 502 and headers["Content-Type"].startswith("application/json")
    assert json.loads(body)["message"] == "<html><body>Internal error</body></html>"


def test_the_row_cap(gateway: Callable[..., Running]) -> None:
    running = gateway(max_rows=10)
    running.engine.mode = "many"
    status, _, body = _get(running.url, SELECT)
    assert status == 422
    assert (
        json.loads(body)["message"]
        == "the query returned more than 10 rows (the cap); no partial result"
    )


def test_a_large_body_is_refused(gateway: Callable[..., Running]) -> None:
    running = gateway()
    big = urllib.request.Request(
        f"{running.url}/query",
        data=b"#" * 10_000_000 + b"\nSELECT * { ?s ?p ?o }",
        headers={"Content-Type": "application/sparql-query"},
    )
    assert _send(big)[0] == 413
    assert running.engine.received == []


def test_cors_only_when_an_origin_is_allowed(gateway: Callable[..., Running]) -> None:
    closed = gateway()
    status, headers, _ = _get(closed.url, SELECT, {"Origin": "https://evil.example"})
    assert status == 200 and "Access-Control-Allow-Origin" not in headers
    preflight = urllib.request.Request(
        f"{closed.url}/query", method="OPTIONS", headers={"Origin": "https://evil.example"}
    )
    status, headers, _ = _send(preflight)
    assert status == 405 and "Access-Control-Allow-Origin" not in headers
    opened = gateway(allow_origin="https://notebook.example")
    assert _get(opened.url, SELECT)[1]["Access-Control-Allow-Origin"] == "https://notebook.example"


def test_post_forms_and_missing_queries(gateway: Callable[..., Running]) -> None:
    running = gateway()
    form = urllib.request.Request(
        f"{running.url}/query", data=urllib.parse.urlencode({"query": SELECT}).encode()
    )
    assert _send(form)[0] == 200
    direct = urllib.request.Request(
        f"{running.url}/query",
        data=SELECT.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert _send(direct)[0] == 200
    status, _, body = _send(urllib.request.Request(f"{running.url}/query"))
    assert status == 400 and json.loads(body)["error"] == "missing-query"
    odd = urllib.request.Request(
        f"{running.url}/query", data=b"x", headers={"Content-Type": "text/plain"}
    )
    assert _send(odd)[0] == 415


def test_the_byte_cap(gateway: Callable[..., Running]) -> None:
    running = gateway(max_bytes=500)
    running.engine.mode = "many"  # 50 rows, about 2 KB
    status, _, body = _get(running.url, SELECT)
    assert status == 422
    assert json.loads(body)["message"] == (
        "the answer is larger than 500 bytes (the cap); no partial result"
    )
    running.engine.mode = "ok"
    assert _get(running.url, SELECT)[0] == 200


def test_host_names_are_checked(gateway: Callable[..., Running]) -> None:
    running = gateway(allow_hosts=("KG.example.org",))
    port = running.url.rsplit(":", 1)[1]
    for host in ("kg.example.org", f"kg.example.org:{port}", f"localhost:{port}"):
        assert _get(running.url, SELECT, {"Host": host})[0] == 200, host
    for host in ("attacker.example", f"attacker.example:{port}", "kg.example.org.evil"):
        status, _, body = _get(running.url, SELECT, {"Host": host})
        assert status == 421 and json.loads(body)["error"] == "misdirected-request", host
    status, _, _ = _send(
        urllib.request.Request(f"{running.url}/update", method="POST", headers={"Host": "x"})
    )
    assert status == 421  # before anything else, on every path
    assert running.engine.received == [SELECT] * 3


def test_a_slow_check_is_a_503_inside_the_timeout(gateway: Callable[..., Running]) -> None:
    import time

    running = gateway(timeout=1.0)
    slow = "SELECT ?x WHERE { VALUES ?x { " + " ".join(map(str, range(15_000))) + " } }"
    results: list[tuple[int, bytes, float]] = []

    def send() -> None:
        start = time.perf_counter()
        request = urllib.request.Request(
            f"{running.url}/query",
            data=slow.encode(),
            headers={"Content-Type": "application/sparql-query"},
        )
        status, _, body = _send(request)
        results.append((status, body, time.perf_counter() - start))

    thread = threading.Thread(target=send)
    thread.start()
    time.sleep(0.2)
    start = time.perf_counter()
    assert _get(running.url, "ASK { ?s ?p ?o }")[0] == 200  # the other lane answers meanwhile
    assert time.perf_counter() - start < 0.5
    thread.join(10)
    status, body, elapsed = results[0]
    assert status == 503
    assert json.loads(body)["message"] == "the query could not be checked within 1 s"
    assert elapsed < 1.8
    assert running.engine.received == ["ASK { ?s ?p ?o }"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"allow_origin": "https://a.example\r\nX: y"}, "not an origin"),
        ({"allow_origin": "a.example"}, "not an origin"),
        ({"allow_hosts": ("a b",)}, "not a host name"),
    ],
)
def test_bad_settings_are_refused(options: dict[str, Any], message: str) -> None:
    from msbackpain.exceptions import BackendError

    with pytest.raises(BackendError, match=message):
        GatewayConfig(upstream="http://127.0.0.1:1/query", **options)
