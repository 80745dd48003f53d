"""GraphCore: the store, the entity lookup and SPARQL that every domain module builds on."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from msbackpain import _ask
from msbackpain._memo import Memo
from msbackpain.execution import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT
from msbackpain.lookup import EntityIndex, entity_index
from msbackpain.models import Entity, QueryResult

if TYPE_CHECKING:
    from pathlib import Path

    from msbackpain.backends.base import Backend, BindingValue

__all__ = ["EntityRef", "GraphCore"]

#: Anything that names an entity: an Entity, or its label, synonym, CURIE, xref or IRI.
EntityRef = Entity | str


class GraphCore(Mapping[str, Entity]):
    """A read-only mapping from entity ids to entities over a store, with its SPARQL and cache.

    The base of :class:`~msbackpain.KnowledgeGraph`, and all the lower modules
    (:mod:`~msbackpain.relations`, :mod:`~msbackpain.questions`) need of one: the store, the
    lookup index, the named and ad-hoc queries, and :attr:`memo`, where each module caches
    what it derives under its own name.
    """

    def __init__(
        self, backend: Backend, *, sources: Sequence[Path] = (), memo: Memo | None = None
    ) -> None:
        self._backend = backend
        self._sources = tuple(sources)
        self._memo = Memo() if memo is None else memo

    # -- plumbing -------------------------------------------------------------------------

    @property
    def backend(self) -> Backend:
        """The triple store holding the graph."""
        return self._backend

    @property
    def sources(self) -> tuple[Path, ...]:
        """The RDF files loaded into this graph, bundled ones first."""
        return self._sources

    @property
    def memo(self) -> Memo:
        """The answers computed so far, keyed by the module that computed them (thread-safe)."""
        return self._memo

    @property
    def index(self) -> EntityIndex:
        """The lookup index of every entity (:func:`~msbackpain.lookup.entity_index`)."""
        return entity_index(self)

    def __repr__(self) -> str:
        return f"<KnowledgeGraph backend={self._backend.name!r} triples={len(self._backend)}>"

    # -- Mapping --------------------------------------------------------------------------

    def __getitem__(self, ref: EntityRef) -> Entity:
        return self.index.resolve(ref)

    def __iter__(self) -> Iterator[str]:
        return iter(self.index.entities)

    def __len__(self) -> int:
        return len(self.index)

    def __contains__(self, ref: object) -> bool:
        if not isinstance(ref, Entity | str):
            return False
        return self.index.get(ref.id if isinstance(ref, Entity) else ref) is not None

    def entity(self, ref: EntityRef) -> Entity:
        """Return the entity named by ``ref`` (label, synonym, CURIE, xref CURIE or IRI).

        Case, apostrophes, hyphens and spaces do not matter.

        Raises:
            EntityNotFound: with close matches as suggestions.

        Examples:
            >>> import msbackpain
            >>> kg = msbackpain.load()
            >>> kg.entity("HP:0032504").label
            "Lhermitte's sign"
            >>> kg.entity("lhermite sign")
            Traceback (most recent call last):
            ...
            msbackpain.exceptions.EntityNotFound: no entity matches 'lhermite sign'; did you \
mean "Lhermitte's sign"?
        """
        return self.index.resolve(ref)

    def search(self, text: str, *, limit: int = 10) -> tuple[Entity, ...]:
        """Return entities ranked by how well their names and definition match ``text``.

        Examples:
            >>> import msbackpain
            >>> [e.label for e in msbackpain.load().search("neck")][:2]
            ['neck', 'bending the neck']
        """
        return self.index.search(text, limit=limit)

    # -- SPARQL ---------------------------------------------------------------------------

    def run(self, name: str, **params: EntityRef | BindingValue) -> QueryResult:
        """Run the named query ``name`` from ``queries/`` with its parameters bound.

        Entity parameters accept an Entity, label, CURIE or IRI. Results of a graph that
        never changes are cached, so repeated calls cost a dictionary lookup.

        Raises:
            UnknownQueryError: if there is no such query (with suggestions).
            QueryParameterError: if a parameter is unknown, missing, or of the wrong kind.
            EntityNotFound: if an entity parameter names nothing in the graph.

        Examples:
            >>> import msbackpain
            >>> kg = msbackpain.load()
            >>> rows = kg.run("triggers_of", pain="spasticity")
            >>> sorted(row["subject"] for row in rows)[:2]
            ['msbp:ExtremeTemperatures', 'msbp:Humidity']
        """
        return _ask.run(self, name, **params)

    def query(
        self,
        sparql: str,
        *,
        allow_network: bool = False,
        timeout: float | None = DEFAULT_TIMEOUT,
        max_rows: int | None = DEFAULT_MAX_ROWS,
        base: str | None = None,
        **bindings: EntityRef | BindingValue,
    ) -> QueryResult:
        """Run an ad-hoc SPARQL query, with ``bindings`` bound by the engine.

        Only SELECT, ASK, CONSTRUCT and DESCRIBE run. ``SERVICE`` and ``FROM`` would make the
        engine reach out over the network or the file system; they are refused unless
        ``allow_network=True``. The query runs in a child process that is killed after
        ``timeout`` seconds, and may return at most ``max_rows`` rows; either limit raises
        instead of returning a partial result (``timeout=None`` evaluates in-process).
        Known prefixes (``msbp:``, ``rdfs:``, ``skos:``, xref
        prefixes...) need no declaration. Bind an entity by passing an :class:`Entity` or an
        :class:`~msbackpain.IRI`; a plain string binds a literal. Relative IRIs resolve
        against ``base``, by default ``https://w3id.org/msbackpain/`` on every backend.

        Raises:
            QueryError: for malformed text (with line and column) or a refused construct.
            QueryParameterError: if a binding names a variable the query does not use.
            QueryTimeoutError: if the query runs longer than ``timeout``.
            ResultTooLargeError: if it returns more than ``max_rows`` rows.

        Examples:
            >>> import msbackpain
            >>> kg = msbackpain.load()
            >>> result = kg.query("SELECT ?d WHERE { ?d msbp:memberOfDrugClass ?c }",
            ...                   c=kg["muscle relaxants"])
            >>> sorted(row["d"] for row in result)
            ['msbp:Baclofen', 'msbp:Tizanidine']
        """
        return _ask.query(
            self,
            sparql,
            allow_network=allow_network,
            timeout=timeout,
            max_rows=max_rows,
            base=base,
            **bindings,
        )
