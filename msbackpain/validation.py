"""Validate RDF: strict syntax (pyoxigraph), the SHACL modelling rules (pyshacl), consistency."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from msbackpain._resources import ONTOLOGY_FILE, SHAPES_FILE, ontology_dir
from msbackpain.backends._parse import parse_quads
from msbackpain.exceptions import MissingExtraError
from msbackpain.prefixes import compress

if TYPE_CHECKING:
    import rdflib

__all__ = ["ShapeReport", "Violation", "check_syntax", "file_graph", "validate_shapes"]


@dataclass(frozen=True, slots=True)
class Violation:
    """One SHACL result: the offending node and value, the property, the shape and the rule."""

    focus: str
    shape: str
    path: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.focus}: {self.message} [{self.shape}]"


@dataclass(frozen=True, slots=True)
class ShapeReport:
    """The outcome of :func:`validate_shapes`."""

    conforms: bool
    violations: tuple[Violation, ...]

    def summary(self) -> str:
        """One line per violation, sorted; ``"conforms"`` when there is none."""
        if self.conforms:
            return "conforms"
        return "\n".join(sorted(str(v) for v in self.violations))


def check_syntax(path: Path, *, format: str | None = None) -> int:
    """Parse ``path`` strictly and return its number of statements.

    Raises:
        OntologyLoadError: naming the file and line of the first syntax error.

    Examples:
        >>> from msbackpain._resources import ontology_dir
        >>> check_syntax(ontology_dir() / "shapes.ttl") > 50
        True
    """
    return len(parse_quads(path, format=format))


def file_graph(paths: Sequence[Path]) -> rdflib.Graph:
    """Return the RDF files at ``paths`` on their own, ready for :func:`validate_shapes`.

    Only the bundle's vocabulary comes along (its header, classes, properties and rules, and
    the class of each bundled entity), so that domains, ranges and provenance can be checked
    on the files' own statements. The bundle's labels, edges and provenance are left out: they
    must not make a broken file conform (an edge restated without provenance, an entity
    without a definition).

    Raises:
        OntologyLoadError: naming the file and line of the first syntax error.

    Examples:
        >>> from msbackpain._resources import ontology_dir
        >>> graph = file_graph([ontology_dir() / "shapes.ttl"])
        >>> validate_shapes(graph).conforms
        True
    """
    import rdflib
    from rdflib.namespace import OWL, RDF, SH

    graph = rdflib.Graph()
    for path in paths:
        check_syntax(path)  # a clear one-line error before rdflib sees the file
        graph.parse(path, format=rdflib.util.guess_format(str(path)) or "turtle")
    graph.parse(ontology_dir() / "src" / "schema.ttl", format="turtle")
    shapes = rdflib.Graph().parse(ontology_dir() / SHAPES_FILE, format="turtle")
    targeted = set(shapes.objects(None, SH.targetClass))  # their members are checked whole
    bundle = rdflib.Graph().parse(ontology_dir() / ONTOLOGY_FILE, format="turtle")
    for entity in set(bundle.subjects(RDF.type, OWL.NamedIndividual)):
        classes = set(bundle.objects(entity, RDF.type))
        if not classes & targeted - {OWL.NamedIndividual}:
            for cls in classes - targeted:
                graph.add((entity, RDF.type, cls))
    return graph


def _short(node: object) -> str:
    return compress(str(node)).replace("https://w3id.org/msbackpain/shapes/", "msbpsh:")


def _describe(graph: rdflib.Graph, node: object) -> str:
    """Name a focus node; an axiom blank node is named by the edge it annotates."""
    import rdflib
    from rdflib.namespace import OWL

    if isinstance(node, rdflib.BNode):
        edge = [
            graph.value(node, p)
            for p in (OWL.annotatedSource, OWL.annotatedProperty, OWL.annotatedTarget)
        ]
        if all(edge):
            return "provenance of " + " ".join(_short(x) for x in edge)
        return "a blank node"
    return _short(node)


def validate_shapes(graph: rdflib.Graph, shapes: Path | None = None) -> ShapeReport:
    """Check ``graph`` against the SHACL shapes of ``ontology/shapes.ttl`` (needs ``pyshacl``).

    Messages name the offending node with CURIEs, e.g. ``msbp:Doctor is the subject of
    msbp:treats but not an instance of its domain msbp:Treatment``.

    Raises:
        MissingExtraError: if pyshacl is not installed (``pip install 'msbackpain[shacl]'``).
    """
    try:
        import pyshacl
    except ImportError as err:
        raise MissingExtraError("SHACL validation", "shacl") from err
    import rdflib
    from rdflib.namespace import SH

    shapes_graph = rdflib.Graph().parse(shapes or ontology_dir() / SHAPES_FILE, format="turtle")
    conforms, results, _ = pyshacl.validate(graph, shacl_graph=shapes_graph, advanced=True)
    violations = []
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        message = str(results.value(result, SH.resultMessage) or "")
        for iri in sorted(
            {w for w in message.split() if w.startswith("http")}, key=len, reverse=True
        ):
            message = message.replace(iri, _short(iri))
        shape = results.value(result, SH.sourceShape)
        if not isinstance(shape, rdflib.URIRef):  # a property shape: name its node shape
            shape = shapes_graph.value(predicate=SH.property, object=shape) or shape
        violations.append(
            Violation(
                focus=_describe(graph, results.value(result, SH.focusNode)),
                shape=_short(shape) if isinstance(shape, rdflib.URIRef) else "anonymous shape",
                path=_short(p) if (p := results.value(result, SH.resultPath)) is not None else None,
                value=_short(v) if (v := results.value(result, SH.value)) is not None else None,
                message=message,
            )
        )
    return ShapeReport(bool(conforms), tuple(sorted(violations, key=str)))
