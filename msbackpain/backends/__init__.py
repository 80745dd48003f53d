"""The registry of triple-store backends: a name maps to a factory, imported only when used."""

from __future__ import annotations

from collections.abc import Callable

from msbackpain.backends.base import IRI, Backend, BindingValue, rdf_format
from msbackpain.exceptions import UnknownBackendError

__all__ = ["BACKENDS", "IRI", "Backend", "BindingValue", "get_backend", "rdf_format"]


def _rdflib() -> Backend:
    from msbackpain.backends.rdflib_backend import RdflibBackend

    return RdflibBackend()


#: Backend name -> factory. Factories import their engine lazily so extras stay optional.
BACKENDS: dict[str, Callable[[], Backend]] = {
    "rdflib": _rdflib,
}


def get_backend(name: str) -> Backend:
    """Return a new, empty backend called ``name``.

    Raises:
        UnknownBackendError: if no backend has this name.

    Examples:
        >>> get_backend("rdflib").name
        'rdflib'
        >>> get_backend("nope")
        Traceback (most recent call last):
        ...
        msbackpain.exceptions.UnknownBackendError: unknown backend 'nope'; known: rdflib
    """
    try:
        factory = BACKENDS[name]
    except KeyError:
        known = ", ".join(sorted(BACKENDS))
        raise UnknownBackendError(f"unknown backend {name!r}; known: {known}") from None
    return factory()
