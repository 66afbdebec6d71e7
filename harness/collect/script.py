"""Render the collectors as single files to copy onto a target: Python (stdlib) and POSIX sh."""

from __future__ import annotations

import shlex
from importlib import resources

from harness.facts.manifest import COMMANDS, FILES, PER_COMMAND_TIMEOUT_S

_DROP = "# xcert-standalone: drop"


def _body(source: str) -> str:
    """A module's code without its ``from __future__`` line and the lines marked to drop."""
    lines = [
        line
        for line in source.splitlines()
        if line.strip() != "from __future__ import annotations" and not line.rstrip().endswith(_DROP)
    ]
    return "\n".join(lines).strip("\n") + "\n"


def python_script(version: str = "") -> str:
    """The stdlib-only collector as one script: manifest + collector + a main guard."""
    pkg = resources.files("harness")
    manifest = pkg.joinpath("facts/manifest.py").read_text(encoding="utf-8")
    collector = pkg.joinpath("collect/standalone.py").read_text(encoding="utf-8")
    return (
        "#!/usr/bin/env python3\n"
        f"# xcert collect {version}: standalone collector (Python 3.6+, standard library only).\n"
        "# Usage: python3 xcert-collect.py [--out FILE.tar.gz|DIR]; then: xcert identify --snapshot FILE\n"
        "from __future__ import annotations\n\n"
        + _body(manifest)
        + "\n\n"
        + _body(collector)
        + '\n\nif __name__ == "__main__":\n    sys.exit(main())\n'
    )


def sh_script(version: str = "") -> str:
    """The POSIX sh collector (for targets without Python): same files, same commands, same layout."""
    lines = [
        "#!/bin/sh",
        f"# xcert collect {version}: POSIX sh collector for targets without Python.",
        "# Usage: sh xcert-collect.sh [OUTDIR]; writes OUTDIR.tar.gz (or OUTDIR when tar is missing).",
        "umask 077",
        "LC_ALL=C; export LC_ALL",
        "PATH=$PATH:/usr/sbin:/sbin; export PATH",
        "OUT=${1:-xcert-snapshot-$(hostname 2>/dev/null | cut -d. -f1)-$(date -u +%Y%m%dT%H%M%S)}",
        'mkdir -p "$OUT/files" "$OUT/commands" || exit 3',
        f"T=''; command -v timeout >/dev/null 2>&1 && T='timeout {PER_COMMAND_TIMEOUT_S}'",
        f"for f in {' '.join(shlex.quote(f) for f in FILES)}; do",
        '  if [ -r "$f" ]; then',
        '    mkdir -p "$OUT/files$(dirname "$f")"',
        '    cat "$f" > "$OUT/files$f" 2>/dev/null || rm -f "$OUT/files$f"',
        "  fi",
        "done",
    ]
    for name, command in COMMANDS.items():
        target = shlex.quote(f"/commands/{name}.txt")
        lines.append(
            f'if $T sh -c {shlex.quote(command)} > "$OUT"{target} 2>/dev/null </dev/null; then :; '
            f'else rm -f "$OUT"{target}; fi'
        )
    lines += [
        'if command -v tar >/dev/null 2>&1 && (cd "$OUT" && tar czf ../"$(basename "$OUT")".tar.gz files commands); then',
        '  rm -rf "$OUT"; echo "$OUT.tar.gz"',
        "else",
        '  echo "$OUT"',
        "fi",
    ]
    return "\n".join(lines) + "\n"
