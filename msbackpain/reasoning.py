"""Run an OWL reasoner over a KnowledgeGraph and return a new graph with its inferences, explained.

``reason(kg)`` hands the asserted triples to HermiT (or Pellet) through owlready2 in a child
process with a hard time limit, explains every inferred fact with the rule and the asserted
edges behind it, and returns a *new* graph: the input is never changed. The same machinery
writes ``ontology/inferred.ttl`` at build time (``make inferred``), so that ``load()`` gets the
bundle's inferences without Java.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

from msbackpain._inferred import Inferences, inferred_turtle
from msbackpain._justify import TYPE, Schema, justify
from msbackpain._review import load_reviews
from msbackpain.exceptions import InconsistentOntologyError, MsBackPainWarning, ReasonerError
from msbackpain.models import Relation
from msbackpain.prefixes import MSBP, compress

if TYPE_CHECKING:
    from msbackpain.knowledge import KnowledgeGraph

__all__ = [
    "Engine",
    "Inferences",
    "ReasoningReport",
    "UnsupportedInferenceWarning",
    "infer",
    "inferred_turtle",
    "reason",
]


class UnsupportedInferenceWarning(MsBackPainWarning):
    """The reasoner reported facts that no axiom of the ontology derives; they were dropped."""


Engine = Literal["hermit", "pellet"]
Key = tuple[str, str, str]
_RULE = URIRef(MSBP + "rule")


@dataclass(frozen=True, slots=True)
class ReasoningReport:
    """The outcome of :func:`reason`: consistency, new facts, and how long it took.

    ``consistent`` is true on every report: an inconsistent graph has no report, because
    :func:`reason` raises :class:`~msbackpain.InconsistentOntologyError` instead, naming the
    clash (as the docs promise). The field stays so that the JSON of a report says so.

    ``inferred_edges`` and ``inferred_types`` are :class:`~msbackpain.Relation` objects
    (types use the predicate ``rdf:type``) marked ``inferred`` with their rule and ``via``.
    ``unsupported`` lists facts the engine reported but no axiom of the ontology derives;
    they are left out of the new graph (Pellet as bundled with owlready2 reports two).
    Each inferred relation's ``review`` says whether the curators accepted it
    (``ontology/src/reviewed_inferences.tsv``) or nobody has checked it (``"unreviewed"``,
    e.g. a fact derived from the user's own data); ``rejected`` lists facts the curators
    rejected, which are left out of the new graph.
    """

    engine: str
    consistent: bool
    seconds: float
    inferred_edges: tuple[Relation, ...]
    inferred_types: tuple[Relation, ...]
    inferred_subclasses: tuple[tuple[str, str], ...]
    unsupported: tuple[tuple[str, str, str], ...] = ()
    rejected: tuple[tuple[str, str, str], ...] = ()

    @property
    def unreviewed(self) -> tuple[Relation, ...]:
        """The inferred edges and types nobody has reviewed against the source."""
        return tuple(
            r for r in (*self.inferred_edges, *self.inferred_types) if r.review == "unreviewed"
        )

    def __repr__(self) -> str:
        return (
            f"ReasoningReport(engine={self.engine!r}, consistent={self.consistent}, "
            f"edges={len(self.inferred_edges)}, types={len(self.inferred_types)}, "
            f"subclasses={len(self.inferred_subclasses)}, unreviewed={len(self.unreviewed)}, "
            f"rejected={len(self.rejected)}, seconds={self.seconds:.2f})"
        )

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready dictionary."""
        return {
            "engine": self.engine,
            "consistent": self.consistent,
            "seconds": round(self.seconds, 3),
            "inferred_edges": [r.to_dict() for r in self.inferred_edges],
            "inferred_types": [r.to_dict() for r in self.inferred_types],
            "inferred_subclasses": [list(pair) for pair in self.inferred_subclasses],
            "unsupported": [list(fact) for fact in self.unsupported],
            "rejected": [list(fact) for fact in self.rejected],
            "unreviewed": len(self.unreviewed),
        }


# -- running the reasoner ------------------------------------------------------------------


def _run_worker(ntriples: Path, engine: Engine, timeout: float) -> dict[str, Any]:
    if engine not in ("hermit", "pellet"):
        msg = f"unknown reasoner {engine!r}; choose 'hermit' or 'pellet'"
        raise ReasonerError(msg)
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        msg = (
            "the OWL reasoner needs Java, and no 'java' is on PATH "
            "(install a JRE, e.g. apt-get install default-jre-headless)"
        )
        raise ReasonerError(msg)
    # The worker runs by file path (-P: its folder is not put on sys.path), so that it works
    # whether or not this copy of msbackpain is the installed one.
    worker = Path(__file__).with_name("_owl_worker.py")
    command = [sys.executable, "-P", str(worker), engine, str(ntriples)]
    process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the worker and the Java process it started
        process.communicate()
        msg = f"the {engine} reasoner did not finish within {timeout:g} s and was stopped"
        raise ReasonerError(msg) from None
    if process.returncode != 0:
        detail = err.strip().splitlines()
        last = detail[-1] if detail else f"exit code {process.returncode}"
        if "UnsupportedClassVersionError" in err:
            last = (
                f"the {engine} jar bundled with owlready2 needs a newer Java than this machine has"
            )
        msg = f"the {engine} reasoner failed: {last}"
        raise ReasonerError(msg)
    result: dict[str, Any] = json.loads(out)
    return result


def _asserted(graph: Graph) -> Graph:
    """Return ``graph`` without materialised inferences (facts with msbp:rule) or owl:imports."""
    clean = Graph()
    drop_nodes: set[object] = set()
    drop_triples: set[tuple[object, object, object]] = set()
    for axiom in graph.subjects(_RULE, None):
        drop_nodes.add(axiom)
        drop_nodes.update(graph.objects(axiom, URIRef(MSBP + "via")))
        s = graph.value(axiom, OWL.annotatedSource)
        p = graph.value(axiom, OWL.annotatedProperty)
        o = graph.value(axiom, OWL.annotatedTarget)
        drop_triples.add((s, p, o))
    for triple in graph:
        # owl:imports would make owlready2 fetch the imported ontology over HTTP.
        if triple[0] not in drop_nodes and triple not in drop_triples and triple[1] != OWL.imports:
            clean.add(triple)
    return clean


def _facts(graph: Graph) -> list[Key]:
    props = {str(p) for p in graph.subjects(RDF.type, OWL.ObjectProperty)}
    facts: list[Key] = [
        (str(s), str(p), str(o))
        for s, p, o in graph
        if str(p) in props and isinstance(s, URIRef) and isinstance(o, URIRef)
    ]
    classes = {str(c) for c in graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    facts += [
        (str(s), TYPE, str(o))
        for s, o in graph.subject_objects(RDF.type)
        if isinstance(s, URIRef) and str(o) in classes
    ]
    return facts


def _explain_clash(graph: Graph) -> str:
    """Name an asserted individual typed in two classes declared disjoint, if there is one."""
    parents: dict[str, set[str]] = {}
    for sub, sup in graph.subject_objects(RDFS.subClassOf):
        parents.setdefault(str(sub), set()).add(str(sup))

    def ancestors(cls: str) -> set[str]:
        seen, stack = {cls}, [cls]
        while stack:
            for parent in parents.get(stack.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        return seen

    groups: list[list[str]] = []
    for node in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        for head in graph.objects(node, OWL.members):
            groups.append([str(m) for m in Collection(graph, head)])
    groups += [[str(a), str(b)] for a, b in graph.subject_objects(OWL.disjointWith)]
    for individual in sorted(set(graph.subjects(RDF.type, OWL.NamedIndividual)), key=str):
        asserted = [str(t) for t in graph.objects(individual, RDF.type) if isinstance(t, URIRef)]
        closure = {a: ancestors(a) for a in asserted}
        for group in groups:
            hits = sorted(
                {(member, a) for a, up in closure.items() for member in group if member in up}
            )
            members = {m for m, _ in hits}
            if len(members) > 1:
                (m1, a1), (m2, a2) = hits[0], next(h for h in hits if h[0] != hits[0][0])
                first, second = sorted((compress(a1), compress(a2)))
                return (
                    f"{compress(str(individual))} is asserted as {first} and {second}, "
                    f"but {compress(m1)} and {compress(m2)} are declared disjoint"
                )
    return "no single disjointness clash found among the asserted types"


def infer(graph: Graph, *, engine: Engine = "hermit", timeout: float = 300.0) -> Inferences:
    """Reason over the asserted part of ``graph`` and explain every inferred fact.

    Raises:
        InconsistentOntologyError: naming the clashing axioms where they can be found.
        ReasonerError: when Java is missing, the engine fails, or it runs past ``timeout``.
    """
    asserted = _asserted(graph)
    with tempfile.TemporaryDirectory(prefix="msbackpain-reason-") as folder:
        path = Path(folder) / "asserted.nt"
        asserted.serialize(path, format="nt", encoding="utf-8")
        raw = _run_worker(path, engine, timeout)
    if not raw["consistent"]:
        msg = f"{engine} found the ontology inconsistent: {_explain_clash(asserted)}"
        raise InconsistentOntologyError(msg)
    facts: list[Key] = [(s, p, o) for s, p, o in raw["edges"]]
    facts += [(i, TYPE, c) for i, c in raw["types"]]
    subclasses = tuple(sorted((str(a), str(b)) for a, b in raw["subclasses"]))
    schema = Schema(asserted)
    schema.add_subclasses(subclasses)
    derivations, unexplained = justify(schema, _facts(asserted), facts)
    return Inferences(
        engine,
        str(raw["version"]),
        float(raw["seconds"]),
        tuple(derivations),
        subclasses,
        tuple(unexplained),
    )


# -- the public call -----------------------------------------------------------------------


def _graph_of(triples: Iterable[tuple[str, str, str]]) -> Graph:
    data = "".join(f"{s} {p} {o} .\n" for s, p, o in triples)
    return Graph().parse(data=data, format="nt")


def reason(
    kg: KnowledgeGraph, *, engine: Engine = "hermit", timeout: float = 300.0
) -> tuple[KnowledgeGraph, ReasoningReport]:
    """Run an OWL reasoner over ``kg`` and return a new graph with the inferences, and a report.

    The input graph is not changed. Materialised inferences already in ``kg`` are set aside
    first, so the report lists everything the reasoner derives from the asserted facts. Facts
    the curators accepted carry ``review="accepted"``; facts nobody reviewed (those that
    follow from a user's own data) carry ``review="unreviewed"``; facts the curators rejected
    are left out of the new graph and listed in ``report.rejected``.

    Args:
        kg: The graph to reason over.
        engine: ``"hermit"`` (default) or ``"pellet"``, both run through owlready2.
        timeout: Seconds before the reasoner is stopped.

    Raises:
        InconsistentOntologyError: if the asserted facts contradict the ontology's axioms.
        ReasonerError: if Java is missing, the engine fails, or it runs out of time.

    Examples:
        >>> import msbackpain
        >>> kg2, report = msbackpain.load().reason()  # doctest: +SKIP
        >>> report.consistent  # doctest: +SKIP
        True
    """
    from msbackpain.backends import get_backend
    from msbackpain.knowledge import KnowledgeGraph

    graph = _graph_of(kg.backend.triples())
    inferences = infer(graph, engine=engine, timeout=timeout)
    reviews = load_reviews()
    rejected = tuple(k for k in inferences.facts() if k in reviews and not reviews[k].accepted)
    with tempfile.TemporaryDirectory(prefix="msbackpain-reasoned-") as folder:
        asserted_path = Path(folder) / "asserted.nt"
        inferred_path = Path(folder) / "inferred.ttl"
        _asserted(graph).serialize(asserted_path, format="nt", encoding="utf-8")
        inferred_path.write_text(inferred_turtle(inferences, reviews), encoding="utf-8")
        store = get_backend(kg.backend.name if kg.backend.loadable else "rdflib")
        store.load(asserted_path)
        store.load(inferred_path)
    result = KnowledgeGraph(store, sources=kg.sources)
    kept = [
        (d.fact[1] == TYPE, key)
        for d in inferences.derivations
        if (key := (compress(d.fact[0]), compress(d.fact[1]), compress(d.fact[2]))) not in rejected
    ]
    edges = tuple(result.relation(key) for is_type, key in kept if not is_type)
    types = tuple(result.relation(key) for is_type, key in kept if is_type)
    unsupported = tuple(tuple(compress(x) for x in fact) for fact in inferences.unexplained)
    if unsupported:
        warnings.warn(
            f"{engine} reported {len(unsupported)} fact(s) that no axiom derives; "
            f"they were left out: {'; '.join(' '.join(f) for f in unsupported)}",
            UnsupportedInferenceWarning,
            stacklevel=2,
        )
    report = ReasoningReport(
        engine,
        True,  # infer() raised InconsistentOntologyError for an inconsistent graph
        inferences.seconds,
        edges,
        types,
        tuple(
            (compress(a), compress(b))
            for a, b in inferences.subclasses
            if (compress(a), "rdfs:subClassOf", compress(b)) not in rejected
        ),
        unsupported,  # type: ignore[arg-type]
        rejected,
    )
    return result, report
