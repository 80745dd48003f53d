"""What each Python value binds as, and what a binding means, the same on every backend.

The mapping (:func:`msbackpain.backends._binding.neutral`) is checked value by value; the
meaning (a ``VALUES`` join first in the outermost WHERE group) on the shapes where rdflib's
own ``initBindings`` (a substitution) answered otherwise.
"""

from __future__ import annotations

import datetime
import subprocess
import sys
from decimal import Decimal
from typing import Any

import pyoxigraph
import pytest
import rdflib

import msbackpain
from msbackpain import results
from msbackpain.backends import IRI
from msbackpain.backends._binding import neutral
from msbackpain.results import RDF_LANG_STRING, XSD, XSD_STRING

KG = msbackpain.KnowledgeGraph
MSBP = "https://w3id.org/msbackpain/"

#: value -> (the IRI or the lexical form, the datatype, the language) it binds as
MAPPING: list[tuple[Any, tuple[str, str | None, str | None]]] = [
    (IRI(MSBP + "Heat"), (MSBP + "Heat", None, None)),
    (results.iri(MSBP + "Heat"), (MSBP + "Heat", None, None)),
    (rdflib.URIRef(MSBP + "Heat"), (MSBP + "Heat", None, None)),
    (pyoxigraph.NamedNode(MSBP + "Heat"), (MSBP + "Heat", None, None)),
    ("msbp:Heat", ("msbp:Heat", XSD_STRING, None)),
    (results.Literal("heat", language="EN"), ("heat", RDF_LANG_STRING, "en")),
    (rdflib.Literal("heat", lang="en"), ("heat", RDF_LANG_STRING, "en")),
    (pyoxigraph.Literal("heat", language="en"), ("heat", RDF_LANG_STRING, "en")),
    (rdflib.Literal("heat"), ("heat", XSD_STRING, None)),
    (pyoxigraph.Literal("heat"), ("heat", XSD_STRING, None)),
    (True, ("true", XSD + "boolean", None)),
    (7, ("7", XSD + "integer", None)),
    (-0.0, ("-0", XSD + "double", None)),
    (float("inf"), ("INF", XSD + "double", None)),
    (2.5, ("2.5", XSD + "double", None)),
    (Decimal("2.50"), ("2.5", XSD + "decimal", None)),
    (Decimal("1E+3"), ("1000", XSD + "decimal", None)),
    (datetime.date(2024, 5, 1), ("2024-05-01", XSD + "date", None)),
    (datetime.datetime(2024, 5, 1, 10, 30), ("2024-05-01T10:30:00", XSD + "dateTime", None)),
    (results.Literal("02", XSD + "integer"), ("2", XSD + "integer", None)),
    (rdflib.Literal(Decimal("2.5")), ("2.5", XSD + "decimal", None)),
    (pyoxigraph.Literal("x", datatype=pyoxigraph.NamedNode("urn:t")), ("x", "urn:t", None)),
]


@pytest.mark.parametrize(("value", "want"), MAPPING, ids=[repr(v) for v, _ in MAPPING])
def test_each_value_maps_to_one_term(value: Any, want: tuple[str, str | None, str | None]) -> None:
    term = neutral(value, "x")
    if isinstance(term, results.IRI):
        assert (term.iri, None, None) == want
    else:
        assert (str(term), term.datatype, term.language) == want


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "cannot bind ?x to None: leave ?x out of the bindings to leave it unbound"),
        (Decimal("NaN"), "cannot bind ?x to NaN: xsd:decimal is finite"),
        (object(), "cannot bind ?x to a object: bind an IRI, a str, a number, a bool, a date"),
        (rdflib.Variable("y"), "cannot bind ?x to an rdflib Variable: bind an RDF term"),
        (IRI("not an iri"), "binding ?x is not a valid IRI: 'not an iri'"),
        (results.Literal("a", language="not a tag"), "cannot bind ?x: A subtag may be eight"),
    ],
)
def test_values_without_a_term_are_refused(value: Any, message: str) -> None:
    with pytest.raises(msbackpain.QueryParameterError, match=message.replace("?", r"\?")):
        neutral(value, "x")


def test_no_rdflib_is_imported_to_bind() -> None:
    code = (
        "import sys; from msbackpain.backends._binding import neutral, term;"
        "term(neutral(1.5)); term('a'); print(sorted(m for m in sys.modules if 'rdflib' in m))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _rows(kg: KG, text: str, **bindings: Any) -> list[tuple[str | None, ...]]:
    result = kg.query(text, **bindings)
    return sorted(
        (tuple(row[v] for v in result.variables) for row in result), key=lambda r: repr(r)
    )


def test_an_optional_extends_the_binding(backend_kg: KG) -> None:
    text = "SELECT ?d ?c WHERE { ?d a msbp:Medication OPTIONAL { ?d msbp:memberOfDrugClass ?c } }"
    medications = {r[0] for r in _rows(backend_kg, text)}
    bound = _rows(backend_kg, text, c=IRI(MSBP + "MuscleRelaxants"))
    assert bound == sorted(((d, "msbp:MuscleRelaxants") for d in medications), key=repr)
    assert len(bound) == 4  # the VALUES row comes first: the OPTIONAL only extends it


def test_a_sub_select_with_limit_is_joined_after_its_limit(backend_kg: KG) -> None:
    text = (
        "SELECT ?d WHERE { { SELECT ?d ?c WHERE { ?d msbp:memberOfDrugClass ?c } "
        "ORDER BY ?d LIMIT 1 } }"
    )
    assert _rows(backend_kg, text) == [("msbp:Baclofen",)]
    assert _rows(backend_kg, text, d=IRI(MSBP + "Baclofen")) == [("msbp:Baclofen",)]
    assert _rows(backend_kg, text, d=IRI(MSBP + "Tizanidine")) == []  # not substituted


@pytest.mark.parametrize(
    "text",
    [
        "SELECT (?e AS ?x) WHERE { ?e rdfs:label ?l }",
        'SELECT ?e WHERE { ?e rdfs:label ?l BIND(STR(?l) AS ?x) FILTER(?x = "a") }',
        "SELECT ?e (COUNT(?l) AS ?x) WHERE { ?e rdfs:label ?l } GROUP BY ?e",
    ],
)
def test_a_variable_the_query_assigns_is_refused(backend_kg: KG, text: str) -> None:
    with pytest.raises(msbackpain.QueryParameterError, match=r"the query assigns it"):
        backend_kg.query(text, x="a")


def test_a_grouped_variable_binds(backend_kg: KG) -> None:
    text = "SELECT ?e (COUNT(?l) AS ?n) WHERE { ?e rdfs:label ?l } GROUP BY ?e"
    assert _rows(backend_kg, text, e=IRI(MSBP + "Baclofen")) == [("msbp:Baclofen", "1")]


def test_a_result_term_binds_back_as_itself(backend_kg: KG) -> None:
    label = backend_kg.query("SELECT ?l { msbp:Baclofen rdfs:label ?l }").rows[0]["l"]
    entity = backend_kg.query("SELECT ?e { ?e rdfs:label ?l }", l=label).rows
    assert [row["e"] for row in entity] == ["msbp:Baclofen"]
    drug = entity[0]["e"]
    assert str(drug) == "msbp:Baclofen"  # read as a CURIE, bound by its full IRI
    rows = backend_kg.run("cautions_for", subject=drug)
    assert rows == backend_kg.run("cautions_for", subject="baclofen")


def test_the_language_tag_decides_the_match(rdflib_kg: KG) -> None:
    english = rdflib_kg.query(
        "SELECT ?e WHERE { ?e rdfs:label ?l }", l=results.Literal("baclofen", language="en")
    )
    french = rdflib_kg.query(
        "SELECT ?e WHERE { ?e rdfs:label ?l }", l=results.Literal("baclofen", language="fr")
    )
    assert (len(english), len(french)) == (1, 0)


def test_a_binding_survives_the_guard_parsing_the_text_again(rdflib_kg: KG) -> None:
    from msbackpain import guard

    text = "SELECT ?d WHERE { ?d msbp:memberOfDrugClass ?c }"
    first = rdflib_kg.query(text, c=IRI(MSBP + "MuscleRelaxants"), timeout=None)
    guard._check.cache_clear()  # as if evicted: the next parse makes new algebra objects
    again = rdflib_kg.query(text, c=IRI(MSBP + "MuscleRelaxants"), timeout=None)
    assert first == again and len(again) == 2
