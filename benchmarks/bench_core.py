"""Benchmark the library core against the plain libraries it is built on.

Run with ``make bench-core`` (or ``python benchmarks/bench_core.py``, ``--smoke`` for one quick
pass on the smallest size); ``make bench`` runs it with every other ``bench_*.py``. It writes
``core.md`` (tables) and ``core.json`` (the measurements, for the report's ratios and plot) to
the results folder: ``--results DIR``, else ``$MSBACKPAIN_BENCH_RESULTS``, else
``benchmarks/results``.

What it compares, each comparison in a fresh process of its own:

- cold start: ``import msbackpain``, ``load()``, first lookup and first answer;
- warm domain calls (answers cached: the graph is immutable), and explain/plan uncached;
- the named query behind ``kg.treatments_for``: naive ``rdflib.Graph.query(text)`` (re-parses
  the text every call: the baseline), msbackpain's prepared and cached backend call,
  pyoxigraph directly, and ``kg.treatments_for`` warm and cold; on the bundle and with a
  synthetic background graph of 10^4, 10^5 and 10^6 triples (loading included);
- the OWL reasoner: owlready2's ``sync_reasoner_hermit`` called directly (the baseline)
  against ``kg.reason()``, which adds a time limit, an explanation of every inferred fact
  and a new graph; Pellet through msbackpain.

The background graphs are generated here (``background()``): random edges between synthetic
entities in their own namespace, with the ontology's predicates, so the answers about the
bundle's entities do not change (each run checks that).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _results import RESULTS_ENV, results_dir, write_results

ROOT = Path(__file__).resolve().parent.parent
NAME = "core"
SIZES = (10_000, 100_000, 1_000_000)
PAIN = "Lhermitte's sign"
TIMES = "\u00d7"  # the multiplication sign of "2.5x"

COLD = r"""
import json, time
t0 = time.perf_counter()
import msbackpain
t1 = time.perf_counter()
kg = msbackpain.load()
t2 = time.perf_counter()
kg.entity("Lhermitte's sign")
t3 = time.perf_counter()
kg.treatments_for("Lhermitte's sign")
t4 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "load": t2 - t1, "index": t3 - t2, "first_answer": t4 - t3}))
"""

OWLREADY2_DIRECT = r"""
import json, sys, time
t0 = time.perf_counter()
import owlready2
world = owlready2.World()
ontology = world.get_ontology("file://" + sys.argv[1]).load()
t1 = time.perf_counter()
with ontology:
    owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
t2 = time.perf_counter()
print(json.dumps({"load": t1 - t0, "reason": t2 - t1}))
"""


# -- helpers -------------------------------------------------------------------------------


def _python(*args: str) -> dict[str, Any]:
    """Run this interpreter with ``args`` in a fresh process and return the JSON it prints."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, check=False, cwd=ROOT, env=env
    )
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:3])} failed:\n{out.stderr}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _child(mode: str, *args: str) -> dict[str, Any]:
    return _python(str(Path(__file__).resolve()), "--child", mode, *args)


def _solutions(result: object) -> list[object]:
    """The rows of a pyoxigraph SELECT answer (the benchmarks only run SELECT queries)."""
    import pyoxigraph

    if not isinstance(result, pyoxigraph.QuerySolutions):
        raise TypeError(f"expected SELECT solutions, got {type(result).__name__}")
    return list(result)


def _p50(fn: Callable[[], object], number: int) -> float:
    fn()
    samples = []
    for _ in range(number):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _fmt(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.1f} µs"


def _ratio(value: float, baseline: float) -> str:
    ratio = value / baseline
    return f"{ratio:.2f}{TIMES}" if ratio >= 0.1 else f"1/{baseline / value:.0f}"


# -- synthetic background graphs -----------------------------------------------------------


def background(triples: int, folder: Path) -> Path:
    """Write (once) an N-Triples file of ``triples`` random triples shaped like the ontology.

    A tenth of the triples type and label synthetic entities (``https://example.org/bg/``);
    the rest link them with the ontology's own predicates (``msbp:treats``, ``msbp:causes``...),
    so the store's indexes for those predicates grow while every answer about the bundle's
    entities stays the same.
    """
    path = folder / f"background-{triples}.nt"
    if path.exists():
        return path
    msbp = "https://w3id.org/msbackpain/"
    rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    predicates = [
        f"<{msbp}{p}>" for p in ("treats", "causes", "triggers", "subtypeOf", "hasQuality")
    ]
    classes = [f"<{msbp}{c}>" for c in ("Treatment", "Symptom", "Factor", "Characteristic")]
    rng = random.Random(triples)
    entities = max(triples // 10, 2)
    lines = []
    for i in range(entities // 2):
        node = f"<https://example.org/bg/e{i}>"
        lines.append(f"{node} {rdf_type} {rng.choice(classes)} .\n")
        lines.append(f'{node} {label} "background entity {i}"@en .\n')
    seen: set[tuple[int, int, int]] = set()
    while len(lines) < triples:
        key = (rng.randrange(entities), rng.randrange(len(predicates)), rng.randrange(entities))
        if key in seen or key[0] == key[2]:
            continue
        seen.add(key)
        s, p, o = key
        lines.append(
            f"<https://example.org/bg/e{s}> {predicates[p]} <https://example.org/bg/e{o}> .\n"
        )
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(lines), encoding="utf-8")
    tmp.replace(path)
    return path


# -- child processes: one comparison each --------------------------------------------------


def _query_comparison(extra: list[str], number: int) -> dict[str, Any]:
    """Time the query behind treatments_for every way, on the bundle plus ``extra`` files."""
    import pyoxigraph
    import rdflib

    import msbackpain
    from msbackpain.backends.base import IRI
    from msbackpain.loading import bundled_files
    from msbackpain.queries import get_query

    files = [*bundled_files(), *map(Path, extra)]
    start = time.perf_counter()
    kg = msbackpain.load(*extra) if extra else msbackpain.load()
    load = time.perf_counter() - start
    start = time.perf_counter()
    answer = kg.treatments_for(PAIN)
    cold = time.perf_counter() - start
    iri = kg.entity(PAIN).iri
    text = get_query("treatments_for").text

    start = time.perf_counter()
    graph = rdflib.Graph()
    for path in files:
        graph.parse(path, format="turtle" if path.suffix == ".ttl" else "nt")
    naive_load = time.perf_counter() - start
    start = time.perf_counter()
    store = pyoxigraph.Store()
    for path in files:
        fmt = (
            pyoxigraph.RdfFormat.TURTLE if path.suffix == ".ttl" else pyoxigraph.RdfFormat.N_TRIPLES
        )
        store.bulk_load(path=str(path), format=fmt)
    oxigraph_load = time.perf_counter() - start

    binding = {"condition": rdflib.URIRef(iri)}
    # pyoxigraph refuses `substitutions` for a variable that is not projected (this query
    # projects it renamed), so bind it with VALUES, the way performance.md recommends anyway.
    node = pyoxigraph.NamedNode(iri)
    bound = text.replace("WHERE {", f"WHERE {{\n  VALUES ?condition {{ {node} }}", 1)
    rows = {
        "naive": len(list(graph.query(text, initBindings=binding))),
        "prepared": len(kg.backend.query(text, {"condition": IRI(iri)})),
        "pyoxigraph": len(_solutions(store.query(bound))),
    }
    if len(set(rows.values())) != 1:
        raise RuntimeError(f"the engines disagree on the number of rows: {rows}")
    return {
        "triples": len(kg.backend),
        "answer": len(answer),
        "rows": rows["naive"],
        "load": {"msbackpain": load, "rdflib": naive_load, "pyoxigraph": oxigraph_load},
        "query": {
            "naive": _p50(lambda: list(graph.query(text, initBindings=binding)), number),
            "prepared": _p50(lambda: kg.backend.query(text, {"condition": IRI(iri)}), number),
            "pyoxigraph": _p50(lambda: _solutions(store.query(bound)), number),
            "warm": _p50(lambda: kg.treatments_for(PAIN), number * 10),
            "cold": cold,
        },
    }


def _reason_comparison(asserted_nt: str) -> dict[str, Any]:
    """Time ``kg.reason()`` (HermiT) on the asserted bundle."""
    from msbackpain.backends import get_backend
    from msbackpain.knowledge import KnowledgeGraph

    store = get_backend("rdflib")
    store.load(Path(asserted_nt))
    kg = KnowledgeGraph(store, sources=[Path(asserted_nt)])
    start = time.perf_counter()
    _, report = kg.reason()
    wall = time.perf_counter() - start
    facts = len(report.inferred_edges) + len(report.inferred_types)
    return {"wall": wall, "reasoner": report.seconds, "facts": facts}


def _run_child(mode: str, args: list[str]) -> int:
    if mode == "query":
        number, *extra = args
        result = _query_comparison(extra, int(number))
    elif mode == "reason":
        result = _reason_comparison(args[0])
    else:
        raise SystemExit(f"unknown child mode {mode!r}")
    print(json.dumps(result))
    return 0


# -- the report ----------------------------------------------------------------------------


def _asserted_ntriples(folder: Path) -> Path:
    """Write the asserted bundle (no materialised inferences, no owl:imports) as N-Triples."""
    import rdflib
    from rdflib.namespace import OWL

    graph = rdflib.Graph().parse(ROOT / "ontology" / "msbackpain.ttl", format="turtle")
    graph.remove((None, OWL.imports, None))
    path = folder / "asserted.nt"
    graph.serialize(path, format="nt", encoding="utf-8")
    return path


def _reasoning(folder: Path, repeats: int, smoke: bool) -> dict[str, Any]:
    asserted = _asserted_ntriples(folder)
    direct, ours = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        raw = _python("-c", OWLREADY2_DIRECT, str(asserted))
        direct.append({**raw, "wall": time.perf_counter() - start})
        ours.append(_child("reason", str(asserted)))
    result: dict[str, Any] = {
        "direct_wall": statistics.median(r["wall"] for r in direct),
        "direct_reason": statistics.median(r["reason"] for r in direct),
        "reason_wall": statistics.median(r["wall"] for r in ours),
        "reason_reasoner": statistics.median(r["reasoner"] for r in ours),
        "facts": ours[0]["facts"],
    }
    if not smoke:
        import rdflib

        from msbackpain.reasoning import infer

        graph = rdflib.Graph().parse(asserted, format="nt")
        start = time.perf_counter()
        pellet = infer(graph, engine="pellet")
        result["pellet_wall"] = time.perf_counter() - start
        result["pellet_reasoner"] = pellet.seconds
        result["pellet_facts"] = len(pellet.derivations)
    return result


def _measure(smoke: bool, folder: Path) -> dict[str, Any]:
    import msbackpain
    from msbackpain.explanation import explain
    from msbackpain.planning import plan

    cold_runs = [_python("-c", COLD) for _ in range(1 if smoke else 5)]
    cold = {key: statistics.median(r[key] for r in cold_runs) for key in cold_runs[0]}
    kg = msbackpain.load()
    n = 3 if smoke else 2000
    calls: dict[str, Callable[[], object]] = {
        "entity('lhermittes sign')": lambda: kg.entity("lhermittes sign"),
        "pain_types()": kg.pain_types,
        "causes_of('muscle weakness')": lambda: kg.causes_of("muscle weakness"),
        "triggers_of('spasticity')": lambda: kg.triggers_of("spasticity"),
        'qualities_of("Lhermitte\'s sign")': lambda: kg.qualities_of(PAIN),
        'treatments_for("Lhermitte\'s sign")': lambda: kg.treatments_for(PAIN),
        "benefits_of('water aerobics')": lambda: kg.benefits_of("water aerobics"),
        "cautions_for('baclofen')": lambda: kg.cautions_for("baclofen"),
        "gaps()": kg.gaps,
        "explain('baclofen', 'back pain')": lambda: kg.explain("baclofen", "back pain"),
        "plan([\"Lhermitte's sign\", 'spasticity'])": lambda: kg.plan([PAIN, "spasticity"]),
    }
    warm = {name: _p50(fn, n) for name, fn in calls.items()}
    pairs = [
        ("baclofen", "back pain"),
        ("heated pool", PAIN),
        ("multiple sclerosis", "neuropathic pain"),
        ("incorrect use of mobility aids", "back pain"),
        ("stress", "water aerobics"),
    ]
    repeat = 3 if smoke else 50
    uncached_explain = statistics.median(
        _p50(functools.partial(explain, kg, a, b), repeat) for a, b in pairs
    )
    uncached_plan = _p50(lambda: plan(kg, [PAIN, "spasticity"]), repeat)

    number = 5 if smoke else 200
    bundle_runs = [_child("query", str(number)) for _ in range(1 if smoke else 3)]
    bundle = dict(bundle_runs[0])
    bundle["query"] = {
        key: statistics.median(r["query"][key] for r in bundle_runs) for key in bundle["query"]
    }
    bundle["load"] = {
        key: statistics.median(r["load"][key] for r in bundle_runs) for key in bundle["load"]
    }
    sizes = {}
    for size in SIZES[:1] if smoke else SIZES:
        path = background(size, folder)
        sizes[size] = _child("query", str(5 if smoke else (50 if size < 10**6 else 20)), str(path))
        if sizes[size]["answer"] != bundle["answer"]:
            raise RuntimeError(f"the {size:,}-triple background changed the answer")
    return {
        "cold": cold,
        "triples": len(kg.backend),
        "warm": warm,
        "explain": uncached_explain,
        "plan": uncached_plan,
        "bundle": bundle,
        "sizes": sizes,
        "reasoning": _reasoning(folder, 1 if smoke else 3, smoke),
    }


QUERY_VARIANTS = (
    ("naive", "naive rdflib `Graph.query(text)` (baseline)", True),
    ("prepared", "msbackpain backend call (prepared once, cached)", False),
    ("pyoxigraph", "pyoxigraph `Store.query` directly (IRI bound with `VALUES`)", False),
    ("warm", '`kg.treatments_for("Lhermitte\'s sign")`, warm (answer cached)', False),
    ("cold", "`kg.treatments_for(...)`, first call after `load()` (builds indexes)", False),
)
LOAD_VARIANTS = (
    ("rdflib", "naive rdflib `Graph.parse` (baseline)", True),
    ("msbackpain", "`msbackpain.load(...)` (pyoxigraph parser → rdflib store)", False),
    ("pyoxigraph", "pyoxigraph `Store.bulk_load` directly", False),
)


def _comparisons(m: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the measurements as comparisons for ``core.json``."""
    out: list[dict[str, Any]] = []
    runs = [("bundle", m["bundle"])] + [(str(size), r) for size, r in m["sizes"].items()]
    for label, run in runs:
        size = None if label == "bundle" else int(label)
        out.append(
            {
                "comparison": "treatments_for query",
                "size": size,
                "triples": run["triples"],
                "results": [
                    {"variant": text, "seconds": run["query"][key], "baseline": base}
                    for key, text, base in QUERY_VARIANTS
                ],
            }
        )
        out.append(
            {
                "comparison": "load",
                "size": size,
                "triples": run["triples"],
                "results": [
                    {"variant": text, "seconds": run["load"][key], "baseline": base}
                    for key, text, base in LOAD_VARIANTS
                ],
            }
        )
    r = m["reasoning"]
    reasoning = [
        {
            "variant": "owlready2 `sync_reasoner_hermit` directly (fresh process)",
            "seconds": r["direct_wall"],
            "baseline": True,
        },
        {
            "variant": "msbackpain `kg.reason()` (HermiT)",
            "seconds": r["reason_wall"],
            "baseline": False,
        },
    ]
    if "pellet_wall" in r:
        reasoning.append(
            {
                "variant": "msbackpain `infer(engine='pellet')`",
                "seconds": r["pellet_wall"],
                "baseline": False,
            }
        )
    out.append({"comparison": "OWL reasoning", "size": None, "triples": None, "results": reasoning})
    return out


def _markdown(m: dict[str, Any], smoke: bool) -> str:
    import rdflib

    cold = m["cold"]
    lines = [
        "# Core benchmarks",
        "",
        f"Machine: {platform.machine()}, Python {platform.python_version()}, rdflib {rdflib.__version__}. "
        "Medians. Generated by `benchmarks/bench_core.py`" + (" (smoke run)." if smoke else "."),
        "",
        "## Cold start (fresh process)",
        "",
        "| step | time | target |",
        "| --- | --- | --- |",
        f"| `import msbackpain` | {cold['import'] * 1e3:.0f} ms | |",
        f"| `load()` (bundle: asserted + inferred, {m['triples']} triples) | {cold['load'] * 1e3:.0f} ms | |",
        f"| import + load | {(cold['import'] + cold['load']) * 1e3:.0f} ms | ≤ 500 ms |",
        f"| first entity lookup (builds the index) | {cold['index'] * 1e3:.0f} ms | |",
        f"| first `treatments_for` (builds evidence and support tables) | {cold['first_answer'] * 1e3:.0f} ms | |",
        "",
        "## Warm calls (same graph, answers cached: the graph is immutable)",
        "",
        "| call | p50 | target |",
        "| --- | --- | --- |",
    ]
    for name, seconds in m["warm"].items():
        target = "≤ 5 ms" if name.startswith(("explain", "plan")) else "≤ 1 ms"
        lines.append(f"| `kg.{name}` | {seconds * 1e6:.1f} µs | {target} |")
    lines += [
        "",
        "Without the answer cache (graph indexes warm, each call recomputed):",
        "",
        "| call | p50 |",
        "| --- | --- |",
        f"| `explanation.explain` (median over 5 pairs) | {m['explain'] * 1e3:.2f} ms |",
        f"| `planning.plan([\"Lhermitte's sign\", 'spasticity'])` | {m['plan'] * 1e3:.2f} ms |",
        "",
        "## The named query behind `treatments_for`, against plain rdflib and pyoxigraph",
        "",
        (
            "The text of `queries/treatments_for.rq` with `?condition` bound to Lhermitte's sign "
            f"({m['bundle']['rows']} rows). p50 per call; the cold call is the first after loading. "
            "Ratios are against naive rdflib, which parses the query text on every call."
        ),
        "",
    ]
    runs = [("bundle only", m["bundle"])] + [
        (f"bundle + {size:,} background triples", r) for size, r in m["sizes"].items()
    ]
    header = (
        "| variant | "
        + " | ".join(f"{label} ({run['triples']:,} triples)" for label, run in runs)
        + " |"
    )
    lines += [header, "| --- |" + " --- |" * len(runs)]
    for key, text, _ in QUERY_VARIANTS:
        cells = [
            f"{_fmt(run['query'][key])} ({_ratio(run['query'][key], run['query']['naive'])})"
            for _, run in runs
        ]
        lines.append(f"| {text} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "## Loading the bundle and a background graph",
        "",
        header,
        "| --- |" + " --- |" * len(runs),
    ]
    for key, text, _ in LOAD_VARIANTS:
        cells = [
            f"{_fmt(run['load'][key])} ({_ratio(run['load'][key], run['load']['rdflib'])})"
            for _, run in runs
        ]
        lines.append(f"| {text} | " + " | ".join(cells) + " |")
    r = m["reasoning"]
    lines += [
        "",
        "## OWL reasoning on the asserted bundle (HermiT through owlready2)",
        "",
        (
            "Wall time includes starting Python and the JVM. `kg.reason()` runs owlready2 in a child "
            "process with a time limit, explains every inferred fact (rule and supporting edges) and "
            "builds a new graph."
        ),
        "",
        "| variant | wall time | reasoner time | inferred facts | ratio |",
        "| --- | --- | --- | --- | --- |",
        (
            f"| owlready2 `sync_reasoner_hermit` directly (baseline) | {_fmt(r['direct_wall'])} "
            f"| {_fmt(r['direct_reason'])} | | 1.00{TIMES} |"
        ),
        f"| msbackpain `kg.reason()` | {_fmt(r['reason_wall'])} | {_fmt(r['reason_reasoner'])} | {r['facts']} | {_ratio(r['reason_wall'], r['direct_wall'])} |",
    ]
    if "pellet_wall" in r:
        lines.append(
            f"| msbackpain `infer(engine='pellet')` | {_fmt(r['pellet_wall'])} | {_fmt(r['pellet_reasoner'])} | {r['pellet_facts']} | {_ratio(r['pellet_wall'], r['direct_wall'])} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    """Run the benchmarks and write ``core.md`` and ``core.json``; ``--smoke`` runs one quick pass."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="one quick pass on the smallest size")
    parser.add_argument(
        "--results", help=f"results folder (default: ${RESULTS_ENV} or benchmarks/results)"
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    if args.child:
        return _run_child(args.child[0], args.child[1:])
    out = results_dir(args.results)
    out.mkdir(parents=True, exist_ok=True)
    cache = Path(tempfile.gettempdir()) / "msbackpain-bench"
    cache.mkdir(exist_ok=True)
    measured = _measure(args.smoke, cache)
    text = _markdown(measured, args.smoke)
    data = {
        "name": NAME,
        "title": "Core benchmarks",
        "smoke": args.smoke,
        "comparisons": _comparisons(measured),
    }
    write_results(out, NAME, text, data)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
