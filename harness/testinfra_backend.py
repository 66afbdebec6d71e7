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

    # host.ansible(...) and host.ansible.get_variables() in users' suites: through the run's one-host
    # inventory of the certified host (harness.usersuite.molecule), each result kept as evidence
    HAS_RUN_ANSIBLE = True

    def _ansible_runner(self) -> Any:
        import os

        from testinfra.utils.ansible_runner import AnsibleRunner

        inventory = os.environ.get("MOLECULE_INVENTORY_FILE")
        if not inventory:
            raise RuntimeError("host.ansible needs the inventory of a user suite run (xcert certify --suite)")
        return AnsibleRunner.get_runner(inventory)

    def run_ansible(self, module_name: str, module_args: str | None = None, **kwargs: Any) -> Any:
        result = self._ansible_runner().run_module(
            self.session.spec.name, module_name, module_args, get_encoding=lambda: self.encoding, **kwargs
        )
        ref = self.session.evidence.document(
            f"ansible-{module_name}", {"module": module_name, "args": module_args, "options": kwargs, "result": result}
        )
        if self.session.current is not None:
            self.session.current.link(ref)
        return result

    def get_variables(self) -> Any:
        return self._ansible_runner().get_variables(self.session.spec.name)


def testinfra_host(session: HostSession) -> testinfra.host.Host:
    # no sudo here: the transport already runs every command with the host's become settings
    backend = XcertBackend(session)
    host = testinfra.host.Host(backend)
    backend.set_host(host)
    return host
