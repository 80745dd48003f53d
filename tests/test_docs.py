"""Every code block of the documentation runs, so the docs cannot rot.

Each Markdown page under ``docs/`` (and ``README.md``) is parsed with markdown-it-py, and its
fenced blocks run in page order, in a fresh namespace and a temporary working directory:

- ``python`` blocks are executed (a ``python`` block that starts with ``>>>`` is a doctest);
- ``pycon`` blocks are doctests: the shown output is compared (ELLIPSIS, NORMALIZE_WHITESPACE);
- ``console`` blocks hold ``$ msbackpain ...`` lines, each run through click's CliRunner; the
  output shown under a command must equal what it prints, or match it where it is elided with
  ``...``; a shown ``error:`` line means exit code 1, anything else exit code 0;
- ``sparql`` blocks run on the bundle through ``kg.query`` (they must parse and evaluate);
- ``turtle`` blocks must parse (prefixes msbackpain knows need no declaration).

Installation and shell commands (``bash``) and diagrams (``text``) are the documented
exception: each is listed in ``NOT_EXECUTED``, and a block of any other kind fails the test.
"""

from __future__ import annotations

import doctest
import io
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from markdown_it import MarkdownIt

import msbackpain
from conftest import ROOT
from msbackpain.cli import main as cli
from msbackpain.prefixes import PREFIXES

DOCS = ROOT / "docs"
PAGES = [*sorted(p.relative_to(ROOT).as_posix() for p in DOCS.rglob("*.md")), "README.md"]
RUNNABLE = {"python", "pycon", "console", "sparql", "turtle"}
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE

#: Blocks that are shown, not run: (page, first line of the block). Keep this list short.
NOT_EXECUTED = {
    # OAK and KGX are not installed in CI (docs/guides/exports.md says so).
    (
        "docs/guides/exports.md",
        "prefixes=$(python -c 'import json, importlib.resources as r",
    ),
    ("docs/guides/exports.md", "pip install kgx biolink-model"),
    (
        "README.md",
        "make demo   # installs msbackpain, then asks: what treats Lhermitte's sign, and why?",
    ),
    (
        "README.md",
        "make docs         # builds site/ with `mkdocs build --strict`; open site/index.html",
    ),
    (
        "docs/quickstart.md",
        "python3 -m venv .venv && . .venv/bin/activate",
    ),
    (
        "docs/guides/ontology.md",
        "multiple sclerosis --causes--> MS-related nerve damage --causes--> nerve short-circuiting --causes--> neuropathic pain",
    ),
    ("docs/guides/ontology.md", "$EDITOR ontology/src/edges.tsv      # add the row"),
    ("docs/exceptions.md", "MsBackPainError"),
    (
        "docs/benchmarks.md",
        "make bench                      # every benchmarks/bench_*.py, then this page",
    ),
    # A long-running server and other organisations' triple stores: not startable in a test.
    ("docs/guides/scaling-out.md", "pip install 'msbackpain[server]'"),
    ("docs/guides/scaling-out.md", 'kg = msbackpain.load(endpoint="http://127.0.0.1:7878/query")'),
    (
        "docs/guides/scaling-out.md",
        "fuseki-server --file=msbackpain.nt /msbackpain                     # in memory",
    ),
    (
        "docs/guides/scaling-out.md",
        'kg = msbackpain.load(endpoint="http://localhost:3030/msbackpain/sparql")',
    ),
    ("docs/guides/scaling-out.md", "msbackpain export /data/msbackpain.nt"),
    (
        "docs/guides/scaling-out.md",
        'kg = msbackpain.load(endpoint="http://localhost:8890/sparql",',
    ),
    (
        "docs/guides/scaling-out.md",
        "qlever setup-config default        # writes a Qleverfile: set NAME=msbackpain,",
    ),
    ("docs/guides/scaling-out.md", 'kg = msbackpain.load(endpoint="http://localhost:7001")'),
    (
        "docs/guides/scaling-out.md",
        "oxigraph load --location /data/kg --file msbackpain.nt background.nt",
    ),
}


@dataclass(frozen=True)
class Block:
    page: str
    line: int  # 1-based line of the opening fence
    lang: str
    text: str

    @property
    def first_line(self) -> str:
        return self.text.splitlines()[0] if self.text else ""

    def where(self) -> str:
        return f"{self.page}:{self.line} ({self.lang or 'no language'})"


def blocks(page: str, text: str | None = None) -> list[Block]:
    if text is None:
        text = (ROOT / page).read_text(encoding="utf-8")
    tokens = MarkdownIt("commonmark").parse(text)
    return [
        Block(page, t.map[0] + 1 if t.map else 0, t.info.strip().split(" ")[0], t.content)
        for t in tokens
        if t.type in ("fence", "code_block")
    ]


def all_blocks() -> Iterator[Block]:
    for page in PAGES:
        yield from blocks(page)


def test_every_block_is_run_or_listed() -> None:
    listed = set()
    for block in all_blocks():
        key = (block.page, block.first_line)
        if key in NOT_EXECUTED:
            listed.add(key)
            assert block.lang in ("bash", "text"), f"{block.where()}: only bash/text may be skipped"
            continue
        assert block.lang in RUNNABLE, (
            f"{block.where()}: a block of kind {block.lang!r} is neither run by this test nor "
            "listed in NOT_EXECUTED"
        )
    assert NOT_EXECUTED - listed == set(), "NOT_EXECUTED lists blocks that no longer exist"


def test_docs_have_examples_of_every_runnable_kind() -> None:
    # The runners below are exercised, not dead code.
    assert {b.lang for b in all_blocks()} >= RUNNABLE


# -- runners ------------------------------------------------------------------------------


def _doctest(block: Block, namespace: dict[str, object]) -> None:
    test = doctest.DocTestParser().get_doctest(
        block.text, namespace, block.where(), block.page, block.line
    )
    assert test.examples, f"{block.where()}: a doctest block without any >>> example"
    report = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    result = runner.run(test, out=report.write, clear_globs=False)
    namespace.update(test.globs)  # DocTest ran in a copy: later blocks see its names
    assert result.failed == 0, f"{block.where()}:\n{report.getvalue()}"


def _commands(block: Block) -> Iterator[tuple[str, list[str]]]:
    command: str | None = None
    shown: list[str] = []
    for line in block.text.splitlines():
        if line.startswith("$ "):
            if command is not None:
                yield command, shown
            command, shown = line[2:], []
        else:
            assert command is not None, f"{block.where()}: output before any '$ ' command"
            shown.append(line)
    assert command is not None, f"{block.where()}: a console block without a '$ ' command"
    yield command, shown


def _console(block: Block) -> None:
    for command, shown in _commands(block):
        argv = shlex.split(command, comments=True)
        assert argv[0] == "msbackpain", f"{block.where()}: console blocks run msbackpain only"
        result = CliRunner().invoke(cli, argv[1:])
        actual = "\n".join(line.rstrip() for line in result.output.rstrip("\n").splitlines())
        expected = "\n".join(line.rstrip() for line in shown).rstrip("\n")
        failing = any(line.startswith("error:") for line in shown)
        assert result.exit_code == (1 if failing else 0), (
            f"{block.where()}: `{command}` exited {result.exit_code}\n{result.output}"
        )
        if "..." in expected:
            checker = doctest.OutputChecker()
            ok = checker.check_output(expected + "\n", actual + "\n", doctest.ELLIPSIS)
        else:
            ok = expected == actual
        assert ok, (
            f"{block.where()}: `{command}` printed\n{actual}\n--- but the page shows ---\n{expected}"
        )


def _turtle(block: Block) -> None:
    declared = {
        line.split()[1].rstrip(":")
        for line in block.text.splitlines()
        if line.startswith("@prefix")
    }
    prologue = "".join(
        f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items() if p not in declared
    )
    graph = rdflib.Graph().parse(data=prologue + block.text, format="turtle")
    assert len(graph) > 0, f"{block.where()}: the Turtle example holds no triple"


def _sparql(block: Block) -> None:
    result = msbackpain.load().query(block.text, timeout=None)
    assert result.variables, f"{block.where()}: the query returned no columns"


def run_page(page: str, text: str | None = None) -> int:
    namespace: dict[str, object] = {"__name__": f"docs:{page}"}
    count = 0
    for block in blocks(page, text):
        if (block.page, block.first_line) in NOT_EXECUTED:
            continue
        count += 1
        if block.lang == "pycon" or (
            block.lang == "python" and block.text.lstrip().startswith(">>>")
        ):
            _doctest(block, namespace)
        elif block.lang == "python":
            code = compile(block.text, block.where(), "exec")
            exec(code, namespace)  # noqa: S102 - running the documentation is the point
        elif block.lang == "console":
            _console(block)
        elif block.lang == "sparql":
            _sparql(block)
        elif block.lang == "turtle":
            _turtle(block)
    return count


#: Pages whose examples take more than a few seconds (they reason, draw or run every query).
SLOW_PAGES = {
    "docs/cookbook.md",
    "docs/guides/ontology.md",
    "docs/guides/reasoning.md",
    "docs/guides/visualisation.md",
}


@pytest.mark.parametrize(
    "page", [pytest.param(p, marks=[pytest.mark.slow] if p in SLOW_PAGES else []) for p in PAGES]
)
def test_page_examples_run(page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    run_page(page)


# -- the harness itself fails when it should ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("```pycon\n>>> 1 + 1\n3\n```\n", AssertionError),
        ("```python\nassert False, 'the docs lie'\n```\n", AssertionError),
        ("```console\n$ msbackpain show baclofen\nnot what it prints\n```\n", AssertionError),
        ('```console\n$ msbackpain show "no such thing"\n...\n```\n', AssertionError),
        ("```console\n$ ls\n```\n", AssertionError),
        ("```sparql\nSELECT ?x WHERE { ?x ?y }\n```\n", msbackpain.QueryError),
        ("```turtle\nmsbp:a msbp:b .\n```\n", Exception),
    ],
    ids=[
        "pycon",
        "python",
        "console-output",
        "console-exit-code",
        "console-not-msbackpain",
        "sparql",
        "turtle",
    ],
)
def test_harness_catches_a_wrong_example(
    text: str, error: type[Exception], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(error):
        run_page("selftest.md", text)


def test_harness_shares_one_namespace_and_accepts_elided_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = (
        "```python\nimport msbackpain\nkg = msbackpain.load()\n```\n\n"
        "```pycon\n>>> kg['baclofen'].label\n'baclofen'\n```\n\n"
        "```console\n$ msbackpain show baclofen  # a comment\nbaclofen  (msbp:Baclofen)\n...\n```\n"
    )
    assert run_page("selftest.md", text) == 3


def test_unknown_block_kind_is_not_covered() -> None:
    (block,) = blocks("selftest.md", "```ruby\nputs 1\n```\n")
    assert block.lang not in RUNNABLE and (block.page, block.first_line) not in NOT_EXECUTED


# -- generated pages ------------------------------------------------------------------------


def test_cookbook_is_current() -> None:
    import gen_cookbook

    assert (DOCS / "cookbook.md").read_text(encoding="utf-8") == gen_cookbook.build(), (
        "docs/cookbook.md is stale: run `make docs-cookbook`"
    )


def test_cookbook_covers_every_named_query_with_its_example() -> None:
    import gen_cookbook

    text = (DOCS / "cookbook.md").read_text(encoding="utf-8")
    for query in msbackpain.queries.list_queries():
        assert f"## `{query.name}`" in text
        params = gen_cookbook.examples(query)
        assert set(params) == {p.name for p in query.parameters}
        assert len(msbackpain.load().run(query.name, **params)) > 0, f"{query.name}: empty example"


def test_cookbook_refuses_a_query_without_an_example(tmp_path: Path) -> None:
    import gen_cookbook

    from msbackpain.queries import parse_query_file

    path = tmp_path / "drugs_in.rq"
    path.write_text(
        "# name: drugs_in\n# description: Drugs of a class.\n# param: cls iri  The class.\n"
        "SELECT ?d WHERE { ?d msbp:memberOfDrugClass ?cls }\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="missing: cls"):
        gen_cookbook.examples(parse_query_file(path))


def test_check_site_finds_remote_resources(tmp_path: Path) -> None:
    import check_site

    (tmp_path / "index.html").write_text(
        '<html><head><link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">'
        '<script src="assets/local.js"></script><style>@import url("//cdn.example.org/x.css");</style>'
        '</head><body><a href="https://example.org/">a link is fine</a>'
        '<img src="https://unpkg.com/x.png"></body></html>',
        encoding="utf-8",
    )
    (tmp_path / "ok.css").write_text("body { background: url(img/a.png) }", encoding="utf-8")
    found = check_site.remote_references(tmp_path)
    assert found == [
        "index.html: https://fonts.googleapis.com/css?family=Roboto",
        "index.html: https://unpkg.com/x.png",
        "index.html: //cdn.example.org/x.css",
    ]
    assert check_site.main([str(tmp_path)]) == 1


def test_api_reference_rewrites_sphinx_roles_into_links() -> None:
    import griffe
    import griffe_sphinx_roles

    package = griffe.load("msbackpain", search_paths=[str(ROOT)])
    assert isinstance(package, griffe.Module)
    text = ":func:`~msbackpain.graph.to_networkx`, :class:`~msbackpain.Relation`, :class:`rdflib.Graph`::"
    assert griffe_sphinx_roles.rewrite(text, package, package.modules_collection) == (
        "[`to_networkx`][msbackpain.graph.to_networkx], "
        "[`Relation`][msbackpain.models.Relation], `rdflib.Graph`:"
    )
