"""Run ``kgx validate`` on a KGX export without network access, and summarise its report.

KGX (and bmt under it) download the Biolink model and its JSON-LD context at start. This
wrapper points bmt at the schema shipped in the ``biolink-model`` package and KGX at that
package's prefix map, then runs the real ``kgx validate`` command. Needs ``pip install kgx
biolink-model`` (kgx is heavy, so it is not a test dependency; the test suite runs the same
checks with bmt alone).

    msbackpain export /tmp/kgx/msbackpain.tsv
    python tools/kgx_validate.py tsv /tmp/kgx/msbackpain_nodes.tsv /tmp/kgx/msbackpain_edges.tsv
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any


def _offline() -> None:
    import biolink_model
    import bmt

    root = Path(next(iter(biolink_model.__path__)))
    schema = str(root / "schema" / "biolink_model.yaml")
    original = bmt.Toolkit.__init__

    def init(self: Any, schema: str = schema, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("predicate_map", {"predicate mappings": []})
        original(self, schema, *args, **kwargs)

    bmt.Toolkit.__init__ = init
    import kgx.config

    context = json.loads((root / "prefixmaps" / "biolink_model_prefix_map.json").read_text())
    for name in ("biolink", "monarch_context", "obo_context"):
        kgx.config.jsonld_context_map[name] = dict(context)


def main() -> int:
    """Validate the files given on the command line and print one line per kind of finding."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("format", choices=["tsv", "jsonl"])
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args()
    _offline()
    from kgx.cli import cli_utils

    report: dict[str, Any] = cli_utils.validate(
        inputs=[str(f) for f in args.files],
        input_format=args.format,
        input_compression=None,
        output=os.devnull,  # the full report; the summary below is what we print
    )
    summary: Counter[tuple[str, str, str]] = Counter()
    for level, kinds in report.items():
        for kind, messages in kinds.items():
            for message in messages:
                generic = re.sub(r"'(msbp|urn|infores|https?)[^']*'", "'...'", message)
                summary[(level, kind, generic)] += 1
    for (level, kind, message), count in sorted(summary.items()):
        print(f"{level} {kind} x{count}: {message}")
    if not summary:
        print("kgx validate: no findings")
    return 1 if summary else 0


if __name__ == "__main__":
    sys.exit(main())
