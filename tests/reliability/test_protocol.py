"""The SPARQL 1.1 Protocol as `msbackpain serve` speaks it, end to end on loopback.

The real command (Oxigraph behind the gateway) on the bundled graph. The tests named
``test_w3c_*`` encode the W3C protocol tests (w3c/rdf-tests, sparql/sparql11/protocol) that
apply to a read-only endpoint with a fixed dataset, under their manifest names; the others hold
the gateway to the rest of the protocol (dataset parameters, content negotiation, prefixes).
"""

from __future__ import annotations

import csv
import io
import json
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from conftest import ROOT
from msbackpain.prefixes import PREFIXES
from msbackpain.serve.server import free_port

from ._http import request

pytest.importorskip("aiohttp")

#: What triggers spasticity, with the prefix the library declares implicitly left out.
TRIGGERS = "SELECT ?t WHERE { ?t msbp:triggers msbp:Spasticity } ORDER BY ?t"
DECLARED = f"PREFIX msbp: <{PREFIXES['msbp']}> {TRIGGERS}"
ASK_EMPTY = urllib.parse.quote("ASK {}")
JSON = "application/sparql-results+json"
XML = "application/sparql-results+xml"
#: The default graph most W3C protocol tests name (a graph this store does not hold).
DATA0 = "?default-graph-uri=http%3A%2F%2Fkasei.us%2F2009%2F09%2Fsparql%2Fdata%2Fdata0.rdf"


@dataclass
class Served:
    port: int
    output: list[str]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    port = free_port()
    store = tmp_path_factory.mktemp("protocol") / "kg"
    command = [sys.executable, "-m", "msbackpain", "serve", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--store", str(store), "--timeout", "5"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        output.extend(line.rstrip("\n") for line in process.stdout)

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + 60
    while not any(line.startswith("Press Ctrl-C") for line in output):
        assert process.poll() is None, "\n".join(output)
        assert time.monotonic() < deadline, "\n".join(output)
        time.sleep(0.1)
    yield Served(port, output)
    process.send_signal(signal.SIGTERM)
    process.wait(30)
    assert process.stdout is not None
    process.stdout.close()


def _request(
    served: Served,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    return request(served.port, method, path, body, headers)


def _get(
    served: Served, text: str, accept: str = "", extra: str = ""
) -> tuple[int, dict[str, str], bytes]:
    headers = {"Accept": accept} if accept else {}
    return _request(served, "GET", f"/query?query={urllib.parse.quote(text)}{extra}", None, headers)


def _error(status: int, body: bytes) -> tuple[int, str]:
    data = json.loads(body)
    assert data["status"] == status
    return status, data["error"]


def _triggers(body: bytes) -> list[str]:
    return [row["t"]["value"] for row in json.loads(body)["results"]["bindings"]]


# --- W3C protocol tests that apply to a read-only endpoint ------------------------------------


@pytest.mark.slow
def test_w3c_query_get(served: Served) -> None:
    path = f"/query?query={ASK_EMPTY}&{DATA0[1:]}"
    status, headers, body = _request(served, "GET", path)
    assert status == 200 and headers["Content-Type"].startswith(JSON)
    assert json.loads(body)["boolean"] is True


def test_w3c_query_post_form(served: Served) -> None:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _, body = _request(served, "POST", f"/query{DATA0}", b"query=ASK%20%7B%7D", form)
    assert status == 200 and json.loads(body)["boolean"] is True


def test_w3c_query_post_direct(served: Served) -> None:
    status, _, body = _request(
        served, "POST", "/query", b"ASK {}", {"Content-Type": "application/sparql-query"}
    )
    assert status == 200 and json.loads(body)["boolean"] is True


def _direct(served: Served, text: str, accept: str = "") -> tuple[int, dict[str, str], bytes]:
    headers = {"Content-Type": "application/sparql-query", **({"Accept": accept} if accept else {})}
    return _request(served, "POST", f"/query{DATA0}", text.encode(), headers)


@pytest.mark.parametrize("accept", ["", JSON, XML])
def test_w3c_query_content_type_select(served: Served, accept: str) -> None:
    status, headers, _ = _direct(served, "SELECT (1 AS ?value) {}", accept)
    assert status == 200 and headers["Content-Type"].startswith(accept or JSON)


@pytest.mark.parametrize("accept", ["", JSON, XML])
def test_w3c_query_content_type_ask(served: Served, accept: str) -> None:
    status, headers, _ = _direct(served, "ASK {}", accept)
    assert status == 200 and headers["Content-Type"].startswith(accept or JSON)


@pytest.mark.parametrize("accept", ["text/turtle", "application/rdf+xml", "application/n-triples"])
def test_w3c_query_content_type_describe(served: Served, accept: str) -> None:
    status, headers, _ = _direct(served, "DESCRIBE <http://example.org/>", accept)
    assert status == 200 and headers["Content-Type"].startswith(accept)


@pytest.mark.parametrize("accept", ["text/turtle", "application/rdf+xml", "application/n-triples"])
def test_w3c_query_content_type_construct(served: Served, accept: str) -> None:
    status, headers, _ = _direct(served, "CONSTRUCT { <s> <p> 1 } WHERE {}", accept)
    assert status == 200 and headers["Content-Type"].startswith(accept)


def test_w3c_bad_query_method(served: Served) -> None:
    status, headers, body = _request(
        served,
        "PUT",
        f"/query?query={ASK_EMPTY}",
        b"",
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert _error(status, body) == (405, "method-not-allowed")
    assert headers["Allow"] == "GET, HEAD, POST"


def test_w3c_bad_multiple_queries(served: Served) -> None:
    path = f"/query?query={ASK_EMPTY}&query={urllib.parse.quote('SELECT * {}')}"
    status, _, body = _request(served, "GET", path)
    assert _error(status, body) == (400, "repeated-parameter")


def test_w3c_bad_query_wrong_media_type(served: Served) -> None:
    status, _, body = _request(served, "POST", "/query", b"ASK {}", {"Content-Type": "text/plain"})
    assert _error(status, body) == (415, "unsupported-media-type")


@pytest.mark.parametrize("body", [b"query=ASK%20%7B%7D", b"ASK {}"], ids=["form", "direct"])
def test_w3c_bad_query_missing_form_type_and_direct_type(served: Served, body: bytes) -> None:
    status, _, answer = _request(served, "POST", "/query", body)
    assert _error(status, answer) == (415, "unsupported-media-type")


def test_w3c_bad_query_non_utf8(served: Served) -> None:
    body = "ASK {}".encode("utf-16")
    headers = {"Content-Type": "application/sparql-query; charset=UTF-16"}
    status, _, answer = _request(served, "POST", "/query", body, headers)
    assert _error(status, answer) == (400, "invalid-encoding")


def test_w3c_bad_query_syntax(served: Served) -> None:
    status, _, body = _request(served, "GET", f"/query?query={urllib.parse.quote('ASK {')}")
    assert _error(status, body) == (400, "refused-query")
    assert "line 1, column 6" in json.loads(body)["message"]
    # Implicit prefixes are declared on the first line: later line numbers stay right.
    status, _, body = _get(served, "SELECT ?t\nWHERE { ?t msbp:triggers ?x")
    assert _error(status, body) == (400, "refused-query")
    assert "at line 2, column" in json.loads(body)["message"]


@pytest.mark.parametrize(
    ("method", "path", "body", "kind"),
    [
        ("GET", "/query?update=CLEAR%20ALL", None, ""),  # bad_update_get
        ("POST", "/query", b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", "form"),  # multiple
        ("POST", "/query", b"CLEAR NAMED", "text/plain"),  # bad_update_wrong_media_type
        ("POST", "/query", b"update=CLEAR%20NAMED", ""),  # bad_update_missing_form_type
        ("POST", "/update", "CLEAR GRAPH <é>".encode("utf-16"), "update"),  # non_utf8
        ("POST", "/update", b"CLEAR XYZ", "update"),  # bad_update_syntax
        ("POST", "/update?using-graph-uri=http%3A%2F%2Fe%2F", b"CLEAR ALL", "update"),  # conflict
    ],
    ids=[
        "bad_update_get",
        "bad_multiple_updates",
        "bad_update_wrong_media_type",
        "bad_update_missing_form_type",
        "bad_update_non_utf8",
        "bad_update_syntax",
        "bad_update_dataset_conflict",
    ],
)
def test_w3c_bad_updates_get_4xx(
    served: Served, method: str, path: str, body: bytes | None, kind: str
) -> None:
    types = {"form": "application/x-www-form-urlencoded", "update": "application/sparql-update"}
    headers = {"Content-Type": types.get(kind, kind)} if kind else {}
    status, _, answer = _request(served, method, path, body, headers)
    assert 400 <= status < 500
    assert json.loads(answer)["status"] == status


# --- The rest of the protocol ------------------------------------------------------------------


ANY = "ASK { ?s ?p ?o }"
IN_A_GRAPH = "ASK { GRAPH ?g { ?s ?p ?o } }"


def test_dataset_parameters_are_passed_to_the_engine(served: Served) -> None:
    # The bundle is the store's default graph; its one named graph is the store's record of
    # the files it holds.
    assert json.loads(_get(served, ANY)[2])["boolean"] is True
    assert json.loads(_get(served, IN_A_GRAPH)[2])["boolean"] is True
    record = "&default-graph-uri=" + urllib.parse.quote("urn:msbackpain:loaded-files")
    status, _, body = _get(served, DECLARED, extra=record)
    assert status == 200 and _triggers(body) == []
    unknown = "&default-graph-uri=" + urllib.parse.quote("http://example.org/unknown")
    status, _, body = _get(served, ANY, extra=unknown)
    assert status == 200 and json.loads(body)["boolean"] is False  # not the whole store
    status, _, body = _get(served, DECLARED, extra=unknown)
    assert status == 200 and _triggers(body) == []
    named = "&named-graph-uri=" + urllib.parse.quote("http://example.org/unknown")
    status, _, body = _get(served, IN_A_GRAPH, extra=named)
    assert status == 200 and json.loads(body)["boolean"] is False
    form = urllib.parse.urlencode({"query": ANY, "default-graph-uri": "http://example.org/g"})
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _, body = _request(served, "POST", "/query", form.encode(), headers)
    assert status == 200 and json.loads(body)["boolean"] is False
    direct = {"Content-Type": "application/sparql-query"}
    status, _, body = _request(served, "POST", f"/query?{unknown[1:]}", ANY.encode(), direct)
    assert status == 200 and json.loads(body)["boolean"] is False
    status, _, body = _get(served, ANY, extra="&default-graph-uri=not%20an%20iri")
    assert _error(status, body) == (400, "bad-dataset")


def test_invalid_utf8_is_a_400_not_a_patched_query(served: Served) -> None:
    status, _, body = _request(served, "GET", "/query?query=ASK%20%7B%7D%FF")
    assert _error(status, body) == (400, "invalid-encoding")
    headers = {"Content-Type": "application/sparql-query"}
    status, _, body = _request(served, "POST", "/query", b'ASK { ?s ?p "\xff" }', headers)
    assert _error(status, body) == (400, "invalid-encoding")
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _, body = _request(served, "POST", "/query", b"query=ASK%20%7B%7D%C3", form)
    assert _error(status, body) == (400, "invalid-encoding")


def test_unknown_paths_are_404_and_other_methods_405_with_allow(served: Served) -> None:
    status, headers, body = _request(served, "GET", "/sparql")
    assert _error(status, body) == (404, "not-found") and "Allow" not in headers
    status, headers, body = _request(served, "DELETE", "/query")
    assert _error(status, body) == (405, "method-not-allowed")
    assert headers["Allow"] == "GET, HEAD, POST"


def test_head_is_answered_like_get_without_a_body(served: Served) -> None:
    path = f"/query?query={urllib.parse.quote(DECLARED)}"
    get_status, get_headers, get_body = _request(served, "GET", path)
    status, headers, body = _request(served, "HEAD", path)
    assert (status, body) == (200, b"") and get_status == 200 and get_body
    assert headers["Content-Type"] == get_headers["Content-Type"]
    assert headers["Content-Length"] == str(len(get_body))


def test_a_prefixed_name_in_from_is_a_400_not_a_500(served: Served) -> None:
    status, _, body = _get(served, "SELECT * FROM msbp:x { ?s ?p ?o }")
    assert _error(status, body) == (400, "refused-query")
    assert json.loads(body)["message"].startswith("FROM is not allowed")
    status, _, body = _get(served, "SELECT * FROM nope:x { ?s ?p ?o }")
    assert _error(status, body) == (400, "unknown-prefix")


def test_implicit_prefixes_as_the_library(served: Served) -> None:
    status, _, implicit = _get(served, TRIGGERS)
    assert status == 200
    status, _, declared = _get(served, DECLARED)
    assert status == 200
    assert _triggers(implicit) == _triggers(declared) and len(_triggers(declared)) == 6
    # The query's own declaration wins over the implicit one.
    own = TRIGGERS.replace("SELECT", "PREFIX msbp: <http://example.org/> SELECT", 1)
    status, _, body = _get(served, own)
    assert status == 200 and _triggers(body) == []
    status, _, body = _get(served, "SELECT * { ?s nope:p ?o }")
    assert _error(status, body) == (400, "unknown-prefix")
    assert json.loads(body)["message"] == "unknown prefix 'nope': declare it (PREFIX nope: <...>)"


def test_accept_q_values_choose_the_type(served: Served) -> None:
    cases = {
        f"{XML};q=0.9, {JSON};q=0.8": XML,
        f"{XML};q=0.1, {JSON}": JSON,
        "text/csv;q=0.2, */*;q=0.1": "text/csv",
        "text/*": "text/csv",
        f"*/*;q=0.5, {XML}": XML,
        f"{JSON};q=0, */*": XML,
    }
    for accept, expected in cases.items():
        status, headers, _ = _get(served, DECLARED, accept)
        assert status == 200 and headers["Content-Type"].startswith(expected), accept


def test_csv_and_tsv_results_for_select(served: Served) -> None:
    _, _, body = _get(served, DECLARED, JSON)
    expected = _triggers(body)
    status, headers, body = _get(served, DECLARED, "text/csv")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body.decode())))
    assert rows == [["t"], *([t] for t in expected)] and body.endswith(b"\r\n")
    status, headers, body = _get(served, DECLARED, "text/tab-separated-values")
    assert status == 200 and headers["Content-Type"].startswith("text/tab-separated-values")
    assert body.decode().split("\n") == ["?t", *(f"<{t}>" for t in expected), ""]
    status, _, body = _get(
        served, 'SELECT ?l ?n { VALUES (?l ?n) { ("a\\tb"@en 1) } }', "text/tab-separated-values"
    )
    assert status == 200
    assert body == b'?l\t?n\n"a\\tb"@en\t"1"^^<http://www.w3.org/2001/XMLSchema#integer>\n'


def test_nothing_acceptable_is_a_406(served: Served) -> None:
    for text, accept in (
        (DECLARED, "image/png"),
        ("ASK {}", "text/csv"),
        ("CONSTRUCT {} {}", JSON),
    ):
        status, _, body = _get(served, text, accept)
        assert _error(status, body) == (406, "not-acceptable"), (text, accept)
