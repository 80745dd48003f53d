"""The lexical side of the query guard: canonical text, masking, and the engine's size limits.

rdflib (which the guard parses with) and Oxigraph (which executes) read some texts
differently. Two differences let a ``SERVICE`` clause through a guard that trusted rdflib:

* SPARQL 1.1 §19.2 processes ``\\uXXXX`` and ``\\UXXXXXXXX`` escapes in the whole text before
  parsing; rdflib does (greedily, also ``\\U`` with four digits), Oxigraph only in strings.
* A carriage return ends a ``#`` comment for Oxigraph (the grammar's EOL) but not for rdflib.

:func:`canonical` removes both: the text every engine executes is the escape-expanded text
the guard parsed, and a text that is not a fixed point of that expansion, or holds a carriage
return that is not part of a CR LF pair, is refused. The other functions measure what crashes
Oxigraph (its parser and evaluator recurse once per nested or chained element; see
``docs/security.md`` for the measured thresholds).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from msbackpain.exceptions import QueryError

__all__ = [
    "MAX_EXPRESSION_OPERATORS",
    "MAX_NESTING_DEPTH",
    "MAX_PATTERN_ELEMENTS",
    "MAX_QUERY_LENGTH",
    "Shape",
    "canonical",
    "mask",
    "refuse_oversized",
    "shape",
]

#: Characters a query may have (a 1 MB query spends minutes in rdflib's parser).
MAX_QUERY_LENGTH = 100_000
#: Deepest nesting of ``{ ( [`` accepted (Oxigraph crashes near 2,200; rdflib needs headroom).
MAX_NESTING_DEPTH = 32
#: Group-pattern elements and separators in the whole query (Oxigraph crashes near 2,600).
MAX_PATTERN_ELEMENTS = 500
#: Expression and path operators in the whole query (Oxigraph crashes near 6,800).
MAX_EXPRESSION_OPERATORS = 500

_SPARQL_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# What rdflib expands (case-insensitive u, four or eight digits): none may remain.
_RDFLIB_ESCAPE = re.compile(r"\\[uU][0-9A-Fa-f]{4}")
_LONE_CR = re.compile(r"\r(?!\n)")
_SURROGATE = re.compile("[\ud800-\udfff]")
_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_KEYWORD = r"(?<![\w?$:])(?:{})(?![\w:])"
_ELEMENTS = re.compile(
    _KEYWORD.format("OPTIONAL|MINUS|UNION|BIND|FILTER|VALUES|GRAPH|SERVICE|EXISTS|AS") + r"|[{.;,]",
    re.IGNORECASE,
)
_OPERATORS = re.compile(r"\|\||&&|!=|<=|>=|\^\^|[=<>+\-*/!|^]")
_VALUES = re.compile(_KEYWORD.format("VALUES"), re.IGNORECASE)


def _expand(match: re.Match[str]) -> str:
    code = int(match.group(1) or match.group(2), 16)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise QueryError(f"the escape {match.group(0)} is not a Unicode character")
    return chr(code)


def canonical(text: str) -> str:
    """Return the text every engine executes: SPARQL escapes expanded, as §19.2 says.

    Raises:
        QueryError: when the text is too long, an escape is not a character, escapes remain
            after expansion (``\\u005Cu0041``), or a carriage return is not followed by a line
            feed: texts the two parsers would read differently.

    Examples:
        >>> canonical(r'SELECT * { ?s ?p "\\u0041" }')
        'SELECT * { ?s ?p "A" }'
        >>> canonical("ASK {} #\\r SERVICE")
        Traceback (most recent call last):
        ...
        msbackpain.exceptions.QueryError: the query holds a carriage return that is not \
followed by a line feed (at offset 8); the engines disagree on where it ends a comment
    """
    if len(text) > MAX_QUERY_LENGTH:
        msg = f"the query is {len(text)} characters long; the limit is {MAX_QUERY_LENGTH}"
        raise QueryError(msg)
    if _SURROGATE.search(text):
        raise QueryError("the query holds a lone surrogate, which is not a Unicode character")
    expanded = _SPARQL_ESCAPE.sub(_expand, text)
    left = _RDFLIB_ESCAPE.search(expanded)
    if left:
        msg = (
            f"the query holds {left.group(0)} after its escapes were expanded; "
            "write the character itself"
        )
        raise QueryError(msg)
    cr = _LONE_CR.search(expanded)
    if cr:
        msg = (
            "the query holds a carriage return that is not followed by a line feed "
            f"(at offset {cr.start()}); the engines disagree on where it ends a comment"
        )
        raise QueryError(msg)
    return expanded


def mask(text: str) -> str:
    """Return ``text`` with comments, strings and IRIs blanked out (offsets are kept).

    A comment ends at a line feed or a carriage return, as the SPARQL grammar says.

    Examples:
        >>> mask('SELECT * { ?s ?p "{ x }" } # { y')
        'SELECT * { ?s ?p         }      '
    """
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        start = i
        if c == "#":
            ends = [e for e in (text.find("\n", i), text.find("\r", i)) if e >= 0]
            i = min(ends) if ends else n
        elif c in "\"'":
            quote = c * 3 if text.startswith(c * 3, i) else c
            i += len(quote)
            while i < n and not text.startswith(quote, i):
                i += 2 if text[i] == "\\" else 1
            i = min(n, i + len(quote))
        elif c == "<" and (match := _IRI.match(text, i)):
            i = match.end()
        else:
            i += 1
            continue
        out[start:i] = " " * (i - start)
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Shape:
    """How deep and how long a (masked) query is, in the units of the limits."""

    depth: int
    elements: int
    operators: int


def _without_values_data(masked: str) -> str:
    """Blank the data block of each ``VALUES`` clause: rows are flat, not nested patterns."""
    out = masked
    for keyword in _VALUES.finditer(masked):
        start = out.find("{", keyword.end())
        end = out.find("}", start + 1) if start >= 0 else -1
        if start >= 0 and end > start:
            out = out[: start + 1] + " " * (end - start - 1) + out[end:]
    return out


def shape(masked: str) -> Shape:
    """Return the nesting depth, pattern elements and operators of a masked query.

    Examples:
        >>> shape(mask("SELECT * { ?s ?p ?o . FILTER(?o > 1 && ?o < 3) }"))
        Shape(depth=2, elements=3, operators=4)
    """
    depth = deepest = 0
    for c in masked:
        if c in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "})]":
            depth -= 1
    flat = _without_values_data(masked)
    return Shape(deepest, len(_ELEMENTS.findall(flat)), len(_OPERATORS.findall(flat)))


def refuse_oversized(masked: str) -> None:
    """Raise :class:`~msbackpain.QueryError` naming the first limit ``masked`` exceeds."""
    measured = shape(masked)
    for value, limit, what in (
        (measured.depth, MAX_NESTING_DEPTH, "query nesting depth"),
        (measured.elements, MAX_PATTERN_ELEMENTS, "number of pattern elements"),
        (measured.operators, MAX_EXPRESSION_OPERATORS, "number of expression operators"),
    ):
        if value > limit:
            raise QueryError(f"{what} {value} exceeds the limit of {limit}")
