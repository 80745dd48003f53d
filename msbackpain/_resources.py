"""Locate the bundled ontology and named queries (the only module that knows where they live)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["INFERRED_FILE", "ONTOLOGY_FILE", "SHAPES_FILE", "ontology_dir", "queries_dir"]

_PACKAGE = Path(__file__).resolve().parent

#: File names inside the ontology directory.
ONTOLOGY_FILE = "msbackpain.ttl"
INFERRED_FILE = "inferred.ttl"
SHAPES_FILE = "shapes.ttl"


def _locate(name: str) -> Path:
    # In a wheel the folders are mapped into msbackpain/_data/ (pyproject force-include);
    # in a source checkout or an editable install they sit next to the package.
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    msg = f"the bundled {name}/ folder is missing from the installation ({_PACKAGE})"
    raise FileNotFoundError(msg)


@cache
def ontology_dir() -> Path:
    """Return the folder holding ``msbackpain.ttl``, ``inferred.ttl`` and ``shapes.ttl``."""
    return _locate("ontology")


@cache
def queries_dir() -> Path:
    """Return the folder holding the named ``*.rq`` queries."""
    return _locate("queries")
