"""Materialise the reviewed inferences of ``ontology/msbackpain.ttl`` into ``ontology/inferred.ttl``.

Runs HermiT through owlready2 (Java needed at build time only), explains every inferred fact
and checks it against the curators' review table ``ontology/src/reviewed_inferences.tsv``:
the build fails while a derived fact has no row (or a row names a fact the reasoner no longer
derives). Only accepted facts are written, sorted, with their rule, supporting edges, the
paragraphs that support the conclusion and the curator's note. ``--check`` exits 1 when the
committed file differs from a fresh run (the file is stale).
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import Graph

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _generated import write_or_check  # noqa: E402

from msbackpain._inferred import Inferences  # noqa: E402
from msbackpain._review import REVIEW_FILE, load_reviews  # noqa: E402
from msbackpain.reasoning import infer, inferred_turtle  # noqa: E402

SOURCE = ROOT / "ontology" / "msbackpain.ttl"
OUT = ROOT / "ontology" / "inferred.ttl"
REVIEWS = ROOT / "ontology" / REVIEW_FILE


class ReviewError(SystemExit):
    """The review table does not match what the reasoner derives."""


def check_reviews(inferences: Inferences, reviews: Path = REVIEWS) -> None:
    """Fail unless every derived fact has exactly one review row and every row is derived.

    Raises:
        ReviewError: listing the unreviewed facts (as ready-to-fill TSV rows) or stale rows.
    """
    table = load_reviews(reviews)
    derived = inferences.facts()
    missing = [key for key in derived if key not in table]
    stale = sorted(set(table) - set(derived))
    problems = []
    if missing:
        rows = "\n".join("\t".join([*key, "", "", ""]) for key in missing)
        problems.append(
            f"{len(missing)} inferred fact(s) have no row in {REVIEWS.relative_to(ROOT)}; "
            f"review each against the source and add it:\n{rows}"
        )
    if stale:
        rows = "\n".join(" ".join(key) for key in stale)
        problems.append(f"{len(stale)} reviewed fact(s) are no longer derived:\n{rows}")
    if problems:
        raise ReviewError("\n".join(problems))


def build(engine: str = "hermit", reviews: Path = REVIEWS) -> str:
    """Return the text of ``inferred.ttl`` from a fresh reasoner run and the review table."""
    inferences = infer(Graph().parse(SOURCE, format="turtle"), engine=engine)  # type: ignore[arg-type]
    if inferences.unexplained:
        missing = ", ".join(" ".join(k) for k in inferences.unexplained[:5])
        msg = f"{len(inferences.unexplained)} inferred facts have no derivation: {missing}"
        raise SystemExit(msg)
    check_reviews(inferences, reviews)
    return inferred_turtle(inferences, load_reviews(reviews))


def main(argv: list[str] | None = None) -> int:
    """Write ``inferred.ttl``, or with ``--check`` report whether it is stale."""
    description = (__doc__ or "").splitlines()[0]
    return write_or_check(description, OUT, build, "make inferred", argv)


if __name__ == "__main__":
    sys.exit(main())
