"""KnowledgeGraph: lookup, Mapping behaviour, domain methods, results, errors, loading."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import msbackpain
from conftest import DATA, labels


@pytest.mark.parametrize(
    "text",
    [
        "Lhermitte's sign",
        "lhermittes sign",
        "LHERMITTES-SIGN",
        "Lhermitte\u2019s  sign",
        " lhermitte's_sign ",
        "msbp:LhermittesSign",
        "LhermittesSign",
        "https://w3id.org/msbackpain/LhermittesSign",
        "<https://w3id.org/msbackpain/LhermittesSign>",
        "HP:0032504",
        "hp:0032504",
        "http://purl.obolibrary.org/obo/HP_0032504",
    ],
)
def test_lookup_ignores_case_apostrophes_hyphens_and_spacing(
    kg: msbackpain.KnowledgeGraph, text: str
) -> None:
    assert kg.entity(text).id == "msbp:LhermittesSign"


def test_lookup_by_synonym_and_entity(kg: msbackpain.KnowledgeGraph) -> None:
    assert kg.entity("NSAIDs").id == "msbp:NSAIDs"
    assert kg.entity("hydrotherapy").id == "msbp:WaterTherapy"
    assert kg.entity("demyelination").id == "msbp:MyelinLoss"
    assert kg.entity(kg.entity("baclofen")) == kg.entity("baclofen")
    assert kg.entity("CHEBI:2972").label == "baclofen"  # an xref CURIE


def test_exact_xref_beats_narrow_match(kg: msbackpain.KnowledgeGraph) -> None:
    # HP:0032504 is exact for Lhermitte's sign and narrow for the electric-shock sensation.
    assert kg.entity("HP:0032504").id == "msbp:LhermittesSign"


def test_ambiguous_xref_lists_the_candidates(kg: msbackpain.KnowledgeGraph) -> None:
    with pytest.raises(msbackpain.EntityNotFound) as info:
        kg.entity("HP:0012531")  # "Pain": a broad match of burning, sharp and stabbing
    assert info.value.suggestions == ("burning", "sharp", "stabbing")
    assert (
        str(info.value)
        == "no entity matches 'HP:0012531 (ambiguous)'; did you mean 'burning', 'sharp', 'stabbing'?"
    )


def test_unknown_entity_suggests_close_matches(kg: msbackpain.KnowledgeGraph) -> None:
    with pytest.raises(msbackpain.EntityNotFound) as info:
        kg.entity("spastisity")
    assert info.value.suggestions[0] == "spasticity"
    assert isinstance(info.value, KeyError)
    assert str(info.value).startswith("no entity matches 'spastisity'; did you mean 'spasticity'")
    with pytest.raises(msbackpain.EntityNotFound, match=r"^no entity matches 'zzzz'$"):
        kg.entity("zzzz")


def test_mapping_protocol(kg: msbackpain.KnowledgeGraph) -> None:
    assert kg["spasticity"].id == "msbp:Spasticity"
    assert kg.get("nope") is None
    assert "baclofen" in kg and "nope" not in kg
    not_a_name: object = 42
    assert not_a_name not in kg  # a Mapping answers False for any key type
    assert len(kg) == len(list(kg)) == 132
    assert list(kg) == sorted(kg)
    assert all(key.startswith("msbp:") for key in kg)
    assert kg.keys() and dict(kg.items())["msbp:Baclofen"].label == "baclofen"


def test_entity_fields(kg: msbackpain.KnowledgeGraph) -> None:
    e = kg["spasticity"]
    assert e.iri == "https://w3id.org/msbackpain/Spasticity"
    assert e.categories == ("msbp:BackPainReason",)
    assert e.synonyms == ("muscle spasticity",)
    assert e.paragraphs == ("P15", "P29")
    assert [(x.curie, x.match) for x in e.xrefs][:3] == [
        ("HP:0001257", "exact"),
        ("MESH:D009128", "exact"),
        ("SYMP:0000141", "exact"),
    ]
    assert e.definition and "lower back" in e.definition
    assert repr(e) == "Entity('msbp:Spasticity', 'spasticity')"
    assert json.loads(json.dumps(e.to_dict()))["xrefs"][0] == {
        "curie": "HP:0001257",
        "match": "exact",
    }


def test_search_ranks_names_before_definitions(kg: msbackpain.KnowledgeGraph) -> None:
    hits = [e.label for e in kg.search("neck")]
    assert hits[:3] == ["neck", "bending the neck", "avoiding triggering neck movements"]
    assert "Lhermitte's sign" in hits  # only its definition mentions the neck
    assert kg.search("spastisity")[0].label == "spasticity"  # fuzzy
    assert kg.search("") == () and kg.search("qqqqqq") == ()
    assert len(kg.search("pain", limit=3)) == 3


def test_pain_types(kg: msbackpain.KnowledgeGraph) -> None:
    assert labels(kg.pain_types()) == [
        "Lhermitte's sign",
        "back pain from mobility-aid misuse",
        "back pain not related to MS",
        "muscle weakness",
        "neuropathic pain",
        "spasticity",
    ]


def test_domain_methods(kg: msbackpain.KnowledgeGraph) -> None:
    assert labels(r.subject for r in kg.triggers_of("spasticity")) == [
        "changes in position",
        "extreme temperatures",
        "humidity",
        "infections",
        "sudden movements",
        "tight clothing",
    ]
    assert labels(r.subject for r in kg.causes_of("muscle weakness", inferred=False)) == [
        "damage to muscle-stimulating nerves",
        "multiple sclerosis",
        "reduced activity level",
    ]
    assert labels(r.object for r in kg.qualities_of("neuropathic pain")) == [
        "burning",
        "sharp",
        "squeezing",
        "stabbing",
        "tingling",
    ]
    assert labels(r.object for r in kg.benefits_of("heated pool")) == [
        "relaxed muscles",
        "soothed and supported joints",
    ]
    cautions = kg.cautions_for("complementary therapy")
    assert {(r.predicate, r.object.label) for r in cautions} == {
        ("msbp:hasCaution", "complementary therapy is an add-on"),
        ("msbp:hasCaution", "consult a doctor before a new complementary therapy"),
        ("msbp:requiresConsultationWith", "doctor"),
    }
    assert cautions.gaps == ()
    # Only the muscle relaxants treat spasticity (P29): no lost list is involved.
    assert [g.paragraphs for g in kg.treatments_for("spasticity").gaps] == []


def test_gaps_say_not_stated_rather_than_none(kg: msbackpain.KnowledgeGraph) -> None:
    answer = kg.triggers_of("neuropathic pain")
    assert list(answer) == [] and answer.gaps[0].entity.id == "msbp:GapNeuropathicRiskFactors"
    assert kg.causes_of("back pain not related to MS").gaps[0].paragraphs == ("P23",)
    assert kg.triggers_of("spasticity").gaps == ()
    gaps = kg.gaps()
    assert [(g.entity.id, g.missing_relation) for g in gaps] == [
        ("msbp:GapComplementaryOptions", "msbp:hasSubtype"),
        ("msbp:GapNeuropathicRiskFactors", "msbp:triggeredBy"),
        ("msbp:GapNonMSBackPainFactors", "msbp:hasContributingFactor"),
    ]
    assert labels(gaps[1].concerns) == ["eliminating neuropathic-pain triggers", "neuropathic pain"]


def test_relation_results(kg: msbackpain.KnowledgeGraph) -> None:
    relation = kg.triggers_of("Lhermitte's sign", inferred=False)[0]
    assert isinstance(relation, msbackpain.Relation)
    assert (
        relation.evidence is not None
        and relation.evidence.paragraph in relation.evidence.paragraphs
    )
    assert (
        relation.evidence.source == "https://www.healthline.com/health/multiple-sclerosis/back-pain"
    )
    assert relation.evidence.knowledge_level == "knowledge_assertion"
    data = json.loads(json.dumps(relation.to_dict()))
    assert data["predicate"] == "msbp:triggers" and data["inferred"] is False and data["via"] == []
    assert repr(kg.relation(("msbp:Heat", "msbp:triggers", "msbp:LhermittesSign"))) == (
        "Relation('heat' msbp:triggers \"Lhermitte's sign\" [P12,P13])"
    )
    answer = kg.triggers_of("neuropathic pain")
    gaps = answer.to_dict()["gaps"]
    assert isinstance(gaps, list) and gaps[0]["paragraphs"] == ["P08", "P09"]
    with pytest.raises(msbackpain.EdgeNotFound, match="no edge msbp:Heat msbp:treats"):
        kg.relation(("msbp:Heat", "msbp:treats", "msbp:Spasticity"))


def test_answers_are_immutable(kg: msbackpain.KnowledgeGraph) -> None:
    first = kg.treatments_for("spasticity")
    assert isinstance(first, tuple) and not hasattr(first, "clear")
    assert kg.treatments_for("spasticity") is first


def test_named_queries_catalogue() -> None:
    names = msbackpain.queries.names()
    assert names == dict(sorted(names.items()))
    assert {
        "treatments_for",
        "triggers_of",
        "causes_of",
        "gaps",
        "pain_types",
        "conflicts_for",
    } <= set(names)
    for query in msbackpain.queries.list_queries():
        assert query.description and query.path.name == f"{query.name}.rq"


def test_run_named_query_with_entity_parameter(kg: msbackpain.KnowledgeGraph) -> None:
    by_label = kg.run("triggers_of", pain="spasticity")
    by_entity = kg.run("triggers_of", pain=kg["spasticity"])
    by_iri = kg.run("triggers_of", pain=msbackpain.IRI("https://w3id.org/msbackpain/Spasticity"))
    assert by_label.rows == by_entity.rows == by_iri.rows and len(by_label) == 6


def test_run_errors(kg: msbackpain.KnowledgeGraph) -> None:
    with pytest.raises(msbackpain.UnknownQueryError) as info:
        kg.run("treatment_for")
    assert info.value.suggestions[0] == "treatments_for" and isinstance(info.value, KeyError)
    with pytest.raises(
        msbackpain.QueryParameterError, match=r"has no parameter 'pian'; did you mean 'pain'\?"
    ):
        kg.run("triggers_of", pian="spasticity")
    with pytest.raises(msbackpain.QueryParameterError, match=r"needs parameter\(s\) pain"):
        kg.run("triggers_of")
    with pytest.raises(msbackpain.QueryParameterError, match="must name an entity, got 3"):
        kg.run("triggers_of", pain=3)
    with pytest.raises(msbackpain.EntityNotFound):
        kg.run("triggers_of", pain="no such pain")


def test_adhoc_query_binds_values(kg: msbackpain.KnowledgeGraph) -> None:
    result = kg.query(
        "SELECT ?d WHERE { ?d msbp:memberOfDrugClass ?c } ORDER BY ?d", c=kg["muscle relaxant"]
    )
    assert result.variables == ("d",) and [r["d"] for r in result] == [
        "msbp:Baclofen",
        "msbp:Tizanidine",
    ]
    labelled = kg.query(
        "SELECT ?e WHERE { ?e rdfs:label ?l }", l=msbackpain.IRI("https://example.org/x")
    )
    assert len(labelled) == 0  # an IRI never equals a literal label
    literal = kg.query("SELECT ?e WHERE { ?e rdfs:label ?l }", l="baclofen")
    assert len(literal) == 0  # plain literal vs @en literal: bound, not pasted
    ask = kg.query("ASK { msbp:Heat msbp:triggers msbp:LhermittesSign }")
    assert ask.boolean is True and ask.rows == ({"boolean": "true"},)
    graph = kg.query(
        "CONSTRUCT { ?d msbp:memberOfDrugClass msbp:NSAIDs } WHERE { ?d msbp:memberOfDrugClass msbp:NSAIDs }"
    )
    assert graph.variables == ("subject", "predicate", "object") and len(graph) == 2


def test_payloads_in_bindings_are_inert(kg: msbackpain.KnowledgeGraph) -> None:
    payload = '") || true || CONTAINS("", "'
    assert (
        len(kg.query("SELECT ?e WHERE { ?e rdfs:label ?l . FILTER(STR(?l) = ?x) }", x=payload)) == 0
    )
    service = "x } SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } {"
    assert len(kg.query("SELECT ?e WHERE { ?e rdfs:label ?x }", x=service)) == 0


def test_adhoc_query_errors(kg: msbackpain.KnowledgeGraph) -> None:
    with pytest.raises(msbackpain.QueryError, match=r"^malformed SPARQL at line 2, column \d+"):
        kg.query("SELECT ?x\nWHERE { ?x ?y }")
    with pytest.raises(
        msbackpain.QueryParameterError, match=r"has no variable \?nope to bind \(variables: p, s\)"
    ):
        kg.query("SELECT ?s WHERE { ?s ?p 1 }", nope="x")
    with pytest.raises(
        msbackpain.QueryError, match="updates such as LOAD, INSERT and DELETE are refused"
    ):
        kg.query("DELETE WHERE { ?s ?p ?o }")
    assert len(kg.backend) > 5000  # nothing was deleted


def test_query_result_helpers() -> None:
    result = msbackpain.QueryResult(("a", "b"), ({"a": "1", "b": None},))
    assert result.to_dicts() == [{"a": "1", "b": None}]
    assert result.to_dict() == {
        "variables": ["a", "b"],
        "rows": [{"a": {"type": "literal", "value": "1"}, "b": None}],
        "boolean": None,
    }
    assert repr(result) == "QueryResult(variables=('a', 'b'), rows=1)"


def test_default_load_is_cached_and_extra_sources_are_not(tmp_path: Path) -> None:
    assert msbackpain.load() is msbackpain.load()
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "@prefix msbp: <https://w3id.org/msbackpain/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'msbp:Walking rdfs:label "walking"@en ; msbp:alleviates msbp:Spasticity .\n',
        encoding="utf-8",
    )
    kg = msbackpain.load(extra)
    assert kg is not msbackpain.load() and kg.sources[-1] == extra
    assert kg["walking"].id == "msbp:Walking"
    assert "walking" in labels(r.subject for r in kg.treatments_for("spasticity", inferred=False))
    assert kg.relation(("msbp:Walking", "msbp:alleviates", "msbp:Spasticity")).evidence is None
    assert "walking" not in msbackpain.load()


def test_bad_source_fails_cleanly(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix : <http://e/> .\n:a :b :c .\n:a :b "unterminated .\n', encoding="utf-8")
    with pytest.raises(msbackpain.OntologyLoadError) as info:
        msbackpain.load(bad)
    assert (
        str(info.value).startswith(f"{bad}:3:")
        and info.value.line == 3
        and isinstance(info.value, OSError)
    )
    with pytest.raises(msbackpain.OntologyLoadError, match="no such file"):
        msbackpain.load(tmp_path / "missing.ttl")
    with pytest.raises(msbackpain.OntologyLoadError, match="cannot tell the RDF format"):
        msbackpain.load(DATA / "article_shingles.txt")


def test_unknown_backend() -> None:
    with pytest.raises(msbackpain.UnknownBackendError, match="unknown backend 'nope'; known: "):
        msbackpain.load(backend="nope")
