"""The library's one atomic file writer: a temporary file beside the target, then a rename.

Readers see the old file or the new one, never half of one. Two rules keep a rename from
doing harm: an existing target must be a regular file (a symbolic link or a device such as
``/dev/null`` is refused, never replaced), and the new file gets the mode a plain ``open()``
would give it (the umask for a new file, the old mode for a replaced one).

Several files that belong together (the KGX nodes and edges) are replaced as one
transaction: all are written and verified first, then a commit record naming every rename
is written and flushed, then the renames run and the record is removed. A process killed
between two renames leaves the record behind; the next write of those files (or
:func:`recover`) finishes the renames first, so the set always ends up whole: all old
until the record exists, all new once it does.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO

from msbackpain.exceptions import ExportError

__all__ = ["atomic_write", "atomic_write_all", "recover", "write_bytes"]

Verify = Callable[[Path], None]


def _umask() -> int:
    try:  # read it without changing it: os.umask() sets it process-wide, for every thread
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _check_target(path: Path) -> None:
    if not path.parent.is_dir():
        raise ExportError(f"cannot write {path}: the folder {path.parent} does not exist")
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    except OSError as err:
        raise ExportError(f"cannot write {path}: {err.strerror or err}") from None
    if stat.S_ISLNK(info.st_mode):
        msg = (
            f"cannot write {path}: it is a symbolic link (to {os.readlink(path)}); "
            "export to the file itself, or remove the link"
        )
        raise ExportError(msg)
    if stat.S_ISDIR(info.st_mode):
        raise ExportError(f"cannot write {path}: it is a folder")
    if not stat.S_ISREG(info.st_mode):
        msg = (
            f"cannot write {path}: it is not a regular file (a device, pipe or socket); "
            "export to a regular file"
        )
        raise ExportError(msg)


def _mode(path: Path) -> int:
    try:
        return stat.S_IMODE(path.lstat().st_mode)
    except FileNotFoundError:
        return 0o666 & ~_umask()


@contextlib.contextmanager
def _temporary(path: Path) -> Iterator[tuple[IO[bytes], Path]]:
    _check_target(path)
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, renamed or removed
            dir=path.parent, prefix=f".{path.name}.", suffix=".part", delete=False
        )
    except OSError as err:
        raise ExportError(f"cannot write {path}: {err.strerror or err}") from None
    temporary = Path(handle.name)
    try:
        yield handle, temporary
    except BaseException:
        handle.close()
        temporary.unlink(missing_ok=True)
        raise


def _finish(handle: IO[bytes], temporary: Path, target: Path, verify: Verify | None) -> None:
    handle.flush()
    os.fsync(handle.fileno())
    handle.close()
    if verify is not None:
        verify(temporary)
    temporary.chmod(_mode(target))
    _check_target(target)  # again, just before the rename: it may have changed meanwhile


def _as_export_error(err: BaseException, path: Path) -> BaseException:
    if isinstance(err, OSError) and not isinstance(err, ExportError):
        return ExportError(f"cannot write {path}: {err.strerror or err}")
    return err


@contextlib.contextmanager
def atomic_write(path: Path, verify: Verify | None = None) -> Iterator[IO[bytes]]:
    """Open a temporary file next to ``path``; rename it over ``path`` when the block succeeds.

    ``verify`` is called on the complete temporary file before the rename and raises if the
    file does not read back. On any error the temporary file is removed and ``path`` is left
    as it was.

    Raises:
        ExportError: if ``path`` is a folder, a symbolic link or not a regular file, its
            folder does not exist, or it cannot be written.

    Examples:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     target = Path(folder) / "a.txt"
        ...     with atomic_write(target) as handle:
        ...         _ = handle.write(b"done")
        ...     target.read_text()
        'done'
    """
    with _temporary(path) as (handle, temporary):
        try:
            yield handle
            _finish(handle, temporary, path, verify)
            os.replace(temporary, path)
        except BaseException as err:
            raise _as_export_error(err, path) from err


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_write`).

    Raises:
        ExportError: as :func:`atomic_write`.
    """
    with atomic_write(path) as handle:
        handle.write(data)


def _record(paths: Sequence[Path]) -> Path:
    return paths[0].parent / f".{paths[0].name}.commit"


def recover(paths: Sequence[Path]) -> None:
    """Finish the renames of a commit record that a killed process left for ``paths``.

    Raises:
        ExportError: if the record cannot be read or a rename fails.
    """
    record = _record(paths)
    if not record.exists():
        return
    try:
        renames = json.loads(record.read_text(encoding="utf-8"))
        for temporary, target in renames:
            source = record.parent / temporary
            if source.exists():
                os.replace(source, record.parent / target)
        record.unlink()
    except (OSError, ValueError) as err:
        msg = f"cannot finish the interrupted write recorded in {record}: {err}"
        raise ExportError(msg) from err


@contextlib.contextmanager
def atomic_write_all(
    paths: Sequence[Path], verify: Sequence[Verify | None]
) -> Iterator[list[IO[bytes]]]:
    """Open temporary files for ``paths`` (one folder) and replace them all, or none.

    Raises:
        ExportError: as :func:`atomic_write`; every target is left as it was.
    """
    recover(paths)
    with contextlib.ExitStack() as stack:
        opened = [stack.enter_context(_temporary(path)) for path in paths]
        try:
            yield [handle for handle, _ in opened]
            for (handle, temporary), path, check in zip(opened, paths, verify, strict=True):
                _finish(handle, temporary, path, check)
            record = _record(paths)
            renames = [[t.name, p.name] for (_, t), p in zip(opened, paths, strict=True)]
            with atomic_write(record) as handle:
                handle.write(json.dumps(renames).encode("utf-8"))
        except BaseException as err:
            raise _as_export_error(err, paths[0]) from err
    recover(paths)  # the renames, then the record goes (the temporary files must stay until)
