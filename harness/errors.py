"""One error base class carrying an exit code; only cli.py turns errors into exits."""

from __future__ import annotations

from dataclasses import dataclass

EXIT_CERTIFIED = 0
EXIT_NOT_CERTIFIED = 1
EXIT_INCOMPLETE = 2
EXIT_BAD_INPUT = 3
#: xcert itself failed (a bug): distinct from every verdict and from bad input; --debug shows the traceback
EXIT_INTERNAL = 4
EXIT_INTERRUPTED = 130


class XcertError(Exception):
    """An error the user can act on; its message is one line."""

    exit_code = EXIT_BAD_INPUT


class UsageError(XcertError):
    """Bad command-line usage."""


@dataclass(frozen=True)
class Location:
    """Where bad input was found: file, optional line and key."""

    file: str
    line: int | None = None
    key: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.key:
            where += f": {self.key}"
        return where


class InputError(XcertError):
    """Bad input file (inventory, waiver, lab config...)."""

    def __init__(self, location: Location, message: str) -> None:
        self.location = location
        self.detail = message
        super().__init__(f"{location}: {message}")


class RunDirError(XcertError):
    """The run directory cannot be used (unwritable, locked, not a run)."""


class RunDirWriteError(RunDirError):
    """Writing the run directory failed during a run (disk full...): the run is incomplete."""

    exit_code = EXIT_INCOMPLETE
