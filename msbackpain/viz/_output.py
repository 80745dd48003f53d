"""Atomic file writes for the pictures: a temporary file in the target folder, then a rename."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from msbackpain.exceptions import ExportError

__all__ = ["write_atomic"]


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    Raises:
        ExportError: if the folder does not exist or the file cannot be written; any file
            already at ``path`` is left as it was.

    Examples:
        >>> import tempfile, pathlib
        >>> target = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
        >>> write_atomic(target, b"hello")
        >>> target.read_bytes()
        b'hello'
    """
    folder = path.parent
    if not folder.is_dir():
        raise ExportError(f"cannot write {str(path)!r}: folder {str(folder)!r} does not exist")
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        # mkstemp makes the file private; give it the mode a plain open() would have.
        mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o644
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except OSError as err:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise ExportError(f"cannot write {str(path)!r}: {err.strerror or err}") from err
