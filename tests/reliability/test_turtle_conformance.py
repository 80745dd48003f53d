"""`msbackpain validate FILE` against the W3C RDF 1.1 Turtle test suite (vendored copy).

All 94 negative syntax tests must be rejected with a message naming file and line, and every
positive syntax and evaluation test accepted. (rdflib's own Turtle parser accepts 39 of the
negative tests; validation uses pyoxigraph's strict parser.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

from conftest import DATA
from msbackpain.cli import main

SUITE = DATA / "rdf-turtle"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")


def _cases() -> list[tuple[str, Path]]:
    manifest = rdflib.Graph().parse(
        SUITE / "manifest.ttl", format="turtle", publicID="https://example.org/suite/"
    )
    cases = []
    for test, kind in manifest.subject_objects(rdflib.RDF.type):
        if "rdftest#TestTurtle" in str(kind):
            action = str(manifest.value(test, MF.action)).rsplit("/", 1)[1]
            cases.append((str(kind).rsplit("#", 1)[1], SUITE / action))
    return sorted(cases, key=lambda c: (c[0], c[1].name))


CASES = _cases()
NEGATIVE = [path for kind, path in CASES if kind == "TestTurtleNegativeSyntax"]
POSITIVE = [path for kind, path in CASES if kind in ("TestTurtlePositiveSyntax", "TestTurtleEval")]


def test_suite_is_complete() -> None:
    assert len(NEGATIVE) == 94
    assert len(POSITIVE) == 74 + 145


@pytest.mark.parametrize("path", NEGATIVE, ids=lambda p: p.name)
def test_negative_syntax_is_rejected(path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(path), "--syntax", "turtle"])
    assert result.exit_code == 1, result.stdout
    assert result.stderr.startswith(f"error: OntologyLoadError: {path}")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("path", POSITIVE, ids=lambda p: p.name)
def test_positive_syntax_is_accepted(path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(path), "--syntax", "turtle"])
    assert result.exit_code == 0, result.stderr
    assert "syntax OK" in result.stdout
