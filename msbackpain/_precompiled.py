"""The precompiled answers of the bundle: every named query's rows, read from one JSON file.

The bundle never changes once it is built, so ``tools/build_index.py`` (``make index``) asks
every named query of it once, on the rdflib backend, for every entity when the query takes
one, and writes the rows to ``ontology/answers.json``. The file records the SHA-256 of every
input (the two bundle files and each ``queries/*.rq``): :func:`read` returns ``None`` when any
input differs, and the caller then answers from a store as before. A stale file can slow a
start down but never change an answer.

Examples:
    >>> index = read()
    >>> index is not None and index.triples > 5000
    True
    >>> sorted(row["subject"] for row in index.result("triggers_of", _iri("Spasticity")))[:1]
    ['msbp:ExtremeTemperatures']
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from msbackpain._resources import INFERRED_FILE, ONTOLOGY_FILE, ontology_dir, queries_dir
from msbackpain.prefixes import compress, expand
from msbackpain.results import XSD_STRING, BlankNode, Literal, QueryResult, Row, Value, iri

__all__ = [
    "FORMAT",
    "INDEX_FILE",
    "BlankNodes",
    "Precompiled",
    "compile_index",
    "inputs",
    "pack",
    "read",
    "unpack",
]

#: The layout version of the file; a file of another version is ignored. Version 2 keeps
#: every value's RDF term (see :func:`pack`); version 1 kept strings only.
FORMAT = 2
#: The file's name inside the ontology folder.
INDEX_FILE = "answers.json"
#: The key of a query's answer when it takes no parameter.
NO_PARAMETER = ""


def _iri(local: str) -> str:
    return f"https://w3id.org/msbackpain/{local}"


def inputs() -> dict[str, str]:
    """Return ``{file: SHA-256}`` of every file the answers are computed from.

    Examples:
        >>> sorted(inputs())[:3]
        ['inferred.ttl', 'msbackpain.ttl', 'queries/benefits_of.rq']
    """
    files = [ontology_dir() / ONTOLOGY_FILE, ontology_dir() / INFERRED_FILE]
    names = [ONTOLOGY_FILE, INFERRED_FILE]
    for rq in sorted(queries_dir().glob("*.rq")):
        files.append(rq)
        names.append(f"queries/{rq.name}")
    return {
        name: hashlib.sha256(path.read_bytes()).hexdigest()
        for name, path in zip(names, files, strict=True)
        if path.exists()
    }


@dataclass(frozen=True, slots=True)
class Precompiled:
    """The answers of the bundle's named queries, keyed by query name and parameter IRI."""

    triples: int
    answers: Mapping[str, Mapping[str, Any]]

    def result(self, name: str, iri: str = NO_PARAMETER) -> QueryResult | None:
        """Return the rows of query ``name`` bound to ``iri`` (or unbound), if precompiled."""
        table = self.answers.get(name)
        if table is None:
            return None
        packed = table["results"].get(iri)
        if packed is None:
            return None
        variables: tuple[str, ...] = tuple(table["variables"])
        rows = tuple(Row(zip(variables, map(unpack, row), strict=True)) for row in packed)
        return QueryResult(variables, rows, table["boolean"])


def pack(value: Value) -> str | None:
    """Write a term as the index stores it: a CURIE or ``<iri>``, ``_:id``, or ``"lexical"...``.

    A literal is its lexical form in quotes followed by ``@lang`` or ``^^datatype`` (a CURIE or
    ``<iri>``); nothing is escaped, because the suffix never holds a quote.

    Examples:
        >>> pack(iri("https://w3id.org/msbackpain/Heat")), pack(Literal("heat", language="en"))
        ('msbp:Heat', '"heat"@en')
        >>> pack(Literal("2", "http://www.w3.org/2001/XMLSchema#integer"))
        '"2"^^xsd:integer'
        >>> unpack(pack(Literal('say "hi"'))) == Literal('say "hi"')
        True
    """
    if value is None:
        return None
    if isinstance(value, Literal):
        if value.language:
            return f'"{value}"@{value.language}'
        if value.datatype == XSD_STRING:
            return f'"{value}"'
        return f'"{value}"^^{_short(value.datatype)}'
    if isinstance(value, BlankNode):
        return str(value)
    return _short(value.iri)


def _short(full: str) -> str:
    compact = compress(full)
    return compact if compact != full and expand(compact) == full else f"<{full}>"


def unpack(text: str | None) -> Value:
    """Read back a term written by :func:`pack`.

    Examples:
        >>> unpack('"5"^^xsd:integer').value, unpack("msbp:Heat").iri, unpack(None)
        (5, 'https://w3id.org/msbackpain/Heat', None)
    """
    if text is None:
        return None
    if text.startswith('"'):
        end = text.rindex('"')
        lexical, suffix = text[1:end], text[end + 1 :]
        if suffix.startswith("@"):
            return Literal(lexical, language=suffix[1:])
        return Literal(lexical, _long(suffix[2:]) if suffix else None)
    if text.startswith("_:"):
        return BlankNode(text)
    return iri(_long(text))


def _long(short: str) -> str:
    return short[1:-1] if short.startswith("<") else expand(short) or short


def read(path: Path | None = None) -> Precompiled | None:
    """Return the precompiled answers, or ``None`` if the file is missing, unreadable or stale.

    ``load()`` calls this once per process (its default graph is cached).
    """
    path = path or ontology_dir() / INDEX_FILE
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return None
    if document.get("inputs") != inputs():
        return None
    return Precompiled(int(document["triples"]), document["answers"])


def compile_index(
    run: Any, queries: Iterable[Any], entity_iris: Iterable[str], triples: int
) -> str:
    """Return the text of the index file: each query's rows, for each entity IRI if it takes one.

    Args:
        run: ``run(query, bindings) -> QueryResult`` evaluating a named query on the bundle.
        queries: The named queries (:class:`msbackpain.queries.NamedQuery`); only those with
            no parameter or one IRI parameter are precompiled.
        entity_iris: The IRIs an IRI parameter is bound to.
        triples: The number of triples in the bundle.
    """
    from msbackpain.backends.base import IRI

    iris = sorted(set(entity_iris))
    answers: dict[str, Any] = {}
    blank = BlankNodes()
    for query in queries:
        kinds = [p.kind for p in query.parameters]
        if kinds not in ([], ["iri"]):
            continue
        keys = iris if kinds else [NO_PARAMETER]
        results: dict[str, list[list[str | None]]] = {}
        variables: tuple[str, ...] = ()
        boolean: bool | None = None
        for key in keys:
            bindings = {query.parameters[0].name: IRI(key)} if kinds else {}
            result: QueryResult = run(query, bindings)
            variables, boolean = result.variables, result.boolean
            joined = concatenated(query.text)
            rows = [
                [pack(blank(_sorted_parts(row[v]) if v in joined else row[v])) for v in variables]
                for row in result.rows
            ]
            results[blank.key(key)] = rows
        answers[query.name] = {"variables": list(variables), "boolean": boolean, "results": results}
    return _dump({"format": FORMAT, "inputs": inputs(), "triples": triples, "answers": answers})


_GROUP_CONCAT = re.compile(
    r"GROUP_CONCAT\s*\([^;]*;\s*separator\s*=\s*\",\"\s*\)\s*AS\s+\?(\w+)", re.IGNORECASE
)


def concatenated(text: str) -> frozenset[str]:
    """The variables of ``text`` that ``GROUP_CONCAT(...; separator=",")`` produces.

    SPARQL leaves the order of a ``GROUP_CONCAT`` to the engine (rdflib's ``DISTINCT`` one
    follows a set, so it changes from process to process); the index sorts their parts, as the
    domain methods do, so that it is the same on every build.

    Examples:
        >>> sorted(concatenated('SELECT (GROUP_CONCAT(DISTINCT ?p; separator=",") AS ?ps) {}'))
        ['ps']
    """
    return frozenset(_GROUP_CONCAT.findall(text))


def _sorted_parts(value: Value) -> Value:
    if not isinstance(value, Literal):
        return value
    return Literal(",".join(sorted(value.split(","))), value.datatype, value.language)


class BlankNodes:
    """Relabel blank nodes ``_:N<random>`` as ``_:b0``, ``_:b1``... in order of first sight.

    rdflib draws a blank node's label at random on every parse; the index keeps them stable
    so that it can be regenerated byte for byte, and relabels them consistently across all
    queries so that joins on them (an entity's id in two answers) still hold.

    Examples:
        >>> blank = BlankNodes()
        >>> [blank(BlankNode("Nf00")), blank(Literal("_:x")), blank(BlankNode("Nba1")),
        ...  blank(BlankNode("Nf00")), blank(None)]
        ['_:b0', '_:x', '_:b1', '_:b0', None]
        >>> blank.key("_:Nba1"), blank.key("https://w3id.org/msbackpain/Heat")
        ('_:b1', 'https://w3id.org/msbackpain/Heat')
    """

    def __init__(self) -> None:
        self._labels: dict[str, BlankNode] = {}

    def __call__(self, value: Value) -> Value:
        """Return ``value``, relabelled if it is a blank node."""
        if not isinstance(value, BlankNode):
            return value
        return self._labels.setdefault(value, BlankNode(f"b{len(self._labels)}"))

    def key(self, text: str) -> str:
        """Return a parameter's IRI, or a blank node's label (``_:id``) relabelled."""
        return str(self(BlankNode(text))) if text.startswith("_:") else text


def _dump(document: Mapping[str, Any]) -> str:
    # One line per query and per answer keeps the file's diffs readable after a rebuild.
    lines = ["{"]
    for field in ("format", "inputs", "triples"):
        lines.append(f"{json.dumps(field)}: {json.dumps(document[field], sort_keys=True)},")
    lines.append('"answers": {')
    names = sorted(document["answers"])
    for i, name in enumerate(names):
        table = document["answers"][name]
        head = json.dumps({"variables": table["variables"], "boolean": table["boolean"]})
        lines.append(f"{json.dumps(name)}: {head[:-1]}, " + '"results": {')
        keys = sorted(table["results"])
        for j, key in enumerate(keys):
            row = json.dumps(table["results"][key], ensure_ascii=False)
            lines.append(f"{json.dumps(key)}: {row}" + ("," if j < len(keys) - 1 else ""))
        lines.append("}}" + ("," if i < len(names) - 1 else ""))
    lines.append("}}")
    return "\n".join(lines) + "\n"
