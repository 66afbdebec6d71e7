"""DB layer: the database service on its host (through the host's own connection) and a restart."""

from __future__ import annotations

import time

from harness.checks import N_, CheckContext, check
from harness.db import service
from harness.db.connection import DbConnect, DbUnavailable
from harness.db.dialects import dialect_of
from harness.db.scratch import Scratch, use
from harness.db.targets import DbTarget
from harness.db.verdict import served_by_host
from harness.session import HostSession
from suites.db._common import asker


def _on_host(db_target: DbTarget, target: HostSession, xc: CheckContext) -> None:
    if not served_by_host(db_target, target.spec.address, target.spec.connection):
        xc.not_applicable(N_("The database runs on {host}, not on this host"), host=db_target.host)


def _server_pid(db_target: DbTarget, target: HostSession, db_connect: DbConnect) -> int | None:
    """The server's main pid: from ss when it may show it, else from the server itself."""
    return service.server_pid(target.run, db_target.port, asker(db_connect), db_target.family)


def _datadir(
    db_target: DbTarget, db_connect: DbConnect, target: HostSession | None = None, pid: int | None = None
) -> str | None:
    """The data directory, absolute: a relative answer (OceanBase: ``store``) is joined to the server's cwd."""
    conn = db_connect("datadir")
    try:
        value = conn.scalar(dialect_of(db_target.family).datadir_sql)
    except conn.driver.Error as exc:
        raise RuntimeError(f"the server does not tell {db_target.user} its data directory: {exc}") from exc
    conn.rollback()
    reported = str(value).rstrip("/") if value else None
    if not reported or reported.startswith("/") or target is None:
        return reported
    if pid is None:
        raise RuntimeError(f"the data directory {reported!r} is relative and the server's process was not found")
    cwd = service.process_cwd(target.run, pid)
    resolved = service.resolve_datadir(reported, cwd)
    if resolved is None:
        raise RuntimeError(f"the data directory {reported!r} is relative and pid {pid}'s working directory is unknown")
    return resolved


@check(
    "XC-DB-040",
    source='ss(8) listening sockets against the declared target port',
    layer="db",
    severity="mandatory",
    title=N_("Database service runs and listens on the declared port"),
    requirement=N_(
        "On systemd hosts the server's unit is active and enabled; elsewhere the server process runs; "
        "either way it listens on the declared port."
    ),
    remedy=N_("Enable and start the database's service (systemctl enable --now UNIT) and set its port."),
)
def test_db_service(db_target: DbTarget, db_connect: DbConnect, target: HostSession, xc: CheckContext) -> None:
    _on_host(db_target, target, xc)
    found = service.listeners(target.run, db_target.port)
    if not found:
        xc.fail(N_("Nothing listens on port {port}"), port=db_target.port)
    pid = _server_pid(db_target, target, db_connect)
    if pid is None:
        raise RuntimeError(f"cannot tell which process listens on port {db_target.port}")
    user, args = service.process_info(target.run, pid)
    if service.has_systemd(target.run):
        unit = service.unit_of(target.run, pid)
        if unit is None:
            xc.fail(N_("The server (pid {pid}) is not run by a systemd unit"), pid=pid)
        active, enabled = service.unit_state(target.run, unit)
        if active != "active" or enabled not in ("enabled", "enabled-runtime", "static", "alias"):
            xc.fail(N_("{unit} is {active} and {enabled}"), unit=unit, active=active, enabled=enabled)
        xc.note(N_("{unit} active and enabled; listening on port {port}"), unit=unit, port=db_target.port)
        return
    xc.note(
        N_("No systemd: the server process {pid} ({user}: {args}) listens on port {port}"),
        pid=pid,
        user=user,
        args=args[:120],
        port=db_target.port,
    )


@check(
    "XC-DB-041",
    source="the vendors' installation guides: the data directory is owned by the database user and not open to others (e.g. PostgreSQL documentation, Creating a Database Cluster)",
    layer="db",
    severity="mandatory",
    title=N_("Data directory owner and mode"),
    requirement=N_("The data directory belongs to the user the server runs as and no other user may write to it."),
    remedy=N_("chown -R the data directory to the service user and chmod it 0700 (0750 at most)."),
)
def test_db_datadir(db_target: DbTarget, db_connect: DbConnect, target: HostSession, xc: CheckContext) -> None:
    _on_host(db_target, target, xc)
    pid = _server_pid(db_target, target, db_connect)
    datadir = _datadir(db_target, db_connect, target, pid)
    if not datadir:
        raise RuntimeError("the server reports no data directory")
    user = service.process_info(target.run, pid)[0] if pid else None
    st = service.stat_path(target.run, datadir)
    if st is None:
        raise RuntimeError(f"cannot stat {datadir} on the host")
    problem = service.datadir_problem(db_target.family, st, user)
    if problem:
        xc.fail(N_("{path}: {problem}"), path=datadir, problem=problem)
    xc.note(N_("{path} owned by {owner}, mode {mode}"), path=datadir, owner=st.owner, mode=f"{st.mode:04o}")


@check(
    "XC-DB-042",
    source='durability of committed transactions (ISO/IEC 9075-2, COMMIT)',
    layer="db",
    severity="mandatory",
    title=N_("Committed data survives a service restart"),
    requirement=N_("After the service is restarted, rows committed before the restart are all there."),
    remedy=N_("Check the server's durability settings (fsync, innodb_flush_log_at_trx_commit) and its service unit."),
    profiles=("disruptive",),
)
def test_db_restart(
    db_target: DbTarget, db_scratch: Scratch, db_connect: DbConnect, target: HostSession, xc: CheckContext
) -> None:
    _on_host(db_target, target, xc)
    conn = db_scratch.conn
    conn.execute("CREATE TABLE xc_durable (id INT PRIMARY KEY, v VARCHAR(40))")
    rows = [(i, f"持久 {i}") for i in range(1, 101)]
    conn.executemany(f"INSERT INTO xc_durable VALUES ({conn.ph(2)})", rows)
    conn.commit()
    pid = _server_pid(db_target, target, db_connect)
    if pid is None:
        raise RuntimeError(f"cannot tell which process listens on port {db_target.port}")
    user = service.process_info(target.run, pid)[0]
    unit = service.unit_of(target.run, pid) if service.has_systemd(target.run) else None
    cmdline = [a for a in target.run(f"tr '\\0' '\\n' < /proc/{pid}/cmdline").text.split("\n") if a]
    datadir = _datadir(db_target, db_connect, target, pid) or ""
    cwd = service.process_cwd(target.run, pid) or "/"
    env = service.process_env(target.run, pid, service.KEPT_ENV)
    for c in db_scratch.conns:
        c.close()
    result = target.run(
        service.restart_command(db_target.family, pid, user, datadir, unit, cmdline, cwd=cwd, env=env), timeout_s=180
    )
    if result.rc != 0:
        raise RuntimeError(
            f"the restart command failed (rc {result.rc}): {result.stderr.decode(errors='replace')[:200]}"
        )
    deadline = time.monotonic() + 90
    while True:
        try:
            after = db_connect("after-restart")
            break
        except DbUnavailable:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    use(after, db_scratch.name)
    back = [(int(r[0]), str(r[1])) for r in after.query("SELECT id, v FROM xc_durable ORDER BY id")]
    after.rollback()
    new_pid = _server_pid(db_target, target, db_connect)
    if new_pid == pid:
        raise RuntimeError(f"the server kept pid {pid}: it was not restarted")
    xc.measure("rows_before", len(rows), "count")
    xc.measure("rows_after", len(back), "count")
    if back != rows:
        xc.fail(N_("{after} of {before} committed rows survived the restart"), after=len(back), before=len(rows))
    xc.note(
        N_("Restarted (pid {old} -> {new}); all {count} committed rows survived"), old=pid, new=new_pid, count=len(rows)
    )
