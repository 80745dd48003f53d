"""The backend contract: every test runs on rdflib, oxigraph and sparql against two real servers.

``sparql`` is a real Oxigraph server, ``virtuoso`` a real OpenLink Virtuoso (see conftest).

Answers are compared with the rdflib backend's. Two normalisations are made, both because
SPARQL leaves the detail to the engine: GROUP_CONCAT joins in an unspecified order (the
library sorts the parts; here the parts are sorted too), and blank-node labels are arbitrary
(here every ``_:label`` becomes ``_:``).
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import msbackpain
from msbackpain import queries
from msbackpain.backends import Backend
from msbackpain.guard import MAX_NESTING_DEPTH

KG = msbackpain.KnowledgeGraph
_CONCATENATED = {"paragraphs", "concerns", "factor_paragraphs", "trigger_paragraphs"}
_EXPECTED_FLAGS = {
    "rdflib": (True, True),
    "oxigraph": (True, True),
    "sparql": (False, False),
    "virtuoso": (False, False),
}


def _norm_value(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    if value.startswith("_:"):
        return "_:"
    if name in _CONCATENATED:
        return ",".join(sorted(value.split(",")))
    return value


def _rows(result: msbackpain.QueryResult) -> list[tuple[tuple[str, str | None], ...]]:
    return [tuple((k, _norm_value(k, row[k])) for k in result.variables) for row in result]


def _multiset(result: msbackpain.QueryResult) -> Counter[Any]:
    return Counter(_rows(result))


def _order_keys(query: queries.NamedQuery) -> list[str]:
    """The plain variables of the query's ORDER BY (expressions are left out)."""
    text = query.text.rsplit("ORDER BY", 1)
    if len(text) == 1:
        return []
    return [word[1:] for word in text[1].split() if word.startswith("?")]


def _parameter_values(reference: KG) -> dict[str, list[str]]:
    pains = [e.id for e in reference.pain_types()]
    return {
        "condition": [*pains, "msbp:MultipleSclerosis", "msbp:Fatigue"],
        "pain": pains,
        "treatment": ["water aerobics", "baclofen", "heated pool", "muscle relaxants"],
        "subject": ["water aerobics", "heated pool", "spasticity", "exercise"],
        "disease": ["multiple sclerosis"],
    }


def _calls(reference: KG) -> list[tuple[str, dict[str, str]]]:
    values = _parameter_values(reference)
    calls: list[tuple[str, dict[str, str]]] = []
    for query in queries.list_queries():
        if not query.parameters:
            calls.append((query.name, {}))
            continue
        (parameter,) = query.parameters  # every named query has at most one parameter
        calls += [(query.name, {parameter.name: v}) for v in values[parameter.name]]
    return calls


# -- the contract itself -------------------------------------------------------------------


def test_backend_satisfies_the_protocol(backend_kg: KG) -> None:
    backend = backend_kg.backend
    assert isinstance(backend, Backend)
    assert (backend.embedded, backend.loadable) == _EXPECTED_FLAGS[backend.name]


def test_same_triples(backend_kg: KG, reference: KG) -> None:
    def norm(triples: Any) -> Counter[tuple[str, ...]]:
        return Counter(
            tuple("_:" if t.startswith("_:") else t for t in triple) for triple in triples
        )

    assert len(backend_kg.backend) == len(reference.backend) > 5000
    mine, theirs = norm(backend_kg.backend.triples()), norm(reference.backend.triples())
    assert mine == theirs


def test_every_named_query_gives_the_same_rows(backend_kg: KG, reference: KG) -> None:
    checked = 0
    for name, params in _calls(reference):
        query = queries.get_query(name)
        mine, theirs = backend_kg.run(name, **params), reference.run(name, **params)
        assert mine.variables == theirs.variables, name
        assert _multiset(mine) == _multiset(theirs), (name, params)
        keys = _order_keys(query)
        if keys:  # same order on the ORDER BY variables
            assert [tuple(r[k] for k in keys if k in r) for r in mine] == [
                tuple(r[k] for k in keys if k in r) for r in theirs
            ], (name, params)
        checked += 1
    assert checked >= len(queries.list_queries())


def test_named_queries_answer_something(backend_kg: KG) -> None:
    # The equality above could hold on empty answers; these must not be empty.
    assert len(backend_kg.run("treatments_for", condition="spasticity")) == 3  # P29
    assert len(backend_kg.run("mechanisms")) >= 10
    assert len(backend_kg.run("treatment_categories")) >= 10
    assert len(backend_kg.run("triggers_of", pain="Lhermitte's sign")) == 4


def test_entity_lookup_and_mapping(backend_kg: KG, reference: KG) -> None:
    assert len(backend_kg) == len(reference) > 100
    assert list(backend_kg) == list(reference)
    for ref in ("lhermittes sign", "HP:0032504", "msbp:Baclofen", "NSAIDs", "hydrotherapy"):
        assert backend_kg.entity(ref) == reference.entity(ref)
    iri = "https://w3id.org/msbackpain/LhermittesSign"
    assert backend_kg.entity(iri).id == "msbp:LhermittesSign"
    assert backend_kg.get("nope") is None and "baclofen" in backend_kg
    assert backend_kg.search("neck") == reference.search("neck")


def test_domain_methods(backend_kg: KG, reference: KG) -> None:
    assert backend_kg.pain_types() == reference.pain_types()
    for pain in [e.id for e in reference.pain_types()]:
        for method in (
            "causes_of",
            "triggers_of",
            "qualities_of",
            "treatments_for",
            "cautions_for",
        ):
            for inferred in (True, False):
                mine = getattr(backend_kg, method)(pain, inferred=inferred)
                theirs = getattr(reference, method)(pain, inferred=inferred)
                assert mine.to_dict() == theirs.to_dict(), (method, pain, inferred)
    for treatment in ("water aerobics", "baclofen", "heated pool"):
        assert (
            backend_kg.benefits_of(treatment).to_dict()
            == reference.benefits_of(treatment).to_dict()
        )
        assert (
            backend_kg.cautions_for(treatment).to_dict()
            == reference.cautions_for(treatment).to_dict()
        )
    assert [g.to_dict() for g in backend_kg.gaps()] == [g.to_dict() for g in reference.gaps()]
    assert backend_kg.classes() == reference.classes()
    assert backend_kg.properties() == reference.properties()


def test_edges_and_relations(backend_kg: KG, reference: KG) -> None:
    for inferred in (True, False):
        mine = [r.to_dict() for r in backend_kg.edges(inferred=inferred)]
        assert mine == [r.to_dict() for r in reference.edges(inferred=inferred)]
    key = ("msbp:Baclofen", "msbp:treats", "msbp:Spasticity")
    relation = backend_kg.relation(key)
    assert relation.inferred and relation.rule == "msbp:ruleDrugClassTreatment"
    assert relation.to_dict() == reference.relation(key).to_dict()


def test_explain_and_plan(backend_kg: KG, reference: KG) -> None:
    for a, b in (
        ("heated pool", "Lhermitte's sign"),
        ("multiple sclerosis", "neuropathic pain"),
        ("baclofen", "spasticity"),
    ):
        mine = [[r.to_dict() for r in p] for p in backend_kg.explain(a, b)]
        assert mine and mine == [[r.to_dict() for r in p] for p in reference.explain(a, b)]
    pains = ["Lhermitte's sign", "spasticity", "neuropathic pain"]
    assert backend_kg.plan(pains).to_dict() == reference.plan(pains).to_dict()


def test_to_networkx(backend_kg: KG, reference: KG) -> None:
    for inferred, inverses in ((True, False), (False, False), (True, True)):
        mine = backend_kg.to_networkx(inferred=inferred, inverses=inverses)
        theirs = reference.to_networkx(inferred=inferred, inverses=inverses)
        assert dict(mine.nodes(data=True)) == dict(theirs.nodes(data=True))
        assert set(mine.edges(keys=True)) == set(theirs.edges(keys=True))
        for u, v, k, data in theirs.edges(keys=True, data=True):
            assert mine.edges[u, v, k] == data


def test_adhoc_query_forms(backend_kg: KG, reference: KG) -> None:
    select = (
        "SELECT ?d ?alt WHERE { ?d msbp:memberOfDrugClass ?c OPTIONAL { ?d skos:altLabel ?alt } }"
    )
    mine = backend_kg.query(select)
    assert mine.variables == ("d", "alt")
    assert _multiset(mine) == _multiset(reference.query(select))
    assert None in {row["alt"] for row in mine}  # an unbound OPTIONAL is None
    ask_yes = backend_kg.query("ASK { msbp:Baclofen msbp:memberOfDrugClass msbp:MuscleRelaxants }")
    ask_no = backend_kg.query("ASK { msbp:Baclofen msbp:treats msbp:LhermittesSign }")
    assert (ask_yes.boolean, ask_no.boolean) == (True, False)
    assert ask_yes.to_dict() == reference.query("ASK { msbp:Baclofen ?p ?o }").to_dict()
    for construct in (
        "CONSTRUCT { ?c msbp:hasMemberDrug ?d } WHERE { ?d msbp:memberOfDrugClass ?c }",
        "CONSTRUCT WHERE { ?d msbp:memberOfDrugClass ?c }",
    ):
        result = backend_kg.query(construct)
        assert result.variables == ("subject", "predicate", "object") and len(result) >= 4
        assert _multiset(result) == _multiset(reference.query(construct))


def test_describe_shares_the_subject_triples(backend_kg: KG, reference: KG) -> None:
    # DESCRIBE is engine-defined (SPARQL 1.1, 16.4): rdflib adds the reifications of the
    # statements to the description, Oxigraph does not. The shape and the triples about the
    # resource itself are the same.
    def about(result: msbackpain.QueryResult) -> set[tuple[str | None, ...]]:
        return {tuple(r.values()) for r in result if r["subject"] == "msbp:Baclofen"}

    mine = backend_kg.query("DESCRIBE msbp:Baclofen")
    assert mine.variables == ("subject", "predicate", "object")
    assert about(mine) == about(reference.query("DESCRIBE msbp:Baclofen")) != set()


def test_bound_parameters(backend_kg: KG, reference: KG) -> None:
    by_entity = backend_kg.query(
        "SELECT ?d WHERE { ?d msbp:memberOfDrugClass ?c }", c=backend_kg["muscle relaxants"]
    )
    assert sorted(str(r["d"]) for r in by_entity) == ["msbp:Baclofen", "msbp:Tizanidine"]
    by_iri = backend_kg.query(
        "SELECT ?t WHERE { ?t (msbp:subtypeOf|msbp:memberOfDrugClass|^msbp:hasComponent)* ?o }",
        o=msbackpain.IRI("https://w3id.org/msbackpain/MedicationOption"),
    )
    assert _multiset(by_iri) == _multiset(
        reference.query(
            "SELECT ?t WHERE { ?t (msbp:subtypeOf|msbp:memberOfDrugClass|^msbp:hasComponent)* ?o }",
            o=msbackpain.IRI("https://w3id.org/msbackpain/MedicationOption"),
        )
    )
    assert len(by_iri) > 3  # the bound IRI reached the property path
    literal = backend_kg.query(
        "SELECT ?e WHERE { ?e rdfs:label ?l FILTER(STR(?l) = ?name) }", name="baclofen"
    )
    assert [r["e"] for r in literal] == ["msbp:Baclofen"]
    position = backend_kg.query("SELECT (COUNT(?s) AS ?n) WHERE { ?s msbp:position ?p }", p=1).rows[
        0
    ]["n"]
    assert (
        position
        == reference.query("SELECT (COUNT(?s) AS ?n) WHERE { ?s msbp:position ?p }", p=1).rows[0][
            "n"
        ]
    )
    assert int(str(position)) > 0


@pytest.mark.parametrize(
    "payload",
    [
        'baclofen" } UNION { ?e ?p ?l } #',
        "baclofen' } SERVICE <http://127.0.0.1:9/> { ?e ?p ?l } #",
        'x\\" } . ?e ?p ?l . { "',
        "line\nbreak } } }",
    ],
)
def test_injection_payloads_are_inert(backend_kg: KG, payload: str) -> None:
    result = backend_kg.query("SELECT ?e WHERE { ?e rdfs:label ?l }", l=payload)
    assert len(result) == 0


@pytest.mark.parametrize(
    "iri", ["https://x.org/a> } SERVICE <http://127.0.0.1:9/", "relative", "http://a b/"]
)
def test_bad_iri_binding_is_refused(backend_kg: KG, iri: str) -> None:
    with pytest.raises(msbackpain.QueryParameterError, match="is not a valid IRI"):
        backend_kg.query("SELECT ?l WHERE { ?e rdfs:label ?l }", e=msbackpain.IRI(iri))


def test_errors_are_the_same(backend_kg: KG, reference: KG) -> None:
    def message(call: Any) -> tuple[type[BaseException], str]:
        with pytest.raises(msbackpain.MsBackPainError) as info:
            call()
        return type(info.value), str(info.value)

    cases = [
        lambda kg: kg.entity("lhermite sign"),
        lambda kg: kg.treatments_for("nope nope"),
        lambda kg: kg.run("treatmentsfor"),
        lambda kg: kg.run("treatments_for"),
        lambda kg: kg.run("treatments_for", condtion="spasticity"),
        lambda kg: kg.query("SELECT ?x WHERE { ?x ?y }"),
        lambda kg: kg.query("SELECT ?x WHERE { ?x ?p ?o }", nope=1),
        lambda kg: kg.explain("spasticity", "nope nope"),
        lambda kg: kg.plan(["nope nope"]),
    ]
    for case in cases:
        mine = message(lambda case=case: case(backend_kg))
        assert mine == message(lambda case=case: case(reference))


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * FROM <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o }",
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "LOAD <http://127.0.0.1:9/data.ttl>",
        "SELECT * WHERE " + "{ " * 3000 + "?s ?p ?o" + " }" * 3000,
        "SELECT * WHERE { "
        + "(" * (MAX_NESTING_DEPTH + 1)
        + "1"
        + ")" * (MAX_NESTING_DEPTH + 1)
        + " }",
    ],
    ids=["service", "from", "insert", "load", "nested-3000", "nested-over-cap"],
)
def test_guard_refuses_before_the_engine(backend_kg: KG, text: str) -> None:
    with pytest.raises(msbackpain.QueryError):
        backend_kg.query(text)
    with pytest.raises(msbackpain.QueryError):  # also when the backend is called directly
        backend_kg.backend.query(text)
    assert backend_kg.query("ASK { ?s ?p ?o }").boolean  # the engine is still alive


def test_extra_sources(backend_kg: KG, tmp_path: Path) -> None:
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "@prefix ex: <http://example.org/> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'ex:thing rdfs:label "my extra thing" ; ex:near ex:other .\n',
        encoding="utf-8",
    )
    name = backend_kg.backend.name
    if name == "sparql":
        with pytest.raises(msbackpain.BackendError, match="read-only"):
            msbackpain.load(extra, endpoint=backend_kg.backend.endpoint)  # type: ignore[attr-defined]
        with pytest.raises(msbackpain.BackendError, match="read-only"):
            backend_kg.backend.load(extra)
        return
    graph = msbackpain.load(extra, backend=name)
    assert graph.backend.name == name
    assert len(graph.backend) > len(backend_kg.backend)
    assert json.dumps(graph["my extra thing"].to_dict())


@pytest.fixture(scope="session")
def reference_reasoning(reference: KG) -> Any:
    return reference.reason()


@pytest.mark.slow
@pytest.mark.java
@pytest.mark.skipif(shutil.which("java") is None, reason="the OWL reasoner needs Java")
def test_reasoning_reads_any_backend(backend_kg: KG, reference_reasoning: Any) -> None:
    reasoned, report = backend_kg.reason()
    expected_graph, expected = reference_reasoning
    assert report.consistent
    assert [r.to_dict() for r in report.inferred_edges] == [
        r.to_dict() for r in expected.inferred_edges
    ]
    assert len(report.inferred_edges) > 50
    # The new graph is embedded (a remote endpoint cannot take the inferences) and equal.
    assert reasoned.backend.embedded
    assert [r.to_dict() for r in reasoned.edges()] == [r.to_dict() for r in expected_graph.edges()]


def test_exports_are_the_same(backend_kg: KG, reference: KG, tmp_path: Path) -> None:
    import pyoxigraph

    def canonical(kg: KG, inferred: bool) -> set[str]:
        from msbackpain.export import rdf_triples

        dataset = pyoxigraph.Dataset(
            pyoxigraph.Quad(t.subject, t.predicate, t.object)
            for t in rdf_triples(kg, inferred=inferred)
        )
        dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
        return {str(q) for q in dataset}

    for inferred in (True, False):
        assert canonical(backend_kg, inferred) == canonical(reference, inferred)
    mine = backend_kg.export(tmp_path / "mine.jsonl")
    theirs = reference.export(tmp_path / "theirs.jsonl")
    for a, b in zip(mine, theirs, strict=True):
        assert a.read_text(encoding="utf-8") == b.read_text(encoding="utf-8")
