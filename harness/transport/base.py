"""How a command reaches a host: the transport interface and its one result type.

Transports move commands and bytes; they never interpret output (that is the probes' job).
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import Any, Self

DEFAULT_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class CommandResult:
    """What one command did on a host."""

    command: str
    rc: int
    stdout: bytes
    stderr: bytes
    duration_s: float
    started: str  # ISO 8601, UTC
    timed_out: bool = False
    truncated: bool = False

    @property
    def text(self) -> str:
        return self.stdout.decode("utf-8", errors="replace")


class HostUnreachable(Exception):
    """The host cannot be reached (refused, timeout, authentication, host key, lost)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)


class CommandTimeout(Exception):
    """A command ran past its timeout; it was killed on the target."""

    def __init__(self, result: CommandResult, timeout_s: float) -> None:
        self.result = result
        self.timeout_s = timeout_s
        super().__init__(f"timeout after {timeout_s:g} s: {result.command}")


class Transport(abc.ABC):
    """One open connection to one host."""

    #: True when commands run on this very machine (psutil then describes the target)
    is_local: bool = False

    @abc.abstractmethod
    def run(self, command: str, timeout_s: float = DEFAULT_TIMEOUT_S, stdin: bytes | None = None) -> CommandResult:
        """Run a shell command (already quoted) and return its result; never raises for rc != 0."""

    def source(self) -> dict[str, Any]:
        """Where the answers come from: the host itself, observed live (a snapshot says otherwise)."""
        return {"kind": "live"}

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release the connection."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
