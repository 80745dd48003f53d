"""Say how to install one of msbackpain's optional extras, for the copy of msbackpain in use.

``pip install 'msbackpain[viz]'`` only works once msbackpain is on a package index. From a
checkout (editable or not), or a wheel built from one, the command must name that folder or
file (pip accepts extras on both), so the hint reads pip's own record of where this copy came
from (``direct_url.json``, PEP 610).
"""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlparse

__all__ = ["install_command"]

_CHECKOUT = Path(__file__).resolve().parent.parent


def install_command(extra: str) -> str:
    """Return the pip command that adds ``extra`` to the msbackpain in use.

    Examples:
        >>> install_command("viz").startswith("pip install ")
        True
        >>> "[viz]" in install_command("viz")
        True
    """
    try:
        record = metadata.distribution("msbackpain").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        record = None
        if (_CHECKOUT / "pyproject.toml").is_file():  # run from a checkout, not installed
            return f"pip install -e '{_CHECKOUT}[{extra}]'"
    folder, editable = _local_folder(record)
    if folder is not None:
        return f"pip install {'-e ' if editable else ''}'{folder}[{extra}]'"
    return f"pip install 'msbackpain[{extra}]'"


def _local_folder(record: str | None) -> tuple[str | None, bool]:
    """The local folder or file pip installed from, and whether it was an editable install."""
    if not record:
        return None, False
    try:
        info = json.loads(record)
    except ValueError:
        return None, False
    url = info.get("url", "") if isinstance(info, dict) else ""
    if not isinstance(url, str) or not url.startswith("file://"):
        return None, False
    path = Path(unquote(urlparse(url).path))
    if not path.exists():  # moved or deleted since: fall back to the package name
        return None, False
    return str(path), bool(info.get("dir_info", {}).get("editable"))
