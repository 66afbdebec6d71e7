"""Cleanup signals: one named pipe per host, which the cleanup playbook reads before it removes anything.

The cleanup job starts while the checks still run (harness.provision.fleet); its task's condition reads
the host's pipe (``lookup('file', xc_cleanup_signal)``), which blocks that host's fork until xcert writes
``go`` (the host's checks ended) or ``skip`` (the run was interrupted). Nothing polls on Ansible's side
and no process is started for the wait. xcert's writer opens the pipe without blocking and tries again
while the host's fork has not opened it yet, so a host Ansible never reaches (a job that ended early)
holds no thread of xcert's for ever: :meth:`Signals.close` ends the writers that are left.
"""

from __future__ import annotations

import contextlib
import errno
import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path

GO = "go"
SKIP = "skip"
#: seconds between two tries of a writer whose reader has not opened its pipe yet
RETRY_S = 0.1


class Signals:
    def __init__(self, folder: Path, names: Sequence[str]) -> None:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.folder = folder
        self.paths = {name: folder / f"host-{i}" for i, name in enumerate(names, start=1)}
        for path in self.paths.values():
            os.mkfifo(path, 0o600)
        self.sent: dict[str, str] = {}
        self.sent_at: dict[str, float] = {}  # monotonic
        self.lock = threading.Lock()
        self.closed = threading.Event()
        self.writers: list[threading.Thread] = []

    def path(self, name: str) -> str:
        return str(self.paths[name])

    def send(self, name: str, word: str) -> None:
        """Tell host ``name``'s cleanup to go on (``go``) or to remove nothing (``skip``); once per host."""
        with self.lock:
            if name not in self.paths or name in self.sent or self.closed.is_set():
                return
            self.sent[name] = word
            self.sent_at[name] = time.monotonic()
            writer = threading.Thread(target=self._write, args=(self.paths[name], word), daemon=True)
            self.writers.append(writer)
        writer.start()

    def when(self, name: str) -> float | None:
        """When the host's word was sent (monotonic), None before."""
        with self.lock:
            return self.sent_at.get(name)

    def word(self, name: str) -> str | None:
        with self.lock:
            return self.sent.get(name)

    def send_rest(self, word: str) -> None:
        for name in self.paths:
            self.send(name, word)

    def _write(self, path: Path, word: str) -> None:
        while not self.closed.is_set():
            try:
                fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as exc:
                if exc.errno != errno.ENXIO:  # ENXIO: no reader yet
                    return
                self.closed.wait(RETRY_S)
                continue
            try:
                os.write(fd, f"{word}\n".encode())
            except OSError:  # the reader went away (its job was cancelled)
                pass
            finally:
                os.close(fd)
            return

    def close(self) -> None:
        """End the writers still waiting and remove the pipes."""
        self.closed.set()
        with self.lock:
            writers = list(self.writers)
        for writer in writers:
            writer.join()
        for path in self.paths.values():
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        with contextlib.suppress(OSError):
            self.folder.rmdir()


__all__ = ["GO", "RETRY_S", "SKIP", "Signals"]
