"""The nine competency questions of docs/guides/ontology.md, each answered from the bundle by SPARQL.

Every expected set is read off the source article (paragraph ids in the comments).
"""

from __future__ import annotations

import msbackpain


def _norm(value: str | None) -> str | None:
    # GROUP_CONCAT order is unspecified by SPARQL: compare comma lists sorted.
    return ",".join(sorted(value.split(","))) if value and "," in value else value


def _rows(
    kg: msbackpain.KnowledgeGraph, name: str, *columns: str, **params: str
) -> set[tuple[str | None, ...]]:
    return {tuple(_norm(row[c]) for c in columns) for row in kg.run(name, **params)}


def test_cq1_kinds_of_ms_back_pain_and_mechanism(kg: msbackpain.KnowledgeGraph) -> None:
    # P04-P05, P10-P11, P15, P19, P21, P22: two kinds of back pain (from misused aids, not
    # related to MS), three reasons for it (neuropathic pain, spasticity, muscle weakness:
    # not kinds of back pain, P15, P19) and Lhermitte's sign, a kind of neuropathic pain (P11).
    assert _rows(kg, "pain_types", "pain", "parent") == {
        ("msbp:NeuropathicPain", None),
        ("msbp:LhermittesSign", "msbp:NeuropathicPain"),
        ("msbp:Spasticity", None),
        ("msbp:MuscleWeakness", None),
        ("msbp:PostureRelatedBackPain", "msbp:MSRelatedBackPain"),
        ("msbp:NonMSBackPain", "msbp:BackPain"),
    }
    reasons = _rows(
        kg, "causes_of", "subject", "predicate", "paragraphs", condition="MS-related back pain"
    )
    assert {
        ("msbp:Spasticity", "msbp:contributesTo", "P15"),
        ("msbp:MuscleWeakness", "msbp:contributesTo", "P04,P19"),
        ("msbp:NeuropathicPain", "msbp:contributesTo", "P01,P04,P05"),
    } <= reasons
    # Nothing says a muscle condition (or neuropathic pain) is back pain, stated or inferred.
    for reason in ("msbp:Spasticity", "msbp:MuscleWeakness", "msbp:NeuropathicPain"):
        kinds = kg.query(f"SELECT ?k WHERE {{ {reason} msbp:subtypeOf ?k }}")
        assert [row["k"] for row in kinds] == []
    # P03: myelin loss -> exposed fibres -> impaired function -> movement, vision, cognition.
    mechanism = _rows(
        kg, "disease_mechanism", "cause", "predicate", "effect", disease="multiple sclerosis"
    )
    assert {
        ("msbp:MultipleSclerosis", "msbp:causes", "msbp:MyelinLoss"),
        ("msbp:MyelinLoss", "msbp:causes", "msbp:ExposedNerveFibres"),
        ("msbp:ExposedNerveFibres", "msbp:causes", "msbp:ImpairedNerveFunction"),
        ("msbp:ImpairedNerveFunction", "msbp:affects", "msbp:Movement"),
        ("msbp:ImpairedNerveFunction", "msbp:affects", "msbp:Vision"),
        ("msbp:ImpairedNerveFunction", "msbp:affects", "msbp:CognitiveFunction"),
        ("msbp:MultipleSclerosis", "msbp:affects", "msbp:CentralNervousSystem"),
    } <= mechanism
    # The 27 steps of P01-P05, P15-P21 plus: MS causes Lhermitte's sign (P10-P11) and the three
    # reasons for back pain (P04-P05, P15, P19).
    assert len(mechanism) == 31
    # P05: nerve damage -> short-circuiting -> neuropathic pain.
    neuropathic = _rows(kg, "mechanisms", "cause", "predicate", "effect")
    assert {
        ("msbp:MultipleSclerosis", "msbp:causes", "msbp:MSNerveDamage"),
        ("msbp:MSNerveDamage", "msbp:causes", "msbp:NerveShortCircuiting"),
        ("msbp:NerveShortCircuiting", "msbp:causes", "msbp:NeuropathicPain"),
        ("msbp:CervicalSpineNerveDamage", "msbp:causes", "msbp:LhermittesSign"),
        ("msbp:MotorNerveDamage", "msbp:causes", "msbp:MuscleWeakness"),
    } <= neuropathic


def test_cq2_what_it_feels_like_where_and_how_long(kg: msbackpain.KnowledgeGraph) -> None:
    lhermitte = _rows(kg, "qualities_of", "predicate", "object", condition="Lhermitte's sign")
    assert lhermitte == {  # P10, P11
        ("msbp:hasQuality", "msbp:ElectricShockSensation"),
        ("msbp:hasQuality", "msbp:SecondsLong"),
        ("msbp:hasQuality", "msbp:VeryIntense"),
        ("msbp:locatedIn", "msbp:Neck"),
        ("msbp:radiatesTo", "msbp:Spine"),
        ("msbp:radiatesTo", "msbp:Ribs"),
    }
    neuropathic = _rows(kg, "qualities_of", "object", condition="neuropathic pain")
    assert neuropathic == {  # P06-P07
        ("msbp:Burning",),
        ("msbp:Sharp",),
        ("msbp:Squeezing",),
        ("msbp:Stabbing",),
        ("msbp:Tingling",),
    }
    spasticity = _rows(kg, "qualities_of", "predicate", "object", condition="spasticity")
    assert spasticity == {  # P15, P18, P29
        ("msbp:hasQuality", "msbp:MuscleStiffness"),
        ("msbp:hasQuality", "msbp:MuscleTightness"),
        ("msbp:hasQuality", "msbp:MuscleSpasms"),
        ("msbp:hasQuality", "msbp:MildToSevere"),
        ("msbp:locatedIn", "msbp:Legs"),
        ("msbp:locatedIn", "msbp:LowerBack"),
    }


def test_cq3_triggers_and_what_to_do(kg: msbackpain.KnowledgeGraph) -> None:
    assert _rows(
        kg, "trigger_actions", "trigger", "action", pain="Lhermitte's sign"
    ) == {  # P10, P12-P14
        ("msbp:Heat", None),
        ("msbp:Fatigue", None),
        ("msbp:Stress", None),
        ("msbp:NeckBending", "msbp:AvoidTriggeringNeckMovements"),
    }
    assert _rows(kg, "trigger_actions", "trigger", pain="spasticity") == {  # P16-P17
        ("msbp:SuddenMovements",),
        ("msbp:PositionChanges",),
        ("msbp:Humidity",),
        ("msbp:ExtremeTemperatures",),
        ("msbp:Infections",),
        ("msbp:TightClothing",),
    }
    # P08: the list of neuropathic-pain triggers is lost: a gap, not "none".
    assert _rows(kg, "trigger_actions", "trigger", "gap", pain="neuropathic pain") == {
        (None, "msbp:GapNeuropathicRiskFactors"),
    }


def test_cq4_treatments_drug_classes_and_drugs(kg: msbackpain.KnowledgeGraph) -> None:
    assert _rows(kg, "drug_classes", "class", "drug", "condition") == {  # P28-P30
        ("msbp:NSAIDs", "msbp:Ibuprofen", "msbp:MuscleStrainBackPain"),
        ("msbp:NSAIDs", "msbp:Naproxen", "msbp:MuscleStrainBackPain"),
        ("msbp:MuscleRelaxants", "msbp:Baclofen", "msbp:Spasticity"),
        ("msbp:MuscleRelaxants", "msbp:Tizanidine", "msbp:Spasticity"),
        ("msbp:AntiseizureDrugs", None, "msbp:NeuropathicPain"),
        ("msbp:AntidepressantDrugs", None, "msbp:NeuropathicPain"),
        ("msbp:MedicationOption", None, "msbp:MSRelatedBackPain"),
    }
    asserted = {
        (r["subject"], r["predicate"], r["modality"])
        for r in kg.run("treatments_for", condition="MS-related back pain")
        if r["rule"] is None
    }
    assert asserted == {  # P01, P25-P26, P32, P38, P41, P46, with the source's hedges
        ("msbp:MedicationOption", "msbp:treats", "may be recommended"),
        ("msbp:ExerciseTreatment", "msbp:treats", "may be recommended"),
        ("msbp:PhysicalTherapy", "msbp:treats", "may be recommended"),
        ("msbp:OccupationalTherapy", "msbp:treats", "may be recommended"),
        ("msbp:WaterTherapy", "msbp:treats", "may be recommended"),
        ("msbp:ComplementaryTherapy", "msbp:treats", "add-on when usual care is not enough"),
        ("msbp:StretchingTightMuscles", "msbp:alleviates", "may be recommended"),
    }
    # P30: only "certain types of" antidepressant, and antiseizure drugs "may" treat it.
    assert _rows(kg, "treatments_for", "subject", "modality", condition="neuropathic pain") >= {
        ("msbp:AntidepressantDrugs", "certain types of"),
        ("msbp:AntiseizureDrugs", "may help"),
    }


def test_cq5_why_a_treatment_for_a_pain(kg: msbackpain.KnowledgeGraph) -> None:
    rows = kg.run("inference_support")
    support = [
        (r["via_subject"], r["via_predicate"], r["via_object"], r["review"], r["paragraphs"])
        for r in sorted(rows, key=lambda r: int(str(r["position"])))
        if (r["subject"], r["predicate"], r["object"])
        == ("msbp:Baclofen", "msbp:treats", "msbp:Spasticity")
    ]
    assert support == [  # P29: baclofen is an example of the muscle relaxants for spasticity
        ("msbp:Baclofen", "msbp:memberOfDrugClass", "msbp:MuscleRelaxants", "accepted", "P29"),
        ("msbp:MuscleRelaxants", "msbp:treats", "msbp:Spasticity", "accepted", "P29"),
    ]
    # No inference makes the heated pool (or anything but the P14 measure) treat Lhermitte's sign.
    assert {
        r["subject"]
        for r in rows
        if r["predicate"] == "msbp:treats" and r["object"] == "msbp:LhermittesSign"
    } == {"msbp:AvoidTriggeringNeckMovements"}


def test_cq6_benefits_and_cautions(kg: msbackpain.KnowledgeGraph) -> None:
    assert _rows(kg, "benefits_of", "object", treatment="exercise") == {  # P33
        ("msbp:LessDepression",),
        ("msbp:MoreEnergy",),
        ("msbp:LessFatigue",),
    }
    assert _rows(
        kg, "cautions_for", "predicate", "object", "rule", subject="water aerobics"
    ) == {  # P44
        ("msbp:hasCaution", "msbp:ConsultBeforeWaterAerobics", None),
        # P34 holds for exercise, and water aerobics is a form of exercise (P43).
        ("msbp:hasCaution", "msbp:TailorExercisePlan", "msbp:ruleSubtypeCaution"),
        ("msbp:requiresConsultationWith", "msbp:Doctor", "msbp:ruleConsultationViaCaution"),
        (
            "msbp:requiresConsultationWith",
            "msbp:PhysicalTherapist",
            "msbp:ruleConsultationViaCaution",
        ),
    }
    assert _rows(kg, "cautions_for", "object", subject="complementary therapy") == {  # P46, P48
        ("msbp:ComplementaryAsAddOn",),
        ("msbp:ConsultBeforeComplementary",),
        ("msbp:Doctor",),
    }


def test_cq7_causes_that_are_not_nerve_damage(kg: msbackpain.KnowledgeGraph) -> None:
    assert _rows(kg, "non_nerve_causes", "category", "cause", "effect", "gap") == {
        # P21: misuse of mobility aids -> pressure -> poor posture -> pain
        (
            "msbp:PostureRelatedBackPain",
            "msbp:IncorrectMobilityAidUse",
            "msbp:PressureOnBack",
            None,
        ),
        ("msbp:PostureRelatedBackPain", "msbp:PressureOnBack", "msbp:PoorPosture", None),
        ("msbp:PostureRelatedBackPain", "msbp:PressureOnBack", "msbp:PostureRelatedBackPain", None),
        ("msbp:PostureRelatedBackPain", "msbp:PoorPosture", "msbp:PostureRelatedBackPain", None),
        # P20: fatigue, imbalance, mobility issues -> less activity -> weaker muscles
        ("msbp:MuscleWeakness", "msbp:Fatigue", "msbp:ReducedActivity", None),
        ("msbp:MuscleWeakness", "msbp:Imbalance", "msbp:ReducedActivity", None),
        ("msbp:MuscleWeakness", "msbp:MobilityIssues", "msbp:ReducedActivity", None),
        ("msbp:MuscleWeakness", "msbp:ReducedActivity", "msbp:MuscleWeakness", None),
        # P22-P23: back pain not related to MS; its factors are the lost list
        ("msbp:NonMSBackPain", None, None, "msbp:GapNonMSBackPainFactors"),
    }


def test_cq8_combined_plan_with_conflict(kg: msbackpain.KnowledgeGraph) -> None:
    assert _rows(
        kg,
        "conflicts_for",
        "treatment",
        "factor",
        "factor_paragraphs",
        "trigger_paragraphs",
        pain="Lhermitte's sign",
    ) == {
        ("msbp:HeatedPool", "msbp:Heat", "P42", "P12,P13"),
        ("msbp:WaterAerobics", "msbp:Heat", "P43", "P12,P13"),
    }
    assert _rows(kg, "conflicts_for", "treatment", pain="spasticity") == set()


def test_cq9_what_the_source_leaves_unstated(kg: msbackpain.KnowledgeGraph) -> None:
    assert _rows(kg, "gaps", "gap", "relation", "paragraphs") == {
        ("msbp:GapNeuropathicRiskFactors", "msbp:triggeredBy", "P08,P09"),
        ("msbp:GapNonMSBackPainFactors", "msbp:hasContributingFactor", "P23"),
        ("msbp:GapComplementaryOptions", "msbp:hasSubtype", "P47"),
    }
