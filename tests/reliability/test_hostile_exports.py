"""Exports never leave a file that does not read back: odd characters, and a kill mid-write."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import networkx as nx
import pyoxigraph
import pytest

import msbackpain
from conftest import ROOT

ODD = 'bell\u0007 nul\u0000 del\u007f ls\u2028 tab\t cr\r nl\n quote" end'
ODD_TTL = (
    "@prefix msbp: <https://w3id.org/msbackpain/> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    'msbp:Odd rdfs:label "bell\\u0007 nul\\u0000 del\\u007F ls\\u2028 tab\\t cr\\r nl\\n quote\\" end"@en ;\n'
    "    msbp:alleviates msbp:Spasticity .\n"
)
RDF = {
    "ttl": pyoxigraph.RdfFormat.TURTLE,
    "nt": pyoxigraph.RdfFormat.N_TRIPLES,
    "jsonld": pyoxigraph.RdfFormat.JSON_LD,
}


@pytest.fixture(scope="module")
def odd(tmp_path_factory: pytest.TempPathFactory) -> msbackpain.KnowledgeGraph:
    source = tmp_path_factory.mktemp("odd") / "odd.ttl"
    source.write_text(ODD_TTL, encoding="utf-8")
    return msbackpain.load(source)


@pytest.mark.parametrize("fmt", sorted(RDF))
def test_control_characters_survive_the_rdf_exports(
    odd: msbackpain.KnowledgeGraph, tmp_path: Path, fmt: str
) -> None:
    target = tmp_path / f"odd.{fmt}"
    odd.export(target, fmt)
    labels = [
        q.object.value
        for q in pyoxigraph.parse(path=str(target), format=RDF[fmt])
        if q.subject == pyoxigraph.NamedNode("https://w3id.org/msbackpain/Odd")
        and q.predicate == pyoxigraph.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    ]
    assert labels == [ODD]


@pytest.mark.parametrize(("fmt", "suffix"), [("kgx-tsv", "tsv"), ("kgx-jsonl", "jsonl")])
def test_control_characters_survive_kgx(
    odd: msbackpain.KnowledgeGraph, tmp_path: Path, fmt: str, suffix: str
) -> None:
    nodes, _ = odd.export(tmp_path / f"odd.{suffix}", fmt)
    if suffix == "jsonl":
        records = [json.loads(line) for line in nodes.read_text(encoding="utf-8").splitlines()]
        assert next(r for r in records if r["id"] == "msbp:Odd")["name"] == ODD
    else:
        import csv

        with nodes.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t"))
        assert next(r for r in rows if r["id"] == "msbp:Odd")["name"] == ODD


@pytest.mark.parametrize(
    ("fmt", "suffix", "kind"), [("xml", "rdf", "RDF/XML"), ("graphml", "graphml", "GraphML")]
)
def test_xml_exports_refuse_what_xml_cannot_hold(
    odd: msbackpain.KnowledgeGraph, tmp_path: Path, fmt: str, suffix: str, kind: str
) -> None:
    target = tmp_path / f"odd.{suffix}"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(msbackpain.ExportError) as info:
        odd.export(target, fmt)
    message = str(info.value)
    assert message.startswith(f"cannot write {target} as {kind}") and "U+0007" in message
    assert "XML 1.0 cannot represent; export Turtle, N-Triples or JSON-LD instead" in message
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_the_bundle_exports_to_xml_and_reads_back(
    kg: msbackpain.KnowledgeGraph, tmp_path: Path
) -> None:
    kg.export(tmp_path / "kg.rdf")
    assert len(
        list(pyoxigraph.parse(path=str(tmp_path / "kg.rdf"), format=pyoxigraph.RdfFormat.RDF_XML))
    ) == len(kg.backend)
    kg.export(tmp_path / "kg.graphml")
    assert (
        nx.read_graphml(tmp_path / "kg.graphml").number_of_nodes()
        == kg.to_networkx().number_of_nodes()
    )


def test_a_lone_surrogate_cannot_enter_the_graph(tmp_path: Path) -> None:
    source = tmp_path / "surrogate.ttl"
    source.write_text('<http://e/a> <http://e/b> "lone \\uD800 half" .\n', encoding="utf-8")
    with pytest.raises(msbackpain.OntologyLoadError, match=r"surrogate.ttl:1: .*D800"):
        msbackpain.load(source)


EXPORTER = """
import sys, msbackpain
kg = msbackpain.load(sys.argv[1], backend="oxigraph")
print("ready", flush=True)
while True:
    kg.export(sys.argv[2])
"""


def test_an_export_killed_mid_write_leaves_the_old_or_a_complete_file(tmp_path: Path) -> None:
    background = tmp_path / "background.nt"
    with background.open("w", encoding="utf-8") as handle:
        for i in range(60_000):
            handle.write(
                f'<http://example.org/e{i}> <http://www.w3.org/2000/01/rdf-schema#label> "entity {i}" .\n'
            )
    target = tmp_path / "kg.nt"
    target.write_text('<http://example.org/old> <http://example.org/p> "old" .\n', encoding="utf-8")
    complete = len(msbackpain.load().backend) + 60_000
    seen = set()
    for delay in (0.05, 0.15, 0.3, 0.5, 0.8):
        process = subprocess.Popen(
            [sys.executable, "-c", EXPORTER, str(background), str(target)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        process.stdout.close()
        count = len(list(pyoxigraph.parse(path=str(target), format=pyoxigraph.RdfFormat.N_TRIPLES)))
        assert count in (1, complete), count  # the old file, or a whole export: never a cut
        seen.add(count)
        for leftover in tmp_path.glob(".kg.nt.*.part"):  # a killed process cannot clean up
            leftover.unlink()
    assert complete in seen
