"""The oxigraph backend's own options: an on-disk store, progress while loading, bad paths."""

from __future__ import annotations

from pathlib import Path

import pytest

import msbackpain
from msbackpain.backends import get_backend
from msbackpain.backends.oxigraph_backend import OxigraphBackend

EXTRA = (
    "@prefix ex: <http://example.org/> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    'ex:thing rdfs:label "my extra thing" .\n'
)


def test_on_disk_store_is_built_once_and_reused(tmp_path: Path) -> None:
    store = tmp_path / "kg"
    extra = tmp_path / "extra.ttl"
    extra.write_text(EXTRA, encoding="utf-8")
    first = msbackpain.load(extra, backend="oxigraph", store=store)
    assert (store / "CURRENT").is_file()
    assert first["my extra thing"].label == "my extra thing"
    size = len(first.backend)
    assert size == len(msbackpain.load().backend) + 1
    loaded = first.backend.loaded()  # type: ignore[attr-defined]
    assert sorted(loaded.values()) == ["extra.ttl", "inferred.ttl", "msbackpain.ttl"]
    del first

    calls: list[tuple[str, int, int]] = []
    again = msbackpain.load(
        extra,
        backend="oxigraph",
        store=store,
        progress=lambda p, done, total: calls.append((p.name, done, total)),
    )
    assert again.backend.read_only  # type: ignore[attr-defined]  # nothing was missing
    assert len(again.backend) == size  # nothing loaded twice
    assert [name for name, done, total in calls if done == total] == [
        "msbackpain.ttl",
        "inferred.ttl",
        "extra.ttl",
    ]
    assert again.treatments_for("spasticity").to_dict() == (
        msbackpain.load().treatments_for("spasticity").to_dict()
    )


def test_a_changed_file_is_not_mixed_into_a_store(tmp_path: Path) -> None:
    store = tmp_path / "kg"
    extra = tmp_path / "extra.ttl"
    extra.write_text(EXTRA, encoding="utf-8")
    first = msbackpain.load(extra, backend="oxigraph", store=store)
    del first  # closes the store
    extra.write_text(EXTRA.replace("my extra thing", "changed"), encoding="utf-8")
    with pytest.raises(msbackpain.BackendError, match=r"holds another version of extra\.ttl"):
        msbackpain.load(extra, backend="oxigraph", store=store)


@pytest.mark.slow
def test_progress_reports_large_files_while_they_load(tmp_path: Path) -> None:
    big = tmp_path / "big.nt"
    with big.open("w", encoding="utf-8") as out:
        for i in range(40_000):
            out.write(f'<http://example.org/n{i}> <http://example.org/label> "node number {i}" .\n')
    size = big.stat().st_size
    assert size > 2 << 20
    options: list[tuple[str, dict[str, Path]]] = [
        ("oxigraph", {}),
        ("oxigraph", {"store": tmp_path / "kg"}),  # on disk: validated, then bulk-loaded
        ("rdflib", {}),
    ]
    for backend, option in options:
        calls: list[int] = []
        store = get_backend(backend, **option)
        store.load(big, progress=lambda p, done, total, calls=calls: calls.append(done))  # type: ignore[misc]
        assert calls[0] == 0 and calls[-1] == size
        assert len(calls) >= 3 and calls == sorted(calls)  # intermediate steps, in order
        assert len(store) == 40_000


def test_a_broken_file_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    backend = OxigraphBackend(tmp_path / "kg")
    extra = tmp_path / "extra.ttl"
    extra.write_text(EXTRA, encoding="utf-8")
    backend.load(extra)
    broken = tmp_path / "broken.ttl"
    good = "".join(f"<urn:a{i}> <urn:p> <urn:b{i}> .\n" for i in range(1000))
    broken.write_text(good + "<urn:a> <urn:p> oops .\n", encoding="utf-8")
    with pytest.raises(msbackpain.OntologyLoadError, match=r"broken\.ttl:1001"):
        backend.load(broken)
    assert len(backend) == 1
    assert list(backend.loaded().values()) == ["extra.ttl"]


@pytest.mark.parametrize("kind", ["file", "foreign-directory"])
def test_a_path_that_is_not_a_store(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "target"
    if kind == "file":
        target.write_text("hello", encoding="utf-8")
        expected = "is a file, not an Oxigraph store directory"
    else:
        target.mkdir()
        (target / "notes.txt").write_text("mine", encoding="utf-8")
        expected = "is not an Oxigraph store"
    with pytest.raises(msbackpain.BackendError, match=expected) as info:
        msbackpain.load(backend="oxigraph", store=target)
    assert "\n" not in str(info.value)
    if kind == "foreign-directory":  # nothing was written into the user's directory
        assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]


def test_store_needs_the_oxigraph_backend(tmp_path: Path) -> None:
    with pytest.raises(msbackpain.BackendError, match="store= needs backend='oxigraph'"):
        msbackpain.load(store=tmp_path / "kg")


def test_substitution_trap_is_avoided() -> None:
    # A bound IRI must reach the property path: the query text sent to the engine carries
    # it in a VALUES clause (pyoxigraph's substitutions would not be pushed into the path).
    from msbackpain.backends._binding import bind_values
    from msbackpain.queries import get_query

    text = bind_values(
        get_query("treatments_for").text,
        {"condition": msbackpain.IRI("https://w3id.org/msbackpain/Spasticity")},
    )
    where = text.index("WHERE {")
    assert text[where:].startswith("WHERE { VALUES ?condition { <https://w3id.org/msbackpain/")
