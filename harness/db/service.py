"""The database service on its host, seen through the host's transport (commands are evidence).

Pure parsers (``parse_ss``, ``parse_stat``) and small functions that take the host session's
``run``; nothing here imports a transport. What differs by family (how the server tells its pid, the
data directory's mode rule, a restart without a unit) is the family's dialect's (harness.db.dialects).
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field

from harness.db.dialects import dialect_of
from harness.db.identify_arch import elf_arch, parse_od
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
    return dialect_of(family).datadir_mode_problem(st.mode)


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


def server_pid(run: Run, port: int, ask: Callable[[str], object | None] | None = None, family: str = "") -> int | None:
    """The main pid of the server listening on ``port``: from ss where it may show it, else from the server.

    ``ask(sql)`` runs one query on the server; the family's dialect knows which (PostgreSQL: the
    backend's parent; MySQL: ``@@pid_file``).
    """
    procs = [p for lst in listeners(run, port) for p in lst.processes]
    if procs:
        return procs[0][1]
    if ask is None or not family:
        return None
    return dialect_of(family).server_pid(run, ask)


def binary_arch(run: Run, pid: int) -> str | None:
    """The architecture the running server's binary was built for (its ELF header, read through /proc)."""
    result = run(f"od -An -tx1 -N20 /proc/{int(pid)}/exe")
    if result.rc != 0:
        raise RuntimeError(
            f"cannot read the server binary of pid {pid}: {result.stderr.decode(errors='replace')[:200]}"
        )
    header = parse_od(result.text)
    if len(header) < 20:
        raise RuntimeError(f"/proc/{pid}/exe gave {len(header)} bytes of ELF header (not readable as this user?)")
    return elf_arch(header)


def process_cwd(run: Run, pid: int) -> str | None:
    """The working directory of a process (a server's relative paths are relative to it)."""
    text = run(f"readlink /proc/{int(pid)}/cwd").text.strip()
    return text if text.startswith("/") else None


def resolve_datadir(datadir: str, cwd: str | None) -> str | None:
    """An absolute data directory: as reported, or a relative one joined to the server's working directory."""
    if datadir.startswith("/"):
        return datadir
    if not cwd:
        return None
    return posixpath.normpath(posixpath.join(cwd, datadir))


def stat_path(run: Run, path: str) -> PathStat | None:
    return parse_stat(run(f"stat -c '%U %G %a %F' {shlex.quote(path)}").text)


#: environment variables a relaunched server keeps from the process it replaces (seekdb: its telemetry
#: switch must survive a restart, LAB-NOTES; vendor servers find their libraries through LD_LIBRARY_PATH)
KEPT_ENV = ("TELEMETRY_ENABLED", "LD_LIBRARY_PATH")
#: the graceful stop of servers that do not stop on SIGTERM (seekdb SIGKILLs itself on TERM; USR1 stops it)
GRACEFUL_STOP = {"seekdb": "USR1"}


def process_env(run: Run, pid: int, keep: tuple[str, ...]) -> dict[str, str]:
    """The ``keep`` variables of a process's environment (readable as its user or root)."""
    text = run(f"tr '\\0' '\\n' < /proc/{int(pid)}/environ").text
    found = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and key in keep:
            found[key] = value
    return found


def restart_command(
    family: str,
    pid: int,
    user: str,
    datadir: str,
    unit: str | None,
    cmdline: list[str],
    cwd: str = "/",
    env: dict[str, str] | None = None,
) -> str:
    """The shell command that restarts the server, quoted; one that cannot be built raises."""
    if unit:
        return f"systemctl restart {shlex.quote(unit)}"
    own = dialect_of(family).restart_command(pid, user, datadir)
    if own is not None:
        return own
    if not cmdline:
        raise RuntimeError(f"no command line for pid {pid}")
    sig = GRACEFUL_STOP.get(posixpath.basename(cmdline[0]), "TERM")
    keep = " ".join(shlex.quote(f"{k}={v}") for k, v in sorted((env or {}).items()))
    relaunch = " ".join(shlex.quote(a) for a in cmdline)
    if keep:
        relaunch = f"env {keep} {relaunch}"
    return (
        f"kill -{sig} {int(pid)} && i=0 && while kill -0 {int(pid)} 2>/dev/null && [ $i -lt 600 ]; "
        f"do sleep 0.1; i=$((i+1)); done; "
        f"cd {shlex.quote(cwd)} && setsid {relaunch} </dev/null >/dev/null 2>&1 &"
    )
