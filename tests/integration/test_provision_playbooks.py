"""The shipped playbooks run by the real ansible-playbook on this machine (connection local, as a lab host:
nothing is installed): what the one remote task of each reports and makes, read back from Ansible's own JSON."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from harness.provision.driver import PLAYBOOKS

pytestmark = pytest.mark.integration

BIN = Path(sys.executable).parent


def _play(tmp_path: Path, action: str, host: dict[str, Any], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    inventory = tmp_path / "hosts.yml"
    vars_ = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable, "xc_lab": True, **host}
    # as harness.provision.resolved writes them: every string !unsafe (never templated by Ansible)
    lines = [
        f"    {k}: {json.dumps(v) if not isinstance(v, str) else '!unsafe ' + json.dumps(v)}" for k, v in vars_.items()
    ]
    inventory.write_text("all:\n  hosts:\n   h1:\n" + "\n".join(lines) + "\n", encoding="utf-8")
    env = {**os.environ, "ANSIBLE_PIPELINING": "True", "ANSIBLE_NOCOLOR": "1", "ANSIBLE_LOCALHOST_WARNING": "False",
           "ANSIBLE_CALLBACK_RESULT_FORMAT": "json", "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}  # fmt: skip
    argv = [str(BIN / "ansible-playbook"), "-v", "-i", str(inventory), str(PLAYBOOKS / f"{action}.yml")]
    if extra:
        argv += ["-e", json.dumps(extra)]
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=180, check=False)
    # the default callback, -v: "TASK [name] ***" then "changed: [h1] => {...}" / "fatal: [h1]: FAILED! => {...}"
    tasks: dict[str, Any] = {}
    task = ""
    for line in proc.stdout.splitlines():
        if found := re.match(r"^TASK \[(.*)\] \*+$", line):
            task = found.group(1)
        elif (found := re.match(r"^(ok|changed|skipping|fatal): \[h1\].*? => (\{.*\})$", line)) and task:
            tasks[task] = {**json.loads(found.group(2)), "status": found.group(1)}
    assert tasks, proc.stdout + proc.stderr
    return tasks


def test_prepare_makes_the_directory_and_names_what_a_host_misses(tmp_path: Path) -> None:
    work = tmp_path / "missing-parent" / "work"
    tools = {"ip": "iproute2", "xcert-no-such-tool": "pkg-x"}
    clients = {"postgresql": {"command": "xcert-no-psql", "apt": "postgresql-client", "dnf": "postgresql"}}
    host = {"xc_workdir": str(work), "xc_db_client": "postgresql"}
    tasks = _play(tmp_path, "prepare", host, {"xc_tools": tools, "xc_db_clients": clients})
    probe = tasks["Make the working directory and find the tools that are missing"]
    lines = probe["stdout_lines"]
    assert probe["changed"] and lines[0] == "workdir=made" and work.is_dir(), probe
    assert work.stat().st_mode & 0o777 == 0o700
    assert "missing=xcert-no-such-tool" in lines and "package=pkg-x" in lines
    assert "missing=ip" not in lines  # present here
    assert "missing=db:postgresql" in lines and any(x.startswith("package=postgresql") for x in lines)
    assert any(x.startswith("lab host: not installing pkg-x postgresql") for x in lines), lines
    assert tasks["Install the missing tools with the target's package manager"]["status"] == "skipping"  # a lab host
    again = _play(tmp_path, "prepare", host, {"xc_tools": tools, "xc_db_clients": clients})
    assert not again["Make the working directory and find the tools that are missing"]["changed"]  # found


def test_a_directory_that_cannot_be_made_fails_the_task_with_why(tmp_path: Path) -> None:
    tasks = _play(tmp_path, "prepare", {"xc_workdir": "/proc/xcert-cannot-be-made-here"})
    probe = tasks["Make the working directory and find the tools that are missing"]
    assert probe["status"] == "fatal" and probe["rc"] == 1
    text = probe.get("stderr", "") + probe.get("stdout", "")
    assert "cannot make the working directory /proc/xcert-cannot-be-made-here" in text
    assert "Install the missing tools with the target's package manager" not in tasks  # the host stopped there


def test_a_workdir_that_is_a_template_or_holds_shell_is_only_data(tmp_path: Path) -> None:
    odd = tmp_path / "w $(touch pwned) {{ 7 * 7 }}"
    tasks = _play(tmp_path, "prepare", {"xc_workdir": str(odd)})
    assert tasks["Make the working directory and find the tools that are missing"]["changed"]
    assert odd.is_dir() and not (Path.cwd() / "pwned").exists() and not (tmp_path / "pwned").exists()
