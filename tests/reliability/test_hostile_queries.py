"""Hostile SPARQL: refused before evaluation, stopped when it runs away, inert as a parameter."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import msbackpain
from conftest import Listener


@pytest.fixture
def triples(kg: msbackpain.KnowledgeGraph) -> int:
    return len(kg.backend)


def test_service_with_a_constant_iri(kg: msbackpain.KnowledgeGraph, listener: Listener) -> None:
    with pytest.raises(msbackpain.QueryError) as info:
        kg.query(f"SELECT * {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}")
    assert str(info.value) == (
        f"SERVICE is not allowed: it makes the engine call <http://127.0.0.1:{listener.port}/sparql>; "
        "pass allow_network=True to opt in"
    )
    assert listener.connections == 0


def test_from_on_a_local_file(kg: msbackpain.KnowledgeGraph, tmp_path: Path) -> None:
    secret = tmp_path / "secret.ttl"
    secret.write_text("<http://e/a> <http://e/b> <http://e/secret> .\n", encoding="utf-8")
    with pytest.raises(
        msbackpain.QueryError, match=r"^FROM is not allowed: it makes the engine load <file://"
    ):
        kg.query(f"SELECT ?o FROM <{secret.as_uri()}> WHERE {{ ?s ?p ?o }}")


@pytest.mark.parametrize(
    "update",
    [
        "LOAD <http://127.0.0.1:{port}/x.ttl>",
        "DELETE WHERE {{ ?s ?p ?o }}",
        "INSERT DATA {{ <http://e/a> <http://e/b> <http://e/c> }}",
        "CLEAR ALL",
        "DROP DEFAULT",
    ],
    ids=["load", "delete-where", "insert-data", "clear", "drop"],
)
def test_updates_are_refused_and_the_graph_is_unchanged(
    kg: msbackpain.KnowledgeGraph, listener: Listener, triples: int, update: str
) -> None:
    with pytest.raises(
        msbackpain.QueryError, match="updates such as LOAD, INSERT and DELETE are refused"
    ):
        kg.query(update.format(port=listener.port))
    assert len(kg.backend) == triples
    assert listener.connections == 0


def _nested(depth: int) -> str:
    return "SELECT * WHERE " + "{ " * depth + "?s ?p ?o " + "} " * depth


def test_forty_deep_nesting_is_refused_clearly(kg: msbackpain.KnowledgeGraph) -> None:
    with pytest.raises(
        msbackpain.QueryError, match=r"^query nesting depth 40 exceeds the limit of 32$"
    ):
        kg.query(_nested(40))


def test_three_thousand_deep_nesting_does_not_crash(kg: msbackpain.KnowledgeGraph) -> None:
    query = _nested(3000)
    assert len(query) > 6000
    with pytest.raises(
        msbackpain.QueryError, match=r"^query nesting depth 3000 exceeds the limit of 32$"
    ):
        kg.query(query)
    assert len(kg.query(_nested(10))) == len(kg.backend)  # still usable


@pytest.mark.slow
def test_a_runaway_cross_product_times_out_and_the_graph_stays_usable(
    kg: msbackpain.KnowledgeGraph,
) -> None:
    start = time.perf_counter()
    with pytest.raises(msbackpain.QueryTimeoutError) as info:
        kg.query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", timeout=1.0)
    assert time.perf_counter() - start < 10
    assert str(info.value) == "the query ran longer than 1 s and was stopped (no partial result)"
    assert isinstance(info.value, TimeoutError)
    assert [r.subject.label for r in kg.treatments_for("spasticity", inferred=False)] == [
        "muscle relaxant"
    ]
    assert len(kg.query("SELECT ?d WHERE { ?d msbp:memberOfDrugClass ?c }")) == 4


@pytest.mark.slow
def test_an_unbounded_result_hits_the_row_cap(kg: msbackpain.KnowledgeGraph) -> None:
    with pytest.raises(msbackpain.ResultTooLargeError) as info:
        kg.query("SELECT * { ?a ?b ?c . ?d ?e ?f }")
    assert (
        str(info.value)
        == "the query returned more than 100000 rows (the cap); no partial result is returned"
    )
    with pytest.raises(msbackpain.ResultTooLargeError, match="more than 10 rows"):
        kg.query("SELECT * { ?a ?b ?c }", max_rows=10, timeout=None)
    assert len(kg.query("SELECT * { ?a msbp:triggers ?c }", max_rows=10)) == 10


@pytest.mark.parametrize(
    "payload",
    ['") || true || CONTAINS("", "', "x } SERVICE <http://127.0.0.1:PORT/> { ?a ?b ?c } {"],
    ids=["filter-break-out", "service-clause"],
)
def test_payloads_as_parameter_values_are_inert(
    kg: msbackpain.KnowledgeGraph, listener: Listener, payload: str
) -> None:
    value = payload.replace("PORT", str(listener.port))
    with pytest.raises(msbackpain.QueryParameterError, match="is not a valid IRI"):
        kg.run("triggers_of", pain=msbackpain.IRI("https://w3id.org/msbackpain/" + value))
    with pytest.raises(msbackpain.QueryParameterError, match=r"binding \?x is not a valid IRI"):
        kg.query("SELECT ?e WHERE { ?e ?p ?x }", x=msbackpain.IRI(value))
    adhoc = kg.query("SELECT ?e WHERE { ?e rdfs:label ?label . FILTER(STR(?label) = ?x) }", x=value)
    assert len(adhoc) == 0
    with pytest.raises(msbackpain.EntityNotFound):
        kg.run("triggers_of", pain=value)
    assert listener.connections == 0


def test_a_misspelled_parameter_name_is_an_error_not_ignored(kg: msbackpain.KnowledgeGraph) -> None:
    # rdflib's initBindings silently ignores unknown names; msbackpain refuses them.
    with pytest.raises(
        msbackpain.QueryParameterError, match=r"has no parameter 'pian'; did you mean 'pain'\?"
    ):
        kg.run("triggers_of", pian="spasticity")
    with pytest.raises(
        msbackpain.QueryParameterError, match=r"the query has no variable \?pian to bind"
    ):
        kg.query("SELECT ?t WHERE { ?t msbp:triggers ?pain }", pian=kg["spasticity"])
