"""Lifecycle: every declared service (xc_services) stops, starts, restarts, survives kill -9 and runs
binaries that load; the host listens on no port beyond its declared port matrix.

Source of the requirements: openEuler's ISV technical certification rules (install, uninstall, start,
stop and status exit 0; the service comes back after kill -9, ten times; no listening port beyond the
declared port matrix).
"""

from __future__ import annotations

from harness.checks import N_, CheckContext, check
from harness.db.connection import SqlLog
from harness.lifecycle import control, recovery
from harness.lifecycle import service as ops
from harness.lifecycle.dbload import Databases
from harness.lifecycle.declare import port_key
from harness.lifecycle.service import Service
from harness.lifecycle.sockets import parse_ss
from harness.session import HostSession

OPENEULER_ISV = (
    "openEuler ISV technical certification test rules (openEuler community, oec/compatibility "
    "certification: lifecycle, reliability and security items)"
)


def _services(target: HostSession, xc: CheckContext) -> list[Service]:
    declared = [Service(d) for d in getattr(target.spec, "services", ()) or ()]
    if not declared:
        xc.not_applicable(
            N_("No services are declared for this host (xc_services, xc_db_targets, xc_middleware_targets)")
        )
    return declared


def _databases(target: HostSession) -> Databases:
    return Databases(getattr(target.spec, "db_targets", ()) or (), getattr(target, "transport", None))


def _controlled(target: HostSession, xc: CheckContext) -> tuple[list[Service], list[str]]:
    """The services whose stop and start are known, and why the others' are not (harness.lifecycle.control)."""
    ready, untested = [], []
    for svc in _services(target, xc):
        resolved, why = control.resolve(target, svc)
        if resolved is None:
            untested.append(why)
        else:
            ready.append(resolved)
    return ready, untested


def _decide(xc: CheckContext, problems: list[str], untested: list[str], tested: int, fail_key: str) -> None:
    """A failure fails; a service that could not be tested is never a pass (not_applicable when none could be,
    else error naming the missing declaration)."""
    if problems:
        extra = [f"not tested: {u}" for u in untested]
        xc.fail(fail_key, problems="; ".join(problems + extra))
    if untested and not tested:
        xc.not_applicable(N_("No service here can be stopped and started: {reasons}"), reasons="; ".join(untested))
    if untested:
        raise RuntimeError("not every declared service could be tested: " + "; ".join(untested))


def _lifecycle_one(target: HostSession, svc: Service, dbs: Databases, xc: CheckContext) -> str | None:
    def up() -> bool:
        return ops.answers(target, svc, sql=dbs.answers)

    if ops.run_step(target, svc, "status").rc != 0:
        return f"{svc.name}: status before the test exits non-zero (not running)"
    if ops.run_step(target, svc, "stop").rc != 0:
        return f"{svc.name}: stop exits non-zero"
    if ops.run_step(target, svc, "status").rc == 0:
        ops.run_step(target, svc, "start")
        return f"{svc.name}: status still reports running after stop"
    if ops.run_step(target, svc, "start").rc != 0:
        return f"{svc.name}: start exits non-zero"
    started = ops.wait_for(up, svc.recover_s)
    if started is None:
        return f"{svc.name}: does not answer {svc.recover_s:g} s after start"
    xc.measure(f"{svc.name}.start_s", round(started, 2), "s")
    if not ops.restart(target, svc):
        return f"{svc.name}: restart exits non-zero"
    again = ops.wait_for(up, svc.recover_s)
    if again is None:
        return f"{svc.name}: does not answer {svc.recover_s:g} s after restart"
    xc.measure(f"{svc.name}.restart_s", round(again, 2), "s")
    if ops.run_step(target, svc, "status").rc != 0:
        return f"{svc.name}: status exits non-zero after restart"
    return None


@check(
    "XC-LC-001",
    layer="lifecycle",
    severity="mandatory",
    title=N_("Declared services report status, stop, start and restart cleanly"),
    requirement=N_(
        "For every declared service (each database and middleware target too), status, stop, start and restart "
        "exit 0, and the service answers after start and restart."
    ),
    remedy=N_("Fix the service's unit or control commands so that each operation exits 0 and the service comes up."),
    profiles=("disruptive",),
    source=OPENEULER_ISV,
    tags=("lifecycle",),
    timeout_s=900,
)
def test_service_lifecycle(target: HostSession, xc: CheckContext) -> None:
    services, untested = _controlled(target, xc)
    dbs = _databases(target)
    try:
        problems = [p for svc in services if (p := _lifecycle_one(target, svc, dbs, xc))]
    finally:
        dbs.close()
    _decide(xc, problems, untested, len(services), N_("Service lifecycle: {problems}"))
    xc.note(N_("Every declared service stopped, started and restarted cleanly"))


@check(
    "XC-LC-002",
    layer="lifecycle",
    severity="mandatory",
    title=N_("Declared services come back after kill -9"),
    requirement=N_(
        "Each declared service's main process, killed with SIGKILL ten times (or as declared) under load (its "
        "declared workload, the database smoke or an HTTP load), is back and answering within its recovery bound "
        "(60 s unless declared) every time; a database keeps every row committed before each kill."
    ),
    remedy=N_(
        "Have the service supervised (systemd Restart=always, or the product's own watchdog) so that it comes "
        "back after a crash, and check the database's durability settings if committed rows were lost."
    ),
    profiles=("disruptive",),
    source=OPENEULER_ISV,
    tags=("lifecycle", "reliability"),
    timeout_s=3600,
)
def test_service_kill9_recovery(target: HostSession, xc: CheckContext) -> None:
    services, untested = _controlled(target, xc)
    dbs = _databases(target)
    problems = []
    try:
        for svc in services:
            log = SqlLog()
            try:
                outcome = recovery.kill_and_recover(target, svc, dbs, log)
            finally:
                if log.statements:
                    xc.link(target.evidence.document(f"kill9-sql-{svc.name}", {"statements": log.statements}))
            recovery.measure(xc, svc, outcome)
            if outcome.problem:
                problems.append(outcome.problem)
    finally:
        dbs.close()
    _decide(xc, problems, untested, len(services), N_("Forced-kill recovery: {problems}"))
    xc.note(N_("Every declared service came back after each kill -9"))


def _binaries(target: HostSession, xc: CheckContext) -> list[str]:
    found = [b for svc in _services(target, xc) for b in svc.binaries]
    if not found:
        xc.not_applicable(N_("No binaries are declared for this host's services"))
    return found


@check(
    "XC-LC-003",
    layer="lifecycle",
    severity="mandatory",
    title=N_("Declared binaries run"),
    requirement=N_("Every binary a declared service names answers --version, --help or -h with exit 0."),
    remedy=N_("Install the binary and its dependencies for this architecture (see the evidence for its output)."),
    profiles=("full", "disruptive"),
    source=OPENEULER_ISV,
    tags=("lifecycle",),
)
def test_binaries_run(target: HostSession, xc: CheckContext) -> None:
    import shlex

    broken = []
    for binary in _binaries(target, xc):
        q = shlex.quote(binary)
        if not any(
            target.run(f"{q} {flag} </dev/null", timeout_s=20).rc == 0 for flag in ("--version", "--help", "-h")
        ):
            broken.append(binary)
    if broken:
        xc.fail(N_("These binaries do not run: {binaries}"), binaries=", ".join(broken))
    xc.note(N_("Every declared binary runs"))


@check(
    "XC-LC-004",
    layer="lifecycle",
    severity="mandatory",
    title=N_("Declared binaries resolve every shared library and symbol"),
    requirement=N_("ldd -d -r reports no missing library and no undefined symbol for any declared binary."),
    remedy=N_("Install the missing libraries (for this architecture) or rebuild the binary against the host's."),
    profiles=("full", "disruptive"),
    source=OPENEULER_ISV,
    tags=("lifecycle", "abi"),
)
def test_binaries_link(target: HostSession, xc: CheckContext) -> None:
    import shlex

    missing: list[str] = []
    for binary in _binaries(target, xc):
        # the real file: ldd computes $ORIGIN from the path it is given (java's /usr/bin/java is a symlink)
        q = shlex.quote(binary)
        result = target.run(f'ldd -d -r "$(readlink -f {q} || echo {q})" 2>&1', timeout_s=60)
        if result.rc == 127:
            raise RuntimeError("ldd is not installed on the host")
        lines = [ln.strip() for ln in result.text.splitlines() if "not found" in ln or "undefined symbol" in ln]
        if "not a dynamic executable" in result.text:
            continue
        if result.rc != 0 and not lines:
            raise RuntimeError(f"ldd failed on {binary} with exit {result.rc}")
        missing += [f"{binary}: {ln}" for ln in lines[:5]]
    if missing:
        xc.fail(N_("Unresolved: {missing}"), missing="; ".join(missing))
    xc.note(N_("Every declared binary resolves its libraries and symbols"))


@check(
    "XC-LC-005",
    layer="lifecycle",
    severity="mandatory",
    title=N_("The host listens on no port beyond its declared port matrix"),
    requirement=N_(
        "Every TCP or UDP socket listening on a non-loopback address is in the host's declared port matrix "
        "(xc_ports, its services' ports, its database targets' ports and its SSH port)."
    ),
    remedy=N_("Stop or firewall the undeclared listeners named, or declare them in the bundle's port matrix."),
    profiles=("full", "disruptive"),
    source=OPENEULER_ISV,
    tags=("lifecycle", "exposure"),
)
def test_exposed_ports(target: HostSession, xc: CheckContext) -> None:
    spec = target.spec
    declared = {*(getattr(spec, "ports", ()) or ())}
    for svc in getattr(spec, "services", ()) or ():
        if svc.get("matrix", True):  # a tunnelled database's port is not the host's to expose
            declared |= {port_key(p) for p in svc.get("ports") or []}
    if not declared:
        # the matrix is what the bundle declares; nothing is inferred when nothing is declared
        xc.not_applicable(N_("No port matrix is declared for this host (xc_ports or xc_services ports)"))
        return
    declared |= {port_key(int(t["port"])) for t in spec.db_targets if t.get("port") and not t.get("tunnel")}
    if spec.connection == "ssh":
        declared.add(port_key(int(spec.port)))
    result = target.run(ops.SS, timeout_s=30)
    if result.rc != 0:
        raise RuntimeError(f"ss failed with exit {result.rc} (iproute2 is needed on the host)")
    listening = parse_ss(result.text)
    exposed = [lst for lst in listening if not lst.loopback]
    extra = sorted({lst.describe() for lst in exposed if lst.key not in declared})
    xc.measure("listeners", len(exposed), "count")
    if extra:
        xc.fail(N_("Undeclared listeners: {listeners}"), listeners="; ".join(extra))
    xc.note(
        N_("{count} listeners, all in the declared port matrix ({ports})"),
        count=len(exposed),
        ports=", ".join(sorted(declared)),
    )
