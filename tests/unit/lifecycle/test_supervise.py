"""The lab's supervisor, for real on this machine: it adopts a running process, starts it again after kill -9
(as systemd's Restart=always would), leaves it down after a stop, and ends without taking the process along."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.lab import supervise

PROGRAM = [sys.executable, "-c", "import time; time.sleep(600)"]


def _wait(condition: object, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def _ctl(directory: Path, verb: str) -> int:
    return supervise.ctl(directory, verb)


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[bytes]]]:
    server = subprocess.Popen(PROGRAM, start_new_session=True)
    watcher = subprocess.Popen(
        [sys.executable, "-m", "harness.lab.supervise", "watch", "--dir", str(tmp_path), "--pid", str(server.pid),
         "--max-seconds", "120"],
    )  # fmt: skip
    try:
        _wait(lambda: (tmp_path / "current.json").is_file())
        yield tmp_path, server
    finally:
        (tmp_path / "exit").touch()
        watcher.wait(timeout=10)
        current = supervise._current(tmp_path)
        for pid in {server.pid, int(current["pid"])}:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        server.wait(timeout=10)


def test_a_killed_process_is_started_again(watched: tuple[Path, subprocess.Popen[bytes]]) -> None:
    directory, server = watched
    assert _ctl(directory, "status") == 0
    os.kill(server.pid, signal.SIGKILL)
    server.wait(timeout=10)
    _wait(lambda: supervise._current(directory)["restarts"] == 1 and _ctl(directory, "status") == 0)
    again = int(supervise._current(directory)["pid"])
    assert again != server.pid
    assert Path(f"/proc/{again}/cmdline").read_bytes().split(b"\0")[:3] == [a.encode() for a in PROGRAM]


def test_a_stopped_process_stays_down_until_started(watched: tuple[Path, subprocess.Popen[bytes]]) -> None:
    directory, server = watched
    assert _ctl(directory, "stop") == 0
    server.wait(timeout=10)
    time.sleep(supervise.RESTART_DELAY_S + 3 * supervise.POLL_S)  # a restart would have happened by now
    assert _ctl(directory, "status") == 3 and supervise._current(directory)["restarts"] == 0
    assert _ctl(directory, "start") == 0 and _ctl(directory, "status") == 0


def test_seekdb_is_never_started_without_telemetry_off() -> None:
    spec = {"argv": ["/x/seekdb", "--nodaemon"], "env": {"PATH": "/bin"}}
    assert not supervise._safe(spec)
    assert supervise._safe({**spec, "env": {"TELEMETRY_ENABLED": "false"}})
