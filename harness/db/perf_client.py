"""The Python smoke's clients: one operating-system process each, so clients do not share one
interpreter lock (issue 21: threads made the client, not the server, set the figure).

Each process opens its own connection (the target travels to it pickled over a pipe, never on a
command line), waits for the common start, runs the transaction and nothing else in a loop until
the common stop time (``time.monotonic`` is one clock for all processes on Linux), and sends back
its count, errors, latencies and its own CPU time.
"""

from __future__ import annotations

import multiprocessing
import random
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from harness.db.targets import DbTarget

#: spawn, not fork: the worker that runs checks has SSH and tunnel threads a forked child must not inherit
_CONTEXT = multiprocessing.get_context("spawn")


@dataclass
class ClientReport:
    transactions: int = 0
    errors: int = 0
    cpu_s: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    error_samples: list[str] = field(default_factory=list)
    failure: str = ""


def _statements(ph: str) -> tuple[str, str, str, str, str]:
    return (
        f"UPDATE xc_accounts SET abalance = abalance + {ph} WHERE aid = {ph}",
        f"SELECT abalance FROM xc_accounts WHERE aid = {ph}",
        f"UPDATE xc_tellers SET tbalance = tbalance + {ph} WHERE tid = {ph}",
        f"UPDATE xc_branches SET bbalance = bbalance + {ph} WHERE bid = {ph}",
        f"INSERT INTO xc_history (tid, bid, aid, delta, mtime) VALUES ({ph}, {ph}, {ph}, {ph}, CURRENT_TIMESTAMP)",
    )


def client_main(
    target: DbTarget, endpoint: tuple[str, int] | None, schema: str, scale: int, seed: int, pipe: Connection
) -> None:
    """One client process: connect, report ready, wait for (start, stop), loop, report."""
    from harness.db.connection import SqlLog, connect
    from harness.db.scratch import use

    report = ClientReport()
    try:
        conn = connect(target, SqlLog(), label=f"client-{seed}", endpoint=endpoint)
        use(conn, schema)
    except Exception as exc:
        report.failure = f"{type(exc).__name__}: {exc}"[:300]
        pipe.send(("failed", report))
        return
    raw, error = conn.raw, conn.driver.Error
    up_acc, sel, up_tel, up_br, ins = _statements(conn.ph())
    rng = random.Random(seed)
    accounts, tellers = 100_000 * scale, 10 * scale
    pipe.send(("ready", None))
    start_at, stop_at = pipe.recv()
    while time.monotonic() < start_at:
        time.sleep(0.001)
    cpu0 = time.process_time()
    cur = raw.cursor()
    lat = report.latencies_ms
    # PyMySQL interpolates parameters on the client anyway: with integers formatted here (safe: ints only)
    # the text goes straight to Connection.query, without a cursor's escaping and bookkeeping per statement
    text = conn.driver_name == "pymysql"
    if text:
        up_acc, sel, up_tel, up_br, ins = _statements("%d")
        send = raw.query
    while True:
        aid, tid = rng.randint(1, accounts), rng.randint(1, tellers)
        bid, delta = rng.randint(1, scale), rng.randint(-5000, 5000)
        t0 = time.perf_counter()
        if t0 >= stop_at:  # perf_counter and monotonic are the same clock on Linux (CLOCK_MONOTONIC)
            break
        try:
            if text:
                send(up_acc % (delta, aid))
                send(sel % aid)
                send(up_tel % (delta, tid))
                send(up_br % (delta, bid))
                send(ins % (tid, bid, aid, delta))
            else:
                cur.execute(up_acc, (delta, aid))
                cur.execute(sel, (aid,))
                cur.fetchall()
                cur.execute(up_tel, (delta, tid))
                cur.execute(up_br, (delta, bid))
                cur.execute(ins, (tid, bid, aid, delta))
            raw.commit()
        except error as exc:
            report.errors += 1
            if len(report.error_samples) < 3:
                report.error_samples.append(f"{type(exc).__name__}: {str(exc).strip()[:120]}")
            try:
                raw.rollback()
            except error:
                break
            continue
        lat.append((time.perf_counter() - t0) * 1000)
    report.cpu_s = time.process_time() - cpu0
    report.transactions = len(lat)
    conn.close()
    pipe.send(("done", report))


def run_clients(
    target: DbTarget,
    endpoint: tuple[str, int] | None,
    schema: str,
    clients: int,
    duration_s: float,
    scale: int,
    seed: int = 0,
) -> tuple[list[ClientReport], float]:
    """Run ``clients`` processes for ``duration_s``; their reports and the measured wall time."""
    procs: list[Any] = []
    pipes: list[Connection] = []
    try:
        for i in range(clients):
            mine, theirs = _CONTEXT.Pipe()
            proc = _CONTEXT.Process(
                target=client_main, args=(target, endpoint, schema, scale, seed * 1000 + i, theirs), daemon=True
            )
            proc.start()
            theirs.close()
            procs.append(proc)
            pipes.append(mine)
        for pipe in pipes:
            if not pipe.poll(60):
                raise RuntimeError("a smoke client did not connect within 60 s")
            state, report = pipe.recv()
            if state != "ready":
                raise RuntimeError(f"a smoke client could not connect: {report.failure}")
        start_at = time.monotonic() + 0.05
        stop_at = start_at + duration_s
        for pipe in pipes:
            pipe.send((start_at, stop_at))
        reports = []
        for pipe in pipes:
            if not pipe.poll(duration_s + 60):
                raise RuntimeError("a smoke client did not report within 60 s of the end")
            reports.append(pipe.recv()[1])
        return reports, stop_at - start_at
    finally:
        for proc in procs:
            proc.join(5)
            if proc.is_alive():
                proc.kill()
                proc.join(5)
