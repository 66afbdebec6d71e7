"""Answer commands from a snapshot instead of a live host: certify an air-gapped target's capture.

The fact script is answered from the snapshot's files/ and commands/; a named probe from
``commands/<probe>.txt``. Anything the snapshot does not hold answers rc 127, so a check that
needs it ends in ``error`` (could not decide), never in a pass.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from harness.clock import utc_now_iso
from harness.facts.manifest import PROBES
from harness.facts.snapshot import Facts, read_snapshot
from harness.transport.base import DEFAULT_TIMEOUT_S, CommandResult, HostUnreachable, Transport

_TOKEN = re.compile(rb"@@XCERT-([0-9a-f]+)")


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


class SnapshotTransport(Transport):
    def __init__(self, spec: Any) -> None:
        path = Path(getattr(spec, "address", "") or "")
        if not path.exists():
            raise HostUnreachable("snapshot missing", str(path))
        self.facts = read_snapshot(path)
        self._probes = {cmd: name for name, cmd in PROBES.items()}

    def run(self, command: str, timeout_s: float = DEFAULT_TIMEOUT_S, stdin: bytes | None = None) -> CommandResult:
        t0 = time.monotonic()
        started = utc_now_iso()
        rc, out, err = 127, b"", b"not in snapshot\n"
        m = _TOKEN.search(stdin or b"")
        if command == "sh -s" and m:
            rc, out, err = 0, render_fact_output(m.group(1).decode(), self.facts), b""
        elif command in self._probes and self._probes[command] in self.facts.commands:
            rc, out, err = 0, self.facts.commands[self._probes[command]], b""
        return CommandResult(command, rc, out, err, time.monotonic() - t0, started)
