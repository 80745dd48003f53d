"""The domain questions: pain types, causes, triggers, qualities, treatments, cautions, gaps."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

from msbackpain import queries
from msbackpain._predicates import TREATMENT_PREDICATES
from msbackpain.backends.base import IRI
from msbackpain.conflicts import (
    CHECKED_PREDICATES,
    FORM_OF,
    HAS_FORM,
    INVOLVES,
    TRIGGERS,
    answer_conflicts,
    unchecked_by,
)
from msbackpain.models import Entity, KnowledgeGap, Relation, RelationList
from msbackpain.prefixes import compress, expand
from msbackpain.relations import Key, edges, entity_for, relation, relations_of, split

if TYPE_CHECKING:
    from msbackpain._core import EntityRef, GraphCore

__all__ = ["CONFLICT_QUESTIONS", "GAP_RELATIONS", "answer", "gaps", "pain_types"]

#: The relations whose missing lists (gaps) an answer of each named query reports.
GAP_RELATIONS = {
    "causes_of": frozenset({"msbp:hasContributingFactor"}),
    "triggers_of": frozenset({"msbp:triggeredBy"}),
}
#: The questions whose answers name treatments, and so carry their conflicts.
CONFLICT_QUESTIONS = frozenset({"treatments_for", "cautions_for"})


def pain_types(kg: GraphCore) -> tuple[Entity, ...]:
    """Return the kinds of back pain people with MS experience, sorted by label (cached)."""
    return kg.memo.get(
        ("questions", "pain_types"),
        lambda: tuple(entity_for(kg, row["pain"]) for row in kg.run("pain_types")),
    )


def gaps(kg: GraphCore) -> tuple[KnowledgeGap, ...]:
    """Return what the source leaves unstated: the lists missing from our copy (cached)."""

    def compute() -> tuple[KnowledgeGap, ...]:
        return tuple(
            KnowledgeGap(
                entity=entity_for(kg, row["gap"]),
                concerns=tuple(entity_for(kg, compress(c)) for c in split(row["concerns"])),
                missing_relation=str(row["relation"]),
                paragraphs=split(row["paragraphs"]),
            )
            for row in kg.run("gaps")
        )

    return kg.memo.get(("questions", "gaps"), compute)


def answer(kg: GraphCore, name: str, ref: EntityRef, *, inferred: bool) -> RelationList:
    """Return the relations the named question ``name`` finds for ``ref``, with gaps (cached).

    ``treatments_for`` and ``cautions_for`` also carry the conflicts of the treatments named.
    """
    entity = kg.entity(ref)
    return kg.memo.get(
        ("questions", name, entity.id, inferred),
        lambda: _answer(kg, name, entity, inferred=inferred),
    )


def _answer(kg: GraphCore, name: str, entity: Entity, *, inferred: bool) -> RelationList:
    param = queries.get_query(name).parameters[0].name
    relations = relations_of(kg, name, inferred=inferred, **{param: entity})
    involved = {entity.id} | {r.subject.id for r in relations} | {r.object.id for r in relations}
    gap_relations = GAP_RELATIONS.get(name, frozenset())
    found = [
        g
        for g in gaps(kg)
        if (entity.id in {c.id for c in g.concerns} and g.missing_relation in gap_relations)
        or ({c.id for c in g.concerns} & (involved - {entity.id}))
    ]
    if name not in CONFLICT_QUESTIONS:
        return RelationList(relations, found)
    found.extend(
        g for g in unchecked_by(gaps(kg), pains={entity.id}, treatments=involved) if g not in found
    )
    # A treatments answer carries the conflicts of the treatments it names; a cautions
    # answer those of the entity asked about (as a treatment, or as a pain type).
    named = relations if name == "treatments_for" else None
    if kg.memo.precompiled:  # the bundle's edges are in the index: no query to run
        checked = edges(kg, inferred=inferred, predicates=CHECKED_PREDICATES)
    elif named is None:
        checked = conflict_edges(kg, {entity.id}, pain=entity.id, inferred=inferred)
    else:
        checked = conflict_edges(kg, {r.subject.id for r in named}, inferred=inferred)
    return RelationList(relations, found, answer_conflicts(checked, entity, named))


#: The edge of ``conflict_edges`` from a node, and to it (``?node`` is bound).
_FROM = "SELECT ?p ?o WHERE { ?node ?p ?o . FILTER(isIRI(?o) && ?p IN (%s)) }"
_TO = "SELECT ?s ?p WHERE { ?s ?p ?node . FILTER(isIRI(?s) && ?p IN (%s)) }"
#: The treatments that involve a factor that triggers ``?node``, and the edges that say so.
_AGGRAVATORS = (
    "SELECT ?t ?f WHERE { ?f msbp:triggers ?node . ?t msbp:involvesFactor ?f . "
    "FILTER(isIRI(?t) && isIRI(?f)) }"
)


def _listed(predicates: Iterable[str]) -> str:
    return ", ".join(sorted(predicates))


def conflict_edges(
    kg: GraphCore, treatments: Collection[str], *, pain: str | None = None, inferred: bool
) -> tuple[Relation, ...]:
    """Return the edges the conflict check of ``treatments`` (and of ``pain``) reads.

    :func:`~msbackpain.conflicts.answer_conflicts` reads, of a treatment, the forms it takes
    (``subtypeOf`` and ``hasComponent`` edges, transitively), the factors it and its forms
    involve, what those factors trigger, and its treatment edges; of a pain type, the
    factors that trigger it and the treatments that involve them, with their treatment
    edges. Those edges only are fetched, by queries bound to each node: reading every edge
    of the graph instead took minutes with a background graph of 10^6 triples. The answer
    is the same as over ``kg.edges()`` (a test compares the two for every entity).
    """
    keys: set[Key] = set()
    reached = _forms(kg, set(treatments), keys)
    factors: set[str] = set()
    for node in sorted(reached):
        for p, o in _neighbours(kg, _FROM % _listed({INVOLVES, *TREATMENT_PREDICATES}), node):
            keys.add((node, p, o))
            if p == INVOLVES:
                factors.add(o)
    for factor in sorted(factors):
        keys.update((factor, p, o) for p, o in _neighbours(kg, _FROM % TRIGGERS, factor))
    if pain is not None:
        to_pain = _neighbours(kg, _TO % _listed({TRIGGERS, *TREATMENT_PREDICATES}), pain)
        keys.update((s, p, pain) for s, p in to_pain)
        keys.update((t, INVOLVES, f) for t, f in _neighbours(kg, _AGGRAVATORS, pain))
    found = (relation(kg, key, read_off=True) for key in sorted(keys))
    return tuple(r for r in found if inferred or not r.inferred)


def _neighbours(kg: GraphCore, text: str, node: str) -> tuple[tuple[str, str], ...]:
    """The two variables of ``text`` with ``?node`` bound, as strings (cached per graph)."""

    def compute() -> tuple[tuple[str, str], ...]:
        result = kg.backend.query(text, {"node": IRI(expand(node) or node)})
        first, second = result.variables
        return tuple((str(row[first]), str(row[second])) for row in result)

    return kg.memo.get(("questions", "neighbours", text, node), compute)


def _forms(kg: GraphCore, treatments: set[str], keys: set[Key]) -> set[str]:
    """Add the form edges below ``treatments`` to ``keys``; return the treatments and forms."""
    reached, frontier = set(treatments), set(treatments)
    while frontier:
        found: set[str] = set()
        for node in sorted(frontier):
            for p, o in _neighbours(kg, _FROM % HAS_FORM, node):
                keys.add((node, p, o))
                found.add(o)
            for s, p in _neighbours(kg, _TO % FORM_OF, node):
                keys.add((s, p, node))
                found.add(s)
        frontier = found - reached
        reached |= found
    return reached
