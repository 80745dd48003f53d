"""`msbackpain serve` and msbackpain.serve.server: the real Oxigraph server, started and stopped by PID.

The CLI runs as a real child process (signals, exit codes, output); each server gets a free
loopback port.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import msbackpain
from msbackpain._install import install_command
from msbackpain.serve.server import OxigraphServer, build_store, free_port, oxigraph_executable

pytestmark = pytest.mark.slow  # starts real Oxigraph servers

ROOT = Path(__file__).resolve().parent.parent


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


class ServeProcess:
    """``python -m msbackpain serve`` in a child process, read until it is ready."""

    def __init__(self, *args: str) -> None:
        self.port = free_port()
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "msbackpain", "serve", "--port", str(self.port), *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []

    def wait_ready(self, timeout: float = 20.0) -> str:
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            self.lines.append(line.rstrip("\n"))
            if line.startswith("Press Ctrl-C"):
                return "\n".join(self.lines)
        self.process.kill()
        _, err = self.process.communicate()
        raise AssertionError(f"serve did not start: {self.lines} {err}")

    @property
    def engine_pid(self) -> int:
        match = re.search(r"(?:engine|Oxigraph) pid (\d+)", "\n".join(self.lines))
        assert match
        return int(match.group(1))

    def stop(self, sig: int) -> tuple[int, str]:
        self.process.send_signal(sig)
        _, err = self.process.communicate(timeout=15)
        return self.process.returncode, err


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_answers_and_stops_cleanly(sig: int) -> None:
    serve = ServeProcess("--timeout", "5")
    out = serve.wait_ready()
    url = f"http://127.0.0.1:{serve.port}/query"
    assert f"SPARQL endpoint: {url}" in out
    assert "curl -s " + url in out and "--data-urlencode" in out
    kg = msbackpain.load(endpoint=url)
    assert len(kg.backend) == len(msbackpain.load().backend)
    assert [e.label for e in kg.pain_types()] == [e.label for e in msbackpain.load().pain_types()]
    with pytest.raises(msbackpain.QueryError):  # read-only: an update is refused (by the guard)
        kg.query("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    kg.backend.close()  # type: ignore[attr-defined]
    engine = serve.engine_pid
    code, err = serve.stop(sig)
    assert code == 0, err
    assert "stopped" in err and "Traceback" not in err
    assert _gone(engine)


def test_serve_is_read_only_at_the_server_too(tmp_path: Path) -> None:
    import urllib.error
    import urllib.request

    serve = ServeProcess()
    serve.wait_ready()
    request = urllib.request.Request(
        f"http://127.0.0.1:{serve.port}/update",
        data=b"update=INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=5)
    assert info.value.code in (403, 404, 405)
    info.value.close()
    assert serve.stop(signal.SIGTERM)[0] == 0


def test_serve_builds_a_store_once_and_reuses_it(tmp_path: Path) -> None:
    store = tmp_path / "store"
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        '<http://example.org/x> <http://www.w3.org/2000/01/rdf-schema#label> "serve extra" .\n',
        encoding="utf-8",
    )
    for _ in range(2):
        serve = ServeProcess("--store", str(store), "--source", str(extra))
        serve.wait_ready()
        kg = msbackpain.load(endpoint=f"http://127.0.0.1:{serve.port}/query")
        assert kg["serve extra"].iri == "http://example.org/x"
        assert len(kg.backend) == len(msbackpain.load().backend) + 1  # not loaded twice
        kg.backend.close()  # type: ignore[attr-defined]
        assert serve.stop(signal.SIGTERM)[0] == 0
        assert (store / "CURRENT").is_file()  # kept


def test_serve_reports_a_busy_port_in_one_line() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "msbackpain", "serve", "--port", str(port)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [f"error: OSError: cannot listen on 127.0.0.1:{port}: address already in use"]
    assert "Traceback" not in result.stderr


def test_serve_refuses_a_store_that_is_not_one(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("x", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "msbackpain", "serve", "--store", str(tmp_path)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip().startswith("error: BackendError:")
    assert "is not an Oxigraph store" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.txt"]


# -- the library module ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("serve") / "kg")


def test_server_restart_and_stop(store: Path) -> None:
    server = OxigraphServer(store, port=free_port(), timeout=5)
    assert not server.alive and server.pid is None
    with server:
        first = server.pid
        assert first is not None and server.alive
        assert f"pid={first}" in repr(server)
        server.restart()
        second = server.pid
        assert second is not None and second != first and _gone(first)
        kg = msbackpain.load(endpoint=server.url)
        assert kg["spasticity"].label == "spasticity"
        kg.backend.close()
    assert not server.alive and _gone(second)
    assert server.stop() is None  # stopping twice is harmless


def test_server_on_a_busy_port_says_why(store: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        server = OxigraphServer(store, port=busy.getsockname()[1])
        with pytest.raises(msbackpain.BackendError, match="exited") as info:
            server.start()
    assert "Address already in use" in str(info.value) and "\n" not in str(info.value)
    assert not server.alive


def test_server_needs_a_store(tmp_path: Path) -> None:
    with pytest.raises(msbackpain.BackendError, match="not an Oxigraph store"):
        OxigraphServer(tmp_path / "missing").start()


def test_missing_oxigraph_names_the_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import shutil
    import sysconfig

    monkeypatch.setattr(sysconfig, "get_path", lambda name: str(tmp_path))
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(msbackpain.MissingExtraError, match=r"pip install .*\[server\]"):
        oxigraph_executable()


@pytest.mark.parametrize("module", ["aiohttp", "httptools"])
def test_serve_without_the_gateway_extra_says_so_in_one_line(
    module: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from msbackpain.cli import main

    monkeypatch.setitem(sys.modules, module, None)  # importing it raises ImportError
    result = CliRunner().invoke(main, ["serve", "--store", str(tmp_path / "store")])
    assert result.exit_code != 0
    expected = (
        "error: MissingExtraError: the serve gateway needs an optional dependency: "
        f"{install_command('server')}"
    )
    assert result.output.strip().splitlines() == [expected]
    assert not (tmp_path / "store").exists()  # nothing was built


def test_ipv6_urls() -> None:
    server = OxigraphServer("/nowhere", host="::1", port=7000)
    assert server.url == "http://[::1]:7000/query"
    assert "[::1]:7000" in server.command()


def test_progress_bars_draw_large_files_only(capsys: pytest.CaptureFixture[str]) -> None:
    from msbackpain.cli.serve import ProgressBars

    bars = ProgressBars(threshold=100)
    bars(Path("small.ttl"), 0, 10)
    bars(Path("small.ttl"), 10, 10)
    for done in (0, 50, 200):
        bars(Path("big.nt"), done, 200)
    bars.close()
    err = capsys.readouterr().err
    assert "loading big.nt" in err and "small.ttl" not in err


def test_help_lists_serve_and_export() -> None:
    from click.testing import CliRunner

    from msbackpain.cli import main

    out = CliRunner().invoke(main, ["--help"]).stdout
    assert "serve" in out and "export" in out


# -- the engine walled off from the network, and start-time validation --------------------


def _service_through(server: OxigraphServer, port: int) -> int:
    """Send the engine itself (no gateway) a SERVICE query to a loopback port; its status.

    Oxigraph answers a failed SERVICE with 200 and a cut-off body (it streams): the number
    of connections the listener saw is what tells.
    """
    import urllib.error
    import urllib.parse
    import urllib.request

    query = f"SELECT * {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    request = urllib.request.Request(
        f"{server.url}?{urllib.parse.urlencode({'query': query})}",
        headers={"Accept": "application/sparql-results+json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            status: int = response.status
    except urllib.error.HTTPError as err:
        status = err.code
        err.close()
    return status


@pytest.mark.skipif(sys.platform != "linux", reason="the seccomp wall is Linux-only")
def test_the_engine_cannot_connect_anywhere_even_with_a_service_query(store: Path) -> None:
    from conftest import Listener
    from msbackpain.serve._sandbox import available

    assert available()
    listener = Listener()
    try:
        with OxigraphServer(store, port=free_port(), timeout=5, sandbox=False) as open_engine:
            _service_through(open_engine, listener.port)
        assert listener.connections >= 1  # without the wall the engine does call out
        listener.connections = 0
        with OxigraphServer(store, port=free_port(), timeout=5) as walled:
            _service_through(walled, listener.port)  # the engine's own error, whatever it is
            assert walled.alive
        time.sleep(0.3)
        assert listener.connections == 0
    finally:
        listener.close()


@pytest.mark.skipif(
    sys.platform != "linux" or os.geteuid() != 0 or not os.access("/usr/bin/python3", os.X_OK),
    reason="runs the wall as the user nobody (needs root to switch, and a system Python)",
)
def test_the_wall_needs_no_privileges(store: Path) -> None:
    import shutil
    import tempfile

    from conftest import Listener
    from msbackpain.serve._sandbox import sandboxed

    folder = tempfile.TemporaryDirectory(prefix="msbackpain-nobody-")  # outside root's 0700 dirs
    shared = Path(folder.name)
    shutil.copytree(store, shared / "kg")
    for path in [shared, *shared.rglob("*")]:
        path.chmod(0o777 if path.is_dir() else 0o666)
    listener = Listener()
    port = free_port()
    engine = OxigraphServer(shared / "kg", port=port, timeout=5)
    command = sandboxed(OxigraphServer(shared / "kg", port=port, sandbox=False).command())
    # "nobody" may not reach the checkout or the venv (a 0700 home or temporary folder): it runs
    # the system interpreter, and copies of the wall and the engine in the shared folder.
    command[0] = "/usr/bin/python3"
    for index in (3, 4):  # the wall's script, then the engine's binary
        copy = shared / Path(command[index]).name
        shutil.copy2(command[index], copy)
        copy.chmod(0o755)
        command[index] = str(copy)
    process = subprocess.Popen(  # the same command line, as the unprivileged user "nobody"
        command,
        user=65534,
        group=65534,
        extra_groups=[],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        engine._process = process
        engine.wait_ready(15)
        _service_through(engine, listener.port)
        time.sleep(0.3)
        assert listener.connections == 0
    finally:
        listener.close()
        process.kill()
        process.communicate()
        folder.cleanup()


def test_the_private_address_is_loopback() -> None:
    import ipaddress

    from msbackpain.serve.server import private_address

    addresses = {private_address() for _ in range(20)}
    assert all(ipaddress.ip_address(a).is_loopback for a in addresses)
    if sys.platform == "linux":
        assert len(addresses) > 1  # random, not 127.0.0.1 every time


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--allow-origin", "https://a.example\r\nSet-Cookie: x=1", "not an origin"),
        ("--allow-origin", "https://a.example/path", "not an origin"),
        ("--allow-host", "evil.example\r\nX: y", "not a host name"),
        ("--allow-host", "a b", "not a host name"),
    ],
    ids=["origin-crlf", "origin-path", "host-crlf", "host-space"],
)
def test_bad_origins_and_host_names_are_refused_at_start(
    option: str, value: str, message: str, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from msbackpain.cli import main

    result = CliRunner().invoke(main, ["serve", "--store", str(tmp_path / "s"), option, value])
    assert result.exit_code == 2
    assert f"Invalid value for '{option}'" in result.output and message in result.output
    assert not (tmp_path / "s").exists()  # refused before any work


def test_serve_help_shows_the_new_limits() -> None:
    from click.testing import CliRunner

    from msbackpain.cli import main

    out = CliRunner().invoke(main, ["serve", "--help"]).output
    for flag in ("--allow-host", "--max-bytes", "--max-connections", "--allow-origin"):
        assert flag in out
    assert "msbackpain serve --host 0.0.0.0 --allow-host kg.example.org" in out
