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
from dataclasses import dataclass, field
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
    "DEFAULT_BASE",
    "MAX_EXPRESSION_OPERATORS",
    "MAX_NESTING_DEPTH",
    "MAX_PATTERN_ELEMENTS",
    "MAX_QUERY_LENGTH",
    "PARSE_LOCK",
    "CheckedQuery",
    "check_query",
    "nesting_depth",
    "oxigraph_opinion",
    "parsing",
]

#: The base IRI relative IRIs in a query resolve against unless it declares its own ``BASE``:
#: the bundle's namespace, the same on every backend (never a local path).
DEFAULT_BASE = "https://w3id.org/msbackpain/"
#: Distinct (text, options) pairs whose parse is kept; texts are at most MAX_QUERY_LENGTH.
CACHE_SIZE = 256
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
_SERVICE = re.compile(r"(?<![\w?$:])SERVICE(?![\w:])", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CheckedQuery:
    """A query that passed :func:`check_query`: its form and the variables it mentions.

    ``text`` is the canonical text the guard parsed; it is exactly what an engine must run
    (for a server: the body sent to the engine), never the text the caller gave. ``base`` is
    the IRI its relative IRIs resolve against, and ``algebra`` the rdflib query the guard
    built from its one parse (the rdflib backend evaluates it: nothing is parsed twice).
    """

    text: str
    form: QueryForm
    variables: frozenset[str]
    base: str = DEFAULT_BASE
    algebra: Any = field(default=None, compare=False, repr=False)


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


def check_query(
    text: str, *, allow_network: bool = False, base: str = DEFAULT_BASE
) -> CheckedQuery:
    """Parse ``text`` and refuse what must not run.

    Allowed are SELECT, ASK, CONSTRUCT and DESCRIBE. Updates (``INSERT``, ``DELETE``,
    ``LOAD``...) are always refused. ``SERVICE`` (in any form) and ``FROM`` / ``FROM NAMED``
    make the engine fetch data from elsewhere and are refused unless ``allow_network`` is true.
    Texts larger than the engine survives are refused naming the limit: ``MAX_QUERY_LENGTH``
    characters, ``MAX_NESTING_DEPTH`` levels of brackets, ``MAX_PATTERN_ELEMENTS`` pattern
    elements and ``MAX_EXPRESSION_OPERATORS`` operators. The result's ``text`` is the
    canonical text that was parsed: run that, not ``text``. Relative IRIs resolve against
    ``base`` (:data:`DEFAULT_BASE` unless given), as they will in every engine.

    Each text is parsed once: the answer (or the refusal) for a (text, options) pair is kept
    in a bounded, thread-safe LRU cache of :data:`CACHE_SIZE` entries.

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
    return _check(text, allow_network, base)


@lru_cache(maxsize=CACHE_SIZE)  # lru_cache is thread-safe; a refusal is cached as one too
def _check(text: str, allow_network: bool, base: str) -> CheckedQuery:
    try:
        return _parse_and_check(text, allow_network, base)
    except QueryError:
        raise
    except RecursionError as err:
        raise QueryError("query is too deeply nested to parse") from err
    except Exception as err:  # rdflib's parser raises many types: one error
        raise QueryError(f"malformed SPARQL: {_one_line(err)}") from err


def _one_line(err: BaseException) -> str:
    text = " ".join(str(getattr(err, "msg", None) or err).split())
    return text or type(err).__name__


def _parse_and_check(text: str, allow_network: bool, base: str) -> CheckedQuery:
    text = canonical(text)
    masked = mask(text)
    refuse_oversized(masked)
    _check_base(base)
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        parsed = parsing(lambda: parseQuery(text))
    except RecursionError:
        raise
    except Exception as err:
        try:
            parsing(lambda: parseUpdate(text))
        except Exception:  # noqa: BLE001
            msg = f"malformed SPARQL{_position(err, text)}: {_one_line(err)}"
            raise QueryError(msg) from err
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
    return CheckedQuery(text, form, frozenset(variables), base, _translate(parsed, base))


def _check_base(base: str) -> None:
    import pyoxigraph

    try:
        pyoxigraph.NamedNode(base)
    except ValueError:
        raise QueryError(f"the base {base!r} is not an absolute IRI") from None


def _translate(parsed: Any, base: str) -> Any:
    """Return rdflib's algebra of ``parsed`` (which it rewrites in place: inspect it first).

    A relative ``BASE`` of the query is resolved against the one before it first, as the
    grammar says and pyoxigraph does (rdflib would take it as it stands).
    """
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import URIRef

    from msbackpain.prefixes import PREFIXES

    current = base
    for declaration in parsed[0]:
        if isinstance(declaration, CompValue) and declaration.name == "Base":
            current = str(URIRef(str(declaration["iri"]), base=current))
            declaration["iri"] = URIRef(current)

    return parsing(lambda: translateQuery(parsed, base=base, initNs=PREFIXES))


def oxigraph_opinion(checked: CheckedQuery) -> None:
    """Raise :class:`~msbackpain.QueryError` if pyoxigraph's parser refuses ``checked.text``.

    rdflib's parser accepts some texts the SPARQL grammar forbids (10 of the 31 negative W3C
    syntax tests: variables bound twice, VALUES rows of the wrong width...). The rdflib backend
    asks pyoxigraph, which rejects them all, before it evaluates; the oxigraph backend gets
    the same verdict from its own engine. The text goes to an empty store and the answer is
    never read; the query is only planned (an ``ORDER BY`` or ``ASK`` may evaluate on no data,
    within the caller's time limit). A text with ``SERVICE`` (allowed by ``allow_network``)
    is not asked, so that no call is made twice: rdflib's parser alone decides there.

    Examples:
        >>> oxigraph_opinion(check_query("SELECT * { ?s ?p ?o }"))
        >>> oxigraph_opinion(check_query("SELECT * { BIND(1 AS ?x) BIND(2 AS ?x) }"))
        Traceback (most recent call last):
        ...
        msbackpain.exceptions.QueryError: malformed SPARQL: error at 1:41: expected [_]
    """
    if _SERVICE.search(mask(checked.text)):
        return
    verdict = _opinion(checked.text, checked.base)
    if verdict is not None:
        raise QueryError(verdict)


@lru_cache(maxsize=CACHE_SIZE)
def _opinion(text: str, base: str) -> str | None:
    import pyoxigraph

    from msbackpain.prefixes import PREFIXES

    try:
        pyoxigraph.Store().query(text, base_iri=base, prefixes=PREFIXES)
    except SyntaxError as err:
        return f"malformed SPARQL: {_one_line(err)}"
    except Exception:  # noqa: BLE001 - not a syntax verdict (an unknown function...)
        return None
    return None


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
