"""The contract every triple store behind a KnowledgeGraph fulfils, and its binding types."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol, TypeAlias, TypeVar, runtime_checkable

from msbackpain.results import QueryResult

if TYPE_CHECKING:
    import pyoxigraph

__all__ = ["IRI", "Backend", "BindingValue", "Progress", "capped", "check_iri", "rdf_format"]


T = TypeVar("T")


class IRI(str):
    """A string to bind as an IRI (named node) rather than as a literal.

    Examples:
        >>> IRI("https://w3id.org/msbackpain/Baclofen")
        IRI('https://w3id.org/msbackpain/Baclofen')
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"IRI({str.__repr__(self)})"


def check_iri(value: str, what: str = "value") -> None:
    """Raise :class:`~msbackpain.QueryParameterError` unless ``value`` is an absolute IRI.

    The check is pyoxigraph's own IRI parser, so a value that would break out of an IRI
    (spaces, ``<``, ``>``, braces...) never reaches a query.

    Examples:
        >>> check_iri("https://w3id.org/msbackpain/Baclofen")
        >>> check_iri("x> } SERVICE <http://evil/")
        Traceback (most recent call last):
        ...
        msbackpain.exceptions.QueryParameterError: value is not a valid IRI: \
'x> } SERVICE <http://evil/'
    """
    import pyoxigraph

    try:
        pyoxigraph.NamedNode(value)
    except ValueError:
        from msbackpain.exceptions import QueryParameterError

        raise QueryParameterError(f"{what} is not a valid IRI: {value!r}") from None


#: A value a query parameter can be bound to: an :class:`IRI`, a result term
#: (:mod:`msbackpain.results`), a ``str`` (a plain literal), a number, a ``bool``, a date, or
#: an rdflib or pyoxigraph term (rdflib's are ``str`` subclasses). ``None`` and blank nodes
#: are refused. Each binds as one term, the same on every backend
#: (:func:`msbackpain.backends._neutral.neutral`).
BindingValue: TypeAlias = (
    "IRI | str | int | float | bool | Decimal | datetime.date"
    " | pyoxigraph.NamedNode | pyoxigraph.Literal | pyoxigraph.BlankNode | None"
)

#: A loading progress hook, called as ``progress(file, bytes_read, file_size)``: first with 0,
#: then as the file is read, last with ``bytes_read == file_size`` once it is in the store.
#: The library never prints; the CLI renders these calls as a progress bar.
Progress = Callable[[Path, int, int], None]

_FORMATS = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "nt",
    ".ntriples": "nt",
    ".nq": "nquads",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".trig": "trig",
    ".n3": "n3",
}


def rdf_format(path: Path, format: str | None = None) -> str:
    """Return the RDF format name for ``path`` (rdflib's names), from ``format`` or the suffix.

    Examples:
        >>> rdf_format(Path("extra.ttl"))
        'turtle'
        >>> rdf_format(Path("x.data"), "nt")
        'nt'
    """
    if format:
        return format
    try:
        return _FORMATS[path.suffix.lower()]
    except KeyError:
        from msbackpain.exceptions import OntologyLoadError

        known = ", ".join(sorted(_FORMATS))
        msg = f"{path}: cannot tell the RDF format from the suffix {path.suffix!r} (known: {known})"
        raise OntologyLoadError(msg, path=str(path)) from None


def capped(rows: Iterable[T], max_rows: int | None) -> Iterator[T]:
    """Yield ``rows``, raising :class:`~msbackpain.ResultTooLargeError` past ``max_rows``.

    Examples:
        >>> list(capped([1, 2], 2))
        [1, 2]
        >>> list(capped([1, 2, 3], 2))
        Traceback (most recent call last):
        ...
        msbackpain.exceptions.ResultTooLargeError: the query returned more than 2 rows \
(the cap); no partial result is returned
    """
    from msbackpain.exceptions import ResultTooLargeError

    for count, row in enumerate(rows, start=1):
        if max_rows is not None and count > max_rows:
            msg = (
                f"the query returned more than {max_rows} rows (the cap); "
                "no partial result is returned"
            )
            raise ResultTooLargeError(msg)
        yield row


@runtime_checkable
class Backend(Protocol):
    """What msbackpain needs from a triple store.

    A backend holds RDF, answers SPARQL with parameters bound by the engine (never formatted
    into the query text), and lists its triples. Capabilities are class flags, so callers
    check a capability rather than a concrete class.

    Examples:
        >>> from msbackpain.backends import get_backend
        >>> store = get_backend("rdflib")
        >>> isinstance(store, Backend)
        True
    """

    #: The registry name of the backend.
    name: ClassVar[str]
    #: True when the data lives in this process (rdflib, pyoxigraph), False for an endpoint.
    embedded: ClassVar[bool]
    #: True when :meth:`load` can add files (False for a read-only remote endpoint).
    loadable: ClassVar[bool]

    def load(
        self,
        path: Path,
        *,
        format: str | None = None,
        progress: Progress | None = None,
        base: str | None = None,
    ) -> None:
        """Add the RDF in ``path`` to the store, reporting how far it got to ``progress``.

        Relative IRIs in the file resolve against ``base``, or against a stable base made
        from the file's name (never its local path; see
        :func:`msbackpain.backends._parse.source_base`). Files in UTF-8 (with or without a
        byte-order mark), UTF-16/32 with a mark, and CR LF line ends load the same.

        Raises:
            OntologyLoadError: naming the file and line when the file cannot be read or parsed;
                the store is left as it was before the call.
            BackendError: when the store cannot take files (``loadable`` is false).
        """
        ...

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
        """Evaluate ``sparql`` with ``bindings`` bound by the engine and return its rows.

        Every backend runs :func:`msbackpain.guard.check_query` on the text right before
        evaluation (updates, ``SERVICE`` and ``FROM`` are refused unless ``allow_network``;
        deep nesting always is): the engines federate and crash on their own otherwise.
        A binding must name a variable of the query. Relative IRIs resolve against
        ``base`` (:data:`msbackpain.guard.DEFAULT_BASE` unless given), on every backend.
        Results are backend-neutral RDF terms (:mod:`msbackpain.results`): IRIs read as
        CURIEs where a known prefix covers them, literals as their lexical form (numbers
        and booleans in Oxigraph's canonical form) with datatype and language kept, blank
        nodes as ``_:id``, unbound as ``None``. With
        ``max_rows``, reading stops after that many rows and
        :class:`~msbackpain.ResultTooLargeError` is raised instead of a partial result.
        ``timeout`` is honoured by backends that wait on someone else (a remote endpoint:
        :class:`~msbackpain.QueryTimeoutError` past it); an embedded engine is limited by
        its caller (:meth:`KnowledgeGraph.query` runs it in a child it can stop) and
        ignores it.

        Raises:
            QueryError: for refused or malformed text.
            ResultTooLargeError: past ``max_rows``.
            BackendError: when the store or endpoint fails.

        Example:
            ``store.query("SELECT ?l WHERE { ?e rdfs:label ?l }", {"e": IRI(iri)})``
        """
        ...

    def triples(self) -> Iterator[tuple[str, str, str]]:
        """Yield every triple as N-Triples terms (``<iri>``, ``"text"@en``, ``_:b1``)."""
        ...

    def __len__(self) -> int:
        """Return the number of triples."""
        ...
