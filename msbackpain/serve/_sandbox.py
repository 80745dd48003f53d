"""Start a program that cannot open outbound connections (Linux seccomp), for the serve engine.

The Oxigraph server evaluates ``SERVICE`` and cannot be told not to. The gateway refuses such
queries, and this is the second wall: the engine runs under a seccomp filter that makes
``connect()`` (TCP, UDP and Unix sockets alike, so also DNS look-ups), ``sendto()`` with an
address, ``sendmsg()``, ``sendmmsg()`` and ``io_uring_setup()`` fail with ``EACCES``. The
engine only binds, listens, accepts and answers on accepted sockets, which stay allowed.

The filter is installed by a small launcher (this file, run by path with ``python -I -S``)
that then ``exec``s the engine, so nothing runs between ``fork`` and ``exec`` in the
(threaded) gateway, and it needs no privileges: ``PR_SET_NO_NEW_PRIVS`` lets any user install
it, root or not. It is inherited by everything the engine starts and cannot be removed.

On other systems (macOS, Windows, a CPU other than x86-64 or arm64) :func:`sandboxed` returns
the command unchanged and :func:`available` is false; see docs/security.md.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import struct
import sys

__all__ = ["available", "install", "sandboxed"]

_ARCHES = {
    # machine: (AUDIT_ARCH_*, connect, sendto, sendmsg, sendmmsg, io_uring_setup)
    "x86_64": (0xC000003E, 42, 44, 46, 307, 425),
    "aarch64": (0xC00000B7, 203, 206, 211, 269, 425),
}
_PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 38, 22, 2
_LD, _JEQ, _JGE, _RET = 0x20, 0x15, 0x35, 0x06
_ALLOW = 0x7FFF0000
_DENY = 0x00050000 | errno.EACCES
_X32 = 0x40000000


def available() -> bool:
    """Whether :func:`sandboxed` can wall an engine off from the network on this system.

    Examples:
        >>> isinstance(available(), bool)
        True
    """
    return sys.platform == "linux" and platform.machine() in _ARCHES


def sandboxed(command: list[str]) -> list[str]:
    """Return ``command`` wrapped so that it runs without outbound network, where possible.

    Examples:
        >>> wrapped = sandboxed(["oxigraph", "--help"])
        >>> wrapped[-2:]
        ['oxigraph', '--help']
    """
    if not available():
        return list(command)
    return [sys.executable, "-I", "-S", os.path.abspath(__file__), *command]


def _program(machine: str) -> bytes:
    arch, connect, sendto, sendmsg, sendmmsg, uring = _ARCHES[machine]

    def op(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
        return struct.pack("=HBBI", code, jt, jf, k)

    # Instruction i jumps to i + 1 + jt (or jf); the last two are ALLOW (14) and DENY (15).
    return b"".join(
        [
            op(_LD, 4),  # 0: arch
            op(_JEQ, arch, 0, 13),  # 1: a foreign ABI -> DENY
            op(_LD, 0),  # 2: syscall number
            op(_JGE, _X32, 11, 0),  # 3: the x32 ABI -> DENY
            op(_JEQ, connect, 10, 0),  # 4
            op(_JEQ, sendmsg, 9, 0),  # 5
            op(_JEQ, sendmmsg, 8, 0),  # 6
            op(_JEQ, uring, 7, 0),  # 7
            op(_JEQ, sendto, 1, 0),  # 8 -> 10
            op(_RET, _ALLOW),  # 9
            op(_LD, 48),  # 10: sendto's address argument, low half
            op(_JEQ, 0, 0, 3),  # 11: an address -> DENY
            op(_LD, 52),  # 12: high half
            op(_JEQ, 0, 0, 1),  # 13: an address -> DENY
            op(_RET, _ALLOW),  # 14
            op(_RET, _DENY),  # 15
        ]
    )


def install() -> None:
    """Install the filter on the calling process (and everything it ``exec``s) for good.

    Raises:
        OSError: if the system refuses it (the message names the call).
    """
    program = _program(platform.machine())
    libc = ctypes.CDLL(None, use_errno=True)
    buffer = ctypes.create_string_buffer(program, len(program))

    class _Prog(ctypes.Structure):
        _fields_ = (("len", ctypes.c_ushort), ("filter", ctypes.c_void_p))

    prog = _Prog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP) failed")


def _main(argv: list[str]) -> int:  # pragma: no cover - runs in the launcher process
    if not argv:
        sys.stderr.write("usage: _sandbox.py PROGRAM [ARGS...]\n")
        return 2
    try:
        install()
    except OSError as err:
        sys.stderr.write(f"cannot wall the engine off from the network: {err}\n")
        return 126
    os.execv(argv[0], argv)  # noqa: S606 - the engine's fixed command line
    return 127  # pragma: no cover


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(_main(sys.argv[1:]))
