"""The bundle's container: a plain (uncompressed) POSIX ustar archive, written canonically.

Every member is a regular file with mode 0644, owner 0/0, no owner names and mtime 0, in a fixed
order. The same members always give the same bytes, so ``verify`` can rebuild the archive from
what it read and compare byte for byte: a change to a header, the padding or anything after the
end of the archive is caught as surely as a change to a file. No compression: compressors differ
between versions, the canonical form must not.
"""

from __future__ import annotations

import io
import tarfile
from collections.abc import Iterable


class ArchiveError(Exception):
    """The bytes are not a readable archive of regular files."""


def write_archive(members: Iterable[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT, encoding="utf-8") as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            info.mode = 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.type = tarfile.REGTYPE
            try:
                tar.addfile(info, io.BytesIO(data))
            except ValueError as exc:  # a name too long for ustar
                raise ArchiveError(f"{name}: {exc}") from None
    return buf.getvalue()


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
