"""Compare the backends side by side in one run, and write a Markdown table.

Per size (the bundle alone, then with a synthetic background graph of 10^4, 10^5 and 10^6
triples from ``generate_graph.py``) and per backend, each in a fresh child process:

* load time and peak memory (``resource.getrusage`` max RSS) of ``msbackpain.load`` with the
  rdflib and oxigraph backends, next to pyoxigraph's own ``Store.load`` of the same files;
  for the sparql backend, the time to build the on-disk store and the server's peak memory;
* p50/p95 latency of three named queries (one walks a property path from the bound IRI)
  through ``backend.query`` (no result cache), next to raw pyoxigraph with the IRI written
  in a ``VALUES`` clause, and for the sparql backend next to a raw HTTP round trip of the same
  text on a kept-alive connection;
* throughput of ``msbackpain serve`` with 8 concurrent loopback clients for 10 s, next to the
  raw ``oxigraph serve-read-only`` on a store built by ``oxigraph load`` (``wrk`` if it is
  installed, else a threaded Python client).

    python benchmarks/bench_backends.py              # everything (several minutes; rdflib at 10^6
                                               # needs ~30 s and >1 GB)
    python benchmarks/bench_backends.py --smoke      # the bundle and 10^4 only, short runs
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
BUNDLE = [ROOT / "ontology" / "msbackpain.ttl", ROOT / "ontology" / "inferred.ttl"]
MSBP = "https://w3id.org/msbackpain/"
SIZES = {"bundle": 0, "10^4": 10_000, "10^5": 100_000, "10^6": 1_000_000}
#: (named query, parameter, bound entity, what it exercises)
QUERIES = [
    ("triggers_of", "pain", "LhermittesSign", "1 hop + evidence"),
    ("treatments_for", "condition", "Spasticity", "4 predicates, OPTIONAL, GROUP BY"),
    ("disease_mechanism", "disease", "MultipleSclerosis", "property path from the bound IRI"),
]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50": statistics.median(ordered) * 1000,
        "p95": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000,
        "n": len(ordered),
    }


def _time_calls(call: Any, iterations: int, budget: float) -> dict[str, float]:
    for _ in range(min(5, iterations)):
        call()
    samples: list[float] = []
    deadline = time.monotonic() + budget
    while len(samples) < iterations and (len(samples) < 10 or time.monotonic() < deadline):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return _percentiles(samples)


def _query_text(name: str) -> str:
    return (ROOT / "queries" / f"{name}.rq").read_text(encoding="utf-8")


# -- workers (each runs in its own process) -------------------------------------------------


def worker_embedded(
    engine: str, files: list[Path], iterations: int, budget: float
) -> dict[str, Any]:
    """Load ``files`` with ``engine``, then time the named queries."""
    result: dict[str, Any] = {}
    if engine == "pyoxigraph":  # the baseline: no msbackpain import at all
        import pyoxigraph

        start = time.perf_counter()
        store = pyoxigraph.Store()
        for path in files:
            store.load(path=str(path))
        result["load_s"] = time.perf_counter() - start
        result["peak_mb"] = _peak_mb()
        result["triples"] = len(store)
        for name, param, entity, _ in QUERIES:
            text = _query_text(name).replace(
                "WHERE {", f"WHERE {{ VALUES ?{param} {{ <{MSBP}{entity}> }}", 1
            )

            def raw(text: str = text) -> int:
                solutions = store.query(text)
                if not isinstance(solutions, pyoxigraph.QuerySolutions):
                    raise TypeError("the benchmark queries are SELECT queries")
                return len([tuple(s) for s in solutions])

            result[name] = {**_time_calls(raw, iterations, budget), "rows": raw()}
        return result

    import msbackpain
    from msbackpain.backends.base import IRI

    start = time.perf_counter()
    extra = [p for p in files if p not in BUNDLE]
    kg = msbackpain.load(*extra, backend=engine)
    result["load_s"] = time.perf_counter() - start
    result["peak_mb"] = _peak_mb()
    result["triples"] = len(kg.backend)
    for name, param, entity, _ in QUERIES:
        text = _query_text(name)
        bindings = {param: IRI(MSBP + entity)}

        def ours(text: str = text, bindings: dict[str, Any] = bindings) -> int:
            return len(kg.backend.query(text, bindings))

        result[name] = {**_time_calls(ours, iterations, budget), "rows": ours()}
    return result


def worker_remote(url: str, iterations: int, budget: float) -> dict[str, Any]:
    """Time the named queries through the sparql backend and as raw HTTP round trips."""
    import msbackpain
    from msbackpain.backends._binding import bind_values, declare_prefixes
    from msbackpain.backends.base import IRI

    kg = msbackpain.load(endpoint=url)
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json",
    }
    result: dict[str, Any] = {"triples": len(kg.backend)}
    for name, param, entity, _ in QUERIES:
        text = _query_text(name)
        bindings = {param: IRI(MSBP + entity)}
        body = urllib.parse.urlencode({"query": bind_values(declare_prefixes(text), bindings)})

        def backend(text: str = text, bindings: dict[str, Any] = bindings) -> int:
            return len(kg.backend.query(text, bindings))

        def raw(body: str = body) -> int:
            conn.request("POST", parts.path, body=body, headers=headers)
            return len(conn.getresponse().read())

        result[name] = {**_time_calls(backend, iterations, budget), "rows": backend()}
        result[f"{name}:http"] = _time_calls(raw, iterations, budget)
    conn.close()
    kg.backend.close()  # type: ignore[attr-defined]
    return result


def _run_worker(*args: str, timeout: float = 900) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, __file__, "--worker", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"worker {args} failed: {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# -- the server ----------------------------------------------------------------------------


def _vm_hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


#: The queries of the throughput test: a trivial one (protocol cost) and a named one.
THROUGHPUT_QUERIES = {
    "ASK (1 pattern)": f"ASK {{ <{MSBP}LhermittesSign> ?p ?o }}",
    "triggers_of": _query_text("triggers_of").replace(
        "WHERE {", f"WHERE {{ VALUES ?pain {{ <{MSBP}LhermittesSign> }}", 1
    ),
}


def _throughput(url: str, text: str, seconds: float, connections: int = 8) -> dict[str, Any]:
    target = f"{url}?{urllib.parse.urlencode({'query': text})}"
    wrk = shutil.which("wrk")
    if wrk is None:
        return _python_load(target, seconds, connections)
    command = [wrk, "-t2", f"-c{connections}", f"-d{seconds:g}s"]
    command += ["-H", "Accept: application/sparql-results+json", target]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    found = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    if done.returncode != 0 or found is None:  # e.g. the server is gone
        reason = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["?"]
        return {"rate": 0.0, "errors": -1, "client": f"wrk failed: {reason[0]}"}
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
    socket_errors = re.search(r"Socket errors: (.*)", done.stdout)
    errors = int(non2xx.group(1)) if non2xx else 0
    if socket_errors:
        errors += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    return {"rate": float(found.group(1)), "errors": errors, "client": "wrk -t2 -c8"}


def _python_load(target: str, seconds: float, connections: int) -> dict[str, Any]:
    parts = urllib.parse.urlsplit(target)
    counts = [0] * connections
    errors = [0] * connections
    stop = time.monotonic() + seconds

    def client(i: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
        path = f"{parts.path}?{parts.query}"
        while time.monotonic() < stop:
            conn.request("GET", path, headers={"Accept": "application/sparql-results+json"})
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                counts[i] += 1
            else:
                errors[i] += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"rate": sum(counts) / seconds, "errors": sum(errors), "client": "python threads"}


def _serve_cli(store: Path, timeout: float) -> tuple[subprocess.Popen[str], str]:
    from msbackpain.serve.server import free_port

    port = free_port()
    command = [sys.executable, "-m", "msbackpain", "serve", "--port", str(port)]
    command += ["--timeout", f"{timeout:g}", "--store", str(store)]
    serve = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for line in serve.stdout or ():
        if line.startswith("Press Ctrl-C"):
            break
    return serve, f"http://127.0.0.1:{port}/query"


def bench_throughput(seconds: float, timeout: float = 1.0) -> dict[str, Any]:
    """Raw `oxigraph serve-read-only` (without and with a timeout) vs `msbackpain serve`.

    Every run gets a fresh server process, so that one failing run cannot spoil the next. The
    timeout is short because the Oxigraph 0.5 server keeps one thread per query for the whole
    timeout (see msbackpain/serve/server.py).
    """
    from msbackpain.serve.server import OxigraphServer, free_port, oxigraph_executable

    results: dict[str, Any] = {"raw, no timeout": {}, "raw": {}, "serve": {}}
    results.update(timeout=timeout, seconds=seconds)
    with tempfile.TemporaryDirectory(prefix="msbackpain-bench-") as folder:
        raw_store = Path(folder) / "raw"
        command = [oxigraph_executable(), "load", "--location", str(raw_store), "--file"]
        subprocess.run(command + [str(p) for p in BUNDLE], capture_output=True, check=True)
        for name, text in THROUGHPUT_QUERIES.items():
            for label, limit in (("raw, no timeout", None), ("raw", timeout)):
                with OxigraphServer(raw_store, port=free_port(), timeout=limit) as server:
                    results[label][name] = _throughput(server.url, text, seconds)
            serve, url = _serve_cli(Path(folder) / "served", timeout)
            try:
                results["serve"][name] = _throughput(url, text, seconds)
            finally:
                serve.send_signal(signal.SIGTERM)
                serve.communicate(timeout=30)
            results["serve"][name]["exit_code"] = serve.returncode
    return results


# -- the driver ------------------------------------------------------------------------------


def run(
    sizes: list[str],
    *,
    iterations: int,
    budget: float,
    seconds: float,
    rdflib_max: int,
    checkpoint: Path,
    reuse: bool,
) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(HERE))
    from generate_graph import generate

    from msbackpain.serve.server import OxigraphServer, build_store, free_port

    results: dict[str, Any] = {"sizes": {}}
    if reuse and checkpoint.exists():
        results = json.loads(checkpoint.read_text(encoding="utf-8"))
        results.pop("throughput", None)
    with tempfile.TemporaryDirectory(prefix="msbackpain-bench-") as folder:
        for size in sizes:
            if size in results["sizes"]:
                continue
            files = list(BUNDLE)
            if SIZES[size]:
                background = Path(folder) / f"background-{SIZES[size]}.nt"
                generate(SIZES[size], background)
                files.append(background)
            row: dict[str, Any] = {}
            args = [
                "--iterations",
                str(iterations),
                "--budget",
                str(budget),
                "--files",
                *map(str, files),
            ]
            for engine in ("pyoxigraph", "oxigraph", "rdflib"):
                if engine == "rdflib" and SIZES[size] > rdflib_max:
                    continue
                print(f"[{size}] {engine} ...", file=sys.stderr, flush=True)
                row[engine] = _run_worker("embedded", engine, *args)
            print(f"[{size}] sparql ...", file=sys.stderr, flush=True)
            store = Path(folder) / f"store-{size}"
            start = time.perf_counter()
            build_store(store, files[2:])
            build_s = time.perf_counter() - start
            with OxigraphServer(store, port=free_port(), timeout=60) as server:
                remote = _run_worker(
                    "remote", server.url, "--iterations", str(iterations), "--budget", str(budget)
                )
                remote["load_s"] = build_s
                remote["peak_mb"] = _vm_hwm_mb(server.pid or 0)
            shutil.rmtree(store, ignore_errors=True)
            row["sparql"] = remote
            results["sizes"][size] = row
            checkpoint.write_text(json.dumps(results, indent=1), encoding="utf-8")
        print("[serve] throughput ...", file=sys.stderr, flush=True)
        results["throughput"] = bench_throughput(seconds)
    return results


def _fmt_ms(value: float) -> str:
    return f"{value:.3f}" if value < 1 else f"{value:.1f}" if value < 100 else f"{value:.0f}"


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _pair(result: dict[str, float]) -> str:
    return f"{_fmt_ms(result['p50'])} / {_fmt_ms(result['p95'])}"


def _load_cell(result: dict[str, Any] | None) -> str:
    return f"{result['load_s']:.2f} s, {result['peak_mb']:.0f} MB" if result else "not run"


LOAD_HEAD = (
    "size",
    "triples",
    "rdflib",
    "oxigraph backend",
    "raw pyoxigraph `Store.load`",
    "oxigraph / raw (time, memory)",
    "sparql: build store; server peak",
)
QUERY_HEAD = (
    "size",
    "query",
    "rows",
    "rdflib",
    "oxigraph",
    "raw pyoxigraph",
    "oxigraph / raw",
    "sparql",
    "raw HTTP",
    "sparql / HTTP",
)
SERVE_HEAD = (
    "query",
    "raw server, no timeout",
    "raw `oxigraph serve-read-only` (store from `oxigraph load`)",
    "`msbackpain serve`",
    "serve / raw",
    "errors (no timeout / raw / serve)",
    "client",
)


def render(results: dict[str, Any], *, note: str) -> str:
    import pyoxigraph
    import rdflib

    lines = [
        "# Backends side by side",
        "",
        (
            f"Generated by `python benchmarks/bench_backends.py{note}` on {platform.machine()}, "
            f"{os.cpu_count()} cores, Python {platform.python_version()}, "
            f"rdflib {rdflib.__version__}, pyoxigraph and oxigraph {pyoxigraph.__version__}. "
            "Each backend runs in a fresh process; sizes are the bundle plus a synthetic "
            "background graph (`benchmarks/generate_graph.py`). Latencies in ms; memory is peak "
            "RSS in MB."
        ),
        "",
        "## Load time and peak memory",
        "",
        _row(*LOAD_HEAD),
        _row(*["---"] * len(LOAD_HEAD)),
    ]
    for size, row in results["sizes"].items():
        raw, oxi, remote = row["pyoxigraph"], row["oxigraph"], row["sparql"]
        ratios = f"{oxi['load_s'] / raw['load_s']:.2f}x, {oxi['peak_mb'] / raw['peak_mb']:.2f}x"
        lines.append(
            _row(
                size,
                f"{raw['triples']:,}",
                _load_cell(row.get("rdflib")),
                _load_cell(oxi),
                _load_cell(raw),
                ratios,
                f"{remote['load_s']:.2f} s; {remote['peak_mb']:.0f} MB",
            )
        )
    lines += [
        "",
        (
            "At the smallest sizes the oxigraph backend's extra ~10 ms is the first import of "
            "its own modules; the target applies at 10^6. The sparql column is "
            "`msbackpain.serve.server.build_store` (an on-disk store: each file is validated, then "
            "bulk-loaded) and the peak memory of the server process."
        ),
        "",
        "## Named-query latency (p50 / p95, ms)",
        "",
        (
            "Through `backend.query` (the KnowledgeGraph's result cache is not involved). Raw "
            "pyoxigraph runs the same text with the IRI written in a `VALUES` clause; raw HTTP "
            "sends the text the sparql backend sends, on a kept-alive connection, and reads the "
            "body. The sparql backend's server reads an on-disk store (RocksDB), which is slower "
            "than pyoxigraph's in-memory store for the same query."
        ),
        "",
        _row(*QUERY_HEAD),
        _row(*["---"] * len(QUERY_HEAD)),
    ]
    for size, row in results["sizes"].items():
        for name, _, _, what in QUERIES:
            raw, oxi, remote = row["pyoxigraph"][name], row["oxigraph"][name], row["sparql"][name]
            http_raw = row["sparql"][f"{name}:http"]
            rdf = row.get("rdflib", {}).get(name)
            lines.append(
                _row(
                    size,
                    f"`{name}` ({what})",
                    oxi["rows"],
                    _pair(rdf) if rdf else "not run",
                    _pair(oxi),
                    _pair(raw),
                    f"{oxi['p50'] / raw['p50']:.2f}x",
                    _pair(remote),
                    _pair(http_raw),
                    f"{remote['p50'] / http_raw['p50']:.2f}x",
                )
            )
    through = results["throughput"]
    lines += [
        "",
        (
            f"## Server throughput (8 concurrent loopback clients for {through['seconds']:g} s, "
            "on the bundle)"
        ),
        "",
        (
            f"Both run with a {through['timeout']:g} s query timeout: the raw server with "
            "`--timeout-s`, `msbackpain serve` with `--timeout` (its gateway owns the limit and "
            "runs its engine without one). The Oxigraph 0.5 server keeps one thread per query "
            "for the whole timeout, so with longer ones it runs out of threads at these rates "
            "(HTTP 500, then the server exits). The first column is the engine without a "
            "timeout (the engine alone, nothing in front of it). The raw "
            "server reads a store written by `oxigraph load`, `msbackpain serve` one written by "
            "pyoxigraph (validated, then bulk-loaded)."
        ),
        "",
        _row(*SERVE_HEAD),
        _row(*["---"] * len(SERVE_HEAD)),
    ]
    for name in THROUGHPUT_QUERIES:
        free = through["raw, no timeout"][name]
        raw, served = through["raw"][name], through["serve"][name]
        ratio = served["rate"] / raw["rate"] if raw["rate"] else float("nan")
        lines.append(
            _row(
                name,
                f"{free['rate']:,.0f} q/s",
                f"{raw['rate']:,.0f} q/s",
                f"{served['rate']:,.0f} q/s",
                f"{ratio:.2f}x",
                f"{free['errors']} / {raw['errors']} / {served['errors']}",
                served["client"],
            )
        )
    lines += ["", "## Targets", "", *_targets(results)]
    return "\n".join(lines) + "\n"


def _targets(results: dict[str, Any]) -> list[str]:
    sizes = results["sizes"]
    largest = list(sizes)[-1]
    row = sizes[largest]
    load_time = row["oxigraph"]["load_s"] / row["pyoxigraph"]["load_s"]
    load_mem = row["oxigraph"]["peak_mb"] / row["pyoxigraph"]["peak_mb"]
    query = max(row["oxigraph"][q]["p50"] / row["pyoxigraph"][q]["p50"] for q, *_ in QUERIES)
    http_ratio = max(
        row["sparql"][q]["p50"] / row["sparql"][f"{q}:http"]["p50"] for q, *_ in QUERIES
    )
    through = results["throughput"]
    ratio = min(
        through["serve"][q]["rate"] / (through["raw"][q]["rate"] or float("nan"))
        for q in through["raw"]
    )
    errors = sum(
        abs(through[side][q]["errors"]) for side in ("raw", "serve") for q in through["raw"]
    )

    def mark(ok: bool) -> str:
        return "met" if ok else "**missed**"

    load_ok = mark(load_time <= 1.2 and load_mem <= 1.2)
    serve_ok = mark(ratio >= 0.8 and errors == 0)
    return [
        (
            f"- oxigraph backend load at {largest}: {load_time:.2f}x the time and "
            f"{load_mem:.2f}x the memory of `Store.load` (target <= 1.2x): {load_ok}"
        ),
        (
            f"- named queries at {largest}, worst p50 ratio to raw pyoxigraph with VALUES: "
            f"{query:.2f}x (target <= 2x): {mark(query <= 2)}"
        ),
        (
            f"- sparql backend at {largest}, worst p50 overhead over a raw HTTP round trip: "
            f"{(http_ratio - 1) * 100:.0f}% (target <= 20%): {mark(http_ratio <= 1.2)}"
        ),
        (
            f"- `msbackpain serve` throughput, worst ratio to the raw server: {ratio:.2f}x "
            f"(target >= 0.8x), {errors} errors (target 0): {serve_ok}"
        ),
    ]


def main(argv: list[str]) -> int:
    """Run the benchmark (the convention of ``benchmarks/run_all.py``); return an exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="Bundle and 10^4 only, short runs.")
    parser.add_argument(
        "--results",
        type=Path,
        default=Path(os.environ.get("MSBACKPAIN_BENCH_RESULTS") or HERE / "results"),
        help="Folder for backends.md (default: $MSBACKPAIN_BENCH_RESULTS or benchmarks/results).",
    )
    parser.add_argument("--rdflib-max", type=float, default=1e6, help="Largest size for rdflib.")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--budget", type=float, default=5.0, help="Seconds per query and backend.")
    parser.add_argument("--files", nargs="*", type=Path, default=[])
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Keep the sizes already measured in backends-raw.json (after an interrupted run).",
    )
    parser.add_argument(
        "--render-only", action="store_true", help="Rewrite the table from backends-raw.json."
    )
    args = parser.parse_args(argv)
    args.output = args.results / "backends.md"
    if args.worker:
        kind, target = args.worker
        if kind == "embedded":
            out = worker_embedded(target, args.files, args.iterations, args.budget)
        else:
            out = worker_remote(target, args.iterations, args.budget)
        print(json.dumps(out))
        return 0
    checkpoint = args.results / "backends-raw.json"
    if args.render_only:
        results = json.loads(checkpoint.read_text(encoding="utf-8"))
        args.output.write_text(render(results, note=""), encoding="utf-8")
        return 0
    if args.smoke:
        sizes, iterations, budget, seconds = ["bundle", "10^4"], 30, 1.0, 2.0
    else:
        sizes, iterations, budget, seconds = list(SIZES), args.iterations, args.budget, 10.0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    results = run(
        sizes,
        iterations=iterations,
        budget=budget,
        seconds=seconds,
        rdflib_max=int(args.rdflib_max),
        checkpoint=checkpoint,
        reuse=args.reuse,
    )
    note = " --smoke" if args.smoke else ""
    args.output.write_text(render(results, note=note), encoding="utf-8")
    checkpoint.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(args.output.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
