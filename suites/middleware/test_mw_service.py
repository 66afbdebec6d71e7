"""What a declared application server exposes and needs: listeners, TLS, admin console, service unit, logs,
JDBC drivers and datasources."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness.checks import N_, CheckContext, check
from harness.middleware.view import declared, pair
from harness.probes.middleware import (
    driver_key,
    find_driver,
    parse_datasources,
    parse_http,
    parse_libs,
    parse_listen,
    parse_logs,
    parse_units,
)
from harness.probes.once import probe
from harness.session import HostSession

DECLARED = {"declared.middleware": ["*"]}
SRC_DECL = "docs/CHECKS_SERVER_MW.md (xc_middleware_targets: the ports and unit the bundle declares)"


def _targets(target: HostSession, xc: CheckContext, key: str | None = None) -> list[Mapping[str, Any]]:
    targets = declared(target.spec)
    if key:
        targets = [t for t in targets if t.get(key)]
    if not targets:
        xc.not_applicable(N_("No xc_middleware_targets entry declares {key}"), key=key or "a server")
    return targets


def _listener_check(target: HostSession, xc: CheckContext, key: str) -> list[str]:
    targets = _targets(target, xc, key)
    listeners = {x.port: x for x in parse_http(probe(target, "mw-http").text)}
    rows: list[str] = []
    for t in targets:
        x = listeners.get(int(t[key]))
        if x is None:
            xc.fail(N_("{name}: nothing of a JVM listens on port {port}"), name=t["name"], port=t[key])
        if not x.answers:
            xc.fail(N_("{name}: port {port} is open but does not answer"), name=t["name"], port=t[key])
        if key == "http_port" and not x.http_status:
            xc.fail(N_("{name}: port {port} does not speak plain HTTP"), name=t["name"], port=t[key])
        if key == "https_port" and not any(v.startswith(("Protocol", "New,")) for v in x.tls):
            xc.fail(N_("{name}: port {port} does not speak TLS"), name=t["name"], port=t[key])
        shown = x.http_status if key == "http_port" else next((v for v in x.tls if v.startswith("New,")), "TLS")
        rows.append(f"{t['name']}:{x.port} {shown}")
    return rows


@check(
    "XC-MW-015",
    layer="middleware",
    severity="mandatory",
    title=N_("HTTP listener answers on the declared port"),
    requirement=N_("The declared http_port is a listening socket of the server's JVM and answers a HEAD request."),
    remedy=N_("Start the server's HTTP connector on the declared port, or correct http_port."),
    source=SRC_DECL + "; RFC 9110 (HEAD)",
    tags=("middleware", "network"),
    applies_to=DECLARED,
)
def test_http(target: HostSession, xc: CheckContext) -> None:
    xc.note(N_("Answering: {rows}"), rows="; ".join(_listener_check(target, xc, "http_port")))


@check(
    "XC-MW-016",
    layer="middleware",
    severity="mandatory",
    title=N_("HTTPS listener answers on the declared port"),
    requirement=N_("The declared https_port completes a TLS handshake and answers a HEAD request."),
    remedy=N_("Configure the server's TLS connector on the declared port, or correct https_port."),
    source=SRC_DECL + "; RFC 8446 / RFC 9110",
    tags=("middleware", "network", "tls"),
    applies_to=DECLARED,
)
def test_https(target: HostSession, xc: CheckContext) -> None:
    xc.note(N_("Answering: {rows}"), rows="; ".join(_listener_check(target, xc, "https_port")))


@check(
    "XC-MW-017",
    layer="middleware",
    severity="advisory",
    title=N_("National-crypto (SM2) certificate on the HTTPS listener reported"),
    requirement=N_("Whether the HTTPS listener presents an SM2 certificate (GB/T 38636 TLCP / RFC 8998) is recorded."),
    remedy=N_(
        "Where the bundle requires national cryptography, configure an SM2 certificate (the product's TLCP support)."
    ),
    source="GB/T 38636-2020 (TLCP); RFC 8998 (ShangMi cipher suites for TLS 1.3)",
    tags=("middleware", "tls", "national-crypto"),
    applies_to=DECLARED,
)
def test_sm_tls(target: HostSession, xc: CheckContext) -> None:
    targets = _targets(target, xc, "https_port")
    listeners = {x.port: x for x in parse_http(probe(target, "mw-http").text)}
    rows: list[str] = []
    for t in targets:
        x = listeners.get(int(t["https_port"]))
        if x is None or not x.tls:
            xc.fail(N_("{name}: port {port} does not speak TLS"), name=t["name"], port=t["https_port"])
        text = " ".join(x.tls)
        sm2 = "sm2" in text.lower()
        xc.measure(f"sm2_certificate_{t['name']}", sm2, "bool")
        rows.append(f"{t['name']}:{x.port} SM2={'yes' if sm2 else 'no'} ({text[:160]})")
    xc.note(N_("TLS: {rows}"), rows="; ".join(rows))


@check(
    "XC-MW-018",
    layer="middleware",
    severity="mandatory",
    title=N_("Admin console not exposed on all interfaces"),
    requirement=N_("The admin (management) port listens on loopback or a management address, not on every interface."),
    remedy=N_("Bind the admin console to 127.0.0.1 or the management network (the product's admin listener address)."),
    source="GB/T 22239-2019 (MLPS 2.0) 8.1.4.4 access control of management interfaces; " + SRC_DECL,
    tags=("middleware", "security", "network"),
    applies_to=DECLARED,
)
def test_admin_bind(target: HostSession, xc: CheckContext) -> None:
    targets = _targets(target, xc, "admin_port")
    sockets = parse_listen(probe(target, "mw-listen").text)
    rows = []
    for t in targets:
        bound = [(a, p) for a, p, _ in sockets if p == int(t["admin_port"])]
        wide = [a for a, _ in bound if a.strip("[]") in ("0.0.0.0", "*", "::", "::ffff:0.0.0.0")]
        if wide:
            xc.fail(
                N_("{name}: admin port {port} listens on all interfaces ({address})"),
                name=t["name"],
                port=t["admin_port"],
                address=wide[0],
            )
        rows.append(f"{t['name']}:{t['admin_port']} {', '.join(a for a, _ in bound) or '-'}")
    xc.note(N_("Admin ports: {rows}"), rows="; ".join(rows))


def _units(target: HostSession, xc: CheckContext) -> tuple[list[Mapping[str, Any]], tuple[set[str], set[str]]]:
    targets = _targets(target, xc, "unit")
    return targets, parse_units(probe(target, "mw-units").text)


@check(
    "XC-MW-019",
    layer="middleware",
    severity="mandatory",
    title=N_("Service unit of the application server present"),
    requirement=N_("The declared service unit file exists (systemd or init.d), so the server starts like any service."),
    remedy=N_("Install the product's service unit (its installer's service registration)."),
    source="openEuler/Kylin service management (systemd.unit(5)); " + SRC_DECL,
    tags=("middleware", "service"),
    applies_to=DECLARED,
)
def test_unit_present(target: HostSession, xc: CheckContext) -> None:
    targets, (present, _enabled) = _units(target, xc)
    missing = [
        t["unit"] for t in targets if t["unit"] not in present and t["unit"].removesuffix(".service") not in present
    ]
    if missing:
        xc.fail(N_("Unit not found: {units}"), units=", ".join(missing))
    xc.note(N_("Units present: {units}"), units=", ".join(t["unit"] for t in targets))


@check(
    "XC-MW-020",
    layer="middleware",
    severity="mandatory",
    title=N_("Service unit of the application server enabled"),
    requirement=N_(
        "The declared service unit is enabled (linked from a .wants directory), so the server comes back after a reboot."
    ),
    remedy=N_("systemctl enable <unit>."),
    source="systemctl(1) enable, systemd.unit(5) [Install] WantedBy; " + SRC_DECL,
    tags=("middleware", "service"),
    applies_to=DECLARED,
)
def test_unit_enabled(target: HostSession, xc: CheckContext) -> None:
    targets, (_present, enabled) = _units(target, xc)
    off = [t["unit"] for t in targets if t["unit"] not in enabled]
    if off:
        xc.fail(N_("Unit not enabled: {units}"), units=", ".join(off))
    xc.note(N_("Units enabled: {units}"), units=", ".join(t["unit"] for t in targets))


@check(
    "XC-MW-021",
    layer="middleware",
    severity="mandatory",
    title=N_("Logs writable by the application server"),
    requirement=N_("The log directory of each running server is writable by the user the server runs as."),
    remedy=N_("chown the server's logs directory to its service user."),
    source="Apache Tomcat RUNNING.txt (CATALINA_BASE/logs must be writable); " + SRC_DECL,
    tags=("middleware", "service"),
    applies_to=DECLARED,
)
def test_logs(target: HostSession, xc: CheckContext) -> None:
    pairs = [(t, j) for t, j in pair(target.spec, probe(target, "mw-jvms").text) if j is not None]
    if not pairs:
        xc.not_applicable(N_("No declared server is running"))
    logs = parse_logs(probe(target, "mw-logs").text)
    rows = []
    for t, jvm in pairs:
        mine = [d for d in logs if d.pid == jvm.pid]
        if not mine:
            xc.fail(N_("{name}: no logs directory was found"), name=t["name"])
        bad = [d for d in mine if not d.writable]
        if bad:
            d = bad[0]
            xc.fail(
                N_("{name}: {dir} ({owner}:{group} {mode}) is not writable by {user}"),
                name=t["name"],
                dir=d.path,
                owner=d.owner,
                group=d.group,
                mode=f"{d.mode:o}",
                user=d.user,
            )
        rows.append(f"{t['name']}: {', '.join(d.path for d in mine)} ({mine[0].user})")
    xc.note(N_("Logs: {rows}"), rows="; ".join(rows))


def _db_needs(target: HostSession, xc: CheckContext) -> list[tuple[Mapping[str, Any], Mapping[str, Any], str]]:
    dbs = {str(d.get("name")): d for d in (target.spec.db_targets or ())}
    rows = [(t, dbs.get(name), name) for t in declared(target.spec) for name in t.get("databases", [])]
    if not rows:
        xc.not_applicable(N_("No xc_middleware_targets entry declares databases"))
    unknown = [name for _t, db, name in rows if db is None]
    if unknown:
        raise RuntimeError(f"databases {unknown} are not in xc_db_targets")
    return [(t, db, name) for t, db, name in rows if db is not None]


@check(
    "XC-MW-022",
    layer="middleware",
    severity="mandatory",
    title=N_("JDBC driver for each declared database in the server's libraries"),
    requirement=N_(
        "The server's lib directories hold the JDBC driver of each database it declares (DmJdbcDriver, kingbase8, opengauss-jdbc, oceanbase-client, mysql-connector, postgresql); its version is reported."
    ),
    remedy=N_("Copy the database vendor's JDBC driver jar into the server's lib directory."),
    source="xcert refdata README section 3.1 (driver classes: dm.jdbc.driver.DmDriver, com.kingbase8.Driver, org.opengauss.Driver, com.oceanbase.jdbc.Driver)",
    tags=("middleware", "database", "jdbc"),
    applies_to=DECLARED,
)
def test_jdbc_driver(target: HostSession, xc: CheckContext) -> None:
    needs = _db_needs(target, xc)
    jars = parse_libs(probe(target, "mw-libs").text)
    rows = []
    for t, db, name in needs:
        key = driver_key(db)
        found = find_driver(jars, key)
        if found is None:
            xc.fail(
                N_("{server}: no {driver} JDBC driver for {db} in its libraries"), server=t["name"], driver=key, db=name
            )
        jar, version = found
        rows.append(f"{t['name']}/{name}: {jar.name} (version {version or '?'})")
    xc.note(N_("Drivers: {rows}"), rows="; ".join(rows))


@check(
    "XC-MW-023",
    layer="middleware",
    severity="mandatory",
    title=N_("A configured datasource reaches each declared database"),
    requirement=N_(
        "The server's configuration holds a JDBC URL for each declared database, and its host and port answer from the server host."
    ),
    remedy=N_("Point the server's datasource at the declared database, and open the path between them."),
    source="Apache Tomcat JNDI Datasource How-To (Resource url); xcert refdata README section 3.1 (JDBC URLs and ports)",
    tags=("middleware", "database", "integration"),
    applies_to=DECLARED,
    profiles=("full", "disruptive"),
)
def test_datasource(target: HostSession, xc: CheckContext) -> None:
    needs = _db_needs(target, xc)
    sources = parse_datasources(probe(target, "mw-datasources").text)
    rows = []
    for t, db, name in needs:
        mine = [s for s in sources if s.host == str(db["host"]) and s.port == int(db["port"])]
        if not mine:
            shown = ", ".join(f"{s.url} ({'open' if s.reachable else 'closed'})" for s in sources) or "none"
            xc.fail(
                N_("{server}: no datasource points at {db} ({host}:{port}); found {found}"),
                server=t["name"],
                db=name,
                host=db["host"],
                port=db["port"],
                found=shown,
            )
        if not any(s.reachable for s in mine):
            xc.fail(
                N_("{server}: the datasource {url} does not reach {db}"), server=t["name"], url=mine[0].url, db=name
            )
        rows.append(f"{t['name']} -> {name}: {mine[0].url}")
    xc.note(N_("Datasources: {rows}"), rows="; ".join(rows))
