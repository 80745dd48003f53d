"""Benchmark cold start: whole processes, from Python starting to the answer, against the floor.

Run with ``python benchmarks/bench_startup.py`` (``--smoke`` for one quick pass); ``make bench``
runs it with every other ``bench_*.py``. It writes ``startup.md`` and ``startup.json`` to the
results folder (``--results DIR``, else ``$MSBACKPAIN_BENCH_RESULTS``, else
``benchmarks/results``).

Every variant is a fresh process, run several times, interleaved round by round so that the
load of the machine falls on all of them alike; the tables give medians and ratios:

- the floor: Python starting, pyoxigraph loading both bundle files and answering
  ``triggers_of(spasticity)``, with ``python -c pass`` and ``import click`` beside it;
- ``import msbackpain``, ``msbackpain --help`` and the CLI answers (``triggers``,
  ``treatments``, ``plan``);
- ``import msbackpain; msbackpain.load().treatments_for(...)`` on the default backend, on
  oxigraph, and with the store built the way ``load()`` built it before the precompiled index;
- inside one process: where the time goes (import, load, first answer, an uncached answer, a
  warm answer).

``--before DIR`` adds the same processes run with the code of another checkout ``DIR`` (the
committed results compare with the commit before the precompiled index).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from _results import RESULTS_ENV, results_dir, write_results

ROOT = Path(__file__).resolve().parent.parent
NAME = "startup"
TIMES = "\u00d7"

FLOOR = r"""
import pathlib, sys, pyoxigraph
root = pathlib.Path(sys.argv[1])
store = pyoxigraph.Store()
for name in ("msbackpain.ttl", "inferred.ttl"):
    store.bulk_load(path=str(root / "ontology" / name), format=pyoxigraph.RdfFormat.TURTLE)
text = (root / "queries" / "triggers_of.rq").read_text()
head, _, body = text.partition("WHERE {")
bound = head + "WHERE { VALUES ?pain { <https://w3id.org/msbackpain/Spasticity> } " + body
print(len(list(store.query(bound))))
"""
PYTHON_ANSWER = (
    "import msbackpain; print(len(msbackpain.load({args}).treatments_for('spasticity')))"
)
STORE_ANSWER = (
    "from msbackpain.loading import _build, bundled_files; "
    "print(len(_build('rdflib', bundled_files(), {}, None).treatments_for('spasticity')))"
)
BREAKDOWN = r"""
import json, sys, time
t0 = time.perf_counter()
import msbackpain
t1 = time.perf_counter()
if sys.argv[1] == "store":
    from msbackpain.loading import _build, bundled_files
    kg = _build("rdflib", bundled_files(), {}, None)
else:
    kg = msbackpain.load(**({} if sys.argv[1] == "default" else {"backend": sys.argv[1]}))
t2 = time.perf_counter()
kg.treatments_for("spasticity")
t3 = time.perf_counter()
kg.treatments_for("Lhermitte's sign")
t4 = time.perf_counter()
n = 2000
for _ in range(n):
    kg.treatments_for("spasticity")
t5 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "load": t2 - t1, "first": t3 - t2, "uncached": t4 - t3,
                  "warm": (t5 - t4) / n}))
"""


def _variants(before: Path | None) -> list[tuple[str, str, list[str], Path | None, bool]]:
    """Return ``(comparison, variant, argv, code folder, baseline)`` for every process."""
    py = sys.executable
    floor = [py, "-c", FLOOR, str(ROOT)]
    cli = [py, "-m", "msbackpain"]
    out: list[tuple[str, str, list[str], Path | None, bool]] = [
        ("floor", "floor: Python + pyoxigraph loads the bundle and answers", floor, None, True),
        ("floor", "`python -c pass`", [py, "-c", "pass"], None, False),
        ("floor", "`python -c 'import click'`", [py, "-c", "import click"], None, False),
    ]
    codes: list[tuple[str, Path | None]] = [("", None)]
    if before is not None:
        codes.append((" (before)", before))
    for suffix, code in codes:
        out += [
            (
                "import",
                f"`import msbackpain`{suffix}",
                [py, "-c", "import msbackpain"],
                code,
                False,
            ),
            ("help", f"`msbackpain --help`{suffix}", [*cli, "--help"], code, False),
            (
                "cli",
                f"`msbackpain triggers spasticity`{suffix}",
                [*cli, "triggers", "spasticity"],
                code,
                False,
            ),
            (
                "cli",
                f"`msbackpain treatments spasticity`{suffix}",
                [*cli, "treatments", "spasticity"],
                code,
                False,
            ),
            (
                "cli",
                f"`msbackpain plan spasticity`{suffix}",
                [*cli, "plan", "spasticity"],
                code,
                False,
            ),
            (
                "python",
                f"`load().treatments_for(...)`, default backend{suffix}",
                [py, "-c", PYTHON_ANSWER.format(args="")],
                code,
                False,
            ),
        ]
    out += [
        (
            "python",
            "`load(backend='oxigraph').treatments_for(...)`",
            [py, "-c", PYTHON_ANSWER.format(args="backend='oxigraph'")],
            None,
            False,
        ),
        (
            "python",
            "rdflib store built from the bundle (what `load()` did before)",
            [py, "-c", STORE_ANSWER],
            None,
            False,
        ),
    ]
    return out


def _env(code: Path | None) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(code or ROOT), "PYTHONDONTWRITEBYTECODE": ""}


def _time(argv: list[str], code: Path | None) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, check=False, env=_env(code), cwd=code or ROOT)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{argv[2:5]} failed:\n{done.stderr.decode()}")
    return seconds


def _breakdown(mode: str, code: Path | None) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", BREAKDOWN, mode],
        capture_output=True,
        text=True,
        check=True,
        env=_env(code),
        cwd=code or ROOT,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def measure(runs: int, before: Path | None) -> dict[str, Any]:
    """Run every variant ``runs`` times, interleaved; return medians and the breakdowns."""
    variants = _variants(before)
    for _, _, argv, code, _ in variants:  # warm the file cache and the bytecode once
        _time(argv, code)
    seconds: list[list[float]] = [[] for _ in variants]
    for _ in range(runs):
        for i, (_, _, argv, code, _) in enumerate(variants):
            seconds[i].append(_time(argv, code))
    modes: list[tuple[str, str, Path | None]] = [
        ("default backend", "default", None),
        ("oxigraph", "oxigraph", None),
        ("rdflib store built (the path before)", "store", None),
    ]
    if before is not None:
        modes.append(("default backend (before)", "default", before))
    validate = None if runs == 1 else _time([sys.executable, "-m", "msbackpain", "validate"], None)
    breakdowns = {}
    for label, mode, code in modes:
        samples = [_breakdown(mode, code) for _ in range(runs)]
        breakdowns[label] = {k: statistics.median(s[k] for s in samples) for k in samples[0]}
    return {
        "runs": runs,
        "processes": [
            {"comparison": c, "variant": v, "seconds": statistics.median(s), "baseline": b}
            for (c, v, _, _, b), s in zip(variants, seconds, strict=True)
        ],
        "breakdown": breakdowns,
        "validate": validate,
    }


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds >= 1e-3 else f"{seconds * 1e6:.1f} µs"


def _markdown(m: dict[str, Any], smoke: bool) -> str:
    floor = next(p["seconds"] for p in m["processes"] if p["baseline"])
    click_floor = next(p["seconds"] for p in m["processes"] if "import click" in p["variant"])
    lines = [
        "# Cold start",
        "",
        f"Whole processes, medians of {m['runs']} interleaved runs. Generated by "
        "`benchmarks/bench_startup.py`" + (" (smoke run)." if smoke else "."),
        "The floor is Python starting, pyoxigraph loading both bundle files and answering",
        "`triggers_of(spasticity)`; `--help` is also compared with `python -c 'import click'`.",
        "",
        "| process | median | vs the floor | vs `import click` |",
        "| --- | --- | --- | --- |",
    ]
    for p in m["processes"]:
        lines.append(
            f"| {p['variant']} | {_ms(p['seconds'])} | {p['seconds'] / floor:.1f}{TIMES} | "
            f"{p['seconds'] / click_floor:.1f}{TIMES} |"
        )
    lines += ["", "## Targets (issue 18)", "", "| target | measured | met |", "| --- | --- | --- |"]
    lines += [f"| {t} | {v} | {'yes' if ok else 'no'} |" for t, v, ok in _targets(m)]
    lines += [
        "",
        "## Where the time goes",
        "",
        "Where the time goes inside one process (`treatments_for`: the first answer, then one",
        "for another entity, uncached, then the same answer again, warm):",
        "",
        "| | import | load() | first answer | uncached answer | warm answer |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for label, b in m["breakdown"].items():
        lines.append(
            f"| {label} | {_ms(b['import'])} | {_ms(b['load'])} | {_ms(b['first'])} | "
            f"{_ms(b['uncached'])} | {_ms(b['warm'])} |"
        )
    return "\n".join(lines) + "\n"


def _targets(m: dict[str, Any]) -> list[tuple[str, str, bool]]:
    by = {p["variant"]: p["seconds"] for p in m["processes"]}
    floor = next(p["seconds"] for p in m["processes"] if p["baseline"])
    cli = max(
        v
        for k, v in by.items()
        if k.startswith("`msbackpain ") and "--help" not in k and "(before)" not in k
    )
    default = m["breakdown"]["default backend"]
    python = by["`load().treatments_for(...)`, default backend"]
    help_ratio = by["`msbackpain --help`"] / by["`python -c 'import click'`"]
    out = [
        (
            f"cold CLI answer ≤ 4{TIMES} the floor (slowest of the three)",
            f"{cli / floor:.1f}{TIMES}",
            cli <= 4 * floor,
        ),
        (
            "`import msbackpain` ≤ 50 ms (inside the process)",
            _ms(default["import"]),
            default["import"] <= 0.05,
        ),
        (
            f"`msbackpain --help` ≤ 4{TIMES} `python -c 'import click'`",
            f"{help_ratio:.1f}{TIMES}",
            help_ratio <= 4,
        ),
        (
            f"`load().treatments_for(...)` ≤ 4{TIMES} the floor",
            f"{python / floor:.1f}{TIMES}",
            python <= 4 * floor,
        ),
        (
            "an uncached domain call ≤ 5 ms, default backend",
            _ms(default["uncached"]),
            default["uncached"] <= 0.005,
        ),
    ]
    if m.get("validate") is not None:
        out.append(
            ("`msbackpain validate` ≤ 5 s (one run)", f"{m['validate']:.1f} s", m["validate"] <= 5)
        )
    return out


def _comparisons(m: dict[str, Any]) -> list[dict[str, Any]]:
    floor = next(p for p in m["processes"] if p["baseline"])
    groups: dict[str, list[dict[str, Any]]] = {}
    for p in m["processes"]:
        if p["comparison"] != "floor":
            groups.setdefault(p["comparison"], []).append(p)
    titles = {
        "import": "cold start: import",
        "help": "cold start: --help",
        "cli": "cold start: CLI answer",
        "python": "cold start: Python answer",
    }
    return [
        {
            "comparison": titles[name],
            "size": None,
            "triples": None,
            "results": [
                {"variant": floor["variant"], "seconds": floor["seconds"], "baseline": True},
                *(
                    {"variant": p["variant"], "seconds": p["seconds"], "baseline": False}
                    for p in group
                ),
            ],
        }
        for name, group in groups.items()
    ]


def main(argv: list[str]) -> int:
    """Measure and write ``startup.md`` and ``startup.json``; ``--smoke`` runs one quick pass."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="one quick pass")
    parser.add_argument(
        "--results", help=f"results folder (default: ${RESULTS_ENV} or benchmarks/results)"
    )
    parser.add_argument("--runs", type=int, default=7, help="runs of each process (default 7)")
    parser.add_argument("--before", type=Path, help="a checkout whose code to compare with")
    args = parser.parse_args(argv)
    measured = measure(1 if args.smoke else args.runs, args.before)
    text = _markdown(measured, args.smoke)
    data = {
        "name": NAME,
        "title": "Cold start",
        "smoke": args.smoke,
        "comparisons": _comparisons(measured),
    }
    out = results_dir(args.results)
    write_results(out, NAME, text, data)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
