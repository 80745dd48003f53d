"""KnowledgeGraph: an immutable mapping of entities plus one thin method per question."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from threading import Lock
from typing import TYPE_CHECKING, Any

from msbackpain import queries
from msbackpain.backends.base import IRI, Backend, BindingValue
from msbackpain.conflicts import CHECKED_PREDICATES, answer_conflicts, unchecked_by
from msbackpain.exceptions import QueryParameterError
from msbackpain.execution import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, run_query
from msbackpain.lookup import EntityIndex
from msbackpain.models import (
    Entity,
    Evidence,
    KnowledgeGap,
    QueryResult,
    Relation,
    RelationList,
)
from msbackpain.prefixes import compress, expand

if TYPE_CHECKING:
    import os
    from collections.abc import Callable, Collection, Iterable
    from pathlib import Path

    import networkx as nx

    from msbackpain.careplan import CarePlan, Conflict
    from msbackpain.handout import Handout
    from msbackpain.models import Path as GraphPath
    from msbackpain.reasoning import Engine, ReasoningReport
    from msbackpain.viz import HtmlGraph, Picture

__all__ = ["SOURCE_ARTICLE", "EntityRef", "KnowledgeGraph"]

#: The article every bundled fact is cited from.
SOURCE_ARTICLE = "https://www.healthline.com/health/multiple-sclerosis/back-pain"

#: Anything that names an entity: an Entity, or its label, synonym, CURIE, xref or IRI.
EntityRef = Entity | str

Key = tuple[str, str, str]


class KnowledgeGraph(Mapping[str, Entity]):
    """The MS back-pain knowledge graph: a read-only mapping from entity ids to entities.

    Build one with :func:`msbackpain.load`. Keys are CURIEs (``msbp:Spasticity``), but
    ``kg[x]``, ``kg.get(x)`` and ``x in kg`` accept any :data:`EntityRef`. The graph never
    changes after loading: reasoning returns a new graph, and answers are cached.

    Examples:
        >>> import msbackpain
        >>> kg = msbackpain.load()
        >>> kg["lhermittes sign"].id
        'msbp:LhermittesSign'
        >>> "baclofen" in kg, kg.get("nope") is None
        (True, True)
    """

    def __init__(self, backend: Backend, *, sources: Sequence[Path] = ()) -> None:
        self._backend = backend
        self._sources = tuple(sources)
        self._memo: dict[tuple[Any, ...], Any] = {}
        self._lock = Lock()

    # -- plumbing -------------------------------------------------------------------------

    @property
    def backend(self) -> Backend:
        """The triple store holding the graph."""
        return self._backend

    @property
    def sources(self) -> tuple[Path, ...]:
        """The RDF files loaded into this graph, bundled ones first."""
        return self._sources

    def _cached(self, key: tuple[Any, ...], compute: Any) -> Any:
        try:
            return self._memo[key]
        except KeyError:
            pass
        value = compute()
        with self._lock:
            return self._memo.setdefault(key, value)

    @property
    def index(self) -> EntityIndex:
        """The lookup index of every entity (built on first use from the ``entities`` query)."""
        result: EntityIndex = self._cached(
            ("index",), lambda: EntityIndex.from_rows(self.run("entities"))
        )
        return result

    def __repr__(self) -> str:
        return f"<KnowledgeGraph backend={self._backend.name!r} triples={len(self._backend)}>"

    # -- Mapping --------------------------------------------------------------------------

    def __getitem__(self, ref: EntityRef) -> Entity:
        return self.index.resolve(ref)

    def __iter__(self) -> Iterator[str]:
        return iter(self.index.entities)

    def __len__(self) -> int:
        return len(self.index)

    def __contains__(self, ref: object) -> bool:
        if not isinstance(ref, Entity | str):
            return False
        return self.index.get(ref.id if isinstance(ref, Entity) else ref) is not None

    def entity(self, ref: EntityRef) -> Entity:
        """Return the entity named by ``ref`` (label, synonym, CURIE, xref CURIE or IRI).

        Case, apostrophes, hyphens and spaces do not matter.

        Raises:
            EntityNotFound: with close matches as suggestions.

        Examples:
            >>> import msbackpain
            >>> kg = msbackpain.load()
            >>> kg.entity("HP:0032504").label
            "Lhermitte's sign"
            >>> kg.entity("lhermite sign")
            Traceback (most recent call last):
            ...
            msbackpain.exceptions.EntityNotFound: no entity matches 'lhermite sign'; did you \
mean "Lhermitte's sign"?
        """
        return self.index.resolve(ref)

    def search(self, text: str, *, limit: int = 10) -> list[Entity]:
        """Return entities ranked by how well their names and definition match ``text``.

        Examples:
            >>> import msbackpain
            >>> [e.label for e in msbackpain.load().search("neck")][:2]
            ['neck', 'bending the neck']
        """
        return self.index.search(text, limit=limit)

    # -- SPARQL ---------------------------------------------------------------------------

    def run(self, name: str, **params: EntityRef | BindingValue) -> QueryResult:
        """Run the named query ``name`` from ``queries/`` with its parameters bound.

        Entity parameters accept an Entity, label, CURIE or IRI. Results of a graph that
        never changes are cached, so repeated calls cost a dictionary lookup.

        Raises:
            UnknownQueryError: if there is no such query (with suggestions).
            QueryParameterError: if a parameter is unknown, missing, or of the wrong kind.
            EntityNotFound: if an entity parameter names nothing in the graph.

        Examples:
            >>> import msbackpain
            >>> kg = msbackpain.load()
            >>> rows = kg.run("triggers_of", pain="spasticity")
            >>> sorted(row["subject"] for row in rows)[:2]
            ['msbp:ExtremeTemperatures', 'msbp:Humidity']
        """
        query = queries.get_query(name)
        kinds = {p.name: p.kind for p in query.parameters}
        bound: dict[str, BindingValue] = {}
        for key, value in params.items():
            if kinds.get(key) == "iri" and not isinstance(value, IRI):
                if not isinstance(value, Entity | str):
                    msg = f"parameter {key!r} of query {name!r} must name an entity, got {value!r}"
                    raise QueryParameterError(msg)
                value = IRI(self.entity(value).iri)
            elif isinstance(value, Entity):
                value = IRI(value.iri)
            bound[key] = value
        bindings = query.bindings(bound)
        cache_key = (
            "run",
            name,
            tuple(sorted((k, type(v).__name__, str(v)) for k, v in bindings.items())),
        )
        result: QueryResult = self._cached(
            cache_key, lambda: self._backend.query(query.text, bindings)
        )
        return result

    def query(
        self,
        sparql: str,
        *,
        allow_network: bool = False,
        timeout: float | None = DEFAULT_TIMEOUT,
        max_rows: int | None = DEFAULT_MAX_ROWS,
        base: str | None = None,
        **bindings: EntityRef | BindingValue,
    ) -> QueryResult:
        """Run an ad-hoc SPARQL query, with ``bindings`` bound by the engine.

        Only SELECT, ASK, CONSTRUCT and DESCRIBE run. ``SERVICE`` and ``FROM`` would make the
        engine reach out over the network or the file system; they are refused unless
        ``allow_network=True``. The query runs in a child process that is killed after
        ``timeout`` seconds, and may return at most ``max_rows`` rows; either limit raises
        instead of returning a partial result (``timeout=None`` evaluates in-process).
        Known prefixes (``msbp:``, ``rdfs:``, ``skos:``, xref
        prefixes...) need no declaration. Bind an entity by passing an :class:`Entity` or an
        :class:`~msbackpain.IRI`; a plain string binds a literal. Relative IRIs resolve
        against ``base``, by default ``https://w3id.org/msbackpain/`` on every backend.

        Raises:
            QueryError: for malformed text (with line and column) or a refused construct.
            QueryParameterError: if a binding names a variable the query does not use.
            QueryTimeoutError: if the query runs longer than ``timeout``.
            ResultTooLargeError: if it returns more than ``max_rows`` rows.

        Examples:
            >>> import msbackpain
            >>> kg = msbackpain.load()
            >>> result = kg.query("SELECT ?d WHERE { ?d msbp:memberOfDrugClass ?c }",
            ...                   c=kg["muscle relaxants"])
            >>> sorted(row["d"] for row in result)
            ['msbp:Baclofen', 'msbp:Tizanidine']
        """
        values = {k: IRI(v.iri) if isinstance(v, Entity) else v for k, v in bindings.items()}
        return run_query(
            self._backend,
            sparql,
            values,
            allow_network=allow_network,
            timeout=timeout,
            max_rows=max_rows,
            base=base,
        )

    # -- relations ------------------------------------------------------------------------

    def classes(self) -> dict[str, Entity]:
        """Return the ontology's classes (entity categories) as entities, keyed by CURIE.

        Examples:
            >>> import msbackpain
            >>> msbackpain.load().classes()["msbp:Trigger"].label
            'trigger'
        """

        def compute() -> dict[str, Entity]:
            table: dict[str, Entity] = {}
            for row in self.run("classes"):
                curie = str(row["class"])
                if curie not in table:
                    table[curie] = Entity(
                        id=curie,
                        iri=expand(curie) or curie,
                        label=row["label"] or curie.partition(":")[2],
                        definition=row["definition"],
                        categories=("owl:Class",),
                    )
            return table

        result: dict[str, Entity] = self._cached(("classes",), compute)
        return result

    def _entity_for(self, curie: str | None) -> Entity:
        if curie is None:
            msg = "a query returned an edge without an endpoint"
            raise QueryParameterError(msg)
        found = self.index.entities.get(curie) or self.classes().get(curie)
        if found is not None:
            return found
        iri = expand(curie) or curie
        local = curie.partition(":")[2] if iri != curie else iri.rstrip("/").rsplit("/", 1)[-1]
        return Entity(id=curie, iri=iri, label=local or curie)

    def _asserted_evidence(self) -> dict[Key, Evidence]:
        def compute() -> dict[Key, Evidence]:
            paragraphs: dict[Key, set[str]] = {}
            first: dict[Key, Mapping[str, str | None]] = {}
            for row in self.run("edge_evidence"):
                key = (str(row["subject"]), str(row["predicate"]), str(row["object"]))
                paragraphs.setdefault(key, set()).add(str(row["paragraph"]))
                first.setdefault(key, row)
            return {
                key: _evidence({**row, "paragraphs": ",".join(paragraphs[key])})
                for key, row in first.items()
            }

        result: dict[Key, Evidence] = self._cached(("asserted-evidence",), compute)
        return result

    def _support(self) -> dict[Key, _Support]:
        def compute() -> dict[Key, _Support]:
            table: dict[Key, tuple[Mapping[str, str | None], set[tuple[int, Key]]]] = {}
            for row in self.run("inference_support"):
                key = (str(row["subject"]), str(row["predicate"]), str(row["object"]))
                _, steps = table.setdefault(key, (row, set()))
                step = (str(row["via_subject"]), str(row["via_predicate"]), str(row["via_object"]))
                steps.add((int(str(row["position"])), step))
            return {
                k: _Support(
                    str(row["rule"]),
                    tuple(step for _, step in sorted(steps)),
                    str(row["review"] or "unreviewed"),
                    _split(row["paragraphs"]),
                    str(row["note"] or ""),
                )
                for k, (row, steps) in table.items()
            }

        result: dict[Key, _Support] = self._cached(("support",), compute)
        return result

    def relation(self, key: Key) -> Relation:
        """Return the edge ``(subject id, predicate, object id)`` with its evidence and support.

        Inferred edges come with their rule and, in ``via``, the asserted edges they rest on.
        An edge of the user's own data without provenance has ``evidence=None``.

        Raises:
            KeyError: if the graph has no such edge.

        Examples:
            >>> import msbackpain
            >>> r = msbackpain.load().relation(("msbp:Baclofen", "msbp:treats", "msbp:Spasticity"))
            >>> r.inferred, r.rule, [v.predicate for v in r.via]
            (True, 'msbp:ruleDrugClassTreatment', ['msbp:memberOfDrugClass', 'msbp:treats'])
        """
        asserted = self._asserted_evidence().get(key)
        subject, obj = self._entity_for(key[0]), self._entity_for(key[2])
        if asserted is not None:
            return Relation(subject, key[1], obj, asserted)
        support = self._support().get(key)
        if support is None:
            if key in self._edge_keys() or (key[1] == "rdf:type" and key[2] in subject.categories):
                return Relation(subject, key[1], obj)
            raise KeyError(key)
        via = tuple(self.relation(step) for step in support.steps)
        evidence = _inferred_evidence(self._entity_for(support.rule).label, via, support)
        return Relation(subject, key[1], obj, evidence, True, support.rule, via, support.review)

    def _edge_keys(self) -> frozenset[Key]:
        result: frozenset[Key] = self._cached(
            ("edge-keys",),
            lambda: frozenset(
                (str(r["subject"]), str(r["predicate"]), str(r["object"]))
                for r in self.run("edges")
            ),
        )
        return result

    def edges(
        self, *, inferred: bool = True, predicates: Collection[str] | None = None
    ) -> list[Relation]:
        """Return every edge between two entities, with evidence (and support, if inferred).

        ``predicates`` keeps only the edges of those properties (CURIEs).

        Examples:
            >>> import msbackpain
            >>> kg = msbackpain.load()
            >>> len(kg.edges(inferred=False)) < len(kg.edges())
            True
            >>> len(kg.edges(predicates={"msbp:involvesFactor"}))
            2
        """
        wanted = None if predicates is None else frozenset(predicates)

        def compute() -> list[Relation]:
            keys = sorted(k for k in self._edge_keys() if wanted is None or k[1] in wanted)
            relations = [self.relation(key) for key in keys]
            return [r for r in relations if inferred or not r.inferred]

        key = ("edges", inferred, None if wanted is None else tuple(sorted(wanted)))
        result: list[Relation] = self._cached(key, compute)
        return list(result)

    def properties(self) -> dict[str, dict[str, str]]:
        """Return ``{property CURIE: {"label", "definition", "inverse"}}`` for every property."""

        def compute() -> dict[str, dict[str, str]]:
            table: dict[str, dict[str, str]] = {}
            for row in self.run("properties"):
                entry = table.setdefault(str(row["property"]), {})
                for field in ("label", "definition", "inverse"):
                    if row[field]:
                        entry[field] = str(row[field])
            return table

        result: dict[str, dict[str, str]] = self._cached(("properties",), compute)
        return result

    def _relations(
        self, name: str, *, inferred: bool, **params: EntityRef | BindingValue
    ) -> list[Relation]:
        relations: list[Relation] = []
        asserted_pairs: set[tuple[str | None, str | None]] = set()
        rows = self.run(name, **params)
        for row in rows:
            if row["rule"] is None:
                asserted_pairs.add((row["subject"], row["object"]))
        for row in rows:
            key = (str(row["subject"]), str(row["predicate"]), str(row["object"]))
            if row["rule"] is None:
                relations.append(
                    Relation(
                        self._entity_for(key[0]), key[1], self._entity_for(key[2]), _evidence(row)
                    )
                )
            elif inferred and (row["subject"], row["object"]) not in asserted_pairs:
                relations.append(self.relation(key))
        return relations

    def _answer(
        self,
        name: str,
        ref: EntityRef,
        *,
        inferred: bool,
        gap_relations: frozenset[str] = frozenset(),
        conflicts: Callable[[Entity, list[Relation]], tuple[Conflict, ...]] | None = None,
    ) -> RelationList:
        entity = self.entity(ref)

        def compute() -> RelationList:
            param = queries.get_query(name).parameters[0].name
            relations = self._relations(name, inferred=inferred, **{param: entity})
            involved = (
                {entity.id} | {r.subject.id for r in relations} | {r.object.id for r in relations}
            )
            gaps = [
                g
                for g in self.gaps()
                if (entity.id in {c.id for c in g.concerns} and g.missing_relation in gap_relations)
                or ({c.id for c in g.concerns} & (involved - {entity.id}))
            ]
            if conflicts is None:
                return RelationList(relations, gaps)
            gaps.extend(
                g
                for g in unchecked_by(self.gaps(), pains={entity.id}, treatments=involved)
                if g not in gaps
            )
            return RelationList(relations, gaps, conflicts(entity, relations))

        result: RelationList = self._cached((name, entity.id, inferred), compute)
        return RelationList(result, result.gaps, result.conflicts)

    # -- questions ------------------------------------------------------------------------

    def pain_types(self) -> list[Entity]:
        """Return the kinds of back pain people with MS experience, sorted by label.

        Examples:
            >>> import msbackpain
            >>> [e.label for e in msbackpain.load().pain_types()][2:]
            ["Lhermitte's sign", 'muscle weakness', 'neuropathic pain', 'spasticity']
        """
        result: list[Entity] = self._cached(
            ("pain_types",),
            lambda: [self._entity_for(row["pain"]) for row in self.run("pain_types")],
        )
        return list(result)

    def causes_of(self, condition: EntityRef, *, inferred: bool = True) -> RelationList:
        """Return what causes, contributes to or predisposes to ``condition``.

        With ``inferred=True`` (the default) upstream causes found by transitivity are
        included, marked ``inferred`` with their rule and supporting edges.

        Examples:
            >>> import msbackpain
            >>> kg = msbackpain.load()
            >>> sorted(r.subject.label for r in kg.causes_of("neuropathic pain", inferred=False))
            ['multiple sclerosis', 'nerve short-circuiting']
        """
        return self._answer(
            "causes_of",
            condition,
            inferred=inferred,
            gap_relations=frozenset({"msbp:hasContributingFactor"}),
        )

    def triggers_of(self, pain: EntityRef, *, inferred: bool = True) -> RelationList:
        """Return what triggers ``pain``; ``.gaps`` says when the source's list is missing.

        Examples:
            >>> import msbackpain
            >>> kg = msbackpain.load()
            >>> sorted(r.subject.label for r in kg.triggers_of("Lhermitte's sign"))
            ['bending the neck', 'fatigue', 'heat', 'stress']
            >>> answer = kg.triggers_of("neuropathic pain")
            >>> len(answer), [g.paragraphs for g in answer.gaps]
            (0, [('P08', 'P09')])
        """
        return self._answer(
            "triggers_of", pain, inferred=inferred, gap_relations=frozenset({"msbp:triggeredBy"})
        )

    def qualities_of(self, condition: EntityRef, *, inferred: bool = True) -> RelationList:
        """Return how ``condition`` feels, where it is felt, how long and how strong it is.

        Examples:
            >>> import msbackpain
            >>> kg = msbackpain.load()
            >>> sorted(r.object.label for r in kg.qualities_of("Lhermitte's sign"))[:3]
            ['electric shock-like sensation', 'lasting seconds', 'neck']
        """
        return self._answer("qualities_of", condition, inferred=inferred)

    def treatments_for(self, condition: EntityRef, *, inferred: bool = True) -> RelationList:
        """Return the treatments that treat, ease or prevent ``condition``.

        ``.conflicts`` holds the conflicts of the treatments named: a treatment that involves
        a factor which brings on a pain type (this one or another) may aggravate it.

        With ``inferred=True`` (the default) this includes treatments of the more general
        kinds of ``condition`` and the drugs of drug classes that treat it, each marked
        ``inferred`` with its rule and the asserted edges it rests on (``via``).

        Examples:
            >>> import msbackpain
            >>> kg = msbackpain.load()
            >>> [r.subject.label for r in kg.treatments_for("Lhermitte's sign", inferred=False)]
            ['avoiding triggering neck movements']
        """
        return self._answer(
            "treatments_for",
            condition,
            inferred=inferred,
            conflicts=lambda e, rs: answer_conflicts(
                self.edges(inferred=inferred, predicates=CHECKED_PREDICATES), e, rs
            ),
        )

    def benefits_of(self, treatment: EntityRef, *, inferred: bool = True) -> RelationList:
        """Return the benefits of ``treatment``.

        Examples:
            >>> import msbackpain
            >>> sorted(r.object.label for r in msbackpain.load().benefits_of("water aerobics"))
            ['better balance', 'better coordination', 'more energy']
        """
        return self._answer("benefits_of", treatment, inferred=inferred)

    def cautions_for(self, subject: EntityRef, *, inferred: bool = True) -> RelationList:
        """Return the cautions for a treatment or pain type and the practitioners to consult.

        ``.conflicts`` holds the conflicts of ``subject``: as a treatment, the pain types it
        may aggravate; as a pain type, the treatments that may aggravate it.

        Examples:
            >>> import msbackpain
            >>> kg = msbackpain.load()
            >>> sorted(r.object.label for r in kg.cautions_for("water aerobics", inferred=False))
            ['consult before joining a water aerobics class']
            >>> [str(c) for c in kg.cautions_for("water aerobics").conflicts]
            ["water aerobics involves heat [P43], which brings on Lhermitte's sign [P12,P13] \
— discuss with a doctor"]
        """
        return self._answer(
            "cautions_for",
            subject,
            inferred=inferred,
            conflicts=lambda e, _: answer_conflicts(
                self.edges(inferred=inferred, predicates=CHECKED_PREDICATES), e
            ),
        )

    def gaps(self) -> list[KnowledgeGap]:
        """Return what the source leaves unstated: the lists missing from our copy.

        Examples:
            >>> import msbackpain
            >>> [g.paragraphs[0] for g in msbackpain.load().gaps()]
            ['P47', 'P08', 'P23']
        """

        def compute() -> list[KnowledgeGap]:
            return [
                KnowledgeGap(
                    entity=self._entity_for(row["gap"]),
                    concerns=tuple(self._entity_for(compress(c)) for c in _split(row["concerns"])),
                    missing_relation=str(row["relation"]),
                    paragraphs=_split(row["paragraphs"]),
                )
                for row in self.run("gaps")
            ]

        result: list[KnowledgeGap] = self._cached(("gaps",), compute)
        return list(result)

    # -- traversal, explanation, planning, reasoning --------------------------------------

    def _graph(self, *, inferred: bool, inverses: bool) -> nx.MultiDiGraph:
        from msbackpain.graph import to_networkx

        return self._cached(
            ("networkx", inferred, inverses),
            lambda: to_networkx(self, inferred=inferred, inverses=inverses),
        )

    def to_networkx(self, *, inferred: bool = True, inverses: bool = False) -> nx.MultiDiGraph:
        """Return the graph as a new networkx MultiDiGraph (:func:`~msbackpain.graph.to_networkx`).

        Examples:
            >>> import msbackpain
            >>> G = msbackpain.load().to_networkx()
            >>> G.edges["msbp:Baclofen", "msbp:Spasticity", "msbp:treats"]["inferred"]
            True
        """
        copy: nx.MultiDiGraph = self._graph(inferred=inferred, inverses=inverses).copy()
        return copy

    def path_graphs(
        self, predicates: Collection[str]
    ) -> tuple[nx.DiGraph, nx.DiGraph, dict[tuple[str, str], Relation]]:
        """Return the cached digraphs :func:`msbackpain.explanation.explain` searches."""
        from msbackpain.explanation import path_graphs

        key = ("path-graphs", tuple(sorted(predicates)))
        result: tuple[nx.DiGraph, nx.DiGraph, dict[tuple[str, str], Relation]] = self._cached(
            key, lambda: path_graphs(self._graph(inferred=True, inverses=True), predicates)
        )
        return result

    def explain(
        self,
        source: EntityRef,
        target: EntityRef,
        *,
        max_length: int = 4,
        limit: int = 10,
        inferred: bool = True,
        predicates: Collection[str] | None = None,
    ) -> list[GraphPath]:
        """Return ranked paths from ``source`` to ``target`` (:func:`~.explanation.explain`).

        Examples:
            >>> import msbackpain
            >>> print(msbackpain.load().explain("multiple sclerosis", "neuropathic pain")[0])
            multiple sclerosis --causes--> neuropathic pain
        """
        from msbackpain.explanation import explain

        key = (
            "explain",
            self.entity(source).id,
            self.entity(target).id,
            max_length,
            limit,
            inferred,
            tuple(sorted(predicates)) if predicates is not None else None,
        )
        result: list[GraphPath] = self._cached(
            key,
            lambda: explain(
                self,
                source,
                target,
                max_length=max_length,
                limit=limit,
                inferred=inferred,
                predicates=predicates,
            ),
        )
        return list(result)

    def plan(self, pain_types: Iterable[EntityRef], *, inferred: bool = True) -> CarePlan:
        """Return a care plan for someone with ``pain_types`` (:func:`~msbackpain.planning.plan`).

        Examples:
            >>> import msbackpain
            >>> care = msbackpain.load().plan(["spasticity"])
            >>> care.conflicts, [p.label for p in care.treatments[0].pains]
            ((), ['spasticity'])
        """
        from msbackpain.planning import plan

        pains = tuple(self.entity(p).id for p in pain_types)
        result: CarePlan = self._cached(
            ("plan", pains, inferred), lambda: plan(self, pains, inferred=inferred)
        )
        return result

    def handout(self, pain_types: Iterable[EntityRef], *, inferred: bool = False) -> Handout:
        """Return a printable plain-language handout (:func:`msbackpain.handout.handout`)."""
        from msbackpain.handout import handout

        return handout(self, pain_types, inferred=inferred)

    def export(
        self, path: str | os.PathLike[str], format: str | None = None, *, inferred: bool = True
    ) -> tuple[Path, ...]:
        """Write the graph to ``path`` and return the files written (:func:`~.export.export`).

        Formats: Turtle, N-Triples, RDF/XML, JSON-LD, GraphML and KGX (Biolink) TSV or JSON
        Lines, chosen by ``format`` or the suffix. Writes are atomic.

        Examples:
            >>> import msbackpain, tempfile, pathlib
            >>> with tempfile.TemporaryDirectory() as folder:
            ...     [p.name for p in msbackpain.load().export(pathlib.Path(folder) / "kg.ttl")]
            ['kg.ttl']
        """
        from msbackpain.export import export

        return export(self, path, format, inferred=inferred)

    def reason(
        self, *, engine: Engine = "hermit", timeout: float = 300.0
    ) -> tuple[KnowledgeGraph, ReasoningReport]:
        """Run an OWL reasoner; return a new graph and a report (:func:`~.reasoning.reason`)."""
        from msbackpain.reasoning import reason

        return reason(self, engine=engine, timeout=timeout)

    # -- pictures (msbackpain.viz) ----------------------------------------------------------

    def visualize(
        self,
        path: str | Path | None = None,
        *,
        focus: EntityRef | None = None,
        depth: int = 2,
        inferred: bool = True,
    ) -> HtmlGraph:
        """Return an offline interactive HTML picture (:func:`msbackpain.viz.html`).

        Writes it to ``path`` too when one is given. In Jupyter the result displays inline.

        Examples:
            >>> import msbackpain
            >>> msbackpain.load().visualize(focus="baclofen", depth=1)
            <HtmlGraph 'Around baclofen': 5 nodes, 9 edges>
        """
        from msbackpain import viz

        page = viz.html(
            self._graph(inferred=inferred, inverses=False),
            focus=None if focus is None else self.entity(focus).id,
            depth=depth,
            inferred=inferred,
            entities=self,
        )
        if path is not None:
            page.save(path)
        return page

    def draw(
        self,
        path: str | Path,
        *,
        focus: EntityRef | None = None,
        depth: int = 2,
        inferred: bool = True,
    ) -> Picture:
        """Draw a static layered picture to ``path`` (``.svg`` or ``.png``; :func:`~.viz.draw`).

        Raises:
            ExportError: if the suffix is not ``.svg`` or ``.png`` or the file cannot be written.
            MissingExtraError: if the ``viz`` extra (matplotlib) is not installed.

        Examples:
            >>> import msbackpain, pathlib, tempfile
            >>> out = pathlib.Path(tempfile.mkdtemp()) / "baclofen.svg"
            >>> msbackpain.load().draw(out, focus="baclofen", depth=1)
            <Picture 5 nodes, 9 edges, 1654x... px>
            >>> out.read_text().count('<g id="node-')
            5
        """
        from msbackpain import viz

        picture = viz.draw(
            self._graph(inferred=inferred, inverses=False),
            focus=None if focus is None else self.entity(focus).id,
            depth=depth,
            inferred=inferred,
        )
        picture.save(path)
        return picture


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(sorted({v for v in (value or "").split(",") if v}))


@dataclass(frozen=True, slots=True)
class _Support:
    """How an inferred fact is held up: its rule, the edges it rests on, and its review."""

    rule: str
    steps: tuple[Key, ...]
    review: str
    paragraphs: tuple[str, ...]
    note: str


def _evidence(row: Mapping[str, str | None]) -> Evidence:
    return Evidence(
        source=row.get("source") or "not provided",
        paragraphs=_split(row.get("paragraphs")),
        summary=row.get("evidence") or "",
        knowledge_level=row.get("level") or "not_provided",
        modality=row.get("modality") or None,
    )


def _inferred_evidence(rule_label: str, via: Sequence[Relation], support: _Support) -> Evidence:
    # The source of an inferred edge is the source of the edges it rests on: the article for
    # the bundle, the user's own document for inferences from the user's facts. Its
    # paragraphs are those the curators found to support the conclusion itself (an accepted
    # review), never the union of the premises' paragraphs; an unreviewed fact cites none.
    sources = sorted({v.evidence.source for v in via if v.evidence})
    steps = "; ".join(
        f"{v.subject.label} {v.predicate.partition(':')[2]} {v.object.label}" for v in via
    )
    review = f" Reviewed: {support.note}" if support.note else f" ({support.review})"
    hedges = [v.evidence.modality for v in via if v.evidence and v.evidence.modality]
    return Evidence(
        source="; ".join(sources) if sources else "not provided",
        paragraphs=support.paragraphs if support.review == "accepted" else (),
        summary=f"Inferred ({rule_label}) from: {steps}.{review}",
        knowledge_level="logical_entailment",
        modality=hedges[0] if hedges else None,
    )
