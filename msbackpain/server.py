"""The old home of :mod:`msbackpain.serve.server`, kept so that ``msbackpain.server`` works.

Examples:
    >>> from msbackpain import server
    >>> from msbackpain.serve import server as moved
    >>> server.OxigraphServer is moved.OxigraphServer
    True
"""

from __future__ import annotations

from msbackpain.serve.server import (
    OxigraphServer,
    build_store,
    free_port,
    oxigraph_executable,
    private_address,
)

__all__ = ["OxigraphServer", "build_store", "free_port", "oxigraph_executable", "private_address"]
