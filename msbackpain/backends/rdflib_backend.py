"""The default embedded backend: an in-memory rdflib Graph with prepared, cached queries."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import rdflib
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import BNode, Identifier, Literal, Node, URIRef, Variable

from msbackpain import results
from msbackpain.backends._binding import MARKER, Term, checked, marked, neutral
from msbackpain.backends._parse import parse_quads
from msbackpain.backends.base import BindingValue, Progress, capped
from msbackpain.exceptions import BackendError, MsBackPainError, QueryError
from msbackpain.guard import CheckedQuery, oxigraph_opinion
from msbackpain.results import (
    CANONICAL_DATATYPES,
    XSD,
    BlankNode,
    QueryResult,
    Row,
    Value,
    canonical,
    iri,
)
from msbackpain.results import (
    Literal as LiteralTerm,
)

if TYPE_CHECKING:
    from msbackpain.backends.base import Backend

__all__ = ["RdflibBackend", "to_value"]


_BOOLEAN = XSD + "boolean"
_TRUE = LiteralTerm("true", _BOOLEAN)
_FALSE = LiteralTerm("false", _BOOLEAN)


def to_value(term: Node | None) -> Value:
    """Return the backend-neutral term of an rdflib term (see :mod:`msbackpain.results`).

    Examples:
        >>> to_value(Literal("5", datatype=URIRef(XSD + "integer"))).n3()
        '"5"^^<http://www.w3.org/2001/XMLSchema#integer>'
        >>> to_value(URIRef("https://w3id.org/msbackpain/Heat")), to_value(None)
        ('msbp:Heat', None)
    """
    if term is None:
        return None
    if isinstance(term, URIRef):
        return iri(str(term))
    if isinstance(term, BNode):
        return BlankNode(str(term))
    if isinstance(term, Literal):
        if term.datatype is None:
            return LiteralTerm(str(term), None, term.language)
        datatype = str(term.datatype)
        lexical = str(term)
        if datatype in CANONICAL_DATATYPES:  # as Oxigraph writes it: "2.50" is "2.5"
            lexical = canonical(lexical, datatype)
        return LiteralTerm(lexical, datatype)
    raise TypeError(f"not an RDF term of a result: {term!r}")  # a Variable or a graph


def _converter() -> Callable[[Node | None], Value]:
    """A :func:`to_value` that makes each distinct term of one answer once."""
    seen: dict[Node, Value] = {}

    def value(term: Node | None) -> Value:
        if term is None:
            return None
        found = seen.get(term)
        if found is None:
            found = seen[term] = to_value(term)
        return found

    return value


def _line(err: BaseException) -> str:
    return " ".join(str(err).split()) or type(err).__name__


def _to_node(value: Term) -> Identifier:
    """The rdflib term of a neutral binding term."""
    if isinstance(value, results.IRI):
        return URIRef(value.iri)
    if value.language:
        return Literal(str(value), lang=value.language)
    if value.datatype == XSD + "string":
        return Literal(str(value))
    return Literal(str(value), datatype=URIRef(value.datatype))


_MARKER = URIRef(MARKER)


def _filled(
    node: Any,
    nodes: Mapping[Variable, Identifier],
    path: frozenset[tuple[str, ...]],
    at: tuple[str, ...] = (),
) -> Any:
    """Return ``node`` with the marker of :func:`~._binding.marked` replaced by ``nodes``.

    Only the pattern nodes on ``path`` (:func:`_marked_path`, the keys from the root to the
    marked ``VALUES``) are copied: the rest is shared. Each copy lists the bound variables
    among those it binds (``_vars``): rdflib's OPTIONAL reads them, and its translation
    leaves a ``VALUES`` clause's out, which loses the solution of a binding that the
    OPTIONAL does not match.
    """
    if node.name == "values":
        filled = [{k: nodes[k] for k in row} for row in node["res"]]
        return CompValue("values", res=filled, _vars=set(nodes))
    copy = node.clone()
    for key in ("p", "p1", "p2"):
        if (*at, key) in path:
            copy[key] = _filled(dict.get(node, key), nodes, path, (*at, key))
    copy["_vars"] = set(dict.get(node, "_vars") or ()) | set(nodes)
    if node.name == "Join" and (*at, "p1") in path and _pushable(dict.get(node, "p2")):
        copy["lazy"] = True  # push the binding into what follows: same answer, faster
    return copy


@lru_cache(maxsize=1024)
def _marked_path(plan: CheckedQuery) -> frozenset[tuple[str, ...]]:
    """Return the keys from the root of ``plan``'s algebra to each node leading to a marker.

    The keys (``p``, ``p1``, ``p2``) are the same for every parse of the same text, so the
    cache holds whatever copy of the plan the guard's own cache gives next time.
    """
    found: set[tuple[str, ...]] = set()

    def walk(node: object, at: tuple[str, ...]) -> bool:
        if not isinstance(node, CompValue):
            return False
        if node.name == "values":
            rows = dict.get(node, "res") or []
            hit = any(v == _MARKER for row in rows for v in row.values())
        else:
            hits = [walk(dict.get(node, key), (*at, key)) for key in ("p", "p1", "p2")]
            hit = any(hits)  # every path, not only the first
        if hit:
            found.add(at)
        return hit

    walk(plan.algebra.algebra, ())
    return frozenset(found)


def _pushable(node: object) -> bool:
    """True if evaluating ``node`` with a binding pushed in equals joining it after.

    So for triple patterns (paths included), joins and unions of them, and ``VALUES``;
    not for OPTIONAL, MINUS, FILTER, BIND or a sub-select, which see the binding
    differently. rdflib makes a join of a join eager, so the marker's extra join would
    otherwise read every triple of a pattern before joining.
    """
    if not isinstance(node, CompValue):
        return False
    if node.name == "BGP":
        return True
    if node.name in ("Join", "Union"):
        return _pushable(dict.get(node, "p1")) and _pushable(dict.get(node, "p2"))
    inner = dict.get(node, "p")
    return node.name == "ToMultiSet" and getattr(inner, "name", "") == "values"


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


def _solutions(result: Result, prepared: Query) -> Iterable[Mapping[Variable, Node]]:
    """The solutions of a SELECT, read lazily, including those that bind no variable.

    Iterating an rdflib result skips a solution that binds nothing (a row of unbound
    values, as ``VALUES ?v { UNDEF }`` gives), which SPARQL and the other engines keep. The
    skip hides a bug of rdflib's own, which this keeps hidden: a GROUP BY over no solution
    gives one empty group (SPARQL gives none), so a query that aggregates is read as rdflib
    reads it.
    """
    pending = getattr(result, "_genbindings", None)
    solutions: Iterable[Mapping[Variable, Node]] = (
        pending if pending is not None else result.bindings
    )
    if _aggregates(prepared.algebra):
        return (solution for solution in solutions if solution)
    return solutions


def _aggregates(node: object) -> bool:
    """True if rdflib's algebra ``node`` aggregates anywhere (an ``AggregateJoin``)."""
    if isinstance(node, CompValue):
        return node.name == "AggregateJoin" or any(_aggregates(v) for v in node.values())
    if isinstance(node, list | tuple):
        return any(_aggregates(v) for v in node)
    return False


class RdflibBackend:
    """An in-memory :class:`rdflib.Graph`.

    Files are parsed strictly by pyoxigraph and added only when the whole file parsed, so a
    bad file never leaves the graph half-loaded. A query text is parsed once, by the guard
    (:func:`~msbackpain.guard.check_query`, cached there): rdflib otherwise re-parses the
    text on every call (2-9 ms). Bindings are not rdflib's ``initBindings`` (a substitution
    that reaches into sub-selects) but the ``VALUES`` join the other backends run, in the
    algebra of the text with a marker ``VALUES`` (parsed once per text and binding names).

    Examples:
        >>> from msbackpain._resources import ontology_dir
        >>> from msbackpain.backends import IRI
        >>> store = RdflibBackend()
        >>> store.load(ontology_dir() / "msbackpain.ttl")
        >>> result = store.query(
        ...     "SELECT ?label WHERE { ?e rdfs:label ?label }",
        ...     {"e": IRI("https://w3id.org/msbackpain/Baclofen")},
        ... )
        >>> [str(row["label"]) for row in result]
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
        self,
        path: Path,
        *,
        format: str | None = None,
        progress: Progress | None = None,
        base: str | None = None,
    ) -> None:
        """Parse ``path`` completely, then add its triples (named graphs are merged)."""
        quads = parse_quads(path, format=format, progress=progress, base=base)
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
        """Evaluate ``sparql`` with ``bindings`` joined as a ``VALUES`` clause, like the others.

        What runs is the algebra the guard built from its one parse of the canonical text,
        after pyoxigraph's parser agreed that the text is SPARQL
        (:func:`~msbackpain.guard.oxigraph_opinion`). Relative IRIs resolve against ``base``.
        """
        approved = checked(sparql, allow_network, bindings, base)
        oxigraph_opinion(approved)
        prepared: Query = approved.algebra
        if bindings:
            nodes = {Variable(k): _to_node(neutral(v, k)) for k, v in bindings.items()}
            plan = marked(approved, tuple(sorted(bindings)), allow_network)
            path = _marked_path(plan)
            if not path:  # pragma: no cover - bind_values always puts the marker in
                raise QueryError("cannot bind parameters: the query has no WHERE group")
            algebra = _filled(plan.algebra.algebra, nodes, path)
            prepared = Query(plan.algebra.prologue, algebra)
        try:
            return self._evaluate(prepared, max_rows)
        except MsBackPainError:
            raise
        except OSError as err:  # SERVICE or FROM that the caller allowed, and that failed
            raise BackendError(f"the query's remote call failed: {_line(err)}") from err
        except RecursionError as err:
            raise QueryError("the query is too deeply nested to evaluate") from err
        except Exception as err:  # rdflib's evaluator raises many types
            msg = f"the query failed during evaluation: {type(err).__name__}: {_line(err)}"
            raise QueryError(msg) from err

    def _evaluate(self, prepared: Query, max_rows: int | None) -> QueryResult:
        result = self.graph.query(prepared)
        if result.type == "ASK":
            answer = bool(result.askAnswer)
            return QueryResult(("boolean",), (Row(boolean=_TRUE if answer else _FALSE),), answer)
        value = _converter()
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            triples = capped(result.graph or (), max_rows)
            rows = tuple(
                Row(subject=value(s), predicate=value(p), object=value(o)) for s, p, o in triples
            )
            return QueryResult(("subject", "predicate", "object"), rows)
        keys = tuple(result.vars or ())
        variables = tuple(str(v) for v in keys)
        rows = tuple(
            Row(zip(variables, [value(solution.get(k)) for k in keys], strict=True))
            for solution in capped(_solutions(result, prepared), max_rows)
        )
        return QueryResult(variables, rows)

    def triples(self) -> Iterator[tuple[str, str, str]]:
        """Yield every triple as N-Triples terms."""
        for s, p, o in self.graph:
            yield (s.n3(), p.n3(), _nt_literal(o) if isinstance(o, Literal) else o.n3())


if TYPE_CHECKING:
    _check: Backend = RdflibBackend()
