"""Draw the module map docs/images/module-map.svg: msbackpain's import graph, layer by layer.

The edges are the module-level imports (``TYPE_CHECKING`` blocks and imports inside functions
left out), read with ``ast``; the rows are the layers of :data:`LAYERS`, bottom to top, which
``tests/test_layers.py`` enforces. Subpackages (``backends``, ``serve``, ``viz``, ``handout``,
``cli``) are drawn as one box each. ``--check`` exits 1 when the picture is stale.
"""

from __future__ import annotations

import ast
import io
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from _generated import write_or_check  # noqa: E402

PACKAGE = ROOT / "msbackpain"
OUT = ROOT / "docs" / "images" / "module-map.svg"

#: The layers, bottom first: a module may import (at module level) only modules of its own
#: layer or a lower one. A name ending in ``.*`` is a subpackage with all its modules.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "neutral",
        (
            "exceptions",
            "prefixes",
            "results",
            "_atomic",
            "_canonical",
            "_install",
            "_memo",
            "_owl_worker",
            "_resources",
            "_sparql_text",
            "_version",
            "_xsd",
            "_worker",
            "execution",
            "guard",
        ),
    ),
    ("types", ("provenance", "models", "careplan", "_predicates")),
    ("backends", ("backends", "backends.*")),
    (
        "knowledge",
        (
            "queries",
            "lookup",
            "_ask",
            "_core",
            "relations",
            "conflicts",
            "questions",
            "knowledge",
            "_precompiled",
            "_bundled",
            "loading",
        ),
    ),
    (
        "features",
        (
            "graph",
            "explanation",
            "planning",
            "_justify",
            "_review",
            "_inferred",
            "reasoning",
            "validation",
            "export",
            "kgx",
            "viz",
            "viz.*",
            "handout",
            "handout.*",
        ),
    ),
    ("serve", ("serve", "serve.*", "server")),
    ("face", ("",)),
    ("cli", ("cli", "cli.*", "__main__")),
)

#: The subpackages drawn as one box.
BOXES = ("backends", "serve", "viz", "handout", "cli")


def module_names() -> dict[str, Path]:
    """Return every module of the package by dotted name (``msbackpain.graph``...)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    # The statements run at import time: into if/try blocks, never into functions or classes.
    for node in body:
        if isinstance(node, ast.If):
            if not _is_type_checking(node):
                yield from _statements(node.body)
            yield from _statements(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody):
                yield from _statements(block)
            for handler in node.handlers:
                yield from _statements(handler.body)
        else:
            yield node


def module_imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Return the package's modules that module ``name`` imports when it is imported."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _statements(ast.parse(path.read_text(encoding="utf-8")).body):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            for alias in node.names:
                # ``from msbackpain import queries`` imports the submodule, not the face.
                target = f"{base}.{alias.name}"
                found.add(target if target in modules else base)
    return {m for m in found if m in modules and m != name}


def import_graph() -> dict[str, set[str]]:
    """Return ``{module: the modules it imports at module level}`` for the whole package."""
    modules = module_names()
    return {name: module_imports(name, path, modules) for name, path in modules.items()}


def layer_of(module: str) -> int:
    """Return the index in :data:`LAYERS` of ``module`` (a dotted name).

    Raises:
        KeyError: if no layer lists it.
    """
    short = module.removeprefix("msbackpain").removeprefix(".")
    for index, (_, names) in enumerate(LAYERS):
        for name in names:
            if short == name or (name.endswith(".*") and short.startswith(name[:-1])):
                return index
    raise KeyError(module)


def _box(module: str) -> str:
    short = module.removeprefix("msbackpain").removeprefix(".") or "msbackpain"
    head = short.split(".")[0]
    return f"{head}/" if head in BOXES else short


def build() -> str:
    """Return the SVG text of the module map."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.hashsalt": "msbackpain", "svg.fonttype": "none"})
    graph = import_graph()
    rows: dict[int, list[str]] = {}
    boxes: dict[str, int] = {}
    for module in graph:
        boxes.setdefault(_box(module), layer_of(module))
    for box, layer in sorted(boxes.items()):
        rows.setdefault(layer, []).append(box)
    width = max(len(r) for r in rows.values())
    where = {
        box: ((i + 0.5) * width / len(row), layer)
        for layer, row in rows.items()
        for i, box in enumerate(row)
    }
    edges = sorted(
        {(_box(a), _box(b)) for a, targets in graph.items() for b in targets if _box(a) != _box(b)}
    )
    figure, axes = plt.subplots(figsize=(width * 1.25, len(LAYERS) * 1.1))
    for a, b in edges:
        (x1, y1), (x2, y2) = where[a], where[b]
        axes.annotate(
            "",
            xy=(x2, y2 + 0.12),
            xytext=(x1, y1 - 0.12),
            arrowprops={"arrowstyle": "->", "color": "#9aa5b1", "lw": 0.6},
        )
    for box, (x, y) in sorted(where.items()):
        axes.text(
            x,
            y,
            box,
            ha="center",
            va="center",
            fontsize=8,
            bbox={"boxstyle": "round", "fc": "#e8eefc" if box.endswith("/") else "white"},
        )
    for index, (label, _) in enumerate(LAYERS):
        axes.text(-0.4, index, label, ha="right", va="center", fontsize=10, weight="bold")
    axes.set_xlim(-1.6, width + 0.2)
    axes.set_ylim(-0.6, len(LAYERS) - 0.4)
    axes.axis("off")
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Write the module map, or with ``--check`` report whether it is stale."""
    description = (__doc__ or "").splitlines()[0]
    return write_or_check(description, OUT, build, "python tools/gen_module_map.py", argv)


if __name__ == "__main__":
    sys.exit(main())
