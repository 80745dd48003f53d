"""The SPARQL 1.1 Protocol's request rules for the gateway: reading, negotiating, prefixes.

No aiohttp at import time: :mod:`msbackpain.serve.gateway` maps :class:`ProtocolError` to an HTTP
answer with its status.

* :func:`read_params` parses a query string or form body strictly (invalid UTF-8 or
  percent-encoding is an error, never patched with U+FFFD) and :func:`query_of` takes the one
  ``query`` out of the parameters (a repeated one or an update is refused) with its dataset
  (``default-graph-uri`` / ``named-graph-uri``), which the engine is sent as it is.
* :func:`negotiate` picks a result type from an ``Accept`` header with q-values (RFC 9110).
* :func:`with_prefixes` declares the library's prefixes (:data:`msbackpain.prefixes.PREFIXES`)
  that a query uses without declaring, as the library does, before the guard checks it.
* :func:`to_delimited` writes SPARQL JSON results as CSV or TSV (SPARQL 1.1 CSV/TSV Results).
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode

from msbackpain.prefixes import PREFIXES
from msbackpain.serve._answers import GRAPH_TYPES, JSON_RESULTS, XML_RESULTS

if TYPE_CHECKING:
    from aiohttp import web

__all__ = [
    "CSV",
    "READ_ONLY",
    "TSV",
    "ProtocolError",
    "negotiate",
    "query_of",
    "read_params",
    "read_query",
    "result_type",
    "to_delimited",
    "with_prefixes",
]

CSV = "text/csv"
TSV = "text/tab-separated-values"
READ_ONLY = "this endpoint is read-only: updates are refused"
_DATASET = ("default-graph-uri", "named-graph-uri")
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|^`\\]*")
_OFFERS = {
    "SELECT": (JSON_RESULTS, XML_RESULTS, CSV, TSV),
    "ASK": (JSON_RESULTS, XML_RESULTS),
    "CONSTRUCT": tuple(GRAPH_TYPES),
    "DESCRIBE": tuple(GRAPH_TYPES),
}


class ProtocolError(Exception):
    """A request the protocol refuses: its HTTP status, kind and one-line message."""

    def __init__(self, status: int, kind: str, message: str) -> None:
        super().__init__(message)
        self.status, self.kind, self.message = status, kind, message


def read_params(raw: bytes | str, where: str) -> list[tuple[str, str]]:
    """Return the parameters of a query string or form body, decoded strictly as UTF-8.

    Raises:
        ProtocolError: 400 if a byte or a percent-escape is not UTF-8.

    Examples:
        >>> read_params("query=ASK%20%7B%7D&query=x", "the URL")
        [('query', 'ASK {}'), ('query', 'x')]
        >>> read_params("query=%FF", "the URL")
        Traceback (most recent call last):
        ...
        msbackpain.serve._protocol.ProtocolError: the URL is not UTF-8 (percent-encoded)
    """
    try:
        text = raw.decode("ascii") if isinstance(raw, bytes) else raw
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeError:
        message = f"{where} is not UTF-8 (percent-encoded)"
        raise ProtocolError(400, "invalid-encoding", message) from None


def query_of(
    params: Sequence[tuple[str, str]], *, body_query: str | None = None
) -> tuple[str, str]:
    """Return the one query of a request's parameters (or its direct body), and its dataset.

    The dataset is the ``default-graph-uri`` / ``named-graph-uri`` parameters, encoded for the
    engine's URL (empty if none).

    Raises:
        ProtocolError: 403 for ``update``; 400 for a repeated or missing ``query``, a
            ``query`` beside a direct body, or a dataset parameter that is not an absolute IRI.

    Examples:
        >>> query_of([("query", "ASK {}"), ("default-graph-uri", "https://w3id.org/msbackpain/")])
        ('ASK {}', 'default-graph-uri=https%3A%2F%2Fw3id.org%2Fmsbackpain%2F')
        >>> query_of([("query", "ASK {}"), ("query", "ASK {}")])
        Traceback (most recent call last):
        ...
        msbackpain.serve._protocol.ProtocolError: the 'query' parameter is given 2 times; give it \
once
    """
    names = [name for name, _ in params]
    if "update" in names:
        raise ProtocolError(403, "read-only", READ_ONLY)
    dataset = [(name, value) for name, value in params if name in _DATASET]
    for name, value in dataset:
        if not _IRI.fullmatch(value):
            message = f"{name} must be an absolute IRI, not {value[:200]!r}"
            raise ProtocolError(400, "bad-dataset", message)
    queries = [value for name, value in params if name == "query"]
    if body_query is not None:
        if queries:
            raise ProtocolError(400, "ambiguous-query", "a query in the body and in the URL")
        queries = [body_query]
    if len(queries) > 1:
        message = f"the 'query' parameter is given {len(queries)} times; give it once"
        raise ProtocolError(400, "repeated-parameter", message)
    if not queries or not queries[0].strip():
        raise ProtocolError(400, "missing-query", "no 'query' parameter")
    return queries[0], urlencode(dataset)


async def read_query(request: web.Request, body_timeout: float) -> tuple[str, str]:
    """Return the one query of a GET, HEAD or POST request and its dataset (:func:`query_of`).

    Raises:
        ProtocolError: 403 for an update, 415 for a body that is not a query or a form,
            408 for a body slower than ``body_timeout`` seconds, 400 as :func:`query_of`.
    """
    url = read_params(request.rel_url.raw_query_string, "the URL")
    if request.method in ("GET", "HEAD"):
        return query_of(url)
    kind = request.content_type
    if kind == "application/sparql-update" or any(name == "update" for name, _ in url):
        raise ProtocolError(403, "read-only", READ_ONLY)
    charset = request.charset or "utf-8"
    if charset.lower() not in ("utf-8", "utf8"):
        message = f"the body must be UTF-8, not {charset[:40]!r}"
        raise ProtocolError(400, "invalid-encoding", message)
    if kind not in ("application/sparql-query", "application/x-www-form-urlencoded"):
        raise ProtocolError(415, "unsupported-media-type", f"cannot read a query from {kind!r}")
    try:
        raw = await asyncio.wait_for(request.read(), timeout=body_timeout)
    except TimeoutError:
        raise ProtocolError(
            408, "slow-request", "the request body did not arrive in time"
        ) from None
    if kind == "application/x-www-form-urlencoded":
        return query_of([*url, *read_params(raw, "the form body")])
    try:
        return query_of(url, body_query=raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ProtocolError(400, "invalid-encoding", "the query is not UTF-8") from None


def result_type(form: str, accept: str) -> str:
    """Return the media type to answer a ``form`` query with, as ``accept`` prefers.

    Raises:
        ProtocolError: 406 if no type the endpoint writes for ``form`` is acceptable.

    Examples:
        >>> result_type("SELECT", "text/tab-separated-values, */*;q=0.1")
        'text/tab-separated-values'
    """
    offers = _OFFERS.get(form, _OFFERS["SELECT"])
    chosen = negotiate(accept, offers)
    if chosen is None:
        message = f"none of {', '.join(offers)} is acceptable (Accept: {accept[:200]!r})"
        raise ProtocolError(406, "not-acceptable", message)
    return chosen


def _ranges(accept: str) -> list[tuple[str, float, int]]:
    """The media ranges of ``accept`` with their q-value and index (malformed ones dropped)."""
    found = []
    for index, item in enumerate(accept.split(",")):
        parts = [p.strip() for p in item.split(";")]
        media, q = parts[0].lower(), 1.0
        if "/" not in media:
            continue
        for parameter in parts[1:]:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        found.append((media, q, index))
    return found


def negotiate(accept: str, offers: Sequence[str]) -> str | None:
    """Return the offer ``accept`` prefers (the first offer if ``accept`` is empty), or None.

    The most specific range that matches an offer gives its q-value; q=0 means not
    acceptable; among equal q-values the earlier offer wins.

    Examples:
        >>> offers = ("application/sparql-results+json", "text/csv")
        >>> negotiate("text/csv;q=0.9, application/sparql-results+json;q=0.5", offers)
        'text/csv'
        >>> negotiate("*/*;q=0.1, text/csv", offers)
        'text/csv'
        >>> negotiate("image/png", offers) is None
        True
    """
    ranges = _ranges(accept)
    if not accept.strip():
        return offers[0] if offers else None
    best: tuple[float, int] | None = None
    chosen = None
    for position, offer in enumerate(offers):
        major = offer.split("/")[0]
        matching = [
            (2 if media == offer else 1 if media == f"{major}/*" else 0, q)
            for media, q, _ in ranges
            if media in (offer, f"{major}/*", "*/*")
        ]
        if not matching:
            continue
        q = max(matching)[1]
        if q > 0 and (best is None or (q, -position) > best):
            best, chosen = (q, -position), offer
    return chosen


def _declared(text: str) -> set[str]:
    return set(re.findall(r"(?i)\bPREFIX\s+([\w.-]*)\s*:", text))  # names are case-sensitive


def with_prefixes(text: str, masked: str) -> str:
    """Declare the known prefixes ``text`` uses but does not declare, on its first line.

    ``masked`` is ``text`` with its strings, IRIs and comments blanked out. The declarations
    go before the text on the same line, so line numbers in error messages stay right.

    Raises:
        ProtocolError: 400 naming a prefix that is neither declared nor known.

    Examples:
        >>> with_prefixes("SELECT * { ?s a owl:Class }", "SELECT * { ?s a owl:Class }")
        'PREFIX owl: <http://www.w3.org/2002/07/owl#> SELECT * { ?s a owl:Class }'
        >>> with_prefixes("ASK { ?s ex:p ?o }", "ASK { ?s ex:p ?o }")
        Traceback (most recent call last):
        ...
        msbackpain.serve._protocol.ProtocolError: unknown prefix 'ex': declare it (PREFIX ex: <...>)
    """
    declared = _declared(masked)
    used = set(re.findall(r"(?<![\w.:?$<@-])([A-Za-z][\w.-]*):", masked))
    unknown = sorted(p for p in used if p not in PREFIXES and p not in declared)
    if unknown:
        message = f"unknown prefix {unknown[0]!r}: declare it (PREFIX {unknown[0]}: <...>)"
        raise ProtocolError(400, "unknown-prefix", message)
    missing = sorted(p for p in used if p in PREFIXES and p not in declared)
    if not missing:
        return text
    return "".join(f"PREFIX {p}: <{PREFIXES[p]}> " for p in missing) + text


def _term(term: Mapping[str, str], tsv: bool) -> str:
    kind, value = term.get("type", "literal"), term.get("value", "")
    if kind == "bnode":
        return f"_:{value}"
    if not tsv:
        return value
    if kind == "uri":
        return f"<{value}>"
    escaped = (
        value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        .replace("\r", "\\r").replace("\t", "\\t")
    )  # fmt: skip
    if "xml:lang" in term:
        return f'"{escaped}"@{term["xml:lang"]}'
    if "datatype" in term:
        return f'"{escaped}"^^<{term["datatype"]}>'
    return f'"{escaped}"'


def to_delimited(body: bytes, media: str) -> bytes:
    """Write SPARQL JSON SELECT results as CSV (``text/csv``) or TSV, as the W3C note says.

    Examples:
        >>> rows = b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": '
        >>> rows += b'{"type": "literal", "value": "a,b"}}]}}'
        >>> to_delimited(rows, CSV)
        b'x\\r\\n"a,b"\\r\\n'
        >>> to_delimited(rows, TSV)
        b'?x\\n"a,b"\\n'
    """
    data = json.loads(body)
    names = data["head"]["vars"]
    rows = data["results"]["bindings"]
    if media == TSV:
        lines = ["\t".join(f"?{n}" for n in names)]
        lines += ["\t".join(_term(r[n], True) if n in r else "" for n in names) for r in rows]
        return "".join(f"{line}\n" for line in lines).encode()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(names)
    writer.writerows([_term(r[n], False) if n in r else "" for n in names] for r in rows)
    return out.getvalue().encode()
