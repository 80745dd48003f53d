"""Generate a synthetic background graph shaped like the MS back-pain graph, as N-Triples.

Entities get a class of our ontology, an English label and edges by our predicates: kinds form
``subtypeOf`` trees (so property paths have depth), treatments treat conditions, factors
trigger pain types, causes chain. About 1% of the edges point at entities of the bundle
(spasticity, MS...), so bound named queries meet the background rather than skip it. The
output is deterministic for a given size and seed.

    python benchmarks/generate_graph.py 100000 /tmp/bg-1e5.nt
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

MSBP = "https://w3id.org/msbackpain/"
BG = "https://example.org/background/"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"

#: (class, share of entities, [(predicate, target class, edges per entity)])
SHAPE = [
    ("Treatment", 0.25, [("treats", "Condition", 1.0), ("subtypeOf", "Treatment", 0.6)]),
    ("Medication", 0.10, [("memberOfDrugClass", "DrugClass", 1.0), ("treats", "Condition", 0.5)]),
    ("DrugClass", 0.02, [("treats", "Condition", 1.0), ("subtypeOf", "DrugClass", 0.5)]),
    ("Factor", 0.15, [("triggers", "Condition", 1.0), ("contributesTo", "Condition", 0.4)]),
    ("Condition", 0.33, [("subtypeOf", "Condition", 0.7), ("causes", "Condition", 0.4)]),
    ("AnatomicalEntity", 0.15, [("subtypeOf", "AnatomicalEntity", 0.5)]),
]
#: Bundle entities that background edges may point at, by target class.
BUNDLE = {
    "Condition": [
        "Spasticity",
        "NeuropathicPain",
        "LhermittesSign",
        "MultipleSclerosis",
        "Fatigue",
    ],
    "Treatment": ["ExerciseTreatment", "PhysicalTherapy", "WaterTherapy"],
    "DrugClass": ["MuscleRelaxants", "NSAIDs"],
    "AnatomicalEntity": ["LowerBack", "Neck"],
}
CLASS_IRI = {
    "Treatment": "Therapy",
    "Medication": "Medication",
    "DrugClass": "DrugClass",
    "Factor": "Factor",
    "Condition": "Symptom",
    "AnatomicalEntity": "AnatomicalEntity",
}


def generate(triples: int, path: Path, *, seed: int = 7) -> int:
    """Write about ``triples`` triples to ``path``; return how many were written."""
    rng = random.Random(seed)
    per_entity = 2 + sum(share * sum(n for *_, n in edges) for _, share, edges in SHAPE)
    entities = max(10, int(triples / per_entity * 1.03))  # some subtypeOf edges are skipped
    by_class: dict[str, list[int]] = {name: [] for name, _, _ in SHAPE}
    kinds: list[str] = []
    for i in range(entities):
        name = rng.choices([s[0] for s in SHAPE], weights=[s[1] for s in SHAPE])[0]
        by_class[name].append(i)
        kinds.append(name)
    edges_of = {name: edges for name, _, edges in SHAPE}
    written = 0
    with path.open("w", encoding="utf-8") as out:
        for i, kind in enumerate(kinds):
            node = f"<{BG}e{i}>"
            out.write(f"{node} {RDF_TYPE} <{MSBP}{CLASS_IRI[kind]}> .\n")
            out.write(f'{node} {LABEL} "{kind.lower()} {i}"@en .\n')
            written += 2
            for predicate, target, rate in edges_of[kind]:
                count = int(rate) + (rng.random() < rate - int(rate))
                for _ in range(count):
                    if rng.random() < 0.01 and target in BUNDLE:
                        other = f"<{MSBP}{rng.choice(BUNDLE[target])}>"
                    else:
                        pool = by_class[target]
                        # subtypeOf points at an earlier entity: trees, no cycles
                        candidates = [j for j in rng.sample(pool, min(4, len(pool))) if j < i]
                        if predicate == "subtypeOf" and not candidates:
                            continue
                        j = candidates[0] if predicate == "subtypeOf" else rng.choice(pool)
                        other = f"<{BG}e{j}>"
                    out.write(f"{node} <{MSBP}{predicate}> {other} .\n")
                    written += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("triples", type=int)
    parser.add_argument("output", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    count = generate(args.triples, args.output, seed=args.seed)
    print(f"wrote {count} triples to {args.output}")


if __name__ == "__main__":
    main()
