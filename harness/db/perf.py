"""A TPC-B-like performance smoke (pgbench's default transaction): the workload and its figures.

Tables live in the scratch schema; ``scale`` 1 means 1 branch, 10 tellers, 100,000 accounts,
as in pgbench. The transaction is driven by the reference tool of the family where it is
installed on the controller (pgbench, sysbench: :mod:`harness.db.perf_tools`, the same
transaction on the same tables), else by Python clients, one process each
(:mod:`harness.db.perf_client`). TPS counts committed transactions over the measured duration;
latencies are per transaction; the client's own CPU time is measured, and a run in which the
client had no CPU to spare is flagged (its TPS is then a lower bound).
"""

from __future__ import annotations

import os
import statistics
from dataclasses import dataclass, field
from typing import Any

from harness.db.connection import DbConnection
from harness.db.dialects import dialect_of
from harness.db.targets import DbTarget

ACCOUNTS_PER_BRANCH = 100_000
TELLERS_PER_BRANCH = 10
#: clients and seconds per profile
PROFILE_LOAD = {"quick": (2, 5.0), "full": (4, 10.0), "disruptive": (4, 10.0)}
#: XCERT_SMOKE_SECONDS (tests, demos) sets the smoke's seconds in every profile, within these bounds
SMOKE_SECONDS_RANGE = (1.0, 3600.0)


def profile_load(profile: str) -> tuple[int, float]:
    """The smoke's clients and seconds in ``profile``; the controller's ``XCERT_SMOKE_SECONDS`` sets the seconds
    (the duration run is measured and reported beside the TPS either way)."""
    clients, seconds = PROFILE_LOAD[profile]
    value = os.environ.get("XCERT_SMOKE_SECONDS")
    if value is None or value == "":
        return clients, seconds
    low, high = SMOKE_SECONDS_RANGE
    try:
        asked = float(value)
    except ValueError:
        asked = -1.0
    if not low <= asked <= high:
        raise RuntimeError(f"XCERT_SMOKE_SECONDS={value!r}: give seconds from {low:g} to {high:g}")
    return clients, asked
#: what each client runs in a loop (pgbench's "TPC-B (sort of)"), for the evidence
TRANSACTION_SQL = """-- per transaction, random aid, tid, bid and delta:
UPDATE xc_accounts SET abalance = abalance + :delta WHERE aid = :aid;
SELECT abalance FROM xc_accounts WHERE aid = :aid;
UPDATE xc_tellers SET tbalance = tbalance + :delta WHERE tid = :tid;
UPDATE xc_branches SET bbalance = bbalance + :delta WHERE bid = :bid;
INSERT INTO xc_history (tid, bid, aid, delta, mtime) VALUES (:tid, :bid, :aid, :delta, CURRENT_TIMESTAMP);
COMMIT;"""


@dataclass
class PerfResult:
    clients: int
    duration_s: float
    scale: int
    transactions: int
    errors: int
    latencies_ms: list[float] = field(default_factory=list, repr=False)
    error_samples: list[str] = field(default_factory=list)
    #: what drove the workload (pgbench, sysbench, python) and the client's CPU seconds over the run
    tool: str = "python"
    tool_detail: str = ""
    client_cpu_s: float = 0.0
    #: how many processes the client ran at most (its CPU ceiling: one core each, up to the controller's cores)
    client_procs: int = 1
    #: the controller's CPU busy share over the run, 0..1 (None when not measured)
    controller_busy: float | None = None

    @property
    def client_cpu_pct(self) -> float:
        """The client's CPU use over the run, in % of one core."""
        return 100.0 * self.client_cpu_s / self.duration_s if self.duration_s else 0.0

    @property
    def client_saturated(self) -> bool:
        """The client had no CPU to spare: its own processes used >= 90 % of the cores they could use, or the
        controller as a whole was >= 95 % busy. A harness rule for flagging a lower bound, not a verdict."""
        ceiling = 100.0 * min(self.client_procs, os.cpu_count() or 1)
        if self.client_cpu_pct >= 0.9 * ceiling:
            return True
        return self.controller_busy is not None and self.controller_busy >= 0.95

    @property
    def tps(self) -> float:
        return self.transactions / self.duration_s if self.duration_s else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return 0.0
        if len(self.latencies_ms) == 1:
            return self.latencies_ms[0]
        cuts = statistics.quantiles(self.latencies_ms, n=100, method="inclusive")
        return cuts[int(q) - 1]

    def summary(self) -> dict[str, Any]:
        return {
            "clients": self.clients,
            "duration_s": round(self.duration_s, 3),
            "scale": self.scale,
            "transactions": self.transactions,
            "errors": self.errors,
            "tps": round(self.tps, 1),
            "latency_ms": {q: round(self.percentile(n), 3) for q, n in (("p50", 50), ("p95", 95), ("p99", 99))},
            "error_samples": self.error_samples[:5],
            "tool": self.tool,
            "tool_detail": self.tool_detail,
            "client_cpu_pct": round(self.client_cpu_pct, 1),
            "client_saturated": self.client_saturated,
            "controller_busy_pct": None if self.controller_busy is None else round(100 * self.controller_busy, 1),
        }


def setup(conn: DbConnection, scale: int = 1) -> None:
    """Create and fill the four TPC-B tables (rows generated by the server from a digits table)."""
    dialect = dialect_of(conn)
    filler = "CHAR(84)"
    conn.execute("CREATE TABLE xc_digits (d INT PRIMARY KEY)")
    conn.executemany(f"INSERT INTO xc_digits (d) VALUES ({conn.ph()})", [(i,) for i in range(10)])
    conn.execute(f"CREATE TABLE xc_branches (bid INT PRIMARY KEY, bbalance INT, filler {filler})")
    conn.execute(f"CREATE TABLE xc_tellers (tid INT PRIMARY KEY, bid INT, tbalance INT, filler {filler})")
    conn.execute(f"CREATE TABLE xc_accounts (aid INT PRIMARY KEY, bid INT, abalance INT, filler {filler})")
    ts = dialect.timestamp_type
    conn.execute(f"CREATE TABLE xc_history (tid INT, bid INT, aid INT, delta INT, mtime {ts}, filler CHAR(22))")
    for b in range(1, scale + 1):
        conn.execute(f"INSERT INTO xc_branches (bid, bbalance) VALUES ({b}, 0)")
        conn.execute(
            f"INSERT INTO xc_tellers (tid, bid, tbalance) SELECT {(b - 1) * TELLERS_PER_BRANCH} + d + 1, {b}, 0 "
            "FROM xc_digits"
        )
        conn.execute(
            f"INSERT INTO xc_accounts (aid, bid, abalance) SELECT {(b - 1) * ACCOUNTS_PER_BRANCH} + "
            "a.d * 10000 + b.d * 1000 + c.d * 100 + e.d * 10 + g.d + 1, "
            f"{b}, 0 FROM xc_digits a, xc_digits b, xc_digits c, xc_digits e, xc_digits g"
        )
        conn.commit()
    for sql in dialect.analyze_sql:
        conn.execute(sql)
    conn.commit()


def run(
    target: DbTarget,
    endpoint: tuple[str, int] | None,
    schema: str,
    clients: int,
    duration_s: float,
    scale: int = 1,
    seed: int = 0,
) -> PerfResult:
    """The Python smoke: ``clients`` processes for ``duration_s`` seconds on the tables :func:`setup` made."""
    from harness.db.perf_client import run_clients
    from harness.db.perf_tools import cpu_busy

    with cpu_busy() as busy:
        reports, wall = run_clients(target, endpoint, schema, clients, duration_s, scale, seed)
    result = PerfResult(clients=clients, duration_s=wall, scale=scale, transactions=0, errors=0)
    for r in reports:
        result.latencies_ms.extend(r.latencies_ms)
        result.transactions += r.transactions
        result.errors += r.errors
        result.error_samples.extend(r.error_samples)
        result.client_cpu_s += r.cpu_s
    result.tool, result.tool_detail, result.client_procs = "python", f"{clients} processes", clients
    result.controller_busy = busy.value
    return result
