"""The remote backend: any SPARQL 1.1 endpoint (Oxigraph, Fuseki, Virtuoso, QLever, GraphDB).

It speaks the SPARQL 1.1 Protocol: a query goes out as ``query=`` (POST form or GET), with
the dataset as ``default-graph-uri`` / ``named-graph-uri`` when given; answers come back as
``application/sparql-results+json`` (SELECT, ASK) or N-Triples (CONSTRUCT, DESCRIBE).

A partial answer is an error, never a result. Servers signal one in different ways, all
``200 OK``, and each is recognised:

- an Oxigraph server that cancels a query at its ``--timeout-s`` sends a truncated body, so
  every body must parse completely;
- Virtuoso past its ``ResultSetMaxRows`` sends the first rows and an ``X-SPARQL-MaxRows``
  header (:class:`~msbackpain.ResultTooLargeError`);
- Virtuoso's anytime queries, stopped at ``MaxQueryExecutionTime`` or the request's
  ``timeout``, send partial rows with ``X-SQL-State: S1TAT``
  (:class:`~msbackpain.QueryTimeoutError`); on a busy server the same time limit can
  instead cancel the query outright (``500``, state ``HY008``, SR203), also a timeout.

A query that timed out or was refused is never sent again; only a server that is not there
yet (connection refused, 502/503/504 from a starting or overloaded server) is retried.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar

from msbackpain._version import __version__
from msbackpain.backends._binding import bound, checked, declare_prefixes
from msbackpain.backends._http import HttpClient, Response
from msbackpain.backends.base import BindingValue, Progress, capped
from msbackpain.backends.oxigraph_backend import triple_rows
from msbackpain.exceptions import BackendError, QueryError, QueryTimeoutError, ResultTooLargeError
from msbackpain.results import (
    CANONICAL_DATATYPES,
    XSD,
    BlankNode,
    Literal,
    QueryResult,
    Row,
    Value,
    canonical,
)
from msbackpain.results import iri as iri_term

if TYPE_CHECKING:
    from pathlib import Path

    import pyoxigraph

    from msbackpain.backends.base import Backend

__all__ = ["SparqlBackend", "parse_results"]

_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"
_TAG = re.compile(r"<[^>]*>")
#: Error kinds of the msbackpain gateway's 503 answers that are its verdict on the query.
_FINAL_KINDS = frozenset({"timeout", "incomplete-answer"})
#: Virtuoso's states for a query its time limit ended: ``S1T00`` (``MaxQueryExecutionTime``)
#: and ``HY008`` (an anytime ``timeout=`` that cancelled the query instead of answering part).
_VIRTUOSO_STOPPED = re.compile(rb"\bVirtuoso (?:S1T00|HY008) Error\b")
#: Positions in engines' syntax errors: "line 24", "at 24:5", "24:5:" (Oxigraph, Virtuoso).
_POSITION = re.compile(r"(\bline |\bat |^)(\d+)(?=[:,) ]|$)", re.MULTILINE)


_BOOLEANS = {True: Literal("true", XSD + "boolean"), False: Literal("false", XSD + "boolean")}


@lru_cache(maxsize=1024)
def _prologued(text: str, base: str) -> str:
    return declare_prefixes(text, base)


def _value(cell: Mapping[str, Any] | None) -> Value:
    """Return the term of a SPARQL 1.1 JSON results cell (``typed-literal`` is Virtuoso's)."""
    if cell is None:
        return None
    kind = cell["type"]
    value = cell["value"]
    if not isinstance(value, str):
        raise TypeError
    if kind == "uri":
        return iri_term(value)
    if kind == "bnode":
        return BlankNode(value)
    if kind not in ("literal", "typed-literal"):
        raise TypeError
    datatype = cell.get("datatype")
    if datatype in CANONICAL_DATATYPES:  # as Oxigraph writes it, whatever the engine
        value = canonical(value, datatype)
    return Literal(value, datatype, cell.get("xml:lang"))


def _gateway_kind(response: Response) -> str | None:
    """The ``error`` field of a JSON error answer, if it is one."""
    if response.media_type != "application/json":
        return None
    try:
        kind = json.loads(response.body).get("error")
    except (ValueError, AttributeError):
        return None
    return kind if isinstance(kind, str) else None


def _is_final(response: Response) -> bool:
    """True for a 5xx answer that judges the query (a timeout), which a retry would repeat."""
    return _gateway_kind(response) in _FINAL_KINDS


def _shift_lines(message: str, shift: int) -> str:
    """Renumber the line positions in an engine's message by ``-shift`` (added PREFIX lines)."""
    if shift <= 0:
        return message

    def renumber(match: re.Match[str]) -> str:
        line = int(match.group(2)) - shift
        return f"{match.group(1)}{line}" if line > 0 else match.group(0)

    return _POSITION.sub(renumber, message)


def _excerpt(body: bytes) -> str:
    text = _TAG.sub(" ", body[:2000].decode("utf-8", "replace"))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    first = next((line for line in lines if line), "(empty body)")
    return first[:160]


def parse_results(body: bytes, url: str = "the endpoint") -> QueryResult:
    """Parse a complete ``application/sparql-results+json`` document into a QueryResult.

    Raises:
        BackendError: for a body that is not a complete, well-formed results document
            (a truncated answer, an HTML page, an error message).

    Examples:
        >>> doc = b'{"head": {"vars": ["x", "y"]}, "results": {"bindings": [' \\
        ...       b'{"x": {"type": "uri", "value": "https://w3id.org/msbackpain/Baclofen"}}]}}'
        >>> parse_results(doc).rows
        ({'x': 'msbp:Baclofen', 'y': None},)
        >>> parse_results(b'{"head":{"vars":["n"]},"results":{"bindings":[The SPARQL operation')
        Traceback (most recent call last):
        ...
        msbackpain.exceptions.BackendError: the endpoint returned a truncated or invalid \
results document (the server may have cancelled the query at its timeout): \
'{"head":{"vars":["n"]},"results":{"bindings":[The SPARQL operation'
    """
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        excerpt = body[:80].decode("utf-8", "replace")
        msg = (
            f"{url} returned a truncated or invalid results document "
            f"(the server may have cancelled the query at its timeout): {excerpt!r}"
        )
        raise BackendError(msg) from None
    try:
        if "boolean" in document:
            answer = document["boolean"]
            if not isinstance(answer, bool):
                raise TypeError
            return QueryResult(("boolean",), (Row(boolean=_BOOLEANS[answer]),), answer)
        variables = tuple(str(v) for v in document["head"]["vars"])
        rows = tuple(
            Row({name: _value(binding.get(name)) for name in variables})
            for binding in document["results"]["bindings"]
        )
    except (KeyError, TypeError, AttributeError):
        msg = f"{url} returned JSON that is not a SPARQL results document"
        raise BackendError(msg) from None
    return QueryResult(variables, rows)


def _parse_graph(body: bytes, url: str) -> list[pyoxigraph.Triple]:
    import pyoxigraph

    try:
        return list(pyoxigraph.parse(body, format=pyoxigraph.RdfFormat.N_TRIPLES))
    except (SyntaxError, ValueError) as err:
        msg = f"{url} returned truncated or invalid N-Triples ({err})"
        raise BackendError(msg) from None


class SparqlBackend:
    """A SPARQL 1.1 endpoint, read-only, queried over HTTP.

    Parameters are bound as a ``VALUES`` clause of N-Triples terms produced by pyoxigraph's
    term types (an IRI must pass ``NamedNode``; a literal is escaped by ``Literal``), known
    prefixes are declared in the text, and every query passes the guard before it is sent.
    Reasoning does not happen here: the server answers from what it holds, which for
    ``msbackpain serve`` is the bundle with its materialised inferences.

    Args:
        endpoint: The query endpoint's URL.
        connect_timeout: Seconds to wait for a connection.
        read_timeout: Seconds to wait for an answer when a query gives no ``timeout``.
        retries: How often to retry a server that is not there yet (never a query that
            timed out or was refused).
        method: ``POST`` (a form) or ``GET`` (the query in the URL).
        default_graph: IRIs sent as ``default-graph-uri``: the default graph the queries see.
            Virtuoso's default graph is the union of every graph it holds, system graphs
            included, so give the graph the bundle was loaded into.
        named_graphs: IRIs sent as ``named-graph-uri``.

    Raises:
        BackendError: for a URL that is not ``http(s)://``, or a method other than GET/POST.

    Examples:
        >>> backend = SparqlBackend("http://127.0.0.1:7878/query")
        >>> backend.name, backend.embedded, backend.loadable
        ('sparql', False, False)
        >>> SparqlBackend("http://127.0.0.1:8890/sparql",
        ...               default_graph="https://w3id.org/msbackpain/").dataset
        (('default-graph-uri', 'https://w3id.org/msbackpain/'),)
    """

    name: ClassVar[str] = "sparql"
    embedded: ClassVar[bool] = False
    loadable: ClassVar[bool] = False

    def __init__(
        self,
        endpoint: str,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 60.0,
        retries: int = 3,
        method: str = "POST",
        default_graph: str | Sequence[str] = (),
        named_graphs: Sequence[str] = (),
    ) -> None:
        self.method = method.upper()
        if self.method not in ("GET", "POST"):
            raise BackendError(f"method must be GET or POST, not {method!r}")
        self.endpoint = endpoint
        defaults = (default_graph,) if isinstance(default_graph, str) else tuple(default_graph)
        for iri in (*defaults, *named_graphs):
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]+", iri):
                raise BackendError(f"{iri!r} is not an absolute IRI (a dataset graph)")
        self.dataset = tuple(("default-graph-uri", iri) for iri in defaults) + tuple(
            ("named-graph-uri", iri) for iri in named_graphs
        )
        self.http = HttpClient(
            endpoint,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            retries=retries,
            final=_is_final,
        )
        self._headers = {"User-Agent": f"msbackpain/{__version__}"}

    def __repr__(self) -> str:
        return f"SparqlBackend({self.endpoint!r})"

    def close(self) -> None:
        """Close the kept-alive connections (they are reopened if the backend is used again)."""
        self.http.close()

    def load(
        self,
        path: Path,
        *,
        format: str | None = None,
        progress: Progress | None = None,
        base: str | None = None,
    ) -> None:
        """Refuse: a remote endpoint is read-only here (load files into the server itself)."""
        msg = f"the endpoint {self.endpoint} is read-only; load {path} into the server itself"
        raise BackendError(msg)

    def _send(
        self, text: str, accept: str, *, shift: int = 0, timeout: float | None = None
    ) -> Response:
        headers = {**self._headers, "Accept": accept}
        params = [("query", text), *self.dataset]
        response = self.http.request(
            self.method, params=params, headers=headers, read_timeout=timeout
        )
        kind = _gateway_kind(response)
        if response.status == 400:
            detail = _shift_lines(_excerpt(response.body), shift)
            raise QueryError(f"{self.endpoint} rejected the query: {detail}")
        stopped = response.status >= 500 and _VIRTUOSO_STOPPED.search(response.body[:2000])
        if kind in _FINAL_KINDS or stopped:
            msg = (
                f"{self.endpoint} stopped the query at its time limit "
                f"(HTTP {response.status}): {_excerpt(response.body)}"
            )
            raise QueryTimeoutError(msg)
        if response.status == 206:
            msg = f"{self.endpoint} answered 206 Partial Content; no partial result is returned"
            raise BackendError(msg)
        if response.status != 200:
            hint = " (is this the SPARQL query endpoint?)" if response.status in (404, 405) else ""
            detail = _excerpt(response.body)
            msg = f"{self.endpoint} answered HTTP {response.status}{hint}: {detail}"
            raise BackendError(msg)
        if "html" in response.media_type:
            msg = (
                f"{self.endpoint} answered with an HTML page, not SPARQL results "
                f"(is this the SPARQL query endpoint?): {_excerpt(response.body)}"
            )
            raise BackendError(msg)
        self._refuse_partial(response)
        return response

    def _refuse_partial(self, response: Response) -> None:
        """Raise for a 200 answer that the server marks as cut short."""
        state = response.headers.get("x-sql-state", "")
        if state.upper().startswith("S1TAT"):
            msg = (
                f"{self.endpoint} stopped the query at its time limit and sent a partial "
                "answer (X-SQL-State: S1TAT); nothing partial is returned"
            )
            raise QueryTimeoutError(msg)
        cap = response.headers.get("x-sparql-maxrows")
        if cap is not None:
            msg = (
                f"{self.endpoint} cut the answer at its row limit of {cap} rows "
                "(X-SPARQL-MaxRows, Virtuoso's ResultSetMaxRows); no partial result is "
                "returned: refine the query or raise the server's limit"
            )
            raise ResultTooLargeError(msg)

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, BindingValue] | None = None,
        *,
        allow_network: bool = False,
        max_rows: int | None = None,
        timeout: float | None = None,
        base: str | None = None,
    ) -> QueryResult:
        """Send ``sparql`` (guarded, base and prefixes declared, ``bindings`` as VALUES).

        ``timeout`` limits the wait for this query's answer
        (:class:`~msbackpain.QueryTimeoutError` past it); without it the backend's
        ``read_timeout`` applies. The server's own limits stop the query on the server.
        """
        approved = checked(sparql, allow_network, bindings, base)  # the canonical text goes
        form, sparql = approved.form, approved.text
        prologued = _prologued(sparql, approved.base)
        shift = prologued.count("\n") - sparql.count("\n")  # PREFIX lines put before the text
        text = bound(approved, bindings or {}, allow_network, prologued)
        if form in ("CONSTRUCT", "DESCRIBE"):
            response = self._send(text, _NTRIPLES, shift=shift, timeout=timeout)
            parsed = _parse_graph(response.body, self.endpoint)
            rows = triple_rows(parsed, max_rows, canonical_forms=True)
            return QueryResult(("subject", "predicate", "object"), rows)
        response = self._send(text, _JSON, shift=shift, timeout=timeout)
        result = parse_results(response.body, self.endpoint)
        list(capped(result.rows, max_rows))  # raises past the cap: never a partial answer
        return result

    def triples(self) -> Iterator[tuple[str, str, str]]:
        """Yield every triple of the endpoint's default graph as N-Triples terms."""
        response = self._send("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", _NTRIPLES)
        for t in _parse_graph(response.body, self.endpoint):
            yield (str(t.subject), str(t.predicate), str(t.object))

    def __len__(self) -> int:
        result = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        try:
            return int(str(result.rows[0]["n"]))
        except (IndexError, ValueError) as err:
            raise BackendError(f"{self.endpoint} did not count its triples: {err}") from None


if TYPE_CHECKING:
    _check: Backend = SparqlBackend("http://127.0.0.1:7878/query")
