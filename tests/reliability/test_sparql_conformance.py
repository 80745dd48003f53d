"""``kg.query`` against the W3C SPARQL 1.1 query syntax suite (vendored copy), on both engines.

Every positive syntax test must be accepted and answered, every negative one refused with
:class:`~msbackpain.QueryError` in one line, on the rdflib and on the oxigraph backend.
rdflib's own parser accepts 10 of the 31 negative tests; the rdflib backend refuses them
because pyoxigraph's parser is asked for a second opinion (``guard.oxigraph_opinion``).

Counted apart, each asserted to fail the way it does:

- the policy refusals: positive tests that use ``FROM`` or ``SERVICE``, refused unless
  ``allow_network=True`` (and accepted with it);
- the engine failures: positive tests whose syntax the guard accepts but whose evaluation the
  engine itself cannot do (rdflib's evaluator raises on ``SUM(DISTINCT ?x)`` over no rows and
  on an empty ``VALUES ()``; Oxigraph refuses an unknown custom function). If an engine is
  fixed, the assertion fails and the entry must go.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import rdflib

import msbackpain
from conftest import DATA
from msbackpain.guard import check_query

SUITE = DATA / "sparql11-syntax-query"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
BACKENDS = ("rdflib", "oxigraph")

POLICY = {"syntax-construct-where-02.rq": "FROM"}
ENGINE_FAILURES = {
    "rdflib": {
        "syntax-aggregate-06.rq": "NotBoundError",
        "syntax-aggregate-12.rq": "NotBoundError",
        "syntax-aggregate-14.rq": "NotBoundError",
        "syntax-bindings-03a.rq": "AttributeError",
    },
    "oxigraph": {"syntax-select-expr-04.rq": "custom function"},
}


def _cases() -> list[tuple[str, Path]]:
    manifest = rdflib.Graph().parse(
        SUITE / "manifest.ttl", format="turtle", publicID="https://example.org/suite/"
    )
    cases = []
    for test, kind in manifest.subject_objects(rdflib.RDF.type):
        name = str(kind).rsplit("#", 1)[1]
        if name in ("PositiveSyntaxTest11", "NegativeSyntaxTest11"):
            action = str(manifest.value(test, MF.action)).rsplit("/", 1)[1]
            cases.append((name, SUITE / action))
    return sorted(cases, key=lambda c: (c[0], c[1].name))


CASES = _cases()
POSITIVE = [path for kind, path in CASES if kind == "PositiveSyntaxTest11"]
NEGATIVE = [path for kind, path in CASES if kind == "NegativeSyntaxTest11"]


@cache
def _kg(backend: str) -> msbackpain.KnowledgeGraph:
    return msbackpain.load(backend=backend)


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_suite_is_complete() -> None:
    assert (len(POSITIVE), len(NEGATIVE)) == (63, 31)
    assert set(POLICY) | {n for names in ENGINE_FAILURES.values() for n in names} <= {
        p.name for p in POSITIVE
    }


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_counts_in_the_docs(backend: str) -> None:
    accepted = len(POSITIVE) - len(POLICY) - len(ENGINE_FAILURES[backend])
    assert (accepted, len(POLICY), len(NEGATIVE)) == {
        "rdflib": (58, 1, 31),
        "oxigraph": (61, 1, 31),
    }[backend]
    security = (Path(__file__).parents[2] / "docs" / "security.md").read_text(encoding="utf-8")
    assert f"| {backend} | {accepted} of 63 | 1 |" in security


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("path", POSITIVE, ids=lambda p: p.name)
def test_positive_syntax_is_accepted(backend: str, path: Path) -> None:
    kg = _kg(backend)
    if path.name in POLICY:
        keyword = POLICY[path.name]
        with pytest.raises(msbackpain.QueryError, match=rf"^{keyword} is not allowed"):
            kg.query(_text(path))
        assert check_query(_text(path), allow_network=True).text
        return
    if path.name in ENGINE_FAILURES[backend]:
        assert check_query(_text(path)).text  # the syntax is accepted ...
        with pytest.raises(
            msbackpain.QueryError, match=r"^the query failed during evaluation"
        ) as err:
            kg.query(_text(path))  # ... and the engine cannot evaluate it
        assert ENGINE_FAILURES[backend][path.name] in str(err.value)
        return
    result = kg.query(_text(path))
    assert isinstance(result, msbackpain.QueryResult)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("path", NEGATIVE, ids=lambda p: p.name)
def test_negative_syntax_is_refused(backend: str, path: Path) -> None:
    with pytest.raises(msbackpain.QueryError) as err:
        _kg(backend).query(_text(path))
    assert "\n" not in str(err.value)
    assert type(err.value) is msbackpain.QueryError
