"""Materialise the reasoner's inferences of ``ontology/msbackpain.ttl`` into ``ontology/inferred.ttl``.

Runs HermiT through owlready2 (Java needed at build time only), explains every inferred fact
and writes them, sorted, with their rule and supporting edges. ``--check`` exits 1 when the
committed file differs from a fresh run (the file is stale).
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import Graph

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _generated import write_or_check  # noqa: E402

from msbackpain.reasoning import infer, inferred_turtle  # noqa: E402

SOURCE = ROOT / "ontology" / "msbackpain.ttl"
OUT = ROOT / "ontology" / "inferred.ttl"


def build(engine: str = "hermit") -> str:
    """Return the text of ``inferred.ttl`` from a fresh reasoner run."""
    inferences = infer(Graph().parse(SOURCE, format="turtle"), engine=engine)  # type: ignore[arg-type]
    if inferences.unexplained:
        missing = ", ".join(" ".join(k) for k in inferences.unexplained[:5])
        msg = f"{len(inferences.unexplained)} inferred facts have no derivation: {missing}"
        raise SystemExit(msg)
    return inferred_turtle(inferences)


def main(argv: list[str] | None = None) -> int:
    """Write ``inferred.ttl``, or with ``--check`` report whether it is stale."""
    description = (__doc__ or "").splitlines()[0]
    return write_or_check(description, OUT, build, "make inferred", argv)


if __name__ == "__main__":
    sys.exit(main())
