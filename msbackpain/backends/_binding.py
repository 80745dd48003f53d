"""Prepare query text for engines that take text: the guard, VALUES bindings, prefix prologue.

rdflib binds parameters through ``initBindings``. pyoxigraph's ``substitutions`` (SEP-0007)
would be the equivalent, but they are not pushed into property paths: a ``?x subtypeOf*/...``
named query took 215 ms at 10^6 triples with substitutions against 46 µs with the IRI in a
``VALUES`` clause (docs/performance.md, trap 2). Remote endpoints have no binding API at all.
So the text-based engines get one ``VALUES ?var { term }`` clause per parameter, placed
first inside the query's WHERE group, where every engine joins it before anything else.

That is not string pasting of user input: a term is produced only by the engine's own term
types. An IRI must survive ``pyoxigraph.NamedNode`` (which rejects spaces, ``<``, ``>``,
quotes, braces...) and a literal is serialised by ``pyoxigraph.Literal`` (which escapes
quotes, backslashes and newlines), so the VALUES clause always holds exactly one N-Triples
term per variable, whatever the value was. Entity parameters were, in addition, resolved to
the IRI of an entity of the graph before they get here.

Every Python value is first mapped to one backend-neutral term (:func:`neutral`: an
:class:`msbackpain.results.IRI` or :class:`msbackpain.results.Literal`), so each backend binds
the same term. A binding means what ``VALUES`` first in the outermost WHERE group means on
every backend (the rdflib backend evaluates that very algebra, see :func:`marked`), and the
shapes where that differs from substituting the value are refused (:func:`check_bindings`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from msbackpain import results
from msbackpain._sparql_text import mask as _mask
from msbackpain.backends._neutral import Term, neutral
from msbackpain.backends.base import IRI, BindingValue, check_iri
from msbackpain.exceptions import QueryError, QueryParameterError
from msbackpain.guard import DEFAULT_BASE, CheckedQuery, check_query
from msbackpain.prefixes import PREFIXES

__all__ = [
    "MARKER",
    "Term",
    "bind_values",
    "bound",
    "check_bindings",
    "checked",
    "declare_prefixes",
    "marked",
    "neutral",
    "term",
]

#: The placeholder IRI of :func:`marked` (never sent to an engine).
MARKER = "urn:x-msbackpain:bound"

_RDFLIB_ESCAPE = re.compile(r"\\[uU][0-9A-Fa-f]{4}")
_VARNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FORM = re.compile(r"(?<![?$\w:])(SELECT|ASK|CONSTRUCT|DESCRIBE)\b(?!:)", re.IGNORECASE)
_WHERE = re.compile(r"\s*WHERE\b", re.IGNORECASE)
_PREFIX_DECL = re.compile(r"(?<![?$\w:])PREFIX\s+([A-Za-z][\w.-]*)?\s*:", re.IGNORECASE)


def checked(
    text: str,
    allow_network: bool = False,
    bindings: Mapping[str, BindingValue] | None = None,
    base: str | None = None,
) -> CheckedQuery:
    """Return :func:`~msbackpain.guard.check_query` of ``text``, its ``bindings`` checked.

    The parse is cached by the guard (queries repeat). Engines must execute the result's
    ``text`` (the canonical text the guard parsed).

    Raises:
        QueryError: when the guard refuses the text.
        QueryParameterError: when a binding names no variable of the query.

    Examples:
        >>> checked("ASK { ?s ?p ?o }").form
        'ASK'
    """
    approved = check_query(text, allow_network=allow_network, base=base or DEFAULT_BASE)
    check_bindings(approved, bindings or {})
    return approved


def check_bindings(approved: CheckedQuery, bindings: Mapping[str, BindingValue]) -> None:
    """Raise :class:`~msbackpain.QueryParameterError` for a binding the query cannot take.

    Engines ignore a binding of a variable the query does not use (a misspelled name would
    silently answer the unbound query), and an IRI must be one. A binding is a ``VALUES``
    join first in the outermost WHERE group, so a variable used only inside a sub-select
    (which that join does not reach, while a substitution would) and a variable the query
    assigns (``BIND(... AS ?x)``, ``SELECT (... AS ?x)``: SPARQL forbids assigning a
    variable already in scope) are refused, on every backend. The values must be ones
    :func:`neutral` takes.

    Examples:
        >>> check_bindings(check_query("ASK { ?s ?p ?o }"), {"x": 1})
        Traceback (most recent call last):
        ...
        msbackpain.exceptions.QueryParameterError: the query has no variable ?x to bind \
(variables: o, p, s)
    """
    for key, value in bindings.items():
        if key not in approved.variables:
            listing = ", ".join(sorted(approved.variables)) or "none"
            msg = f"the query has no variable ?{key} to bind (variables: {listing})"
            raise QueryParameterError(msg)
        neutral(value, key)
    if bindings and approved.algebra is not None:
        used, assigned = _scope(approved)
        for key in bindings:
            if key in assigned:
                msg = (
                    f"cannot bind ?{key}: the query assigns it (BIND or AS), and SPARQL "
                    "forbids assigning a bound variable; bind another variable"
                )
                raise QueryParameterError(msg)
            if key not in used:
                msg = (
                    f"cannot bind ?{key}: it is used only inside a sub-select, which a "
                    "binding does not reach; project it from the sub-select"
                )
                raise QueryParameterError(msg)


@lru_cache(maxsize=1024)
def _scope(approved: CheckedQuery) -> tuple[frozenset[str], frozenset[str]]:
    """Return the variables the query uses and assigns outside sub-selects (in its algebra).

    A sub-select counts by the variables it projects. A grouped variable that is projected
    (rdflib extends it from a ``SAMPLE`` of itself) is not an assignment.
    """
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Variable

    used: set[str] = set()
    extends: list[tuple[str, str]] = []
    samples: dict[str, str] = {}
    pending = [approved.algebra.algebra]
    while pending:
        node = pending.pop()
        if isinstance(node, Variable):
            used.add(str(node))
        elif isinstance(node, CompValue):
            inner = dict.get(node, "p")
            if node.name == "ToMultiSet" and getattr(inner, "name", "") != "values":
                while isinstance(inner, CompValue) and inner.name != "Project":
                    inner = dict.get(inner, "p")
                used.update(str(v) for v in getattr(inner, "PV", None) or ())
                continue
            if node.name == "Extend":
                extends.append((str(node.get("var")), str(node.get("expr"))))
            elif node.name == "Aggregate_Sample":
                samples[str(node.get("res"))] = str(node.get("vars"))
            pending.extend(v for k, v in node.items() if not k.startswith("_"))
        elif isinstance(node, Mapping):
            pending.extend(node.keys())
            pending.extend(node.values())
        elif isinstance(node, list | tuple | set | frozenset):
            pending.extend(node)
    assigned = {var for var, expr in extends if samples.get(expr) != var}
    return frozenset(used), frozenset(assigned)


def term(value: BindingValue) -> str:
    """Return ``value`` as one N-Triples term, validated and escaped by pyoxigraph.

    Raises:
        QueryParameterError: if an :class:`~msbackpain.IRI` is not a valid IRI.

    Examples:
        >>> term(IRI("https://w3id.org/msbackpain/Baclofen"))
        '<https://w3id.org/msbackpain/Baclofen>'
        >>> term('say "hi" } SERVICE <x> {')
        '"say \\\\"hi\\\\" } SERVICE <x> {"'
        >>> term(3), term(True)
        ('"3"^^<http://www.w3.org/2001/XMLSchema#integer>', \
'"true"^^<http://www.w3.org/2001/XMLSchema#boolean>')
        >>> term(IRI("x> } SERVICE <http://evil"))
        Traceback (most recent call last):
        ...
        msbackpain.exceptions.QueryParameterError: value is not a valid IRI: \
'x> } SERVICE <http://evil'
    """
    import pyoxigraph

    if isinstance(value, IRI):
        check_iri(str(value))
    found = neutral(value)
    if isinstance(found, results.IRI):
        return str(pyoxigraph.NamedNode(found.iri))
    if found.language:
        return str(pyoxigraph.Literal(str(found), language=found.language))
    return str(pyoxigraph.Literal(str(found), datatype=pyoxigraph.NamedNode(found.datatype)))


def marked(approved: CheckedQuery, names: tuple[str, ...], allow_network: bool) -> CheckedQuery:
    """Return the guard's check of ``approved`` with ``VALUES ?name { <MARKER> }`` bound.

    The rdflib backend evaluates this algebra with the marker replaced by the bound terms:
    the same ``VALUES`` join the text engines run, parsed once per query text and set of
    names (the guard caches it) rather than once per value.
    """
    spliced = bind_values(approved.text, dict.fromkeys(names, IRI(MARKER)))
    return check_query(spliced, allow_network=allow_network, base=approved.base)


def _group_end(masked: str, start: int) -> int:
    """Return the offset just past the bracket group opened at ``start``."""
    depth = 0
    for i in range(start, len(masked)):
        if masked[i] in "{([":
            depth += 1
        elif masked[i] in "})]":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(masked)


def _first_brace(masked: str, start: int) -> int:
    """Return the offset of the first ``{`` at bracket depth 0 from ``start``, or -1."""
    depth = 0
    for i in range(start, len(masked)):
        c = masked[i]
        if c == "{" and depth == 0:
            return i
        if c in "{([":
            depth += 1
        elif c in "})]":
            depth -= 1
    return -1


@lru_cache(maxsize=1024)
def _where_offset(text: str) -> int:
    masked = _mask(text)
    form = _FORM.search(masked)
    if form is None:
        raise QueryError("cannot bind parameters: no SELECT, ASK, CONSTRUCT or DESCRIBE found")
    position = form.end()
    if form.group(1).upper() == "CONSTRUCT" and not _WHERE.match(masked, position):
        template = _first_brace(masked, position)
        if template >= 0:
            position = _group_end(masked, template)
    brace = _first_brace(masked, position)
    if brace < 0:
        raise QueryError("cannot bind parameters: the query has no WHERE group")
    return brace + 1


def bind_values(text: str, bindings: Mapping[str, BindingValue]) -> str:
    """Return ``text`` with one ``VALUES ?name { term }`` per binding, first in its WHERE group.

    Raises:
        QueryParameterError: for a variable name that is not a plain SPARQL name, or a bad IRI.
        QueryError: if the text has no WHERE group to bind into.

    Examples:
        >>> bind_values("SELECT ?l WHERE { ?e rdfs:label ?l }", {"e": IRI("http://x.org/a")})
        'SELECT ?l WHERE { VALUES ?e { <http://x.org/a> } ?e rdfs:label ?l }'
        >>> bind_values("CONSTRUCT { ?e ?p ?o } WHERE { ?e ?p ?o }", {"o": "x"})
        'CONSTRUCT { ?e ?p ?o } WHERE { VALUES ?o { "x" } ?e ?p ?o }'
    """
    if not bindings:
        return text
    clauses = []
    for name, value in bindings.items():
        if not _VARNAME.fullmatch(name):
            raise QueryParameterError(f"cannot bind {name!r}: not a SPARQL variable name")
        clauses.append(f" VALUES ?{name} {{ {term(value)} }}")
    offset = _where_offset(text)
    return text[:offset] + "".join(clauses) + text[offset:]


def bound(
    approved: CheckedQuery,
    bindings: Mapping[str, BindingValue],
    allow_network: bool = False,
    text: str | None = None,
) -> str:
    """Return the text an engine runs: ``text`` (default: the guard's) with ``bindings`` bound.

    The bound text goes through the guard again (its parse is cached like any other), so the
    engine runs exactly a text the guard checked, never one spliced after the check. The
    remote backend uses this. The oxigraph backend splices without the second parse: rdflib
    takes 36 ms to parse a named query such as ``triggers_of`` (Oxigraph 0.3 ms), which
    would cost every uncached answer that much; the splice adds only a ``VALUES`` clause of
    one engine-serialised term, first inside the WHERE group (one level deep).

    Raises:
        QueryParameterError: for a value SPARQL text cannot carry unchanged (a ``\\uXXXX``
            sequence, which §19.2 expands before parsing).
        QueryError: if the bound text is refused.

    Examples:
        >>> approved = checked("SELECT ?l WHERE { ?e rdfs:label ?l }")
        >>> bound(approved, {"e": IRI("http://x.org/a")})
        'SELECT ?l WHERE { VALUES ?e { <http://x.org/a> } ?e rdfs:label ?l }'
    """
    source = approved.text if text is None else text
    if not bindings:
        return source
    spliced = bind_values(source, bindings)
    if _RDFLIB_ESCAPE.search(spliced):  # the guard's text has none left: a value brought it
        msg = "a bound value holds a \\u escape sequence, which SPARQL text cannot carry"
        raise QueryParameterError(msg)
    again = check_query(spliced, allow_network=allow_network, base=approved.base)
    if again.form != approved.form:  # pragma: no cover - VALUES cannot change the form
        raise QueryError("binding the parameters changed the query form")
    return again.text


def declare_prefixes(text: str, base: str | None = None) -> str:
    """Return ``text`` with a ``PREFIX`` line for every known prefix it does not declare.

    Embedded engines take the prefixes and the base IRI as parameters; a remote endpoint
    only sees text, so ``base`` (when given) comes first as a ``BASE`` line: a ``BASE`` of
    the query's own then resolves against it, as it does in the embedded engines.

    Examples:
        >>> "PREFIX skos:" in declare_prefixes("SELECT * { ?s skos:altLabel ?o }")
        True
        >>> declare_prefixes("PREFIX msbp: <urn:x#> ASK {}").count("PREFIX msbp:")
        1
        >>> declare_prefixes("ASK {}", "https://w3id.org/msbackpain/").splitlines()[0]
        'BASE <https://w3id.org/msbackpain/>'
    """
    declared = {(m.group(1) or "") for m in _PREFIX_DECL.finditer(_mask(text))}
    missing = [f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(PREFIXES.items()) if p not in declared]
    head = [f"BASE {term(IRI(base))}\n"] if base is not None else []
    return "".join(head + missing) + text
