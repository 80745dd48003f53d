"""The contract every triple store behind a KnowledgeGraph fulfils, and its binding types."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import ClassVar, Protocol, runtime_checkable

from msbackpain.models import QueryResult

__all__ = ["IRI", "Backend", "BindingValue", "Progress", "rdf_format"]


class IRI(str):
    """A string to bind as an IRI (named node) rather than as a literal.

    Examples:
        >>> IRI("https://w3id.org/msbackpain/Baclofen")
        IRI('https://w3id.org/msbackpain/Baclofen')
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"IRI({str.__repr__(self)})"


#: A value a query parameter can be bound to: an :class:`IRI`, or a literal.
BindingValue = IRI | str | int | float | bool

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
        self, path: Path, *, format: str | None = None, progress: Progress | None = None
    ) -> None:
        """Add the RDF in ``path`` to the store, reporting how far it got to ``progress``.

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
    ) -> QueryResult:
        """Evaluate ``sparql`` with ``bindings`` bound by the engine and return its rows.

        Every backend runs :func:`msbackpain.guard.check_query` on the text right before
        evaluation (updates, ``SERVICE`` and ``FROM`` are refused unless ``allow_network``;
        deep nesting always is): the engines federate and crash on their own otherwise.
        Results are backend-neutral: IRIs as CURIEs where a known prefix covers them,
        literals as their lexical form, blank nodes as ``_:id``, unbound as ``None``.

        Raises:
            QueryError: for refused or malformed text.
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
