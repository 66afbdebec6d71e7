"""``xcert certify``: certify the hosts of an inventory (default: this machine)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from harness.errors import UsageError
from harness.runner import PROFILES


def register(sub: Any) -> None:
    p = sub.add_parser("certify", help="run the certification checks and write a run directory")
    p.add_argument(
        "-i",
        "--inventory",
        action="append",
        default=[],
        metavar="INVENTORY",
        help="Ansible inventory (repeatable; default: inventories/localhost.yml)",
    )
    p.add_argument("--limit", metavar="PATTERN", help="Ansible host pattern")
    p.add_argument("--profile", default="quick", choices=PROFILES)
    p.add_argument("--forks", type=int, default=5, help="hosts checked at once (default 5)")
    p.add_argument("--out", type=Path, metavar="DIR", help="run directory (default reports/<run-id>)")
    p.add_argument("--lang", default="en", help="report languages, e.g. en,zh,ru")
    p.add_argument("--format", default="json,junit,html", help="reports to write (json,junit,html,pdf)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from harness.inventory import load_inventory
    from harness.outcomes import EXIT_FOR_VERDICT, Verdict
    from harness.progress import RunProgress, summary_table
    from harness.reporting.render import parse_formats, parse_langs, render_run
    from harness.rundir import REPORTS_DIR, new_run_id, prepare
    from harness.runner import RunRequest, certify, host_slugs

    if args.forks < 1:
        raise UsageError("--forks must be at least 1")
    langs = parse_langs(args.lang)
    formats = parse_formats(args.format)
    hosts = load_inventory([Path(i) for i in args.inventory] or None, args.limit)
    out = args.out or REPORTS_DIR / new_run_id()
    prepare(out)  # an unwritable --out is an error before anything runs
    request = RunRequest(
        hosts=hosts,
        profile=args.profile,
        out=out,
        forks=args.forks,
        langs=tuple(langs),
        inventories=tuple(args.inventory),
        limit=args.limit,
    )
    console = Console(stderr=True)
    slugs = list(zip([h.name for h in hosts], host_slugs(hosts), strict=True))
    with RunProgress(out, slugs, console) as progress:
        certify(request, on_tick=progress.tick)
    results, _ = render_run(out, langs, formats)
    console.print(summary_table(results))
    console.print(f"verdict: [bold]{results['verdict']}[/]")
    print(out)
    return EXIT_FOR_VERDICT[Verdict(results["verdict"])]
