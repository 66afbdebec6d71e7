"""What the cross-host checks talk to: every role host of a run at once, their facts from the run
directory, and connections opened when a check needs one. Plain Python, no pytest.

    >>> view = CrossHost(run_dir, specs, evidence)      # specs: HostSpec with a role (xc_role)
    >>> view.run("app1", TCP_CONNECT, stdin=b"10.0.0.5 5432\\n")

Commands are constant strings; values from the inventory (addresses, ports, names) travel on the
command's standard input, never in the command line.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.checks import CheckContext
from harness.evidence import EvidenceStore
from harness.inventory import HostSpec
from harness.journal import read_journal
from harness.transport import transport_class
from harness.transport.base import CommandResult, HostUnreachable, Transport

COMMAND_TIMEOUT_S = 15.0
#: roles whose hosts expose ports the application hosts need
SERVING_ROLES = ("database", "middleware")
CLIENT_ROLES = ("application",)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$")


@dataclass(frozen=True)
class Endpoint:
    """One port an application host needs: on which host, at which address."""

    client: str
    server: str
    address: str
    port: int

    @property
    def subject(self) -> str:
        return f"{self.client}->{self.server}:{self.port}"


def valid_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return bool(_NAME.match(text))


class CrossHost:
    def __init__(self, run_dir: Path, specs: Sequence[HostSpec], slugs: dict[str, str], evidence: EvidenceStore):
        self.run_dir = run_dir
        self.specs = {s.name: s for s in specs if s.role}
        self.slugs = slugs
        self.evidence = evidence
        self.current: CheckContext | None = None
        self._transports: dict[str, Transport] = {}

    def roles(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for spec in self.specs.values():
            out.setdefault(spec.role, []).append(spec.name)
        return out

    def hosts(self, *roles: str) -> list[HostSpec]:
        return [s for s in self.specs.values() if not roles or s.role in roles]

    def facts(self, host: str) -> dict[str, Any] | None:
        """The facts summary the host's own worker recorded (None: it never reached the host)."""
        summary = None
        for rec in read_journal(self.run_dir / "journal" / f"{self.slugs.get(host, host)}.jsonl"):
            if rec.get("type") == "facts" and isinstance(rec.get("summary"), dict):
                summary = rec["summary"]
        return summary

    def endpoints(self) -> list[Endpoint]:
        """Every (application host, serving host, port): the serving hosts' declared database targets."""
        out = []
        for client in self.hosts(*CLIENT_ROLES):
            for server in self.hosts(*SERVING_ROLES):
                for target in server.db_targets:
                    address = str(target.get("host") or server.address)
                    port = int(target.get("port") or 0)
                    if valid_address(address) and 0 < port < 65536:
                        out.append(Endpoint(client.name, server.name, address, port))
        return out

    def _transport(self, host: str) -> Transport:
        if host not in self._transports:
            spec = self.specs[host]
            self._transports[host] = transport_class(spec.connection)(spec)  # type: ignore[call-arg]
        return self._transports[host]

    def run(self, host: str, command: str, stdin: bytes | None = None) -> tuple[CommandResult, float, float]:
        """Run a command on ``host`` as evidence of the current check; also the controller's clock
        (seconds since the epoch) just before and just after it."""
        transport = self._transport(host)
        before = time.time()
        result = transport.run(command, timeout_s=COMMAND_TIMEOUT_S, stdin=stdin)
        after = time.time()
        ref = self.evidence.document(
            f"{host}-command",
            {
                "kind": "command",
                "host": host,
                "command": result.command,
                "stdin": (stdin or b"").decode("utf-8", errors="replace"),
                "rc": result.rc,
                "stdout": result.text,
                "stderr": result.stderr.decode("utf-8", errors="replace"),
                "duration_s": round(result.duration_s, 6),
                "started": result.started,
                "timed_out": result.timed_out,
                "controller_before": before,
                "controller_after": after,
            },
        )
        if self.current is not None:
            self.current.link(ref)
        if result.timed_out:
            raise HostUnreachable("timeout", f"{host}: {command.split()[0]} ran past {COMMAND_TIMEOUT_S:g} s")
        return result, before, after

    def close(self) -> None:
        for transport in self._transports.values():
            with contextlib.suppress(Exception):  # closing must not hide the results
                transport.close()
