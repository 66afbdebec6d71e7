"""The paramiko transport against a real sshd on a lab host, and the lab's own life cycle."""

from __future__ import annotations

import dataclasses
import os
import shlex
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.inventory import HostSpec, load_inventory
from harness.transport.base import HostUnreachable
from harness.transport.ssh import SshTransport
from tests.conftest import xcert
from tests.integration.lab_fixture import Lab, lab_session, require_lab_tools

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    yield from lab_session(tmp_path_factory, "--hosts", "2")


@pytest.fixture
def spec(lab: Lab) -> HostSpec:
    assert lab.inventory is not None
    return load_inventory([lab.inventory], "lab1")[0]


def test_through_a_jump_host(lab: Lab) -> None:
    assert lab.inventory is not None
    lab2 = load_inventory([lab.inventory], "lab2")[0]
    jump = f"{lab2.user}@{lab.host('lab1')['address']}"
    with SshTransport(dataclasses.replace(lab2, jump=jump)) as t:
        assert t.run("hostname").stdout == b"lab2\n"
        assert t._jump is not None  # the connection really went through lab1


def test_one_connection_with_nodelay_and_real_results(spec: HostSpec) -> None:
    with SshTransport(spec) as t:
        assert isinstance(t, SshTransport)
        sock = t.transport.sock
        assert isinstance(sock, socket.socket)
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
        r = t.run("hostname; id -un; echo oops >&2; exit 7")
        assert (r.rc, r.stdout, r.stderr) == (7, b"lab1\nroot\n", b"oops\n")  # become: sudo on the lab host
        assert t.run("cat", stdin=b"\x00binary\xff").stdout == b"\x00binary\xff"


def test_a_timeout_kills_the_remote_command_and_its_children(spec: HostSpec) -> None:
    with SshTransport(spec) as t:
        r = t.run("sleep 307 & sleep 307; echo never", timeout_s=1.0)
        assert r.timed_out and r.stdout == b""
        assert t.run("pgrep -f 'sleep 30[7]' || echo none").stdout == b"none\n"


def test_hostile_values_reach_the_host_as_data(spec: HostSpec) -> None:
    value = "a'b\"c $(touch /tmp/xcert-pwned) `id` ; | & \\ *"
    with SshTransport(spec) as t:
        r = t.run(f"printf %s {shlex.quote(value)}")
        assert r.stdout.decode() == value
    assert not Path("/tmp/xcert-pwned").exists()


def test_a_wrong_key_is_an_authentication_failure(spec: HostSpec, tmp_path: Path) -> None:
    key = tmp_path / "k"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    with pytest.raises(HostUnreachable) as err:
        SshTransport(dataclasses.replace(spec, key_file=str(key)))
    assert err.value.reason == "authentication"


def test_a_command_killed_by_a_signal_is_its_result_not_a_lost_host(spec: HostSpec) -> None:
    """The channel closes without an exit status both when the remote shell is killed and when the connection
    goes: only the second is a lost host (the first is the command's own result, rc -1)."""
    with SshTransport(spec) as t:
        result = t.run("kill -9 $$", timeout_s=10)
        assert result.rc != 0
        assert t.run("true").rc == 0  # the connection is still there


def test_a_host_lost_during_a_command(lab: Lab, spec: HostSpec) -> None:

    from harness.lab import lab as labmod

    os.environ["XCERT_LAB_DIR"] = str(lab.dir)
    try:
        t = SshTransport(spec)
        assert t.run("true").rc == 0
        assert labmod.kill_host("lab1")
        with pytest.raises(HostUnreachable) as err:
            t.run("sleep 5", timeout_s=10)
        assert err.value.reason == "lost"
        t.close()
        with pytest.raises(HostUnreachable) as err:
            SshTransport(spec)
        assert err.value.reason == "refused"
    finally:
        labmod.restart_host("lab1")
        os.environ.pop("XCERT_LAB_DIR", None)
    with SshTransport(spec) as t:
        assert t.run("true").rc == 0


def test_lab_down_removes_everything_it_made(tmp_path: Path) -> None:
    require_lab_tools()
    lab = Lab(tmp_path / "lab")
    try:
        lab.up("--hosts", "2")
        status = xcert("lab", "status", env=lab.env)
        assert status.returncode == 0 and "lab2" in status.stdout
        state = lab.state()
    finally:
        lab.down()
    namespaces = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True).stdout
    assert not any(h["netns"] in namespaces for h in state["hosts"])
    assert subprocess.run(["ip", "link", "show", state["bridge"]], capture_output=True, check=False).returncode != 0
    assert not lab.dir.exists()
    assert xcert("lab", "status", env=lab.env).returncode == 1


@pytest.fixture
def sudo_needs_a_password(spec: HostSpec) -> Iterator[str]:
    """lab1's sudo asks for the lab user's password. Changed on lab1 itself, as root over SSH, so
    the change lands in lab1's own /etc overlay: the machine's /etc/shadow is never touched."""
    password = "pw with 'quotes' and $dollar"
    hashed = subprocess.run(["openssl", "passwd", "-6", "-stdin"], input=password, capture_output=True, text=True,
                            check=True).stdout.strip()  # fmt: skip
    with SshTransport(spec) as t:
        r = t.run(f"usermod -p {shlex.quote(hashed)} xclab && echo 'xclab ALL=(ALL) ALL' > /etc/sudoers.d/xcert-lab")
        assert r.rc == 0, r.stderr
    try:
        yield password
    finally:
        with SshTransport(dataclasses.replace(spec, become_password=password)) as t:
            restore = "echo 'xclab ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/xcert-lab && usermod -p '*' xclab"
            assert t.run(restore).rc == 0


def test_become_with_a_sudo_password(spec: HostSpec, sudo_needs_a_password: str) -> None:
    with SshTransport(dataclasses.replace(spec, become_password=sudo_needs_a_password)) as t:
        r = t.run("id -u; cat", stdin=b"data after the password")
        assert r.rc == 0 and r.stdout == b"0\ndata after the password", r.stderr
        assert sudo_needs_a_password.encode() not in r.stdout + r.stderr
    with SshTransport(dataclasses.replace(spec, become_password="wrong")) as t:
        assert t.run("id -u").rc != 0
    with SshTransport(spec) as t:  # no password: sudo -n fails at once instead of waiting for one
        r = t.run("id -u", timeout_s=10)
        assert r.rc != 0 and not r.timed_out


def _lab_inventory_with(lab: Lab, tmp_path: Path, host: str, **hostvars: object) -> Path:
    import yaml

    assert lab.inventory is not None
    data = yaml.safe_load(lab.inventory.read_text(encoding="utf-8"))
    data["all"]["children"]["xcert_lab"]["hosts"][host].update(hostvars)
    path = tmp_path / "inv.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_proxy_command_in_ssh_common_args_goes_through_paramiko(lab: Lab, tmp_path: Path) -> None:
    """The way public inventories reach a private host: OpenSSH's ``-W`` through a bastion (lab1)."""
    import paramiko

    from harness.lab.lab import client_key, known_hosts_path

    os.environ["XCERT_LAB_DIR"] = str(lab.dir)
    try:
        key, known = client_key(), known_hosts_path()
    finally:
        os.environ.pop("XCERT_LAB_DIR", None)
    bastion = f"xclab@{lab.host('lab1')['address']}"
    proxy = f"ssh -i {key} -o UserKnownHostsFile={known} -o StrictHostKeyChecking=yes -W %h:%p -q {bastion}"
    args = f'-o UserKnownHostsFile={known} -o StrictHostKeyChecking=yes -o ProxyCommand="{proxy}"'
    inv = _lab_inventory_with(lab, tmp_path, "lab2", ansible_ssh_common_args=args)
    (spec,) = load_inventory([inv], "lab2")
    assert spec.proxy_command == proxy and spec.known_hosts == str(known)
    with SshTransport(spec) as t:
        assert isinstance(t.transport.sock, paramiko.ProxyCommand)  # not a direct socket
        assert t.run("hostname").stdout == b"lab2\n"
    # provisioning (ansible-runner, OpenSSH) goes the same way, from the resolved inventory
    from harness.provision.driver import run_playbook

    try:
        outcome = run_playbook("prepare", spec, [str(inv)], tmp_path / "provision")
    finally:
        _remove_workdir(spec)
    assert outcome.ok, (outcome.failed_task, outcome.message)
    assert any(t["host"] == "lab2" for t in outcome.tasks)


def _remove_workdir(spec: HostSpec) -> None:
    """The working directory a bare prepare playbook made (lab hosts share this machine's /tmp; no run removes it)."""
    from harness.provision.readiness import workdir

    shutil.rmtree(workdir(spec), ignore_errors=True)


def test_provisioning_answers_the_sudo_prompt_and_keeps_the_password_off_disk(
    lab: Lab, spec: HostSpec, sudo_needs_a_password: str, tmp_path: Path
) -> None:
    from harness.provision.driver import run_playbook

    assert lab.inventory is not None
    inv = _lab_inventory_with(lab, tmp_path, "lab1", ansible_become_password=sudo_needs_a_password)
    (with_password,) = load_inventory([inv], "lab1")
    assert with_password.become_password == sudo_needs_a_password
    private = tmp_path / "provision"
    try:
        outcome = run_playbook("prepare", with_password, [str(inv)], private)
    finally:
        _remove_workdir(with_password)
    assert outcome.ok, (outcome.failed_task, outcome.message)
    secret = sudo_needs_a_password.encode()
    leaks = [p for p in private.rglob("*") if p.is_file() and secret in p.read_bytes()]
    assert leaks == []
    # without the password Ansible's sudo cannot become root: the prompt answer is what made it work
    without = dataclasses.replace(with_password, become_password=None)
    assert not run_playbook("prepare", without, [str(inv)], tmp_path / "provision-2").ok


def test_identify_reaches_every_host_at_once_and_keeps_an_unreachable_one(lab: Lab, tmp_path: Path) -> None:
    """Hosts are identified concurrently; the records keep inventory order; a refused host is unreachable."""
    import json

    assert lab.inventory is not None
    extra = tmp_path / "gone.yml"
    extra.write_text(
        "all:\n  hosts:\n    gone:\n      ansible_host: 127.0.0.1\n      ansible_port: 1\n", encoding="utf-8"
    )
    sources = [str(lab.inventory), str(extra)]
    order = [h.name for h in load_inventory(sources)]
    done = xcert("identify", "-i", sources[0], "-i", sources[1], "--json", env=lab.env)
    assert done.returncode == 2, done.stderr  # incomplete: one host was not reached
    records = json.loads(done.stdout)
    assert [r["host"] for r in records] == order and sorted(order) == ["gone", "lab1", "lab2"]
    by_name = {r["host"]: r for r in records}
    assert by_name["gone"]["unreachable"]["reason"] == "refused"
    for name in ("lab1", "lab2"):
        assert "unreachable" not in by_name[name] and by_name[name]["cpu"]["arch"] == "x86_64"
    again = xcert("identify", "-i", sources[0], "-i", sources[1], "--json", env=lab.env)  # from the inventory cache
    assert again.returncode == 2 and [r["host"] for r in json.loads(again.stdout)] == order
