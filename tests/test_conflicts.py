"""Conflicts wherever a treatment is answered: a treatment involving a factor that brings on a
pain type is flagged by every answer that names it, not only by care plans."""

from __future__ import annotations

import pytest

import msbackpain
from conftest import cited
from msbackpain.planning import plannable

#: Treatments that involve heat (P42 heated pool, P43 warm water of water aerobics); heat
#: brings on Lhermitte's sign (P12-P13).
WARM_WATER = {"heated-pool therapy": ("P42",), "water aerobics": ("P43",)}
#: The treatments the article presents them as forms of: water therapy (P40-P43), and exercise
#: for water aerobics ("a gentle form of exercise", P43).
FORMS = {"water therapy": {"heated-pool therapy", "water aerobics"}, "exercise": {"water aerobics"}}
HEAT_MESSAGE = (
    "{t} involves heat [{p}], which brings on Lhermitte's sign [P12,P13] — discuss with a doctor"
)


def test_cautions_for_the_heated_pool_carry_its_conflict(kg: msbackpain.KnowledgeGraph) -> None:
    for inferred in (True, False):
        answer = kg.cautions_for("heated pool", inferred=inferred)
        assert [str(c) for c in answer.conflicts] == [
            HEAT_MESSAGE.format(t="heated-pool therapy", p="P42")
        ]
        conflict = answer.conflicts[0]
        assert conflict.involves.key == ("msbp:HeatedPool", "msbp:involvesFactor", "msbp:Heat")
        assert conflict.triggers.key == ("msbp:Heat", "msbp:triggers", "msbp:LhermittesSign")
        assert conflict.form_of is None and conflict.answered == conflict.treatment
    assert answer.to_dict()["conflicts"][0]["message"] == str(conflict)  # type: ignore[index]
    # As a pain type, Lhermitte's sign has the conflicts of every treatment involving heat.
    pain = kg.cautions_for("Lhermitte's sign")
    assert {c.treatment.label for c in pain.conflicts} == set(WARM_WATER)
    # Water therapy may be taken in a heated pool or as water aerobics (P41-P43).
    water = kg.cautions_for("water therapy").conflicts
    assert {(c.treatment.label, c.answered.label) for c in water} == {
        ("heated-pool therapy", "water therapy"),
        ("water aerobics", "water therapy"),
    }
    assert all(c.form_of is not None and c.form_of.predicate == "msbp:subtypeOf" for c in water)
    assert kg.cautions_for("baclofen").conflicts == ()


@pytest.mark.parametrize("inferred", [True, False])
def test_conflicts_are_attached_wherever_warm_water_is_answered(
    kg: msbackpain.KnowledgeGraph, inferred: bool
) -> None:
    seen = 0
    for pain in plannable(kg):
        answer = kg.treatments_for(pain, inferred=inferred)
        named = {r.subject.label for r in answer}
        expected = {t for t in WARM_WATER if t in named}
        expected |= {form for t in named & set(FORMS) for form in FORMS[t]}
        assert {c.treatment.label for c in answer.conflicts} == expected, pain.label
        for conflict in answer.conflicts:
            assert conflict.pain.label == "Lhermitte's sign" and conflict.factor.label == "heat"
            assert cited(conflict.involves) == WARM_WATER[conflict.treatment.label]
            assert conflict.answered.label in named
            assert conflict.recommended and all(
                r.subject.id == conflict.answered.id for r in conflict.recommended
            )
        seen += len(answer.conflicts)
    assert seen  # water therapy is answered for MS-related back pain (P41)


def test_answers_without_a_conflict_have_none(kg: msbackpain.KnowledgeGraph) -> None:
    assert kg.treatments_for("spasticity", inferred=False).conflicts == ()
    assert kg.triggers_of("Lhermitte's sign").conflicts == ()  # only treatments carry them
    assert kg.cautions_for("spasticity").conflicts == ()  # nothing answered brings it on


def test_an_answer_says_when_its_conflict_check_is_incomplete(
    kg: msbackpain.KnowledgeGraph,
) -> None:
    # P08: the triggers of neuropathic pain are lost, so its treatments cannot be checked.
    answer = kg.treatments_for("neuropathic pain", inferred=False)
    assert ("P08", "P09") in [g.paragraphs for g in answer.gaps]
    assert ("P08", "P09") not in [g.paragraphs for g in kg.treatments_for("spasticity").gaps]
