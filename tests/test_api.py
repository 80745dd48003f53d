"""The public surface: __all__, the error tree, resources, and no work at import time."""

from __future__ import annotations

import subprocess
import sys

import msbackpain
from msbackpain import exceptions
from msbackpain._install import install_command


def _isort_key(name: str) -> tuple[bool, bool, str]:
    # The order ruff's RUF022 enforces: CONSTANTS, then Classes, then functions and modules.
    return (not name.isupper(), not name[0].isupper(), name)


def test_all_is_sorted_and_complete() -> None:
    import types

    assert msbackpain.__all__ == sorted(msbackpain.__all__, key=_isort_key)
    public = {  # dir(): names the package imports on first use (PEP 562) count too
        name
        for name in dir(msbackpain)
        if not name.startswith("_")
        and name != "annotations"
        and not isinstance(getattr(msbackpain, name), types.ModuleType)
    }
    assert public == set(msbackpain.__all__) - {"queries"}
    assert isinstance(msbackpain.queries, types.ModuleType)
    assert exceptions.__all__ == sorted(exceptions.__all__, key=_isort_key)


def test_error_tree_inherits_builtins() -> None:
    assert issubclass(msbackpain.EntityNotFound, KeyError)
    assert issubclass(msbackpain.UnknownQueryError, KeyError) and issubclass(
        msbackpain.UnknownQueryError, msbackpain.QueryError
    )
    assert issubclass(msbackpain.QueryError, ValueError)
    assert issubclass(msbackpain.QueryTimeoutError, TimeoutError)
    assert issubclass(msbackpain.OntologyLoadError, OSError)
    assert issubclass(msbackpain.MissingExtraError, ImportError)
    assert issubclass(msbackpain.UnknownBackendError, ValueError)
    for name in exceptions.__all__:
        cls = getattr(exceptions, name)
        assert cls.__doc__, name
        if name != "MsBackPainWarning":
            assert issubclass(cls, msbackpain.MsBackPainError)
    assert str(msbackpain.MissingExtraError("the viewer", "viz")) == (
        f"the viewer needs an optional dependency: {install_command('viz')}"
    )


def test_resources_are_found() -> None:
    from msbackpain._resources import ontology_dir, queries_dir

    assert (ontology_dir() / "msbackpain.ttl").is_file() and (
        ontology_dir() / "inferred.ttl"
    ).is_file()
    assert (ontology_dir() / "shapes.ttl").is_file() and len(list(queries_dir().glob("*.rq"))) >= 20


def test_import_does_no_work() -> None:
    code = (
        "import sys, msbackpain\n"
        "heavy = [m for m in ('rdflib', 'pyoxigraph', 'owlready2', 'networkx', 'pyshacl') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
