"""``xcert certify``: certify the hosts of an inventory (default: this machine)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from harness.errors import UsageError
from harness.reporting.inputs import add_arguments as add_report_inputs
from harness.reporting.inputs import install_inputs as install_report_inputs
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
    p.add_argument("--profile", default=None, choices=PROFILES, help="quick (default), full or disruptive")
    p.add_argument("--forks", type=int, default=5, help="hosts checked at once (default 5)")
    p.add_argument("--out", type=Path, metavar="DIR", help="run directory (default reports/<run-id>)")
    p.add_argument("--lang", default="en", help="report languages, e.g. en,zh,ru,ar,uz or a bilingual en+ar")
    p.add_argument("--format", default="json,junit,html", help="reports to write (json,junit,html,pdf,docx,xlsx)")
    add_report_inputs(p)
    p.add_argument(
        "--resume",
        type=Path,
        metavar="RUN_DIR",
        help="continue an interrupted or crashed run: decided checks are kept, the rest run",
    )
    p.add_argument(
        "--no-provision",
        action="store_true",
        help="do not prepare ssh hosts with the shipped playbooks (ansible-runner) before their checks",
    )
    p.add_argument(
        "--accept-new-host-keys",
        action="store_true",
        help="trust an SSH host key seen for the first time and record it in known_hosts (a changed key is still refused)",
    )
    p.add_argument(
        "--vault-password-file",
        type=Path,
        metavar="FILE",
        help="Ansible Vault password file for the inventories (default: $ANSIBLE_VAULT_PASSWORD_FILE)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from harness.errors import EXIT_INTERRUPTED
    from harness.inventory import load_inventory
    from harness.outcomes import EXIT_FOR_VERDICT, Verdict
    from harness.progress import RunProgress, summary_table
    from harness.provision.steps import ProvisionSettings
    from harness.reporting.render import parse_formats, parse_langs, render_run
    from harness.rundir import REPORTS_DIR, load_run_meta, new_run_id, prepare
    from harness.runner import RunRequest, certify, host_slugs

    if args.forks < 1:
        raise UsageError("--forks must be at least 1")
    langs = parse_langs(args.lang)
    formats = parse_formats(args.format)
    inventories = list(args.inventory)
    limit, profile = args.limit, args.profile or "quick"
    if args.resume:
        if args.out and args.out != args.resume:
            raise UsageError("--out and --resume name different run directories")
        previous = load_run_meta(args.resume)
        # by default, resume what the run asked: its inventories, limit and profile
        inventories = inventories or list(previous.get("inventories") or [])
        limit = limit or previous.get("limit")
        profile = args.profile or previous.get("profile", "quick")
    hosts = load_inventory(
        [Path(i) for i in inventories] or None,
        limit,
        vault_password_file=args.vault_password_file,
        accept_new_host_keys=args.accept_new_host_keys,
    )
    out = args.resume or args.out or REPORTS_DIR / new_run_id()
    prepare(out)  # an unwritable --out is an error before anything runs
    install_report_inputs(args, out)
    request = RunRequest(
        hosts=hosts,
        profile=profile,
        out=out,
        forks=args.forks,
        langs=tuple(langs),
        inventories=tuple(str(Path(i).resolve()) for i in inventories),
        limit=limit,
        provision=ProvisionSettings(
            enabled=not args.no_provision,
            inventories=tuple(str(Path(i).resolve()) for i in inventories),
            vault_password_file=str(args.vault_password_file) if args.vault_password_file else None,
        ),
    )
    console = Console(stderr=True)
    slugs = list(zip([h.name for h in hosts], host_slugs(hosts), strict=True))
    with RunProgress(out, slugs, console) as progress:
        interrupted = certify(request, on_tick=progress.tick, resume=args.resume is not None)
    results, _ = render_run(out, langs, formats)
    console.print(summary_table(results))
    if interrupted:
        console.print(f"interrupted: what was decided is kept; continue with: xcert certify --resume {out}")
    console.print(f"verdict: [bold]{results['verdict']}[/]")
    print(out)
    if interrupted:
        return EXIT_INTERRUPTED
    return EXIT_FOR_VERDICT[Verdict(results["verdict"])]
