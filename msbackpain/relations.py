"""The graph's edges with their evidence: asserted provenance, inference support, relation()."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from msbackpain.exceptions import EdgeNotFound, QueryParameterError
from msbackpain.models import Entity, Evidence, Relation
from msbackpain.prefixes import expand
from msbackpain.results import plain

if TYPE_CHECKING:
    from msbackpain._core import EntityRef, GraphCore
    from msbackpain.backends.base import BindingValue

__all__ = ["Key", "classes", "edge_keys", "edges", "entity_for", "properties", "relation"]

#: An edge: ``(subject id, predicate CURIE, object id)``.
Key = tuple[str, str, str]


def classes(kg: GraphCore) -> Mapping[str, Entity]:
    """Return the ontology's classes as entities, keyed by CURIE (read-only, cached)."""

    def compute() -> Mapping[str, Entity]:
        table: dict[str, Entity] = {}
        for row in map(plain, kg.run("classes")):
            curie = str(row["class"])
            if curie not in table:
                table[curie] = Entity(
                    id=curie,
                    iri=expand(curie) or curie,
                    label=row["label"] or curie.partition(":")[2],
                    definition=row["definition"],
                    categories=("owl:Class",),
                )
        return MappingProxyType(table)

    return kg.memo.get(("relations", "classes"), compute)


def properties(kg: GraphCore) -> Mapping[str, Mapping[str, str]]:
    """Return ``{property CURIE: {"label", "definition", "inverse"}}`` (read-only, cached)."""

    def compute() -> Mapping[str, Mapping[str, str]]:
        table: dict[str, dict[str, str]] = {}
        for row in kg.run("properties"):
            entry = table.setdefault(str(row["property"]), {})
            for field in ("label", "definition", "inverse"):
                if row[field]:
                    entry[field] = str(row[field])
        return MappingProxyType({k: MappingProxyType(v) for k, v in table.items()})

    return kg.memo.get(("relations", "properties"), compute)


def entity_for(kg: GraphCore, curie: str | None) -> Entity:
    """Return the entity or class ``curie`` names, or a bare one named after its IRI."""
    if curie is None:
        msg = "a query returned an edge without an endpoint"
        raise QueryParameterError(msg)
    found = kg.index.entities.get(curie) or classes(kg).get(curie)
    if found is not None:
        return found
    iri = expand(curie) or curie
    local = curie.partition(":")[2] if iri != curie else iri.rstrip("/").rsplit("/", 1)[-1]
    return Entity(id=curie, iri=iri, label=local or curie)


def _asserted_evidence(kg: GraphCore) -> Mapping[Key, Evidence]:
    def compute() -> Mapping[Key, Evidence]:
        paragraphs: dict[Key, set[str]] = {}
        first: dict[Key, Mapping[str, str | None]] = {}
        for row in map(plain, kg.run("edge_evidence")):
            key = (str(row["subject"]), str(row["predicate"]), str(row["object"]))
            paragraphs.setdefault(key, set()).add(str(row["paragraph"]))
            first.setdefault(key, row)
        return MappingProxyType(
            {
                key: evidence({**row, "paragraphs": ",".join(paragraphs[key])})
                for key, row in first.items()
            }
        )

    return kg.memo.get(("relations", "asserted-evidence"), compute)


def support(kg: GraphCore) -> Mapping[Key, Support]:
    """Return how each inferred edge is held up: its rule, premises and review (cached)."""

    def compute() -> Mapping[Key, Support]:
        table: dict[Key, tuple[Mapping[str, str | None], set[tuple[int, Key]]]] = {}
        for row in kg.run("inference_support"):
            key = (str(row["subject"]), str(row["predicate"]), str(row["object"]))
            _, steps = table.setdefault(key, (row, set()))
            step = (str(row["via_subject"]), str(row["via_predicate"]), str(row["via_object"]))
            steps.add((int(str(row["position"])), step))
        return MappingProxyType(
            {
                k: Support(
                    str(row["rule"]),
                    tuple(step for _, step in sorted(steps)),
                    str(row["review"] or "unreviewed"),
                    split(row["paragraphs"]),
                    str(row["note"] or ""),
                )
                for k, (row, steps) in table.items()
            }
        )

    return kg.memo.get(("relations", "support"), compute)


def relation(kg: GraphCore, key: Key, *, read_off: bool = False) -> Relation:
    """Return the edge ``key`` with its evidence and, if inferred, its support.

    ``read_off=True`` says the caller read ``key`` off the graph, so it is not looked up among
    every edge (that reads the whole graph).

    Raises:
        EdgeNotFound: if the graph has no such edge.
    """
    asserted = _asserted_evidence(kg).get(key)
    subject, obj = entity_for(kg, key[0]), entity_for(kg, key[2])
    if asserted is not None:
        return Relation(subject, key[1], obj, asserted)
    held = support(kg).get(key)
    if held is None:
        if (
            read_off
            or key in edge_keys(kg)
            or (key[1] == "rdf:type" and key[2] in subject.categories)
        ):
            return Relation(subject, key[1], obj)
        msg = f"the graph has no edge {' '.join(key)}"
        raise EdgeNotFound(msg)
    via = tuple(relation(kg, step) for step in held.steps)
    found = _inferred_evidence(entity_for(kg, held.rule).label, via, held)
    return Relation(subject, key[1], obj, found, True, held.rule, via, held.review)


def edge_keys(kg: GraphCore) -> frozenset[Key]:
    """Return the key of every edge between two entities (cached)."""
    return kg.memo.get(
        ("relations", "edge-keys"),
        lambda: frozenset(
            (str(r["subject"]), str(r["predicate"]), str(r["object"])) for r in kg.run("edges")
        ),
    )


def edges(
    kg: GraphCore, *, inferred: bool = True, predicates: Collection[str] | None = None
) -> tuple[Relation, ...]:
    """Return every edge, sorted by key, optionally only of ``predicates`` (cached)."""
    wanted = None if predicates is None else frozenset(predicates)

    def compute() -> tuple[Relation, ...]:
        keys = sorted(k for k in edge_keys(kg) if wanted is None or k[1] in wanted)
        found = (relation(kg, key) for key in keys)
        return tuple(r for r in found if inferred or not r.inferred)

    key = ("relations", "edges", inferred, None if wanted is None else tuple(sorted(wanted)))
    return kg.memo.get(key, compute)


def relations_of(
    kg: GraphCore, name: str, *, inferred: bool, **params: EntityRef | BindingValue
) -> list[Relation]:
    """Return the edges the named query ``name`` answers, inferred ones only if not stated."""
    found: list[Relation] = []
    asserted_pairs: set[tuple[str | None, str | None]] = set()
    rows = kg.run(name, **params)
    for row in rows:
        if row["rule"] is None:
            asserted_pairs.add((row["subject"], row["object"]))
    for row in rows:
        key = (str(row["subject"]), str(row["predicate"]), str(row["object"]))
        if row["rule"] is None:
            found.append(
                Relation(
                    entity_for(kg, key[0]), key[1], entity_for(kg, key[2]), evidence(plain(row))
                )
            )
        elif inferred and (row["subject"], row["object"]) not in asserted_pairs:
            found.append(relation(kg, key))
    return found


def split(value: str | None) -> tuple[str, ...]:
    """Split a comma-separated aggregate into its sorted distinct parts."""
    return tuple(sorted({v for v in (value or "").split(",") if v}))


@dataclass(frozen=True, slots=True)
class Support:
    """How an inferred fact is held up: its rule, the edges it rests on, and its review."""

    rule: str
    steps: tuple[Key, ...]
    review: str
    paragraphs: tuple[str, ...]
    note: str


def evidence(row: Mapping[str, str | None]) -> Evidence:
    """Return the evidence a query row describes."""
    return Evidence(
        source=row.get("source") or "not provided",
        paragraphs=split(row.get("paragraphs")),
        summary=row.get("evidence") or "",
        knowledge_level=row.get("level") or "not_provided",
        modality=row.get("modality") or None,
    )


def _inferred_evidence(rule_label: str, via: Sequence[Relation], held: Support) -> Evidence:
    # The source of an inferred edge is the source of the edges it rests on: the article for
    # the bundle, the user's own document for inferences from the user's facts. Its
    # paragraphs are those the curators found to support the conclusion itself (an accepted
    # review), never the union of the premises' paragraphs; an unreviewed fact cites none.
    sources = sorted({v.evidence.source for v in via if v.evidence})
    steps = "; ".join(
        f"{v.subject.label} {v.predicate.partition(':')[2]} {v.object.label}" for v in via
    )
    review = f" Reviewed: {held.note}" if held.note else f" ({held.review})"
    hedges = [v.evidence.modality for v in via if v.evidence and v.evidence.modality]
    return Evidence(
        source="; ".join(sources) if sources else "not provided",
        paragraphs=held.paragraphs if held.review == "accepted" else (),
        summary=f"Inferred ({rule_label}) from: {steps}.{review}",
        knowledge_level="logical_entailment",
        modality=hedges[0] if hedges else None,
    )
