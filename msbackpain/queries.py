"""Named SPARQL queries: one ``queries/*.rq`` file per question, with a ``#`` header.

Each file starts with a header block that documents it::

    # name: treatments_for
    # description: Treatments of a condition, with the evidence for each edge.
    # param: condition iri  The condition (pain type, symptom or disease) to treat.

Parameters are bound by the engine (rdflib ``initBindings``, pyoxigraph ``VALUES``), never
formatted into the text; :meth:`NamedQuery.bindings` checks their names and kinds first.

Examples:
    >>> "treatments_for" in names()
    True
    >>> get_query("treatments_for").parameters[0].name
    'condition'
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from msbackpain._resources import queries_dir
from msbackpain.backends.base import IRI, BindingValue, check_iri
from msbackpain.exceptions import QueryParameterError, UnknownQueryError

__all__ = ["NamedQuery", "Parameter", "get_query", "list_queries", "names", "parse_query_file"]

ParameterKind = Literal["iri", "string", "integer"]
_HEADER = re.compile(r"^#\s*(name|description|param|answers):\s*(.*)$")
_PARAM = re.compile(r"^(\w+)\s+(iri|string|integer)\s+(.*)$")


@dataclass(frozen=True, slots=True)
class Parameter:
    """A declared parameter of a named query: its name, kind and meaning."""

    name: str
    kind: ParameterKind
    description: str


@dataclass(frozen=True, slots=True)
class NamedQuery:
    """A SPARQL query from ``queries/``, with its documented header."""

    name: str
    description: str
    parameters: tuple[Parameter, ...]
    text: str
    path: Path
    answers: str = ""

    def bindings(self, values: Mapping[str, BindingValue]) -> dict[str, BindingValue]:
        """Check ``values`` against the declared parameters and return them for binding.

        Raises:
            QueryParameterError: for an unknown or missing parameter, or a value of the wrong
                kind (an IRI where a string is declared, or the reverse).

        Examples:
            >>> q = get_query("treatments_for")
            >>> q.bindings({"condtion": IRI("https://w3id.org/msbackpain/Spasticity")})
            Traceback (most recent call last):
            ...
            msbackpain.exceptions.QueryParameterError: query 'treatments_for' has no \
parameter 'condtion'; did you mean 'condition'? (parameters: condition)
        """
        declared = {p.name: p for p in self.parameters}
        for key in values:
            if key not in declared:
                close = difflib.get_close_matches(key, declared, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                listing = ", ".join(declared) or "none"
                msg = f"query {self.name!r} has no parameter {key!r}{hint} (parameters: {listing})"
                raise QueryParameterError(msg)
        missing = [name for name in declared if name not in values]
        if missing:
            msg = f"query {self.name!r} needs parameter(s) {', '.join(missing)}"
            raise QueryParameterError(msg)
        for name, value in values.items():
            _check_kind(self.name, declared[name], value)
        return dict(values)


def _check_kind(query: str, parameter: Parameter, value: BindingValue) -> None:
    from msbackpain import results
    from msbackpain.backends._neutral import neutral

    if isinstance(value, IRI):
        check_iri(value, f"parameter {parameter.name!r} of query {query!r}")
    kind = parameter.kind
    found = neutral(value, parameter.name)
    datatype = getattr(found, "datatype", None)
    ok = (
        (kind == "iri" and isinstance(found, results.IRI))
        or (kind == "string" and datatype in (results.XSD_STRING, results.RDF_LANG_STRING))
        or (kind == "integer" and datatype == results.XSD + "integer")
    )
    if not ok:
        msg = f"parameter {parameter.name!r} of query {query!r} must be an {kind}, got {value!r}"
        raise QueryParameterError(msg)


def parse_query_file(path: Path) -> NamedQuery:
    """Read one ``.rq`` file and parse its header.

    Raises:
        ValueError: if the header lacks a name or description, the name differs from the file
            stem, or a declared parameter does not occur in the query.
    """
    text = path.read_text(encoding="utf-8")
    fields: dict[str, str] = {}
    params: list[Parameter] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if match is None:
            continue
        key, value = match.groups()
        if key == "param":
            declared = _PARAM.match(value.strip())
            if declared is None:
                msg = f"{path}: malformed param line {line!r} (want: name iri|string|integer text)"
                raise ValueError(msg)
            name, kind, meaning = declared.groups()
            params.append(Parameter(name, kind, meaning.strip()))  # type: ignore[arg-type]
        else:
            fields[key] = value.strip()
    name = fields.get("name")
    if name != path.stem or not fields.get("description"):
        msg = f"{path}: the header needs '# name: {path.stem}' and '# description: ...'"
        raise ValueError(msg)
    for p in params:
        if not re.search(rf"[?$]{p.name}\b", text):
            msg = f"{path}: declared parameter {p.name!r} does not occur in the query"
            raise ValueError(msg)
    return NamedQuery(
        name, fields["description"], tuple(params), text, path, fields.get("answers", "")
    )


@cache
def _catalogue(folder: Path) -> dict[str, NamedQuery]:
    return {q.name: q for q in map(parse_query_file, sorted(folder.glob("*.rq")))}


def list_queries() -> list[NamedQuery]:
    """Return every bundled named query, sorted by name."""
    return list(_catalogue(queries_dir()).values())


def names() -> dict[str, str]:
    """Return ``{name: description}`` for every bundled named query.

    Examples:
        >>> sorted(names())[:3]
        ['benefits_of', 'causes_of', 'cautions_for']
    """
    return {q.name: q.description for q in list_queries()}


def get_query(name: str) -> NamedQuery:
    """Return the named query called ``name``.

    Raises:
        UnknownQueryError: if there is none, with close matches as suggestions.

    Examples:
        >>> get_query("treatmentsfor")
        Traceback (most recent call last):
        ...
        msbackpain.exceptions.UnknownQueryError: unknown query 'treatmentsfor'; did you mean \
'treatments_for', ...?
    """
    catalogue = _catalogue(queries_dir())
    try:
        return catalogue[name]
    except KeyError:
        suggestions = difflib.get_close_matches(name, catalogue, n=3)
        raise UnknownQueryError(name, suggestions) from None
