"""KnowledgeGraph: the facade, an immutable mapping of entities plus one delegation per question."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from msbackpain import questions, relations
from msbackpain._core import EntityRef, GraphCore
from msbackpain.models import Entity, KnowledgeGap, Relation, RelationList

if TYPE_CHECKING:
    import os
    from collections.abc import Collection, Iterable
    from pathlib import Path

    import networkx as nx

    from msbackpain.careplan import CarePlan
    from msbackpain.handout import Handout
    from msbackpain.models import Path as GraphPath
    from msbackpain.reasoning import Engine, ReasoningReport
    from msbackpain.viz import HtmlGraph, Picture

__all__ = ["SOURCE_ARTICLE", "EntityRef", "KnowledgeGraph"]

#: The article every bundled fact is cited from.
SOURCE_ARTICLE = "https://www.healthline.com/health/multiple-sclerosis/back-pain"


class KnowledgeGraph(GraphCore):
    """The MS back-pain knowledge graph: a read-only mapping from entity ids to entities.

    Build one with :func:`msbackpain.load`. Keys are CURIEs (``msbp:Spasticity``), but
    ``kg[x]``, ``kg.get(x)`` and ``x in kg`` accept any :data:`EntityRef`. The graph never
    changes after loading: reasoning returns a new graph, and answers are cached and
    immutable (tuples, frozen dataclasses, read-only mappings). Each method delegates to the
    module that answers it, which caches what it derives in :attr:`memo` under its own name.

    Examples:
        >>> import msbackpain
        >>> kg = msbackpain.load()
        >>> kg["lhermittes sign"].id
        'msbp:LhermittesSign'
        >>> "baclofen" in kg, kg.get("nope") is None
        (True, True)
    """

    # -- relations (msbackpain.relations) -------------------------------------------------

    def classes(self) -> Mapping[str, Entity]:
        """Return the ontology's classes (entity categories) as entities, keyed by CURIE.

        Examples:
            >>> import msbackpain
            >>> msbackpain.load().classes()["msbp:Trigger"].label
            'trigger'
        """
        return relations.classes(self)

    def properties(self) -> Mapping[str, Mapping[str, str]]:
        """Return ``{property CURIE: {"label", "definition", "inverse"}}`` for every property."""
        return relations.properties(self)

    def relation(self, key: tuple[str, str, str]) -> Relation:
        """Return the edge ``(subject id, predicate, object id)`` with its evidence and support.

        Inferred edges come with their rule and, in ``via``, the asserted edges they rest on.
        An edge of the user's own data without provenance has ``evidence=None``.

        Raises:
            EdgeNotFound: if the graph has no such edge (a ``KeyError`` too).

        Examples:
            >>> import msbackpain
            >>> r = msbackpain.load().relation(("msbp:Baclofen", "msbp:treats", "msbp:Spasticity"))
            >>> r.inferred, r.rule, [v.predicate for v in r.via]
            (True, 'msbp:ruleDrugClassTreatment', ['msbp:memberOfDrugClass', 'msbp:treats'])
        """
        return relations.relation(self, key)

    def edges(
        self, *, inferred: bool = True, predicates: Collection[str] | None = None
    ) -> tuple[Relation, ...]:
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
        return relations.edges(self, inferred=inferred, predicates=predicates)

    # -- questions (msbackpain.questions) -------------------------------------------------

    def pain_types(self) -> tuple[Entity, ...]:
        """Return the kinds of back pain people with MS experience, sorted by label.

        Examples:
            >>> import msbackpain
            >>> [e.label for e in msbackpain.load().pain_types()][2:]
            ["Lhermitte's sign", 'muscle weakness', 'neuropathic pain', 'spasticity']
        """
        return questions.pain_types(self)

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
        return questions.answer(self, "causes_of", condition, inferred=inferred)

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
        return questions.answer(self, "triggers_of", pain, inferred=inferred)

    def qualities_of(self, condition: EntityRef, *, inferred: bool = True) -> RelationList:
        """Return how ``condition`` feels, where it is felt, how long and how strong it is.

        Examples:
            >>> import msbackpain
            >>> kg = msbackpain.load()
            >>> sorted(r.object.label for r in kg.qualities_of("Lhermitte's sign"))[:3]
            ['electric shock-like sensation', 'lasting seconds', 'neck']
        """
        return questions.answer(self, "qualities_of", condition, inferred=inferred)

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
        return questions.answer(self, "treatments_for", condition, inferred=inferred)

    def benefits_of(self, treatment: EntityRef, *, inferred: bool = True) -> RelationList:
        """Return the benefits of ``treatment``.

        Examples:
            >>> import msbackpain
            >>> sorted(r.object.label for r in msbackpain.load().benefits_of("water aerobics"))
            ['better balance', 'better coordination', 'more energy']
        """
        return questions.answer(self, "benefits_of", treatment, inferred=inferred)

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
        return questions.answer(self, "cautions_for", subject, inferred=inferred)

    def gaps(self) -> tuple[KnowledgeGap, ...]:
        """Return what the source leaves unstated: the lists missing from our copy.

        Examples:
            >>> import msbackpain
            >>> [g.paragraphs[0] for g in msbackpain.load().gaps()]
            ['P47', 'P08', 'P23']
        """
        return questions.gaps(self)

    # -- traversal, explanation, planning, reasoning (their own modules) ------------------

    def to_networkx(self, *, inferred: bool = True, inverses: bool = False) -> nx.MultiDiGraph:
        """Return the graph as a new networkx MultiDiGraph (:func:`~msbackpain.graph.to_networkx`).

        The caller owns the copy; :func:`~msbackpain.graph.shared_graph` is the frozen original.

        Examples:
            >>> import msbackpain
            >>> G = msbackpain.load().to_networkx()
            >>> G.edges["msbp:Baclofen", "msbp:Spasticity", "msbp:treats"]["inferred"]
            True
        """
        from msbackpain.graph import shared_graph

        copy: nx.MultiDiGraph = shared_graph(self, inferred=inferred, inverses=inverses).copy()
        return copy

    def explain(
        self,
        source: EntityRef,
        target: EntityRef,
        *,
        max_length: int = 4,
        limit: int = 10,
        inferred: bool = True,
        predicates: Collection[str] | None = None,
    ) -> tuple[GraphPath, ...]:
        """Return ranked paths from ``source`` to ``target`` (:func:`~.explanation.explain`).

        Examples:
            >>> import msbackpain
            >>> print(msbackpain.load().explain("multiple sclerosis", "neuropathic pain")[0])
            multiple sclerosis --causes--> neuropathic pain
        """
        from msbackpain.explanation import explain

        return explain(
            self, source, target, max_length=max_length, limit=limit, inferred=inferred,
            predicates=predicates,
        )  # fmt: skip

    def plan(self, pain_types: Iterable[EntityRef], *, inferred: bool = True) -> CarePlan:
        """Return a care plan for someone with ``pain_types`` (:func:`~msbackpain.planning.plan`).

        Examples:
            >>> import msbackpain
            >>> care = msbackpain.load().plan(["spasticity"])
            >>> care.conflicts, [p.label for p in care.treatments[0].pains]
            ((), ['spasticity'])
        """
        from msbackpain.planning import plan

        return plan(self, pain_types, inferred=inferred)

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
        from msbackpain.viz._of_graph import html_of

        return html_of(self, path, focus=focus, depth=depth, inferred=inferred)

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
            >>> msbackpain.load().draw(pathlib.Path(tempfile.mkdtemp()) / "b.svg", focus="baclofen")
            <Picture ... nodes, ... edges, ...x... px>
        """
        from msbackpain.viz._of_graph import draw_of

        return draw_of(self, path, focus=focus, depth=depth, inferred=inferred)
