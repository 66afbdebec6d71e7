"""``xcert report RUN_DIR``: re-render every report from a run (rebuilding results.json)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from harness.errors import EXIT_BAD_INPUT
from harness.reporting.inputs import add_arguments as add_report_inputs
from harness.reporting.inputs import install_inputs as install_report_inputs


def register(sub: Any) -> None:
    p = sub.add_parser("report", help="re-render reports of a run from its results")
    p.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    p.add_argument("--lang", default=None, help="report languages (default: those of the run)")
    p.add_argument("--format", default="json,junit,html", help="json,junit,html,pdf,docx,xlsx")
    add_report_inputs(p)
    p.add_argument("--json", action="store_true", help="print the verdict and the files written as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from harness.outcomes import EXIT_FOR_VERDICT, Verdict
    from harness.reporting.render import parse_formats, parse_langs, render_run
    from harness.rundir import load_run_meta
    from harness.runinput import check_run_meta

    meta = load_run_meta(args.run_dir)
    check_run_meta(meta, args.run_dir / "run.json")  # langs and the rest are data: checked before use
    install_report_inputs(args, args.run_dir)
    langs = parse_langs(args.lang or ",".join(meta.get("langs") or ["en"]))
    results, written = render_run(args.run_dir, langs, parse_formats(args.format))
    integrity = results.get("integrity") or {}
    if args.json:
        from harness.jsonout import emit

        emit(
            {
                "run_id": results["run_id"],
                "run_dir": str(args.run_dir),
                "verdict": results["verdict"],
                "verified": integrity.get("ok") is not False,
                "files": [str(path) for path in written],
            }
        )
    else:
        for path in written:
            print(path)
    if integrity.get("ok") is False:
        # the journal was changed after it was written: these results cannot be trusted
        for problem in integrity.get("problems", [])[:5]:
            print(f"xcert: {problem}", file=sys.stderr)
        print(
            f"xcert: {args.run_dir}: the run does not verify (its journals were changed); not a valid result",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    return EXIT_FOR_VERDICT[Verdict(results["verdict"])]
