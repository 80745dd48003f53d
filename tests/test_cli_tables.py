"""Tables on a terminal wrap long cells to its width and never cut them; --wide and pipes do not wrap."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios

from click.testing import CliRunner

from conftest import ROOT
from msbackpain.cli import main
from msbackpain.cli._render import _column_widths, _table


def on_terminal(*args: str, columns: int) -> str:
    """Run the CLI with stdout on a pseudo-terminal ``columns`` wide; return what it showed."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    process = subprocess.Popen(
        [sys.executable, "-m", "msbackpain", *args],
        stdout=follower,
        stderr=subprocess.DEVNULL,
        env={**env, "PYTHONPATH": str(ROOT), "TERM": "dumb"},
    )
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 120)
        if not ready:
            process.kill()
            raise AssertionError("the CLI did not finish")
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=60) == 0
    shown = b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
    return re.sub(r"\x1b\[[0-9;]*m", "", shown)  # a terminal gets colours


def is_subsequence(words: list[str], within: list[str]) -> bool:
    remaining = iter(within)
    return all(any(w == other for other in remaining) for w in words)


def evidence_of(*args: str) -> list[str]:
    out = CliRunner().invoke(main, [*args, "--json"]).stdout
    return [row["evidence"] for row in json.loads(out)["results"]]


def table_lines(shown: str) -> list[str]:
    """The table's lines, without the notes below it (conflicts, what the source leaves out)."""
    notes = ("Not stated in the source", "! Conflict")
    return [line for line in shown.splitlines() if not line.startswith(notes)]


def test_a_terminal_table_wraps_to_its_width_and_shows_all_evidence() -> None:
    args = ("treatments", "spasticity")
    shown = on_terminal(*args, columns=80)
    lines = table_lines(shown)
    assert lines[0].split() == [
        "LABEL",
        "RELATION",
        "MODALITY",
        "INFERRED",
        "PARAGRAPHS",
        "EVIDENCE",
    ]
    assert max(len(line) for line in lines) <= 80
    assert "…" not in shown
    evidence = evidence_of(*args)
    assert any(e.startswith("Inferred") and len(e) > 60 for e in evidence)  # really long
    words = shown.split()
    for text in evidence:
        assert is_subsequence(text.split(), words), text
    # an inferred row's evidence continues on the lines below, in the EVIDENCE column
    column = lines[0].index("EVIDENCE")
    continued = [line for line in lines[1:] if line[:column].strip() == "" and line.strip()]
    assert continued


def test_wide_keeps_each_row_on_one_line() -> None:
    args = ("treatments", "spasticity")
    shown = on_terminal(*args, "--wide", columns=80)
    lines = table_lines(shown)
    evidence = evidence_of(*args)
    assert len(lines) == 1 + len(evidence)
    assert max(len(line) for line in lines) > 80
    for text in evidence:
        assert any(line.rstrip().endswith(text) for line in lines), text


def test_piped_tables_are_not_wrapped() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "msbackpain", "treatments", "spasticity"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "40"},
    )
    lines = table_lines(done.stdout)
    evidence = evidence_of("treatments", "spasticity")
    assert len(lines) == 1 + len(evidence)
    assert all(any(line.endswith(text) for line in lines) for text in evidence)


def test_column_widths_keep_narrow_columns_whole() -> None:
    assert _column_widths([5, 8, 100], None) == [5, 8, 100]
    assert _column_widths([5, 8, 20], 80) == [5, 8, 20]  # fits: unchanged
    assert _column_widths([5, 8, 100], 40) == [5, 8, 23]  # 40 - 2 * 2 spaces - 5 - 8
    assert _column_widths([50, 60], 42) == [20, 20]
    assert _column_widths([50, 60], 10) == [12, 12]  # never narrower than 12
    # ids (no spaces) stay whole while the prose columns can take the squeeze
    assert _column_widths([33, 40, 100], 100, prose=[False, True, True]) == [33, 31, 32]
    assert _column_widths([33, 40, 100], 50, prose=[False, True, True]) == [15, 15, 16]


def test_table_wraps_words_and_long_words() -> None:
    text = _table(
        [{"id": "x", "text": "a few words and averyveryverylongword"}], ["id", "text"], width=17
    )
    assert text.splitlines() == [
        "ID  TEXT",
        "x   a few words",
        "    and averyvery",
        "    verylongword",
    ]
