"""Fixtures of the backend contract suite: one KnowledgeGraph per backend, and real servers.

The ``sparql`` backend runs against a real Oxigraph server (PyPI ``oxigraph``) started for the
session on a free loopback port, on a store holding the bundle (asserted + inferred), and
stopped by PID at the end. ``virtuoso`` is the same backend against a second engine, a real
OpenLink Virtuoso (Debian ``virtuoso-opensource``) with a temporary database, the bundle
bulk-loaded into the graph the scaling-out guide names, queried with that graph as the
``default-graph-uri``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

import msbackpain
from msbackpain.serve.server import OxigraphServer, build_store, free_port

from .virtuoso import GRAPH, Virtuoso

BACKEND_NAMES = ("rdflib", "oxigraph", "sparql", "virtuoso")


@pytest.fixture(scope="session")
def bundle_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("store") / "kg")


@pytest.fixture(scope="session")
def oxigraph_server(bundle_store: Path) -> Iterator[OxigraphServer]:
    server = OxigraphServer(bundle_store, port=free_port(), timeout=10).start()
    pid = server.pid
    assert pid is not None
    yield server
    server.stop()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # the engine is gone, not left behind


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    folder = tmp_path_factory.mktemp("virtuoso")
    bundle = folder / "msbackpain.nt"
    msbackpain.load().export(bundle)
    server = Virtuoso(folder / "db", max_seconds=5).start()
    try:
        server.load(bundle, graph=GRAPH)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def virtuoso_kg(virtuoso_server: Virtuoso) -> Iterator[msbackpain.KnowledgeGraph]:
    graph = msbackpain.load(endpoint=virtuoso_server.endpoint, default_graph=GRAPH)
    yield graph
    graph.backend.close()  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def rdflib_kg() -> msbackpain.KnowledgeGraph:
    return msbackpain.load()


@pytest.fixture(scope="session")
def oxigraph_kg() -> msbackpain.KnowledgeGraph:
    return msbackpain.load(backend="oxigraph")


@pytest.fixture(scope="session")
def sparql_kg(oxigraph_server: OxigraphServer) -> Iterator[msbackpain.KnowledgeGraph]:
    graph = msbackpain.load(endpoint=oxigraph_server.url)
    yield graph
    graph.backend.close()  # type: ignore[attr-defined]


#: The server backends start real engines: `make test-fast` (``-m "not slow"``) leaves them out.
_SERVERS = {"sparql", "virtuoso"}


@pytest.fixture(
    params=[
        pytest.param(name, marks=[pytest.mark.slow] if name in _SERVERS else [])
        for name in BACKEND_NAMES
    ]
)
def backend_kg(request: pytest.FixtureRequest) -> msbackpain.KnowledgeGraph:
    """The graph of each backend in turn; every contract test runs once per backend."""
    graph: msbackpain.KnowledgeGraph = request.getfixturevalue(f"{request.param}_kg")
    return graph


@pytest.fixture(scope="session")
def reference(rdflib_kg: msbackpain.KnowledgeGraph) -> msbackpain.KnowledgeGraph:
    """The rdflib graph every backend is compared with."""
    return rdflib_kg
