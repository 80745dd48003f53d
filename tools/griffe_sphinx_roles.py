"""A griffe extension that turns the Sphinx markup of msbackpain's docstrings into Markdown.

The docstrings use Sphinx-style cross-references (``:func:`~msbackpain.graph.to_networkx```)
that read well in ``help()`` and in the source. mkdocstrings would show them verbatim, so this
extension (loaded by ``mkdocs.yml``) rewrites each one, once the package is loaded, into an
autorefs link to the documented object (``[`to_networkx`][msbackpain.graph.to_networkx]``), or
into plain code when the target is not on a page of the site (``rdflib.Graph``...). A reST
literal-block marker (``like this::``) becomes a plain colon.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

__all__ = ["DOCUMENTED_MODULES", "SphinxRoles", "rewrite"]

#: The modules whose objects have an anchor on some page of the site.
DOCUMENTED_MODULES = (
    "msbackpain.exceptions",
    "msbackpain.explanation",
    "msbackpain.graph",
    "msbackpain.knowledge",
    "msbackpain.loading",
    "msbackpain.models",
    "msbackpain.planning",
    "msbackpain.queries",
    "msbackpain.reasoning",
    "msbackpain.validation",
    "msbackpain.viz",
    "msbackpain.export",
    "msbackpain.serve.server",
    "msbackpain.serve.gateway",
    "msbackpain.backends.base",
)

_LITERAL = re.compile(r"(\S)::$", re.MULTILINE)
_ROLE = re.compile(r":(?:func|class|meth|data|attr|mod|exc|obj):`(~?)([\w.]+)`")


def _lookup(collection: griffe.ModulesCollection, path: str) -> str | None:
    """Return the canonical path of ``path`` if it names a documented object."""
    try:
        found = collection.get_member(path)
    except (KeyError, ValueError, griffe.AliasResolutionError, griffe.CyclicAliasError):
        return None
    try:
        canonical = str(found.canonical_path)
    except (griffe.AliasResolutionError, griffe.CyclicAliasError):
        return None
    if any(canonical == m or canonical.startswith(m + ".") for m in DOCUMENTED_MODULES):
        return canonical
    return None


def _target(obj: griffe.Object, name: str) -> list[str]:
    """Return the candidate full paths ``name`` may mean, as written in ``obj``'s docstring."""
    module = obj if isinstance(obj, griffe.Module) else obj.module
    package = module.package.path
    if name.startswith("."):
        return [f"{package}{name}"]
    head, _, rest = name.partition(".")
    candidates = [name] if head == package else []
    for scope in (obj, obj.parent) if obj.parent is not None else (obj,):
        if head in getattr(scope, "members", {}):
            candidates.append(f"{scope.path}.{name}")
    try:
        resolved = obj.resolve(head)
    except griffe.NameResolutionError:
        resolved = None
    if resolved:
        candidates.append(f"{resolved}.{rest}" if rest else resolved)
    candidates.append(f"{module.path}.{name}")
    return candidates


def rewrite(text: str, obj: griffe.Object, collection: griffe.ModulesCollection) -> str:
    """Return ``text`` with every Sphinx role replaced by a link or by plain code.

    Examples:
        >>> import griffe
        >>> package = griffe.load("msbackpain")
        >>> rewrite(":func:`~msbackpain.graph.to_networkx` or :class:`rdflib.Graph`::", package,
        ...         package.modules_collection)
        '[`to_networkx`][msbackpain.graph.to_networkx] or `rdflib.Graph`:'
    """

    def replace(match: re.Match[str]) -> str:
        short, name = match.groups()
        title = name.rsplit(".", 1)[-1] if short else name.lstrip(".")
        for candidate in _target(obj, name):
            canonical = _lookup(collection, candidate)
            if canonical is not None:
                return f"[`{title}`][{canonical}]"
        return f"`{title}`"

    # A reST literal-block marker ("...like this::") reads as a plain colon in Markdown.
    return _LITERAL.sub(r"\1:", _ROLE.sub(replace, text))


class SphinxRoles(griffe.Extension):
    """Rewrite Sphinx roles in every docstring of the loaded package."""

    def on_package(self, *, pkg: griffe.Module, loader: griffe.GriffeLoader, **kwargs: Any) -> None:
        """Walk the package once it is loaded and rewrite each docstring in place."""
        stack: list[griffe.Object] = [pkg]
        while stack:
            obj = stack.pop()
            if obj.docstring is not None and ":" in obj.docstring.value:
                obj.docstring.value = rewrite(obj.docstring.value, obj, loader.modules_collection)
            stack.extend(m for m in obj.members.values() if not m.is_alias)  # type: ignore[misc]
