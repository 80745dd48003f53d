"""Atomic file writes for the pictures: the library's one writer, :mod:`msbackpain._atomic`."""

from __future__ import annotations

from pathlib import Path

__all__ = ["write_atomic"]


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    Raises:
        ExportError: if the folder does not exist, ``path`` is a symbolic link or a device,
            or the file cannot be written; any file already at ``path`` is left as it was.

    Examples:
        >>> import tempfile, pathlib
        >>> target = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
        >>> write_atomic(target, b"hello")
        >>> target.read_bytes()
        b'hello'
    """
    from msbackpain._atomic import write_bytes

    write_bytes(path, data)
