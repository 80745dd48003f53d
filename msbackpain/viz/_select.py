"""Choose what a picture shows: asserted or all edges, the whole graph or one neighbourhood."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from msbackpain.exceptions import EntityNotFound

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["resolve", "select"]


def resolve(graph: nx.MultiDiGraph, ref: str) -> str:
    """Return the node ``ref`` names: a node id, or a node label (case-insensitive).

    Raises:
        EntityNotFound: if no node has that id or label (the message suggests close labels).

    Examples:
        >>> import networkx as nx
        >>> G = nx.MultiDiGraph()
        >>> G.add_node("ex:a", label="Heat")
        >>> resolve(G, "ex:a"), resolve(G, "heat")
        ('ex:a', 'ex:a')
    """
    if ref in graph:
        return ref
    wanted = ref.casefold()
    labels: dict[str, str] = {}
    for node, label in graph.nodes(data="label"):
        labels.setdefault(str(label or node).casefold(), node)
    if wanted in labels:
        return labels[wanted]
    close = difflib.get_close_matches(wanted, list(labels), n=3)
    raise EntityNotFound(ref, [str(graph.nodes[labels[c]].get("label", c)) for c in close])


def select(
    graph: nx.MultiDiGraph,
    *,
    focus: str | None = None,
    depth: int = 2,
    inferred: bool = True,
) -> nx.MultiDiGraph:
    """Return a new graph holding what a picture of ``graph`` should show.

    Args:
        graph: A graph from :func:`msbackpain.graph.to_networkx`; it is not changed.
        focus: A node id or label; when given, keep only the nodes within ``depth`` edges
            of it (:func:`msbackpain.graph.neighbourhood`, either direction).
        depth: How many edges away from ``focus`` to go (ignored without ``focus``).
        inferred: Keep the edges marked ``inferred=True``; when false the neighbourhood is
            walked along asserted edges only.

    Raises:
        EntityNotFound: if ``focus`` names no node.
        ValueError: if ``depth`` is negative.

    Examples:
        >>> import msbackpain
        >>> G = msbackpain.load().to_networkx()
        >>> sorted(select(G, focus="baclofen", depth=1, inferred=False))
        ['msbp:Baclofen', 'msbp:MuscleRelaxants']
        >>> len(select(G, inferred=False).edges) < len(G.edges)
        True
    """
    import networkx as nx

    from msbackpain.graph import neighbourhood

    if depth < 0:
        raise ValueError(f"depth must be 0 or more, not {depth}")
    view = graph
    if not inferred:
        view = nx.subgraph_view(
            graph, filter_edge=lambda u, v, k: not graph.edges[u, v, k].get("inferred", False)
        )
    if focus is None:
        whole: nx.MultiDiGraph = nx.MultiDiGraph(view)
        return whole
    return neighbourhood(view, resolve(view, focus), depth=depth)
