"""The default embedded backend: an in-memory rdflib Graph with prepared, cached queries."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import rdflib
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import BNode, Identifier, Literal, Node, URIRef

from msbackpain.backends._binding import checked, term
from msbackpain.backends._parse import parse_quads
from msbackpain.backends.base import IRI, BindingValue, Progress, capped
from msbackpain.exceptions import BackendError, MsBackPainError, QueryError
from msbackpain.guard import oxigraph_opinion
from msbackpain.models import QueryResult
from msbackpain.prefixes import compress

if TYPE_CHECKING:
    import pyoxigraph

    from msbackpain.backends.base import Backend

__all__ = ["RdflibBackend", "to_value"]


def to_value(term: Node | None) -> str | None:
    """Return a backend-neutral string for an rdflib term: CURIE/IRI, lexical form, ``_:id``."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return compress(str(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _line(err: BaseException) -> str:
    return " ".join(str(err).split()) or type(err).__name__


def _to_node(value: BindingValue) -> Identifier:
    if isinstance(value, IRI):
        term(value)  # the same IRI validation as the other backends (rdflib only warns)
        return URIRef(str(value))
    return Literal(value)


def _nt_literal(term: Literal) -> str:
    """Return ``term`` in N-Triples syntax.

    rdflib's ``n3()`` writes multi-line strings with Turtle's triple quotes, which N-Triples
    parsers reject.
    """
    text = term.n3()
    if not text.startswith('"""'):
        return text
    import pyoxigraph

    if term.language:
        return str(pyoxigraph.Literal(str(term), language=term.language))
    datatype = pyoxigraph.NamedNode(str(term.datatype)) if term.datatype else None
    return str(pyoxigraph.Literal(str(term), datatype=datatype))


class _Converter:
    """Turn pyoxigraph terms into rdflib terms, sharing objects for repeated terms."""

    def __init__(self) -> None:
        self._cache: dict[Any, Node] = {}

    def __call__(self, term: Any) -> Node:
        node = self._cache.get(term)
        if node is None:
            node = self._cache[term] = self._convert(term)
        return node

    @staticmethod
    def _convert(term: Any) -> Node:
        import pyoxigraph

        if isinstance(term, pyoxigraph.NamedNode):
            return URIRef(term.value)
        if isinstance(term, pyoxigraph.BlankNode):
            return BNode()
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))


class RdflibBackend:
    """An in-memory :class:`rdflib.Graph`.

    Files are parsed strictly by pyoxigraph and added only when the whole file parsed, so a
    bad file never leaves the graph half-loaded. A query text is parsed once, by the guard
    (:func:`~msbackpain.guard.check_query`, cached there): rdflib otherwise re-parses the
    text on every call (2-9 ms). Bindings are passed as ``initBindings``.

    Examples:
        >>> from msbackpain._resources import ontology_dir
        >>> store = RdflibBackend()
        >>> store.load(ontology_dir() / "msbackpain.ttl")
        >>> result = store.query(
        ...     "SELECT ?label WHERE { ?e rdfs:label ?label }",
        ...     {"e": IRI("https://w3id.org/msbackpain/Baclofen")},
        ... )
        >>> [row["label"] for row in result]
        ['baclofen']
    """

    name: ClassVar[str] = "rdflib"
    embedded: ClassVar[bool] = True
    loadable: ClassVar[bool] = True

    def __init__(self) -> None:
        self.graph = rdflib.Graph()

    def __len__(self) -> int:
        return len(self.graph)

    def load(
        self, path: Path, *, format: str | None = None, progress: Progress | None = None
    ) -> None:
        """Parse ``path`` completely, then add its triples (named graphs are merged)."""
        quads: list[pyoxigraph.Quad] = parse_quads(path, format=format, progress=progress)
        convert = _Converter()
        self.graph.addN(
            (convert(q.subject), convert(q.predicate), convert(q.object), self.graph) for q in quads
        )
        if progress is not None:
            size = path.stat().st_size
            progress(path, size, size)

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
        """Evaluate ``sparql`` with ``bindings`` passed as rdflib ``initBindings``.

        What runs is the algebra the guard built from its one parse of the canonical text,
        after pyoxigraph's parser agreed that the text is SPARQL
        (:func:`~msbackpain.guard.oxigraph_opinion`). Relative IRIs resolve against ``base``.
        """
        approved = checked(sparql, allow_network, bindings, base)
        oxigraph_opinion(approved)
        init: dict[str, Identifier] = {k: _to_node(v) for k, v in (bindings or {}).items()}
        try:
            return self._evaluate(approved.algebra, init, max_rows)
        except MsBackPainError:
            raise
        except OSError as err:  # SERVICE or FROM that the caller allowed, and that failed
            raise BackendError(f"the query's remote call failed: {_line(err)}") from err
        except RecursionError as err:
            raise QueryError("the query is too deeply nested to evaluate") from err
        except Exception as err:  # rdflib's evaluator raises many types
            msg = f"the query failed during evaluation: {type(err).__name__}: {_line(err)}"
            raise QueryError(msg) from err

    def _evaluate(
        self, prepared: Query, init: dict[str, Identifier], max_rows: int | None
    ) -> QueryResult:
        result = self.graph.query(prepared, initBindings=init)
        if result.type == "ASK":
            return QueryResult(
                ("boolean",),
                ({"boolean": str(bool(result.askAnswer)).lower()},),
                bool(result.askAnswer),
            )
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            triples = capped(result.graph or (), max_rows)
            rows = tuple(
                {"subject": to_value(s), "predicate": to_value(p), "object": to_value(o)}
                for s, p, o in triples
            )
            return QueryResult(("subject", "predicate", "object"), rows)
        variables = tuple(str(v) for v in result.vars or ())
        rows = tuple(
            {name: to_value(row[i]) for i, name in enumerate(variables)}  # type: ignore[index]
            for row in capped(result, max_rows)
        )
        return QueryResult(variables, rows)

    def triples(self) -> Iterator[tuple[str, str, str]]:
        """Yield every triple as N-Triples terms."""
        for s, p, o in self.graph:
            yield (s.n3(), p.n3(), _nt_literal(o) if isinstance(o, Literal) else o.n3())


if TYPE_CHECKING:
    _check: Backend = RdflibBackend()
