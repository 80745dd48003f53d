"""Run SPARQL against a graph: named queries with bound parameters, and guarded ad-hoc text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from msbackpain import queries, results
from msbackpain.backends._neutral import is_term, neutral
from msbackpain.backends.base import IRI, BindingValue
from msbackpain.exceptions import QueryParameterError
from msbackpain.execution import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, run_query
from msbackpain.models import Entity, QueryResult

if TYPE_CHECKING:
    from msbackpain._core import EntityRef, GraphCore

__all__ = ["DEFAULT_MAX_ROWS", "DEFAULT_TIMEOUT", "query", "run"]


def run(kg: GraphCore, name: str, **params: EntityRef | BindingValue) -> QueryResult:
    """Run the named query ``name`` with its parameters bound (:meth:`KnowledgeGraph.run`)."""
    query = queries.get_query(name)
    kinds = {p.name: p.kind for p in query.parameters}
    bound: dict[str, BindingValue] = {}
    for key, value in params.items():
        if isinstance(value, Entity):
            value = IRI(value.iri)
        elif is_term(value):  # a result, rdflib or pyoxigraph term: bound as what it is
            found = neutral(value, key)
            value = IRI(found.iri) if isinstance(found, results.IRI) else found
        elif kinds.get(key) == "iri" and not isinstance(value, IRI):
            if not isinstance(value, str):
                msg = f"parameter {key!r} of query {name!r} must name an entity, got {value!r}"
                raise QueryParameterError(msg)
            value = IRI(kg.entity(value).iri)
        bound[key] = value
    bindings = query.bindings(bound)
    cache_key = (
        "run",
        name,
        tuple(sorted(_key(k, v) for k, v in bindings.items())),
    )
    return kg.memo.get(cache_key, lambda: kg.backend.query(query.text, bindings))


def _key(name: str, value: BindingValue) -> tuple[str, str, str]:
    """Return the cache key of one binding: ``(name, "IRI", iri)`` or ``(name, "term", n3)``.

    The first is the key of the precompiled answers; the second keeps literals that differ
    in datatype or language apart.
    """
    if isinstance(value, IRI):
        return (name, "IRI", str(value))
    return (name, "term", neutral(value, name).n3())


def query(
    kg: GraphCore,
    sparql: str,
    *,
    allow_network: bool = False,
    timeout: float | None = DEFAULT_TIMEOUT,
    max_rows: int | None = DEFAULT_MAX_ROWS,
    base: str | None = None,
    **bindings: EntityRef | BindingValue,
) -> QueryResult:
    """Check ``sparql``, bind ``bindings``, run it under limits (:meth:`KnowledgeGraph.query`)."""
    values = {k: IRI(v.iri) if isinstance(v, Entity) else v for k, v in bindings.items()}
    return run_query(
        kg.backend,
        sparql,
        values,
        allow_network=allow_network,
        timeout=timeout,
        max_rows=max_rows,
        base=base,
    )
