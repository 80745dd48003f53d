"""How each kind of node and edge looks: legend groups, roles (columns), colours and shapes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "EDGE_FAMILIES",
    "GROUPS",
    "OTHER",
    "ROLES",
    "EdgeFamily",
    "Group",
    "Role",
    "Shape",
    "edge_family",
    "group_of",
]

#: Node shapes understood by both vis-network and matplotlib (see :attr:`Group.marker`).
Shape = Literal["hexagon", "triangle", "triangleDown", "diamond", "dot", "square", "star"]

_MARKERS: dict[str, str] = {
    "hexagon": "h",
    "triangle": "^",
    "triangleDown": "v",
    "diamond": "D",
    "dot": "o",
    "square": "s",
    "star": "*",
}


@dataclass(frozen=True, slots=True)
class Role:
    """A column of the layered picture: where a node stands in the cause → treatment flow.

    Examples:
        >>> ROLES[0].title, ROLES[3].title
        ('Qualities & anatomy', 'Pain types')
    """

    id: str
    title: str
    column: int


@dataclass(frozen=True, slots=True)
class Group:
    """A legend entry: the ontology classes it covers, its colour and its shape.

    The shape tells the role (column); the colour tells the kind within the role.

    Examples:
        >>> g = group_of(["msbp:Medication"])
        >>> g.label, g.shape, g.marker, g.role.id
        ('Medicines', 'square', 's', 'treatment')
    """

    id: str
    label: str
    categories: tuple[str, ...]
    colour: str
    shape: Shape
    role: Role

    @property
    def marker(self) -> str:
        """The matplotlib marker drawing :attr:`shape`."""
        return _MARKERS[self.shape]


@dataclass(frozen=True, slots=True)
class EdgeFamily:
    """A colour shared by predicates of one meaning (causal, treatment, kind, other)."""

    id: str
    label: str
    colour: str
    predicates: frozenset[str]


_CONTEXT = Role("context", "Qualities & anatomy", 0)
_CAUSE = Role("cause", "Causes & processes", 1)
_TRIGGER = Role("trigger", "Triggers & symptoms", 2)
_PAIN = Role("pain", "Pain types", 3)
_TREATMENT = Role("treatment", "Treatments", 4)
_OUTCOME = Role("outcome", "Benefits, cautions, who", 5)

#: The columns of the layered layout, left to right.
ROLES: tuple[Role, ...] = (_CONTEXT, _CAUSE, _TRIGGER, _PAIN, _TREATMENT, _OUTCOME)

#: The legend groups, in legend order. Colours are from ColorBrewer's qualitative palettes.
GROUPS: tuple[Group, ...] = (
    Group(
        "cause",
        "Disease & processes",
        ("msbp:Disease", "msbp:PathologicalProcess"),
        "#6a3d9a",
        "hexagon",
        _CAUSE,
    ),
    Group("factor", "Triggers & factors", ("msbp:Factor",), "#ff7f00", "triangle", _TRIGGER),
    Group("symptom", "Symptoms", ("msbp:Symptom",), "#b15928", "triangleDown", _TRIGGER),
    Group(
        "pain",
        "Pain types",
        ("msbp:PainType", "msbp:BackPainCategory", "msbp:BackPainReason"),
        "#e31a1c",
        "diamond",
        _PAIN,
    ),
    Group(
        "medicine",
        "Medicines",
        ("msbp:Medication", "msbp:DrugClass"),
        "#1f78b4",
        "square",
        _TREATMENT,
    ),
    Group("therapy", "Therapies", ("msbp:Therapy",), "#33a02c", "dot", _TREATMENT),
    Group("exercise", "Exercise", ("msbp:Exercise",), "#9ad16b", "dot", _TREATMENT),
    Group(
        "selfcare",
        "Self-care & adaptations",
        ("msbp:SelfManagementAction", "msbp:Adaptation"),
        "#17becf",
        "dot",
        _TREATMENT,
    ),
    Group("benefit", "Benefits", ("msbp:Benefit",), "#e6ab02", "star", _OUTCOME),
    Group("caution", "Cautions", ("msbp:Caution",), "#e7298a", "triangle", _OUTCOME),
    Group("practitioner", "Practitioners", ("msbp:Practitioner",), "#f781bf", "square", _OUTCOME),
    Group(
        "quality",
        "Qualities & anatomy",
        (
            "msbp:Sensation",
            "msbp:Duration",
            "msbp:Severity",
            "msbp:Impact",
            "msbp:AnatomicalEntity",
            "msbp:BodyFunction",
        ),
        "#969696",
        "dot",
        _CONTEXT,
    ),
    Group("gap", "Knowledge gaps", ("msbp:KnowledgeGap",), "#4d4d4d", "star", _OUTCOME),
)

#: The group of nodes whose class is none of the above (for example from an extra source).
OTHER = Group("other", "Other", (), "#cccccc", "hexagon", _CONTEXT)

_BY_CATEGORY = {category: group for group in GROUPS for category in group.categories}

#: Edge colours by meaning; an edge whose predicate is in no family is drawn in "other".
EDGE_FAMILIES: tuple[EdgeFamily, ...] = (
    EdgeFamily(
        "causal",
        "causes, triggers",
        "#b2182b",
        frozenset(
            {
                "msbp:causes",
                "msbp:contributesTo",
                "msbp:predisposesTo",
                "msbp:triggers",
                "msbp:mayAggravate",
            }
        ),
    ),
    EdgeFamily(
        "treatment",
        "treats, prevents",
        "#1a7837",
        frozenset(
            {
                "msbp:treats",
                "msbp:alleviates",
                "msbp:prevents",
                "msbp:indicatedFor",
                "msbp:counteracts",
            }
        ),
    ),
    EdgeFamily(
        "kind",
        "is a kind / part of",
        "#2166ac",
        frozenset({"msbp:subtypeOf", "msbp:memberOfDrugClass", "msbp:hasComponent"}),
    ),
    EdgeFamily("other", "other relations", "#8c8c8c", frozenset()),
)


def group_of(categories: Sequence[str] | None) -> Group:
    """Return the legend group of a node from its class CURIEs (first known one wins).

    Examples:
        >>> group_of(["msbp:BackPainCategory"]).label
        'Pain types'
        >>> group_of(["ex:Unknown"]).id
        'other'
    """
    for category in categories or ():
        if category in _BY_CATEGORY:
            return _BY_CATEGORY[category]
    return OTHER


def edge_family(predicate: str) -> EdgeFamily:
    """Return the colour family of an edge predicate.

    Examples:
        >>> edge_family("msbp:treats").id, edge_family("msbp:hasQuality").id
        ('treatment', 'other')
    """
    for family in EDGE_FAMILIES:
        if predicate in family.predicates:
            return family
    return EDGE_FAMILIES[-1]
