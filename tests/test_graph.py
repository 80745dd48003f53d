"""networkx export, traversal functions, explanations and care plans."""

from __future__ import annotations

import pytest

import msbackpain
from conftest import cited
from msbackpain import graph


@pytest.fixture(scope="module")
def G(kg: msbackpain.KnowledgeGraph):  # type: ignore[no-untyped-def]
    return kg.to_networkx()


def test_to_networkx_attributes(kg: msbackpain.KnowledgeGraph, G) -> None:  # type: ignore[no-untyped-def]
    assert G.nodes["msbp:Spasticity"]["label"] == "spasticity"
    assert G.nodes["msbp:Spasticity"]["category"] == "msbp:BackPainReason"
    assert "msbp:ruleTransitivity" not in G  # inference rules are not graph nodes
    asserted = G.edges["msbp:MuscleRelaxants", "msbp:Spasticity", "msbp:treats"]
    assert (
        asserted["inferred"] is False
        and asserted["paragraphs"] == ("P29",)
        and asserted["label"] == "treats"
    )
    inferred = G.edges["msbp:Baclofen", "msbp:Spasticity", "msbp:treats"]
    assert inferred["inferred"] is True and inferred["rule"] == "msbp:ruleDrugClassTreatment"
    assert inferred["evidence"].knowledge_level == "logical_entailment"
    asserted_only = kg.to_networkx(inferred=False)
    assert asserted_only.number_of_edges() == 167 and G.number_of_edges() == 225
    assert not asserted_only.has_edge("msbp:Baclofen", "msbp:Spasticity")
    with_inverses = kg.to_networkx(inverses=True)
    back = with_inverses.edges["msbp:Spasticity", "msbp:MuscleRelaxants", "msbp:treatedBy"]
    assert back["rule"] == "msbp:ruleInverse" and back["relation"].via[0].predicate == "msbp:treats"
    G.remove_node("msbp:Spasticity")  # a copy: the graph's own cache is untouched
    assert "msbp:Spasticity" in kg.to_networkx()


def test_traversals(kg: msbackpain.KnowledgeGraph) -> None:
    G = kg.to_networkx(inferred=False)
    # Neuropathic pain is a reason for back pain, not a kind of it (P04-P05).
    assert graph.ancestors(G, "msbp:LhermittesSign") == {"msbp:NeuropathicPain"}
    assert graph.ancestors(
        G, "msbp:Baclofen", predicates=["msbp:memberOfDrugClass", "msbp:subtypeOf"]
    ) == {
        "msbp:MuscleRelaxants",
        "msbp:MedicationOption",
    }
    # The only kind of MS back pain (P21); the reasons for it are not its kinds (P15, P19).
    assert graph.descendants(G, "msbp:MSRelatedBackPain") == {"msbp:PostureRelatedBackPain"}
    assert graph.upstream_causes(G, "msbp:MuscleWeakness") == {
        "msbp:MultipleSclerosis",
        "msbp:MotorNerveDamage",
        "msbp:ReducedActivity",
        "msbp:Fatigue",
        "msbp:Imbalance",
        "msbp:MobilityIssues",
    }
    # P29; what treats back pain in general does not reach a reason for it.
    assert graph.downstream_treatments(G, "msbp:Spasticity") == {"msbp:MuscleRelaxants"}
    sub = graph.neighbourhood(G, "msbp:LhermittesSign", depth=1)
    assert set(sub) == {
        "msbp:LhermittesSign",
        "msbp:NeuropathicPain",
        "msbp:CervicalSpineNerveDamage",
        "msbp:MultipleSclerosis",  # some people with MS have it (P10)
        "msbp:Heat",
        "msbp:Fatigue",
        "msbp:Stress",
        "msbp:NeckBending",
        "msbp:AvoidTriggeringNeckMovements",
        "msbp:ElectricShockSensation",
        "msbp:SecondsLong",
        "msbp:VeryIntense",
        "msbp:Neck",
        "msbp:Spine",
        "msbp:Ribs",
    }
    with pytest.raises(msbackpain.EntityNotFound):
        graph.ancestors(G, "msbp:Nope")


def test_explain_expected_chains(kg: msbackpain.KnowledgeGraph) -> None:
    baclofen = kg.explain("baclofen", "back pain")
    best = baclofen[0]
    assert best.justification and best.inferred_steps == 0 and best.kind == "justification"
    # P29: baclofen is a muscle relaxant, the first step of every reason it bears on back pain.
    assert best.relations[0].key == (
        "msbp:Baclofen",
        "msbp:memberOfDrugClass",
        "msbp:MuscleRelaxants",
    )
    assert cited(best.relations[0]) == ("P29",)
    assert (best.source.label, best.target.label) == ("baclofen", "back pain")
    mobility = kg.explain(
        "incorrect use of mobility aids", "back pain from mobility-aid misuse", inferred=False
    )
    # P21: misused mobility aids put pressure on the back, leading to poor posture and pain.
    assert all(p.justification for p in mobility)
    assert str(mobility[0]).startswith(
        "incorrect use of mobility aids --causes--> pressure on the back"
    )
    ms = kg.explain("multiple sclerosis", "neuropathic pain", inferred=False)
    assert str(ms[0]) == "multiple sclerosis --causes--> neuropathic pain"  # P05
    assert (
        "multiple sclerosis --causes--> MS-related nerve damage --causes--> nerve short-circuiting --causes--> neuropathic pain"
        in [str(p) for p in ms]
    )
    pool = kg.explain("heated pool", "Lhermitte's sign")
    assert (
        str(pool[0])
        == "heated-pool therapy --involvesFactor--> heat --triggers--> Lhermitte's sign"
    )
    assert pool[0].justification and pool[0].inferred_steps == 0  # P42, P12-P13


def test_explain_ranks_justifications_above_connections(kg: msbackpain.KnowledgeGraph) -> None:
    for source, target in [
        ("baclofen", "back pain"),
        ("antiseizure medication", "Lhermitte's sign"),
        ("heated pool", "Lhermitte's sign"),
        ("multiple sclerosis", "Lhermitte's sign"),
    ]:
        paths = kg.explain(source, target, limit=20)
        ranks = [(not p.justification, p.inferred_steps > 0, len(p)) for p in paths]
        assert ranks == sorted(ranks), (source, target)
        for path in paths:
            reasons = all(
                r.predicate in graph.JUSTIFICATION_PREDICATES and r.rule != "msbp:ruleInverse"
                for r in path
            )
            assert path.justification == reasons
            assert path.to_dict()["kind"] == path.kind
    # Going up to a cause and down to another effect connects, it does not explain: P30 links
    # antiseizure drugs to neuropathic pain only.
    paths = kg.explain("antiseizure medication", "Lhermitte's sign", limit=50)
    detour = [p for p in paths if "--causedBy--> multiple sclerosis" in str(p)]
    assert detour and not any(p.justification for p in detour)
    assert not any(p.justification for p in paths if "--hasSubtype" in str(p))


def test_explain_same_entity_is_a_clear_error(kg: msbackpain.KnowledgeGraph) -> None:
    with pytest.raises(msbackpain.QueryParameterError, match="two different entities"):
        kg.explain("baclofen", "msbp:Baclofen")


def test_explain_without_a_path_and_with_unknown_entities(kg: msbackpain.KnowledgeGraph) -> None:
    assert kg.explain("vision", "tight clothing") == ()
    assert kg.explain("baclofen", "back pain", max_length=2, inferred=False) == ()
    with pytest.raises(msbackpain.EntityNotFound):
        kg.explain("baclofen", "no such thing")
