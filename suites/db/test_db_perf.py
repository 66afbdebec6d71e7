"""DB layer: a TPC-B-like performance smoke with TPS and latency percentiles."""

from __future__ import annotations

from harness.checks import N_, check
from harness.clock import utc_now_iso
from harness.db import perf
from harness.db.scratch import use


@check(
    "XC-DB-050",
    layer="db",
    severity="advisory",
    title=N_("Performance smoke (TPC-B-like)"),
    requirement=N_(
        "A TPC-B-like workload (pgbench's default transaction, scale 1) runs without errors; "
        "TPS and latency percentiles are measured, and meet tps_min when the inventory declares one."
    ),
    remedy=N_("Look at the server's configuration (memory, fsync, connections) and the host's disks."),
    profiles=("full", "disruptive"),
)
def test_db_perf(db_target, db_scratch, db_connect, db_profile, xc):
    clients, duration = perf.PROFILE_LOAD[db_profile]
    perf.setup(db_scratch.conn, scale=1)

    def open_conn(label):
        conn = db_connect(label)
        use(conn, db_scratch.name)
        return conn

    started = utc_now_iso()
    result = perf.run(open_conn, clients=clients, duration_s=duration)
    summary = result.summary()
    db_scratch.log.add("workload", perf.TRANSACTION_SQL, None, started, result.duration_s, result=summary)
    xc.measure("tps", summary["tps"], "tps")
    for q in ("p50", "p95", "p99"):
        xc.measure(f"latency_{q}", summary["latency_ms"][q], "ms")
    xc.measure("clients", clients, "count")
    xc.measure("duration", summary["duration_s"], "s")
    xc.measure("errors", result.errors, "count")
    if result.transactions == 0:
        raise RuntimeError(f"no transaction completed: {'; '.join(result.error_samples) or 'no error reported'}")
    if result.errors:
        xc.fail(N_("{errors} transactions failed: {sample}"), errors=result.errors, sample=result.error_samples[0])
    if db_target.tps_min is not None and result.tps < db_target.tps_min:
        xc.fail(N_("{tps} TPS is below the declared minimum of {min}"), tps=summary["tps"], min=db_target.tps_min)
    xc.note(
        N_("{tps} TPS with {clients} clients for {seconds} s; latency p50 {p50} ms, p95 {p95} ms, p99 {p99} ms"),
        tps=summary["tps"],
        clients=clients,
        seconds=summary["duration_s"],
        **summary["latency_ms"],
    )
