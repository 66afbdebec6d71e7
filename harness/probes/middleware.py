"""Java application servers as the MIDDLEWARE_PROBES show them: running JVMs, install directories, listeners,
libraries, datasources, log directories and service units; and which product each one is (catalog data)."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness import catalog
from harness.probes.processes import java_main


@dataclass
class Jvm:
    pid: str
    user: str
    exe: str
    cwd: str
    cmdline: str

    @property
    def main(self) -> str | None:
        return java_main(self.cmdline)

    def properties(self) -> dict[str, str]:
        """The ``-Dname=value`` system properties of its command line."""
        out: dict[str, str] = {}
        for arg in self.cmdline.split():
            if arg.startswith("-D") and "=" in arg:
                k, _, v = arg[2:].partition("=")
                out.setdefault(k, v)
        return out


def parse_jvms(text: str | None) -> list[Jvm]:
    """``mw-jvms`` -> the host's running JVMs (a header line, then the masked command line)."""
    out: list[Jvm] = []
    for line in (text or "").splitlines():
        m = re.match(r"^== pid=(\d+) user=(\S*) exe=(\S*) cwd=(.*)$", line)
        if m:
            out.append(Jvm(m.group(1), m.group(2), m.group(3), m.group(4).strip(), ""))
        elif out and line.strip() and not out[-1].cmdline:
            out[-1].cmdline = line.strip()
    return out


@dataclass
class Server:
    """One detected application server: what it is and where, with what showed it."""

    product: str  # catalog id
    name: str
    version: str | None
    home: str | None
    how: str
    pid: str | None = None
    java_exe: str | None = None
    user: str | None = None
    dirs: list[str] = field(default_factory=list)


def _detect_data(entry: catalog.Entry) -> Mapping[str, Any]:
    data = entry.extra.get("detect") or {}
    return data if isinstance(data, Mapping) else {}


def _entries() -> list[catalog.Entry]:
    return [e for e in catalog.load("middleware") if _detect_data(e)]


def server_of(jvm: Jvm) -> Server | None:
    """The catalogued application server a JVM runs (main class, -D home properties), or None."""
    signals = {"proc.args": jvm.cmdline}
    if jvm.main:
        signals["java.main"] = jvm.main
    m = catalog.best("middleware", signals)
    if m is None:
        return None
    entry = m.entry
    data = _detect_data(entry)
    props = jvm.properties()
    dirs = [props[k] for k in data.get("home_properties", []) if props.get(k)]
    version = entry.version(signals)
    if not version:
        for pattern, line in (data.get("lines") or {}).items():
            if jvm.main and re.fullmatch(pattern, jvm.main):
                version = str(line)
    home = dirs[0] if dirs else (jvm.cwd or None)
    how = f"main class {jvm.main}" if jvm.main else "command line"
    return Server(entry.id, entry.name.get("en", entry.id), version, home, how, jvm.pid, jvm.exe, jvm.user, dirs)


def running_servers(jvms_text: str | None) -> list[Server]:
    return [s for s in (server_of(j) for j in parse_jvms(jvms_text)) if s is not None]


@dataclass
class InstallDir:
    path: str
    entries: list[str] = field(default_factory=list)  # "lib/catalina.jar", "version8.0.6.2", "file RELEASE-NOTES: ..."


def parse_install(text: str | None) -> list[InstallDir]:
    out: list[InstallDir] = []
    for line in (text or "").splitlines():
        if line.startswith("== dir="):
            out.append(InstallDir(line[7:].strip()))
        elif out and line.startswith("ls "):
            sub, _, name = line[3:].partition(": ")
            out[-1].entries.append(name.strip() if sub == "." else f"{sub}/{name.strip()}")
        elif out and line.startswith("file "):
            out[-1].entries.append(line.strip())
    return out


def installed_servers(install_text: str | None) -> list[Server]:
    """Install directories recognised by their own layout (marker files) and version files."""
    found: list[Server] = []
    for d in parse_install(install_text):
        listing = "\n".join(d.entries)
        for entry in _entries():
            inst = _detect_data(entry).get("install") or {}
            if not any(fnmatch.fnmatch(d.path, g) for g in inst.get("dirs", [])):
                continue
            if not re.search(str(inst.get("marker", "$^")), listing, re.MULTILINE):
                continue
            version = None
            if inst.get("version"):
                m = re.search(str(inst["version"]), listing, re.MULTILINE)
                if m:
                    version = next((g for g in m.groups() if g), None)
            found.append(Server(entry.id, entry.name.get("en", entry.id), version, d.path, "install directory"))
            break
    return found


@dataclass
class Listener:
    address: str
    port: int
    http_status: str | None = None
    server_header: str | None = None
    tls: list[str] = field(default_factory=list)

    @property
    def answers(self) -> bool:
        return bool(self.http_status) or any(t.startswith(("Protocol", "New,", "HTTP/")) for t in self.tls)

    @property
    def all_interfaces(self) -> bool:
        host = self.address.rsplit(":", 1)[0].strip("[]")
        return host in ("0.0.0.0", "*", "::", "[::]", "::ffff:0.0.0.0")


def parse_http(text: str | None) -> list[Listener]:
    """``mw-http`` -> the JVMs' listening sockets, each with what a HEAD request (plain, then TLS) got back."""
    out: list[Listener] = []
    for line in (text or "").splitlines():
        m = re.match(r"^== listen=(\S+) port=(\d+)", line)
        if m:
            out.append(Listener(m.group(1), int(m.group(2))))
            continue
        if not out:
            continue
        kind, _, value = line.partition(": ")
        value = value.strip()
        if kind == "http":
            if value.startswith("HTTP/"):
                out[-1].http_status = value
            elif value.lower().startswith("server:"):
                out[-1].server_header = value.split(":", 1)[1].strip()
        elif kind == "tls":
            out[-1].tls.append(value)
            if value.lower().startswith("server:"):
                out[-1].server_header = value.split(":", 1)[1].strip()
    return out


def parse_listen(text: str | None) -> list[tuple[str, int, str]]:
    """``ss -ltnpH`` -> (local address, port, process names)."""
    out = []
    for line in (text or "").splitlines():
        parts = line.split()
        if len(parts) < 4 or ":" not in parts[3]:
            continue
        addr, _, port = parts[3].rpartition(":")
        if port.isdigit():
            procs = ",".join(re.findall(r'\("([^"]+)"', line))
            out.append((addr, int(port), procs))
    return out


@dataclass(frozen=True)
class Jar:
    path: str
    target: str

    @property
    def name(self) -> str:
        return self.target.rsplit("/", 1)[-1]


def parse_libs(text: str | None) -> list[Jar]:
    out = []
    for line in (text or "").splitlines():
        m = re.match(r"^jar (\S+) -> (\S+)$", line.strip())
        if m:
            out.append(Jar(m.group(1), m.group(2)))
    return out


#: JDBC driver jars by database product/family: name pattern and where its version is in the name.
#: Sources: refdata README section 3.1 (driver classes), the vendors' Maven artifact names.
JDBC_DRIVERS: dict[str, tuple[str, ...]] = {
    "dameng": (r"DmJdbcDriver(?P<v>\d+)?.*\.jar", r"dm-?jdbc.*?(?P<v>\d[\d.]*)?\.jar"),
    "kingbase": (r"kingbase8-?(?P<v>\d[\d.]*\d)?.*\.jar",),
    "opengauss": (r"opengauss-jdbc-?(?P<v>\d[\d.]*\d)?.*\.jar",),
    "oceanbase": (r"oceanbase-client-?(?P<v>\d[\d.]*\d)?.*\.jar",),
    "mysql": (
        r"mysql-connector-(?:j|java)-?(?P<v>\d[\d.]*\d)?.*\.jar",
        r"mariadb-java-client-?(?P<v>\d[\d.]*\d)?.*\.jar",
    ),
    "postgresql": (r"postgresql-?(?P<v>\d[\d.]*\d)?.*\.jar",),
}


def driver_key(db: Mapping[str, Any]) -> str:
    """The JDBC driver a declared database needs: by product first (KingbaseES speaks PostgreSQL's protocol
    but ships its own driver), else by protocol family."""
    product = str(db.get("product") or "").lower()
    for key in ("dameng", "kingbase", "opengauss", "oceanbase"):
        if key in product or (key == "dameng" and product.startswith("dm")):
            return key
    if product in ("mariadb", "mysql", "tidb") or db.get("family") == "mysql":
        return "mysql"
    return "dameng" if db.get("family") == "dameng" else "postgresql"


def find_driver(jars: Sequence[Jar], key: str) -> tuple[Jar, str | None] | None:
    """The first jar that is ``key``'s driver, with the version its file name (or its link's name) carries."""
    best: tuple[Jar, str | None] | None = None
    for jar in jars:
        for name in (jar.path.rsplit("/", 1)[-1], jar.name):
            for pattern in JDBC_DRIVERS[key]:
                m = re.fullmatch(pattern, name, re.IGNORECASE)
                if m and (best is None or (best[1] is None and m.groupdict().get("v"))):
                    best = (jar, m.groupdict().get("v"))
    return best


@dataclass(frozen=True)
class Datasource:
    file: str
    url: str
    host: str
    port: int
    reachable: bool


def parse_datasources(text: str | None) -> list[Datasource]:
    out = []
    for line in (text or "").splitlines():
        m = re.match(r"^ds file=(\S+) url=(\S+) host=(\S*) port=(\d+) reach=(open|closed)$", line.strip())
        if m:
            out.append(Datasource(m.group(1), m.group(2), m.group(3), int(m.group(4)), m.group(5) == "open"))
    return out


@dataclass(frozen=True)
class LogDir:
    pid: str
    user: str
    groups: tuple[str, ...]
    path: str
    owner: str
    group: str
    mode: int

    @property
    def writable(self) -> bool:
        if self.user == "root":
            return True
        if self.owner == self.user and self.mode & 0o200:
            return True
        if self.group in self.groups and self.mode & 0o020:
            return True
        return bool(self.mode & 0o002)


def parse_logs(text: str | None) -> list[LogDir]:
    out = []
    for line in (text or "").splitlines():
        m = re.match(
            r"^logs pid=(\d+) user=(\S*) groups=(\S*) dir=(\S+) stat=([^:]*):([^:]*):([0-7]{3,4})$", line.strip()
        )
        if m:
            out.append(
                LogDir(
                    m.group(1),
                    m.group(2),
                    tuple(m.group(3).split(",")),
                    m.group(4),
                    m.group(5),
                    m.group(6),
                    int(m.group(7), 8),
                )
            )
    return out


def parse_units(text: str | None) -> tuple[set[str], set[str]]:
    """``mw-units`` -> (unit files present, units enabled: a symlink in some ``*.wants/``)."""
    present: set[str] = set()
    enabled: set[str] = set()
    for line in (text or "").splitlines():
        path = line.strip()
        if not path:
            continue
        name = path.rsplit("/", 1)[-1]
        present.add(name)
        if path.rsplit("/", 2)[-2].endswith(".wants"):
            enabled.add(name)
    return present, enabled
