"""The database service on its host, seen through the host's transport (commands are evidence).

Pure parsers (``parse_ss``, ``parse_stat``) and small functions that take the host session's
``run``; nothing here imports a transport.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field

from harness.transport.base import CommandResult

Run = Callable[..., CommandResult]

_SS_PROC = re.compile(r'\("(?P<name>[^"]+)",pid=(?P<pid>\d+)')


@dataclass
class Listener:
    local: str
    port: int
    processes: list[tuple[str, int]] = field(default_factory=list)


def parse_ss(text: str) -> list[Listener]:
    """Lines of ``ss -H -ltnp`` -> listeners (process names and pids when ss may show them)."""
    found: list[Listener] = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) < 4 or parts[0] != "LISTEN":
            continue
        local = parts[3]
        host, _, port = local.rpartition(":")
        if not port.isdigit():
            continue
        procs = [(m.group("name"), int(m.group("pid"))) for m in _SS_PROC.finditer(line)]
        found.append(Listener(local=host, port=int(port), processes=procs))
    return found


@dataclass
class PathStat:
    owner: str
    group: str
    mode: int
    kind: str


def parse_stat(text: str) -> PathStat | None:
    """``stat -c '%U %G %a %F'`` -> owner, group, mode, kind."""
    parts = text.strip().split(" ", 3)
    if len(parts) < 4 or not re.fullmatch(r"[0-7]{3,4}", parts[2]):
        return None
    return PathStat(owner=parts[0], group=parts[1], mode=int(parts[2], 8), kind=parts[3])


def datadir_problem(family: str, st: PathStat, service_user: str | None) -> str | None:
    """None when the data directory's owner and mode are right, else what is wrong."""
    if st.kind != "directory":
        return f"it is a {st.kind}, not a directory"
    if service_user and st.owner != service_user:
        return f"owned by {st.owner}, the server runs as {service_user}"
    if st.mode & 0o002:
        return f"mode {st.mode:04o} lets every user write"
    if family == "postgresql" and st.mode & 0o077 not in (0, 0o050, 0o040):
        return f"mode {st.mode:04o}: PostgreSQL requires 0700 or 0750"
    if family == "dameng" and st.mode & 0o007:
        return f"mode {st.mode:04o} lets other users in"
    return None


def listeners(run: Run, port: int) -> list[Listener]:
    result = run(f"ss -H -ltnp {shlex.quote(f'sport = :{port}')}")
    if result.rc == 127:
        raise RuntimeError("ss is not installed on the host (iproute2)")
    return [lst for lst in parse_ss(result.text) if lst.port == port]


def has_systemd(run: Run) -> bool:
    return run("test -d /run/systemd/system && echo systemd || echo none").text.strip() == "systemd"


def process_info(run: Run, pid: int) -> tuple[str, str]:
    """(user, command line) of a process."""
    result = run(f"ps -o user= -o args= -p {int(pid)}")
    line = result.text.strip()
    user, _, args = line.partition(" ")
    return user, args.strip()


def unit_of(run: Run, pid: int) -> str | None:
    result = run(f"ps -o unit= -p {int(pid)}")
    unit = result.text.strip()
    return unit if unit.endswith(".service") else None


def unit_state(run: Run, unit: str) -> tuple[str, str]:
    active = run(f"systemctl is-active {shlex.quote(unit)}").text.strip()
    enabled = run(f"systemctl is-enabled {shlex.quote(unit)}").text.strip()
    return active, enabled


def stat_path(run: Run, path: str) -> PathStat | None:
    return parse_stat(run(f"stat -c '%U %G %a %F' {shlex.quote(path)}").text)


def restart_command(family: str, pid: int, user: str, datadir: str, unit: str | None, cmdline: list[str]) -> str:
    """The shell command that restarts the server, quoted; one that cannot be built raises."""
    if unit:
        return f"systemctl restart {shlex.quote(unit)}"
    if family == "postgresql":
        ctl = f'$(dirname "$(readlink /proc/{int(pid)}/exe)")/pg_ctl'
        log = f"/tmp/xcert-pg-restart-{int(pid)}.log"
        inner = f"{ctl} restart -D {shlex.quote(datadir)} -m fast -w -t 60 -l {log}"
        return (
            f'if [ "$(id -un)" = {shlex.quote(user)} ]; then {inner}; '
            f"else runuser -u {shlex.quote(user)} -- sh -c {shlex.quote(inner)}; fi"
        )
    if not cmdline:
        raise RuntimeError(f"no command line for pid {pid}")
    relaunch = " ".join(shlex.quote(a) for a in cmdline)
    return (
        f"kill -TERM {int(pid)} && i=0 && while kill -0 {int(pid)} 2>/dev/null && [ $i -lt 600 ]; "
        f"do sleep 0.1; i=$((i+1)); done; "
        f"setsid {relaunch} </dev/null >/dev/null 2>&1 &"
    )
