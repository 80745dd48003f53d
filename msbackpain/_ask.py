"""Run SPARQL against a graph: named queries with bound parameters, and guarded ad-hoc text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from msbackpain import queries
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
        if kinds.get(key) == "iri" and not isinstance(value, IRI):
            if not isinstance(value, Entity | str):
                msg = f"parameter {key!r} of query {name!r} must name an entity, got {value!r}"
                raise QueryParameterError(msg)
            value = IRI(kg.entity(value).iri)
        elif isinstance(value, Entity):
            value = IRI(value.iri)
        bound[key] = value
    bindings = query.bindings(bound)
    cache_key = (
        "run",
        name,
        tuple(sorted((k, type(v).__name__, str(v)) for k, v in bindings.items())),
    )
    return kg.memo.get(cache_key, lambda: kg.backend.query(query.text, bindings))


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
