"""The predicate families the domain questions walk (causal, treatment, explanation, reason)."""

from __future__ import annotations

__all__ = [
    "CAUSAL_PREDICATES",
    "EXPLANATION_PREDICATES",
    "JUSTIFICATION_PREDICATES",
    "TREATMENT_PREDICATES",
]

CAUSAL_PREDICATES = frozenset({"msbp:causes", "msbp:contributesTo", "msbp:predisposesTo"})
"""Predicates along which one thing leads to another."""
TREATMENT_PREDICATES = frozenset(
    {"msbp:treats", "msbp:alleviates", "msbp:prevents", "msbp:indicatedFor"}
)
"""Predicates that link a treatment to the condition it addresses."""
EXPLANATION_PREDICATES = frozenset(
    {
        *CAUSAL_PREDICATES,
        *TREATMENT_PREDICATES,
        "msbp:causedBy",
        "msbp:hasContributingFactor",
        "msbp:treatedBy",
        "msbp:preventedBy",
        "msbp:subtypeOf",
        "msbp:hasSubtype",
        "msbp:memberOfDrugClass",
        "msbp:hasMemberDrug",
        "msbp:hasComponent",
        "msbp:componentOf",
        "msbp:triggers",
        "msbp:triggeredBy",
        "msbp:involvesFactor",
        "msbp:factorInvolvedIn",
        "msbp:mayAggravate",
        "msbp:counteracts",
        "msbp:counteractedBy",
        "msbp:affects",
    }
)
"""Predicates an explanation may walk: causation, kinds, treatment, triggers and their inverses."""
JUSTIFICATION_PREDICATES = frozenset(
    {
        *CAUSAL_PREDICATES,
        *TREATMENT_PREDICATES,
        "msbp:triggers",
        "msbp:involvesFactor",
        "msbp:mayAggravate",
        "msbp:memberOfDrugClass",
        "msbp:subtypeOf",
    }
)
"""Predicates that give a reason, read forwards: what treats or eases what, what causes what, what
brings on a pain, which factor a treatment involves (and so what it may aggravate), which class
a drug belongs to and which kind a thing is. A path made only of these is a justification; any
other path merely connects its ends.
"""
