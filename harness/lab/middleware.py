"""A real application server for the lab: Debian's Tomcat on Debian's JVM, inside a lab host.

``start_middleware("tomcat", host_ns, address, workdir, db_targets)`` builds an instance directory
(CATALINA_BASE) of the installed package (CATALINA_HOME=/usr/share/tomcat10), starts it inside the
lab host's namespaces as the ``tomcat`` user with a small heap, waits until its HTTP port answers,
and returns the inventory host variables that declare it (``xc_middleware``,
``xc_middleware_targets``). Tomcat stands in for TongWeb and BES (both derive from the
Tomcat/GlassFish lines) the way PostgreSQL and MariaDB stand in for their domestic descendants.
``stop_middleware(kind, workdir)`` stops it and removes the instance directory.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from harness.errors import XcertError
from harness.lab.db import _netns_pids, _ns

KINDS = ("tomcat",)
CATALINA_HOME = Path("/usr/share/tomcat10")
PACKAGE_CONF = Path("/etc/tomcat10")
PORTS = {"http_port": 8080, "https_port": 8443, "admin_port": 8005}
#: bounded and fast: a small heap, the client compiler only, the serial collector
JAVA_OPTS = "-Xms32m -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k -Djava.awt.headless=true"
START_TIMEOUT_S = 90.0
STATE_NAME = "xcert-lab-mw.json"
#: instance directories live where the tomcat user can reach them (a test's tmp dir is 0700)
SPARE_ROOT = Path("/var/tmp/xcert-lab-mw")
#: the JDBC driver jars Debian packages (libpostgresql-jdbc-java, libmariadb-java) per lab database kind
DRIVER_JARS = {"postgresql": "/usr/share/java/postgresql.jar", "mariadb": "/usr/share/java/mariadb-java-client.jar"}
DRIVER_CLASS = {"postgresql": "org.postgresql.Driver", "mariadb": "org.mariadb.jdbc.Driver"}
JDBC_SCHEME = {"postgresql": "postgresql", "mariadb": "mariadb"}


class LabMiddlewareError(XcertError):
    """The lab application server could not be started or stopped."""

    exit_code = 2


def _base_dir(workdir: Path) -> Path:
    tag = hashlib.sha1(str(workdir.resolve()).encode()).hexdigest()[:10]
    return SPARE_ROOT / tag / "tomcat"


def _server_xml(address: str, shutdown: str) -> str:
    a = quoteattr(address)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by xcert lab up (middleware tomcat): the shutdown (management) port on loopback only. -->
<Server port="{PORTS["admin_port"]}" address="127.0.0.1" shutdown={quoteattr(shutdown)}>
  <Listener className="org.apache.catalina.startup.VersionLoggerListener" />
  <Listener className="org.apache.catalina.core.JreMemoryLeakPreventionListener" />
  <Service name="Catalina">
    <Connector address={a} port="{PORTS["http_port"]}" protocol="HTTP/1.1" connectionTimeout="20000" />
    <Connector address={a} port="{PORTS["https_port"]}" protocol="org.apache.coyote.http11.Http11NioProtocol"
               SSLEnabled="true" maxThreads="20">
      <SSLHostConfig>
        <Certificate certificateFile="conf/lab-cert.pem" certificateKeyFile="conf/lab-key.pem" type="RSA" />
      </SSLHostConfig>
    </Connector>
    <Engine name="Catalina" defaultHost="localhost">
      <Host name="localhost" appBase="webapps" unpackWARs="false" autoDeploy="false" />
    </Engine>
  </Service>
</Server>
"""


def _context_xml(dbs: Sequence[Mapping[str, Any]]) -> str:
    resources = []
    for db in dbs:
        kind = str(db.get("product") or db.get("name"))
        if kind not in DRIVER_CLASS:
            continue
        url = f"jdbc:{JDBC_SCHEME[kind]}://{db['host']}:{int(db['port'])}/{db.get('database') or ''}"
        resources.append(
            f'  <Resource name={quoteattr("jdbc/" + str(db["name"]))} auth="Container" type="javax.sql.DataSource"\n'
            f"            driverClassName={quoteattr(DRIVER_CLASS[kind])} url={quoteattr(url)}\n"
            f"            username={quoteattr(str(db.get('user') or ''))} password={quoteattr(str(db.get('password') or ''))}\n"
            '            maxTotal="4" maxIdle="1" />'
        )
    body = "\n".join(resources)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<Context>\n  <WatchedResource>WEB-INF/web.xml</WatchedResource>\n{body}\n</Context>\n'


def _chown_tree(path: Path, user: str) -> None:
    entry = pwd.getpwnam(user)
    for root, dirs, files in os.walk(path):
        for name in (*dirs, *files):
            with contextlib.suppress(OSError):
                os.lchown(Path(root) / name, entry.pw_uid, entry.pw_gid)
    os.chown(path, entry.pw_uid, entry.pw_gid)


def _prepare_base(base: Path, address: str, dbs: Sequence[Mapping[str, Any]]) -> None:
    if base.exists():
        shutil.rmtree(base)
    for sub in ("conf", "logs", "temp", "work", "lib", "webapps/ROOT"):
        (base / sub).mkdir(parents=True, exist_ok=True)
    for parent in base.parents:
        if parent == SPARE_ROOT.parent:
            break
        parent.chmod(0o755)
    for name in ("web.xml", "logging.properties", "catalina.properties"):
        shutil.copyfile(PACKAGE_CONF / name, base / "conf" / name)
    (base / "conf" / "server.xml").write_text(_server_xml(address, secrets.token_hex(8)), encoding="utf-8")
    context = base / "conf" / "context.xml"
    context.write_text(_context_xml(dbs), encoding="utf-8")
    context.chmod(0o640)
    (base / "webapps" / "ROOT" / "index.html").write_text("<html><body>xcert lab</body></html>\n", encoding="utf-8")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={address}",
         "-keyout", str(base / "conf" / "lab-key.pem"), "-out", str(base / "conf" / "lab-cert.pem")],
        capture_output=True, timeout=60, check=True,
    )  # fmt: skip
    for db in dbs:
        jar = DRIVER_JARS.get(str(db.get("product") or db.get("name")))
        if jar and Path(jar).exists():
            # named as the versioned file Debian ships beside it (postgresql-42.5.5.jar), as a vendor jar is
            stem = Path(jar).stem
            versioned = sorted(Path(jar).parent.glob(f"{stem}-[0-9]*.jar"))
            name = versioned[-1].name if versioned else Path(jar).name
            with contextlib.suppress(FileExistsError):
                (base / "lib" / name).symlink_to(Path(jar).resolve())
    _chown_tree(base, "tomcat")


def _java_pids(host_ns: str, base: Path) -> list[int]:
    """Pids (in this PID namespace) of the JVM(s) whose command line names this instance directory."""
    marker = f"-Dcatalina.base={base}".encode()
    pids = []
    for pid in _netns_pids(host_ns) if host_ns else []:
        with contextlib.suppress(OSError):
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            if pid > 1 and marker in argv:
                pids.append(pid)
    return pids


def _answers(address: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((address, port), timeout=0.5) as sock:
        sock.sendall(b"HEAD / HTTP/1.0\r\n\r\n")
        return sock.recv(12).startswith(b"HTTP/")
    return False


def start_middleware(
    kind: str, host_ns: str, address: str, workdir: Path, db_targets: Sequence[Mapping[str, Any]] = ()
) -> dict[str, Any]:
    """Start ``kind`` in ``host_ns`` on ``address``; returns the host vars declaring it."""
    if kind not in KINDS:
        raise LabMiddlewareError(f"unknown lab middleware {kind!r} (use {' or '.join(KINDS)})")
    if not (CATALINA_HOME / "bin" / "catalina.sh").is_file():
        raise LabMiddlewareError("Tomcat is not installed (apt-get install tomcat10 default-jre-headless)")
    try:
        pwd.getpwnam("tomcat")
    except KeyError:
        raise LabMiddlewareError("system user tomcat does not exist (install the tomcat10 package)") from None
    base = _base_dir(workdir)
    _prepare_base(base, address, db_targets)
    env = {
        "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
        "CATALINA_HOME": str(CATALINA_HOME),
        "CATALINA_BASE": str(base),
        "CATALINA_TMPDIR": str(base / "temp"),
        "JAVA_OPTS": JAVA_OPTS,
        "LANG": "C.UTF-8",
    }
    log = (base / "logs" / "catalina.out").open("ab")
    # the JVM's working directory is its instance directory, as a service unit would start it
    script = 'cd "$1" && exec runuser -u tomcat -- "$2" run'
    argv = [*_ns(host_ns), "sh", "-c", script, "sh", str(base), str(CATALINA_HOME / "bin" / "catalina.sh")]
    proc = subprocess.Popen(
        argv, cwd=base, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True
    )
    log.close()
    deadline = time.monotonic() + START_TIMEOUT_S
    while not _answers(address, PORTS["http_port"]):
        if proc.poll() is not None or time.monotonic() > deadline:
            text = (base / "logs" / "catalina.out").read_text(errors="replace")
            tail = " | ".join(ln for ln in text.splitlines() if "SEVERE" in ln or "Exception" in ln)[:800]
            _kill(_java_pids(host_ns, base))
            raise LabMiddlewareError(f"Tomcat did not answer on {address}:{PORTS['http_port']}: {tail.strip()}")
        time.sleep(0.1)
    state = {"kind": kind, "host_ns": host_ns, "address": address, "base": str(base), "runner": proc.pid}
    path = workdir / STATE_NAME
    workdir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(state), encoding="utf-8")
    target: dict[str, Any] = {
        "name": "tomcat",
        "product": "tomcat",
        "home": str(CATALINA_HOME),
        "base": str(base),
        **PORTS,
        "unit": "tomcat10.service",
        "start": "catalina.sh run (started by xcert lab up)",
        "databases": [str(db["name"]) for db in db_targets if str(db.get("product") or db.get("name")) in DRIVER_JARS],
    }
    return {"xc_middleware": "tomcat", "xc_middleware_targets": [target]}


def _kill(pids: Sequence[int], sig: int = signal.SIGTERM) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)


def jvm_pids(workdir: Path) -> list[int]:
    """The running lab JVM's pids (tests stop and restart it to break a listener)."""
    state = json.loads((workdir / STATE_NAME).read_text(encoding="utf-8"))
    return _java_pids(str(state["host_ns"]), Path(state["base"]))


def stop_middleware(kind: str, workdir: Path) -> None:
    """Stop the server started under ``workdir`` and remove its instance directory."""
    path = workdir / STATE_NAME
    if not path.is_file():
        return
    state = json.loads(path.read_text(encoding="utf-8"))
    base = Path(state["base"])
    pids = _java_pids(str(state["host_ns"]), base)
    _kill(pids)
    deadline = time.monotonic() + 20
    while pids and time.monotonic() < deadline:
        pids = [p for p in pids if Path(f"/proc/{p}").exists() and _java_pids(str(state["host_ns"]), base)]
        time.sleep(0.05)
    _kill(_java_pids(str(state["host_ns"]), base), signal.SIGKILL)
    # nsenter stops itself when its child is stopped (job control, util-linux): a JVM that was frozen with
    # SIGSTOP leaves it stopped for good, so the wrapper is killed too, never left behind
    with contextlib.suppress(ProcessLookupError, PermissionError, ValueError, OSError):
        runner = int(state["runner"])
        # only while that pid is still our wrapper (its command line names the instance directory): a pid
        # can be reused once its process is gone
        if os.fsencode(str(base)) in Path(f"/proc/{runner}/cmdline").read_bytes():
            os.kill(runner, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(int(state["runner"]), os.WNOHANG)
    if base.is_relative_to(SPARE_ROOT):
        shutil.rmtree(base.parent, ignore_errors=True)
    path.unlink()
