from __future__ import annotations

import shutil
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib

import msbackpain

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
ONTOLOGY = ROOT / "ontology" / "msbackpain.ttl"
INFERRED = ROOT / "ontology" / "inferred.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
MSBP = rdflib.Namespace("https://w3id.org/msbackpain/")

sys.path.insert(0, str(ROOT / "tools"))

needs_java = pytest.mark.skipif(shutil.which("java") is None, reason="the OWL reasoner needs Java")


@pytest.fixture(scope="session")
def kg() -> msbackpain.KnowledgeGraph:
    return msbackpain.load()


@pytest.fixture(scope="session")
def asserted_kg() -> msbackpain.KnowledgeGraph:
    """The bundle without the materialised inferences."""
    from msbackpain.backends import get_backend
    from msbackpain.knowledge import KnowledgeGraph

    store = get_backend("rdflib")
    store.load(ONTOLOGY)
    return KnowledgeGraph(store, sources=[ONTOLOGY])


@pytest.fixture(scope="session")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY, format="turtle")


@pytest.fixture(scope="session")
def full_graph() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY, format="turtle").parse(INFERRED, format="turtle")


def cited(relation: msbackpain.Relation) -> tuple[str, ...]:
    """The paragraph ids a relation's evidence cites (every bundled edge has evidence)."""
    assert relation.evidence is not None, relation
    return relation.evidence.paragraphs


def labels(items) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(x.label for x in items)


class Listener:
    """A TCP listener on 127.0.0.1 that counts connections (and answers nothing useful)."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    """A loopback TCP listener; tests assert how many connections it saw."""
    server = Listener()
    yield server
    server.close()
