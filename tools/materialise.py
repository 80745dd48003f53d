"""Materialise the reasoner's inferences of ``ontology/msbackpain.ttl`` into ``ontology/inferred.ttl``.

Runs HermiT through owlready2 (Java needed at build time only), explains every inferred fact
and writes them, sorted, with their rule and supporting edges. ``--check`` exits 1 when the
committed file differs from a fresh run (the file is stale).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rdflib import Graph

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if ontology/inferred.ttl is stale"
    )
    args = parser.parse_args(argv)
    text = build()
    if args.check:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT.relative_to(ROOT)} is stale: run `make inferred`", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
