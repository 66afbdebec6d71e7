"""Workers started before their host is ready for its checks.

A host the prepare playbook provisions gets its worker process started when its job starts: while the
playbook runs, the worker imports pytest and the harness (the worker's own start, the part of a host's
run that needs nothing of the host), then waits on its standard input. It reads its host's spec there
only when the host was handed over (harness.runner.run_host), so nothing of the host's run (its
journal, its connection, its checks) begins before its provisioning was decided. At most ``limit`` are
held at once; a worker never handed over (an interrupt) is killed with its session.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path


def spawn(run_dir: Path, host_slug: str, profile: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """A host's worker process (``python -m harness.worker``), in a session of its own, waiting for its spec."""
    cmd = [sys.executable, "-m", "harness.worker", str(run_dir), host_slug, profile]
    return subprocess.Popen(
        cmd,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def kill(proc: subprocess.Popen[bytes]) -> None:
    """End a worker that was never given its host, and everything it started."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        proc.communicate(timeout=30)


class Prestarted:
    def __init__(self, run_dir: Path, profile: str, limit: int) -> None:
        self.run_dir = run_dir
        self.profile = profile
        self.limit = max(0, limit)
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.lock = threading.Lock()
        self.closed = False

    def start(self, host_slug: str) -> None:
        """Start the host's worker now, if fewer than ``limit`` are held (else it starts when handed over)."""
        with self.lock:
            if self.closed or host_slug in self.procs or len(self.procs) >= self.limit:
                return
            self.procs[host_slug] = spawn(self.run_dir, host_slug, self.profile)

    def take(self, host_slug: str) -> subprocess.Popen[bytes] | None:
        """The host's held worker (None: none was started for it)."""
        with self.lock:
            return self.procs.pop(host_slug, None)

    def close(self) -> None:
        """Kill the workers never handed over."""
        with self.lock:
            self.closed = True
            left, self.procs = list(self.procs.values()), {}
        for proc in left:
            kill(proc)


__all__ = ["Prestarted", "kill", "spawn"]
