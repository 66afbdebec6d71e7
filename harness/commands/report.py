"""``xcert report RUN_DIR``: re-render every report from a run (rebuilding results.json)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from harness.reporting.inputs import add_arguments as add_report_inputs
from harness.reporting.inputs import install_inputs as install_report_inputs


def register(sub: Any) -> None:
    p = sub.add_parser("report", help="re-render reports of a run from its results")
    p.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    p.add_argument("--lang", default=None, help="report languages (default: those of the run)")
    p.add_argument("--format", default="json,junit,html", help="json,junit,html,pdf,docx,xlsx")
    add_report_inputs(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from harness.outcomes import EXIT_FOR_VERDICT, Verdict
    from harness.reporting.render import parse_formats, parse_langs, render_run
    from harness.rundir import load_run_meta

    meta = load_run_meta(args.run_dir)
    install_report_inputs(args, args.run_dir)
    langs = parse_langs(args.lang or ",".join(meta.get("langs") or ["en"]))
    results, written = render_run(args.run_dir, langs, parse_formats(args.format))
    for path in written:
        print(path)
    return EXIT_FOR_VERDICT[Verdict(results["verdict"])]
