"""Secrets against a real lab host: sudo's prompt, and a password planted through every documented route.

The routes: an inventory ``ansible_password``, an Ansible Vault value (``ansible_become_password``), a
database target's ``password_env`` (docs/DATABASES.md) and the become password; one of the secrets is
also planted in the host's own data (its os-release), so it comes back in facts, evidence and the
journal. Each secret holds ``"`` and ``\\``, which JSON escapes. None may appear in any byte of the run
directory, its logs, the command's output or a bundle, with ``--redact`` or without.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from harness.inventory import HostSpec, load_inventory
from harness.transport.ssh import SshTransport
from tests.conftest import xcert
from tests.integration.lab_fixture import Lab, lab_session

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    yield from lab_session(tmp_path_factory, "--hosts", "1", "--identity", "kylin-v10")


@pytest.fixture
def spec(lab: Lab) -> HostSpec:
    assert lab.inventory is not None
    return load_inventory([lab.inventory], "lab1")[0]


def _root(spec: HostSpec, script: str) -> None:
    """Run a shell script as root on the lab host (its sudo is NOPASSWD), failing loudly."""
    with SshTransport(dataclasses.replace(spec, become=True, become_password=None)) as t:
        r = t.run(script)
        assert r.rc == 0, r.stderr


def _etc_is_the_labs_own(spec: HostSpec) -> None:
    """Only ever change a lab host's /etc when it is the lab's overlay (never this machine's)."""
    with SshTransport(spec) as t:
        mounts = t.run("cat /proc/self/mounts").stdout.decode()
    if not any(line.split()[1:3] == ["/etc", "overlay"] for line in mounts.splitlines() if len(line.split()) > 2):
        pytest.skip("the lab host's /etc is not an overlay: its sudo setup is not changed")


# ---------------------------------------------------------------------------------------------- become


def test_with_nopasswd_the_become_password_is_never_written(spec: HostSpec) -> None:
    # before: the password went to sudo -S whether it asked or not, and `sh -s` ran it as root
    planted = "echo PASSWORD-RAN-AS-A-COMMAND"
    with SshTransport(dataclasses.replace(spec, become=True, become_password=planted)) as t:
        r = t.run("sh -s", stdin=b"id -un\n")
        assert (r.rc, r.stdout) == (0, b"root\n"), (r.stdout, r.stderr)
        assert b"PASSWORD-RAN" not in r.stdout + r.stderr
        assert t.run("cat", stdin=b"\x00binary\xff").stdout == b"\x00binary\xff"


@pytest.fixture
def sudo_with_password(spec: HostSpec) -> Iterator[str]:
    """The lab user's sudo asks for a password (no cached ticket) for the length of one test."""
    _etc_is_the_labs_own(spec)
    password = "pw-" + secrets.token_hex(6)
    user = spec.user or "root"
    rule = f"{user} ALL=(ALL) ALL\nDefaults:{user} timestamp_timeout=0\n"
    _root(
        spec,
        f"printf '%s:%s\\n' {shlex.quote(user)} {shlex.quote(password)} | chpasswd && "
        f"printf %s {shlex.quote(rule)} > /etc/sudoers.d/zz-xcert-secrets && chmod 0440 /etc/sudoers.d/zz-xcert-secrets",
    )
    try:
        yield password
    finally:
        # the rule is removed through the password, since NOPASSWD no longer holds
        with SshTransport(dataclasses.replace(spec, become=True, become_password=password)) as t:
            t.run("rm -f /etc/sudoers.d/zz-xcert-secrets")


def test_the_password_answers_sudos_own_prompt(spec: HostSpec, sudo_with_password: str) -> None:
    with SshTransport(dataclasses.replace(spec, become=True, become_password=sudo_with_password)) as t:
        r = t.run("sh -s", stdin=b"id -un; cat\n")
        assert (r.rc, r.stdout) == (0, b"root\n"), (r.stdout, r.stderr)
        assert b"xcert become" not in r.stderr  # the prompt is consumed, not shown as the command's output


def test_a_wrong_password_fails_at_once_and_is_not_run(spec: HostSpec, sudo_with_password: str) -> None:
    wrong = "echo WRONG-PASSWORD-RAN"
    with SshTransport(dataclasses.replace(spec, become=True, become_password=wrong)) as t:
        t0 = time.monotonic()
        r = t.run("sh -s", stdin=b"echo never\n", timeout_s=30)
        assert r.rc != 0 and not r.timed_out and time.monotonic() - t0 < 15
        assert b"never" not in r.stdout and b"WRONG-PASSWORD-RAN" not in r.stdout


def test_a_timeout_behind_a_sudo_password_still_kills(spec: HostSpec, sudo_with_password: str) -> None:
    with SshTransport(dataclasses.replace(spec, become=True, become_password=sudo_with_password)) as t:
        r = t.run("sleep 317 & sleep 317", timeout_s=1.0)
        assert r.timed_out
        assert t.run("pgrep -f 'sleep 31[7]' || echo none").stdout == b"none\n"


def test_the_ssh_output_cap_stops_reading_and_kills(spec: HostSpec) -> None:
    from harness.transport.local import OUTPUT_CAP

    # before: everything was read (a 512 MiB os-release took 575 MiB in the worker), then cut
    with SshTransport(spec) as t:
        t0 = time.monotonic()
        r = t.run("yes xcert-cap-test")
        assert r.truncated and r.rc == -9 and len(r.stdout) == OUTPUT_CAP
        assert time.monotonic() - t0 < 30
        assert t.run("pgrep -f 'yes xcert-cap-tes[t]' || echo none").stdout == b"none\n"


# ---------------------------------------------------------------------------------------------- routes


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _vault(value: str, password_file: Path) -> str:
    """``value`` as Ansible Vault encrypts it (the inventory's ``!vault |`` text)."""
    proc = subprocess.run(
        [
            str(Path(sys.executable).parent / "ansible-vault"),
            "encrypt_string",
            "--vault-password-file",
            str(password_file),
            "--encrypt-vault-id",
            "default",
            value,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return proc.stdout.split("!vault |", 1)[1]


def _forms(secret: str) -> list[bytes]:
    return [
        secret.encode(),
        json.dumps(secret)[1:-1].encode(),
        json.dumps(secret, ensure_ascii=False)[1:-1].encode(),
        shlex.quote(secret).encode(),
    ]


def _leaks(root: Path, planted: dict[str, str]) -> list[str]:
    found = []
    for path in [root, *sorted(root.rglob("*"))] if root.is_dir() else [root]:
        if not path.is_file():
            continue
        data = path.read_bytes()
        for route, secret in planted.items():
            if any(form in data for form in _forms(secret)):
                found.append(f"{path}: {route}")
    return found


def test_a_planted_password_appears_nowhere(
    lab: Lab, spec: HostSpec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert lab.inventory is not None
    token = secrets.token_hex(4)
    planted = {
        "inventory ansible_password": f'ssh"pw\\{token}-a',
        "vault ansible_become_password": f'vault"pw\\{token}-b',
        "db password_env": f'db"pw\\{token}-c',
    }
    vault_file = tmp_path / "vault-pass"
    planted["vault password"] = f"vault-file-{token}"
    vault_file.write_text(planted["vault password"] + "\n", encoding="utf-8")
    # the become password also shows in the host's own data: its os-release
    os_release = f"NAME='Kylin Linux'\nID=kylin\nVERSION_ID=V10\nPRETTY_NAME='Kylin {planted['vault ansible_become_password']}'\n"
    _root(spec, f"rm -f /etc/os-release && printf %s {shlex.quote(os_release)} > /etc/os-release")

    lab_inv = yaml.safe_load(lab.inventory.read_text(encoding="utf-8"))
    lab_vars = lab_inv["all"]["children"]["xcert_lab"]["hosts"]["lab1"]
    lab_vars["ansible_become_password"] = "VAULTED-VALUE"
    # a working directory whose parent is missing: the readiness command leaves it to ansible-runner
    lab_vars["xc_workdir"] = str(tmp_path / "missing-parent" / "work")
    lab_vars["xc_db_targets"] = [
        {
            "name": "pg",
            "family": "postgresql",
            "host": "127.0.0.1",
            "port": _closed_port(),
            "user": "xc",
            "password_env": "XC_PLANTED_DB_PASSWORD",
        }
    ]
    text = yaml.safe_dump(
        {
            "all": {
                "children": {
                    "xcert_lab": {"hosts": {"lab1": lab_vars}},
                    "here": {
                        "hosts": {
                            "me": {
                                "ansible_connection": "local",
                                "ansible_password": planted["inventory ansible_password"],
                            }
                        }
                    },
                }
            }
        },
        sort_keys=False,
    )
    vaulted = _vault(planted["vault ansible_become_password"], vault_file)
    block = "".join("\n" + " " * 14 + line.strip() for line in vaulted.strip().splitlines())
    assert text.count("VAULTED-VALUE") == 1
    text = text.replace("VAULTED-VALUE", "!vault |" + block)
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(text, encoding="utf-8")
    monkeypatch.setenv("XC_PLANTED_DB_PASSWORD", planted["db password_env"])
    loaded = {h.name: h for h in load_inventory([inventory], None, vault_password_file=vault_file)}
    assert loaded["lab1"].become_password == planted["vault ansible_become_password"]

    run = tmp_path / "run"
    env = {**lab.env, "XC_PLANTED_DB_PASSWORD": planted["db password_env"]}
    proc = xcert(
        "certify",
        "-i",
        str(inventory),
        "--vault-password-file",
        str(vault_file),
        "--out",
        str(run),
        "--format",
        "json,junit,html",
        env=env,
        timeout=900,
    )
    assert proc.returncode in (0, 1, 2), proc.stderr
    res = json.loads((run / "results.json").read_text(encoding="utf-8"))
    assert {h["name"] for h in res["hosts"]} == {"lab1", "me"}
    # the routes were really taken: provisioned over ansible-runner, the facts read the planted os-release
    assert (run / "provision" / "lab1" / "artifacts" / "prepare" / "job_events").is_dir()
    lab1 = next(h for h in res["hosts"] if h["name"] == "lab1")
    assert lab1["reachable"], lab1
    assert "********" in (run / "journal" / "lab1.jsonl").read_text(encoding="utf-8")

    key = tmp_path / "key"
    assert xcert("keygen", "--out", str(key)).returncode == 0
    bundles = [tmp_path / "plain.tar", tmp_path / "redacted.tar"]
    for out, extra in zip(bundles, ([], ["--redact"]), strict=True):
        made = xcert("bundle", str(run), "--key", str(key), "--out", str(out), *extra)
        assert made.returncode == 0, made.stderr
    output = tmp_path / "output.txt"
    output.write_text(proc.stdout + proc.stderr, encoding="utf-8")
    leaks = _leaks(run, planted) + [leak for b in [*bundles, output] for leak in _leaks(b, planted)]
    assert leaks == []
