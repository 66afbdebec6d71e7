"""Lifecycle: every declared service (xc_services) stops, starts, restarts, survives kill -9 and runs
binaries that load; the host listens on no port beyond its declared port matrix.

Source of the requirements: openEuler's ISV technical certification rules (install, uninstall, start,
stop and status exit 0; the service comes back after kill -9, ten times; no listening port beyond the
declared port matrix).
"""

from __future__ import annotations

from functools import partial

from harness.checks import N_, CheckContext, check
from harness.lifecycle import service as ops
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
        xc.not_applicable(N_("No services are declared for this host (xc_services)"))
    return declared


@check(
    "XC-LC-001",
    layer="lifecycle",
    severity="mandatory",
    title=N_("Declared services report status, stop, start and restart cleanly"),
    requirement=N_(
        "For every declared service, status, stop, start and restart exit 0, and the service answers after "
        "start and restart."
    ),
    remedy=N_("Fix the service's unit or control commands so that each operation exits 0 and the service comes up."),
    profiles=("disruptive",),
    source=OPENEULER_ISV,
    tags=("lifecycle",),
    timeout_s=900,
)
def test_service_lifecycle(target: HostSession, xc: CheckContext) -> None:
    problems: list[str] = []
    for svc in _services(target, xc):
        if ops.run_step(target, svc, "status").rc != 0:
            problems.append(f"{svc.name}: status before the test exits non-zero (not running)")
            continue
        if ops.run_step(target, svc, "stop").rc != 0:
            problems.append(f"{svc.name}: stop exits non-zero")
            continue
        if ops.run_step(target, svc, "status").rc == 0:
            problems.append(f"{svc.name}: status still reports running after stop")
        if ops.run_step(target, svc, "start").rc != 0:
            problems.append(f"{svc.name}: start exits non-zero")
            continue
        up = ops.wait_for(partial(ops.answers, target, svc), svc.recover_s)
        if up is None:
            problems.append(f"{svc.name}: does not answer {svc.recover_s:g} s after start")
            continue
        xc.measure(f"{svc.name}.start_s", round(up, 2), "s")
        if not ops.restart(target, svc):
            problems.append(f"{svc.name}: restart exits non-zero")
            continue
        again = ops.wait_for(partial(ops.answers, target, svc), svc.recover_s)
        if again is None:
            problems.append(f"{svc.name}: does not answer {svc.recover_s:g} s after restart")
            continue
        xc.measure(f"{svc.name}.restart_s", round(again, 2), "s")
    if problems:
        xc.fail(N_("Service lifecycle: {problems}"), problems="; ".join(problems))
    xc.note(N_("Every declared service stopped, started and restarted cleanly"))


def _start_load(target: HostSession, svc: Service) -> int | None:
    """The service's declared workload in the background, in a process group of its own (None: none declared)."""
    import shlex

    workload = svc.decl.get("workload")
    if not workload:
        return None
    started = target.run(
        f"setsid sh -c {shlex.quote(str(workload))} >/dev/null 2>&1 </dev/null & echo $!", timeout_s=30
    )
    text = started.text.strip().splitlines()
    return int(text[-1]) if text and text[-1].isdigit() else None


def _recover(target: HostSession, svc: Service, xc: CheckContext) -> str | None:
    """Kill the main process ``svc.kills`` times under the service's declared workload; None when it came
    back each time, else what went wrong."""
    load = _start_load(target, svc)
    try:
        return _kill_and_wait(target, svc, xc, loaded=load is not None)
    finally:
        if load is not None:
            target.run(f"kill -TERM -- -{int(load)} 2>/dev/null; true", timeout_s=30)


def _kill_and_wait(target: HostSession, svc: Service, xc: CheckContext, loaded: bool) -> str | None:
    times: list[float] = []
    for attempt in range(1, svc.kills + 1):
        pid = ops.main_pid(target, svc)
        if pid is None:
            raise RuntimeError(f"{svc.name}: its main process cannot be found (attempt {attempt})")
        target.run(f"kill -9 {int(pid)}", timeout_s=30)

        def back(s: Service = svc, old: int = pid) -> bool:
            now = ops.main_pid(target, s)
            return now is not None and now != old and ops.answers(target, s)

        took = ops.wait_for(back, svc.recover_s)
        if took is None:
            log = ops.recent_log(target, svc)
            ops.run_step(target, svc, "start")  # leave the host as it was for the checks after this one
            tail = f"; last log lines: {log.strip().splitlines()[-1]}" if log.strip() else ""
            return f"{svc.name}: not back {svc.recover_s:g} s after kill -9 number {attempt}{tail}"
        times.append(took)
    xc.measure(f"{svc.name}.recovery_max_s", round(max(times), 2), "s")
    xc.measure(f"{svc.name}.recoveries", len(times), "count")
    xc.measure(f"{svc.name}.under_load", loaded, "bool")
    return None


@check(
    "XC-LC-002",
    layer="lifecycle",
    severity="mandatory",
    title=N_("Declared services come back after kill -9"),
    requirement=N_(
        "Each declared service's main process, killed with SIGKILL ten times (or as declared) while its declared "
        "workload runs, is back and answering within its recovery bound (60 s unless declared) every time."
    ),
    remedy=N_(
        "Have the service supervised (systemd Restart=always, or the product's own watchdog) so that it comes "
        "back after a crash."
    ),
    profiles=("disruptive",),
    source=OPENEULER_ISV,
    tags=("lifecycle", "reliability"),
    timeout_s=3600,
)
def test_service_kill9_recovery(target: HostSession, xc: CheckContext) -> None:
    problems = [p for svc in _services(target, xc) if (p := _recover(target, svc, xc))]
    if problems:
        xc.fail(N_("Forced-kill recovery: {problems}"), problems="; ".join(problems))
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
        result = target.run(f"ldd -d -r {shlex.quote(binary)} 2>&1", timeout_s=60)
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
