"""Check ad-hoc SPARQL before any engine sees it: form, outbound calls, size, parameters.

The engines under msbackpain do dangerous things with hostile query text (see
``docs/security.md``): rdflib and pyoxigraph both send real HTTP requests for ``SERVICE``,
rdflib fetches ``FROM`` graphs and reads local files, and a deeply nested or long-chained
query crashes pyoxigraph. :func:`check_query` refuses all of that up front, with a message
that says what and where.

One parser decides: the guard parses the *canonical* text (:func:`msbackpain._sparql_text.
canonical`: escapes expanded, texts the engines would read differently refused) and every
engine executes exactly that text, :attr:`CheckedQuery.text`, never the text it was given.
rdflib's parser is not thread-safe; every parse in the library holds :data:`PARSE_LOCK`.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, TypeVar

from msbackpain._sparql_text import (
    MAX_EXPRESSION_OPERATORS,
    MAX_NESTING_DEPTH,
    MAX_PATTERN_ELEMENTS,
    MAX_QUERY_LENGTH,
    canonical,
    mask,
    refuse_oversized,
    shape,
)
from msbackpain.exceptions import QueryError

__all__ = [
    "MAX_EXPRESSION_OPERATORS",
    "MAX_NESTING_DEPTH",
    "MAX_PATTERN_ELEMENTS",
    "MAX_QUERY_LENGTH",
    "PARSE_LOCK",
    "CheckedQuery",
    "check_query",
    "nesting_depth",
    "parsing",
]

#: Held by every rdflib SPARQL parse in the library: pyparsing's parse actions share state,
#: and eight threads parsing at once broke the parser for the rest of the process.
PARSE_LOCK = threading.RLock()
#: Python frames rdflib's recursive parser may use beyond the caller's (a 500-pattern block
#: needs about 5,000; 32 nested parentheses about 1,300).
_PARSE_FRAMES = 20_000
T = TypeVar("T")

QueryForm = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]
_FORMS: dict[str, QueryForm] = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}
_OPT_IN = "pass allow_network=True to opt in"
# The words that reach out, outside strings, IRIs and comments (a backstop to the parse).
_NETWORK = re.compile(r"(?<![\w?$:])(SERVICE|FROM)(?![\w:])", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CheckedQuery:
    """A query that passed :func:`check_query`: its form and the variables it mentions.

    ``text`` is the canonical text the guard parsed; it is exactly what an engine must run
    (for a server: the body sent to the engine), never the text the caller gave.
    """

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
    return shape(mask(text)).depth


def parsing(parse: Callable[[], T]) -> T:
    """Return ``parse()`` run under :data:`PARSE_LOCK` with room for rdflib's recursion.

    The recursion limit is raised by a fixed budget above the caller's depth for the parse
    and restored after it, so the limits above hold whatever the caller's stack looks like.
    """
    with PARSE_LOCK:
        old = sys.getrecursionlimit()
        depth = len(_stack_depth())
        sys.setrecursionlimit(max(old, depth + _PARSE_FRAMES))
        try:
            return parse()
        finally:
            sys.setrecursionlimit(old)


def _stack_depth() -> list[None]:
    frames: list[None] = []
    frame = sys._getframe()
    while frame is not None:
        frames.append(None)
        frame = frame.f_back  # type: ignore[assignment]
    return frames


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
    if getattr(term, "name", None) == "pname":  # a prefixed name (a CompValue: any attribute)
        return f"{dict.get(term, 'prefix') or ''}:{dict.get(term, 'localname') or ''}"
    n3 = getattr(term, "n3", None)
    return n3() if callable(n3) else str(term)


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
    Texts larger than the engine survives are refused naming the limit: ``MAX_QUERY_LENGTH``
    characters, ``MAX_NESTING_DEPTH`` levels of brackets, ``MAX_PATTERN_ELEMENTS`` pattern
    elements and ``MAX_EXPRESSION_OPERATORS`` operators. The result's ``text`` is the
    canonical text that was parsed: run that, not ``text``.

    Raises:
        QueryError: with the position of a syntax error, or the reason for refusing.

    Examples:
        >>> check_query("SELECT ?s WHERE { ?s ?p ?o }").form
        'SELECT'
        >>> check_query(r'ASK { ?s ?p "caf\u00e9" }').text
        'ASK { ?s ?p "café" }'
        >>> check_query("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
        Traceback (most recent call last):
        ...
        msbackpain.exceptions.QueryError: SERVICE is not allowed: it makes the engine call \
<http://example.org/sparql>; pass allow_network=True to opt in
    """
    return _check(text, allow_network)


@lru_cache(maxsize=256)  # texts are at most MAX_QUERY_LENGTH: at most about 25 MB held
def _check(text: str, allow_network: bool) -> CheckedQuery:
    text = canonical(text)
    masked = mask(text)
    refuse_oversized(masked)
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        parsed = parsing(lambda: parseQuery(text))
    except RecursionError as err:
        raise QueryError("query is too deeply nested to parse") from err
    except Exception as err:
        try:
            parsing(lambda: parseUpdate(text))
        except Exception:  # noqa: BLE001
            raise QueryError(
                f"malformed SPARQL{_position(err, text)}: {getattr(err, 'msg', err)}"
            ) from err
        msg = (
            "only SELECT, ASK, CONSTRUCT and DESCRIBE are allowed; "
            "updates such as LOAD, INSERT and DELETE are refused"
        )
        raise QueryError(msg) from err
    form, variables = _inspect(parsed, allow_network)
    if not allow_network and (word := _NETWORK.search(masked)):
        keyword = word.group(1).upper()
        msg = (
            f"{keyword} is not allowed: the word {keyword} stands outside strings and comments; "
            f"{_OPT_IN}"
        )
        raise QueryError(msg)
    return CheckedQuery(text, form, frozenset(variables))


def _inspect(parsed: Any, allow_network: bool) -> tuple[QueryForm, set[str]]:
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Variable

    form: QueryForm = "SELECT"
    variables: set[str] = set()
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
    return form, variables
