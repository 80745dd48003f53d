"""Sentence templates: turn a pain type's edges into short, plain sentences, one fact each."""

from __future__ import annotations

from collections.abc import Sequence

from msbackpain.handout._facts import Conflict, PainFacts, Treatment, modality
from msbackpain.handout._model import Block, Item, PainSection, Sentence, SentenceKind
from msbackpain.models import Entity, KnowledgeGap, Relation
from msbackpain.provenance import is_stated

__all__ = ["Glossary", "notice", "section"]

#: Kinds of entity whose name is a medical term, explained from its definition at first use.
MEDICAL = frozenset(
    {
        "msbp:BackPainCategory",
        "msbp:Disease",
        "msbp:DrugClass",
        "msbp:Medication",
        "msbp:PainType",
        "msbp:PathologicalProcess",
        "msbp:Symptom",
        "msbp:Therapy",
        "msbp:TreatmentOption",
    }
)

#: The source's hedges (``Evidence.modality``) and the plain sentence each one gives.
_HEDGES = {
    "may help": "{t} may help with {p}.",
    "may be recommended": "Your doctor may suggest this for {p}: {t}.",
    "certain types of": "Certain types of {t} may help with {p}.",
    "add-on when usual care is not enough": (
        "{t} may be an add-on for {p} when usual care is not enough."
    ),
}
_TREATS = {
    "msbp:treats": "{t} may help with {p}.",
    "msbp:alleviates": "{t} may ease {p}.",
    "msbp:prevents": "{t} may help prevent {p}.",
}
_CAUSES = {
    "msbp:causes": "{c} can cause {p}.",
    "msbp:contributesTo": "{c} can add to {p}.",
    "msbp:predisposesTo": "{c} can make {p} more likely.",
}
_GAPS = {
    "msbp:triggeredBy": "The article lists things that may bring on {c}.",
    "msbp:hasSubtype": "The article lists kinds of {c}.",
    "msbp:hasContributingFactor": "The article lists things that can add to {c}.",
}
_INFERRED_NOTE = (
    "This was worked out from the article. The article does not say it in so many words."
)
_COMBINED_NOTE = "This warning puts two facts from the article side by side."


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _short(definition: str) -> str:
    """A definition cut into short sentences at its semicolons (the words stay the same)."""
    parts = [part.strip() for part in definition.split(";") if part.strip()]
    text = ". ".join(_cap(part) for part in parts)
    return text if text.endswith(".") else f"{text}."


def _join(labels: Sequence[str]) -> str:
    if len(labels) < 2:
        return "".join(labels)
    return f"{', '.join(labels[:-1])} and {labels[-1]}"


class Glossary:
    """Explains each medical term once, at its first use, from the graph's definition."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def explain(self, *entities: Entity) -> list[Sentence]:
        """Return a definition sentence for each entity not yet explained."""
        found = []
        for entity in entities:
            if entity.id in self.seen or not entity.definition:
                continue
            if not set(entity.categories) & MEDICAL:
                continue
            self.seen.add(entity.id)
            text = f"What {entity.label} means: {_short(entity.definition)}"
            found.append(Sentence(text, "definition", terms=(entity,)))
        return found


def _fact(text: str, *edges: Relation) -> Sentence:
    sentence = Sentence(text, "fact", tuple(edges))
    if sentence.inferred:
        return Sentence(text, "inferred", tuple(edges))
    return sentence


def _item(
    first: Sentence, glossary: Glossary, *more: Sentence, about: Sequence[Entity] = ()
) -> Item:
    extra: list[Sentence] = list(more)
    if first.inferred or any(s.inferred for s in more):
        extra.append(Sentence(_INFERRED_NOTE, "notice"))
    return Item((first, *extra, *glossary.explain(*about)))


def notice(inferred: bool, names: Sequence[str]) -> tuple[Sentence, ...]:
    """The fixed opening: what the page is, and that it is not medical advice."""
    scope = (
        "Items marked as worked out are not stated in the article. They were worked out from it."
        if inferred
        else "It shows only what the article states."
    )
    return (
        Sentence(f"This page is about {_join(list(names))}.", "notice"),
        Sentence("It sums up one article about back pain in MS.", "notice"),
        Sentence(scope, "notice"),
        Sentence("It is not medical advice.", "notice"),
        Sentence("Talk to your doctor before you change your care.", "notice"),
    )


def section(
    facts: PainFacts, glossary: Glossary, *, kind_of: Sequence[Relation] = ()
) -> PainSection:
    """Build the section for one pain type; ``kind_of`` are the edges leading to it."""
    pain = facts.pain
    p = pain.label
    intro: list[Sentence] = []
    if pain.definition:
        glossary.seen.add(pain.id)
        text = f"What {p} means: {_short(pain.definition)}"
        intro.append(Sentence(text, "definition", terms=(pain,)))
    for edge in kind_of:
        intro.append(_fact(f"{_cap(edge.subject.label)} is a kind of {p}.", edge))
    blocks = [
        Block("What it is", tuple(_what_it_is(facts, glossary))),
        Block("What may bring it on", tuple(_triggers(facts, glossary, general=bool(kind_of)))),
        Block("What may help", tuple(_treatments(facts, glossary))),
        Block("Ask your doctor or physical therapist first", tuple(_cautions(facts, glossary))),
        Block("Things that may clash", tuple(_conflicts(facts.conflicts, glossary))),
        Block("What the article does not say", tuple(_gaps(facts, glossary))),
    ]
    return PainSection(pain, tuple(intro), tuple(b for b in blocks if b.items))


def _what_it_is(facts: PainFacts, glossary: Glossary) -> list[Item]:
    p = facts.pain.label
    items = []
    for edge in facts.parents:
        items.append(
            _item(
                _fact(f"{_cap(p)} is a kind of {edge.object.label}.", edge),
                glossary,
                about=[edge.object],
            )
        )
    for edge in facts.causes:
        text = _CAUSES.get(edge.predicate, "{c} is linked to {p}.").format(
            c=_cap(edge.subject.label), p=p
        )
        items.append(_item(_fact(text, edge), glossary, about=[edge.subject]))
    groups: dict[str, list[Relation]] = {}
    for edge in facts.qualities:
        group = edge.predicate
        if edge.predicate == "msbp:hasQuality":
            group = edge.object.categories[0] if edge.object.categories else "other"
        groups.setdefault(group, []).append(edge)
    for group, edges in sorted(groups.items()):
        labels = _join([e.object.label for e in edges])
        if group == "msbp:locatedIn":
            text = f"{_cap(p)} can be felt in the {labels}."
        elif group == "msbp:radiatesTo":
            text = f"{_cap(p)} can spread to the {labels}."
        elif group == "msbp:Sensation":
            text = f"People describe {p} with these words: {labels}."
        elif group == "msbp:Duration":
            text = f"How long it lasts: {labels}."
        else:
            text = f"{_cap(p)} can be {labels}."
        items.append(_item(_fact(text, *edges), glossary))
    return items


def _triggers(facts: PainFacts, glossary: Glossary, *, general: bool) -> list[Item]:
    p = facts.pain.label
    items = []
    for edge, actions in facts.triggers:
        more = [_fact(f"{_cap(a.subject.label)} may help with this.", a) for a in actions]
        items.append(
            _item(
                _fact(f"{_cap(edge.subject.label)} may bring on {p}.", edge),
                glossary,
                *more,
                about=[edge.subject],
            )
        )
    gap = any(g.missing_relation == "msbp:triggeredBy" for g in facts.gaps)
    if not items and not gap and not general:
        items.append(Item((Sentence(f"The article does not say what brings on {p}.", "absence"),)))
    return items


def _treatment_sentence(treatment: Treatment, pain: str) -> Sentence:
    edge = treatment.edge
    hedge = modality(edge)
    template = _HEDGES.get(hedge or "", _TREATS.get(edge.predicate, "{t} may help with {p}."))
    label = edge.subject.label
    text = template.format(
        t=label if template.startswith(("Your", "Certain")) else _cap(label), p=pain
    )
    return _fact(text, edge)


def _treatments(facts: PainFacts, glossary: Glossary) -> list[Item]:
    items = []
    for treatment in facts.treatments:
        more = []
        if treatment.kinds:
            labels = _join([k.subject.label for k in treatment.kinds])
            more.append(
                _fact(
                    f"Kinds of {treatment.edge.subject.label} the article names: {labels}.",
                    *treatment.kinds,
                )
            )
        items.append(
            _item(
                _treatment_sentence(treatment, facts.pain.label),
                glossary,
                *more,
                about=[treatment.edge.subject, *(k.subject for k in treatment.kinds)],
            )
        )
    if not items:
        text = f"The article names no treatment for {facts.pain.label} itself."
        items.append(Item((Sentence(text, "absence"),)))
    return items


def _consult(caution: Relation, consults: Sequence[Relation]) -> list[Sentence]:
    text = _short(caution.object.definition or caution.object.label)
    kind: SentenceKind = "inferred" if _fact(text, caution).inferred else "fact"
    found = [Sentence(text, kind, (caution,), (caution.object,))]
    if consults:
        who = " or ".join(dict.fromkeys(c.object.label for c in consults))
        found.append(_fact(f"Who to ask: your {who}.", *consults))
    return found


def _cautions(facts: PainFacts, glossary: Glossary) -> list[Item]:
    items = []
    seen: set[str] = set()
    pairs = list(facts.cautions)
    for treatment in facts.treatments:
        pairs.extend(treatment.cautions)
    # One item per caution, however many treatments carry it; a stated edge wins.
    pairs.sort(key=lambda pair: not is_stated(pair[0]))
    for caution, consults in pairs:
        if caution.object.id in seen:
            continue
        seen.add(caution.object.id)
        first, *more = _consult(caution, consults)
        items.append(_item(first, glossary, *more))
    return items


def _conflicts(conflicts: Sequence[Conflict], glossary: Glossary) -> list[Item]:
    items = []
    for c in conflicts:
        treatment, factor, pain = c.involves.subject, c.involves.object, c.triggers.object
        edges = (c.involves, c.triggers) + ((c.aggravates,) if c.aggravates else ())
        sentences = (
            Sentence(
                f"{_cap(treatment.label)} involves {factor.label}.", "combined", (c.involves,)
            ),
            Sentence(f"{_cap(factor.label)} may bring on {pain.label}.", "combined", (c.triggers,)),
            Sentence(f"So ask your doctor before you try {treatment.label}.", "combined", edges),
            Sentence(_COMBINED_NOTE, "notice"),
        )
        items.append(Item((*sentences, *glossary.explain(treatment))))
    return items


def _gap_subject(gap: KnowledgeGap, facts: PainFacts) -> Entity:
    for concern in gap.concerns:
        if concern.id == facts.pain.id:
            return concern
    return gap.concerns[0] if gap.concerns else facts.pain


def _gaps(facts: PainFacts, glossary: Glossary) -> list[Item]:
    items = []
    for gap in facts.gaps:
        about = _gap_subject(gap, facts).label
        template = _GAPS.get(
            gap.missing_relation, "Part of what the article says about {c} is lost."
        )
        sentences = (
            Sentence(template.format(c=about), "gap", terms=(gap.entity,)),
            Sentence(
                "That list is missing from our copy of the article.", "gap", terms=(gap.entity,)
            ),
            Sentence("So this page cannot say what is on it.", "notice"),
        )
        items.append(Item(sentences))
    return items
