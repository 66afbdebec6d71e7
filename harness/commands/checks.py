"""``xcert checks``: the printable test plan — every check the suites declare, with its metadata,
read from the suite files alone (nothing is connected to)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("checks", help="list every check (the test plan) without connecting to anything")
    p.add_argument("--layer", action="append", default=[], help="only this layer (repeatable, or comma-separated)")
    p.add_argument("--profile", default=None, help="only checks this profile runs: quick, full or disruptive")
    p.add_argument("--lang", default="en", help="plan language(s): en, zh, ru, ar, uz, or a bilingual en+zh")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="every check with its metadata as JSON on stdout")
    out.add_argument("--format", default=None, help="html,pdf,xlsx: write plan.<lang>.<format> into --out")
    p.add_argument("--out", type=Path, default=Path("."), metavar="DIR", help="where --format writes (default: .)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from harness.checks import PROFILES
    from harness.errors import UsageError
    from harness.paths import suites_dir
    from harness.reporting.plan import PLAN_FORMATS, collect, plan_json, select, write_plan
    from harness.reporting.render import parse_langs

    layers = [x.strip() for item in args.layer for x in item.split(",") if x.strip()]
    if args.profile is not None and args.profile not in PROFILES:
        raise UsageError(f"--profile: unknown profile {args.profile!r} (have: {', '.join(PROFILES)})")
    langs = parse_langs(args.lang)
    checks = select(collect(suites_dir()), layers, args.profile)
    if args.json:
        json.dump(plan_json(checks, langs[0]), sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    if args.format:
        formats = [f.strip() for f in args.format.split(",") if f.strip()]
        for fmt in formats:
            if fmt not in PLAN_FORMATS:
                raise UsageError(f"--format: unknown plan format {fmt!r} (have: {', '.join(PLAN_FORMATS)})")
        try:
            args.out.mkdir(parents=True, exist_ok=True)
            for lang in langs:
                for fmt in formats:
                    print(write_plan(checks, lang, fmt, args.out, layers, args.profile))
        except OSError as exc:
            raise UsageError(f"{exc.filename or args.out}: cannot write the plan ({exc.strerror})") from None
        return 0
    from harness.i18n import translate

    for meta in checks:
        title = " / ".join(translate(code, meta.title) for code in langs[0].split("+"))
        print(f"{meta.id}\t{meta.layer}\t{meta.severity}\t{','.join(meta.profiles)}\t{title}")
    return 0
