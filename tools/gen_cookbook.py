"""Generate the query cookbook ``docs/cookbook.md`` from the headers of ``queries/*.rq``.

Each named query gets its description, the competency questions it answers, its parameters,
a call with the example binding of its ``# example: NAME=VALUE`` header line, its result on
the bundle and its SPARQL text. ``--check`` exits 1 when the page is stale; a test runs it.
Rows are shown in the query's own order when it has ``ORDER BY``, sorted otherwise (rows
about blank nodes last); comma lists made by ``GROUP_CONCAT`` (whose order SPARQL leaves
open) are sorted and blank node labels shown as ``_:b``, so the page is the same on every run.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _generated import write_or_check  # noqa: E402

import msbackpain  # noqa: E402
from msbackpain.queries import NamedQuery, list_queries  # noqa: E402

OUT = ROOT / "docs" / "cookbook.md"
MAX_ROWS = 8
MAX_CELL = 72
_EXAMPLE = re.compile(r"^#\s*example:\s*(\w+)\s*=\s*(.+?)\s*$")
_ID_LIST = re.compile(r"^[\w:./#-]+(?:,[\w:./#-]+)+$")
_CQ = re.compile(r"CQ\d+")
_BLANK = re.compile(r"_:[A-Za-z0-9]+")


def examples(query: NamedQuery) -> dict[str, str | int]:
    """Return the example bindings declared by the ``# example:`` lines of ``query``'s header.

    Raises:
        ValueError: if a parameter has no example, or an example names no parameter.
    """
    found: dict[str, str | int] = {}
    for line in query.text.splitlines():
        if not line.startswith("#"):
            break
        match = _EXAMPLE.match(line)
        if match:
            found[match.group(1)] = match.group(2)
    kinds = {p.name: p.kind for p in query.parameters}
    missing = sorted(set(kinds) - set(found))
    unknown = sorted(set(found) - set(kinds))
    if missing or unknown:
        msg = (
            f"{query.path.name}: every parameter needs one '# example: NAME=VALUE' header line "
            f"(missing: {', '.join(missing) or '-'}; not parameters: {', '.join(unknown) or '-'})"
        )
        raise ValueError(msg)
    return {k: int(v) if kinds[k] == "integer" else v for k, v in found.items()}


def _cell(value: str | None) -> str:
    if value is None:
        return ""
    text = ",".join(sorted(value.split(","))) if _ID_LIST.match(value) else value
    text = _BLANK.sub("_:b", " ".join(text.split()))  # blank node labels change every run
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - 1] + "…"
    return text.replace("|", "\\|")


def _rows(query: NamedQuery, result: msbackpain.QueryResult) -> list[list[str]]:
    rows = [[_cell(row.get(v)) for v in result.variables] for row in result]
    if not re.search(r"\bORDER\s+BY\b", query.text, re.IGNORECASE):
        rows.sort(key=lambda row: (any(c.startswith("_:") for c in row), row))
    return rows


def _call(query: NamedQuery, params: Mapping[str, str | int]) -> str:
    if not params:
        return f'rows = kg.run("{query.name}")'
    if all(name.isidentifier() and name not in ("class", "from") for name in params):
        args = ", ".join(f"{k}={v!r}" for k, v in params.items())
        return f'rows = kg.run("{query.name}", {args})'
    return f'rows = kg.run("{query.name}", **{dict(params)!r})'


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    return [
        "| " + " | ".join(header) + " |",
        "| " + " | ".join("---" for _ in header) + " |",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


def _section(kg: msbackpain.KnowledgeGraph, query: NamedQuery) -> list[str]:
    params = examples(query)
    result = kg.run(query.name, **params)
    rows = _rows(query, result)
    lines = [f"## `{query.name}`", "", query.description, ""]
    answers = _CQ.findall(query.answers)
    if answers:
        links = ", ".join(
            f"[{cq}](guides/ontology.md#questions-the-ontology-answers)" for cq in answers
        )
        lines += [f"Answers {links}.", ""]
    if query.parameters:
        lines += _table(
            ["parameter", "kind", "meaning", "example"],
            [
                [f"`{p.name}`", p.kind, p.description, f"`{params[p.name]}`"]
                for p in query.parameters
            ],
        )
        lines.append("")
    lines += ["```python", _call(query, params), "```", ""]
    shown = f"the first {MAX_ROWS} shown" if len(rows) > MAX_ROWS else "all shown"
    noun = "row" if len(rows) == 1 else "rows"
    lines += [f"Result on the bundle: {len(rows)} {noun}, {shown}.", ""]
    if rows:
        lines += [*_table([f"`{v}`" for v in result.variables], rows[:MAX_ROWS]), ""]
    text = "\n".join(line for line in query.text.strip().splitlines())
    lines += [f"`queries/{query.path.name}`:", "", "```sparql", text, "```", ""]
    return lines


def build() -> str:
    """Return the Markdown text of the cookbook."""
    kg = msbackpain.load()
    queries = list_queries()
    lines = [
        "<!-- GENERATED by tools/gen_cookbook.py from queries/*.rq; do not edit. -->",
        "# Query cookbook",
        "",
        f"The {len(queries)} named SPARQL queries of `queries/`, each with its parameters, a call,",
        "its result on the bundled graph and its text. The domain methods of `KnowledgeGraph`",
        "run these queries; `msbackpain run NAME -p KEY=VALUE` runs them on the command line.",
        "How to write one: [named queries](guides/queries.md#adding-a-named-query).",
        "",
        "Long cells are shortened with `…`; IRIs are shown as CURIEs. Every example below uses",
        "this graph:",
        "",
        "```python",
        "import msbackpain",
        "",
        "kg = msbackpain.load()",
        "```",
        "",
        *_table(
            ["query", "parameters", "what it answers"],
            [
                [
                    f"[`{q.name}`](#{q.name.replace('_', '_')})",
                    ", ".join(f"`{p.name}`" for p in q.parameters),
                    q.description.replace("|", "\\|"),
                ]
                for q in queries
            ],
        ),
        "",
    ]
    for query in queries:
        lines += _section(kg, query)
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the cookbook, or with ``--check`` report whether it is stale."""
    description = (__doc__ or "").splitlines()[0]
    return write_or_check(description, OUT, build, "make docs-cookbook", argv)


if __name__ == "__main__":
    sys.exit(main())
