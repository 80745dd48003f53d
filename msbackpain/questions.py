"""The domain questions: pain types, causes, triggers, qualities, treatments, cautions, gaps."""

from __future__ import annotations

from typing import TYPE_CHECKING

from msbackpain import queries
from msbackpain.conflicts import CHECKED_PREDICATES, answer_conflicts, unchecked_by
from msbackpain.models import Entity, KnowledgeGap, RelationList
from msbackpain.prefixes import compress
from msbackpain.relations import edges, entity_for, relations_of, split

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
    checked = edges(kg, inferred=inferred, predicates=CHECKED_PREDICATES)
    # A treatments answer carries the conflicts of the treatments it names; a cautions
    # answer those of the entity asked about (as a treatment, or as a pain type).
    named = relations if name == "treatments_for" else None
    return RelationList(relations, found, answer_conflicts(checked, entity, named))
