"""Convert between CURIEs and IRIs for the namespaces msbackpain knows."""

from __future__ import annotations

from functools import cache

__all__ = ["MSBP", "PREFIXES", "XREF_PREFIXES", "compress", "expand", "sparql_prologue"]

#: The ontology's own namespace.
MSBP = "https://w3id.org/msbackpain/"

#: Prefixes of the external identifiers used as xrefs (see ``ontology/reference/xrefs.tsv``).
XREF_PREFIXES: dict[str, str] = {
    "ATC": "http://purl.bioontology.org/ontology/ATC/",
    "CHEBI": "http://purl.obolibrary.org/obo/CHEBI_",
    "DOID": "http://purl.obolibrary.org/obo/DOID_",
    "GO": "http://purl.obolibrary.org/obo/GO_",
    "HP": "http://purl.obolibrary.org/obo/HP_",
    "IDO": "http://purl.obolibrary.org/obo/IDO_",
    "MAXO": "http://purl.obolibrary.org/obo/MAXO_",
    "MESH": "http://id.nlm.nih.gov/mesh/",
    "MONDO": "http://purl.obolibrary.org/obo/MONDO_",
    "NCIT": "http://purl.obolibrary.org/obo/NCIT_",
    "OGMS": "http://purl.obolibrary.org/obo/OGMS_",
    "RXNORM": "http://purl.bioontology.org/ontology/RXNORM/",
    "SNOMEDCT": "http://snomed.info/id/",
    "SYMP": "http://purl.obolibrary.org/obo/SYMP_",
    "UBERON": "http://purl.obolibrary.org/obo/UBERON_",
}

#: Every prefix msbackpain compresses IRIs with, and declares in its named queries.
PREFIXES: dict[str, str] = {
    "biolink": "https://w3id.org/biolink/vocab/",
    "dcterms": "http://purl.org/dc/terms/",
    "msbp": MSBP,
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    **XREF_PREFIXES,
}


@cache
def _by_length() -> tuple[tuple[str, str], ...]:
    # Longest namespace first, so that a namespace nested in another wins.
    return tuple(sorted(((ns, p) for p, ns in PREFIXES.items()), key=lambda x: -len(x[0])))


def compress(iri: str) -> str:
    """Return the CURIE of ``iri``, or ``iri`` unchanged when no known prefix covers it.

    Examples:
        >>> compress("https://w3id.org/msbackpain/Baclofen")
        'msbp:Baclofen'
        >>> compress("http://purl.obolibrary.org/obo/HP_0032504")
        'HP:0032504'
        >>> compress("http://example.org/x")
        'http://example.org/x'
    """
    for namespace, prefix in _by_length():
        if iri.startswith(namespace):
            local = iri[len(namespace) :]
            if local and "/" not in local and "#" not in local:
                return f"{prefix}:{local}"
    return iri


def expand(curie: str) -> str | None:
    """Return the IRI of a CURIE with a known prefix, or ``None``.

    Prefixes are matched case-insensitively, so ``hp:0032504`` works too.

    Examples:
        >>> expand("msbp:Baclofen")
        'https://w3id.org/msbackpain/Baclofen'
        >>> expand("hp:0032504")
        'http://purl.obolibrary.org/obo/HP_0032504'
        >>> expand("nope:1") is None
        True
    """
    prefix, sep, local = curie.partition(":")
    if not sep or not local or local.startswith("//"):
        return None
    for known, namespace in PREFIXES.items():
        if known.lower() == prefix.lower():
            return namespace + local
    return None


def sparql_prologue() -> str:
    """Return ``PREFIX`` declarations for every known prefix, one per line.

    Examples:
        >>> "PREFIX msbp: <https://w3id.org/msbackpain/>" in sparql_prologue()
        True
    """
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(PREFIXES.items()))
