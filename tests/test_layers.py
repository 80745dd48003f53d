"""The package's layers: no import cycles, imports only go down, backends know no domain.

The imports are the module-level ones (what runs when a module is imported), read with
``ast`` by ``tools/gen_module_map.py``; ``TYPE_CHECKING`` blocks and imports inside functions
do not count (the facade's methods import the modules above it when called, like pandas
accessors). The layers are ``gen_module_map.LAYERS``; docs/decisions.md draws them.
"""

from __future__ import annotations

import gen_module_map
import networkx as nx
import pytest
from gen_module_map import LAYERS, import_graph, layer_of

#: What the backends may import outside their own package: the neutral layer.
NEUTRAL = LAYERS[0][0]


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph()


def _edges(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    return sorted((a, b) for a, targets in graph.items() for b in targets)


def test_the_import_graph_is_read(graph: dict[str, set[str]]) -> None:
    assert "msbackpain.knowledge" in graph["msbackpain.loading"]
    assert "msbackpain.queries" in graph["msbackpain._ask"]  # from msbackpain import queries
    assert "msbackpain.knowledge" not in graph["msbackpain.graph"]  # TYPE_CHECKING only
    assert "msbackpain.planning" not in graph["msbackpain.knowledge"]  # inside a method


def test_every_module_has_a_layer(graph: dict[str, set[str]]) -> None:
    unplaced = []
    for module in graph:
        try:
            layer_of(module)
        except KeyError:
            unplaced.append(module)
    assert unplaced == [], "add these modules to LAYERS in tools/gen_module_map.py"


def test_there_are_no_import_cycles(graph: dict[str, set[str]]) -> None:
    digraph = nx.DiGraph(_edges(graph))
    assert sorted(sorted(cycle) for cycle in nx.simple_cycles(digraph)) == []


def test_imports_only_go_down_the_layers(graph: dict[str, set[str]]) -> None:
    upward = [
        (a, b, LAYERS[layer_of(a)][0], LAYERS[layer_of(b)][0])
        for a, b in _edges(graph)
        if layer_of(b) > layer_of(a)
    ]
    assert upward == []


def test_the_layer_order(graph: dict[str, set[str]]) -> None:
    names = [name for name, _ in LAYERS]
    assert names == [
        "neutral",
        "types",
        "backends",
        "knowledge",
        "features",
        "serve",
        "face",
        "cli",
    ]
    order = {m: layer_of(f"msbackpain.{m}") for m in ("knowledge", "graph", "planning", "viz")}
    assert order["knowledge"] < order["graph"] == order["planning"] == order["viz"]
    assert layer_of("msbackpain.backends.rdflib_backend") < order["knowledge"]
    assert order["viz"] < layer_of("msbackpain.serve.gateway") < layer_of("msbackpain")
    assert layer_of("msbackpain") < layer_of("msbackpain.cli.answers")


def test_backends_import_only_neutral_modules(graph: dict[str, set[str]]) -> None:
    breaches = {
        (a, b)
        for a, b in _edges(graph)
        if a.startswith("msbackpain.backends")
        and not b.startswith("msbackpain.backends")
        and LAYERS[layer_of(b)][0] != NEUTRAL
    }
    assert breaches == set()


def test_the_module_map_is_current() -> None:
    assert gen_module_map.main(["--check"]) == 0, "run `python tools/gen_module_map.py`"
