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
import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from harness.errors import InputError, Location, UsageError
from harness.signing.archive import ArchiveError, first_difference, read_archive, write_archive
from harness.signing.keys import fingerprint
from harness.signing.manifest import evidence_digest, hash_files, is_report, run_files

FORMAT = "xcert-bundle/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
PREFIX = "run/"


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
    from harness.signing.redact import redact_run

    if not (run_dir / "results.json").is_file():
        raise UsageError(f"{run_dir}: no results.json (run `xcert report {run_dir}` first)")
    rels = run_files(run_dir)
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
    """Write the signed bundle of ``run_dir`` to ``out``; returns its manifest."""
    with tempfile.TemporaryDirectory(prefix="xcert-bundle-") as tmp:
        stage = Path(tmp)
        seal = stage_run(run_dir, stage, key, redact)
        rels = run_files(stage)
        contents = {rel: (stage / rel).read_bytes() for rel in rels}
    results = json.loads(contents["results.json"])
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
            {"path": PREFIX + rel, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for rel, data in contents.items()
        ],
    }
    manifest_bytes = (json.dumps(manifest, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    signature = base64.b64encode(key.sign(manifest_bytes)) + b"\n"
    members = [(MANIFEST, manifest_bytes), (SIGNATURE, signature)]
    members += [(PREFIX + rel, data) for rel, data in contents.items()]
    try:
        data = write_archive(members)
    except ArchiveError as exc:
        raise InputError(Location(str(run_dir)), f"cannot be bundled: {exc}") from None
    try:
        out.write_bytes(data)
    except OSError as exc:
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
    result = Verification()
    try:
        members = read_archive(data)
    except ArchiveError as exc:
        result.problems.append(f"not a readable bundle: {exc}")
        return result
    by_name: dict[str, bytes] = {}
    for name, content in members:
        if name in by_name:
            result.problems.append(f"duplicate: {name}")
        by_name[name] = content
    manifest_bytes = by_name.get(MANIFEST)
    signature = by_name.get(SIGNATURE)
    if manifest_bytes is None or signature is None:
        result.problems.append(f"not an xcert bundle: {MANIFEST} or {SIGNATURE} is missing")
        return result
    try:
        raw = base64.b64decode(signature.removesuffix(b"\n"), validate=True)
        if base64.b64encode(raw) + b"\n" != signature:
            raise ValueError("not in the form it was written")
        public.verify(raw, manifest_bytes)
    except (InvalidSignature, ValueError):
        result.problems.append(
            f"signature: {MANIFEST} was not signed by the key {fingerprint(public)} (another key, or a changed manifest)"
        )
    try:
        manifest = json.loads(manifest_bytes)
        entries = {str(f["path"]): (str(f["sha256"]), int(f["size"])) for f in manifest["files"]}
    except (ValueError, KeyError, TypeError) as exc:
        result.problems.append(f"{MANIFEST}: unreadable ({exc})")
        return result
    result.manifest = manifest
    result.files = len(entries)
    for name, (digest, size) in entries.items():
        if name not in by_name:
            result.problems.append(f"removed: {name}")
        elif hashlib.sha256(by_name[name]).hexdigest() != digest or len(by_name[name]) != size:
            result.problems.append(f"changed: {name} (SHA-256 differs from the manifest)")
    for name in by_name:
        if name not in entries and name not in (MANIFEST, SIGNATURE):
            result.problems.append(f"added: {name}")
    hashes = {name[len(PREFIX) :]: digest for name, (digest, _) in entries.items() if name.startswith(PREFIX)}
    if manifest.get("evidence_digest") != evidence_digest(hashes):
        result.problems.append("evidence digest: the manifest's digest does not match its file list")
    if not result.problems:
        ordered = [(MANIFEST, manifest_bytes), (SIGNATURE, signature)] + [(n, by_name[n]) for n in entries]
        canonical = write_archive(ordered)
        if canonical != data:
            offset = first_difference(canonical, data)
            result.problems.append(
                f"archive: bytes outside the files differ from the signed layout at offset {offset}"
                f" (size {len(data)}, expected {len(canonical)})"
            )
    return result
