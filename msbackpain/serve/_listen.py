"""Which names and origins the gateway answers for (checked at start and on every request).

* :func:`allowed_hosts` is the ``Host`` allow-list against DNS rebinding: the loopback names
  with the listening port, plus the names given with ``--allow-host``.
* :func:`check_origin` and :func:`check_host_name` validate the CLI's values at start.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["allowed_hosts", "check_host_name", "check_origin"]

_ORIGIN = re.compile(
    r"(?:https?)://(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*"
    r"|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?",
)
_HOST = re.compile(
    r"(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*"
    r"|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?",
)


def check_origin(value: str) -> str:
    """Return ``value`` if it is a serialised origin (``https://host[:port]``) or ``*``.

    Raises:
        ValueError: for anything else (a path, a CR LF, several origins).

    Examples:
        >>> check_origin("https://notebook.example:8443")
        'https://notebook.example:8443'
        >>> check_origin("https://a.example\\r\\nSet-Cookie: x=1")
        Traceback (most recent call last):
        ...
        ValueError: not an origin (scheme://host[:port]): 'https://a.example\\r\\nSet-Cookie: x=1'
    """
    if value == "*" or _ORIGIN.fullmatch(value.lower()):
        return value
    raise ValueError(f"not an origin (scheme://host[:port]): {value!r}")


def check_host_name(value: str) -> str:
    """Return ``value`` lower-cased if it is a host name, address or ``[v6]``, with a port or not.

    Raises:
        ValueError: for anything else.

    Examples:
        >>> check_host_name("KG.example.org")
        'kg.example.org'
        >>> check_host_name("[::1]:8000")
        '[::1]:8000'
    """
    lowered = value.strip().lower()
    if _HOST.fullmatch(lowered):
        return lowered
    raise ValueError(f"not a host name (name, address or [v6], optionally :port): {value!r}")


def _has_port(name: str) -> bool:
    return bool(re.search(r"(?:^[^:\[\]]*|\]):[0-9]+$", name))


def allowed_hosts(port: int, extra: Iterable[str] = (), listen_host: str = "") -> frozenset[str]:
    """Return the ``Host`` values the gateway answers on ``port``.

    The loopback names (``127.0.0.1``, ``localhost``, ``[::1]``) with the port are always in;
    a name of ``extra`` with a port is taken as it is, one without is allowed with and
    without the port (a reverse proxy usually forwards its public name alone).

    Examples:
        >>> sorted(allowed_hosts(8000, ["kg.example.org"]))  # doctest: +NORMALIZE_WHITESPACE
        ['127.0.0.1:8000', '[::1]:8000', 'kg.example.org', 'kg.example.org:8000',
         'localhost:8000']
    """
    names = {"127.0.0.1", "localhost", "[::1]"}
    if listen_host and listen_host not in ("0.0.0.0", "::"):  # noqa: S104 - a comparison
        names.add(f"[{listen_host}]" if ":" in listen_host else listen_host.lower())
    allowed = {f"{name}:{port}" for name in names}
    if port == 80:
        allowed |= names
    for name in extra:
        allowed |= {name} if _has_port(name) else {name, f"{name}:{port}"}
    return frozenset(allowed)
