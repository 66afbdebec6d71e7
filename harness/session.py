"""One host during a run: its connection, its evidence, its facts, the check now running."""

from __future__ import annotations

import contextlib
import platform
import time
from pathlib import Path
from typing import Any

from harness.checks import CheckContext
from harness.clock import utc_now_iso
from harness.evidence import EvidenceStore
from harness.facts.manifest import PROBES
from harness.facts.script import build_script, parse_output
from harness.facts.snapshot import Facts
from harness.inventory import HostSpec
from harness.redact import SecretFilter
from harness.transport import transport_class
from harness.transport.base import DEFAULT_TIMEOUT_S, CommandResult, CommandTimeout, HostUnreachable, Transport

FACTS_TIMEOUT_S = 120.0
#: a dropped connection is retried this often, after these pauses (seconds), before the host is lost
RETRY_BACKOFF_S = (0.5, 1.0, 2.0)


class HostSession:
    def __init__(self, run_dir: Path, spec: HostSpec, host_slug: str, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        self.spec = spec
        self.slug = host_slug
        self.timeout_s = timeout_s
        self.secrets = SecretFilter(spec.secrets)
        self.evidence = EvidenceStore(run_dir, host_slug, self.secrets)
        self.transport: Transport | None = None
        self.current: CheckContext | None = None
        self.facts_refs: list[str] = []

    def connect(self) -> None:
        """Open the connection; raises HostUnreachable with the reason."""
        self.transport = transport_class(self.spec.connection)(self.spec)  # type: ignore[call-arg]

    def run(self, command: str, timeout_s: float | None = None, stdin: bytes | None = None) -> CommandResult:
        """Run a command as evidence of the current check; a timeout raises CommandTimeout."""
        return self._run(command, timeout_s, stdin)[0]

    def probe(self, name: str, timeout_s: float | None = None) -> CommandResult:
        """Run a named probe (harness.facts.manifest.PROBES) as evidence of the current check."""
        return self._run(PROBES[name], timeout_s, label=name)[0]

    def _run(
        self, command: str, timeout_s: float | None = None, stdin: bytes | None = None, label: str | None = None
    ) -> tuple[CommandResult, str]:
        if self.transport is None:
            raise HostUnreachable("not connected")
        limit = timeout_s or self.timeout_s
        result = self._run_with_retries(command, limit, stdin)
        ref = self.evidence.command(result, label=label)
        if self.current is not None:
            self.current.link(ref)
        if result.timed_out:
            raise CommandTimeout(result, limit)
        return result, ref

    def _run_with_retries(self, command: str, limit: float, stdin: bytes | None) -> CommandResult:
        """Run once; a dropped connection is reconnected and the command run again, each retry on record."""
        assert self.transport is not None
        for attempt, pause in enumerate((*RETRY_BACKOFF_S, None), start=1):
            try:
                return self.transport.run(command, timeout_s=limit, stdin=stdin)
            except HostUnreachable as exc:
                if pause is None:
                    raise HostUnreachable("lost", f"{exc} (after {len(RETRY_BACKOFF_S)} retries)") from exc
                ref = self.evidence.document(
                    "retry",
                    {
                        "kind": "retry",
                        "command": command,
                        "attempt": attempt,
                        "error": str(exc),
                        "pause_s": pause,
                        "time": utc_now_iso(),
                    },
                )
                if self.current is not None:
                    self.current.link(ref)
                    retries = self.current.measurements.get("retries", {"value": 0})["value"] + 1
                    self.current.measure("retries", retries, "count")
                time.sleep(pause)
                with contextlib.suppress(HostUnreachable):
                    self.transport.close()
                    self.connect()
        raise AssertionError("unreachable")  # pragma: no cover

    def gather_facts(self) -> tuple[Facts, dict[str, Any]]:
        """All facts in one round trip; psutil adds its view where the target is this machine."""
        self.facts_refs = []
        for attempt in (1, 2):
            token, script = build_script()
            result, ref = self._run("sh -s", timeout_s=FACTS_TIMEOUT_S, stdin=script.encode(), label="facts")
            self.facts_refs.append(ref)
            if f"\n@@XCERT-{token} end\n".encode() in result.stdout:
                break
            # the script did not finish (its shell killed, the host going down): never checks on partial facts
            if attempt == 2:
                why = "past the output cap" if result.truncated else f"exit status {result.rc}"
                raise HostUnreachable("lost", f"the fact pass was cut short twice ({why}); no check ran on partial facts")
        facts = parse_output(token, result.stdout)
        extra: dict[str, Any] = {}
        if self.transport is not None and self.transport.is_local:
            extra["psutil"] = local_psutil_facts()
        return facts, extra

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


def local_psutil_facts() -> dict[str, Any]:
    import psutil

    vm = psutil.virtual_memory()
    disks = []
    for part in psutil.disk_partitions(all=False):
        try:
            usage = psutil.disk_usage(part.mountpoint)
        except OSError:
            continue
        disks.append(
            {
                "device": part.device,
                "mount": part.mountpoint,
                "fstype": part.fstype,
                "total_bytes": usage.total,
                "free_bytes": usage.free,
            }
        )
    interfaces = []
    for name, addrs in psutil.net_if_addrs().items():
        interfaces.append(
            {
                "name": name,
                "addresses": [a.address for a in addrs if a.family.name in ("AF_INET", "AF_INET6")],
                "mac": next((a.address for a in addrs if a.family.name == "AF_PACKET"), None),
            }
        )
    return {
        "memory_total_bytes": vm.total,
        "memory_available_bytes": vm.available,
        "cpu_count": psutil.cpu_count(),
        "disks": disks,
        "interfaces": interfaces,
        "boot_time": psutil.boot_time(),
        "python_platform": platform.platform(),
    }
