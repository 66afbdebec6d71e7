"""Which files of a run directory a bundle carries, their SHA-256, and the evidence digest.

The evidence digest covers every file but the rendered reports (which show it, so they cannot be
part of it): results.json, run.json, journals, evidence, logs, waivers.yml, lab.toml. The report's
cover shows it as a QR code; ``xcert verify`` prints it, recomputed from the signed manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path

from harness.errors import XcertError

#: rendered from the rest, re-rendered in a bundle: outside the evidence digest
REPORT_FILE = re.compile(r"^(report(\.[A-Za-z_+-]+)?\.(html|pdf|docx|xlsx)|junit\.xml)$")


#: ansible-runner's artifacts that hold the controller's command line and environment: never bundled
ENVIRONMENT_ARTIFACT = re.compile(r"^provision/[^/]+/(env/.*|artifacts/[^/]+/(command|env\.list|job_env))$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class RunFileError(XcertError):
    """A run directory holds something a bundle must not carry (a link, a special file, an odd name)."""


def run_files(run_dir: Path) -> list[str]:
    """Paths (relative, POSIX) of the files a bundle carries: all but hidden files (locks, temporaries).

    A symbolic link, a special file or a name with control characters is refused (RunFileError): a
    bundle carries the run's own regular files, never what a link points to.
    """
    found = []
    for folder, dirs, files in os.walk(run_dir, followlinks=False):
        base = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in [*dirs, *files]:
            path = base / name
            rel = path.relative_to(run_dir).as_posix()
            if name.startswith("."):
                continue
            if _CONTROL.search(rel):
                raise RunFileError(f"{run_dir}: {rel!r}: a control character in a file name")
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                raise RunFileError(f"{run_dir / rel}: a symbolic link (a run carries only its own files)")
            if name in files and not stat.S_ISREG(mode):
                raise RunFileError(f"{run_dir / rel}: not a regular file")
            if name in files and not ENVIRONMENT_ARTIFACT.match(rel):
                found.append(rel)
    return sorted(found)


def is_report(rel: str) -> bool:
    return "/" not in rel and bool(REPORT_FILE.match(rel))


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def evidence_digest(hashes: Mapping[str, str]) -> str:
    """``sha256:<hex>`` over the JSON list of sorted ``[path, sha256]`` pairs of every non-report file.

    JSON-encoded, so no file name (a newline in it, say) can make two different sets read the same.
    """
    pairs = [[rel, hashes[rel]] for rel in sorted(hashes) if not is_report(rel)]
    text = json.dumps(pairs, ensure_ascii=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("ascii")).hexdigest()


def legacy_evidence_digest(hashes: Mapping[str, str]) -> str:
    """The digest of ``xcert-bundle/1`` manifests (newline-joined lines), kept only to verify old bundles."""
    lines = "".join(f"{hashes[rel]}  {rel}\n" for rel in sorted(hashes) if not is_report(rel))
    return "sha256:" + hashlib.sha256(lines.encode("utf-8")).hexdigest()


def hash_files(run_dir: Path, rels: Iterable[str]) -> dict[str, str]:
    return {rel: sha256_file(run_dir / rel) for rel in rels}


def run_evidence_digest(run_dir: Path) -> tuple[str, dict[str, str]]:
    """The evidence digest of a run directory and the SHA-256 of each evidence file."""
    hashes = hash_files(run_dir, (rel for rel in run_files(run_dir) if not is_report(rel)))
    return evidence_digest(hashes), hashes
