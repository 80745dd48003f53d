"""Bindings are the same on every backend: each kind of Python value in each shape of query.

The matrix is value kind (an :class:`~msbackpain.IRI`, a result IRI or literal read from an
earlier answer, an ``Entity``, rdflib's and pyoxigraph's terms, ``str``, ``int``, ``float``,
``Decimal``, ``bool``, ``date``, ``datetime``, and the refused ``None`` and blank nodes) x
query shape (basic pattern, the variable projected, FILTER, OPTIONAL, a sub-select
projecting it, a sub-select with LIMIT that hides it, BIND to it, a property path,
CONSTRUCT, ASK), on rdflib, oxigraph, an Oxigraph server and Virtuoso. Every cell compares
the whole answer with the expected one, written out here and read off the bundle; numbers
and date-times are matched against ``VALUES`` data in the query text.

A binding means a ``VALUES`` join first in the outermost WHERE group, on every backend. So a
sub-select hiding the variable and a BIND to it are refused (``QueryParameterError``) rather
than answered differently, and an OPTIONAL is left-joined to the binding (a value it does
not match gives one row with the OPTIONAL's variables unbound).

rdflib, oxigraph and the Oxigraph server give the expected answer in every cell. Virtuoso
gives it in most; the test asserts what it does instead in the others (``VIRTUOSO``), all
its engine's doing (it gets the very text the Oxigraph server answers): a property path
whose start is bound by ``VALUES`` is an error ("transitive start not given"); it has no
boolean type, so a bound boolean comes back as ``"1"^^xsd:integer`` and ``sameTerm`` of
two ``false`` fails; ``"1.5"^^xsd:double`` does not join the ``1.5e0`` of a ``VALUES`` row; a sub-select
joins the integer 1 with the decimal 1.0 (by value, not by term); and a language-tagged
literal bound from outside finds nothing through a sub-select or a path.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pyoxigraph
import pytest
import rdflib

import msbackpain
from msbackpain import results
from msbackpain.backends import IRI
from msbackpain.results import XSD

KG = msbackpain.KnowledgeGraph
MSBP = "https://w3id.org/msbackpain/"
_PARAGRAPH = "?s msbp:paragraph ?x FILTER(isIRI(?s))"
_NUMBERS = (
    "VALUES (?s ?x) { (msbp:Int 1) (msbp:Decimal1 1.0) (msbp:Double 1.5e0) (msbp:Decimal 2.5)"
    ' (msbp:DateTime "2024-05-01T10:00:00"^^xsd:dateTime) (msbp:False false) }'
)

#: data -> (the pattern binding ?s and ?x, the same with a property path, or None)
DATA: dict[str, tuple[str, str | None]] = {
    "drug": ("?x msbp:memberOfDrugClass ?s", "?x msbp:memberOfDrugClass+ ?s"),
    "label": ("?s rdfs:label ?x", "?s rdfs:label+ ?x"),
    "paragraph": (_PARAGRAPH, _PARAGRAPH.replace("paragraph", "paragraph+", 1)),
    "created": ("?s dcterms:created ?x", "?s dcterms:created+ ?x"),
    "deprecated": ("?s owl:deprecated ?x", "?s owl:deprecated+ ?x"),
    "numbers": (_NUMBERS, None),  # a path needs triples: no stored number has an IRI subject
}
_P29 = frozenset(
    f"msbp:{n}"
    for n in (
        "Baclofen",
        "MuscleRelaxants",
        "MuscleSpasms",
        "MuscleStiffness",
        "RelaxedMuscles",
        "Spasticity",
        "Tizanidine",
    )
)
_DATE = XSD + "date"


def _answer(kg: KG, text: str) -> Any:
    return kg.query(text).rows[0]


#: kind -> (data, a function of the graph giving the value, the ?s expected, the bound term)
KINDS: dict[str, tuple[str, Callable[[KG], Any], frozenset[str], str]] = {
    "IRI": ("drug", lambda kg: IRI(MSBP + "Baclofen"), frozenset({"msbp:MuscleRelaxants"}), ""),
    "result IRI": (
        "drug",
        lambda kg: _answer(kg, 'SELECT ?e { ?e rdfs:label "baclofen"@en }')["e"],
        frozenset({"msbp:MuscleRelaxants"}),
        "",
    ),
    "Entity": ("drug", lambda kg: kg.entity("baclofen"), frozenset({"msbp:MuscleRelaxants"}), ""),
    "rdflib URIRef": (
        "drug",
        lambda kg: rdflib.URIRef(MSBP + "Baclofen"),
        frozenset({"msbp:MuscleRelaxants"}),
        "",
    ),
    "pyoxigraph NamedNode": (
        "drug",
        lambda kg: pyoxigraph.NamedNode(MSBP + "Baclofen"),
        frozenset({"msbp:MuscleRelaxants"}),
        "",
    ),
    "result Literal@en": (
        "label",
        lambda kg: _answer(kg, "SELECT ?l { msbp:Baclofen rdfs:label ?l }")["l"],
        frozenset({"msbp:Baclofen"}),
        '"baclofen"@en',
    ),
    "rdflib Literal@en": (
        "label",
        lambda kg: rdflib.Literal("baclofen", lang="en"),
        frozenset({"msbp:Baclofen"}),
        '"baclofen"@en',
    ),
    "pyoxigraph Literal@en": (
        "label",
        lambda kg: pyoxigraph.Literal("baclofen", language="en"),
        frozenset({"msbp:Baclofen"}),
        '"baclofen"@en',
    ),
    "str, not the @en label": ("label", lambda kg: "baclofen", frozenset(), '"baclofen"'),
    "str": ("paragraph", lambda kg: "P29", _P29, '"P29"'),
    "result Literal": (
        "paragraph",
        lambda kg: _answer(kg, "SELECT ?p { msbp:Baclofen msbp:paragraph ?p }")["p"],
        _P29,
        '"P29"',
    ),
    "rdflib Literal": ("paragraph", lambda kg: rdflib.Literal("P29"), _P29, '"P29"'),
    "pyoxigraph Literal": ("paragraph", lambda kg: pyoxigraph.Literal("P29"), _P29, '"P29"'),
    "date": ("created", lambda kg: datetime.date(2026, 11, 25), frozenset({"msbp:ontology"}), ""),
    "result Literal date": (
        "created",
        lambda kg: _answer(kg, "SELECT ?d { msbp:ontology dcterms:created ?d }")["d"],
        frozenset({"msbp:ontology"}),
        "",
    ),
    "rdflib Literal date": (
        "created",
        lambda kg: rdflib.Literal(datetime.date(2026, 11, 25)),
        frozenset({"msbp:ontology"}),
        "",
    ),
    "pyoxigraph Literal date": (
        "created",
        lambda kg: pyoxigraph.Literal("2026-11-25", datatype=pyoxigraph.NamedNode(_DATE)),
        frozenset({"msbp:ontology"}),
        "",
    ),
    "bool": (
        "deprecated",
        lambda kg: True,
        frozenset({"msbp:ruleSubtypeTreatment", "msbp:ruleTreatmentKind"}),
        "",
    ),
    "rdflib Literal bool": (
        "deprecated",
        lambda kg: rdflib.Literal(True),
        frozenset({"msbp:ruleSubtypeTreatment", "msbp:ruleTreatmentKind"}),
        "",
    ),
    "int": ("numbers", lambda kg: 1, frozenset({"msbp:Int"}), ""),
    "float": ("numbers", lambda kg: 1.5, frozenset({"msbp:Double"}), ""),
    "Decimal": ("numbers", lambda kg: Decimal("2.50"), frozenset({"msbp:Decimal"}), ""),
    "datetime": (
        "numbers",
        lambda kg: datetime.datetime(2024, 5, 1, 10, 0),
        frozenset({"msbp:DateTime"}),
        "",
    ),
    "bool False": ("numbers", lambda kg: False, frozenset({"msbp:False"}), ""),
    "result Literal decimal": (
        "numbers",
        lambda kg: results.Literal("2.5", XSD + "decimal"),
        frozenset({"msbp:Decimal"}),
        "",
    ),
    "rdflib Literal int": ("numbers", lambda kg: rdflib.Literal(1), frozenset({"msbp:Int"}), ""),
    "pyoxigraph Literal double": (
        "numbers",
        lambda kg: pyoxigraph.Literal(1.5),
        frozenset({"msbp:Double"}),
        "",
    ),
}
#: The bound term of each kind whose term the table above leaves to be read off the value.
_TERMS = {
    "drug": f"<{MSBP}Baclofen>",
    "created": f'"2026-11-25"^^<{_DATE}>',
    "deprecated": f'"true"^^<{XSD}boolean>',
}
_NUMBER_TERMS = {
    "int": f'"1"^^<{XSD}integer>',
    "rdflib Literal int": f'"1"^^<{XSD}integer>',
    "float": f'"1.5"^^<{XSD}double>',
    "pyoxigraph Literal double": f'"1.5"^^<{XSD}double>',
    "Decimal": f'"2.5"^^<{XSD}decimal>',
    "result Literal decimal": f'"2.5"^^<{XSD}decimal>',
    "datetime": f'"2024-05-01T10:00:00"^^<{XSD}dateTime>',
    "bool False": f'"false"^^<{XSD}boolean>',
}

_BLANK = (
    "cannot bind ?x to a blank node: its label means nothing outside the answer it came "
    "from, and VALUES cannot hold one; bind an IRI or a literal"
)
#: refused kind -> (the value, the message every backend gives in every shape)
REFUSED: dict[str, tuple[Callable[[], Any], str]] = {
    "None": (
        lambda: None,
        "cannot bind ?x to None: leave ?x out of the bindings to leave it unbound",
    ),
    "result BlankNode": (lambda: results.BlankNode("b0"), _BLANK),
    "rdflib BNode": (lambda: rdflib.BNode("b0"), _BLANK),
    "pyoxigraph BlankNode": (lambda: pyoxigraph.BlankNode("b0"), _BLANK),
}
_ASSIGNED = (
    "cannot bind ?x: the query assigns it (BIND or AS), and SPARQL forbids assigning a bound "
    "variable; bind another variable"
)
_HIDDEN = (
    "cannot bind ?x: it is used only inside a sub-select, which a binding does not reach; "
    "project it from the sub-select"
)


def _y(data: str) -> str:
    return data.replace("?x", "?y")


#: shape -> a function of (the data pattern, its path form) giving the query, or None
SHAPES: dict[str, Callable[[str, str | None], str | None]] = {
    "basic": lambda d, p: f"SELECT ?s WHERE {{ {d} }}",
    "projected": lambda d, p: f"SELECT ?s ?x WHERE {{ {d} }}",
    "filter": lambda d, p: f"SELECT ?s WHERE {{ {_y(d)} FILTER(sameTerm(?y, ?x)) }}",
    "optional": lambda d, p: f"SELECT ?s WHERE {{ OPTIONAL {{ {d} }} }}",
    "subselect": lambda d, p: f"SELECT ?s WHERE {{ {{ SELECT ?s ?x WHERE {{ {d} }} }} }}",
    "subselect limit": lambda d, p: (
        f"SELECT ?s WHERE {{ {{ SELECT ?s WHERE {{ {d} }} LIMIT 1 }} }}"
    ),
    "bind": lambda d, p: f"SELECT ?s WHERE {{ {_y(d)} BIND(?y AS ?x) }}",
    "path": lambda d, p: None if p is None else f"SELECT ?s WHERE {{ {p} }}",
    "construct": lambda d, p: f"CONSTRUCT {{ ?s msbp:boundTo ?x }} WHERE {{ {d} }}",
    "ask": lambda d, p: f"ASK {{ {d} }}",
}


def term_of(kind: str) -> str:
    """The N-Triples form of the term ``kind`` binds as."""
    data, _, _, written = KINDS[kind]
    return written or _TERMS.get(data) or _NUMBER_TERMS[kind]


def expected(kind: str, shape: str) -> object:
    """The answer every backend gives for ``kind`` in ``shape`` (see :func:`answer`)."""
    _, _, subjects, _ = KINDS[kind]
    if shape == "subselect limit":
        return ("refused", _HIDDEN)
    if shape == "bind":
        return ("refused", _ASSIGNED)
    if shape == "projected":
        return frozenset((s, term_of(kind)) for s in subjects)
    if shape == "construct":
        return frozenset((s, "msbp:boundTo", term_of(kind)) for s in subjects)
    if shape == "ask":
        return bool(subjects)
    if shape == "optional" and not subjects:
        return frozenset({None})  # the OPTIONAL is left-joined to the binding's one row
    return subjects


#: Virtuoso's own answers, each observed (the docstring says why they are the engine's).
_TRANSITIVE = ("error", "BackendError", "transitive start not given")
_BOOLEANS = ("bool", "rdflib Literal bool")
_LANGUAGE = ("result Literal@en", "rdflib Literal@en", "pyoxigraph Literal@en")
_DOUBLES = ("float", "pyoxigraph Literal double")
_RULES = ("msbp:ruleSubtypeTreatment", "msbp:ruleTreatmentKind")
VIRTUOSO: dict[tuple[str, str], object] = {
    **{(k, "path"): _TRANSITIVE for k, v in KINDS.items() if v[0] == "drug"},
    **{(k, "path"): _TRANSITIVE for k in _BOOLEANS},
    **{(k, "projected"): frozenset((r, f'"1"^^<{XSD}integer>') for r in _RULES) for k in _BOOLEANS},
    ("bool False", "filter"): frozenset(),
    ("bool False", "projected"): frozenset({("msbp:False", f'"0"^^<{XSD}integer>')}),
    **{(k, s): frozenset() for k in _LANGUAGE for s in ("subselect", "path")},
    **{(k, s): frozenset() for k in _DOUBLES for s in ("basic", "projected", "filter")},
    **{(k, "optional"): frozenset({None}) for k in _DOUBLES},
    **{(k, "construct"): frozenset() for k in _DOUBLES},
    **{(k, "ask"): False for k in _DOUBLES},
    **{
        (k, "subselect"): frozenset({"msbp:Int", "msbp:Decimal1"})
        for k in ("int", "rdflib Literal int")
    },
}


def _n3(value: results.Value) -> str | None:
    return None if value is None else value.n3()


def answer(kg: KG, value: Any, text: str) -> object:
    """The answer to ``text`` with ?x bound to ``value``, in a form to compare."""
    try:
        result = kg.query(text, x=value)
    except msbackpain.QueryParameterError as err:
        return ("refused", str(err))
    except msbackpain.MsBackPainError as err:  # the engine's own words, after its address
        return ("error", type(err).__name__, str(err).rsplit(": ", 1)[-1])
    if result.boolean is not None:
        return result.boolean
    if "object" in result.variables:
        return frozenset((r["subject"], r["predicate"], _n3(r["object"])) for r in result)
    if "x" in result.variables:
        return frozenset((r["s"], _n3(r["x"])) for r in result)
    return frozenset(r["s"] for r in result)


def cells(kind: str) -> list[tuple[str, str]]:
    """The (shape, query) cells of ``kind`` (a path needs data held as triples)."""
    data, path = DATA[KINDS[kind][0]] if kind in KINDS else DATA["label"]
    made = ((shape, make(data, path)) for shape, make in SHAPES.items())
    return [(shape, text) for shape, text in made if text is not None]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_binding_gives_the_same_answer_in_every_shape(
    backend_kg: KG, request: pytest.FixtureRequest, kind: str
) -> None:
    backend = request.node.callspec.params["backend_kg"]
    value = KINDS[kind][1](backend_kg)
    got, want = {}, {}
    for shape, text in cells(kind):
        got[shape] = answer(backend_kg, value, text)
        want[shape] = expected(kind, shape)
        if backend == "virtuoso":
            want[shape] = VIRTUOSO.get((kind, shape), want[shape])
    assert got == want


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_none_and_blank_nodes_are_refused_in_every_shape(backend_kg: KG, kind: str) -> None:
    make, message = REFUSED[kind]
    got = {shape: answer(backend_kg, make(), text) for shape, text in cells(kind)}
    assert got == dict.fromkeys(got, ("refused", message))
    assert len(got) == len(SHAPES)


def test_the_matrix_covers_every_kind_and_shape() -> None:
    shapes = {shape for kind in KINDS for shape, _ in cells(kind)}
    assert shapes == set(SHAPES)
    assert sum(len(cells(kind)) for kind in (*KINDS, *REFUSED)) == 302
    assert {term_of(kind) for kind in KINDS} >= set(_TERMS.values())
