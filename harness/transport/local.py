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


class _Pump:
    """The command's pipes on one selector: stdout and stderr read into buffers, stdin fed from ``pending``."""

    def __init__(self, proc: subprocess.Popen[bytes], stdin: bytes | None, sel: selectors.BaseSelector) -> None:
        assert proc.stdout is not None and proc.stderr is not None
        self.proc, self.sel = proc, sel
        self.buffers = {proc.stdout.fileno(): bytearray(), proc.stderr.fileno(): bytearray()}  # stdout first
        self.pending = memoryview(stdin or b"")
        self.capped = False
        for fd in self.buffers:
            os.set_blocking(fd, False)
            sel.register(fd, selectors.EVENT_READ)
        self.open_reads = len(self.buffers)
        if proc.stdin is not None:
            if self.pending:
                os.set_blocking(proc.stdin.fileno(), False)
                sel.register(proc.stdin.fileno(), selectors.EVENT_WRITE)
            else:
                proc.stdin.close()

    def read(self, fd: int) -> None:
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            return
        if not chunk:
            self.sel.unregister(fd)
            self.open_reads -= 1
            return
        self.buffers[fd] += chunk
        if len(self.buffers[fd]) > OUTPUT_CAP:
            self.capped = True

    def write(self, fd: int) -> None:
        assert self.proc.stdin is not None
        try:
            sent = os.write(fd, self.pending[:65536])
        except BlockingIOError:
            return
        except BrokenPipeError:
            sent = len(self.pending)
        self.pending = self.pending[sent:]
        if not self.pending:
            self.sel.unregister(fd)
            self.proc.stdin.close()

    def run(self, deadline: float) -> bool:
        """Pump until both outputs end or the cap is reached; True when the deadline passed first."""
        while self.open_reads:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return True
            for key, _ in self.sel.select(min(remaining, 1.0)):
                fd = int(key.fd)
                if fd in self.buffers:
                    self.read(fd)
                else:
                    self.write(fd)
            if self.capped:
                break
        return False


def _finish(proc: subprocess.Popen[bytes], deadline: float, timed_out: bool, capped: bool) -> bool:
    """Close the pipes and reap the command (killed first when it timed out or was capped); True if timed out."""
    assert proc.stdout is not None and proc.stderr is not None
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
    return timed_out


def _collect(
    proc: subprocess.Popen[bytes], stdin: bytes | None, deadline: float
) -> tuple[bytearray, bytearray, bool, bool]:
    """Feed stdin, read stdout and stderr as they come; past the deadline or OUTPUT_CAP, kill the group.

    Reading stops at the cap: a command printing without end costs OUTPUT_CAP bytes, not its output.
    """
    with selectors.DefaultSelector() as sel:
        pump = _Pump(proc, stdin, sel)
        timed_out = pump.run(deadline)
    capped = pump.capped
    timed_out = _finish(proc, deadline, timed_out, capped)
    out, err = pump.buffers.values()
    return out, err, timed_out, capped
