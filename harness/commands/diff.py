"""``xcert diff RUN_A RUN_B``: what changed between two certifications (components and versions, checks
whose outcome changed, new failures)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("diff", help="what changed between two certifications of the same hosts")
    p.add_argument("run_a", type=Path, metavar="RUN_A", help="the earlier run directory")
    p.add_argument("run_b", type=Path, metavar="RUN_B", help="the later run directory")
    p.add_argument("--json", action="store_true", help="print the diff as JSON")
    p.set_defaults(func=run)


def _comp(c: dict[str, Any]) -> str:
    return " ".join(x for x in (c.get("id"), c.get("version")) if x) or "-"


def run(args: argparse.Namespace) -> int:
    from harness.bundles.combination import read_run
    from harness.bundles.diff import diff_runs

    a, b = read_run(args.run_a), read_run(args.run_b)
    diff = diff_runs(a, b)
    if args.json:
        print(json.dumps(diff, ensure_ascii=False, indent=1))
        return 0
    print(f"{a.run_uid} -> {b.run_uid}: verdict {diff['verdict']['before']} -> {diff['verdict']['after']}")
    for host in diff["hosts"]:
        if not host["changed"]:
            print(f"{host['host']}: unchanged")
            continue
        if host["only_in"]:
            print(f"{host['host']}: only in the {host['only_in']} run")
        v = host["verdict"]
        print(f"{host['host']}: verdict {v['before']} -> {v['after']}")
        for c in host["components"]:
            print(f"  {c['layer']}: {_comp(c['before'])} -> {_comp(c['after'])}")
        for c in host["checks"]:
            flag = "  NEW FAILURE" if c["new_failure"] else ""
            print(f"  {c['check']}: {c['before'] or '-'} -> {c['after'] or '-'}{flag}")
    return 0
