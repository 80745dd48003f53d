"""Compile ``ontology/src/`` (schema, entities, cited edges, xrefs, gaps) into ``ontology/msbackpain.ttl``.

The curated sources are small tables that reviewers can read row by row; this script checks
them (every id known, every predicate declared, every paragraph id well formed, every xref
taken from the verified reference table) and writes one sorted, diff-friendly Turtle file in
which every asserted edge carries an ``owl:Axiom`` with its provenance. Errors name the file
and line. Run it with ``make ontology`` (or ``python tools/build_ontology.py``); ``--check``
exits 1 when the committed file is stale.
"""

from __future__ import annotations

import csv
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, Namespace
from rdflib.namespace import OWL, RDF

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _generated import write_or_check

from msbackpain.prefixes import XREF_PREFIXES

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "ontology" / "src"
OUT = ROOT / "ontology" / "msbackpain.ttl"
REFERENCE = ROOT / "ontology" / "reference" / "xrefs.tsv"
MSBP = Namespace("https://w3id.org/msbackpain/")
SOURCE_IRI = "https://www.healthline.com/health/multiple-sclerosis/back-pain"
PARAGRAPH = re.compile(r"^P(0[1-9]|[1-4][0-9])$")

MATCH_PROPERTY = {
    "exact": "skos:exactMatch",
    "close": "skos:closeMatch",
    "broad": "skos:broadMatch",
    "narrow": "skos:narrowMatch",
    "related": "skos:relatedMatch",
}
#: How far a curator may move a reference match (xref_overrides.tsv): only to a weaker claim.
DOWNGRADES = {
    "exact": {"close", "broad", "narrow", "related", "drop"},
    "close": {"broad", "narrow", "related", "drop"},
    "broad": {"related", "drop"},
    "narrow": {"related", "drop"},
    "related": {"drop"},
}
#: The closed vocabulary of the edges.tsv ``modality`` column (empty: stated plainly).
MODALITIES = (
    "may help",
    "may be recommended",
    "certain types of",
    "add-on when usual care is not enough",
)
#: The predicates whose edges are treatment claims and may carry a modality.
HEDGED_PREDICATES = {"treats", "alleviates", "prevents", "indicatedFor", "hasBenefit"}
BANNER = """\
# GENERATED FILE: do not edit. Sources: ontology/src/ (schema.ttl, entities.tsv, edges.tsv,
# xref_entities.tsv, xref_overrides.tsv, gaps.tsv); rebuild with `make ontology`.
"""


class BuildError(Exception):
    """A problem in the curated sources, with the file and line it is on."""


@dataclass(frozen=True)
class Row:
    """One data row of a TSV file, remembering where it came from."""

    path: Path
    line: int
    values: dict[str, str]

    def where(self) -> str:
        """Return ``file:line`` for error messages."""
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def read_tsv(path: Path) -> list[Row]:
    """Read a tab-separated file with a header row into :class:`Row` objects."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t")
        header = next(reader)
        rows = []
        for number, values in enumerate(reader, start=2):
            if not values or not any(values):
                continue
            if len(values) != len(header):
                raise BuildError(
                    f"{path.relative_to(ROOT)}:{number}: expected {len(header)} tab-separated "
                    f"fields ({', '.join(header)}), found {len(values)}"
                )
            rows.append(Row(path, number, dict(zip(header, values, strict=True))))
    return rows


def _paragraphs(row: Row) -> list[str]:
    ids = [p.strip() for p in row.values["paragraphs"].split(",") if p.strip()]
    if not ids:
        raise BuildError(f"{row.where()}: no paragraph id")
    for pid in ids:
        if not PARAGRAPH.match(pid):
            raise BuildError(f"{row.where()}: paragraph id {pid!r} is not of the form P01..P49")
    return sorted(set(ids))


def _text(value: str) -> str:
    return Literal(value, lang="en").n3()


def _schema_terms(schema: Graph) -> tuple[set[str], set[str]]:
    classes = {
        str(c)[len(MSBP) :] for c in schema.subjects(RDF.type, OWL.Class) if str(c).startswith(MSBP)
    }
    props = {
        str(p)[len(MSBP) :]
        for p in schema.subjects(RDF.type, OWL.ObjectProperty)
        if str(p).startswith(MSBP)
    }
    return classes, props


def _overrides(entity_ids: set[str]) -> dict[tuple[str, str], tuple[str, Row]]:
    found: dict[tuple[str, str], tuple[str, Row]] = {}
    for row in read_tsv(SRC / "xref_overrides.tsv"):
        key = (row.values["id"], row.values["curie"])
        if key[0] not in entity_ids:
            raise BuildError(f"{row.where()}: unknown entity id {key[0]!r}")
        if not row.values["reason"].strip():
            raise BuildError(f"{row.where()}: an xref override needs a reason")
        found[key] = (row.values["match"], row)
    return found


def _downgrade(curie: str, match: str, new: str, where: Row) -> str:
    if new not in DOWNGRADES[match]:
        raise BuildError(
            f"{where.where()}: {curie} is a {match} match in the reference table; an override "
            f"may only weaken it (to {', '.join(sorted(DOWNGRADES[match]))})"
        )
    return new


def _xrefs(entity_ids: set[str]) -> dict[str, list[tuple[str, str]]]:
    reference: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in read_tsv(REFERENCE):
        reference[row.values["entity"]].append((row.values["curie"], row.values["match"]))
    overrides = _overrides(entity_ids)
    used: set[tuple[str, str]] = set()
    result: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in read_tsv(SRC / "xref_entities.tsv"):
        name = row.values["reference_entity"]
        if name not in reference:
            raise BuildError(f"{row.where()}: {name!r} is not an entity of reference/xrefs.tsv")
        for entity_id in filter(None, row.values["id"].split("|")):
            if entity_id not in entity_ids:
                raise BuildError(f"{row.where()}: unknown entity id {entity_id!r}")
            for curie, match in reference[name]:
                prefix = curie.split(":", 1)[0]
                if prefix not in XREF_PREFIXES:
                    raise BuildError(f"{row.where()}: no IRI prefix known for {curie!r}")
                if match not in MATCH_PROPERTY:
                    raise BuildError(f"{row.where()}: unknown match type {match!r} for {curie}")
                if (entity_id, curie) in overrides:
                    used.add((entity_id, curie))
                    match = _downgrade(curie, match, *overrides[(entity_id, curie)])
                if match != "drop":
                    result[entity_id].append((curie, match))
    for key in sorted(set(overrides) - used):
        raise BuildError(f"{overrides[key][1].where()}: {key[1]} is not an xref of {key[0]}")
    return result


def _load_entities(classes: set[str], props: set[str]) -> list[Row]:
    entities = read_tsv(SRC / "entities.tsv")
    seen: set[str] = set()
    for row in entities:
        entity_id = row.values["id"]
        if entity_id in seen:
            raise BuildError(f"{row.where()}: duplicate entity id {entity_id!r}")
        if not re.fullmatch(r"[A-Z][A-Za-z0-9]+", entity_id):
            raise BuildError(f"{row.where()}: entity id {entity_id!r} is not CamelCase")
        if entity_id in classes or entity_id in props:
            raise BuildError(
                f"{row.where()}: entity id {entity_id!r} is already a class or property"
            )
        for cls in row.values["types"].split():
            if cls not in classes:
                raise BuildError(f"{row.where()}: unknown class {cls!r}")
        if not row.values["label"] or not row.values["definition"]:
            raise BuildError(f"{row.where()}: entity {entity_id!r} needs a label and a definition")
        seen.add(entity_id)
    return entities


def _load_edges(entity_ids: set[str], props: set[str]) -> dict[tuple[str, str, str], Row]:
    seen: dict[tuple[str, str, str], Row] = {}
    for row in read_tsv(SRC / "edges.tsv"):
        s, p, o = row.values["subject"], row.values["predicate"], row.values["object"]
        for name in (s, o):
            if name not in entity_ids:
                raise BuildError(f"{row.where()}: unknown entity id {name!r}")
        if p not in props:
            raise BuildError(f"{row.where()}: unknown property {p!r}")
        if (s, p, o) in seen:
            raise BuildError(f"{row.where()}: duplicate of the edge at {seen[(s, p, o)].where()}")
        if not row.values["evidence"].strip():
            raise BuildError(f"{row.where()}: the edge needs an evidence summary")
        modality = row.values["modality"]
        if modality and modality not in MODALITIES:
            raise BuildError(
                f"{row.where()}: modality {modality!r} is not one of: {', '.join(MODALITIES)}"
            )
        if modality and p not in HEDGED_PREDICATES:
            raise BuildError(f"{row.where()}: only treatment claims carry a modality, not {p}")
        _paragraphs(row)
        seen[(s, p, o)] = row
    return seen


def _load_gaps(entity_ids: set[str], props: set[str]) -> dict[str, Row]:
    gaps = {r.values["id"]: r for r in read_tsv(SRC / "gaps.tsv")}
    for gap_id, row in gaps.items():
        if gap_id not in entity_ids:
            raise BuildError(f"{row.where()}: unknown entity id {gap_id!r}")
        if row.values["missing_relation"] not in props:
            raise BuildError(f"{row.where()}: unknown property {row.values['missing_relation']!r}")
    return gaps


def _entity_block(
    row: Row, edges: list[tuple[str, str]], xrefs: list[tuple[str, str]], gap: Row | None
) -> list[str]:
    v = row.values
    types = ", ".join(["owl:NamedIndividual", *(f"msbp:{c}" for c in sorted(v["types"].split()))])
    lines = [f"msbp:{v['id']} a {types} ;", f"    rdfs:label {_text(v['label'])} ;"]
    lines += [
        f"    skos:altLabel {_text(s)} ;" for s in sorted(filter(None, v["synonyms"].split("|")))
    ]
    lines.append(f"    skos:definition {_text(v['definition'])} ;")
    lines += [f'    msbp:paragraph "{pid}" ;' for pid in _paragraphs(row)]
    by_match: dict[str, list[str]] = defaultdict(list)
    for curie, match in xrefs:
        by_match[MATCH_PROPERTY[match]].append(curie)
    lines += [f"    {prop} {', '.join(sorted(set(by_match[prop])))} ;" for prop in sorted(by_match)]
    if gap is not None:
        lines.append(f"    msbp:missingRelation msbp:{gap.values['missing_relation']} ;")
    lines += [f"    msbp:{p} msbp:{o} ;" for p, o in sorted(edges)]
    lines[-1] = lines[-1][:-2] + " ."
    return [*lines, ""]


def _axiom_block(s: str, p: str, o: str, row: Row) -> list[str]:
    pids = ", ".join(f'"{pid}"' for pid in _paragraphs(row))
    return [
        "[] a owl:Axiom ;",
        f"    owl:annotatedSource msbp:{s} ;",
        f"    owl:annotatedProperty msbp:{p} ;",
        f"    owl:annotatedTarget msbp:{o} ;",
        '    biolink:agent_type "manual_agent" ;',
        '    biolink:knowledge_level "knowledge_assertion" ;',
        f"    dcterms:source <{SOURCE_IRI}> ;",
        f"    msbp:evidence {_text(row.values['evidence'].strip())} ;",
        *([f'    msbp:modality "{row.values["modality"]}" ;'] if row.values["modality"] else []),
        f"    msbp:paragraph {pids} .",
        "",
    ]


def _section(title: str) -> list[str]:
    return ["# " + "-" * 93, f"# {title}", "# " + "-" * 93, ""]


def build() -> str:
    """Return the text of ``msbackpain.ttl`` compiled from the sources.

    Raises:
        BuildError: if a source row is malformed or refers to something unknown.
    """
    schema_text = (SRC / "schema.ttl").read_text(encoding="utf-8")
    classes, props = _schema_terms(Graph().parse(data=schema_text, format="turtle"))
    entities = _load_entities(classes, props)
    entity_ids = {row.values["id"] for row in entities}
    edges = _load_edges(entity_ids, props)
    gaps = _load_gaps(entity_ids, props)
    xrefs = _xrefs(entity_ids)
    by_subject: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for s, p, o in edges:
        by_subject[s].append((p, o))

    out = [BANNER, schema_text.split("\n\n", 1)[1].rstrip("\n"), ""]
    out += _section(
        "Entities (generated from entities.tsv, edges.tsv, xref_entities.tsv, gaps.tsv)"
    )
    out += [f"@prefix {prefix}: <{iri}> ." for prefix, iri in sorted(XREF_PREFIXES.items())]
    out.append("")
    for row in sorted(entities, key=lambda r: r.values["id"]):
        entity_id = row.values["id"]
        out += _entity_block(
            row, by_subject.get(entity_id, []), xrefs.get(entity_id, []), gaps.get(entity_id)
        )
    out += _section(
        "Provenance of every asserted edge (owl:Axiom annotations, generated from edges.tsv)"
    )
    for (s, p, o), row in sorted(edges.items()):
        out += _axiom_block(s, p, o, row)
    text = "\n".join(out)
    try:
        Graph().parse(data=text, format="turtle")
    except Exception as err:
        raise BuildError(f"generated Turtle does not parse: {err}") from err
    return text


def main(argv: list[str] | None = None) -> int:
    """Build the ontology, or with ``--check`` report whether the committed file is stale."""
    description = (__doc__ or "").splitlines()[0]
    return write_or_check(description, OUT, build, "make ontology", argv, errors=(BuildError,))


if __name__ == "__main__":
    sys.exit(main())
