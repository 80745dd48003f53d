"""Parse RDF files strictly with pyoxigraph, turning every failure into one OntologyLoadError."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from msbackpain.backends.base import rdf_format
from msbackpain.exceptions import OntologyLoadError

if TYPE_CHECKING:
    import pyoxigraph

__all__ = ["oxigraph_format", "parse_quads"]

_OXI_FORMATS = {
    "turtle": "TURTLE",
    "ttl": "TURTLE",
    "nt": "N_TRIPLES",
    "ntriples": "N_TRIPLES",
    "nquads": "N_QUADS",
    "trig": "TRIG",
    "n3": "N3",
    "xml": "RDF_XML",
    "rdf/xml": "RDF_XML",
    "json-ld": "JSON_LD",
    "jsonld": "JSON_LD",
}


def oxigraph_format(path: Path, format: str | None = None) -> pyoxigraph.RdfFormat:
    """Return the pyoxigraph format for ``path`` (by ``format`` name or suffix).

    Raises:
        OntologyLoadError: if the format is unknown.
    """
    import pyoxigraph

    name = rdf_format(path, format).lower()
    try:
        return getattr(pyoxigraph.RdfFormat, _OXI_FORMATS[name])  # type: ignore[no-any-return]
    except KeyError:
        known = ", ".join(sorted(_OXI_FORMATS))
        raise OntologyLoadError(
            f"{path}: unknown RDF format {name!r} (known: {known})", path=str(path)
        ) from None


def parse_quads(path: Path, *, format: str | None = None) -> list[pyoxigraph.Quad]:
    """Parse ``path`` completely and return its quads, or raise before anything is returned.

    pyoxigraph's parsers are strict (they reject all 94 negative W3C Turtle syntax tests,
    where rdflib accepts 39) and report the line and column of the first error. The base IRI
    is the file's own ``file:`` URI, so relative IRIs resolve locally. Nothing is fetched: a
    remote JSON-LD ``@context`` is an error, and RDF/XML entity declarations (external
    entities, expansion bombs) are refused before parsing.

    Raises:
        OntologyLoadError: naming the file and line when it cannot be read or parsed.
    """
    import pyoxigraph

    fmt = oxigraph_format(path, format)
    if not path.is_file():
        raise OntologyLoadError(f"{path}: no such file", path=str(path))
    try:
        data = path.read_bytes()
        if fmt == pyoxigraph.RdfFormat.RDF_XML:
            _refuse_entities(path, data)
        return list(pyoxigraph.parse(data, format=fmt, base_iri=path.resolve().as_uri()))
    except OntologyLoadError:
        raise
    except SyntaxError as err:
        line = err.lineno
        message = str(err.msg)
        if "LoadDocumentCallback" in message:
            message = "a remote JSON-LD @context is not fetched; inline it or save it locally"
        where = f"{path}:{line}" if line else str(path)
        raise OntologyLoadError(f"{where}: {message}", path=str(path), line=line) from err
    except (OSError, ValueError, UnicodeError, RecursionError) as err:
        raise OntologyLoadError(f"{path}: cannot read RDF: {err}", path=str(path)) from err


_DOCTYPE = re.compile(rb"<!DOCTYPE\b.*?(?:\]\s*>|>)", re.DOTALL)


def _refuse_entities(path: Path, data: bytes) -> None:
    # Entity declarations enable external entities (file or network reads) and expansion
    # bombs; RDF/XML from untrusted sources has no need for them.
    doctype = _DOCTYPE.search(data[:65536])
    if doctype and b"<!ENTITY" in doctype.group(0):
        line = data[: doctype.start()].count(b"\n") + 1
        msg = f"{path}:{line}: RDF/XML entity declarations (<!ENTITY ...>) are refused"
        raise OntologyLoadError(msg, path=str(path), line=line)
