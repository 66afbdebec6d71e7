"""One lab host: its network namespace on the lab bridge, its own sshd, host key and view of /etc.

sshd runs as ``ip netns exec NS unshare --uts --mount --pid --fork --kill-child --mount-proc
start.sh``: its own hostname, a private mount namespace where /etc is an overlay (its own
hosts, sudoers and identity files; the machine's /etc is never written) and its own PID
namespace, so killing the one ``unshare`` process takes the host down with every session.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import socket
import subprocess
import time
from pathlib import Path

from harness.lab.identities import identity_files
from harness.lab.sh import LabError, sh
from harness.lab.state import LabHost, LabState, authorized_keys

SSHD = "/usr/sbin/sshd"
START_TIMEOUT_S = 10.0


def create_netns(state: LabState, host: LabHost) -> None:
    """The namespace, a veth pair with one end on the bridge, the host's address; no default route."""
    sh(["ip", "netns", "add", host.netns])
    sh(["ip", "link", "add", host.veth, "type", "veth", "peer", "name", "eth0", "netns", host.netns])
    sh(["ip", "link", "set", host.veth, "master", state.bridge, "up"])
    inside = ["ip", "netns", "exec", host.netns, "ip"]
    sh([*inside, "addr", "add", f"{host.address}/{state.prefixlen}", "dev", "eth0"])
    sh([*inside, "link", "set", "eth0", "up"])
    sh([*inside, "link", "set", "lo", "up"])


def delete_netns(host: LabHost) -> None:
    sh(["ip", "link", "del", host.veth], check=False)
    sh(["ip", "netns", "del", host.netns], check=False)


def _sshd_config(state: LabState, host: LabHost) -> str:
    key = host.dir / "ssh_host_ed25519_key"
    return "\n".join(
        [
            "Port 22",
            f"ListenAddress {host.address}",
            f"HostKey {key}",
            f"PidFile {host.dir / 'sshd.pid'}",
            f"AuthorizedKeysFile {authorized_keys()}",
            "StrictModes no",  # the keys live under /tmp
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "UsePAM no",
            f"AllowUsers {state.user}",
            "UseDNS no",
            "MaxSessions 64",
            "MaxStartups 64:30:128",
            "Subsystem sftp internal-sftp",
            "",
        ]
    )


def _start_script(state: LabState, host: LabHost) -> str:
    """Runs inside the host's new namespaces, then becomes its sshd."""
    d = host.dir
    q = shlex.quote
    root = "" if host.root == "/" else host.root.rstrip("/")
    etc = q(f"{root}/etc")
    keys = str(authorized_keys())
    lines = [
        "#!/bin/sh",
        "set -e",
        f"hostname {q(host.name)}",
        "mount --make-rprivate /",
        f"mount -t overlay xclab-etc -o lowerdir={etc},upperdir={q(str(d / 'etc'))},workdir={q(str(d / 'etc.work'))} {etc}",
    ]
    if root:
        for sub in ("proc", "dev", "sys"):
            lines.append(f"mount --rbind /{sub} {q(root + '/' + sub)}")
        lines.append(f"mkdir -p {q(root + str(d))} {q(root + '/run/sshd')} {q(root + str(Path(keys).parent))}")
        lines.append(f"touch {q(root + keys)}")
        lines.append(f"mount --bind {q(str(d))} {q(root + str(d))}")
        lines.append(f"mount --bind {q(keys)} {q(root + keys)}")
    for target in sorted(identity_files(host.identity, host.arch) if host.identity else {}):
        if target.startswith("/etc/"):
            continue  # already in the overlay's upper layer
        src = d / "identity" / target.lstrip("/")
        lines.append(f"if [ -e {q(root + target)} ]; then mount --bind {q(str(src))} {q(root + target)}; fi")
    if root:
        lines.append(f"exec chroot {q(root)} {SSHD} -D -e -f {q(str(d / 'sshd_config'))}")
    else:
        lines.append("mkdir -p /run/sshd")
        lines.append(f"exec {SSHD} -D -e -f {q(str(d / 'sshd_config'))}")
    return "\n".join(lines) + "\n"


def prepare_files(state: LabState, host: LabHost) -> None:
    """Host key, sshd_config, the /etc upper layer (hosts, hostname, sudoers, identity), start script."""
    d = host.dir
    for sub in ("etc", "etc.work", "identity"):
        (d / sub).mkdir(parents=True, exist_ok=True)
    key = d / "ssh_host_ed25519_key"
    if not key.exists():
        sh(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"{host.name}@xcert-lab", "-f", str(key)])
    etc = d / "etc"
    (etc / "hostname").write_text(host.name + "\n", encoding="utf-8")
    (etc / "hosts").write_text(f"127.0.0.1 localhost\n{host.address} {host.name}\n", encoding="utf-8")
    (etc / "sudoers.d").mkdir(exist_ok=True)
    sudoers = etc / "sudoers.d" / "xcert-lab"
    sudoers.write_text(f"{state.user} ALL=(ALL) NOPASSWD: ALL\n", encoding="utf-8")
    os.chmod(sudoers, 0o440)
    for target, content in (identity_files(host.identity, host.arch) if host.identity else {}).items():
        dest = (etc if target.startswith("/etc/") else d / "identity") / target.removeprefix("/etc/").lstrip("/")
        dest.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            dest.unlink()  # /etc/os-release may be a symlink in the lower layer
        dest.write_text(content, encoding="utf-8")
    (d / "sshd_config").write_text(_sshd_config(state, host), encoding="utf-8")
    script = d / "start.sh"
    script.write_text(_start_script(state, host), encoding="utf-8")
    script.chmod(0o755)


def start_sshd(host: LabHost) -> int:
    """Start the host's sshd in its namespaces; returns the ``unshare`` pid once port 22 answers."""
    d = host.dir
    log = (d / "sshd.log").open("ab")
    argv = [
        "ip", "netns", "exec", host.netns,
        "unshare", "--uts", "--mount", "--propagation", "private",
        "--pid", "--fork", "--kill-child", "--mount-proc",
        "/bin/sh", str(d / "start.sh"),
    ]  # fmt: skip
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
    log.close()
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = (d / "sshd.log").read_text(errors="replace").strip().splitlines()[-3:]
            raise LabError(f"sshd of {host.name} exited ({proc.returncode}): {' | '.join(tail)}")
        if _answers(host):
            return proc.pid
        time.sleep(0.05)
    stop_pid(proc.pid, host)
    raise LabError(f"sshd of {host.name} did not answer on {host.address}:22 within {START_TIMEOUT_S:g} s")


def _answers(host: LabHost) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host.address, 22), timeout=0.5) as sock:
        return sock.recv(4).startswith(b"SSH-")
    return False


def is_ours(pid: int | None, host: LabHost) -> bool:
    """Only a pid > 1 whose command line names this host's start script is ever killed."""
    if not pid or pid <= 1:
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return cmdline[:1] == [b"unshare"] and str(host.dir / "start.sh").encode() in cmdline


def stop_pid(pid: int | None, host: LabHost) -> bool:
    """Kill the host's unshare process (its --kill-child takes the PID namespace down with it)."""
    if not is_ours(pid, host):
        return False
    assert pid is not None
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    for _ in range(100):
        if _gone(pid):
            break
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        time.sleep(0.02)
    return True


def _gone(pid: int) -> bool:
    """Exited: no /proc entry, or a zombie (nothing here may reap it: a lab of 64 hosts waited 2 s for each)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return True
    fields = stat.rpartition(")")[2].split()
    return not fields or fields[0] in ("Z", "X")


def running(host: LabHost) -> bool:
    return is_ours(host.pid, host)
