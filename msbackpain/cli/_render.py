"""Render results for the terminal: aligned tables, JSON, CSV and TSV (the CLI's only printer)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

import click

from msbackpain.models import Entity, KnowledgeGap, QueryResult, Relation

__all__ = ["FORMAT_OPTION", "Format", "echo_rows", "entity_rows", "relation_rows", "rows_of"]

Format = Literal["table", "json", "csv", "tsv"]
Row = Mapping[str, object]

FORMAT_OPTION = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "tsv"]),
    default="table",
    show_default=True,
    help="Output format.",
)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ",".join(_cell(v) for v in value)
    return str(value)


def _table(rows: Sequence[Row], columns: Sequence[str], *, width: int = 60) -> str:
    if not rows:
        return ""
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    cells = [[c if len(c) <= width else c[: width - 1] + "…" for c in line] for line in cells]
    widths = [max(len(c), *(len(line[i]) for line in cells)) for i, c in enumerate(columns)]
    head = "  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True))
    body = [
        "  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip() for line in cells
    ]
    return "\n".join([head.rstrip(), *body])


def echo_rows(
    rows: Sequence[Row], fmt: Format, *, columns: Sequence[str] | None = None, empty: str = ""
) -> None:
    """Print ``rows`` in ``fmt``; tables truncate long cells, the other formats never do."""
    columns = list(columns or (rows[0].keys() if rows else []))
    if fmt == "json":
        click.echo(json.dumps(list(rows), indent=2, ensure_ascii=False, default=str))
        return
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[_cell(row.get(c)) for c in columns] for row in rows])
        click.echo(buffer.getvalue(), nl=False)
        return
    if not rows and empty:
        click.echo(empty)
        return
    click.echo(_table(rows, columns))


def relation_rows(
    relations: Iterable[Relation], *, other: Literal["subject", "object"]
) -> list[dict[str, object]]:
    """Flatten relations to rows, naming the entity on the ``other`` side of the question."""
    rows: list[dict[str, object]] = []
    for r in relations:
        entity = r.subject if other == "subject" else r.object
        rows.append(
            {
                "id": entity.id,
                "label": entity.label,
                "relation": r.predicate.partition(":")[2] or r.predicate,
                "modality": r.evidence.modality if r.evidence else None,
                "inferred": r.inferred,
                "paragraphs": list(r.evidence.paragraphs) if r.evidence else [],
                "evidence": r.evidence.summary if r.evidence else "",
                "rule": r.rule or "",
            }
        )
    return rows


def entity_rows(entities: Iterable[Entity]) -> list[dict[str, object]]:
    """Flatten entities to rows: id, label, categories, definition."""
    return [
        {
            "id": e.id,
            "label": e.label,
            "categories": [c.partition(":")[2] for c in e.categories],
            "definition": e.definition or "",
        }
        for e in entities
    ]


def gap_rows(gaps: Iterable[KnowledgeGap]) -> list[dict[str, object]]:
    """Flatten knowledge gaps to rows."""
    return [
        {
            "id": g.entity.id,
            "label": g.entity.label,
            "concerns": [c.label for c in g.concerns],
            "paragraphs": list(g.paragraphs),
            "definition": g.entity.definition or "",
        }
        for g in gaps
    ]


def rows_of(result: QueryResult) -> list[dict[str, object]]:
    """Return a query result's rows as plain dictionaries."""
    return [dict(row) for row in result]
