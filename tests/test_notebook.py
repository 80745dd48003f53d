"""The tutorial notebook: generated from docs/tutorial.md, committed without outputs, and it runs."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest

from conftest import ROOT

#: nbformat.read has no annotations; the tests use it through a typed name.
_read: Callable[..., Any] = nbformat.read

NOTEBOOK = ROOT / "docs" / "tutorial.ipynb"


def test_notebook_is_generated_from_the_tutorial_page() -> None:
    import gen_notebook

    assert NOTEBOOK.read_text(encoding="utf-8") == gen_notebook.build(), (
        "docs/tutorial.ipynb is stale: run `make docs-notebook`"
    )


def test_notebook_is_committed_without_outputs() -> None:
    notebook = _read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert len(code) > 20
    for cell in code:
        assert cell.outputs == [], f"{cell.id} has outputs"
        assert cell.execution_count is None, f"{cell.id} has an execution count"
    assert set(notebook.metadata) == {"kernelspec", "language_info"}


@pytest.mark.slow
def test_notebook_runs_and_shows_the_conflict(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from nbclient import NotebookClient

    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")  # silences a jupyter_core deprecation warning
    # The kernel imports this checkout's msbackpain and writes its files into tmp_path.
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    )
    notebook = _read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
    outputs = [
        output.get("text", "") + str(output.get("data", {}).get("text/plain", ""))
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
    ]
    text = "\n".join(outputs)
    assert (
        "heated-pool therapy involves heat [P42], which triggers Lhermitte's sign [P12,P13]" in text
    )
    errors = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
    ]
    assert [e.ename for e in errors] == ["EntityNotFound"]  # the one tagged raises-exception
    pages = [
        output["data"]["text/html"]
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if "text/html" in output.get("data", {})
    ]
    assert any("vis-network" in page or "<iframe" in page for page in pages)  # shown inline
    assert "Lhermitte" in (tmp_path / "lhermitte.html").read_text(encoding="utf-8")
