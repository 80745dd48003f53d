"""Run the real Oxigraph SPARQL server (PyPI ``oxigraph``) as a child process on a store.

``msbackpain serve`` is this module plus a command line: :func:`build_store` puts the bundle
(asserted facts and materialised inferences) and any extra files into an on-disk Oxigraph
store, and :class:`OxigraphServer` runs ``oxigraph serve-read-only`` on it, bound to loopback
by default, with a per-query timeout. The engine is a child process in its own session that
can be stopped and started again (:meth:`OxigraphServer.restart`), so a supervising gateway
can sit in front of it. On Linux it runs under a seccomp filter that makes every outbound
connection fail (:mod:`msbackpain.serve._sandbox`), so a ``SERVICE`` that got past the guard
still reaches nothing.

Caution:
    The Oxigraph server evaluates ``SERVICE`` (it federates; walled off on Linux only) and
    has no result cap, no authentication and no ``Host`` check. Keep it on loopback, behind
    the gateway (:func:`private_address` picks an address no one guesses).
    With ``--timeout-s`` the 0.5 server keeps one thread per query alive for the whole
    timeout, so a sustained rate times the timeout must stay well under the machine's thread
    limit (about 16,000 here): at 6,000 trivial queries/s and a 30 s timeout it fails with
    "Resource temporarily unavailable" and then exits. Hence the short default (10 s).
"""

from __future__ import annotations

import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sysconfig
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from msbackpain.backends.base import Progress
from msbackpain.exceptions import BackendError, MissingExtraError, QueryTimeoutError

__all__ = ["OxigraphServer", "build_store", "free_port", "oxigraph_executable", "private_address"]


def oxigraph_executable() -> str:
    """Return the path of the ``oxigraph`` command (from the PyPI package ``oxigraph``).

    The interpreter's own scripts folder is searched first, so a virtual environment's copy
    wins over another one on ``PATH``.

    Raises:
        MissingExtraError: if it is not installed (``pip install 'msbackpain[server]'``).
    """
    name = "oxigraph.exe" if os.name == "nt" else "oxigraph"
    local = Path(sysconfig.get_path("scripts")) / name
    if local.is_file():
        return str(local)
    found = shutil.which("oxigraph")
    if found is None:
        raise MissingExtraError("the Oxigraph server", "server")
    return found


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port that is free on ``host`` right now (for tests and benchmarks).

    Examples:
        >>> 0 < free_port() < 65536
        True
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def private_address() -> str:
    """Return a random loopback address for a private engine (``127.0.0.1`` where only it works).

    Linux routes all of 127.0.0.0/8 to the loopback interface, so an engine on, say,
    ``127.83.4.200`` and a random port cannot be found by scanning ports of 127.0.0.1 (a
    rebinding web page's only practical target). It is still reachable by any local process
    that lists the open sockets; docs/security.md says so.

    Examples:
        >>> private_address().startswith("127.")
        True
    """
    if platform.system() != "Linux":
        return "127.0.0.1"
    return f"127.{secrets.randbelow(254) + 1}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"


def build_store(
    location: str | os.PathLike[str],
    sources: Iterable[str | os.PathLike[str]] = (),
    *,
    inferred: bool = True,
    progress: Progress | None = None,
) -> Path:
    """Put the bundle (and ``sources``) into the on-disk Oxigraph store at ``location``.

    A store that already holds these files (by SHA-256) is reused as it is. The store is
    closed again before this returns, so that a server can open it.

    Raises:
        BackendError: if ``location`` is not a store directory or holds another version of
            a file.
        OntologyLoadError: for a source that cannot be read or parsed.

    Examples:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     store = build_store(Path(folder) / "kg")
        ...     (store / "CURRENT").is_file()
        True
    """
    from msbackpain.backends.oxigraph_backend import OxigraphBackend
    from msbackpain.loading import bundled_files

    path = Path(location)
    backend = OxigraphBackend(path)
    for source in [*bundled_files(inferred=inferred), *map(Path, sources)]:
        backend.load(source, progress=progress)
    backend.release()
    del backend
    return path


class OxigraphServer:
    """``oxigraph serve-read-only`` on a store directory, as a child process.

    ``timeout`` is the per-query limit in seconds (whole seconds, at least 1; ``None`` runs
    the engine without one: the gateway does, since it stops late queries itself).
    ``sandbox`` (the default) walls the engine off from the network where the system allows
    (Linux; see :mod:`msbackpain.serve._sandbox`). Use it as a context
    manager, or call :meth:`start` and :meth:`stop`. The child runs in its
    own session (a Ctrl-C at the terminal reaches the parent, which decides what to forward)
    and writes its log to a temporary file whose tail explains a failed start.

    Examples:
        >>> server = OxigraphServer("/data/kg", port=7878)
        >>> server.url
        'http://127.0.0.1:7878/query'
    """

    def __init__(
        self,
        location: str | os.PathLike[str],
        *,
        host: str = "127.0.0.1",
        port: int = 7878,
        timeout: float | None = 10.0,
        executable: str | None = None,
        sandbox: bool = True,
    ) -> None:
        self.location = Path(location)
        self.sandbox = sandbox
        self.host = host
        self.port = port
        self.timeout = timeout
        self.executable = executable
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def base_url(self) -> str:
        """The server's root URL (``http://host:port``)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def url(self) -> str:
        """The SPARQL query endpoint, for ``msbackpain.load(endpoint=...)``."""
        return f"{self.base_url}/query"

    @property
    def pid(self) -> int | None:
        """The process id of the running engine, or ``None``."""
        return self._process.pid if self._process is not None else None

    @property
    def alive(self) -> bool:
        """Whether the engine process is running."""
        return self._process is not None and self._process.poll() is None

    def command(self) -> list[str]:
        """Return the command line that starts the engine."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        command = [
            self.executable or oxigraph_executable(),
            "serve-read-only",
            "--location",
            str(self.location),
            "--bind",
            f"{host}:{self.port}",
        ]
        if self.timeout is not None:
            command += ["--timeout-s", f"{max(1, round(self.timeout))}"]
        if self.sandbox:
            from msbackpain.serve._sandbox import sandboxed

            return sandboxed(command)
        return command

    def start(self, *, ready_timeout: float = 15.0) -> Self:
        """Start the engine and wait until it answers a query.

        Raises:
            BackendError: if the store is missing, or the engine exits or does not answer
                within ``ready_timeout`` seconds (the message quotes its log).
            MissingExtraError: if the ``oxigraph`` command is not installed.
        """
        if self.alive:
            return self
        if not (self.location / "CURRENT").is_file():
            msg = f"{self.location} is not an Oxigraph store; build it with build_store()"
            raise BackendError(msg)
        command = self.command()
        self._log = tempfile.TemporaryFile(prefix="msbackpain-oxigraph-")  # noqa: SIM115
        self._process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            command,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, "RUST_BACKTRACE": "0"},  # a one-line error, not a backtrace
        )
        try:
            self.wait_ready(ready_timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def wait_ready(self, timeout: float = 15.0) -> None:
        """Poll the endpoint with ``ASK {}`` until it answers, the engine exits, or time is up.

        Raises:
            BackendError: if the engine exited or did not answer in time.
        """
        from msbackpain.backends._http import HttpClient

        client = HttpClient(self.url, connect_timeout=1.0, read_timeout=1.0, retries=0)
        deadline = time.monotonic() + timeout
        headers = {"Accept": "application/sparql-results+json"}
        try:
            while True:
                if self._exited(0.05):
                    code = self._process.returncode if self._process else None
                    msg = f"the Oxigraph server exited (code {code}): {self.log_tail()}"
                    raise BackendError(msg)
                try:
                    response = client.request("GET", params={"query": "ASK {}"}, headers=headers)
                except (BackendError, QueryTimeoutError):  # not up yet, or not it on the port
                    response = None
                if response is not None and response.status == 200:
                    return
                if time.monotonic() > deadline:
                    msg = f"the Oxigraph server at {self.url} did not answer within {timeout:g} s"
                    raise BackendError(msg)
        finally:
            client.close()

    def _exited(self, wait: float) -> bool:
        if self._process is None:
            return True
        try:
            self._process.wait(wait)
        except subprocess.TimeoutExpired:
            return False
        return True

    def log_tail(self, lines: int = 3) -> str:
        """Return the last ``lines`` lines the engine wrote, joined on one line."""
        if self._log is None:
            return "(no log)"
        self._log.seek(0)
        text = self._log.read().decode("utf-8", "replace").strip().splitlines()
        return " | ".join(text[-lines:]) or "(empty log)"

    def terminate(self) -> None:
        """Send SIGTERM to the engine without waiting (safe inside a signal handler)."""
        if self.alive and self._process is not None:
            self._process.send_signal(signal.SIGTERM)

    def wait(self) -> int:
        """Wait for the engine to exit and return its exit code."""
        if self._process is None:
            return 0
        return self._process.wait()

    def stop(self, timeout: float = 5.0) -> int | None:
        """Stop the engine: SIGTERM, then SIGKILL after ``timeout`` seconds. Return its code."""
        process = self._process
        if process is None:
            return None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None
        self._process = None
        return process.returncode

    def restart(self, *, ready_timeout: float = 15.0) -> Self:
        """Stop the engine if it runs, and start it again on the same store and port."""
        self.stop()
        return self.start(ready_timeout=ready_timeout)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = f"pid={self.pid}" if self.alive else "stopped"
        return f"<OxigraphServer {self.url} {state}>"
