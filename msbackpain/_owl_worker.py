"""Run an OWL reasoner through owlready2 on one N-Triples file and print what it found as JSON.

This runs in a child process (``python -m msbackpain._owl_worker ENGINE FILE``) so that the
caller can put a hard time limit on it and kill the Java process with it: owlready2 itself
calls the reasoner without a timeout and keeps global state between calls.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

__all__ = ["main"]


def _named(entity: Any) -> str | None:
    iri = getattr(entity, "iri", None)
    return iri if isinstance(iri, str) else None


def _snapshot(
    world: Any,
) -> tuple[set[tuple[str, str, str]], set[tuple[str, str]], set[tuple[str, str]]]:
    import owlready2

    edges: set[tuple[str, str, str]] = set()
    props = [p for p in world.object_properties() if _named(p)]
    individuals = [i for i in world.individuals() if _named(i)]
    for individual in individuals:
        for prop in props:
            for value in prop[individual]:
                if isinstance(value, owlready2.Thing) and _named(value):
                    edges.add((individual.iri, prop.iri, value.iri))
    types = {
        (individual.iri, cls.iri)
        for individual in individuals
        for cls in individual.is_a
        if isinstance(cls, owlready2.ThingClass) and _named(cls)
    }
    subclasses = {
        (cls.iri, parent.iri)
        for cls in world.classes()
        if _named(cls)
        for parent in cls.is_a
        if isinstance(parent, owlready2.ThingClass)
        and _named(parent)
        and parent is not owlready2.Thing
    }
    return edges, types, subclasses


def run(engine: str, path: str) -> dict[str, Any]:
    """Reason over the N-Triples file at ``path`` with ``engine`` (hermit or pellet)."""
    import owlready2

    world = owlready2.World()
    ontology = world.get_ontology(f"file://{path}").load()
    _, types_before, subclasses_before = _snapshot(world)
    reasoner = {"hermit": owlready2.sync_reasoner_hermit, "pellet": owlready2.sync_reasoner_pellet}[
        engine
    ]
    start = time.perf_counter()
    try:
        with ontology:
            reasoner(world, infer_property_values=True, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:
        return {
            "consistent": False,
            "seconds": time.perf_counter() - start,
            "version": owlready2.VERSION,
        }
    seconds = time.perf_counter() - start
    edges, types_after, subclasses_after = _snapshot(world)
    return {
        "consistent": True,
        "seconds": seconds,
        "version": owlready2.VERSION,
        "edges": sorted(edges),
        "types": sorted(types_after - types_before),
        "subclasses": sorted(subclasses_after - subclasses_before),
    }


def main(argv: list[str]) -> int:
    """Entry point: ``ENGINE FILE``; prints one JSON object, or an error message on stderr."""
    engine, path = argv
    try:
        result = run(engine, path)
    except Exception as err:  # noqa: BLE001 - report any reasoner failure to the parent
        sys.stderr.write(f"{type(err).__name__}: {err}\n")
        return 2
    sys.stdout.write(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
