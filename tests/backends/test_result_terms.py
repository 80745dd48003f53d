"""Result terms are the same on every backend: each kind of value in each shape of query.

The matrix is value kind (IRI, plain, integer, decimal, double, boolean, date and
language-tagged literals, blank node, unbound) x query shape (SELECT, SELECT over a sub-select
with LIMIT, BIND, VALUES, CONSTRUCT, CONSTRUCT WHERE, DESCRIBE of an IRI, ASK), on rdflib,
oxigraph, an Oxigraph server and Virtuoso. Every cell compares the full term (``n3()``), its
type and its Python value with the expected one, written out here.

Two cells differ on Virtuoso, because of the engine, and the test asserts what it does
instead (the guide "Scaling out" says so too): Virtuoso has no boolean type, so a boolean
written in a query (``SELECT (true AS ?v)``, ``BIND``, ``VALUES``) comes back as
``"1"^^xsd:integer`` (a stored boolean keeps its type); and it does not implement ``BNODE()``
(a ``QueryError``; a blank node of a CONSTRUCT template works).

Cells that cannot exist are left out, each for a stated reason: VALUES cannot hold a blank
node (SPARQL grammar); a triple has no unbound part (CONSTRUCT WHERE, DESCRIBE); the bundle
holds no decimal or double, and no integer on an IRI subject (DESCRIBE). Blank-node labels
are the engine's own, so a blank node is compared by its kind only.
"""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal

import pytest

import msbackpain
from msbackpain.results import XSD, BlankNode, Literal, QueryResult, Value, iri

KG = msbackpain.KnowledgeGraph
MSBP = "https://w3id.org/msbackpain/"

#: kind -> (the SPARQL text of the value, the expected term, its Python value)
WRITTEN: dict[str, tuple[str | None, Value, object]] = {
    "iri": ("msbp:Baclofen", iri(MSBP + "Baclofen"), MSBP + "Baclofen"),
    "plain": ('"back pain"', Literal("back pain"), "back pain"),
    "integer": ("42", Literal("42", XSD + "integer"), 42),
    "decimal": ("2.50", Literal("2.5", XSD + "decimal"), Decimal("2.5")),
    "double": ("1.5e0", Literal("1.5", XSD + "double"), 1.5),
    "boolean": ("true", Literal("true", XSD + "boolean"), True),
    "date": (
        '"2024-05-01"^^xsd:date',
        Literal("2024-05-01", XSD + "date"),
        datetime.date(2024, 5, 1),
    ),
    "lang": ('"douleur"@fr', Literal("douleur", language="fr"), "douleur"),
    "blank": ("BNODE()", BlankNode("x"), None),
    "unbound": (None, None, None),
}

_NOTHING = "OPTIONAL { msbp:Nothing msbp:nothing ?v }"  # one solution, ?v unbound


def _select(t: str | None) -> str:
    return f"SELECT ?v WHERE {{ {_NOTHING} }}" if t is None else f"SELECT ({t} AS ?v) WHERE {{}}"


def _subselect(t: str | None) -> str:
    inner = f"SELECT ?v WHERE {{ {_NOTHING} }}" if t is None else f"SELECT ({t} AS ?v) WHERE {{}}"
    return f"SELECT ?v WHERE {{ {{ {inner} LIMIT 1 }} }}"


def _bind(t: str | None) -> str:
    return f"SELECT ?v WHERE {{ BIND({t or '?nothing'} AS ?v) }}"


def _values(t: str | None) -> str:
    return f"SELECT ?v WHERE {{ VALUES ?v {{ {t or 'UNDEF'} }} }}"


def _construct(t: str | None) -> str:
    if t == "BNODE()":  # a blank node of the template, the usual way to make one
        return "CONSTRUCT { msbp:Subject msbp:value [] } WHERE {}"
    where = _NOTHING if t is None else f"BIND({t} AS ?v)"
    return f"CONSTRUCT {{ msbp:Subject msbp:value ?v }} WHERE {{ {where} }}"


SHAPES = {
    "select": _select,
    "subselect": _subselect,
    "bind": _bind,
    "values": _values,
    "construct": _construct,
}
WRITTEN_CELLS = [
    (shape, kind)
    for shape in SHAPES
    for kind in WRITTEN
    if not (shape == "values" and kind == "blank")  # VALUES holds no blank node
]

#: kind -> (an IRI subject, a predicate) whose object in the bundle is of that kind.
HELD = {
    "iri": ("msbp:Tizanidine", "msbp:memberOfDrugClass"),
    "plain": ("msbp:ontology", "owl:versionInfo"),
    "integer": (None, "msbp:position"),  # held by blank nodes only
    "boolean": ("msbp:ruleTreatmentKind", "owl:deprecated"),
    "date": ("msbp:ontology", "dcterms:created"),
    "lang": ("msbp:ontology", "dcterms:title"),
    "blank": ("msbp:treats", "owl:propertyChainAxiom"),
}
_HELD_TYPES = {
    "iri": (msbackpain.results.IRI, None),
    "plain": (Literal, XSD + "string"),
    "integer": (Literal, XSD + "integer"),
    "boolean": (Literal, XSD + "boolean"),
    "date": (Literal, XSD + "date"),
    "lang": (Literal, "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"),
    "blank": (BlankNode, None),
}


def _shown(value: Value) -> tuple[str, str] | None:
    """What must be equal across backends: the term's kind and its N-Triples form."""
    if value is None:
        return None
    return (type(value).__name__, "_:" if isinstance(value, BlankNode) else value.n3())


def _only_value(result: QueryResult, shape: str) -> Value:
    column = "object" if shape == "construct" else "v"
    assert len(result) == 1, result.rows
    return result.rows[0][column]


#: Virtuoso's own answers: (shape, kind) -> the term it gives, or None for a refused query.
VIRTUOSO: dict[tuple[str, str], tuple[Value, object] | None] = {
    **{(s, "boolean"): (Literal("1", XSD + "integer"), 1) for s in SHAPES if s != "construct"},
    **{(s, "blank"): None for s in ("select", "subselect", "bind")},
}


@pytest.mark.parametrize(("shape", "kind"), WRITTEN_CELLS)
def test_written_values_come_back_as_the_same_term(
    backend_kg: KG, request: pytest.FixtureRequest, shape: str, kind: str
) -> None:
    text, expected, python = WRITTEN[kind]
    query = SHAPES[shape](text)
    if request.node.callspec.params["backend_kg"] == "virtuoso" and (shape, kind) in VIRTUOSO:
        instead = VIRTUOSO[shape, kind]
        if instead is None:
            with pytest.raises(msbackpain.QueryError, match="not implemented"):
                backend_kg.query(query)
            return
        expected, python = instead
    result = backend_kg.query(query)
    if shape == "construct" and expected is None:
        assert len(result) == 0  # a triple with an unbound part is not made
        return
    value = _only_value(result, shape)
    assert _shown(value) == _shown(expected)
    if value is not None and not isinstance(value, BlankNode):
        assert value.value == python
        assert type(value.value) is type(python)
        assert value == str(expected)  # and it still compares equal to its string


def _objects(
    result: QueryResult, predicate: str, subject: str | None
) -> Counter[tuple[str, str] | None]:
    return Counter(
        _shown(row["object"])
        for row in result
        if row["predicate"] == predicate and (subject is None or row["subject"] == subject)
    )


@pytest.mark.parametrize("kind", sorted(HELD))
def test_construct_where_keeps_the_terms(backend_kg: KG, reference: KG, kind: str) -> None:
    subject, predicate = HELD[kind]
    text = f"CONSTRUCT WHERE {{ {subject or '?s'} {predicate} ?o }}"
    mine, theirs = backend_kg.query(text), reference.query(text)
    assert _objects(mine, predicate, None) == _objects(theirs, predicate, None) != Counter()
    kind_class, datatype = _HELD_TYPES[kind]
    for row in mine:
        assert type(row["object"]) is kind_class
        assert getattr(row["object"], "datatype", None) == datatype


@pytest.mark.parametrize("kind", sorted(k for k, (s, _) in HELD.items() if s is not None))
def test_describe_keeps_the_terms(backend_kg: KG, reference: KG, kind: str) -> None:
    subject, predicate = HELD[kind]
    assert subject is not None
    text = f"DESCRIBE {subject}"
    mine = _objects(backend_kg.query(text), predicate, subject)
    assert mine == _objects(reference.query(text), predicate, subject) != Counter()
    kind_class, _ = _HELD_TYPES[kind]
    assert {shown[0] for shown in mine if shown} == {kind_class.__name__}


def test_ask_is_a_boolean_term(backend_kg: KG) -> None:
    yes = backend_kg.query("ASK { msbp:Baclofen msbp:memberOfDrugClass msbp:MuscleRelaxants }")
    no = backend_kg.query("ASK { msbp:Baclofen msbp:treats msbp:LhermittesSign }")
    assert (yes.boolean, no.boolean) == (True, False)
    assert [_shown(r["boolean"]) for r in (*yes, *no)] == [
        _shown(Literal("true", XSD + "boolean")),
        _shown(Literal("false", XSD + "boolean")),
    ]
    assert yes.to_dict()["rows"] == [
        {"boolean": {"type": "literal", "value": "true", "datatype": XSD + "boolean"}}
    ]


def test_rows_and_terms_are_immutable(backend_kg: KG) -> None:
    result = backend_kg.query("SELECT ?v WHERE { VALUES ?v { 1 } }")
    row = result.rows[0]
    with pytest.raises(TypeError):
        row["v"] = Literal("2")
    with pytest.raises(AttributeError):
        row["v"].datatype = XSD + "string"  # type: ignore[union-attr]
    assert isinstance(result.rows, tuple)
