"""Forced-kill recovery of one service under load: ``kill -9`` of its main process, as many times as
declared, each time timed until it is back (a new main process that answers); for a database, a row
committed before each kill must be there after each recovery.

The load is the service's declared workload (a shell command on the host), else what its target
gives: the database smoke (``dbload.SqlLoad``, from the controller) or an HTTP loop on the host.
Every load is stopped, whatever happens.
"""

from __future__ import annotations

import contextlib
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from harness.db.connection import SqlLog
from harness.lifecycle import service as ops
from harness.lifecycle.control import http_workload
from harness.lifecycle.dbload import Databases, Ledger, SqlLoad
from harness.lifecycle.service import Service, Target


@dataclass
class Outcome:
    problem: str | None = None
    times: list[float] = field(default_factory=list)
    loaded: bool = False
    rows_checked: int = 0
    load_tx: int = 0


def sql_name(svc: Service) -> str | None:
    probe = svc.decl.get("probe") or {}
    return str(probe["sql"]) if "sql" in probe else None


def shell_workload(target: Target, svc: Service) -> str | None:
    """The declared workload, else an HTTP loop for an HTTP service (None: none, or a database's)."""
    if svc.decl.get("workload"):
        return str(svc.decl["workload"])
    probe = svc.decl.get("probe") or {}
    if "http" in probe:
        return http_workload(target, int(probe["http"]))
    return None


def _start_shell(target: Target, workload: str) -> int | None:
    started = target.run(f"setsid sh -c {shlex.quote(workload)} >/dev/null 2>&1 </dev/null & echo $!", timeout_s=30)
    lines = started.text.strip().splitlines()
    return int(lines[-1]) if lines and lines[-1].isdigit() else None


@contextlib.contextmanager
def loaded(
    target: Target, svc: Service, ledger: Ledger | None, seconds: float
) -> Iterator[tuple[bool, SqlLoad | None]]:
    """The service's load for the duration of the block: (whether one runs, the SQL load if it is one)."""
    workload = shell_workload(target, svc)
    if workload is None and ledger is not None:
        load = SqlLoad(ledger, seconds)
        try:
            yield True, load
        finally:
            load.stop()
        return
    group = _start_shell(target, workload) if workload else None
    try:
        yield group is not None, None
    finally:
        if group is not None:
            target.run(f"kill -TERM -- -{int(group)} 2>/dev/null; true", timeout_s=30)


def kill_and_recover(target: Target, svc: Service, dbs: Databases, log: SqlLog) -> Outcome:
    name = sql_name(svc)
    ledger = Ledger(dbs, name, log) if name else None
    out = Outcome()
    try:
        bound = svc.recover_s * (svc.kills + 1) + 60
        with loaded(target, svc, ledger, bound) as (is_loaded, load):
            out.loaded = is_loaded
            out.problem = _kills(target, svc, dbs, ledger, out)
            if load is not None:
                out.load_tx = load.committed
    finally:
        if ledger is not None:
            ledger.close()
    return out


def _kills(target: Target, svc: Service, dbs: Databases, ledger: Ledger | None, out: Outcome) -> str | None:
    for attempt in range(1, svc.kills + 1):
        if ledger is not None:
            ledger.write(attempt)
        pid = ops.main_pid(target, svc)
        if pid is None:
            raise RuntimeError(f"{svc.name}: its main process cannot be found (attempt {attempt})")
        target.run(f"kill -9 {int(pid)}", timeout_s=30)

        def back(s: Service = svc, old: int = pid) -> bool:
            now = ops.main_pid(target, s)
            return now is not None and now != old and ops.answers(target, s, sql=dbs.answers)

        took = ops.wait_for(back, svc.recover_s)
        if took is None:
            return _not_back(target, svc, attempt)
        out.times.append(took)
        if ledger is not None:
            lost = ledger.missing()
            out.rows_checked = len(ledger.written)
            if lost:
                return f"{svc.name}: committed rows {lost} are gone after kill -9 number {attempt}"
    return None


def _not_back(target: Target, svc: Service, attempt: int) -> str:
    log = ops.recent_log(target, svc)
    if svc.decl.get("start") or svc.unit:
        ops.run_step(target, svc, "start")  # leave the host as it was for the checks after this one
    tail = f"; last log lines: {log.strip().splitlines()[-1]}" if log.strip() else ""
    return f"{svc.name}: not back {svc.recover_s:g} s after kill -9 number {attempt}{tail}"


def measure(xc: Any, svc: Service, out: Outcome) -> None:
    if out.times:
        xc.measure(f"{svc.name}.recovery_max_s", round(max(out.times), 2), "s")
        xc.measure(f"{svc.name}.recovery_mean_s", round(sum(out.times) / len(out.times), 2), "s")
    xc.measure(f"{svc.name}.recoveries", len(out.times), "count")
    xc.measure(f"{svc.name}.under_load", out.loaded, "bool")
    if sql_name(svc):
        xc.measure(f"{svc.name}.committed_rows_checked", out.rows_checked, "count")
        xc.measure(f"{svc.name}.load_transactions", out.load_tx, "count")
