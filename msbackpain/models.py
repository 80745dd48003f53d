"""Frozen result types returned by msbackpain: entities, evidence, relations, query results."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Self

from msbackpain.provenance import is_stated
from msbackpain.results import QueryResult

if TYPE_CHECKING:
    from msbackpain.careplan import Conflict

__all__ = [
    "Entity",
    "Evidence",
    "KnowledgeGap",
    "Path",
    "QueryResult",
    "Relation",
    "RelationList",
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
    ``logical_entailment`` for facts a reasoner derived. ``modality`` is the source's hedge on
    the claim ("may help", "certain types of"...), or ``None`` when the source states it plainly.

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


class RelationList(tuple[Relation, ...]):
    """A tuple of :class:`Relation` that also carries the knowledge gaps and conflicts behind it.

    When the source meant to answer a question but its list is missing (for example the
    triggers of neuropathic pain), ``gaps`` says so: an empty answer with gaps means "not
    stated in the source", not "none". ``conflicts`` are the treatments in the answer (or the
    treatment asked about) that involve a factor which brings on a pain type (see
    :class:`Conflict`): an answer that names a treatment always names its conflicts too.

    It is immutable, as every cached answer is: it indexes, iterates and compares like a
    tuple (and equals a list of the same relations), and its attributes cannot be set.

    Examples:
        >>> answer = RelationList((), gaps=())
        >>> answer == (), answer == [], len(answer), answer.gaps
        (True, True, 0, ())
        >>> answer.gaps = ()
        Traceback (most recent call last):
        ...
        AttributeError: RelationList is immutable
    """

    gaps: tuple[KnowledgeGap, ...]
    conflicts: tuple[Conflict, ...]

    def __new__(
        cls,
        relations: Iterable[Relation] = (),
        gaps: Sequence[KnowledgeGap] = (),
        conflicts: Sequence[Conflict] = (),
    ) -> Self:
        """Make the answer ``relations`` with the ``gaps`` and ``conflicts`` behind it."""
        self = super().__new__(cls, relations)
        object.__setattr__(self, "gaps", tuple(gaps))
        object.__setattr__(self, "conflicts", tuple(conflicts))
        return self

    def __setattr__(self, name: str, value: object) -> None:
        msg = "RelationList is immutable"
        raise AttributeError(msg)

    def __delattr__(self, name: str) -> None:
        msg = "RelationList is immutable"
        raise AttributeError(msg)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, list):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return tuple.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = tuple.__hash__

    def __repr__(self) -> str:
        return repr(list(self))

    def __reduce__(self) -> tuple[type[RelationList], tuple[Any, ...]]:
        return (RelationList, (tuple(self), self.gaps, self.conflicts))

    def to_dicts(self) -> list[JSON]:
        """Return the relations as JSON-ready dictionaries."""
        return [r.to_dict() for r in self]

    def to_dict(self) -> JSON:
        """Return relations, gaps and conflicts as one JSON-ready dictionary."""
        return {
            "relations": self.to_dicts(),
            "gaps": [g.to_dict() for g in self.gaps],
            "conflicts": [c.to_dict() for c in self.conflicts],
        }


@dataclass(frozen=True, slots=True)
class Path:
    """A chain of edges from one entity to another; every edge carries its evidence.

    ``inferred_steps`` counts edges that a reasoner derived (edges that merely read an
    asserted edge backwards, through its inverse property, do not count). ``justification``
    is true when every step is a reason (a treatment, cause, trigger, factor, drug-class or
    kind edge read forwards, see :data:`msbackpain.graph.JUSTIFICATION_PREDICATES`); other
    paths only show that the two entities are connected, not why one bears on the other.
    """

    relations: tuple[Relation, ...]
    justification: bool = False

    @property
    def kind(self) -> Literal["justification", "connection"]:
        """``"justification"`` for a chain of reasons, ``"connection"`` for any other path."""
        return "justification" if self.justification else "connection"

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
            "kind": self.kind,
            "inferred_steps": self.inferred_steps,
            "relations": [r.to_dict() for r in self],
        }
