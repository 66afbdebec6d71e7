"""A lab of real SSH hosts for the integration tests: built with `xcert lab up`, removed even on failure.

Each test session gets its own lab directory, so its bridge, namespaces and subnet do not clash
with a lab someone else has up on the same machine.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import xcert


def require_lab_tools() -> None:
    if os.geteuid() != 0:
        pytest.skip("the lab needs root (network namespaces, sshd)")
    for tool in ("ip", "unshare", "ssh-keygen", "/usr/sbin/sshd", "ansible-playbook"):
        if shutil.which(tool) is None and not Path(tool).exists():
            if tool == "ansible-playbook":
                continue  # the venv's, found by the provisioning driver
            pytest.skip(f"{tool} is not installed (scripts/system-packages.txt lists it)")


class Lab:
    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.env = {"XCERT_LAB_DIR": str(directory)}
        self.inventory: Path | None = None

    def up(self, *args: str, timeout: float = 600) -> Path:
        proc = xcert("lab", "up", *args, env=self.env, timeout=timeout)
        assert proc.returncode == 0, proc.stderr
        self.inventory = Path(proc.stdout.strip().splitlines()[-1])
        assert self.inventory.is_file()
        return self.inventory

    def down(self) -> None:
        xcert("lab", "down", env=self.env, timeout=120)

    def state(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.dir / "state.json").read_text(encoding="utf-8"))
        return data

    def host(self, name: str) -> dict[str, Any]:
        return next(h for h in self.state()["hosts"] if h["name"] == name)


def lab_session(tmp_path_factory: pytest.TempPathFactory, *args: str) -> Generator[Lab, None, None]:
    require_lab_tools()
    lab = Lab(tmp_path_factory.mktemp("lab"))
    try:
        lab.up(*args)
        yield lab
    finally:
        lab.down()


def results(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return data


def host_of(res: dict[str, Any], name: str) -> dict[str, Any]:
    return next(h for h in res["hosts"] if h["name"] == name)


EXIT = {"CERTIFIED": 0, "NOT_CERTIFIED": 1, "INCOMPLETE": 2}


def run_verdict(hosts: list[dict[str, Any]]) -> str:
    verdicts = {h["verdict"] for h in hosts}
    if "NOT_CERTIFIED" in verdicts:
        return "NOT_CERTIFIED"
    return "INCOMPLETE" if "INCOMPLETE" in verdicts else "CERTIFIED"
