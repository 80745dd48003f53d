"""Find conflicts: treatments that involve a factor which brings on a pain type.

The ontology defines the conflict as the chain ``involvesFactor ∘ triggers ⊑ mayAggravate``.
This module finds it from the two cited edges themselves, so every answer that names a
treatment (``treatments_for``, ``cautions_for``, ``plan``, the viz) can carry it, whether or
not a reasoner has run, and the knowledge gaps that leave the check incomplete.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from msbackpain._predicates import TREATMENT_PREDICATES
from msbackpain.careplan import Conflict
from msbackpain.models import Entity, KnowledgeGap, Relation

__all__ = [
    "CHECKED_PREDICATES",
    "FACTOR_SIDE",
    "FORM_OF",
    "HAS_FORM",
    "INVOLVES",
    "TRIGGERS",
    "TRIGGER_SIDE",
    "answer_conflicts",
    "find_conflicts",
    "unchecked_by",
]

#: A treatment exposes one to a factor.
INVOLVES = "msbp:involvesFactor"
#: A factor brings on a pain type.
TRIGGERS = "msbp:triggers"
#: A form of a treatment is a kind of it (heated-pool therapy is a kind of water therapy)...
FORM_OF = "msbp:subtypeOf"
#: ... or a part of it (stretching tight muscles is part of physical therapy).
HAS_FORM = "msbp:hasComponent"
#: The properties a conflict check reads: pass ``kg.edges(predicates=CHECKED_PREDICATES)``.
CHECKED_PREDICATES = frozenset(
    {
        INVOLVES,
        TRIGGERS,
        FORM_OF,
        HAS_FORM,
        *TREATMENT_PREDICATES,
    }
)
#: A gap in one of these relations, about a pain type, leaves its triggers unknown.
TRIGGER_SIDE = frozenset({TRIGGERS, "msbp:triggeredBy"})
#: A gap in one of these relations, about a treatment, leaves the factors it involves unknown.
FACTOR_SIDE = frozenset({INVOLVES, "msbp:factorInvolvedIn"})


def find_conflicts(
    relations: Iterable[Relation],
    *,
    treatments: Collection[str] | None = None,
    pains: Collection[str] | None = None,
    recommended: Mapping[str, Iterable[Relation]] | None = None,
) -> tuple[Conflict, ...]:
    """Return the conflicts among ``relations`` between ``treatments`` and ``pains``.

    ``treatments`` and ``pains`` are entity ids; ``None`` means any. ``relations`` are the
    edges to look in: ``kg.edges()``, or ``kg.edges(inferred=False)`` for asserted edges
    only, or the edges of a networkx graph (their ``relation`` attribute).

    A treatment asked about also stands for the forms it takes (its stated kinds and parts,
    :data:`FORM_OF`, :data:`HAS_FORM`): water therapy may be taken in a heated pool, so the
    conflict of heated-pool therapy is one of water therapy's too, with ``form_of`` set.
    ``recommended`` maps a treatment id to the edges that put it in the answer; without it,
    the graph's treatment edges from the treatment to the pain type it may aggravate are used.

    Examples:
        >>> import msbackpain
        >>> edges = msbackpain.load().edges()
        >>> found = find_conflicts(edges, pains={"msbp:LhermittesSign"})
        >>> sorted(c.treatment.label for c in found)
        ['heated-pool therapy', 'water aerobics']
    """
    involves: dict[str, list[Relation]] = {}
    brings_on: dict[str, list[Relation]] = {}
    treats: dict[tuple[str, str], list[Relation]] = {}
    forms: dict[str, list[tuple[str, Relation]]] = {}
    for relation in relations:
        s, p, o = relation.key
        if p == INVOLVES:
            involves.setdefault(s, []).append(relation)
        elif p == TRIGGERS and (pains is None or o in pains):
            brings_on.setdefault(s, []).append(relation)
        elif p in TREATMENT_PREDICATES:
            treats.setdefault((s, o), []).append(relation)
        elif p == FORM_OF and not relation.inferred:
            forms.setdefault(o, []).append((s, relation))
        elif p == HAS_FORM and not relation.inferred:
            forms.setdefault(s, []).append((o, relation))
    # What to check: each treatment asked about itself, then the forms it takes.
    checks: list[tuple[str, str, Relation | None]] = [
        (t, t, None) for t in sorted(involves if treatments is None else treatments)
    ]
    if treatments is not None:
        checks += [(t, form, edge) for t in sorted(treatments) for form, edge in _forms(t, forms)]
    found: dict[tuple[str, str, str], Conflict] = {}
    for answered, treatment_id, form_of in checks:
        for involve in involves.get(treatment_id, ()):
            for trigger in brings_on.get(involve.object.id, ()):
                why = (
                    recommended.get(answered, ())
                    if recommended is not None
                    else treats.get((answered, trigger.object.id), [])
                )
                found.setdefault(
                    (treatment_id, involve.object.id, trigger.object.id),
                    Conflict(
                        treatment=involve.subject,
                        pain=trigger.object,
                        factor=involve.object,
                        involves=involve,
                        triggers=trigger,
                        recommended=tuple(why),
                        form_of=form_of,
                    ),
                )
    return tuple(
        sorted(
            found.values(),
            key=lambda c: (c.pain.label.casefold(), c.treatment.label.casefold(), c.factor.id),
        )
    )


def answer_conflicts(
    relations: Iterable[Relation], asked: Entity, answer: Iterable[Relation] | None = None
) -> tuple[Conflict, ...]:
    """Return the conflicts an answer carries.

    With ``answer`` (the edges of a treatments answer), the conflicts of the treatments it
    names, with the pain types they may aggravate. Without it, those of ``asked`` itself: as
    a treatment, the pain types it may aggravate; as a pain type, the treatments that may
    aggravate it.

    Examples:
        >>> import msbackpain
        >>> kg = msbackpain.load()
        >>> [c.treatment.label for c in answer_conflicts(kg.edges(), kg["heated pool"])]
        ['heated-pool therapy']
    """
    relations = list(relations)
    if answer is not None:
        named: dict[str, list[Relation]] = {}
        for r in answer:
            named.setdefault(r.subject.id, []).append(r)
        return find_conflicts(relations, treatments=named, recommended=named)
    found = find_conflicts(relations, treatments={asked.id})
    return found + tuple(c for c in find_conflicts(relations, pains={asked.id}) if c not in found)


def _forms(
    treatment: str, forms: Mapping[str, list[tuple[str, Relation]]]
) -> list[tuple[str, Relation]]:
    # The forms of a treatment, and their forms, each with the stated edge to the treatment
    # it is a form of (the nearest one).
    found: list[tuple[str, Relation]] = []
    seen, stack = {treatment}, [treatment]
    while stack:
        for form, edge in sorted(forms.get(stack.pop(), ()), key=lambda f: f[0]):
            if form not in seen:
                seen.add(form)
                found.append((form, edge))
                stack.append(form)
    return found


def unchecked_by(
    gaps: Iterable[KnowledgeGap],
    *,
    pains: Collection[str] = (),
    treatments: Collection[str] = (),
) -> tuple[KnowledgeGap, ...]:
    """Return the gaps that leave the conflict check of ``pains`` and ``treatments`` open.

    A gap counts when it leaves the triggers of one of ``pains`` unknown
    (:data:`TRIGGER_SIDE`), or the factors one of ``treatments`` involves
    (:data:`FACTOR_SIDE`).

    Examples:
        >>> import msbackpain
        >>> gaps = msbackpain.load().gaps()
        >>> [g.paragraphs for g in unchecked_by(gaps, pains={"msbp:NeuropathicPain"})]
        [('P08', 'P09')]
        >>> unchecked_by(gaps, pains={"msbp:Spasticity"})
        ()
    """
    found = []
    for gap in gaps:
        concerns = {c.id for c in gap.concerns}
        if (gap.missing_relation in TRIGGER_SIDE and concerns & set(pains)) or (
            gap.missing_relation in FACTOR_SIDE and concerns & set(treatments)
        ):
            found.append(gap)
    return tuple(found)
