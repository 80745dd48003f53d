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


@pytest.mark.slow
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


@pytest.mark.slow
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
    for delay in (0.05, 0.3, 0.8, 2.0, 4.0):
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


def test_an_export_never_replaces_a_symbolic_link(
    kg: msbackpain.KnowledgeGraph, tmp_path: Path
) -> None:
    precious = tmp_path / "precious.txt"
    precious.write_text("keep\n", encoding="utf-8")
    link = tmp_path / "kg.ttl"
    link.symlink_to(precious)
    with pytest.raises(msbackpain.ExportError) as info:
        kg.export(link)
    assert str(info.value) == (
        f"cannot write {link}: it is a symbolic link (to {precious}); "
        "export to the file itself, or remove the link"
    )
    assert link.is_symlink() and precious.read_text(encoding="utf-8") == "keep\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg.ttl", "precious.txt"]


def test_an_export_never_replaces_a_device_or_a_pipe(
    kg: msbackpain.KnowledgeGraph, tmp_path: Path
) -> None:
    import os
    import stat

    pipe = tmp_path / "kg.nt"
    os.mkfifo(pipe)
    for target in (Path("/dev/null"), pipe):
        with pytest.raises(msbackpain.ExportError) as info:
            kg.export(target, "nt")
        assert str(info.value) == (
            f"cannot write {target}: it is not a regular file (a device, pipe or socket); "
            "export to a regular file"
        )
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)
    assert stat.S_ISFIFO(pipe.lstat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg.nt"]


def test_new_exports_respect_the_umask_and_replaced_ones_keep_their_mode(
    kg: msbackpain.KnowledgeGraph, tmp_path: Path
) -> None:
    import os
    import stat

    old = os.umask(0o027)
    try:
        kg.export(tmp_path / "new.nt")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.nt").stat().st_mode) == 0o640
    kept = tmp_path / "kept.nt"
    kept.write_text("old\n", encoding="utf-8")
    kept.chmod(0o604)
    kg.export(kept)
    assert stat.S_IMODE(kept.stat().st_mode) == 0o604


KILLED_BETWEEN_RENAMES = """
import os, signal, sys, msbackpain
from pathlib import Path
kg = msbackpain.load(sys.argv[1])
real = os.replace
def replace(source, target):
    real(source, target)
    if str(target).endswith("_nodes.tsv"):
        os.kill(os.getpid(), signal.SIGKILL)  # between the nodes and the edges rename
os.replace = replace
kg.export(sys.argv[2])
"""


@pytest.mark.slow
def test_a_kgx_export_killed_between_its_renames_is_finished_whole(tmp_path: Path) -> None:
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "@prefix msbp: <https://w3id.org/msbackpain/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'msbp:Extra rdfs:label "extra" ; msbp:alleviates msbp:Spasticity .\n',
        encoding="utf-8",
    )
    target = tmp_path / "kg.tsv"
    nodes, edges = msbackpain.load().export(target)  # the old pair
    old_edges = edges.read_text(encoding="utf-8")
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_BETWEEN_RENAMES, str(extra), str(target)],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert killed.returncode == -signal.SIGKILL
    record = tmp_path / ".kg_nodes.tsv.commit"
    assert record.exists()  # the commit record says which renames are still to do
    assert "msbp:Extra" in nodes.read_text(encoding="utf-8")
    assert edges.read_text(encoding="utf-8") == old_edges
    from msbackpain._atomic import recover

    recover([nodes, edges])  # what the next export of the pair does first
    assert not record.exists()
    assert "msbp:Extra" in edges.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "extra.ttl",
        "kg_edges.tsv",
        "kg_nodes.tsv",
    ]


def test_a_kgx_export_that_fails_before_its_commit_leaves_both_old_files(
    kg: msbackpain.KnowledgeGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nodes, edges = kg.export(tmp_path / "kg.jsonl")
    before = (nodes.read_bytes(), edges.read_bytes())
    import msbackpain.kgx

    def broken(*args: object, **kwargs: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(msbackpain.kgx, "edge_records", broken)
    with pytest.raises(KeyboardInterrupt):
        kg.export(tmp_path / "kg.jsonl")
    assert (nodes.read_bytes(), edges.read_bytes()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg_edges.jsonl", "kg_nodes.jsonl"]
