"""The graph never says more than its source: exact answers per pain, reviews, hedges, SHACL.

Every expected set is read off the article (paragraph ids in the comments); an empty set is
the source naming nothing, and a knowledge gap is the source's list being lost.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

import msbackpain
from conftest import DATA, ONTOLOGY, ROOT, needs_java
from msbackpain._review import load_reviews

REVIEWS = ROOT / "ontology" / "src" / "reviewed_inferences.tsv"
PAINS = (
    "msbp:BackPain",
    "msbp:MSRelatedBackPain",
    "msbp:MuscleStrainBackPain",
    "msbp:LhermittesSign",
    "msbp:NeuropathicPain",
    "msbp:Spasticity",
    "msbp:MuscleWeakness",
    "msbp:PostureRelatedBackPain",
    "msbp:NonMSBackPain",
)


def _ids(relations: Sequence[msbackpain.Relation], side: str) -> set[str]:
    return {getattr(r, side).id.partition(":")[2] for r in relations}


def test_the_nine_pain_entities(kg: msbackpain.KnowledgeGraph) -> None:
    found = {e.id for e in kg.pain_types()} | {
        "msbp:BackPain",
        "msbp:MSRelatedBackPain",
        "msbp:MuscleStrainBackPain",
    }
    assert found == set(PAINS)


# What the source gives for each pain entity (treatments, triggers, causes, cautions).
EXPECTED: dict[str, dict[str, set[str]]] = {
    # P01-P04 speak of back pain in MS, never of back pain in general.
    "msbp:BackPain": {"treats": set(), "triggers": set(), "causes": set(), "cautions": set()},
    "msbp:MSRelatedBackPain": {
        # P01, P25-P26, P32, P38, P41, P46.
        "treats": {
            "ComplementaryTherapy",
            "ExerciseTreatment",
            "MedicationOption",
            "OccupationalTherapy",
            "PhysicalTherapy",
            "StretchingTightMuscles",
            "WaterTherapy",
        },
        "triggers": set(),
        # P01, P04-P05, P15, P19-P20: nerve damage and the reasons for back pain, and the
        # chains of P20 (fatigue, imbalance, mobility issues -> less activity -> weakness).
        "causes": {
            "Fatigue",
            "Imbalance",
            "MSNerveDamage",
            "MobilityIssues",
            "MotorNerveDamage",
            "MultipleSclerosis",
            "MuscleWeakness",
            "NerveShortCircuiting",
            "NeuropathicPain",
            "ReducedActivity",
            "Spasticity",
        },
        "cautions": {"Doctor", "IdentifyCauseWithDoctor"},  # P04, P49
    },
    "msbp:MuscleStrainBackPain": {
        # P28: OTC anti-inflammatories such as ibuprofen or naproxen; P39: adaptive aids.
        "treats": {"AdaptiveAids", "Ibuprofen", "NSAIDs", "Naproxen"},
        "triggers": set(),
        "causes": {"MuscleStrain"},
        "cautions": set(),
    },
    "msbp:LhermittesSign": {
        "treats": {"AvoidTriggeringNeckMovements"},  # P14, the only measure given
        "triggers": {"Fatigue", "Heat", "NeckBending", "Stress"},  # P10, P12-P13
        "causes": {"CervicalSpineNerveDamage", "MultipleSclerosis"},  # P10-P11
        "cautions": set(),
    },
    "msbp:NeuropathicPain": {
        # P09, P30 (certain types of antidepressant).
        "treats": {"AntidepressantDrugs", "AntiseizureDrugs", "EliminateNeuropathicTriggers"},
        "triggers": set(),  # P08: lost, see the gap
        "causes": {"MSNerveDamage", "MultipleSclerosis", "NerveShortCircuiting"},  # P05
        "cautions": set(),
    },
    "msbp:Spasticity": {
        "treats": {"Baclofen", "MuscleRelaxants", "Tizanidine"},  # P29
        "triggers": {  # P16-P17
            "ExtremeTemperatures",
            "Humidity",
            "Infections",
            "PositionChanges",
            "SuddenMovements",
            "TightClothing",
        },
        "causes": {"MultipleSclerosis"},  # P15
        "cautions": set(),
    },
    "msbp:MuscleWeakness": {
        "treats": set(),  # the source names no treatment for muscle weakness
        "triggers": set(),
        "causes": {  # P19-P20
            "Fatigue",
            "Imbalance",
            "MobilityIssues",
            "MotorNerveDamage",
            "MultipleSclerosis",
            "ReducedActivity",
        },
        "cautions": set(),
    },
    "msbp:PostureRelatedBackPain": {
        "treats": {"AdaptiveAids"},  # P39
        "triggers": set(),
        "causes": {"IncorrectMobilityAidUse", "PoorPosture", "PressureOnBack"},  # P21, P39
        "cautions": {"Doctor", "IdentifyCauseWithDoctor"},  # P04, P49: a kind of MS back pain
    },
    "msbp:NonMSBackPain": {
        "treats": set(),
        "triggers": set(),
        "causes": {"MultipleSclerosis"},  # P01, P23: MS predisposes; the factors are lost
        "cautions": set(),
    },
}


@pytest.mark.parametrize("pain", PAINS)
def test_exact_answers_per_pain(kg: msbackpain.KnowledgeGraph, pain: str) -> None:
    expected = EXPECTED[pain]
    assert _ids(kg.treatments_for(pain), "subject") == expected["treats"]
    assert _ids(kg.triggers_of(pain), "subject") == expected["triggers"]
    assert _ids(kg.causes_of(pain), "subject") == expected["causes"]
    assert _ids(kg.cautions_for(pain), "object") == expected["cautions"]


def test_lost_lists_are_gaps_not_none(kg: msbackpain.KnowledgeGraph) -> None:
    triggers = kg.triggers_of("neuropathic pain")
    assert list(triggers) == [] and [g.entity.id for g in triggers.gaps] == [
        "msbp:GapNeuropathicRiskFactors"
    ]
    causes = kg.causes_of("back pain not related to MS")
    assert "msbp:GapNonMSBackPainFactors" in [g.entity.id for g in causes.gaps]
    # Muscle weakness: the source names no treatment, and nothing was lost: no gap.
    weakness = kg.treatments_for("muscle weakness")
    assert list(weakness) == [] and list(weakness.gaps) == []


def test_no_treatment_crosses_a_reason_for_back_pain(kg: msbackpain.KnowledgeGraph) -> None:
    # P15, P19: spasticity and weakness lead to back pain; they are not back pain, so what
    # treats back pain in general does not treat them (P25: it depends on the type).
    general = _ids(kg.treatments_for("MS-related back pain"), "subject")
    for reason in ("spasticity", "muscle weakness", "neuropathic pain", "Lhermitte's sign"):
        assert not general & _ids(kg.treatments_for(reason), "subject"), reason
    for relation in kg.edges():
        if relation.predicate == "msbp:subtypeOf":
            assert (
                relation.subject.id
                not in {
                    "msbp:Spasticity",
                    "msbp:MuscleWeakness",
                    "msbp:NeuropathicPain",
                    "msbp:LhermittesSign",
                }
                or relation.object.id == "msbp:NeuropathicPain"
            ), relation


def test_hedges_are_data(kg: msbackpain.KnowledgeGraph) -> None:
    with (ROOT / "ontology" / "src" / "edges.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    hedged = {(r["subject"], r["predicate"], r["object"]): r["modality"] for r in rows}
    treats = [r for r in rows if r["predicate"] in {"treats", "alleviates", "prevents"}]
    assert [r for r in treats if not r["modality"]] == []  # the article hedges every one
    assert hedged[("AntidepressantDrugs", "treats", "NeuropathicPain")] == "certain types of"
    assert (
        hedged[("ComplementaryTherapy", "treats", "MSRelatedBackPain")]
        == "add-on when usual care is not enough"
    )
    assert hedged[("RehabilitativeTherapy", "indicatedFor", "MultipleSclerosis")] == ""  # P36
    relation = kg.relation(("msbp:AntidepressantDrugs", "msbp:treats", "msbp:NeuropathicPain"))
    assert relation.evidence is not None
    assert relation.evidence.modality == "certain types of"
    assert relation.evidence.to_dict()["modality"] == "certain types of"
    plain = kg.relation(("msbp:Heat", "msbp:triggers", "msbp:LhermittesSign"))
    assert plain.evidence is not None and plain.evidence.modality is None


def test_missing_facts_are_stated(kg: msbackpain.KnowledgeGraph) -> None:
    keys = {r.key for r in kg.edges(inferred=False)}
    assert ("msbp:MedicationOption", "msbp:treats", "msbp:MSRelatedBackPain") in keys  # P01
    for option in ("ExerciseTreatment", "PhysicalTherapy", "OccupationalTherapy"):
        assert (f"msbp:{option}", "msbp:recommendedBy", "msbp:Doctor") in keys  # P25-P26
    assert ("msbp:ComplementaryTherapy", "msbp:recommendedBy", "msbp:Doctor") in keys
    assert ("msbp:ExerciseTreatment", "msbp:hasCaution", "msbp:TailorExercisePlan") in keys
    assert ("msbp:MultipleSclerosis", "msbp:causes", "msbp:LhermittesSign") in keys  # P10
    posture = kg.relation(("msbp:PoorPosture", "msbp:causes", "msbp:PostureRelatedBackPain"))
    assert posture.evidence is not None and posture.evidence.paragraphs == ("P21", "P39")


# -- reviewed inferences -------------------------------------------------------------------


def test_every_shown_inference_is_accepted_in_the_review_table(
    kg: msbackpain.KnowledgeGraph,
) -> None:
    reviews = load_reviews(REVIEWS)
    accepted = {k for k, r in reviews.items() if r.accepted}
    answers: list[msbackpain.Relation] = list(kg.edges())
    for entity in kg.index.entities:
        for ask in (kg.treatments_for, kg.triggers_of, kg.causes_of, kg.cautions_for):
            answers += ask(entity)
        answers += kg.benefits_of(entity) + kg.qualities_of(entity)
    inferred = [r for r in answers if r.inferred]
    assert len({r.key for r in inferred}) == 58
    for relation in inferred:
        assert relation.key in accepted, relation
        assert relation.review == "accepted", relation
        review = reviews[relation.key]
        assert relation.evidence is not None
        # The conclusion cites the curators' paragraphs, not the union of its premises'.
        assert relation.evidence.paragraphs == review.paragraphs, relation
    for row in kg.run("inference_support"):
        assert row["review"] == "accepted", row
        key = (str(row["subject"]), str(row["predicate"]), str(row["object"]))
        assert key in accepted, key
    graph = kg.to_networkx()
    for s, o, data in graph.edges(data=True):
        if data.get("inferred"):
            assert (s, data["predicate"], o) in accepted, (s, data, o)


def test_exports_carry_only_accepted_inferences(kg: msbackpain.KnowledgeGraph, tmp_path) -> None:  # type: ignore[no-untyped-def]
    reviews = load_reviews(REVIEWS)
    path = tmp_path / "bundle.ttl"
    kg.export(path)
    graph = rdflib.Graph().parse(path, format="turtle")
    msbp = rdflib.Namespace("https://w3id.org/msbackpain/")
    verdicts = [str(v) for v in graph.objects(None, msbp.review)]
    assert len(verdicts) == len(reviews) == 96 and set(verdicts) == {"accepted"}


def test_review_table_rows_are_well_formed() -> None:
    reviews = load_reviews(REVIEWS)
    assert len(reviews) == 96
    assert {r.verdict for r in reviews.values()} == {"accepted"}
    assert all(r.note for r in reviews.values())


def test_a_malformed_review_table_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "reviews.tsv"
    bad.write_text(
        "subject\tpredicate\tobject\tverdict\tparagraphs\tnote\n"
        "msbp:A\tmsbp:treats\tmsbp:B\tmaybe\tP01\tA note.\n",
        encoding="utf-8",
    )
    with pytest.raises(msbackpain.OntologyLoadError, match=r"reviews\.tsv:2: verdict 'maybe'"):
        load_reviews(bad)


@pytest.fixture(scope="module")
def inferences():  # type: ignore[no-untyped-def]
    from msbackpain.reasoning import infer

    return infer(rdflib.Graph().parse(ONTOLOGY, format="turtle"))


@pytest.mark.slow
@pytest.mark.java
@needs_java
def test_an_unreviewed_fact_fails_the_build(inferences, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import materialise

    lines = REVIEWS.read_text(encoding="utf-8").splitlines(keepends=True)
    dropped = next(
        i for i, line in enumerate(lines) if line.startswith("msbp:Baclofen\tmsbp:treats")
    )
    short = tmp_path / "reviews.tsv"
    short.write_text("".join(lines[:dropped] + lines[dropped + 1 :]), encoding="utf-8")
    with pytest.raises(materialise.ReviewError, match="1 inferred fact"):
        materialise.check_reviews(inferences, short)
    stale = tmp_path / "stale.tsv"
    stale.write_text(
        "".join(lines) + "msbp:HeatedPool\tmsbp:treats\tmsbp:LhermittesSign\trejected\tP12\tNo.\n",
        encoding="utf-8",
    )
    with pytest.raises(materialise.ReviewError, match="no longer derived"):
        materialise.check_reviews(inferences, stale)


@pytest.mark.slow
@pytest.mark.java
@needs_java
def test_a_rejected_fact_is_never_materialised(inferences, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from msbackpain._inferred import inferred_turtle

    text = REVIEWS.read_text(encoding="utf-8").replace(
        "msbp:Baclofen\tmsbp:treats\tmsbp:Spasticity\taccepted",
        "msbp:Baclofen\tmsbp:treats\tmsbp:Spasticity\trejected",
    )
    table = tmp_path / "reviews.tsv"
    table.write_text(text, encoding="utf-8")
    turtle = inferred_turtle(inferences, load_reviews(table))
    assert "msbp:Baclofen msbp:treats msbp:Spasticity ." not in turtle
    assert "msbp:Tizanidine msbp:treats msbp:Spasticity ." in turtle
    path = tmp_path / "inferred.ttl"
    path.write_text(turtle, encoding="utf-8")
    from msbackpain.backends import get_backend
    from msbackpain.knowledge import KnowledgeGraph

    store = get_backend("rdflib")
    store.load(ONTOLOGY)
    store.load(path)
    kg = KnowledgeGraph(store)
    assert {r.subject.label for r in kg.treatments_for("spasticity")} == {
        "muscle relaxant",
        "tizanidine",
    }


# -- SHACL ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_an_axiom_without_its_evidence_summary_does_not_conform() -> None:
    from msbackpain.validation import validate_shapes

    graph = rdflib.Graph().parse(ONTOLOGY, format="turtle")
    graph.parse(DATA / "hides_in_bundle.ttl", format="turtle")
    summary = validate_shapes(graph).summary()
    assert (
        "provenance of msbp:Heat msbp:triggers msbp:LhermittesSign: an edge's provenance needs "
        "an evidence summary (msbp:evidence), or an inference rule if it was inferred "
        "[msbpsh:AxiomShape]"
    ) in summary
    assert "a modality is one of: may help" in summary


@pytest.mark.slow
def test_validate_file_checks_the_file_on_its_own() -> None:
    from msbackpain.cli import main

    result = CliRunner().invoke(main, ["validate", str(DATA / "hides_in_bundle.ttl"), "--shapes"])
    assert result.exit_code != 0
    assert "error: ShapeViolation: 3 violation(s) of the SHACL shapes" in result.output
    # Merged with the bundle, the bundle's own axiom would have covered this restated edge.
    assert (
        "edge msbp:Baclofen msbp:memberOfDrugClass msbp:MuscleRelaxants has no provenance"
        in result.output
    )
    good = CliRunner().invoke(main, ["validate", str(ONTOLOGY), "--shapes"])
    assert good.exit_code == 0, good.output
    assert "SHACL shapes: conform" in good.output


# -- cross-references ----------------------------------------------------------------------

# What kind of concept each external vocabulary's identifiers name, and which of our classes
# may match them (anything else can only be skos:relatedMatch).
_KIND_OF_PREFIX = {
    "MONDO": "disease",
    "DOID": "disease",
    "CHEBI": "drug",
    "RXNORM": "drug",
    "ATC": "drug",
    "MAXO": "action",
    "UBERON": "anatomy",
    "GO": "anatomy",
    "HP": "phenotype",
    "SYMP": "phenotype",
}
_ALLOWED = {
    "disease": {"Disease"},
    "drug": {"Medication", "DrugClass"},
    "action": {"Treatment"},
    "anatomy": {"AnatomicalEntity"},
    "phenotype": {"Condition", "Characteristic"},
}
# HP's clinical modifiers and exposures name the circumstance itself, so a trigger may match.
_MODIFIER_LABELS = ("Triggered by", "Exacerbated by", "Exposure to", "History of")


def _kind(curie: str, label: str) -> str | None:
    kind = _KIND_OF_PREFIX.get(curie.partition(":")[0])
    if kind is None and any(w in label.lower() for w in ("disease", "disorder")):
        return "disease"  # MeSH, NCIT, SNOMED CT: their disease terms
    return kind


def test_each_xref_joins_concepts_of_the_same_kind(ontology: rdflib.Graph) -> None:
    from rdflib.namespace import RDF, RDFS, SKOS

    from msbackpain.prefixes import compress

    with (ROOT / "ontology" / "reference" / "xrefs.tsv").open(encoding="utf-8") as handle:
        labels = {r["curie"]: r["label_in_source"] for r in csv.DictReader(handle, delimiter="\t")}
    parents: dict[str, set[str]] = {}
    for sub, sup in ontology.subject_objects(RDFS.subClassOf):
        parents.setdefault(compress(str(sub)), set()).add(compress(str(sup)))

    def ancestors(cls: str) -> set[str]:
        seen, stack = {cls}, [cls]
        while stack:
            for parent in parents.get(stack.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        return {c.partition(":")[2] for c in seen}

    checked, mismatched = 0, []
    for prop in (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch):
        for entity, target in ontology.subject_objects(prop):
            curie = compress(str(target))
            kind = _kind(curie, labels[curie])
            if kind is None:
                continue
            ours = set().union(
                *(ancestors(compress(str(c))) for c in ontology.objects(entity, RDF.type))
            )
            fits = bool(ours & _ALLOWED[kind]) or (
                "Factor" in ours and labels[curie].startswith(_MODIFIER_LABELS)
            )
            checked += 1
            if not fits:
                mismatched.append((compress(str(entity)), curie, labels[curie]))
    assert mismatched == []
    assert checked >= 80
