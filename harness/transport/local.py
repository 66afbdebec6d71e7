"""Run commands on this machine."""

from __future__ import annotations

import contextlib
import os
import selectors
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
        try:
            out, err, timed_out, capped = _collect(proc, stdin, t0 + timeout_s)
        except BaseException:
            # a check timeout or an abort: what the command started must not outlive it
            _kill_group(proc)
            proc.wait()
            raise
        return CommandResult(
            command=command,
            rc=-9 if (timed_out or capped) else proc.returncode,
            stdout=bytes(out[:OUTPUT_CAP]),
            stderr=bytes(err[:OUTPUT_CAP]),
            duration_s=time.monotonic() - t0,
            started=started,
            timed_out=timed_out,
            truncated=capped,
        )


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def _collect(
    proc: subprocess.Popen[bytes], stdin: bytes | None, deadline: float
) -> tuple[bytearray, bytearray, bool, bool]:
    """Feed stdin, read stdout and stderr as they come; past the deadline or OUTPUT_CAP, kill the group.

    Reading stops at the cap: a command printing without end costs OUTPUT_CAP bytes, not its output.
    """
    assert proc.stdout is not None and proc.stderr is not None
    buffers = {proc.stdout.fileno(): bytearray(), proc.stderr.fileno(): bytearray()}  # stdout first
    pending = memoryview(stdin or b"")
    timed_out = capped = False
    with selectors.DefaultSelector() as sel:
        for fd in buffers:
            os.set_blocking(fd, False)
            sel.register(fd, selectors.EVENT_READ)
        if proc.stdin is not None:
            if pending:
                os.set_blocking(proc.stdin.fileno(), False)
                sel.register(proc.stdin.fileno(), selectors.EVENT_WRITE)
            else:
                proc.stdin.close()
        open_reads = len(buffers)
        while open_reads:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = True
                break
            for key, _ in sel.select(min(remaining, 1.0)):
                fd = int(key.fd)
                if fd in buffers:
                    try:
                        chunk = os.read(fd, 65536)
                    except BlockingIOError:
                        continue
                    if not chunk:
                        sel.unregister(fd)
                        open_reads -= 1
                        continue
                    buffers[fd] += chunk
                    if len(buffers[fd]) > OUTPUT_CAP:
                        capped = True
                else:
                    assert proc.stdin is not None
                    try:
                        sent = os.write(fd, pending[:65536])
                    except BlockingIOError:
                        continue
                    except BrokenPipeError:
                        sent = len(pending)
                    pending = pending[sent:]
                    if not pending:
                        sel.unregister(fd)
                        proc.stdin.close()
            if capped:
                break
    if timed_out or capped:
        _kill_group(proc)
    if proc.stdin is not None and not proc.stdin.closed:
        with contextlib.suppress(OSError):
            proc.stdin.close()
    proc.stdout.close()
    proc.stderr.close()
    try:
        proc.wait(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        # the output ended but the command lives on past its deadline: it is stopped
        timed_out = True
        _kill_group(proc)
        proc.wait()
    out, err = buffers.values()
    return out, err, timed_out, capped
