"""Texts the guard's parser and the executing engine read differently, and texts that crash it.

The guard parses with rdflib; pyoxigraph executes. Each exploit below passed the guard and made
pyoxigraph call a loopback URL before the engines ran the guard's canonical text. Each crash
below killed the Python process (SIGSEGV) before the limits were measured against the engine.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

import msbackpain
from conftest import ROOT, Listener
from msbackpain.guard import (
    MAX_EXPRESSION_OPERATORS,
    MAX_NESTING_DEPTH,
    MAX_PATTERN_ELEMENTS,
    MAX_QUERY_LENGTH,
    check_query,
)

BACKENDS = ("oxigraph", "rdflib")


def _cr_comment(port: int) -> str:
    return f"SELECT * WHERE {{ ?s ?p ?o #\r SERVICE <http://127.0.0.1:{port}/x> {{ ?a ?b ?c }} \n}}"


def _escaped_quotes(port: int, escape: str) -> str:
    return (
        f'SELECT * WHERE {{ BIND("{escape}{escape}" AS ?x) '
        f"SERVICE <http://127.0.0.1:{port}/x> {{ ?a ?b ?c }} "
        'BIND(1 # """\n AS ?y) }'
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_carriage_return_in_a_comment_is_refused(backend: str, listener: Listener) -> None:
    kg = msbackpain.load(backend=backend)
    query = _cr_comment(listener.port)
    for timeout in (30.0, None):
        with pytest.raises(msbackpain.QueryError) as info:
            kg.query(query, timeout=timeout)
        assert str(info.value) == (
            "the query holds a carriage return that is not followed by a line feed "
            "(at offset 27); the engines disagree on where it ends a comment"
        )
    with pytest.raises(msbackpain.QueryError, match="carriage return"):
        kg.backend.query(query)
    assert listener.connections == 0


@pytest.mark.parametrize("escape", ["\\u0022", "\\U00000022"], ids=["u4", "U8"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_escaped_quotes_run_as_the_guard_read_them(
    backend: str, escape: str, listener: Listener
) -> None:
    kg = msbackpain.load(backend=backend)
    query = _escaped_quotes(listener.port, escape)
    checked = check_query(query)
    assert "\\u" not in checked.text and "\\U" not in checked.text
    # Expanded, the text is BIND("""" AS ?x) SERVICE ... BIND(1 # """ AS ?y): one long string.
    assert checked.variables == frozenset({"y"})
    for result in (kg.query(query), kg.query(query, timeout=None), kg.backend.query(query)):
        assert result.variables == ("y",)
        assert [str(row["y"]) for row in result] == [
            f'" AS ?x) SERVICE <http://127.0.0.1:{listener.port}/x> {{ ?a ?b ?c }} BIND(1 # '
        ]
    assert listener.connections == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (r'ASK { ?s ?p "\u005Cu0041" }', r"holds \\u0041 after its escapes were expanded"),
        (r'ASK { ?s ?p "\uD800" }', r"the escape \\uD800 is not a Unicode character"),
        (r'ASK { ?s ?p "\U00110000" }', r"the escape \\U00110000 is not a Unicode character"),
        (r'ASK { ?s ?p "\U0041" }', r"holds \\U0041 after its escapes were expanded"),
        ("ASK { ?s ?p ?o } # \r", "carriage return that is not followed by a line feed"),
    ],
    ids=["escape-of-escape", "surrogate", "beyond-unicode", "short-big-u", "trailing-cr"],
)
def test_texts_the_parsers_would_read_differently_are_refused(text: str, message: str) -> None:
    with pytest.raises(msbackpain.QueryError, match=message):
        check_query(text)


def test_crlf_line_ends_are_fine(kg: msbackpain.KnowledgeGraph) -> None:
    query = "SELECT ?d WHERE { # drugs\r\n ?d msbp:memberOfDrugClass ?c }\r\n"
    assert len(kg.query(query)) == 4
    assert check_query(query).text == query


def test_the_word_service_outside_strings_is_refused_even_if_rdflib_missed_it() -> None:
    # A backstop to the parse: whatever rdflib made of the text, the word itself is refused.
    with pytest.raises(msbackpain.QueryError, match=r"^SERVICE is not allowed"):
        check_query("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    assert check_query('ASK { ?s ?p "SERVICE FROM" } # SERVICE\n').form == "ASK"
    assert check_query("ASK { ?service ?from ?o }").form == "ASK"


def _nested(depth: int) -> str:
    return "SELECT * WHERE " + "{ " * depth + "?s ?p ?o " + "} " * depth


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_documented_nesting_limit_is_the_real_one(backend: str) -> None:
    kg = msbackpain.load(backend=backend)
    assert len(kg.query(_nested(MAX_NESTING_DEPTH), timeout=None)) == len(kg.backend)
    deep_parens = (
        "SELECT * WHERE { ?s ?p ?o FILTER"
        + "(" * (MAX_NESTING_DEPTH - 1)
        + "true"
        + ")" * (MAX_NESTING_DEPTH - 1)
        + " }"
    )
    assert len(kg.query(deep_parens, timeout=None)) == len(kg.backend)
    with pytest.raises(msbackpain.QueryError, match=r"^query nesting depth 33 exceeds the limit"):
        kg.query(_nested(MAX_NESTING_DEPTH + 1))


ATTACKS = {
    "nesting-behind-a-cr-comment": "SELECT * WHERE { ?s ?p ?o #\r"
    + "{ " * 3000
    + "} " * 3000
    + "\n}",
    "minus-3000": "SELECT * WHERE { ?s ?p ?o " + "MINUS { ?s ?p 2 } " * 3000 + "}",
    "bind-3000": "SELECT * WHERE { ?s ?p ?o "
    + "".join(f"BIND(1 AS ?v{i}) " for i in range(3000))
    + "}",
    "union-10000": "ASK {" + "{}UNION" * 9_999 + "{}}",
    "select-expressions-3000": "SELECT "
    + " ".join(f"(1 AS ?x{i})" for i in range(3000))
    + " WHERE { ?s ?p ?o }",
    "plus-7000": "ASK { FILTER(" + "+".join(["1"] * 7000) + ") }",
    "path-alternatives-11000": "ASK { ?s " + "|".join(["<p>"] * 11_000) + " ?o }",
    "nesting-3000": _nested(3000),
    "one-megabyte": "ASK { ?s ?p ?o } #" + "x" * 1_000_000 + "\n",
}
LIMITS = {
    "nesting-behind-a-cr-comment": "carriage return that is not followed by a line feed",
    "minus-3000": f"number of pattern elements 6001 exceeds the limit of {MAX_PATTERN_ELEMENTS}",
    "bind-3000": f"number of pattern elements 6001 exceeds the limit of {MAX_PATTERN_ELEMENTS}",
    "union-10000": f"number of pattern elements 20000 exceeds the limit of {MAX_PATTERN_ELEMENTS}",
    "select-expressions-3000": "number of pattern elements 3001 exceeds the limit",
    "plus-7000": f"number of expression operators 6999 exceeds the limit of {MAX_EXPRESSION_OPERATORS}",
    "path-alternatives-11000": "number of expression operators 10999 exceeds the limit",
    "nesting-3000": f"query nesting depth 3000 exceeds the limit of {MAX_NESTING_DEPTH}",
    "one-megabyte": f"the query is 1000019 characters long; the limit is {MAX_QUERY_LENGTH}",
}
RUNNER = textwrap.dedent(
    """
    import json, sys, threading, msbackpain
    ATTACKS = json.load(sys.stdin)
    kg = msbackpain.load(backend="oxigraph")
    def attack():
        for name in sys.argv[1:]:
            try:
                kg.query(ATTACKS[name], timeout=None)
                print(name, "ran")
            except msbackpain.QueryError as err:
                print(name, "|", err)
    thread = threading.Thread(target=attack)  # a thread's stack, not only the main one
    thread.start()
    thread.join()
    print("alive", kg.query("ASK { ?s ?p ?o }", timeout=None).boolean)
    """
)


def test_engine_crashers_are_refused_and_the_caller_survives_with_no_timeout() -> None:
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, *ATTACKS],
        check=False,
        cwd=ROOT,
        input=json.dumps(ATTACKS),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[-1] == "alive True"
    seen = dict(line.split(" | ", 1) for line in lines[:-1])
    assert sorted(seen) == sorted(ATTACKS)
    for name, message in LIMITS.items():
        assert message in seen[name], (name, seen[name])
        assert "\n" not in seen[name]


AT_THE_LIMIT = textwrap.dedent(
    """
    import sys, threading, msbackpain
    kg = msbackpain.load(backend="oxigraph")
    n = int(sys.argv[1])
    queries = [
        "SELECT * WHERE { ?s ?p ?o " + "MINUS { ?s ?p <urn:none> } " * (n // 2 - 1) + "}",
        "ASK { " + " UNION ".join(["{ ?s ?p ?o }"] * (n // 3)) + " }",
        "ASK { FILTER(" + "+".join(["1"] * n) + ") }",
        "SELECT * WHERE " + "{ " * 31 + "?s ?p ?o " + "MINUS { ?s ?p <urn:none> } " * (n // 2 - 33) + "} " * 31,
    ]
    def run():
        print(len(kg.query("SELECT * WHERE { ?s ?p ?o }", timeout=None)))
        for query in queries:
            print(len(kg.query(query, timeout=None)))
    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    """
)


@pytest.mark.slow
def test_queries_at_the_limits_run_on_the_engine_in_a_thread() -> None:
    done = subprocess.run(
        [sys.executable, "-c", AT_THE_LIMIT, str(MAX_PATTERN_ELEMENTS)],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    triples, *counts = done.stdout.split()
    assert int(triples) > 5000
    assert counts == [triples, "1", "1", triples]
