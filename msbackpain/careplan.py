"""Frozen result types of a care plan: recommendations, trigger advice, cautions, conflicts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from msbackpain.models import JSON, Entity, Evidence, KnowledgeGap, Relation
from msbackpain.provenance import citation

__all__ = ["Advice", "CarePlan", "Conflict", "Recommendation", "TriggerAdvice"]


def _ref(entity: Entity) -> JSON:
    return {"id": entity.id, "label": entity.label}


def _distinct(entities: Iterable[Entity]) -> tuple[Entity, ...]:
    found: dict[str, Entity] = {}
    for e in entities:
        found.setdefault(e.id, e)
    return tuple(found.values())


@dataclass(frozen=True, slots=True)
class Recommendation:
    """A treatment in a care plan: its broad option, and the edges that recommend it.

    Each reason is an edge ``treatment --treats--> pain type``; ``pains`` are the person's
    pain types the treatment is recommended for, in the order of the plan.
    """

    treatment: Entity
    category: str
    reasons: tuple[Relation, ...]

    @property
    def inferred(self) -> bool:
        """True when no pain type of the plan has an asserted edge to this treatment."""
        return all(r.inferred for r in self.reasons)

    @property
    def pains(self) -> tuple[Entity, ...]:
        """The pain types of the plan this treatment is for."""
        return _distinct(r.object for r in self.reasons)

    def to_dict(self) -> JSON:
        """Return a JSON-ready dictionary."""
        return {
            "treatment": _ref(self.treatment),
            "category": self.category,
            "inferred": self.inferred,
            "pains": [_ref(p) for p in self.pains],
            "reasons": [{**r.to_dict(), "citation": citation(r)} for r in self.reasons],
        }


@dataclass(frozen=True, slots=True)
class TriggerAdvice:
    """A trigger to avoid: the pain types it sets off, and what the source says to do about it."""

    trigger: Entity
    triggers: tuple[Relation, ...]
    actions: tuple[Relation, ...]

    @property
    def pains(self) -> tuple[Entity, ...]:
        """The pain types of the plan this trigger brings on."""
        return _distinct(r.object for r in self.triggers)

    def to_dict(self) -> JSON:
        """Return a JSON-ready dictionary (``actions`` is empty when the source names none)."""
        return {
            "trigger": _ref(self.trigger),
            "pains": [_ref(p) for p in self.pains],
            "triggers": [{**r.to_dict(), "citation": citation(r)} for r in self.triggers],
            "actions": [r.to_dict() for r in self.actions],
        }


@dataclass(frozen=True, slots=True)
class Advice:
    """A caution, or a practitioner to consult, in a care plan, and who it applies to.

    ``relation`` is the edge (``subject --hasCaution--> caution`` or
    ``subject --requiresConsultationWith--> practitioner``), whose subject is one of the
    person's pain types or a recommended treatment; ``pains`` are the pain types of the plan
    it applies to (the subject itself, or the pain types the treatment is recommended for).
    """

    relation: Relation
    pains: tuple[Entity, ...]

    @property
    def subject(self) -> Entity:
        """The pain type or treatment the advice is about."""
        return self.relation.subject

    @property
    def object(self) -> Entity:
        """The caution, or the practitioner to consult."""
        return self.relation.object

    @property
    def evidence(self) -> Evidence | None:
        """The evidence of the edge."""
        return self.relation.evidence

    @property
    def inferred(self) -> bool:
        """True when a reasoner derived the edge."""
        return self.relation.inferred

    def to_dict(self) -> JSON:
        """Return a JSON-ready dictionary: the edge, its citation and the pain types."""
        return {
            **self.relation.to_dict(),
            "citation": citation(self.relation),
            "pains": [_ref(p) for p in self.pains],
        }


@dataclass(frozen=True, slots=True)
class Conflict:
    """A treatment that may aggravate a pain type, because it involves a factor that triggers it.

    The ontology defines the conflict (``involvesFactor ∘ triggers ⊑ mayAggravate``); the two
    cited edges behind it are ``involves`` (treatment → factor) and ``triggers``
    (factor → pain type). ``recommended`` are the edges that recommend the treatment where
    it is answered (empty when none is stated for that pain type). When the treatment is a
    form of the one answered (heated-pool therapy, of water therapy), ``form_of`` is the
    stated edge between the two.

    Examples:
        >>> import msbackpain
        >>> print(msbackpain.load().cautions_for("heated pool").conflicts[0])
        heated-pool therapy involves heat [P42], which brings on Lhermitte's sign [P12,P13] \
— discuss with a doctor
    """

    treatment: Entity
    pain: Entity
    factor: Entity
    involves: Relation
    triggers: Relation
    recommended: tuple[Relation, ...]
    form_of: Relation | None = None

    @property
    def answered(self) -> Entity:
        """The treatment the answer or plan names: this one, or the one it is a form of."""
        if self.form_of is None:
            return self.treatment
        if self.form_of.subject.id == self.treatment.id:
            return self.form_of.object
        return self.form_of.subject

    def __str__(self) -> str:
        form = (
            f", a form of {self.answered.label} [{_cited(self.form_of)}],"
            if self.form_of is not None
            else ""
        )
        return (
            f"{self.treatment.label}{form} involves {self.factor.label} "
            f"[{_cited(self.involves)}], "
            f"which brings on {self.pain.label} [{_cited(self.triggers)}] "
            "— discuss with a doctor"
        )

    def to_dict(self) -> JSON:
        """Return a JSON-ready dictionary."""
        return {
            "treatment": _ref(self.treatment),
            "pain": _ref(self.pain),
            "factor": _ref(self.factor),
            "involves": self.involves.to_dict(),
            "triggers": self.triggers.to_dict(),
            "recommended": [r.to_dict() for r in self.recommended],
            "form_of": self.form_of.to_dict() if self.form_of is not None else None,
            "message": str(self),
        }


def _cited(relation: Relation) -> str:
    return ",".join(relation.evidence.paragraphs) if relation.evidence else "-"


#: The sections of a care plan that :attr:`CarePlan.notes` may speak about.
SECTIONS = ("treatments", "triggers", "cautions", "conflicts")


@dataclass(frozen=True, slots=True)
class CarePlan:
    """What the source offers a person with a given set of MS back-pain types.

    Treatments (grouped by broad option, asserted or inferred, each with the pain types it is
    for), triggers to avoid with the self-management actions the source attaches to them,
    cautions and who to consult (with the pain types they apply to), benefits, knowledge
    gaps, and conflicts between a recommended treatment and a trigger. ``unchecked`` are the
    gaps that leave the conflict check incomplete (a pain type whose list of triggers is
    lost), and ``notes`` say, per section, where the source is silent or its list is lost:
    ``(section, text)`` pairs, sections being ``treatments``, ``triggers``, ``cautions`` and
    ``conflicts``.
    """

    pain_types: tuple[Entity, ...]
    treatments: tuple[Recommendation, ...]
    triggers: tuple[TriggerAdvice, ...]
    cautions: tuple[Advice, ...]
    consultations: tuple[Advice, ...]
    benefits: tuple[Relation, ...]
    conflicts: tuple[Conflict, ...]
    gaps: tuple[KnowledgeGap, ...]
    unchecked: tuple[KnowledgeGap, ...] = ()
    notes: tuple[tuple[str, str], ...] = ()

    @property
    def conflicts_checked(self) -> bool:
        """False when a knowledge gap leaves the conflict check incomplete."""
        return not self.unchecked

    def notes_for(self, section: str) -> tuple[str, ...]:
        """Return the notes about one section (see :data:`SECTIONS`)."""
        return tuple(text for name, text in self.notes if name == section)

    def by_category(self) -> dict[str, list[Recommendation]]:
        """Return the recommended treatments grouped by their broad option, sorted."""
        groups: dict[str, list[Recommendation]] = {}
        for rec in self.treatments:
            groups.setdefault(rec.category, []).append(rec)
        return dict(sorted(groups.items()))

    def __repr__(self) -> str:
        return (
            f"CarePlan(pains={[p.label for p in self.pain_types]}, "
            f"treatments={len(self.treatments)}, "
            f"triggers={len(self.triggers)}, cautions={len(self.cautions)}, "
            f"conflicts={len(self.conflicts)}, "
            f"gaps={len(self.gaps)})"
        )

    def to_dict(self) -> JSON:
        """Return a JSON-ready dictionary."""
        return {
            "pain_types": [_ref(p) for p in self.pain_types],
            "treatments": [t.to_dict() for t in self.treatments],
            "triggers": [t.to_dict() for t in self.triggers],
            "cautions": [c.to_dict() for c in self.cautions],
            "consultations": [c.to_dict() for c in self.consultations],
            "benefits": [b.to_dict() for b in self.benefits],
            "conflicts": [c.to_dict() for c in self.conflicts],
            "conflicts_checked": self.conflicts_checked,
            "unchecked": [g.to_dict() for g in self.unchecked],
            "gaps": [g.to_dict() for g in self.gaps],
            "notes": [{"section": s, "text": t} for s, t in self.notes],
        }
