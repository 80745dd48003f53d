"""Cold start: the precompiled answers are fresh, equal the rdflib store's, and keep engines unloaded.

Timing is measured by ``benchmarks/bench_startup.py``, never asserted here; these tests check
what makes a start fast (no engine imported, no store built) and that it changes no answer.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import msbackpain
from conftest import ROOT
from msbackpain import _precompiled, queries
from msbackpain._bundled import BundledGraph
from msbackpain.backends.base import IRI
from msbackpain.knowledge import KnowledgeGraph
from msbackpain.loading import _build, bundled_files
from msbackpain.models import QueryResult

sys.path.insert(0, str(ROOT / "tools"))

import build_index

HEAVY = ("rdflib", "pyparsing", "multiprocessing", "networkx", "owlready2", "pyshacl")


def _modules_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return set(done.stdout.strip().splitlines()[-1].split())


@pytest.fixture(scope="module")
def store_kg() -> KnowledgeGraph:
    """The bundle in an rdflib store, loaded the way load() did before the index."""
    return _build("rdflib", bundled_files(), {}, None)


@pytest.mark.slow
def test_the_committed_index_is_fresh() -> None:
    committed = (ROOT / "ontology" / _precompiled.INDEX_FILE).read_text(encoding="utf-8")
    assert build_index.build() == committed, "ontology/answers.json is stale: run `make index`"
    assert _precompiled.read() is not None


@pytest.mark.slow
def test_every_precompiled_answer_equals_the_rdflib_store(store_kg: KnowledgeGraph) -> None:
    index = _precompiled.read()
    assert index is not None
    blank = _precompiled.BlankNodes()
    checked = 0
    for query in queries.list_queries():
        table = index.answers.get(query.name)
        if [p.kind for p in query.parameters] not in ([], ["iri"]):
            assert table is None
            continue
        assert table is not None, f"{query.name} is not precompiled"
        for key in sorted(table["results"]):
            if key.startswith("_:"):
                continue  # a blank node's label is the index's own; it names nothing in the store
            params = {query.parameters[0].name: IRI(key)} if query.parameters else {}
            expected = store_kg.backend.query(query.text, params)
            got = index.result(query.name, key)
            assert got is not None
            joined = _precompiled.concatenated(query.text)
            expected = QueryResult(
                expected.variables,
                tuple(
                    {
                        v: (",".join(sorted(x.split(","))) if v in joined and x else x)
                        for v, x in r.items()
                    }
                    for r in expected.rows
                ),
                expected.boolean,
            )
            relabelled = tuple({v: blank(row[v]) for v in row} for row in expected.rows)
            assert (got.variables, got.boolean) == (expected.variables, expected.boolean)
            assert len(got.rows) == len(relabelled), (query.name, key)
            if not any(v and v.startswith("_:") for row in expected.rows for v in row.values()):
                assert got.rows == expected.rows, (query.name, key)
            checked += 1
    assert checked > 500  # every entity for every one-entity question, and the lists


@pytest.mark.slow
def test_domain_answers_equal_the_rdflib_store_for_every_entity(store_kg: KnowledgeGraph) -> None:
    assert isinstance(msbackpain.load(), BundledGraph)
    kg = _fresh()  # not load()'s cached graph, whose store other tests may have built
    named = [e for e in store_kg.index.entities.values() if not e.id.startswith("_:")]
    assert len(named) > 100
    for entity in named:
        for method in ("causes_of", "triggers_of", "qualities_of", "treatments_for"):
            for inferred in (True, False):
                mine = getattr(kg, method)(entity.id, inferred=inferred)
                theirs = getattr(store_kg, method)(entity.id, inferred=inferred)
                assert list(mine) == list(theirs), (method, entity.id, inferred)
                assert mine.gaps == theirs.gaps, (method, entity.id)
    assert kg.pain_types() == store_kg.pain_types()
    assert kg.gaps() == store_kg.gaps()
    assert kg.edges() == store_kg.edges()
    assert kg.plan(["spasticity"]) == store_kg.plan(["spasticity"])
    assert not kg.built, "every domain answer came from the index"


def test_the_store_is_built_on_first_need_and_is_rdflib() -> None:
    kg = _fresh()
    assert not kg.built
    assert [r.subject.label for r in kg.treatments_for("spasticity", inferred=False)] == [
        "muscle relaxant"
    ]
    assert not kg.built
    count = int(repr(kg).rsplit("=", 1)[1].rstrip(">"))
    assert not kg.built
    assert kg.backend.name == "rdflib" and kg.built
    assert len(kg.backend) == count
    assert type(kg.backend.graph).__module__.startswith("rdflib")
    rows = kg.query("SELECT ?d WHERE { ?d msbp:memberOfDrugClass ?c }", c=kg["muscle relaxants"])
    assert sorted(row["d"] for row in rows) == ["msbp:Baclofen", "msbp:Tizanidine"]


def _fresh() -> BundledGraph:
    """A new graph of the bundle as ``load()`` makes it, with nothing cached or built yet."""
    index = _precompiled.read()
    assert index is not None
    return BundledGraph(
        "rdflib",
        lambda: _build("rdflib", bundled_files(), {}, None).backend,
        index,
        sources=bundled_files(),
    )


def test_a_stale_index_is_ignored(tmp_path: Path) -> None:
    source = ROOT / "ontology" / _precompiled.INDEX_FILE
    stale = tmp_path / "answers.json"
    document = json.loads(source.read_text(encoding="utf-8"))
    document["inputs"]["msbackpain.ttl"] = "0" * 64
    stale.write_text(json.dumps(document), encoding="utf-8")
    assert _precompiled.read(stale) is None
    other = tmp_path / "other.json"
    shutil.copy(source, other)
    assert _precompiled.read(other) is not None
    other.write_text(source.read_text(encoding="utf-8")[:1000], encoding="utf-8")  # truncated
    assert _precompiled.read(other) is None
    assert _precompiled.read(tmp_path / "missing.json") is None


def test_other_backends_and_extra_sources_load_a_store(tmp_path: Path) -> None:
    assert not isinstance(msbackpain.load(backend="oxigraph"), BundledGraph)
    extra = tmp_path / "extra.ttl"
    extra.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    kg = msbackpain.load(extra)
    assert not isinstance(kg, BundledGraph)
    assert len(kg.backend) == len(msbackpain.load().backend) + 1


def test_import_loads_no_engine() -> None:
    loaded = _modules_after("import msbackpain")
    assert not loaded & {*HEAVY, "pyoxigraph", "click"}


def test_a_python_answer_loads_no_engine() -> None:
    code = "import msbackpain\nassert len(msbackpain.load().treatments_for('spasticity')) > 0"
    assert not _modules_after(code) & set(HEAVY)


def test_a_cli_answer_loads_no_engine() -> None:
    code = (
        "from msbackpain.cli import main\n"
        "try:\n    main(['triggers', 'spasticity'])\nexcept SystemExit as done:\n"
        "    assert done.code == 0, done.code\n"
    )
    assert not _modules_after(code) & set(HEAVY)
