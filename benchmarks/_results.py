"""Where a benchmark script writes its results, and the writing itself (shared by bench_*.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS_ENV = "MSBACKPAIN_BENCH_RESULTS"


def results_dir(option: str | None) -> Path:
    """Return where results go: the option, else ``$MSBACKPAIN_BENCH_RESULTS``, else the default."""
    return Path(option or os.environ.get(RESULTS_ENV) or ROOT / "benchmarks" / "results")


def write_results(out: Path, name: str, text: str, data: dict[str, Any]) -> None:
    """Write ``name``.md and ``name``.json into ``out``, each replaced whole or not at all."""
    out.mkdir(parents=True, exist_ok=True)
    for path, content in (
        (out / f"{name}.md", text),
        (out / f"{name}.json", json.dumps(data, indent=2) + "\n"),
    ):
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(content, encoding="utf-8")
        tmp.replace(path)
