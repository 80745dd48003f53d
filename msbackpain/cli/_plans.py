"""Print care plans and explanations for the terminal (``plan`` and ``explain``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import click

from msbackpain.careplan import Advice, CarePlan, Recommendation
from msbackpain.models import Entity, Path, Relation
from msbackpain.provenance import citation

__all__ = ["echo_paths", "echo_plan", "reason_line"]

#: How a path that is not a chain of reasons is labelled.
CONNECTION_ONLY = "connection only, not a reason"


def _hedged(relation: Relation) -> str:
    modality = relation.evidence.modality if relation.evidence else None
    return f"{modality}; {citation(relation)}" if modality else citation(relation)


def reason_line(reasons: Iterable[Relation]) -> str:
    """Say, per pain type, how the source supports a treatment or trigger (hedge, citation).

    Examples:
        >>> import msbackpain
        >>> kg = msbackpain.load()
        >>> reason_line([kg.relation(("msbp:Heat", "msbp:triggers", "msbp:LhermittesSign"))])
        "Lhermitte's sign: stated in P12,P13"
    """
    return "; ".join(f"{r.object.label}: {_hedged(r)}" for r in reasons)


def _for(pains: Sequence[Entity]) -> str:
    return ", ".join(p.label for p in pains)


def _recommendation(rec: Recommendation) -> str:
    return f"    - {rec.treatment.label} (for {reason_line(rec.reasons)})"


def _advice(advice: Advice) -> str:
    return (
        f"  - {advice.subject.label}: {advice.object.label} "
        f"(for {_for(advice.pains)}; {_hedged(advice.relation)})"
    )


def _notes(care: CarePlan, section: str) -> None:
    for note in care.notes_for(section):
        click.echo(f"  {note[0].upper()}{note[1:]}.")


def echo_plan(care: CarePlan) -> None:
    """Print ``care``: every line says which pain type it is for and where the source says it."""
    click.secho(f"Care plan for: {_for(care.pain_types)}", bold=True)
    click.secho("\nTreatments", bold=True)
    for category, recs in care.by_category().items():
        click.echo(f"  {category}:")
        for rec in recs:
            click.echo(_recommendation(rec))
    _notes(care, "treatments")
    click.secho("\nTriggers to avoid", bold=True)
    for advice in care.triggers:
        action = (
            "; ".join(a.subject.label for a in advice.actions) or "no action named in the source"
        )
        click.echo(
            f"  - {advice.trigger.label} (brings on {reason_line(advice.triggers)}): {action}"
        )
    _notes(care, "triggers")
    click.secho("\nCautions", bold=True)
    for caution in care.cautions:
        click.echo(_advice(caution))
    _notes(care, "cautions")
    if care.consultations:
        click.echo("  Consult first:")
        for consult in care.consultations:
            click.echo("  " + _advice(consult))
    click.secho(
        "\nConflicts to discuss with a doctor", bold=True, fg="yellow" if care.conflicts else None
    )
    for conflict in care.conflicts:
        click.echo(f"  ! {conflict}")
    _notes(care, "conflicts")
    if not care.conflicts and care.conflicts_checked:
        click.echo("  none found")
    click.secho("\nBenefits", bold=True)
    for benefit in care.benefits:
        click.echo(f"  - {benefit.subject.label}: {benefit.object.label} ({_hedged(benefit)})")
    click.secho("\nNot stated in the source", bold=True)
    for gap in care.gaps:
        click.echo(f"  - {gap.entity.label} ({', '.join(gap.paragraphs)})")


def echo_paths(paths: Sequence[Path]) -> None:
    """Print ranked paths: chains of reasons first, the others labelled as mere connections."""
    for number, path in enumerate(paths, start=1):
        label = "" if path.justification else f"  [{CONNECTION_ONLY}]"
        click.secho(f"{number}. {path}{label}", bold=True)
        for relation in path:
            summary = relation.evidence.summary if relation.evidence else ""
            verb = relation.predicate.partition(":")[2]
            step = f"{relation.subject.label} {verb} {relation.object.label}"
            click.echo(f"     {step} [{_hedged(relation)}]")
            if summary:
                click.echo(f"       {summary}")
