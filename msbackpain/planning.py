"""Combine what the graph says about a person's set of MS back-pain types into one care plan."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from msbackpain.careplan import Advice, CarePlan, Recommendation, TriggerAdvice
from msbackpain.conflicts import (
    CHECKED_PREDICATES,
    TRIGGER_SIDE,
    find_conflicts,
    unchecked_by,
)
from msbackpain.exceptions import QueryParameterError
from msbackpain.models import Entity, KnowledgeGap, Relation

if TYPE_CHECKING:
    from msbackpain.knowledge import EntityRef, KnowledgeGraph

__all__ = ["plan", "plannable"]

#: The class of the kinds of pain a plan can be made for (with its subclasses' members).
PAIN_CLASS = "msbp:PainType"

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


def plannable(kg: KnowledgeGraph) -> list[Entity]:
    """Return what a care plan can be made for: every pain type, sorted by label.

    That is the kinds of back pain people with MS experience (:meth:`pain_types`) and the
    other members of the pain-type class (such as the general kinds they belong to).

    Examples:
        >>> import msbackpain
        >>> "back pain" in [e.label for e in plannable(msbackpain.load())]
        True
    """
    found = {p.id: p for p in kg.pain_types()}
    for entity in kg.index.entities.values():
        if PAIN_CLASS in entity.categories:
            found.setdefault(entity.id, entity)
    return sorted(found.values(), key=lambda e: e.label.casefold())


def _pains(kg: KnowledgeGraph, pain_types: Iterable[EntityRef]) -> list[Entity]:
    allowed = plannable(kg)
    names = ", ".join(e.label for e in allowed)
    pains = list(dict.fromkeys(kg.entity(p) for p in pain_types))
    if not pains:
        msg = f"a care plan needs at least one pain type (one of: {names})"
        raise QueryParameterError(msg)
    ids = {e.id for e in allowed}
    for pain in pains:
        if pain.id not in ids:
            msg = f"{pain.label!r} is not a pain type; a care plan is made for: {names}"
            raise QueryParameterError(msg)
    return pains


def plan(kg: KnowledgeGraph, pain_types: Iterable[EntityRef], *, inferred: bool = True) -> CarePlan:
    """Return the care plan the source supports for a person with ``pain_types``.

    Treatments of every pain type (asserted, and with ``inferred`` also the reasoner's),
    grouped by broad option, each with the pain types it is for; the triggers of each pain
    type with the self-management actions the source attaches to them; cautions and the
    practitioners to consult, with the pain types they apply to; benefits; knowledge gaps;
    and conflicts, where a recommended treatment involves a factor that brings on one of the
    person's pain types (``involvesFactor ∘ triggers``, :func:`~.conflicts.find_conflicts`).
    ``notes`` say where the source names nothing for a pain type, and where a lost list
    leaves the conflict check incomplete.

    Raises:
        EntityNotFound: if a pain type names nothing in the graph.
        QueryParameterError: if no pain type is given, or one is not a pain type.

    Examples:
        >>> import msbackpain
        >>> care = msbackpain.load().plan(["Lhermitte's sign", "MS-related back pain"])
        >>> print(care.conflicts[0])
        heated-pool therapy...involves heat [P42], which brings on Lhermitte's sign [P12,P13] \
— discuss with a doctor
        >>> msbackpain.load().plan(["neuropathic pain"]).notes_for("conflicts")
        ("conflicts cannot be fully checked: the source's list of neuropathic pain triggers is \
lost (P08, P09)",)
    """
    pains = tuple(kg.entity(p).id for p in pain_types)
    return kg.memo.get(("planning", pains, inferred), lambda: _plan(kg, pains, inferred=inferred))


def _plan(kg: KnowledgeGraph, pain_types: tuple[str, ...], *, inferred: bool) -> CarePlan:
    pains = _pains(kg, pain_types)
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
    advice: dict[tuple[str, str, str], tuple[Relation, dict[str, Entity]]] = {}
    for subject, applies in [
        *((p, (p,)) for p in pains),
        *((rec.treatment, rec.pains) for rec in treatments),
    ]:
        answer = kg.cautions_for(subject, inferred=inferred)
        gaps.update((g.entity.id, g) for g in answer.gaps)
        for relation in answer:
            _, who = advice.setdefault(relation.key, (relation, {}))
            who.update((p.id, p) for p in applies)
    benefits = [b for rec in treatments for b in kg.benefits_of(rec.treatment, inferred=inferred)]
    triggers = _trigger_advice(kg, pains, inferred, gaps)
    unchecked = unchecked_by(kg.gaps(), pains=pain_ids, treatments=set(reasons))
    gaps.update((g.entity.id, g) for g in unchecked)
    cautions = _advice(advice, "msbp:hasCaution")
    return CarePlan(
        pain_types=tuple(pains),
        treatments=treatments,
        triggers=triggers,
        cautions=cautions,
        consultations=_advice(advice, "msbp:requiresConsultationWith"),
        benefits=_unique(benefits),
        conflicts=find_conflicts(
            kg.edges(inferred=inferred, predicates=CHECKED_PREDICATES),
            treatments=reasons,
            pains=pain_ids,
            recommended=reasons,
        ),
        gaps=tuple(sorted(gaps.values(), key=lambda g: g.paragraphs)),
        unchecked=unchecked,
        notes=_notes(pains, treatments, triggers, cautions, unchecked),
    )


def _advice(
    advice: dict[tuple[str, str, str], tuple[Relation, dict[str, Entity]]], predicate: str
) -> tuple[Advice, ...]:
    chosen = _unique(r for r, _ in advice.values() if r.predicate == predicate)
    return tuple(Advice(r, tuple(advice[r.key][1].values())) for r in chosen)


def _notes(
    pains: list[Entity],
    treatments: tuple[Recommendation, ...],
    triggers: tuple[TriggerAdvice, ...],
    cautions: tuple[Advice, ...],
    unchecked: tuple[KnowledgeGap, ...],
) -> tuple[tuple[str, str], ...]:
    lost = {c.id: g for g in unchecked if g.missing_relation in TRIGGER_SIDE for c in g.concerns}
    notes: list[tuple[str, str]] = []
    covered = {p.id for rec in treatments for p in rec.pains}
    notes += [
        ("treatments", f"the source names no treatment for {p.label}")
        for p in pains
        if p.id not in covered
    ]
    covered = {p.id for advice in triggers for p in advice.pains}
    for pain in pains:
        if pain.id in covered:
            continue
        if pain.id in lost:
            cited = ", ".join(lost[pain.id].paragraphs)
            notes.append(
                ("triggers", f"the source's list of {pain.label} triggers is lost ({cited})")
            )
        else:
            notes.append(("triggers", f"the source names no trigger for {pain.label}"))
    covered = {p.id for advice in cautions for p in advice.pains}
    notes += [
        ("cautions", f"the source names no caution for {p.label}")
        for p in pains
        if p.id not in covered
    ]
    pain_ids = {p.id for p in pains}
    for gap in unchecked:
        concerned = [c for c in gap.concerns if c.id in pain_ids]
        if gap.missing_relation in TRIGGER_SIDE and concerned:
            what = "the source's list of " + " and ".join(f"{c.label} triggers" for c in concerned)
        elif gap.missing_relation not in TRIGGER_SIDE and gap.concerns:
            what = "the source's list of factors involved in " + " and ".join(
                c.label for c in gap.concerns
            )
        else:
            what = f"the {gap.entity.label}"
        notes.append(
            (
                "conflicts",
                f"conflicts cannot be fully checked: {what} is lost ({', '.join(gap.paragraphs)})",
            )
        )
    return tuple(notes)


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
