"""DB layer: a TPC-B-like performance smoke with TPS and latency percentiles."""

from __future__ import annotations

from harness.checks import N_, CheckContext, check
from harness.clock import utc_now_iso
from harness.db import perf, perf_tools
from harness.db.scratch import Scratch
from harness.db.targets import DbTarget


@check(
    "XC-DB-050",
    source='TPC Benchmark B standard specification (TPC-B transaction profile); pgbench(1), sysbench',
    layer="db",
    severity="advisory",
    title=N_("Performance smoke (TPC-B-like)"),
    requirement=N_(
        "A TPC-B-like workload (pgbench's default transaction, scale 1) runs without errors; "
        "TPS and latency percentiles are measured, and meet tps_min when the inventory declares one. "
        "The workload is driven by pgbench or sysbench where installed on the controller, else by Python "
        "client processes; the tool, the client's CPU use and whether it saturated are reported."
    ),
    remedy=N_("Look at the server's configuration (memory, fsync, connections) and the host's disks."),
    profiles=("full", "disruptive"),
)
def test_db_perf(
    db_target: DbTarget, db_scratch: Scratch, db_endpoint: tuple[str, int] | None, db_profile: str, xc: CheckContext
) -> None:
    clients, duration = perf.profile_load(db_profile)
    perf.setup(db_scratch.conn, scale=1)
    db_scratch.conn.commit()
    started = utc_now_iso()
    result = perf_tools.drive(db_target, db_endpoint, db_scratch.name, clients=clients, duration_s=duration)
    summary = result.summary()
    db_scratch.log.add("workload", perf.TRANSACTION_SQL, None, started, result.duration_s, result=summary)
    xc.measure("tps", summary["tps"], "tps")
    for q in ("p50", "p95", "p99"):
        xc.measure(f"latency_{q}", summary["latency_ms"][q], "ms")
    xc.measure("clients", clients, "count")
    xc.measure("duration", summary["duration_s"], "s")
    xc.measure("errors", result.errors, "count")
    xc.measure("client_cpu", summary["client_cpu_pct"], "%")
    xc.measure("client_saturated", result.client_saturated, "bool")
    if result.transactions == 0:
        raise RuntimeError(f"no transaction completed: {'; '.join(result.error_samples) or 'no error reported'}")
    if result.errors:
        xc.fail(
            N_("{errors} transactions failed: {sample}"),
            errors=result.errors,
            sample=result.error_samples[0] if result.error_samples else "",
        )
    if db_target.tps_min is not None and result.tps < db_target.tps_min:
        if result.client_saturated:
            raise RuntimeError(
                f"{summary['tps']} TPS is below tps_min {db_target.tps_min}, but the client saturated "
                f"({summary['client_cpu_pct']} % CPU): the figure is a lower bound and cannot decide"
            )
        xc.fail(N_("{tps} TPS is below the declared minimum of {min}"), tps=summary["tps"], min=db_target.tps_min)
    key = (
        N_(
            "{tps} TPS ({tool}, {clients} clients, {seconds} s; the client used {cpu} % CPU and saturated: "
            "a lower bound); latency p50 {p50} ms, p95 {p95} ms, p99 {p99} ms"
        )
        if result.client_saturated
        else N_(
            "{tps} TPS ({tool}, {clients} clients, {seconds} s; the client used {cpu} % CPU); "
            "latency p50 {p50} ms, p95 {p95} ms, p99 {p99} ms"
        )
    )
    xc.note(
        key,
        tps=summary["tps"],
        tool=result.tool,
        clients=clients,
        seconds=summary["duration_s"],
        cpu=summary["client_cpu_pct"],
        **summary["latency_ms"],
    )
