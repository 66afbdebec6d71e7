"""What the readiness command met on a host that did not answer in its time, handed to that host's worker.

A frozen host (its sshd stopped: the TCP handshake succeeds, no banner comes) makes the readiness command
wait out its connect timeout; its worker would wait out the same timeout again. The runner gives the
worker the reason and detail in its environment (``XCERT_SEEN_LOST``, JSON), and the worker reports the
host lost with them at once (harness.pytest_plugin.run), saying the readiness command saw it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping

from harness.transport.base import HostUnreachable

SEEN_LOST_ENV = "XCERT_SEEN_LOST"
_CAP = 500


def from_env(environ: Mapping[str, str] | None = None) -> HostUnreachable | None:
    """The loss the runner handed over (None: none, or not of the expected shape)."""
    raw = (os.environ if environ is None else environ).get(SEEN_LOST_ENV)
    if not raw:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("reason"), str) or not data["reason"]:
        return None
    detail = str(data.get("detail") or "")[:_CAP]
    return HostUnreachable(data["reason"][:_CAP], f"{detail} (seen by the readiness command)".strip())


__all__ = ["SEEN_LOST_ENV", "from_env"]
