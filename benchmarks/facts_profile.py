"""Where the time of one ``xcert identify`` goes, step by step in one process: CPU and wall milliseconds per step.

    .venv/bin/python benchmarks/facts_profile.py INVENTORY HOST [--cold] [--repeat 3]

Each repeat is a fresh interpreter (this file run again), so every import is paid as in a real run. ``--cold``
makes the resolved-inventory cache miss (a new ``XCERT_*`` variable, part of its key), so ansible-core is
imported and resolves the inventory; the resolution is then split into its own steps (ansible-core's imports,
``InventoryManager``, ``resolve_host``...). The interpreter's own start is measured apart (``python -c pass``).
Connects to HOST for real: run it against a lab (``xcert lab up``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any

Marks = list[tuple[str, float, float]]


def _mark(marks: Marks, name: str) -> None:
    marks.append((name, time.process_time(), time.perf_counter()))


def _resolution(marks: Marks, inventory: str, host: str) -> list[Any]:
    """The cold resolution, split into ansible-core's imports and its steps (what load_inventory does, in order)."""
    from harness import inventory as inv
    from harness.inventory_guard import check_sources

    inv._configure_ansible()
    inv._paramiko_first()
    _mark(marks, "paramiko import (before ansible-core, no invoke)")
    import ansible.constants

    _mark(marks, "ansible.constants (ConfigManager, base.yml, settings)")
    check_sources([inventory], False)
    _mark(marks, "xcert's YAML alias guard on the inventory")
    import ansible.inventory.manager
    import ansible.parsing.dataloader
    import ansible.vars.manager

    _mark(marks, "ansible inventory, vars, dataloader imports")
    import ansible.cli.playbook  # noqa: F401

    _mark(marks, "ansible.cli.playbook import (CLI defaults)")
    from harness.inventory_resolve import _play_machinery, resolve_host

    _play_machinery()
    _mark(marks, "plugin loader init + PlaybookCLI parse")
    manager, variables, loader = inv._load_manager([inventory])
    _mark(marks, "InventoryManager + VariableManager (plugins, parse)")
    hosts = manager.get_hosts(host)
    raws = [variables.get_vars(host=h, include_hostvars=False) for h in hosts]
    _mark(marks, "get_vars")
    resolved = [resolve_host(manager, variables, loader, h, inventory) for h in hosts]
    _mark(marks, "resolve_host (Play, PlayContext, ssh + sudo plugins)")
    specs = [inv._host_spec(h.name, raw, inventory, r) for h, raw, r in zip(hosts, raws, resolved, strict=True)]
    _mark(marks, "host specs (xc_* values)")
    return specs


def _one(inventory: str, host: str, cold: bool) -> Marks:
    marks: Marks = [("start", time.process_time(), time.perf_counter())]
    import harness.cli  # noqa: F401

    _mark(marks, "harness.cli import (argparse registry)")
    from harness.commands import identify as cmd
    from harness.inventory import load_inventory

    _mark(marks, "commands.identify, harness.inventory imports")
    specs = _resolution(marks, inventory, host) if cold else load_inventory([inventory], host)
    if not cold:
        _mark(marks, "load_inventory from the cache (key, lookup)")
    from harness.facts.script import build_script, parse_output
    from harness.transport import transport_class

    cls = transport_class("ssh")
    _mark(marks, "transport imports (paramiko if not yet)")
    transport = cls(specs[0])  # type: ignore[call-arg]
    _mark(marks, "SSH connect, handshake, auth")
    token, script = build_script()
    result = transport.run("sh -s", timeout_s=120, stdin=script.encode())
    _mark(marks, "fact script on the host (one exec channel)")
    facts = parse_output(token, result.stdout)
    transport.close()
    _mark(marks, "parse output, close")
    cmd._warm_identification()
    _mark(marks, "compiled catalog load (overlaps the host in identify)")
    record = cmd.host_record(specs[0].name, facts, dict(specs[0].declared))
    json.dumps(record, ensure_ascii=False, indent=2)
    _mark(marks, "identification + JSON")
    return marks


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("inventory")
    parser.add_argument("host")
    parser.add_argument("--cold", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_one(args.inventory, args.host, args.cold)))
        return 0
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    runs: list[Marks] = []
    for i in range(args.repeat):
        if args.cold:
            env["XCERT_BENCH_INPUT"] = f"profile-{time.time_ns()}-{i}"
        argv = [sys.executable, __file__, args.inventory, args.host, "--child", *(["--cold"] if args.cold else [])]
        out = subprocess.run(argv, env=env, capture_output=True, text=True, check=True, timeout=300)
        runs.append([tuple(m) for m in json.loads(out.stdout.splitlines()[-1])])
    start = [subprocess.run([sys.executable, "-c", "import time; print(time.process_time())"], env=env,
                            capture_output=True, text=True, check=True).stdout for _ in range(args.repeat)]  # fmt: skip
    print(f"load average {os.getloadavg()[0]:.1f}; medians of {args.repeat} fresh processes")
    print(f"| step ({'cold' if args.cold else 'warm'}) | CPU ms | wall ms |\n|---|---|---|")
    print(f"| interpreter start (CPU at first line) | {1000 * statistics.median(float(s) for s in start):.1f} | |")
    for index in range(1, len(runs[0])):
        cpu = statistics.median(r[index][1] - r[index - 1][1] for r in runs)
        wall = statistics.median(r[index][2] - r[index - 1][2] for r in runs)
        print(f"| {runs[0][index][0]} | {1000 * cpu:.1f} | {1000 * wall:.1f} |")
    cpu = statistics.median(r[-1][1] - r[0][1] for r in runs)
    wall = statistics.median(r[-1][2] - r[0][2] for r in runs)
    print(f"| total after interpreter start | {1000 * cpu:.1f} | {1000 * wall:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
