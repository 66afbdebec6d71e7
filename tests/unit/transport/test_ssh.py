"""The paramiko transport's pieces that need no SSH server: reasons, quoting, pid marker, ssh_config."""

from __future__ import annotations

import shlex
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.inventory import HostSpec
from harness.transport.base import HostUnreachable
from harness.transport.ssh import _PID_MARK, SshTransport, _split_pid, _ssh_config


def _spec(**kw: object) -> HostSpec:
    base: dict[str, object] = {"name": "h", "connection": "ssh", "address": "127.0.0.1", "port": 9}
    base.update(kw)
    return HostSpec(**base)  # type: ignore[arg-type]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_closed_port_is_refused() -> None:
    with pytest.raises(HostUnreachable) as err:
        SshTransport(_spec(port=_closed_port()))
    assert err.value.reason == "refused"


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP server that accepts and never says a word (a hung sshd)."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
                held.append(conn)
            except OSError:
                continue

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    yield int(srv.getsockname()[1])
    stop.set()
    t.join()
    for c in held:
        c.close()
    srv.close()


def test_a_silent_server_times_out(silent_server: int) -> None:
    with pytest.raises(HostUnreachable) as err:
        SshTransport(_spec(port=silent_server, connect_timeout=0.5))
    assert err.value.reason == "timeout"


class _Bare(SshTransport):
    def __init__(self, become: bool, password: str | None = None) -> None:  # no connection: only quoting
        self.become = become
        self.become_password = password


@pytest.mark.parametrize("become", [False, True])
def test_commands_are_quoted_for_the_remote_shell(become: bool) -> None:
    hostile = "echo 'it''s'; $(touch /tmp/pwned) `id` \"$HOME\" ; x"
    line = _Bare(become).wrap(hostile)
    # the remote login shell must see our command as one argument of sh -c, byte for byte
    words = shlex.split(line.rpartition("/bin/sh -c ")[2])
    assert words == [hostile]
    assert ("sudo -n -H -- /bin/sh -c" in line) is become


def test_become_with_a_password_reads_it_from_stdin_not_the_command_line() -> None:
    line = _Bare(True, "pa ss").wrap("id", "t0ken")
    # sudo's own unique prompt, so the password is written only when sudo asks for it
    assert "sudo -S -p '[xcert become t0ken] '" in line and "pa ss" not in line


def test_the_wrapper_runs_and_reports_its_pid() -> None:
    proc = subprocess.run(
        ["/bin/sh", "-c", _Bare(False).wrap("echo out; echo err >&2")], capture_output=True, check=True
    )
    assert proc.stdout == b"out\n"
    assert proc.stderr.startswith(_PID_MARK) and proc.stderr.endswith(b"\nerr\n")
    assert _split_pid(bytearray(proc.stderr)) is not None


def test_pid_marker_parsing_never_yields_pid_1_or_garbage() -> None:
    assert _split_pid(bytearray(_PID_MARK + b"1\n")) is None
    assert _split_pid(bytearray(_PID_MARK + b"x\n")) is None
    assert _split_pid(bytearray(b"no marker")) is None
    assert _split_pid(bytearray(_PID_MARK + b"4242\nrest")) == 4242


def test_ssh_config_is_read_for_the_host(tmp_path: Path) -> None:
    cfg = tmp_path / "config"
    cfg.write_text("Host db1\n  HostName 10.1.2.3\n  User dba\n  Port 2222\n  ProxyJump bastion\n", encoding="utf-8")
    entry = _ssh_config(_spec(address="db1", ssh_config=str(cfg)))
    assert entry["hostname"] == "10.1.2.3" and entry["user"] == "dba" and entry["port"] == "2222"
    assert entry["proxyjump"] == "bastion"
