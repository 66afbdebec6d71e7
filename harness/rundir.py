"""The run directory: its layout, its metadata file, and the lock that keeps one writer.

reports/<run-id>/
  run.json              what was asked: hosts (no secrets), profile, tool, suite digest
  journal/<host>.jsonl  decisions, appended as they are made
  evidence/<host>/      every command, document and traceback
  logs/<host>.log       each host worker's output
  results.json          built from run.json + journals (the one source of truth for reports)
  junit.xml, report.<lang>.html, ...
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness.errors import RunDirError

REPORTS_DIR = Path(__file__).resolve().parent.parent / "reports"


#: what new_run_id() makes: a UTC time stamp and six hex digits
RUN_ID = re.compile(r"[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}")


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def write_json_atomic(path: Path, payload: Any) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(payload, fh, ensure_ascii=False, indent=1, sort_keys=False)
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def prepare(out: Path) -> Path:
    """Create (or check) a run directory that can be written; a clear error otherwise."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RunDirError(f"{out}: cannot create the run directory ({exc.strerror})") from None
    if not out.is_dir():
        raise RunDirError(f"{out}: not a directory")
    probe = out / ".xcert-write-test"
    try:
        probe.write_bytes(b"x" * 4096)
        probe.unlink()
    except OSError as exc:
        raise RunDirError(f"{out}: the run directory is not writable ({exc.strerror})") from None
    return out


class RunLock:
    """An exclusive lock on a run directory while a run writes it."""

    def __init__(self, run_dir: Path) -> None:
        self.path = run_dir / ".lock"
        self._fh: Any = None

    def __enter__(self) -> RunLock:
        self._fh = open(self.path, "a+")
        try:
            fcntl.flock(self._fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._fh.close()
            raise RunDirError(f"{self.path.parent}: another xcert run is writing this run directory") from None
        self._fh.truncate(0)
        self._fh.write(str(os.getpid()))
        self._fh.flush()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fh is not None:
            fcntl.flock(self._fh, fcntl.LOCK_UN)
            self._fh.close()


def load_run_meta(run_dir: Path) -> dict[str, Any]:
    path = run_dir / "run.json"
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RunDirError(f"{run_dir}: not an xcert run directory (no run.json)") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RunDirError(f"{path}: unreadable ({exc})") from None
    return data


def suite_digest(*roots: Path) -> str:
    """SHA-256 over the check code and catalog: same digest, same checks."""
    h = hashlib.sha256()
    for root in roots:
        files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".py", ".yml", ".yaml"))
        for path in files:
            if "__pycache__" in path.parts:
                continue
            h.update(path.relative_to(root).as_posix().encode() + b"\0")
            h.update(path.read_bytes() + b"\0")
    return "sha256:" + h.hexdigest()
