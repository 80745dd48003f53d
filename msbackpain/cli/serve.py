"""CLI command ``serve``: the graph behind a read-only SPARQL endpoint (the Oxigraph server)."""

from __future__ import annotations

import ipaddress
import shutil
import signal
import tempfile
from pathlib import Path
from types import FrameType
from typing import Any

import click

from msbackpain.cli._common import SOURCE_OPTION, UserError
from msbackpain.exceptions import BackendError

__all__ = ["COMMANDS", "ProgressBars"]

_EXAMPLE_QUERY = (
    "PREFIX msbp: <https://w3id.org/msbackpain/> "
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    "SELECT ?pain ?label WHERE { ?pain a msbp:BackPainCategory ; rdfs:label ?label }"
)


class ProgressBars:
    """Render the library's ``progress(file, bytes_read, size)`` calls as one bar per file.

    Small files are not worth a bar; files of a megabyte or more get one on stderr.
    """

    def __init__(self, *, threshold: int = 1 << 20) -> None:
        self.threshold = threshold
        self._bar: Any = None
        self._done = 0

    def __call__(self, path: Path, done: int, size: int) -> None:
        """Show ``done`` of ``size`` bytes of ``path`` read."""
        if size < self.threshold:
            return
        if done == 0 or self._bar is None:
            self.close()
            self._bar = click.progressbar(
                length=size, label=f"loading {path.name}", file=click.get_text_stream("stderr")
            )
            self._bar.__enter__()
            self._done = 0
        self._bar.update(done - self._done)
        self._done = done
        if done >= size:
            self.close()

    def close(self) -> None:
        """Finish the current bar, if any."""
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=7878, show_default=True, type=click.IntRange(1, 65535), help="TCP port."
)
@click.option(
    "--timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=1),
    help="Seconds a query may run before the server cancels it (Oxigraph 0.5 keeps one "
    "thread per query for this long: keep it short under heavy load).",
)
@click.option(
    "--store",
    type=click.Path(file_okay=False),
    help="Directory of the on-disk store: built on first use, reused after "
    "(default: a temporary one, removed on exit).",
)
@SOURCE_OPTION
def serve(
    host: str, port: int, timeout: float, store: str | None, sources: tuple[str, ...]
) -> None:
    """Serve the graph (asserted + inferred) over the SPARQL 1.1 Protocol, read-only.

    Runs the Oxigraph server (pip install 'msbackpain[server]') on an on-disk store holding
    the bundle and any --source files, bound to loopback unless --host says otherwise. Stop
    it with Ctrl-C. Query it with curl, any SPARQL client, or
    msbackpain.load(endpoint="http://127.0.0.1:7878/query").

    \b
    Examples:
      msbackpain serve
      msbackpain serve --port 8000 --timeout 10 --store ~/.cache/msbackpain-store
    """
    from msbackpain.server import OxigraphServer, build_store, oxigraph_executable

    executable = oxigraph_executable()  # fail before any work if the server is missing
    if not _is_loopback(host):
        click.secho(
            f"warning: listening on {host}: the Oxigraph server has no authentication and "
            "evaluates SERVICE calls; expose it only on a trusted network",
            fg="yellow",
            err=True,
        )
    temporary = store is None
    if store is None:
        location = Path(tempfile.mkdtemp(prefix="msbackpain-store-")) / "kg"
    else:
        location = Path(store)
    try:
        bars = ProgressBars()
        try:
            build_store(location, sources, progress=bars)
        finally:
            bars.close()
        server = OxigraphServer(
            location, host=host, port=port, timeout=timeout, executable=executable
        )
        _run(server, timeout)
    finally:
        if temporary:
            shutil.rmtree(location.parent, ignore_errors=True)


def _run(server: Any, timeout: float) -> None:
    stopping: list[int] = []

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stopping.append(signum)
        server.terminate()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        try:
            server.start()
        except BackendError:
            if stopping:  # Ctrl-C while the server was starting
                return
            raise
        click.echo(f"SPARQL endpoint: {server.url}")
        click.echo(f"  read-only, queries cancelled after {timeout:g} s; Oxigraph pid {server.pid}")
        click.echo("Example:")
        click.echo(
            f"  curl -s {server.url} -H 'Accept: text/csv' --data-urlencode '{_query_arg()}'"
        )
        click.echo(
            f"  python -c 'import msbackpain; print(msbackpain.load(endpoint=\"{server.url}\"))'"
        )
        click.echo("Press Ctrl-C to stop.")
        code = server.wait()
        tail = server.log_tail()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        server.stop()
    if stopping:
        click.echo("stopped", err=True)
        return
    raise UserError(f"the Oxigraph server stopped unexpectedly (exit code {code}): {tail}")


def _query_arg() -> str:
    return f"query={_EXAMPLE_QUERY}"


COMMANDS = [serve]
