"""The inventory ansible-runner provisions from: the hosts of one job, with the values xcert's checks use.

xcert resolved the host once (harness.inventory_resolve: Ansible's own variable and option
resolution). Handing ansible-runner the user's inventories again would resolve them a second
time, in another working directory (another ansible.cfg, relative paths elsewhere), so instead it
gets this inventory: the resolved address, port, user, key, SSH arguments and become settings,
every string tagged ``!unsafe`` so that Ansible never templates it (values from ``xc_*`` never
reach a template). Secrets are not in it: the SSH and become passwords go to ansible-runner's
``passwords`` (answered on the prompts of ``--ask-pass`` / ``--ask-become-pass``) and stay in memory:
the driver runs ansible-runner with ``suppress_env_files`` (else it writes them to ``env/passwords``
in clear; a test greps every file of the provisioning directory for the password).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from harness.inventory import HostSpec

#: the prompts ansible-playbook shows for -k / -K (ansible-runner answers them through pexpect)
SSH_PROMPT = r"^SSH [pP]assword:\s*?$"
BECOME_PROMPT = r"^BECOME [pP]assword.*:\s*?$"
_TRUE = ("1", "true", "yes", "on", "y", "t")


class _Unsafe(str):
    """A string written as ``!unsafe`` (Ansible keeps it as data, never a template)."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Unsafe, lambda dumper, value: dumper.represent_scalar("!unsafe", str(value)))


def _unsafe(value: Any) -> Any:
    """Plain YAML types (ansible-core hands out tagged subclasses), every string ``!unsafe``."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return _Unsafe(str.__str__(value))
    if isinstance(value, Mapping):
        return {str(k): _unsafe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_unsafe(v) for v in value]
    return value


def host_vars(spec: HostSpec) -> dict[str, Any]:
    """The host's variables for ansible-runner (no secrets)."""
    out: dict[str, Any] = {
        "ansible_connection": "ssh",
        "ansible_host": spec.address,
        "ansible_port": spec.port,
        "ansible_become": spec.become,
    }
    optional = {
        "ansible_user": spec.user,
        "ansible_ssh_private_key_file": spec.key_file,
        "ansible_ssh_common_args": spec.ssh_common_args,
        "ansible_ssh_extra_args": spec.ssh_extra_args,
        "ansible_ssh_timeout": int(spec.connect_timeout) if spec.connect_timeout else None,
        "ansible_become_method": spec.become_method,
        "ansible_become_user": spec.become_user,
    }
    out.update({k: v for k, v in optional.items() if v not in (None, "")})
    out.update(spec.provision_vars)
    if "xc_pipelining" in spec.provision_vars:  # off for a host whose sudoers has requiretty
        out["ansible_pipelining"] = str(spec.provision_vars["xc_pipelining"]).strip().lower() in _TRUE
    if spec.db_targets:
        out["xc_db_targets"] = [{k: v for k, v in t.items() if k != "password"} for t in spec.db_targets]
    return _unsafe(out)  # type: ignore[no-any-return]


def ssh_args(spec: HostSpec, base: str) -> str:
    """ansible.cfg's ssh_args as resolved, led by xcert's known_hosts policy (ssh keeps the first value)."""
    lead: list[str] = []
    if spec.known_hosts:
        lead.append(f"-o UserKnownHostsFile={spec.known_hosts}")
    if spec.accept_new_host_keys:
        lead.append("-o StrictHostKeyChecking=accept-new")
    return " ".join([*lead, base]).strip()


def write(spec: HostSpec, path: Path) -> Path:
    """Write the one-host inventory (0600) and return its path."""
    return write_many([spec], path)


def write_many(specs: Sequence[HostSpec], path: Path, extra: Mapping[str, Mapping[str, Any]] | None = None) -> Path:
    """Write the inventory of several resolved hosts (0600, no secrets) and return its path.

    ``extra`` adds xcert's own variables to a host (by name), (none today: the hook is kept for the playbooks' own settings)."""
    extra = extra or {}
    data = {
        "all": {
            "hosts": {
                str.__str__(spec.name): {**host_vars(spec), **_unsafe(dict(extra.get(spec.name, {})))} for spec in specs
            }
        }
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("# Written by xcert: the host as xcert resolved it (harness/provision/resolved.py).\n")
        fh.write(yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True))
    return path


def passwords(spec: HostSpec) -> tuple[list[str], dict[str, str]]:
    """ansible-playbook options and ansible-runner ``passwords`` for the host's secrets."""
    cmdline: list[str] = []
    answers: dict[str, str] = {}
    if spec.password:
        cmdline.append("--ask-pass")
        answers[SSH_PROMPT] = spec.password
    if spec.become and spec.become_password:
        cmdline.append("--ask-become-pass")
        answers[BECOME_PROMPT] = spec.become_password
    return cmdline, answers


__all__ = ["BECOME_PROMPT", "SSH_PROMPT", "host_vars", "passwords", "ssh_args", "write", "write_many"]
