"""Virtuoso at its limits: every way it cuts an answer short is an error, never a result.

Virtuoso 7.2.5 (Debian's ``virtuoso-opensource``) answers ``200 OK`` in each of these cases;
what marks them is a header (``X-SPARQL-MaxRows``, ``X-SQL-State: S1TAT``) or, for the hard
time limit, a ``500`` whose body names state ``S1T00``. The server is the contract suite's
(see conftest): ``ResultSetMaxRows = 10000`` (the guide's setting), ``MaxQueryExecutionTime
= 5`` s.
"""

from __future__ import annotations

import pytest

import msbackpain

from .virtuoso import GRAPH, Virtuoso

pytestmark = pytest.mark.slow  # starts a real Virtuoso

KG = msbackpain.KnowledgeGraph
#: A cross product of the bundle with itself: ~37 million rows.
CROSS = "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f }"
#: The same, filtered down to nothing: minutes of work for no row.
SLOW = "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f FILTER(STRLEN(STR(?c)) > STRLEN(STR(?f)) + 200) }"


def test_an_answer_at_result_set_max_rows_is_refused(virtuoso_kg: KG) -> None:
    with pytest.raises(msbackpain.ResultTooLargeError, match="row limit of 10000 rows"):
        virtuoso_kg.query(f"{CROSS} LIMIT 20000", max_rows=None)
    assert len(virtuoso_kg.query(f"{CROSS} LIMIT 9999", max_rows=None)) == 9999


def test_an_anytime_partial_answer_is_a_timeout(virtuoso_server: Virtuoso) -> None:
    # `timeout=` (ms) in the request makes Virtuoso answer with what it has when time is up
    # (X-SQL-State: S1TAT); on a busy machine it cancels the query instead (500, HY008).
    # Either way the caller gets a timeout, never the partial rows.
    kg = msbackpain.load(endpoint=f"{virtuoso_server.endpoint}?timeout=300", default_graph=GRAPH)
    with pytest.raises(msbackpain.QueryTimeoutError, match=r"S1TAT|HY008"):
        kg.query(SLOW, max_rows=None)
    kg.backend.close()  # type: ignore[attr-defined]


@pytest.mark.slow
def test_the_hard_time_limit_is_a_timeout(virtuoso_kg: KG) -> None:
    count = (
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f "
        "FILTER(STRLEN(STR(?c)) > STRLEN(STR(?f))) }"
    )
    with pytest.raises(msbackpain.QueryTimeoutError, match="time limit"):
        virtuoso_kg.query(count)
    assert virtuoso_kg.query("ASK { ?s ?p ?o }").boolean  # and it still serves


def test_the_default_graph_keeps_answers_to_the_bundle(
    virtuoso_server: Virtuoso, virtuoso_kg: KG
) -> None:
    # Without default-graph-uri, Virtuoso's default graph is every graph it holds, its own
    # system graphs included: the same question counts other triples.
    everything = msbackpain.load(endpoint=virtuoso_server.endpoint)
    assert len(virtuoso_kg.backend) == len(msbackpain.load().backend)
    assert len(everything.backend) > len(virtuoso_kg.backend)
    everything.backend.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize("disease", ["multiple sclerosis", "baclofen"])
def test_a_bound_path_start_is_honoured(virtuoso_kg: KG, disease: str) -> None:
    # Virtuoso ignores a VALUES binding in front of a * path; the named query anchors it.
    reference = msbackpain.load().run("disease_mechanism", disease=disease)
    answer = virtuoso_kg.run("disease_mechanism", disease=disease)
    assert (len(reference) > 0) == (disease == "multiple sclerosis")  # baclofen causes nothing
    assert sorted(map(str, answer.rows)) == sorted(map(str, reference.rows))
