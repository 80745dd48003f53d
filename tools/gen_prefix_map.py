"""Generate the shipped prefix map ``msbackpain/prefixes.json`` from ``msbackpain.prefixes``.

The file is a plain JSON object, prefix -> namespace, sorted, for CURIE-based tools (OAK's
``--prefix``, ``curies.Converter.from_prefix_map``, KGX's prefix manager) so that they
resolve ``msbp:`` and the xref prefixes as msbackpain does. It ships inside the wheel
(``importlib.resources.files("msbackpain") / "prefixes.json"``). ``--check`` exits 1 when
the file is stale; ``make check-generated`` runs it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _generated import write_or_check  # noqa: E402

from msbackpain.prefixes import PREFIXES  # noqa: E402

OUT = ROOT / "msbackpain" / "prefixes.json"


def build() -> str:
    """Return the text of the prefix map: every project prefix, sorted, one per line."""
    return json.dumps(dict(sorted(PREFIXES.items())), indent=2) + "\n"


if __name__ == "__main__":
    sys.exit(
        write_or_check(
            __doc__.splitlines()[0], OUT, build, "python tools/gen_prefix_map.py", sys.argv[1:]
        )
    )
