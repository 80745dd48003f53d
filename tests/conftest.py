from __future__ import annotations

import shutil
import sys
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


def labels(items) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(x.label for x in items)
