"""A real OpenLink Virtuoso (Debian ``virtuoso-opensource``) for the tests, on loopback.

:class:`Virtuoso` writes a ``virtuoso.ini`` into a temporary folder (database, log and the
folder it may bulk-load from all inside it), starts ``virtuoso-t +foreground`` bound to
127.0.0.1 on two free ports, waits until its SPARQL endpoint answers, bulk-loads N-Triples
files into one named graph with ``isql-vt`` (``ld_dir`` + ``rdf_loader_run``, as the
scaling-out guide does), and stops the server by its PID.

Its ``[SPARQL]`` limits are the defaults the guide tells users to set: ``ResultSetMaxRows``
caps every answer (Virtuoso then answers ``200 OK`` with the first rows and an
``X-SPARQL-MaxRows`` header), ``MaxQueryExecutionTime`` is the anytime limit (``200 OK``,
partial rows, ``X-SQL-State: S1TAT``).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from msbackpain.serve.server import free_port

__all__ = ["GRAPH", "Virtuoso"]

#: The graph the scaling-out guide loads the bundle into.
GRAPH = "https://w3id.org/msbackpain/"

_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 0
CaseMode = 2
DirsAllowed = {dir}/load
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections = 10
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
Charset = UTF-8
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = {max_seconds}
MaxQueryCostEstimationTime = 400
"""


class Virtuoso:
    """One Virtuoso server in ``folder``; :meth:`start`, :meth:`load`, then :meth:`stop`."""

    def __init__(self, folder: Path, *, max_rows: int = 10000, max_seconds: int = 30) -> None:
        self.folder = folder
        self.sql_port = free_port()
        self.http_port = free_port()
        self.max_rows = max_rows
        self.max_seconds = max_seconds
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        """The SPARQL endpoint URL (without dataset parameters)."""
        return f"http://127.0.0.1:{self.http_port}/sparql"

    def start(self, *, wait: float = 120.0) -> Virtuoso:
        """Write the configuration, start the server and wait until SPARQL answers."""
        executable = shutil.which("virtuoso-t")
        if executable is None:
            msg = "virtuoso-t not found: apt-get install virtuoso-opensource (scripts/ensure-system-deps)"
            raise RuntimeError(msg)
        (self.folder / "load").mkdir(parents=True, exist_ok=True)
        ini = self.folder / "virtuoso.ini"
        ini.write_text(
            _INI.format(
                dir=self.folder,
                sql_port=self.sql_port,
                http_port=self.http_port,
                max_rows=self.max_rows,
                max_seconds=self.max_seconds,
            ),
            encoding="utf-8",
        )
        log = (self.folder / "stdout.log").open("wb")
        self.process = subprocess.Popen(
            [executable, "+foreground", "+configfile", str(ini)],
            cwd=self.folder,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"virtuoso-t exited with {self.process.returncode}: {self._log()}"
                )
            if self._answers():
                return self
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"virtuoso-t did not answer within {wait:g} s: {self._log()}")

    def _log(self) -> str:
        path = self.folder / "virtuoso.log"
        lines = path.read_text(errors="replace").splitlines() if path.exists() else []
        return " | ".join(lines[-5:])

    def _answers(self) -> bool:
        query = urllib.parse.urlencode({"query": "ASK {}"})
        try:
            with urllib.request.urlopen(f"{self.endpoint}?{query}", timeout=2) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def isql(self, *statements: str) -> str:
        """Run SQL statements through ``isql-vt`` as ``dba`` and return what it printed."""
        command = [
            "isql-vt",
            f"127.0.0.1:{self.sql_port}",
            "dba",
            "dba",
            f"exec={' '.join(statements)}",
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql-vt failed: {done.stdout.strip()} {done.stderr.strip()}")
        return done.stdout

    def load(self, *files: Path, graph: str = GRAPH) -> None:
        """Bulk-load N-Triples ``files`` into ``graph`` (the guide's ld_dir/rdf_loader_run)."""
        for path in files:
            shutil.copyfile(path, self.folder / "load" / path.name)
            self.isql(f"ld_dir('{self.folder / 'load'}', '{path.name}', '{graph}');")
        self.isql("rdf_loader_run();", "checkpoint;")
        loaded = self.isql(
            "SELECT COUNT(*) FROM DB.DBA.load_list WHERE ll_state <> 2 OR ll_error IS NOT NULL;"
        )
        if "\n0" not in loaded.replace(" ", ""):
            raise RuntimeError(f"Virtuoso did not load every file: {loaded}")

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL) and reap it."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
