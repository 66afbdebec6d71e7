"""Facts as files and command outputs, and the snapshot layout that stores them.

``files/<path without leading slash>`` and ``commands/<name>.txt`` (DESIGN.md), with
``commands/<name>.rc`` holding a probe's exit status when it was not 0. A snapshot may hold only
some of them; everything absent is simply unknown.
"""

from __future__ import annotations

import io
import tarfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from harness.errors import InputError, Location

#: a snapshot member larger than this is not read (a real /proc/cpuinfo is well under 1 MiB)
MAX_MEMBER = 8 * 1024 * 1024
#: all members of a snapshot together (the manifest's files and commands are far below this)
MAX_TOTAL = 32 * 1024 * 1024
#: members an archive may hold before it is refused (a snapshot has well under a hundred)
MAX_MEMBERS = 10_000
#: commands a snapshot may carry that no collector runs (captured by hand on the target; identify reads them)
CAPTURED_COMMANDS = ("db-version",)


@dataclass
class Facts:
    files: dict[str, bytes] = field(default_factory=dict)
    commands: dict[str, bytes] = field(default_factory=dict)
    rcs: dict[str, int] = field(default_factory=dict)

    def file(self, path: str) -> str | None:
        """A file's text, or None when the host has no such file (or it was not collected)."""
        data = self.files.get(path)
        return None if data is None else data.decode("utf-8", errors="replace")

    def command(self, name: str) -> str | None:
        """A command's output when it succeeded, else None."""
        data = self.commands.get(name)
        if data is None or self.rcs.get(name, 0) != 0:
            return None
        return data.decode("utf-8", errors="replace")

    def write_snapshot(self, root: Path) -> None:
        for path, data in self.files.items():
            target = root / "files" / path.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        (root / "commands").mkdir(parents=True, exist_ok=True)
        for name, data in self.commands.items():
            if self.rcs.get(name, 0) == 0:
                (root / "commands" / f"{name}.txt").write_bytes(data)


def _wanted() -> tuple[frozenset[str], frozenset[str]]:
    """The member names a snapshot may hold: the manifest's files, commands and named probes."""
    from harness.facts.manifest import COMMANDS, FILES, PROBES

    files = frozenset("files/" + f.lstrip("/") for f in FILES)
    names = (*COMMANDS, *PROBES, *CAPTURED_COMMANDS)
    # each command's output, and its exit status when it was not 0 (commands/<name>.rc)
    commands = frozenset(f"commands/{name}{suffix}" for name in names for suffix in (".txt", ".rc"))
    return files, commands


def _add_member(facts: Facts, rel: str, data: bytes) -> None:
    if rel.startswith("files/"):
        facts.files["/" + rel[len("files/") :]] = data
    elif rel.startswith("commands/") and rel.endswith(".txt"):
        facts.commands[rel[len("commands/") : -len(".txt")]] = data
    elif rel.startswith("commands/") and rel.endswith(".rc") and data.strip().lstrip(b"-").isdigit():
        # a probe's exit status when it was not 0 (the collectors write it beside the output)
        facts.rcs[rel[len("commands/") : -len(".rc")]] = int(data.strip()[:6])


def _member_name(name: str) -> str:
    while name.startswith("./"):
        name = name[2:]
    return name.lstrip("/")


def _strip_top(names: list[str]) -> str:
    """The folder a tarball wraps its snapshot in, if any (``snap/files/...``)."""
    for name in names:
        parts = _member_name(name).split("/")
        if "files" in parts[:2] or "commands" in parts[:2]:
            return "" if parts[0] in ("files", "commands") else parts[0] + "/"
    return ""


class _Budget:
    """What a snapshot may still add: MAX_TOTAL bytes over all members."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.left = MAX_TOTAL

    def take(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            raise InputError(Location(str(self.path)), f"snapshot larger than {MAX_TOTAL // (1024 * 1024)} MiB in all")


def _read_directory(path: Path, facts: Facts) -> None:
    root = path.resolve()
    files, commands = _wanted()
    budget = _Budget(path)
    for rel in sorted(files | commands):
        member = path / rel
        # a link is followed only where it stays inside the snapshot (a copied /etc/os-release
        # pointing at ../usr/lib/os-release); one pointing out would read this machine instead
        try:
            target = member.resolve(strict=True)
            if not target.is_relative_to(root) or not target.is_file():
                continue
            size = target.stat().st_size
            if size > MAX_MEMBER:
                continue
            budget.take(size)
            with open(target, "rb") as fh:
                data = fh.read(MAX_MEMBER + 1)
        except (OSError, RuntimeError):  # missing, unreadable, or a loop of links
            continue
        if len(data) <= MAX_MEMBER:
            _add_member(facts, rel, data)


def _read_archive(path: Path, facts: Facts) -> bool:
    """Read the wanted members; True when the archive is laid out as a snapshot (files/, commands/)."""
    with open(path, "rb") as fh:
        magic = fh.read(262)
    # only what the collectors write: a gzip-compressed tar, or a plain one; bz2, xz and others are refused
    gzipped = magic[:2] == b"\x1f\x8b"
    if not gzipped and magic[257:262] != b"ustar":
        raise InputError(Location(str(path)), "not a snapshot archive (a .tar.gz as `xcert collect` writes)")
    files, commands = _wanted()
    wanted = files | commands
    budget = _Budget(path)
    top: str | None = None
    count = 0
    with tarfile.open(path, "r:gz") if gzipped else tarfile.open(path, "r:") as tar:
        # members are read one at a time, as they stream: never all the headers at once
        for m in tar:
            count += 1
            if count > MAX_MEMBERS:
                raise InputError(Location(str(path)), f"more than {MAX_MEMBERS} members")
            name = _member_name(m.name)
            if top is None and {"files", "commands"} & set(name.split("/")[:2]):
                top = _strip_top([name])
            if top and name.startswith(top):
                name = name[len(top) :]
            if not m.isfile() or m.size > MAX_MEMBER or name not in wanted or "/../" in f"/{name}/":
                continue
            budget.take(m.size)
            extracted = tar.extractfile(m)
            if extracted is not None:
                _add_member(facts, name, extracted.read(MAX_MEMBER))
    return top is not None


def read_snapshot(path: Path) -> Facts:
    """Read a snapshot directory or .tar.gz; unreadable parts are left out, never fatal.

    Only the names the manifest lists are read (harness.facts.manifest FILES, COMMANDS, PROBES), each
    up to MAX_MEMBER bytes and MAX_TOTAL in all; an archive may be gzip-compressed (what the
    collectors write) and nothing else.
    """
    facts = Facts()
    if path.is_dir():
        _read_directory(path, facts)
        if not facts.files and not facts.commands and not any((path / d).is_dir() for d in ("files", "commands")):
            raise InputError(Location(str(path)), "not a snapshot: no files/ or commands/ inside")
        return facts
    if not path.exists():
        raise InputError(Location(str(path)), "snapshot not found")
    if not path.is_file():
        raise InputError(Location(str(path)), "not a snapshot: neither a directory nor a regular file")
    try:
        laid_out = _read_archive(path, facts)
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise InputError(Location(str(path)), f"not a readable snapshot archive ({exc})") from None
    if not facts.files and not facts.commands and not laid_out:
        raise InputError(Location(str(path)), "not a snapshot: no files/ or commands/ inside")
    return facts


def snapshot_bytes(facts: Facts) -> bytes:
    """The snapshot as a .tar.gz in memory."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        items = [("files/" + p.lstrip("/"), d) for p, d in facts.files.items()]
        items += [(f"commands/{n}.txt", d) for n, d in facts.commands.items() if facts.rcs.get(n, 0) == 0]
        for name, data in items:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()
