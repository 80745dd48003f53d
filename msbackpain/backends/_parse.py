"""Parse RDF files strictly with pyoxigraph, turning every failure into one OntologyLoadError."""

from __future__ import annotations

import codecs
import io
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, cast
from urllib.parse import quote

from msbackpain.backends.base import Progress, rdf_format
from msbackpain.exceptions import OntologyLoadError

if TYPE_CHECKING:
    import pyoxigraph

__all__ = [
    "BASE_NAMESPACE",
    "DEFAULT_MAX_FILE_BYTES",
    "MAX_FILE_BYTES_VARIABLE",
    "ProgressReader",
    "max_file_bytes",
    "open_rdf",
    "oxigraph_format",
    "parse_quads",
    "source_base",
]

#: Largest RDF input file read by default (bytes); see :func:`max_file_bytes`.
DEFAULT_MAX_FILE_BYTES = 1 << 30
#: The environment variable that sets another size limit.
MAX_FILE_BYTES_VARIABLE = "MSBACKPAIN_MAX_FILE_BYTES"

#: Report progress at most this often (in bytes), so the hook costs nothing measurable.
_PROGRESS_STEP = 1 << 20

#: Relative IRIs in a file resolve against this namespace plus the file's name (never its
#: local path, which would leak into exports and served answers); ``base=`` replaces it.
BASE_NAMESPACE = "https://w3id.org/msbackpain/source/"

#: Byte-order marks, longest first (a UTF-32 LE mark starts like a UTF-16 LE one).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_XML_DECLARATION = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_TEXT_DECLARATION = re.compile(r"""^(<\?xml[^>]*?encoding\s*=\s*)["'][A-Za-z0-9._-]+["']""")
_UTF8_NAMES = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})
#: Formats whose raw CR LF line ends are read as LF (XML parsers do this themselves).
_LINE_FORMATS = frozenset({"turtle", "ttl", "nt", "ntriples", "nquads", "trig", "n3"})


def source_base(path: Path, base: str | None = None) -> str:
    """Return the base IRI relative IRIs in ``path`` resolve against: ``base``, or a stable one.

    The default is :data:`BASE_NAMESPACE` plus the file's name, the same on every machine.

    Raises:
        OntologyLoadError: if ``base`` is not an absolute IRI.

    Examples:
        >>> source_base(Path("/home/me/my facts.ttl"))
        'https://w3id.org/msbackpain/source/my%20facts.ttl'
        >>> source_base(Path("x.ttl"), "http://example.org/mine/")
        'http://example.org/mine/'
    """
    if base is None:
        return BASE_NAMESPACE + quote(path.name)
    import pyoxigraph

    try:
        pyoxigraph.NamedNode(base)
    except ValueError:
        raise OntologyLoadError(f"base={base!r} is not an absolute IRI", path=str(path)) from None
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", base):
        raise OntologyLoadError(f"base={base!r} is not an absolute IRI", path=str(path))
    return base


class ProgressReader:
    """A binary reader that passes the bytes of ``handle`` through and reports how many.

    pyoxigraph's parsers and ``Store.load`` accept any object with ``read``; wrapping the file
    lets a caller show progress for a large file without a second pass over it. It reports 0
    at the start and then every megabyte; the caller reports the end once the data is stored.

    Examples:
        >>> import io
        >>> seen = []
        >>> reader = ProgressReader(io.BytesIO(b"a" * 3_000_000), Path("x.nt"), 3_000_000,
        ...                         lambda p, done, total: seen.append(done))
        >>> while reader.read(1 << 19): pass
        >>> seen
        [0, 1048576, 2097152]
    """

    def __init__(self, handle: IO[bytes], path: Path, size: int, progress: Progress) -> None:
        self._handle = handle
        self._path = path
        self._size = size
        self._progress = progress
        self._done = 0
        self._reported = 0
        progress(path, 0, size)

    def read(self, size: int = -1) -> bytes:
        """Read up to ``size`` bytes and report progress every megabyte and at the end."""
        chunk = self._handle.read(size)
        self._done += len(chunk)
        if self._done - self._reported >= _PROGRESS_STEP and self._done < self._size:
            self._reported = self._done
            self._progress(self._path, self._done, self._size)
        return chunk


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


def parse_quads(
    path: Path,
    *,
    format: str | None = None,
    progress: Progress | None = None,
    base: str | None = None,
) -> list[pyoxigraph.Quad]:
    """Parse ``path`` completely and return its quads, or raise before anything is returned.

    pyoxigraph's parsers are strict (they reject all 94 negative W3C Turtle syntax tests,
    where rdflib accepts 39) and report the line and column of the first error. Relative IRIs
    resolve against ``base`` or :func:`source_base`; the file's encoding is handled by
    :func:`open_rdf`. Nothing is fetched: a remote JSON-LD ``@context`` is an error, and
    RDF/XML entity declarations (external entities, expansion bombs) are refused before
    parsing.

    Raises:
        OntologyLoadError: naming the file and line when it cannot be read or parsed.
    """
    import pyoxigraph

    fmt = oxigraph_format(path, format)
    with open_rdf(path, progress, format=format) as source:
        return list(pyoxigraph.parse(source, format=fmt, base_iri=source_base(path, base)))


@contextmanager
def open_rdf(
    path: Path, progress: Progress | None = None, *, format: str | None = None
) -> Iterator[IO[bytes]]:
    """Open ``path`` for an RDF parser; turn every read or parse failure into OntologyLoadError.

    A file larger than :func:`max_file_bytes` is refused before it is read, and an RDF/XML
    file (by ``format`` or suffix) that declares entities before any parser reads it.

    The parser always reads UTF-8 with LF line ends, whatever an editor wrote: a UTF-8
    byte-order mark is skipped; a UTF-16 or UTF-32 file with its mark (Windows Notepad's
    "Unicode") and an RDF/XML file whose declaration names another encoding (``ISO-8859-1``,
    ``windows-1252``) are decoded; CR LF line ends of Turtle, TriG, N3, N-Triples and
    N-Quads are read as LF (as XML parsers do by rule). Turtle and N-Triples are UTF-8 by
    definition, so other bytes in them are refused, naming the line, not guessed at.

    Raises:
        OntologyLoadError: naming the file and line (the parser's ``SyntaxError`` carries it).
    """
    if not path.is_file():
        raise OntologyLoadError(f"{path}: no such file", path=str(path))
    size, limit = path.stat().st_size, max_file_bytes()
    if size > limit:
        msg = (
            f"{path}: the file is {size} bytes; the limit is {limit} "
            f"(set {MAX_FILE_BYTES_VARIABLE} to load larger files)"
        )
        raise OntologyLoadError(msg, path=str(path))
    name = rdf_format(path, format).lower()
    rdf_xml = name in ("xml", "rdf/xml")
    try:
        with path.open("rb") as handle:
            if rdf_xml:
                _refuse_entities(path, handle)
                handle.seek(0)
            reader: IO[bytes] = handle
            if progress is not None:  # it has the one method parsers call: read
                reader = cast("IO[bytes]", ProgressReader(handle, path, size, progress))
            yield _utf8(path, reader, xml=rdf_xml, lines=name in _LINE_FORMATS)
    except OntologyLoadError:
        raise
    except SyntaxError as err:
        line = err.lineno
        message = str(err.msg)
        if "LoadDocumentCallback" in message:
            message = "a remote JSON-LD @context is not fetched; inline it or save it locally"
        elif "UTF-8" in message:
            message += " (the file is not UTF-8: save it as UTF-8)"
        where = f"{path}:{line}" if line else str(path)
        raise OntologyLoadError(f"{where}: {message}", path=str(path), line=line) from err
    except (OSError, ValueError, UnicodeError, RecursionError) as err:
        raise OntologyLoadError(f"{path}: cannot read RDF: {err}", path=str(path)) from err


def _utf8(path: Path, handle: IO[bytes], *, xml: bool, lines: bool) -> IO[bytes]:
    """Return a reader of ``handle`` that gives UTF-8 (see :func:`open_rdf`)."""
    head = handle.read(256)
    encoding = next((name for bom, name in _BOMS if head.startswith(bom)), None)
    if encoding is None and xml:
        found = _XML_DECLARATION.match(head)
        declared = found.group(1).decode("ascii") if found else None
        if declared is not None and declared.lower() not in _UTF8_NAMES:
            encoding = declared
    if encoding is None and not xml and _looks_utf16(head):
        msg = (
            f"{path}:1: the file holds NUL bytes (UTF-16 without a byte-order mark?): "
            "save it as UTF-8"
        )
        raise OntologyLoadError(msg, path=str(path), line=1)
    if encoding in (None, "utf-8-sig"):
        start = head[len(codecs.BOM_UTF8) :] if encoding else head
        reader = _Prefixed(start, handle)
        return cast("IO[bytes]", _LineEnds(reader) if lines else reader)
    data = head + handle.read()
    try:
        text = data.decode(encoding)
    except LookupError:
        msg = f"{path}: the XML declaration names an unknown encoding {encoding!r}"
        raise OntologyLoadError(msg, path=str(path)) from None
    except UnicodeDecodeError as err:
        line = data[: err.start].decode(encoding, "replace").count("\n") + 1
        msg = f"{path}:{line}: the bytes are not valid {encoding.upper()} ({err.reason})"
        raise OntologyLoadError(msg, path=str(path), line=line) from None
    if xml:
        text = _TEXT_DECLARATION.sub(r'\1"UTF-8"', text, count=1)
    if lines:
        text = text.replace("\r\n", "\n")
    return io.BytesIO(text.encode("utf-8"))


def _looks_utf16(head: bytes) -> bool:
    """True when every other byte of ``head`` is NUL: UTF-16 text without its mark.

    Turtle allows a raw NUL inside a string, so a few NUL bytes prove nothing.
    """
    return len(head) >= 8 and (
        head[0::2].count(0) >= len(head) // 4 or head[1::2].count(0) >= len(head) // 4
    )


class _Prefixed:
    """A reader of ``prefix`` followed by the rest of ``handle``."""

    def __init__(self, prefix: bytes, handle: IO[bytes]) -> None:
        self._prefix = prefix
        self._handle = handle

    def read(self, size: int = -1) -> bytes:
        """Read up to ``size`` bytes (all with ``-1``)."""
        if not self._prefix:
            return self._handle.read(size)
        if size < 0:
            chunk, self._prefix = self._prefix + self._handle.read(), b""
            return chunk
        chunk, self._prefix = self._prefix[:size], self._prefix[size:]
        return chunk


class _LineEnds:
    """A reader that gives CR LF line ends as LF; a CR at a chunk's end waits for its LF."""

    def __init__(self, reader: _Prefixed) -> None:
        self._reader = reader

    def read(self, size: int = -1) -> bytes:
        """Read about ``size`` bytes (all with ``-1``), CR LF as LF."""
        chunk = self._reader.read(size)
        while chunk.endswith(b"\r"):
            more = self._reader.read(1)
            if not more:
                break
            chunk += more
        return chunk.replace(b"\r\n", b"\n")


class _Prolog(Exception):  # noqa: N818 - internal control flow, never escapes
    """The scan of the prolog ended: at the root element, or at an entity declaration."""

    def __init__(self, line: int | None) -> None:
        super().__init__(line)
        self.line = line


def _refuse_entities(path: Path, handle: IO[bytes]) -> None:
    """Refuse an RDF/XML file whose DOCTYPE declares any entity, wherever it stands.

    The whole prolog, up to the root element, goes through a real XML tokenizer (the
    standard library's expat), which reports every ``<!ENTITY`` (general or parameter) of
    the internal subset, however many ``<!ATTLIST>``, comments or processing instructions
    come first; nothing is expanded and no external subset is read. A prolog expat cannot
    tokenize is refused too: the RDF/XML parser must not be the one to decide what it means.
    """
    import xml.parsers.expat

    parser = xml.parsers.expat.ParserCreate()

    def entity(*_: object) -> None:
        raise _Prolog(parser.CurrentLineNumber)

    def root(*_: object) -> None:
        raise _Prolog(None)

    parser.EntityDeclHandler = entity
    parser.UnparsedEntityDeclHandler = entity
    parser.StartElementHandler = root
    try:
        while chunk := handle.read(1 << 16):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Prolog as found:
        if found.line is None:
            return
        msg = f"{path}:{found.line}: RDF/XML entity declarations (<!ENTITY ...>) are refused"
        raise OntologyLoadError(msg, path=str(path), line=found.line) from None
    except xml.parsers.expat.ExpatError as err:
        msg = f"{path}:{err.lineno}: not well-formed XML before the root element: {err}"
        raise OntologyLoadError(msg, path=str(path), line=err.lineno) from None
    except LookupError as err:  # expat asks Python for the codec the declaration names
        encoding = str(err).rpartition(": ")[2]
        msg = f"{path}: the XML declaration names an unknown encoding {encoding!r}"
        raise OntologyLoadError(msg, path=str(path)) from None


def max_file_bytes() -> int:
    """Return the size limit of an RDF input file, in bytes (``MSBACKPAIN_MAX_FILE_BYTES``).

    The default, 1 GiB, is about ten million triples: some ten gigabytes in rdflib.

    Raises:
        OntologyLoadError: if the environment variable is not a positive whole number.

    Examples:
        >>> max_file_bytes() >= 1
        True
    """
    value = os.environ.get(MAX_FILE_BYTES_VARIABLE)
    if value is None:
        return DEFAULT_MAX_FILE_BYTES
    if not value.isdigit() or int(value) < 1:
        msg = f"{MAX_FILE_BYTES_VARIABLE}={value!r}: give a positive number of bytes"
        raise OntologyLoadError(msg)
    return int(value)
