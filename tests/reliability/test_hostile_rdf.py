"""Hostile or broken RDF files: one clear error naming file and line, nothing half-loaded, no fetch."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import msbackpain
from conftest import Listener, needs_java

HEADER = "@prefix ex: <http://example.org/> .\n"


@pytest.mark.parametrize(
    ("name", "content", "line"),
    [
        ("unterminated-literal", HEADER + 'ex:a ex:b "never closed .\n', 2),
        ("missing-final-dot", HEADER + "ex:a ex:b ex:c .\nex:d ex:e ex:f\n", 4),
        ("iri-with-space", HEADER + "ex:a ex:b <http://example.org/with space> .\n", 2),
        ("unclosed-deep-blank-nodes", HEADER + "ex:a ex:b " + "[ ex:c " * 5000 + "ex:d .\n", 2),
        ("invalid-utf8", None, 2),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 40 else "",
)
def test_malformed_turtle_fails_with_file_and_line(
    tmp_path: Path, name: str, content: str | None, line: int | None
) -> None:
    path = tmp_path / f"{name}.ttl"
    if content is None:
        path.write_bytes(HEADER.encode() + b'ex:a ex:b "caf\xe9" .\n')
    else:
        path.write_text(content, encoding="utf-8")
    before = len(msbackpain.load().backend)
    with pytest.raises(msbackpain.OntologyLoadError) as info:
        msbackpain.load(path)
    message = str(info.value)
    assert message.startswith(f"{path}:{line}:" if line else str(path)), message
    assert "\n" not in message
    if line:
        assert info.value.line == line
    assert len(msbackpain.load().backend) == before  # the cached bundle is untouched


@pytest.mark.slow
def test_five_thousand_deep_blank_nodes_load_without_crashing(tmp_path: Path) -> None:
    path = tmp_path / "deep.ttl"
    path.write_text(
        HEADER + "ex:a ex:b " + "[ ex:c " * 5000 + "ex:d" + " ]" * 5000 + " .\n", encoding="utf-8"
    )
    kg = msbackpain.load(path)
    assert len(kg.backend) == len(msbackpain.load().backend) + 5001
    assert (
        len(kg.query("SELECT ?x WHERE { ?x <http://example.org/c> <http://example.org/d> }")) == 1
    )


def test_rdfxml_external_entity_is_refused_without_fetching(
    tmp_path: Path, listener: Listener
) -> None:
    path = tmp_path / "xxe.rdf"
    path.write_text(
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE rdf:RDF [ <!ENTITY xxe SYSTEM "http://127.0.0.1:{listener.port}/secret"> ]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">\n'
        '  <rdf:Description rdf:about="http://example.org/a"><ex:p>&xxe;</ex:p></rdf:Description>\n'
        "</rdf:RDF>\n",
        encoding="utf-8",
    )
    with pytest.raises(msbackpain.OntologyLoadError) as info:
        msbackpain.load(path)
    assert str(info.value) == f"{path}:2: RDF/XML entity declarations (<!ENTITY ...>) are refused"
    assert listener.connections == 0


def test_rdfxml_entity_bomb_fails_fast(tmp_path: Path) -> None:
    levels = "".join(f'  <!ENTITY e{i} "{("&e" + str(i - 1) + ";") * 10}">\n' for i in range(1, 6))
    path = tmp_path / "bomb.rdf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n  <!ENTITY e0 "lol">\n' + levels + "]>\n"
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">\n'
        '  <rdf:Description rdf:about="http://example.org/a"><ex:p>&e5;</ex:p></rdf:Description>\n'
        "</rdf:RDF>\n",
        encoding="utf-8",
    )
    start = time.perf_counter()
    with pytest.raises(
        msbackpain.OntologyLoadError, match=r"bomb.rdf:3: RDF/XML entity declarations"
    ):
        msbackpain.load(path)
    assert time.perf_counter() - start < 5


def test_jsonld_remote_context_is_not_fetched(tmp_path: Path, listener: Listener) -> None:
    path = tmp_path / "remote.jsonld"
    path.write_text(
        f'{{"@context": "http://127.0.0.1:{listener.port}/context.jsonld", "@id": "http://example.org/a", "name": "x"}}',
        encoding="utf-8",
    )
    with pytest.raises(msbackpain.OntologyLoadError) as info:
        msbackpain.load(path)
    assert (
        str(info.value)
        == f"{path}: a remote JSON-LD @context is not fetched; inline it or save it locally"
    )
    assert listener.connections == 0


def test_urls_are_not_loaded(listener: Listener) -> None:
    url = f"http://127.0.0.1:{listener.port}/data.ttl"
    with pytest.raises(
        msbackpain.OntologyLoadError, match=r"a URL; msbackpain reads local files only"
    ):
        msbackpain.load(url)
    assert listener.connections == 0


@pytest.mark.slow
@needs_java
def test_owl_imports_of_a_loopback_url_is_never_fetched(tmp_path: Path, listener: Listener) -> None:
    path = tmp_path / "imports.ttl"
    path.write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        f"<http://example.org/mine> a owl:Ontology ; owl:imports <http://127.0.0.1:{listener.port}/other.owl> .\n",
        encoding="utf-8",
    )
    kg = msbackpain.load(path)
    _, report = kg.reason()
    assert report.consistent
    assert listener.connections == 0


RDF_OPEN = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">\n'
    '  <rdf:Description rdf:about="http://example.org/a"><ex:p>&e5;</ex:p></rdf:Description>\n'
    "</rdf:RDF>\n"
)
BOMB = "".join(f'  <!ENTITY e{i} "{("&e" + str(i - 1) + ";") * 10}">\n' for i in range(1, 6))


@pytest.mark.parametrize(
    ("name", "prolog", "line"),
    [
        # The old check stopped at the first ">" of the DOCTYPE: an ATTLIST first hid the bomb.
        (
            "attlist-first",
            '<!DOCTYPE rdf:RDF [\n  <!ATTLIST rdf:RDF x CDATA "y">\n  <!ENTITY e0 "lol">\n' + BOMB,
            4,
        ),
        # The old check read only the first 64 KB.
        (
            "after-64-kb",
            "<!-- " + "x" * 70_000 + " -->\n<!DOCTYPE rdf:RDF [\n  <!ENTITY e0 'lol'>\n" + BOMB,
            4,
        ),
        (
            "parameter-entity",
            '<!DOCTYPE rdf:RDF [\n  <!ENTITY % p "lol">\n  <!ENTITY e0 "x">\n' + BOMB,
            3,
        ),
        (
            "comment-with-bracket",
            '<!DOCTYPE rdf:RDF [\n  <!-- ]> -->\n  <!ENTITY e0 "x">\n' + BOMB,
            4,
        ),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 30 else "",
)
def test_entity_declarations_are_refused_wherever_they_stand(
    tmp_path: Path, name: str, prolog: str, line: int
) -> None:
    path = tmp_path / f"{name}.rdf"
    path.write_text('<?xml version="1.0"?>\n' + prolog + "]>\n" + RDF_OPEN, encoding="utf-8")
    start = time.perf_counter()
    for backend in ("rdflib", "oxigraph"):
        with pytest.raises(msbackpain.OntologyLoadError) as info:
            msbackpain.load(path, backend=backend)
        assert str(info.value) == (
            f"{path}:{line}: RDF/XML entity declarations (<!ENTITY ...>) are refused"
        )
    assert time.perf_counter() - start < 5


def test_a_prolog_expat_cannot_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.rdf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY >\n' + RDF_OPEN, encoding="utf-8"
    )
    with pytest.raises(msbackpain.OntologyLoadError, match=r"broken.rdf:2: not well-formed XML"):
        msbackpain.load(path)


def test_plain_rdfxml_with_a_doctype_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "plain.rdf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ATTLIST rdf:RDF x CDATA "y"> ]>\n'
        + RDF_OPEN.replace("&e5;", "fine"),
        encoding="utf-8",
    )
    kg = msbackpain.load(path)
    assert len(kg.backend) == len(msbackpain.load().backend) + 1


def test_input_files_have_a_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from msbackpain.loading import bundled_files

    limit = max(p.stat().st_size for p in bundled_files()) + 1000  # the bundle still loads
    path = tmp_path / "big.nt"
    line = "<http://e/a> <http://e/b> <http://e/c> .\n"
    path.write_text(line * (limit // len(line) + 1), encoding="utf-8")
    size = path.stat().st_size
    monkeypatch.setenv("MSBACKPAIN_MAX_FILE_BYTES", str(limit))
    for backend in ("rdflib", "oxigraph"):
        with pytest.raises(msbackpain.OntologyLoadError) as info:
            msbackpain.load(path, backend=backend)
        assert str(info.value) == (
            f"{path}: the file is {size} bytes; the limit is {limit} "
            "(set MSBACKPAIN_MAX_FILE_BYTES to load larger files)"
        )
    monkeypatch.setenv("MSBACKPAIN_MAX_FILE_BYTES", str(size))
    assert len(msbackpain.load(path).backend) == len(msbackpain.load().backend) + 1
    monkeypatch.setenv("MSBACKPAIN_MAX_FILE_BYTES", "lots")
    with pytest.raises(msbackpain.OntologyLoadError, match="give a positive number of bytes"):
        msbackpain.load(path)


def test_a_long_search_text_is_refused_fast(kg: msbackpain.KnowledgeGraph) -> None:
    start = time.perf_counter()
    with pytest.raises(msbackpain.QueryError) as info:
        kg.search("neck pain " * 4000)
    assert str(info.value) == "the search text is 40000 characters long; the limit is 200"
    assert time.perf_counter() - start < 1
    assert [e.label for e in kg.search("neck")][:2] == ["neck", "bending the neck"]
