"""Exports: RDF round trips, GraphML, KGX checked against the Biolink model, atomic writes."""

from __future__ import annotations

import csv
import json
import warnings
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
import rdflib
from rdflib.compare import isomorphic

import msbackpain
from msbackpain import export as export_module
from msbackpain.kgx import CATEGORIES, EDGE_COLUMNS, NODE_COLUMNS, PREDICATES

RDF_FORMATS = [("kg.ttl", "turtle"), ("kg.nt", "nt"), ("kg.rdf", "xml"), ("kg.jsonld", "json-ld")]


def _source_graph(kg: msbackpain.KnowledgeGraph) -> rdflib.Graph:
    text = "".join(f"{s} {p} {o} .\n" for s, p, o in kg.backend.triples())
    return rdflib.Graph().parse(data=text, format="turtle")


def _parse(path: Path, rdflib_format: str) -> rdflib.Graph:
    with warnings.catch_warnings():  # rdflib's JSON-LD parser uses its deprecated ConjunctiveGraph
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        return rdflib.Graph().parse(path, format=rdflib_format)


def _oxigraph_term(term: Any) -> Any:
    import pyoxigraph

    if isinstance(term, rdflib.URIRef):
        return pyoxigraph.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return pyoxigraph.BlankNode(str(term))
    if term.language:
        return pyoxigraph.Literal(str(term), language=term.language)
    return pyoxigraph.Literal(
        str(term), datatype=pyoxigraph.NamedNode(str(term.datatype)) if term.datatype else None
    )


def _canonical(graph: rdflib.Graph) -> set[str]:
    """The graph after RDF Dataset Canonicalization (RDFC-1.0): equal sets = isomorphic graphs.

    rdflib.compare.isomorphic gives the same verdict but takes ~20 s per comparison on the
    bundle's ~750 blank nodes; pyoxigraph's canonicalisation takes 25 ms.
    """
    import pyoxigraph

    dataset = pyoxigraph.Dataset(
        pyoxigraph.Quad(*(_oxigraph_term(t) for t in triple)) for triple in graph
    )
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(quad) for quad in dataset}


@pytest.mark.slow
@pytest.mark.parametrize(("name", "rdflib_format"), RDF_FORMATS)
def test_rdf_exports_round_trip(
    kg: msbackpain.KnowledgeGraph, tmp_path: Path, name: str, rdflib_format: str
) -> None:
    (written,) = kg.export(tmp_path / name)
    assert written == tmp_path / name
    parsed = _parse(written, rdflib_format)
    source = _source_graph(kg)
    assert len(parsed) == len(source) > 5000
    assert _canonical(parsed) == _canonical(source)


@pytest.mark.slow
@pytest.mark.parametrize(("name", "rdflib_format"), RDF_FORMATS)
def test_asserted_only_export_drops_exactly_the_inferences(
    kg: msbackpain.KnowledgeGraph, tmp_path: Path, name: str, rdflib_format: str
) -> None:
    from msbackpain.reasoning import _asserted

    (written,) = kg.export(tmp_path / name, inferred=False)
    parsed = _parse(written, rdflib_format)
    expected = _asserted(_source_graph(kg))
    assert _canonical(parsed) == _canonical(expected)
    bundle = rdflib.Graph().parse(msbackpain.loading.bundled_files()[0], format="turtle")
    assert _canonical(parsed) == _canonical(bundle)  # = the asserted ontology file
    assert not list(parsed.triples((None, rdflib.URIRef("https://w3id.org/msbackpain/rule"), None)))


def test_jsonld_needs_no_remote_context(kg: msbackpain.KnowledgeGraph, tmp_path: Path) -> None:
    (written,) = kg.export(tmp_path / "kg.json", format="json-ld")
    document = json.loads(written.read_text(encoding="utf-8"))
    context = document["@context"]
    assert isinstance(context, dict)  # inline: nothing to fetch
    namespaces = {
        k: v if isinstance(v, str) else v["@id"] for k, v in context.items() if k[0] != "@"
    }
    assert namespaces == msbackpain.prefixes.PREFIXES


def test_canonical_comparison_agrees_with_rdflib_isomorphic() -> None:
    # The fast check above is only trusted because it agrees with rdflib's own.
    a = rdflib.Graph().parse(
        data="[] <urn:p> [ <urn:q> 1 ] . <urn:s> <urn:p> [] .", format="turtle"
    )
    b = rdflib.Graph().parse(
        data="<urn:s> <urn:p> [] . [] <urn:p> [ <urn:q> 1 ] .", format="turtle"
    )
    c = rdflib.Graph().parse(
        data="[] <urn:p> [ <urn:q> 2 ] . <urn:s> <urn:p> [] .", format="turtle"
    )
    assert isomorphic(a, b) and _canonical(a) == _canonical(b)
    assert not isomorphic(a, c) and _canonical(a) != _canonical(c)


def test_graphml(kg: msbackpain.KnowledgeGraph, tmp_path: Path) -> None:
    (written,) = kg.export(tmp_path / "kg.graphml")
    read = nx.read_graphml(written, force_multigraph=True)
    source = kg.to_networkx()
    assert set(read.nodes) == set(source.nodes)
    assert set(read.edges(keys=True)) == set(source.edges(keys=True))
    edge = read.edges["msbp:Baclofen", "msbp:Spasticity", "msbp:treats"]
    assert edge["inferred"] is True and edge["rule"] == "msbp:ruleDrugClassTreatment"
    asserted = read.edges["msbp:Baclofen", "msbp:MuscleRelaxants", "msbp:memberOfDrugClass"]
    assert asserted["paragraphs"] == "P29" and asserted["knowledge_level"] == "knowledge_assertion"
    assert read.nodes["msbp:LhermittesSign"]["label"] == "Lhermitte's sign"


# -- KGX --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def toolkit() -> Any:
    """bmt on the Biolink model shipped by the biolink-model package (no download)."""
    import biolink_model
    from bmt import Toolkit

    schema = Path(next(iter(biolink_model.__path__))) / "schema" / "biolink_model.yaml"
    return Toolkit(schema=str(schema), predicate_map={"predicate mappings": []})


def _read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _split(value: str) -> list[str]:
    return value.split("|") if value else []


@pytest.fixture(scope="module")
def kgx_tsv(kg: msbackpain.KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> Any:
    nodes, edges = kg.export(tmp_path_factory.mktemp("kgx") / "msbackpain.tsv")
    return _read_tsv(nodes), _read_tsv(edges)


def test_kgx_files_and_columns(kg: msbackpain.KnowledgeGraph, tmp_path: Path) -> None:
    written = kg.export(tmp_path / "out", format="kgx")
    assert [p.name for p in written] == ["out_nodes.tsv", "out_edges.tsv"]
    assert tuple(_read_tsv(written[0])[0]) == NODE_COLUMNS
    assert tuple(_read_tsv(written[1])[0]) == EDGE_COLUMNS
    jsonl = kg.export(tmp_path / "out_nodes.jsonl")
    assert [p.name for p in jsonl] == ["out_nodes.jsonl", "out_edges.jsonl"]


@pytest.mark.slow
def test_kgx_passes_the_biolink_check(toolkit: Any, kgx_tsv: Any) -> None:
    nodes, edges = kgx_tsv
    assert toolkit.get_model_version() == "4.4.6"
    levels = set(toolkit.view.get_enum("KnowledgeLevelEnum").permissible_values)
    agents = set(toolkit.view.get_enum("AgentTypeEnum").permissible_values)
    ids = set()
    for node in nodes:
        assert node["id"].count(":") >= 1 and node["name"]
        for category in _split(node["category"]):
            element = toolkit.get_element(category)
            # A real class (not an alias, a mixin or an abstract class).
            assert element is not None and element.class_uri == category, category
            assert toolkit.is_category(category) and not element.mixin and not element.abstract
        ids.add(node["id"])
    assert len(ids) == len(nodes)
    for edge in edges:
        element = toolkit.get_element(edge["predicate"])
        assert element is not None and element.slot_uri == edge["predicate"], edge["predicate"]
        assert toolkit.is_predicate(edge["predicate"]) and not element.mixin
        assert edge["subject"] in ids and edge["object"] in ids
        assert edge["knowledge_level"] in levels and edge["agent_type"] in agents
        assert edge["primary_knowledge_source"].startswith("infores:")
        for slot in ("knowledge_level", "agent_type", "primary_knowledge_source", "publications"):
            assert toolkit.get_element(slot) is not None
    for column in ("supporting_text", "original_predicate", "aggregator_knowledge_source"):
        assert toolkit.get_element(column) is not None  # real Biolink slots


def test_kgx_mapping_tables_are_valid(toolkit: Any) -> None:
    for curie, (category, reason) in CATEGORIES.items():
        assert toolkit.get_element(category).class_uri == category, curie
        assert reason
    for curie, (predicate, reason) in PREDICATES.items():
        assert toolkit.get_element(predicate).slot_uri == predicate, curie
        assert reason


def test_kgx_edges_say_what_the_graph_says(kg: msbackpain.KnowledgeGraph, kgx_tsv: Any) -> None:
    nodes, edges = kgx_tsv
    by_key = {(e["subject"], e["original_predicate"], e["object"]): e for e in edges}
    exported = [r for r in kg.edges() if "msbp:KnowledgeGap" not in r.subject.categories]
    assert len(edges) == len(exported)
    trigger = by_key[("msbp:Heat", "msbp:triggers", "msbp:LhermittesSign")]
    assert trigger["predicate"] == "biolink:exacerbates_condition"
    assert trigger["knowledge_level"] == "knowledge_assertion"
    assert trigger["agent_type"] == "manual_agent"
    assert trigger["primary_knowledge_source"] == "infores:healthline"
    assert trigger["aggregator_knowledge_source"] == "infores:msbackpain"
    assert _split(trigger["publications"]) == [
        "https://www.healthline.com/health/multiple-sclerosis/back-pain"
    ]
    assert _split(trigger["paragraphs"]) and trigger["supporting_text"]
    inferred = by_key[("msbp:Baclofen", "msbp:treats", "msbp:Spasticity")]
    assert (inferred["predicate"], inferred["knowledge_level"], inferred["agent_type"]) == (
        "biolink:applied_to_treat",
        "logical_entailment",
        "automated_agent",
    )
    assert inferred["primary_knowledge_source"] == "infores:msbackpain"
    assert inferred["inference_rule"] == "msbp:ruleDrugClassTreatment"
    eases = by_key[("msbp:StretchingTightMuscles", "msbp:alleviates", "msbp:MSRelatedBackPain")]
    assert eases["predicate"] == "biolink:ameliorates_condition"
    categories = {n["id"]: n["category"] for n in nodes}
    assert categories["msbp:Baclofen"] == "biolink:Drug"
    assert categories["msbp:LhermittesSign"] == "biolink:PhenotypicFeature"
    assert categories["msbp:MultipleSclerosis"] == "biolink:Disease"
    assert not any(i.startswith(("msbp:Gap", "msbp:rule")) for i in categories)
    xrefs = {n["id"]: _split(n["xref"]) for n in nodes}
    assert "HP:0032504" in xrefs["msbp:LhermittesSign"]


def test_kgx_tsv_and_jsonl_hold_the_same_records(
    kg: msbackpain.KnowledgeGraph, tmp_path: Path, kgx_tsv: Any
) -> None:
    nodes, edges = kg.export(tmp_path / "kg.jsonl")
    tsv_nodes, tsv_edges = kgx_tsv

    def as_tsv(record: dict[str, Any], columns: tuple[str, ...]) -> dict[str, str]:
        return {
            c: "|".join(record[c]) if isinstance(record.get(c), list) else str(record.get(c, ""))
            for c in columns
        }

    assert [as_tsv(r, NODE_COLUMNS) for r in _read_jsonl(nodes)] == tsv_nodes
    assert [as_tsv(r, EDGE_COLUMNS) for r in _read_jsonl(edges)] == tsv_edges


# -- bad input and atomic writes ------------------------------------------------------------


def test_unknown_format_leaves_the_file_alone(
    kg: msbackpain.KnowledgeGraph, tmp_path: Path
) -> None:
    target = tmp_path / "kg.ttl"
    target.write_text("precious", encoding="utf-8")
    with pytest.raises(msbackpain.ExportError, match="unknown export format 'pdf'"):
        kg.export(target, format="pdf")
    with pytest.raises(msbackpain.ExportError, match="cannot tell the export format"):
        kg.export(tmp_path / "kg.docx")
    assert target.read_text(encoding="utf-8") == "precious"


@pytest.mark.parametrize("kind", ["missing-folder", "folder", "parent-is-a-file"])
def test_unwritable_paths(kg: msbackpain.KnowledgeGraph, tmp_path: Path, kind: str) -> None:
    if kind == "missing-folder":
        target, expected = tmp_path / "nope" / "kg.ttl", "does not exist"
    elif kind == "folder":
        target, expected = tmp_path / "dir.ttl", "it is a folder"
        target.mkdir()
    else:
        (tmp_path / "file").write_text("x", encoding="utf-8")
        target, expected = tmp_path / "file" / "kg.ttl", "does not exist"
    with pytest.raises(msbackpain.ExportError, match=expected) as info:
        kg.export(target)
    assert "\n" not in str(info.value)
    assert isinstance(info.value, OSError)


def test_interrupted_export_keeps_the_old_file(
    kg: msbackpain.KnowledgeGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyoxigraph

    target = tmp_path / "kg.nt"
    target.write_text("old content\n", encoding="utf-8")
    real = pyoxigraph.serialize

    def broken(triples: Any, output: Any, *args: Any, **kwargs: Any) -> None:
        real(list(triples)[:10], output, *args, **kwargs)  # part of the file is written...
        raise KeyboardInterrupt  # ...then the user presses Ctrl-C

    monkeypatch.setattr(pyoxigraph, "serialize", broken)
    with pytest.raises(KeyboardInterrupt):
        kg.export(target)
    assert target.read_text(encoding="utf-8") == "old content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg.nt"]  # no temporary left over


def test_export_format_names() -> None:
    assert export_module.export_format("a.owl") == "xml"
    assert export_module.export_format("a", "N-Triples") == "nt"
    assert set(export_module.FORMATS) == {
        "ttl",
        "nt",
        "xml",
        "jsonld",
        "graphml",
        "kgx-tsv",
        "kgx-jsonl",
    }


# -- the command line -------------------------------------------------------------------------


def _cli(*args: str) -> tuple[int, str, str]:
    from click.testing import CliRunner

    from msbackpain.cli import main

    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cli_export(tmp_path: Path) -> None:
    code, out, _ = _cli("export", str(tmp_path / "kg.ttl"))
    assert code == 0 and out.startswith(f"wrote {tmp_path / 'kg.ttl'} (")
    code, out, _ = _cli("export", str(tmp_path / "kg"), "--format", "kgx-jsonl", "--json")
    assert code == 0
    assert json.loads(out) == {
        "files": [str(tmp_path / "kg_nodes.jsonl"), str(tmp_path / "kg_edges.jsonl")]
    }
    code, _, _ = _cli("export", str(tmp_path / "asserted.nt"), "--asserted-only")
    asserted = rdflib.Graph().parse(tmp_path / "asserted.nt", format="nt")
    full = rdflib.Graph().parse(tmp_path / "kg.ttl", format="turtle")
    assert code == 0 and 0 < len(asserted) < len(full)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["kg.pdf"], "error: ExportError: cannot tell the export format of"),
        (["a-file/kg.ttl"], "error: ExportError: cannot write"),  # missing folders are made
    ],
)
def test_cli_export_errors(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    code, out, err = _cli("export", *(str(tmp_path / a) for a in args))
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message)


def test_kgx_edges_carry_the_sources_hedge(kg: msbackpain.KnowledgeGraph, kgx_tsv: Any) -> None:
    from msbackpain.kgx import _edge
    from msbackpain.models import Entity, Evidence, Relation

    _, edges = kgx_tsv
    by_key = {(e["subject"], e["original_predicate"], e["object"]): e for e in edges}
    for relation in kg.edges():
        if relation.key in by_key:
            modality = relation.evidence.modality if relation.evidence else None
            assert by_key[relation.key]["modality"] == (modality or ""), relation
    drug = Entity("msbp:Antidepressants", "https://w3id.org/msbackpain/Antidepressants", "a")
    pain = Entity("msbp:NeuropathicPain", "https://w3id.org/msbackpain/NeuropathicPain", "n")
    evidence = Evidence("s", ("P30",), "x", "knowledge_assertion", "certain types of")
    record = _edge(Relation(drug, "msbp:treats", pain, evidence))
    assert record["modality"] == "certain types of" and "modality" in EDGE_COLUMNS
    assert record["predicate"] == "biolink:applied_to_treat"
