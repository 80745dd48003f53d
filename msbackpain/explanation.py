"""Explain how two entities are connected: ranked paths whose every edge carries its evidence."""

from __future__ import annotations

from collections.abc import Collection
from itertools import pairwise
from typing import TYPE_CHECKING

from msbackpain.graph import EXPLANATION_PREDICATES
from msbackpain.models import Path, Relation, is_stated

if TYPE_CHECKING:
    import networkx as nx

    from msbackpain.knowledge import EntityRef, KnowledgeGraph

__all__ = ["explain", "path_graphs"]

Hop = tuple[str, str]


def path_graphs(
    graph: nx.MultiDiGraph, predicates: Collection[str]
) -> tuple[nx.DiGraph, nx.DiGraph, dict[Hop, Relation]]:
    """Collapse ``graph`` to simple digraphs for path search: stated edges only, and all edges.

    Returns the two digraphs and, for every hop ``(u, v)``, its best edge: a stated one
    (asserted, or asserted read backwards) before an inferred one, then by predicate.
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
        if current is None or (is_stated(relation) and not is_stated(current)):
            best[(u, v)] = relation
    return stated, full, best


def _rank(path: Path) -> tuple[bool, int, int, str]:
    # Stated paths first, then shorter, then fewer backward reads, then alphabetical.
    backwards = sum(1 for r in path if r.rule == "msbp:ruleInverse")
    return (path.inferred_steps > 0, len(path), backwards, str(path))


def explain(
    kg: KnowledgeGraph,
    source: EntityRef,
    target: EntityRef,
    *,
    max_length: int = 4,
    limit: int = 10,
    inferred: bool = True,
    predicates: Collection[str] | None = None,
) -> list[Path]:
    """Return up to ``limit`` paths from ``source`` to ``target``, best first.

    Paths walk causation, kinds (subtype, drug class, component), treatment and trigger
    edges, in either direction (a backward step uses the inverse property, such as
    ``hasSubtype``). Paths made only of stated facts rank first, then shorter paths; with
    ``inferred`` the reasoner's edges may shorten a path (they are marked, and their ``via``
    holds the stated edges behind them). An empty list means no path of at most
    ``max_length`` edges exists.

    Raises:
        EntityNotFound: if ``source`` or ``target`` names nothing in the graph.

    Examples:
        >>> import msbackpain
        >>> kg = msbackpain.load()
        >>> print(kg.explain("baclofen", "back pain")[0])
        baclofen --memberOfDrugClass--> muscle relaxant --subtypeOf--> medication \
--treats--> MS-related back pain --subtypeOf--> back pain
    """
    import networkx as nx

    start, end = kg.entity(source), kg.entity(target)
    allowed = EXPLANATION_PREDICATES if predicates is None else frozenset(predicates)
    stated, full, best = kg.path_graphs(allowed)
    found: dict[tuple[str, ...], Path] = {}
    for digraph in (stated, full) if inferred else (stated,):
        if start.id not in digraph or end.id not in digraph:
            continue
        for nodes in nx.all_simple_paths(digraph, start.id, end.id, cutoff=max_length):
            key = tuple(nodes)
            if key not in found:
                found[key] = Path(tuple(best[hop] for hop in pairwise(nodes)))
        if len(found) >= limit:
            break
    return sorted(found.values(), key=_rank)[:limit]
