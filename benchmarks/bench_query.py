"""Benchmark ad-hoc query latency through ``kg.query``: guard, parse, bind, time limit, engine.

Run with ``python benchmarks/bench_query.py`` (``--smoke`` for one quick pass); ``make bench``
runs it with every other ``bench_*.py``. It writes ``query.md`` and ``query.json`` to the
results folder (``--results DIR``, else ``$MSBACKPAIN_BENCH_RESULTS``, else
``benchmarks/results``).

Each backend is measured in one process of its own: the median of many calls of

- a small ad-hoc query, the same text each time (``SELECT ?s WHERE { ?s a owl:Class } LIMIT
  5``), with the default time limit and without one (``timeout=None``);
- a new ad-hoc text each call (the LIMIT changes), so every call parses;
- the text of the named query ``triggers_of`` with ``pain`` bound (the path ``kg.run`` takes
  when its answer is not cached yet), with the default time limit and without one;
- the engine alone on the same small text, as the floor.

``--before DIR`` measures the same calls with the code of another checkout ``DIR`` beside.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from _results import results_dir, write_results

ROOT = Path(__file__).resolve().parent.parent
NAME = "query"
BACKENDS = ("rdflib", "oxigraph")

MEASURE = r"""
import json, statistics, sys, time
import msbackpain
from msbackpain import queries

backend, runs = sys.argv[1], int(sys.argv[2])
kg = msbackpain.load(backend=backend)
small = "SELECT ?s WHERE { ?s a owl:Class } LIMIT 5"
named = queries.get_query("triggers_of").text
pain = kg["spasticity"]

def median(call, n=runs):
    call()
    times = []
    for i in range(n):
        t = time.perf_counter()
        call(i)
        times.append(time.perf_counter() - t)
    return statistics.median(times)

store = kg._backend
if backend == "oxigraph":
    from msbackpain.prefixes import PREFIXES
    engine = lambda i=0: list(store.store.query(small, prefixes=PREFIXES))
else:
    from rdflib.plugins.sparql import prepareQuery
    from msbackpain.prefixes import PREFIXES
    prepared = prepareQuery(small, initNs=PREFIXES)
    engine = lambda i=0: list(store.graph.query(prepared))
out = {
    "same text, default time limit": median(lambda i=0: kg.query(small)),
    "same text, timeout=None": median(lambda i=0: kg.query(small, timeout=None)),
    "new text each call": median(lambda i=0: kg.query(small.replace("5", str(6 + i)))),
    "named query text, pain bound": median(lambda i=0: kg.query(named, pain=pain)),
    "named query text, pain bound, timeout=None": median(
        lambda i=0: kg.query(named, pain=pain, timeout=None)),
    "the engine alone (prepared)": median(engine),
}
print(json.dumps(out))
"""


def _env(code: Path | None) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(code or ROOT)}


def _measure(backend: str, runs: int, code: Path | None) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, backend, str(runs)],
        capture_output=True,
        text=True,
        env=_env(code),
        cwd=code or ROOT,
        check=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def measure(runs: int, before: Path | None) -> dict[str, Any]:
    """Return ``{backend: {"now": {case: seconds}, "before": {...} | None}}``."""
    return {
        backend: {
            "now": _measure(backend, runs, None),
            "before": _measure(backend, runs, before) if before is not None else None,
        }
        for backend in BACKENDS
    }


def render(data: dict[str, Any], runs: int) -> str:
    """Return the Markdown table of ``data``."""
    lines = [
        "# Ad-hoc query latency",
        "",
        f"Median of {runs} calls of `kg.query` in one process per backend, on the bundle, in ms.",
        "",
    ]
    with_before = any(v["before"] is not None for v in data.values())
    if with_before:
        lines += [
            (
                "The *before* columns ran the same calls, in the same run, with the code before "
                "issue 16's one SPARQL pipeline (the guard and rdflib each parsed a text, and a "
                "timed query forked a child per call); now a timed query is a round trip to a "
                "persistent worker that parses each text once. The machine was shared with other "
                "work: compare the columns, not the absolute times."
            ),
            "",
        ]
    head = "| case | " + " | ".join(f"{b} (before) | {b}" if with_before else b for b in data)
    lines += [head + " |", "|" + " --- |" * (1 + len(data) * (2 if with_before else 1))]
    for case in next(iter(data.values()))["now"]:
        cells = []
        for values in data.values():
            if with_before:
                before = values["before"] or {}
                cells.append(f"{before[case] * 1e3:.2f}" if case in before else "-")
            cells.append(f"{values['now'][case] * 1e3:.2f}")
        lines.append(f"| {case} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    """Run the benchmark and write ``query.md`` and ``query.json``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="one quick pass")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--before", type=Path, help="another checkout to measure beside")
    parser.add_argument("--results", help="the results folder")
    args = parser.parse_args(argv)
    runs = 5 if args.smoke else args.runs
    data = measure(runs, args.before)
    write_results(
        results_dir(args.results), NAME, render(data, runs), {"title": NAME, "runs": runs, **data}
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
