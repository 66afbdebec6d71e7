"""The bundle's container: a plain (uncompressed) POSIX ustar archive, written canonically.

Every member is a regular file with mode 0644, owner 0/0, no owner names and mtime 0, in a fixed
order. The same members always give the same bytes, so ``verify`` can rebuild the archive from
what it read and compare byte for byte: a change to a header, the padding or anything after the
end of the archive is caught as surely as a change to a file. No compression: compressors differ
between versions, the canonical form must not.
"""

from __future__ import annotations

import hashlib
import io
import tarfile
from collections.abc import Iterable
from typing import IO, Any


class ArchiveError(Exception):
    """The bytes are not a readable archive of regular files."""


def write_archive(members: Iterable[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    write_archive_to(buf, ((name, len(data), io.BytesIO(data)) for name, data in members))
    return buf.getvalue()


def write_archive_to(sink: IO[bytes], members: Iterable[tuple[str, int, IO[bytes]]]) -> None:
    """The canonical archive of ``(name, size, file)`` members, streamed to ``sink`` (files copied in chunks)."""
    with tarfile.open(fileobj=sink, mode="w", format=tarfile.USTAR_FORMAT, encoding="utf-8") as tar:
        for name, size, fh in members:
            info = tarfile.TarInfo(name)
            info.size = size
            info.mtime = 0
            info.mode = 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.type = tarfile.REGTYPE
            try:
                tar.addfile(info, fh)
            except ValueError as exc:  # a name too long for ustar
                raise ArchiveError(f"{name}: {exc}") from None


class HashSink(io.RawIOBase):
    """A write-only file that keeps only the SHA-256 and the length of what was written to it."""

    def __init__(self) -> None:
        super().__init__()
        self.sha = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.size

    def write(self, data: Any) -> int:
        view = memoryview(data)
        self.sha.update(view)
        self.size += view.nbytes
        return view.nbytes


def hash_stream(fh: IO[bytes], chunk: int = 1 << 20) -> tuple[str, int]:
    """SHA-256 (hex) and length of what ``fh`` holds from where it stands, read in chunks."""
    sha, size = hashlib.sha256(), 0
    for block in iter(lambda: fh.read(chunk), b""):
        sha.update(block)
        size += len(block)
    return sha.hexdigest(), size


def read_archive(data: bytes) -> list[tuple[str, bytes]]:
    """Members in archive order; anything but regular files is an error."""
    members: list[tuple[str, bytes]] = []
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:", encoding="utf-8") as tar:
            for info in tar:
                if not info.isreg():
                    raise ArchiveError(f"{info.name}: not a regular file")
                fh = tar.extractfile(info)
                if fh is None:
                    raise ArchiveError(f"{info.name}: unreadable")
                content = fh.read()
                if len(content) != info.size:
                    raise ArchiveError(f"{info.name}: truncated")
                members.append((info.name, content))
    except (tarfile.TarError, EOFError, UnicodeDecodeError) as exc:
        raise ArchiveError(str(exc)) from None
    return members


def first_difference(a: bytes, b: bytes) -> int:
    """Offset of the first byte where ``a`` and ``b`` differ (the shorter length if one is a prefix)."""
    for index, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return index
    return min(len(a), len(b))
