"""The command line, through click's CliRunner: every command, its formats and its errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import DATA, needs_java
from msbackpain.cli import main


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_help_lists_every_command_with_examples() -> None:
    code, out, _ = run("--help")
    assert code == 0
    for command in (
        "search",
        "show",
        "treatments",
        "triggers",
        "causes",
        "gaps",
        "queries",
        "run",
        "query",
        "explain",
        "plan",
        "reason",
        "validate",
        "pain-types",
        "qualities",
        "benefits",
        "cautions",
    ):
        assert f"  {command} " in out, command
        code, text, _ = run(command, "--help")
        assert code == 0 and "Example" in text, command


def test_treatments_table_marks_inferred_rows() -> None:
    code, out, _ = run("treatments", "lhermittes sign")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["LABEL", "RELATION", "INFERRED", "PARAGRAPHS", "EVIDENCE"]
    assert any(
        line.startswith("avoiding triggering neck movements") and " no " in line for line in lines
    )
    # Nothing is pushed down from neuropathic or MS back pain to Lhermitte's sign (P14, P25).
    assert not any(line.startswith("heated-pool therapy") for line in lines)


@pytest.mark.parametrize("fmt", ["json", "csv", "tsv"])
def test_treatments_formats(fmt: str) -> None:
    code, out, _ = run("treatments", "spasticity", "--asserted-only", "--format", fmt)
    assert code == 0
    if fmt == "json":
        data = json.loads(out)
        assert [r["label"] for r in data["results"]] == ["muscle relaxant"] and data["gaps"] == []
    else:
        sep = "," if fmt == "csv" else "\t"
        header, row = out.strip().splitlines()
        assert header.split(sep)[:3] == ["id", "label", "relation"]
        assert row.split(sep)[:3] == ["msbp:MuscleRelaxants", "muscle relaxant", "treats"]


def test_triggers_reports_a_gap() -> None:
    code, out, _ = run("triggers", "neuropathic pain")
    assert code == 0
    assert "No triggers stated in the source." in out
    assert (
        "Not stated in the source: missing list of neuropathic pain risk factors (P08, P09)." in out
    )


def test_causes_search_show_gaps_pain_types() -> None:
    assert "pressure on the back" in run("causes", "back pain from mobility-aid misuse")[1]
    code, out, _ = run("search", "neck", "--limit", "2", "--format", "json")
    assert code == 0 and [e["label"] for e in json.loads(out)] == ["neck", "bending the neck"]
    code, out, _ = run("show", "HP:0001257")
    assert (
        code == 0
        and out.startswith("spasticity  (msbp:Spasticity)")
        and "HP:0001257 (exact)" in out
    )
    assert json.loads(run("show", "baclofen", "--json")[1])["id"] == "msbp:Baclofen"
    assert "P47" in run("gaps")[1]
    assert len(json.loads(run("pain-types", "--format", "json")[1])) == 6
    assert "electric shock-like sensation" in run("qualities", "Lhermitte's sign")[1]
    assert "better balance" in run("benefits", "water aerobics")[1]
    assert "doctor" in run("cautions", "baclofen")[1]


def test_queries_run_query() -> None:
    code, out, _ = run("queries", "--format", "json")
    assert code == 0 and "treatments_for" in {q["name"] for q in json.loads(out)}
    code, out, _ = run("run", "triggers_of", "-p", "pain=spasticity", "--format", "csv")
    assert code == 0 and len(out.strip().splitlines()) == 7
    code, out, _ = run(
        "query",
        "SELECT ?d WHERE { ?d msbp:memberOfDrugClass msbp:NSAIDs } ORDER BY ?d",
        "--format",
        "tsv",
    )
    assert code == 0 and out.splitlines() == ["d", "msbp:Ibuprofen", "msbp:Naproxen"]
    code, out, _ = run("query", "ASK { msbp:Heat msbp:triggers msbp:LhermittesSign }")
    assert code == 0 and out.strip() == "yes"


def test_query_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_text("SELECT ?x WHERE { ?x msbp:triggers msbp:LhermittesSign }", encoding="utf-8")
    code, out, _ = run("query", str(path), "--format", "json")
    assert code == 0 and len(json.loads(out)) == 4
    code, _, err = run("query", str(tmp_path / "missing.rq"))
    assert code == 1 and "missing.rq: no such query file" in err


def test_explain_and_plan() -> None:
    code, out, _ = run("explain", "baclofen", "back pain", "--limit", "1")
    assert code == 0 and out.startswith("1. baclofen --memberOfDrugClass--> muscle relaxant")
    assert "[P29]" in out
    code, out, _ = run("explain", "vision", "tight clothing")
    assert code == 0 and out.startswith("No path of at most 4 edges")
    code, out, _ = run("plan", "Lhermitte's sign", "spasticity")
    assert code == 0
    # The warm-water therapies are not treatments of either pain, so nothing in it conflicts.
    assert "heated-pool therapy" not in out
    code, out, _ = run("plan", "Lhermitte's sign", "--json")
    assert code == 0 and json.loads(out)["conflicts"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["treatments", "lhermite"],
            "EntityNotFound: no entity matches 'lhermite'; did you mean \"Lhermitte's sign\"?",
        ),
        (["query", "SELECT * { ?a ?b }"], "QueryError: malformed SPARQL at line 1, column 12"),
        (
            ["query", "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"],
            "QueryError: SERVICE is not allowed",
        ),
        (["run", "nope"], "UnknownQueryError: unknown query 'nope'"),
        (
            ["run", "triggers_of", "-p", "pian=spasticity"],
            "QueryParameterError: query 'triggers_of' has no parameter 'pian'",
        ),
        (["run", "triggers_of", "-p", "novalue"], "expected key=value"),
        (["plan", "nothing"], "EntityNotFound: no entity matches 'nothing'"),
        (
            ["treatments", "spasticity", "--source", "missing.ttl"],
            "OntologyLoadError: missing.ttl: no such file",
        ),
    ],
)
def test_user_errors_are_one_red_line_and_exit_1(args: list[str], message: str) -> None:
    code, out, err = run(*args)
    assert code in (1, 2)
    assert message in err
    assert "Traceback" not in err + out
    assert (
        sum(1 for line in err.splitlines() if "rror" in line) == 1
    )  # one error line (usage errors add a usage hint)


def test_validate_a_file() -> None:
    code, out, _ = run("validate", str(DATA / "broken.ttl"))
    assert code == 0 and "10 statements, syntax OK" in out
    bad = DATA / "article_shingles.txt"
    code, _, err = run("validate", str(bad), "--format", "x")
    assert code == 2 and "Invalid value for '--format'" in err  # a usage error
    code, _, err = run("validate", str(bad), "--format", "turtle")
    assert code == 1 and err.startswith(f"error: OntologyLoadError: {bad}:")


@needs_java
def test_validate_the_bundle_and_reason() -> None:
    code, out, _ = run("validate")
    assert code == 0 and "SHACL shapes: conform" in out and "HermiT: consistent" in out
    code, out, _ = run("reason", "--json")
    assert code == 0
    data = json.loads(out[out.index("{") :])
    assert data["consistent"] is True and len(data["inferred_edges"]) == 58


def test_python_dash_m() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "msbackpain", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and result.stdout.startswith("msbackpain")
