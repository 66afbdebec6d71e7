"""xcert resolves every host as Ansible does: held against ``ansible -m ping -vvv`` itself.

Ansible is run for real on each public-style inventory (tests/data/inventories/public/), with a
stand-in ssh executable that exits at once: its ``SSH: EXEC`` line is what Ansible's own
connection-option resolution produced (address, port, user, key, ProxyCommand, ProxyJump,
ConnectTimeout), and nothing is contacted. xcert's side runs in a subprocess too, so each case
reads its own ansible.cfg, as a user's shell would.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

PUBLIC = Path(__file__).resolve().parents[1] / "data" / "inventories" / "public"
BIN = Path(sys.executable).parent
ENV = {
    "MACHINES_USER_NAME": "maya",
    "MACHINES_USER_PASSWORD": "maya-pw",
    "USER_NAME": "hostuser",
    "USER_PASSWORD": "host-pw",
}

_XCERT = """
import json, sys
from harness.inventory import load_inventory
print(json.dumps([h.__dict__ | {"declared": dict(h.declared), "provision_vars": dict(h.provision_vars)}
                  for h in load_inventory(sys.argv[1:] or None)], default=str))
"""


def _env(tmp: Path) -> dict[str, str]:
    shim = tmp / "shim"
    shim.mkdir(exist_ok=True)
    fake = shim / "fake-ssh"
    fake.write_text("#!/bin/sh\nexit 255\n", encoding="ascii")
    sshpass = shim / "sshpass"  # Ansible wants sshpass for password hosts: pass straight through
    sshpass.write_text('#!/bin/sh\nshift\nexec "$@"\n', encoding="ascii")
    for f in (fake, sshpass):
        f.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    env.update(ENV)
    env.update(
        PATH=f"{shim}{os.pathsep}{BIN}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}",
        HOME=str(tmp),
        ANSIBLE_SSH_EXECUTABLE=str(fake),
        ANSIBLE_SSH_RETRIES="0",
        ANSIBLE_HOST_KEY_CHECKING="False",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_LOCAL_TEMP=str(tmp / "ansible-tmp"),
    )
    return env


def ansible_view(args: list[str], cwd: Path, env: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Per host address: what Ansible's ssh connection would run (from its own EXEC line)."""
    proc = subprocess.run(
        [str(BIN / "ansible"), "all", *args, "-m", "ansible.builtin.ping", "-vvv", "--forks", "1"],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    seen: dict[str, dict[str, Any]] = {}
    for line in proc.stdout.splitlines():
        m = re.match(r"<([^>]+)> SSH: EXEC (.*)$", line)
        if not m or m.group(1) in seen:
            continue
        words = shlex.split(m.group(2))
        opts: dict[str, str] = {}
        for i, word in enumerate(words):
            if word == "-o":
                key, _, value = words[i + 1].partition("=")
                opts.setdefault(key.lower(), value.strip('"'))
        seen[m.group(1)] = {
            "address": words[-2],
            "port": int(opts.get("port", 22)),
            "user": opts.get("user"),
            "key_file": opts.get("identityfile"),
            "proxycommand": opts.get("proxycommand"),
            "proxyjump": opts.get("proxyjump"),
            "timeout": float(opts["connecttimeout"]),
        }
    assert seen, proc.stdout[-2000:] + proc.stderr[-2000:]
    return seen


def xcert_view(args: list[str], cwd: Path, env: dict[str, str]) -> list[dict[str, Any]]:
    sources = [a for a in args if a != "-i"]
    proc = subprocess.run(
        [sys.executable, "-c", _XCERT, *sources], cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    hosts: list[dict[str, Any]] = json.loads(proc.stdout)
    return hosts


def _compare(args: list[str], cwd: Path, tmp: Path) -> dict[str, dict[str, Any]]:
    env = _env(tmp)
    theirs = ansible_view(args, cwd, env)
    ours = xcert_view(args, cwd, env)
    assert sorted(h["address"] for h in ours) == sorted(theirs)
    for spec in ours:
        want = theirs[spec["address"]]
        got = {
            "address": spec["address"],
            "port": spec["port"],
            "user": spec["user"],
            "key_file": spec["key_file"],
            "proxycommand": spec["proxy_command"],
            "proxyjump": spec["jump"],
            "timeout": spec["connect_timeout"],
        }
        assert got == want, spec["name"]
    return {h["name"]: h for h in ours}


def test_passwords_in_all_vars_and_legacy_sudo_pass(tmp_path: Path) -> None:
    hosts = _compare(["-i", str(PUBLIC / "platform9-hosts.ini")], tmp_path, tmp_path)
    assert hosts["hv10"]["user"] == "centos" and hosts["hv10"]["password"] == "Pl@tform9"
    assert hosts["cv01"]["become"] and hosts["cv01"]["become_password"] == "Pl@tform9"


def test_legacy_ssh_variables_and_env_lookups(tmp_path: Path) -> None:
    hosts = _compare(["-i", str(PUBLIC / "openebs-hosts.ini")], tmp_path, tmp_path)
    assert hosts["mayamaster01"]["user"] == "maya" and hosts["mayamaster01"]["password"] == "maya-pw"
    assert hosts["mayahost02"]["address"] == "127.0.0.13" and hosts["mayahost02"]["password"] == "host-pw"
    assert hosts["mayahost01"]["ssh_extra_args"] == "-o StrictHostKeyChecking=no"


def test_ranges_children_and_group_vars(tmp_path: Path) -> None:
    # host1..host3 have no address but their names: Ansible would look them up; give them loopback names
    inv = tmp_path / "cheat.ini"
    inv.write_text(
        (PUBLIC / "cheat-ranges.ini").read_text(encoding="utf-8").replace("host[1:3]", "127.0.0.[61:63]"),
        encoding="utf-8",
    )
    hosts = _compare(["-i", str(inv)], tmp_path, tmp_path)
    assert hosts["jumper"]["port"] == 5555 and hosts["host14"]["port"] == 2214
    assert hosts["127.0.0.62"]["user"] == "deploy" and hosts["jumper"]["user"] is None


def test_proxy_command_and_proxy_jump_in_ssh_common_args(tmp_path: Path) -> None:
    hosts = _compare(["-i", str(PUBLIC / "lab14-proxy.ini")], tmp_path, tmp_path)
    assert hosts["osd-01"]["proxy_command"] == "ssh -p 22 -W %h:%p -q almalinux@127.0.0.2"
    assert hosts["mon-01"]["jump"] == "almalinux@127.0.0.2"


def test_constructed_plugin_composes_the_address(tmp_path: Path) -> None:
    hosts = _compare(["-i", str(PUBLIC / "constructed")], tmp_path, tmp_path)
    assert hosts["web01"]["address"] == "127.0.0.81" and hosts["db01"]["port"] == 2202


def test_ansible_cfg_gives_inventory_user_key_timeout_and_become(tmp_path: Path) -> None:
    # no -i: both read ansible.cfg's inventory from the working directory, as Ansible does
    hosts = _compare([], PUBLIC / "cfg", tmp_path)
    assert sorted(hosts) == ["lb-1", "web-1", "web-2"]
    assert hosts["web-1"]["user"] == "root" and hosts["web-2"]["user"] == "admin"
    assert hosts["web-1"]["key_file"] == str(tmp_path / ".ssh" / "id_rsa") and hosts["lb-1"]["connect_timeout"] == 7
    assert all(h["become"] and h["become_method"] == "sudo" for h in hosts.values())


def test_ad_hoc_host_list(tmp_path: Path) -> None:
    hosts = _compare(["-i", "127.0.0.5,127.0.0.6:2206,"], tmp_path, tmp_path)
    assert hosts["127.0.0.6"]["port"] == 2206


@pytest.mark.parametrize("name", ["platform9-hosts.ini", "openebs-hosts.ini", "lab14-proxy.ini"])
def test_provisioning_inventory_carries_the_resolved_values(name: str, tmp_path: Path) -> None:
    """The one-host inventory ansible-runner gets resolves, in Ansible, to what the checks use."""
    from harness.inventory import HostSpec
    from harness.provision import resolved

    env = _env(tmp_path)
    for spec_data in xcert_view(["-i", str(PUBLIC / name)], tmp_path, env):
        spec = HostSpec(**spec_data)
        inv = resolved.write(spec, tmp_path / spec.name / "hosts.yml")
        text = inv.read_text(encoding="utf-8")
        assert (inv.stat().st_mode & 0o777) == 0o600
        assert not spec.password or spec.password not in text  # secrets go to the runner's prompts
        theirs = ansible_view(["-i", str(inv)], tmp_path, env)
        assert list(theirs) == [spec.address]
        view = theirs[spec.address]
        assert (view["port"], view["user"], view["proxycommand"], view["proxyjump"]) == (
            spec.port, spec.user, spec.proxy_command, spec.jump,
        )  # fmt: skip


def test_the_paramiko_plugin_and_its_own_proxy_command(tmp_path: Path) -> None:
    inv = tmp_path / "pm.ini"
    inv.write_text(
        "[p]\npm1 ansible_connection=paramiko ansible_host=127.0.0.7 ansible_port=2207 ansible_user=pu "
        'ansible_paramiko_proxy_command="ssh -W %h:%p bastion@127.0.0.1"\n',
        encoding="utf-8",
    )
    (spec,) = xcert_view([str(inv)], tmp_path, _env(tmp_path))
    assert (spec["connection"], spec["address"], spec["port"], spec["user"]) == ("ssh", "127.0.0.7", 2207, "pu")
    assert spec["proxy_command"] == "ssh -W %h:%p bastion@127.0.0.1"
