"""The command line shared by the generators: write a generated file, or check it is fresh.

Each generator (``build_ontology.py``, ``materialise.py``, ``gen_*.py``) builds the text of
one committed file. ``--check`` compares it with the committed copy, so that CI fails when a
source changed and the generated file was not rebuilt.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_or_check(
    description: str,
    out: Path,
    build: Callable[[], str],
    remake: str,
    argv: Sequence[str] | None = None,
    errors: tuple[type[Exception], ...] = (),
) -> int:
    """Run a generator's command line; return its exit code.

    Args:
        description: The first line of the generator's docstring (for ``--help``).
        out: The generated file.
        build: Returns the file's text.
        remake: The command that rebuilds the file, named in the stale message.
        argv: The arguments (default: ``sys.argv[1:]``).
        errors: Exceptions of ``build`` reported as one line with exit code 1.
    """
    name = out.relative_to(ROOT)
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--check", action="store_true", help=f"exit 1 if {name} is stale")
    args = parser.parse_args(argv)
    try:
        text = build()
    except errors as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    if args.check:
        if not out.exists() or out.read_text(encoding="utf-8") != text:
            print(f"{name} is stale: run `{remake}`", file=sys.stderr)
            return 1
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {name}")
    return 0
