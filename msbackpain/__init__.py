"""msbackpain: an OWL knowledge graph of back pain in multiple sclerosis, and its library.

Load the graph, look entities up, ask the named questions, or run your own SPARQL::

    >>> import msbackpain
    >>> kg = msbackpain.load()
    >>> [r.subject.label for r in kg.treatments_for("spasticity", inferred=False)]
    ['muscle relaxant']

The public names (``msbackpain.__all__``; each is imported on first use):

* loading and asking: ``load``, ``KnowledgeGraph``, ``queries``, ``IRI``
* result types: ``Entity``, ``Xref``, ``Evidence``, ``Relation``, ``RelationList``,
  ``KnowledgeGap``, ``Path``, ``CarePlan``, ``Handout``, ``QueryResult``
* errors: ``MsBackPainError``, ``OntologyLoadError``, ``EntityNotFound``, ``EdgeNotFound``,
  ``QueryError``, ``UnknownQueryError``, ``QueryParameterError``, ``QueryTimeoutError``,
  ``ResultTooLargeError``, ``BackendError``, ``UnknownBackendError``, ``MissingExtraError``,
  ``ReasonerError``, ``InconsistentOntologyError``, ``ExportError``
* warnings: ``MsBackPainWarning``

Caution:
    Only names reachable from the top-level package, and the submodules ``queries``,
    ``graph``, ``reasoning``, ``viz``, ``serve.server`` (also ``server``) and ``export``,
    are public and stable under Semantic Versioning.
"""

from __future__ import annotations

import typing as _typing
from importlib import import_module as _import_module

from msbackpain._version import __version__ as __version__
from msbackpain.exceptions import (
    BackendError,
    EdgeNotFound,
    EntityNotFound,
    ExportError,
    InconsistentOntologyError,
    MissingExtraError,
    MsBackPainError,
    MsBackPainWarning,
    OntologyLoadError,
    QueryError,
    QueryParameterError,
    QueryTimeoutError,
    ReasonerError,
    ResultTooLargeError,
    UnknownBackendError,
    UnknownQueryError,
)

if _typing.TYPE_CHECKING:
    from msbackpain import queries
    from msbackpain.backends.base import IRI
    from msbackpain.careplan import CarePlan
    from msbackpain.handout import Handout
    from msbackpain.knowledge import KnowledgeGraph
    from msbackpain.loading import load
    from msbackpain.models import (
        Entity,
        Evidence,
        KnowledgeGap,
        Path,
        QueryResult,
        Relation,
        RelationList,
        Xref,
    )

#: Public name -> the module that defines it, imported on first use (PEP 562), so that
#: ``import msbackpain`` stays cheap: nothing here parses, and no engine is imported.
_LAZY = {
    "IRI": "msbackpain.backends.base",
    "CarePlan": "msbackpain.careplan",
    "Handout": "msbackpain.handout",
    "KnowledgeGraph": "msbackpain.knowledge",
    "load": "msbackpain.loading",
    "queries": "msbackpain.queries",
    **dict.fromkeys(
        (
            "Entity",
            "Evidence",
            "KnowledgeGap",
            "Path",
            "QueryResult",
            "Relation",
            "RelationList",
            "Xref",
        ),
        "msbackpain.models",
    ),
}


def __getattr__(name: str) -> _typing.Any:
    module = _LAZY.get(name)
    if module is None:
        msg = f"module 'msbackpain' has no attribute {name!r}"
        raise AttributeError(msg)
    value = _import_module(module)
    if name != "queries":
        value = getattr(value, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "IRI",
    "BackendError",
    "CarePlan",
    "EdgeNotFound",
    "Entity",
    "EntityNotFound",
    "Evidence",
    "ExportError",
    "Handout",
    "InconsistentOntologyError",
    "KnowledgeGap",
    "KnowledgeGraph",
    "MissingExtraError",
    "MsBackPainError",
    "MsBackPainWarning",
    "OntologyLoadError",
    "Path",
    "QueryError",
    "QueryParameterError",
    "QueryResult",
    "QueryTimeoutError",
    "ReasonerError",
    "Relation",
    "RelationList",
    "ResultTooLargeError",
    "UnknownBackendError",
    "UnknownQueryError",
    "Xref",
    "load",
    "queries",
]
