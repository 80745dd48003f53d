"""The knowledge graph as a networkx MultiDiGraph, and one traversal function per question.

Functions take the graph first and a node id (a CURIE such as ``msbp:Spasticity``);
options are keyword-only. Build the graph with :func:`to_networkx` (or
``kg.to_networkx()``); whether inferred edges are walked is the caller's choice, made
when the graph is built.

Examples:
    >>> import msbackpain
    >>> from msbackpain import graph
    >>> G = msbackpain.load().to_networkx()
    >>> sorted(graph.ancestors(G, "msbp:LhermittesSign"))
    ['msbp:NeuropathicPain']
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import TYPE_CHECKING, Literal

from msbackpain._predicates import (
    CAUSAL_PREDICATES,
    EXPLANATION_PREDICATES,
    JUSTIFICATION_PREDICATES,
    TREATMENT_PREDICATES,
)
from msbackpain.exceptions import EntityNotFound
from msbackpain.models import Evidence, Relation

if TYPE_CHECKING:
    import networkx as nx

    from msbackpain.knowledge import KnowledgeGraph

__all__ = [
    "CAUSAL_PREDICATES",
    "EXPLANATION_PREDICATES",
    "JUSTIFICATION_PREDICATES",
    "TREATMENT_PREDICATES",
    "ancestors",
    "descendants",
    "downstream_treatments",
    "edge_relations",
    "neighbourhood",
    "paths_between",
    "shared_graph",
    "to_networkx",
    "upstream_causes",
]

_RULE_INVERSE = "msbp:ruleInverse"
_HIDDEN_CATEGORIES = frozenset({"msbp:InferenceRule"})


def to_networkx(
    kg: KnowledgeGraph, *, inferred: bool = True, inverses: bool = False
) -> nx.MultiDiGraph:
    """Return ``kg`` as a :class:`networkx.MultiDiGraph`.

    Nodes are entity ids with attributes ``label``, ``category`` (the main asserted class),
    ``categories``, ``definition`` and ``iri``. Edges are keyed by predicate and carry
    ``predicate``, ``label``, ``evidence`` (an :class:`~msbackpain.Evidence`), ``paragraphs``,
    ``inferred``, ``rule`` and ``relation`` (the full :class:`~msbackpain.Relation`).

    Args:
        kg: The knowledge graph.
        inferred: Include the edges the reasoner inferred (marked ``inferred=True``).
        inverses: Also add each edge read backwards through its inverse property
            (``treatedBy`` for ``treats``...), marked inferred by ``msbp:ruleInverse``.

    Examples:
        >>> import msbackpain
        >>> G = msbackpain.load().to_networkx(inferred=False)
        >>> G.nodes["msbp:Baclofen"]["label"]
        'baclofen'
        >>> G.edges["msbp:Baclofen", "msbp:MuscleRelaxants", "msbp:memberOfDrugClass"]["paragraphs"]
        ('P29',)
    """
    import networkx as nx

    graph = nx.MultiDiGraph()
    for entity in kg.index.entities.values():
        if set(entity.categories) & _HIDDEN_CATEGORIES:
            continue
        graph.add_node(
            entity.id,
            label=entity.label,
            category=entity.categories[0] if entity.categories else None,
            categories=entity.categories,
            definition=entity.definition or "",
            iri=entity.iri,
        )
    properties = kg.properties()
    for relation in kg.edges(inferred=inferred):
        _add_edge(graph, relation, properties)
        inverse = properties.get(relation.predicate, {}).get("inverse")
        if inverses and inverse:
            backwards = Relation(
                relation.object,
                inverse,
                relation.subject,
                relation.evidence,
                True,
                _RULE_INVERSE,
                (relation,),
            )
            _add_edge(graph, backwards, properties)
    return graph


def shared_graph(
    kg: KnowledgeGraph, *, inferred: bool = True, inverses: bool = False
) -> nx.MultiDiGraph:
    """Return the graph's cached networkx picture, frozen: adding or removing raises.

    The pictures, explanations and care plans of one graph share it; :func:`to_networkx`
    (``kg.to_networkx()``) hands the caller a copy of it to change at will.

    Examples:
        >>> import msbackpain
        >>> G = shared_graph(msbackpain.load())
        >>> G.add_node("msbp:Mine")
        Traceback (most recent call last):
        ...
        networkx.exception.NetworkXError: Frozen graph can't be modified
    """
    import networkx as nx

    return kg.memo.get(
        ("graph", inferred, inverses),
        lambda: nx.freeze(to_networkx(kg, inferred=inferred, inverses=inverses)),
    )


def _add_edge(
    graph: nx.MultiDiGraph, relation: Relation, properties: Mapping[str, Mapping[str, str]]
) -> None:
    for entity in (relation.subject, relation.object):
        if entity.id not in graph:
            graph.add_node(
                entity.id,
                label=entity.label,
                category=None,
                categories=(),
                definition="",
                iri=entity.iri,
            )
    evidence: Evidence | None = relation.evidence
    graph.add_edge(
        relation.subject.id,
        relation.object.id,
        key=relation.predicate,
        predicate=relation.predicate,
        label=properties.get(relation.predicate, {}).get("label")
        or relation.predicate.partition(":")[2],
        evidence=evidence,
        paragraphs=evidence.paragraphs if evidence else (),
        inferred=relation.inferred,
        rule=relation.rule,
        relation=relation,
    )


def _check(graph: nx.MultiDiGraph, node: str) -> None:
    if node not in graph:
        raise EntityNotFound(node)


def _walk(
    graph: nx.MultiDiGraph, node: str, predicates: Collection[str], direction: Literal["out", "in"]
) -> set[str]:
    _check(graph, node)
    seen: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        edges = (
            graph.out_edges(current, keys=True)
            if direction == "out"
            else graph.in_edges(current, keys=True)
        )
        for u, v, key in edges:
            nxt = v if direction == "out" else u
            if key in predicates and nxt not in seen and nxt != node:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def ancestors(
    graph: nx.MultiDiGraph,
    node: str,
    *,
    predicates: Collection[str] = ("msbp:subtypeOf",),
    reflexive: bool = False,
) -> set[str]:
    """Return the nodes reachable from ``node`` along ``predicates`` (default: its supertypes).

    Raises:
        EntityNotFound: if ``node`` is not in the graph.
    """
    found = _walk(graph, node, predicates, "out")
    return found | {node} if reflexive else found


def descendants(
    graph: nx.MultiDiGraph,
    node: str,
    *,
    predicates: Collection[str] = ("msbp:subtypeOf",),
    reflexive: bool = False,
) -> set[str]:
    """Return the nodes from which ``node`` is reachable along ``predicates`` (its subtypes).

    Examples:
        >>> import msbackpain
        >>> G = msbackpain.load().to_networkx(inferred=False)
        >>> sorted(descendants(G, "msbp:NeuropathicPain"))
        ['msbp:LhermittesSign']
    """
    found = _walk(graph, node, predicates, "in")
    return found | {node} if reflexive else found


def upstream_causes(
    graph: nx.MultiDiGraph, node: str, *, predicates: Collection[str] = CAUSAL_PREDICATES
) -> set[str]:
    """Return everything that leads to ``node`` through chains of causal edges.

    Examples:
        >>> import msbackpain
        >>> G = msbackpain.load().to_networkx(inferred=False)
        >>> sorted(upstream_causes(G, "msbp:PostureRelatedBackPain"))
        ['msbp:IncorrectMobilityAidUse', 'msbp:PoorPosture', 'msbp:PressureOnBack']
    """
    return _walk(graph, node, predicates, "in")


def downstream_treatments(
    graph: nx.MultiDiGraph, node: str, *, predicates: Collection[str] = TREATMENT_PREDICATES
) -> set[str]:
    """Return the treatments with an edge to ``node`` or to one of its supertypes.

    This walks the graph as it is: on an asserted-only graph it finds what the reasoner's
    subtype rule would add, without the reasoner.

    Examples:
        >>> import msbackpain
        >>> G = msbackpain.load().to_networkx(inferred=False)
        >>> "msbp:AntiseizureDrugs" in downstream_treatments(G, "msbp:LhermittesSign")
        True
    """
    targets = ancestors(graph, node, reflexive=True)
    return {
        u
        for target in targets
        for u, _, key in graph.in_edges(target, keys=True)
        if key in predicates
    }


def neighbourhood(
    graph: nx.MultiDiGraph,
    node: str,
    *,
    depth: int = 1,
    predicates: Collection[str] | None = None,
) -> nx.MultiDiGraph:
    """Return the subgraph of nodes within ``depth`` edges of ``node`` (either direction).

    Examples:
        >>> import msbackpain
        >>> G = msbackpain.load().to_networkx(inferred=False)
        >>> sorted(neighbourhood(G, "msbp:Baclofen"))
        ['msbp:Baclofen', 'msbp:MuscleRelaxants']
    """
    _check(graph, node)
    keep = {node}
    frontier = {node}
    for _ in range(depth):
        nxt: set[str] = set()
        for current in frontier:
            for u, v, key in [
                *graph.out_edges(current, keys=True),
                *graph.in_edges(current, keys=True),
            ]:
                if predicates is None or key in predicates:
                    nxt.add(v if u == current else u)
        frontier = nxt - keep
        keep |= nxt
    sub: nx.MultiDiGraph = graph.subgraph(keep).copy()
    if predicates is not None:
        sub.remove_edges_from(
            [(u, v, k) for u, v, k in list(sub.edges(keys=True)) if k not in predicates]
        )
    return sub


def paths_between(
    graph: nx.MultiDiGraph,
    source: str,
    target: str,
    *,
    max_length: int = 4,
    predicates: Collection[str] | None = None,
) -> Iterator[list[tuple[str, str, str]]]:
    """Yield the simple paths from ``source`` to ``target`` as lists of ``(u, v, predicate)``.

    Raises:
        EntityNotFound: if either node is not in the graph.

    Examples:
        >>> import msbackpain
        >>> G = msbackpain.load().to_networkx(inferred=False)
        >>> [[k for _, _, k in p] for p in paths_between(G, "msbp:Baclofen", "msbp:Spasticity")]
        [['msbp:memberOfDrugClass', 'msbp:treats']]
    """
    import networkx as nx

    _check(graph, source)
    _check(graph, target)
    view = graph
    if predicates is not None:
        allowed = set(predicates)
        view = nx.subgraph_view(graph, filter_edge=lambda u, v, k: k in allowed)
    yield from nx.all_simple_edge_paths(view, source, target, cutoff=max_length)


def edge_relations(
    graph: nx.MultiDiGraph, path: list[tuple[str, str, str]]
) -> tuple[Relation, ...]:
    """Return the :class:`~msbackpain.Relation` of each edge of ``path``."""
    return tuple(graph.edges[u, v, k]["relation"] for u, v, k in path)
