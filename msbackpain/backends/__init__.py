"""The registry of triple-store backends: a name maps to a factory, imported only when used."""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable, Sequence
from typing import Any

from msbackpain.backends.base import IRI, Backend, BindingValue, Progress, rdf_format
from msbackpain.exceptions import BackendError, MissingExtraError, UnknownBackendError

__all__ = ["BACKENDS", "IRI", "Backend", "BindingValue", "Progress", "get_backend", "rdf_format"]


def _rdflib() -> Backend:
    from msbackpain.backends.rdflib_backend import RdflibBackend

    return RdflibBackend()


def _oxigraph(store: str | os.PathLike[str] | None = None) -> Backend:
    try:
        import pyoxigraph  # noqa: F401 - only to name the extra when it is missing
    except ImportError as err:  # pragma: no cover - pyoxigraph is a core dependency today
        raise MissingExtraError("the oxigraph backend", "oxigraph") from err
    from msbackpain.backends.oxigraph_backend import OxigraphBackend

    return OxigraphBackend(store)


def _sparql(
    endpoint: str,
    *,
    connect_timeout: float = 5.0,
    read_timeout: float = 60.0,
    retries: int = 3,
    method: str = "POST",
    default_graph: str | Sequence[str] = (),
    named_graphs: Sequence[str] = (),
) -> Backend:
    from msbackpain.backends.sparql_backend import SparqlBackend

    return SparqlBackend(
        endpoint,
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        retries=retries,
        method=method,
        default_graph=default_graph,
        named_graphs=named_graphs,
    )


#: Backend name -> factory. Factories import their engine lazily so extras stay optional;
#: keyword arguments of a factory are the backend's options (``store=``, ``endpoint=``...).
BACKENDS: dict[str, Callable[..., Backend]] = {
    "oxigraph": _oxigraph,
    "rdflib": _rdflib,
    "sparql": _sparql,
}


def get_backend(name: str, **options: Any) -> Backend:
    """Return a new backend called ``name``, built with ``options``.

    Options: ``oxigraph`` takes ``store`` (a directory for an on-disk store); ``sparql``
    takes ``endpoint`` (required), ``connect_timeout``, ``read_timeout`` (seconds),
    ``retries``, ``method`` (``"POST"`` or ``"GET"``), ``default_graph`` and
    ``named_graphs`` (the dataset, sent as ``default-graph-uri``/``named-graph-uri``);
    ``rdflib`` takes none.

    Raises:
        UnknownBackendError: if no backend has this name.
        BackendError: if the backend takes no such option.

    Examples:
        >>> get_backend("rdflib").name
        'rdflib'
        >>> get_backend("nope")
        Traceback (most recent call last):
        ...
        msbackpain.exceptions.UnknownBackendError: unknown backend 'nope'; known: oxigraph, \
rdflib, sparql
        >>> get_backend("rdflib", store="/tmp/kg")
        Traceback (most recent call last):
        ...
        msbackpain.exceptions.BackendError: backend 'rdflib' takes no option 'store' \
(options: none)
        >>> get_backend("sparql")
        Traceback (most recent call last):
        ...
        msbackpain.exceptions.BackendError: backend 'sparql' needs the option endpoint=...
    """
    try:
        factory = BACKENDS[name]
    except KeyError:
        known = ", ".join(sorted(BACKENDS))
        raise UnknownBackendError(f"unknown backend {name!r}; known: {known}") from None
    accepted = inspect.signature(factory).parameters
    for option in options:
        if option not in accepted:
            listing = ", ".join(accepted) or "none"
            msg = f"backend {name!r} takes no option {option!r} (options: {listing})"
            raise BackendError(msg)
    for option, parameter in accepted.items():
        if parameter.default is inspect.Parameter.empty and option not in options:
            raise BackendError(f"backend {name!r} needs the option {option}=...")
    return factory(**options)
