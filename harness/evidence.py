"""Evidence: every command a check ran (command, exit code, output, duration, time), kept as files.

Evidence files live in ``evidence/<host>/`` of the run directory; checks refer to them by their
path relative to the run directory. Secrets are masked before anything is written.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from harness.errors import RunDirError
from harness.redact import SecretFilter
from harness.rundir import check_path_text, inside, write_text_atomic
from harness.transport.base import CommandResult

_SLUG = re.compile(r"[^A-Za-z0-9._-]+")


def slug(text: str, limit: int = 40) -> str:
    return _SLUG.sub("-", text).strip("-.")[:limit] or "x"


class EvidenceStore:
    def __init__(self, run_dir: Path, host_slug: str, secrets: SecretFilter) -> None:
        self.run_dir = run_dir
        check_path_text(host_slug, "host slug")
        if host_slug != slug(host_slug, limit=64):
            raise RunDirError(f"{host_slug!r}: not a host slug")
        self.folder = run_dir / "evidence" / host_slug
        links = (run_dir / "evidence").is_symlink() or self.folder.is_symlink()
        if links or not inside(run_dir, self.folder):
            raise RunDirError(f"{self.folder}: resolves outside the run directory's evidence/")
        self.folder.mkdir(parents=True, exist_ok=True)
        if not inside(run_dir, self.folder):
            raise RunDirError(f"{self.folder}: resolves outside the run directory's evidence/")
        self.secrets = secrets
        existing = [int(p.name[:5]) for p in self.folder.glob("[0-9][0-9][0-9][0-9][0-9]-*") if p.name[:5].isdigit()]
        self._seq = max(existing, default=0)

    def _path(self, name: str, suffix: str) -> Path:
        self._seq += 1
        # a file name is written too: a secret in a command's first word is masked there as well
        return self.folder / f"{self._seq:05d}-{slug(self.secrets.text(name))}{suffix}"

    def _ref(self, path: Path) -> str:
        return path.relative_to(self.run_dir).as_posix()

    def command(self, result: CommandResult, label: str | None = None) -> str:
        """Write one command's evidence; returns its reference."""
        record: dict[str, Any] = {
            "kind": "command",
            "command": self.secrets.text(result.command),
            "rc": result.rc,
            "stdout": self.secrets.text(result.stdout.decode("utf-8", errors="replace")),
            "stderr": self.secrets.text(result.stderr.decode("utf-8", errors="replace")),
            "duration_s": round(result.duration_s, 6),
            "started": result.started,
            "timed_out": result.timed_out,
            "truncated": result.truncated,
        }
        words = result.command.split()
        path = self._path(label or (words[0] if words else "cmd"), ".json")
        write_text_atomic(path, json.dumps(record, ensure_ascii=False, indent=1), self.run_dir)
        return self._ref(path)

    def document(self, name: str, payload: dict[str, Any]) -> str:
        """Write a JSON document (facts, events...) as evidence."""
        path = self._path(name, ".json")
        # masked as values first (a secret holding " or \\ is masked whole), then as text
        text = self.secrets.dumps(payload, ensure_ascii=False, indent=1, default=str)
        write_text_atomic(path, text, self.run_dir)
        return self._ref(path)

    def attachment(self, name: str, suffix: str, data: bytes) -> str:
        """Write a file a check made (samples as CSV, a plot as PNG) as evidence; text is masked."""
        path = self._path(name, suffix)
        if suffix in (".csv", ".txt"):
            data = self.secrets.text(data.decode("utf-8", errors="replace")).encode("utf-8")
        path.write_bytes(data)
        return self._ref(path)
