"""Ansible inventories read through ansible-core: YAML and INI, group_vars/host_vars, vault, bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from harness.errors import InputError
from harness.inventory import _ssh_options, load_inventory

VAULT_PASSWORD = "correct horse"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _vault_string(tmp_path: Path, name: str, secret: str) -> str:
    pw = _write(tmp_path / "vault-pw", VAULT_PASSWORD + "\n")
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-vault"), "encrypt_string", "--vault-password-file", str(pw),
         secret, "--name", name],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return proc.stdout


def test_ini_with_group_vars_and_host_vars(tmp_path: Path) -> None:
    inv = _write(
        tmp_path / "hosts.ini",
        "[db]\ndb1 ansible_host=10.0.0.5\n\n[app]\napp1 ansible_host=10.0.0.6 ansible_port=2222\n",
    )
    _write(tmp_path / "group_vars" / "db.yml", "xc_db: dameng-dm8\nansible_user: certifier\n")
    _write(tmp_path / "host_vars" / "app1.yml", "xc_os: kylin-server-v10\nansible_become: yes\n")
    hosts = {h.name: h for h in load_inventory([inv])}
    assert hosts["db1"].declared == {"db": "dameng-dm8"} and hosts["db1"].user == "certifier"
    assert hosts["app1"].port == 2222 and hosts["app1"].become and hosts["app1"].declared == {"os": "kylin-server-v10"}
    assert hosts["app1"].connection == "ssh" and hosts["app1"].address == "10.0.0.6"


def test_repeated_inventories_are_merged(tmp_path: Path) -> None:
    a = _write(tmp_path / "a.yml", "all:\n  hosts:\n    h1:\n      ansible_host: 10.0.0.1\n")
    b = _write(tmp_path / "b.yml", "all:\n  hosts:\n    h2:\n      ansible_host: 10.0.0.2\n")
    assert sorted(h.name for h in load_inventory([a, b])) == ["h1", "h2"]


def test_ssh_arguments_give_known_hosts_jump_and_timeout(tmp_path: Path) -> None:
    inv = _write(
        tmp_path / "inv.yml",
        "all:\n  hosts:\n    h1:\n      ansible_host: 10.0.0.1\n"
        "      ansible_ssh_common_args: '-o UserKnownHostsFile=kh -o ConnectTimeout=3 -J jump@10.0.0.9:2200'\n"
        "      ansible_ssh_timeout: 4\n",
    )
    (spec,) = load_inventory([inv])
    assert spec.known_hosts == str(tmp_path / "kh")  # relative to the inventory
    # Ansible's own -o ConnectTimeout (ansible_ssh_timeout) comes before the inventory's: ssh keeps the first
    assert spec.jump == "jump@10.0.0.9:2200" and spec.connect_timeout == 4.0
    assert "password" not in spec.public()


def test_ssh_options_parser() -> None:
    assert _ssh_options("-oStrictHostKeyChecking=yes -F /etc/x -o ProxyJump=j") == {
        "stricthostkeychecking": "yes",
        "configfile": "/etc/x",
        "proxyjump": "j",
    }


def test_vault_secret_is_decrypted_and_kept_out_of_public(tmp_path: Path) -> None:
    inv = _write(tmp_path / "inv.yml", "lab:\n  hosts:\n    h1:\n      ansible_host: 10.0.0.1\n")
    _write(tmp_path / "group_vars" / "lab.yml", _vault_string(tmp_path, "ansible_become_password", "s3cret!"))
    (spec,) = load_inventory([inv], vault_password_file=tmp_path / "vault-pw")
    assert spec.become_password == "s3cret!" and "s3cret!" in spec.secrets
    assert "s3cret!" not in repr(spec) and "s3cret!" not in str(spec.public())


def test_vault_password_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inv = _write(tmp_path / "inv.yml", "lab:\n  hosts:\n    h1:\n      ansible_host: 10.0.0.1\n")
    _write(tmp_path / "group_vars" / "lab.yml", _vault_string(tmp_path, "ansible_password", "pw1"))
    monkeypatch.setenv("ANSIBLE_VAULT_PASSWORD_FILE", str(tmp_path / "vault-pw"))
    (spec,) = load_inventory([inv])
    assert spec.password == "pw1"


def test_vault_without_its_password_names_file_line_and_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANSIBLE_VAULT_PASSWORD_FILE", raising=False)
    inv = _write(tmp_path / "inv.yml", "lab:\n  hosts:\n    h1:\n      ansible_host: 10.0.0.1\n")
    gv = _write(tmp_path / "group_vars" / "lab.yml", _vault_string(tmp_path, "ansible_become_password", "x"))
    with pytest.raises(InputError) as err:
        load_inventory([inv])
    assert str(err.value).startswith(f"{gv}:1: h1.ansible_become_password: ")
    assert "vault password" in str(err.value)


def test_wrong_vault_password_is_bad_input(tmp_path: Path) -> None:
    inv = _write(tmp_path / "inv.yml", "lab:\n  hosts:\n    h1:\n      ansible_host: 10.0.0.1\n")
    _write(tmp_path / "group_vars" / "lab.yml", _vault_string(tmp_path, "ansible_password", "x"))
    wrong = _write(tmp_path / "wrong-pw", "nope\n")
    with pytest.raises(InputError) as err:
        load_inventory([inv], vault_password_file=wrong)
    assert "h1.ansible_password" in str(err.value)


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    inv = _write(tmp_path / "bad.yml", "all:\n  hosts:\n    h1:\n      ansible_host: [10.0.0.1\n")
    with pytest.raises(InputError) as err:
        load_inventory([inv])
    assert err.value.location.file == str(inv) and err.value.location.line is not None


def test_ini_syntax_error_names_the_file(tmp_path: Path) -> None:
    inv = _write(tmp_path / "bad.ini", "[db\nh1\n")
    with pytest.raises(InputError) as err:
        load_inventory([inv])
    assert str(inv) in str(err.value)


def test_undefined_group_in_limit(tmp_path: Path) -> None:
    inv = _write(tmp_path / "inv.yml", "all:\n  hosts:\n    h1:\n      ansible_host: 10.0.0.1\n")
    with pytest.raises(InputError) as err:
        load_inventory([inv], "nosuchgroup")
    assert str(inv) in str(err.value) and "--limit" in str(err.value) and "nosuchgroup" in str(err.value)


def test_host_without_address_names_its_line(tmp_path: Path) -> None:
    inv = _write(
        tmp_path / "inv.yml", "all:\n  hosts:\n    ok:\n      ansible_host: 10.0.0.1\n    bare:\n      ansible_host:\n"
    )
    with pytest.raises(InputError) as err:
        load_inventory([inv])
    assert str(err.value) == f"{inv}:5: bare.ansible_host: host has no address"


def test_bad_input_from_the_cli_is_exit_3_one_line(tmp_path: Path) -> None:
    from tests.conftest import xcert

    inv = _write(tmp_path / "inv.yml", "all:\n  hosts:\n    bare:\n      ansible_host: ''\n")
    proc = xcert("certify", "-i", str(inv), "--out", str(tmp_path / "run"))
    assert proc.returncode == 3
    assert (
        proc.stderr.strip().count("\n") == 0 and "bare.ansible_host" in proc.stderr and "Traceback" not in proc.stderr
    )
