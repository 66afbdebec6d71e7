"""identify visits hosts at once: hosts that never answer are each unreachable (timeout), within their own
connect timeout, and an interrupt ends the command at once. The silent hosts are a real TCP listener on
loopback that accepts and never speaks SSH."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.fixture
def silent_port() -> Iterator[int]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


def _inventory(tmp_path: Path, port: int, hosts: int) -> Path:
    lines = ["all:", "  hosts:"]
    for i in range(hosts):
        lines += [
            f"    silent{i}:",
            "      ansible_host: 127.0.0.1",
            f"      ansible_port: {port}",
            "      ansible_user: nobody",
            "      ansible_ssh_common_args: -o ConnectTimeout=1",
            # the timeout xcert (as ssh) takes: Ansible's own -o ConnectTimeout comes first
            "      ansible_ssh_timeout: 1",
        ]
    path = tmp_path / "inv.yml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _as_from_a_terminal() -> None:
    """SIGINT as a terminal user's command gets it: default, not blocked (whatever the test worker's thread has)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _xcert(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "harness", *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        preexec_fn=_as_from_a_terminal,
    )  # fmt: skip


def test_silent_hosts_are_each_unreachable_never_failed(tmp_path: Path, silent_port: int) -> None:
    proc = _xcert("identify", "-i", str(_inventory(tmp_path, silent_port, 3)), "--json")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, err  # incomplete
    records = json.loads(out)
    assert [r["host"] for r in records] == ["silent0", "silent1", "silent2"]
    assert {r["unreachable"]["reason"] for r in records} == {"timeout"}


def test_an_interrupt_ends_identify_at_once(tmp_path: Path, silent_port: int) -> None:
    inventory = _inventory(tmp_path, silent_port, 2)
    # the connect timeout xcert uses is Ansible's (ssh keeps the first ConnectTimeout: Ansible's own comes before
    # the inventory's arguments), so it is raised there: the ssh argument alone left it at Ansible's default
    # 10 s, and on a loaded machine the banner wait could end before the interrupt came (exit 2, seen once)
    text = inventory.read_text().replace("ConnectTimeout=1", "ConnectTimeout=60")
    inventory.write_text(text.replace("ansible_ssh_timeout: 1", "ansible_ssh_timeout: 60"), encoding="utf-8")
    proc = _xcert("identify", "-i", str(inventory), "--json")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(_connections(silent_port)) < 2:
        time.sleep(0.05)  # both hosts are connecting (and would wait 60 s for a banner)
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert time.monotonic() - sent < 10  # not the 60 s connect timeout


def _connections(port: int) -> list[str]:
    done = subprocess.run(["ss", "-tnH", "state", "established", f"( dport = :{port} )"], capture_output=True,
                          text=True, check=False)  # fmt: skip
    return [ln for ln in done.stdout.splitlines() if ln.strip()]
