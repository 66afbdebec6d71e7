"""``xcert identify``: name the CPU, OS, database, server and middleware of a snapshot or of inventory hosts."""

from __future__ import annotations

import argparse
import contextlib
import json
from pathlib import Path
from typing import Any

from harness.errors import EXIT_BAD_INPUT
from harness.layers import CATALOG_LAYERS as LAYER_ORDER

EXIT_INCOMPLETE = 2


def register(sub: Any) -> None:
    p = sub.add_parser("identify", help="identify the stack of a snapshot or of inventory hosts")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--snapshot", type=Path, metavar="PATH", help="a snapshot directory or .tar.gz (xcert collect)")
    src.add_argument(
        "-i",
        "--inventory",
        action="append",
        default=[],
        metavar="INVENTORY",
        help="Ansible inventory (repeatable; default: this machine)",
    )
    p.add_argument("--limit", metavar="HOST", help="Ansible host pattern (with -i)")
    p.add_argument(
        "--inventory-data-only",
        action="store_true",
        help="refuse inventory scripts, plugins, templates and ProxyCommand (the inventory is data)",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=run)


def host_record(name: str, facts: Any, declared: dict[str, str]) -> dict[str, Any]:
    from harness.identify import declared_matches, identify_host

    ident = identify_host(facts)
    record: dict[str, Any] = {"host": name, **ident.as_dict()}
    mismatches = []
    for layer, wanted in sorted(declared.items()):
        if layer in ident.components:
            ok, wanted_id = declared_matches(layer, wanted, ident.components[layer])
            if not ok:
                comp = ident.components[layer]
                mismatches.append(
                    {"layer": layer, "declared": wanted_id, "detected": comp.catalog_id or comp.product or "unknown"}
                )
    record["declared"] = dict(declared)
    record["mismatches"] = mismatches
    return record


#: hosts identified at once: each is one SSH connection and one exec channel, mostly waiting
MAX_PARALLEL = 32
#: the fact script's bound, as a whole (each command in it has its own, PER_COMMAND_TIMEOUT_S)
FACTS_TIMEOUT_S = 120.0


class _Open:
    """The transports open right now, so an interrupt can close them all (their threads then end at once)."""

    def __init__(self) -> None:
        import threading

        self.lock = threading.Lock()
        self.transports: set[Any] = set()
        self.closing = False

    def add(self, transport: Any) -> None:
        with self.lock:
            self.transports.add(transport)
            closing = self.closing
        if closing:
            transport.close()

    def discard(self, transport: Any) -> None:
        with self.lock:
            self.transports.discard(transport)

    def close_all(self) -> None:
        with self.lock:
            self.closing = True
            transports = list(self.transports)
        for transport in transports:
            with contextlib.suppress(Exception):
                transport.close()


def _live_facts(spec: Any, open_now: _Open) -> Any:
    from harness.facts.script import build_script, parse_output
    from harness.transport import transport_class

    transport = transport_class(spec.connection)(spec)  # type: ignore[call-arg]
    open_now.add(transport)
    try:
        token, script = build_script()
        result = transport.run("sh -s", timeout_s=FACTS_TIMEOUT_S, stdin=script.encode())
        return parse_output(token, result.stdout)
    finally:
        open_now.discard(transport)
        transport.close()


def _live_record(spec: Any, open_now: _Open) -> dict[str, Any]:
    """One host's record: connect, one exec channel for the fact script, identify; unreachable is kept."""
    from harness.transport.base import HostUnreachable

    try:
        facts = _live_facts(spec, open_now)
    except HostUnreachable as exc:
        return {"host": spec.name, "unreachable": {"reason": exc.reason, "detail": exc.detail}}
    return host_record(spec.name, facts, dict(spec.declared))


def _warm_identification() -> None:
    """Import the identification and compile the catalog while the hosts answer (the main thread is idle)."""
    from harness import catalog
    from harness.identify import LAYERS

    for layer in LAYERS:
        catalog.load(layer)


def _live_records(specs: list[Any]) -> list[dict[str, Any]]:
    """Every host at once (threads: the handshakes and fact scripts overlap), in inventory order.

    The threads are daemons and an interrupt (Ctrl-C) closes every open connection: nothing outlives it.
    """
    import queue
    import threading

    from harness.transport import transport_class

    for connection in {spec.connection for spec in specs}:
        transport_class(connection)  # imported once, before the threads start
    open_now = _Open()
    todo: queue.SimpleQueue[int] = queue.SimpleQueue()
    for index in range(len(specs)):
        todo.put(index)
    outcomes: list[tuple[bool, Any]] = [(False, None)] * len(specs)

    def work() -> None:
        while True:
            try:
                index = todo.get_nowait()
            except queue.Empty:
                return
            try:
                outcomes[index] = (True, _live_record(specs[index], open_now))
            except BaseException as exc:  # handed to the main thread, raised there in inventory order
                outcomes[index] = (False, exc)

    threads = [
        threading.Thread(target=work, name="identify", daemon=True) for _ in range(min(MAX_PARALLEL, len(specs)))
    ]
    try:
        for thread in threads:
            thread.start()
        _warm_identification()
        for thread in threads:
            thread.join()
    except BaseException:
        open_now.close_all()
        raise
    for done, value in outcomes:
        if not done:
            raise value
    return [value for _, value in outcomes]


def gather(args: argparse.Namespace) -> list[dict[str, Any]]:
    from harness.facts.snapshot import read_snapshot

    if args.snapshot is not None:
        if args.limit:
            from harness.errors import UsageError

            raise UsageError("--limit applies to -i INVENTORY, not to --snapshot")
        return [host_record(str(args.snapshot), read_snapshot(args.snapshot), {})]
    from harness.inventory import load_inventory

    specs = load_inventory(list(args.inventory) or None, args.limit, data_only=args.inventory_data_only)
    return _live_records(list(specs))


def _cell(value: Any) -> str:
    from rich.markup import escape

    # host data (an os-release, a DMI string) is shown as it is, never read as rich markup
    return "-" if value in (None, "") else escape(str(value))


def print_table(records: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    for rec in records:
        if "unreachable" in rec:
            console.print(f"[bold]{_cell(rec['host'])}[/]: unreachable ({_cell(rec['unreachable']['reason'])})")
            continue
        table = Table(title=_cell(rec["host"]), title_justify="left")
        for col in ("layer", "identified as", "model / version", "arch", "xinchuang", "catalog id", "confidence"):
            table.add_column(col, overflow="fold")
        for layer in LAYER_ORDER:
            c = rec[layer]
            xin = "-" if c["xinchuang"] is None else ("yes" if c["xinchuang"] else "no")
            model = " / ".join(v for v in (c["model"], c["version"]) if v)
            name = c["product"] + (f" ({c['vendor']})" if c["vendor"] else "") if c["product"] else None
            table.add_row(
                layer, _cell(name), _cell(model), _cell(c["arch"]), xin, _cell(c["catalog_id"]), _cell(c["confidence"])
            )
        console.print(table)
        for layer in LAYER_ORDER:
            c = rec[layer]
            why = c["note"] or c["reason"] or c["rule"]
            console.print(f"  {layer}: {why}", highlight=False, markup=False)
            for line in c["evidence"]:
                console.print(f"      {line}", highlight=False, markup=False)
        console.print("consistent: " + ("yes" if rec["consistent"] else "[bold red]NO[/]"))
        for issue in rec["issues"]:
            console.print(f"  issue: {issue}", highlight=False, markup=False)
        for m in rec["mismatches"]:
            console.print(
                f"  declared {m['layer']} {m['declared']} but detected {m['detected']}", highlight=False, markup=False
            )


def run(args: argparse.Namespace) -> int:
    if args.limit and not args.inventory and args.snapshot is None:
        args.inventory = []
    records = gather(args)
    if args.json:
        print(json.dumps(records[0] if len(records) == 1 else records, ensure_ascii=False, indent=2))
    else:
        print_table(records)
    if any("unreachable" in r for r in records):
        return EXIT_INCOMPLETE
    return 0 if records else EXIT_BAD_INPUT
