"""Answer commands from a snapshot instead of a live host: certify an air-gapped target's capture.

The fact script is answered from the snapshot's files/ and commands/; a named probe from
``commands/<probe>.txt`` with the exit status in ``commands/<probe>.rc`` (0 when absent). Anything
the snapshot does not hold raises ``NotCaptured``: the check is ``error: not captured``, never a
pass or a failure, because nothing was observed.
"""

from __future__ import annotations

import hashlib
import re
import time
from pathlib import Path
from typing import Any

from harness.clock import utc_now_iso
from harness.decide import NotCaptured
from harness.facts.manifest import PROBES
from harness.facts.snapshot import MAX_MEMBER, Facts, read_snapshot
from harness.transport.base import DEFAULT_TIMEOUT_S, CommandResult, HostUnreachable, Transport

_TOKEN = re.compile(rb"@@XCERT-([0-9a-f]+)")
#: who supplied a snapshot, as the inventory or the collector states it, is cut to this length
MAX_SUPPLIED_BY = 200


def render_fact_output(token: str, facts: Facts) -> bytes:
    b = f"@@XCERT-{token}".encode()
    out = bytearray()
    for path, data in facts.files.items():
        out += b"\n" + b + b" file " + path.encode() + b"\n" + data
    for name, data in facts.commands.items():
        out += b"\n" + b + b" cmd " + name.encode() + b"\n" + data
        out += b"\n" + b + b" rc " + name.encode() + b" " + str(facts.rcs.get(name, 0)).encode() + b"\n"
    out += b"\n" + b + b" end\n"
    return bytes(out)


def snapshot_sha256(path: Path) -> str:
    """SHA-256 of a snapshot archive's bytes, or of a snapshot folder's members (path and content, sorted)."""
    h = hashlib.sha256()
    if path.is_dir():
        root = path.resolve()
        for member in sorted(path.rglob("*")):
            target = member.resolve()
            if target.is_relative_to(root) and target.is_file() and target.stat().st_size <= MAX_MEMBER:
                h.update(member.relative_to(path).as_posix().encode() + b"\0" + target.read_bytes() + b"\0")
        return h.hexdigest()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class SnapshotTransport(Transport):
    def __init__(self, spec: Any) -> None:
        path = Path(getattr(spec, "address", "") or "")
        if not path.exists():
            raise HostUnreachable("snapshot missing", str(path))
        self.path = path
        self.facts = read_snapshot(path)
        self.sha256 = snapshot_sha256(path)
        stated = getattr(spec, "snapshot_supplied_by", None)
        collected = (self.facts.command("collected-by") or "").strip()
        self.supplied_by = str(stated or collected or "")[:MAX_SUPPLIED_BY] or None
        self._probes = {cmd: name for name, cmd in PROBES.items()}

    def source(self) -> dict[str, Any]:
        return {"kind": "snapshot", "sha256": self.sha256, "supplied_by": self.supplied_by}

    def run(self, command: str, timeout_s: float = DEFAULT_TIMEOUT_S, stdin: bytes | None = None) -> CommandResult:
        t0 = time.monotonic()
        started = utc_now_iso()
        m = _TOKEN.search(stdin or b"")
        if command == "sh -s" and m:
            rc, out = 0, render_fact_output(m.group(1).decode(), self.facts)
        elif command in self._probes and self._probes[command] in self.facts.commands:
            name = self._probes[command]
            rc, out = self.facts.rcs.get(name, 0), self.facts.commands[name]
        elif command in self._probes:
            raise NotCaptured(f"probe {self._probes[command]!r} is not in the snapshot")
        else:
            raise NotCaptured(f"the snapshot holds no answer to {command[:200]!r}")
        return CommandResult(command, rc, out, b"", time.monotonic() - t0, started)
