"""Run every benchmark, side by side, and write the benchmark report ``docs/benchmarks.md``.

``make bench`` runs this. It discovers every ``benchmarks/bench_*.py`` and runs each in a
process of its own, one after the other (each script starts its own child processes per
comparison), then gathers their results into one page with the machine, the library
versions, the ratios against the baselines and a plot.

The convention a benchmark script follows to be picked up:

- it is ``benchmarks/bench_<name>.py`` and defines ``main(argv: list[str]) -> int``;
- ``main(["--smoke"])`` does one quick pass on the smallest size (the test suite runs that);
- it writes its tables to ``<results>/<name>.md``, where ``<results>`` is the folder named by
  the environment variable ``MSBACKPAIN_BENCH_RESULTS`` (default ``benchmarks/results``);
- optionally, ``<results>/<name>.json`` holds its measurements for the ratios and the plot:
  ``{"title": ..., "comparisons": [{"comparison": str, "size": int | null, "triples": int |
  null, "results": [{"variant": str, "seconds": float, "baseline": bool}, ...]}, ...]}``.

``--render-only`` rewrites the page from the results already there (no benchmark runs), and
``--check`` with it exits 1 when the page differs from what the results give.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "benchmarks"
RESULTS_ENV = "MSBACKPAIN_BENCH_RESULTS"
DEFAULT_RESULTS = HERE / "results"
DEFAULT_PAGE = ROOT / "docs" / "benchmarks.md"
PLOT_NAME = "benchmarks.png"
TIMES = "\u00d7"  # the multiplication sign of "2.5x"
LIBRARIES = (
    "msbackpain",
    "rdflib",
    "pyoxigraph",
    "owlready2",
    "networkx",
    "oxigraph",
    "pyshacl",
    "matplotlib",
)


def discover(folder: Path = HERE) -> list[Path]:
    """Return the benchmark scripts ``bench_*.py`` in ``folder``, sorted by name."""
    return sorted(folder.glob("bench_*.py"))


def name_of(script: Path) -> str:
    """Return the results name of a script: ``bench_core.py`` -> ``core``."""
    return script.stem.removeprefix("bench_")


def _load_main(script: Path) -> Any:
    spec = importlib.util.spec_from_file_location(f"_bench_{name_of(script)}", script)
    if spec is None or spec.loader is None:
        raise SystemExit(f"{script}: cannot be imported")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(script.parent))
    spec.loader.exec_module(module)
    main = getattr(module, "main", None)
    if not callable(main):
        raise SystemExit(f"{script.name}: defines no main(argv) (see benchmarks/run_all.py)")
    return main


def run_one(script: Path, argv: Sequence[str]) -> int:
    """Import ``script`` and return ``main(argv)`` (this runs inside the child process)."""
    result = _load_main(script)(list(argv))
    return int(result or 0)


def run_scripts(scripts: Sequence[Path], results: Path, *, smoke: bool) -> list[dict[str, Any]]:
    """Run each script in its own process with the results folder in its environment."""
    results.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, RESULTS_ENV: str(results), "PYTHONPATH": str(ROOT)}
    runs = []
    for script in scripts:
        argv = ["--smoke"] if smoke else []
        print(f"== {script.name} {' '.join(argv)}", flush=True)
        start = time.perf_counter()
        code = subprocess.call(
            [sys.executable, str(Path(__file__).resolve()), "--one", str(script), *argv],
            cwd=ROOT,
            env=env,
        )
        seconds = time.perf_counter() - start
        runs.append({"script": script.name, "seconds": round(seconds, 1), "exit_code": code})
        print(f"== {script.name}: exit {code} after {seconds:.0f} s", flush=True)
    return runs


# -- machine and versions ------------------------------------------------------------------


def _first_line(command: Sequence[str]) -> str | None:
    if shutil.which(command[0]) is None:
        return None
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    text = (done.stdout or done.stderr).strip()
    return text.splitlines()[0] if text else None


def _read(path: str, pattern: str) -> str | None:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError:
        return None
    match = re.search(pattern, text, re.MULTILINE)
    return match.group(1).strip().strip('"') if match else None


def machine() -> dict[str, Any]:
    """Describe this machine and the versions of the libraries the benchmarks compare."""
    memory = _read("/proc/meminfo", r"^MemTotal:\s+(\d+) kB")
    versions: dict[str, str] = {}
    for library in LIBRARIES:
        try:
            versions[library] = importlib.metadata.version(library)
        except importlib.metadata.PackageNotFoundError:
            continue
    server = _first_line(["oxigraph", "--version"])
    if server:
        versions["oxigraph server"] = server.removeprefix("oxigraph ").strip()
    java = _first_line(["java", "-version"])
    if java:
        versions["java"] = java
    return {
        "cpu": _read("/proc/cpuinfo", r"^model name\s*:\s*(.+)$")
        or platform.processor()
        or platform.machine(),
        "cores": os.cpu_count(),
        "memory": f"{int(memory) / 1024**2:.1f} GiB" if memory else "unknown",
        "os": f"{_read('/etc/os-release', r'^PRETTY_NAME=(.+)$') or platform.system()} (kernel {platform.release()})",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "versions": versions,
    }


# -- the page ------------------------------------------------------------------------------


def _demote(markdown: str) -> str:
    """Push every heading of a results file one level down, under its section."""
    return re.sub(r"^(#{1,5}) ", r"#\1 ", markdown, flags=re.MULTILINE)


def _fmt(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.1f} µs"


def _ratio(value: float, baseline: float) -> str:
    if value <= 0 or baseline <= 0:
        return "-"
    ratio = value / baseline
    return f"{ratio:.2f}{TIMES}" if ratio >= 0.1 else f"1/{baseline / value:.0f}"


def _size(comparison: dict[str, Any]) -> str:
    if comparison.get("size"):
        return f"bundle + {int(comparison['size']):,} triples"
    return "bundle" if comparison.get("triples") else "time (ratio)"


def _ratio_tables(data: dict[str, dict[str, Any]]) -> list[str]:
    """One table per comparison: a row per variant, a column per data size, time and ratio."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for name, payload in data.items():
        for comparison in payload.get("comparisons", []):
            groups.setdefault((name, comparison["comparison"]), []).append(comparison)
    lines: list[str] = []
    for (name, title), comparisons in groups.items():
        baselines = [
            next((r for r in c["results"] if r.get("baseline")), None) for c in comparisons
        ]
        if not any(baselines):
            continue
        base = next(b for b in baselines if b is not None)
        lines += [
            f"**{name}: {title}** (baseline: {base['variant'].removesuffix(' (baseline)')})",
            "",
        ]
        lines.append("| variant | " + " | ".join(_size(c) for c in comparisons) + " |")
        lines.append("| --- |" + " --- |" * len(comparisons))
        for variant in dict.fromkeys(r["variant"] for c in comparisons for r in c["results"]):
            cells = []
            for comparison, baseline in zip(comparisons, baselines, strict=True):
                found = next((r for r in comparison["results"] if r["variant"] == variant), None)
                if found is None:
                    cells.append("")
                elif baseline is None:
                    cells.append(_fmt(found["seconds"]))
                else:
                    cells.append(
                        f"{_fmt(found['seconds'])} ({_ratio(found['seconds'], baseline['seconds'])})"
                    )
            lines.append(f"| {variant} | " + " | ".join(cells) + " |")
        lines.append("")
    return lines


def plot(data: dict[str, dict[str, Any]], path: Path) -> bool:
    """Draw every comparison of the JSON results into one PNG; return False if there is none.

    A comparison measured at several sizes becomes a line per variant over the store size
    (log-log); one measured once becomes horizontal bars labelled with their times.
    """
    panels: dict[str, list[dict[str, Any]]] = {}
    for name, payload in data.items():
        for comparison in payload.get("comparisons", []):
            panels.setdefault(f"{name}: {comparison['comparison']}", []).append(comparison)
    if not panels:
        return False
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(panels), 1, figsize=(11, 3.4 * len(panels)), squeeze=False)
    for ax, (title, comparisons) in zip(axes[:, 0], panels.items(), strict=True):
        sized = [c for c in comparisons if c.get("triples")]
        if len(sized) > 1:
            _lines(ax, sized)
        else:
            _bars(ax, comparisons[0]["results"])
        ax.set_title(title, fontsize=10, loc="left")
        ax.grid(True, which="major", alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.png")
    fig.savefig(tmp, dpi=100, metadata={"Software": None})
    plt.close(fig)
    tmp.replace(path)
    return True


def _lines(ax: Any, comparisons: list[dict[str, Any]]) -> None:
    for variant in [r["variant"] for r in comparisons[0]["results"]]:
        points = sorted(
            (c["triples"], r["seconds"])
            for c in comparisons
            for r in c["results"]
            if r["variant"] == variant
        )
        ax.plot([x for x, _ in points], [y for _, y in points], marker="o", label=_plain(variant))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("triples in the store (bundle + background)")
    ax.set_ylabel("seconds (log)")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)


def _bars(ax: Any, results: list[dict[str, Any]]) -> None:
    labels = [_plain(r["variant"]) for r in results]
    seconds = [r["seconds"] for r in results]
    colours = ["#9e9e9e" if r.get("baseline") else "#3f51b5" for r in results]
    bars = ax.barh(labels, seconds, color=colours)
    ax.bar_label(bars, labels=[_fmt(s) for s in seconds], fontsize=7, padding=3)
    ax.invert_yaxis()
    ax.tick_params(axis="y", labelsize=7)
    if max(seconds) / max(min(seconds), 1e-12) > 100:
        ax.set_xscale("log")
        ax.set_xlabel("seconds (log; grey: the baseline)")
    else:
        ax.set_xlim(0, max(seconds) * 1.2)
        ax.set_xlabel("seconds (grey: the baseline)")


def _plain(text: str) -> str:
    return text.replace("`", "")


def render(results: Path, page: Path, *, draw: bool = True) -> str:
    """Return the report built from ``results`` (and write its plot next to ``page``)."""
    info_path = results / "machine.json"
    info = json.loads(info_path.read_text(encoding="utf-8")) if info_path.exists() else None
    tables = {p.stem: p.read_text(encoding="utf-8") for p in sorted(results.glob("*.md"))}
    data = {
        p.stem: json.loads(p.read_text(encoding="utf-8"))
        for p in sorted(results.glob("*.json"))
        if p.stem != "machine"
    }
    plot_path = page.parent / "assets" / PLOT_NAME
    has_plot = plot(data, plot_path) if draw else plot_path.exists() and bool(data)
    lines = [
        "<!-- GENERATED by benchmarks/run_all.py from benchmarks/results/; do not edit. -->",
        "# Benchmarks",
        "",
        (
            "What msbackpain costs, measured in one run of every benchmark on the machine below, "
            "side by side with the baselines it is built on: naive rdflib (`Graph.query` on the "
            "same text, `Graph.parse`), pyoxigraph directly, and owlready2 called directly. "
            "Absolute times move between machines and runs; the ratios are what to design by. "
            "Performance is measured here, never asserted in the tests."
        ),
        "",
        "```bash",
        "make bench                      # every benchmarks/bench_*.py, then this page",
        "python benchmarks/run_all.py --smoke --results /tmp/bench --page /tmp/bench/benchmarks.md",
        "```",
        "",
        "## Machine and versions",
        "",
    ]
    if info:
        lines += ["| what | value |", "| --- | --- |"]
        lines += [
            f"| {key} | {info['machine'][key]} |"
            for key in ("cpu", "cores", "memory", "os", "python")
        ]
        lines += [f"| {lib} | {version} |" for lib, version in info["machine"]["versions"].items()]
        lines += [f"| run | {info['date']}, {'smoke run' if info['smoke'] else 'full run'} |"]
        lines += [
            f"| `{r['script']}` | {r['seconds']} s, exit code {r['exit_code']} |"
            for r in info["runs"]
        ]
    else:
        lines.append("No `machine.json` in the results: run `make bench`.")
    lines.append("")
    ratio_tables = _ratio_tables(data)
    if ratio_tables:
        lines += [
            "## Against the baselines",
            "",
            (
                "Each variant against the baseline of its comparison, measured in the same run "
                f"(ratio = time / baseline time: 0.5{TIMES} is twice as fast, 1/20 twenty times "
                "faster; data: the bundle alone, or with a synthetic background graph)."
            ),
            "",
            *ratio_tables,
        ]
    if has_plot:
        lines += [f"![Benchmark plot: every comparison on a log scale](assets/{PLOT_NAME})", ""]
    for name, table in tables.items():
        first, _, body = table.strip().partition("\n")
        title = first[2:].strip() if first.startswith("# ") else name
        body = body if first.startswith("# ") else table
        lines += [
            f"## {title}",
            "",
            f"From `benchmarks/results/{name}.md`.",
            "",
            _demote(body).strip(),
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks (or only render), write the page; see the module docstring."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--smoke", action="store_true", help="one quick pass per script, smallest sizes"
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=None,
        help=f"results folder (default: ${RESULTS_ENV} or benchmarks/results)",
    )
    parser.add_argument("--page", type=Path, default=DEFAULT_PAGE, help="the report to write")
    parser.add_argument(
        "--only", action="append", default=[], help="run only this script (repeatable)"
    )
    parser.add_argument(
        "--render-only", action="store_true", help="rewrite the page from existing results"
    )
    parser.add_argument(
        "--check", action="store_true", help="with --render-only: exit 1 if the page is stale"
    )
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args(argv)
    if args.one is not None:
        return run_one(args.one, ([*rest, "--smoke"] if args.smoke else rest))
    results = args.results or Path(os.environ.get(RESULTS_ENV) or DEFAULT_RESULTS)
    if args.check:
        if not args.render_only:
            parser.error("--check needs --render-only")
        text = render(results, args.page, draw=False)
        if not args.page.exists() or args.page.read_text(encoding="utf-8") != text:
            print(
                f"{args.page} is stale: run `python benchmarks/run_all.py --render-only`",
                file=sys.stderr,
            )
            return 1
        return 0
    failed = 0
    if not args.render_only:
        scripts = discover()
        if args.only:
            scripts = [s for s in scripts if s.name in args.only or name_of(s) in args.only]
        started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        runs = run_scripts(scripts, results, smoke=args.smoke)
        failed = sum(1 for r in runs if r["exit_code"] != 0)
        info = {"date": started, "smoke": args.smoke, "machine": machine(), "runs": runs}
        (results / "machine.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    args.page.parent.mkdir(parents=True, exist_ok=True)
    text = render(results, args.page)
    tmp = args.page.with_suffix(".md.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(args.page)
    print(f"wrote {args.page}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
