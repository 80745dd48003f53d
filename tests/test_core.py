"""The core's promises: immutable answers, project errors, one cache per graph, honest reports."""

from __future__ import annotations

import dataclasses
import pickle
import threading
from pathlib import Path

import networkx as nx
import pytest

import msbackpain
from conftest import needs_java
from msbackpain import graph
from msbackpain._memo import Memo
from msbackpain.models import RelationList

ANSWERS = ("causes_of", "triggers_of", "qualities_of", "treatments_for", "benefits_of")


def test_class_and_property_tables_are_read_only(kg: msbackpain.KnowledgeGraph) -> None:
    classes, properties = kg.classes(), kg.properties()
    with pytest.raises(TypeError):
        classes["msbp:Trigger"] = classes["msbp:Treatment"]  # type: ignore[index]
    with pytest.raises(AttributeError):
        classes.clear()  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        properties["msbp:treats"]["inverse"] = "msbp:causes"  # type: ignore[index]
    assert kg.classes()["msbp:Trigger"].label == "trigger"
    assert kg.properties()["msbp:treats"]["inverse"] == "msbp:treatedBy"
    with pytest.raises(TypeError):
        kg.index.entities["msbp:Mine"] = kg["baclofen"]  # type: ignore[index]


@pytest.mark.parametrize("name", ANSWERS)
def test_relation_answers_are_immutable_tuples(kg: msbackpain.KnowledgeGraph, name: str) -> None:
    ask = getattr(kg, name)
    subject = "water aerobics" if name == "benefits_of" else "Lhermitte's sign"
    first = ask(subject)
    before = list(first)
    assert isinstance(first, tuple) and isinstance(first, RelationList)
    for mutate in (
        lambda: first.append(first[0]),  # type: ignore[attr-defined]
        lambda: first.clear(),  # type: ignore[attr-defined]
        lambda: setattr(first, "gaps", ()),
        lambda: delattr(first, "conflicts"),
    ):
        with pytest.raises(AttributeError):
            mutate()
    with pytest.raises(TypeError):
        first[0] = first[0]  # type: ignore[index]
    assert ask(subject) == before and ask(subject).gaps == first.gaps


def test_relation_list_keeps_its_api(kg: msbackpain.KnowledgeGraph) -> None:
    answer = kg.triggers_of("neuropathic pain")
    assert answer == [] and answer == () and len(answer) == 0 and not answer
    assert [g.paragraphs for g in answer.gaps] == [("P08", "P09")]
    full = kg.treatments_for("spasticity", inferred=False)
    assert full == list(full) and full == tuple(full) and full[0] is full[:1][0]
    assert full != [*list(full)[:-1], full[0], full[0]]
    assert repr(full).startswith("[Relation(") and full.to_dicts()[0] == full[0].to_dict()
    again = pickle.loads(pickle.dumps(full))  # noqa: S301 - our own object
    assert again == full and again.gaps == full.gaps and again.conflicts == full.conflicts


def test_other_answers_are_tuples_or_frozen(kg: msbackpain.KnowledgeGraph) -> None:
    for answer in (kg.search("neck"), kg.pain_types(), kg.gaps(), kg.edges()):
        assert isinstance(answer, tuple)
    paths = kg.explain("multiple sclerosis", "neuropathic pain")
    assert isinstance(paths, tuple) and isinstance(paths[0].relations, tuple)
    care = kg.plan(["spasticity"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        care.treatments = ()  # type: ignore[misc]
    assert all(isinstance(getattr(care, f.name), tuple) for f in dataclasses.fields(care))
    assert kg.plan(["spasticity"]) is care


def test_networkx_copies_are_the_callers_and_the_shared_graph_is_frozen(
    kg: msbackpain.KnowledgeGraph,
) -> None:
    mine = kg.to_networkx()
    edges = mine.number_of_edges()
    mine.nodes["msbp:Spasticity"]["label"] = "changed"
    assert isinstance(mine.nodes["msbp:Spasticity"]["categories"], tuple)
    mine.remove_node("msbp:Baclofen")
    assert "msbp:Baclofen" in kg.to_networkx() and kg.to_networkx().number_of_edges() == edges
    assert kg.to_networkx().nodes["msbp:Spasticity"]["label"] == "spasticity"
    shared = graph.shared_graph(kg)
    assert nx.is_frozen(shared) and shared.number_of_edges() == edges
    with pytest.raises(nx.NetworkXError, match="Frozen graph"):
        shared.remove_node("msbp:Baclofen")


def test_a_missing_edge_is_a_project_key_error(kg: msbackpain.KnowledgeGraph) -> None:
    with pytest.raises(msbackpain.EdgeNotFound) as info:
        kg.relation(("msbp:Heat", "msbp:treats", "msbp:Spasticity"))
    assert isinstance(info.value, KeyError) and isinstance(info.value, msbackpain.MsBackPainError)
    assert str(info.value) == "the graph has no edge msbp:Heat msbp:treats msbp:Spasticity"


def test_an_empty_care_plan_request_is_a_project_value_error(
    kg: msbackpain.KnowledgeGraph,
) -> None:
    with pytest.raises(msbackpain.QueryParameterError, match="at least one pain type") as info:
        kg.plan([])
    assert isinstance(info.value, ValueError)


def test_the_memo_keeps_the_first_value_stored_across_threads() -> None:
    memo, seen = Memo(), []
    barrier = threading.Barrier(8)

    def compute(n: int) -> tuple[int]:
        barrier.wait()
        return (n,)

    def ask(n: int) -> None:
        seen.append(memo.get(("test", "answer"), lambda: compute(n)))

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 8 and all(value is seen[0] for value in seen)


def test_each_module_caches_under_its_own_name(kg: msbackpain.KnowledgeGraph) -> None:
    kg.treatments_for("spasticity")
    kg.explain("multiple sclerosis", "neuropathic pain")
    namespaces = {key[0] for key in kg.memo._values}
    assert {"run", "lookup", "relations", "questions", "graph", "explanation"} <= namespaces


@needs_java
def test_an_inconsistent_extra_file_makes_reason_raise(tmp_path: Path) -> None:
    # An individual in two disjoint classes: the docs promise InconsistentOntologyError,
    # so a report that says ``consistent=True`` is only ever made for a consistent graph.
    clash = tmp_path / "clash.ttl"
    clash.write_text(
        "@prefix msbp: <https://w3id.org/msbackpain/> .\nmsbp:Heat a msbp:Practitioner .\n",
        encoding="utf-8",
    )
    with pytest.raises(msbackpain.InconsistentOntologyError, match="msbp:Heat is asserted as"):
        msbackpain.load(clash).reason()
