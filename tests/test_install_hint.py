"""The extras hint names a command that works where this copy of msbackpain came from."""

from __future__ import annotations

import importlib.metadata
import json
from importlib import metadata
from pathlib import Path

import pytest

from msbackpain import _install
from msbackpain._install import install_command


class _Dist:
    def __init__(self, record: str | None) -> None:
        self.record = record

    def read_text(self, name: str) -> str | None:
        assert name == "direct_url.json"
        return self.record


def _installed_from(monkeypatch: pytest.MonkeyPatch, record: dict[str, object] | None) -> None:
    text = None if record is None else json.dumps(record)
    monkeypatch.setattr(importlib.metadata, "distribution", lambda name: _Dist(text))


def test_from_an_index(monkeypatch: pytest.MonkeyPatch) -> None:
    _installed_from(monkeypatch, None)  # a wheel from PyPI has no direct_url.json
    assert install_command("viz") == "pip install 'msbackpain[viz]'"


def test_from_an_editable_checkout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _installed_from(monkeypatch, {"url": tmp_path.as_uri(), "dir_info": {"editable": True}})
    assert install_command("viz") == f"pip install -e '{tmp_path}[viz]'"


def test_from_a_checkout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _installed_from(monkeypatch, {"url": tmp_path.as_uri(), "dir_info": {}})
    assert install_command("server") == f"pip install '{tmp_path}[server]'"


def test_from_a_wheel_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    wheel = tmp_path / "msbackpain-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"")
    _installed_from(monkeypatch, {"url": wheel.as_uri(), "archive_info": {}})
    assert install_command("shacl") == f"pip install '{wheel}[shacl]'"


def test_from_a_folder_since_deleted(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _installed_from(monkeypatch, {"url": (tmp_path / "gone").as_uri(), "dir_info": {}})
    assert install_command("viz") == "pip install 'msbackpain[viz]'"


def test_from_a_vcs_url(monkeypatch: pytest.MonkeyPatch) -> None:
    _installed_from(monkeypatch, {"url": "https://example.org/msbackpain.git", "vcs_info": {}})
    assert install_command("viz") == "pip install 'msbackpain[viz]'"


def test_not_installed_but_run_from_a_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> None:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "distribution", missing)
    root = Path(_install.__file__).resolve().parent.parent
    assert install_command("viz") == f"pip install -e '{root}[viz]'"
