"""``xcert lab up/down/status``: build the lab's hosts, write its inventory, remove everything made."""

from __future__ import annotations

import contextlib
import importlib
import ipaddress
import os
import pwd
import shutil
import signal
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from harness.errors import UsageError
from harness.lab import host as labhost
from harness.lab.identities import IDENTITIES
from harness.lab.sh import LabError, sh
from harness.lab.state import (
    LabHost,
    LabState,
    authorized_keys,
    bridge_name,
    default_subnet,
    lab_dir,
    lab_home,
    lab_tag,
    load_state,
    ns_prefix,
    save_state,
    veth_name,
)

#: what an identity declares in the inventory (catalog ids)
DECLARES: dict[str, dict[str, str]] = {
    "kylin-v10": {"xc_os": "kylin-server-v10"},
    "uos-20": {"xc_os": "uos-server-20"},
    "openeuler-20.03": {"xc_os": "openeuler-20.03-lts"},
    "kunpeng920-kylin-v10": {"xc_os": "kylin-server-v10", "xc_cpu": "kunpeng-920"},
}


def inventory_path() -> Path:
    return lab_dir() / "inventory.yml"


def known_hosts_path() -> Path:
    return lab_dir() / "known_hosts"


def client_key() -> Path:
    return lab_dir() / "id_ed25519"


def _require_root() -> None:
    if os.geteuid() != 0:
        raise UsageError("xcert lab needs root (network namespaces, sshd)")
    for tool in ("ip", "unshare", "ssh-keygen", labhost.SSHD):
        if shutil.which(tool) is None:
            raise UsageError(f"xcert lab needs {tool} (apt-get install iproute2 util-linux openssh-server)")


def _ensure_user(state: LabState) -> None:
    home = lab_home()
    home.mkdir(parents=True, exist_ok=True)
    try:
        pwd.getpwnam(state.user)
    except KeyError:
        sh(["useradd", "-M", "-d", str(home), "-s", "/bin/sh", state.user])
        state.created_user = True
    # useradd leaves the account locked, and sshd refuses keys for a locked account (LAB-NOTES)
    sh(["usermod", "-p", "*", "-d", str(home), state.user])
    user = pwd.getpwnam(state.user)
    os.chown(home, user.pw_uid, user.pw_gid)


def _ensure_bridge(state: LabState) -> None:
    if sh(["ip", "link", "show", state.bridge], check=False).returncode != 0:
        sh(["ip", "link", "add", state.bridge, "type", "bridge"])
    sh(["ip", "addr", "replace", f"{state.gateway}/{state.prefixlen}", "dev", state.bridge])
    sh(["ip", "link", "set", state.bridge, "up"])


def _client_key() -> None:
    key = client_key()
    if not key.exists():
        sh(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "xcert-lab-client", "-f", str(key)])
    keys = authorized_keys()
    keys.parent.mkdir(parents=True, exist_ok=True)
    keys.parent.chmod(0o755)
    keys.write_text(key.with_suffix(".pub").read_text(encoding="ascii"), encoding="ascii")
    keys.chmod(0o644)


def _host_vars(state: LabState, host: LabHost) -> dict[str, Any]:
    hostvars: dict[str, Any] = {
        "ansible_host": host.address,
        "ansible_user": state.user,
        "ansible_ssh_private_key_file": str(client_key()),
        "ansible_ssh_common_args": f"-o UserKnownHostsFile={known_hosts_path()} -o StrictHostKeyChecking=yes",
        "ansible_python_interpreter": "/usr/bin/python3",
        "ansible_become": True,
        "xc_lab": True,
        "xc_lab_arch": host.arch,
    }
    if lab_tag():
        # lab hosts share this machine's /tmp: labs side by side whose hosts have the same names must not
        # share (and clean up) one working directory; the default lab keeps the default /tmp/xcert-work-<host>
        hostvars["xc_workdir"] = f"/tmp/xcert-work-{lab_tag()}-{host.name}"
    if host.identity:
        hostvars.update(DECLARES.get(host.identity, {}))
    hostvars.update(host.vars)
    return hostvars


def write_inventory(state: LabState) -> Path:
    lines = []
    for host in state.hosts:
        pub = (host.dir / "ssh_host_ed25519_key.pub").read_text(encoding="ascii").split()
        lines.append(f"{host.address} {pub[0]} {pub[1]}\n")
    known_hosts_path().write_text("".join(lines), encoding="ascii")
    data = {
        "all": {
            "children": {
                "xcert_lab": {"hosts": {h.name: _host_vars(state, h) for h in state.hosts}},
            }
        }
    }
    path = inventory_path()
    header = (
        "# Written by `xcert lab up`; removed by `xcert lab down`. Lab hosts: network namespaces of this machine.\n"
    )
    # it may hold the lab databases' passwords: readable by its owner only
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(header + yaml.safe_dump(data, sort_keys=False))
    os.chmod(path, 0o600)
    return path


def _checked_subnet(subnet: str) -> str:
    """A private subnet no other interface of this machine uses (lab addresses never route out)."""
    try:
        net = ipaddress.ip_network(subnet)
    except ValueError as exc:
        raise UsageError(f"--subnet {subnet!r}: {exc}") from None
    if not net.is_private or net.version != 4 or net.prefixlen > 26:
        raise UsageError(f"--subnet {subnet}: use a private IPv4 subnet of at least /26")
    for line in sh(["ip", "-4", "-o", "addr", "show"]).stdout.splitlines():
        parts = line.split()
        if len(parts) > 3 and parts[1] != bridge_name():
            with contextlib.suppress(ValueError):
                if ipaddress.ip_interface(parts[3]).network.overlaps(net):
                    raise UsageError(f"--subnet {subnet} overlaps {parts[3]} on {parts[1]}; choose another")
    return str(net)


def _free_default_subnet() -> str:
    """The lab's default subnet, or the next free 10.213.x.0/24 when another lab (or anything) uses it."""
    first = ipaddress.ip_network(default_subnet())
    for step in range(250):
        candidate = f"10.213.{(first.network_address.packed[2] + step) % 251}.0/24"
        with contextlib.suppress(UsageError):
            return _checked_subnet(candidate)
    raise UsageError("no free 10.213.x.0/24 subnet for the lab; pass --subnet")


def _db_module() -> Any:
    try:
        return importlib.import_module("harness.lab.db")
    except ModuleNotFoundError as exc:
        if exc.name == "harness.lab.db":
            raise UsageError(
                "--db needs the database lab (harness.lab.db), which this tree does not have yet"
            ) from None
        raise


def _check_up_args(hosts: int, arch: Sequence[str], identities: Sequence[str]) -> None:
    if not 1 <= hosts <= 64:
        raise UsageError("--hosts must be between 1 and 64")
    for name in identities:
        if name not in IDENTITIES:
            raise UsageError(f"unknown --identity {name!r}; known: {', '.join(sorted(IDENTITIES))}")
    for a in arch:
        if a != "aarch64":
            raise UsageError(f"--arch {a!r} is not supported (aarch64)")


def _plain_hosts(state: LabState, hosts: int, identities: Sequence[str]) -> None:
    """lab1..labN, the first ones dressed as the non-ARM identities asked for."""
    plain_ids = [i for i in identities if IDENTITIES[i][0] is None]
    for i in range(1, hosts + 1):
        state.hosts.append(
            LabHost(
                name=f"lab{i}",
                netns=f"{ns_prefix()}lab{i}",
                veth=veth_name(i),
                address=state.address_for(i),
                identity=plain_ids[i - 1] if i <= len(plain_ids) else None,
            )
        )


def _arm_hosts(state: LabState, hosts: int, arch: Sequence[str], identities: Sequence[str]) -> None:
    """arm1..armN after the plain hosts, each in the shared aarch64 root."""
    if not arch:
        return
    from harness.lab.arm import ensure_root, prepare_root

    arm_ids = [i for i in identities if IDENTITIES[i][0] == "aarch64"]
    for n in range(1, len(arch) + 1):
        root = ensure_root()
        index = hosts + n
        host = LabHost(
            name=f"arm{n}",
            netns=f"{ns_prefix()}arm{n}",
            veth=veth_name(index),
            address=state.address_for(index),
            arch="aarch64",
            identity=arm_ids[n - 1] if n <= len(arm_ids) else None,
            root=str(root),
        )
        prepare_root(root, state.user, lab_home())
        state.hosts.append(host)


def _start_hosts(state: LabState) -> None:
    for host in state.hosts:
        labhost.create_netns(state, host)
        labhost.prepare_files(state, host)
        host.pid = labhost.start_sshd(host)
        save_state(state)


def _start_dbs(state: LabState, db_module: Any, dbs: Sequence[str]) -> None:
    """Each database on the first host; its targets go into that host's variables."""
    first = state.hosts[0]
    for kind in dbs:
        workdir = lab_dir() / "db" / kind
        workdir.mkdir(parents=True, exist_ok=True)
        first.vars.update(db_module.start_db(kind, first.netns, first.address, workdir))
        state.dbs.append({"kind": kind, "netns": first.netns, "address": first.address, "workdir": str(workdir)})
        save_state(state)


def _start_middleware(state: LabState, middleware: Sequence[str]) -> None:
    if not middleware:
        return
    from harness.lab import middleware as mw

    first = state.hosts[0]
    for kind in middleware:
        workdir = lab_dir() / "mw" / kind
        state.mws.append({"kind": kind, "workdir": str(workdir)})
        save_state(state)
        targets = first.vars.get("xc_db_targets", [])
        first.vars.update(mw.start_middleware(kind, first.netns, first.address, workdir, targets))
        save_state(state)


def up(
    hosts: int = 3,
    arch: Sequence[str] = (),
    identities: Sequence[str] = (),
    dbs: Sequence[str] = (),
    subnet: str | None = None,
    middleware: Sequence[str] = (),
) -> Path:
    """Build the lab (an existing one is taken down first); returns the inventory path."""
    _require_root()
    _check_up_args(hosts, arch, identities)
    db_module = _db_module() if dbs else None
    if load_state() is not None:
        down()
    lab_dir().mkdir(parents=True, exist_ok=True)
    state = LabState(subnet=_checked_subnet(subnet) if subnet else _free_default_subnet())
    save_state(state)
    try:
        _ensure_user(state)
        _ensure_bridge(state)
        _client_key()
        _plain_hosts(state, hosts, identities)
        _arm_hosts(state, hosts, arch, identities)
        save_state(state)
        _start_hosts(state)
        if db_module is not None:
            _start_dbs(state, db_module, dbs)
        _start_middleware(state, middleware)
        return write_inventory(state)
    except BaseException:
        with contextlib.suppress(Exception):
            down()
        raise


def down() -> list[str]:
    """Remove everything the lab made (also what a crashed ``up`` left); returns what was removed."""
    if os.geteuid() != 0:
        raise UsageError("xcert lab needs root (network namespaces, sshd)")
    state = load_state()
    removed: list[str] = []
    if state is not None:
        if state.mws:
            from harness.lab import middleware as mw

            for item in state.mws:
                with contextlib.suppress(Exception):
                    mw.stop_middleware(item["kind"], Path(item["workdir"]))
                    removed.append(f"middleware {item['kind']}")
        if state.dbs:
            with contextlib.suppress(UsageError):
                db_module = _db_module()
                for db in state.dbs:
                    with contextlib.suppress(Exception):
                        db_module.stop_db(db["kind"], db["netns"], db["address"], Path(db["workdir"]))
                        removed.append(f"db {db['kind']}")
        for host in state.hosts:
            if labhost.stop_pid(host.pid, host):
                removed.append(f"sshd {host.name}")
            labhost.delete_netns(host)
            removed.append(f"netns {host.netns}")
    # namespaces or a bridge a crashed run left behind (only ours: the xclab- prefix)
    listing = sh(["ip", "netns", "list"], check=False).stdout.split()
    for ns in listing:
        if ns.startswith(ns_prefix()):
            sh(["ip", "netns", "del", ns], check=False)
            removed.append(f"netns {ns}")
    bridge = state.bridge if state else bridge_name()
    if sh(["ip", "link", "del", bridge], check=False).returncode == 0:
        removed.append(f"bridge {bridge}")
    others = [ns for ns in sh(["ip", "netns", "list"], check=False).stdout.split() if ns.startswith("xclab")]
    if state is not None and state.created_user and not others:
        # the lab user is shared by labs side by side: removed only when no lab is left
        sh(["userdel", state.user], check=False)
        removed.append(f"user {state.user}")
    authorized_keys().unlink(missing_ok=True)
    if lab_dir().is_dir():
        shutil.rmtree(lab_dir(), ignore_errors=True)
        removed.append(str(lab_dir()))
    return removed


def down_stale() -> list[str]:
    """Remove labs whose directory is gone (a test session killed before its teardown)."""
    if os.geteuid() != 0:
        raise UsageError("xcert lab needs root (network namespaces, sshd)")
    removed: list[str] = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) <= 1:
            continue
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        script = Path(argv[-2].decode(errors="replace")) if len(argv) > 2 else Path()
        if argv[:1] != [b"unshare"] or script.name != "start.sh" or script.parent.parent.name != "hosts":
            continue
        directory = script.parent.parent.parent
        if (directory / "state.json").exists():
            continue  # a live lab, maybe someone else's
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(proc.name), signal.SIGKILL)
        tag = lab_tag(directory)
        for ns in sh(["ip", "netns", "list"], check=False).stdout.split():
            if ns.startswith(f"xclab{tag}-"):
                sh(["ip", "netns", "del", ns], check=False)
                removed.append(f"netns {ns}")
        if tag and sh(["ip", "link", "del", f"xclab{tag}"], check=False).returncode == 0:
            removed.append(f"bridge xclab{tag}")
        removed.append(f"sshd of {script.parent.name} in {directory}")
    return removed


def status() -> tuple[LabState | None, dict[str, bool]]:
    state = load_state()
    if state is None:
        return None, {}
    return state, {h.name: labhost.running(h) for h in state.hosts}


def host_by_name(name: str) -> LabHost:
    state = load_state()
    if state is None:
        raise LabError("no lab is up")
    for h in state.hosts:
        if h.name == name:
            return h
    raise LabError(f"no lab host {name!r}")


def kill_host(name: str) -> bool:
    """Kill one lab host's sshd and every session on it (tests: a host lost mid-run)."""
    return labhost.stop_pid(host_by_name(name).pid, host_by_name(name))


def restart_host(name: str) -> None:
    state = load_state()
    if state is None:
        raise LabError("no lab is up")
    for h in state.hosts:
        if h.name == name:
            labhost.stop_pid(h.pid, h)
            h.pid = labhost.start_sshd(h)
    save_state(state)
