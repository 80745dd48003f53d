"""Where an edge comes from: stated in the source or inferred, and the paragraphs to cite."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from msbackpain.models import Relation

__all__ = ["citation", "is_stated"]


def is_stated(relation: Relation) -> bool:
    """True for an asserted edge, or an asserted edge read backwards through its inverse."""
    if not relation.inferred:
        return True
    return (
        relation.rule == "msbp:ruleInverse" and bool(relation.via) and not relation.via[0].inferred
    )


def citation(relation: Relation) -> str:
    """Say where an edge comes from: ``stated in P..``, or ``inferred from P.. and P..``.

    A stated edge (asserted, or read backwards through its inverse) cites its own paragraphs.
    An inferred edge names the paragraphs of each premise separately, because no single
    paragraph says what the reasoner concluded.

    Examples:
        >>> import msbackpain
        >>> kg = msbackpain.load()
        >>> citation(kg.relation(("msbp:Heat", "msbp:triggers", "msbp:LhermittesSign")))
        'stated in P12,P13'
        >>> citation(kg.relation(("msbp:Baclofen", "msbp:memberOfDrugClass",
        ...                       "msbp:MuscleRelaxants")))
        'stated in P29'
    """
    if is_stated(relation):
        evidence = relation.evidence
        if relation.inferred and relation.via:
            evidence = relation.via[0].evidence
        cited = ",".join(evidence.paragraphs) if evidence else ""
        return f"stated in {cited}" if cited else "stated (no paragraph cited)"
    premises = [",".join(v.evidence.paragraphs) for v in relation.via if v.evidence]
    named = [p for p in dict.fromkeys(premises) if p]
    return "inferred from " + " and ".join(named) if named else "inferred"
