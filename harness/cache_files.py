"""Files of xcert's own caches (resolved inventories, the compiled catalog): where, and how kept.

A cache folder is ``$XCERT_CACHE_DIR``, else ``$XDG_CACHE_HOME/xcert``, else ``~/.cache/xcert``, with one
sub-folder per cache (mode 0700). An entry is written atomically (mode 0600) and read back only if it
is a regular file of this user that no one else may write; anything else is ignored.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


def cache_root() -> Path:
    explicit = os.environ.get("XCERT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "xcert"


def read_entry(path: Path) -> bytes | None:
    """The bytes of a cache entry, or None if absent or not safely ours."""
    try:
        st = path.lstat()
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid() or st.st_mode & 0o022:
            return None
        return path.read_bytes()
    except OSError:
        return None


def write_entry(path: Path, data: bytes, keep: int = 64) -> bool:
    """Write an entry atomically; keep at most ``keep`` entries in its folder (the oldest go)."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=path.suffix)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        entries = sorted(
            (p for p in folder.iterdir() if not p.name.startswith(".")),
            key=lambda p: p.stat().st_mtime_ns,
            reverse=True,
        )
        for old in entries[keep:]:
            with contextlib.suppress(OSError):
                old.unlink()
    except OSError:
        return False
    return True


def drop_entry(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
