"""Choose what a picture shows: asserted or all edges, the whole graph or one neighbourhood."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

    from msbackpain.lookup import EntityIndex

__all__ = ["resolve", "select"]


def _index(graph: nx.MultiDiGraph) -> EntityIndex:
    from msbackpain.lookup import EntityIndex
    from msbackpain.models import Entity

    entities = {
        str(node): Entity(
            id=str(node),
            iri=str(data.get("iri") or node),
            label=str(data.get("label") or node),
            synonyms=tuple(data.get("synonyms") or ()),
        )
        for node, data in graph.nodes(data=True)
    }
    return EntityIndex(entities)


def resolve(graph: nx.MultiDiGraph, ref: str) -> str:
    """Return the node ``ref`` names, as :meth:`msbackpain.KnowledgeGraph.entity` would.

    The one entity resolver (:class:`msbackpain.lookup.EntityIndex`) runs over the nodes'
    ids, IRIs and labels: case, apostrophes, hyphens and spacing do not matter.

    Raises:
        EntityNotFound: if no node has that name (the message suggests close labels).

    Examples:
        >>> import networkx as nx
        >>> G = nx.MultiDiGraph()
        >>> G.add_node("ex:a", label="Lhermitte's sign")
        >>> resolve(G, "ex:a"), resolve(G, "lhermittes sign"), resolve(G, "LHERMITTE\u2019S-SIGN")
        ('ex:a', 'ex:a', 'ex:a')
    """
    if ref in graph:
        return ref
    return _index(graph).resolve(ref).id


def select(
    graph: nx.MultiDiGraph,
    *,
    focus: str | None = None,
    depth: int = 2,
    inferred: bool = True,
) -> nx.MultiDiGraph:
    """Return a new graph holding what a picture of ``graph`` should show.

    Nodes and edges of the result are in sorted order, so pictures of it are reproducible.

    Args:
        graph: A graph from :func:`msbackpain.graph.to_networkx`; it is not changed.
        focus: A node id, IRI or label (read as ``resolve`` reads it); when given,
            keep only the nodes within ``depth`` edges of it
            (:func:`msbackpain.graph.neighbourhood`, either direction).
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
    chosen = view if focus is None else neighbourhood(view, resolve(view, focus), depth=depth)
    # A new graph in sorted order: subgraph views iterate sets, whose order changes from one
    # run to the next, and pictures must not.
    ordered = nx.MultiDiGraph()
    ordered.add_nodes_from(sorted(chosen.nodes(data=True), key=lambda item: str(item[0])))
    ordered.add_edges_from(
        sorted(chosen.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[1]), str(e[2])))
    )
    return ordered
