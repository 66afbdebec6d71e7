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
    up.add_argument("--json", action="store_true", help="print the lab's status as JSON (not the table)")
    down = lab_sub.add_parser("down", help="remove everything the lab made")
    down.add_argument(
        "--stale", action="store_true", help="also remove labs whose directory is gone (a killed test session)"
    )
    down.add_argument("--json", action="store_true", help="print what was removed as JSON")
    status = lab_sub.add_parser("status", help="show the lab's hosts")
    status.add_argument("--json", action="store_true", help="print the lab's status as JSON (not the table)")
    p.set_defaults(func=run)


def status_document(state: Any, running: dict[str, bool], inventory: str | None) -> dict[str, Any]:
    """What ``lab status --json`` and ``lab up --json`` print (harness/schema/lab-status-output.schema.json)."""
    if state is None:
        return {"up": False, "healthy": False, "inventory": None, "hosts": []}
    return {
        "up": True,
        "healthy": all(running.values()),
        "subnet": state.subnet,
        "bridge": state.bridge,
        "user": state.user,
        "inventory": inventory,
        "hosts": [
            {
                "name": h.name,
                "address": h.address,
                "arch": h.arch,
                "identity": h.identity,
                "sshd": "up" if running.get(h.name) else "down",
            }
            for h in state.hosts
        ],
        "databases": [str(db["kind"]) for db in state.dbs],
        "middleware": [str(mw["kind"]) for mw in state.mws],
    }


def _print_hosts(state: Any, running: dict[str, bool]) -> None:
    for h in state.hosts:
        extra = f" identity={h.identity}" if h.identity else ""
        print(f"{h.name}\t{h.address}\t{h.arch}{extra}\tsshd {'up' if running.get(h.name) else 'DOWN'}")


def _up(args: argparse.Namespace) -> int:
    from harness.jsonout import emit
    from harness.lab import lab

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
    if args.json:
        emit(status_document(state, running, str(path)))
        return 0
    _print_hosts(state, running)
    print(path)
    return 0


def _down(args: argparse.Namespace) -> int:
    from harness.jsonout import emit
    from harness.lab import lab

    removed = lab.down() + (lab.down_stale() if args.stale else [])
    if args.json:
        emit({"removed": removed})
        return 0
    for item in removed:
        print(f"removed {item}")
    return 0


def _status(args: argparse.Namespace) -> int:
    from harness.jsonout import emit
    from harness.lab import lab

    state, running = lab.status()
    if args.json:
        emit(status_document(state, running, str(lab.inventory_path()) if state is not None else None))
    elif state is None:
        print("no lab is up")
    else:
        print(f"subnet {state.subnet} on bridge {state.bridge}; user {state.user}")
        _print_hosts(state, running)
        print(lab.inventory_path())
    return 0 if state is not None and all(running.values()) else 1


def run(args: argparse.Namespace) -> int:
    from harness.errors import UsageError

    action = {"up": _up, "down": _down, "status": _status}.get(getattr(args, "lab_command", None) or "")
    if action is None:
        raise UsageError("xcert lab needs an action: up, down or status")
    return action(args)
