"""Benchmark: the lifecycle sampler's own cost on the host it samples, beside sysstat's ``sar`` doing the
same job (CPU, memory, disk and network every second), whole processes, on this machine.

    .venv/bin/python benchmarks/sampler_overhead.py [--seconds 60] [--interval 1] [--out benchmarks/sampler_results.md]

The figure is the CPU time the sampling process tree used (user + system, from the kernel's rusage of
the finished children) over its wall time, as a percentage of one core. Goal (issue "Keeps running"):
under 1 % of one core at a 1 s interval.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.lifecycle import sampler  # noqa: E402


def _cost(argv: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process tree) for one whole command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "sampler_results.md")
    args = parser.parse_args()

    rows = []
    wall, cpu = _cost(["sh", "-c", sampler.command(None, args.seconds, args.interval)])
    rows.append(("xcert sampler (sh + /proc)", wall, cpu))
    if shutil.which("sar"):
        count = str(int(args.seconds / args.interval))
        wall, cpu = _cost(["sar", "-u", "-r", "-d", "-n", "DEV", f"{args.interval:g}", count])
        rows.append(("sysstat sar -u -r -d -n DEV", wall, cpu))
    lines = [
        f"## Sampler overhead ({time.strftime('%Y-%m-%d')})",
        "",
        f"`{' '.join(['.venv/bin/python', 'benchmarks/sampler_overhead.py', '--seconds', f'{args.seconds:g}', '--interval', f'{args.interval:g}'])}`"
        f" on {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
        "",
        "| sampler | wall s | CPU s | % of one core |",
        "|---|---|---|---|",
    ]
    for name, wall, cpu in rows:
        lines.append(f"| {name} | {wall:.1f} | {cpu:.3f} | {100 * cpu / wall:.2f} % |")
    if not shutil.which("sar"):
        lines.append("")
        lines.append("(sysstat is not installed here: `apt-get install sysstat` for the side-by-side row)")
    text = "\n".join(lines) + "\n"
    print(text)
    with args.out.open("a", encoding="utf-8") as fh:
        fh.write(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
