"""Middleware detection: TongWeb, BES, Apusic, InforSuite and Tomcat from running JVMs, install directories,
their own version files and the HTTP Server header; product, version, install path and Java home."""

from __future__ import annotations

from harness.checks import N_, CheckContext, check
from harness.middleware.view import declared, pair
from harness.probes.jvm import parse_jvm_info
from harness.probes.middleware import installed_servers, parse_http, running_servers
from harness.probes.once import probe
from harness.session import HostSession

SRC_REF4 = (
    "ReaJason/MemShellParty@82fcd8ae integration-test/src/test/resources/infos/*ContainerTestBasicInfo.txt "
    "(xcert refdata README section 4); harness/catalog/middleware.yml"
)


@check(
    "XC-MW-002",
    layer="middleware",
    severity="advisory",
    title=N_("Application servers detected from running JVMs"),
    requirement=N_("Every running JVM that is a catalogued application server is named with its product and version."),
    remedy=N_("Start the application server, or add its main class and properties to the middleware catalog."),
    source=SRC_REF4,
    tags=("middleware", "detection"),
)
def test_running_servers(target: HostSession, xc: CheckContext) -> None:
    result = probe(target, "mw-jvms")
    servers = running_servers(result.text)
    if "== pid=" not in result.text:
        xc.not_applicable(N_("No JVM runs on this host"))
    if not servers:
        xc.fail(N_("JVMs run but none is a catalogued application server"))
    xc.measure("servers", len(servers), "count")
    xc.note(
        N_("Running: {servers}"),
        servers="; ".join(f"{s.name} {s.version or '?'} at {s.home or '?'} (pid {s.pid}, {s.how})" for s in servers),
    )


@check(
    "XC-MW-003",
    layer="middleware",
    severity="advisory",
    title=N_("Application server install directories and version files"),
    requirement=N_(
        "Install directories of catalogued application servers are found by their own layout and version files."
    ),
    remedy=N_(
        "Install the application server in its documented directory, or declare its home in xc_middleware_targets."
    ),
    source=SRC_REF4 + "; Apache Tomcat lib/catalina.jar ServerInfo.properties",
    tags=("middleware", "detection"),
)
def test_install_dirs(target: HostSession, xc: CheckContext) -> None:
    found = installed_servers(probe(target, "mw-install").text)
    if not found:
        if declared(target.spec):
            xc.fail(N_("No install directory of a catalogued application server was found"))
        xc.not_applicable(N_("No application server is installed in a documented directory"))
    xc.measure("install_dirs", len(found), "count")
    xc.note(N_("Installed: {servers}"), servers="; ".join(f"{s.name} {s.version or '?'} in {s.home}" for s in found))


@check(
    "XC-MW-004",
    layer="middleware",
    severity="advisory",
    title=N_("HTTP Server header of the application server's listeners"),
    requirement=N_("What each listener of a JVM answers to a HEAD request (status line, Server header) is recorded."),
    remedy=N_("Start the application server's HTTP connector."),
    source="RFC 9110 section 10.2.4 (Server header); harness/facts/manifest.py probe mw-http",
    tags=("middleware", "detection", "network"),
)
def test_server_header(target: HostSession, xc: CheckContext) -> None:
    listeners = parse_http(probe(target, "mw-http").text)
    if not listeners:
        xc.not_applicable(N_("No JVM listens on a TCP port"))
    answering = [x for x in listeners if x.answers]
    if not answering:
        xc.fail(
            N_("No listener of a JVM answered a HEAD request: {ports}"), ports=", ".join(str(x.port) for x in listeners)
        )
    xc.note(
        N_("Listeners: {listeners}"),
        listeners="; ".join(f"{x.port} {x.http_status or 'TLS'} Server={x.server_header or '-'}" for x in answering),
    )


@check(
    "XC-MW-005",
    layer="middleware",
    severity="mandatory",
    title=N_("Running server and its install directory agree on the version"),
    requirement=N_(
        "The version the running server shows and the version its install directory's files show are the same."
    ),
    remedy=N_("Restart the server from the installed version, or remove the stale installation."),
    source=SRC_REF4,
    tags=("middleware", "detection", "consistency"),
    waivable=False,
)
def test_version_agrees(target: HostSession, xc: CheckContext) -> None:
    running = running_servers(probe(target, "mw-jvms").text)
    installed = installed_servers(probe(target, "mw-install").text)
    pairs = []
    for r in running:
        for i in installed:
            if r.product == i.product and r.version and i.version and r.home and r.home.startswith(i.home or "//"):
                pairs.append((r, i))
    if not pairs:
        xc.not_applicable(N_("No running server whose install directory shows a version"))
    wrong = [
        (r, i)
        for r, i in pairs
        if not (i.version or "").startswith(r.version or "") and not (r.version or "").startswith(i.version or "")
    ]
    if wrong:
        r, i = wrong[0]
        xc.fail(
            N_("{product}: running {running} but {home} holds {installed}"),
            product=r.name,
            running=r.version,
            home=i.home,
            installed=i.version,
        )
    xc.note(N_("Versions agree: {servers}"), servers="; ".join(f"{r.name} {i.version}" for r, i in pairs))


@check(
    "XC-MW-006",
    layer="middleware",
    severity="mandatory",
    title=N_("Declared application server runs from its declared directory"),
    requirement=N_(
        "For each xc_middleware_targets entry a JVM runs whose home/base property or working directory is the declared one."
    ),
    remedy=N_("Start the declared server, or correct home/base in xc_middleware_targets."),
    source=SRC_REF4 + "; docs/CHECKS_SERVER_MW.md (declaration)",
    tags=("middleware", "detection"),
    applies_to={"declared.middleware": ["*"]},
)
def test_declared_home(target: HostSession, xc: CheckContext) -> None:
    pairs = pair(target.spec, probe(target, "mw-jvms").text)
    if not pairs:
        xc.not_applicable(N_("No xc_middleware_targets declared"))
    missing = [t["name"] for t, jvm in pairs if jvm is None]
    if missing:
        xc.fail(N_("No running JVM for {targets}"), targets=", ".join(missing))
    xc.note(N_("Running as declared: {targets}"), targets="; ".join(f"{t['name']} pid {j.pid}" for t, j in pairs if j))


@check(
    "XC-MW-007",
    layer="middleware",
    severity="advisory",
    title=N_("Java home of each application server reported"),
    requirement=N_("The Java home, vendor and version each running application server uses are recorded."),
    remedy=N_("Make /proc/PID/exe of the server's JVM readable to the certifying user (become)."),
    source=SRC_REF4 + "; OpenJDK JEP 220 ($JAVA_HOME/release)",
    tags=("middleware", "detection", "jvm"),
)
def test_java_home(target: HostSession, xc: CheckContext) -> None:
    servers = running_servers(probe(target, "mw-jvms").text)
    if not servers:
        xc.not_applicable(N_("No catalogued application server runs"))
    infos = parse_jvm_info(probe(target, "mw-jvm-info").text)
    rows = []
    for s in servers:
        info = infos.get(s.pid or "")
        if info is None or not info.version:
            xc.fail(N_("The JVM of {product} (pid {pid}) could not be read"), product=s.name, pid=s.pid)
        rows.append(
            f"{s.name}: {info.java_home} ({info.props.get('java.vendor') or info.release.get('IMPLEMENTOR', '?')} {info.version})"
        )
    xc.note(N_("Java: {rows}"), rows="; ".join(rows))
