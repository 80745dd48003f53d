"""msbackpain: an OWL knowledge graph of back pain in multiple sclerosis, and its library.

Load the graph, look entities up, ask the named questions, or run your own SPARQL::

    >>> import msbackpain
    >>> kg = msbackpain.load()
    >>> [r.subject.label for r in kg.treatments_for("spasticity", inferred=False)]
    ['muscle relaxant']

Caution:
    Only names reachable from the top-level package, and the submodules ``queries``,
    ``graph``, ``reasoning``, ``viz``, ``server`` and ``export``, are public and stable under
    Semantic Versioning.
"""

from __future__ import annotations

from msbackpain import queries
from msbackpain.backends.base import IRI
from msbackpain.exceptions import (
    BackendError,
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
from msbackpain.handout import Handout
from msbackpain.knowledge import KnowledgeGraph
from msbackpain.loading import load
from msbackpain.models import (
    Entity,
    Evidence,
    KnowledgeGap,
    QueryResult,
    Relation,
    RelationList,
    Xref,
)

__version__ = "0.1.0"

__all__ = [
    "IRI",
    "BackendError",
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
