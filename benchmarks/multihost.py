"""Benchmark: xcert's one-round-trip fact collection against ``ansible -m setup``, and certify wall time
for 1, 2, 4 and 8 lab hosts. Needs root (it builds its own lab, and removes it).

    sudo .venv/bin/python benchmarks/multihost.py [--repeat 5] [--out benchmarks/RESULTS.md]

Figures are written to RESULTS.md with the machine they were measured on; they are never
asserted in tests (DESIGN.md: speed is measured, side by side with the tools people would use).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
HOSTS = (1, 2, 4, 8)


def _xcert(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harness", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def _median(fn: Callable[[], None], repeat: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times


def xcert_facts(inventory: Path) -> None:
    """Connect (paramiko, known_hosts checked) and collect every fact in one round trip."""
    from harness.facts.script import build_script, parse_output
    from harness.inventory import load_inventory
    from harness.transport.ssh import SshTransport

    spec = next(h for h in load_inventory([inventory]) if h.name == "lab1")
    token, script = build_script()
    with SshTransport(spec) as t:
        result = t.run("sh -s", timeout_s=120, stdin=script.encode())
    facts = parse_output(token, result.stdout)
    assert facts.files and facts.commands, "fact collection returned nothing"


def ansible_setup(inventory: Path) -> None:
    proc = subprocess.run(
        [str(VENV_BIN / "ansible"), "-i", str(inventory), "lab1", "-m", "setup"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "ANSIBLE_NOCOLOR": "1", "PATH": f"{VENV_BIN}:{os.environ.get('PATH', '')}"},
    )
    assert proc.returncode == 0 and '"ansible_facts"' in proc.stdout, proc.stdout[-500:] + proc.stderr[-500:]


def certify_wall(inventory: Path, n: int, env: dict[str, str], provision: bool, out: Path) -> float:
    limit = ",".join(f"lab{i}" for i in range(1, n + 1))
    args = ["certify", "-i", str(inventory), "--limit", limit, "--forks", str(n), "--out", str(out)]
    args += ["--format", "json"] + ([] if provision else ["--no-provision"])
    t0 = time.perf_counter()
    proc = _xcert(*args, env=env)
    wall = time.perf_counter() - t0
    assert proc.returncode in (0, 1, 2), proc.stderr[-800:]
    return wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("benchmarks/multihost.py needs root (it builds a lab)", file=sys.stderr)
        return 3
    work = Path(tempfile.mkdtemp(prefix="xcert-bench-"))
    env = {"XCERT_LAB_DIR": str(work / "lab")}
    up = _xcert("lab", "up", "--hosts", str(max(HOSTS)), env=env)
    if up.returncode != 0:
        print(up.stderr, file=sys.stderr)
        return 1
    inventory = Path(up.stdout.strip().splitlines()[-1])
    try:
        xcert_facts(inventory)  # warm both paths once (imports, page cache, ansible's ~/.ansible)
        ansible_setup(inventory)
        x_med, x_all = _median(lambda: xcert_facts(inventory), args.repeat)
        a_med, a_all = _median(lambda: ansible_setup(inventory), args.repeat)
        rows = []
        for n in HOSTS:
            checks = certify_wall(inventory, n, env, False, work / f"run-{n}")
            prov = certify_wall(inventory, n, env, True, work / f"run-{n}-prov")
            rows.append((n, checks, prov))
            print(f"{n} hosts: {checks:.2f} s checks only, {prov:.2f} s with provisioning", file=sys.stderr)
    finally:
        _xcert("lab", "down", env=env)
    cpu = next(
        (ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines() if "model name" in ln),
        platform.machine(),
    )
    lines = [
        "# Benchmarks: many hosts over SSH",
        "",
        "Produced by `sudo .venv/bin/python benchmarks/multihost.py` "
        f"(repeat {args.repeat}) on {time.strftime('%Y-%m-%d', time.gmtime())}: {os.cpu_count()} cores ({cpu}), "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}. Lab hosts are network "
        "namespaces of this machine with their own sshd (`xcert lab`), so the network is a veth pair: these "
        "figures show the tools' own costs, not a WAN's.",
        "",
        "## Facts for one host",
        "",
        "| what | median | runs (s) |",
        "|---|---|---|",
        f"| xcert: paramiko connect + every fact in one round trip | {x_med:.3f} s | "
        f"{', '.join(f'{t:.3f}' for t in x_all)} |",
        f"| `ansible -i INV lab1 -m setup` | {a_med:.3f} s | {', '.join(f'{t:.3f}' for t in a_all)} |",
        "",
        f"xcert is **{a_med / x_med:.1f}×** faster (goal: at least 5×).",
        "",
        "## `xcert certify` wall time by number of hosts (`--forks N`, profile quick)",
        "",
        "| hosts | checks only (`--no-provision`) | with provisioning (readiness, ansible-runner prepare where needed, cleanup) |",
        "|---|---|---|",
        *[f"| {n} | {c:.2f} s | {p:.2f} s |" for n, c, p in rows],
        "",
        "Each host runs in a worker process of its own (pytest start-up included); with 2 cores, hosts beyond",
        "two share the CPU, so wall time grows with the number of hosts even though hosts do not wait for",
        "each other.",
        "",
    ]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
