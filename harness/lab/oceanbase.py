"""OceanBase seekdb for the lab: the server binary of the pinned ``pylibseekdb`` wheel, inside a lab host.

seekdb (the OceanBase 4.3.5.3 kernel, MySQL mode, single node) has traps, measured in
../shared/LAB-NOTES.md, that this module handles:

- it reports to an OceanBase host on the internet the first time it builds a data directory unless
  ``TELEMETRY_ENABLED=false`` is in its environment: it is started under ``env -i`` with exactly
  that variable (and PATH), never in the wheel's embedded mode (``pylibseekdb.open()``, which starts
  the server with an empty environment);
- it listens on 0.0.0.0 with no bind option: it runs only inside a lab host's namespaces (a lab
  host has no route out), never in this namespace;
- ``root@%`` has no password after bootstrap: one is set before the target is declared;
- ``memory_limit`` is ignored, ``memory_budget`` sets the budget (2G here, cpu_count 2);
- SIGTERM makes it SIGKILL itself: SIGUSR1 is the graceful stop (5-9 s).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import platform
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from harness.errors import XcertError

#: the environment the server gets, all of it (``env -i``); TELEMETRY_ENABLED must be exactly "false"
SERVER_ENV = ("TELEMETRY_ENABLED=false", "PATH=/usr/sbin:/usr/bin:/sbin:/bin")
PARAMETERS = ("memory_budget=2G", "cpu_count=2", "log_disk_size=2G")
START_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 40.0
BINARY_NAME = "seekdb"


class SeekdbError(XcertError):
    """seekdb could not be started or stopped in the lab."""

    exit_code = 2


def seekdb_binary() -> Path:
    """The server binary shipped in the installed ``pylibseekdb`` wheel (the package is not imported)."""
    spec = importlib.util.find_spec("pylibseekdb")
    if spec is None or not spec.submodule_search_locations:
        raise SeekdbError("OceanBase seekdb is not installed (pip install -c constraints.txt -e '.[oceanbase]')")
    for location in spec.submodule_search_locations:
        binary = Path(location) / BINARY_NAME
        if binary.is_file() and os.access(binary, os.X_OK):
            return binary
    raise SeekdbError("the pylibseekdb wheel has no executable seekdb binary")


def command(ns_prefix: Sequence[str], base: Path, port: int) -> list[str]:
    """The start command: inside the host's namespaces, an environment of SERVER_ENV only."""
    args = [*ns_prefix, "env", "-i", *SERVER_ENV, str(seekdb_binary()), "--nodaemon"]
    args += ["--base-dir", str(base), "--port", str(port), "--log-level", "WARN"]
    for p in PARAMETERS:
        args += ["--parameter", p]
    return args


def _state(pid: int) -> str:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return ""
    return stat.rpartition(")")[2].split()[0] if ")" in stat else ""


def alive(pid: int) -> bool:
    """Running and not a zombie (a zombie is gone for our purpose: nothing may reap it here)."""
    return _state(pid) not in ("", "Z", "X")


def server_pids(candidates: Sequence[int], base: Path) -> list[int]:
    """Of ``candidates``, the seekdb processes started on ``base`` (the binary's name and the base dir)."""
    found = []
    for pid in candidates:
        if pid <= 1:
            continue
        try:
            exe = os.readlink(f"/proc/{pid}/exe")
            args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if Path(exe.removesuffix(" (deleted)")).name == BINARY_NAME and str(base).encode() in args:
            found.append(pid)
    return found


def _connect(address: str, port: int, password: str, timeout: float) -> Any:
    import pymysql

    return pymysql.connect(
        host=address, port=port, user="root", password=password, connect_timeout=timeout, read_timeout=30
    )


def _wait_ready(address: str, port: int, proc: subprocess.Popen[bytes], log: Path) -> Any:
    """A root connection (empty password, as bootstrap leaves it) once the server answers."""
    deadline = time.monotonic() + START_TIMEOUT_S
    last: Exception | None = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SeekdbError(f"seekdb exited with rc {proc.returncode}: {_tail(log)}")
        try:
            with socket.create_connection((address, port), timeout=1):
                pass
            return _connect(address, port, "", 5)
        except Exception as exc:  # a refused port (OSError), or the server still bootstrapping (PyMySQL's errors)
            last = exc
        time.sleep(0.2)
    raise SeekdbError(f"seekdb did not answer on {address}:{port} in {START_TIMEOUT_S:g} s ({last}): {_tail(log)}")


def _tail(log: Path) -> str:
    with contextlib.suppress(OSError):
        return log.read_text(encoding="utf-8", errors="replace")[-400:].strip()
    return ""


def start(
    ns_prefix: Sequence[str],
    address: str,
    port: int,
    base: Path,
    password: str,
    lab_user: str,
    candidates: Callable[[], Sequence[int]],
) -> dict[str, Any]:
    """Start seekdb on ``base`` inside the host ``ns_prefix`` enters; set root's password, create ``lab_user``."""
    if not ns_prefix:
        raise SeekdbError("OceanBase seekdb runs only inside a lab host (it listens on 0.0.0.0)")
    if platform.machine() != "x86_64":
        raise SeekdbError("OceanBase seekdb runs on x86_64 lab hosts only (it hangs under qemu-user)")
    base.mkdir(parents=True, exist_ok=True)
    os.chmod(base, 0o750)
    log = base.parent / f"{base.name}-console.log"
    with log.open("ab") as out:
        proc = subprocess.Popen(
            command(ns_prefix, base, port), stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True
        )
    conn = _wait_ready(address, port, proc, log)
    try:
        with conn.cursor() as cur:
            cur.execute("ALTER USER root IDENTIFIED BY %s", (password,))
            cur.execute(f"CREATE USER IF NOT EXISTS '{lab_user}'@'%%' IDENTIFIED BY %s", (password,))
            cur.execute(f"GRANT ALL PRIVILEGES ON *.* TO '{lab_user}'@'%' WITH GRANT OPTION")
        conn.commit()
    except conn.Error as exc:
        raise SeekdbError(f"seekdb refused the lab's accounts: {exc}") from None
    finally:
        conn.close()
    pids = server_pids(candidates(), base)
    if not pids:
        raise SeekdbError("seekdb answers but its process is not in the lab host")
    return {"pid": pids[0], "datadir": str(base), "owner": "root", "launcher": proc.pid}


def stop(pids: Sequence[int]) -> None:
    """Graceful stop (SIGUSR1), then SIGKILL for whatever is still running after STOP_TIMEOUT_S."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGUSR1)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    for pid in pids:
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
