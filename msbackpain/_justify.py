"""Explain a reasoner's conclusions: for each inferred fact, the rule and the facts it rests on.

The OWL reasoner (HermiT or Pellet, through owlready2) decides *what* is entailed but does
not say why. This module reconstructs a derivation for every inferred fact from the
ontology's own axioms (property chains, transitivity, sub-properties, inverses and defined
classes): it never concludes anything itself, it only finds the premises of what the reasoner
concluded, and reports any fact it cannot explain.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from msbackpain.prefixes import MSBP

__all__ = ["Derivation", "Schema", "justify"]

Key = tuple[str, str, str]
TYPE = str(RDF.type)
RULE_SUBPROPERTY = MSBP + "ruleSubproperty"
RULE_TRANSITIVITY = MSBP + "ruleTransitivity"
RULE_CLASSIFICATION = MSBP + "ruleClassification"
RULE_INVERSE = MSBP + "ruleInverse"
RULE_CHAIN = MSBP + "rulePropertyChain"


@dataclass(frozen=True, slots=True)
class Derivation:
    """How one inferred fact follows: the rule, its direct premises and the asserted support."""

    fact: Key
    rule: str
    premises: tuple[Key, ...]
    via: tuple[Key, ...]


class Schema:
    """The property and class axioms of an ontology that derivations may use."""

    def __init__(self, graph: Graph) -> None:
        self.inverse: dict[str, str] = {}
        self.canonical: dict[str, str] = {}
        for a, b in graph.subject_objects(OWL.inverseOf):
            # Convention: owl:inverseOf is declared on the inverse and points at the canonical
            # property (msbp:treatedBy owl:inverseOf msbp:treats).
            self.inverse[str(a)], self.inverse[str(b)] = str(b), str(a)
            self.canonical[str(a)] = str(b)
        self.transitive = {str(p) for p in graph.subjects(RDF.type, OWL.TransitiveProperty)}
        parents: dict[str, set[str]] = defaultdict(set)
        for sub, sup in graph.subject_objects(RDFS.subPropertyOf):
            parents[str(sub)].add(str(sup))
        self.sub_of: dict[str, set[str]] = defaultdict(
            set
        )  # property -> its sub-properties (reflexive)
        for prop in {*parents, *(x for v in parents.values() for x in v)}:
            for ancestor in _closure(prop, parents):
                self.sub_of[ancestor].add(prop)
        rules = {
            (str(pred), str(chain)): str(rule)
            for rule, pred in graph.subject_objects(URIRef(MSBP + "rulePredicate"))
            for chain in graph.objects(rule, URIRef(MSBP + "ruleChain"))
        }
        self.chains: list[tuple[str, tuple[str, ...], str]] = []
        for chained, head in graph.subject_objects(OWL.propertyChainAxiom):
            members = tuple(str(m) for m in Collection(graph, head))
            label = " ".join(_curie(m) for m in members)
            self.chains.append(
                (str(chained), members, rules.get((str(chained), label), RULE_CHAIN))
            )
        self.chains.sort()
        self.superclasses: dict[str, set[str]] = defaultdict(set)
        class_parents: dict[str, set[str]] = defaultdict(set)
        for sub, sup in graph.subject_objects(RDFS.subClassOf):
            if isinstance(sup, URIRef):
                class_parents[str(sub)].add(str(sup))
        for cls in list(class_parents):
            self.superclasses[cls] = _closure(cls, class_parents)
        self.restrictions: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for defined, expression in graph.subject_objects(OWL.equivalentClass):
            for restriction in _restrictions(graph, expression):
                self.restrictions[str(defined)].append(restriction)

    def add_subclasses(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Add class subsumptions the reasoner found (``(sub, super)`` IRIs) to the hierarchy."""
        parents: dict[str, set[str]] = defaultdict(set)
        for cls, ancestors in self.superclasses.items():
            parents[cls] |= ancestors - {cls}
        for sub, sup in pairs:
            parents[sub].add(sup)
        for cls in list(parents):
            self.superclasses[cls] = _closure(cls, parents)

    def canon(self, key: Key) -> Key:
        """Return the fact in the canonical direction of its property."""
        s, p, o = key
        if p in self.canonical:
            return (o, self.canonical[p], s)
        return key


def _curie(iri: str) -> str:
    return "msbp:" + iri[len(MSBP) :] if iri.startswith(MSBP) else iri


def _closure(start: str, parents: dict[str, set[str]]) -> set[str]:
    seen, stack = {start}, [start]
    while stack:
        for parent in parents.get(stack.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


def _restrictions(graph: Graph, expression: Node) -> list[tuple[str, str]]:
    found = []
    parts: list[Node] = [expression]
    for head in graph.objects(expression, OWL.intersectionOf):
        parts.extend(Collection(graph, head))
    for part in parts:
        prop = graph.value(part, OWL.onProperty)
        filler = graph.value(part, OWL.someValuesFrom)
        if prop is not None and filler is not None:
            found.append((str(prop), str(filler)))
    return found


class _Facts:
    """Known facts with the lookups derivations need (inverses and sub-properties included)."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.edges: set[Key] = set()
        self.out: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.types: dict[str, set[str]] = defaultdict(set)

    def add(self, key: Key) -> None:
        s, p, o = key
        if p == TYPE:
            self.types[s].add(o)
            return
        self.edges.add(key)
        self.out[(s, p)].add(o)
        if p in self.schema.inverse:
            self.out[(o, self.schema.inverse[p])].add(s)

    def find(self, s: str, p: str, o: str) -> Key | None:
        """Return the stored fact that makes ``s p o`` true, if any."""
        for q in sorted(self.schema.sub_of.get(p, {p}) | {p}):
            if o in self.out.get((s, q), ()):
                return self.schema.canon((s, q, o))
        return None

    def successors(self, s: str, p: str) -> set[str]:
        found: set[str] = set()
        for q in self.schema.sub_of.get(p, {p}) | {p}:
            found |= self.out.get((s, q), set())
        return found

    def has_type(self, s: str, cls: str) -> Key | None:
        for t in sorted(self.types.get(s, ())):
            if t == cls or cls in self.schema.superclasses.get(t, ()):
                return (s, TYPE, t)
        return None


def _derive_type(
    facts: _Facts, s: str, cls: str, *, fallback: bool
) -> tuple[str, tuple[Key, ...]] | None:
    for prop, filler in facts.schema.restrictions.get(cls, ()):
        for target in sorted(facts.successors(s, prop)):
            typed = facts.has_type(target, filler)
            edge = facts.find(s, prop, target)
            if typed and edge:
                return RULE_CLASSIFICATION, (edge, typed)
    if not fallback:
        return None
    typed_as = sorted(facts.types.get(s, ()))
    return (RULE_CLASSIFICATION, ((s, TYPE, typed_as[0]),)) if typed_as else None


def _derive_by_chain(facts: _Facts, s: str, p: str, o: str) -> tuple[str, tuple[Key, ...]] | None:
    for prop, members, rule in facts.schema.chains:
        if prop != p or len(members) != 2:
            continue
        first, second = members
        for middle in sorted(facts.successors(s, first)):
            step2 = facts.find(middle, second, o)
            step1 = facts.find(s, first, middle)
            if step1 and step2:
                return rule, (step1, step2)
    return None


def _derive_by_transitivity(
    facts: _Facts, s: str, p: str, o: str
) -> tuple[str, tuple[Key, ...]] | None:
    if p not in facts.schema.transitive:
        return None
    for middle in sorted(facts.successors(s, p)):
        step2 = facts.find(middle, p, o)
        step1 = facts.find(s, p, middle)
        if step1 and step2 and middle not in (s, o):
            return RULE_TRANSITIVITY, (step1, step2)
    return None


def _derive(facts: _Facts, key: Key, *, fallback: bool) -> tuple[str, tuple[Key, ...]] | None:
    s, p, o = key
    if p == TYPE:
        return _derive_type(facts, s, o, fallback=fallback)
    schema = facts.schema
    for q in sorted(schema.sub_of.get(p, set()) - {p}):
        if o in facts.out.get((s, q), ()):
            return RULE_SUBPROPERTY, (schema.canon((s, q, o)),)
    return _derive_by_chain(facts, s, p, o) or _derive_by_transitivity(facts, s, p, o)


def _explain_in_rounds(
    facts: _Facts, pending: list[Key]
) -> tuple[dict[Key, tuple[str, tuple[Key, ...]]], list[Key]]:
    """Explain ``pending`` facts round by round; return the explanations and what is left."""
    found: dict[Key, tuple[str, tuple[Key, ...]]] = {}
    progress, fallback = True, False
    while pending and (progress or not fallback):
        # A class membership is first explained by the edge that meets the class definition;
        # only when no round finds one does it fall back to the entity's asserted type.
        if not progress:
            fallback = True
        progress = False
        remaining = []
        for key in pending:
            derivation = _derive(facts, key, fallback=fallback)
            if derivation is None:
                remaining.append(key)
                continue
            found[key] = derivation
            progress = True
        for key in pending:
            if key in found:
                facts.add(key)
        pending = remaining

    return found, pending


def justify(
    schema: Schema, asserted: Iterable[Key], inferred: Iterable[Key]
) -> tuple[list[Derivation], list[Key]]:
    """Find a derivation for every inferred fact; return them and the facts left unexplained.

    ``asserted`` and ``inferred`` are ``(subject, predicate, object)`` IRIs; class
    memberships use ``rdf:type`` as the predicate. Inferred facts are explained in rounds, so
    a fact may rest on facts explained in an earlier round; ``via`` always lists the asserted
    facts at the bottom of the derivation.
    """
    facts = _Facts(schema)
    asserted_set = {schema.canon(k) if k[1] != TYPE else k for k in asserted}
    for key in sorted(asserted_set):
        facts.add(key)
    pending = sorted({schema.canon(k) if k[1] != TYPE else k for k in inferred} - asserted_set)
    found, pending = _explain_in_rounds(facts, pending)

    def support(key: Key, seen: frozenset[Key] = frozenset()) -> list[Key]:
        if key in asserted_set or key not in found or key in seen:
            return [key]
        result: list[Key] = []
        for premise in found[key][1]:
            for base in support(premise, seen | {key}):
                if base not in result:
                    result.append(base)
        return result

    derivations = [
        Derivation(k, rule, premises, tuple(support(k)))
        for k, (rule, premises) in sorted(found.items())
    ]
    return derivations, pending
