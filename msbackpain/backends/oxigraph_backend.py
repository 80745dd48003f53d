"""The pyoxigraph backend: an embedded Oxigraph store, in memory or in a directory on disk."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

from msbackpain.backends._binding import bind_values, checked
from msbackpain.backends._parse import open_rdf, oxigraph_format, parse_quads, source_base
from msbackpain.backends.base import BindingValue, Progress, capped, rdf_format
from msbackpain.exceptions import BackendError, MsBackPainError, OntologyLoadError, QueryError
from msbackpain.prefixes import PREFIXES
from msbackpain.results import (
    CANONICAL_DATATYPES,
    XSD,
    BlankNode,
    Literal,
    QueryResult,
    Row,
    Value,
    canonical,
    iri,
)

if TYPE_CHECKING:
    import pyoxigraph

    from msbackpain.backends.base import Backend

__all__ = ["OxigraphBackend", "oxigraph_value", "triple_rows"]

#: The named graph where an on-disk store records which files it holds (data stays in the
#: default graph, which is all that queries see).
META_GRAPH = "urn:msbackpain:loaded-files"
_SHA256 = "urn:msbackpain:sha256"
_FILE_NAME = "urn:msbackpain:fileName"
_QUAD_FORMATS = frozenset({"nquads", "trig"})


_TRUE = Literal("true", XSD + "boolean")
_FALSE = Literal("false", XSD + "boolean")


def _converter(*, canonical_forms: bool = False) -> Callable[[Any], Value]:
    """A converter of pyoxigraph terms that makes each distinct term of one answer once.

    With ``canonical_forms``, numbers and booleans are rewritten as Oxigraph writes them (for
    terms another engine wrote; an Oxigraph store's own are canonical already).
    """
    import pyoxigraph

    named, blank = pyoxigraph.NamedNode, pyoxigraph.BlankNode
    seen: dict[Any, Value] = {}

    def value(term: Any) -> Value:
        if term is None:
            return None
        found = seen.get(term)
        if found is None:
            kind = type(term)
            if kind is named:
                found = iri(term.value)
            elif kind is blank:
                found = BlankNode(term.value)
            else:
                lexical, datatype = term.value, term.datatype.value
                if canonical_forms and datatype in CANONICAL_DATATYPES:
                    lexical = canonical(lexical, datatype)
                found = Literal(lexical, datatype, term.language)
            seen[term] = found
        return found

    return value


def oxigraph_value(term: Any) -> Value:
    """Return the backend-neutral term of a pyoxigraph term (as ``RdflibBackend`` gives it).

    IRIs read as CURIEs where a known prefix covers them, literals as their lexical form
    (keeping datatype and language), blank nodes as ``_:id``; ``None`` (unbound) stays
    ``None``.

    Examples:
        >>> import pyoxigraph
        >>> oxigraph_value(pyoxigraph.NamedNode("https://w3id.org/msbackpain/Baclofen"))
        'msbp:Baclofen'
        >>> oxigraph_value(pyoxigraph.Literal("5", datatype=pyoxigraph.NamedNode(
        ...     "http://www.w3.org/2001/XMLSchema#integer"))).n3()
        '"5"^^<http://www.w3.org/2001/XMLSchema#integer>'
    """
    return _converter()(term)


def triple_rows(
    triples: Iterable[Any], max_rows: int | None = None, *, canonical_forms: bool = False
) -> tuple[Row, ...]:
    """Return pyoxigraph triples as distinct ``subject, predicate, object`` rows of terms."""
    value = _converter(canonical_forms=canonical_forms)
    rows = dict.fromkeys(
        (value(t.subject), value(t.predicate), value(t.object)) for t in capped(triples, max_rows)
    )
    return tuple(Row(subject=s, predicate=p, object=o) for s, p, o in rows)


def _line(err: BaseException) -> str:
    return " ".join(str(err).split()) or type(err).__name__


def _is_store(path: Path) -> bool:
    return (path / "CURRENT").is_file() and any(path.glob("OPTIONS-*"))


def sha256(path: Path) -> str:
    """Return the SHA-256 of the file at ``path`` (how an on-disk store recognises a file)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class OxigraphBackend:
    """An embedded pyoxigraph ``Store``: in memory by default, or a RocksDB directory.

    Files are loaded with ``Store.load``, which is transactional (a file that fails to parse
    leaves nothing behind) and as fast as pyoxigraph gets; an on-disk store validates a file
    in full and then ``bulk_load``s it, three times faster there. Quads of named graphs are
    merged into the default graph, as the rdflib backend does. Parameters are bound as a ``VALUES``
    clause of engine-validated terms (see :mod:`msbackpain.backends._binding`), because
    pyoxigraph's ``substitutions`` are not pushed into property paths. Every query passes the
    guard first: SERVICE cannot be switched off in pyoxigraph, and a deeply nested query
    crashes the process.

    An on-disk store (``store=PATH``) records the SHA-256 of each file it holds in a named
    graph, so opening it again with the same files loads nothing. An existing store is opened
    read-only (which a running ``oxigraph serve-read-only`` on the same directory allows)
    and switches to read-write only when a file it lacks must be loaded.

    Examples:
        >>> from msbackpain._resources import ontology_dir
        >>> from msbackpain.backends.base import IRI
        >>> store = OxigraphBackend()
        >>> store.load(ontology_dir() / "msbackpain.ttl")
        >>> result = store.query(
        ...     "SELECT ?label WHERE { ?e rdfs:label ?label }",
        ...     {"e": IRI("https://w3id.org/msbackpain/Baclofen")},
        ... )
        >>> [str(row["label"]) for row in result]
        ['baclofen']
    """

    name: ClassVar[str] = "oxigraph"
    embedded: ClassVar[bool] = True
    loadable: ClassVar[bool] = True

    def __init__(self, store: str | os.PathLike[str] | None = None) -> None:
        import pyoxigraph

        self.path = Path(store) if store is not None else None
        self.read_only = False
        # pyoxigraph's result iterators must be dropped on the thread that made them
        # (pyo3 "unsendable"); evaluating one query at a time per store guarantees it.
        self._lock = threading.Lock()
        if self.path is None:
            self.store = pyoxigraph.Store()
            return
        if self.path.exists() and not self.path.is_dir():
            msg = f"{self.path} is a file, not an Oxigraph store directory"
            raise BackendError(msg)
        if self.path.is_dir() and any(self.path.iterdir()) and not _is_store(self.path):
            msg = (
                f"{self.path} is not an Oxigraph store (a non-empty directory without RocksDB "
                "files); give a new or empty directory"
            )
            raise BackendError(msg)
        self.read_only = _is_store(self.path)
        self.store = self._open(read_only=self.read_only)

    def _open(self, *, read_only: bool) -> pyoxigraph.Store:
        import pyoxigraph

        try:
            if read_only:
                return pyoxigraph.Store.read_only(str(self.path))
            return pyoxigraph.Store(str(self.path))
        except OSError as err:
            first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            hint = " (is another process writing to it?)" if "lock" in first.lower() else ""
            msg = f"cannot open the Oxigraph store {self.path}: {first}{hint}"
            raise BackendError(msg) from None

    # -- files -------------------------------------------------------------------------------

    def loaded(self) -> dict[str, str]:
        """Return ``{sha256: file name}`` of the files an on-disk store holds (``{}`` in memory)."""
        import pyoxigraph

        if self.path is None:
            return {}
        graph = pyoxigraph.NamedNode(META_GRAPH)
        name = pyoxigraph.NamedNode(_FILE_NAME)
        return {
            str(quad.subject)[1:-1].removeprefix(_SHA256 + ":"): str(quad.object)[1:-1]
            for quad in self.store.quads_for_pattern(None, name, None, graph)
        }

    def release(self) -> None:
        """Give up the write lock of an on-disk store and keep reading it (before a server starts).

        An existing store is opened read-only until a file it lacks has to be loaded; this
        returns to read-only, so that ``oxigraph serve-read-only`` can share the directory.
        """
        if self.path is not None and not self.read_only:
            self._reopen(read_only=True)

    def _reopen(self, *, read_only: bool) -> None:
        if not self.read_only:
            self.store.flush()
        del self.store
        self.store = self._open(read_only=read_only)
        self.read_only = read_only

    def load(
        self,
        path: Path,
        *,
        format: str | None = None,
        progress: Progress | None = None,
        base: str | None = None,
    ) -> None:
        """Add the RDF in ``path`` in one transaction (an on-disk store skips a file it holds)."""
        import pyoxigraph

        fmt = oxigraph_format(path, format)
        digest = sha256(path) if self.path is not None and path.is_file() else None
        if digest is not None:
            held = self.loaded()
            if digest in held:
                if progress is not None:
                    size = path.stat().st_size
                    progress(path, size, size)
                return
            if path.name in held.values():
                msg = (
                    f"the Oxigraph store {self.path} holds another version of {path.name}; "
                    "use a new directory (a store is never partly replaced)"
                )
                raise BackendError(msg)
        if self.read_only:
            self._reopen(read_only=False)
        iri = source_base(path, base)
        if rdf_format(path, format).lower() in _QUAD_FORMATS:
            quads = parse_quads(path, format=format, progress=progress, base=iri)
            self.store.extend(pyoxigraph.Quad(q.subject, q.predicate, q.object) for q in quads)
        elif self.path is None:
            with open_rdf(path, progress, format=format) as source:
                self.store.load(source, format=fmt, base_iri=iri)
        else:
            self._bulk_load(path, fmt, iri, progress, format)
        if digest is not None:
            self._record(path, digest)
        if progress is not None:
            size = path.stat().st_size
            progress(path, size, size)

    def _bulk_load(
        self,
        path: Path,
        fmt: pyoxigraph.RdfFormat,
        base: str,
        progress: Progress | None,
        format: str | None,
    ) -> None:
        """Validate the whole file, then ``bulk_load`` it (on disk: 3x faster than a transaction).

        ``Store.load`` on a RocksDB store took 17 s for 10^6 triples here, ``bulk_load`` 5.5 s
        and a parse 0.8 s. ``bulk_load`` is not transactional, so the file is parsed in full
        first: a syntax error leaves the store untouched. Only an I/O failure during the load
        itself (a full disk) can leave part of the file behind, and the error says so.
        """
        import pyoxigraph

        with open_rdf(path, format=format) as source:
            for _ in pyoxigraph.parse(source, format=fmt, base_iri=base):
                pass
        try:
            with open_rdf(path, progress, format=format) as source:
                self.store.bulk_load(source, format=fmt, base_iri=base)
        except OntologyLoadError as err:
            msg = (
                f"loading {path} into the Oxigraph store {self.path} failed ({err}); the store "
                "may hold part of the file: remove the directory and build it again"
            )
            raise BackendError(msg) from err

    def _record(self, path: Path, digest: str) -> None:
        import pyoxigraph

        self.store.add(
            pyoxigraph.Quad(
                pyoxigraph.NamedNode(f"{_SHA256}:{digest}"),
                pyoxigraph.NamedNode(_FILE_NAME),
                pyoxigraph.Literal(path.name),
                pyoxigraph.NamedNode(META_GRAPH),
            )
        )
        self.store.flush()

    # -- queries -----------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, BindingValue] | None = None,
        *,
        allow_network: bool = False,
        max_rows: int | None = None,
        timeout: float | None = None,
        base: str | None = None,
    ) -> QueryResult:
        """Evaluate ``sparql`` with ``bindings`` in a VALUES clause, after the guard.

        What runs is the guard's canonical text, never ``sparql`` itself; relative IRIs
        resolve against ``base`` (the guard's default unless given).
        """
        approved = checked(sparql, allow_network, bindings, base)
        form = approved.form
        text = bind_values(approved.text, bindings or {})  # see _binding.bound: not re-parsed
        with self._lock:
            return self._evaluate(text, form, max_rows, approved.base)

    def _evaluate(self, text: str, form: str, max_rows: int | None, base: str) -> QueryResult:
        try:
            result = self.store.query(text, prefixes=PREFIXES, base_iri=base)
            if form == "ASK":
                answer = bool(result)
                return QueryResult(
                    ("boolean",), (Row(boolean=_TRUE if answer else _FALSE),), answer
                )
            if form in ("CONSTRUCT", "DESCRIBE"):
                graph = cast("pyoxigraph.QueryTriples", result)
                return QueryResult(("subject", "predicate", "object"), triple_rows(graph, max_rows))
            solutions = cast("pyoxigraph.QuerySolutions", result)
            variables = tuple(v.value for v in solutions.variables)
            value = _converter()  # one per answer: a term repeated in many rows is made once
            rows = tuple(
                Row(zip(variables, map(value, solution), strict=True))
                for solution in capped(solutions, max_rows)
            )
        except MsBackPainError:
            raise
        except SyntaxError as err:
            raise QueryError(f"malformed SPARQL: {_line(err)}") from None
        except OSError as err:
            raise BackendError(f"the Oxigraph store failed: {_line(err)}") from err
        except Exception as err:  # pyoxigraph raises ValueError, RuntimeError...
            msg = f"the query failed during evaluation: {_line(err)}"
            raise QueryError(msg) from err
        return QueryResult(variables, rows)

    def triples(self) -> Iterator[tuple[str, str, str]]:
        """Yield every triple of the default graph as N-Triples terms."""
        import pyoxigraph

        for quad in self.store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph()):
            yield (str(quad.subject), str(quad.predicate), str(quad.object))

    def __len__(self) -> int:
        import pyoxigraph

        if self.path is None:
            return len(self.store)
        meta = self.store.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(META_GRAPH))
        return len(self.store) - sum(1 for _ in meta)


if TYPE_CHECKING:
    _check: Backend = OxigraphBackend()
