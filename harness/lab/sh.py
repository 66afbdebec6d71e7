"""Run the lab's system commands (ip, unshare, ssh-keygen, useradd) with readable failures."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence

from harness.errors import XcertError


class LabError(XcertError):
    """The lab could not be built or removed; the message names the command that failed."""

    exit_code = 1


def sh(argv: Sequence[str], check: bool = True, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
    """Run a command (argv, no shell); a failure raises LabError with its stderr."""
    try:
        proc = subprocess.run(list(argv), capture_output=True, text=True, timeout=timeout, check=False)
    except FileNotFoundError as exc:
        raise LabError(f"{argv[0]} is not installed (see scripts/system-packages.txt)") from exc
    except subprocess.TimeoutExpired as exc:
        raise LabError(f"{' '.join(argv)}: no answer in {timeout:g} s") from exc
    if check and proc.returncode != 0:
        raise LabError(f"{' '.join(argv)}: {proc.stderr.strip() or proc.stdout.strip() or proc.returncode}")
    return proc
