"""Files as editors write them load the same on every embedded backend, with a stable base.

Each file is written here in the bytes an editor produces (a UTF-8 byte-order mark, Windows
Notepad's UTF-16 with its mark, CR LF line ends, an RDF/XML declaration naming Latin-1) and
must give exactly the triples of the plain UTF-8 file; files that cannot be read as what
they claim are refused with a one-line OntologyLoadError naming the file and line.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

import msbackpain
from msbackpain.backends import get_backend
from msbackpain.backends._parse import BASE_NAMESPACE

BACKENDS = ("rdflib", "oxigraph")

TURTLE = (
    "@prefix ex: <http://example.org/> .\n"
    '<walking> ex:label "marche à pied"@fr ;\n'
    '  ex:note """first line\nsecond line""" ;\n'
    "  ex:seeAlso <#gait> .\n"
)
RDF_XML = (
    '<?xml version="1.0" encoding="{encoding}"?>\n'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"\n'
    '         xmlns:ex="http://example.org/">\n'
    '  <rdf:Description rdf:about="walking">\n'
    '    <ex:label xml:lang="fr">marche à pied</ex:label>\n'
    "  </rdf:Description>\n"
    "</rdf:RDF>\n"
)


def _expected(name: str) -> set[tuple[str, str, str]]:
    base = BASE_NAMESPACE + name
    walking = f"<{BASE_NAMESPACE}walking>"
    return {
        (walking, "<http://example.org/label>", '"marche à pied"@fr'),
        (walking, "<http://example.org/note>", '"first line\\nsecond line"'),
        (walking, "<http://example.org/seeAlso>", f"<{base}#gait>"),
    }


def _triples(backend: str, path: Path) -> set[tuple[str, str, str]]:
    store = get_backend(backend)
    store.load(path)
    return set(store.triples())


TURTLE_BYTES = {
    "utf-8": TURTLE.encode(),
    "utf-8 with BOM": codecs.BOM_UTF8 + TURTLE.encode(),
    "UTF-16 LE with BOM": codecs.BOM_UTF16_LE + TURTLE.encode("utf-16-le"),
    "UTF-16 BE with BOM": codecs.BOM_UTF16_BE + TURTLE.encode("utf-16-be"),
    "UTF-32 LE with BOM": codecs.BOM_UTF32_LE + TURTLE.encode("utf-32-le"),
    "CR LF": TURTLE.replace("\n", "\r\n").encode(),
    "CR LF, UTF-8 BOM": codecs.BOM_UTF8 + TURTLE.replace("\n", "\r\n").encode(),
    "CR LF, UTF-16 LE BOM": codecs.BOM_UTF16_LE + TURTLE.replace("\n", "\r\n").encode("utf-16-le"),
}


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("kind", sorted(TURTLE_BYTES))
def test_turtle_as_editors_save_it(tmp_path: Path, backend: str, kind: str) -> None:
    path = tmp_path / "extra.ttl"
    path.write_bytes(TURTLE_BYTES[kind])
    assert _triples(backend, path) == _expected("extra.ttl")


def test_cr_lf_is_read_across_read_boundaries(tmp_path: Path) -> None:
    # a CR that ends one read and its LF that starts the next are one line end
    lines = [f'<s{i}> <http://example.org/p> "v{i}" .' for i in range(40_000)]
    path = tmp_path / "many.nt"
    path.write_bytes("\r\n".join(lines).replace("<s", "<http://example.org/s").encode())
    assert len(_triples("oxigraph", path)) == 40_000 == len(_triples("rdflib", path))


RDF_XML_BYTES = {
    "utf-8": RDF_XML.format(encoding="UTF-8").encode(),
    "utf-8 with BOM": codecs.BOM_UTF8 + RDF_XML.format(encoding="UTF-8").encode(),
    "UTF-16 with BOM": codecs.BOM_UTF16_LE + RDF_XML.format(encoding="UTF-16").encode("utf-16-le"),
    "ISO-8859-1 declared": RDF_XML.format(encoding="ISO-8859-1").encode("latin-1"),
    "windows-1252 declared": RDF_XML.format(encoding="windows-1252").encode("cp1252"),
    "CR LF": RDF_XML.format(encoding="UTF-8").replace("\n", "\r\n").encode(),
}


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("kind", sorted(RDF_XML_BYTES))
def test_rdf_xml_in_its_declared_encoding(tmp_path: Path, backend: str, kind: str) -> None:
    path = tmp_path / "extra.rdf"
    path.write_bytes(RDF_XML_BYTES[kind])
    walking = f"<{BASE_NAMESPACE}walking>"
    assert _triples(backend, path) == {
        (walking, "<http://example.org/label>", '"marche à pied"@fr')
    }


@pytest.mark.parametrize("backend", BACKENDS)
def test_json_ld_and_n_triples_with_a_bom(tmp_path: Path, backend: str) -> None:
    jsonld = tmp_path / "extra.jsonld"
    jsonld.write_bytes(
        codecs.BOM_UTF8 + '{"@id": "walking", "http://example.org/label": "é"}'.encode()
    )
    nt = tmp_path / "extra.nt"
    nt.write_bytes(codecs.BOM_UTF8 + b'<http://example.org/a> <http://example.org/b> "c" .\r\n')
    assert _triples(backend, jsonld) == {
        (f"<{BASE_NAMESPACE}walking>", "<http://example.org/label>", '"é"')
    }
    assert _triples(backend, nt) == {("<http://example.org/a>", "<http://example.org/b>", '"c"')}


REFUSED = {
    "latin-1 Turtle": (
        "x.ttl",
        TURTLE.encode("latin-1"),
        r"x\.ttl:2: .*not UTF-8: save it as UTF-8",
    ),
    "UTF-16 without a BOM": (
        "x.ttl",
        TURTLE.encode("utf-16-le"),
        r"x\.ttl:1: the file holds NUL bytes \(UTF-16 without a byte-order mark\?\): save it as UTF-8",
    ),
    "unknown XML encoding": (
        "x.rdf",
        RDF_XML.format(encoding="x-no-such").encode(),
        r"x\.rdf: the XML declaration names an unknown encoding 'x-no-such'",
    ),
    "broken UTF-16": (
        "x.ttl",
        codecs.BOM_UTF16_LE + TURTLE.encode("utf-16-le") + b"\x00\xd8",
        r"x\.ttl:6: the bytes are not valid UTF-16 \(unexpected end of data\)",
    ),
}


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_undecodable_files_are_refused_by_name(tmp_path: Path, backend: str, kind: str) -> None:
    name, data, message = REFUSED[kind]
    path = tmp_path / name
    path.write_bytes(data)
    store = get_backend(backend)
    with pytest.raises(msbackpain.OntologyLoadError, match=message) as caught:
        store.load(path)
    assert "\n" not in str(caught.value)
    assert caught.value.filename == str(path) or str(path) in str(caught.value)
    assert len(store) == 0  # nothing half-loaded


@pytest.mark.parametrize("backend", BACKENDS)
def test_relative_iris_never_carry_the_local_path(tmp_path: Path, backend: str) -> None:
    path = tmp_path / "my facts.ttl"
    path.write_text("<walking> <http://example.org/p> <#gait> .\n", encoding="utf-8")
    kg = msbackpain.load(path, backend=backend)
    rows = kg.query("SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o }")
    assert [(r["s"].value, r["o"].value) for r in rows] == [  # type: ignore[union-attr]
        (BASE_NAMESPACE + "walking", BASE_NAMESPACE + "my%20facts.ttl#gait")
    ]
    assert not any(str(tmp_path) in part for triple in kg.backend.triples() for part in triple)


@pytest.mark.parametrize("backend", BACKENDS)
def test_base_option(tmp_path: Path, backend: str) -> None:
    mine = tmp_path / "mine.ttl"
    mine.write_text("<walking> <http://example.org/p> <#gait> .\n", encoding="utf-8")
    declared = tmp_path / "declared.ttl"
    declared.write_text(
        "@base <http://example.org/own/> .\n<running> <http://example.org/p> <x> .\n",
        encoding="utf-8",
    )
    kg = msbackpain.load(mine, declared, backend=backend, base="http://example.org/mine/")
    rows = kg.query("SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o } ORDER BY ?s")
    assert [(r["s"].n3(), r["o"].n3()) for r in rows] == [  # type: ignore[union-attr]
        ("<http://example.org/mine/walking>", "<http://example.org/mine/#gait>"),
        ("<http://example.org/own/running>", "<http://example.org/own/x>"),  # @base wins
    ]


@pytest.mark.parametrize(
    ("base", "message"),
    [
        ("not an iri", r"base='not an iri' is not an absolute IRI"),
        ("relative/path/", r"base='relative/path/' is not an absolute IRI"),
    ],
)
def test_bad_base_is_refused(tmp_path: Path, base: str, message: str) -> None:
    path = tmp_path / "x.ttl"
    path.write_text("<a> <http://example.org/p> <b> .\n", encoding="utf-8")
    with pytest.raises(msbackpain.OntologyLoadError, match=message):
        msbackpain.load(path, base=base)


def test_base_without_files_is_refused() -> None:
    with pytest.raises(msbackpain.OntologyLoadError, match="needs files to load"):
        msbackpain.load(base="http://example.org/")
