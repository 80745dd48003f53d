"""Exports as the field's tools read them: byte-identical runs, one description per subject.

RDF/XML with one (typed) description per subject so that pronto reads labels and the class
hierarchy; JSON-LD compacted with the project prefixes, one node object per subject; the
shipped prefix map resolves every CURIE of the KGX export.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import pronto
import pyoxigraph as ox
import pytest
from curies import Converter

import msbackpain
from msbackpain._canonical import canonical_triples
from msbackpain.prefixes import PREFIXES

ROOT = Path(__file__).resolve().parent.parent
RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
OWL = PREFIXES["owl"]
EXPORTS = ("kg.ttl", "kg.nt", "kg.owl", "kg.jsonld", "kg.graphml", "kg.tsv", "kg.jsonl")
FILES = (
    "kg.ttl",
    "kg.nt",
    "kg.owl",
    "kg.jsonld",
    "kg.graphml",
    "kg_nodes.tsv",
    "kg_edges.tsv",
    "kg_nodes.jsonl",
    "kg_edges.jsonl",
)
_SCRIPT = (
    "import sys, msbackpain\n"
    "kg = msbackpain.load()\n"
    "for name in sys.argv[2:]:\n"
    "    kg.export(sys.argv[1] + '/' + name)\n"
)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Export every format in two fresh processes with different hash seeds."""
    folders = []
    for seed in ("1", "2"):
        folder = tmp_path_factory.mktemp(f"seed{seed}")
        env = {**os.environ, "PYTHONHASHSEED": seed}
        command = [sys.executable, "-c", _SCRIPT, str(folder), *EXPORTS]
        subprocess.run(command, check=True, env=env, timeout=600)
        folders.append(folder)
    return folders[0], folders[1]


def _triples(path: Path, fmt: ox.RdfFormat) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(path=str(path), format=fmt)]


@pytest.mark.slow
@pytest.mark.parametrize("name", FILES)
def test_exports_are_byte_identical_across_processes(runs: tuple[Path, Path], name: str) -> None:
    first, second = (folder / name for folder in runs)
    assert first.stat().st_size > 0
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.slow
def test_rdfxml_has_one_description_per_subject(runs: tuple[Path, Path]) -> None:
    folder = runs[0]
    root = ET.parse(folder / "kg.owl").getroot()  # noqa: S314 - our own export
    ids = [
        element.get(f"{{{RDF}}}about") or "_:" + str(element.get(f"{{{RDF}}}nodeID"))
        for element in root
    ]
    subjects = {
        str(t.subject).strip("<>") for t in _triples(folder / "kg.nt", ox.RdfFormat.N_TRIPLES)
    }
    assert len(ids) == len(set(ids)) == len(subjects)
    assert set(ids) == subjects
    typed = [e for e in root if e.tag != f"{{{RDF}}}Description"]
    typed_subjects = {
        str(t.subject).strip("<>")
        for t in _triples(folder / "kg.nt", ox.RdfFormat.N_TRIPLES)
        if t.predicate.value == RDF + "type"
    }
    assert len(typed) == len(typed_subjects)  # every subject with a type is a typed node


def _value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    return str(term) if isinstance(term, ox.Triple) else term.value


def test_pronto_reads_labels_and_hierarchy(runs: tuple[Path, Path]) -> None:
    folder = runs[0]
    triples = [
        (t.subject, _value(t.predicate), t.object)
        for t in _triples(folder / "kg.nt", ox.RdfFormat.N_TRIPLES)
    ]
    classes = {
        _value(s)
        for s, p, o in triples
        if isinstance(s, ox.NamedNode) and p == RDF + "type" and _value(o) == OWL + "Class"
    }
    labels = {_value(s): _value(o) for s, p, o in triples if p == RDFS + "label"}
    parents: dict[str, set[str]] = {c: set() for c in classes}
    for s, p, o in triples:
        if isinstance(o, ox.NamedNode) and _value(s) in classes and p == RDFS + "subClassOf":
            parents[_value(s)].add(o.value)
    with warnings.catch_warnings():
        # pronto guesses the encoding with chardet even though the file declares UTF-8.
        warnings.filterwarnings("ignore", "unsound encoding", UnicodeWarning)
        # and says so for the OWL it does not model (rdfs:domain, axiom annotations...).
        warnings.simplefilter("ignore", pronto.warnings.ProntoWarning)
        ontology = pronto.Ontology(  # type: ignore[attr-defined]
            str(folder / "kg.owl")
        )
    read = {
        term.id: (term.name, {p.id for p in term.superclasses(distance=1, with_self=False)})
        for term in ontology.terms()
    }
    assert len(classes) > 30
    assert read == {c: (labels[c], parents[c]) for c in classes}


def test_jsonld_is_compacted_one_node_per_subject(runs: tuple[Path, Path]) -> None:
    folder = runs[0]
    document = json.loads((folder / "kg.jsonld").read_text(encoding="utf-8"))
    nt = _triples(folder / "kg.nt", ox.RdfFormat.N_TRIPLES)
    ids = [node["@id"] for node in document["@graph"]]
    assert len(ids) == len(set(ids)) == len({t.subject for t in nt})
    assert "msbp:Baclofen" in ids  # compacted with the project prefixes
    jsonld = _triples(folder / "kg.jsonld", ox.RdfFormat.JSON_LD)
    assert [str(t) for t in canonical_triples(jsonld)] == [str(t) for t in canonical_triples(nt)]


def test_prefix_map_is_shipped_and_resolves_the_kgx_ids(runs: tuple[Path, Path]) -> None:
    shipped = ROOT / "msbackpain" / "prefixes.json"
    assert json.loads(shipped.read_text(encoding="utf-8")) == PREFIXES
    converter = Converter.from_prefix_map(str(shipped))
    nodes = (runs[0] / "kg_nodes.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in nodes]
    assert len(records) > 100
    for record in records:
        assert converter.expand(record["id"]) == record["iri"]
        for xref in record.get("xref", []):
            assert converter.expand(xref) == msbackpain.prefixes.expand(xref)
    fresh = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_prefix_map.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert fresh.returncode == 0, fresh.stderr
