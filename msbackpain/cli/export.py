"""CLI command ``export``: write the graph as RDF, GraphML or KGX (Biolink) files."""

from __future__ import annotations

import json

import click

from msbackpain.cli._common import (
    ASSERTED_OPTION,
    GRAPH_OPTIONS,
    knowledge_graph,
    missing_parents,
)

__all__ = ["COMMANDS"]

_FORMATS = ["ttl", "nt", "xml", "jsonld", "graphml", "kgx-tsv", "kgx-jsonl"]


@click.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(_FORMATS),
    help="Output format (default: from the suffix: .ttl .nt .rdf/.owl .jsonld .graphml, "
    ".tsv or .jsonl for KGX).",
)
@ASSERTED_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the written files as JSON.")
@GRAPH_OPTIONS
def export(
    path: str, fmt: str | None, asserted_only: bool, as_json: bool, sources: tuple[str, ...]
) -> None:
    """Export the graph to PATH; an existing file is replaced only once the new one is complete.

    Missing parent folders of PATH are created. --format names the format of the file
    written (the report of what was written is printed as JSON with --json).
    KGX writes two files next to PATH: <name>_nodes and <name>_edges, with Biolink categories
    and predicates, knowledge level, agent type and the source paragraphs of every edge.

    \b
    Examples:
      msbackpain export msbackpain.ttl
      msbackpain export msbackpain.jsonld --asserted-only
      msbackpain export kgx/msbackpain.tsv        # kgx/msbackpain_nodes.tsv + _edges.tsv
      msbackpain export graph.graphml
    """
    kg = knowledge_graph(sources)
    with missing_parents(path):
        written = kg.export(path, fmt, inferred=not asserted_only)
    if as_json:
        click.echo(json.dumps({"files": [str(p) for p in written]}, indent=2))
        return
    for file in written:
        click.echo(f"wrote {file} ({file.stat().st_size:,} bytes)")


COMMANDS = [export]
