"""Facts as files and command outputs, and the snapshot layout that stores them.

``files/<path without leading slash>`` and ``commands/<name>.txt`` (DESIGN.md), with
``commands/<name>.rc`` holding a probe's exit status when it was not 0. A snapshot may hold only
some of them; everything absent is simply unknown.
"""

from __future__ import annotations

import io
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from harness.errors import InputError, Location

#: a snapshot member larger than this is not read (a real /proc/cpuinfo is well under 1 MiB)
MAX_MEMBER = 8 * 1024 * 1024


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


def _add_member(facts: Facts, rel: str, data: bytes) -> None:
    rel = rel.lstrip("./")
    if rel.startswith("files/"):
        facts.files["/" + rel[len("files/") :]] = data
    elif rel.startswith("commands/") and rel.endswith(".txt"):
        facts.commands[rel[len("commands/") : -len(".txt")]] = data
    elif rel.startswith("commands/") and rel.endswith(".rc") and data.strip().lstrip(b"-").isdigit():
        # a probe's exit status when it was not 0 (the collectors write it beside the output)
        facts.rcs[rel[len("commands/") : -len(".rc")]] = int(data.strip()[:6])


def _strip_top(names: list[str]) -> str:
    """The folder a tarball wraps its snapshot in, if any (``snap/files/...``)."""
    for name in names:
        parts = name.lstrip("./").split("/")
        if "files" in parts[:2] or "commands" in parts[:2]:
            return "" if parts[0] in ("files", "commands") else parts[0] + "/"
    return ""


def read_snapshot(path: Path) -> Facts:
    """Read a snapshot directory or .tar.gz; unreadable parts are left out, never fatal."""
    facts = Facts()
    if path.is_dir():
        root = path.resolve()
        for member in sorted(path.rglob("*")):
            # a link is followed only where it stays inside the snapshot (a copied /etc/os-release
            # pointing at ../usr/lib/os-release); one pointing out would read this machine instead
            target = member.resolve()
            if not target.is_relative_to(root) or not target.is_file():
                continue
            if target.stat().st_size <= MAX_MEMBER:
                _add_member(facts, member.relative_to(path).as_posix(), target.read_bytes())
        if not facts.files and not facts.commands:
            raise InputError(Location(str(path)), "not a snapshot: no files/ or commands/ inside")
        return facts
    if not path.exists():
        raise InputError(Location(str(path)), "snapshot not found")
    try:
        with tarfile.open(path, "r:*") as tar:
            members = [m for m in tar.getmembers() if m.isfile() and m.size <= MAX_MEMBER]
            top = _strip_top([m.name for m in members])
            for m in members:
                name = m.name.lstrip("./")
                if top and name.startswith(top):
                    name = name[len(top) :]
                extracted = tar.extractfile(m)
                if extracted is not None:
                    _add_member(facts, name, extracted.read())
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise InputError(Location(str(path)), f"not a readable snapshot archive ({exc})") from None
    if not facts.files and not facts.commands:
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
