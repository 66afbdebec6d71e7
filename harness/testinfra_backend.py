"""A testinfra backend over a connection xcert owns, so every testinfra command is evidence.

testinfra's own paramiko backend neither checks host keys nor sets TCP_NODELAY (LAB-NOTES);
building its Host objects on our transport keeps one connection, one timeout policy and one
evidence trail for everything a check runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import testinfra.host
from testinfra.backend import base

if TYPE_CHECKING:
    from harness.session import HostSession


class XcertBackend(base.BaseBackend):  # type: ignore[misc]
    NAME = "xcert"

    def __init__(self, session: HostSession, **kwargs: Any) -> None:
        self.session = session
        super().__init__(session.spec.name, **kwargs)

    def get_pytest_id(self) -> str:
        return str(self.session.spec.name)

    def run(self, command: str, *args: str, **kwargs: Any) -> base.CommandResult:
        cmd = self.get_command(command, *args)
        result = self.session.run(cmd)
        return self.result(result.rc, self.encode(cmd), result.stdout, result.stderr)


def testinfra_host(session: HostSession) -> testinfra.host.Host:
    # no sudo here: the transport already runs every command with the host's become settings
    backend = XcertBackend(session)
    host = testinfra.host.Host(backend)
    backend.set_host(host)
    return host
