"""`msbackpain serve` end to end: the real Oxigraph server behind the gateway, on loopback.

Starts the command as a user would, and holds it to the promises of a trusted endpoint:
read-only, guarded, a timeout is a 503 and not a cut-off 200, CORS off, bodies capped, slow
clients harmless, a dead engine restarted, steady under load, and a clean stop.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

import msbackpain
from conftest import ROOT, Listener
from msbackpain.server import free_port

SELECT = "PREFIX msbp: <https://w3id.org/msbackpain/> SELECT ?t WHERE { ?t msbp:triggers msbp:Spasticity }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@dataclass
class Served:
    port: int
    process: subprocess.Popen[str]
    output: list[str]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/query"

    def engine_pid(self) -> int:
        pids = [
            int(m.group(1)) for line in self.output for m in [re.search(r"pid (\d+)", line)] if m
        ]
        return pids[-1]


def _reader(process: subprocess.Popen[str], output: list[str]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        output.append(line.rstrip("\n"))


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    port = free_port()
    store = tmp_path_factory.mktemp("serve") / "kg"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "msbackpain",
            "serve",
            "--port",
            str(port),
            "--store",
            str(store),
            "--timeout",
            "2",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    threading.Thread(target=_reader, args=(process, output), daemon=True).start()
    deadline = time.monotonic() + 60
    while not any(line.startswith("Press Ctrl-C") for line in output):
        assert process.poll() is None, "\n".join(output)
        assert time.monotonic() < deadline, "\n".join(output)
        time.sleep(0.1)
    yield Served(port, process, output)
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        process.wait(30)
    assert process.stdout is not None
    process.stdout.close()


def _request(
    served: Served,
    method: str,
    path: str = "/query",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def _query(
    served: Served, text: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    body = urllib.parse.urlencode({"query": text}).encode()
    return _request(
        served,
        "POST",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})},
    )


def test_answers_like_a_sparql_endpoint(served: Served) -> None:
    status, headers, body = _query(served, SELECT)
    assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+json")
    assert len(json.loads(body)["results"]["bindings"]) == 6
    kg = msbackpain.load(endpoint=served.url)
    assert sorted(r.subject.label for r in kg.triggers_of("spasticity"))[:2] == [
        "changes in position",
        "extreme temperatures",
    ]


def test_service_is_refused_and_calls_nothing(served: Served, listener: Listener) -> None:
    status, _, body = _query(
        served, f"SELECT * {{ SERVICE <http://127.0.0.1:{listener.port}/> {{ ?s ?p ?o }} }}"
    )
    assert status == 400
    assert (
        json.loads(body)["message"]
        == f"SERVICE is not allowed: it makes the engine call <http://127.0.0.1:{listener.port}/>"
    )
    assert listener.connections == 0


def test_an_update_attempt_is_refused(served: Served) -> None:
    update = urllib.parse.urlencode({"update": "CLEAR ALL"}).encode()
    assert (
        _request(
            served, "POST", "/update", update, {"Content-Type": "application/x-www-form-urlencoded"}
        )[0]
        == 403
    )
    assert (
        _request(
            served,
            "POST",
            "/query",
            b"DELETE WHERE { ?s ?p ?o }",
            {"Content-Type": "application/sparql-update"},
        )[0]
        == 403
    )
    assert (
        _request(
            served,
            "PUT",
            "/store?default",
            b"<a> <b> <c> .",
            {"Content-Type": "application/n-triples"},
        )[0]
        == 403
    )
    status, _, body = _query(served, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == str(
        len(msbackpain.load().backend)
    )


def test_a_ten_megabyte_body_is_refused(served: Served) -> None:
    body = b"# " + b"x" * 10_000_000 + b"\nSELECT * { ?s ?p ?o }"
    try:
        status = _request(
            served, "POST", body=body, headers={"Content-Type": "application/sparql-query"}
        )[0]
    except (ConnectionResetError, BrokenPipeError):
        status = 413  # the server may close the connection while the client is still sending
    assert status == 413
    assert _query(served, SELECT)[0] == 200


def test_cross_origin_requests_get_no_cors_headers(served: Served) -> None:
    status, headers, _ = _query(served, SELECT, {"Origin": "https://evil.example"})
    assert status == 200 and not any(h.lower().startswith("access-control-") for h in headers)
    status, headers, _ = _request(
        served,
        "OPTIONS",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert status == 405 and not any(h.lower().startswith("access-control-") for h in headers)


def test_a_slow_client_does_not_block_the_others(served: Served) -> None:
    slow = socket.create_connection(("127.0.0.1", served.port))
    try:
        slow.sendall(
            b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: 100\r\n\r\nSELECT"
        )
        start = time.perf_counter()
        for _ in range(5):
            assert _query(served, SELECT)[0] == 200
        assert time.perf_counter() - start < 5
    finally:
        slow.close()


def test_a_timeout_is_a_503_not_a_cut_off_200_and_the_engine_restarts(served: Served) -> None:
    before = served.engine_pid()
    start = time.perf_counter()
    status, headers, body = _query(served, RUNAWAY)
    assert status == 503 and headers["Content-Type"].startswith("application/json")
    assert json.loads(body) == {
        "error": "timeout",
        "message": "the query ran longer than 2 s and was stopped",
        "status": 503,
    }
    assert time.perf_counter() - start < 10
    deadline = time.monotonic() + 20
    while _query(served, SELECT)[0] != 200:
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert any("engine restarted (a query ran out of time)" in line for line in served.output)
    assert served.engine_pid() != before


def test_a_dead_engine_is_restarted(served: Served) -> None:
    pid = served.engine_pid()
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 20
    while True:
        status = _query(served, SELECT)[0]
        if status == 200 and served.engine_pid() != pid:
            break
        assert time.monotonic() < deadline, "\n".join(served.output)
        time.sleep(0.2)
    assert any("engine restarted (it had stopped)" in line for line in served.output)


def test_eight_clients_for_sixty_seconds(
    served: Served, record_property: pytest.RecordProperty
) -> None:
    latencies: list[float] = []
    errors: list[str] = []
    deadline = time.monotonic() + 60
    body = urllib.parse.urlencode({"query": SELECT}).encode()

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
        try:
            while time.monotonic() < deadline:
                start = time.perf_counter()
                connection.request(
                    "POST",
                    "/query",
                    body=body,
                    headers={"Content-Type": "application/x-www-form-urlencoded"},
                )
                response = connection.getresponse()
                data = response.read()
                latencies.append(time.perf_counter() - start)
                if response.status != 200 or len(json.loads(data)["results"]["bindings"]) != 6:
                    errors.append(f"{response.status}: {data[:100]!r}")
        except Exception as err:  # noqa: BLE001 - every failure counts
            errors.append(repr(err))
        finally:
            connection.close()

    threads = [threading.Thread(target=client) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99)] * 1000
    record_property("requests", len(latencies))
    record_property("p99_ms", round(p99, 2))
    sys.stderr.write(
        f"\nserve under 8 clients for 60 s: {len(latencies)} requests, {len(latencies) / 60:.0f}/s, p99 {p99:.1f} ms, {len(errors)} errors\n"
    )
    assert errors == []
    assert len(latencies) > 1000


def test_sigterm_stops_gateway_and_engine(served: Served) -> None:
    engine = served.engine_pid()
    served.process.send_signal(signal.SIGTERM)
    assert served.process.wait(30) == 0
    time.sleep(0.5)
    with pytest.raises(ProcessLookupError):
        os.kill(engine, 0)
    assert served.output[-1] == "stopped"
