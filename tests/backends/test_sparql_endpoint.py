"""The sparql backend against bad endpoints: each failure is one line naming the URL.

A small loopback HTTP server plays the misbehaving endpoint; the timeout case uses a real
Oxigraph server, which answers ``200 OK`` with a truncated body when it cancels a query.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

import msbackpain
from msbackpain.backends.sparql_backend import SparqlBackend
from msbackpain.serve.server import OxigraphServer, free_port

Behaviour = Callable[[BaseHTTPRequestHandler, int], None]
ASK_TRUE = json.dumps({"head": {}, "boolean": True}).encode()


def _send(handler: BaseHTTPRequestHandler, status: int, kind: str, body: bytes) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", kind)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


class FakeEndpoint:
    """A loopback HTTP server whose answer to the n-th request is ``behaviour(handler, n)``."""

    def __init__(self, behaviour: Behaviour) -> None:
        self.requests: list[dict[str, list[str]]] = []
        self.methods: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                query = urlsplit(self.path).query
                self.params = parse_qs(body or query)
                outer.requests.append(self.params)
                outer.methods.append(self.command)
                behaviour(self, len(outer.requests))

            do_GET = do_POST = _handle  # noqa: N815 - http.server's names

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def endpoint(request: pytest.FixtureRequest) -> Iterator[FakeEndpoint]:
    server = FakeEndpoint(request.param)
    yield server
    server.close()


def _backend(url: str, **options: float) -> SparqlBackend:
    return SparqlBackend(url, connect_timeout=1.0, retries=2, **options)  # type: ignore[arg-type]


def _one_line_error(call: Callable[[], object], kind: type[Exception], *parts: str) -> str:
    with pytest.raises(kind) as info:
        call()
    message = str(info.value)
    assert "\n" not in message
    for part in parts:
        assert part in message
    return message


def html_page(handler: BaseHTTPRequestHandler, n: int) -> None:
    _send(handler, 200, "text/html", b"<html><body><h1>Welcome to nginx!</h1></body></html>")


def truncated_json(handler: BaseHTTPRequestHandler, n: int) -> None:
    _send(handler, 200, "application/sparql-results+json", b'{"head":{"vars":["s"]},"results":{"bi')


def not_results(handler: BaseHTTPRequestHandler, n: int) -> None:
    _send(handler, 200, "application/json", b'{"hello": "world"}')


def not_found(handler: BaseHTTPRequestHandler, n: int) -> None:
    _send(handler, 404, "text/html", b"<html><title>404 Not Found</title></html>")


def server_error(handler: BaseHTTPRequestHandler, n: int) -> None:
    _send(handler, 500, "text/plain", b"java.lang.NullPointerException\n\tat somewhere")


def bad_request(handler: BaseHTTPRequestHandler, n: int) -> None:
    _send(handler, 400, "text/plain", b"Parse error: unexpected token at line 1")


def unavailable_then_ok(handler: BaseHTTPRequestHandler, n: int) -> None:
    if n < 3:
        _send(handler, 503, "text/plain", b"starting up")
    else:
        _send(handler, 200, "application/sparql-results+json", ASK_TRUE)


def always_unavailable(handler: BaseHTTPRequestHandler, n: int) -> None:
    _send(handler, 503, "text/plain", b"down for maintenance")


def slow(handler: BaseHTTPRequestHandler, n: int) -> None:
    time.sleep(1.5)
    _send(handler, 200, "application/sparql-results+json", ASK_TRUE)


def broken_off(handler: BaseHTTPRequestHandler, n: int) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/sparql-results+json")
    handler.send_header("Content-Length", "1000")
    handler.end_headers()
    handler.wfile.write(b'{"head":{"vars":["s"]}')
    handler.close_connection = True


def _results(handler: BaseHTTPRequestHandler, status: int, **headers: str) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", "application/sparql-results+json")
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    body = b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"uri","value":"urn:a"}}]}}'
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def partial_206(handler: BaseHTTPRequestHandler, n: int) -> None:
    _results(handler, 206)


def anytime_partial(handler: BaseHTTPRequestHandler, n: int) -> None:
    # What Virtuoso 7.2.5 sends when an anytime query stops at its time limit: 200 OK.
    _results(handler, 200, X_SQL_State="S1TAT", X_SQL_Message="RC...: Returning incomplete results")


def row_capped(handler: BaseHTTPRequestHandler, n: int) -> None:
    # What Virtuoso 7.2.5 sends past ResultSetMaxRows: 200 OK, the first rows, and a header.
    _results(handler, 200, X_SPARQL_MaxRows="10000")


def gateway_timeout(handler: BaseHTTPRequestHandler, n: int) -> None:
    body = json.dumps({"error": "timeout", "message": "ran past 1 s", "status": 503})
    _send(handler, 503, "application/json", body.encode())


def virtuoso_timeout(handler: BaseHTTPRequestHandler, n: int) -> None:
    _send(handler, 500, "text/plain", b"Virtuoso S1T00 Error SR171: Transaction timed out\n")


def virtuoso_cancelled(handler: BaseHTTPRequestHandler, n: int) -> None:
    # What Virtuoso 7.2.5 sends, on a busy machine, when an anytime query's `timeout=` cancels
    # the query instead of answering part of it.
    _send(
        handler,
        500,
        "text/plain",
        b"Virtuoso HY008 Error SR203: Async statement killed by SQLCancel.\n",
    )


def answer_naming_a_state(handler: BaseHTTPRequestHandler, n: int) -> None:
    # A complete answer whose data happens to spell Virtuoso's time-limit error.
    literal = {"type": "literal", "value": "Virtuoso S1T00 Error SR171"}
    body = json.dumps({"head": {"vars": ["s"]}, "results": {"bindings": [{"s": literal}]}})
    _send(handler, 200, "application/sparql-results+json", body.encode())


def error_on_the_query_line(handler: BaseHTTPRequestHandler, n: int) -> None:
    # Point at the line where the query the user wrote starts, as an engine would.
    sent = handler.params["query"][0]  # type: ignore[attr-defined]
    line = next(i for i, text in enumerate(sent.splitlines(), 1) if text.startswith("SELECT"))
    _send(handler, 400, "text/plain", f"Parse error at {line}:12: expected }}".encode())


def slow_after_the_first(handler: BaseHTTPRequestHandler, n: int) -> None:
    if n > 1:
        time.sleep(1.5)
    _send(handler, 200, "application/sparql-results+json", ASK_TRUE)


def ok(handler: BaseHTTPRequestHandler, n: int) -> None:
    _send(handler, 200, "application/sparql-results+json", ASK_TRUE)


@pytest.mark.parametrize("endpoint", [html_page], indirect=True)
def test_html_page(endpoint: FakeEndpoint) -> None:
    _one_line_error(
        lambda: msbackpain.load(endpoint=endpoint.url),
        msbackpain.BackendError,
        endpoint.url,
        "HTML page",
        "Welcome to nginx!",
    )


@pytest.mark.parametrize("endpoint", [truncated_json], indirect=True)
def test_truncated_json(endpoint: FakeEndpoint) -> None:
    _one_line_error(
        lambda: _backend(endpoint.url).query("SELECT ?s WHERE { ?s ?p ?o }"),
        msbackpain.BackendError,
        endpoint.url,
        "truncated or invalid",
    )


@pytest.mark.parametrize("endpoint", [not_results], indirect=True)
def test_json_that_is_not_results(endpoint: FakeEndpoint) -> None:
    _one_line_error(
        lambda: _backend(endpoint.url).query("SELECT ?s WHERE { ?s ?p ?o }"),
        msbackpain.BackendError,
        "not a SPARQL results document",
    )


@pytest.mark.parametrize("endpoint", [not_found], indirect=True)
def test_not_found(endpoint: FakeEndpoint) -> None:
    _one_line_error(
        lambda: _backend(endpoint.url).query("ASK {}"),
        msbackpain.BackendError,
        endpoint.url,
        "HTTP 404",
        "is this the SPARQL query endpoint?",
    )


@pytest.mark.parametrize("endpoint", [server_error], indirect=True)
def test_server_error_page(endpoint: FakeEndpoint) -> None:
    message = _one_line_error(
        lambda: _backend(endpoint.url).query("ASK {}"),
        msbackpain.BackendError,
        "HTTP 500",
        "NullPointerException",
    )
    assert "somewhere" not in message  # only the first line of the page
    assert len(endpoint.requests) == 1  # a 500 is not retried


@pytest.mark.parametrize("endpoint", [bad_request], indirect=True)
def test_rejected_query(endpoint: FakeEndpoint) -> None:
    _one_line_error(
        lambda: _backend(endpoint.url).query("ASK {}"),
        msbackpain.QueryError,
        "rejected the query",
        "Parse error",
    )


@pytest.mark.parametrize("endpoint", [unavailable_then_ok], indirect=True)
def test_transient_503_is_retried(endpoint: FakeEndpoint) -> None:
    assert _backend(endpoint.url).query("ASK {}").boolean is True
    assert len(endpoint.requests) == 3


@pytest.mark.parametrize("endpoint", [always_unavailable], indirect=True)
def test_persistent_503_gives_up(endpoint: FakeEndpoint) -> None:
    _one_line_error(
        lambda: _backend(endpoint.url).query("ASK {}"),
        msbackpain.BackendError,
        endpoint.url,
        "HTTP 503",
        "after 3 attempts",
    )
    assert len(endpoint.requests) == 3


@pytest.mark.parametrize("endpoint", [slow], indirect=True)
def test_read_timeout(endpoint: FakeEndpoint) -> None:
    started = time.monotonic()
    _one_line_error(
        lambda: _backend(endpoint.url, read_timeout=0.3).query("ASK {}"),
        msbackpain.QueryTimeoutError,
        endpoint.url,
        "did not answer within 0.3 s",
    )
    assert time.monotonic() - started < 1.4  # not retried
    assert len(endpoint.requests) == 1


@pytest.mark.parametrize("endpoint", [broken_off], indirect=True)
def test_answer_broken_off(endpoint: FakeEndpoint) -> None:
    _one_line_error(
        lambda: _backend(endpoint.url).query("SELECT ?s WHERE { ?s ?p ?o }"),
        msbackpain.BackendError,
        endpoint.url,
        "broke off",
    )


@pytest.mark.parametrize("endpoint", [partial_206], indirect=True)
def test_partial_content_is_an_error(endpoint: FakeEndpoint) -> None:
    _one_line_error(
        lambda: _backend(endpoint.url).query("SELECT ?s WHERE { ?s ?p ?o }"),
        msbackpain.BackendError,
        endpoint.url,
        "206 Partial Content",
    )


@pytest.mark.parametrize("endpoint", [anytime_partial], indirect=True)
def test_an_anytime_partial_answer_is_a_timeout(endpoint: FakeEndpoint) -> None:
    _one_line_error(
        lambda: _backend(endpoint.url).query("SELECT ?s WHERE { ?s ?p ?o }"),
        msbackpain.QueryTimeoutError,
        endpoint.url,
        "X-SQL-State: S1TAT",
    )
    assert len(endpoint.requests) == 1  # never sent again


@pytest.mark.parametrize("endpoint", [row_capped], indirect=True)
def test_a_row_capped_answer_is_refused(endpoint: FakeEndpoint) -> None:
    _one_line_error(
        lambda: _backend(endpoint.url).query("SELECT ?s WHERE { ?s ?p ?o }", max_rows=None),
        msbackpain.ResultTooLargeError,
        endpoint.url,
        "row limit of 10000 rows",
    )


@pytest.mark.parametrize(
    "endpoint", [gateway_timeout, virtuoso_timeout, virtuoso_cancelled], indirect=True
)
def test_a_server_timeout_is_a_query_timeout_and_not_retried(endpoint: FakeEndpoint) -> None:
    _one_line_error(
        lambda: _backend(endpoint.url).query("ASK { ?s ?p ?o }"),
        msbackpain.QueryTimeoutError,
        endpoint.url,
        "time limit",
    )
    assert len(endpoint.requests) == 1  # one runaway query is sent once, not 1 + retries


@pytest.mark.parametrize("endpoint", [answer_naming_a_state], indirect=True)
def test_an_answer_that_spells_an_error_state_is_an_answer(endpoint: FakeEndpoint) -> None:
    rows = _backend(endpoint.url).query("SELECT ?s WHERE { ?s ?p ?o }")
    assert [row["s"] for row in rows] == ["Virtuoso S1T00 Error SR171"]


@pytest.mark.parametrize("endpoint", [error_on_the_query_line], indirect=True)
def test_error_positions_count_the_lines_the_user_wrote(endpoint: FakeEndpoint) -> None:
    message = _one_line_error(
        lambda: _backend(endpoint.url).query("SELECT ?x WHERE { ?x skos:altLabel ?y }"),
        msbackpain.QueryError,
        "rejected the query",
    )
    assert "at 1:12" in message  # not at 1 + the number of PREFIX lines added in front


@pytest.mark.parametrize("endpoint", [slow_after_the_first], indirect=True)
def test_the_query_timeout_is_honoured(endpoint: FakeEndpoint) -> None:
    kg = msbackpain.load(endpoint=endpoint.url, retries=0)
    started = time.monotonic()
    _one_line_error(
        lambda: kg.query("ASK { ?s ?p ?o }", timeout=0.3),
        msbackpain.QueryTimeoutError,
        "within 0.3 s",
    )
    assert time.monotonic() - started < 1.4
    assert len(endpoint.requests) == 2  # the check at load, then the one query


@pytest.mark.parametrize("endpoint", [ok], indirect=True)
def test_the_dataset_goes_on_the_wire(endpoint: FakeEndpoint) -> None:
    backend = SparqlBackend(
        endpoint.url, default_graph="urn:g:default", named_graphs=["urn:g:a", "urn:g:b"]
    )
    backend.query("ASK {}")
    backend.close()
    assert endpoint.requests[0]["default-graph-uri"] == ["urn:g:default"]
    assert endpoint.requests[0]["named-graph-uri"] == ["urn:g:a", "urn:g:b"]


def test_a_dataset_graph_must_be_an_iri() -> None:
    _one_line_error(
        lambda: SparqlBackend("http://127.0.0.1:9/q", default_graph="not an iri"),
        msbackpain.BackendError,
        "is not an absolute IRI",
    )


@pytest.mark.parametrize("endpoint", [ok], indirect=True)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_protocol_and_bindings_on_the_wire(endpoint: FakeEndpoint, method: str) -> None:
    backend = SparqlBackend(endpoint.url, method=method)
    backend.query("ASK { ?e rdfs:label ?l }", {"l": 'a" } SERVICE <http://x/> { "'})
    backend.query("ASK {}")
    backend.close()
    sent = endpoint.requests[0]["query"][0]
    assert endpoint.methods == [method, method]
    assert "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>" in sent
    assert 'VALUES ?l { "a\\" } SERVICE <http://x/> { \\"" }' in sent  # one escaped literal


def test_unreachable_endpoint() -> None:
    url = f"http://127.0.0.1:{free_port()}/query"  # nothing listens there
    started = time.monotonic()
    _one_line_error(
        lambda: msbackpain.load(endpoint=url, retries=2),
        msbackpain.BackendError,
        url,
        "cannot connect",
        "after 3 attempts",
    )
    assert time.monotonic() - started >= 0.2 + 0.4  # it backed off between the attempts


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://127.0.0.1/sparql", "is not an http:// or https:// URL"),
        ("127.0.0.1:7878/query", "is not an http:// or https:// URL"),
        ("http://127.0.0.1:99999/query", "invalid port"),
    ],
)
def test_bad_urls(url: str, message: str) -> None:
    _one_line_error(lambda: msbackpain.load(endpoint=url), msbackpain.BackendError, message)


def test_endpoint_options_are_checked() -> None:
    _one_line_error(
        lambda: msbackpain.load(endpoint="http://127.0.0.1:9/q", store="/tmp/x"),
        msbackpain.BackendError,
        "read-only",
    )
    _one_line_error(
        lambda: msbackpain.load(endpoint="http://127.0.0.1:9/q", backend="oxigraph"),
        msbackpain.BackendError,
        "cannot be combined with backend='oxigraph'",
    )
    _one_line_error(
        lambda: msbackpain.load(endpoint="http://127.0.0.1:9/q", colour="red"),
        msbackpain.BackendError,
        "takes no option 'colour'",
    )
    _one_line_error(
        lambda: msbackpain.load(backend="sparql"),
        msbackpain.BackendError,
        "needs the option endpoint=",
    )
    _one_line_error(
        lambda: SparqlBackend("http://127.0.0.1:9/q", method="PUT"),
        msbackpain.BackendError,
        "GET or POST",
    )


@pytest.mark.slow
def test_real_server_timeout_is_an_error_not_a_partial_answer(bundle_store: Path) -> None:
    # oxigraph serve-read-only --timeout-s 1 cancels the query but answers 200 OK with a
    # truncated body; the backend must refuse it rather than return what came.
    with OxigraphServer(bundle_store, port=free_port(), timeout=1) as server:
        backend = SparqlBackend(server.url, read_timeout=30)
        heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        _one_line_error(
            lambda: backend.query(heavy),
            msbackpain.BackendError,
            server.url,
            "truncated or invalid",
        )
        assert backend.query("ASK { ?s ?p ?o }").boolean  # the server is still serving
        backend.close()
