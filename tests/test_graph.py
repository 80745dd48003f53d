"""networkx export, traversal functions, explanations and care plans."""

from __future__ import annotations

import pytest

import msbackpain
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
    assert str(baclofen[0]) == (
        # Spasticity is a reason for back pain, not a kind of it: the stated path goes through
        # medication, the option for MS back pain (P01, P25-P26).
        "baclofen --memberOfDrugClass--> muscle relaxant --subtypeOf--> medication "
        "--treats--> MS-related back pain --subtypeOf--> back pain"
    )
    assert baclofen[0].inferred_steps == 0
    assert [r.evidence.paragraphs for r in baclofen[0] if r.evidence] == [
        ("P29",),
        ("P29",),
        ("P01", "P25", "P26"),
        ("P04",),
    ]
    assert all(p.inferred_steps > 0 for p in baclofen[1:] if len(p) < 4)
    mobility = kg.explain(
        "incorrect use of mobility aids", "back pain from mobility-aid misuse", inferred=False
    )
    assert [str(p) for p in mobility] == [
        "incorrect use of mobility aids --causes--> pressure on the back --contributesTo--> back pain from mobility-aid misuse",
        "incorrect use of mobility aids --causes--> pressure on the back --causes--> poor posture --causes--> back pain from mobility-aid misuse",
    ]
    ms = kg.explain("multiple sclerosis", "neuropathic pain", inferred=False)
    assert str(ms[0]) == "multiple sclerosis --causes--> neuropathic pain"
    assert (
        "multiple sclerosis --causes--> MS-related nerve damage --causes--> nerve short-circuiting --causes--> neuropathic pain"
        in [str(p) for p in ms]
    )
    pool = kg.explain("heated pool", "Lhermitte's sign")
    assert (
        str(pool[0])
        == "heated-pool therapy --involvesFactor--> heat --triggers--> Lhermitte's sign"
    )


def test_explain_ranks_stated_paths_first(kg: msbackpain.KnowledgeGraph) -> None:
    paths = kg.explain("baclofen", "back pain", limit=20)
    ranks = [(p.inferred_steps > 0, len(p)) for p in paths]
    assert ranks == sorted(ranks)
    assert any(p.inferred_steps for p in paths)
    assert paths[0].source.label == "baclofen" and paths[0].target.label == "back pain"
    assert paths[0].to_dict()["length"] == 4


def test_explain_without_a_path_and_with_unknown_entities(kg: msbackpain.KnowledgeGraph) -> None:
    assert kg.explain("vision", "tight clothing") == []
    assert kg.explain("baclofen", "back pain", max_length=2, inferred=False) == []
    with pytest.raises(msbackpain.EntityNotFound):
        kg.explain("baclofen", "no such thing")


def test_plan_with_a_conflict(kg: msbackpain.KnowledgeGraph) -> None:
    # No treatment of this plan involves a trigger: the warm-water therapies are not treatments
    # of Lhermitte's sign or spasticity (P25: treatment depends on the type), so nothing
    # conflicts; the graph still flags them for Lhermitte's sign (see conflicts_for).
    care = kg.plan(["Lhermitte's sign", "spasticity"])
    assert care.conflicts == ()
    flagged = [r["treatment"] for r in kg.run("conflicts_for", pain="Lhermitte's sign")]
    assert flagged == ["msbp:HeatedPool", "msbp:WaterAerobics"]
    groups = care.by_category()
    assert sorted(groups) == ["medication", "self-management"]
    medication = {rec.treatment.label: rec.inferred for rec in groups["medication"]}
    assert medication == {"muscle relaxant": False, "baclofen": True, "tizanidine": True}
    triggers = {t.trigger.label: [a.subject.label for a in t.actions] for t in care.triggers}
    assert triggers["bending the neck"] == ["avoiding triggering neck movements"]
    assert triggers["heat"] == [] and len(triggers) == 10
    assert {r.object.label for r in care.consultations} == {"doctor"}
    assert care.gaps == ()


def test_plan_without_conflict(kg: msbackpain.KnowledgeGraph) -> None:
    care = kg.plan(["spasticity"])
    assert care.conflicts == ()
    assert {rec.treatment.label for rec in care.treatments} == {  # P29
        "muscle relaxant",
        "baclofen",
        "tizanidine",
    }


def test_plan_for_weakness_and_non_ms_back_pain(kg: msbackpain.KnowledgeGraph) -> None:
    care = kg.plan(["muscle weakness", "back pain not related to MS"])
    assert care.conflicts == () and care.triggers == ()
    assert {g.paragraphs for g in care.gaps} == {("P23",)}
    assert care.treatments == ()  # the source names no treatment for either
    asserted_only = kg.plan(["muscle weakness"], inferred=False)
    assert asserted_only.treatments == ()


def test_plan_for_mobility_aid_pain_prevention(kg: msbackpain.KnowledgeGraph) -> None:
    care = kg.plan(["back pain from mobility-aid misuse"], inferred=False)
    assert [(r.treatment.label, r.category, r.reasons[0].predicate) for r in care.treatments] == [
        ("correct use of adaptive aids", "occupational therapy", "msbp:prevents"),
    ]


def test_plan_errors(kg: msbackpain.KnowledgeGraph) -> None:
    with pytest.raises(ValueError, match="at least one pain type"):
        kg.plan([])
    with pytest.raises(msbackpain.EntityNotFound):
        kg.plan(["lhermite"])
