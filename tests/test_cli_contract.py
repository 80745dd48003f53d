"""The CLI's promises: pure JSON on stdout, one flag convention, one error form, the graph options.

Through click's CliRunner, and where the separation of stdout and stderr matters, as a real
child process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import msbackpain
from conftest import DATA, ROOT, needs_java
from msbackpain.cli import main

KNOWN_GRAPH_FREE = {"queries", "serve", "validate"}  # commands that do not load the graph


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def child(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "msbackpain", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=300,
    )


# -- pure JSON on stdout ---------------------------------------------------------------------

RESULTS = [
    ["search", "neck"],
    ["show", "baclofen"],
    ["pain-types"],
    ["causes", "neuropathic pain"],
    ["triggers", "neuropathic pain"],
    ["qualities", "Lhermitte's sign"],
    ["treatments", "spasticity"],
    ["benefits", "water aerobics"],
    ["cautions", "baclofen"],
    ["gaps"],
    ["explain", "baclofen", "back pain"],
    ["explain", "vision", "tight clothing"],
    ["plan", "spasticity"],
    ["queries"],
    ["run", "triggers_of", "-p", "pain=spasticity"],
    ["query", "SELECT ?d WHERE { ?d msbp:memberOfDrugClass msbp:NSAIDs }"],
    ["query", "ASK { msbp:Heat msbp:triggers msbp:LhermittesSign }"],
    ["validate", str(DATA / "broken.ttl")],
]


@pytest.mark.parametrize("args", RESULTS, ids=[" ".join(a[:2]) for a in RESULTS])
def test_format_json_is_pure_json_and_json_is_its_alias(args: list[str]) -> None:
    code, out, err = invoke(*args, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data or data == [], "an empty answer is still JSON"
    code, alias, _ = invoke(*args, "--json")
    assert code == 0 and json.loads(alias) == data


def test_json_answers_hold_what_the_table_shows() -> None:
    _, out, _ = invoke("query", "ASK { msbp:Heat msbp:triggers msbp:LhermittesSign }", "--json")
    assert json.loads(out) == {"boolean": True}
    _, out, _ = invoke("explain", "vision", "tight clothing", "--json")
    assert json.loads(out) == []
    _, out, _ = invoke("validate", str(DATA / "broken.ttl"), "--json")
    assert json.loads(out) == {
        "files": [{"path": str(DATA / "broken.ttl"), "statements": 10}],
        "shapes": None,
        "reasoner": None,
    }


def test_writing_commands_report_as_json(tmp_path: Path) -> None:
    code, out, _ = invoke("export", str(tmp_path / "kg.ttl"), "--json")
    assert code == 0
    assert json.loads(out) == {"files": [str(tmp_path / "kg.ttl")]}
    code, out, _ = invoke(
        "viz", str(tmp_path / "b.svg"), "--focus", "baclofen", "--depth", "1", "--json"
    )
    assert code == 0
    # The counts are those of the picture the library draws for the same request.
    made = msbackpain.load().draw(tmp_path / "same.svg", focus="baclofen", depth=1)
    expected = {"path": str(tmp_path / "b.svg"), "entities": made.nodes, "relations": made.edges}
    assert json.loads(out) == expected


def test_json_and_a_different_format_disagree() -> None:
    code, out, err = invoke("treatments", "spasticity", "--json", "--format", "csv")
    assert code == 2 and out == ""
    assert err.startswith("error: UsageError: --json and --format csv disagree")


def test_a_real_pipe_reads_pure_json() -> None:
    done = child("treatments", "Lhermitte's sign", "--format", "json")
    assert done.returncode == 0 and done.stderr == ""
    rows = json.loads(done.stdout)["results"]
    assert "avoiding triggering neck movements" in {r["label"] for r in rows}


@pytest.mark.slow
@needs_java
def test_reason_json_pipes_into_json_tool() -> None:
    """`msbackpain reason --format json | python -m json.tool` works: progress is on stderr."""
    done = child("reason", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["consistent"] is True
    assert "reasoning with hermit" in done.stderr
    tool = subprocess.run(
        [sys.executable, "-m", "json.tool"],
        input=done.stdout,
        capture_output=True,
        text=True,
        check=False,
    )
    assert tool.returncode == 0
    quiet = child("reason", "--json", "--quiet")
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert json.loads(quiet.stdout)["inferred_edges"] == json.loads(done.stdout)["inferred_edges"]


@pytest.mark.slow
@needs_java
def test_validate_reports_each_step_on_stderr() -> None:
    done = child("validate", "--no-shapes")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("HermiT: consistent (")
    steps = done.stderr.splitlines()
    assert steps[0] == "validate: loading 2 file(s)..."
    assert steps[1].startswith("validate: loading 2 file(s): done in ")
    assert steps[2] == "validate: checking OWL consistency with HermiT..."
    assert steps[3].startswith("validate: checking OWL consistency with HermiT: done in ")
    assert len(steps) == 4
    quiet = child("validate", "--no-shapes", "--quiet", "--format", "json")
    assert quiet.returncode == 0 and quiet.stderr == ""
    report = json.loads(quiet.stdout)
    assert report["shapes"] is None and report["reasoner"]["consistent"] is True


# -- where the graph comes from: --backend, --endpoint, --source ------------------------------


def _commands() -> dict[str, click.Command]:
    return dict(main.commands)


def test_every_command_that_answers_takes_the_graph_options() -> None:
    answering = sorted(set(_commands()) - KNOWN_GRAPH_FREE)
    assert len(answering) == 18
    for name in answering:
        code, text, _ = invoke(name, "--help")
        assert code == 0
        for flag in ("--source", "--backend [rdflib|oxigraph]", "--endpoint URL"):
            assert flag in text, (name, flag)


def test_every_command_with_results_takes_format_and_json() -> None:
    for name in sorted(set(_commands()) - {"serve", "handout"}):  # a server; a document
        _, text, _ = invoke(name, "--help")
        assert "--json" in text, name
        if name not in ("export", "viz"):  # their --format would be the file's (export) or none
            assert "--format [table|json" in text, name


def test_oxigraph_backend_gives_the_same_answers() -> None:
    _, rdflib_answer, _ = invoke("treatments", "spasticity", "--json")
    code, oxigraph_answer, err = invoke(
        "treatments", "spasticity", "--json", "--backend", "oxigraph"
    )
    assert code == 0, err
    assert json.loads(oxigraph_answer) == json.loads(rdflib_answer)


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from msbackpain.serve.server import OxigraphServer, build_store, free_port

    store = build_store(tmp_path_factory.mktemp("endpoint") / "kg")
    server = OxigraphServer(store, port=free_port(), timeout=10)
    with server:
        yield server.url


def test_endpoint_answers_like_the_bundle(endpoint: str) -> None:
    code, out, err = invoke("treatments", "spasticity", "--json", "--endpoint", endpoint)
    assert code == 0, err
    assert json.loads(out) == json.loads(invoke("treatments", "spasticity", "--json")[1])
    code, out, _ = invoke("search", "lhermite", "--json", "--endpoint", endpoint)
    assert code == 0 and json.loads(out)[0]["id"] == "msbp:LhermittesSign"


def test_endpoint_cannot_be_combined_with_source_or_backend(endpoint: str) -> None:
    code, _, err = invoke("gaps", "--endpoint", endpoint, "--source", str(DATA / "broken.ttl"))
    assert code == 2 and err.startswith(
        "error: UsageError: --endpoint cannot be combined with --source"
    )
    code, _, err = invoke("gaps", "--endpoint", endpoint, "--backend", "oxigraph")
    assert code == 2 and "--endpoint cannot be combined with --backend oxigraph" in err


def test_unreachable_endpoint_is_one_line() -> None:
    from msbackpain.serve.server import free_port

    url = f"http://127.0.0.1:{free_port()}/query"
    code, out, err = invoke("pain-types", "--endpoint", url)
    assert code == 1 and out == ""
    assert err.startswith(f"error: BackendError: {url}: cannot connect")
    assert err.count("\n") == 1


# -- one error form ---------------------------------------------------------------------------

ERRORS = [
    (
        ["show", "lhermite sign"],
        1,
        "EntityNotFound: no entity matches 'lhermite sign'; did you mean \"Lhermitte's sign\"?",
    ),
    (
        ["treatments", "spastisity"],
        1,
        "EntityNotFound: no entity matches 'spastisity'; did you mean 'spasticity'",
    ),
    (
        ["explain", "baclofen", "nothing at all"],
        1,
        "EntityNotFound: no entity matches 'nothing at all'",
    ),
    (
        ["explain", "baclofen", "baclofen"],
        1,
        "QueryParameterError: explain needs two different entities; both name 'baclofen'",
    ),
    (["query", "SELECT * { ?a ?b }"], 1, "QueryError: malformed SPARQL at line 1, column 12"),
    (
        ["query", "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"],
        1,
        "QueryError: SERVICE is not allowed",
    ),
    (["query", "missing.rq"], 1, "FileNotFoundError: missing.rq: no such query file"),
    (["run", "nope"], 1, "UnknownQueryError: unknown query 'nope'"),
    (
        ["run", "triggers_of", "-p", "novalue"],
        2,
        "UsageError: Invalid value for -p: expected key=value, got 'novalue'",
    ),
    (["gaps", "--source", "missing.ttl"], 1, "OntologyLoadError: missing.ttl: no such file"),
    (["validate", "missing.ttl"], 1, "OntologyLoadError: missing.ttl"),
    (["viz", "graph.gif"], 1, "ExportError: cannot write 'graph.gif': unknown format '.gif'"),
    (["export", "graph.xyz"], 1, "ExportError:"),
    (["treatments"], 2, "UsageError: Missing argument 'CONDITION'."),
    (
        ["triggers", "heat", "--format", "xml"],
        2,
        "UsageError: Invalid value for '--format': 'xml' is not one of",
    ),
    (["nope"], 2, "UsageError: No such command 'nope'."),
    (["--bogus"], 2, "UsageError: No such option '--bogus'. (see 'msbackpain --help')"),
]


@pytest.mark.parametrize(
    ("args", "code", "message"), ERRORS, ids=[" ".join(e[0][:2]) for e in ERRORS]
)
def test_errors_are_one_line_error_name_message(
    args: list[str], code: int, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    exit_code, out, err = invoke(*args)
    assert exit_code == code, err
    assert out == ""
    assert err.startswith(f"error: {message}"), err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not list(tmp_path.iterdir()), "an error leaves nothing behind"


def test_usage_errors_say_where_help_is() -> None:
    _, _, err = invoke("treatments")
    assert err.rstrip().endswith("(see 'msbackpain treatments --help')")


def test_errors_name_cli_flags_not_python_arguments() -> None:
    _, _, err = invoke("query", "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    assert "pass --allow-network to opt in" in err and "allow_network" not in err
    _, _, err = invoke("query", "SELECT * FROM <http://127.0.0.1:9/g> { ?s ?p ?o }")
    assert "--allow-network" in err and "allow_network" not in err


def test_a_bug_is_reported_as_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise IndexError("tuple index out of range")

    monkeypatch.setattr(msbackpain.KnowledgeGraph, "gaps", broken)
    code, _, err = invoke("gaps")
    assert code == 1
    assert err == "error: InternalError: IndexError: tuple index out of range; please report it\n"


def test_a_real_child_shows_no_traceback_and_exits_1() -> None:
    done = child("show", "lhermite sign")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("error: EntityNotFound: no entity matches 'lhermite sign'")
    assert done.stderr.count("\n") == 1


# -- export makes the folders of its own example ----------------------------------------------


def test_export_creates_missing_parent_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke("export", "kgx/msbackpain.tsv")
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "kgx").iterdir()) == [
        "msbackpain_edges.tsv",
        "msbackpain_nodes.tsv",
    ]
    assert out.startswith("wrote kgx/msbackpain_nodes.tsv (")
    code, _, _ = invoke("viz", "pictures/deep/b.svg", "--focus", "baclofen", "--depth", "1")
    assert code == 0 and (tmp_path / "pictures" / "deep" / "b.svg").is_file()


def test_failed_export_removes_the_folders_it_made(tmp_path: Path) -> None:
    code, _, err = invoke("export", str(tmp_path / "new" / "deeper" / "kg.xyz"))
    assert code == 1 and err.startswith("error: ExportError:")
    assert not (tmp_path / "new").exists()


# -- every --help has an example that runs -----------------------------------------------------


def _examples() -> list[tuple[str, str]]:
    found = []
    for name in sorted(_commands()):
        text = CliRunner().invoke(main, [name, "--help"]).stdout
        assert "Example" in text, name
        lines = text.split("Example", 1)[1].splitlines()[1:]
        for line in lines:
            if not line.strip():
                break
            found.append((name, line.strip()))
    return found


SLOW_EXAMPLES = {"reason", "validate", "handout", "viz"}  # reasoner, SHACL, Chromium, matplotlib


@pytest.mark.parametrize(
    ("name", "example"),
    [
        pytest.param(n, e, marks=[pytest.mark.slow, needs_java] if n in SLOW_EXAMPLES else [])
        for n, e in _examples()
        if n != "serve"  # serves until stopped: tests/test_serve.py runs it as a real process
    ],
)
def test_help_examples_run(
    name: str, example: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shlex

    monkeypatch.chdir(tmp_path)
    (tmp_path / "my-facts.ttl").write_text(
        "@prefix msbp: <https://w3id.org/msbackpain/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        'msbp:Walking a msbp:Factor ; rdfs:label "walking" ; skos:definition "Moving on foot." .\n'
    )
    (tmp_path / "data.txt").write_text(
        "<https://w3id.org/msbackpain/Heat> <https://w3id.org/msbackpain/triggers> "
        "<https://w3id.org/msbackpain/Spasticity> .\n"
    )
    (tmp_path / "my-question.rq").write_text(
        "SELECT ?x WHERE { ?x msbp:triggers msbp:LhermittesSign }"
    )
    argv = shlex.split(example, comments=True)
    if ">" in argv:  # a shell redirection of stdout: CliRunner captures it instead
        argv = argv[: argv.index(">")]
    assert argv[:2] == ["msbackpain", name]
    code, out, err = invoke(*argv[1:])
    assert code == 0, f"{example}: {err}"
    assert out
    if "json" in argv:
        json.loads(out)


def test_library_warnings_are_one_yellow_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import warnings

    from msbackpain.exceptions import MsBackPainWarning

    def warns(self: msbackpain.KnowledgeGraph) -> list[object]:
        warnings.warn("pass allow_network=True to see it", MsBackPainWarning, stacklevel=2)
        return []

    monkeypatch.setattr(msbackpain.KnowledgeGraph, "gaps", warns)
    code, out, err = invoke("gaps", "--json")
    assert code == 0 and json.loads(out) == []
    assert err == "warning: MsBackPainWarning: pass --allow-network to see it\n"


# -- one entity resolver ----------------------------------------------------------------------


def test_search_forgives_the_typo_that_show_suggests() -> None:
    code, out, err = invoke("show", "lhermite")
    assert code == 1 and 'did you mean "Lhermitte\'s sign"' in err
    code, out, _ = invoke("search", "lhermite", "--json")
    assert code == 0 and json.loads(out)[0]["label"] == "Lhermitte's sign"


@pytest.mark.slow
def test_what_an_error_suggests_a_search_finds_first(kg: msbackpain.KnowledgeGraph) -> None:
    """For every entity, a one-letter typo of its label: search leads with the suggestion."""
    checked = 0
    for entity in kg.index.entities.values():
        label = entity.label
        if len(label) < 5:
            continue
        typo = label[: len(label) // 2] + label[len(label) // 2 + 1 :]
        try:
            kg.entity(typo)
        except msbackpain.EntityNotFound as err:
            assert err.suggestions, typo
            assert kg.search(typo)[0].label == err.suggestions[0], typo
            checked += 1
    assert checked > 90
