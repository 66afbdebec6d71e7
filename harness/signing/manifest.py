"""Which files of a run directory a bundle carries, their SHA-256, and the evidence digest.

The evidence digest covers every file but the rendered reports (which show it, so they cannot be
part of it): results.json, run.json, journals, evidence, logs, waivers.yml, lab.toml. The report's
cover shows it as a QR code; ``xcert verify`` prints it, recomputed from the signed manifest.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

#: rendered from the rest, re-rendered in a bundle: outside the evidence digest
REPORT_FILE = re.compile(r"^(report(\.[A-Za-z_+-]+)?\.(html|pdf|docx|xlsx)|junit\.xml)$")


def run_files(run_dir: Path) -> list[str]:
    """Paths (relative, POSIX) of the files a bundle carries: all but hidden files (locks, temporaries)."""
    found = []
    for path in run_dir.rglob("*"):
        rel = path.relative_to(run_dir)
        if path.is_file() and not any(part.startswith(".") for part in rel.parts):
            found.append(rel.as_posix())
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
    """``sha256:<hex>`` over the sorted ``<sha256>  <path>`` lines of every non-report file."""
    lines = "".join(f"{hashes[rel]}  {rel}\n" for rel in sorted(hashes) if not is_report(rel))
    return "sha256:" + hashlib.sha256(lines.encode("utf-8")).hexdigest()


def hash_files(run_dir: Path, rels: Iterable[str]) -> dict[str, str]:
    return {rel: sha256_file(run_dir / rel) for rel in rels}


def run_evidence_digest(run_dir: Path) -> tuple[str, dict[str, str]]:
    """The evidence digest of a run directory and the SHA-256 of each evidence file."""
    hashes = hash_files(run_dir, (rel for rel in run_files(run_dir) if not is_report(rel)))
    return evidence_digest(hashes), hashes
