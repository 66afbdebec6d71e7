"""The run journal: one JSON line per decision, appended and flushed to disk as it is made.

A crash or ``kill -9`` loses nothing already written; results.json is rebuilt from the journal.
Each host has its own journal file, written by that host's worker alone.

Each line carries ``prev``, the SHA-256 of the line before it (``GENESIS`` for the first): the
journal is a hash chain as it is written, and its head (the SHA-256 of its last line) is what
``xcert certify --sign-key`` signs (harness.signing.chain). Secrets are masked in the record's
values before it is encoded.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.redact import SecretFilter

#: ``prev`` of a journal's first record
GENESIS = "0" * 64
#: a journal line longer than this is not read (a hostile journal cannot exhaust the reader)
MAX_LINE = 4 * 1024 * 1024
#: a journal larger than this is not read at all
MAX_JOURNAL = 256 * 1024 * 1024


def line_hash(line: bytes) -> str:
    return hashlib.sha256(line).hexdigest()


def _last_line_hash(path: Path) -> str:
    """The chain head of an existing journal: the hash of its last complete, readable line."""
    head = GENESIS
    for raw, record in _lines(path):
        if record is not None:
            head = line_hash(raw)
    return head


class Journal:
    def __init__(self, path: Path, secrets: SecretFilter | None = None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink() or path.parent.is_symlink():
            raise OSError(f"{path}: refusing to write through a symbolic link")
        self.path = path
        self.secrets = secrets or SecretFilter()
        self._fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        self._prev = _last_line_hash(path)
        size = os.fstat(self._fd).st_size
        if size and os.pread(self._fd, 1, size - 1) != b"\n":
            os.write(self._fd, b"\n")  # a line torn by a crash stays alone on its line (and is ignored)

    @property
    def head(self) -> str:
        return self._prev

    def append(self, record: dict[str, Any]) -> None:
        masked = self.secrets.value({k: v for k, v in record.items() if k != "prev"})
        masked["prev"] = self._prev
        body = json.dumps(masked, ensure_ascii=False, sort_keys=True).encode("utf-8")
        # one write() per record: appends of one line never interleave or tear mid-line
        os.write(self._fd, body + b"\n")
        os.fsync(self._fd)
        self._prev = line_hash(body)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def _lines(path: Path) -> Iterator[tuple[bytes, dict[str, Any] | None]]:
    """Each line of a journal and its record (None: not a readable record).

    Only a regular file is read (never through a link, never a FIFO or a device), at most MAX_JOURNAL
    bytes, each line at most MAX_LINE bytes: a hostile journal cannot hang or exhaust the reader.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return
    except OSError:  # a link, or unreadable
        return
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_JOURNAL:
            return
        while True:
            raw = fh.readline(MAX_LINE + 1)
            if not raw:
                return
            if len(raw) > MAX_LINE:
                while raw and not raw.endswith(b"\n"):  # skip the rest of an overlong line
                    raw = fh.readline(MAX_LINE + 1)
                yield b"<overlong>", None
                continue
            line = raw.rstrip(b"\n")
            try:
                record = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
                yield line, None
                continue
            yield line, record if isinstance(record, dict) else None


def read_journal(path: Path) -> Iterator[dict[str, Any]]:
    """Records of a journal (without their chain link); a last line torn by a crash is ignored."""
    for _, record in _lines(path):
        if record is not None:
            record.pop("prev", None)
            yield record


@dataclass
class ChainCheck:
    """Whether a journal's hash chain holds, and its head."""

    head: str = GENESIS
    records: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_chain(path: Path) -> ChainCheck:
    """Walk the chain: every record must name the hash of the readable record before it."""
    check = ChainCheck()
    torn: int | None = None
    for number, (raw, record) in enumerate(_lines(path), start=1):
        if torn is not None:
            check.problems.append(f"{path}:{torn}: not a journal record")
            torn = None
        if record is None:
            torn = number if raw else None
            continue
        if record.get("prev") != check.head:
            check.problems.append(f"{path}:{number}: hash chain broken (a record changed, removed or inserted)")
        check.head = line_hash(raw)
        check.records += 1
    # an unreadable last line is what a crash leaves: allowed (it is not part of the chain)
    return check
