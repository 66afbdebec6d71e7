"""Render the collectors as single files to copy onto a target: Python (stdlib) and POSIX sh."""

from __future__ import annotations

import ast
import shlex
from importlib import resources

from harness.facts.manifest import COMMANDS, FILES, PER_COMMAND_TIMEOUT_S, PROBES

#: the oldest Python the standalone collector runs on (Kylin 4.0.2 ships 3.5; Kylin V10 3.7)
MIN_PYTHON = (3, 5)


class _StripForOldPython(ast.NodeTransformer):
    """Remove what Python 3.5 cannot parse: annotations and ``from __future__ import annotations``;
    drop imports of the harness package (the manifest is inlined instead)."""

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST | None:
        if node.module == "__future__" or (node.module or "").startswith("harness"):
            return None
        return node

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST | None:
        if node.value is None:
            return None
        return ast.copy_location(ast.Assign(targets=[node.target], value=node.value), node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node.returns = None
        for arg in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]:
            arg.annotation = None
        for extra in (node.args.vararg, node.args.kwarg):
            if extra is not None:
                extra.annotation = None
        self.generic_visit(node)
        return node


def _body(source: str) -> str:
    tree = _StripForOldPython().visit(ast.parse(source))
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


def python_script(version: str = "") -> str:
    """The stdlib-only collector as one script (Python 3.5+): manifest + collector + a main guard."""
    pkg = resources.files("harness")
    manifest = pkg.joinpath("facts/manifest.py").read_text(encoding="utf-8")
    collector = pkg.joinpath("collect/standalone.py").read_text(encoding="utf-8")
    return (
        "#!/usr/bin/env python3\n"
        f"# xcert collect {version}: standalone collector (Python 3.5+, standard library only).\n"
        "# Usage: python3 xcert-collect.py [--out FILE.tar.gz|DIR]; then: xcert identify --snapshot FILE\n"
        + _body(manifest)
        + "\n"
        + _body(collector)
        + '\nif __name__ == "__main__":\n    sys.exit(main())\n'
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
        if name in PROBES:
            continue  # captured below with its exit status
        target = shlex.quote(f"/commands/{name}.txt")
        lines.append(
            f'if $T sh -c {shlex.quote(command)} > "$OUT"{target} 2>/dev/null </dev/null; then :; '
            f'else rm -f "$OUT"{target}; fi'
        )
    # probes keep their output and a non-zero exit status (.rc); one that timed out is not captured
    for name, command in PROBES.items():
        target, rc_file = shlex.quote(f"/commands/{name}.txt"), shlex.quote(f"/commands/{name}.rc")
        lines.append(
            f'$T sh -c {shlex.quote(command)} > "$OUT"{target} 2>/dev/null </dev/null; rc=$?; '
            f'if [ -n "$T" ] && [ $rc -eq 124 ]; then rm -f "$OUT"{target}; '
            f'elif [ $rc -ne 0 ]; then echo $rc > "$OUT"{rc_file}; fi'
        )
    lines += [
        'if command -v tar >/dev/null 2>&1 && (cd "$OUT" && tar czf ../"$(basename "$OUT")".tar.gz files commands); then',
        '  rm -rf "$OUT"; echo "$OUT.tar.gz"',
        "else",
        '  echo "$OUT"',
        "fi",
    ]
    return "\n".join(lines) + "\n"
