"""What lifecycle checks do to a declared service, each step a command on the target kept as evidence.

A service is driven through its systemd unit (``systemctl``) or through the commands its declaration
gives. It *answers* when its probe succeeds: a TCP connection to its port on the target (to the
address the listener is bound to), or its probe command exiting 0. Its *main process* is systemd's
MainPID, or the process listening on its first port.
"""

from __future__ import annotations

import shlex
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from harness.lifecycle.declare import DEFAULT_KILLS, DEFAULT_RECOVER_S
from harness.lifecycle.sockets import Listener, parse_ss
from harness.transport.base import CommandResult

POLL_S = 0.5
STEP_TIMEOUT_S = 120.0
SS = "ss -Htulnp 2>/dev/null || ss -Htuln"


class Target(Protocol):
    def run(self, command: str, timeout_s: float | None = None, stdin: bytes | None = None) -> CommandResult: ...


@dataclass(frozen=True)
class Service:
    decl: Mapping[str, Any]

    @property
    def name(self) -> str:
        return str(self.decl["name"])

    @property
    def unit(self) -> str | None:
        return str(self.decl["unit"]) if self.decl.get("unit") else None

    @property
    def recover_s(self) -> float:
        return float(self.decl.get("recover_s", DEFAULT_RECOVER_S))

    @property
    def kills(self) -> int:
        return int(self.decl.get("kills", DEFAULT_KILLS))

    @property
    def ports(self) -> list[int]:
        return [int(str(p).split("/")[0]) for p in self.decl.get("ports") or []]

    @property
    def binaries(self) -> list[str]:
        return [str(b) for b in self.decl.get("binaries") or []]


def _systemctl(verb: str, unit: str) -> str:
    return f"systemctl {verb} {shlex.quote(unit)}"


def operation(service: Service, verb: str) -> str:
    """The command for ``status``, ``stop``, ``start`` (a unit's, or the declaration's own)."""
    if service.unit:
        return _systemctl("is-active --quiet" if verb == "status" else verb, service.unit)
    return str(service.decl[verb])


def run_step(target: Target, service: Service, verb: str) -> CommandResult:
    return target.run(operation(service, verb), timeout_s=STEP_TIMEOUT_S)


def restart(target: Target, service: Service) -> bool:
    """``systemctl restart``, or the declaration's stop then start (two commands: a stop that matches
    processes by their command line must not see the start command in its own)."""
    if service.unit:
        return target.run(_systemctl("restart", service.unit), timeout_s=STEP_TIMEOUT_S).rc == 0
    return run_step(target, service, "stop").rc == 0 and run_step(target, service, "start").rc == 0


def listeners(target: Target) -> list[Listener]:
    return parse_ss(target.run(SS, timeout_s=30).text)


def _connect_command(listener: Listener) -> str:
    host = listener.address.strip("[]").split("%", 1)[0]
    if host in ("0.0.0.0", "*"):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    script = f"exec 3<>/dev/tcp/{host}/{listener.port}"
    return f"timeout 3 bash -c {shlex.quote(script)}"


def answers(target: Target, service: Service, sql: Callable[[str], bool] | None = None) -> bool:
    """The service's probe: its command, a SQL round trip (``sql``, harness.lifecycle.dbload), an HTTP
    request on the host (harness.lifecycle.control), or a TCP connection to its port."""
    probe = service.decl.get("probe") or {}
    if "command" in probe:
        return target.run(str(probe["command"]), timeout_s=30).rc == 0
    if "sql" in probe:
        if sql is None:
            raise RuntimeError(f"{service.name}: a SQL probe needs the host's database targets")
        return sql(str(probe["sql"]))
    if "http" in probe:
        from harness.lifecycle.control import http_answers

        return http_answers(target, int(probe["http"]))
    port = int(probe.get("tcp") or service.ports[0])
    bound = [lst for lst in listeners(target) if lst.proto == "tcp" and lst.port == port]
    return any(target.run(_connect_command(lst), timeout_s=10).rc == 0 for lst in bound[:2])


def main_pid(target: Target, service: Service) -> int | None:
    if service.unit:
        text = target.run(_systemctl("show -p MainPID --value", service.unit), timeout_s=30).text.strip()
        return int(text) if text.isdigit() and int(text) > 0 else None
    ports = service.ports or [int((service.decl.get("probe") or {}).get("tcp") or 0)]
    for lst in listeners(target):
        if lst.port in ports and lst.pid:
            return lst.pid
    return None


def wait_for(
    condition: Callable[[], bool], bound_s: float, clock: Callable[[], float] = time.monotonic
) -> float | None:
    """Seconds until ``condition`` held, or None when it did not within ``bound_s``."""
    start = clock()
    while True:
        if condition():
            return clock() - start
        if clock() - start >= bound_s:
            return None
        time.sleep(POLL_S)


def recent_log(target: Target, service: Service) -> str:
    """The last lines the service logged, for a failure's evidence (systemd units only)."""
    if not service.unit:
        return ""
    command = f"journalctl -u {shlex.quote(service.unit)} -n 20 --no-pager 2>&1"
    return target.run(command, timeout_s=30).text[-2000:]
