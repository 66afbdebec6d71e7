"""The fact pass, whole processes, side by side: ``xcert identify`` against ``ansible -m setup`` on 1 and 8 lab hosts.

    sudo .venv/bin/python benchmarks/facts.py [--repeat 7] [--hosts 8]

Runs are interleaved (xcert warm, xcert cold, ansible, in turn), so a machine shared with others loads
each tool alike; medians are reported with the load average seen. "warm" is xcert as a user runs it twice
(the resolved-inventory cache and the compiled catalog in place, valid for these inputs); "cold" has both
turned off (``XCERT_INVENTORY_CACHE=off XCERT_CATALOG_CACHE=off``): ansible-core imported and the
inventory resolved in the run, as on a first run or after any change to an input. PYTHONDONTWRITEBYTECODE
is unset for both tools (Python's default). It builds its own lab
(needs root) and removes it; figures are appended to benchmarks/fleet_results.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
COLD = {"XCERT_INVENTORY_CACHE": "off", "XCERT_CATALOG_CACHE": "off"}


def _run(argv: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds of the process tree, exit status."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    proc = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, check=False, timeout=600)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--hosts", type=int, default=8, help="the larger fleet (the smaller is 1 host)")
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("benchmarks/facts.py needs root (it builds a lab)", file=sys.stderr)
        return 3
    work = Path(tempfile.mkdtemp(prefix="xcert-facts-"))
    # as in a default shell: Python keeps compiled modules (with PYTHONDONTWRITEBYTECODE set, as in some
    # sandboxes, an editable install's own modules are compiled from source in every run, both tools alike)
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env = {**base, "XCERT_LAB_DIR": str(work / "lab"), "XCERT_CACHE_DIR": str(work / "cache"),
           "PATH": f"{BIN}:{os.environ.get('PATH', '')}", "ANSIBLE_NOCOLOR": "1",
           "ANSIBLE_HOST_KEY_CHECKING": "True"}  # fmt: skip
    up = subprocess.run([str(BIN / "xcert"), "lab", "up", "--hosts", str(args.hosts)], env=env, capture_output=True,
                        text=True, check=False, timeout=900)  # fmt: skip
    if up.returncode != 0:
        print(up.stderr, file=sys.stderr)
        return 1
    inventory = up.stdout.strip().splitlines()[-1]
    tools: dict[str, Callable[[str, int], tuple[list[str], dict[str, str]]]] = {
        "xcert identify (warm)": lambda limit, n: ([str(BIN / "xcert"), "identify", "-i", inventory, "--limit", limit,
                                                    "--json"], env),
        "xcert identify (cold)": lambda limit, n: ([str(BIN / "xcert"), "identify", "-i", inventory, "--limit", limit,
                                                    "--json"], {**env, **COLD}),
        "ansible -m setup": lambda limit, n: ([str(BIN / "ansible"), "-i", inventory, limit, "-f", str(max(n, 5)),
                                               "-m", "setup"], env),
    }  # fmt: skip
    figures: dict[tuple[str, int], list[tuple[float, float, int]]] = {}
    loads: list[float] = []
    try:
        for n in (1, args.hosts):
            limit = ",".join(f"lab{i}" for i in range(1, n + 1))
            _run(*tools["xcert identify (warm)"](limit, n))  # fills the caches for these inputs (not counted)
            for _ in range(args.repeat):
                for name, argv_env in tools.items():
                    loads.append(os.getloadavg()[0])
                    figures.setdefault((name, n), []).append(_run(*argv_env(limit, n)))
    finally:
        subprocess.run([str(BIN / "xcert"), "lab", "down"], env=env, capture_output=True, check=False, timeout=600)
    _write(args, figures, loads)
    return 0


def _write(args: argparse.Namespace, figures: dict[tuple[str, int], list[tuple[float, float, int]]],
           loads: list[float]) -> None:  # fmt: skip
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if "model name" in ln), platform.machine())  # fmt: skip
    med = {k: statistics.median(w for w, _, _ in v) for k, v in figures.items()}
    lines = [
        f"## Fact pass, side by side ({time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC)", "",
        f"`sudo .venv/bin/python benchmarks/facts.py --repeat {args.repeat} --hosts {args.hosts}` on {os.cpu_count()}"
        f" cores ({cpu}), {platform.system()} {platform.release()}, shared: load average {min(loads):.1f}-"
        f"{max(loads):.1f} (median {statistics.median(loads):.1f}) during the runs. Whole processes, runs interleaved,"
        " medians; PYTHONDONTWRITEBYTECODE unset (Python's default); lab hosts are network namespaces of this"
        " machine with their own sshd.", "",
        "| tool | hosts | median wall s | min-max wall s | median CPU s | exit |", "|---|---|---|---|---|---|",
    ]  # fmt: skip
    for (name, n), runs in figures.items():
        walls = [w for w, _, _ in runs]
        lines.append(f"| {name} | {n} | {med[name, n]:.2f} | {min(walls):.2f}-{max(walls):.2f} | "
                     f"{statistics.median(c for _, c, _ in runs):.2f} | {sorted({rc for *_, rc in runs})} |")  # fmt: skip
    lines.append("")
    big = args.hosts
    a1, ab = med["ansible -m setup", 1], med["ansible -m setup", big]
    for kind in ("warm", "cold"):
        x1, xb = med[f"xcert identify ({kind})", 1], med[f"xcert identify ({kind})", big]
        xm, am = (xb - x1) / (big - 1), (ab - a1) / (big - 1)
        lines.append(f"- {kind}: 1 host {a1 / x1:.1f}× faster than ansible -m setup, {big} hosts {ab / xb:.1f}×; "
                     f"marginal cost per host xcert {xm:.3f} s, ansible {am:.3f} s ({xm / am:.2f} of Ansible's)")  # fmt: skip
    text = "\n".join(lines) + "\n"
    print(text)
    with (ROOT / "benchmarks" / "fleet_results.md").open("a", encoding="utf-8") as fh:
        fh.write(text + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
