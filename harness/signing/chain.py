"""Tamper evidence of a run: every host journal's hash chain, and the chain heads signed at certify time.

``chain.json`` (written by ``xcert certify --sign-key KEY`` when the run ends) holds the head of each
host's journal and the public key that signed them; ``chain.sig`` is the Ed25519 signature of
``chain.json``'s bytes. ``run_integrity`` walks every journal and, when the heads were signed,
checks the signature and that the heads are still those signed: ``xcert report`` flags a run that
fails, ``xcert bundle`` refuses it. The chain alone shows edits made without recomputing it; only
the signed heads show a journal rewritten from the first record (see docs/SECURITY.md).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from harness.journal import verify_chain
from harness.rundir import write_bytes_atomic
from harness.signing.keys import fingerprint

FORMAT = "xcert-chain/1"
CHAIN = "chain.json"
CHAIN_SIG = "chain.sig"
#: chain.json larger than this is not read
_MAX = 1024 * 1024


@dataclass
class Integrity:
    heads: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    signed_by: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "signed_by": self.signed_by, "problems": self.problems[:20]}


def journal_heads(run_dir: Path) -> Integrity:
    """The head of every host journal, and every place a chain is broken."""
    result = Integrity()
    folder = run_dir / "journal"
    if not folder.is_dir() or folder.is_symlink():
        return result
    for path in sorted(folder.glob("*.jsonl")):
        if path.is_symlink() or not path.is_file():
            result.problems.append(f"{path}: not a regular file")
            continue
        check = verify_chain(path)
        result.problems += check.problems[:5]
        result.heads[path.stem] = check.head
    return result


def sign_heads(run_dir: Path, key: Ed25519PrivateKey, run_id: str) -> Path:
    """Sign the heads of every journal of the run (the run's end): writes chain.json and chain.sig."""
    integrity = journal_heads(run_dir)
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    doc = {
        "format": FORMAT,
        "run_id": run_id,
        "heads": integrity.heads,
        "public_key": base64.b64encode(raw).decode(),
        "key_fingerprint": fingerprint(key.public_key()),
    }
    body = (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()
    write_bytes_atomic(run_dir / CHAIN, body, run_dir)
    write_bytes_atomic(run_dir / CHAIN_SIG, base64.b64encode(key.sign(body)) + b"\n", run_dir)
    return run_dir / CHAIN


def _signed(run_dir: Path, result: Integrity) -> dict[str, str] | None:
    """The signed heads (None: the run was not signed); a problem for every way the signature fails."""
    path, sig_path = run_dir / CHAIN, run_dir / CHAIN_SIG
    if not path.exists() and not sig_path.exists():
        return None
    try:
        if path.is_symlink() or sig_path.is_symlink() or path.stat().st_size > _MAX:
            raise ValueError("not a regular file of a sensible size")
        body, sig = path.read_bytes(), sig_path.read_bytes()
        doc = json.loads(body)
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(str(doc["public_key"]), validate=True))
        public.verify(base64.b64decode(sig.strip(), validate=True), body)
        heads = doc["heads"]
        if not isinstance(heads, dict) or doc.get("format") != FORMAT:
            raise ValueError("not an xcert chain file")
    except (OSError, ValueError, KeyError, TypeError, InvalidSignature) as exc:
        result.problems.append(f"{path}: the signed chain heads do not verify ({type(exc).__name__}: {exc})")
        return {}
    result.signed_by = fingerprint(public)
    return {str(k): str(v) for k, v in heads.items()}


def run_integrity(run_dir: Path) -> Integrity:
    """Every journal's chain, and the signed heads when the run was signed."""
    result = journal_heads(run_dir)
    signed = _signed(run_dir, result)
    if signed:
        for slug in sorted(set(signed) | set(result.heads)):
            if signed.get(slug) != result.heads.get(slug):
                result.problems.append(
                    f"{run_dir / 'journal' / (slug + '.jsonl')}: not the journal whose head was signed at the run's end"
                )
    return result
