"""Put triples in one canonical order, with blank-node labels that do not depend on the run.

Exports are byte-identical across runs and processes: blank nodes are relabelled from a
hash of what surrounds them (refined until the partition stops splitting, as in
Weisfeiler-Leman colour refinement), triples are sorted by their N-Triples text (a
subject's ``rdf:type`` first, so RDF/XML writes typed nodes), and the
JSON-LD is compacted with the project's prefixes as its ``@context``.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from msbackpain.prefixes import PREFIXES, compress

if TYPE_CHECKING:
    import pyoxigraph

__all__ = ["canonical_triples", "compact_jsonld", "jsonld_context"]

#: JSON-LD 1.1 uses a plain term as a prefix only when its IRI ends with one of these.
_GEN_DELIMS = tuple(":/?#[]@")


def _digest(parts: list[tuple[str, ...]]) -> str:
    return hashlib.sha256(repr(sorted(parts)).encode("utf-8")).hexdigest()


def canonical_triples(triples: list[pyoxigraph.Triple]) -> list[pyoxigraph.Triple]:
    """Return ``triples`` with run-independent blank-node labels, sorted (types first).

    Examples:
        >>> import pyoxigraph as ox
        >>> s, p = ox.BlankNode(), ox.NamedNode("http://example.org/p")
        >>> [str(t) for t in canonical_triples([ox.Triple(s, p, ox.Literal("x"))])]
        ['_:b043154c3290090a0 <http://example.org/p> "x"']
    """
    import pyoxigraph

    bnodes = {
        term
        for t in triples
        for term in (t.subject, t.object)
        if isinstance(term, pyoxigraph.BlankNode)
    }
    colour = dict.fromkeys(bnodes, "")

    def text(term: Any) -> str:
        return "_:" + colour[term] if isinstance(term, pyoxigraph.BlankNode) else str(term)

    classes = 1
    for _ in range(len(bnodes) + 1):
        around: dict[Any, list[tuple[str, ...]]] = defaultdict(list)
        for t in triples:
            if t.subject in colour:
                around[t.subject].append(("out", str(t.predicate), text(t.object)))
            if t.object in colour:
                around[t.object].append(("in", text(t.subject), str(t.predicate)))
        colour = {b: _digest([(colour[b],), *around[b]]) for b in bnodes}
        refined = len(set(colour.values()))
        if refined == classes:
            break
        classes = refined
    # Blank nodes left with one colour are (almost always) interchangeable: number them.
    labels: dict[Any, pyoxigraph.BlankNode] = {}
    seen: dict[str, int] = defaultdict(int)
    for b in sorted(bnodes, key=lambda b: colour[b]):
        short = colour[b][:16]
        seen[short] += 1
        suffix = "" if seen[short] == 1 else f"n{seen[short]}"
        labels[b] = pyoxigraph.BlankNode("b" + short + suffix)

    def relabel(term: Any) -> Any:
        return labels.get(term, term)

    out = {pyoxigraph.Triple(relabel(t.subject), t.predicate, relabel(t.object)) for t in triples}
    kind = pyoxigraph.NamedNode(PREFIXES["rdf"] + "type")
    # Within a subject its types come first, so RDF/XML writes it as a typed node.
    return sorted(
        out, key=lambda t: (str(t.subject), t.predicate != kind, str(t.predicate), str(t.object))
    )


def jsonld_context() -> dict[str, Any]:
    """Return the ``@context`` of the JSON-LD export: every project prefix.

    A namespace that does not end with ``/`` or ``#`` (the OBO ones end with ``_``) is
    declared with ``"@prefix": true``, so that JSON-LD 1.1 processors expand its CURIEs.

    Examples:
        >>> context = jsonld_context()
        >>> context["msbp"], context["HP"]
        ('https://w3id.org/msbackpain/', {'@id': 'http://purl.obolibrary.org/obo/HP_', \
'@prefix': True})
    """
    context: dict[str, Any] = {"@version": 1.1}
    for prefix, namespace in sorted(PREFIXES.items()):
        plain = namespace.endswith(_GEN_DELIMS)
        context[prefix] = namespace if plain else {"@id": namespace, "@prefix": True}
    return context


def _iri(value: str) -> str:
    curie = compress(value)
    # A CURIE must not look like an absolute IRI of its own or a blank node.
    return curie if curie != value and not curie.startswith("_:") else value


def _compact(value: Any, *, key: str | None = None) -> Any:
    if isinstance(value, list):
        return [_compact(v) for v in value]
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            if k in ("@id", "@type") and isinstance(v, str) and not v.startswith("_:"):
                out[k] = _iri(v)
            elif k.startswith("@"):
                out[k] = v if k in ("@value", "@language") else _compact(v, key=k)
            else:
                out[_iri(k)] = _compact(v, key=k)
        return out
    return value


def compact_jsonld(expanded: bytes) -> bytes:
    """Return expanded JSON-LD (one node object per subject) compacted with the prefixes.

    Keys, ``@id`` and ``@type`` values become CURIEs where a known prefix covers them;
    the result is one ``@graph`` of node objects under :func:`jsonld_context`, indented
    and with sorted keys, ending with a newline.

    Examples:
        >>> doc = b'[{"@id": "https://w3id.org/msbackpain/Baclofen"}]'
        >>> json.loads(compact_jsonld(doc))["@graph"]
        [{'@id': 'msbp:Baclofen'}]
    """
    nodes = json.loads(expanded)
    document = {"@context": jsonld_context(), "@graph": _compact(nodes)}
    text = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True)
    return (text + "\n").encode("utf-8")
