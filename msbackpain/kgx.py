"""Map the graph to KGX node and edge records with Biolink categories and predicates.

KGX (the Knowledge Graph Exchange format of the Biomedical Data Translator) wants Biolink
categories on nodes and Biolink predicates plus provenance on edges. The tables below say how
each of our classes and properties maps, and why; ``docs/guides/scaling-out.md`` shows them.
Our own predicate is kept on each edge as ``original_predicate``, so nothing is lost.

Provenance: an asserted edge's ``primary_knowledge_source`` is :data:`SOURCE_INFORES` (the
Healthline article, the one source of every fact), aggregated by :data:`KG_INFORES` (this
knowledge graph); an inferred edge's primary source is :data:`KG_INFORES` itself (its
reasoner), with ``knowledge_level`` ``logical_entailment`` and ``agent_type``
``automated_agent`` taken from the axioms of ``inferred.ttl``. Both infores ids are defined
here; neither is in the Translator infores registry.

Hedges: the source hedges most treatment claims ("may help", "certain types of"). The edge's
``modality`` column (our own property, ``msbp:modality``; empty when the source states the
claim plainly) carries the hedge. No Biolink 4.4 slot fits: ``has_confidence_level`` takes a
CIO confidence term, not the source's words, and ``statement_qualifier`` is a grouping slot
for the specific qualifiers, none of which is about epistemic strength. Like ``paragraphs``
and ``inference_rule``, it is an extra column that KGX tools carry through.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from msbackpain.prefixes import MSBP

if TYPE_CHECKING:
    from msbackpain.knowledge import KnowledgeGraph
    from msbackpain.models import Entity, Relation

__all__ = [
    "CATEGORIES",
    "EDGE_COLUMNS",
    "KG_INFORES",
    "NODE_COLUMNS",
    "PREDICATES",
    "SOURCE_INFORES",
    "edge_records",
    "node_records",
]

#: The Healthline article "Multiple sclerosis and back pain" (our infores id, not registered).
SOURCE_INFORES = "infores:healthline"
#: This knowledge graph and its reasoner (our infores id, not registered).
KG_INFORES = "infores:msbackpain"

#: Our class -> (Biolink category, reason); the first class here that an entity belongs to
#: decides. Classes without a fitting category map to biolink:NamedThing.
CATEGORIES: dict[str, tuple[str, str]] = {
    "msbp:Disease": ("biolink:Disease", "multiple sclerosis is a disease (MONDO)"),
    "msbp:BackPainCategory": (
        "biolink:PhenotypicFeature",
        "kinds of pain are phenotypes (HP: neuropathic pain, spasticity, Lhermitte's sign)",
    ),
    "msbp:PainType": ("biolink:PhenotypicFeature", "as above"),
    "msbp:Symptom": ("biolink:PhenotypicFeature", "fatigue, imbalance: phenotypes"),
    "msbp:Sensation": ("biolink:PhenotypicFeature", "burning, tingling: phenotypes (HP)"),
    "msbp:Benefit": (
        "biolink:PhenotypicFeature",
        "an outcome such as better balance is a (changed) phenotype",
    ),
    "msbp:Condition": ("biolink:DiseaseOrPhenotypicFeature", "either kind of condition"),
    "msbp:PathologicalProcess": ("biolink:PathologicalProcess", "myelin loss, nerve damage"),
    "msbp:BodyFunction": ("biolink:PhysiologicalProcess", "movement, muscle strength, vision"),
    "msbp:Duration": ("biolink:PhenotypicQuality", "how long a condition lasts"),
    "msbp:Severity": ("biolink:PhenotypicQuality", "how strong a condition is"),
    "msbp:Impact": ("biolink:PhenotypicQuality", "a characteristic of a condition"),
    "msbp:Characteristic": ("biolink:PhenotypicQuality", "a characteristic of a condition"),
    "msbp:AnatomicalEntity": ("biolink:AnatomicalEntity", "back, neck, spine (UBERON)"),
    "msbp:Medication": ("biolink:Drug", "baclofen, ibuprofen: drugs (CHEBI, RxNorm)"),
    "msbp:DrugClass": (
        "biolink:ChemicalEntity",
        "a class of drugs; Biolink has no drug-class category",
    ),
    "msbp:Exercise": ("biolink:Procedure", "a programme of physical actions"),
    "msbp:Therapy": ("biolink:Procedure", "physical, occupational, water therapy"),
    "msbp:SelfManagementAction": ("biolink:Behavior", "what a person does: avoid a movement"),
    "msbp:Adaptation": ("biolink:Behavior", "lifestyle adaptations: conserve energy"),
    "msbp:Treatment": ("biolink:Treatment", "any other treatment"),
    "msbp:Factor": (
        "biolink:ExposureEvent",
        "heat, humidity, stress: exposures that bring on pain",
    ),
    "msbp:Practitioner": ("biolink:NamedThing", "a professional role; no Biolink category fits"),
    "msbp:Caution": ("biolink:NamedThing", "a piece of advice; no concrete Biolink category"),
}

#: Our property -> (Biolink predicate, reason). Properties not listed (the user's own data)
#: become biolink:related_to, with the original predicate kept.
PREDICATES: dict[str, tuple[str, str]] = {
    "msbp:treats": (
        "biolink:applied_to_treat",
        (
            "the source names it as a treatment option (prescribed, suggested, recommended); "
            "biolink:treats is a mixin in Biolink 4.4, not an edge predicate"
        ),
    ),
    "msbp:alleviates": (
        "biolink:ameliorates_condition",
        "the source says it can ease the condition",
    ),
    "msbp:prevents": ("biolink:preventative_for_condition", "keeps the condition from arising"),
    "msbp:indicatedFor": (
        "biolink:applied_to_treat",
        "appropriate for people with the condition; no claim that it works",
    ),
    "msbp:causes": ("biolink:causes", "the source presents it as a cause"),
    "msbp:contributesTo": ("biolink:contributes_to", "one of the things that lead to it"),
    "msbp:predisposesTo": ("biolink:predisposes_to_condition", "makes it more likely"),
    "msbp:triggers": (
        "biolink:exacerbates_condition",
        "brings on or worsens an episode of the pain",
    ),
    "msbp:mayAggravate": (
        "biolink:exacerbates_condition",
        "inferred: the treatment involves a factor that triggers the pain",
    ),
    "msbp:affects": ("biolink:affects", "damages or impairs a body part or function"),
    "msbp:hasQuality": ("biolink:has_phenotype", "how the condition presents"),
    "msbp:locatedIn": ("biolink:disease_has_location", "where the condition is felt"),
    "msbp:radiatesTo": ("biolink:disease_has_location", "where the pain spreads to"),
    "msbp:subtypeOf": ("biolink:subclass_of", "a more specific kind"),
    "msbp:memberOfDrugClass": ("biolink:member_of", "a drug in a drug class"),
    "msbp:hasComponent": ("biolink:has_part", "a treatment that includes another"),
    "msbp:hasBenefit": (
        "biolink:contributes_to",
        "the treatment may bring the outcome about (the source says 'may', 'can help')",
    ),
    "msbp:hasCaution": ("biolink:related_to", "advice; no Biolink predicate says more"),
    "msbp:requiresConsultationWith": ("biolink:related_to", "talk to a practitioner first"),
    "msbp:recommendedBy": ("biolink:related_to", "a practitioner may recommend it"),
    "msbp:providedBy": ("biolink:related_to", "a practitioner delivers it"),
    "msbp:counteracts": ("biolink:related_to", "an action that avoids a factor"),
    "msbp:involvesFactor": ("biolink:related_to", "a treatment exposes one to a factor"),
}

#: Classes whose members are metadata, not knowledge: left out of the KGX export (the RDF
#: exports keep them).
_LEFT_OUT = frozenset({"msbp:KnowledgeGap", "msbp:InferenceRule"})

NODE_COLUMNS = ("id", "category", "name", "description", "synonym", "xref", "iri", "provided_by")
EDGE_COLUMNS = (
    "id",
    "subject",
    "predicate",
    "object",
    "original_predicate",
    "knowledge_level",
    "agent_type",
    "primary_knowledge_source",
    "aggregator_knowledge_source",
    "publications",
    "supporting_text",
    "paragraphs",
    "inference_rule",
    "modality",
)


def category_of(entity: Entity) -> str:
    """Return the Biolink category of ``entity`` (see :data:`CATEGORIES`).

    Examples:
        >>> import msbackpain
        >>> category_of(msbackpain.load()["baclofen"])
        'biolink:Drug'
    """
    for curie, (category, _) in CATEGORIES.items():
        if curie in entity.categories:
            return category
    return "biolink:NamedThing"


def _kept(entity: Entity) -> bool:
    return not set(entity.categories) & _LEFT_OUT


def node_records(kg: KnowledgeGraph, *, inferred: bool = True) -> Iterator[dict[str, Any]]:
    """Yield one KGX node record per entity (lists stay lists; the writer joins them)."""
    seen: set[str] = set()
    for entity in kg.index.entities.values():
        if not _kept(entity):
            continue
        seen.add(entity.id)
        yield _node(entity)
    for relation in kg.edges(inferred=inferred):  # endpoints without a label (user data)
        for entity in (relation.subject, relation.object):
            if entity.id not in seen and _kept(entity):
                seen.add(entity.id)
                yield _node(entity)


def _node(entity: Entity) -> dict[str, Any]:
    return {
        "id": entity.id,
        "category": [category_of(entity)],
        "name": entity.label,
        "description": entity.definition or "",
        "synonym": list(entity.synonyms),
        "xref": [x.curie for x in entity.xrefs],
        "iri": entity.iri,
        "provided_by": [KG_INFORES],
    }


def edge_records(kg: KnowledgeGraph, *, inferred: bool = True) -> Iterator[dict[str, Any]]:
    """Yield one KGX edge record per edge between two exported entities."""
    for relation in kg.edges(inferred=inferred):
        if _kept(relation.subject) and _kept(relation.object):
            yield _edge(relation)


def _edge(relation: Relation) -> dict[str, Any]:
    predicate = PREDICATES.get(relation.predicate, ("biolink:related_to", ""))[0]
    evidence = relation.evidence
    key = f"{relation.subject.id} {relation.predicate} {relation.object.id}"
    record: dict[str, Any] = {
        "id": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, MSBP + 'edge/' + key)}",
        "subject": relation.subject.id,
        "predicate": predicate,
        "object": relation.object.id,
        "original_predicate": relation.predicate,
        "knowledge_level": "not_provided",
        "agent_type": "not_provided",
        "primary_knowledge_source": KG_INFORES,
        "aggregator_knowledge_source": [],
        "publications": [],
        "supporting_text": [],
        "paragraphs": [],
        "inference_rule": relation.rule or "",
        "modality": "",
    }
    if relation.inferred:
        record["knowledge_level"] = "logical_entailment"
        record["agent_type"] = "automated_agent"
    elif evidence is not None:
        record["knowledge_level"] = evidence.knowledge_level or "not_provided"
        record["agent_type"] = "manual_agent"
        record["primary_knowledge_source"] = SOURCE_INFORES
        record["aggregator_knowledge_source"] = [KG_INFORES]
    if evidence is not None:
        record["publications"] = [evidence.source]
        record["supporting_text"] = [evidence.summary] if evidence.summary else []
        record["paragraphs"] = list(evidence.paragraphs)
        record["modality"] = evidence.modality or ""
    return record
