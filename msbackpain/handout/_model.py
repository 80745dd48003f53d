"""The content of a patient handout: sentences with the edges they came from, in sections."""

from __future__ import annotations

import html as html_lib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from msbackpain.models import Entity, Relation
from msbackpain.provenance import is_stated

__all__ = ["Block", "Handout", "Item", "PainSection", "Paper", "Sentence", "SentenceKind", "Source"]

#: What a sentence rests on: ``fact`` (stated edges), ``inferred`` (at least one edge the
#: reasoner derived), ``combined`` (two stated facts put side by side, as in a conflict),
#: ``definition`` (an entity's definition), ``gap`` (a list missing from the source copy),
#: ``absence`` (the graph has no edge of a kind) and ``notice`` (fixed wording, no fact).
SentenceKind = Literal["fact", "inferred", "combined", "definition", "gap", "absence", "notice"]

#: The paper sizes a PDF can be printed on.
Paper = Literal["A4", "Letter"]

_IFRAME_HEIGHT = 720


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a handout and the graph content it was made from.

    ``edges`` are the relations the sentence states; ``terms`` the entities whose definition
    it uses; ``paragraphs`` the source paragraphs it cites.

    Examples:
        >>> Sentence("This page is not medical advice.", "notice").inferred
        False
    """

    text: str
    kind: SentenceKind
    edges: tuple[Relation, ...] = ()
    terms: tuple[Entity, ...] = ()

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """The paragraph ids the sentence cites, sorted."""
        found = {p for r in self.edges if r.evidence for p in r.evidence.paragraphs}
        if self.kind in {"definition", "gap"}:
            found.update(p for t in self.terms for p in t.paragraphs)
        return tuple(sorted(found))

    @property
    def inferred(self) -> bool:
        """True when an edge behind the sentence was derived rather than stated."""
        return any(not is_stated(r) for r in self.edges)


@dataclass(frozen=True, slots=True)
class Item:
    """A list item: a main sentence plus any follow-up sentences (examples, explanations)."""

    sentences: tuple[Sentence, ...]

    @property
    def inferred(self) -> bool:
        """True when any sentence of the item rests on an inferred edge."""
        return any(s.inferred for s in self.sentences)

    @property
    def combined(self) -> bool:
        """True when the item puts facts together (a conflict)."""
        return any(s.kind == "combined" for s in self.sentences)


@dataclass(frozen=True, slots=True)
class Block:
    """A titled part of a pain-type section ("What may help") and its items."""

    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class PainSection:
    """Everything the handout says about one pain type."""

    pain: Entity
    intro: tuple[Sentence, ...]
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class Source:
    """The article the handout summarises: its address and, if the graph has one, its title."""

    address: str
    title: str | None

    @property
    def name(self) -> str:
        """The title, or "the article at <host>" when the graph records no title.

        Examples:
            >>> Source("https://www.example.org/a/b", None).name
            'the article at www.example.org'
        """
        if self.title:
            return self.title
        host = urlsplit(self.address).netloc
        return f"the article at {host}" if host else self.address


@dataclass(frozen=True, slots=True)
class Handout:
    """A printable, plain-language page for a person's MS back-pain types.

    ``html`` is the whole self-contained page (no external resource is loaded); in Jupyter the
    handout displays inline. ``sentences`` lists every sentence in reading order with the
    edges it came from. :meth:`write` saves it as ``.html`` or, printed by Chromium, ``.pdf``.

    Examples:
        >>> import msbackpain
        >>> page = msbackpain.load().handout(["spasticity"])
        >>> page
        <Handout 'spasticity': ... sentences, stated facts only>
        >>> page.html.startswith("<!DOCTYPE html>"), "<script" in page.html
        (True, False)
    """

    title: str
    pain_types: tuple[Entity, ...]
    sections: tuple[PainSection, ...]
    notice: tuple[Sentence, ...]
    source: Source
    inferred: bool
    html: str

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        """Every sentence of the handout, in reading order."""
        found: list[Sentence] = list(self.notice)
        for section in self.sections:
            found.extend(section.intro)
            for block in section.blocks:
                found.extend(s for item in block.items for s in item.sentences)
        return tuple(found)

    @property
    def text(self) -> str:
        """The sentences as plain text, one per line (citations left out)."""
        return "\n".join(s.text for s in self.sentences)

    def __repr__(self) -> str:
        scope = "stated and inferred facts" if self.inferred else "stated facts only"
        names = ", ".join(p.label for p in self.pain_types)
        return f"<Handout {names!r}: {len(self.sentences)} sentences, {scope}>"

    def _repr_html_(self) -> str:
        return (
            f'<iframe srcdoc="{html_lib.escape(self.html, quote=True)}" '
            f'title="{html_lib.escape(self.title, quote=True)}" sandbox="" '
            f'style="width: 100%; height: {_IFRAME_HEIGHT}px; border: 1px solid #ddd;">'
            "</iframe>"
        )

    def write(self, path: str | Path, *, paper: Paper = "A4") -> Path:
        """Write the handout to ``path``: ``.html`` as is, ``.pdf`` printed on ``paper``.

        The file appears whole or not at all (a temporary file is renamed into place).

        Raises:
            ExportError: if the suffix is neither ``.html`` nor ``.pdf``, or the file cannot
                be written (an existing file is left untouched).
            MissingExtraError: for a PDF, if Playwright is not installed.

        Examples:
            >>> import msbackpain, pathlib, tempfile
            >>> out = pathlib.Path(tempfile.mkdtemp()) / "handout.html"
            >>> msbackpain.load().handout(["spasticity"]).write(out).name
            'handout.html'
        """
        from msbackpain.exceptions import ExportError
        from msbackpain.viz._output import write_atomic

        target = Path(path)
        suffix = target.suffix.lower()
        if suffix in {".html", ".htm"}:
            data = self.html.encode("utf-8")
        elif suffix == ".pdf":
            from msbackpain.handout._pdf import print_pdf

            data = print_pdf(self.html, paper=paper)
        else:
            msg = f"cannot write {str(target)!r}: a handout is written as .html or .pdf"
            raise ExportError(msg)
        write_atomic(target, data)
        return target
