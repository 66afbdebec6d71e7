"""Is a host ready for its checks? One SSH command tells, before any ansible-runner job is started.

What the prepare playbook (playbooks/prepare.yml) gives a host is what the checks need: the tools
of its ``xc_tools`` (lsblk, dmidecode, ip), the client of each declared database family
(``xc_db_clients``) and a working directory (``xc_workdir``, default ``/tmp/xcert-work-<host>``).
Both lists are read from the playbook itself, so the two never disagree. The readiness command is
a constant string; the tools and the working directory's path (from the inventory) reach it on
standard input, never in the command line.

A host that has every tool is ready: ansible-runner is skipped for it. If its working directory is
missing, the same command makes it (``mkdir -m 0700``, as the playbook's file task would, with the
host's become settings), and the host's cleanup removes only a directory made this way.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from harness.inventory import HostSpec
from harness.provision.driver import PLAYBOOKS
from harness.transport.base import CommandResult

READY_TIMEOUT_S = 30.0

#: reads the working directory, then one tool a line, from stdin; prints ``have T PATH`` / ``missing T``
#: and ``workdir found|made|missing`` (made only when every tool is there: else the playbook runs anyway)
READY_SCRIPT = (
    'PATH="$PATH:/usr/sbin:/sbin"; IFS= read -r d; ok=1; '
    'while IFS= read -r t; do [ -n "$t" ] || continue; '
    'if p=$(command -v "$t" 2>/dev/null); then echo "have $t $p"; else echo "missing $t"; ok=0; fi; done; '
    'if [ -d "$d" ]; then echo "workdir found"; '
    'elif [ "$ok" = 1 ] && mkdir -m 0700 -- "$d" 2>/dev/null; then echo "workdir made"; '
    'else echo "workdir missing"; fi'
)
#: removes the working directory the readiness command made (path on stdin)
REMOVE_SCRIPT = 'IFS= read -r d; [ -n "$d" ] && [ "$d" != / ] && rm -rf -- "$d" && echo removed'


@functools.cache
def _playbook_vars() -> dict[str, Any]:
    plays = yaml.safe_load((PLAYBOOKS / "prepare.yml").read_text(encoding="utf-8"))
    return dict(plays[0]["vars"])


def tools() -> tuple[str, ...]:
    """The commands the prepare playbook installs when missing (its ``xc_tools``)."""
    return tuple(str(t) for t in _playbook_vars()["xc_tools"])


def db_clients(spec: HostSpec) -> tuple[str, ...]:
    """The client command of each database family the host declares (the playbook's ``xc_db_clients``)."""
    clients: Mapping[str, Mapping[str, str]] = _playbook_vars()["xc_db_clients"]
    families = [spec.provision_vars.get("xc_db_client"), *(t.get("family") for t in spec.db_targets)]
    out: list[str] = []
    for family in families:
        command = clients.get(str(family), {}).get("command") if family else None
        if command and command not in out:
            out.append(command)
    return tuple(out)


def workdir(spec: HostSpec) -> str:
    """The working directory the playbooks make and remove."""
    return str(spec.provision_vars.get("xc_workdir") or f"/tmp/xcert-work-{spec.name}")


def needed(spec: HostSpec) -> tuple[str, ...]:
    return (*tools(), *db_clients(spec))


def script_input(spec: HostSpec) -> bytes | None:
    """The readiness command's stdin; None when a value cannot go through it (a newline, a relative path)."""
    lines = [workdir(spec), *needed(spec)]
    if any("\n" in line or "\r" in line or "\0" in line for line in lines) or not lines[0].startswith("/"):
        return None
    return ("\n".join(lines) + "\n").encode()


@dataclass(frozen=True)
class Readiness:
    """What the readiness command found on one host."""

    found: dict[str, str] = field(default_factory=dict)  # tool -> its path
    missing: tuple[str, ...] = ()
    workdir: str = ""
    workdir_state: str = "missing"  # found, made, missing
    error: str = ""  # the command itself did not answer as expected

    @property
    def ready(self) -> bool:
        return not self.error and not self.missing and self.workdir_state in ("found", "made")

    def reason(self) -> str:
        """One line for the journal: what was found, or what is missing."""
        if self.error:
            return f"readiness unknown: {self.error}"
        have = ", ".join(f"{t} ({p})" for t, p in self.found.items()) or "no tools needed"
        if self.ready:
            return f"skipped: found {have}; working directory {self.workdir} {self.workdir_state}"
        lacking = [*self.missing, *([f"working directory {self.workdir}"] if self.workdir_state == "missing" else [])]
        return f"needed: {', '.join(lacking)} missing (found {have})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "ready": self.ready,
            "found": dict(self.found),
            "missing": list(self.missing),
            "workdir": self.workdir,
            "workdir_state": self.workdir_state,
            "error": self.error,
        }


def parse(result: CommandResult, spec: HostSpec) -> Readiness:
    """The readiness command's answer (anything unexpected is not ready: the playbook decides then)."""
    want = needed(spec)
    found: dict[str, str] = {}
    missing: list[str] = []
    state = ""
    for line in result.stdout.decode("utf-8", "replace").splitlines():
        word, _, rest = line.partition(" ")
        if word == "have" and rest.split(" ", 1)[0] in want:
            name, _, path = rest.partition(" ")
            found[name] = path
        elif word == "missing" and rest in want:
            missing.append(rest)
        elif word == "workdir" and rest in ("found", "made", "missing"):
            state = rest
    error = ""
    if result.timed_out:
        error = "timed out"
    elif result.rc != 0 or not state or set(found) | set(missing) != set(want):
        error = f"exit {result.rc}: {result.stderr.decode('utf-8', 'replace').strip()[:200]}"
    return Readiness(found, tuple(missing), workdir(spec), state or "missing", error)


def unknown(spec: HostSpec, why: str) -> Readiness:
    return Readiness(workdir=workdir(spec), error=why)


__all__ = [
    "READY_SCRIPT",
    "READY_TIMEOUT_S",
    "REMOVE_SCRIPT",
    "Readiness",
    "db_clients",
    "needed",
    "parse",
    "script_input",
    "tools",
    "unknown",
    "workdir",
]
