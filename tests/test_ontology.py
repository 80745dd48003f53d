"""The ontology file itself: parses, is fresh, complete, cited, validated, never copied."""

from __future__ import annotations

import csv
import hashlib
import re
from collections import Counter

import pytest
import rdflib
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from conftest import DATA, INFERRED, MSBP, ONTOLOGY, ROOT, SHAPES
from msbackpain.backends._parse import parse_quads
from msbackpain.exceptions import OntologyLoadError
from msbackpain.prefixes import XREF_PREFIXES, compress

BIOLINK = rdflib.Namespace("https://w3id.org/biolink/vocab/")

# Paragraphs that state no fact: the section headings of the treatment part.
FACT_FREE_PARAGRAPHS = {"P27", "P31", "P35", "P40", "P45"}


def _article_paragraphs() -> list[str]:
    header = next(
        line
        for line in (DATA / "article_shingles.txt").read_text().splitlines()
        if line.startswith("# paragraphs:")
    )
    return header.split(":", 1)[1].strip().split(",")


@pytest.mark.parametrize("path", [ONTOLOGY, INFERRED, SHAPES], ids=lambda p: p.name)
def test_parses_strictly(path) -> None:  # type: ignore[no-untyped-def]
    try:
        quads = parse_quads(path)
    except OntologyLoadError as err:  # the message names file and line
        pytest.fail(str(err))
    assert len(quads) > 100
    assert len(rdflib.Graph().parse(path, format="turtle")) == len(
        {(q.subject, q.predicate, q.object) for q in quads}
    )


def test_generated_file_is_fresh() -> None:
    import build_ontology

    assert ONTOLOGY.read_text(encoding="utf-8") == build_ontology.build(), "run `make ontology`"


def test_header(ontology: rdflib.Graph) -> None:
    header = MSBP.ontology
    assert (header, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(header, OWL.versionIRI) == rdflib.URIRef(
        "https://w3id.org/msbackpain/ontology/0.1.0"
    )
    assert str(ontology.value(header, DCTERMS.title)) == "MS back-pain ontology"
    assert ontology.value(header, DCTERMS.description) is not None
    assert ontology.value(header, DCTERMS.license) == rdflib.URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert ontology.value(header, DCTERMS.source) == rdflib.URIRef(
        "https://www.healthline.com/health/multiple-sclerosis/back-pain"
    )
    assert ontology.value(header, DCTERMS.created) is not None


def _individuals(graph: rdflib.Graph) -> set[rdflib.URIRef]:
    return {
        s for s in graph.subjects(RDF.type, OWL.NamedIndividual) if isinstance(s, rdflib.URIRef)
    }


def test_every_entity_has_one_label_and_a_definition(ontology: rdflib.Graph) -> None:
    individuals = _individuals(ontology)
    assert len(individuals) > 120
    for entity in individuals:
        assert len(list(ontology.objects(entity, RDFS.label))) == 1, entity
        assert ontology.value(entity, SKOS.definition), entity
    for term in set(ontology.subjects(RDF.type, OWL.Class)) | set(
        ontology.subjects(RDF.type, OWL.ObjectProperty)
    ):
        if isinstance(term, rdflib.URIRef) and str(term).startswith(str(MSBP)):
            assert ontology.value(term, RDFS.label) and ontology.value(term, SKOS.definition), term


def _object_properties(graph: rdflib.Graph) -> set[rdflib.URIRef]:
    return {p for p in graph.subjects(RDF.type, OWL.ObjectProperty) if isinstance(p, rdflib.URIRef)}


def _asserted_edges(graph: rdflib.Graph) -> set[tuple[rdflib.Node, rdflib.Node, rdflib.Node]]:
    props = _object_properties(graph)
    return {(s, p, o) for s, p, o in graph if p in props and isinstance(o, rdflib.URIRef)}


Spo = tuple[rdflib.Node | None, rdflib.Node | None, rdflib.Node | None]


def _axioms(graph: rdflib.Graph) -> dict[Spo, rdflib.Node]:
    return {
        (
            graph.value(a, OWL.annotatedSource),
            graph.value(a, OWL.annotatedProperty),
            graph.value(a, OWL.annotatedTarget),
        ): a
        for a in graph.subjects(RDF.type, OWL.Axiom)
    }


def test_every_asserted_edge_carries_provenance(ontology: rdflib.Graph) -> None:
    edges = _asserted_edges(ontology)
    axioms = _axioms(ontology)
    assert len(edges) >= 160
    for edge in edges:
        axiom = axioms.get(edge)
        assert axiom is not None, f"no provenance for {edge}"
        paragraphs = [str(p) for p in ontology.objects(axiom, MSBP.paragraph)]
        assert paragraphs and all(re.fullmatch(r"P(0[1-9]|[1-4][0-9])", p) for p in paragraphs), (
            edge
        )
        assert str(ontology.value(axiom, MSBP.evidence)).strip(), edge
        assert str(ontology.value(axiom, BIOLINK.knowledge_level)) == "knowledge_assertion"
        assert str(ontology.value(axiom, DCTERMS.source)).startswith("https://www.healthline.com/")


def test_every_fact_paragraph_is_cited(ontology: rdflib.Graph) -> None:
    cited = {
        str(p)
        for a in ontology.subjects(RDF.type, OWL.Axiom)
        for p in ontology.objects(a, MSBP.paragraph)
    }
    paragraphs = _article_paragraphs()
    assert len(paragraphs) == 49
    missing = [p for p in paragraphs if p not in cited and p not in FACT_FREE_PARAGRAPHS]
    assert missing == []
    assert not (cited & FACT_FREE_PARAGRAPHS), "a paragraph listed as fact-free is cited"


def test_lost_lists_are_knowledge_gaps(ontology: rdflib.Graph) -> None:
    gaps = set(ontology.subjects(RDF.type, MSBP.KnowledgeGap))
    cited = {str(p) for g in gaps for p in ontology.objects(g, MSBP.paragraph)}
    assert {"P08", "P23", "P47"} <= cited
    assert len(gaps) == 3
    # Gaps are never filled with invented items: nothing is a subtype of complementary therapy,
    # nothing triggers neuropathic pain, nothing contributes to non-MS back pain.
    assert list(ontology.subjects(MSBP.subtypeOf, MSBP.ComplementaryTherapy)) == []
    assert list(ontology.subjects(MSBP.triggers, MSBP.NeuropathicPain)) == []
    assert list(ontology.subjects(MSBP.contributesTo, MSBP.NonMSBackPain)) == []


def test_xrefs_come_from_the_verified_table(ontology: rdflib.Graph) -> None:
    with (ROOT / "ontology" / "reference" / "xrefs.tsv").open(encoding="utf-8") as handle:
        reference = {(row["curie"], row["match"]) for row in csv.DictReader(handle, delimiter="\t")}
    with (ROOT / "ontology" / "src" / "xref_overrides.tsv").open(encoding="utf-8") as handle:
        overrides = {
            (row["id"], row["curie"]): row["match"]
            for row in csv.DictReader(handle, delimiter="\t")
        }
    matches = {
        SKOS.exactMatch: "exact",
        SKOS.closeMatch: "close",
        SKOS.broadMatch: "broad",
        SKOS.narrowMatch: "narrow",
        SKOS.relatedMatch: "related",
    }
    seen = 0
    for prop, kind in matches.items():
        for subject, target in ontology.subject_objects(prop):
            curie = compress(str(target))
            assert curie.split(":")[0] in XREF_PREFIXES, curie
            override = overrides.get((compress(str(subject)).partition(":")[2], curie))
            if override is not None:
                assert override == kind, f"{curie} should be {override}, is {kind}"
                assert any(c == curie for c, _ in reference), f"{curie} is not in xrefs.tsv"
            else:
                assert (curie, kind) in reference, f"{curie} ({kind}) is not in xrefs.tsv"
            seen += 1
    assert seen > 100
    # The source's class is the over-the-counter anti-inflammatories: narrower than NSAID.
    nsaid = {compress(str(o)) for o in ontology.objects(MSBP.NSAIDs, SKOS.broadMatch)}
    assert {"CHEBI:35475", "MESH:D000894"} <= nsaid
    assert list(ontology.objects(MSBP.NSAIDs, SKOS.exactMatch)) == []
    # Corrected in the reference table: demyelinating-disease classes are only related.
    related = {compress(str(o)) for o in ontology.objects(MSBP.MyelinLoss, SKOS.relatedMatch)}
    assert related == {"MONDO:0002562", "DOID:3213", "NCIT:C34527", "MESH:D003711"}
    narrow = {compress(str(o)) for o in ontology.objects(MSBP.CervicalSpine, SKOS.narrowMatch)}
    assert narrow == {"UBERON:0002413", "MESH:D002574"}
    lhermitte = {compress(str(o)) for o in ontology.objects(MSBP.LhermittesSign, SKOS.exactMatch)}
    assert lhermitte == {"HP:0032504"}


def test_reference_table_matches_shared_copy_when_present() -> None:
    shared = ROOT.parent / "shared" / "reference" / "xrefs.tsv"
    vendored = ROOT / "ontology" / "reference" / "xrefs.tsv"
    if shared.exists():
        assert shared.read_bytes() == vendored.read_bytes()
    assert vendored.read_text(encoding="utf-8").startswith(
        "entity\tcurie\tlabel_in_source\tmatch\tverified_in"
    )


def _shingles(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9]+", text.lower().replace("\u2019", "'").replace("'", ""))
    return {
        hashlib.sha256(" ".join(words[i : i + 6]).encode()).hexdigest()[:16]
        for i in range(len(words) - 5)
    }


def test_no_sentence_of_the_article_is_copied(ontology: rdflib.Graph) -> None:
    article = {
        line.strip()
        for line in (DATA / "article_shingles.txt").read_text().splitlines()
        if not line.startswith("#")
    }
    texts = [
        str(o)
        for p in (SKOS.definition, MSBP.evidence, RDFS.label, SKOS.altLabel)
        for o in ontology.objects(None, p)
    ]
    assert len(texts) > 400
    copied = [t for t in texts if _shingles(t) & article]
    assert copied == []


def test_disjointness_and_characteristics(ontology: rdflib.Graph) -> None:
    assert (MSBP.subtypeOf, RDF.type, OWL.TransitiveProperty) in ontology
    assert (MSBP.contributesTo, RDF.type, OWL.TransitiveProperty) in ontology
    groups = list(ontology.subjects(RDF.type, OWL.AllDisjointClasses))
    assert len(groups) == 4
    chains = Counter(p for p, _ in ontology.subject_objects(OWL.propertyChainAxiom))
    # Only the drug-class chain derives treatments: no push-down to the kinds of a pain (P25).
    assert chains[MSBP.treats] == 1 and chains[MSBP.mayAggravate] == 1
    for prop in _object_properties(ontology):
        if str(prop).startswith(str(MSBP)):
            has_inverse = (prop, OWL.inverseOf, None) in ontology or (
                None,
                OWL.inverseOf,
                prop,
            ) in ontology
            assert has_inverse or prop in {
                MSBP.affects,
                MSBP.alleviates,
                MSBP.concerns,
                MSBP.indicatedFor,
                MSBP.locatedIn,
                MSBP.mayAggravate,
                MSBP.predisposesTo,
                MSBP.radiatesTo,
                MSBP.requiresConsultationWith,
                MSBP.hasBenefit,
            }, prop


@pytest.mark.slow
def test_shacl_shapes_pass_on_the_bundle(full_graph: rdflib.Graph) -> None:
    from msbackpain.validation import validate_shapes

    report = validate_shapes(full_graph)
    if not report.conforms:
        pytest.fail(report.summary())


@pytest.mark.slow
def test_shacl_shapes_fail_on_a_broken_fixture() -> None:
    from msbackpain.validation import validate_shapes

    broken = (
        rdflib.Graph().parse(ONTOLOGY, format="turtle").parse(DATA / "broken.ttl", format="turtle")
    )
    report = validate_shapes(broken)
    assert not report.conforms
    text = report.summary()
    assert (
        "msbp:Doctor is the subject of msbp:treats but not an instance of its domain msbp:Treatment"
        in text
    )
    assert "edge msbp:Doctor msbp:treats msbp:Spasticity has no provenance" in text
    assert "msbp:Wrong: every entity needs a skos:definition [msbpsh:EntityShape]" in text
    assert (
        "provenance of msbp:Heat msbp:triggers msbp:LhermittesSign: paragraph ids have the form P01 to P49"
        in text
    )
