"""Benchmark the pictures: HTML generation time and size, static drawing, first render in Chromium.

Runs on the bundled graph and on a synthetic graph of 5,000 nodes with the bundle's density
(about 2.3 edges per node) and the same node and edge attributes. Writes a Markdown table to
benchmarks/results/viz.md (or --out).

First render is ``performance.now()`` at the first ``afterDrawing`` event of vis-network,
that is from navigation start until every visible node and edge has been drawn once on the
canvas (HTML parsing, library start-up, JSON parsing and building the network included).
The page is opened from a file with networking disabled.

    python benchmarks/bench_viz.py [--nodes 5000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import networkx as nx  # noqa: E402

import msbackpain  # noqa: E402
from msbackpain import viz  # noqa: E402
from msbackpain.models import Evidence  # noqa: E402
from msbackpain.viz._html import _library  # noqa: E402
from msbackpain.viz._styles import EDGE_FAMILIES, GROUPS  # noqa: E402

T = TypeVar("T")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
WORDS = (
    "back",
    "neck",
    "pain",
    "nerve",
    "muscle",
    "spasm",
    "heat",
    "stress",
    "therapy",
    "exercise",
    "water",
    "gentle",
    "stretching",
    "relaxant",
    "doctor",
    "posture",
    "fatigue",
    "balance",
    "tingling",
    "burning",
    "sharp",
)


def synthetic_graph(nodes: int, *, seed: int = 7) -> nx.MultiDiGraph:
    """A random graph with the bundle's attributes, categories and edge density."""
    rng = random.Random(seed)
    categories = [c for group in GROUPS for c in group.categories]
    predicates = [
        *sorted({p for family in EDGE_FAMILIES for p in family.predicates}),
        "msbp:hasQuality",
        "msbp:locatedIn",
        "msbp:hasBenefit",
    ]
    graph = nx.MultiDiGraph()
    for i in range(nodes):
        category = rng.choice(categories)
        label = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4))) + f" {i}"
        graph.add_node(
            f"syn:N{i}",
            label=label,
            category=category,
            categories=[category],
            definition=" ".join(rng.choice(WORDS) for _ in range(18)).capitalize() + ".",
            iri=f"https://example.org/N{i}",
        )
    ids = list(graph.nodes)
    for _ in range(round(nodes * 2.3)):
        u, v = rng.sample(ids, 2)
        predicate = rng.choice(predicates)
        inferred = rng.random() < 0.42
        paragraphs = tuple(sorted({f"P{rng.randint(1, 60):02d}" for _ in range(rng.randint(1, 2))}))
        evidence = Evidence(
            "https://example.org/article",
            paragraphs,
            " ".join(rng.choice(WORDS) for _ in range(14)).capitalize() + ".",
            "logical_entailment" if inferred else "knowledge_assertion",
        )
        graph.add_edge(
            u,
            v,
            key=predicate,
            predicate=predicate,
            label=predicate.partition(":")[2],
            evidence=evidence,
            paragraphs=paragraphs,
            inferred=inferred,
            rule="msbp:ruleSynthetic" if inferred else None,
            relation=None,
        )
    return graph


def timed(action: Callable[[], T], repeat: int) -> tuple[float, T]:
    """Median wall time in seconds over ``repeat`` runs (after one warm-up) and the last result."""
    result = action()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def first_render_ms(path: Path, repeat: int) -> tuple[float, int]:
    """Median first-render time (ms) of the page at ``path``, and the number of nodes drawn."""
    from playwright.sync_api import sync_playwright

    results = []
    drawn = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(repeat + 1):  # the first run warms the disk cache; it is not counted
            context = browser.new_context(viewport={"width": 1400, "height": 900}, offline=True)
            context.route(
                "**/*",
                lambda route: (
                    route.continue_() if route.request.url.startswith("file:") else route.abort()
                ),
            )
            page = context.new_page()
            page.goto(path.as_uri())
            page.wait_for_selector("body[data-msbp-ready=true]", state="attached", timeout=120_000)
            results.append(float(page.evaluate("window.msbpFirstDrawMs")))
            drawn = int(page.evaluate("msbpViewer.network.body.nodeIndices.length"))
            context.close()
        browser.close()
    return statistics.median(results[1:]), drawn


def chromium_version() -> str:
    try:
        out = subprocess.run(
            [CHROMIUM, "--version"], capture_output=True, text=True, check=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.strip()


def main(argv: list[str]) -> int:
    """Run the benchmark; ``--smoke`` uses a 200-node synthetic graph and one repetition.

    The table goes to ``--results DIR``, else ``$MSBACKPAIN_BENCH_RESULTS``, else
    ``benchmarks/results`` (the convention of ``benchmarks/run_all.py``).
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--smoke", action="store_true", help="smallest sizes, one repetition")
    parser.add_argument("--results", type=Path, default=None, help="folder for viz.md")
    options = parser.parse_args(argv)
    if options.smoke:
        options.nodes, options.repeat = 200, 2
    results = options.results or Path(
        os.environ.get("MSBACKPAIN_BENCH_RESULTS") or ROOT / "benchmarks" / "results"
    )
    out = results / "viz.md"

    kg = msbackpain.load()
    library_bytes = len(_library().encode("utf-8"))
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        cases: list[tuple[str, nx.MultiDiGraph, msbackpain.KnowledgeGraph | None]] = [
            ("bundle", kg.to_networkx(), kg),
            (f"synthetic {options.nodes:,} nodes", synthetic_graph(options.nodes), None),
        ]
        for name, graph, entities in cases:
            seconds, page = timed(partial(viz.html, graph, entities=entities), options.repeat)
            path = page.save(Path(tmp) / "page.html")
            size = len(page.html.encode("utf-8"))
            render, drawn = first_render_ms(path, options.repeat)
            rows.append(
                {
                    "graph": name,
                    "nodes": page.nodes,
                    "edges": page.edges,
                    "generate": seconds,
                    "size": size,
                    "data": size - library_bytes,
                    "render": render,
                    "drawn": drawn,
                }
            )
            print(rows[-1], flush=True)
        draw_seconds, picture = timed(lambda: viz.draw(kg.to_networkx()), 3)
        svg_seconds, svg = timed(picture.svg, 3)
        png_seconds, png = timed(picture.png, 3)

    lines = [
        "# Visualisation benchmark",
        "",
        (
            f"`python benchmarks/bench_viz.py` on {platform.machine()}, {_cores()} cores, "
            f"Python {platform.python_version()}, {chromium_version()}, "
            f"vis-network {viz.VIS_NETWORK_VERSION}. Medians of {options.repeat} runs after a "
            "warm-up."
        ),
        "",
        "First render: `performance.now()` at vis-network's first `afterDrawing` event, i.e.",
        "from navigation start until all nodes and edges are drawn once (HTML parse, library",
        "start-up, JSON parse and network construction included); page opened from a file in",
        "headless Chromium with networking disabled; positions are precomputed, physics off.",
        "",
        (
            "| graph | nodes | edges | HTML generation | HTML size | size without vis-network "
            "| first render | nodes drawn |"
        ),
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        lines.append(
            f"| {row['graph']} | {row['nodes']:,} | {row['edges']:,} "
            f"| {row['generate'] * 1000:.0f} ms | {row['size'] / 1e6:.2f} MB "
            f"| {row['data'] / 1e3:.0f} kB | {row['render']:.0f} ms | {row['drawn']:,} |"
        )
    lines += [
        "",
        f"The bundled vis-network is {library_bytes / 1e3:.0f} kB of every page.",
        (
            "Targets (issue 6): the bundle's page at most 1 MB without the library, first "
            "render at most 1 s."
        ),
        "",
        "| static picture of the bundle | time |",
        "| --- | ---: |",
        f"| layout and figure (`viz.draw`) | {draw_seconds * 1000:.0f} ms |",
        f"| SVG ({len(svg.encode()) / 1e3:.0f} kB) | {svg_seconds * 1000:.0f} ms |",
        (
            f"| PNG ({len(png) / 1e3:.0f} kB, {picture.size[0]}x{picture.size[1]} px) "
            f"| {png_seconds * 1000:.0f} ms |"
        ),
        "",
    ]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


def _cores() -> int:
    return os.cpu_count() or 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
