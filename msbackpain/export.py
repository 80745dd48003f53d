"""Write the graph to files in the field's exchange formats, atomically.

RDF (Turtle, N-Triples, RDF/XML, JSON-LD) is serialised by pyoxigraph from the backend's
triples, so it works the same on every backend and scales to large background graphs.
Every export is byte-identical from run to run (:mod:`msbackpain._canonical`): blank nodes
get labels hashed from their surroundings and triples are sorted, so each subject is written
once (one RDF/XML description, one Turtle block, one JSON-LD node object). JSON-LD is
compacted with the project prefixes as an inline ``@context``, with nothing to fetch.
GraphML comes from networkx (list and object attributes flattened to strings). KGX nodes
and edges, as TSV or JSON Lines, carry Biolink categories and predicates (:mod:`msbackpain.kgx`).

Every file is written to a temporary file in the same folder, read back, and renamed over
the target only when complete (:mod:`msbackpain._atomic`): an interrupted export never leaves
a truncated file, and an existing file stays untouched when anything fails. A symbolic link
or a device is refused, never replaced. The two KGX files are replaced together: a commit
record makes a process killed between the two renames finish on the next export.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from msbackpain._atomic import atomic_write, atomic_write_all
from msbackpain._canonical import canonical_triples, compact_jsonld
from msbackpain.exceptions import ExportError
from msbackpain.prefixes import MSBP, PREFIXES

if TYPE_CHECKING:
    import pyoxigraph

    from msbackpain.knowledge import KnowledgeGraph

__all__ = ["FORMATS", "atomic_write", "export", "export_format", "rdf_triples"]

#: Export format -> what it writes.
FORMATS: dict[str, str] = {
    "ttl": "Turtle",
    "nt": "N-Triples",
    "xml": "RDF/XML",
    "jsonld": "JSON-LD (compacted with an inline @context of the project prefixes)",
    "graphml": "GraphML (networkx)",
    "kgx-tsv": "KGX nodes and edges as TSV (<name>_nodes.tsv, <name>_edges.tsv)",
    "kgx-jsonl": "KGX nodes and edges as JSON Lines (<name>_nodes.jsonl, <name>_edges.jsonl)",
}
_ALIASES = {
    "turtle": "ttl",
    "ntriples": "nt",
    "n-triples": "nt",
    "rdf": "xml",
    "rdfxml": "xml",
    "rdf/xml": "xml",
    "owl": "xml",
    "json-ld": "jsonld",
    "kgx": "kgx-tsv",
    "tsv": "kgx-tsv",
    "jsonl": "kgx-jsonl",
}
_SUFFIXES = {
    ".ttl": "ttl",
    ".nt": "nt",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".jsonld": "jsonld",
    ".json": "jsonld",
    ".graphml": "graphml",
    ".tsv": "kgx-tsv",
    ".jsonl": "kgx-jsonl",
}
_OXIGRAPH_FORMATS = {"ttl": "TURTLE", "nt": "N_TRIPLES", "xml": "RDF_XML", "jsonld": "JSON_LD"}


def export_format(path: str | os.PathLike[str], format: str | None = None) -> str:
    """Return the export format for ``path``: ``format`` (or an alias of it), else the suffix.

    Raises:
        ExportError: if the format is unknown or cannot be told from the suffix.

    Examples:
        >>> export_format("kg.jsonld"), export_format("kg.out", "turtle")
        ('jsonld', 'ttl')
        >>> export_format("kg.pdf")
        Traceback (most recent call last):
        ...
        msbackpain.exceptions.ExportError: cannot tell the export format of kg.pdf from its \
suffix; choose one of: ttl, nt, xml, jsonld, graphml, kgx-tsv, kgx-jsonl
    """
    known = ", ".join(FORMATS)
    if format is not None:
        name = _ALIASES.get(format.lower(), format.lower())
        if name not in FORMATS:
            raise ExportError(f"unknown export format {format!r}; choose one of: {known}")
        return name
    suffix = Path(path).suffix.lower()
    if suffix not in _SUFFIXES:
        msg = f"cannot tell the export format of {path} from its suffix; choose one of: {known}"
        raise ExportError(msg)
    return _SUFFIXES[suffix]


def rdf_triples(kg: KnowledgeGraph, *, inferred: bool = True) -> list[pyoxigraph.Triple]:
    """Return the triples of ``kg``'s backend; without ``inferred``, only what was asserted.

    Asserted-only drops each materialised inference (a fact whose ``owl:Axiom`` carries
    ``msbp:rule``), its axiom and the ``msbp:via`` steps of the axiom, as
    :func:`msbackpain.reasoning.reason` does before it reasons.
    """
    import pyoxigraph

    text = "".join(f"{s} {p} {o} .\n" for s, p, o in kg.backend.triples())
    # Turtle, not N-Triples: it also reads rdflib's n3() output for multi-line literals.
    triples = [q.triple for q in pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.TURTLE)]
    return triples if inferred else _asserted(triples)


def _asserted(triples: list[pyoxigraph.Triple]) -> list[pyoxigraph.Triple]:
    import pyoxigraph

    rule = pyoxigraph.NamedNode(MSBP + "rule")
    via = pyoxigraph.NamedNode(MSBP + "via")
    owl = PREFIXES["owl"]
    parts = {
        pyoxigraph.NamedNode(owl + "annotatedSource"): 0,
        pyoxigraph.NamedNode(owl + "annotatedProperty"): 1,
        pyoxigraph.NamedNode(owl + "annotatedTarget"): 2,
    }
    axioms = {t.subject for t in triples if t.predicate == rule}
    steps = {t.object for t in triples if t.subject in axioms and t.predicate == via}
    facts: dict[Any, list[Any]] = {a: [None, None, None] for a in axioms}
    for t in triples:
        if t.subject in axioms and t.predicate in parts:
            facts[t.subject][parts[t.predicate]] = t.object
    inferred = {tuple(fact) for fact in facts.values()}
    dropped = axioms | steps
    return [
        t
        for t in triples
        if t.subject not in dropped and (t.subject, t.predicate, t.object) not in inferred
    ]


def export(
    kg: KnowledgeGraph,
    path: str | os.PathLike[str],
    format: str | None = None,
    *,
    inferred: bool = True,
) -> tuple[Path, ...]:
    """Write ``kg`` to ``path`` in ``format`` (by default from the suffix); return the files.

    KGX formats write two files, ``<stem>_nodes`` and ``<stem>_edges``, next to ``path``;
    both are replaced, or neither.

    Args:
        kg: The graph.
        path: The file to write (for KGX: the common stem, with or without suffix).
        format: One of the keys of ``FORMATS`` (or an alias such as ``turtle``, ``json-ld``).
        inferred: Include the materialised inferences (default); ``False`` writes only what
            the source asserts.

    Raises:
        ExportError: for an unknown format or a path that cannot be written (a folder, a
            symbolic link, a device); an existing file is left untouched.

    Examples:
        >>> import msbackpain, tempfile
        >>> kg = msbackpain.load()
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     [p.name for p in export(kg, Path(folder) / "kg.tsv")]
        ['kg_nodes.tsv', 'kg_edges.tsv']
    """
    name = export_format(path, format)
    target = Path(path)
    if name in _OXIGRAPH_FORMATS:
        _write_rdf(kg, target, name, inferred=inferred)
        return (target,)
    if name == "graphml":
        _write_graphml(kg, target, inferred=inferred)
        return (target,)
    from msbackpain.kgx import edge_records, node_records

    suffix = ".tsv" if name == "kgx-tsv" else ".jsonl"
    stem = target.name.removesuffix(suffix)
    for part in ("_nodes", "_edges"):
        stem = stem.removesuffix(part)
    nodes, edges = (
        target.with_name(f"{stem}_nodes{suffix}"),
        target.with_name(f"{stem}_edges{suffix}"),
    )
    from msbackpain.kgx import EDGE_COLUMNS, NODE_COLUMNS

    writer = _write_tsv if name == "kgx-tsv" else _write_jsonl
    check = _read_tsv if name == "kgx-tsv" else _read_jsonl
    kind = FORMATS[name]
    verifiers = [_verifier(nodes, kind, check), _verifier(edges, kind, check)]
    with atomic_write_all([nodes, edges], verifiers) as (node_file, edge_file):
        writer(node_file, NODE_COLUMNS, node_records(kg, inferred=inferred))
        writer(edge_file, EDGE_COLUMNS, edge_records(kg, inferred=inferred))
    return (nodes, edges)


#: Characters XML 1.0 cannot hold, not even as character references.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _refuse_for_xml(target: Path, kind: str, texts: Iterable[tuple[str, str]]) -> None:
    for where, text in texts:
        bad = _NOT_XML.search(text)
        if bad:
            msg = (
                f"cannot write {target} as {kind}: {where} holds the character "
                f"U+{ord(bad.group()):04X}, which XML 1.0 cannot represent; "
                "export Turtle, N-Triples or JSON-LD instead"
            )
            raise ExportError(msg)


def _verifier(target: Path, kind: str, check: Callable[[Path], object]) -> Callable[[Path], None]:
    def verify(temporary: Path) -> None:
        try:
            check(temporary)
        except Exception as err:
            msg = f"cannot write {target} as {kind}: the file would not read back ({err})"
            raise ExportError(msg) from err

    return verify


def _write_rdf(kg: KnowledgeGraph, target: Path, name: str, *, inferred: bool) -> None:
    import pyoxigraph

    fmt = getattr(pyoxigraph.RdfFormat, _OXIGRAPH_FORMATS[name])
    triples = canonical_triples(rdf_triples(kg, inferred=inferred))
    prefixes = None if name in ("nt", "jsonld") else PREFIXES
    if name == "xml":
        _refuse_for_xml(
            target,
            FORMATS[name],
            (
                (f"the value of {t.subject} {t.predicate}", t.object.value)
                for t in triples
                if isinstance(t.object, pyoxigraph.Literal)
            ),
        )

    def read_back(path: Path) -> None:
        for _ in pyoxigraph.parse(path=str(path), format=fmt):
            pass

    with atomic_write(target, _verifier(target, FORMATS[name], read_back)) as handle:
        try:
            if name == "jsonld":
                expanded = pyoxigraph.serialize(triples, format=fmt)
                handle.write(compact_jsonld(expanded or b"[]"))
            else:
                pyoxigraph.serialize(triples, handle, fmt, prefixes=prefixes)
        except ValueError as err:  # e.g. a predicate RDF/XML cannot write as an XML name
            raise ExportError(f"cannot write {target} as {FORMATS[name]}: {err}") from None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple | set | frozenset):
        return "|".join(str(v) for v in value)
    return str(value)


def _write_graphml(kg: KnowledgeGraph, target: Path, *, inferred: bool) -> None:
    import networkx as nx

    source = kg.to_networkx(inferred=inferred)
    flat = nx.MultiDiGraph()
    for node, data in source.nodes(data=True):
        flat.add_node(
            node,
            **{key: _text(data.get(key)) for key in ("label", "category", "definition", "iri")},
            categories=_text(data.get("categories")),
        )
    for u, v, key, data in source.edges(keys=True, data=True):
        evidence = data.get("evidence")
        flat.add_edge(
            u,
            v,
            key=key,
            predicate=_text(data.get("predicate")),
            label=_text(data.get("label")),
            inferred=bool(data.get("inferred")),
            rule=_text(data.get("rule")),
            paragraphs=_text(data.get("paragraphs")),
            evidence=evidence.summary if evidence else "",
            source=evidence.source if evidence else "",
            knowledge_level=evidence.knowledge_level if evidence else "not_provided",
        )
    _refuse_for_xml(
        target,
        FORMATS["graphml"],
        (
            (f"an attribute of {item}", str(value))
            for item, data in [
                *flat.nodes(data=True),
                *((f"{u} -> {v}", d) for u, v, d in flat.edges(data=True)),
            ]
            for value in data.values()
        ),
    )
    with atomic_write(target, _verifier(target, FORMATS["graphml"], nx.read_graphml)) as handle:
        nx.write_graphml(flat, handle, encoding="utf-8")


def _write_tsv(
    handle: IO[bytes], columns: tuple[str, ...], records: Iterable[dict[str, Any]]
) -> None:
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
    out = csv.writer(text, delimiter="\t", lineterminator="\n")
    out.writerow(columns)
    for record in records:
        out.writerow([_text(record.get(column)) for column in columns])
    text.flush()
    text.detach()


def _write_jsonl(
    handle: IO[bytes], columns: tuple[str, ...], records: Iterable[dict[str, Any]]
) -> None:
    for record in records:
        kept = {k: record[k] for k in columns if record.get(k) not in (None, "", [])}
        line = json.dumps(kept, ensure_ascii=False)
        # U+2028/U+2029 are valid in JSON strings but end a line for many readers
        # (Python's str.splitlines among them): escape them so one record stays one line.
        line = line.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        handle.write(line.encode("utf-8") + b"\n")


def _read_tsv(path: Path) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle, delimiter="\t")
        width = len(next(rows))
        for number, row in enumerate(rows, start=2):
            if len(row) != width:
                msg = f"row {number} has {len(row)} fields, not {width}"
                raise ValueError(msg)


def _read_jsonl(path: Path) -> None:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            json.loads(line)
