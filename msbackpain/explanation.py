"""Explain how two entities are connected: ranked paths whose every edge carries its evidence."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from itertools import pairwise
from types import MappingProxyType
from typing import TYPE_CHECKING

from msbackpain._predicates import EXPLANATION_PREDICATES, JUSTIFICATION_PREDICATES
from msbackpain.exceptions import QueryParameterError
from msbackpain.graph import shared_graph
from msbackpain.models import Entity, Path, Relation
from msbackpain.provenance import is_stated

if TYPE_CHECKING:
    import networkx as nx

    from msbackpain.knowledge import EntityRef, KnowledgeGraph

__all__ = ["explain", "is_reason", "path_graphs"]

Hop = tuple[str, str]
_INVERSE = "msbp:ruleInverse"


def path_graphs(
    graph: nx.MultiDiGraph, predicates: Collection[str]
) -> tuple[nx.DiGraph, nx.DiGraph, dict[Hop, Relation]]:
    """Collapse ``graph`` to simple digraphs for path search: stated edges only, and all edges.

    Returns the two digraphs and, for every hop ``(u, v)``, its best edge: a stated one
    (asserted, or asserted read backwards) before an inferred one, a reason
    (:func:`is_reason`) before another edge, then by predicate.
    """
    import networkx as nx

    stated, full = nx.DiGraph(), nx.DiGraph()
    best: dict[Hop, Relation] = {}
    for u, v, key, data in sorted(
        graph.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])
    ):
        if key not in predicates:
            continue
        relation: Relation = data["relation"]
        full.add_edge(u, v)
        if is_stated(relation):
            stated.add_edge(u, v)
        current = best.get((u, v))
        if current is None or _preference(relation) < _preference(current):
            best[(u, v)] = relation
    return stated, full, best


def _path_graphs(
    kg: KnowledgeGraph, predicates: frozenset[str]
) -> tuple[nx.DiGraph, nx.DiGraph, Mapping[Hop, Relation]]:
    # The digraphs of the graph with inverses, built once per predicate set.
    import networkx as nx

    def compute() -> tuple[nx.DiGraph, nx.DiGraph, Mapping[Hop, Relation]]:
        stated, full, best = path_graphs(shared_graph(kg, inverses=True), predicates)
        return nx.freeze(stated), nx.freeze(full), MappingProxyType(best)

    return kg.memo.get(("explanation", "path-graphs", tuple(sorted(predicates))), compute)


def is_reason(relation: Relation) -> bool:
    """True for an edge that gives a reason: a justification predicate read forwards.

    Examples:
        >>> import msbackpain
        >>> kg = msbackpain.load()
        >>> is_reason(kg.relation(("msbp:Heat", "msbp:triggers", "msbp:LhermittesSign")))
        True
    """
    return relation.predicate in JUSTIFICATION_PREDICATES and relation.rule != _INVERSE


def _preference(relation: Relation) -> tuple[bool, bool]:
    return (not is_stated(relation), not is_reason(relation))


def _rank(path: Path) -> tuple[bool, bool, int, int, str]:
    # Chains of reasons first; then stated paths, shorter ones, fewer backward reads, by text.
    backwards = sum(1 for r in path if r.rule == _INVERSE)
    return (not path.justification, path.inferred_steps > 0, len(path), backwards, str(path))


def explain(
    kg: KnowledgeGraph,
    source: EntityRef,
    target: EntityRef,
    *,
    max_length: int = 4,
    limit: int = 10,
    inferred: bool = True,
    predicates: Collection[str] | None = None,
) -> tuple[Path, ...]:
    """Return up to ``limit`` paths from ``source`` to ``target``, best first.

    Paths walk causation, kinds (subtype, drug class, component), treatment and trigger
    edges, in either direction (a backward step uses the inverse property, such as
    ``hasSubtype``). Justifications rank first: paths made only of reasons read forwards
    (treats, causes, triggers, involvesFactor, memberOfDrugClass, subtypeOf...; see
    :data:`~msbackpain.graph.JUSTIFICATION_PREDICATES`), all-stated before those with a
    reasoner's step, then shorter. The other paths follow, marked ``justification=False``:
    they show a connection, not a reason. With ``inferred`` the reasoner's edges may shorten
    a path (they are marked, and their ``via`` holds the stated edges behind them). An empty
    list means no path of at most ``max_length`` edges exists.

    Raises:
        EntityNotFound: if ``source`` or ``target`` names nothing in the graph.
        QueryParameterError: if ``source`` and ``target`` are the same entity.

    Examples:
        >>> import msbackpain
        >>> kg = msbackpain.load()
        >>> best = kg.explain("heated-pool therapy", "Lhermitte's sign")[0]
        >>> print(best)
        heated-pool therapy --involvesFactor--> heat --triggers--> Lhermitte's sign
        >>> best.justification
        True
    """
    start, end = kg.entity(source), kg.entity(target)
    allowed = EXPLANATION_PREDICATES if predicates is None else frozenset(predicates)
    key = ("explanation", start.id, end.id, max_length, limit, inferred, tuple(sorted(allowed)))
    return kg.memo.get(
        key, lambda: _explain(kg, start, end, max_length, limit, inferred=inferred, allowed=allowed)
    )


def _explain(
    kg: KnowledgeGraph,
    start: Entity,
    end: Entity,
    max_length: int,
    limit: int,
    *,
    inferred: bool,
    allowed: frozenset[str],
) -> tuple[Path, ...]:
    import networkx as nx

    if start.id == end.id:
        msg = f"explain needs two different entities; both name {start.label!r}"
        raise QueryParameterError(msg)
    stated, full, best = _path_graphs(kg, allowed)
    digraphs = [stated, full] if inferred else [stated]
    reason = {hop: is_reason(relation) for hop, relation in best.items()}
    # Reasons-only digraphs first, so that justifications are found whatever the limit.
    searches = [
        *(nx.subgraph_view(g, filter_edge=lambda u, v: reason[(u, v)]) for g in digraphs),
        *digraphs,
    ]
    found: dict[tuple[str, ...], Path] = {}
    for digraph in searches:
        if start.id not in digraph or end.id not in digraph:
            continue
        for nodes in nx.all_simple_paths(digraph, start.id, end.id, cutoff=max_length):
            key = tuple(nodes)
            if key not in found:
                relations = tuple(best[hop] for hop in pairwise(nodes))
                found[key] = Path(relations, all(is_reason(r) for r in relations))
        if len(found) >= limit:
            break
    return tuple(sorted(found.values(), key=_rank)[:limit])
