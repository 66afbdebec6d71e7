"""Benchmark: xcert's TPC-B-like smoke (XC-DB-050's Python clients) against a reference client on the
same server, with the same clients, duration and scale, pairs run alternately.

- PostgreSQL: ``pgbench -M extended`` with its built-in TPC-B (sort of) on its own tables (``pgbench -i``);
- MariaDB and OceanBase seekdb: sysbench 1.0 running the same TPC-B-like transaction (harness/db/tools/tpcb.lua).

Throwaway PostgreSQL and MariaDB servers on 127.0.0.1 are started (needs root); ``--inventory``
takes the targets of a lab inventory instead (``xcert lab up --db oceanbase``: seekdb lives only in a
lab host). Figures are written with the machine they were measured on; never asserted in tests.

    sudo .venv/bin/python benchmarks/db_smoke.py --clients 4 --duration 10 --scale 1 --repeat 3
    sudo .venv/bin/python benchmarks/db_smoke.py --inventory /tmp/xcert-lab/inventory.yml --only oceanbase
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.db import perf, perf_tools  # noqa: E402
from harness.db.connection import SqlLog, connect  # noqa: E402
from harness.db.scratch import Scratch  # noqa: E402
from harness.db.targets import DbTarget  # noqa: E402
from harness.lab.db import free_port, pg_bin, start_db, stop_db  # noqa: E402


def xcert_smoke(target: DbTarget, clients: int, duration: float, scale: int) -> dict[str, Any]:
    """XC-DB-050's Python clients (processes), on the tables perf.setup makes in a scratch schema."""
    log = SqlLog()
    box = Scratch(target, log, lambda label: connect(target, log, label=label))
    try:
        perf.setup(box.conn, scale=scale)
        box.conn.commit()
        return perf.run(target, None, box.name, clients, duration, scale).summary()
    finally:
        box.close()


def xc_db_050(target: DbTarget, clients: int, duration: float, scale: int) -> dict[str, Any]:
    """XC-DB-050 as a certify run drives it: the family's reference tool with xcert's script where installed."""
    log = SqlLog()
    box = Scratch(target, log, lambda label: connect(target, log, label=label))
    try:
        perf.setup(box.conn, scale=scale)
        box.conn.commit()
        return perf_tools.drive(target, None, box.name, clients, duration, scale).summary()
    finally:
        box.close()


def sysbench_tpcb(target: DbTarget, clients: int, duration: float, scale: int) -> dict[str, Any]:
    exe = perf_tools.tool_for("mysql")
    if exe is None:
        raise SystemExit("sysbench is not installed (apt-get install sysbench)")
    log = SqlLog()
    box = Scratch(target, log, lambda label: connect(target, log, label=label))
    try:
        perf.setup(box.conn, scale=scale)
        box.conn.commit()
        return perf_tools.run_sysbench(exe, target, None, box.name, clients, duration, scale).summary()
    finally:
        box.close()


def pgbench(target: DbTarget, clients: int, duration: float, scale: int) -> dict[str, Any]:
    """pgbench's own TPC-B (sort of), -M extended, on its own tables: an independent reference."""
    exe = str(pg_bin() / "pgbench")
    env = {**os.environ, "PGPASSWORD": target.password or ""}
    common = ["-h", target.host, "-p", str(target.port), "-U", target.user, target.database or "postgres"]
    subprocess.run([exe, "-i", "-q", "-s", str(scale), *common], env=env, check=True, capture_output=True, timeout=600)
    logdir = Path(tempfile.mkdtemp(prefix="pgbench-log-"))
    argv = [exe, "-n", "-M", "extended", "-c", str(clients), "-j", str(clients), "-T", str(int(duration)), "-l"]
    cpu0 = perf_tools._children_cpu()
    with perf_tools.cpu_busy() as busy:
        out = subprocess.run(
            [*argv, f"--log-prefix={logdir}/tx", *common],
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=int(duration) + 300,
        ).stdout
    cpu = perf_tools._children_cpu() - cpu0
    tps = float(re.search(r"tps = ([\d.]+)", out).group(1))  # type: ignore[union-attr]
    tx = int(re.search(r"number of transactions actually processed: (\d+)", out).group(1))  # type: ignore[union-attr]
    failed = re.search(r"number of failed transactions: (\d+)", out)
    micros = [int(ln.split()[2]) for f in logdir.glob("tx*") for ln in f.read_text().splitlines() if ln.strip()]
    shutil.rmtree(logdir, ignore_errors=True)
    cuts = statistics.quantiles([m / 1000 for m in micros], n=100, method="inclusive")
    return {
        "tps": tps,
        "latency_ms": {"p50": round(cuts[49], 3), "p95": round(cuts[94], 3), "p99": round(cuts[98], 3)},
        "transactions": tx,
        "errors": int(failed.group(1)) if failed else 0,
        "client_cpu_pct": round(100 * cpu / duration, 1),
        "controller_busy_pct": None if busy.value is None else round(100 * busy.value, 1),
    }


REFERENCE = {
    "postgresql": ("pgbench -M extended (built-in TPC-B)", pgbench),
    "mysql": ("sysbench tpcb.lua", sysbench_tpcb),
}


def _targets(args: argparse.Namespace, workdir: Path) -> list[tuple[str, DbTarget]]:
    if args.inventory:
        inv = yaml.safe_load(args.inventory.read_text(encoding="utf-8"))
        found = []
        for group in (inv.get("all", {}).get("children") or {}).values():
            for host in (group.get("hosts") or {}).values():
                for t in host.get("xc_db_targets") or []:
                    if not args.only or t["name"] in args.only:
                        found.append((t["name"], DbTarget.from_mapping(t)))
        return found
    found = []
    for kind in args.only or ("postgresql", "mariadb"):
        found.append(
            (
                kind,
                DbTarget.from_mapping(start_db(kind, "", "127.0.0.1", workdir, port=free_port())["xc_db_targets"][-1]),
            )
        )
    return found


def _version(target: DbTarget) -> str:
    conn = connect(target, SqlLog(), label="version")
    try:
        return str(conn.scalar("SELECT version()" if target.family == "postgresql" else "SELECT VERSION()"))
    finally:
        conn.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--duration", type=float, default=10.0)
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--inventory", type=Path, help="take the targets of this (lab) inventory")
    ap.add_argument("--only", action="append", default=[], help="target name (repeatable)")
    ap.add_argument("--as-run", action="store_true", help="also XC-DB-050 as certify drives it (the tool path)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "db_results.md")
    args = ap.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="xcert-db-bench-"))
    os.chmod(workdir, 0o755)
    sections: list[str] = []
    try:
        for name, target in _targets(args, workdir):
            ref_name, ref = REFERENCE[target.family]
            rows: list[tuple[str, dict[str, Any]]] = []
            for i in range(args.repeat):
                rows.append(
                    (
                        "xcert smoke (Python client processes)",
                        xcert_smoke(target, args.clients, args.duration, args.scale),
                    )
                )
                rows.append((ref_name, ref(target, args.clients, args.duration, args.scale)))
                print(f"{name} round {i + 1}: {rows[-2][1]['tps']} vs {rows[-1][1]['tps']} TPS", file=sys.stderr)
                if args.as_run:
                    summary = xc_db_050(target, args.clients, args.duration, args.scale)
                    rows.append((f"XC-DB-050 as run ({summary['tool']}, xcert's script)", summary))
            sections.append(_section(name, _version(target), rows, args.repeat))
    finally:
        if not args.inventory:
            for kind in args.only or ("postgresql", "mariadb"):
                stop_db(kind, workdir)
        shutil.rmtree(workdir, ignore_errors=True)
    _write(args, sections)
    return 0


def _section(name: str, version: str, rows: list[tuple[str, dict[str, Any]]], repeat: int) -> str:
    lines = [
        f"### {name}: {version}",
        "",
        "| tool | TPS | latency p50 / p95 / p99 (ms) | transactions | errors | client CPU (% of a core) | controller busy |",
        "|---|---|---|---|---|---|---|",
    ]
    for tool, r in rows:
        lat = r["latency_ms"]
        lines.append(
            f"| {tool} | {r['tps']:.1f} | {lat['p50']} / {lat['p95']} / {lat['p99']} | {r['transactions']} | "
            f"{r['errors']} | {r.get('client_cpu_pct', '-')} | {r.get('controller_busy_pct', '-')} % |"
        )
    medians = {}
    for tool in dict.fromkeys(n for n, _ in rows):
        medians[tool] = statistics.median(r["tps"] for n, r in rows if n == tool)
        p95 = statistics.median(r["latency_ms"]["p95"] for n, r in rows if n == tool)
        lines.append(f"| **{tool}, median of {repeat}** | **{medians[tool]:.1f}** | p95 **{p95}** | | | | |")
    smoke, reference, *as_run = list(medians.values())
    lines += [
        "",
        f"Python smoke / reference: **{100 * smoke / reference:.1f} %** (medians of {repeat}, run alternately).",
    ]
    if as_run:
        lines.append(f"XC-DB-050 as run / reference: **{100 * as_run[0] / reference:.1f} %**.")
    lines.append("")
    return "\n".join(lines)


def _write(args: argparse.Namespace, sections: list[str]) -> None:
    cpu = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        ),
        "?",
    )
    command = " ".join(["benchmarks/db_smoke.py", *sys.argv[1:]])
    head = [
        "# Benchmark: xcert's performance smoke against a reference client on the same server",
        "",
        f"Produced by `sudo .venv/bin/python {command}` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: "
        f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, Python {platform.python_version()}; "
        f"{args.clients} clients, {args.duration:g} s, scale {args.scale}, {args.repeat} pairs run alternately. "
        "The smoke is XC-DB-050's Python fallback: one client process per connection (psycopg 3 or PyMySQL), "
        "nothing between statements but the statement. Servers with fsync off. 'controller busy' is the whole "
        "machine's CPU (server and client share it here), which is why a run can be flagged saturated.",
        "",
    ]
    text = "\n".join(head + sections) + "\n"
    if args.out.exists() and args.inventory:
        text = args.out.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + "\n".join(head[2:] + sections) + "\n"
    args.out.write_text(text, encoding="utf-8")
    print(args.out)


if __name__ == "__main__":
    raise SystemExit(main())
