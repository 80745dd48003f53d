"""Frozen result types returned by msbackpain: entities, evidence, relations, query results."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import pandas

__all__ = [
    "CarePlan",
    "Conflict",
    "Entity",
    "Evidence",
    "KnowledgeGap",
    "Path",
    "QueryResult",
    "Recommendation",
    "Relation",
    "RelationList",
    "TriggerAdvice",
    "Xref",
]

MatchType = Literal["exact", "close", "broad", "narrow"]
JSON = dict[str, object]


@dataclass(frozen=True, slots=True)
class Xref:
    """An external identifier for an entity, with the SKOS match type it was verified as.

    Examples:
        >>> str(Xref("HP:0032504", "exact"))
        'HP:0032504'
    """

    curie: str
    match: MatchType

    def __str__(self) -> str:
        return self.curie

    def to_dict(self) -> JSON:
        """Return a JSON-ready dictionary."""
        return {"curie": self.curie, "match": self.match}


@dataclass(frozen=True, slots=True)
class Entity:
    """A named thing in the graph: a disease, pain type, trigger, treatment, practitioner...

    ``id`` is the CURIE (``msbp:LhermittesSign``); ``categories`` are the CURIEs of the
    classes the entity is asserted to belong to; ``paragraphs`` are the source paragraphs that
    describe it.

    Examples:
        >>> e = Entity("msbp:Baclofen", "https://w3id.org/msbackpain/Baclofen", "baclofen")
        >>> e
        Entity('msbp:Baclofen', 'baclofen')
    """

    id: str
    iri: str
    label: str
    definition: str | None = None
    synonyms: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    xrefs: tuple[Xref, ...] = ()
    paragraphs: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"Entity({self.id!r}, {self.label!r})"

    def to_dict(self) -> JSON:
        """Return a JSON-ready dictionary."""
        return {
            "id": self.id,
            "iri": self.iri,
            "label": self.label,
            "definition": self.definition,
            "synonyms": list(self.synonyms),
            "categories": list(self.categories),
            "xrefs": [x.to_dict() for x in self.xrefs],
            "paragraphs": list(self.paragraphs),
        }


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why an edge is in the graph: the source, its paragraph ids, a summary, a knowledge level.

    ``knowledge_level`` follows Biolink: ``knowledge_assertion`` for facts the source states,
    ``logical_entailment`` for facts a reasoner derived.

    Examples:
        >>> ev = Evidence("https://example.org/a", ("P12", "P13"), "Heat is a trigger.",
        ...               "knowledge_assertion")
        >>> ev.paragraph
        'P12'
    """

    source: str
    paragraphs: tuple[str, ...]
    summary: str
    knowledge_level: str
    modality: str | None = None

    @property
    def paragraph(self) -> str:
        """The first (lowest) paragraph id cited."""
        return self.paragraphs[0] if self.paragraphs else ""

    def to_dict(self) -> JSON:
        """Return a JSON-ready dictionary."""
        return {
            "source": self.source,
            "paragraphs": list(self.paragraphs),
            "summary": self.summary,
            "knowledge_level": self.knowledge_level,
            "modality": self.modality,
        }


@dataclass(frozen=True, slots=True)
class Relation:
    """An edge ``subject --predicate--> object`` with its evidence.

    Inferred edges have ``inferred=True``, the CURIE of the ``rule`` that produced them and,
    in ``via``, the asserted edges they rest on. ``review`` is ``"accepted"`` for an
    inference the curators checked against the source, ``"unreviewed"`` for one nobody has
    checked (derived from a user's own data), and ``None`` for an asserted edge.
    """

    subject: Entity
    predicate: str
    object: Entity
    evidence: Evidence | None = None
    inferred: bool = False
    rule: str | None = None
    via: tuple[Relation, ...] = ()
    review: str | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        """The ``(subject id, predicate, object id)`` triple identifying the edge."""
        return (self.subject.id, self.predicate, self.object.id)

    def __repr__(self) -> str:
        tail = f", inferred by {self.rule}" if self.inferred else ""
        tail += ", unreviewed" if self.review == "unreviewed" else ""
        paragraphs = ",".join(self.evidence.paragraphs) if self.evidence else "-"
        return (
            f"Relation({self.subject.label!r} {self.predicate} {self.object.label!r}"
            f" [{paragraphs}]{tail})"
        )

    def to_dict(self) -> JSON:
        """Return a JSON-ready dictionary (entities as ``{id, label}``)."""
        return {
            "subject": {"id": self.subject.id, "label": self.subject.label},
            "predicate": self.predicate,
            "object": {"id": self.object.id, "label": self.object.label},
            "evidence": self.evidence.to_dict() if self.evidence else None,
            "inferred": self.inferred,
            "rule": self.rule,
            "via": [v.to_dict() for v in self.via],
            "review": self.review,
        }


@dataclass(frozen=True, slots=True)
class KnowledgeGap:
    """Something the source meant to state but that is missing from our copy of it.

    ``concerns`` are the entities the missing information is about and ``missing_relation``
    the property whose values are unknown. A gap is "not stated in the source", never "none".
    """

    entity: Entity
    concerns: tuple[Entity, ...]
    missing_relation: str
    paragraphs: tuple[str, ...]

    def __repr__(self) -> str:
        return f"KnowledgeGap({self.entity.label!r}, {'/'.join(self.paragraphs)})"

    def to_dict(self) -> JSON:
        """Return a JSON-ready dictionary."""
        return {
            "id": self.entity.id,
            "label": self.entity.label,
            "definition": self.entity.definition,
            "concerns": [{"id": e.id, "label": e.label} for e in self.concerns],
            "missing_relation": self.missing_relation,
            "paragraphs": list(self.paragraphs),
        }


class RelationList(list[Relation]):
    """A list of :class:`Relation` that also carries the knowledge gaps behind the question.

    When the source meant to answer a question but its list is missing (for example the
    triggers of neuropathic pain), ``gaps`` says so: an empty list with gaps means "not
    stated in the source", not "none".
    """

    gaps: tuple[KnowledgeGap, ...]

    def __init__(
        self, relations: Sequence[Relation] = (), gaps: Sequence[KnowledgeGap] = ()
    ) -> None:
        super().__init__(relations)
        self.gaps = tuple(gaps)

    def to_dicts(self) -> list[JSON]:
        """Return the relations as JSON-ready dictionaries."""
        return [r.to_dict() for r in self]

    def to_dict(self) -> JSON:
        """Return relations and gaps as one JSON-ready dictionary."""
        return {"relations": self.to_dicts(), "gaps": [g.to_dict() for g in self.gaps]}


@dataclass(frozen=True, slots=True)
class QueryResult:
    """The rows of a SPARQL query.

    IRIs are given as CURIEs where a known prefix covers them, literals as their lexical
    form, unbound values as ``None``. ASK queries have one row ``{"boolean": "true"}`` and
    ``boolean`` set; CONSTRUCT and DESCRIBE give the variables ``subject, predicate, object``.

    Examples:
        >>> r = QueryResult(("x",), ({"x": "msbp:Baclofen"},))
        >>> len(r), [row["x"] for row in r]
        (1, ['msbp:Baclofen'])
    """

    variables: tuple[str, ...]
    rows: tuple[dict[str, str | None], ...] = field(default=())
    boolean: bool | None = None

    def __iter__(self) -> Iterator[dict[str, str | None]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        return f"QueryResult(variables={self.variables!r}, rows={len(self.rows)})"

    def to_dicts(self) -> list[dict[str, str | None]]:
        """Return the rows as a list of plain dictionaries."""
        return [dict(row) for row in self.rows]

    def to_dict(self) -> JSON:
        """Return a JSON-ready dictionary."""
        return {"variables": list(self.variables), "rows": self.to_dicts(), "boolean": self.boolean}

    def to_dataframe(self) -> pandas.DataFrame:
        """Return the rows as a :class:`pandas.DataFrame` (needs the ``pandas`` extra).

        Raises:
            MissingExtraError: if pandas is not installed.
        """
        try:
            import pandas
        except ImportError as err:
            from msbackpain.exceptions import MissingExtraError

            raise MissingExtraError("QueryResult.to_dataframe()", "pandas") from err
        return pandas.DataFrame(list(self.rows), columns=list(self.variables))


@dataclass(frozen=True, slots=True)
class Path:
    """A chain of edges from one entity to another; every edge carries its evidence.

    ``inferred_steps`` counts edges that a reasoner derived (edges that merely read an
    asserted edge backwards, through its inverse property, do not count).
    """

    relations: tuple[Relation, ...]

    @property
    def source(self) -> Entity:
        """The entity the path starts from."""
        return self.relations[0].subject

    @property
    def target(self) -> Entity:
        """The entity the path ends at."""
        return self.relations[-1].object

    @property
    def inferred_steps(self) -> int:
        """How many edges of the path were derived by the reasoner."""
        return sum(1 for r in self.relations if not is_stated(r))

    def __len__(self) -> int:
        return len(self.relations)

    def __iter__(self) -> Iterator[Relation]:
        return iter(self.relations)

    def __str__(self) -> str:
        parts = [self.source.label]
        for r in self.relations:
            mark = "" if is_stated(r) else "*"
            parts.append(
                f"--{r.predicate.partition(':')[2] or r.predicate}{mark}--> {r.object.label}"
            )
        return " ".join(parts)

    def __repr__(self) -> str:
        return f"Path({self})"

    def to_dict(self) -> JSON:
        """Return a JSON-ready dictionary."""
        return {
            "length": len(self),
            "inferred_steps": self.inferred_steps,
            "relations": [r.to_dict() for r in self],
        }


def is_stated(relation: Relation) -> bool:
    """True for an asserted edge, or an asserted edge read backwards through its inverse."""
    if not relation.inferred:
        return True
    return (
        relation.rule == "msbp:ruleInverse" and bool(relation.via) and not relation.via[0].inferred
    )


@dataclass(frozen=True, slots=True)
class Recommendation:
    """A treatment in a care plan: its broad option, and the edges that recommend it."""

    treatment: Entity
    category: str
    reasons: tuple[Relation, ...]

    @property
    def inferred(self) -> bool:
        """True when no pain type of the plan has an asserted edge to this treatment."""
        return all(r.inferred for r in self.reasons)

    def to_dict(self) -> JSON:
        """Return a JSON-ready dictionary."""
        return {
            "treatment": {"id": self.treatment.id, "label": self.treatment.label},
            "category": self.category,
            "inferred": self.inferred,
            "reasons": [r.to_dict() for r in self.reasons],
        }


@dataclass(frozen=True, slots=True)
class TriggerAdvice:
    """A trigger to avoid: the pain types it sets off, and what the source says to do about it."""

    trigger: Entity
    triggers: tuple[Relation, ...]
    actions: tuple[Relation, ...]

    def to_dict(self) -> JSON:
        """Return a JSON-ready dictionary (``actions`` is empty when the source names none)."""
        return {
            "trigger": {"id": self.trigger.id, "label": self.trigger.label},
            "triggers": [r.to_dict() for r in self.triggers],
            "actions": [r.to_dict() for r in self.actions],
        }


@dataclass(frozen=True, slots=True)
class Conflict:
    """A recommended treatment that may aggravate one of the person's pain types.

    The ontology defines the conflict (``involvesFactor ∘ triggers ⊑ mayAggravate``); the two
    cited edges behind it are ``involves`` (treatment → factor) and ``triggers``
    (factor → pain type). ``recommended`` is why the treatment is in the plan.
    """

    treatment: Entity
    pain: Entity
    factor: Entity
    involves: Relation
    triggers: Relation
    recommended: tuple[Relation, ...]

    def __str__(self) -> str:
        return (
            f"{self.treatment.label} involves {self.factor.label} "
            f"[{','.join(self.involves.evidence.paragraphs) if self.involves.evidence else '-'}], "
            f"which triggers {self.pain.label} "
            f"[{','.join(self.triggers.evidence.paragraphs) if self.triggers.evidence else '-'}]: "
            "discuss with a doctor"
        )

    def to_dict(self) -> JSON:
        """Return a JSON-ready dictionary."""
        return {
            "treatment": {"id": self.treatment.id, "label": self.treatment.label},
            "pain": {"id": self.pain.id, "label": self.pain.label},
            "factor": {"id": self.factor.id, "label": self.factor.label},
            "involves": self.involves.to_dict(),
            "triggers": self.triggers.to_dict(),
            "recommended": [r.to_dict() for r in self.recommended],
            "message": str(self),
        }


@dataclass(frozen=True, slots=True)
class CarePlan:
    """What the source offers a person with a given set of MS back-pain types.

    Treatments (grouped by broad option, asserted or inferred), triggers to avoid with the
    self-management actions the source attaches to them, cautions and who to consult,
    benefits, knowledge gaps, and conflicts between a recommended treatment and a trigger.
    """

    pain_types: tuple[Entity, ...]
    treatments: tuple[Recommendation, ...]
    triggers: tuple[TriggerAdvice, ...]
    cautions: tuple[Relation, ...]
    consultations: tuple[Relation, ...]
    benefits: tuple[Relation, ...]
    conflicts: tuple[Conflict, ...]
    gaps: tuple[KnowledgeGap, ...]

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
            "pain_types": [{"id": p.id, "label": p.label} for p in self.pain_types],
            "treatments": [t.to_dict() for t in self.treatments],
            "triggers": [t.to_dict() for t in self.triggers],
            "cautions": [c.to_dict() for c in self.cautions],
            "consultations": [c.to_dict() for c in self.consultations],
            "benefits": [b.to_dict() for b in self.benefits],
            "conflicts": [c.to_dict() for c in self.conflicts],
            "gaps": [g.to_dict() for g in self.gaps],
        }
