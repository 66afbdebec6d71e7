"""``xcert lab up|status|down --json`` on a real lab: each prints one document valid against its schema.

One lab for the file, built by ``lab up --json`` itself with the lab fixture's helpers (its own
XCERT_LAB_DIR, removed even on failure) and taken down by the last test with ``lab down --json``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness import jsonout
from tests.conftest import xcert
from tests.integration.lab_fixture import Lab, require_lab_tools

pytestmark = pytest.mark.integration


def _document(stdout: str, command: str) -> Any:
    document = json.loads(stdout)
    problems = jsonout.validate(command, document)
    assert not problems, "\n".join(problems)
    return document


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Lab, dict[str, Any]]]:
    require_lab_tools()
    lab = Lab(tmp_path_factory.mktemp("lab"))
    try:
        proc = xcert("lab", "up", "--hosts", "1", "--identity", "kylin-v10", "--json", env=lab.env, timeout=600)
        assert proc.returncode == 0, proc.stderr
        up = _document(proc.stdout, "lab up")
        lab.inventory = Path(up["inventory"])
        yield lab, up
    finally:
        lab.down()


def test_up_prints_the_status(lab: tuple[Lab, dict[str, Any]]) -> None:
    built, up = lab
    assert up["up"] and up["healthy"] and up["inventory"] == str(built.dir / "inventory.yml")
    assert [(h["name"], h["identity"], h["sshd"]) for h in up["hosts"]] == [("lab1", "kylin-v10", "up")]
    assert up["hosts"][0]["address"] == built.host("lab1")["address"]


def test_status(lab: tuple[Lab, dict[str, Any]]) -> None:
    built, up = lab
    proc = xcert("lab", "status", "--json", env=built.env)
    assert proc.returncode == 0, proc.stderr
    assert _document(proc.stdout, "lab status") == up


def test_down_lists_what_it_removed(lab: tuple[Lab, dict[str, Any]]) -> None:
    # last in this file (CI distributes by file, in order): it takes the module's lab down
    built, _ = lab
    proc = xcert("lab", "down", "--json", env=built.env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "sshd lab1" in _document(proc.stdout, "lab down")["removed"]
    status = xcert("lab", "status", "--json", env=built.env)
    assert status.returncode == 1 and _document(status.stdout, "lab status")["up"] is False
