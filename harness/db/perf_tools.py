"""The performance smoke driven by the family's reference tool where it is installed on the controller.

pgbench (PostgreSQL family) and sysbench 1.0 (MySQL family, OceanBase) run xcert's own TPC-B-like
transaction (``tools/tpcb.pgbench``, ``tools/tpcb.lua``: the same statements as the Python clients)
on the tables :func:`harness.db.perf.setup` made in the scratch schema. Passwords reach the tools in
their environment (PGPASSWORD) or a 0600 option file (sysbench ``--config-file``), never on a
command line. The tool's CPU time is its own (``RUSAGE_CHILDREN`` around it).
"""

from __future__ import annotations

import contextlib
import os
import re
import resource
import shutil
import statistics
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from harness.db.dialects import dialect_of
from harness.db.perf import PerfResult
from harness.db.targets import DbTarget


@dataclass
class Busy:
    value: float | None = None


@contextlib.contextmanager
def cpu_busy() -> Iterator[Busy]:
    """The controller's CPU busy share (0..1) over the block, from /proc/stat."""
    busy = Busy()
    before = _cpu_times()
    yield busy
    after = _cpu_times()
    if before and after:
        total = sum(after) - sum(before)
        idle = (after[3] + after[4]) - (before[3] + before[4])
        busy.value = (total - idle) / total if total > 0 else None


def _cpu_times() -> list[int] | None:
    try:
        first = Path("/proc/stat").read_text(encoding="ascii").splitlines()[0].split()
    except (OSError, IndexError):
        return None
    return [int(v) for v in first[1:9]] if first and first[0] == "cpu" else None


def tool_for(family: str) -> str | None:
    """The reference tool of ``family`` (its dialect's ``smoke_tool``) when it is on PATH (or pgbench
    beside PostgreSQL's binaries)."""
    name = dialect_of(family).smoke_tool
    if name is None:
        return None
    found = shutil.which(name)
    if found is None and name == "pgbench":
        with contextlib.suppress(Exception):
            from harness.lab.db import pg_bin

            candidate = pg_bin() / "pgbench"
            found = str(candidate) if candidate.is_file() else None
    return found


def _script(name: str) -> str:
    return resources.files("harness.db").joinpath("tools", name).read_text(encoding="utf-8")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _percentiles(values: list[float]) -> list[float]:
    if len(values) < 2:
        return [values[0] if values else 0.0] * 99
    return statistics.quantiles(values, n=100, method="inclusive")


def run_pgbench(
    exe: str,
    target: DbTarget,
    endpoint: tuple[str, int] | None,
    schema: str,
    clients: int,
    duration_s: float,
    scale: int,
) -> PerfResult:
    host, port = endpoint or (target.host, target.port)
    work = Path(tempfile.mkdtemp(prefix="xcert-pgbench-"))
    try:
        script = work / "tpcb.pgbench"
        script.write_text(_script("tpcb.pgbench"), encoding="utf-8")
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PGPASSWORD": target.password or "",
            "PGOPTIONS": f"-c search_path={schema}",
            "PGCONNECT_TIMEOUT": "10",
        }
        argv = [
            exe,
            "-n",
            "-M",
            "extended",
            "-f",
            str(script),
            "-s",
            str(scale),
            "-c",
            str(clients),
            "-j",
            str(clients),
            "-T",
            str(max(1, round(duration_s))),
            "-l",
            f"--log-prefix={work}/tx",
            "-h",
            host,
            "-p",
            str(port),
            "-U",
            target.user,
            target.database or "postgres",
        ]
        cpu0 = _children_cpu()
        with cpu_busy() as busy:
            done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=duration_s + 120, check=False)
        cpu = _children_cpu() - cpu0
        if done.returncode != 0:
            raise RuntimeError(f"pgbench failed (rc {done.returncode}): {(done.stderr or done.stdout).strip()[-300:]}")
        out = done.stdout
        tx = re.search(r"number of transactions actually processed: (\d+)", out)
        failed = re.search(r"number of failed transactions: (\d+)", out)
        # per-transaction log: client_id transaction_no time(us) script_no time_epoch time_us
        micros = [
            float(ln.split()[2]) / 1000 for f in work.glob("tx*") for ln in f.read_text().splitlines() if ln.strip()
        ]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = PerfResult(
        clients=clients,
        duration_s=float(max(1, round(duration_s))),
        scale=scale,
        transactions=int(tx.group(1)) if tx else len(micros),
        errors=int(failed.group(1)) if failed else 0,
    )
    result.latencies_ms = micros
    result.tool, result.tool_detail = "pgbench", f"pgbench -M extended -c {clients} -j {clients}"
    result.client_cpu_s, result.client_procs, result.controller_busy = cpu, clients, busy.value
    return result


_HIST = re.compile(r"^\s*(?P<v>\d+(?:\.\d+)?)\s*\|\s*\**\s+(?P<n>\d+)\s*$")


def parse_sysbench(out: str) -> tuple[int, int, list[float]]:
    """(transactions, errors, latencies expanded from the histogram) from sysbench 1.0's report."""
    tx = re.search(r"transactions:\s+(\d+)", out)
    errors = re.search(r"ignored errors:\s+(\d+)", out)
    lat: list[float] = []
    for line in out.splitlines():
        m = _HIST.match(line)
        if m:
            lat.extend([float(m.group("v"))] * int(m.group("n")))
    return int(tx.group(1)) if tx else 0, int(errors.group(1)) if errors else 0, lat


def run_sysbench(
    exe: str,
    target: DbTarget,
    endpoint: tuple[str, int] | None,
    schema: str,
    clients: int,
    duration_s: float,
    scale: int,
) -> PerfResult:
    host, port = endpoint or (target.host, target.port)
    work = Path(tempfile.mkdtemp(prefix="xcert-sysbench-"))
    os.chmod(work, 0o700)
    seconds = max(1, round(duration_s))
    try:
        script = work / "tpcb.lua"
        script.write_text(_script("tpcb.lua"), encoding="utf-8")
        options = work / "options"
        options.touch(mode=0o600)
        options.write_text(
            "\n".join(
                [
                    f"mysql-host={host}",
                    f"mysql-port={port}",
                    f"mysql-user={target.user}",
                    f"mysql-password={target.password or ''}",
                    f"mysql-db={schema}",
                    f"threads={clients}",
                    f"time={seconds}",
                    "histogram=on",
                    "percentile=95",
                    "db-driver=mysql",
                    "report-interval=0",
                ]
            )
            + "\n",
            encoding="utf-8",
        )
        argv = [exe, f"--config-file={options}", str(script), f"--scale={scale}", "run"]
        cpu0 = _children_cpu()
        with cpu_busy() as busy:
            done = subprocess.run(
                argv,
                capture_output=True,
                text=True,
                timeout=duration_s + 120,
                check=False,
                cwd=work,
                env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
            )
        cpu = _children_cpu() - cpu0
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if done.returncode != 0:
        raise RuntimeError(f"sysbench failed (rc {done.returncode}): {(done.stderr or done.stdout).strip()[-300:]}")
    tx, errors, lat = parse_sysbench(done.stdout)
    result = PerfResult(clients=clients, duration_s=float(seconds), scale=scale, transactions=tx, errors=errors)
    result.latencies_ms = lat
    result.tool, result.tool_detail = "sysbench", f"sysbench 1.0 tpcb.lua --threads={clients}"
    # sysbench runs its clients as threads of one process: its CPU ceiling is the controller's cores
    result.client_cpu_s, result.client_procs, result.controller_busy = cpu, clients, busy.value
    return result


#: each reference tool's runner, by the name a dialect gives as its ``smoke_tool``
RUNNERS = {"pgbench": run_pgbench, "sysbench": run_sysbench}
#: XCERT_SMOKE_TOOL chooses what drives XC-DB-050: auto (the family's tool when installed), or python
TOOL_CHOICES = ("auto", "python", *RUNNERS)


def drive(
    target: DbTarget,
    endpoint: tuple[str, int] | None,
    schema: str,
    clients: int,
    duration_s: float,
    scale: int = 1,
    tool: str | None = None,
) -> PerfResult:
    """The smoke by the family's reference tool when installed (``tool="auto"``), else by Python clients.

    ``tool`` defaults to the controller's ``XCERT_SMOKE_TOOL`` (``auto`` when unset).
    """
    from harness.db import perf

    tool = tool or os.environ.get("XCERT_SMOKE_TOOL", "auto")
    if tool not in TOOL_CHOICES:
        raise RuntimeError(f"XCERT_SMOKE_TOOL={tool!r}: use one of {', '.join(TOOL_CHOICES)}")
    name = dialect_of(target.family).smoke_tool
    exe = tool_for(target.family) if tool in ("auto", name) else None
    if tool not in ("auto", "python") and exe is None:
        raise RuntimeError(f"{tool} does not drive the {target.family} family, or is not installed")
    if exe and name is not None:
        return RUNNERS[name](exe, target, endpoint, schema, clients, duration_s, scale)
    return perf.run(target, endpoint, schema, clients, duration_s, scale)
