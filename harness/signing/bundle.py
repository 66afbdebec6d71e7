"""``xcert bundle`` and ``xcert verify``: one signed archive of a run, checkable offline.

Layout (a canonical ustar archive, see archive.py)::

    manifest.json   format, run id, tool {name, version, suite_digest}, created, redacted,
                    key fingerprint, evidence digest, files [{path, sha256, size}]
    manifest.sig    the Ed25519 signature of manifest.json's bytes (base64, one line)
    run/...         every file of the run directory (reports re-rendered to show the seal)

``verify`` checks the signature with the given public key, every file against the manifest
(changed, added, removed), and then that the archive's bytes are exactly the canonical archive of
those members: nothing outside the files (headers, padding, trailing bytes) can change unseen.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from harness.errors import InputError, Location, UsageError
from harness.signing.archive import ArchiveError, first_difference, hash_stream, write_archive_to
from harness.signing.keys import fingerprint
from harness.signing.manifest import (
    evidence_digest,
    hash_files,
    is_report,
    legacy_evidence_digest,
    run_files,
    sha256_file,
)

#: /2: the evidence digest is over JSON-encoded [path, sha256] pairs (/1 joined lines, which names could forge)
FORMAT = "xcert-bundle/2"
LEGACY_FORMAT = "xcert-bundle/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
PREFIX = "run/"
#: manifest.json and manifest.sig larger than this are not read
MAX_MANIFEST = 64 * 1024 * 1024
#: members a bundle may hold (a run has a few thousand files)
MAX_MEMBERS = 1_000_000


def _report_editions(rels: list[str]) -> tuple[list[str], list[str]]:
    """Languages and formats of the reports a run holds (report.<lang>.<fmt>)."""
    langs: list[str] = []
    formats: list[str] = []
    for rel in rels:
        parts = rel.split(".")
        if is_report(rel) and len(parts) == 3 and parts[0] == "report":
            if parts[1] not in langs:
                langs.append(parts[1])
            if parts[2] not in formats:
                formats.append(parts[2])
    if "junit.xml" in rels:
        formats.append("junit")
    return langs, formats


def stage_run(run_dir: Path, stage: Path, key: Ed25519PrivateKey, redact: bool) -> dict[str, Any]:
    """Copy (or redact) a run into ``stage`` and re-render its reports with the seal; returns the seal."""
    from harness.reporting.render import render_reports
    from harness.results import load_results
    from harness.signing.chain import run_integrity
    from harness.signing.redact import redact_run

    if not (run_dir / "results.json").is_file():
        raise UsageError(f"{run_dir}: no results.json (run `xcert report {run_dir}` first)")
    from harness.results import validate

    rels = run_files(run_dir)  # a link or a special file anywhere in the run: refused
    try:
        problems = validate(load_results(run_dir))
    except (ValueError, RecursionError) as exc:
        problems = [str(exc)]
    if problems:
        raise InputError(Location(str(run_dir / "results.json")), f"not valid results ({problems[0]})")
    integrity = run_integrity(run_dir)
    if not integrity.ok:
        raise InputError(
            Location(str(run_dir)), f"refusing to sign a run that does not verify: {integrity.problems[0]}"
        )
    evidence = [rel for rel in rels if not is_report(rel)]
    if redact:
        redact_run(run_dir, evidence, stage)
    else:
        for rel in evidence:
            (stage / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(run_dir / rel, stage / rel)
    hashes = hash_files(stage, run_files(stage))
    seal = {
        "evidence_digest": evidence_digest(hashes),
        "key_fingerprint": fingerprint(key.public_key()),
        "redacted": redact,
    }
    langs, formats = _report_editions(rels)
    if formats:
        results = load_results(stage)
        asked = list(results.get("langs") or [])  # the run's first language is also report.<fmt>
        langs.sort(key=lambda lang: asked.index(lang) if lang in asked else len(asked))
        render_reports(results, stage, langs or ["en"], formats, seal=seal)
    return seal


def make_bundle(run_dir: Path, key: Ed25519PrivateKey, out: Path, redact: bool = False) -> dict[str, Any]:
    """Write the signed bundle of ``run_dir`` to ``out``; returns its manifest.

    Files are hashed and archived as streams (memory stays flat whatever the run's size); the archive is
    written beside ``out`` and renamed into place, so ``out`` is either the whole bundle or untouched.
    """
    with tempfile.TemporaryDirectory(prefix="xcert-bundle-") as tmp:
        stage = Path(tmp)
        seal = stage_run(run_dir, stage, key, redact)
        rels = run_files(stage)
        results = json.loads((stage / "results.json").read_text(encoding="utf-8"))
        manifest = {
            "format": FORMAT,
            "run_id": results.get("run_id"),
            "tool": results.get("tool", {}),
            "verdict": results.get("verdict"),
            "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "redacted": redact,
            "key_fingerprint": seal["key_fingerprint"],
            "evidence_digest": seal["evidence_digest"],
            "files": [
                {"path": PREFIX + rel, "sha256": sha256_file(stage / rel), "size": (stage / rel).stat().st_size}
                for rel in rels
            ],
        }
        manifest_bytes = (json.dumps(manifest, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
        signature = base64.b64encode(key.sign(manifest_bytes)) + b"\n"
        partial = out.with_name(f".{out.name}.partial")
        try:
            with contextlib.ExitStack() as stack:
                sink = stack.enter_context(open(partial, "wb"))
                members: list[tuple[str, int, IO[bytes]]] = [
                    (MANIFEST, len(manifest_bytes), io.BytesIO(manifest_bytes)),
                    (SIGNATURE, len(signature), io.BytesIO(signature)),
                ]
                for entry, rel in zip(manifest["files"], rels, strict=True):
                    members.append((entry["path"], entry["size"], stack.enter_context(open(stage / rel, "rb"))))
                write_archive_to(sink, members)
            os.replace(partial, out)
        except ArchiveError as exc:
            partial.unlink(missing_ok=True)
            raise InputError(Location(str(run_dir)), f"cannot be bundled: {exc}") from None
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise UsageError(f"{out}: cannot write the bundle ({exc.strerror})") from None
    return manifest


@dataclass
class Verification:
    problems: list[str] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)
    files: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_bundle(data: bytes, public: Ed25519PublicKey) -> Verification:
    """Every way ``data`` differs from what the key signed, as readable lines (none: it verifies)."""
    return verify_stream(io.BytesIO(data), public)


def verify_file(path: Path, public: Ed25519PublicKey) -> Verification:
    """``verify_bundle`` of a file, read in chunks: memory stays flat whatever the bundle's size."""
    with open(path, "rb") as fh:
        return verify_stream(fh, public)


def _read_members(fh: IO[bytes], result: Verification) -> tuple[dict[str, bytes], dict[str, tuple[str, int, int]]]:
    """manifest.json and manifest.sig (read whole, bounded) and every member's (sha256, size, offset)."""
    small: dict[str, bytes] = {}
    seen: dict[str, tuple[str, int, int]] = {}
    with tarfile.open(fileobj=fh, mode="r:", encoding="utf-8") as tar:
        for info in tar:
            if not info.isreg():
                raise ArchiveError(f"{info.name}: not a regular file")
            src = tar.extractfile(info)
            if src is None:
                raise ArchiveError(f"{info.name}: unreadable")
            if info.name in (MANIFEST, SIGNATURE):
                if info.size > MAX_MANIFEST:
                    raise ArchiveError(f"{info.name}: larger than {MAX_MANIFEST} bytes")
                content = src.read()
                small[info.name] = content
                digest, size = hashlib.sha256(content).hexdigest(), len(content)
            else:
                digest, size = hash_stream(src)
            if size != info.size:
                raise ArchiveError(f"{info.name}: truncated")
            if info.name in seen:
                result.problems.append(f"duplicate: {info.name}")
            if len(seen) >= MAX_MEMBERS:
                raise ArchiveError(f"more than {MAX_MEMBERS} members")
            seen[info.name] = (digest, size, info.offset_data)
    return small, seen


class _Section(io.RawIOBase):
    """``size`` bytes of ``fh`` from ``offset``, read by explicit seeks (the file is shared)."""

    def __init__(self, fh: IO[bytes], offset: int, size: int) -> None:
        super().__init__()
        self.fh, self.pos, self.end = fh, offset, offset + size

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = self.end - self.pos if n is None or n < 0 else min(n, self.end - self.pos)
        self.fh.seek(self.pos)
        data = self.fh.read(n)
        self.pos += len(data)
        return data


class _Compare(io.RawIOBase):
    """A sink comparing what is written to it with ``fh`` byte for byte; keeps the first difference."""

    def __init__(self, fh: IO[bytes]) -> None:
        super().__init__()
        self.fh, self.pos = fh, 0
        self.first: int | None = None

    def writable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        if self.first is None:
            self.fh.seek(self.pos)
            other = self.fh.read(len(chunk))
            if other != chunk:
                self.first = self.pos + first_difference(chunk, other)
        self.pos += len(chunk)
        return len(chunk)


def _check_signature(result: Verification, public: Ed25519PublicKey, manifest_bytes: bytes, signature: bytes) -> None:
    try:
        raw = base64.b64decode(signature.removesuffix(b"\n"), validate=True)
        if base64.b64encode(raw) + b"\n" != signature:
            raise ValueError("not in the form it was written")
        public.verify(raw, manifest_bytes)
    except (InvalidSignature, ValueError):
        result.problems.append(
            f"signature: {MANIFEST} was not signed by the key {fingerprint(public)} (another key, or a changed manifest)"
        )


def _read_manifest(manifest_bytes: bytes) -> tuple[dict[str, Any], dict[str, tuple[str, int]]]:
    """The manifest and its file list (path -> SHA-256, size); an unreadable one raises ValueError."""
    try:
        manifest = json.loads(manifest_bytes)
        entries = {str(f["path"]): (str(f["sha256"]), int(f["size"])) for f in manifest["files"]}
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        raise ValueError(f"{MANIFEST}: unreadable ({exc})") from None
    if not isinstance(manifest, dict):
        raise ValueError(f"{MANIFEST}: unreadable (not an object)")
    return manifest, entries


def _compare_files(
    result: Verification, entries: dict[str, tuple[str, int]], seen: dict[str, tuple[str, int, int]]
) -> None:
    """Every file of the manifest present and unchanged, none added."""
    for name, (digest, size) in entries.items():
        if name not in seen:
            result.problems.append(f"removed: {name}")
        elif seen[name][0] != digest or seen[name][1] != size:
            result.problems.append(f"changed: {name} (SHA-256 differs from the manifest)")
    for name in seen:
        if name not in entries and name not in (MANIFEST, SIGNATURE):
            result.problems.append(f"added: {name}")


def _check_evidence_digest(result: Verification, manifest: dict[str, Any], entries: dict[str, tuple[str, int]]) -> None:
    hashes = {name[len(PREFIX) :]: digest for name, (digest, _) in entries.items() if name.startswith(PREFIX)}
    digest = legacy_evidence_digest(hashes) if manifest.get("format") == LEGACY_FORMAT else evidence_digest(hashes)
    if manifest.get("evidence_digest") != digest:
        result.problems.append("evidence digest: the manifest's digest does not match its file list")


def _check_layout(
    result: Verification,
    fh: IO[bytes],
    small: dict[str, bytes],
    entries: dict[str, tuple[str, int]],
    seen: dict[str, tuple[str, int, int]],
) -> None:
    """The archive rewritten from its members must be the file byte for byte (nothing hides between them)."""
    manifest_bytes, signature = small[MANIFEST], small[SIGNATURE]
    ordered: list[tuple[str, int, IO[bytes]]] = [
        (MANIFEST, len(manifest_bytes), io.BytesIO(manifest_bytes)),
        (SIGNATURE, len(signature), io.BytesIO(signature)),
    ]
    ordered += [(n, seen[n][1], _Section(fh, seen[n][2], seen[n][1])) for n in entries]  # type: ignore[misc]
    sink = _Compare(fh)
    write_archive_to(sink, ordered)  # type: ignore[arg-type]
    fh.seek(0, os.SEEK_END)
    size = fh.tell()
    offset = sink.first if sink.first is not None else (None if sink.pos == size else min(sink.pos, size))
    if offset is not None:
        result.problems.append(
            f"archive: bytes outside the files differ from the signed layout at offset {offset}"
            f" (size {size}, expected {sink.pos})"
        )


def verify_stream(fh: IO[bytes], public: Ed25519PublicKey) -> Verification:
    """``verify_bundle`` of an open, seekable bundle file."""
    result = Verification()
    try:
        small, seen = _read_members(fh, result)
    except (ArchiveError, tarfile.TarError, EOFError, UnicodeDecodeError, OSError) as exc:
        result.problems.append(f"not a readable bundle: {exc}")
        return result
    manifest_bytes = small.get(MANIFEST)
    signature = small.get(SIGNATURE)
    if manifest_bytes is None or signature is None:
        result.problems.append(f"not an xcert bundle: {MANIFEST} or {SIGNATURE} is missing")
        return result
    _check_signature(result, public, manifest_bytes, signature)
    try:
        manifest, entries = _read_manifest(manifest_bytes)
    except ValueError as exc:
        result.problems.append(str(exc))
        return result
    result.manifest = manifest
    result.files = len(entries)
    _compare_files(result, entries, seen)
    _check_evidence_digest(result, manifest, entries)
    if not result.problems:
        _check_layout(result, fh, small, entries, seen)
    return result
