"""Write a reasoner's explained, reviewed conclusions as Turtle (the format of ``inferred.ttl``).

Each inferred fact becomes a plain triple plus an ``owl:Axiom`` marking it inferred, with its
rule, the edges it rests on (``msbp:via``) and the curators' review: ``msbp:review
"accepted"`` with the paragraphs that support the conclusion itself and a note, or
``msbp:review "unreviewed"`` for a fact nobody has checked (one derived from a user's own
data). Rejected facts are not written at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from msbackpain._justify import Derivation
from msbackpain._review import Review
from msbackpain.prefixes import PREFIXES, compress

__all__ = ["Inferences", "inferred_turtle", "review_of"]

Key = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class Inferences:
    """What the reasoner concluded about an asserted graph, with a derivation for each fact."""

    engine: str
    reasoner_version: str
    seconds: float
    derivations: tuple[Derivation, ...]
    subclasses: tuple[tuple[str, str], ...]
    unexplained: tuple[Key, ...]

    def facts(self) -> list[Key]:
        """Every inferred fact as CURIEs: class subsumptions first, then the derivations."""
        subs = [(compress(a), "rdfs:subClassOf", compress(b)) for a, b in self.subclasses]
        facts = [tuple(compress(x) for x in d.fact) for d in self.derivations]
        return subs + facts  # type: ignore[operator]


def review_of(key: Key, reviews: Mapping[Key, Review] | None) -> Review | None:
    """Return the review of the fact ``key`` (CURIEs), or ``None`` when it has none."""
    return reviews.get(key) if reviews is not None else None


def _term(iri: str) -> str:
    curie = compress(iri)
    prefix, _, local = curie.partition(":")
    if curie != iri and prefix in PREFIXES and local.replace("_", "").isalnum():
        return curie
    return f"<{iri}>"


def _text(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@en'


def _review_lines(review: Review | None) -> list[str]:
    if review is None:
        return ['    msbp:review "unreviewed" ;']
    lines = ['    msbp:review "accepted" ;', f"    msbp:reviewNote {_text(review.note)} ;"]
    if review.paragraphs:
        lines.append("    msbp:paragraph " + ", ".join(f'"{p}"' for p in review.paragraphs) + " ;")
    return lines


def inferred_turtle(inferences: Inferences, reviews: Mapping[Key, Review] | None = None) -> str:
    """Return the inferences as sorted, deterministic Turtle (the format of ``inferred.ttl``).

    With ``reviews`` (see :func:`msbackpain._review.load_reviews`), rejected facts are left
    out, accepted ones carry their verdict, note and supporting paragraphs, and facts with no
    review are marked ``msbp:review "unreviewed"``. Without it every fact is unreviewed.
    """
    used = {"biolink", "msbp", "owl", "rdf", "rdfs", "xsd"}
    lines = [
        "# GENERATED FILE: do not edit. Inferences of ontology/msbackpain.ttl, materialised by",
        (
            f"# `make inferred` with the {inferences.engine} reasoner "
            f"(owlready2 {inferences.reasoner_version}); only the facts accepted in"
        ),
        "# ontology/src/reviewed_inferences.tsv are written.",
        "",
        *(f"@prefix {p}: <{PREFIXES[p]}> ." for p in sorted(used)),
        "",
    ]
    for sub, sup in inferences.subclasses:
        review = review_of((compress(sub), "rdfs:subClassOf", compress(sup)), reviews)
        if review is not None and not review.accepted:
            continue
        lines += [
            f"{_term(sub)} rdfs:subClassOf {_term(sup)} .",
            "[] a owl:Axiom ;",
            f"    owl:annotatedSource {_term(sub)} ;",
            "    owl:annotatedProperty rdfs:subClassOf ;",
            f"    owl:annotatedTarget {_term(sup)} ;",
            '    biolink:agent_type "automated_agent" ;',
            '    biolink:knowledge_level "logical_entailment" ;',
            *_review_lines(review),
            "    msbp:inferred true ;",
            "    msbp:rule msbp:ruleClassification .",
            "",
        ]
    for d in inferences.derivations:
        s, p, o = d.fact
        review = review_of((compress(s), compress(p), compress(o)), reviews)
        if review is not None and not review.accepted:
            continue
        lines.append(f"{_term(s)} {_term(p)} {_term(o)} .")
        lines += [
            "[] a owl:Axiom ;",
            f"    owl:annotatedSource {_term(s)} ;",
            f"    owl:annotatedProperty {_term(p)} ;",
            f"    owl:annotatedTarget {_term(o)} ;",
            '    biolink:agent_type "automated_agent" ;',
            '    biolink:knowledge_level "logical_entailment" ;',
            *_review_lines(review),
            "    msbp:inferred true ;",
            f"    msbp:rule {_term(d.rule)} ;",
        ]
        steps = [
            f"[ rdf:subject {_term(a)} ; rdf:predicate {_term(b)} ; rdf:object {_term(c)} ; "
            f"msbp:position {n} ]"
            for n, (a, b, c) in enumerate(d.via, start=1)
        ]
        lines.append("    msbp:via " + ",\n        ".join(steps) + " .")
        lines.append("")
    return "\n".join(lines)
