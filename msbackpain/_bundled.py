"""The bundled graph that answers from the precompiled index and builds its store on first need.

``msbackpain.load()`` with no arguments returns a :class:`BundledGraph`. Named queries the
index holds (every question the domain methods ask, for every entity) are answered from
:mod:`msbackpain._precompiled` without parsing the bundle or any SPARQL. Anything else
(an ad-hoc query, ``kg.backend``, export, reasoning) builds the real store, with the requested
backend, the first time it is needed; from then on the graph behaves exactly as one loaded the
slow way, and the answers are the same (tests compare every precompiled answer with rdflib's).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from threading import Lock
from typing import Any, TypeVar

from msbackpain._memo import Memo
from msbackpain._precompiled import NO_PARAMETER, Precompiled
from msbackpain.backends.base import Backend
from msbackpain.knowledge import KnowledgeGraph

__all__ = ["BundledGraph"]

T = TypeVar("T")


class _PrecompiledMemo(Memo):
    """A memo that finds the named queries' answers in the precompiled index first."""

    __slots__ = ("_index",)

    precompiled = True

    def __init__(self, index: Precompiled) -> None:
        super().__init__()
        self._index = index

    def get(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        try:  # the warm path, as fast as the parent's
            value: T = self._values[key]
        except KeyError:
            pass
        else:
            return value
        # A named query's key is ("run", name, ((parameter, kind, value), ...)).
        if key[0] == "run":
            found = None
            if key[2] == ():
                found = self._index.result(key[1], NO_PARAMETER)
            elif len(key[2]) == 1 and key[2][0][1] == "IRI":
                found = self._index.result(key[1], key[2][0][2])
            if found is not None:
                return self.store(key, found)  # type: ignore[return-value]
        return self.store(key, compute())


class BundledGraph(KnowledgeGraph):
    """A :class:`~msbackpain.KnowledgeGraph` of the bundle whose store is built lazily.

    Examples:
        >>> import msbackpain
        >>> kg = msbackpain.load()
        >>> [r.subject.label for r in kg.treatments_for("spasticity", inferred=False)]
        ['muscle relaxant']
        >>> kg.backend.name
        'rdflib'
    """

    def __init__(
        self,
        name: str,
        build: Callable[[], Backend],
        index: Precompiled,
        *,
        sources: Sequence[Path] = (),
    ) -> None:
        self._name, self._build, self._index = name, build, index
        self._store: Backend | None = None
        self._store_lock = Lock()
        super().__init__(None, sources=sources, memo=_PrecompiledMemo(index))  # type: ignore[arg-type]

    @property
    def _backend(self) -> Backend:
        store = self._store
        if store is None:
            with self._store_lock:
                if self._store is None:
                    self._store = self._build()
                store = self._store
        return store

    @_backend.setter
    def _backend(self, value: Backend | None) -> None:
        if value is not None:
            self._store = value

    @property
    def built(self) -> bool:
        """Whether the store has been built (something needed more than the index)."""
        return self._store is not None

    def __repr__(self) -> str:
        return f"<KnowledgeGraph backend={self._name!r} triples={self._index.triples}>"
