"""Listening sockets from ``ss -Htulnp`` (iproute2): protocol, address, port and the process behind each."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

_USERS = re.compile(r'\("(?P<comm>[^"]*)",pid=(?P<pid>\d+)')


@dataclass(frozen=True)
class Listener:
    proto: str  # tcp or udp
    address: str
    port: int
    process: str
    pid: int | None

    @property
    def key(self) -> str:
        return f"{self.port}/{self.proto}"

    @property
    def loopback(self) -> bool:
        """Bound to loopback only: not reachable from another host."""
        host = self.address.strip("[]").split("%", 1)[0]
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return host == "localhost"

    def describe(self) -> str:
        who = f"{self.process} (pid {self.pid})" if self.process else "an unknown process"
        return f"{self.address}:{self.port}/{self.proto} by {who}"


def parse_ss(text: str) -> list[Listener]:
    """``ss -Htulnp`` lines: ``tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:(("sshd",pid=1,fd=3))``."""
    out: list[Listener] = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 5 or fields[0] not in ("tcp", "udp"):
            continue
        if fields[0] == "tcp" and fields[1] != "LISTEN":
            continue
        local = fields[4]
        address, _, port = local.rpartition(":")
        if not port.isdigit():
            continue
        users = _USERS.search(line)
        out.append(
            Listener(
                proto=fields[0],
                address=address or "*",
                port=int(port),
                process=users.group("comm") if users else "",
                pid=int(users.group("pid")) if users else None,
            )
        )
    return out
