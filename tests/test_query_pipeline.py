"""The one SPARQL pipeline: text -> canonical -> one parse -> guard -> bind -> engine, everywhere."""

from __future__ import annotations

import threading
from functools import cache

import pytest

import msbackpain
from msbackpain import _worker
from msbackpain.guard import DEFAULT_BASE, MAX_NESTING_DEPTH, check_query

BACKENDS = ("rdflib", "oxigraph")


@cache
def _kg(backend: str) -> msbackpain.KnowledgeGraph:
    return msbackpain.load(backend=backend)


def test_a_text_is_parsed_once_and_its_algebra_is_shared() -> None:
    text = "SELECT ?s WHERE { ?s a owl:Class } LIMIT 3"
    first = check_query(text)
    assert check_query(text) is first
    assert first.algebra is not None
    assert first.base == DEFAULT_BASE
    other = check_query(text, base="http://example.org/")
    assert other is not first and other.base == "http://example.org/"


def test_the_cache_is_safe_under_threads() -> None:
    texts = [f"SELECT ?s WHERE {{ ?s ?p ?o }} LIMIT {n}" for n in range(40)]
    seen: list[set[str]] = []

    def work() -> None:
        seen.append({check_query(t).text for t in texts})

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == [set(texts)] * 8


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("timeout", [None, 30.0])
def test_relative_iris_resolve_against_the_same_base_everywhere(
    backend: str, timeout: float | None
) -> None:
    kg = _kg(backend)
    text = "SELECT ?x WHERE { BIND(<Baclofen> AS ?x) }"
    assert kg.query(text, timeout=timeout).rows == ({"x": "msbp:Baclofen"},)
    assert kg.query(text, timeout=timeout, base="http://example.org/a/").rows == (
        {"x": "http://example.org/a/Baclofen"},
    )
    declared = "BASE <sub/> SELECT ?x WHERE { BIND(<b> AS ?x) }"
    assert kg.query(declared, timeout=timeout).rows == ({"x": f"{DEFAULT_BASE}sub/b"},)
    labels = kg.query("SELECT ?l WHERE { <Baclofen> rdfs:label ?l }", timeout=timeout)
    assert labels.rows == ({"l": "baclofen"},)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_base_that_is_no_iri_is_refused(backend: str) -> None:
    with pytest.raises(msbackpain.QueryError, match=r"^the base 'not an iri' is not an absolute"):
        _kg(backend).query("ASK {}", base="not an iri")


def _shapes(depth: int) -> dict[str, str]:
    inner = depth - 1  # the WHERE group is one level
    return {
        "groups": "SELECT * WHERE " + "{ " * depth + "?s ?p ?o " + "} " * depth,
        "parentheses": "SELECT * WHERE { ?s ?p ?o FILTER"
        + "(" * inner
        + "true"
        + ")" * inner
        + " }",
        "optional": "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * inner + "}" * depth,
        "blank nodes": "SELECT * WHERE { ?s msbp:x "
        + "[ msbp:x " * inner
        + "?o"
        + " ]" * inner
        + " }",
        "arithmetic": "SELECT * WHERE { ?s ?p ?o FILTER"
        + "(1 + " * inner
        + "1"
        + ")" * inner
        + " }",
    }


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("shape", list(_shapes(2)))
def test_the_documented_nesting_limit_is_the_real_one(backend: str, shape: str) -> None:
    kg = _kg(backend)
    assert isinstance(kg.query(_shapes(MAX_NESTING_DEPTH)[shape]), msbackpain.QueryResult)
    with pytest.raises(msbackpain.QueryError, match=r"^query nesting depth 33 exceeds the limit"):
        kg.query(_shapes(MAX_NESTING_DEPTH + 1)[shape])


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    "text",
    [
        "PREFIX ex: <http://127.0.0.1:9/> SELECT * FROM ex:g WHERE { ?s ?p ?o } LIMIT 1",
        "PREFIX ex: <http://127.0.0.1:9/> SELECT * FROM NAMED ex:g WHERE { ?s ?p ?o } LIMIT 1",
        "PREFIX ex: <http://127.0.0.1:9/> SELECT * { SERVICE ex:s { ?s ?p ?o } }",
    ],
)
def test_prefixed_names_in_from_and_service_are_refused_by_name(backend: str, text: str) -> None:
    with pytest.raises(msbackpain.QueryError, match=r"is not allowed: .* ex:(g|s); pass allow"):
        _kg(backend).query(text)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    "text",
    [
        "SELECT (SUM(DISTINCT ?x) AS ?y) {}",  # rdflib: NotBoundError
        "SELECT * { } VALUES () { () }",  # rdflib: AttributeError
        "SELECT (<http://example/function>(1) AS ?x) {}",  # oxigraph: RuntimeError
        "SELECT * { BIND(1 AS ?x) BIND(2 AS ?x) }",  # accepted by rdflib's parser
    ],
)
def test_only_the_projects_errors_escape_in_one_line(backend: str, text: str) -> None:
    try:
        _kg(backend).query(text)
    except msbackpain.MsBackPainError as err:
        assert "\n" not in str(err)
        assert isinstance(err, msbackpain.QueryError)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_binding_must_name_a_variable_on_every_path(backend: str) -> None:
    kg = _kg(backend)
    for timeout in (None, 30.0):
        with pytest.raises(msbackpain.QueryParameterError, match=r"no variable \?nope to bind"):
            kg.query("ASK { ?s ?p ?o }", timeout=timeout, nope=1)
        with pytest.raises(msbackpain.QueryParameterError, match=r"binding \?s is not a valid"):
            kg.query("ASK { ?s ?p ?o }", timeout=timeout, s=msbackpain.IRI("a b"))


@pytest.mark.parametrize("backend", BACKENDS)
def test_timed_queries_reuse_one_persistent_worker(backend: str) -> None:
    kg = msbackpain.load(backend=backend)
    text = "SELECT ?s WHERE { ?s a owl:Class } LIMIT 5"
    first = kg.query(text)
    pool = _worker._POOLS[id(kg.backend)]
    (worker,) = pool.idle
    for _ in range(5):
        assert kg.query(text) == first
    assert pool.idle == [worker] and worker.alive()
