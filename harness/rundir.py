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

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import re
import secrets
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness.errors import RunDirError

#: run.json larger than this is not read (a real one is a few KiB)
RUN_META_CAP = 16 * 1024 * 1024
REPORTS_DIR = Path(__file__).resolve().parent.parent / "reports"


def controller_tag() -> str:
    """Six hex digits that differ between controllers (from /etc/machine-id, else the host name), so
    run ids made at the same second on two machines do not collide when their runs are merged."""
    import socket

    try:
        seed = Path("/etc/machine-id").read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        seed = ""
    return hashlib.sha256((seed or socket.gethostname()).encode()).hexdigest()[:6]


#: what new_run_id() makes: a UTC time stamp, the controller tag and six random hex digits (older runs: one part)
RUN_ID = re.compile(r"[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}(-[0-9a-f]{6})?")


def new_run_id() -> str:
    """``<UTC time>-<controller tag><random>``, e.g. ``20261201T112305Z-3fa2c1-9b04e7``."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + controller_tag() + "-" + secrets.token_hex(3)


#: control characters are refused in any path a run writes or reads (they forge lines in logs and digests)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def check_path_text(text: str, what: str = "path") -> str:
    """``text`` itself, or RunDirError when it holds a control character."""
    if _CONTROL.search(text):
        raise RunDirError(f"{what} {text!r}: control characters are not allowed in a path")
    return text


def inside(root: Path, path: Path) -> bool:
    """Whether ``path`` (links followed) resolves under ``root`` (links followed)."""
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def resolve_under(root: Path, rel: str, folder: str = "") -> Path:
    """``root/rel`` when ``rel`` is a plain relative path that stays under ``root/folder`` (no link leaves it)."""
    check_path_text(rel, "reference")
    parts = Path(rel).parts
    if not rel or Path(rel).is_absolute() or ".." in parts:
        raise RunDirError(f"{rel!r}: not a path inside the run directory")
    base = root / folder if folder else root
    path = root / rel
    if not inside(base, path) or not inside(root, base) or base.is_symlink():
        raise RunDirError(f"{rel!r}: resolves outside {base}")
    return path


def read_bounded(path: Path, cap: int) -> bytes:
    """A regular file's bytes, at most ``cap`` of them (more: OSError EFBIG); never a link, FIFO or device.

    Files of a run directory are data: a link to /dev/zero or a FIFO must not hang or exhaust the reader.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        data = fh.read(cap + 1)
    if len(data) > cap:
        raise OSError(errno.EFBIG, f"larger than {cap} bytes", str(path))
    return data


def write_bytes_atomic(path: Path, data: bytes, root: Path | None = None) -> None:
    """Write ``path`` through a temporary file renamed into place; a symbolic link there is refused.

    With ``root``, the destination's folder must also resolve under ``root`` (no link in between leads
    out of the run directory). The temporary file is created exclusively and never follows a link.
    """
    check_path_text(str(path))
    if path.is_symlink():
        raise RunDirError(f"{path}: is a symbolic link; refusing to write through it")
    if root is not None and not inside(root, path.parent):
        raise RunDirError(f"{path}: resolves outside the run directory {root}")
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_text_atomic(path: Path, text: str, root: Path | None = None) -> None:
    write_bytes_atomic(path, text.encode("utf-8"), root)


def copy_atomic(src: Path, dest: Path, root: Path | None = None) -> None:
    """Copy a file the run wrote (never through a link) to ``dest``, atomically."""
    if src.is_symlink():
        raise RunDirError(f"{src}: is a symbolic link; refusing to copy it")
    write_bytes_atomic(dest, src.read_bytes(), root)


def write_json_atomic(path: Path, payload: Any, root: Path | None = None) -> None:
    text = json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=False) + "\n"
    write_text_atomic(path, text, root)


def prepare(out: Path) -> Path:
    """Create (or check) a run directory that can be written; a clear error otherwise."""
    check_path_text(str(out), "run directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RunDirError(f"{out}: cannot create the run directory ({exc.strerror})") from None
    if not out.is_dir():
        raise RunDirError(f"{out}: not a directory")
    probe = out / f".xcert-write-test-{secrets.token_hex(4)}"
    try:
        # created exclusively, never through a link planted at its name
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            os.write(fd, b"x" * 4096)
        finally:
            os.close(fd)
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
        try:  # never through a link planted at the lock's name (it is truncated below)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        except OSError as exc:
            raise RunDirError(f"{self.path}: cannot lock the run directory ({exc.strerror})") from None
        self._fh = os.fdopen(fd, "r+")
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
        data: dict[str, Any] = json.loads(read_bounded(path, RUN_META_CAP).decode("utf-8"))
    except FileNotFoundError:
        raise RunDirError(f"{run_dir}: not an xcert run directory (no run.json)") from None
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise RunDirError(f"{path}: unreadable ({exc})") from None
    except OSError as exc:
        raise RunDirError(f"{path}: cannot read ({exc.strerror})") from None
    if not isinstance(data, dict):
        raise RunDirError(f"{path}: not a run description (a JSON object)")
    hosts = data.get("hosts", [])
    if not isinstance(hosts, list) or not all(isinstance(h, dict) for h in hosts):
        raise RunDirError(f"{path}: hosts: not a list of objects")
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
