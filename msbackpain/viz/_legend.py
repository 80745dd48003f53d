"""The legend under the static picture: one entry per kind of node and edge it shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from msbackpain.viz._layout import node_group
from msbackpain.viz._styles import EDGE_FAMILIES, GROUPS, OTHER, edge_family

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["MARKER", "legend_handles"]

#: The marker size of a node, in points.
MARKER = 7.0


def legend_handles(graph: nx.MultiDiGraph) -> list[object]:
    """Return the legend entries for what ``graph`` shows: its kinds of node and of edge."""
    from matplotlib.lines import Line2D

    present = {node_group(data).id for _, data in graph.nodes(data=True)}
    handles: list[object] = [
        Line2D(
            [],
            [],
            marker=group.marker,
            markersize=MARKER * (1.35 if group.shape == "star" else 1.0),
            markerfacecolor=group.colour,
            markeredgecolor="#333333",
            markeredgewidth=0.5,
            linestyle="none",
            label=group.label,
        )
        for group in (*GROUPS, OTHER)
        if group.id in present
    ]
    families = {
        edge_family(str(data.get("predicate") or key)).id
        for _, _, key, data in graph.edges(keys=True, data=True)
    }
    handles += [
        Line2D([], [], color=family.colour, linewidth=1.2, label=family.label)
        for family in EDGE_FAMILIES
        if family.id in families
    ]
    kinds = {bool(data.get("inferred")) for _, _, data in graph.edges(data=True)}
    if False in kinds:
        handles.append(Line2D([], [], color="#000000", linewidth=0.9, label="asserted (solid)"))
    if True in kinds:
        handles.append(
            Line2D(
                [],
                [],
                color="#000000",
                linewidth=0.7,
                linestyle=(0, (3, 2)),
                label="inferred (dashed)",
            )
        )
    return handles
