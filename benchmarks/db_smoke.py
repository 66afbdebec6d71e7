"""Benchmark: xcert's TPC-B-like smoke (XC-DB-050's workload through psycopg) against pgbench,
on the same throwaway PostgreSQL, with the same clients, duration and scale. Needs root
(the server runs as postgres).

    sudo .venv/bin/python benchmarks/db_smoke.py [--clients 4] [--duration 10] [--scale 1] [--out benchmarks/db_results.md]

Figures are written with the machine they were measured on; never asserted in tests.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.db import perf  # noqa: E402
from harness.db.connection import SqlLog, connect  # noqa: E402
from harness.db.scratch import Scratch, use  # noqa: E402
from harness.db.targets import DbTarget  # noqa: E402
from harness.lab.db import free_port, pg_bin, start_db, stop_db  # noqa: E402


def xcert_smoke(target: DbTarget, clients: int, duration: float, scale: int) -> dict[str, Any]:
    log = SqlLog()
    box = Scratch(target, log, lambda label: connect(target, log, label=label))
    try:
        perf.setup(box.conn, scale=scale)

        def open_conn(label: str) -> Any:
            conn = connect(target, log, label=label)
            use(conn, box.name)
            return conn

        return perf.run(open_conn, clients=clients, duration_s=duration, scale=scale).summary()
    finally:
        box.close()


def pgbench(target: DbTarget, clients: int, duration: float, scale: int) -> dict[str, Any]:
    exe = str(pg_bin() / "pgbench")
    env = {**os.environ, "PGPASSWORD": target.password or ""}
    common = ["-h", target.host, "-p", str(target.port), "-U", target.user, target.database or "postgres"]
    subprocess.run([exe, "-i", "-q", "-s", str(scale), *common], env=env, check=True, capture_output=True, timeout=600)
    logdir = Path(tempfile.mkdtemp(prefix="pgbench-log-"))
    out = subprocess.run(
        [
            exe,
            "-n",
            "-M",
            "extended",
            "-c",
            str(clients),
            "-j",
            str(clients),
            "-T",
            str(int(duration)),
            "-l",
            f"--log-prefix={logdir}/tx",
            *common,
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=int(duration) + 300,
    ).stdout
    tps = float(re.search(r"tps = ([\d.]+)", out).group(1))  # type: ignore[union-attr]
    lat = float(re.search(r"latency average = ([\d.]+) ms", out).group(1))  # type: ignore[union-attr]
    tx = int(re.search(r"number of transactions actually processed: (\d+)", out).group(1))  # type: ignore[union-attr]
    failed = re.search(r"number of failed transactions: (\d+)", out)
    # per-transaction log: client_id transaction_no time(us) script_no time_epoch time_us
    micros = [int(ln.split()[2]) for f in logdir.glob("tx*") for ln in f.read_text().splitlines() if ln.strip()]
    shutil.rmtree(logdir, ignore_errors=True)
    cuts = statistics.quantiles([m / 1000 for m in micros], n=100, method="inclusive")
    return {
        "tps": tps,
        "latency_ms": {"p50": round(cuts[49], 3), "p95": round(cuts[94], 3), "p99": round(cuts[98], 3)},
        "latency_avg_ms": lat,
        "transactions": tx,
        "errors": int(failed.group(1)) if failed else 0,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--duration", type=float, default=10.0)
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "db_results.md")
    args = ap.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="xcert-db-bench-"))
    os.chmod(workdir, 0o755)
    rows: list[tuple[str, dict[str, Any]]] = []
    try:
        target = DbTarget.from_mapping(
            start_db("postgresql", "", "127.0.0.1", workdir, port=free_port())["xc_db_targets"][-1]
        )
        for i in range(args.repeat):
            rows.append(("xcert smoke (psycopg)", xcert_smoke(target, args.clients, args.duration, args.scale)))
            rows.append(("pgbench -M extended", pgbench(target, args.clients, args.duration, args.scale)))
            print(f"round {i + 1}: {rows[-2][1]['tps']} vs {rows[-1][1]['tps']} TPS", file=sys.stderr)
        version = subprocess.run(
            [str(pg_bin() / "postgres"), "--version"], capture_output=True, text=True
        ).stdout.strip()
    finally:
        stop_db("postgresql", workdir)
        shutil.rmtree(workdir, ignore_errors=True)
    cpu = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        ),
        "?",
    )
    lines = [
        "# Benchmark: xcert's performance smoke against pgbench",
        "",
        f"Produced by `sudo .venv/bin/python benchmarks/db_smoke.py --clients {args.clients} --duration {args.duration:g} "
        f"--scale {args.scale} --repeat {args.repeat}` on {datetime.now(UTC):%Y-%m-%d}: {os.cpu_count()} cores ({cpu}), "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}, {version}, a throwaway cluster "
        "on 127.0.0.1 with fsync off. Same server, clients, duration and scale; pgbench's TPC-B (sort of) "
        "transaction in both. The client is the difference: xcert's smoke is Python threads over psycopg 3; "
        "pgbench is C with one thread per client.",
        "",
        "| tool | TPS | latency p50 / p95 / p99 (ms) | latency avg (ms) | transactions | errors |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in rows:
        lat = r.get("latency_ms")
        pct = f"{lat['p50']} / {lat['p95']} / {lat['p99']}" if lat else "-"
        avg = r.get("latency_avg_ms", "-")
        lines.append(f"| {name} | {r['tps']:.1f} | {pct} | {avg} | {r['transactions']} | {r['errors']} |")
    for name in dict.fromkeys(n for n, _ in rows):
        tps = statistics.median(r["tps"] for n, r in rows if n == name)
        p95 = statistics.median(r["latency_ms"]["p95"] for n, r in rows if n == name)
        lines.append(f"| **{name}, median of {args.repeat}** | **{tps:.1f}** | p95 **{p95}** | | | |")
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
