"""CLI commands that reason and explain: ``reason``, ``explain``, ``plan`` and ``validate``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from msbackpain.cli._common import ASSERTED_OPTION, SOURCE_OPTION, UserError, knowledge_graph
from msbackpain.models import CarePlan, Relation

__all__ = ["COMMANDS"]

JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")


def _cite(relation: Relation) -> str:
    paragraphs = ",".join(relation.evidence.paragraphs) if relation.evidence else "-"
    mark = " (inferred)" if relation.inferred else ""
    return f"[{paragraphs}]{mark}"


@click.command()
@click.option(
    "--engine", type=click.Choice(["hermit", "pellet"]), default="hermit", show_default=True
)
@click.option(
    "--timeout", default=300.0, show_default=True, help="Seconds before the reasoner is stopped."
)
@JSON_OPTION
@SOURCE_OPTION
def reason(engine: str, timeout: float, as_json: bool, sources: tuple[str, ...]) -> None:
    """Run an OWL reasoner (needs Java) and report what it infers from the asserted facts.

    \b
    Examples:
      msbackpain reason
      msbackpain reason --engine pellet --json
    """
    with click.progressbar(length=1, label=f"Reasoning with {engine}", file=None) as bar:
        _, report = knowledge_graph(sources).reason(engine=engine, timeout=timeout)  # type: ignore[arg-type]
        bar.update(1)
    if as_json:
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
@SOURCE_OPTION
def explain(
    source: str,
    target: str,
    max_length: int,
    limit: int,
    asserted_only: bool,
    as_json: bool,
    sources: tuple[str, ...],
) -> None:
    """Explain how SOURCE leads to or relates to TARGET, with evidence for every step.

    \b
    Examples:
      msbackpain explain baclofen "back pain"
      msbackpain explain "incorrect use of mobility aids" "back pain" --json
    """
    paths = knowledge_graph(sources).explain(
        source, target, max_length=max_length, limit=limit, inferred=not asserted_only
    )
    if as_json:
        click.echo(json.dumps([p.to_dict() for p in paths], indent=2, ensure_ascii=False))
        return
    if not paths:
        click.echo(f"No path of at most {max_length} edges links {source!r} to {target!r}.")
        return
    for number, path in enumerate(paths, start=1):
        click.secho(f"{number}. {path}", bold=True)
        for relation in path:
            summary = relation.evidence.summary if relation.evidence else ""
            verb = relation.predicate.partition(":")[2]
            step = f"{relation.subject.label} {verb} {relation.object.label}"
            click.echo(f"     {step} {_cite(relation)}")
            if summary:
                click.echo(f"       {summary}")


def _echo_plan(care: CarePlan) -> None:
    click.secho(f"Care plan for: {', '.join(p.label for p in care.pain_types)}", bold=True)
    click.secho("\nTreatments", bold=True)
    for category, recs in care.by_category().items():
        click.echo(f"  {category}:")
        for rec in recs:
            how = "inferred" if rec.inferred else "stated"
            cites = sorted({p for r in rec.reasons if r.evidence for p in r.evidence.paragraphs})
            click.echo(f"    - {rec.treatment.label} ({how}; {','.join(cites)})")
    click.secho("\nTriggers to avoid", bold=True)
    for advice in care.triggers:
        pains = ", ".join(r.object.label for r in advice.triggers)
        action = (
            "; ".join(a.subject.label for a in advice.actions) or "no action named in the source"
        )
        click.echo(f"  - {advice.trigger.label} (triggers {pains}): {action}")
    click.secho("\nCautions", bold=True)
    for caution in care.cautions:
        click.echo(f"  - {caution.subject.label}: {caution.object.label} {_cite(caution)}")
    consult = sorted({r.object.label for r in care.consultations})
    click.echo(f"  Consult first: {', '.join(consult) or '-'}")
    click.secho(
        "\nConflicts to discuss with a doctor", bold=True, fg="yellow" if care.conflicts else None
    )
    for conflict in care.conflicts:
        click.echo(f"  ! {conflict}")
    if not care.conflicts:
        click.echo("  none found")
    click.secho("\nBenefits", bold=True)
    for benefit in care.benefits:
        click.echo(f"  - {benefit.subject.label}: {benefit.object.label} {_cite(benefit)}")
    click.secho("\nNot stated in the source", bold=True)
    for gap in care.gaps:
        click.echo(f"  - {gap.entity.label} ({', '.join(gap.paragraphs)})")


@click.command()
@click.argument("pain_types", nargs=-1, required=True)
@ASSERTED_OPTION
@JSON_OPTION
@SOURCE_OPTION
def plan(
    pain_types: tuple[str, ...], asserted_only: bool, as_json: bool, sources: tuple[str, ...]
) -> None:
    """Build a care plan for a person with the given PAIN_TYPES, flagging conflicts.

    \b
    Examples:
      msbackpain plan "Lhermitte's sign" spasticity
      msbackpain plan "muscle weakness" --json
    """
    care = knowledge_graph(sources).plan(pain_types, inferred=not asserted_only)
    if as_json:
        click.echo(json.dumps(care.to_dict(), indent=2, ensure_ascii=False))
        return
    _echo_plan(care)


@click.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option(
    "--format",
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
def validate(
    files: tuple[str, ...], rdf_format: str | None, shapes: bool | None, reasoner: bool | None
) -> None:
    """Validate RDF FILES strictly, or the bundle (syntax, SHACL shapes, OWL consistency).

    Each FILE is parsed with pyoxigraph's strict parsers; the first error is reported with
    its line. With no FILE the bundled ontology is checked with the SHACL shapes and HermiT.

    \b
    Examples:
      msbackpain validate
      msbackpain validate my-facts.ttl --shapes
      msbackpain validate data.txt --format nt
    """
    from msbackpain.loading import bundled_files
    from msbackpain.validation import check_syntax, file_graph, validate_shapes

    paths = [Path(f) for f in files]
    for path in paths:
        click.echo(f"{path}: {check_syntax(path, format=rdf_format)} statements, syntax OK")
    run_shapes = shapes if shapes is not None else not paths
    run_reasoner = reasoner if reasoner is not None else not paths
    if not (run_shapes or run_reasoner):
        return
    import rdflib

    graph = rdflib.Graph()
    for path in [*bundled_files(), *paths]:
        graph.parse(path, format="turtle" if path.suffix in (".ttl", ".turtle") else None)
    if run_shapes:  # FILEs are checked on their own: the bundle must not hide their faults
        report = validate_shapes(file_graph(paths) if paths else graph)
        if not report.conforms:
            raise UserError(f"SHACL: {len(report.violations)} violation(s)\n{report.summary()}")
        click.echo("SHACL shapes: conform")
    if run_reasoner:
        from msbackpain.reasoning import infer

        result = infer(graph)
        click.echo(
            f"HermiT: consistent ({result.seconds:.2f} s, {len(result.derivations)} inferred facts)"
        )


COMMANDS = [explain, plan, reason, validate]
