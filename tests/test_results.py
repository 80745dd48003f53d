"""The RDF terms of query results: equality, Python values, N-Triples, JSON, immutability."""

from __future__ import annotations

import copy
import datetime
import json
import pickle
from collections.abc import Callable
from decimal import Decimal

import pytest

import msbackpain
from msbackpain.models import QueryResult as ReExported
from msbackpain.results import (
    IRI,
    RDF_LANG_STRING,
    XSD,
    XSD_STRING,
    BlankNode,
    Literal,
    QueryResult,
    Row,
    canonical,
    iri,
    plain,
)

BACLOFEN = "https://w3id.org/msbackpain/Baclofen"


def test_one_query_result_type_everywhere() -> None:
    assert msbackpain.QueryResult is QueryResult is ReExported


def test_terms_read_as_strings_and_keep_what_strings_lose() -> None:
    one, text = Literal("1", XSD + "integer"), Literal("1")
    assert one == "1" == text and str(one) == "1"  # string comparisons keep working
    assert one != text and Literal("1", language="en") != text  # the terms differ
    assert {one, text, Literal("1", XSD + "integer")} == {one, text}
    assert iri(BACLOFEN) == "msbp:Baclofen" and iri(BACLOFEN).iri == BACLOFEN
    assert iri(BACLOFEN) != Literal("msbp:Baclofen")  # an IRI is not a literal that reads so
    assert IRI("http://example.org/x") == "http://example.org/x"  # no prefix: the full IRI
    assert BlankNode("b1") == "_:b1" == BlankNode("_:b1")
    assert type(str(one)) is str


@pytest.mark.parametrize(
    ("term", "value"),
    [
        (Literal("42", XSD + "integer"), 42),
        (Literal("7", XSD + "nonNegativeInteger"), 7),
        (Literal("2.50", XSD + "decimal"), Decimal("2.50")),
        (Literal("1.5E0", XSD + "double"), 1.5),
        (Literal("INF", XSD + "float"), float("inf")),
        (Literal("1", XSD + "boolean"), True),
        (Literal("false", XSD + "boolean"), False),
        (Literal("2024-05-01", XSD + "date"), datetime.date(2024, 5, 1)),
        (Literal("2024-05-01Z", XSD + "date"), datetime.date(2024, 5, 1)),
        (
            Literal("2024-05-01T10:30:00Z", XSD + "dateTime"),
            datetime.datetime(2024, 5, 1, 10, 30, tzinfo=datetime.UTC),
        ),
        (Literal("douleur", language="fr"), "douleur"),
        (Literal("text"), "text"),
        (Literal("P1D", XSD + "duration"), "P1D"),  # other datatypes: the lexical form
        (Literal("many", XSD + "integer"), "many"),  # not valid for its type: the text
        (Literal("maybe", XSD + "boolean"), "maybe"),
        (iri(BACLOFEN), BACLOFEN),
        (BlankNode("b0"), "_:b0"),
    ],
)
def test_python_values(term: IRI | Literal | BlankNode, value: object) -> None:
    assert term.value == value
    assert type(term.value) is type(value)


def test_n_triples_and_json_cells() -> None:
    assert Literal('say "hi"\n\\', language="EN").n3() == '"say \\"hi\\"\\n\\\\"@en'
    assert Literal("5", XSD + "integer").n3() == f'"5"^^<{XSD}integer>'
    assert Literal("x", XSD_STRING).n3() == '"x"'
    assert Literal("x", language="en").datatype == RDF_LANG_STRING
    assert iri(BACLOFEN).n3() == f"<{BACLOFEN}>"
    assert Literal("5", XSD + "integer").to_dict() == {
        "type": "literal",
        "value": "5",
        "datatype": XSD + "integer",
    }
    assert Literal("x", language="en").to_dict() == {
        "type": "literal",
        "value": "x",
        "xml:lang": "en",
    }
    assert Literal("x").to_dict() == {"type": "literal", "value": "x"}
    assert iri(BACLOFEN).to_dict() == {"type": "uri", "value": BACLOFEN}
    assert BlankNode("b0").to_dict() == {"type": "bnode", "value": "b0"}


def test_repr_is_the_strings_so_printed_answers_read_as_before() -> None:
    assert repr(iri(BACLOFEN)) == "'msbp:Baclofen'"
    assert repr(Row(x=Literal("5", XSD + "integer"))) == "{'x': '5'}"


def test_canonical_forms_match_oxigraph() -> None:
    decimal = XSD + "decimal"
    assert [canonical(x, decimal) for x in ("2.50", "1.0", "-0.0", "100.00", "+3.10")] == [
        "2.5",
        "1",
        "0",
        "100",
        "3.1",
    ]
    double = XSD + "double"
    assert [canonical(x, double) for x in ("1.5e0", "1E10", "1e-7", "INF", "x")] == [
        "1.5",
        "10000000000",
        "0.0000001",
        "INF",
        "x",
    ]
    assert canonical("0042", XSD + "integer") == "42"
    assert canonical("0", XSD + "boolean") == "false"
    assert canonical("2.50", XSD + "string") == "2.50"


def test_terms_and_rows_are_immutable() -> None:
    term = Literal("1", XSD + "integer")
    with pytest.raises(AttributeError):
        term.datatype = XSD_STRING
    with pytest.raises(AttributeError):
        iri(BACLOFEN).iri = "x"
    row = Row(x=term)
    mutations: tuple[Callable[[], object], ...] = (
        lambda: row.__setitem__("x", term),
        lambda: row.pop("x"),
        lambda: row.update(y=term),
        lambda: row.clear(),
        lambda: row.setdefault("y", term),
    )
    for mutate in mutations:
        with pytest.raises(TypeError, match="a result row is read-only"):
            mutate()
    assert copy.copy(row) is row and copy.deepcopy(row) is row


def test_query_result_from_plain_rows() -> None:
    result = QueryResult(["a", "b"], [{"a": "1", "b": None}])
    assert result.variables == ("a", "b")
    assert isinstance(result.rows, tuple) and type(result.rows[0]) is Row
    assert result.rows[0]["a"] == Literal("1")  # a plain string is a plain literal
    with pytest.raises(TypeError, match="not 1"):
        QueryResult(["a"], [{"a": 1}])


def test_query_result_survives_pickling_and_json() -> None:
    rows = [
        Row(s=iri(BACLOFEN), n=Literal("3", XSD + "integer"), b=BlankNode("x"), u=None),
        Row(s=iri(BACLOFEN), n=Literal("tres", language="es"), b=BlankNode("x"), u=None),
    ]
    result = QueryResult(("s", "n", "b", "u"), rows)
    back = pickle.loads(pickle.dumps(result))  # noqa: S301 - our own bytes
    assert [[v.n3() if v else v for v in r.values()] for r in back] == [
        [f"<{BACLOFEN}>", f'"3"^^<{XSD}integer>', "_:x", None],
        [f"<{BACLOFEN}>", '"tres"@es', "_:x", None],
    ]
    assert json.loads(json.dumps(result.to_dicts())) == [
        {"s": "msbp:Baclofen", "n": "3", "b": "_:x", "u": None},
        {"s": "msbp:Baclofen", "n": "tres", "b": "_:x", "u": None},
    ]
    cells = result.to_dict()["rows"]
    assert isinstance(cells, list) and cells[1] == {
        "s": {"type": "uri", "value": BACLOFEN},
        "n": {"type": "literal", "value": "tres", "xml:lang": "es"},
        "b": {"type": "bnode", "value": "x"},
        "u": None,
    }
    assert {k: type(v) for k, v in plain(rows[0]).items()} == {
        "s": str,
        "n": str,
        "b": str,
        "u": type(None),
    }


def test_domain_objects_hold_plain_strings() -> None:
    kg = msbackpain.load(backend="oxigraph")
    entity = kg["spasticity"]
    assert type(entity.id) is str and type(entity.label) is str
    (relation, *_) = kg.treatments_for("spasticity")
    assert relation.evidence is not None and type(relation.evidence.summary) is str


def test_terms_from_other_engines_read_canonically() -> None:
    import pyoxigraph

    from msbackpain.backends.oxigraph_backend import triple_rows
    from msbackpain.backends.sparql_backend import parse_results

    decimal = XSD + "decimal"
    document = json.dumps(
        {
            "head": {"vars": ["d", "b", "s"]},
            "results": {
                "bindings": [
                    {
                        "d": {"type": "literal", "value": "2.50", "datatype": decimal},
                        "b": {"type": "typed-literal", "value": "1", "datatype": XSD + "boolean"},
                        "s": {"type": "literal", "value": "2.50"},
                    }
                ]
            },
        }
    ).encode()
    (row,) = parse_results(document).rows
    assert [v.n3() for v in row.values() if v is not None] == [
        f'"2.5"^^<{decimal}>',
        f'"true"^^<{XSD}boolean>',
        '"2.50"',  # a string is left as written
    ]
    written = pyoxigraph.Triple(
        pyoxigraph.NamedNode("http://example.org/a"),
        pyoxigraph.NamedNode("http://example.org/p"),
        pyoxigraph.Literal("2.50", datatype=pyoxigraph.NamedNode(decimal)),
    )
    assert triple_rows([written], canonical_forms=True)[0]["object"] == Literal("2.5", decimal)
    assert triple_rows([written])[0]["object"] == Literal("2.50", decimal)
