"""One public surface: ``__all__``, the package docstring and the API page name the same things."""

from __future__ import annotations

import re
import subprocess
import sys

import msbackpain
from conftest import ROOT
from msbackpain import exceptions

_NAME = re.compile(r"``([A-Za-z_][A-Za-z0-9_]*)``")
_MD_NAME = re.compile(r"`([A-Za-z_][A-Za-z0-9_]*)`")
#: What the architecture's Library API promises at the top level (a subset of ``__all__``).
PROMISED = {"Entity", "Evidence", "Relation", "Path", "CarePlan", "QueryResult", "KnowledgeGraph"}


def _docstring_names() -> list[str]:
    doc = msbackpain.__doc__ or ""
    section = doc.split("The public names", 1)[1].split("Caution:", 1)[0]
    return [n for n in _NAME.findall(section) if n != "__all__"]


def _api_page_names() -> list[str]:
    page = (ROOT / "docs" / "reference" / "api" / "msbackpain.md").read_text(encoding="utf-8")
    section = page.split("## Public names", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "`" in line]
    return [n for row in rows for n in _MD_NAME.findall(row.split("|")[2])]


def test_all_the_docstring_and_the_api_page_agree() -> None:
    documented = _docstring_names()
    assert len(documented) == len(set(documented))
    assert set(documented) == set(msbackpain.__all__)
    assert _api_page_names() == documented
    assert set(msbackpain.__all__) >= PROMISED | {"load", "queries"} | set(exceptions.__all__)


def test_the_exceptions_page_draws_the_whole_tree() -> None:
    page = (ROOT / "docs" / "exceptions.md").read_text(encoding="utf-8")
    tree = page.split("```text", 1)[1].split("```", 1)[0]
    drawn = set(re.findall(r"^[│├└─ ]*([A-Z][A-Za-z]+)", tree, re.MULTILINE))
    assert drawn == set(exceptions.__all__) | {"UnsupportedInferenceWarning"}


def test_every_documented_public_module_has_an_api_page_in_the_nav() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = config.split("\nnav:\n", 1)[1].split("\n\n", 1)[0]
    titles = dict(re.findall(r"^\s*- ([^:\n]+): (\S+\.md)$", nav, re.MULTILINE))
    assert titles["Exceptions"] == "exceptions.md"
    for module in ("queries", "graph", "reasoning", "viz", "export", "serve.server"):
        page = titles[f"msbackpain.{module}"]
        assert f"::: msbackpain.{module}" in (ROOT / "docs" / page).read_text(encoding="utf-8")


def test_every_public_name_resolves_on_first_use() -> None:
    code = (
        "import sys, msbackpain\n"
        "for name in msbackpain.__all__:\n"
        "    assert getattr(msbackpain, name) is not None, name\n"
        "    assert getattr(msbackpain, name) is msbackpain.__dict__[name], name\n"
        "print(msbackpain.Path.__module__, msbackpain.CarePlan.__module__)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["msbackpain.models", "msbackpain.careplan"]


def test_every_answer_type_is_a_public_name() -> None:
    # The lazy map in msbackpain/__init__.py repeats models.__all__ (reading it would import
    # models at `import msbackpain`); this keeps the two lists in step.
    from msbackpain import models

    for name in models.__all__:
        assert getattr(msbackpain, name) is getattr(models, name), name
    assert set(models.__all__) <= set(msbackpain.__all__)


def test_import_loads_only_the_face_the_version_and_the_error_tree() -> None:
    code = "import sys, msbackpain\nprint(sorted(m for m in sys.modules if m.startswith('msbackpain')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['msbackpain', 'msbackpain._version', 'msbackpain.exceptions']"
