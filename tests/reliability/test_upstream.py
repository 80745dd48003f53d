"""The gateway's connections to its engine, against engines scripted byte by byte.

Each fake engine is a loopback TCP server that answers every request with the bytes a test
gives it (or closes the connection), so that every way an HTTP answer can go wrong is tried:
chunked bodies, keep-alive connections the engine closed while idle (a restart), answers cut
off mid-body, bytes that are not HTTP, an engine that is not there, one that never answers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

pytest.importorskip("httptools")

from msbackpain.serve._upstream import (
    AnswerTooLargeError,
    EngineUnavailableError,
    IncompleteAnswerError,
    Upstream,
)
from msbackpain.serve.server import free_port

JSON = "application/sparql-results+json"
BODY = b'{"head":{},"boolean":true}'
OK = b"HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s" % (
    JSON.encode(),
    len(BODY),
    BODY,
)


@dataclass
class Script:
    """What the fake engine sends for its n-th request (None: close without answering)."""

    answers: Callable[[int], bytes | None]
    close_after_answer: bool = False
    requests: list[bytes] = field(default_factory=list)
    connections: int = 0


async def _serve(script: Script) -> asyncio.Server:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        script.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
                script.requests.append(head + await reader.readexactly(length))
                answer = script.answers(len(script.requests))
                if answer is None:
                    break
                writer.write(answer)
                await writer.drain()
                if script.close_after_answer:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    return await asyncio.start_server(handle, "127.0.0.1", 0)


def _run(
    script: Script, queries: int = 1, timeout: float = 5.0, max_bytes: int | None = None
) -> list[object]:
    """Send ``queries`` queries one after another; return each answer or exception."""

    async def main() -> list[object]:
        server = await _serve(script)
        port = server.sockets[0].getsockname()[1]
        upstream = Upstream(f"http://127.0.0.1:{port}/query", max_bytes=max_bytes)
        outcomes: list[object] = []
        try:
            for _ in range(queries):
                try:
                    outcomes.append(await upstream.query("ASK {}", JSON, timeout))
                except Exception as err:  # noqa: BLE001 - the outcome under test
                    outcomes.append(err)
        finally:
            upstream.close()
            server.close()
        return outcomes

    return asyncio.run(main())


def test_keep_alive_answers_reuse_one_connection() -> None:
    script = Script(lambda n: OK)
    outcomes = _run(script, queries=3)
    assert [(o.status, o.body) for o in outcomes] == [(200, BODY)] * 3  # type: ignore[attr-defined]
    assert script.connections == 1
    request = script.requests[0]
    assert request.startswith(b"POST /query HTTP/1.1\r\n")
    assert b"Content-Type: application/sparql-query\r\n" in request
    assert b"Accept: " + JSON.encode() in request and request.endswith(b"\r\n\r\nASK {}")


def test_a_chunked_answer_is_joined() -> None:
    chunked = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b'5\r\n{"hea\r\n15\r\nd":{},"boolean":true}\r\n0\r\n\r\n'
    )
    (answer,) = _run(Script(lambda n: chunked))
    assert answer.body == BODY  # type: ignore[attr-defined]


def test_a_connection_closed_while_idle_is_replaced() -> None:
    """The engine was restarted between two queries: the second one still gets its answer."""
    script = Script(lambda n: OK, close_after_answer=True)
    outcomes = _run(script, queries=2)
    assert [o.status for o in outcomes] == [200, 200]  # type: ignore[attr-defined]
    assert script.connections == 2


def test_an_answer_cut_off_mid_body_is_incomplete() -> None:
    cut = OK[: len(OK) - 5]
    (outcome,) = _run(Script(lambda n: cut, close_after_answer=True))
    assert isinstance(outcome, IncompleteAnswerError)
    assert str(outcome) == "the engine closed the connection mid-answer"


def test_bytes_that_are_not_http_are_refused() -> None:
    (outcome,) = _run(Script(lambda n: b"SSH-2.0-OpenSSH\r\n\r\n"))
    assert isinstance(outcome, IncompleteAnswerError)
    assert str(outcome).startswith("the engine's answer is not valid HTTP")


def test_a_connection_closed_before_any_answer_is_unavailable() -> None:
    script = Script(lambda n: None)
    (outcome,) = _run(script)
    assert isinstance(outcome, EngineUnavailableError)
    assert script.connections == 1  # a fresh connection is not tried twice


def test_an_engine_that_is_not_there() -> None:
    port = free_port()

    async def main() -> None:
        await Upstream(f"http://127.0.0.1:{port}/query").query("ASK {}", JSON, 5)

    with pytest.raises(EngineUnavailableError, match=rf"cannot connect to 127\.0\.0\.1:{port}"):
        asyncio.run(main())


def test_an_engine_that_never_answers_times_out_and_the_connection_is_dropped() -> None:
    script = Script(lambda n: b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{" if n == 1 else OK)
    outcomes = _run(script, queries=2, timeout=0.3)
    assert isinstance(outcomes[0], TimeoutError)
    assert outcomes[1].status == 200  # type: ignore[attr-defined]
    assert script.connections == 2  # the half-answered connection was never reused


@pytest.mark.parametrize("url", ["https://127.0.0.1:1/query", "http://127.0.0.1/query", "x"])
def test_only_plain_http_urls_with_a_port(url: str) -> None:
    with pytest.raises(ValueError, match="must be http://host:port/path"):
        Upstream(url)


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_an_answer_past_the_byte_cap_stops_being_read(chunked: bool) -> None:
    row = b'{"t":{"type":"literal","value":"x"}},'
    body = b'{"head":{"vars":["t"]},"results":{"bindings":[' + row * 5_000 + b"]}}"
    if chunked:
        big = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + b"".join(
            b"%x\r\n%s\r\n" % (len(part), part)
            for part in (body[i : i + 4096] for i in range(0, len(body), 4096))
        )
        big += b"0\r\n\r\n"
    else:
        big = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
    script = Script(lambda n: big if n == 1 else OK)
    outcomes = _run(script, queries=2, max_bytes=10_000)
    assert isinstance(outcomes[0], AnswerTooLargeError)
    assert str(outcomes[0]) == "the answer is larger than 10000 bytes"
    assert outcomes[1].status == 200  # type: ignore[attr-defined]
    assert script.connections == 2  # the cut connection was closed, never reused
    (small,) = _run(Script(lambda n: big), max_bytes=len(body))
    assert small.body == body  # type: ignore[attr-defined]  # exactly at the cap is fine


def test_the_verdict_cache_is_bounded_in_entries_and_bytes() -> None:
    from msbackpain.serve._guardpool import Verdict, VerdictCache

    cache = VerdictCache(max_entries=100, max_bytes=200_000, max_text=50_000)
    texts = [f"ASK {{ <urn:{i}> ?p ?o }} #" + "x" * 40_000 for i in range(50)]
    for text in texts:
        cache.put(text, Verdict("ASK", text))
    assert cache.size <= 200_000 and len(cache) == 2  # two 80 KB entries fit, not more
    assert cache.get(texts[-1]) is not None and cache.get(texts[0]) is None  # oldest forgotten
    cache.put("y" * 60_000, "refused")  # longer than max_text: never kept
    assert cache.get("y" * 60_000) is None
    for i in range(500):
        cache.put(f"ASK {{ <urn:small:{i}> ?p ?o }}", f"refused {i}")
    assert len(cache) == 100 and cache.get("ASK { <urn:small:499> ?p ?o }") == "refused 499"
