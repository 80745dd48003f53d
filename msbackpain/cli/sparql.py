"""CLI commands for SPARQL: list named queries, run one, or run your own text or file."""

from __future__ import annotations

import json
from pathlib import Path

import click

from msbackpain.cli._common import GRAPH_OPTIONS, UserError, knowledge_graph
from msbackpain.cli._render import FORMAT_OPTION, Format, echo_rows, rows_of

__all__ = ["COMMANDS"]


@click.command("queries")
@FORMAT_OPTION
def list_queries(fmt: Format) -> None:
    """List the named queries with their parameters and descriptions.

    \b
    Example:
      msbackpain queries
    """
    from msbackpain.queries import list_queries as all_queries

    rows = [
        {
            "name": q.name,
            "parameters": [f"{p.name}:{p.kind}" for p in q.parameters],
            "description": q.description,
        }
        for q in all_queries()
    ]
    echo_rows(rows, fmt)


def _parse_params(values: tuple[str, ...]) -> dict[str, str | int]:
    params: dict[str, str | int] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected key=value, got {item!r}", param_hint="-p")
        params[key] = value
    return params


@click.command()
@click.argument("name")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="A query parameter (repeatable).",
)
@FORMAT_OPTION
@GRAPH_OPTIONS
def run(name: str, params: tuple[str, ...], fmt: Format, sources: tuple[str, ...]) -> None:
    """Run the named query NAME; entity parameters accept labels, CURIEs or IRIs.

    \b
    Examples:
      msbackpain run treatments_for -p condition=spasticity
      msbackpain run gaps --format json
    """
    from msbackpain.queries import get_query

    parsed: dict[str, str | int] = _parse_params(params)
    for p in get_query(name).parameters:
        if p.kind == "integer" and p.name in parsed:
            try:
                parsed[p.name] = int(parsed[p.name])
            except ValueError:
                raise click.BadParameter(f"{p.name} must be an integer", param_hint="-p") from None
    echo_rows(rows_of(knowledge_graph(sources).run(name, **parsed)), fmt, empty="No rows.")


@click.command()
@click.argument("sparql")
@click.option(
    "--allow-network",
    is_flag=True,
    help="Allow SERVICE and FROM: the engine may then fetch data from other servers or files.",
)
@FORMAT_OPTION
@GRAPH_OPTIONS
def query(sparql: str, allow_network: bool, fmt: Format, sources: tuple[str, ...]) -> None:
    """Run SPARQL given inline or as a path to a .rq file; known prefixes are predeclared.

    SERVICE and FROM are refused unless --allow-network is given.

    \b
    Examples:
      msbackpain query "SELECT ?d WHERE { ?d msbp:memberOfDrugClass ?c }"
      msbackpain query "ASK { msbp:Heat msbp:triggers msbp:LhermittesSign }" --format json
      msbackpain query my-question.rq --format tsv
    """
    path = Path(sparql)
    if sparql.endswith((".rq", ".sparql")) or (
        len(sparql) < 512 and "{" not in sparql and path.is_file()
    ):
        if not path.is_file():
            raise UserError(f"{sparql}: no such query file", name="FileNotFoundError")
        sparql = path.read_text(encoding="utf-8")
    result = knowledge_graph(sources).query(sparql, allow_network=allow_network)
    if result.boolean is not None:
        if fmt == "json":
            click.echo(json.dumps({"boolean": result.boolean}))
        else:
            click.echo("yes" if result.boolean else "no")
        return
    echo_rows(rows_of(result), fmt, columns=list(result.variables), empty="No rows.")


COMMANDS = [list_queries, query, run]
