"""The OWL reasoner through owlready2: consistency, inconsistency, freshness, reason()."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import rdflib

import msbackpain
from conftest import INFERRED, MSBP, ONTOLOGY, needs_java
from msbackpain.reasoning import infer

pytestmark = [pytest.mark.java, pytest.mark.slow, needs_java]


@pytest.fixture(scope="module")
def asserted() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY, format="turtle")


def test_hermit_finds_the_bundle_consistent_and_explains_everything(asserted: rdflib.Graph) -> None:
    result = infer(asserted, engine="hermit")
    assert result.unexplained == ()
    assert len([d for d in result.derivations if d.fact[1].endswith("#type")]) == 31
    assert len([d for d in result.derivations if not d.fact[1].endswith("#type")]) == 58


def test_materialised_inferences_are_fresh() -> None:
    import materialise

    assert INFERRED.read_text(encoding="utf-8") == materialise.build(), "run `make inferred`"


def test_a_drug_typed_as_a_practitioner_is_inconsistent(asserted: rdflib.Graph) -> None:
    wrong = rdflib.Graph()
    for triple in asserted:
        wrong.add(triple)
    wrong.add((MSBP.Baclofen, rdflib.RDF.type, MSBP.Practitioner))
    with pytest.raises(msbackpain.InconsistentOntologyError) as info:
        infer(wrong)
    assert str(info.value) == (
        "hermit found the ontology inconsistent: msbp:Baclofen is asserted as msbp:Medication and "
        "msbp:Practitioner, but msbp:Practitioner and msbp:Treatment are declared disjoint"
    )


def test_a_practitioner_that_treats_is_inconsistent(asserted: rdflib.Graph) -> None:
    wrong = rdflib.Graph()
    for triple in asserted:
        wrong.add(triple)
    wrong.add((MSBP.Doctor, MSBP.treats, MSBP.Spasticity))  # domain of treats is Treatment
    with pytest.raises(
        msbackpain.InconsistentOntologyError, match=r"^hermit found the ontology inconsistent"
    ):
        infer(wrong)


def test_pellet_as_shipped_differs_from_hermit_in_known_ways(asserted: rdflib.Graph) -> None:
    # Pellet also lists the edges a sub-property entails (treats -> indicatedFor, causes ->
    # contributesTo, radiatesTo -> locatedIn); HermiT reports only three of them. The Pellet
    # bundled with owlready2 0.49 also misses memberships that need a chain over a chained
    # property (a drug's consultation comes through its class's inherited caution).
    hermit = infer(asserted, engine="hermit")
    pellet = infer(asserted, engine="pellet")
    assert hermit.unexplained == () and pellet.unexplained == ()

    def core(result: Any) -> set[Any]:
        return {d.fact for d in result.derivations if not d.rule.endswith("ruleSubproperty")}

    assert core(pellet) <= core(hermit)
    missed = core(hermit) - core(pellet)
    assert {f[2] for f in missed} == {str(MSBP.ConsultationRequiredTreatment)}
    assert len(missed) == 9
    subproperty = [d for d in pellet.derivations if d.rule.endswith("ruleSubproperty")]
    assert len(subproperty) == 45
    assert len([d for d in hermit.derivations if d.rule.endswith("ruleSubproperty")]) == 3


def test_pellets_sub_property_entailments_are_already_in_the_answers(
    asserted: rdflib.Graph, kg: msbackpain.KnowledgeGraph
) -> None:
    # They are not materialised (docs/guides/reasoning.md says why): each restates an edge
    # under a more general property, and the named queries ask for the specific ones too.
    from msbackpain.prefixes import compress

    pellet = infer(asserted, engine="pellet")
    general = {
        "msbp:indicatedFor": ("treatments_for", "condition"),
        "msbp:treats": ("treatments_for", "condition"),
        "msbp:contributesTo": ("causes_of", "condition"),
        "msbp:locatedIn": ("qualities_of", "condition"),
    }
    checked = 0
    for d in pellet.derivations:
        if not d.rule.endswith("ruleSubproperty"):
            continue
        s, p, o = (compress(x) for x in d.fact)
        name, param = general[p]
        target = o if name != "qualities_of" else s
        rows = kg.run(name, **{param: target})
        other = s if name != "qualities_of" else o
        assert any(other in (r["subject"], r["object"]) for r in rows), (s, p, o)
        checked += 1
    assert checked == 45


def test_reason_with_pellet_warns_and_drops_unsupported_facts(
    asserted_kg: msbackpain.KnowledgeGraph, tmp_path: Path
) -> None:
    from msbackpain.backends import get_backend
    from msbackpain.knowledge import KnowledgeGraph
    from msbackpain.reasoning import UnsupportedInferenceWarning

    # The withdrawn push-down chain, in a user's own file: the Pellet bundled with owlready2
    # then reports two facts that no axiom entails (caught as unexplained and dropped).
    chain = tmp_path / "chain.ttl"
    chain.write_text(
        "@prefix msbp: <https://w3id.org/msbackpain/> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "msbp:treats owl:propertyChainAxiom ( msbp:subtypeOf msbp:treats ) .\n",
        encoding="utf-8",
    )
    store = get_backend("rdflib")
    store.load(ONTOLOGY)
    store.load(chain)
    with pytest.warns(UnsupportedInferenceWarning, match="pellet reported 2 fact"):
        kg2, report = KnowledgeGraph(store).reason(engine="pellet")
    assert report.unsupported == (
        ("msbp:OccupationalTherapy", "msbp:indicatedFor", "msbp:MultipleSclerosis"),
        ("msbp:PhysicalTherapy", "msbp:indicatedFor", "msbp:MultipleSclerosis"),
    )
    assert ("msbp:PhysicalTherapy", "msbp:indicatedFor", "msbp:MultipleSclerosis") not in {
        r.key for r in kg2.edges()
    }
    # What the user's chain adds has never been reviewed, and says so.
    pool = kg2.relation(("msbp:HeatedPool", "msbp:treats", "msbp:MSRelatedBackPain"))
    assert pool.review == "unreviewed" and pool.evidence is not None
    assert pool.evidence.paragraphs == ()
    assert pool in report.unreviewed


def test_reason_returns_a_new_graph_and_leaves_the_input_alone(
    asserted_kg: msbackpain.KnowledgeGraph,
) -> None:
    before = set(asserted_kg.backend.triples())
    assert [r.subject.label for r in asserted_kg.treatments_for("spasticity")] == [
        "muscle relaxant"
    ]
    kg2, report = asserted_kg.reason()
    assert set(asserted_kg.backend.triples()) == before
    assert [r.subject.label for r in asserted_kg.treatments_for("spasticity")] == [
        "muscle relaxant"
    ]
    assert kg2 is not asserted_kg
    assert report.consistent and report.engine == "hermit" and report.seconds > 0
    assert len(report.inferred_edges) == 58 and len(report.inferred_types) == 31
    assert ("msbp:DrugClass", "msbp:PharmacologicalTreatment") in report.inferred_subclasses
    baclofen = kg2.relation(("msbp:Baclofen", "msbp:treats", "msbp:Spasticity"))
    assert baclofen.inferred and baclofen.rule == "msbp:ruleDrugClassTreatment"
    assert all(r.via for r in report.inferred_edges)
    assert (
        "msbp:Trigger" not in kg2["fatigue"].categories
    )  # inferred memberships stay out of categories
    assert repr(report).startswith(
        "ReasoningReport(engine='hermit', consistent=True, edges=58, types=31"
    )
    # Everything the reasoner derives from the bundle has been reviewed and accepted.
    assert report.unreviewed == () and report.rejected == ()
    assert {r.review for r in (*report.inferred_edges, *report.inferred_types)} == {"accepted"}


def test_reasoning_the_bundle_again_changes_nothing(kg: msbackpain.KnowledgeGraph) -> None:
    kg2, report = kg.reason()
    assert len(report.inferred_edges) == 58
    assert set(kg2.backend.triples()) != set()  # a full graph
    assert {r.key for r in kg2.edges()} == {r.key for r in kg.edges()}


def test_timeout_stops_the_reasoner(kg: msbackpain.KnowledgeGraph) -> None:
    with pytest.raises(
        msbackpain.ReasonerError, match=r"did not finish within 0.01 s and was stopped"
    ):
        kg.reason(timeout=0.01)


def test_unknown_engine(kg: msbackpain.KnowledgeGraph) -> None:
    with pytest.raises(msbackpain.ReasonerError, match="unknown reasoner 'fact'"):
        kg.reason(engine="fact")  # type: ignore[arg-type]
