"""``xcert certify``: certify the hosts of an inventory (default: this machine)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import UsageError
from harness.profiles import PROFILES
from harness.reporting.inputs import add_arguments as add_report_inputs
from harness.reporting.inputs import install_inputs as install_report_inputs


def register(sub: Any) -> None:
    p = sub.add_parser("certify", help="run the certification checks and write a run directory")
    p.add_argument(
        "-i",
        "--inventory",
        action="append",
        default=[],
        metavar="INVENTORY",
        help="Ansible inventory or ad-hoc host list 'host1,host2,' (repeatable; default: ansible.cfg's "
        "inventory, else inventories/localhost.yml)",
    )
    p.add_argument(
        "--inventory-data-only",
        action="store_true",
        help="treat the inventory as data from someone else: refuse inventory scripts, plugins, templates "
        "and ProxyCommand",
    )
    p.add_argument(
        "-t",
        "--target",
        action="append",
        default=[],
        metavar="URL",
        help="ad-hoc target ssh://[user@]host[:port] or local:// (repeatable, beside -i)",
    )
    p.add_argument("--limit", metavar="PATTERN", help="Ansible host pattern")
    p.add_argument("--profile", default=None, choices=PROFILES, help="quick (default), full or disruptive")
    p.add_argument(
        "-k",
        dest="keyword",
        metavar="EXPR",
        help="only checks whose id, name, layer, tags or title match (as pytest -k)",
    )
    p.add_argument(
        "-m",
        dest="marker",
        metavar="MARKEXPR",
        help="only checks with these markers: layer, severity, profile, tag (as pytest -m)",
    )
    p.add_argument("--check", action="append", default=[], metavar="ID", help="only this check (repeatable)")
    p.add_argument(
        "--suite",
        action="append",
        default=[],
        metavar="DIR",
        help="also run this folder of your own pytest-testinfra tests as user checks (repeatable; docs/USER_SUITES.md)",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="print the summary, verdict and run directory as JSON on stdout (progress stays on stderr)",
    )
    p.add_argument("--forks", type=int, default=None, help="hosts checked at once (default 5)")
    p.add_argument("--out", type=Path, metavar="DIR", help="run directory (default reports/<run-id>)")
    p.add_argument(
        "--lang", default=None, help="report languages, e.g. en,zh,ru,ar,uz or a bilingual en+ar (default en)"
    )
    p.add_argument(
        "--format", default=None, help="reports to write (json,junit,html,pdf,docx,xlsx; default json,junit,html)"
    )
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
        "--soak-seconds",
        type=float,
        metavar="N",
        help="length of each load run of the lifecycle soak checks (default: the declaration's, else 900 s)",
    )
    p.add_argument(
        "--soak-hours",
        type=float,
        metavar="H",
        help="ask for the lifecycle long run (XC-LC-008): H hours of each service's load, hour against hour",
    )
    p.add_argument(
        "--vault-password-file",
        type=Path,
        metavar="FILE",
        help="Ansible Vault password file for the inventories (default: $ANSIBLE_VAULT_PASSWORD_FILE)",
    )
    p.add_argument(
        "--sign-key",
        type=Path,
        metavar="KEY",
        help="Ed25519 key (xcert keygen) that signs the head of every host journal's hash chain at the run's end",
    )
    p.set_defaults(func=run)


@dataclass
class _Plan:
    """What the command line and xcert.toml ask, resolved once."""

    forks: int
    langs: list[str]
    formats: list[str]
    inventories: list[str]
    limit: str | None
    profile: str
    suites: list[str]


def run(args: argparse.Namespace) -> int:
    from harness.config_file import load_config

    # the command line wins over xcert.toml / [tool.xcert], which wins over xcert's own defaults
    config = load_config()
    plan = _plan(args, config)
    sign_key = _sign_key(args)
    _soak_seconds(args)
    _soak_hours(args)
    hosts = _hosts(args, plan)
    out, request, selection = _request(args, plan, hosts)
    interrupted = _certify(args, request, hosts, sign_key)
    return _report(args, out, plan, selection, interrupted)


def _plan(args: argparse.Namespace, config: Any) -> _Plan:
    from harness.reporting.render import parse_formats, parse_langs

    forks = args.forks if args.forks is not None else (config.get("forks") or 5)
    if forks < 1:
        raise UsageError("--forks must be at least 1")
    langs = parse_langs(args.lang or ",".join(config.get("languages") or ["en"]))
    formats = parse_formats(args.format or ",".join(config.get("formats") or ["json", "junit", "html"]))
    for key in ("waivers", "lab_config"):
        if getattr(args, key, None) is None and config.get(key):
            setattr(args, key, Path(config.get(key)))
    inventories, limit, profile = _what_to_certify(args)
    inventories = inventories or list(config.get("inventories") or [])
    limit = limit or config.get("limit")
    profile = profile or config.get("profile") or "quick"
    if profile not in PROFILES:
        raise UsageError(f"{config.path}: profile: {profile!r} is not one of {', '.join(PROFILES)}")
    suites = list(args.suite or config.get("suites") or [])
    return _Plan(forks, langs, formats, inventories, limit, profile, suites)


def _what_to_certify(args: argparse.Namespace) -> tuple[list[str], str | None, str | None]:
    """Inventories, limit and profile of the command line; by default a resumed run's own."""
    from harness.rundir import load_run_meta

    inventories, limit, profile = [*args.inventory, *args.target], args.limit, args.profile
    if args.resume:
        if args.out and args.out != args.resume:
            raise UsageError("--out and --resume name different run directories")
        previous = load_run_meta(args.resume)
        inventories = inventories or list(previous.get("inventories") or [])
        limit = limit or previous.get("limit")
        profile = profile or previous.get("profile")
    return inventories, limit, profile


def _sign_key(args: argparse.Namespace) -> Any:
    if not args.sign_key:
        return None
    from harness.signing.keys import load_private

    return load_private(args.sign_key)  # a bad key is an error before anything runs


def _soak_seconds(args: argparse.Namespace) -> None:
    if args.soak_seconds is None:
        return
    if not 1 <= args.soak_seconds <= 86400:
        raise UsageError("--soak-seconds must be between 1 and 86400")
    import os

    os.environ["XCERT_SOAK_SECONDS"] = f"{args.soak_seconds:g}"  # the host workers inherit it


def _soak_hours(args: argparse.Namespace) -> None:
    if args.soak_hours is None:
        return
    if not 0 < args.soak_hours <= 72:
        raise UsageError("--soak-hours must be more than 0 and at most 72")
    import os

    os.environ["XCERT_SOAK_HOURS"] = f"{args.soak_hours:g}"  # the host workers inherit it


def _hosts(args: argparse.Namespace, plan: _Plan) -> list[Any]:
    from harness.inventory import load_inventory

    hosts = load_inventory(
        plan.inventories or None,
        plan.limit,
        vault_password_file=args.vault_password_file,
        accept_new_host_keys=args.accept_new_host_keys,
        data_only=args.inventory_data_only,
    )
    if getattr(args, "lab_config", None):
        from harness.reporting.labconfig import refuse_snapshots

        refuse_snapshots(args.lab_config, [(h.name, h.connection, h.address) for h in hosts])
    return list(hosts)


def _request(args: argparse.Namespace, plan: _Plan, hosts: list[Any]) -> tuple[Path, Any, Any]:
    from harness.inventory import source_name
    from harness.provision.steps import ProvisionSettings
    from harness.rundir import REPORTS_DIR, load_run_meta, new_run_id, prepare
    from harness.runner import RunRequest
    from harness.selection import Selection, from_args

    inventories = [source_name(i) for i in plan.inventories]
    out = args.resume or args.out or REPORTS_DIR / new_run_id()
    from harness.usersuite.stage import validate as validate_suites

    user_suites = validate_suites(plan.suites)  # a bad folder: one line, exit 3
    prepare(out)  # an unwritable --out is an error before anything runs
    install_report_inputs(args, out)
    selection = from_args(args.keyword, args.marker, args.check)
    if args.resume and not selection:
        selection = Selection.from_mapping(load_run_meta(args.resume).get("selection"))  # as the run asked
    request = RunRequest(
        hosts=hosts,
        profile=plan.profile,
        out=out,
        forks=plan.forks,
        langs=tuple(plan.langs),
        inventories=tuple(inventories),
        limit=plan.limit,
        selection=selection.as_dict(),
        user_suites=user_suites,
        provision=ProvisionSettings(
            enabled=not args.no_provision,
            inventories=tuple(inventories),
            vault_password_file=str(args.vault_password_file) if args.vault_password_file else None,
        ),
    )
    return out, request, selection


def _certify(args: argparse.Namespace, request: Any, hosts: list[Any], sign_key: Any) -> bool:
    """Run the checks with the progress bar; True when the run was interrupted."""
    from rich.console import Console

    from harness.progress import RunProgress
    from harness.rundir import load_run_meta
    from harness.runner import certify, host_slugs

    out = request.out
    slugs = list(zip([h.name for h in hosts], host_slugs(hosts), strict=True))
    if args.resume:
        from harness.signing.chain import CHAIN, CHAIN_SIG

        for name in (CHAIN, CHAIN_SIG):  # the journals grow: heads signed before no longer hold
            (out / name).unlink(missing_ok=True)
    with RunProgress(out, slugs, Console(stderr=True)) as progress:
        interrupted = certify(request, on_tick=progress.tick, resume=args.resume is not None)
    if sign_key is not None:
        from harness.signing.chain import sign_heads

        sign_heads(out, sign_key, str(load_run_meta(out).get("run_id") or out.name))
    return bool(interrupted)


def _report(args: argparse.Namespace, out: Path, plan: _Plan, selection: Any, interrupted: bool) -> int:
    """Render the reports, print the summary, the verdict and the run directory; the exit code."""
    from rich.console import Console

    from harness.reporting.render import render_run

    results, written = render_run(out, plan.langs, plan.formats)
    _print_summary(Console(stderr=True), results, out, written, selection, interrupted)
    if args.json:
        import json

        print(json.dumps(json_summary(results, out), ensure_ascii=False, indent=1))
    else:
        print(out)
    return _exit_code(results, out, interrupted)


def _print_summary(
    console: Any, results: dict[str, Any], out: Path, written: Any, selection: Any, interrupted: bool
) -> None:
    from harness.console_summary import reasons, report_lines, verdict_line
    from harness.progress import summary_table

    console.print(summary_table(results))
    for line in reasons(results):
        console.print(line, soft_wrap=True)  # one line per check, whatever the width: grep-able
    if interrupted:
        console.print(f"interrupted: what was decided is kept; continue with: xcert certify --resume {out}")
    for line in report_lines(out, written):
        console.print(line, soft_wrap=True)
    if selection:
        console.print(
            f"partial selection ({selection.describe()}): not a certificate of the whole profile",
            soft_wrap=True,
            markup=False,
        )
    console.print(verdict_line(results), soft_wrap=True)


def _exit_code(results: dict[str, Any], out: Path, interrupted: bool) -> int:
    from harness.errors import EXIT_BAD_INPUT, EXIT_INTERRUPTED
    from harness.outcomes import EXIT_FOR_VERDICT, Verdict

    integrity = results.get("integrity") or {}
    if integrity.get("ok") is False:  # a resumed run whose journals were changed meanwhile
        for problem in integrity.get("problems", [])[:5]:
            print(f"xcert: {problem}", file=sys.stderr)
        print(f"xcert: {out}: the run does not verify (its journals were changed); not a valid result", file=sys.stderr)
        return EXIT_BAD_INPUT
    if interrupted:
        return EXIT_INTERRUPTED
    return EXIT_FOR_VERDICT[Verdict(results["verdict"])]


def json_summary(results: dict[str, Any], out: Path) -> dict[str, Any]:
    """What ``certify --json`` prints (schema: harness/schema/certify-output.schema.json)."""
    hosts = []
    for host in results["hosts"]:
        counts: dict[str, int] = {}
        for c in host["checks"]:
            counts[c["outcome"]] = counts.get(c["outcome"], 0) + 1
        hosts.append(
            {
                "name": host["name"],
                "verdict": host["verdict"],
                "reachable": host["reachable"],
                "counts": counts,
                "failed": [
                    {"id": c["id"], "subject": c.get("subject", ""), "outcome": c["outcome"], "message": c["message"]}
                    for c in host["checks"]
                    if c["outcome"] in ("fail", "error")
                ],
            }
        )
    return {
        "run_id": results["run_id"],
        "run_dir": str(out),
        "profile": results["profile"],
        "verdict": results["verdict"],
        "selection": results.get("selection") or {},
        "hosts": hosts,
    }
