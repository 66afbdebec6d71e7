"""Labs side by side: hosts with the same name get working directories of their own (lab hosts share /tmp)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.lab.lab import _host_vars
from harness.lab.state import DEFAULT_DIR, LabHost, LabState, lab_tag


def _vars(monkeypatch: pytest.MonkeyPatch, directory: Path, **extra: str) -> dict[str, object]:
    monkeypatch.setenv("XCERT_LAB_DIR", str(directory))
    host = LabHost(name="lab1", netns="ns", veth="v", address="10.0.0.11", vars=dict(extra))
    return _host_vars(LabState(), host)


def test_two_labs_do_not_share_a_working_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    first = _vars(monkeypatch, tmp_path / "a")["xc_workdir"]
    second = _vars(monkeypatch, tmp_path / "b")["xc_workdir"]
    assert first != second
    assert first == f"/tmp/xcert-work-{lab_tag(tmp_path / 'a')}-lab1"


def test_the_default_lab_keeps_the_default_and_a_declared_one_wins(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert "xc_workdir" not in _vars(monkeypatch, DEFAULT_DIR)  # /tmp/xcert-work-<host>, as on any host
    assert _vars(monkeypatch, tmp_path / "a", xc_workdir="/srv/w")["xc_workdir"] == "/srv/w"
