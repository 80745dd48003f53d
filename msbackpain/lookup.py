"""Resolve what a user types (label, synonym, CURIE, xref, IRI) to an entity; rank searches."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from msbackpain.exceptions import EntityNotFound, QueryError
from msbackpain.models import Entity, Xref
from msbackpain.prefixes import compress, expand
from msbackpain.results import plain

if TYPE_CHECKING:
    from msbackpain._core import GraphCore

__all__ = ["MAX_SEARCH_LENGTH", "EntityIndex", "entity_index", "normalize"]

#: Characters a search text may have: fuzzy matching costs grow with its length (40,000
#: characters took 9 s), and no name in the graph is longer than a line.
MAX_SEARCH_LENGTH = 200

# Spaces, apostrophes (' \u2019 \u2018 ` \u00b4), hyphens and dashes (- \u2010-\u2014), _ and .
_IGNORED = re.compile("[\\s'\u2019\u2018`\u00b4\\-\u2010\u2011\u2012\u2013\u2014_.]+")
_WORD = re.compile(r"[a-z0-9]+")
# Lower is better: an id beats a label, a label beats a synonym, an exact xref beats a close one.
_SCHEMA_TYPES = frozenset(
    {
        "owl:Class",
        "owl:ObjectProperty",
        "owl:AnnotationProperty",
        "owl:DatatypeProperty",
        "owl:Ontology",
        "rdfs:Class",
        "rdf:Property",
        "owl:Axiom",
    }
)
_PRIORITY = {"id": 0, "label": 1, "synonym": 2, "exact": 3, "close": 4, "narrow": 5, "broad": 5}


def normalize(text: str) -> str:
    """Return the lookup key of ``text``: case-folded, without spaces, hyphens or apostrophes.

    Examples:
        >>> normalize("Lhermitte\u2019s sign") == normalize("lhermittes-sign")
        True
        >>> normalize("LHERMITTES  SIGN")
        'lhermittessign'
    """
    return _IGNORED.sub("", text.casefold())


@dataclass(frozen=True, slots=True)
class _Hit:
    priority: int
    entity_id: str


class EntityIndex:
    """An immutable index of entities by every name a user may type.

    Build it from rows of ``(entity IRI-or-CURIE, field, value)`` as returned by the
    ``entities`` named query.

    Examples:
        >>> index = EntityIndex.from_rows([
        ...     {"entity": "msbp:LhermittesSign", "field": "label", "value": "Lhermitte's sign"},
        ...     {"entity": "msbp:LhermittesSign", "field": "exact", "value": "HP:0032504"},
        ... ])
        >>> index.resolve("lhermittes sign").id
        'msbp:LhermittesSign'
        >>> index.resolve("HP:0032504").label
        "Lhermitte's sign"
    """

    def __init__(self, entities: Mapping[str, Entity]) -> None:
        self.entities: Mapping[str, Entity] = MappingProxyType(dict(sorted(entities.items())))
        self._keys: dict[str, list[_Hit]] = defaultdict(list)
        self._by_iri: dict[str, str] = {}
        for entity in self.entities.values():
            self._by_iri[entity.iri] = entity.id
            self._add(entity.id, "id", entity.id)
            self._add(entity.id, "id", entity.id.partition(":")[2])
            self._add(entity.id, "label", entity.label)
            for synonym in entity.synonyms:
                self._add(entity.id, "synonym", synonym)
            for xref in entity.xrefs:
                self._add(entity.id, xref.match, xref.curie)
        for hits in self._keys.values():
            hits.sort(key=lambda h: (h.priority, h.entity_id))

    def _add(self, entity_id: str, kind: str, text: str) -> None:
        key = normalize(text)
        if key and _Hit(_PRIORITY[kind], entity_id) not in self._keys[key]:
            self._keys[key].append(_Hit(_PRIORITY[kind], entity_id))

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, str | None]]) -> EntityIndex:
        """Build the index from ``entities`` query rows (``entity``, ``field``, ``value``)."""
        fields: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for row in map(plain, rows):  # the index holds plain strings, not RDF terms
            entity, field, value = row["entity"], row["field"], row["value"]
            if entity and field and value is not None and not entity.startswith("_:"):
                fields[entity][field].append(value)
        entities: dict[str, Entity] = {}
        for curie, data in fields.items():
            categories = set(data.get("category", ())) - set(data.get("inferred_category", ()))
            if not data.get("label") or categories & _SCHEMA_TYPES:
                continue
            iri = expand(curie) or curie
            labels = sorted(data.get("label", []))
            xrefs = tuple(
                sorted(
                    {
                        Xref(value, kind)
                        for kind in ("exact", "close", "broad", "narrow")
                        for value in data.get(kind, [])
                    },
                    key=lambda x: (_PRIORITY[x.match], x.curie),
                )
            )
            entities[curie] = Entity(
                id=curie,
                iri=iri,
                label=labels[0] if labels else curie,
                definition=min(data["definition"]) if data.get("definition") else None,
                synonyms=tuple(sorted(set(data.get("synonym", [])) | set(labels[1:]))),
                categories=tuple(sorted(categories - {"owl:NamedIndividual"})),
                xrefs=xrefs,
                paragraphs=tuple(sorted(set(data.get("paragraph", [])))),
            )
        return cls(entities)

    def __len__(self) -> int:
        return len(self.entities)

    def get(self, ref: str) -> Entity | None:
        """Return the entity ``ref`` names, or ``None`` (see :meth:`resolve`)."""
        try:
            return self.resolve(ref)
        except EntityNotFound:
            return None

    def resolve(self, ref: str | Entity) -> Entity:
        """Return the entity named by ``ref``: an Entity, id, IRI, label, synonym or xref CURIE.

        Case, apostrophes, hyphens and spacing are ignored. Where several entities share the
        best match (an xref used as a broad match for two of them, say), the lookup is
        ambiguous and raises with the candidates as suggestions.

        Raises:
            EntityNotFound: if nothing matches (with close matches as suggestions) or the
                match is ambiguous.
        """
        if isinstance(ref, Entity):
            ref = ref.id
        text = ref.strip()
        if text.startswith("<") and text.endswith(">"):
            text = text[1:-1]
        if text in self.entities:
            return self.entities[text]
        if text in self._by_iri:
            return self.entities[self._by_iri[text]]
        if "://" in text:
            text = compress(text)
            if text in self.entities:
                return self.entities[text]
        hits = self._keys.get(normalize(text), [])
        if hits:
            best = [h for h in hits if h.priority == hits[0].priority]
            if len({h.entity_id for h in best}) == 1:
                return self.entities[best[0].entity_id]
            labels = [self.entities[h.entity_id].label for h in best]
            raise EntityNotFound(f"{ref} (ambiguous)", labels)
        raise EntityNotFound(ref, self.suggest(text))

    def _close(self, key: str, limit: int) -> list[str]:
        """Return the ids of the entities with a name close to ``key``, closest first."""
        close = difflib.get_close_matches(key, list(self._keys), n=limit * 2, cutoff=0.6)
        if not close:
            close = [k for k in self._keys if key in k][: limit * 2]
        ids: list[str] = []
        for candidate in close:
            entity_id = self._keys[candidate][0].entity_id
            if entity_id not in ids:
                ids.append(entity_id)
        return ids[:limit]

    def suggest(self, text: str, *, limit: int = 3) -> list[str]:
        """Return labels of entities whose names are close to ``text``.

        These are the entities :meth:`search` ranks first among its fuzzy matches, so what
        an error suggests, a search finds.

        Examples:
            >>> index = EntityIndex.from_rows(
            ...     [{"entity": "msbp:L", "field": "label", "value": "Lhermitte's sign"}]
            ... )
            >>> index.suggest("lhermite")
            ["Lhermitte's sign"]
        """
        key = normalize(text)
        if not key:
            return []
        seen: list[str] = []
        for entity_id in self._close(key, limit):
            if self.entities[entity_id].label not in seen:
                seen.append(self.entities[entity_id].label)
        return seen

    def search(self, text: str, *, limit: int = 10) -> tuple[Entity, ...]:
        """Return entities ranked by how well their label, synonyms and definition match.

        Exact name matches come first, then names that start with or contain the text, then
        matching words in the definition, then fuzzy matches: names or words of names close
        to the text, and every entity :meth:`suggest` would offer, so typos are forgiven.

        Raises:
            QueryError: if ``text`` is longer than :data:`MAX_SEARCH_LENGTH` characters.

        Examples:
            >>> index = EntityIndex.from_rows(
            ...     [{"entity": "msbp:L", "field": "label", "value": "Lhermitte's sign"}]
            ... )
            >>> [e.label for e in index.search("lhermite")]
            ["Lhermitte's sign"]
        """
        if len(text) > MAX_SEARCH_LENGTH:
            limit = MAX_SEARCH_LENGTH
            msg = f"the search text is {len(text)} characters long; the limit is {limit}"
            raise QueryError(msg)
        key = normalize(text)
        words = set(_WORD.findall(text.casefold()))
        if not key:
            return ()
        close = {entity_id: rank for rank, entity_id in enumerate(self._close(key, limit))}
        scores = {entity.id: _score(entity, key, words) for entity in self.entities.values()}
        # Typos are forgiven only when no name holds the text itself; then what suggest()
        # offers leads the fuzzy matches.
        forgive = not any(direct >= 60 for direct, _ in scores.values())
        scored: list[tuple[float, str, Entity]] = []
        for entity in self.entities.values():
            direct, fuzzy = scores[entity.id]
            if forgive and entity.id in close:
                fuzzy = max(fuzzy, 50.0 - close[entity.id] / (limit + 1))
            score = max(direct, fuzzy) if forgive else direct
            if score > 0:
                scored.append((-score, entity.label.casefold(), entity))
        scored.sort(key=lambda t: (t[0], t[1]))
        return tuple(entity for _, _, entity in scored[:limit])


def _score(entity: Entity, key: str, words: set[str]) -> tuple[float, float]:
    """Return how well ``entity`` matches: by its names and definition, and fuzzily."""
    names = [normalize(entity.label), *(normalize(s) for s in entity.synonyms)]
    score = 0.0
    if key in names or key == normalize(entity.id.partition(":")[2]):
        score = 100.0
    elif any(n.startswith(key) for n in names):
        score = 80.0
    elif any(key in n for n in names):
        score = 60.0
    if entity.definition and words:
        definition_words = set(_WORD.findall(entity.definition.casefold()))
        score += 10.0 * len(words & definition_words) / len(words)
    parts = {w for name in (entity.label, *entity.synonyms) for w in _WORD.findall(name.casefold())}
    ratio = max(
        *(difflib.SequenceMatcher(None, key, n).ratio() for n in names),
        *(difflib.SequenceMatcher(None, key, w).ratio() for w in parts if len(w) >= 4),
        0.0,
    )
    return score, 40.0 * ratio if ratio >= 0.75 else 0.0


def entity_index(kg: GraphCore) -> EntityIndex:
    """Return the index of every entity of ``kg``, built once from its ``entities`` query."""
    return kg.memo.get(("lookup", "index"), lambda: EntityIndex.from_rows(kg.run("entities")))
