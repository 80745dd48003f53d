"""CLI commands that find entities: ``search`` and ``show``."""

from __future__ import annotations

import json

import click

from msbackpain.cli._common import GRAPH_OPTIONS, format_options, knowledge_graph
from msbackpain.cli._render import FORMAT_OPTION, Format, echo_rows, entity_rows

__all__ = ["COMMANDS"]


@click.command()
@click.argument("text")
@click.option("--limit", default=10, show_default=True, help="Most results to show.")
@FORMAT_OPTION
@GRAPH_OPTIONS
def search(text: str, limit: int, fmt: Format, sources: tuple[str, ...]) -> None:
    """Find entities whose names or definitions match TEXT, best first; typos are forgiven.

    \b
    Examples:
      msbackpain search neck
      msbackpain search lhermite
      msbackpain search "muscle relax" --format json
    """
    results = knowledge_graph(sources).search(text, limit=limit)
    echo_rows(entity_rows(results), fmt, empty=f"Nothing matches {text!r}.")


@click.command()
@click.argument("entity")
@format_options("table", "json")
@GRAPH_OPTIONS
def show(entity: str, fmt: str, sources: tuple[str, ...]) -> None:
    """Show one ENTITY (label, synonym, CURIE, xref or IRI) with its definition and xrefs.

    \b
    Examples:
      msbackpain show "lhermittes sign"
      msbackpain show HP:0001257 --format json
    """
    e = knowledge_graph(sources).entity(entity)
    if fmt == "json":
        click.echo(json.dumps(e.to_dict(), indent=2, ensure_ascii=False))
        return
    click.secho(f"{e.label}  ({e.id})", bold=True)
    click.echo(f"  iri:         {e.iri}")
    click.echo(f"  categories:  {', '.join(c.partition(':')[2] for c in e.categories)}")
    if e.definition:
        click.echo(f"  definition:  {e.definition}")
    if e.synonyms:
        click.echo(f"  synonyms:    {'; '.join(e.synonyms)}")
    if e.xrefs:
        click.echo(f"  xrefs:       {', '.join(f'{x.curie} ({x.match})' for x in e.xrefs)}")
    if e.paragraphs:
        click.echo(f"  paragraphs:  {', '.join(e.paragraphs)}")


COMMANDS = [search, show]
