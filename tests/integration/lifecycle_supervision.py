"""Lab servers under the lab's supervisor (harness/lab/supervise.py), declared as services that use it.

``supervise(lab, host, name, port, stop_signal)`` adopts the server listening on ``port`` inside the lab
host (the supervisor runs there, started over SSH, bounded in time); ``service(...)`` is the explicit
``xc_services`` entry for it: its start/stop/status are the supervisor's, everything else is derived
from the server's target. ``release(...)`` ends every supervisor; the servers keep running.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from tests.integration.lab_fixture import Lab

#: the supervisor's own bound: nothing outlives a test session that forgot it
SUPERVISOR_MAX_S = 1800
ROOT = Path(__file__).resolve().parents[2]


def host_vars(lab: Lab, host: str) -> dict[str, Any]:
    assert lab.inventory is not None
    inv = yaml.safe_load(Path(lab.inventory).read_text(encoding="utf-8"))
    hv: dict[str, Any] = inv["all"]["children"]["xcert_lab"]["hosts"][host]
    return hv


def ssh(lab: Lab, host: str, command: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``command`` as root on the lab host, over its SSH (so inside its namespaces)."""
    hv = host_vars(lab, host)
    args = ["ssh", "-i", hv["ansible_ssh_private_key_file"], *shlex.split(hv["ansible_ssh_common_args"])]
    args += [
        "-o",
        "BatchMode=yes",
        f"{hv['ansible_user']}@{hv['ansible_host']}",
        f"sudo -n sh -c {shlex.quote(command)}",
    ]
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)


def ctl(directory: Path, verb: str) -> str:
    return f"{shlex.quote(sys.executable)} -m harness.lab.supervise ctl --dir {shlex.quote(str(directory))} {verb}"


def listener_pid(lab: Lab, host: str, port: int) -> int:
    out = ssh(lab, host, f"ss -Htlnp 'sport = :{int(port)}'").stdout
    marker = ",pid="
    assert marker in out, out
    return int(out.split(marker, 1)[1].split(",", 1)[0])


def supervise(lab: Lab, host: str, directory: Path, port: int, stop_signal: str = "TERM") -> None:
    pid = listener_pid(lab, host, port)
    directory.mkdir(parents=True, exist_ok=True)
    command = (
        f"cd {shlex.quote(str(ROOT))} && setsid {shlex.quote(sys.executable)} -m harness.lab.supervise watch "
        f"--dir {shlex.quote(str(directory))} --pid {pid} --stop-signal {stop_signal} "
        f"--max-seconds {SUPERVISOR_MAX_S} </dev/null >>{shlex.quote(str(directory / 'supervisor.log'))} 2>&1 &"
    )
    started = ssh(lab, host, command)
    assert started.returncode == 0, started.stderr
    deadline = time.monotonic() + 30
    while not (directory / "current.json").is_file():
        assert time.monotonic() < deadline, (directory / "supervisor.log").read_text(errors="replace")
        time.sleep(0.05)


def service(directory: Path, name: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "start": ctl(directory, "start"),
        "stop": ctl(directory, "stop"),
        "status": ctl(directory, "status"),
        **extra,
    }


def release(lab: Lab, host: str, directories: list[Path]) -> None:
    """End the supervisors (a lab torn down with one running would see it start the server again)."""
    for directory in directories:
        if (directory / "current.json").is_file():
            ssh(lab, host, ctl(directory, "exit"))
    for directory in directories:
        pidfile = directory / "supervisor.pid"
        if pidfile.is_file():  # its pid in the lab host's PID namespace: waited for there
            pid = int(pidfile.read_text(encoding="ascii").strip())
            ssh(lab, host, f"timeout 10 sh -c 'while kill -0 {pid} 2>/dev/null; do sleep 0.05; done'")


def host_vars_names(lab: Lab) -> list[str]:
    assert lab.inventory is not None
    inv = yaml.safe_load(Path(lab.inventory).read_text(encoding="utf-8"))
    return list(inv["all"]["children"]["xcert_lab"]["hosts"])


def current_pid(lab: Lab, host: str, directory: Path) -> int:
    """The pid (in the lab host) of the server the supervisor runs now."""
    data = json.loads((directory / "current.json").read_text(encoding="utf-8"))
    return int(data["pid"])
