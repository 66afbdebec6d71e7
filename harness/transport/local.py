"""Run commands on this machine."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time

from harness.clock import utc_now_iso
from harness.transport.base import DEFAULT_TIMEOUT_S, CommandResult, Transport

#: cap on captured output per stream, so a runaway command cannot fill the disk or memory
OUTPUT_CAP = 4 * 1024 * 1024


class LocalTransport(Transport):
    is_local = True

    def __init__(self, spec: object = None, shell: str = "/bin/sh") -> None:
        self.shell = shell

    def run(self, command: str, timeout_s: float = DEFAULT_TIMEOUT_S, stdin: bytes | None = None) -> CommandResult:
        started = utc_now_iso()
        t0 = time.monotonic()
        env = dict(os.environ, LC_ALL="C", LANG="C")
        # own session, so a timeout kills the whole process group the command started
        proc = subprocess.Popen(
            [self.shell, "-c", command],
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            env=env,
        )
        timed_out = False
        try:
            out, err = proc.communicate(input=stdin, timeout=timeout_s)
        except subprocess.TimeoutExpired:
            timed_out = True
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
        except BaseException:
            # a check timeout or an abort: what the command started must not outlive it
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise
        truncated = len(out) > OUTPUT_CAP or len(err) > OUTPUT_CAP
        return CommandResult(
            command=command,
            rc=proc.returncode if not timed_out else -9,
            stdout=out[:OUTPUT_CAP],
            stderr=err[:OUTPUT_CAP],
            duration_s=time.monotonic() - t0,
            started=started,
            timed_out=timed_out,
            truncated=truncated,
        )
