"""Inferred facts shipped in the bundle (no Java needed): exact sets, rules and support."""

from __future__ import annotations

import pytest

import msbackpain
from conftest import labels, needs_java
from msbackpain import relations


def test_drug_class_inheritance(kg: msbackpain.KnowledgeGraph) -> None:
    drug_rule = {r.key for r in kg.edges() if r.rule == "msbp:ruleDrugClassTreatment"}
    assert drug_rule == {
        ("msbp:Baclofen", "msbp:treats", "msbp:Spasticity"),
        ("msbp:Tizanidine", "msbp:treats", "msbp:Spasticity"),
        ("msbp:Ibuprofen", "msbp:treats", "msbp:MuscleStrainBackPain"),
        ("msbp:Naproxen", "msbp:treats", "msbp:MuscleStrainBackPain"),
    }


def test_no_treatment_is_pushed_down_to_lhermittes_sign(kg: msbackpain.KnowledgeGraph) -> None:
    # P14 is the only measure the source gives for Lhermitte's sign; treatments of neuropathic
    # pain or of MS back pain in general are not pushed down to it (P25: it depends on the type).
    for inferred in (True, False):
        answer = kg.treatments_for("Lhermitte's sign", inferred=inferred)
        assert [(r.subject.label, r.predicate, r.inferred) for r in answer] == [
            ("avoiding triggering neck movements", "msbp:alleviates", False)
        ]
    (only,) = kg.treatments_for("Lhermitte's sign")
    assert only.evidence is not None and only.evidence.modality == "may help"
    assert only.evidence.paragraphs == ("P14",)


def test_asserted_only_hides_inferred(kg: msbackpain.KnowledgeGraph) -> None:
    assert labels(r.subject for r in kg.treatments_for("spasticity", inferred=False)) == [
        "muscle relaxant"
    ]
    everything = kg.treatments_for("spasticity")
    # P29: muscle relaxants, with baclofen and tizanidine as the examples; nothing else.
    assert labels(r.subject for r in everything) == ["baclofen", "muscle relaxant", "tizanidine"]
    assert all(r.inferred == (r.subject.label != "muscle relaxant") for r in everything)
    baclofen = next(r for r in everything if r.subject.label == "baclofen")
    assert baclofen.review == "accepted"
    assert baclofen.evidence is not None
    # The conclusion cites the paragraph that supports it, not the union of its premises'.
    assert baclofen.evidence.paragraphs == ("P29",)
    assert baclofen.evidence.modality == "may be recommended"  # "they may prescribe" (P29)


def test_conflict_relation_is_inferred_by_the_reasoner(kg: msbackpain.KnowledgeGraph) -> None:
    aggravates = {r.key: r for r in kg.edges() if r.predicate == "msbp:mayAggravate"}
    assert set(aggravates) == {
        ("msbp:HeatedPool", "msbp:mayAggravate", "msbp:LhermittesSign"),
        ("msbp:WaterAerobics", "msbp:mayAggravate", "msbp:LhermittesSign"),
    }
    assert all(r.inferred and r.rule == "msbp:ruleFactorAggravation" for r in aggravates.values())
    assert [
        v.key
        for v in aggravates[("msbp:HeatedPool", "msbp:mayAggravate", "msbp:LhermittesSign")].via
    ] == [
        ("msbp:HeatedPool", "msbp:involvesFactor", "msbp:Heat"),
        ("msbp:Heat", "msbp:triggers", "msbp:LhermittesSign"),
    ]
    assert kg.edges(inferred=False) and not any(
        r.predicate == "msbp:mayAggravate" for r in kg.edges(inferred=False)
    )


def test_defined_classes_are_classified(kg: msbackpain.KnowledgeGraph) -> None:
    members = {
        (r.subject.id, r.object.id)
        for r in (kg.relation(k) for k in relations.support(kg) if k[1] == "rdf:type")
    }
    triggers = sorted(s for s, c in members if c == "msbp:Trigger")
    assert triggers == [
        "msbp:ExtremeTemperatures",
        "msbp:Fatigue",
        "msbp:Heat",
        "msbp:Humidity",
        "msbp:Infections",
        "msbp:NeckBending",
        "msbp:PositionChanges",
        "msbp:Stress",
        "msbp:SuddenMovements",
        "msbp:TightClothing",
    ]
    assert sorted(s for s, c in members if c == "msbp:TriggerAvoidanceAction") == [
        "msbp:AvoidTriggeringNeckMovements"
    ]
    assert sorted(s for s, c in members if c == "msbp:PotentiallyAggravatingTreatment") == [
        "msbp:HeatedPool",
        "msbp:WaterAerobics",
    ]
    assert sorted(s for s, c in members if c == "msbp:PainTypeWithDrugTreatment") == [
        "msbp:MSRelatedBackPain",
        "msbp:MuscleStrainBackPain",
        "msbp:NeuropathicPain",
        "msbp:Spasticity",
    ]
    result = kg.query("SELECT ?x WHERE { ?x a msbp:Trigger }")
    assert len(result) == 10  # materialised memberships are visible to SPARQL


def test_no_inferred_edge_without_support(kg: msbackpain.KnowledgeGraph) -> None:
    inferred = [r for r in kg.edges() if r.inferred]
    assert len(inferred) == 58
    for relation in inferred:
        assert relation.review == "accepted", relation
        assert relation.rule and relation.rule.startswith("msbp:rule"), relation
        assert relation.via, relation
        assert all(not v.inferred for v in relation.via), relation
        assert all(
            v.evidence and v.evidence.paragraphs for v in relation.via if v.predicate != "rdf:type"
        ), relation
        assert (
            relation.evidence is not None
            and relation.evidence.knowledge_level == "logical_entailment"
        )


def test_transitive_causes(kg: msbackpain.KnowledgeGraph) -> None:
    causes = kg.causes_of("back pain from mobility-aid misuse")
    assert {(r.subject.label, r.predicate, r.inferred) for r in causes} == {
        ("poor posture", "msbp:causes", False),
        ("pressure on the back", "msbp:contributesTo", False),
        ("incorrect use of mobility aids", "msbp:contributesTo", True),
    }


@pytest.mark.slow
@needs_java
def test_inferred_evidence_names_the_sources_of_its_support(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bundle = msbackpain.load().relation(("msbp:Baclofen", "msbp:treats", "msbp:Spasticity"))
    assert bundle.evidence is not None
    assert (
        bundle.evidence.source == "https://www.healthline.com/health/multiple-sclerosis/back-pain"
    )
    mine = tmp_path / "mine.ttl"
    mine.write_text(
        "@prefix msbp: <https://w3id.org/msbackpain/> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        'msbp:Dantrolene a owl:NamedIndividual, msbp:Medication ; rdfs:label "dantrolene"@en ;\n'
        '    <http://www.w3.org/2004/02/skos/core#definition> "A drug of my own notes."@en ;\n'
        "    msbp:memberOfDrugClass msbp:MuscleRelaxants .\n"
        "[] a owl:Axiom ; owl:annotatedSource msbp:Dantrolene ; owl:annotatedProperty msbp:memberOfDrugClass ;\n"
        "   owl:annotatedTarget msbp:MuscleRelaxants ; dcterms:source <https://example.org/my-notes> ;\n"
        '   msbp:evidence "My own note."@en ; msbp:paragraph "P29" .\n',
        encoding="utf-8",
    )
    kg, _ = msbackpain.load(mine).reason()
    stated = kg.relation(("msbp:Dantrolene", "msbp:memberOfDrugClass", "msbp:MuscleRelaxants"))
    assert stated.evidence is not None and stated.evidence.source == "https://example.org/my-notes"
    inferred = kg.relation(("msbp:Dantrolene", "msbp:treats", "msbp:Spasticity"))
    assert inferred.inferred and inferred.rule == "msbp:ruleDrugClassTreatment"
    assert inferred.evidence is not None
    assert inferred.evidence.source == (
        "https://example.org/my-notes; https://www.healthline.com/health/multiple-sclerosis/back-pain"
    )
