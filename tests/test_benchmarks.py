"""The benchmarks: every script follows the runner's convention, and a smoke run writes the report.

Timing is never asserted here: this only checks that ``make bench`` would work, on the smallest
size, and that the committed report is the rendering of the committed results.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

import run_all


def _snapshot() -> dict[str, bytes]:
    files = [
        *run_all.DEFAULT_RESULTS.glob("*"),
        run_all.DEFAULT_PAGE,
        ROOT / "docs" / "assets" / run_all.PLOT_NAME,
    ]
    return {str(p): p.read_bytes() for p in files if p.is_file()}


def test_every_benchmark_script_follows_the_convention() -> None:
    scripts = run_all.discover()
    assert "bench_core.py" in [s.name for s in scripts]
    for script in scripts:
        main = run_all._load_main(script)
        params = list(inspect.signature(main).parameters)
        assert len(params) == 1, f"{script.name}: main(argv) takes one argument"


@pytest.mark.slow
def test_smoke_run_writes_every_table_and_leaves_the_committed_results_alone(
    tmp_path: Path,
) -> None:
    before = _snapshot()
    results, page = tmp_path / "results", tmp_path / "benchmarks.md"
    assert run_all.main(["--smoke", "--results", str(results), "--page", str(page)]) == 0
    assert _snapshot() == before, "a benchmark wrote outside the results folder it was given"
    text = page.read_text(encoding="utf-8")
    for script in run_all.discover():
        table = results / f"{run_all.name_of(script)}.md"
        assert table.is_file(), (
            f"{script.name} wrote no {table.name} into $MSBACKPAIN_BENCH_RESULTS"
        )
        content = table.read_text(encoding="utf-8")
        assert "| --- |" in content, f"{table.name} holds no table"
        assert f"From `benchmarks/results/{table.name}`" in text
    assert "| python | CPython" in text and "| rdflib |" in text and "smoke run" in text
    assert "## Against the baselines" in text
    assert (
        "**core: treatments_for query**" in text
        and "| msbackpain backend call (prepared once, cached) | " in text
    )
    plot = tmp_path / "assets" / run_all.PLOT_NAME
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (
        run_all.main(["--render-only", "--check", "--results", str(results), "--page", str(page)])
        == 0
    )


def test_committed_report_is_rendered_from_the_committed_results() -> None:
    rendered = run_all.render(run_all.DEFAULT_RESULTS, run_all.DEFAULT_PAGE, draw=False)
    assert run_all.DEFAULT_PAGE.read_text(encoding="utf-8") == rendered, (
        "docs/benchmarks.md is stale: run `python benchmarks/run_all.py --render-only`"
    )
    assert "smoke run" not in rendered, "the committed report must come from a full run"


def test_a_script_without_main_is_refused(tmp_path: Path) -> None:
    script = tmp_path / "bench_nothing.py"
    script.write_text("X = 1\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="defines no main"):
        run_all.run_one(script, [])
