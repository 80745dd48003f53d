"""The one adapter between the graph and the handout: what the graph says about a pain type."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from msbackpain.exceptions import QueryParameterError
from msbackpain.handout._model import Source
from msbackpain.models import Entity, KnowledgeGap, Relation
from msbackpain.provenance import is_stated

if TYPE_CHECKING:
    from msbackpain.knowledge import EntityRef, KnowledgeGraph

__all__ = [
    "Conflict",
    "PainFacts",
    "Treatment",
    "ancestors",
    "modality",
    "pain_facts",
    "resolve",
    "source_of",
]

_TREATS = frozenset({"msbp:treats", "msbp:alleviates", "msbp:prevents"})
_CAUSES = frozenset({"msbp:causes", "msbp:contributesTo", "msbp:predisposesTo"})
_QUALITIES = frozenset({"msbp:hasQuality", "msbp:locatedIn", "msbp:radiatesTo"})
_PAIN_CLASSES = frozenset({"msbp:BackPainCategory", "msbp:PainType"})


def modality(relation: Relation) -> str | None:
    """The source's own hedge on an edge ("may help"), if the graph records one."""
    value = getattr(relation.evidence, "modality", None)
    return value if isinstance(value, str) and value.strip() else None


@dataclass(frozen=True, slots=True)
class Treatment:
    """A treatment of a pain type, with its kinds, cautions and who to consult."""

    edge: Relation
    kinds: tuple[Relation, ...]
    cautions: tuple[tuple[Relation, tuple[Relation, ...]], ...]


@dataclass(frozen=True, slots=True)
class Conflict:
    """A treatment that involves a factor which brings on the pain type (both edges cited)."""

    involves: Relation
    triggers: Relation
    aggravates: Relation | None


@dataclass(frozen=True, slots=True)
class PainFacts:
    """What the graph says about one pain type, read through the library's questions."""

    pain: Entity
    parents: tuple[Relation, ...]
    children: tuple[Relation, ...]
    causes: tuple[Relation, ...]
    qualities: tuple[Relation, ...]
    triggers: tuple[tuple[Relation, tuple[Relation, ...]], ...]
    treatments: tuple[Treatment, ...]
    cautions: tuple[tuple[Relation, tuple[Relation, ...]], ...]
    conflicts: tuple[Conflict, ...]
    gaps: tuple[KnowledgeGap, ...]


def resolve(kg: KnowledgeGraph, refs: Iterable[EntityRef]) -> tuple[Entity, ...]:
    """Return the pain types named by ``refs``, without repeats.

    Raises:
        EntityNotFound: if a name matches no entity (with suggestions).
        QueryParameterError: if none is given, or an entity is not a pain type.
    """
    pains = tuple(dict.fromkeys(kg.entity(ref) for ref in refs))
    known = {p.id: p for p in kg.pain_types()}
    names = ", ".join(repr(p.label) for p in known.values())
    if not pains:
        msg = f"a handout needs at least one pain type; pain types: {names}"
        raise QueryParameterError(msg)
    for pain in pains:
        if pain.id not in known:
            msg = f"{pain.label!r} ({pain.id}) is not a pain type; pain types: {names}"
            raise QueryParameterError(msg)
    return pains


def source_of(kg: KnowledgeGraph) -> Source:
    """Return the article the ontology header names (``dcterms:source``), with its title."""
    rows = kg.query(
        "PREFIX dcterms: <http://purl.org/dc/terms/> "
        "PREFIX owl: <http://www.w3.org/2002/07/owl#> "
        "SELECT ?source ?title WHERE { ?o a owl:Ontology ; dcterms:source ?source . "
        "OPTIONAL { ?source dcterms:title ?title } } ORDER BY ?source",
        timeout=None,
    ).rows
    if not rows or not rows[0]["source"]:
        msg = "the ontology header names no source article (dcterms:source)"
        raise QueryParameterError(msg)
    return Source(address=str(rows[0]["source"]), title=rows[0]["title"])


class _Stated:
    """The stated edges of the graph indexed by subject and by object (built once per call)."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.by_subject: dict[tuple[str, str], list[Relation]] = {}
        self.by_object: dict[tuple[str, str], list[Relation]] = {}
        for r in filter(_cited, kg.edges(inferred=False)):
            self.by_subject.setdefault((r.subject.id, r.predicate), []).append(r)
            self.by_object.setdefault((r.object.id, r.predicate), []).append(r)

    def out(self, subject: str, predicate: str) -> tuple[Relation, ...]:
        return _sorted(self.by_subject.get((subject, predicate), ()))

    def into(self, obj: str, predicate: str) -> tuple[Relation, ...]:
        return _sorted(self.by_object.get((obj, predicate), ()))


def _sorted(relations: Iterable[Relation]) -> tuple[Relation, ...]:
    unique = {r.key: r for r in relations}
    return tuple(
        sorted(
            unique.values(), key=lambda r: (r.subject.label.casefold(), r.object.label.casefold())
        )
    )


def _cited(relation: Relation) -> bool:
    """True for an edge that cites paragraphs; an uncited fact never reaches a handout."""
    return relation.evidence is not None and bool(relation.evidence.paragraphs)


def _keep(relations: Iterable[Relation], inferred: bool) -> list[Relation]:
    return [r for r in relations if (inferred or is_stated(r)) and _cited(r)]


def ancestors(kg: KnowledgeGraph, pain: Entity) -> tuple[Entity, ...]:
    """The more general pain types ``pain`` is a stated kind of, nearest first."""
    stated = _Stated(kg)
    found: list[Entity] = []
    todo = [pain.id]
    while todo:
        current = todo.pop(0)
        for edge in stated.out(current, "msbp:subtypeOf"):
            parent = edge.object
            if parent.id not in {f.id for f in found} and set(parent.categories) & _PAIN_CLASSES:
                found.append(parent)
                todo.append(parent.id)
    return tuple(found)


def pain_facts(kg: KnowledgeGraph, pain: Entity, *, inferred: bool = False) -> PainFacts:
    """Read what the graph says about ``pain``; inferred edges only when ``inferred``."""
    stated = _Stated(kg)
    treatments = [
        r
        for r in _keep(kg.treatments_for(pain, inferred=inferred), inferred)
        if r.predicate in _TREATS
    ]
    shown = {r.subject.id for r in treatments}
    own_cautions = _cautions(kg, stated, pain.id, inferred)
    rows = kg.run("conflicts_for", pain=pain)
    conflicts = []
    for row in rows:
        treatment, factor = str(row["treatment"]), str(row["factor"])
        involves = kg.relation((treatment, "msbp:involvesFactor", factor))
        triggers = kg.relation((factor, "msbp:triggers", pain.id))
        cited = _cited(involves) and _cited(triggers)
        if cited and (inferred or (is_stated(involves) and is_stated(triggers))):
            try:
                aggravates: Relation | None = kg.relation((treatment, "msbp:mayAggravate", pain.id))
            except KeyError:
                aggravates = None
            conflicts.append(Conflict(involves, triggers, aggravates))
    concerned = shown | {pain.id}
    gaps = tuple(
        sorted(
            (g for g in kg.gaps() if concerned & {c.id for c in g.concerns}),
            key=lambda g: g.paragraphs,
        )
    )
    return PainFacts(
        pain=pain,
        parents=tuple(r for r in stated.out(pain.id, "msbp:subtypeOf")),
        children=tuple(
            r
            for r in stated.into(pain.id, "msbp:subtypeOf")
            if set(r.subject.categories) & _PAIN_CLASSES
        ),
        causes=_sorted(
            r
            for r in _keep(kg.causes_of(pain, inferred=inferred), inferred)
            if r.predicate in _CAUSES and r.object.id == pain.id
        ),
        qualities=_sorted(
            r
            for r in _keep(kg.qualities_of(pain, inferred=inferred), inferred)
            if r.predicate in _QUALITIES
        ),
        triggers=tuple(
            (r, stated.into(r.subject.id, "msbp:counteracts"))
            for r in _sorted(_keep(kg.triggers_of(pain, inferred=inferred), inferred))
        ),
        treatments=tuple(
            Treatment(
                edge=r,
                kinds=_kinds(stated, r.subject.id),
                cautions=tuple(
                    c
                    for subject in (
                        r.subject.id,
                        *(k.subject.id for k in _kinds(stated, r.subject.id)),
                    )
                    for c in _cautions(kg, stated, subject, inferred)
                ),
            )
            for r in _sorted(treatments)
        ),
        cautions=own_cautions,
        conflicts=tuple(conflicts),
        gaps=gaps,
    )


def _kinds(stated: _Stated, treatment: str) -> tuple[Relation, ...]:
    return stated.into(treatment, "msbp:subtypeOf") + stated.into(
        treatment, "msbp:memberOfDrugClass"
    )


def _cautions(
    kg: KnowledgeGraph, stated: _Stated, subject: str, inferred: bool
) -> tuple[tuple[Relation, tuple[Relation, ...]], ...]:
    found: Sequence[Relation] = _keep(kg.cautions_for(subject, inferred=inferred), inferred)
    return tuple(
        (r, stated.out(r.object.id, "msbp:requiresConsultationWith"))
        for r in _sorted(found)
        if r.predicate == "msbp:hasCaution"
    )
