"""The rows of a SPARQL answer and the RDF terms in them, the same on every backend.

A value in a :class:`QueryResult` is an RDF term: an :class:`IRI`, a :class:`Literal` (lexical
form, datatype, language) or a :class:`BlankNode`; an unbound variable is ``None``. Every term
is a ``str`` (an IRI reads as its CURIE where a known prefix covers it, a literal as its
lexical form, a blank node as ``_:id``), so ``row["label"] == "baclofen"`` works, while the
term keeps what the string alone loses: ``"1"^^xsd:integer`` and ``"1"`` are different terms.
``.value`` gives the Python value, ``.n3()`` the full term and ``.to_dict()`` its SPARQL JSON
cell; ``repr`` is the string's, so printed answers read as before. Terms and rows are immutable.

Examples:
    >>> n = Literal("1", XSD + "integer")
    >>> n == "1", n.value, n.n3()
    (True, 1, '"1"^^<http://www.w3.org/2001/XMLSchema#integer>')
    >>> n == Literal("1")
    False
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NoReturn, Self

from msbackpain._xsd import CANONICAL_DATATYPES, XSD, canonical, python_value
from msbackpain.prefixes import compress

if TYPE_CHECKING:
    import pandas

__all__ = [
    "CANONICAL_DATATYPES",
    "IRI",
    "RDF_LANG_STRING",
    "XSD",
    "XSD_STRING",
    "BlankNode",
    "Literal",
    "QueryResult",
    "Row",
    "Term",
    "Value",
    "canonical",
    "iri",
    "plain",
]

#: The datatype of a plain literal (``"text"``).
XSD_STRING = XSD + "string"
#: The datatype of a language-tagged literal (``"text"@en``).
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class _Frozen(str):
    """A ``str`` whose attributes cannot be set or deleted after it is made."""

    __slots__ = ()

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _Frozen):
            return type(self) is type(other) and self._key() == other._key()
        return str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = str.__hash__  # equal terms have equal strings, so this stays consistent

    def _key(self) -> tuple[str, ...]:
        return (str(self),)

    def n3(self) -> str:
        """Return the term in N-Triples syntax."""
        raise NotImplementedError

    def to_dict(self) -> dict[str, str]:
        """Return the term as a SPARQL 1.1 JSON results cell (``type``, ``value``...)."""
        raise NotImplementedError


class IRI(_Frozen):
    """An IRI (named node); it reads as its CURIE where a known prefix covers it.

    Examples:
        >>> x = IRI("https://w3id.org/msbackpain/Baclofen")
        >>> x, x.iri, x.n3()
        ('msbp:Baclofen', 'https://w3id.org/msbackpain/Baclofen', \
'<https://w3id.org/msbackpain/Baclofen>')
        >>> x == "msbp:Baclofen", x.value
        (True, 'https://w3id.org/msbackpain/Baclofen')
    """

    iri: str

    def __new__(cls, iri: str) -> Self:
        """Make the term of the absolute IRI ``iri``."""
        self = str.__new__(cls, compress(iri))
        object.__setattr__(self, "iri", str(iri))
        return self

    def _key(self) -> tuple[str, ...]:
        return (self.iri,)

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (iri, (self.iri,))

    @property
    def value(self) -> str:
        """The full IRI."""
        return self.iri

    def n3(self) -> str:
        """Return ``<iri>``."""
        return f"<{self.iri}>"

    def to_dict(self) -> dict[str, str]:
        """Return ``{"type": "uri", "value": iri}``."""
        return {"type": "uri", "value": self.iri}


class BlankNode(_Frozen):
    """A blank node, read as ``_:id``; its label means nothing outside its answer.

    Examples:
        >>> b = BlankNode("b0")
        >>> b, b.id, b.n3(), b.to_dict()
        ('_:b0', 'b0', '_:b0', {'type': 'bnode', 'value': 'b0'})
    """

    __slots__ = ()

    def __new__(cls, id: str) -> Self:
        """Make the blank node labelled ``id`` (with or without the ``_:``)."""
        return str.__new__(cls, id if id.startswith("_:") else f"_:{id}")

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (BlankNode, (str(self),))

    @property
    def id(self) -> str:
        """The label, without ``_:``."""
        return self[2:]

    @property
    def value(self) -> str:
        """The label, as ``_:id``."""
        return str(self)

    def n3(self) -> str:
        """Return ``_:id``."""
        return str(self)

    def to_dict(self) -> dict[str, str]:
        """Return ``{"type": "bnode", "value": id}``."""
        return {"type": "bnode", "value": self.id}


class Literal(_Frozen):
    """A literal: its lexical form (the string), a datatype IRI and a language tag.

    A language-tagged literal has the datatype ``rdf:langString``; a plain one ``xsd:string``.
    ``.value`` is the Python value for the common XML Schema types (``int``, ``Decimal``,
    ``float``, ``bool``, ``date``, ``datetime``, else ``str``); a lexical form that is not
    valid for its datatype (``"x"^^xsd:integer``) stays a ``str``.

    Examples:
        >>> Literal("douleur", language="fr").n3()
        '"douleur"@fr'
        >>> Literal("2.50", XSD + "decimal").value, Literal("true", XSD + "boolean").value
        (Decimal('2.50'), True)
        >>> Literal("2024-05-01", XSD + "date").value
        datetime.date(2024, 5, 1)
        >>> Literal("5", XSD + "integer"), Literal("5", XSD + "integer").datatype
        ('5', 'http://www.w3.org/2001/XMLSchema#integer')
    """

    datatype: str
    language: str | None

    def __new__(
        cls, lexical: str, datatype: str | None = None, language: str | None = None
    ) -> Self:
        """Make the literal ``lexical`` of ``datatype`` (default ``xsd:string``) or ``language``."""
        self = str.__new__(cls, lexical)
        if language:
            language, datatype = language.lower(), RDF_LANG_STRING
        object.__setattr__(self, "datatype", datatype or XSD_STRING)
        object.__setattr__(self, "language", language or None)
        return self

    def _key(self) -> tuple[str, ...]:
        return (str(self), self.datatype, self.language or "")

    def __reduce__(self) -> tuple[Any, tuple[str, str, str | None]]:
        return (Literal, (str(self), self.datatype, self.language))

    @property
    def value(self) -> object:
        """The Python value: ``int``, ``Decimal``, ``float``, ``bool``, ``date``... or ``str``."""
        return python_value(str(self), self.datatype)

    def n3(self) -> str:
        """Return the literal in N-Triples syntax (``"5"^^<...#integer>``, ``"x"@en``)."""
        text = '"' + str(self).translate(_ESCAPES) + '"'
        if self.language:
            return f"{text}@{self.language}"
        if self.datatype == XSD_STRING:
            return text
        return f"{text}^^<{self.datatype}>"

    def to_dict(self) -> dict[str, str]:
        """Return the SPARQL 1.1 JSON cell: ``value`` with ``datatype`` or ``xml:lang``."""
        cell = {"type": "literal", "value": str(self)}
        if self.language:
            cell["xml:lang"] = self.language
        elif self.datatype != XSD_STRING:
            cell["datatype"] = self.datatype
        return cell


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})

#: An RDF term in a result.
Term = IRI | Literal | BlankNode
#: A value in a result row: a term, or ``None`` for an unbound variable.
Value = Term | None


@lru_cache(maxsize=1 << 16)
def iri(value: str) -> IRI:
    """Return the :class:`IRI` term of ``value``, shared between answers (terms are immutable).

    Examples:
        >>> iri("https://w3id.org/msbackpain/Heat") is iri("https://w3id.org/msbackpain/Heat")
        True
    """
    return IRI(value)


class Row(dict[str, Value]):
    """One row of an answer: a read-only mapping of variable name to value.

    Examples:
        >>> row = Row({"x": Literal("a")})
        >>> row["x"].n3(), row == {"x": "a"}
        ('"a"', True)
        >>> row["x"] = Literal("b")
        Traceback (most recent call last):
        ...
        TypeError: a result row is read-only
    """

    __slots__ = ()

    def _refuse(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError("a result row is read-only")

    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def __reduce__(self) -> tuple[Any, tuple[dict[str, Value]]]:
        return (Row, (dict(self),))

    def __copy__(self) -> Row:
        return self

    def __deepcopy__(self, memo: object) -> Row:
        return self


def plain(row: Mapping[str, str | None]) -> dict[str, str | None]:
    """Return ``row`` with every term as an exact ``str`` (for domain objects and file formats).

    Examples:
        >>> type(plain(Row(x=Literal("a")))["x"]).__name__
        'str'
    """
    return {k: None if v is None else str(v) for k, v in row.items()}


def _as_value(value: object) -> Value:
    """A value of a row given by hand: a term or ``None`` as it is, a ``str`` as a literal."""
    if value is None or isinstance(value, _Frozen):
        return value  # type: ignore[return-value]
    if isinstance(value, str):
        return Literal(value)
    raise TypeError(f"a result value is an RDF term, a string or None, not {value!r}")


def _cell(value: Value) -> dict[str, str] | None:
    return None if value is None else value.to_dict()


@dataclass(frozen=True, slots=True, init=False)
class QueryResult:
    """The rows of a SPARQL query, as RDF terms.

    ASK queries have one row ``{"boolean": Literal("true", xsd:boolean)}`` and ``boolean``
    set; CONSTRUCT and DESCRIBE give the variables ``subject, predicate, object``. Plain
    mappings given as rows are made read-only :class:`Row` objects (a plain ``str`` value
    becomes a plain literal).

    Examples:
        >>> r = QueryResult(("x",), ({"x": iri("https://w3id.org/msbackpain/Baclofen")},))
        >>> len(r), [row["x"] for row in r]
        (1, ['msbp:Baclofen'])
        >>> r.to_dict()["rows"]
        [{'x': {'type': 'uri', 'value': 'https://w3id.org/msbackpain/Baclofen'}}]
    """

    variables: tuple[str, ...]
    rows: tuple[Row, ...]
    boolean: bool | None

    def __init__(
        self,
        variables: Iterable[str],
        rows: Iterable[Mapping[str, object]] = (),
        boolean: bool | None = None,
    ) -> None:
        """Hold ``rows`` (made read-only) of ``variables``; ``boolean`` is an ASK answer."""
        rows = tuple(rows)
        if not all(type(row) is Row for row in rows):
            rows = tuple(
                row if type(row) is Row else Row({k: _as_value(v) for k, v in row.items()})
                for row in rows
            )
        object.__setattr__(self, "variables", tuple(variables))
        object.__setattr__(self, "rows", rows)
        object.__setattr__(self, "boolean", boolean)

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        return f"QueryResult(variables={self.variables!r}, rows={len(self.rows)})"

    def to_dicts(self) -> list[dict[str, Value]]:
        """Return the rows as a list of plain (mutable) dictionaries of terms."""
        return [dict(row) for row in self.rows]

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready dictionary; each value is a SPARQL 1.1 JSON cell or ``None``."""
        rows = [{k: _cell(v) for k, v in row.items()} for row in self.rows]
        return {"variables": list(self.variables), "rows": rows, "boolean": self.boolean}

    def to_dataframe(self) -> pandas.DataFrame:
        """Return the rows as a :class:`pandas.DataFrame` (needs the ``pandas`` extra).

        Raises:
            MissingExtraError: if pandas is not installed.
        """
        try:
            import pandas
        except ImportError as err:
            from msbackpain.exceptions import MissingExtraError

            raise MissingExtraError("QueryResult.to_dataframe()", "pandas") from err
        return pandas.DataFrame(list(self.rows), columns=list(self.variables))
