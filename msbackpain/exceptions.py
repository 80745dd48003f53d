"""Exceptions and warnings raised by msbackpain.

Every error derives from :class:`MsBackPainError` and also from the nearest built-in
exception, so that generic handlers (``except KeyError``, ``except ValueError``) keep working::

    * MsBackPainError
      x OntologyLoadError            (also OSError)
      x EntityNotFound               (also KeyError)
      x EdgeNotFound                 (also KeyError)
      x QueryError                   (also ValueError)
        + UnknownQueryError          (also KeyError)
        + QueryParameterError
        + QueryTimeoutError          (also TimeoutError)
        + ResultTooLargeError
      x BackendError
        + UnknownBackendError        (also ValueError)
      x MissingExtraError            (also ImportError)
      x ReasonerError
        + InconsistentOntologyError
      x ExportError                  (also OSError)
    * MsBackPainWarning              (a Warning)

``MissingExtraError`` sits directly under the root rather than under ``BackendError``
(style.md puts it there) because optional extras also guard non-backend features such as the
visualisation.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "BackendError",
    "EdgeNotFound",
    "EntityNotFound",
    "ExportError",
    "InconsistentOntologyError",
    "MissingExtraError",
    "MsBackPainError",
    "MsBackPainWarning",
    "OntologyLoadError",
    "QueryError",
    "QueryParameterError",
    "QueryTimeoutError",
    "ReasonerError",
    "ResultTooLargeError",
    "UnknownBackendError",
    "UnknownQueryError",
]


def _with_suggestions(message: str, suggestions: Sequence[str]) -> str:
    if not suggestions:
        return message
    return f"{message}; did you mean {', '.join(repr(s) for s in suggestions)}?"


class MsBackPainError(Exception):
    """Base class of every error raised by msbackpain."""


class OntologyLoadError(MsBackPainError, OSError):
    """An RDF source could not be read or parsed; the message names the file and line."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.line = line

    def __str__(self) -> str:
        return str(self.args[0])


class EntityNotFound(MsBackPainError, KeyError):  # noqa: N818 - the name is the public contract
    """No entity matches the given label, synonym, CURIE or IRI."""

    def __init__(self, query: str, suggestions: Sequence[str] = ()) -> None:
        super().__init__(query)
        self.query = query
        self.suggestions = tuple(suggestions)

    def __str__(self) -> str:
        return _with_suggestions(f"no entity matches {self.query!r}", self.suggestions)


class EdgeNotFound(MsBackPainError, KeyError):  # noqa: N818 - named like EntityNotFound
    """The graph has no edge ``(subject, predicate, object)`` with these ids."""

    def __str__(self) -> str:
        return str(self.args[0])


class QueryError(MsBackPainError, ValueError):
    """A SPARQL query is malformed or not allowed; the message says where and why."""


class UnknownQueryError(QueryError, KeyError):
    """No named query has this name."""

    def __init__(self, name: str, suggestions: Sequence[str] = ()) -> None:
        super().__init__(name)
        self.name = name
        self.suggestions = tuple(suggestions)

    def __str__(self) -> str:
        return _with_suggestions(f"unknown query {self.name!r}", self.suggestions)


class QueryParameterError(QueryError):
    """A query parameter is missing, unknown, or of the wrong kind."""


class QueryTimeoutError(QueryError, TimeoutError):
    """A query ran past its time limit and was stopped; no partial result is returned."""


class ResultTooLargeError(QueryError):
    """A query produced more rows than the row cap; no partial result is returned."""


class BackendError(MsBackPainError):
    """A triple store or SPARQL endpoint failed (unreachable, timed out, bad answer)."""


class UnknownBackendError(BackendError, ValueError):
    """No backend has this name."""


class MissingExtraError(MsBackPainError, ImportError):
    """An optional dependency is not installed; the message names the pip extra."""

    def __init__(self, feature: str, extra: str) -> None:
        from msbackpain._install import install_command

        super().__init__(f"{feature} needs an optional dependency: {install_command(extra)}")
        self.extra = extra


class ReasonerError(MsBackPainError):
    """The OWL reasoner could not run (no Java, timeout, unsupported engine)."""


class InconsistentOntologyError(ReasonerError):
    """The reasoner found the ontology inconsistent; the message names the clashing axioms."""


class ExportError(MsBackPainError, OSError):
    """An export could not be written; any existing file at the target is left untouched."""


class MsBackPainWarning(Warning):
    """Base class of the non-fatal problems msbackpain reports."""
