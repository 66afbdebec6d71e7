"""Throwaway database servers for the lab: real PostgreSQL, MariaDB and OceanBase seekdb (lab hosts only,
harness/lab/oceanbase.py), own data directory each.

``start_db(kind, host_ns, address, workdir)`` starts a server inside the lab host's network
namespace (``ip netns exec NS``; an empty ``host_ns`` means this namespace, as the project's own
tests use it on 127.0.0.1) listening on ``address``, and returns the inventory host variables
that declare it (``xc_db_targets``). ``stop_db(kind, workdir)`` stops it and removes nothing but
the process. Servers run with fsync off (a commit survives a killed server, not a crashed OS): they
hold test data only.
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
from pathlib import Path
from typing import Any

from harness.errors import XcertError

KINDS = ("postgresql", "mariadb", "oceanbase")
PG_BIN_CANDIDATES = tuple(Path(f"/usr/lib/postgresql/{v}/bin") for v in range(18, 11, -1))
START_TIMEOUT_S = 30.0
#: the lab's database user (created by start_db) and the port each kind listens on inside its host
LAB_USER = "xcert"
LAB_PORTS = {"postgresql": 5432, "mariadb": 3306, "oceanbase": 2881}


class LabDbError(XcertError):
    """A lab database server could not be started or stopped."""

    exit_code = 2


def pg_bin() -> Path:
    for candidate in PG_BIN_CANDIDATES:
        if (candidate / "initdb").is_file() and (candidate / "psql").is_file():
            return candidate
    found = shutil.which("initdb")
    if found and (Path(found).parent / "psql").is_file():
        return Path(found).parent
    raise LabDbError("PostgreSQL is not installed (apt-get install postgresql)")


def _netns_pids(host_ns: str) -> list[int]:
    out = subprocess.run(["ip", "netns", "pids", host_ns], capture_output=True, text=True, timeout=30, check=False)
    return sorted(int(p) for p in out.stdout.split() if p.isdigit())


def _ns(host_ns: str) -> list[str]:
    """The command prefix that runs a program inside the lab host.

    A lab host is a network namespace whose sshd has its own PID, mount and UTS namespaces; a server
    started there is seen by the host's own ``ps`` and ``ss`` like any service of it. Without such a
    process (a bare network namespace) ``ip netns exec`` is enough.
    """
    if not host_ns:
        return []
    own = os.readlink("/proc/self/ns/pid")
    for pid in _netns_pids(host_ns):
        with contextlib.suppress(OSError):
            if os.readlink(f"/proc/{pid}/ns/pid") != own:
                return ["nsenter", "-t", str(pid), "--net", "--pid", "--mount", "--uts", "--"]
    return ["ip", "netns", "exec", host_ns]


def _server_pids(host_ns: str, datadir: str) -> list[int]:
    """Pids (in this PID namespace) of the processes whose command line names ``datadir``."""
    if host_ns:
        candidates = _netns_pids(host_ns)
    else:
        candidates = sorted(int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit())
    return [pid for pid in candidates if _is_ours(pid, datadir)]


def _as_user(user: str) -> list[str]:
    if os.geteuid() != 0:
        return []
    return ["runuser", "-u", user, "--"]


def free_port(address: str = "127.0.0.1") -> int:
    """A free TCP port on ``address`` of this namespace (for servers on loopback)."""
    with socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET) as sock:
        sock.bind((address, 0))
        return int(sock.getsockname()[1])


def _run(cmd: list[str], what: str, timeout: float = 120, **kw: Any) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False, **kw)
    if proc.returncode != 0:
        raise LabDbError(f"{what} failed (rc {proc.returncode}): {(proc.stderr or proc.stdout).strip()[-400:]}")
    return proc


STATE_NAME = "xcert-lab-db.json"


#: where servers live when the workdir is not reachable by the server's user (e.g. under a 0700 directory)
SPARE_ROOT = Path("/var/tmp/xcert-lab-db")


def _traversable(path: Path) -> bool:
    """Every directory above ``path`` lets other users through (the server runs as postgres / mysql)."""
    return all(p.stat().st_mode & 0o001 for p in path.parents if p.exists())


def _server_dir(kind: str, workdir: Path) -> Path:
    base = (workdir / kind).resolve()
    if os.geteuid() != 0 or _traversable(base):
        return base
    tag = hashlib.sha1(str(base).encode()).hexdigest()[:10]
    SPARE_ROOT.mkdir(mode=0o755, exist_ok=True)
    os.chmod(SPARE_ROOT, 0o755)
    return SPARE_ROOT / tag / kind


def _state_file(kind: str, workdir: Path) -> Path:
    return workdir / kind / STATE_NAME


def _owner_for(kind: str) -> str:
    wanted = "postgres" if kind == "postgresql" else "mysql"
    try:
        pwd.getpwnam(wanted)
    except KeyError:
        raise LabDbError(f"system user {wanted} does not exist (install the server package)") from None
    return wanted


def _chown(path: Path, user: str) -> None:
    if os.geteuid() == 0:
        entry = pwd.getpwnam(user)
        os.chown(path, entry.pw_uid, entry.pw_gid)


def _start_postgresql(host_ns: str, address: str, port: int, base: Path, password: str) -> dict[str, Any]:
    owner = _owner_for("postgresql") if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    bindir = pg_bin()
    data = base / "data"
    base.mkdir(parents=True, exist_ok=True)
    _chown(base, owner)
    if not (data / "PG_VERSION").is_file():
        pwfile = base / "pwfile"
        pwfile.write_text(password + "\n", encoding="utf-8")
        _chown(pwfile, owner)
        _run(
            [
                *_as_user(owner),
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "-N",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                f"--pwfile={pwfile}",
            ],
            "initdb",
        )
        pwfile.unlink()
        with (data / "pg_hba.conf").open("a", encoding="utf-8") as fh:
            fh.write("host all all 0.0.0.0/0 scram-sha-256\nhost all all ::/0 scram-sha-256\n")
    opts = f"-p {port} -k {base} -c listen_addresses={address} -c fsync=off -c max_connections=60"
    _run(
        [
            *_ns(host_ns),
            *_as_user(owner),
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            opts,
            "-l",
            str(base / "server.log"),
            "-w",
            "-t",
            str(int(START_TIMEOUT_S)),
            "start",
        ],
        "pg_ctl start",
    )
    sql = (
        f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{LAB_USER}') THEN "
        f"CREATE ROLE {LAB_USER} LOGIN SUPERUSER PASSWORD '{password}'; END IF; END $$;"
    )
    _run(
        [
            *_ns(host_ns),
            *_as_user(owner),
            str(bindir / "psql"),
            "-h",
            str(base),
            "-p",
            str(port),
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-v",
            "ON_ERROR_STOP=1",
            "-q",
            "-c",
            sql,
        ],
        "create the lab role",
    )
    pids = _server_pids(host_ns, str(data))
    return {"pid": pids[0] if pids else None, "datadir": str(data), "owner": owner, "bindir": str(bindir)}


def _start_mariadb(host_ns: str, address: str, port: int, base: Path, password: str) -> dict[str, Any]:
    if shutil.which("mariadbd") is None and not Path("/usr/sbin/mariadbd").is_file():
        raise LabDbError("MariaDB is not installed (apt-get install mariadb-server)")
    mariadbd = shutil.which("mariadbd") or "/usr/sbin/mariadbd"
    owner = _owner_for("mariadb") if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    data = base / "data"
    base.mkdir(parents=True, exist_ok=True)
    _chown(base, owner)
    fresh = not (data / "mysql").is_dir()
    if fresh:
        _run(
            [
                "mariadb-install-db",
                f"--user={owner}",
                f"--datadir={data}",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                "--no-defaults",
            ],
            "mariadb-install-db",
        )
    sock = base / "sock"
    args = [
        *_ns(host_ns),
        mariadbd,
        "--no-defaults",
        f"--datadir={data}",
        f"--socket={sock}",
        f"--port={port}",
        f"--bind-address={address}",
        f"--pid-file={base / 'mariadbd.pid'}",
        f"--log-error={base / 'server.log'}",
        "--innodb-flush-log-at-trx-commit=2",  # a commit survives the process (kill -9), not the OS
        "--innodb-doublewrite=0",
        "--skip-name-resolve",
        "--character-set-server=utf8mb4",
        "--collation-server=utf8mb4_unicode_ci",
        "--max-connections=60",
    ]
    if os.geteuid() == 0:
        args.append(f"--user={owner}")
    proc = subprocess.Popen(
        args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + START_TIMEOUT_S
    while not sock.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            log = (
                (base / "server.log").read_text(encoding="utf-8", errors="replace")[-400:]
                if (base / "server.log").exists()
                else ""
            )
            if proc.poll() is None:
                proc.kill()
            raise LabDbError(f"mariadbd did not start: {log.strip()}")
        time.sleep(0.05)
    client = shutil.which("mariadb") or "mariadb"
    sql = (
        f"CREATE USER IF NOT EXISTS '{LAB_USER}'@'%' IDENTIFIED BY '{password}'; "
        f"GRANT ALL PRIVILEGES ON *.* TO '{LAB_USER}'@'%' WITH GRANT OPTION; FLUSH PRIVILEGES;"
    )
    _run([*_ns(host_ns), client, "--no-defaults", f"--socket={sock}", "-uroot", "-e", sql], "create the lab user")
    pids = _server_pids(host_ns, str(data))
    return {"pid": pids[0] if pids else proc.pid, "datadir": str(data), "owner": owner}


def _start_oceanbase(host_ns: str, address: str, port: int, base: Path, password: str) -> dict[str, Any]:
    """seekdb from the pinned wheel, inside the lab host only (harness/lab/oceanbase.py has its traps)."""
    from harness.lab import oceanbase

    if not host_ns:
        raise LabDbError("OceanBase seekdb runs only inside a lab host (xcert lab up --db oceanbase)")
    try:
        return oceanbase.start(_ns(host_ns), address, port, base, password, LAB_USER, lambda: _netns_pids(host_ns))
    except oceanbase.SeekdbError as exc:
        raise LabDbError(str(exc)) from None


_STARTERS = {"postgresql": _start_postgresql, "mariadb": _start_mariadb, "oceanbase": _start_oceanbase}
#: how each kind is declared: family, product (catalog id), database
_DECLARED = {
    "postgresql": ("postgresql", "postgresql", "postgres"),
    "mariadb": ("mysql", "mariadb", "mysql"),
    "oceanbase": ("mysql", "oceanbase", "test"),
}


def start_db(kind: str, host_ns: str, address: str, workdir: Path, port: int | None = None) -> dict[str, Any]:
    """Start a ``kind`` server in ``host_ns`` on ``address``; returns the host vars declaring it.

    >>> start_db("postgresql", "xc-h1", "10.213.0.11", Path("/tmp/lab/h1"))  # doctest: +SKIP
    {'xc_db_targets': [{'name': 'postgresql', 'family': 'postgresql', ...}]}
    """
    if kind not in KINDS:
        raise LabDbError(f"unknown lab database {kind!r} (use {' or '.join(KINDS)})")
    port = port or LAB_PORTS[kind]
    base = _server_dir(kind, workdir)
    password = secrets.token_urlsafe(12)
    try:
        started = _STARTERS[kind](host_ns, address, port, base, password)
    except BaseException:
        # a server that came up before a later step failed must not outlive the failure
        for pid in _server_pids(host_ns, str(base if kind == "oceanbase" else base / "data")):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        raise
    family, product, database = _DECLARED[kind]
    target = {
        "name": kind,
        "family": family,
        "product": product,
        "host": address,
        "port": port,
        "database": database,
        "user": LAB_USER,
        "password": password,
    }
    state = {"kind": kind, "host_ns": host_ns, "address": address, "port": port, "target": target, **started}
    state["base"] = str(base)
    path = _state_file(kind, workdir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(json.dumps(state), encoding="utf-8")
    return {"xc_db_targets": [*_siblings(kind, host_ns, workdir), target]}


def _siblings(kind: str, host_ns: str, workdir: Path) -> list[dict[str, Any]]:
    """Targets already started in the same namespace beside ``workdir`` (``<lab>/db/<kind>``), so a
    caller that merges host variables with ``dict.update`` still declares every server of the host."""
    found: list[dict[str, Any]] = []
    if not host_ns:
        return found
    for other in sorted(workdir.resolve().parent.glob(f"*/*/{STATE_NAME}")):
        if other.parent.name == kind:
            continue
        with contextlib.suppress(OSError, ValueError, KeyError):
            state = json.loads(other.read_text(encoding="utf-8"))
            if state["host_ns"] == host_ns and state.get("target"):
                found.append(state["target"])
    return found


def _is_ours(pid: int, datadir: str) -> bool:
    """Only a pid whose command line names our data directory is ours to kill (LAB-NOTES)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return False
    return pid > 1 and datadir in cmdline


def _stop_server(kind: str, host_ns: str, datadir: str) -> None:
    # PostgreSQL: SIGINT is a fast shutdown; MariaDB: SIGTERM. Only the postmaster names the data directory.
    sig = signal.SIGINT if kind == "postgresql" else signal.SIGTERM
    pids = _server_pids(host_ns, datadir)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
    deadline = time.monotonic() + 30
    for pid in pids:
        while _is_ours(pid, datadir) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _is_ours(pid, datadir):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def stop_db(kind: str, *where: str | Path) -> None:
    """Stop the ``kind`` server started under the workdir (the last argument); nothing to do if it is not running.

    ``stop_db(kind, workdir)``; ``stop_db(kind, host_ns, address, workdir)`` is accepted too.
    """
    if not where:
        raise TypeError("stop_db needs the workdir start_db was given")
    workdir = Path(where[-1])
    state_path = _state_file(kind, workdir)
    if not state_path.is_file():
        return
    state = json.loads(state_path.read_text(encoding="utf-8"))
    datadir = str(state["datadir"])
    if kind == "oceanbase":
        from harness.lab import oceanbase

        oceanbase.stop(oceanbase.server_pids(_netns_pids(str(state.get("host_ns") or "")), Path(datadir)))
    else:
        _stop_server(kind, str(state.get("host_ns") or ""), datadir)
    base = Path(str(state.get("base") or ""))
    if base.is_relative_to(SPARE_ROOT) and base != SPARE_ROOT:
        shutil.rmtree(base, ignore_errors=True)
        with contextlib.suppress(OSError):
            (base.parent / f"{base.name}-console.log").unlink()  # seekdb's console output (lab.oceanbase)
        with contextlib.suppress(OSError):
            base.parent.rmdir()  # the per-workdir folder, once its last server is gone
    state_path.unlink()
