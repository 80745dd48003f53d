"""The pictures of a KnowledgeGraph: its shared networkx graph handed to the viz builders."""

from __future__ import annotations

from typing import TYPE_CHECKING

from msbackpain.graph import shared_graph
from msbackpain.viz._html import HtmlGraph, html
from msbackpain.viz._static import Picture, draw

if TYPE_CHECKING:
    from pathlib import Path

    from msbackpain.knowledge import EntityRef, KnowledgeGraph

__all__ = ["draw_of", "html_of"]


def html_of(
    kg: KnowledgeGraph,
    path: str | Path | None = None,
    *,
    focus: EntityRef | None = None,
    depth: int = 2,
    inferred: bool = True,
) -> HtmlGraph:
    """Return the offline HTML picture of ``kg`` (:meth:`KnowledgeGraph.visualize`)."""
    page = html(
        shared_graph(kg, inferred=inferred),
        focus=None if focus is None else kg.entity(focus).id,
        depth=depth,
        inferred=inferred,
        entities=kg,
    )
    if path is not None:
        page.save(path)
    return page


def draw_of(
    kg: KnowledgeGraph,
    path: str | Path,
    *,
    focus: EntityRef | None = None,
    depth: int = 2,
    inferred: bool = True,
) -> Picture:
    """Draw the static picture of ``kg`` to ``path`` (:meth:`KnowledgeGraph.draw`)."""
    picture = draw(
        shared_graph(kg, inferred=inferred),
        focus=None if focus is None else kg.entity(focus).id,
        depth=depth,
        inferred=inferred,
    )
    picture.save(path)
    return picture
