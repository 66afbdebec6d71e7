"""``xcert matrix RUN_DIR...``: the CPU × OS × DB × server × middleware matrix across runs, and with
``--bundle`` the bundle verdict and certificate."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

FORMATS = ("json", "html", "xlsx", "pdf")


def register(sub: Any) -> None:
    p = sub.add_parser("matrix", help="the matrix of tested combinations across run directories (and a bundle verdict)")
    p.add_argument("run_dirs", nargs="+", type=Path, metavar="RUN_DIR")
    p.add_argument("--bundle", type=Path, metavar="FILE", help="bundle definition (YAML, see inventories/bundles/)")
    p.add_argument("--rules", type=Path, metavar="FILE", help="equivalence rules (default: the shipped ones)")
    p.add_argument("--out", type=Path, metavar="DIR", help="output directory (default reports/matrix-<time>)")
    p.add_argument("--format", default="json,html", help="comma list of json,html,xlsx,pdf (default json,html)")
    p.add_argument("--lang", default="en", help="comma list of report languages (default en)")
    p.add_argument("--json", action="store_true", help="print a summary as JSON")
    p.set_defaults(func=run)


def _list(text: str, allowed: tuple[str, ...] | None, what: str) -> list[str]:
    from harness.errors import UsageError

    items = [x.strip() for x in text.split(",") if x.strip()]
    bad = [x for x in items if allowed is not None and x not in allowed]
    if bad or not items:
        raise UsageError(f"--{what}: unknown {', '.join(bad) or '(empty)'}; choose from {', '.join(allowed or ())}")
    return items


def _langs(text: str) -> list[str]:
    from harness.errors import UsageError
    from harness.i18n import available_languages

    langs = _list(text, None, "lang")
    known = available_languages()
    for lang in langs:
        if any(code not in known for code in lang.split("+")):
            raise UsageError(f"--lang: unknown language {lang!r}; shipped: {', '.join(known)}")
    return langs


def _write_html_pdf(matrix: dict[str, Any], out: Path, formats: list[str], langs: list[str]) -> list[Path]:
    """matrix.html (the first language) and matrix.<lang>.html / .pdf per language."""
    from harness.bundles.render import render_matrix_html, write_pdf

    written: list[Path] = []
    for i, lang in enumerate(langs):
        html = render_matrix_html(matrix, lang)
        if "html" in formats:
            names = ["matrix.html", f"matrix.{lang}.html"] if i == 0 else [f"matrix.{lang}.html"]
            for name in names:
                (out / name).write_text(html, encoding="utf-8")
                written.append(out / name)
        if "pdf" in formats:
            written.append(write_pdf(html, out / f"matrix.{lang}.pdf", out))
    return written


def _write_reports(
    matrix: dict[str, Any], out: Path, formats: list[str], langs: list[str], with_bundle: bool
) -> list[Path]:
    """Every file asked for, matrix.json first; returns their paths."""
    from harness.rundir import write_json_atomic

    written = [out / "matrix.json"]
    write_json_atomic(out / "matrix.json", matrix)
    rendered = "html" in formats or "pdf" in formats
    if rendered:
        written += _write_html_pdf(matrix, out, formats, langs)
    if "xlsx" in formats:
        from harness.bundles.xlsx import write_xlsx

        written.append(write_xlsx(matrix, out / "matrix.xlsx", langs[0]))
    if with_bundle and rendered:
        from harness.bundles.certificate import write_certificates

        written += write_certificates(matrix, out, langs, pdf="pdf" in formats)
    return written


def summary(matrix: dict[str, Any], out: Path, written: list[Path]) -> dict[str, Any]:
    """What ``--json`` prints (harness/schema/matrix-output.schema.json)."""
    return {
        "out": str(out),
        "cells": len(matrix["cells"]),
        "tested": sum(1 for c in matrix["cells"] if c["tested"]),
        "inherited": sum(1 for c in matrix["cells"] if not c["tested"]),
        "gaps": len(matrix["gaps"]),
        "bundle_verdict": (matrix["bundle"] or {}).get("verdict"),
        "files": [str(p) for p in written],
    }


def _print_table(matrix: dict[str, Any], out: Path) -> None:
    for cell in matrix["cells"]:
        mark = "" if cell["tested"] else f"  (inherited: {cell['inherited_from']['rule']})"
        print(f"{cell['verdict']:<14} {cell['key']}{mark}")
    for gap in matrix["gaps"]:
        shown = ", ".join(f"{k}={v}" for k, v in gap["combination"].items() if v)
        print(f"{'GAP':<14} {gap['role']}: {shown}")
    verdict = (matrix["bundle"] or {}).get("verdict")
    if verdict:
        print(f"bundle verdict: {verdict}")
    print(out)


def run(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from harness.bundles.combination import read_run
    from harness.bundles.definition import load_bundle
    from harness.bundles.equivalence import default_rules, load_rules
    from harness.bundles.matrix import build_matrix
    from harness.bundles.schema import validate_matrix
    from harness.errors import EXIT_CERTIFIED, EXIT_INCOMPLETE, EXIT_NOT_CERTIFIED
    from harness.rundir import REPORTS_DIR, prepare

    formats = _list(args.format, FORMATS, "format")
    langs = _langs(args.lang)
    bundle = load_bundle(args.bundle) if args.bundle else None
    rules = load_rules(args.rules) if args.rules else default_rules()
    out = args.out or REPORTS_DIR / datetime.now(UTC).strftime("matrix-%Y%m%dT%H%M%SZ")
    prepare(out)
    runs = [read_run(d, out) for d in args.run_dirs]
    matrix = build_matrix(runs, bundle, rules)
    problems = validate_matrix(matrix)
    if problems:  # a harness bug, never the user's input: say so plainly
        raise RuntimeError(f"matrix.json does not match its schema: {problems[0]}")
    written = _write_reports(matrix, out, formats, langs, with_bundle=bundle is not None)
    if args.json:
        print(json.dumps(summary(matrix, out, written), ensure_ascii=False, indent=1))
    else:
        _print_table(matrix, out)
    verdict = (matrix["bundle"] or {}).get("verdict")
    if verdict is None:
        return EXIT_CERTIFIED
    return {"CERTIFIED": EXIT_CERTIFIED, "NOT_CERTIFIED": EXIT_NOT_CERTIFIED}.get(verdict, EXIT_INCOMPLETE)
