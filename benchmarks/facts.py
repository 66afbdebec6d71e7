"""The fact pass, whole processes, side by side: ``xcert identify`` against ``ansible -m setup`` on 1 and N lab hosts.

    sudo .venv/bin/python benchmarks/facts.py [--repeat 7] [--hosts 8] [--json]

Runs are interleaved (each tool in turn), so a machine shared with others loads each tool alike; medians are
reported with the load average seen. The tools:

- ``xcert_warm``: xcert as a user runs it a second time (resolved-inventory cache valid for these inputs);
- ``xcert_cold``: an input of the resolution changed (each run sets a new ``XCERT_*`` environment variable, part
  of the cache key, so the inventory cache misses): ansible-core is imported and resolves the inventory; xcert's
  other caches (the compiled catalog, ansible-core's parsed routing table) stay, as they do after an inventory edit;
- ``xcert_first``: the first run ever (an empty cache folder for every run: nothing kept at all);
- ``ansible``: ``ansible -i INV LIMIT -m setup`` (the peer);
- ``ansible_floor``: ansible-core's bare import, ``InventoryManager`` and ``VariableManager`` on the same inventory
  and limit, as its own process, connecting to nothing: what any tool that lets ansible-core resolve the
  inventory pays before it opens a connection (the bound on ``xcert_cold``).

PYTHONDONTWRITEBYTECODE is unset for every tool (Python's default). It builds its own lab (needs root) and
removes it. ``measure(hosts, repeat)`` returns the figures (benchmarks/goals.py calls it); the command line appends
them to benchmarks/facts_results.md, or prints them as JSON with ``--json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = ROOT / "benchmarks" / "facts_results.md"
#: every cache of xcert off (kept for callers of the earlier version of this file)
COLD = {"XCERT_INVENTORY_CACHE": "off", "XCERT_CATALOG_CACHE": "off", "XCERT_ANSIBLE_META_CACHE": "off"}
TOOLS = ("xcert_warm", "xcert_cold", "xcert_first", "ansible", "ansible_floor")
LABELS = {
    "xcert_warm": "xcert identify (warm: caches valid)",
    "xcert_cold": "xcert identify (cold: inventory input changed)",
    "xcert_first": "xcert identify (first run: no cache at all)",
    "ansible": "ansible -m setup",
    "ansible_floor": "ansible-core import + InventoryManager only",
}
FLOOR = """
import os, sys
os.environ.setdefault("ANSIBLE_INVENTORY_UNPARSED_FAILED", "True")
from ansible.parsing.dataloader import DataLoader
from ansible.inventory.manager import InventoryManager
from ansible.vars.manager import VariableManager
loader = DataLoader()
inventory = InventoryManager(loader=loader, sources=[sys.argv[1]])
variables = VariableManager(loader=loader, inventory=inventory)
hosts = inventory.get_hosts(sys.argv[2])
assert hosts, "no host matched"
for host in hosts:
    variables.get_vars(host=host, include_hostvars=False)
"""

Run = tuple[float, float, int]


def _run(argv: list[str], env: dict[str, str]) -> Run:
    """Wall seconds, CPU seconds of the process tree, exit status."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    proc = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, check=False, timeout=600)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.returncode


def _summary(runs: list[Run]) -> dict[str, Any]:
    return {
        "wall": statistics.median(w for w, _, _ in runs),
        "cpu": statistics.median(c for _, c, _ in runs),
        "walls": [round(w, 3) for w, _, _ in runs],
        "rc": sorted({rc for *_, rc in runs}),
    }


def _tools(inventory: str, env: dict[str, str], work: Path) -> dict[str, Callable[[str, int, int], Run]]:
    identify = [str(BIN / "xcert"), "identify", "-i", inventory, "--json", "--limit"]

    def first(limit: str, n: int, i: int) -> Run:
        cache = work / f"first-cache-{n}-{i}"
        try:
            return _run([*identify, limit], {**env, "XCERT_CACHE_DIR": str(cache)})
        finally:
            shutil.rmtree(cache, ignore_errors=True)

    return {
        "xcert_warm": lambda limit, n, i: _run([*identify, limit], env),
        # a new XCERT_* variable is a new cache key: the inventory cache misses, the other caches stay
        "xcert_cold": lambda limit, n, i: _run([*identify, limit], {**env, "XCERT_BENCH_INPUT": f"{n}-{i}"}),
        "xcert_first": first,
        "ansible": lambda limit, n, i: _run(
            [str(BIN / "ansible"), "-i", inventory, limit, "-f", str(max(n, 5)), "-m", "setup"], env
        ),
        "ansible_floor": lambda limit, n, i: _run([sys.executable, "-c", FLOOR, inventory, limit], env),
    }


def _ratios(runs: dict[str, dict[str, dict[str, Any]]], hosts: int) -> dict[str, Any]:
    a1, ab = runs["ansible"]["1"]["wall"], runs["ansible"][str(hosts)]["wall"]
    am = (ab - a1) / (hosts - 1)
    out: dict[str, Any] = {"ansible_marginal_s": am}
    for tool in ("xcert_warm", "xcert_cold", "xcert_first", "ansible_floor"):
        x1, xb = runs[tool]["1"]["wall"], runs[tool][str(hosts)]["wall"]
        xm = (xb - x1) / (hosts - 1)
        out[tool] = {
            "speedup_1": a1 / x1,
            f"speedup_{hosts}": ab / xb,
            "marginal_s": xm,
            "marginal_share": xm / am if am > 0 else None,
            # CPU seconds of the whole process tree: what a loaded machine disturbs least
            "cpu_ratio_1": runs["ansible"]["1"]["cpu"] / runs[tool]["1"]["cpu"],
            f"cpu_ratio_{hosts}": runs["ansible"][str(hosts)]["cpu"] / runs[tool][str(hosts)]["cpu"],
        }
    return out


def measure(hosts: int = 8, repeat: int = 7) -> dict[str, Any]:
    """Build a lab of ``hosts`` hosts, run every tool ``repeat`` times on 1 host and on all, interleaved.

    Returns ``{"hosts", "repeat", "runs": {tool: {"1"|"N": {wall, cpu, walls, rc}}}, "ratios", "load",
    "machine"}``; raises RuntimeError if the lab cannot be built or a run fails.
    """
    if hosts < 2:
        raise ValueError("hosts must be at least 2 (the marginal cost compares 1 host with more)")
    work = Path(tempfile.mkdtemp(prefix="xcert-facts-"))
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env = {**base, "XCERT_LAB_DIR": str(work / "lab"), "XCERT_CACHE_DIR": str(work / "cache"),
           "PATH": f"{BIN}:{os.environ.get('PATH', '')}", "ANSIBLE_NOCOLOR": "1",
           "ANSIBLE_HOST_KEY_CHECKING": "True"}  # fmt: skip
    for name in ("XCERT_INVENTORY_CACHE", "XCERT_CATALOG_CACHE", "XCERT_ANSIBLE_META_CACHE"):
        env.pop(name, None)
    raw: dict[str, dict[str, list[Run]]] = {}
    loads: list[float] = []
    try:
        up = subprocess.run([str(BIN / "xcert"), "lab", "up", "--hosts", str(hosts)], env=env, capture_output=True,
                            text=True, check=False, timeout=900)  # fmt: skip
        if up.returncode != 0:
            raise RuntimeError(f"xcert lab up failed: {up.stderr.strip()[-500:]}")
        tools = _tools(up.stdout.strip().splitlines()[-1], env, work)
        for n in (1, hosts):
            limit = ",".join(f"lab{i}" for i in range(1, n + 1))
            tools["xcert_warm"](limit, n, -1)  # fills the caches for these inputs (not counted)
            for i in range(repeat):
                for name in TOOLS:
                    loads.append(os.getloadavg()[0])
                    raw.setdefault(name, {}).setdefault(str(n), []).append(tools[name](limit, n, i))
    finally:
        subprocess.run([str(BIN / "xcert"), "lab", "down"], env=env, capture_output=True, check=False, timeout=600)
        shutil.rmtree(work, ignore_errors=True)
    failed = {f"{t} ({n})": _summary(r)["rc"] for t, by in raw.items() for n, r in by.items() if any(x[2] for x in r)}
    if failed:
        raise RuntimeError(f"runs that failed (exit status): {failed}")
    runs = {tool: {n: _summary(r) for n, r in by.items()} for tool, by in raw.items()}
    return {
        "hosts": hosts,
        "repeat": repeat,
        "runs": runs,
        "ratios": _ratios(runs, hosts),
        "load": {"min": min(loads), "max": max(loads), "median": statistics.median(loads)},
        "machine": _machine(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def _machine() -> str:
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if "model name" in ln), platform.machine())  # fmt: skip
    return f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}"


def markdown(fig: dict[str, Any], command: str) -> str:
    big, load = fig["hosts"], fig["load"]
    lines = [
        f"## Fact pass, side by side ({fig['date']})", "",
        f"`{command}` on {fig['machine']}, shared: load average {load['min']:.1f}-{load['max']:.1f} (median"
        f" {load['median']:.1f}) during the runs. Whole processes, runs interleaved, medians;"
        " PYTHONDONTWRITEBYTECODE unset (Python's default); lab hosts are network namespaces of this machine with"
        " their own sshd.", "",
        "| tool | hosts | median wall s | min-max wall s | median CPU s | exit |", "|---|---|---|---|---|---|",
    ]  # fmt: skip
    for tool in TOOLS:
        for n in ("1", str(big)):
            r = fig["runs"][tool][n]
            lines.append(f"| {LABELS[tool]} | {n} | {r['wall']:.2f} | {min(r['walls']):.2f}-{max(r['walls']):.2f} | "
                         f"{r['cpu']:.2f} | {r['rc']} |")  # fmt: skip
    lines.append("")
    rat = fig["ratios"]
    for tool in ("xcert_warm", "xcert_cold", "xcert_first", "ansible_floor"):
        t = rat[tool]
        share = "n/a" if t["marginal_share"] is None else f"{t['marginal_share']:.2f}"
        lines.append(f"- {LABELS[tool]}: 1 host {t['speedup_1']:.1f}× faster than ansible -m setup, {big} hosts "
                     f"{t[f'speedup_{big}']:.1f}×; marginal cost per host {t['marginal_s']:.3f} s, ansible "
                     f"{rat['ansible_marginal_s']:.3f} s ({share} of Ansible's); CPU seconds: ansible's "
                     f"{t['cpu_ratio_1']:.1f}× as many for 1 host, {t[f'cpu_ratio_{big}']:.1f}× for {big}")  # fmt: skip
    if load["median"] > 2.5:
        lines.append(f"- the machine was shared (load average median {load['median']:.1f} on {os.cpu_count()} cores):"
                     " wall times are disturbed (Ansible's forks and polling most), CPU seconds much less")  # fmt: skip
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--hosts", type=int, default=8, help="the larger fleet (the smaller is 1 host)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON (nothing is written)")
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("benchmarks/facts.py needs root (it builds a lab)", file=sys.stderr)
        return 3
    try:
        fig = measure(args.hosts, args.repeat)
    except (RuntimeError, ValueError) as exc:
        print(f"benchmarks/facts.py: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(fig, indent=2))
        return 0
    text = markdown(fig, f"sudo .venv/bin/python benchmarks/facts.py --repeat {args.repeat} --hosts {args.hosts}")
    print(text)
    with RESULTS.open("a", encoding="utf-8") as fh:
        fh.write(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
