"""The one RDF term each Python value binds as, the same on every backend.

Every binding is mapped here, before any backend sees it, to an
:class:`msbackpain.results.IRI` or :class:`msbackpain.results.Literal` (lexical form, datatype,
language). rdflib and pyoxigraph terms are recognised by their module and class name, so
neither library is imported for a value that is not one of its terms.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from msbackpain import results
from msbackpain._xsd import CANONICAL_DATATYPES, XSD, canonical
from msbackpain.backends.base import IRI, check_iri
from msbackpain.exceptions import QueryParameterError

if TYPE_CHECKING:
    from msbackpain.backends.base import BindingValue

__all__ = ["Term", "is_term", "neutral"]

#: The one term a binding maps to: an IRI, or a literal with its datatype or language.
Term = results.IRI | results.Literal
_REFUSE_BLANK = (
    "cannot bind ?{} to a blank node: its label means nothing outside the answer it came "
    "from, and VALUES cannot hold one; bind an IRI or a literal"
)


#: The libraries whose term objects bind as what they are (recognised by module name).
_FOREIGN = ("rdflib", "pyoxigraph")


def _library(value: object) -> str:
    return type(value).__module__.split(".")[0]


def is_term(value: object) -> bool:
    """True for an RDF term object: of :mod:`msbackpain.results`, rdflib or pyoxigraph.

    Examples:
        >>> is_term(results.Literal("a")), is_term("a")
        (True, False)
    """
    if isinstance(value, results.IRI | results.Literal | results.BlankNode):
        return True
    return _library(value) in _FOREIGN


def neutral(value: BindingValue, name: str = "value") -> Term:
    """Return the one RDF term ``value`` binds as (the same on every backend).

    An :class:`~msbackpain.IRI`, a result :class:`~msbackpain.results.IRI` (by its full IRI)
    and rdflib's ``URIRef`` or pyoxigraph's ``NamedNode`` bind as that IRI; a ``str`` as a
    plain literal; a result ``Literal``, rdflib's ``Literal`` and pyoxigraph's ``Literal``
    keep their datatype or language; ``bool``, ``int``, ``float``, ``Decimal``,
    ``datetime.date`` and ``datetime.datetime`` bind as ``xsd:boolean``, ``xsd:integer``,
    ``xsd:double``, ``xsd:decimal``, ``xsd:date`` and ``xsd:dateTime`` (numbers in canonical
    form). Neither library is imported unless the value is one of its terms.

    Raises:
        QueryParameterError: for ``None``, a blank node, or anything else, naming ``name``.

    Examples:
        >>> neutral(results.iri("https://w3id.org/msbackpain/Baclofen")).n3()
        '<https://w3id.org/msbackpain/Baclofen>'
        >>> neutral(Decimal("2.50")).n3()
        '"2.5"^^<http://www.w3.org/2001/XMLSchema#decimal>'
        >>> neutral(None, "x")
        Traceback (most recent call last):
        ...
        msbackpain.exceptions.QueryParameterError: cannot bind ?x to None: leave ?x out of \
the bindings to leave it unbound
    """
    if isinstance(value, IRI):
        check_iri(str(value), f"binding ?{name}")
        return results.IRI(str(value))
    if isinstance(value, results.IRI):
        return value
    if isinstance(value, results.Literal):
        return _literal(str(value), value.datatype, value.language, name)
    if isinstance(value, results.BlankNode):
        raise QueryParameterError(_REFUSE_BLANK.format(name))
    if value is None:
        msg = f"cannot bind ?{name} to None: leave ?{name} out of the bindings to leave it unbound"
        raise QueryParameterError(msg)
    module = _library(value)
    if module in _FOREIGN:
        return _foreign(value, module, name)
    return _python(value, name)


def _python(value: object, name: str) -> Term:
    """The neutral term of a Python value (``str``, number, ``bool``, date)."""
    if isinstance(value, bool):
        return results.Literal("true" if value else "false", XSD + "boolean")
    if isinstance(value, int):
        return results.Literal(str(int(value)), XSD + "integer")
    if isinstance(value, float):
        import pyoxigraph

        return _literal(pyoxigraph.Literal(value).value, XSD + "double", None, name)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise QueryParameterError(f"cannot bind ?{name} to {value}: xsd:decimal is finite")
        return _literal(format(value, "f"), XSD + "decimal", None, name)
    if isinstance(value, datetime.datetime):
        return _literal(value.isoformat(), XSD + "dateTime", None, name)
    if isinstance(value, datetime.date):
        return _literal(value.isoformat(), XSD + "date", None, name)
    if isinstance(value, str):
        return results.Literal(str(value))
    msg = (
        f"cannot bind ?{name} to a {type(value).__name__}: bind an IRI, a str, a number, "
        "a bool, a date or an RDF term"
    )
    raise QueryParameterError(msg)


def _foreign(value: Any, module: str, name: str) -> Term:
    """The neutral term of an rdflib or pyoxigraph term (by duck typing: no import)."""
    kind = type(value).__name__
    if kind in ("URIRef", "NamedNode"):
        iri = str(value) if module == "rdflib" else str(value.value)
        check_iri(iri, f"binding ?{name}")
        return results.IRI(iri)
    if kind == "Literal":
        lexical = str(value) if module == "rdflib" else str(value.value)
        datatype = value.datatype
        typed = None if datatype is None else str(getattr(datatype, "value", datatype))
        return _literal(lexical, typed, value.language or None, name)
    if kind in ("BNode", "BlankNode"):
        raise QueryParameterError(_REFUSE_BLANK.format(name))
    raise QueryParameterError(f"cannot bind ?{name} to an {module} {kind}: bind an RDF term")


def _literal(lexical: str, datatype: str | None, language: str | None, name: str) -> Term:
    """A literal checked by pyoxigraph (datatype IRI, language tag), numbers canonical."""
    import pyoxigraph

    try:
        if language:
            pyoxigraph.Literal(lexical, language=language)
        elif datatype:
            pyoxigraph.Literal(lexical, datatype=pyoxigraph.NamedNode(datatype))
    except ValueError as err:
        raise QueryParameterError(f"cannot bind ?{name}: {err}") from None
    if not language and datatype in CANONICAL_DATATYPES:
        lexical = canonical(lexical, datatype)
    return results.Literal(lexical, datatype, language)
