"""Patient handouts: a printable, cited, plain-language page for a person's MS back-pain types.

:func:`handout` reads what the graph says about each pain type through one adapter
(``_facts``), turns each edge into a short sentence by template (``_templates``), renders an
offline HTML page (``_html``) and, on request, prints it to PDF with Chromium (``_pdf``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from msbackpain.handout._model import Handout, PainSection, Paper, Sentence, Source

if TYPE_CHECKING:
    from msbackpain.knowledge import EntityRef, KnowledgeGraph
    from msbackpain.models import Entity

__all__ = ["Handout", "PainSection", "Paper", "Sentence", "Source", "handout"]


def handout(
    kg: KnowledgeGraph, pain_types: Iterable[EntityRef], *, inferred: bool = False
) -> Handout:
    """Return a plain-language handout for a person with ``pain_types``.

    For each pain type: what it is, what may bring it on, what may help (with the source's
    hedges), what to check with a doctor or physical therapist first, treatments that may
    clash with it, and what the source leaves unsaid. A part follows for each more general
    pain type the source describes (Lhermitte's sign is a kind of neuropathic pain, which is
    a kind of MS-related back pain). Every sentence cites its paragraphs.

    By default only facts the source states are shown. ``inferred=True`` adds the reasoner's
    inferences, each marked "Worked out". Conflicts are always shown when both facts behind
    them are stated: they only ever say "ask your doctor first", and they are marked.

    Args:
        kg: The knowledge graph.
        pain_types: Pain types by label, synonym, CURIE or entity.
        inferred: Also show inferred facts (marked as such).

    Raises:
        EntityNotFound: if a name matches nothing (with suggestions).
        QueryParameterError: if no pain type is given or an entity is not a pain type.

    Examples:
        >>> import msbackpain
        >>> page = msbackpain.load().handout(["Lhermitte's sign"])
        >>> [s.text for s in page.sentences if s.kind == "combined"][:3]
        ['Heated-pool therapy involves heat.', "Heat may bring on Lhermitte's sign.", \
'So ask your doctor before you try heated-pool therapy.']
    """
    from msbackpain.handout._facts import ancestors, pain_facts, resolve, source_of
    from msbackpain.handout._html import render
    from msbackpain.handout._templates import Glossary, notice, section

    pains = resolve(kg, pain_types)
    glossary = Glossary()
    sections: list[PainSection] = []
    facts = [pain_facts(kg, p, inferred=inferred) for p in pains]
    sections.extend(section(f, glossary) for f in facts)
    shown = {p.id for p in pains}
    general: list[Entity] = []
    for pain in pains:
        general.extend(a for a in ancestors(kg, pain) if a.id not in shown)
        shown.update(a.id for a in general)
    reached = list(pains)
    for parent in general:
        more = pain_facts(kg, parent, inferred=inferred)
        kind_of = tuple(r for r in more.children if r.subject.id in {e.id for e in reached})
        reached.append(parent)
        if more.treatments or more.triggers or more.cautions:
            sections.append(section(more, glossary, kind_of=kind_of))
    names = [p.label for p in pains]
    title = f"Back pain in MS: {', '.join(names)}"
    opening = notice(inferred, names)
    source = source_of(kg)
    return Handout(
        title=title,
        pain_types=pains,
        sections=tuple(sections),
        notice=opening,
        source=source,
        inferred=inferred,
        html=render(title, opening, sections, source),
    )
