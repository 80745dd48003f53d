"""The static picture: a layered cause → pain → treatment drawing with matplotlib (SVG, PNG)."""

from __future__ import annotations

import io
import math
import re
import textwrap
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from msbackpain.exceptions import ExportError, MissingExtraError
from msbackpain.viz._layout import layered, node_group
from msbackpain.viz._legend import MARKER as _MARKER
from msbackpain.viz._legend import legend_handles
from msbackpain.viz._output import write_atomic
from msbackpain.viz._select import resolve, select
from msbackpain.viz._styles import edge_family

if TYPE_CHECKING:
    import networkx as nx
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from msbackpain.viz._layout import Layout

__all__ = ["A4_WIDTH", "Picture", "draw"]

#: The width of an A4 page in inches: pictures are drawn at this size by default.
A4_WIDTH = 8.27

PictureFormat = Literal["svg", "png"]

_ROW = 0.38  # inches between two rows
_HEADER = 0.62  # title and column headings
_MARGIN = 0.12
_LEGEND_ROW = 0.19
_LEGEND_COLUMNS = 4
_FONT = 6.0
_MAX_PIXELS = 30_000  # keep PNGs below Agg's limit for very tall graphs
# Labels are laid out with DejaVu Sans (matplotlib ships it, so the layout is the same on every
# machine) and written into the SVG as text, not glyph paths: searchable, selectable and read
# by screen readers. A viewer without DejaVu Sans falls back to Verdana (the closest in width),
# then the usual sans-serif fonts.
FONTS = ("DejaVu Sans", "Verdana", "Bitstream Vera Sans", "Arial", "Helvetica")
_RC: dict[Any, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "msbackpain",  # stable ids: regenerated SVGs differ only if needed
    "font.family": ["sans-serif"],
    "font.sans-serif": list(FONTS),
}


class Picture:
    """A static picture of a graph that saves as SVG or PNG and displays inline in Jupyter.

    Build one with :func:`draw`. ``figure`` is the matplotlib :class:`~matplotlib.figure.Figure`
    (change it before saving if you like). In the SVG every node is one ``<g>`` element whose
    id is ``node-`` plus the node id with ``:`` and other unsafe characters replaced by ``-``.

    Examples:
        >>> import msbackpain
        >>> from msbackpain import viz
        >>> G = msbackpain.load().to_networkx()
        >>> picture = viz.draw(G, focus="Lhermitte's sign", depth=1, inferred=False)
        >>> picture.size[0], picture.svg().count('<g id="node-')
        (1654, 15)
    """

    def __init__(self, figure: Figure, *, dpi: float, nodes: int, edges: int) -> None:
        self.figure = figure
        self.dpi = dpi
        self.nodes = nodes
        self.edges = edges

    def __repr__(self) -> str:
        width, height = self.size
        return f"<Picture {self.nodes} nodes, {self.edges} edges, {width}x{height} px>"

    @property
    def size(self) -> tuple[int, int]:
        """The PNG size in pixels, ``(width, height)``."""
        width, height = self.figure.get_size_inches()
        return round(width * self.dpi), round(height * self.dpi)

    def _render(self, fmt: PictureFormat) -> bytes:
        import matplotlib as mpl

        buffer = io.BytesIO()
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        with mpl.rc_context(_RC):
            self.figure.savefig(buffer, format=fmt, dpi=self.dpi, metadata=metadata)
        return buffer.getvalue()

    def svg(self) -> str:
        """Return the picture as an SVG document."""
        return self._render("svg").decode("utf-8")

    def png(self) -> bytes:
        """Return the picture as PNG bytes of :attr:`size` pixels."""
        return self._render("png")

    def _repr_svg_(self) -> str:
        return self.svg()

    def save(self, path: str | Path) -> Path:
        """Write the picture to ``path``; the format comes from the suffix (``.svg``, ``.png``).

        The file is written atomically: a failed write leaves any existing file untouched.

        Raises:
            ExportError: if the suffix is not ``.svg`` or ``.png``, or the file cannot be
                written.
        """
        target = Path(path)
        fmt = target.suffix.lower().lstrip(".")
        if fmt not in ("svg", "png"):
            raise ExportError(
                f"cannot draw to {str(target)!r}: unknown picture format {target.suffix!r}; "
                "use .svg or .png"
            )
        write_atomic(target, self._render("svg" if fmt == "svg" else "png"))
        return target


def draw(
    graph: nx.MultiDiGraph,
    *,
    focus: str | None = None,
    depth: int = 2,
    inferred: bool = True,
    title: str | None = None,
    edge_labels: bool | None = None,
    width: float = A4_WIDTH,
    dpi: float = 200,
) -> Picture:
    """Draw ``graph`` as a layered picture, reading left to right from causes to treatments.

    Columns hold, left to right: qualities and anatomy, causes and processes, triggers and
    symptoms, pain types, treatments, then benefits, cautions, practitioners and knowledge
    gaps. Shape tells the column, colour the kind (see the legend under the picture).
    Asserted edges are solid, inferred ones dashed; edge colour tells the kind of relation.

    Args:
        graph: A graph from :func:`msbackpain.graph.to_networkx`; it is not changed.
        focus: Draw only the neighbourhood of this node (id or label).
        depth: How many edges away from ``focus`` to go.
        inferred: Draw the inferred edges too.
        title: The heading; by default it says what is shown.
        edge_labels: Write each edge's relation on it; by default only when there are at
            most 40 edges (more would hide the picture).
        width: The picture width in inches (default: A4 width).
        dpi: Pixels per inch of the PNG.

    Raises:
        MissingExtraError: if matplotlib (the ``viz`` extra) is not installed.
        EntityNotFound: if ``focus`` names no node.

    Examples:
        >>> import msbackpain
        >>> from msbackpain import viz
        >>> G = msbackpain.load().to_networkx()
        >>> viz.draw(G, focus="baclofen", depth=1)
        <Picture 5 nodes, 9 edges, 1654x... px>
    """
    try:
        import matplotlib as mpl
    except ImportError as err:
        raise MissingExtraError("Drawing a static picture", "viz") from err

    shown = select(graph, focus=focus, depth=depth, inferred=inferred)
    with mpl.rc_context(_RC):  # text takes its font when made: make it with ours
        return _draw(shown, focus, inferred, title, edge_labels, width, dpi)


def _draw(
    shown: nx.MultiDiGraph,
    focus: str | None,
    inferred: bool,
    title: str | None,
    edge_labels: bool | None,
    width: float,
    dpi: float,
) -> Picture:
    from matplotlib.figure import Figure

    layout = layered(shown)
    legend = legend_handles(shown)
    legend_height = math.ceil(len(legend) / _LEGEND_COLUMNS) * _LEGEND_ROW + 0.12
    plot_height = max(layout.height, 1) * _ROW
    height = _HEADER + plot_height + legend_height + _MARGIN
    figure = Figure(figsize=(width, height), dpi=dpi)
    axes = figure.add_axes(
        (
            _MARGIN / width,
            (legend_height + _MARGIN) / height,
            1 - 2 * _MARGIN / width,
            plot_height / height,
        )
    )
    axes.set_xlim(-0.5, max(len(layout.columns), 1) - 0.5)
    axes.set_ylim(max(layout.height, 1) / 2, -max(layout.height, 1) / 2)
    axes.set_axis_off()
    column_inches = (width - 2 * _MARGIN) / max(len(layout.columns), 1)
    labels = len(shown.edges) <= 40 if edge_labels is None else edge_labels
    _draw_edges(axes, shown, layout, labels=labels)
    _draw_nodes(axes, shown, layout, wrap=max(12, int(column_inches * 72 / (_FONT * 0.55))))
    for column, role in layout.columns:
        axes.text(
            column,
            -max(layout.height, 1) / 2,
            role.title,
            ha="center",
            va="bottom",
            fontsize=7.5,
            fontweight="bold",
            color="#333333",
        )
    figure.text(
        _MARGIN / width,
        1 - 0.1 / height,
        title or _title(shown, focus, inferred),
        ha="left",
        va="top",
        fontsize=10,
        parse_math=False,
        fontweight="bold",
    )
    figure.legend(
        handles=legend,
        loc="lower center",
        bbox_to_anchor=(0.5, _MARGIN / height),
        ncols=_LEGEND_COLUMNS,
        fontsize=_FONT + 0.5,
        frameon=False,
        handlelength=2.2,
        columnspacing=1.2,
    )
    return Picture(
        figure,
        dpi=min(dpi, _MAX_PIXELS / height),
        nodes=shown.number_of_nodes(),
        edges=shown.number_of_edges(),
    )


def _title(graph: nx.MultiDiGraph, focus: str | None, inferred: bool) -> str:
    what = "asserted and inferred" if inferred else "asserted"
    if focus is None:
        return f"Back pain in MS: causes, pain types and treatments ({what} relations)"
    label = graph.nodes[resolve(graph, focus)].get("label") or focus
    return f"Around {label}: {graph.number_of_nodes()} entities, {what} relations"


def _node_id(node: str, seen: Counter[str]) -> str:
    slug = "node-" + re.sub(r"[^A-Za-z0-9_.-]", "-", node)
    seen[slug] += 1
    return slug if seen[slug] == 1 else f"{slug}-{seen[slug]}"


def _draw_nodes(axes: Axes, graph: nx.MultiDiGraph, layout: Layout, *, wrap: int) -> None:
    seen: Counter[str] = Counter()
    for node, data in graph.nodes(data=True):
        group = node_group(data)
        x, y = layout.positions[node]
        marker_size = _MARKER * (0.8 if group.id == "quality" else 1.0)
        if group.shape == "star":
            marker_size *= 1.35
        gid = _node_id(node, seen)
        axes.plot(
            [x],
            [y],
            marker=group.marker,
            markersize=marker_size,
            markerfacecolor=group.colour,
            markeredgecolor="#333333",
            markeredgewidth=0.5,
            linestyle="none",
            zorder=3,
            gid=gid,
        )
        label = "\n".join(
            textwrap.wrap(str(data.get("label") or node), wrap, max_lines=2, placeholder="…")
        )
        axes.annotate(
            label,
            (x, y),
            xytext=(0, -marker_size / 2 - 1.0),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=_FONT,
            linespacing=0.95,
            color="#111111",
            zorder=4,
            bbox={"boxstyle": "round,pad=0.08", "fc": "white", "ec": "none", "alpha": 0.8},
            gid="label" + gid[4:],
            parse_math=False,  # a "$" in a label is a dollar sign, not TeX
        )


def _draw_edges(axes: Axes, graph: nx.MultiDiGraph, layout: Layout, *, labels: bool) -> None:
    from matplotlib.patches import FancyArrowPatch

    pair_count: Counter[tuple[str, str]] = Counter()
    ordered = sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2])))
    for number, (u, v, key, data) in enumerate(ordered, start=1):
        (x1, y1), (x2, y2) = layout.positions[u], layout.positions[v]
        pair = (min(u, v), max(u, v))
        pair_count[pair] += 1
        rad = 0.12 * (pair_count[pair] - 1)
        if x1 == x2:  # same column: bow out to the side instead of running over other nodes
            # arc3 puts the apex rad * chord / 2 away: clear the labels, always on the right
            # (the axes run downwards, so going down on screen is y2 > y1)
            bow = min(2.0, 1.1 / max(abs(y2 - y1) * _ROW, 0.01))
            rad += -bow if y2 > y1 else bow
        family = edge_family(str(data.get("predicate") or key))
        inferred = bool(data.get("inferred"))
        axes.add_patch(
            FancyArrowPatch(
                (x1, y1),
                (x2, y2),
                arrowstyle="-|>",
                mutation_scale=5,
                connectionstyle=f"arc3,rad={rad}",
                shrinkA=4.5,
                shrinkB=5.0,
                linewidth=0.45 if inferred else 0.7,
                linestyle=(0, (3, 2)) if inferred else "solid",
                color=family.colour,
                alpha=0.45 if inferred else 0.8,
                zorder=2 if not inferred else 1,
                gid=f"edge-{number}",
            )
        )
        if labels:
            # Put the label away from the busier end, where edges fan out and labels collide.
            busy_u, busy_v = graph.degree(u), graph.degree(v)
            t = 0.5 if busy_u == busy_v else (0.62 if busy_u > busy_v else 0.38)
            x, y = _on_arc(axes, (x1, y1), (x2, y2), rad, t)
            axes.text(
                x,
                y,
                str(data.get("label") or key),
                ha="center",
                va="center",
                fontsize=_FONT - 1,
                fontstyle="italic",
                color=family.colour,
                zorder=4,
                parse_math=False,
                bbox={"boxstyle": "round,pad=0.05", "fc": "white", "ec": "none", "alpha": 0.8},
            )


def _on_arc(
    axes: Axes, start: tuple[float, float], end: tuple[float, float], rad: float, t: float
) -> tuple[float, float]:
    """Return the point at ``t`` along matplotlib's ``arc3`` curve (computed on screen)."""
    (x1, y1), (x2, y2) = axes.transData.transform([start, end])
    cx = (x1 + x2) / 2 + rad * (y2 - y1)
    cy = (y1 + y2) / 2 - rad * (x2 - x1)
    x = (1 - t) ** 2 * x1 + 2 * t * (1 - t) * cx + t**2 * x2
    y = (1 - t) ** 2 * y1 + 2 * t * (1 - t) * cy + t**2 * y2
    data_x, data_y = axes.transData.inverted().transform((x, y))
    return float(data_x), float(data_y)
