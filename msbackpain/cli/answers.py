"""CLI commands that answer the domain questions: pain types, causes, triggers, treatments..."""

from __future__ import annotations

import json

import click

from msbackpain.cli._common import ASSERTED_OPTION, GRAPH_OPTIONS, knowledge_graph
from msbackpain.cli._render import (
    FORMAT_OPTION,
    Format,
    echo_rows,
    entity_rows,
    gap_rows,
    relation_rows,
)
from msbackpain.models import RelationList

__all__ = ["COMMANDS"]


def _answer(relations: RelationList, fmt: Format, *, other: str, what: str) -> None:
    rows = relation_rows(relations, other=other)  # type: ignore[arg-type]
    if fmt == "json":
        answer = {
            "results": rows,
            "gaps": gap_rows(relations.gaps),
            "conflicts": [c.to_dict() for c in relations.conflicts],
        }
        click.echo(json.dumps(answer, indent=2, ensure_ascii=False))
        return
    columns = (
        ["label", "relation", "modality", "inferred", "paragraphs", "evidence"]
        if fmt == "table"
        else None
    )
    # A conflict is an answer too: never say "none stated" above one.
    if rows or not relations.conflicts or fmt != "table":
        echo_rows(rows, fmt, columns=columns, empty=f"No {what} stated in the source.")
    if fmt == "table":
        for conflict in relations.conflicts:
            click.secho(f"! Conflict: {conflict}", fg="yellow")
        for gap in relations.gaps:
            click.secho(
                f"Not stated in the source: {gap.entity.label} ({', '.join(gap.paragraphs)}).",
                fg="yellow",
            )


@click.command("pain-types")
@FORMAT_OPTION
@GRAPH_OPTIONS
def pain_types(fmt: Format, sources: tuple[str, ...]) -> None:
    """List the kinds of back pain people with MS experience.

    \b
    Example:
      msbackpain pain-types
    """
    echo_rows(entity_rows(knowledge_graph(sources).pain_types()), fmt)


@click.command()
@click.argument("condition")
@ASSERTED_OPTION
@FORMAT_OPTION
@GRAPH_OPTIONS
def treatments(condition: str, asserted_only: bool, fmt: Format, sources: tuple[str, ...]) -> None:
    """List treatments for CONDITION, each with its evidence.

    Inferred treatments (of a drug's class, for example) are marked and cite every paragraph
    they rest on; the MODALITY column gives the source's hedge ("may help"). A treatment
    that involves a factor which brings on a pain type is flagged as a conflict.

    \b
    Examples:
      msbackpain treatments "Lhermitte's sign"
      msbackpain treatments spasticity --asserted-only --format json
    """
    kg = knowledge_graph(sources)
    _answer(
        kg.treatments_for(condition, inferred=not asserted_only),
        fmt,
        other="subject",
        what="treatments",
    )


@click.command()
@click.argument("pain")
@ASSERTED_OPTION
@FORMAT_OPTION
@GRAPH_OPTIONS
def triggers(pain: str, asserted_only: bool, fmt: Format, sources: tuple[str, ...]) -> None:
    """List what triggers PAIN, and say where the source's list is missing.

    \b
    Examples:
      msbackpain triggers spasticity
      msbackpain triggers "neuropathic pain"
    """
    kg = knowledge_graph(sources)
    _answer(kg.triggers_of(pain, inferred=not asserted_only), fmt, other="subject", what="triggers")


@click.command()
@click.argument("condition")
@ASSERTED_OPTION
@FORMAT_OPTION
@GRAPH_OPTIONS
def causes(condition: str, asserted_only: bool, fmt: Format, sources: tuple[str, ...]) -> None:
    """List what causes or contributes to CONDITION.

    \b
    Examples:
      msbackpain causes "muscle weakness"
      msbackpain causes "neuropathic pain" --asserted-only
    """
    kg = knowledge_graph(sources)
    _answer(
        kg.causes_of(condition, inferred=not asserted_only), fmt, other="subject", what="causes"
    )


@click.command()
@click.argument("condition")
@ASSERTED_OPTION
@FORMAT_OPTION
@GRAPH_OPTIONS
def qualities(condition: str, asserted_only: bool, fmt: Format, sources: tuple[str, ...]) -> None:
    """Describe CONDITION: how it feels, where, how long and how strong.

    \b
    Example:
      msbackpain qualities "Lhermitte's sign"
    """
    kg = knowledge_graph(sources)
    _answer(
        kg.qualities_of(condition, inferred=not asserted_only),
        fmt,
        other="object",
        what="qualities",
    )


@click.command()
@click.argument("treatment")
@ASSERTED_OPTION
@FORMAT_OPTION
@GRAPH_OPTIONS
def benefits(treatment: str, asserted_only: bool, fmt: Format, sources: tuple[str, ...]) -> None:
    """List the benefits of TREATMENT.

    \b
    Example:
      msbackpain benefits "water aerobics"
    """
    kg = knowledge_graph(sources)
    _answer(
        kg.benefits_of(treatment, inferred=not asserted_only), fmt, other="object", what="benefits"
    )


@click.command()
@click.argument("subject")
@ASSERTED_OPTION
@FORMAT_OPTION
@GRAPH_OPTIONS
def cautions(subject: str, asserted_only: bool, fmt: Format, sources: tuple[str, ...]) -> None:
    """List cautions for a treatment or pain type, who to consult first, and conflicts.

    A conflict is a treatment that involves a factor which brings on a pain type (heat and
    Lhermitte's sign, for instance): listed for the treatment and for the pain type.

    \b
    Example:
      msbackpain cautions baclofen
    """
    kg = knowledge_graph(sources)
    _answer(
        kg.cautions_for(subject, inferred=not asserted_only), fmt, other="object", what="cautions"
    )


@click.command()
@FORMAT_OPTION
@GRAPH_OPTIONS
def gaps(fmt: Format, sources: tuple[str, ...]) -> None:
    """List what the source leaves unstated (lists missing from our copy).

    \b
    Example:
      msbackpain gaps --format json
    """
    echo_rows(gap_rows(knowledge_graph(sources).gaps()), fmt)


COMMANDS = [benefits, causes, cautions, gaps, pain_types, qualities, treatments, triggers]
