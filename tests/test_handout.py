"""The patient handout: content read off the article, provenance, plain language, bad input."""

from __future__ import annotations

import hashlib
import html as html_lib
import re
from pathlib import Path

import pytest
import textstat
from click.testing import CliRunner

import msbackpain
from msbackpain.cli import main
from msbackpain.handout import Handout, Sentence
from msbackpain.handout import _templates as templates
from msbackpain.provenance import is_stated

DATA = Path(__file__).parent / "data"
TEMPLATES = Path(templates.__file__).read_text(encoding="utf-8")
ALL_PAINS = [
    "Lhermitte's sign",
    "spasticity",
    "neuropathic pain",
    "muscle weakness",
    "back pain from mobility-aid misuse",
    "back pain not related to MS",
]


@pytest.fixture(scope="module")
def kg() -> msbackpain.KnowledgeGraph:
    return msbackpain.load()


@pytest.fixture(scope="module")
def everything(kg: msbackpain.KnowledgeGraph) -> Handout:
    return kg.handout(ALL_PAINS)


def _block(page: Handout, pain: str, title: str) -> list[str]:
    section = next(s for s in page.sections if s.pain.label == pain)
    block = next((b for b in section.blocks if b.title == title), None)
    return [] if block is None else [item.sentences[0].text for item in block.items]


def _visible_text(html: str) -> str:
    body = html.split("<body>", 1)[1]
    body = re.sub(r'<span class="cite">.*?</span>', "", body)
    body = re.sub(r"<(h[123]|li|p)[^>]*>", "\n", body)
    return html_lib.unescape(re.sub(r"<[^>]+>", "", body))


def test_triggers_and_conflicts_read_off_the_article(kg: msbackpain.KnowledgeGraph) -> None:
    page = kg.handout(["Lhermitte's sign"])
    # P10/P14 (bending the neck) and P12-P13 (heat, fatigue, stress).
    assert sorted(_block(page, "Lhermitte's sign", "What may bring it on")) == [
        "Bending the neck may bring on Lhermitte's sign.",
        "Fatigue may bring on Lhermitte's sign.",
        "Heat may bring on Lhermitte's sign.",
        "Stress may bring on Lhermitte's sign.",
    ]
    # P14: the one treatment the article states for Lhermitte's sign itself.
    assert _block(page, "Lhermitte's sign", "What may help") == [
        "Avoiding triggering neck movements may help with Lhermitte's sign."
    ]
    # P42/P43 (warm water) against P12-P13 (heat brings it on).
    assert _block(page, "Lhermitte's sign", "Things that may clash") == [
        "Heated-pool therapy involves heat.",
        "Water aerobics involves heat.",
    ]
    clash = next(
        b for s in page.sections for b in s.blocks if b.title == "Things that may clash"
    ).items[0]
    assert [s.paragraphs for s in clash.sentences[:2]] == [("P42",), ("P12", "P13")]
    # P11: Lhermitte's sign is a kind of neuropathic pain; its general part follows. Neuropathic
    # pain is a reason for MS-related back pain (P01/P04-P05), not a kind of it, so no third part.
    assert [s.pain.label for s in page.sections] == [
        "Lhermitte's sign",
        "neuropathic pain",
    ]
    assert sorted(_block(page, "neuropathic pain", "What may help")) == [
        "Antiseizure medication may help with neuropathic pain.",
        "Certain types of antidepressant may help with neuropathic pain.",
        "Eliminating neuropathic-pain triggers may help with neuropathic pain.",
    ]


def test_spasticity_treatments_and_examples(kg: msbackpain.KnowledgeGraph) -> None:
    page = kg.handout(["spasticity"])
    assert len(_block(page, "spasticity", "What may bring it on")) == 6  # P16-P17
    item = next(
        b for b in page.sections[0].blocks if b.title == "What may help"
    ).items  # P29: muscle relaxants, naming baclofen and tizanidine
    assert [s.text for s in item[0].sentences[:2]] == [
        "Your doctor may suggest this for spasticity: muscle relaxant.",  # P29 "may prescribe"
        "Kinds of muscle relaxant the article names: baclofen and tizanidine.",
    ]
    assert _block(page, "spasticity", "Things that may clash") == []


def test_gaps_say_what_the_source_does_not(everything: Handout) -> None:
    gaps = {
        s.terms[0].id: s.paragraphs
        for s in everything.sentences
        if s.kind == "gap" and s.text.startswith("The article lists")
    }
    assert gaps == {
        "msbp:GapNeuropathicRiskFactors": ("P08", "P09"),
        "msbp:GapNonMSBackPainFactors": ("P23",),
        "msbp:GapComplementaryOptions": ("P47",),
    }


def test_default_shows_stated_facts_only(everything: Handout) -> None:
    assert not everything.inferred
    for sentence in everything.sentences:
        if sentence.kind == "combined":
            # A conflict puts two stated facts side by side; only the conclusion is derived.
            assert all(is_stated(r) for r in sentence.edges if r.predicate != "msbp:mayAggravate")
        else:
            assert not sentence.inferred, sentence.text
    assert "Baclofen may help" not in everything.html


def test_inferred_items_are_marked(kg: msbackpain.KnowledgeGraph) -> None:
    page = kg.handout(["spasticity"], inferred=True)
    baclofen = next(
        i
        for s in page.sections
        for b in s.blocks
        for i in b.items
        if i.sentences[0].text == "Your doctor may suggest this for spasticity: baclofen."
    )
    assert baclofen.inferred and baclofen.sentences[0].kind == "inferred"
    assert baclofen.sentences[1].text == templates._INFERRED_NOTE
    # P28's caution reaches spasticity through three drugs, but is said once.
    cautions = _block(page, "spasticity", "Ask your doctor or physical therapist first")
    assert len(cautions) == len(set(cautions)) and any("medication" in c for c in cautions)
    for section in page.sections:
        for block in section.blocks:
            for item in block.items:
                if item.inferred and not item.combined:
                    assert any(s.text == templates._INFERRED_NOTE for s in item.sentences)
    assert page.html.count("Worked out:") == sum(
        1 for s in page.sections for b in s.blocks for i in b.items if i.inferred and not i.combined
    )


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower().replace("'s", ""))


def _labels(sentence: Sentence) -> list[str]:
    found = [e.label for r in sentence.edges for e in (r.subject, r.object)]
    return sorted({*found, *(t.label for t in sentence.terms)}, key=len, reverse=True)


def test_every_sentence_maps_back_to_its_edges(
    kg: msbackpain.KnowledgeGraph, everything: Handout
) -> None:
    vocabulary = set(_words(TEMPLATES))
    pains = {p.label for p in everything.pain_types}
    for sentence in everything.sentences:
        if sentence.kind in {"fact", "inferred", "combined"}:
            assert sentence.edges and sentence.paragraphs, sentence.text
            for edge in sentence.edges:
                assert kg.relation(edge.key).key == edge.key  # the edge is in the graph
        if sentence.kind == "definition":
            (term,) = sentence.terms
            words = _words(term.definition or "")
            assert words and _words(sentence.text)[-len(words) :] == words
            continue
        if sentence.kind == "fact" and sentence.terms:  # a caution, in its own words
            assert _words(sentence.text) == _words(sentence.terms[0].definition or "")
            continue
        rest = sentence.text.lower()
        for label in [*_labels(sentence), *(pains if sentence.kind != "fact" else ())]:
            rest = rest.replace(label.lower(), " ")
        if sentence.kind == "gap":
            for concern in sentence.terms[0:1]:
                gap = next(g for g in kg.gaps() if g.entity.id == concern.id)
                for c in gap.concerns:
                    rest = rest.replace(c.label.lower(), " ")
        extra = set(_words(rest)) - vocabulary
        assert not extra, (sentence.text, extra)


def test_each_medical_term_is_explained_at_first_use(everything: Handout) -> None:
    seen: set[str] = set()
    for section in everything.sections:
        seen.add(section.pain.id)
        for block in section.blocks:
            for item in block.items:
                defined = {t.id for s in item.sentences if s.kind == "definition" for t in s.terms}
                for sentence in item.sentences:
                    for edge in sentence.edges:
                        for entity in (edge.subject, edge.object):
                            medical = set(entity.categories) & templates.MEDICAL
                            if medical and entity.definition and entity.id not in seen:
                                assert entity.id in defined, (entity.label, sentence.text)
                                seen.add(entity.id)


def _shingles(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9]+", text.lower().replace("\u2019", "'").replace("'", ""))
    return {
        hashlib.sha256(" ".join(words[i : i + 6]).encode()).hexdigest()[:16]
        for i in range(len(words) - 5)
    }


def test_no_sentence_of_the_article_is_copied(everything: Handout) -> None:
    article = {
        line.strip()
        for line in (DATA / "article_shingles.txt").read_text().splitlines()
        if not line.startswith("#")
    }
    copied = [s.text for s in everything.sentences if _shingles(s.text) & article]
    assert copied == []
    assert not _shingles(_visible_text(everything.html)) & article


@pytest.mark.parametrize("pains", [ALL_PAINS, *([p] for p in ALL_PAINS)], ids=str)
def test_plain_language_grade_at_most_8(kg: msbackpain.KnowledgeGraph, pains: list[str]) -> None:
    text = _visible_text(kg.handout(pains).html)
    assert textstat.flesch_kincaid_grade(text) <= 8.0
    assert (
        max(len(s.text.split()) for s in kg.handout(pains).sentences if s.kind != "definition")
        <= 25
    )


def test_page_is_self_contained_and_cites_the_source(everything: Handout) -> None:
    html = everything.html
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en">' in html
    assert "<script" not in html and "src=" not in html and "@import" not in html
    assert re.findall(r'href="(https?://[^"]+)"', html) == [everything.source.address]
    assert everything.source.address == msbackpain.knowledge.SOURCE_ARTICLE
    cited = {p for s in everything.sentences for p in s.paragraphs}
    for paragraph in cited:
        assert f'<li id="{paragraph}">' in html and f'href="#{paragraph}"' in html
    assert "It is not medical advice." in html
    assert everything._repr_html_().startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;')


def test_modality_hedges_are_used_when_the_graph_has_them(kg: msbackpain.KnowledgeGraph) -> None:
    from dataclasses import replace

    from msbackpain.handout._facts import Treatment

    def said(pain: str) -> dict[str, tuple[str | None, str]]:
        return {
            e.subject.label: (
                e.evidence.modality if e.evidence else None,
                templates._treatment_sentence(Treatment(e, (), ()), pain).text,
            )
            for e in kg.treatments_for(pain, inferred=False)
        }

    # P30 "may be treated with antiseizure medications or certain types of antidepressants";
    # P09 "can help alleviate"; P29 "they may prescribe"; P14 "may help".
    assert said("neuropathic pain") == {
        "antidepressant": (
            "certain types of",
            "Certain types of antidepressant may help with neuropathic pain.",
        ),
        "antiseizure medication": (
            "may help",
            "Antiseizure medication may help with neuropathic pain.",
        ),
        "eliminating neuropathic-pain triggers": (
            "may help",
            "Eliminating neuropathic-pain triggers may help with neuropathic pain.",
        ),
    }
    assert said("spasticity") == {
        "muscle relaxant": (
            "may be recommended",
            "Your doctor may suggest this for spasticity: muscle relaxant.",
        )
    }
    # Without a recorded hedge the predicate's own template is used.
    edge = kg.treatments_for("Lhermitte's sign", inferred=False)[0]
    assert edge.evidence is not None
    bare = type(edge)(
        edge.subject, edge.predicate, edge.object, replace(edge.evidence, modality=None)
    )
    plain = templates._treatment_sentence(Treatment(bare, (), ()), "Lhermitte's sign")
    assert plain.text == "Avoiding triggering neck movements may ease Lhermitte's sign."


def test_bad_pain_types(kg: msbackpain.KnowledgeGraph) -> None:
    with pytest.raises(msbackpain.EntityNotFound, match='did you mean "Lhermitte\'s sign"'):
        kg.handout(["lhermite"])
    with pytest.raises(msbackpain.QueryParameterError, match=r"'baclofen' .* is not a pain type"):
        kg.handout(["baclofen"])
    with pytest.raises(msbackpain.QueryParameterError, match="at least one pain type"):
        kg.handout([])


def test_write_html_and_refuse_bad_targets(tmp_path: Path, everything: Handout) -> None:
    out = everything.write(tmp_path / "h.html")
    assert out.read_text(encoding="utf-8") == everything.html
    with pytest.raises(msbackpain.ExportError, match="does not exist"):
        everything.write(tmp_path / "missing" / "h.html")
    with pytest.raises(msbackpain.ExportError, match=r"\.html or \.pdf"):
        everything.write(tmp_path / "h.txt")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.html"]


def test_cli_handout(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "h.html"
    result = runner.invoke(main, ["handout", "spasticity", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    stdout = runner.invoke(main, ["handout", "spasticity", "-o", "-"])
    assert stdout.exit_code == 0 and stdout.output == out.read_text(encoding="utf-8")
    for args, message in [
        (["lhermite"], 'did you mean "Lhermitte\'s sign"'),
        (["baclofen"], "is not a pain type"),
    ]:
        bad = runner.invoke(main, ["handout", *args, "-o", str(tmp_path / "bad.html")])
        assert bad.exit_code == 1 and message in bad.output
        assert len(bad.output.strip().splitlines()) == 1 and "Traceback" not in bad.output
    for target, message in [
        (tmp_path / "nope" / "x.html", "does not exist"),
        (tmp_path / "x.docx", "unknown format '.docx'"),
    ]:
        bad = runner.invoke(main, ["handout", "spasticity", "-o", str(target)])
        assert bad.exit_code == 1 and message in bad.output, bad.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.html"]


HOSTILE_TTL = """\
@prefix msbp: <https://w3id.org/msbackpain/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

msbp:EvilImage a msbp:Factor ; rdfs:label "<img src=x onerror=alert(1)>" .
msbp:EvilImage msbp:triggers msbp:LhermittesSign .
"""


@pytest.mark.slow
def test_uncited_facts_of_your_own_data_stay_out(tmp_path: Path) -> None:
    extra = tmp_path / "mine.ttl"
    extra.write_text(HOSTILE_TTL, encoding="utf-8")
    kg = msbackpain.load(extra)
    assert "<img src=x onerror=alert(1)>" in {
        r.subject.label for r in kg.triggers_of("Lhermitte's sign")
    }
    page = kg.handout(["Lhermitte's sign"])
    assert "onerror" not in page.html and "src=x" not in page.html
    assert all(s.paragraphs for s in page.sentences if s.edges)
