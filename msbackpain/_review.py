"""The curators' review of the reasoner's conclusions: one verdict per inferred fact.

``ontology/src/reviewed_inferences.tsv`` holds one row per fact the reasoner derives from the
bundled ontology: the fact (subject, predicate, object as CURIEs), the verdict (``accepted``
when the source supports the conclusion itself, ``rejected`` when it does not), the
paragraphs that support the conclusion and a note. ``make inferred`` refuses to write
``inferred.ttl`` while a derived fact has no row; only accepted facts are materialised.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from msbackpain._resources import ontology_dir
from msbackpain.exceptions import OntologyLoadError

__all__ = ["REVIEW_FILE", "Review", "load_reviews"]

#: The review table, relative to the ontology folder.
REVIEW_FILE = "src/reviewed_inferences.tsv"
_COLUMNS = ["subject", "predicate", "object", "verdict", "paragraphs", "note"]
_PARAGRAPH = re.compile(r"^P(0[1-9]|[1-4][0-9])$")

Key = tuple[str, str, str]
Verdict = Literal["accepted", "rejected"]


@dataclass(frozen=True, slots=True)
class Review:
    """The verdict on one inferred fact, the paragraphs that support it, and why.

    Examples:
        >>> Review("accepted", ("P29",), "The source names baclofen for spasticity.").accepted
        True
    """

    verdict: Verdict
    paragraphs: tuple[str, ...]
    note: str

    @property
    def accepted(self) -> bool:
        """True when the curators found the conclusion supported by the source."""
        return self.verdict == "accepted"


def load_reviews(path: Path | None = None) -> dict[Key, Review]:
    """Read the review table into ``{(subject, predicate, object) CURIEs: Review}``.

    Raises:
        OntologyLoadError: naming the line of a malformed row (bad verdict, paragraph id,
            missing note, duplicate fact, or an accepted fact with no paragraph).

    Examples:
        >>> reviews = load_reviews()
        >>> reviews[("msbp:Baclofen", "msbp:treats", "msbp:Spasticity")].paragraphs
        ('P29',)
    """
    path = path or ontology_dir() / REVIEW_FILE
    reviews: dict[Key, Review] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t")
        if next(reader, None) != _COLUMNS:
            msg = f"{path}: the header must be {' '.join(_COLUMNS)} (tab-separated)"
            raise OntologyLoadError(msg)
        for number, values in enumerate(reader, start=2):
            if not any(values):
                continue
            where = f"{path.name}:{number}"
            if len(values) != len(_COLUMNS):
                msg = f"{where}: expected {len(_COLUMNS)} tab-separated fields, found {len(values)}"
                raise OntologyLoadError(msg)
            subject, predicate, obj, verdict, paragraphs, note = values
            key = (subject, predicate, obj)
            pids = tuple(sorted({p.strip() for p in paragraphs.split(",") if p.strip()}))
            if verdict not in ("accepted", "rejected"):
                msg = f"{where}: verdict {verdict!r} is neither 'accepted' nor 'rejected'"
                raise OntologyLoadError(msg)
            if bad := [p for p in pids if not _PARAGRAPH.match(p)]:
                msg = f"{where}: paragraph id {bad[0]!r} is not of the form P01..P49"
                raise OntologyLoadError(msg)
            if verdict == "accepted" and not pids and predicate != "rdfs:subClassOf":
                msg = f"{where}: an accepted fact names the paragraphs that support it"
                raise OntologyLoadError(msg)
            if not note.strip():
                msg = f"{where}: every verdict needs a curator's note"
                raise OntologyLoadError(msg)
            if key in reviews:
                msg = f"{where}: {' '.join(key)} is reviewed twice"
                raise OntologyLoadError(msg)
            reviews[key] = Review(verdict, pids, note.strip())  # type: ignore[arg-type]
    return reviews
