"""The interactive picture: one self-contained, offline HTML page built around vis-network."""

from __future__ import annotations

import html as html_lib
import json
import re
import string
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from msbackpain._predicates import TREATMENT_PREDICATES
from msbackpain.models import Relation
from msbackpain.viz._layout import Layout, layered, node_group
from msbackpain.viz._output import write_atomic
from msbackpain.viz._select import resolve, select
from msbackpain.viz._styles import EDGE_FAMILIES, GROUPS, OTHER, edge_family

if TYPE_CHECKING:
    import networkx as nx

    from msbackpain.models import Entity

__all__ = ["VIS_NETWORK_VERSION", "HtmlGraph", "html", "script_json"]

#: The vis-network release bundled in ``msbackpain/viz/assets``.
VIS_NETWORK_VERSION = "10.1.5"

_COLUMN_PX = 340
_ROW_PX = 56
_IFRAME_HEIGHT = 640
_SOURCE_MAP = re.compile(r"^//# sourceMappingURL=.*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class HtmlGraph:
    """An interactive picture of a graph: one HTML page that works offline.

    ``html`` is the whole page (the vis-network library, the viewer and the data are inlined;
    no external URL is loaded). In Jupyter the object displays inline, in a sandboxed
    ``<iframe srcdoc>``. :meth:`save` writes the page to a file.

    Examples:
        >>> import msbackpain
        >>> from msbackpain import viz
        >>> page = viz.html(msbackpain.load().to_networkx(), focus="baclofen", depth=1)
        >>> page
        <HtmlGraph 'Around baclofen': 5 nodes, 9 edges>
        >>> page.html.startswith("<!DOCTYPE html>"), "<script src" in page.html
        (True, False)
    """

    html: str
    title: str
    nodes: int
    edges: int

    def __repr__(self) -> str:
        return f"<HtmlGraph {self.title!r}: {self.nodes} nodes, {self.edges} edges>"

    def _repr_html_(self) -> str:
        return (
            f'<iframe srcdoc="{html_lib.escape(self.html, quote=True)}" '
            f'title="{html_lib.escape(self.title, quote=True)}" sandbox="allow-scripts" '
            f'style="width: 100%; height: {_IFRAME_HEIGHT}px; border: 1px solid #ddd;">'
            "</iframe>"
        )

    def save(self, path: str | Path) -> Path:
        """Write the page to ``path`` (UTF-8, atomically) and return the path.

        Raises:
            ExportError: if the file cannot be written; any existing file is left untouched.
        """
        target = Path(path)
        write_atomic(target, self.html.encode("utf-8"))
        return target


def html(
    graph: nx.MultiDiGraph,
    *,
    focus: str | None = None,
    depth: int = 2,
    inferred: bool = True,
    title: str | None = None,
    entities: Mapping[str, Entity] | None = None,
) -> HtmlGraph:
    """Build the interactive page for ``graph`` (or for the neighbourhood of ``focus``).

    The page lays nodes out in the same role columns as :func:`draw` (causes and triggers on
    the left, pain types in the middle, treatments and their benefits on the right), with
    colour and shape per kind and a legend that doubles as a filter. Asserted edges are
    solid and inferred ones dashed, with a filter for each. A search box finds an entity;
    clicking one dims everything but its neighbours and lists its relations with their
    evidence (paragraph ids and summary); hovering shows a tooltip.

    Args:
        graph: A graph from :func:`msbackpain.graph.to_networkx`; it is not changed.
        focus: Show only the neighbourhood of this node (id or label), selected on opening.
        depth: How many edges away from ``focus`` to go.
        inferred: Include the inferred edges.
        title: The page heading; by default it says what is shown.
        entities: A mapping from node id to :class:`~msbackpain.Entity` (a
            :class:`~msbackpain.KnowledgeGraph` is one) supplying synonyms, xrefs and
            paragraphs for the details panel.

    Raises:
        EntityNotFound: if ``focus`` names no node.

    Examples:
        >>> import msbackpain
        >>> from msbackpain import viz
        >>> kg = msbackpain.load()
        >>> page = viz.html(kg.to_networkx(inferred=False), entities=kg)
        >>> page.nodes == len(kg.to_networkx()), "Legend" in page.html
        (True, True)
    """
    shown = select(graph, focus=focus, depth=depth, inferred=inferred)
    focus_id = resolve(shown, focus) if focus is not None else None
    if title is None:
        title = _title(shown, focus_id)
    payload = _payload(shown, layered(shown), focus_id, entities, title, _conflicts(graph))
    page = _render(payload, title)
    return HtmlGraph(page, title, shown.number_of_nodes(), shown.number_of_edges())


def script_json(payload: object) -> str:
    r"""Return ``payload`` as JSON that is safe inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` become ``\u003c``, ``\u003e`` and ``\u0026`` (still the same JSON),
    so no string in the data can close the element or start markup.

    Examples:
        >>> script_json({"label": "</script><b>"})
        '{"label":"\\u003c/script\\u003e\\u003cb\\u003e"}'
    """
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, escaped in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text


def _title(graph: nx.MultiDiGraph, focus: str | None) -> str:
    if focus is None:
        return "Back pain in multiple sclerosis: causes, pain types and treatments"
    return f"Around {graph.nodes[focus].get('label') or focus}"


def _conflicts(graph: nx.MultiDiGraph) -> dict[str, list[str]]:
    """Map each treatment and pain type of ``graph`` to the messages of its conflicts.

    A treatment's conflicts include those of the forms it takes (water therapy and its
    heated pool), as in the answers of :meth:`~msbackpain.KnowledgeGraph.treatments_for`.
    """
    from msbackpain.conflicts import INVOLVES, find_conflicts

    relations = [
        d["relation"]
        for _, _, d in graph.edges(data=True)
        if isinstance(d.get("relation"), Relation)  # a plain graph's edges carry none
    ]
    treatments = sorted(
        {r.subject.id for r in relations if r.predicate in {*TREATMENT_PREDICATES, INVOLVES}}
    )
    messages: dict[str, list[str]] = {}
    for treatment in treatments:
        for conflict in find_conflicts(relations, treatments={treatment}):
            for node in (treatment, conflict.pain.id):
                if str(conflict) not in messages.setdefault(node, []):
                    messages[node].append(str(conflict))
    return messages


def _payload(
    graph: nx.MultiDiGraph,
    layout: Layout,
    focus: str | None,
    entities: Mapping[str, Entity] | None,
    title: str,
    conflicts: Mapping[str, list[str]],
) -> dict[str, object]:
    group_counts = Counter(node_group(data).id for _, data in graph.nodes(data=True))
    nodes = [
        {**_node(node, graph.nodes[node], layout, entities), "conflicts": conflicts.get(node, [])}
        for node in sorted(graph.nodes, key=str)
    ]
    edges = _edges(graph, layout, conflicts)
    families = {edge["family"] for edge in edges}
    return {
        "title": title,
        "focus": focus,
        "roles": [
            {"id": role.id, "title": role.title, "x": column * _COLUMN_PX}
            for column, role in layout.columns
        ],
        "groups": [
            {
                "id": group.id,
                "label": group.label,
                "colour": group.colour,
                "shape": group.shape,
                "count": group_counts[group.id],
            }
            for group in (*GROUPS, OTHER)
            if group_counts[group.id]
        ],
        "families": [
            {"id": family.id, "label": family.label, "colour": family.colour}
            for family in EDGE_FAMILIES
            if family.id in families
        ],
        "nodes": nodes,
        "edges": edges,
    }


def _node(
    node: str,
    data: Mapping[str, object],
    layout: Layout,
    entities: Mapping[str, Entity] | None,
) -> dict[str, object]:
    entity = entities.get(node) if entities is not None else None
    column, row = layout.positions[node]
    synonyms: list[str] = list(entity.synonyms) if entity else _strings(data.get("synonyms"))
    xrefs = (
        [f"{x.curie} ({x.match})" for x in entity.xrefs] if entity else _strings(data.get("xrefs"))
    )
    paragraphs = list(entity.paragraphs) if entity else _strings(data.get("paragraphs"))
    return {
        "id": str(node),
        "label": str(data.get("label") or node),
        "group": node_group(data).id,
        "category": str(data.get("category") or ""),
        "x": column * _COLUMN_PX,
        "y": round(row * _ROW_PX, 1),
        "definition": str(data.get("definition") or ""),
        "synonyms": synonyms,
        "xrefs": xrefs,
        "paragraphs": paragraphs,
    }


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple | set | frozenset):
        return [str(v) for v in value]
    return []


def _edges(
    graph: nx.MultiDiGraph, layout: Layout, conflicts: Mapping[str, list[str]]
) -> list[dict[str, object]]:
    edges: list[dict[str, object]] = []
    seen: Counter[tuple[str, str]] = Counter()
    ordered = sorted(
        graph.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[1]), str(e[2]))
    )
    for number, (u, v, key, data) in enumerate(ordered):
        pair = (min(u, v), max(u, v))
        seen[pair] += 1
        (x1, y1), (x2, y2) = layout.positions[u], layout.positions[v]
        curve = 0.18 * (seen[pair] - 1)
        if x1 == x2:  # same column: bow out to the right rather than over the nodes between
            curve += 0.5
        if y2 < y1:
            curve = -curve
        predicate = str(data.get("predicate") or key)
        evidence = data.get("evidence")
        edges.append(
            {
                "id": f"e{number}",
                "from": str(u),
                "to": str(v),
                "predicate": predicate,
                "label": str(data.get("label") or predicate.partition(":")[2] or predicate),
                "family": edge_family(predicate).id,
                "inferred": bool(data.get("inferred")),
                "rule": str(data["rule"]) if data.get("rule") else None,
                "paragraphs": _strings(data.get("paragraphs")),
                "summary": str(getattr(evidence, "summary", "") or ""),
                "modality": getattr(evidence, "modality", None),
                # A treatment edge carries its treatment's conflicts, as the answers do.
                "conflicts": (
                    conflicts.get(str(u), []) if predicate in TREATMENT_PREDICATES else []
                ),
                "curve": round(curve, 3),
            }
        )
    return edges


@cache
def _asset(name: str) -> str:
    return resources.files("msbackpain.viz").joinpath("assets", name).read_text(encoding="utf-8")


@cache
def _library() -> str:
    """The bundled vis-network, without its source-map comment (the map is not shipped)."""
    return _SOURCE_MAP.sub("", _asset("vis-network.min.js")).rstrip()


def _render(payload: dict[str, object], title: str) -> str:
    from msbackpain import __version__

    about = (
        f"Made by msbackpain {__version__}. Drawn with vis-network {VIS_NETWORK_VERSION} "
        "(MIT or Apache-2.0 licence), bundled in this page: it needs no network."
    )
    template = string.Template(_asset("page.html"))
    return template.substitute(
        version=html_lib.escape(__version__),
        title=html_lib.escape(title),
        about=html_lib.escape(about),
        style=_asset("viewer.css"),
        data=script_json(payload),
        library=_library(),
        viewer=_asset("viewer.js"),
    )
