"""HTML rendering of a handout: one self-contained, accessible page with print CSS."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from msbackpain.handout._model import Item, PainSection, Sentence, Source

__all__ = ["CSS", "render"]

#: Screen and print styles. Text is #1a1a1a on white (contrast 17:1), links #0b4f8a (8:1);
#: print uses one column on A4 or Letter with a page break before each pain type.
CSS = """
:root { color: #1a1a1a; background: #ffffff; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 12pt;
  line-height: 1.5; margin: 0 auto; max-width: 42rem; padding: 1.5rem; }
h1 { font-size: 1.7rem; margin: 0 0 .5rem; }
h2 { font-size: 1.35rem; margin: 1.5rem 0 .4rem; border-bottom: 2px solid #1a1a1a; }
h3 { font-size: 1.1rem; margin: 1rem 0 .3rem; }
a { color: #0b4f8a; }
ul { padding-left: 1.3rem; margin: .2rem 0 .6rem; }
li { margin: .25rem 0; }
p { margin: .3rem 0; }
.lead { font-size: 1.05em; }
.notice { border: 2px solid #1a1a1a; padding: .5rem .8rem; }
.cite { font-size: .85em; white-space: nowrap; }
.mark { font-weight: bold; }
.explain { display: block; font-style: italic; }
.paragraphs { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .2rem .8rem; }
@page { margin: 16mm 15mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  section.pain + section.pain { break-before: page; }
  section.source { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  li { break-inside: avoid; }
  a { color: #1a1a1a; }
}
"""


def _cite(sentence: Sentence) -> str:
    if not sentence.paragraphs:
        return ""
    links = ", ".join(f'<a href="#{p}">{p}</a>' for p in sentence.paragraphs)
    return f' <span class="cite">[{links}]</span>'


def _sentence(sentence: Sentence, *, lead: bool = False) -> str:
    text = escape(sentence.text)
    if sentence.kind == "definition" and not lead:
        return f'<span class="explain">{text}{_cite(sentence)}</span>'
    return f"{text}{_cite(sentence)}"


def _item(item: Item) -> str:
    mark = ""
    if item.combined:
        mark = '<span class="mark">Take care:</span> '
    elif item.inferred:
        mark = '<span class="mark">Worked out:</span> '
    return f"<li>{mark}{' '.join(_sentence(s) for s in item.sentences)}</li>"


def _section(section: PainSection, index: int) -> str:
    head = f"pain-{index}"
    parts = [
        f'<section class="pain" aria-labelledby="{head}">',
        f'<h2 id="{head}">{escape(section.pain.label[:1].upper() + section.pain.label[1:])}</h2>',
    ]
    parts.extend(f'<p class="lead">{_sentence(s, lead=True)}</p>' for s in section.intro)
    for block in section.blocks:
        parts.append(f"<h3>{escape(block.title)}</h3>")
        parts.append("<ul>" + "".join(_item(i) for i in block.items) + "</ul>")
    parts.append("</section>")
    return "\n".join(parts)


def render(
    title: str, notice: Sequence[Sentence], sections: Sequence[PainSection], source: Source
) -> str:
    """Return the whole page for a handout as HTML text."""
    cited = sorted(
        {p for s in notice for p in s.paragraphs}
        | {
            p
            for sec in sections
            for s in (
                *sec.intro,
                *(x for b in sec.blocks for i in b.items for x in i.sentences),
            )
            for p in s.paragraphs
        },
        key=lambda p: (len(p), p),
    )
    paragraphs = "".join(f'<li id="{p}">{p}</li>' for p in cited)
    others = sorted(
        {
            name.strip()
            for sec in sections
            for b in sec.blocks
            for i in b.items
            for s in i.sentences
            for r in s.edges
            if r.evidence
            for name in r.evidence.source.split(";")
        }
        - {source.address, "not provided", ""}
    )
    more = f"<p>Some lines also rest on: {escape(', '.join(others))}.</p>" if others else ""
    body = "\n".join(_section(s, n) for n, s in enumerate(sections, 1))
    address = escape(source.address, quote=True)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{CSS}</style>
</head>
<body>
<header>
<h1>{escape(title)}</h1>
<p class="notice">{" ".join(escape(s.text) for s in notice)}</p>
</header>
<main>
{body}
<section class="source" aria-labelledby="source">
<h2 id="source">Source</h2>
<p>This page sums up one article: <a href="{address}">{escape(source.name)}</a>.</p>
<p>Its address is {escape(source.address)}.</p>
{more}
<p>The codes in square brackets, such as P12, are paragraph numbers.
Each one points to the part of the article a line is based on.
This page cites these paragraphs:</p>
<ul class="paragraphs">{paragraphs}</ul>
</section>
</main>
</body>
</html>
"""
