"""Per-graph caches of derived answers, one key namespace per module, safe across threads."""

from __future__ import annotations

from collections.abc import Callable
from threading import Lock
from typing import Any, TypeVar

__all__ = ["Memo"]

T = TypeVar("T")


class Memo:
    """The answers one graph has computed, keyed ``(module, question, arguments...)``.

    A graph never changes after loading, so an answer computed once stays right. Values must
    be immutable (tuples, frozen dataclasses, read-only mappings): every caller gets the same
    object. Two threads may compute the same missing value; the first one stored wins, so
    every caller sees one answer.

    Examples:
        >>> memo = Memo()
        >>> memo.get(("doc", "answer"), lambda: 42), memo.get(("doc", "answer"), lambda: 0)
        (42, 42)
    """

    __slots__ = ("_lock", "_values")

    #: True where the named queries' answers come from the precompiled index (the bundle),
    #: so that a question over every edge costs nothing.
    precompiled: bool = False

    def __init__(self) -> None:
        self._values: dict[tuple[Any, ...], Any] = {}
        self._lock = Lock()

    def get(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """Return the value cached under ``key``, computing and storing it the first time."""
        try:
            value: T = self._values[key]
        except KeyError:
            pass
        else:
            return value
        return self.store(key, compute())

    def store(self, key: tuple[Any, ...], value: T) -> T:
        """Keep ``value`` under ``key`` unless another thread stored one first; return the kept."""
        with self._lock:
            stored: T = self._values.setdefault(key, value)
        return stored
