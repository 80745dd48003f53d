"""CLI command ``serve``: the graph behind a read-only SPARQL endpoint (the Oxigraph server)."""

from __future__ import annotations

import ipaddress
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable
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
                length=size, label=f"loading {path.name}", file=sys.stderr
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


def _origin(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from msbackpain.serve._listen import check_origin

    try:
        return None if value is None else check_origin(value)
    except ValueError as err:
        raise click.BadParameter(str(err)) from None


def _hosts(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    from msbackpain.serve._listen import check_host_name

    try:
        return tuple(check_host_name(name) for name in value)
    except ValueError as err:
        raise click.BadParameter(str(err)) from None


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
    type=click.FloatRange(min=0.1),
    help="Seconds a query may run; past it the client gets HTTP 503 and the query is stopped.",
)
@click.option(
    "--max-rows",
    default=100_000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Most solutions an answer may hold; a larger one gets HTTP 422, never a partial one.",
)
@click.option(
    "--max-bytes",
    default=50_000_000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Most bytes an answer may have; a larger one gets HTTP 422, never a partial one.",
)
@click.option(
    "--allow-origin",
    default=None,
    callback=_origin,
    help="An origin (scheme://host[:port]) allowed to read answers cross-origin, "
    "e.g. https://notebook.example.org (CORS is off by default).",
)
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    callback=_hosts,
    metavar="NAME",
    help="Also answer requests whose Host header is NAME (repeatable), e.g. kg.example.org "
    "behind a reverse proxy. Only 127.0.0.1, localhost and [::1] with the port are answered "
    "by default; any other Host gets HTTP 421 (DNS rebinding).",
)
@click.option(
    "--max-connections",
    default=1024,
    show_default=True,
    type=click.IntRange(min=1),
    help="Connections held at once; one more gets HTTP 503 and is closed.",
)
@click.option(
    "--store",
    type=click.Path(file_okay=False),
    help="Directory of the on-disk store: built on first use, reused after "
    "(default: a temporary one, removed on exit).",
)
@click.option(
    "--direct",
    is_flag=True,
    help="Expose the Oxigraph server itself, without the guarding gateway (faster; no guard, "
    "no result cap, a timed-out query answers 200 with a cut-off body).",
)
@SOURCE_OPTION
def serve(
    host: str,
    port: int,
    timeout: float,
    max_rows: int,
    max_bytes: int,
    allow_origin: str | None,
    allow_hosts: tuple[str, ...],
    max_connections: int,
    store: str | None,
    direct: bool,
    sources: tuple[str, ...],
) -> None:
    """Serve the graph (asserted + inferred) over the SPARQL 1.1 Protocol, read-only.

    The Oxigraph server (pip install 'msbackpain[server]') runs on an on-disk store holding
    the bundle and any --source files, on a private loopback address, walled off from the
    network on Linux; a gateway in front of it listens on --host:--port (loopback by
    default). The gateway answers only its own Host names, refuses updates, SERVICE, FROM
    and deep nesting, checks queries in worker processes within --timeout, caps request
    bodies, answers (rows and bytes) and connections, turns a timeout into HTTP 503 (never a
    partial answer), sends no CORS headers unless --allow-origin, and replaces the engine
    when a query runs out of time or it dies, without failing other clients' queries. Stop
    it with Ctrl-C. Query it with curl, any SPARQL client, or
    msbackpain.load(endpoint="http://127.0.0.1:7878/query").

    \b
    Examples:
      msbackpain serve
      msbackpain serve --port 8000 --timeout 10 --store ~/.cache/msbackpain-store
      msbackpain serve --max-rows 10000 --max-bytes 5000000
      msbackpain serve --host 0.0.0.0 --allow-host kg.example.org   # behind a proxy
      msbackpain serve --allow-origin https://notebook.example.org
    """
    from msbackpain.serve.server import (
        OxigraphServer,
        build_store,
        free_port,
        oxigraph_executable,
        private_address,
    )

    executable = oxigraph_executable()  # fail before any work if the server is missing
    if not direct:
        from msbackpain.serve.gateway import require_server_extra

        require_server_extra()
    if not _is_loopback(host):
        click.secho(
            f"warning: listening on {host}: the endpoint has no authentication; "
            "put an authenticating proxy in front of it",
            fg="yellow",
            err=True,
        )
        if not direct and not allow_hosts:
            click.secho(
                "warning: only the Host names 127.0.0.1, localhost and [::1] are answered; "
                "add the names clients use with --allow-host",
                fg="yellow",
                err=True,
            )
    temporary = store is None
    location = (
        Path(tempfile.mkdtemp(prefix="msbackpain-store-")) / "kg" if store is None else Path(store)
    )
    try:
        bars = ProgressBars()
        try:
            build_store(location, sources, progress=bars)
        finally:
            bars.close()
        if direct:
            engine = OxigraphServer(
                location, host=host, port=port, timeout=timeout, executable=executable
            )
            _run_direct(engine, timeout)
        else:
            from msbackpain.serve.gateway import GatewayConfig

            def new_engine() -> OxigraphServer:
                address = private_address()
                return OxigraphServer(
                    location,
                    host=address,
                    port=free_port(address),
                    timeout=None,
                    executable=executable,
                )

            config = GatewayConfig(
                timeout=timeout,
                max_rows=max_rows,
                max_bytes=max_bytes,
                allow_origin=allow_origin,
                allow_hosts=allow_hosts,
                max_connections=_connection_limit(max_connections),
                on_event=lambda line: click.echo(line, err=True),
            )
            _run_gateway(new_engine, config, host, port)
    finally:
        if temporary:
            shutil.rmtree(location.parent, ignore_errors=True)


def _endpoint(host: str, port: int) -> str:
    bracketed = f"[{host}]" if ":" in host else host
    return f"http://{bracketed}:{port}/query"


def _announce(url: str, detail: str) -> None:
    click.echo(f"SPARQL endpoint: {url}")
    click.echo(f"  {detail}")
    click.echo("Example:")
    accept = "Accept: application/sparql-results+json"
    click.echo(f"  curl -s {url} -H '{accept}' --data-urlencode '{_query_arg()}'")
    click.echo(f"  python -c 'import msbackpain; print(msbackpain.load(endpoint=\"{url}\"))'")
    click.echo("Press Ctrl-C to stop.")


def _connection_limit(wanted: int) -> int:
    """Raise the open-file limit as far as allowed; keep ``wanted`` connections below it."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = wanted + 256  # the engine connections, guard workers, logs and the store
    if soft != resource.RLIM_INFINITY and soft < need:
        target = need if hard == resource.RLIM_INFINITY else min(need, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    if soft != resource.RLIM_INFINITY and soft < need:
        limit = max(16, soft - 256)
        click.secho(
            f"warning: the open-file limit is {soft}: holding at most {limit} connections",
            fg="yellow",
            err=True,
        )
        return limit
    return wanted


def _run_gateway(engine: Callable[[], Any], config: Any, host: str, port: int) -> None:
    import asyncio

    from msbackpain.serve._engines import EnginePool
    from msbackpain.serve.gateway import serve_forever

    async def main() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        engines = EnginePool(
            engine,
            max_bytes=config.max_bytes,
            on_event=config.on_event,
            drain=config.timeout + 1.0,
        )
        try:
            await engines.start()
            return await serve_forever(
                engines,
                config,
                host,
                port,
                stop=stop,
                on_ready=lambda: _announce(
                    _endpoint(host, port),
                    f"read-only, guarded; queries stopped after {config.timeout:g} s; "
                    f"answers capped at {config.max_rows} rows and {config.max_bytes} bytes; "
                    f"engine pid {engines.engine.pid}",
                ),
            )
        finally:
            await engines.close()

    try:
        asyncio.run(main())
    except OSError as err:
        reason = str(err.strerror or err).rsplit("): ", 1)[-1]  # asyncio names the address again
        raise UserError(f"cannot listen on {host}:{port}: {reason}", name="OSError") from None
    except BackendError as err:
        raise UserError(f"the SPARQL engine is gone: {err}", name="BackendError") from None
    click.echo("stopped", err=True)


def _run_direct(server: Any, timeout: float) -> None:
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
        _announce(
            server.url,
            f"read-only, Oxigraph directly (no gateway); queries cancelled after {timeout:g} s; "
            f"pid {server.pid}",
        )
        code = server.wait()
        tail = server.log_tail()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        server.stop()
    if stopping:
        click.echo("stopped", err=True)
        return
    message = f"the Oxigraph server stopped unexpectedly (exit code {code}): {tail}"
    raise UserError(message, name="BackendError")


def _query_arg() -> str:
    return f"query={_EXAMPLE_QUERY}"


COMMANDS = [serve]
