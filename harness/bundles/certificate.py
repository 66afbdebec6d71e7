"""The bundle certificate (certificate.<lang>.html / .pdf) and signing a matrix directory.

The certificate cites every run it rests on: its run id, report id and evidence digest. A matrix
output directory is signed into the same bundle format as a run (``xcert bundle MATRIX_DIR``), so
``xcert verify`` checks it offline, byte for byte.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness.errors import UsageError


def cited_runs(m: dict[str, Any]) -> list[dict[str, Any]]:
    """The runs a bundle verdict rests on (role results, problems and cross-host checks), newest first."""
    bundle = m.get("bundle") or {}
    wanted = set()
    for role in bundle.get("roles", []):
        wanted |= {r["run_uid"] for r in role["results"]}
        wanted |= {p["run_uid"] for p in role["problems"] if p.get("run_uid")}
    if bundle.get("cross_host", {}).get("run_uid"):
        wanted.add(bundle["cross_host"]["run_uid"])
    runs = [dict(r, report_id=f"XC-{r['run_id']}") for r in m["runs"] if r["run_uid"] in wanted]
    return sorted(runs, key=lambda r: str(r["finished"]), reverse=True)


def write_certificates(m: dict[str, Any], out: Path, langs: list[str], pdf: bool) -> list[Path]:
    from harness.bundles.render import render_certificate_html, write_pdf

    written = []
    cited = cited_runs(m)
    for lang in langs:
        html = render_certificate_html(m, lang, cited)
        path = out / f"certificate.{lang}.html"
        path.write_text(html, encoding="utf-8")
        written.append(path)
        if pdf:
            written.append(write_pdf(html, out / f"certificate.{lang}.pdf", out))
    return written


def make_matrix_bundle(matrix_dir: Path, key: Any, out: Path) -> dict[str, Any]:
    """Sign every file of a matrix output directory into an xcert bundle; returns its manifest."""
    from harness.signing.archive import write_archive
    from harness.signing.bundle import FORMAT, MANIFEST, PREFIX, SIGNATURE
    from harness.signing.keys import fingerprint
    from harness.signing.manifest import evidence_digest, hash_files, run_files

    try:
        matrix = json.loads((matrix_dir / "matrix.json").read_bytes())
    except (OSError, ValueError) as exc:
        raise UsageError(f"{matrix_dir}: no readable matrix.json ({exc})") from None
    rels = run_files(matrix_dir)
    hashes = hash_files(matrix_dir, rels)
    contents = {rel: (matrix_dir / rel).read_bytes() for rel in rels}
    bundle = matrix.get("bundle") or {}
    manifest = {
        "format": FORMAT,
        "kind": "matrix",
        "run_id": f"matrix:{bundle.get('name', '')}:{matrix.get('generated', '')}",
        "tool": matrix.get("tool", {}),
        "verdict": bundle.get("verdict"),
        "runs": [{"run_uid": r["run_uid"], "evidence_digest": r["evidence_digest"]} for r in matrix.get("runs", [])],
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "redacted": False,
        "key_fingerprint": fingerprint(key.public_key()),
        "evidence_digest": evidence_digest(hashes),
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
        out.write_bytes(write_archive(members))
    except OSError as exc:
        raise UsageError(f"{out}: cannot write the bundle ({exc.strerror})") from None
    return manifest
