"""The layered layout shared by the HTML page and the static picture: one column per role."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from msbackpain.viz._styles import GROUPS, OTHER, Group, Role, group_of

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["Layout", "layered", "node_group"]

_SWEEPS = 8
_LONG_LABEL = 26  # characters: a longer label wraps onto two lines...
_LONG_GAP = 1.35  # ...so the next node of its column sits this many rows below, not one


@dataclass(frozen=True, slots=True)
class Layout:
    """Where each node goes: ``positions[node] = (column, row)``.

    Columns are consecutive integers from 0 (only the roles present get one); rows are
    centred on 0 in each column, one unit apart, and grow downwards. ``columns`` pairs each
    column index with its role; ``height`` is the number of rows of the tallest column.
    """

    positions: Mapping[str, tuple[int, float]]
    columns: tuple[tuple[int, Role], ...]
    height: int


def node_group(data: Mapping[str, object]) -> Group:
    """Return the legend group of a node from its ``categories`` (or ``category``) attribute.

    Examples:
        >>> node_group({"category": "msbp:Exercise"}).label
        'Exercise'
    """
    categories = data.get("categories")
    if isinstance(categories, list | tuple) and categories:
        return group_of([str(c) for c in categories])
    return group_of([str(data["category"])] if data.get("category") else [])


def layered(graph: nx.MultiDiGraph) -> Layout:
    """Lay ``graph`` out in role columns, ordering each column to limit edge crossings.

    Nodes start sorted by legend group then label; then a few barycentre sweeps (the
    Sugiyama heuristic) move each node towards the mean row of its neighbours in other
    columns. Ties keep the previous order, so the result is deterministic.

    Examples:
        >>> import networkx as nx
        >>> G = nx.MultiDiGraph()
        >>> G.add_node("a", label="heat", category="msbp:Factor")
        >>> G.add_node("b", label="spasticity", category="msbp:BackPainCategory")
        >>> G.add_edge("a", "b", key="msbp:triggers")
        'msbp:triggers'
        >>> layout = layered(G)
        >>> layout.positions["a"], layout.positions["b"]
        ((0, 0.0), (1, 0.0))
        >>> [role.id for _, role in layout.columns]
        ['trigger', 'pain']
    """
    groups = {node: node_group(data) for node, data in graph.nodes(data=True)}
    roles = sorted({group.role for group in groups.values()}, key=lambda r: r.column)
    column_of_role = {role.id: index for index, role in enumerate(roles)}
    group_rank = {group.id: rank for rank, group in enumerate((*GROUPS, OTHER))}

    columns: list[list[str]] = [[] for _ in roles]
    for node in graph.nodes:
        columns[column_of_role[groups[node].role.id]].append(node)
    column_of = {node: column_of_role[groups[node].role.id] for node in graph.nodes}
    for nodes in columns:
        nodes.sort(
            key=lambda n: (
                group_rank.get(groups[n].id, len(group_rank)),
                str(graph.nodes[n].get("label") or n).casefold(),
                n,
            )
        )

    tall = {n for n, label in graph.nodes(data="label") if len(str(label or n)) > _LONG_LABEL}
    neighbours: dict[str, list[str]] = {node: [] for node in graph.nodes}
    for u, v in graph.edges():
        if u != v:
            neighbours[u].append(v)
            neighbours[v].append(u)

    row: dict[str, float] = {}
    for nodes in columns:
        row.update(_rows(nodes, tall))
    order = list(range(len(columns)))
    for sweep in range(_SWEEPS):
        for index in order if sweep % 2 == 0 else reversed(order):
            nodes = columns[index]
            centre = _centres(nodes, neighbours, row)
            nodes.sort(key=lambda n: (centre[n], row[n]))
            row.update(_rows(nodes, tall))
    # Then slide the nodes of each column (order kept, a row apart at least) towards their
    # neighbours, so short columns spread out and edges run flatter.
    for sweep in range(_SWEEPS):
        for index in order if sweep % 2 == 0 else reversed(order):
            nodes = columns[index]
            centre = _centres(nodes, neighbours, row)
            spaced = _spaced([centre[n] for n in nodes], _offsets(nodes, tall))
            row.update(zip(nodes, spaced, strict=True))
    top = min(row.values(), default=0.0)
    bottom = max(row.values(), default=0.0)
    middle = (top + bottom) / 2
    row = {node: y - middle for node, y in row.items()}
    return Layout(
        positions={node: (column_of[node], row[node]) for node in graph.nodes},
        columns=tuple(enumerate(roles)),
        height=round(bottom - top) + 1 if row else 0,
    )


def _offsets(nodes: list[str], tall: set[str]) -> list[float]:
    """The least distance of each node of a column from the first one."""
    offsets: list[float] = []
    total = 0.0
    for index in range(len(nodes)):
        if index:
            total += _LONG_GAP if nodes[index - 1] in tall else 1.0
        offsets.append(total)
    return offsets


def _rows(nodes: list[str], tall: set[str]) -> dict[str, float]:
    offsets = _offsets(nodes, tall)
    middle = offsets[-1] / 2 if offsets else 0.0
    return {node: offset - middle for node, offset in zip(nodes, offsets, strict=True)}


def _centres(
    nodes: list[str], neighbours: dict[str, list[str]], row: dict[str, float]
) -> dict[str, float]:
    return {
        n: sum(row[m] for m in neighbours[n]) / len(neighbours[n]) if neighbours[n] else row[n]
        for n in nodes
    }


def _spaced(wanted: list[float], offsets: list[float]) -> list[float]:
    """Return the rows closest to ``wanted`` (least squares) that keep order and spacing.

    Row ``i`` must be at least ``offsets[i] - offsets[i - 1]`` below row ``i - 1``. With
    ``z[i] = y[i] - offsets[i]`` that becomes ``z`` non-decreasing: an isotonic regression,
    solved by pooling adjacent violators.

    Examples:
        >>> _spaced([0.0, 0.0, 5.0], [0.0, 1.0, 2.0])
        [-0.5, 0.5, 5.0]
    """
    blocks: list[list[float]] = []  # [mean of z, number of nodes]
    for value, offset in zip(wanted, offsets, strict=True):
        blocks.append([value - offset, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean, weight = blocks.pop()
            total = blocks[-1][1] + weight
            blocks[-1][0] = (blocks[-1][0] * blocks[-1][1] + mean * weight) / total
            blocks[-1][1] = total
    z = [mean for mean, weight in blocks for _ in range(int(weight))]
    return [value + offset for value, offset in zip(z, offsets, strict=True)]
