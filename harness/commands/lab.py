"""``xcert lab up|down|status``: the local multi-host lab for tests and demos (root only)."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("lab", help="build or remove the local lab of SSH hosts (network namespaces)")
    lab_sub = p.add_subparsers(dest="lab_command", metavar="ACTION", parser_class=type(p))
    up = lab_sub.add_parser("up", help="build N hosts and print the inventory path last")
    up.add_argument("--hosts", type=int, default=3, help="x86_64 hosts (default 3)")
    up.add_argument("--arch", action="append", default=[], choices=["aarch64"], help="add a host of this arch")
    up.add_argument(
        "--identity",
        action="append",
        default=[],
        metavar="NAME",
        help="declared identity for the next host (kylin-v10, uos-20, openeuler-20.03; "
        "kunpeng920-kylin-v10 for an aarch64 host); repeatable",
    )
    up.add_argument("--db", action="append", default=[], choices=["postgresql", "mariadb", "oceanbase"], help="database on lab1")
    up.add_argument("--middleware", action="append", default=[], choices=["tomcat"], help="application server on lab1")
    up.add_argument("--subnet", default=None, help="lab subnet (default 10.213.0.0/24; never routed out)")
    down = lab_sub.add_parser("down", help="remove everything the lab made")
    down.add_argument(
        "--stale", action="store_true", help="also remove labs whose directory is gone (a killed test session)"
    )
    lab_sub.add_parser("status", help="show the lab's hosts")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from harness.errors import UsageError
    from harness.lab import lab

    action = getattr(args, "lab_command", None)
    if action == "up":
        path = lab.up(
            hosts=args.hosts,
            arch=args.arch,
            identities=args.identity,
            dbs=args.db,
            subnet=args.subnet,
            middleware=args.middleware,
        )
        state, running = lab.status()
        assert state is not None
        for h in state.hosts:
            extra = f" identity={h.identity}" if h.identity else ""
            print(f"{h.name}\t{h.address}\t{h.arch}{extra}\tsshd {'up' if running.get(h.name) else 'DOWN'}")
        print(path)
        return 0
    if action == "down":
        removed = lab.down() + (lab.down_stale() if args.stale else [])
        for item in removed:
            print(f"removed {item}")
        return 0
    if action == "status":
        state, running = lab.status()
        if state is None:
            print("no lab is up")
            return 1
        print(f"subnet {state.subnet} on bridge {state.bridge}; user {state.user}")
        for h in state.hosts:
            extra = f" identity={h.identity}" if h.identity else ""
            print(f"{h.name}\t{h.address}\t{h.arch}{extra}\tsshd {'up' if running.get(h.name) else 'DOWN'}")
        print(lab.inventory_path())
        return 0 if all(running.values()) else 1
    raise UsageError("xcert lab needs an action: up, down or status")
