"""Build a KnowledgeGraph from the bundled ontology and the user's own RDF files, or an endpoint."""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path
from typing import Any

from msbackpain._resources import INFERRED_FILE, ONTOLOGY_FILE, ontology_dir
from msbackpain.backends import Backend, Progress, get_backend
from msbackpain.backends._parse import source_base
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
    store: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    base: str | None = None,
    **options: Any,
) -> KnowledgeGraph:
    """Load the bundled MS back-pain graph, plus any RDF ``sources`` of your own.

    The bundle holds the asserted ontology and the inferences materialised at build time,
    so no Java is needed. Files are parsed strictly; a file that fails to parse raises and
    no graph is returned (nothing is half-loaded). The default bundle is loaded once per
    backend and cached: the graph is immutable. With no argument at all, the answers to the
    named questions come precompiled with the bundle, and the rdflib store is built only
    when something needs it (``kg.backend``, an ad-hoc query, export, reasoning).

    Args:
        *sources: Extra RDF files (Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD) to add.
        backend: The embedded store: ``"rdflib"`` (default) or ``"oxigraph"`` (pyoxigraph,
            faster, and able to hold large background graphs on disk).
        endpoint: URL of a SPARQL 1.1 endpoint (e.g. ``msbackpain serve``, Fuseki, QLever)
            that already holds the bundle; queried instead of an embedded store.
        store: With ``backend="oxigraph"``, a directory for an on-disk store. Files it
            already holds (recognised by SHA-256) are not loaded again.
        progress: Called as ``progress(file, bytes_read, file_size)`` while files load.
        base: The base IRI that relative IRIs in ``sources`` resolve against (``<walking>``,
            ``rdf:about="#walking"``). By default each file gets a stable base made from its
            name, ``https://w3id.org/msbackpain/source/<file name>``: never its local path,
            which would leak into exports and served answers. An ``@base`` or ``xml:base``
            in the file wins over both.
        **options: Options of the backend, e.g. ``read_timeout=`` for an endpoint
            (see :func:`msbackpain.backends.get_backend`).

    Raises:
        OntologyLoadError: naming the file and line when a source cannot be read or parsed.
        UnknownBackendError: for an unknown backend name.
        BackendError: for an endpoint that cannot be reached or answers badly, a ``store``
            that is not an Oxigraph store, or options that do not fit the backend.

    Examples:
        >>> import msbackpain
        >>> kg = msbackpain.load()
        >>> kg is msbackpain.load()
        True
        >>> kg["spasticity"].label
        'spasticity'
        >>> msbackpain.load(backend="oxigraph")["spasticity"].label
        'spasticity'
    """
    for source in sources:
        if _URL.match(str(source)):
            msg = f"{source}: a URL; msbackpain reads local files only (download it first)"
            raise OntologyLoadError(msg, path=str(source))
    paths = [Path(s) for s in sources]
    if base is not None:
        if not paths:
            raise OntologyLoadError(f"base={base!r} needs files to load (give them as sources)")
        source_base(paths[0], base)  # refuse a bad base before anything is read
    if endpoint is not None:
        return _remote(endpoint, backend, paths, store, options)
    if store is not None:
        if backend != "oxigraph":
            msg = f"store= needs backend='oxigraph' (got backend={backend!r})"
            raise BackendError(msg)
        options["store"] = store
    if not paths and not options and progress is None:
        return _default(backend)
    return _build(backend, [*bundled_files(), *paths], options, progress, base)


def _remote(
    endpoint: str, backend: str, paths: list[Path], store: object, options: dict[str, Any]
) -> KnowledgeGraph:
    if backend not in ("rdflib", "sparql"):
        msg = f"endpoint= queries a remote store; it cannot be combined with backend={backend!r}"
        raise BackendError(msg)
    if paths or store is not None:
        msg = (
            f"the endpoint {endpoint} is read-only: load extra files into the server itself "
            "(see the 'Scaling out' guide), not through load()"
        )
        raise BackendError(msg)
    remote = get_backend("sparql", endpoint=endpoint, **options)
    remote.query("ASK { }")  # fail now, naming the URL, if it cannot be reached
    return KnowledgeGraph(remote)


@cache
def _default(backend: str) -> KnowledgeGraph:
    paths = bundled_files()
    if backend == "rdflib":  # the index holds rdflib's answers; see docs/decisions.md
        from msbackpain import _precompiled

        index = _precompiled.read()
        if index is not None:
            from msbackpain._bundled import BundledGraph

            return BundledGraph(
                backend, lambda: _store(backend, paths, {}, None), index, sources=paths
            )
    return _build(backend, paths, {}, None)


def _store(
    backend: str,
    paths: list[Path],
    options: dict[str, Any],
    progress: Progress | None,
    base: str | None = None,
) -> Backend:
    store = get_backend(backend, **options)
    for path in paths:
        store.load(path, progress=progress, base=base)
    return store


def _build(
    backend: str,
    paths: list[Path],
    options: dict[str, Any],
    progress: Progress | None,
    base: str | None = None,
) -> KnowledgeGraph:
    return KnowledgeGraph(_store(backend, paths, options, progress, base), sources=paths)
