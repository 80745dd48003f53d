"""CLI commands that reason and explain: ``reason``, ``explain``, ``plan`` and ``validate``."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from msbackpain.cli._common import (
    ASSERTED_OPTION,
    GRAPH_OPTIONS,
    UserError,
    format_options,
    knowledge_graph,
    progress,
)
from msbackpain.cli._plans import echo_paths, echo_plan

__all__ = ["COMMANDS"]

#: ``--format table|json`` and its alias ``--json``.
JSON_OPTION = format_options("table", "json")
QUIET_OPTION = click.option("--quiet", "-q", is_flag=True, help="Do not report progress on stderr.")


@click.command()
@click.option(
    "--engine", type=click.Choice(["hermit", "pellet"]), default="hermit", show_default=True
)
@click.option(
    "--timeout", default=300.0, show_default=True, help="Seconds before the reasoner is stopped."
)
@JSON_OPTION
@QUIET_OPTION
@GRAPH_OPTIONS
def reason(engine: str, timeout: float, fmt: str, quiet: bool, sources: tuple[str, ...]) -> None:
    """Run an OWL reasoner (needs Java) and report what it infers from the asserted facts.

    Progress goes to stderr (silence it with --quiet); stdout holds only the report.

    \b
    Examples:
      msbackpain reason
      msbackpain reason --engine pellet --format json
    """
    kg = knowledge_graph(sources)
    progress(f"reasoning with {engine} (this takes a while)...", quiet=quiet)
    _, report = kg.reason(engine=engine, timeout=timeout)  # type: ignore[arg-type]
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
        return
    click.echo(f"{engine}: consistent, {report.seconds:.2f} s")
    click.echo(f"  inferred edges:               {len(report.inferred_edges)}")
    click.echo(f"  inferred class memberships:   {len(report.inferred_types)}")
    click.echo(f"  inferred subclass links:      {len(report.inferred_subclasses)}")
    for relation in report.inferred_types:
        click.echo(f"  {relation.subject.label} is a {relation.object.label}  ({relation.rule})")


@click.command()
@click.argument("source")
@click.argument("target")
@click.option("--max-length", default=4, show_default=True, help="Longest path, in edges.")
@click.option("--limit", default=5, show_default=True, help="Most paths to show.")
@ASSERTED_OPTION
@JSON_OPTION
@GRAPH_OPTIONS
def explain(
    source: str,
    target: str,
    max_length: int,
    limit: int,
    asserted_only: bool,
    fmt: str,
    sources: tuple[str, ...],
) -> None:
    """Explain how SOURCE leads to or relates to TARGET, with evidence for every step.

    \b
    Examples:
      msbackpain explain baclofen "back pain"
      msbackpain explain "incorrect use of mobility aids" "back pain" --format json
    """
    kg = knowledge_graph(sources)
    paths = kg.explain(
        source, target, max_length=max_length, limit=limit, inferred=not asserted_only
    )
    if fmt == "json":
        click.echo(json.dumps([p.to_dict() for p in paths], indent=2, ensure_ascii=False))
        return
    if not paths:
        click.echo(f"No path of at most {max_length} edges links {source!r} to {target!r}.")
        return
    echo_paths(paths)


@click.command()
@click.argument("pain_types", nargs=-1, required=True)
@ASSERTED_OPTION
@JSON_OPTION
@GRAPH_OPTIONS
def plan(
    pain_types: tuple[str, ...], asserted_only: bool, fmt: str, sources: tuple[str, ...]
) -> None:
    """Build a care plan for a person with the given PAIN_TYPES, flagging conflicts.

    \b
    Examples:
      msbackpain plan "Lhermitte's sign" spasticity
      msbackpain plan "muscle weakness" --format json
    """
    care = knowledge_graph(sources).plan(pain_types, inferred=not asserted_only)
    if fmt == "json":
        click.echo(json.dumps(care.to_dict(), indent=2, ensure_ascii=False))
        return
    echo_plan(care)


@click.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option(
    "--syntax",
    "rdf_format",
    type=click.Choice(["turtle", "nt", "nquads", "trig", "n3", "xml", "json-ld"]),
    default=None,
    help="RDF syntax of FILES (default: from each file's suffix).",
)
@click.option(
    "--shapes/--no-shapes", default=None, help="Run the SHACL shapes (default: on for the bundle)."
)
@click.option(
    "--reasoner/--no-reasoner",
    default=None,
    help="Check consistency with HermiT (default: on for the bundle).",
)
@JSON_OPTION
@QUIET_OPTION
def validate(
    files: tuple[str, ...],
    rdf_format: str | None,
    shapes: bool | None,
    reasoner: bool | None,
    fmt: str,
    quiet: bool,
) -> None:
    """Validate RDF FILES strictly, or the bundle (syntax, SHACL shapes, OWL consistency).

    Each FILE is parsed with pyoxigraph's strict parsers; the first error is reported with
    its line. With no FILE the bundled ontology is checked with the SHACL shapes and HermiT.
    Each step is announced on stderr as it starts, with its time when done (--quiet: not).

    \b
    Examples:
      msbackpain validate
      msbackpain validate my-facts.ttl --shapes
      msbackpain validate data.txt --syntax nt --format json
    """
    from msbackpain.loading import bundled_files
    from msbackpain.validation import check_syntax, file_graph

    report: dict[str, Any] = {"files": [], "shapes": None, "reasoner": None}
    paths = [Path(f) for f in files]
    for path in paths:
        statements = check_syntax(path, format=rdf_format)
        report["files"].append({"path": str(path), "statements": statements})
        if fmt == "table":
            click.echo(f"{path}: {statements} statements, syntax OK")
    run_shapes = shapes if shapes is not None else not paths
    run_reasoner = reasoner if reasoner is not None else not paths
    if run_shapes or run_reasoner:
        import rdflib

        every = [*bundled_files(), *paths]
        with _step(f"loading {len(every)} file(s)", quiet):
            graph = rdflib.Graph()
            for path in every:
                graph.parse(path, format="turtle" if path.suffix in (".ttl", ".turtle") else None)
        if run_shapes:
            # FILEs are checked on their own: the bundle must not hide their faults.
            report["shapes"] = _shapes(file_graph(paths) if paths else graph, fmt, quiet)
        if run_reasoner:
            from msbackpain.reasoning import infer

            with _step("checking OWL consistency with HermiT", quiet):
                result = infer(graph)
            report["reasoner"] = {
                "engine": "hermit",
                "consistent": True,
                "seconds": round(result.seconds, 2),
                "inferred_facts": len(result.derivations),
            }
            if fmt == "table":
                click.echo(
                    f"HermiT: consistent ({result.seconds:.2f} s, "
                    f"{len(result.derivations)} inferred facts)"
                )
    if fmt == "json":
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    if report["shapes"] is not None and not report["shapes"]["conforms"]:
        count = len(report["shapes"]["violations"])
        raise UserError(
            f"{count} violation(s) of the SHACL shapes (listed on stdout)", name="ShapeViolation"
        )


def _shapes(graph: Any, fmt: str, quiet: bool) -> dict[str, Any]:
    from msbackpain.validation import validate_shapes

    with _step("checking the SHACL shapes", quiet):
        shapes = validate_shapes(graph)
    if fmt == "table":
        click.echo("SHACL shapes: conform" if shapes.conforms else shapes.summary())
    violations = sorted((asdict(v) for v in shapes.violations), key=str)
    return {"conforms": shapes.conforms, "violations": violations}


@contextmanager
def _step(what: str, quiet: bool) -> Iterator[None]:
    """Announce a step of ``validate`` on stderr, then say how long it took."""
    progress(f"validate: {what}...", quiet=quiet)
    start = time.perf_counter()
    yield
    progress(f"validate: {what}: done in {time.perf_counter() - start:.1f} s", quiet=quiet)


COMMANDS = [explain, plan, reason, validate]
