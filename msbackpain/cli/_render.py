"""Render results for the terminal: aligned tables, JSON, CSV and TSV (the CLI's only printer)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

import click

from msbackpain.cli._common import WIDE, format_options
from msbackpain.models import Entity, KnowledgeGap, QueryResult, Relation

__all__ = [
    "FORMAT_OPTION",
    "Format",
    "echo_rows",
    "entity_rows",
    "relation_rows",
    "rows_of",
    "table_width",
]

Format = Literal["table", "json", "csv", "tsv"]
Row = Mapping[str, object]

#: ``--format table|json|csv|tsv``, ``--json`` (= ``--format json``) and ``--wide``.
FORMAT_OPTION = format_options("table", "json", "csv", "tsv", wide=True)

_MIN_COLUMN = 12  # a wrapped column is never narrower than this


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ",".join(_cell(v) for v in value)
    return str(value)


def table_width() -> int | None:
    """Return the width tables wrap to: the terminal's, or ``None`` (no wrapping).

    Tables wrap only when stdout is a terminal and ``--wide`` was not given; piped or
    redirected output keeps every row on one line, whole.
    """
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.meta.get(WIDE):
        return None
    if not sys.stdout.isatty():
        return None
    return shutil.get_terminal_size().columns


def _prose_widths(
    natural: Sequence[int], width: int, prose: Sequence[bool], words: Sequence[int]
) -> list[int] | None:
    """Give the widest prose column the room, the other prose columns narrowed to their words.

    Returns None when even then the widest column cannot hold its own longest word.
    """
    widths = list(natural)
    flexible = [i for i, p in enumerate(prose) if p]
    room = (
        width - 2 * (len(widths) - 1) - sum(w for w, p in zip(widths, prose, strict=True) if not p)
    )
    widest = max(flexible, key=lambda i: widths[i])
    target = min(natural[widest], max(words[widest], 30))
    for i in sorted((i for i in flexible if i != widest), key=lambda i: -widths[i]):
        short = target - (room - sum(widths[j] for j in flexible if j != widest))
        if short <= 0:
            break
        widths[i] -= min(short, widths[i] - max(words[i], _MIN_COLUMN, 1))
    widths[widest] = room - sum(widths[j] for j in flexible if j != widest)
    return widths if widths[widest] >= max(words[widest], _MIN_COLUMN) else None


def _column_widths(
    natural: Sequence[int],
    width: int | None,
    *,
    prose: Sequence[bool] | None = None,
    words: Sequence[int] | None = None,
) -> list[int]:
    """Share ``width`` among columns: narrow ones keep their width, wide ones share the rest.

    Columns of ``prose`` (cells with spaces) are shrunk first, so ids and labels stay whole
    while there is room for them; with ``words`` (each column's longest word) the widest prose
    column, the evidence, keeps the room and no word is cut while that is possible.
    """
    widths = list(natural)
    if width is None or sum(widths) + 2 * (len(widths) - 1) <= width:
        return widths
    if prose is not None and words is not None and any(prose):
        fitted = _prose_widths(natural, width, prose, words)
        if fitted is not None:
            return fitted
    if prose is not None and any(prose):
        fixed = sum(w for w, p in zip(widths, prose, strict=True) if not p)
        flexible = [w for w, p in zip(widths, prose, strict=True) if p]
        room = width - fixed - 2 * (len(widths) - len(flexible))
        if room >= len(flexible) * (_MIN_COLUMN + 2):
            shared = iter(_column_widths(flexible, room))
            return [next(shared) if p else w for w, p in zip(widths, prose, strict=True)]
    room = width - 2 * (len(widths) - 1)
    wide = sorted(range(len(widths)), key=lambda i: widths[i])
    while wide:
        share = room // len(wide)
        if widths[wide[0]] > share:
            break
        room -= widths[wide.pop(0)]  # fits in its share: keep it whole
    for position, i in enumerate(wide):
        widths[i] = max(_MIN_COLUMN, room // (len(wide) - position))
        room -= widths[i]
    return widths


def _table(rows: Sequence[Row], columns: Sequence[str], *, width: int | None = None) -> str:
    """Return ``rows`` as an aligned table; cells wider than their column wrap onto more lines.

    Examples:
        >>> print(_table([{"a": "x", "b": "one two three four"}], ["a", "b"], width=16))
        A  B
        x  one two three
           four
    """
    if not rows:
        return ""
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    natural = [max(len(c), *(len(line[i]) for line in cells)) for i, c in enumerate(columns)]
    prose = [any(" " in line[i] for line in cells) for i in range(len(columns))]
    words = [
        max(len(word) for line in cells for word in [*line[i].split(), ""])
        for i in range(len(columns))
    ]
    widths = _column_widths(natural, width, prose=prose, words=words)
    head = "  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True))
    lines = [head.rstrip()]
    for line in cells:
        wrapped = [
            textwrap.wrap(cell, w, break_on_hyphens=False) or [""] if len(cell) > w else [cell]
            for cell, w in zip(line, widths, strict=True)
        ]
        for n in range(max(len(parts) for parts in wrapped)):
            parts = [p[n] if n < len(p) else "" for p in wrapped]
            lines.append("  ".join(v.ljust(w) for v, w in zip(parts, widths, strict=True)).rstrip())
    return "\n".join(lines)


def echo_rows(
    rows: Sequence[Row], fmt: Format, *, columns: Sequence[str] | None = None, empty: str = ""
) -> None:
    """Print ``rows`` in ``fmt``; tables wrap long cells to the terminal, never cutting them."""
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
    click.echo(_table(rows, columns, width=table_width()))


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
