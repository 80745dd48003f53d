"""CLI command that draws the graph: ``viz`` (interactive HTML, or a static SVG/PNG)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from msbackpain.cli._common import (
    ASSERTED_OPTION,
    GRAPH_OPTIONS,
    knowledge_graph,
    missing_parents,
)
from msbackpain.exceptions import ExportError

__all__ = ["COMMANDS"]

_PAGES = (".html", ".htm")
_PICTURES = (".svg", ".png")


@click.command()
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--focus", metavar="ENTITY", help="Show only the neighbourhood of ENTITY.")
@click.option(
    "--depth",
    type=click.IntRange(min=0),
    default=2,
    show_default=True,
    help="How many relations away from --focus to go.",
)
@ASSERTED_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON.")
@GRAPH_OPTIONS
def viz(
    output: Path,
    focus: str | None,
    depth: int,
    asserted_only: bool,
    as_json: bool,
    sources: tuple[str, ...],
) -> None:
    """Draw the graph to OUTPUT: an offline interactive page (.html) or a picture (.svg, .png).

    --focus takes any name of an entity (label, synonym, CURIE, IRI), like every command.
    Missing parent folders of OUTPUT are created.

    \b
    Examples:
      msbackpain viz graph.html
      msbackpain viz lhermitte.svg --focus "Lhermitte's sign" --depth 1
      msbackpain viz graph.png --asserted-only
    """
    suffix = output.suffix.lower()
    if suffix not in _PAGES + _PICTURES:
        raise ExportError(
            f"cannot write {str(output)!r}: unknown format {output.suffix or '(no suffix)'!r}; "
            "use .html, .svg or .png"
        )
    kg = knowledge_graph(sources)
    draw = kg.visualize if suffix in _PAGES else kg.draw
    with missing_parents(output):
        made = draw(output, focus=focus, depth=depth, inferred=not asserted_only)
    if as_json:
        report = {"path": str(output), "entities": made.nodes, "relations": made.edges}
        click.echo(json.dumps(report, indent=2))
        return
    click.echo(f"Wrote {output} ({made.nodes} entities, {made.edges} relations).")


COMMANDS = [viz]
