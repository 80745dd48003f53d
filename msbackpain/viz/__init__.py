"""Pictures of the knowledge graph: an offline interactive HTML page and a static SVG/PNG."""

from __future__ import annotations

from msbackpain.viz._html import VIS_NETWORK_VERSION, HtmlGraph, html
from msbackpain.viz._select import select
from msbackpain.viz._static import A4_WIDTH, Picture, draw

__all__ = ["A4_WIDTH", "VIS_NETWORK_VERSION", "HtmlGraph", "Picture", "draw", "html", "select"]
