"""XML Schema lexical forms: the canonical form Oxigraph writes, and the Python value."""

from __future__ import annotations

import datetime
import math
from decimal import Decimal, InvalidOperation

__all__ = ["CANONICAL_DATATYPES", "XSD", "canonical", "python_value"]

#: The XML Schema datatype namespace.
XSD = "http://www.w3.org/2001/XMLSchema#"

_INTEGERS = frozenset(
    XSD + name
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
)
_FLOATS = frozenset({XSD + "double", XSD + "float"})
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
#: The datatypes whose lexical forms :func:`canonical` rewrites.
CANONICAL_DATATYPES = _INTEGERS | _FLOATS | {XSD + "decimal", XSD + "boolean"}


def canonical(lexical: str, datatype: str) -> str:
    """Return the lexical form Oxigraph gives a number or boolean (``"2.50"`` -> ``"2.5"``).

    Oxigraph stores numbers and booleans as values and writes them back canonically; rdflib
    keeps the text as written. Backends that keep the text pass it through this, so that a
    term is the same on every backend. Other datatypes, and forms that are not valid for
    their datatype, are returned unchanged.

    Examples:
        >>> canonical("2.50", XSD + "decimal"), canonical("+042", XSD + "integer")
        ('2.5', '42')
        >>> canonical("1.5e0", XSD + "double"), canonical("1E10", XSD + "double")
        ('1.5', '10000000000')
        >>> canonical("1", XSD + "boolean"), canonical("x", XSD + "integer")
        ('true', 'x')
    """
    try:
        if datatype in _INTEGERS:
            return str(int(lexical))
        if datatype == XSD + "decimal":
            number = Decimal(lexical)
            if not number.is_finite() or "e" in lexical.lower():
                return lexical
            return "0" if number.is_zero() else format(number.normalize(), "f")
        if datatype in _FLOATS:
            double = float(lexical)
            if not math.isfinite(double):
                return lexical
            text = format(Decimal(repr(double)), "f")
            return text.removesuffix(".0") if "." in text else text
        if datatype == XSD + "boolean":
            value = _BOOLEANS.get(lexical)
            return lexical if value is None else ("true" if value else "false")
    except (ValueError, InvalidOperation):
        return lexical
    return lexical


def python_value(lexical: str, datatype: str) -> object:
    """Return the Python value of a literal, or ``lexical`` when it is not valid for its type.

    Examples:
        >>> python_value("07", XSD + "integer"), python_value("x", XSD + "integer")
        (7, 'x')
    """
    try:
        if datatype in _INTEGERS:
            return int(lexical)
        if datatype == XSD + "decimal":
            return Decimal(lexical) if lexical.strip().lower() not in ("nan", "inf") else lexical
        if datatype in _FLOATS:
            return float(lexical)
        if datatype == XSD + "boolean":
            return _BOOLEANS.get(lexical.strip(), lexical)
        if datatype == XSD + "date":
            return datetime.date.fromisoformat(lexical.strip()[:10])
        if datatype == XSD + "dateTime":
            return datetime.datetime.fromisoformat(lexical.strip())
    except (ValueError, InvalidOperation):
        return lexical
    return lexical
