"""Check ad-hoc SPARQL before any engine sees it: form, outbound calls, nesting, parameters.

The engines under msbackpain do dangerous things with hostile query text (see
``docs/security.md``): rdflib and pyoxigraph both send real HTTP requests for ``SERVICE``,
rdflib fetches ``FROM`` graphs and reads local files, and a deeply nested query crashes
pyoxigraph. :func:`check_query` refuses all of that up front, with a message that says what
and where.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from msbackpain.exceptions import QueryError

__all__ = ["MAX_NESTING_DEPTH", "CheckedQuery", "check_query", "nesting_depth"]

#: Deepest nesting of ``{ ( [`` accepted; deeper queries are refused before parsing.
MAX_NESTING_DEPTH = 32

QueryForm = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]
_FORMS: dict[str, QueryForm] = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}
_OPT_IN = "pass allow_network=True to opt in"
_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_OPEN, _CLOSE = "{([", "})]"


@dataclass(frozen=True, slots=True)
class CheckedQuery:
    """A query that passed :func:`check_query`: its form and the variables it mentions."""

    text: str
    form: QueryForm
    variables: frozenset[str]


def nesting_depth(text: str) -> int:
    """Return the deepest nesting of brackets in ``text``, ignoring strings, IRIs and comments.

    Examples:
        >>> nesting_depth("SELECT * { ?s ?p ?o FILTER(?o > 1) }")
        2
        >>> nesting_depth('SELECT * { ?s ?p "{{{" }  # {{{')
        1
    """
    depth = deepest = 0
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if c in "\"'":
            quote = c * 3 if text.startswith(c * 3, i) else c
            i += len(quote)
            while i < n and not text.startswith(quote, i):
                i += 2 if text[i] == "\\" else 1
            i += len(quote)
            continue
        if c == "<":
            match = _IRI.match(text, i)
            if match:
                i = match.end()
                continue
        if c in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif c in _CLOSE:
            depth -= 1
        i += 1
    return deepest


def _walk(node: Any) -> Iterator[Any]:
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, CompValue):
            yield current
            stack.extend(current.values())
        elif isinstance(current, list | tuple | ParseResults):
            stack.extend(current)
        else:
            yield current


def _n3(term: Any) -> str:
    return term.n3() if hasattr(term, "n3") else str(term)


def _position(err: Any, text: str) -> str:
    line = getattr(err, "lineno", None)
    col = getattr(err, "col", None)
    if line is None:
        return ""
    snippet = text.splitlines()[line - 1].strip() if 0 < line <= len(text.splitlines()) else ""
    return f" at line {line}, column {col} (near {snippet[:40]!r})"


def check_query(text: str, *, allow_network: bool = False) -> CheckedQuery:
    """Parse ``text`` and refuse what must not run.

    Allowed are SELECT, ASK, CONSTRUCT and DESCRIBE. Updates (``INSERT``, ``DELETE``,
    ``LOAD``...) are always refused. ``SERVICE`` (in any form) and ``FROM`` / ``FROM NAMED``
    make the engine fetch data from elsewhere and are refused unless ``allow_network`` is true.

    Raises:
        QueryError: with the position of a syntax error, or the reason for refusing.

    Examples:
        >>> check_query("SELECT ?s WHERE { ?s ?p ?o }").form
        'SELECT'
        >>> check_query("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
        Traceback (most recent call last):
        ...
        msbackpain.exceptions.QueryError: SERVICE is not allowed: it makes the engine call \
<http://example.org/sparql>; pass allow_network=True to opt in
    """
    depth = nesting_depth(text)
    if depth > MAX_NESTING_DEPTH:
        msg = f"query nesting depth {depth} exceeds the limit of {MAX_NESTING_DEPTH}"
        raise QueryError(msg)
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        parsed = parseQuery(text)
    except RecursionError as err:
        raise QueryError("query is too deeply nested to parse") from err
    except Exception as err:
        try:
            parseUpdate(text)
        except Exception:  # noqa: BLE001
            raise QueryError(
                f"malformed SPARQL{_position(err, text)}: {getattr(err, 'msg', err)}"
            ) from err
        msg = (
            "only SELECT, ASK, CONSTRUCT and DESCRIBE are allowed; "
            "updates such as LOAD, INSERT and DELETE are refused"
        )
        raise QueryError(msg) from err

    form: QueryForm = "SELECT"
    variables: set[str] = set()
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Variable

    for node in _walk(parsed):
        if isinstance(node, Variable):
            variables.add(str(node))
        if not isinstance(node, CompValue):
            continue
        if node.name in _FORMS:
            form = _FORMS[node.name]
        elif node.name == "ServiceGraphPattern" and not allow_network:
            target = _n3(dict.get(node, "term"))
            msg = f"SERVICE is not allowed: it makes the engine call {target}; {_OPT_IN}"
            raise QueryError(msg)
        elif node.name == "DatasetClause" and not allow_network:
            target = _n3(dict.get(node, "default") or dict.get(node, "named"))
            msg = f"FROM is not allowed: it makes the engine load {target}; {_OPT_IN}"
            raise QueryError(msg)
    return CheckedQuery(text, form, frozenset(variables))
