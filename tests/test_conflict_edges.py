"""The conflict check reads only the edges around what it checks, and answers as over every edge.

``questions.conflict_edges`` fetches the neighbourhood of the treatments (or pain type) an
answer names instead of every edge of the graph (which took minutes with a background graph
of 10^6 triples). These tests compare it with the check over ``kg.edges()`` for every entity,
on the bundle and on the bundle with a user's file that adds forms, factors and treatments.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import msbackpain
from msbackpain.conflicts import CHECKED_PREDICATES, answer_conflicts
from msbackpain.questions import conflict_edges
from msbackpain.relations import edges

#: A user's file: a background therapy that is a form of water therapy and involves heat,
#: a factor of its own that triggers spasticity, and a treatment that involves that factor.
EXTRA = """\
@prefix msbp: <https://w3id.org/msbackpain/> .
@prefix ex: <https://example.org/bg/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:HotSpring rdfs:label "hot spring bathing" ; msbp:subtypeOf msbp:WaterTherapy ;
    msbp:involvesFactor msbp:Heat ; msbp:treats msbp:Spasticity .
ex:Draught rdfs:label "draught" ; msbp:triggers msbp:Spasticity .
ex:OpenAirClass rdfs:label "open-air class" ; msbp:involvesFactor ex:Draught ;
    msbp:treats msbp:Spasticity ; msbp:hasComponent ex:HotSpring .
"""


@pytest.fixture(scope="module", params=["bundle", "with a user's file"])
def graph(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> msbackpain.KnowledgeGraph:
    if request.param == "bundle":
        return msbackpain.load()
    extra = tmp_path_factory.mktemp("extra") / "extra.ttl"
    extra.write_text(EXTRA, encoding="utf-8")
    return msbackpain.load(extra)


@pytest.mark.parametrize("inferred", [True, False])
def test_conflicts_read_off_the_neighbourhood_equal_those_over_every_edge(
    graph: msbackpain.KnowledgeGraph, inferred: bool
) -> None:
    every = edges(graph, inferred=inferred, predicates=CHECKED_PREDICATES)
    compared = with_conflicts = 0
    for entity in graph.index.entities.values():
        near = conflict_edges(graph, {entity.id}, pain=entity.id, inferred=inferred)
        expected = answer_conflicts(every, entity)
        assert answer_conflicts(near, entity) == expected, entity.id
        answer = graph.treatments_for(entity, inferred=inferred)
        named = {r.subject.id for r in answer}
        near = conflict_edges(graph, named, inferred=inferred)
        assert answer_conflicts(near, entity, answer) == answer_conflicts(every, entity, answer)
        compared += 1
        with_conflicts += bool(expected)
    assert compared == len(graph.index.entities)
    assert with_conflicts > 0  # the comparison meets real conflicts, not only empty ones


def test_the_users_file_adds_its_conflicts(tmp_path: Path) -> None:
    extra = tmp_path / "extra.ttl"
    extra.write_text(EXTRA, encoding="utf-8")
    kg = msbackpain.load(extra)
    found = {
        (c.treatment.label, c.factor.label, c.pain.label)
        for c in kg.cautions_for("spasticity").conflicts
    }
    assert ("open-air class", "draught", "spasticity") in found
    water = kg.cautions_for("water therapy").conflicts
    assert ("hot spring bathing", "heat") in {(c.treatment.label, c.factor.label) for c in water}
