"""Killing a whole xcert run as a crash would: the command and every worker (each in a session of its own)."""

from __future__ import annotations

import contextlib
import os
import signal
from pathlib import Path


def _descendants(pid: int) -> list[int]:
    """Every live process below ``pid`` (workers run in sessions of their own: killpg does not reach them)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text(encoding="ascii").rpartition(")")[2].split()
        except (OSError, UnicodeDecodeError):
            continue  # gone meanwhile
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def kill_run(pid: int) -> None:
    """SIGKILL the run and everything it started: stopped first, so it cannot start another worker meanwhile."""
    os.kill(pid, signal.SIGSTOP)
    for child in _descendants(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGSTOP)
    victims = [pid, *_descendants(pid)]
    for victim in victims:
        with contextlib.suppress(ProcessLookupError):
            os.kill(victim, signal.SIGKILL)
