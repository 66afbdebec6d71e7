"""A small supervisor for lab servers, standing in for systemd's ``Restart=always`` (lab hosts run no systemd).

``watch --dir D --pid PID`` adopts a running server: it records the server's command line, working
directory, environment and user from /proc, then polls every POLL_S; when the server is gone and no stop
was asked for, it kills what is left of the server's process group (systemd's ``KillMode=control-group``)
and starts the same command again, as the same user, in a session of its own, after RESTART_DELAY_S
(systemd's ``RestartSec``). It gives up after MAX_RESTARTS starts (systemd's start limit) and ends after
``--max-seconds``; the server it started keeps running when it ends. It runs inside the lab host (started
over SSH), so the servers it starts live in the host's namespaces.

``ctl --dir D start|stop|status|exit`` is what a service declaration's commands call: ``stop`` asks for no
restart and sends the server its stop signal (``--stop-signal`` of ``watch``: INT for PostgreSQL's fast
shutdown, USR1 for seekdb); ``start`` lifts that and waits until the supervisor's new server runs;
``status`` exits 0 while the server runs; ``exit`` ends the supervisor.

A server whose program is seekdb is started again only with ``TELEMETRY_ENABLED=false`` in its
environment (harness/lab/oceanbase.py), or not at all.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

POLL_S = 0.1
RESTART_DELAY_S = 0.3
MAX_RESTARTS = 200
CTL_WAIT_S = 90.0


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state, process group, start time) of a process, or None when there is none."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[2]), int(fields[19])


def alive(pid: int, started: int | None = None) -> bool:
    st = _stat(pid)
    return st is not None and st[0] not in ("Z", "X") and (started is None or st[2] == started)


def capture(pid: int) -> dict[str, Any]:
    """What starting ``pid``'s program again needs: argv, cwd, environment, uid and gid."""
    proc = Path(f"/proc/{pid}")
    argv = [a.decode() for a in (proc / "cmdline").read_bytes().split(b"\0") if a]
    env = dict(
        e.decode(errors="replace").split("=", 1) for e in (proc / "environ").read_bytes().split(b"\0") if b"=" in e
    )
    status = {ln.split(":", 1)[0]: ln.split(":", 1)[1].split() for ln in (proc / "status").read_text().splitlines()}
    st = _stat(pid)
    return {
        "argv": argv,
        "cwd": os.readlink(proc / "cwd"),
        "env": env,
        "uid": int(status["Uid"][0]),
        "gid": int(status["Gid"][0]),
        "pid": pid,
        "started": st[2] if st else None,
        "pgid": st[1] if st else None,
    }


def _safe(spec: dict[str, Any]) -> bool:
    if Path(spec["argv"][0]).name == "seekdb":
        return bool(spec["env"].get("TELEMETRY_ENABLED") == "false")
    return True


def _spawn(spec: dict[str, Any], log: Path) -> subprocess.Popen[bytes]:
    def drop() -> None:
        if spec["uid"] != os.geteuid():
            os.setgroups([])
            os.setgid(spec["gid"])
            os.setuid(spec["uid"])

    with log.open("ab") as out:
        return subprocess.Popen(
            spec["argv"], cwd=spec["cwd"], env=spec["env"], stdin=subprocess.DEVNULL, stdout=out, stderr=out,
            start_new_session=True, preexec_fn=drop,
        )  # fmt: skip


def _write(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    tmp.replace(path)


def watch(d: Path, pid: int, stop_signal: int, max_seconds: float) -> int:
    d.mkdir(parents=True, exist_ok=True)
    spec = capture(pid)
    if not _safe(spec):
        print("refusing to supervise seekdb without TELEMETRY_ENABLED=false", file=sys.stderr)
        return 2
    current = {"pid": pid, "started": spec["started"], "pgid": spec["pgid"], "restarts": 0, "stop": stop_signal}
    _write(d / "spec.json", spec)
    _write(d / "current.json", current)
    (d / "supervisor.pid").write_text(str(os.getpid()), encoding="ascii")
    child: subprocess.Popen[bytes] | None = None
    deadline = time.monotonic() + max_seconds
    while time.monotonic() < deadline and not (d / "exit").exists():
        if child is not None:
            child.poll()  # reap a killed child, so that it is not a zombie that looks alive
        if alive(int(current["pid"]), current["started"]) or (d / "down").exists():
            time.sleep(POLL_S)
            continue
        if current["pgid"] == current["pid"]:  # what is left of its process group (KillMode=control-group)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(int(current["pgid"]), signal.SIGKILL)
        if current["restarts"] >= MAX_RESTARTS:
            (d / "gave-up").touch()
            break
        time.sleep(RESTART_DELAY_S)
        child = _spawn(spec, d / "server.log")
        st = _stat(child.pid)
        current.update(pid=child.pid, started=st[2] if st else None, pgid=child.pid, restarts=current["restarts"] + 1)
        _write(d / "current.json", current)
    return 0


def _current(d: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((d / "current.json").read_text(encoding="utf-8"))
    return data


def _wait(condition: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(POLL_S)
    return True


def ctl(d: Path, verb: str) -> int:
    def running() -> bool:
        cur = _current(d)
        return alive(int(cur["pid"]), cur["started"])

    if verb == "status":
        return 0 if running() else 3  # LSB: 3 is "not running"
    if verb == "exit":
        (d / "exit").touch()
        return 0
    if verb == "stop":
        (d / "down").touch()
        cur = _current(d)
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(cur["pid"]), int(cur["stop"]))
        return 0 if _wait(lambda: not running(), CTL_WAIT_S) else 1
    (d / "down").unlink(missing_ok=True)
    return 0 if _wait(running, CTL_WAIT_S) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m harness.lab.supervise")
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("watch")
    w.add_argument("--dir", type=Path, required=True)
    w.add_argument("--pid", type=int, required=True)
    w.add_argument("--stop-signal", default="TERM", choices=("TERM", "INT", "USR1", "QUIT"))
    w.add_argument("--max-seconds", type=float, default=3600.0)
    c = sub.add_parser("ctl")
    c.add_argument("--dir", type=Path, required=True)
    c.add_argument("verb", choices=("start", "stop", "status", "exit"))
    args = parser.parse_args(argv)
    if args.command == "watch":
        return watch(args.dir, args.pid, int(getattr(signal, f"SIG{args.stop_signal}")), args.max_seconds)
    return ctl(args.dir, args.verb)


if __name__ == "__main__":
    sys.exit(main())
