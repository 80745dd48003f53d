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
    assert lines[0].split() == [
        "LABEL",
        "RELATION",
        "MODALITY",
        "INFERRED",
        "PARAGRAPHS",
        "EVIDENCE",
    ]
    assert any(
        line.startswith("avoiding triggering neck movements") and " no " in line for line in lines
    )  # P14
    # Nothing is pushed down from neuropathic or MS back pain to Lhermitte's sign (P14, P25).
    assert not any(line.startswith("heated-pool therapy") for line in lines)


def test_treatments_and_cautions_carry_conflicts() -> None:
    heat = "involves heat [P42], which brings on Lhermitte's sign [P12,P13] — discuss with a doctor"
    code, out, _ = run("cautions", "heated pool")
    assert code == 0 and "No cautions stated" not in out
    assert out.splitlines() == [f"! Conflict: heated-pool therapy {heat}"]
    code, out, _ = run("treatments", "MS-related back pain", "--asserted-only")
    assert code == 0
    # P41: water therapy, which P42 describes in a heated pool.
    assert f"! Conflict: heated-pool therapy, a form of water therapy [P42], {heat}" in out
    data = json.loads(run("cautions", "heated pool", "--format", "json")[1])
    assert data["results"] == [] and [c["treatment"]["label"] for c in data["conflicts"]] == [
        "heated-pool therapy"
    ]
    assert "Conflict" not in run("cautions", "baclofen")[1]


def test_modality_column_is_the_sources_hedge() -> None:
    import msbackpain

    kg = msbackpain.load()
    code, out, _ = run("treatments", "neuropathic pain", "--format", "json")
    assert code == 0
    rows = {r["label"]: r["modality"] for r in json.loads(out)["results"]}
    assert rows == {
        r.subject.label: r.evidence and r.evidence.modality
        for r in kg.treatments_for("neuropathic pain")
    }
    header = run("treatments", "neuropathic pain", "--format", "csv")[1].splitlines()[0]
    assert "modality" in header.split(",")


def test_relation_rows_show_the_hedge() -> None:
    from msbackpain.cli._render import relation_rows
    from msbackpain.models import Entity, Evidence, Relation

    drug, pain = (
        Entity("ex:d", "https://example.org/d", "d"),
        Entity("ex:p", "https://example.org/p", "p"),
    )
    hedged = Relation(
        drug,
        "msbp:treats",
        pain,
        Evidence("s", ("P30",), "x", "knowledge_assertion", "certain types of"),
    )
    plain = Relation(drug, "msbp:treats", pain, Evidence("s", ("P29",), "x", "knowledge_assertion"))
    assert [r["modality"] for r in relation_rows([hedged, plain], other="subject")] == [
        "certain types of",
        None,
    ]


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
    assert "[stated in P29]" in out and "connection only" not in out
    code, out, _ = run("explain", "vision", "tight clothing")
    assert code == 0 and out.startswith("No path of at most 4 edges")
    code, out, _ = run("explain", "antiseizure medication", "Lhermitte's sign", "--limit", "20")
    detour = [line for line in out.splitlines() if "--causedBy--> multiple sclerosis" in line]
    assert detour and all(line.endswith("[connection only, not a reason]") for line in detour)
    code, out, _ = run("plan", "Lhermitte's sign", "MS-related back pain")
    assert code == 0
    assert (
        "heated-pool therapy, a form of water therapy [P42], involves heat [P42], which brings on "
        "Lhermitte's sign [P12,P13] — discuss with a doctor" in out
    ) or "! heated-pool therapy involves heat [P42], which brings on Lhermitte's sign" in out
    assert "    - avoiding triggering neck movements (for Lhermitte's sign: " in out  # P14
    assert "The source names no trigger for MS-related back pain." in out
    code, out, _ = run("plan", "Lhermitte's sign", "MS-related back pain", "--json")
    assert code == 0 and len(json.loads(out)["conflicts"]) == 2


def test_plan_says_where_the_source_is_silent() -> None:
    code, out, _ = run("plan", "neuropathic pain")
    assert code == 0
    lost = "the source's list of neuropathic pain triggers is lost (P08, P09)."
    assert f"  The {lost[4:]}" in out  # in the triggers section
    assert f"  Conflicts cannot be fully checked: {lost}" in out
    assert "none found" not in out
    assert "antiseizure medication (for neuropathic pain: " in out  # P30
    code, out, _ = run("plan", "muscle weakness", "--asserted-only")
    assert code == 0
    for line in (
        "  The source names no treatment for muscle weakness.",
        "  The source names no trigger for muscle weakness.",
        "  The source names no caution for muscle weakness.",
        "  none found",
    ):
        assert line in out.splitlines()
    code, out, _ = run("plan", "spasticity")
    assert "    - baclofen (for spasticity: " in out and "inferred from P29)" in out


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
        (["plan", "heat"], "QueryParameterError: 'heat' is not a pain type"),
        (
            ["treatments", "spasticity", "--source", "missing.ttl"],
            "OntologyLoadError: missing.ttl: no such file",
        ),
    ],
)
def test_user_errors_are_one_red_line_and_exit_1(args: list[str], message: str) -> None:
    code, out, err = run(*args)
    assert code == (2 if message == "expected key=value" else 1)  # a usage error exits 2
    assert err.startswith("error: ") and message in err
    assert "Traceback" not in err + out
    assert err.count("\n") == 1  # one line, usage errors included


def test_validate_a_file() -> None:
    code, out, _ = run("validate", str(DATA / "broken.ttl"))
    assert code == 0 and "10 statements, syntax OK" in out
    bad = DATA / "article_shingles.txt"
    code, _, err = run("validate", str(bad), "--syntax", "x")
    assert code == 2 and "Invalid value for '--syntax'" in err  # a usage error
    code, _, err = run("validate", str(bad), "--syntax", "turtle")
    assert code == 1 and err.startswith(f"error: OntologyLoadError: {bad}:")


@pytest.mark.slow
@needs_java
def test_validate_the_bundle_and_reason() -> None:
    code, out, _ = run("validate")
    assert code == 0 and "SHACL shapes: conform" in out and "HermiT: consistent" in out
    code, out, _ = run("reason", "--json")
    assert code == 0
    data = json.loads(out)
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
