"""``xcert keygen``, ``xcert bundle`` and ``xcert verify``: signed evidence bundles, verified offline."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from harness.errors import EXIT_NOT_CERTIFIED, UsageError


def register(sub: Any) -> None:
    p = sub.add_parser("keygen", help="make an Ed25519 signing key (KEYFILE and KEYFILE.pub)")
    p.add_argument("--out", type=Path, required=True, metavar="KEYFILE")
    p.add_argument("--json", action="store_true", help="print the key files and the fingerprint as JSON")
    p.set_defaults(func=run_keygen)

    p = sub.add_parser("bundle", help="write one signed archive of a run directory (or of an `xcert matrix` directory)")
    p.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    p.add_argument("--key", type=Path, required=True, metavar="KEYFILE")
    p.add_argument("--redact", action="store_true", help="replace host names, addresses, serials and users")
    p.add_argument("--out", type=Path, required=True, metavar="FILE")
    p.add_argument("--json", action="store_true", help="print the bundle's path, file count and digests as JSON")
    p.set_defaults(func=run_bundle)

    p = sub.add_parser("verify", help="check a bundle against a public key (exit 0 only if every byte is as signed)")
    p.add_argument("bundle", type=Path, metavar="FILE")
    p.add_argument("--pubkey", type=Path, required=True, metavar="PUB")
    p.add_argument("--json", action="store_true", help="print the verification (and every difference) as JSON")
    p.set_defaults(func=run_verify)


def run_keygen(args: argparse.Namespace) -> int:
    from harness.signing.keys import fingerprint, generate, load_public

    private, public = generate(args.out)
    if args.json:
        from harness.jsonout import emit

        emit({"private_key": str(private), "public_key": str(public), "fingerprint": fingerprint(load_public(public))})
        return 0
    print(f"private key: {private}")
    print(f"public key:  {public}")
    print(f"fingerprint: {fingerprint(load_public(public))}")
    return 0


def run_bundle(args: argparse.Namespace) -> int:
    from harness.rundir import load_run_meta
    from harness.signing.bundle import make_bundle
    from harness.signing.keys import load_private

    if (args.run_dir / "matrix.json").is_file() and not (args.run_dir / "run.json").exists():
        # an `xcert matrix` output directory (matrix, bundle certificate): signed as it stands
        from harness.bundles.certificate import make_matrix_bundle

        if args.redact:
            raise UsageError(f"{args.run_dir}: --redact applies to run directories, not to a matrix")
        manifest = make_matrix_bundle(args.run_dir, load_private(args.key), args.out)
    else:
        load_run_meta(args.run_dir)  # a clear error when it is not a run directory
        manifest = make_bundle(args.run_dir, load_private(args.key), args.out, redact=args.redact)
    if args.json:
        from harness.jsonout import emit

        emit(
            {
                "bundle": str(args.out),
                "files": len(manifest["files"]),
                "redacted": bool(args.redact),
                "evidence_digest": manifest["evidence_digest"],
                "key_fingerprint": manifest["key_fingerprint"],
            }
        )
        return 0
    print(f"files: {len(manifest['files'])}{' (redacted)' if args.redact else ''}")
    print(f"evidence digest: {manifest['evidence_digest']}")
    print(f"key fingerprint: {manifest['key_fingerprint']}")
    print(args.out)
    return 0


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _verification_document(path: Path, result: Any) -> dict[str, Any]:
    """What ``verify --json`` prints (harness/schema/verify-output.schema.json); values from the bundle are
    data: only text and numbers of the shapes the schema names are passed on."""
    doc: dict[str, Any] = {"bundle": str(path), "verified": result.ok, "problems": list(result.problems)}
    if not result.ok:
        return doc
    m, tool = result.manifest, result.manifest.get("tool")
    tool = tool if isinstance(tool, dict) else {}

    def text(value: Any) -> str | None:
        return value if isinstance(value, str) else None

    doc.update(
        files=result.files,
        run_id=text(m.get("run_id")),
        verdict=text(m.get("verdict")),
        redacted=m.get("redacted") is True,
        tool={k: text(tool.get(k)) for k in ("name", "version", "suite_digest")},
        evidence_digest=text(m.get("evidence_digest")),
        key_fingerprint=text(m.get("key_fingerprint")),
    )
    return doc


def run_verify(args: argparse.Namespace) -> int:
    from harness.signing.bundle import verify_file
    from harness.signing.keys import load_public

    public = load_public(args.pubkey)
    try:
        result = verify_file(args.bundle, public)  # streamed: memory stays flat whatever the size
    except OSError as exc:
        raise UsageError(f"{args.bundle}: cannot read the bundle ({exc.strerror})") from None
    if args.json:
        from harness.jsonout import emit

        emit(_verification_document(args.bundle, result))
        if not result.ok:
            print(f"NOT VERIFIED: {len(result.problems)} difference(s)", file=sys.stderr)
        return 0 if result.ok else EXIT_NOT_CERTIFIED
    if not result.ok:
        for problem in result.problems:
            # member names come from the bundle: control characters are shown escaped, never sent to the terminal
            print(f"{args.bundle}: {_printable(problem)}", file=sys.stderr)
        print(f"NOT VERIFIED: {len(result.problems)} difference(s)", file=sys.stderr)
        return EXIT_NOT_CERTIFIED
    m = {k: _printable(str(v)) if isinstance(v, str) else v for k, v in result.manifest.items()}
    print(f"verified: {result.files} files, every byte as signed")
    print(f"run: {m.get('run_id')}  verdict: {m.get('verdict')}  redacted: {m.get('redacted')}")
    raw_tool = result.manifest.get("tool")
    tool: dict[str, Any] = raw_tool if isinstance(raw_tool, dict) else {}
    name, version, digest = (_printable(str(tool.get(k))) for k in ("name", "version", "suite_digest"))
    print(f"tool: {name} {version}  suite digest: {digest}")
    print(f"evidence digest: {m.get('evidence_digest')}")
    print(f"key fingerprint: {m.get('key_fingerprint')}")
    return 0
