"""Combine what the graph says about a person's set of MS back-pain types into one care plan."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from msbackpain.models import (
    CarePlan,
    Conflict,
    Entity,
    KnowledgeGap,
    Recommendation,
    Relation,
    TriggerAdvice,
)

if TYPE_CHECKING:
    from msbackpain.knowledge import EntityRef, KnowledgeGraph

__all__ = ["plan"]

_CLASS_GROUPS = {
    "msbp:SelfManagementAction": "self-management",
    "msbp:Adaptation": "lifestyle and environment adaptation",
}


def _categories(kg: KnowledgeGraph) -> dict[str, str]:
    options: dict[str, set[str]] = {}
    for row in kg.run("treatment_categories"):
        options.setdefault(str(row["treatment"]), set()).add(kg[str(row["option"])].label)
    return {t: " / ".join(sorted(labels)) for t, labels in options.items()}


def _category(kg: KnowledgeGraph, treatment_id: str, table: dict[str, str]) -> str:
    if treatment_id in table:
        return table[treatment_id]
    for cls in kg[treatment_id].categories:
        if cls in _CLASS_GROUPS:
            return _CLASS_GROUPS[cls]
    return "other"


def _unique(relations: Iterable[Relation]) -> tuple[Relation, ...]:
    seen: dict[tuple[str, str, str], Relation] = {}
    for r in relations:
        seen.setdefault(r.key, r)
    return tuple(
        sorted(
            seen.values(),
            key=lambda r: (r.subject.label.casefold(), r.predicate, r.object.label.casefold()),
        )
    )


def plan(kg: KnowledgeGraph, pain_types: Iterable[EntityRef], *, inferred: bool = True) -> CarePlan:
    """Return the care plan the source supports for a person with ``pain_types``.

    Treatments of every pain type (asserted, and with ``inferred`` also those inherited from
    the general pain type), grouped by broad option; the triggers of each pain type with the
    self-management actions the source attaches to them; cautions and the practitioners to
    consult; benefits; knowledge gaps; and conflicts, where a recommended treatment involves a
    factor that triggers one of the person's pain types. A conflict is the ontology's
    ``mayAggravate`` relation (``involvesFactor ∘ triggers``), found by the reasoner.

    Raises:
        EntityNotFound: if a pain type names nothing in the graph.
        ValueError: if no pain type is given.

    Examples:
        >>> import msbackpain
        >>> care = msbackpain.load().plan(["Lhermitte's sign", "spasticity"])
        >>> care.conflicts, sorted(care.by_category())
        ((), ['medication', 'self-management'])
    """
    pains = list(dict.fromkeys(kg.entity(p) for p in pain_types))
    if not pains:
        msg = "a care plan needs at least one pain type"
        raise ValueError(msg)
    pain_ids = {p.id for p in pains}
    gaps: dict[str, KnowledgeGap] = {
        g.entity.id: g for g in kg.gaps() if pain_ids & {c.id for c in g.concerns}
    }
    reasons = _reasons(kg, pains, inferred, gaps)
    table = _categories(kg)
    treatments = tuple(
        sorted(
            (
                Recommendation(kg[t], _category(kg, t, table), tuple(rs))
                for t, rs in reasons.items()
            ),
            key=lambda rec: (rec.category, rec.inferred, rec.treatment.label.casefold()),
        )
    )
    cautions: list[Relation] = []
    for subject in [*pains, *(rec.treatment for rec in treatments)]:
        answer = kg.cautions_for(subject, inferred=inferred)
        cautions.extend(answer)
        gaps.update((g.entity.id, g) for g in answer.gaps)
    benefits = [b for rec in treatments for b in kg.benefits_of(rec.treatment, inferred=inferred)]
    return CarePlan(
        pain_types=tuple(pains),
        treatments=treatments,
        triggers=_trigger_advice(kg, pains, inferred, gaps),
        cautions=_unique(r for r in cautions if r.predicate == "msbp:hasCaution"),
        consultations=_unique(
            r for r in cautions if r.predicate == "msbp:requiresConsultationWith"
        ),
        benefits=_unique(benefits),
        conflicts=_conflicts(kg, pains, reasons),
        gaps=tuple(sorted(gaps.values(), key=lambda g: g.paragraphs)),
    )


def _reasons(
    kg: KnowledgeGraph, pains: list[Entity], inferred: bool, gaps: dict[str, KnowledgeGap]
) -> dict[str, list[Relation]]:
    reasons: dict[str, list[Relation]] = {}
    for pain in pains:
        answer = kg.treatments_for(pain, inferred=inferred)
        gaps.update((g.entity.id, g) for g in answer.gaps)
        for relation in answer:
            reasons.setdefault(relation.subject.id, []).append(relation)
    return reasons


def _trigger_advice(
    kg: KnowledgeGraph, pains: list[Entity], inferred: bool, gaps: dict[str, KnowledgeGap]
) -> tuple[TriggerAdvice, ...]:
    triggered: dict[str, list[Relation]] = {}
    actions: dict[str, list[Relation]] = {}
    for pain in pains:
        answer = kg.triggers_of(pain, inferred=inferred)
        gaps.update((g.entity.id, g) for g in answer.gaps)
        for relation in answer:
            triggered.setdefault(relation.subject.id, []).append(relation)
        for row in kg.run("trigger_actions", pain=pain):
            if row["trigger"] and row["action"]:
                key = (str(row["action"]), "msbp:counteracts", str(row["trigger"]))
                actions.setdefault(key[2], []).append(kg.relation(key))
    return tuple(
        TriggerAdvice(kg[t], tuple(rs), _unique(actions.get(t, ())))
        for t, rs in sorted(triggered.items(), key=lambda item: kg[item[0]].label.casefold())
    )


def _conflicts(
    kg: KnowledgeGraph, pains: list[Entity], reasons: dict[str, list[Relation]]
) -> tuple[Conflict, ...]:
    conflicts = []
    for pain in pains:
        for row in kg.run("conflicts_for", pain=pain):
            treatment, factor = str(row["treatment"]), str(row["factor"])
            if treatment in reasons:
                conflicts.append(
                    Conflict(
                        treatment=kg[treatment],
                        pain=pain,
                        factor=kg[factor],
                        involves=kg.relation((treatment, "msbp:involvesFactor", factor)),
                        triggers=kg.relation((factor, "msbp:triggers", pain.id)),
                        recommended=tuple(reasons[treatment]),
                    )
                )
    return tuple(conflicts)
