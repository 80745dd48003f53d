"""Precompile the bundle's answers: every named query, for every entity, into ontology/answers.json.

``make index`` runs this after the ontology or a named query changes; ``make check-generated``
runs it with ``--check``. The answers are computed on the rdflib backend, the default one, so
that an answer read from the index is the answer the store would give (see
``msbackpain/_precompiled.py``).
"""

from __future__ import annotations

import sys
from typing import Any

from _generated import ROOT, write_or_check

from msbackpain import _precompiled, queries
from msbackpain.loading import _build, bundled_files


def build() -> str:
    """Return the text of ``ontology/answers.json`` for the bundle as it is now."""
    kg = _build("rdflib", bundled_files(), {}, None)
    backend = kg.backend

    def run(query: Any, bindings: Any) -> Any:
        return backend.query(query.text, bindings)

    iris = [entity.iri for entity in kg.index.entities.values()]
    return _precompiled.compile_index(run, queries.list_queries(), iris, len(backend))


if __name__ == "__main__":
    sys.exit(
        write_or_check(
            (__doc__ or "").splitlines()[0],
            ROOT / "ontology" / _precompiled.INDEX_FILE,
            build,
            "make index",
        )
    )
