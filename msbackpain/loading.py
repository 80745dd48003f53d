"""Build a KnowledgeGraph from the bundled ontology and the user's own RDF files."""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

from msbackpain._resources import INFERRED_FILE, ONTOLOGY_FILE, ontology_dir
from msbackpain.backends import get_backend
from msbackpain.exceptions import BackendError, OntologyLoadError
from msbackpain.knowledge import KnowledgeGraph

__all__ = ["bundled_files", "load"]

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def bundled_files(*, inferred: bool = True) -> list[Path]:
    """Return the bundled ontology file and, with ``inferred``, the materialised inferences."""
    folder = ontology_dir()
    files = [folder / ONTOLOGY_FILE]
    if inferred and (folder / INFERRED_FILE).exists():
        files.append(folder / INFERRED_FILE)
    return files


def load(
    *sources: str | os.PathLike[str],
    backend: str = "rdflib",
    endpoint: str | None = None,
) -> KnowledgeGraph:
    """Load the bundled MS back-pain graph, plus any RDF ``sources`` of your own.

    The bundle holds the asserted ontology and the inferences materialised at build time,
    so no Java is needed. Files are parsed strictly; a file that fails to parse raises and
    no graph is returned (nothing is half-loaded). The default bundle is loaded once and
    cached: the graph is immutable.

    Args:
        *sources: Extra RDF files (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD) to add.
        backend: The embedded store: ``"rdflib"`` (default).
        endpoint: URL of a SPARQL 1.1 endpoint to query instead of an embedded store.

    Raises:
        OntologyLoadError: naming the file and line when a source cannot be read or parsed.
        UnknownBackendError: for an unknown backend name.

    Examples:
        >>> import msbackpain
        >>> kg = msbackpain.load()
        >>> kg is msbackpain.load()
        True
        >>> kg["spasticity"].label
        'spasticity'
    """
    if endpoint is not None:
        msg = f"remote endpoints are not supported by this build (endpoint={endpoint!r})"
        raise BackendError(msg)
    for source in sources:
        if _URL.match(str(source)):
            msg = f"{source}: a URL; msbackpain reads local files only (download it first)"
            raise OntologyLoadError(msg, path=str(source))
    paths = [Path(s) for s in sources]
    if not paths:
        return _default(backend)
    return _build(backend, [*bundled_files(), *paths])


@cache
def _default(backend: str) -> KnowledgeGraph:
    return _build(backend, bundled_files())


def _build(backend: str, paths: list[Path]) -> KnowledgeGraph:
    store = get_backend(backend)
    for path in paths:
        store.load(path)
    return KnowledgeGraph(store, sources=paths)
