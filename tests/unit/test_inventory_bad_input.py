"""Bad declarations are bad input: exit 3, one line naming file, host and key, with a did-you-mean.

Also the trust model's enforcement (``--inventory-data-only``) and the alias fan-out bound, each
through the real command line.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import xcert


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _one_line_exit_3(*args: str) -> str:
    proc = xcert(*args)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1, proc.stderr
    return proc.stderr.strip()


def proc_ok(proc: subprocess.CompletedProcess[str]) -> bool:
    return proc.returncode == 0


def _host(tmp: Path, extra: str, name: str = "inv.yml") -> Path:
    return _write(tmp / name, f"all:\n  hosts:\n    h1:\n      ansible_host: 127.0.0.1\n{extra}")


def test_unknown_xc_key_is_named_with_the_nearest(tmp_path: Path) -> None:
    inv = _host(tmp_path, "      xc_oss: kylin-server-v10\n")
    assert (
        _one_line_exit_3("identify", "-i", str(inv))
        == f"xcert: {inv}:5: h1.xc_oss: unknown xcert key (did you mean 'xc_os'?)"
    )


def test_unknown_xc_key_in_ini(tmp_path: Path) -> None:
    inv = _write(tmp_path / "hosts.ini", "[db]\nh1 ansible_host=127.0.0.1 xc_db_target=x\n")
    out = _one_line_exit_3("certify", "-i", str(inv), "--out", str(tmp_path / "run"))
    assert out == f"xcert: {inv}:2: h1.xc_db_target: unknown xcert key (did you mean 'xc_db_targets'?)"
    assert not (tmp_path / "run").exists()


def test_misspelt_catalog_id_is_not_an_incompatibility(tmp_path: Path) -> None:
    inv = _host(tmp_path, "      xc_os: kylinn-server-v10\n")
    out = _one_line_exit_3("certify", "-i", str(inv), "--out", str(tmp_path / "run"))
    assert out == (
        f"xcert: {inv}:5: h1.xc_os: 'kylinn-server-v10' is not in the catalog (os: an id, name or alias)"
        " (did you mean 'kylin-server-v10'?)"
    )


def test_catalog_names_and_aliases_are_accepted(tmp_path: Path) -> None:
    from harness.inventory import load_inventory

    inv = _host(tmp_path, "      xc_cpu: Kunpeng\n      xc_os: Kylin Server V10 SP2\n      xc_middleware: TongWeb\n")
    (spec,) = load_inventory([inv])
    assert spec.declared == {"cpu": "Kunpeng", "os": "Kylin Server V10 SP2", "middleware": "TongWeb"}


def test_malformed_db_targets(tmp_path: Path) -> None:
    inv = _host(tmp_path, "      xc_db_targets: {family: postgresql}\n")
    assert (
        _one_line_exit_3("identify", "-i", str(inv))
        == f"xcert: {inv}: h1.xc_db_targets: must be a list of database targets"
    )


def test_vaulted_db_password_without_the_vault_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANSIBLE_VAULT_PASSWORD_FILE", raising=False)
    pw = _write(tmp_path / "vault-pw", "correct horse\n")
    cipher = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-vault"), "encrypt_string", "--vault-password-file", str(pw), "dbpw"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    body = "\n".join("            " + line for line in cipher.splitlines()[1:])
    inv = _host(tmp_path, f"      xc_db_targets:\n        - family: postgresql\n          user: u\n"
                          f"          password: !vault |\n{body}\n")  # fmt: skip
    out = _one_line_exit_3("certify", "-i", str(inv), "--out", str(tmp_path / "run"))
    assert out == (
        f"xcert: {inv}:8: h1.xc_db_targets[0].password: cannot decrypt a vault-encrypted value: no vault password, "
        "or the wrong one (use --vault-password-file or ANSIBLE_VAULT_PASSWORD_FILE)"
    )
    from harness.inventory import load_inventory

    (spec,) = load_inventory([inv], vault_password_file=pw)
    assert spec.db_targets[0]["password"] == "dbpw"


@pytest.mark.parametrize("text", ["", "all:\n  hosts: {}\n", "[db]\n"])
def test_an_inventory_without_hosts(tmp_path: Path, text: str) -> None:
    inv = _write(tmp_path / "empty.yml" if "[" not in text else tmp_path / "empty.ini", text)
    out = _one_line_exit_3("certify", "-i", str(inv), "--out", str(tmp_path / "run"))
    assert out == f"xcert: {inv}: the inventory has no hosts"


def test_a_limit_that_matches_nothing(tmp_path: Path) -> None:
    inv = _host(tmp_path, "")
    out = _one_line_exit_3("certify", "-i", str(inv), "--limit", "hh1", "--out", str(tmp_path / "run"))
    assert out == f"xcert: {inv}: --limit: no host matches 'hh1' (did you mean 'h1'?)"


def test_an_unsupported_become_method(tmp_path: Path) -> None:
    inv = _host(tmp_path, "      ansible_become: true\n      ansible_become_method: su\n")
    out = _one_line_exit_3("identify", "-i", str(inv))
    assert out == (
        f"xcert: {inv}:6: h1.ansible_become_method: become method 'su' is not supported by xcert's transport (use sudo)"
    )


def test_an_undefined_variable_in_a_template(tmp_path: Path) -> None:
    inv = _host(tmp_path, "      ansible_user: '{{ no_such_var }}'\n")
    out = _one_line_exit_3("identify", "-i", str(inv))
    assert out.startswith(f"xcert: {inv}:5: h1.ansible_user: ") and "no_such_var" in out


# ---------------------------------------------------------------- --inventory-data-only


def test_data_only_refuses_an_inventory_script(tmp_path: Path) -> None:
    script = _write(tmp_path / "inv.py", "#!/bin/sh\necho '{}'\n")
    script.chmod(0o755)
    out = _one_line_exit_3("certify", "--inventory-data-only", "-i", str(script), "--out", str(tmp_path / "r"))
    assert out == f"xcert: {script}: an inventory script runs code on this machine; refused (--inventory-data-only)"


def test_data_only_refuses_a_plugin(tmp_path: Path) -> None:
    inv = _host(tmp_path, "", "01-hosts.yml")
    _write(tmp_path / "02-constructed.yml", "plugin: ansible.builtin.constructed\ncompose:\n  x: lookup('pipe','id')\n")
    out = _one_line_exit_3("certify", "--inventory-data-only", "-i", str(inv.parent), "--out", str(tmp_path / "r"))
    assert out == (
        f"xcert: {tmp_path / '02-constructed.yml'}: plugin: an inventory plugin runs code on this machine; "
        "refused (--inventory-data-only)"
    )


def test_data_only_refuses_a_template(tmp_path: Path) -> None:
    inv = _host(tmp_path, "      ansible_user: \"{{ lookup('pipe', 'touch /tmp/owned') }}\"\n")
    out = _one_line_exit_3("certify", "--inventory-data-only", "-i", str(inv), "--out", str(tmp_path / "r"))
    assert (
        out == f"xcert: {inv}:5: h1.ansible_user: a template runs code on this machine; refused (--inventory-data-only)"
    )


def test_data_only_refuses_a_template_inside_db_targets(tmp_path: Path) -> None:
    inv = _host(
        tmp_path, "      xc_db_targets:\n        - {family: postgresql, user: \"{{ lookup('env', 'HOME') }}\"}\n"
    )
    out = _one_line_exit_3("identify", "--inventory-data-only", "-i", str(inv))
    assert "h1.xc_db_targets[0].user: a template runs code on this machine" in out


def test_data_only_refuses_proxy_command(tmp_path: Path) -> None:
    inv = _host(tmp_path, "      ansible_ssh_common_args: '-o ProxyCommand=\"nc %h %p\"'\n")
    out = _one_line_exit_3("certify", "--inventory-data-only", "-i", str(inv), "--out", str(tmp_path / "r"))
    assert out == (
        f"xcert: {inv}:5: h1.ansible_ssh_common_args: a ProxyCommand runs a command on this machine; "
        "refused (--inventory-data-only)"
    )


def test_data_only_accepts_plain_data(tmp_path: Path) -> None:
    from harness.inventory import load_inventory

    inv = _host(tmp_path, "      ansible_user: certifier\n      xc_os: kylin-server-v10\n")
    _write(tmp_path / "group_vars" / "all.yml", "ansible_port: 2222\n")
    (spec,) = load_inventory([inv], data_only=True)
    assert (spec.user, spec.port, spec.declared) == ("certifier", 2222, {"os": "kylin-server-v10"})


def test_values_from_xc_keys_are_never_templated(tmp_path: Path) -> None:
    from harness.inventory import load_inventory
    from harness.provision.resolved import write

    marker = tmp_path / "owned"
    inv = _host(tmp_path, f"      xc_workdir: \"{{{{ lookup('pipe', 'touch {marker}') }}}}\"\n")
    (spec,) = load_inventory([inv])
    assert spec.provision_vars["xc_workdir"].startswith("{{ lookup(")
    prov = write(spec, tmp_path / "prov.yml")
    assert "xc_workdir: !unsafe" in prov.read_text(encoding="utf-8") and not marker.exists()
    # Ansible itself, reading the provisioning inventory and templating the variable, keeps it literal
    shown = subprocess.run(
        [str(Path(sys.executable).parent / "ansible"), "all", "-i", str(prov), "-c", "local", "-m",
         "ansible.builtin.debug", "-a", "var=xc_workdir"],
        capture_output=True, text=True, timeout=120, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert proc_ok(shown) and "lookup('pipe', 'touch" in shown.stdout, shown.stdout + shown.stderr
    assert not marker.exists()


# ---------------------------------------------------------------- alias fan-out


def test_an_alias_bomb_is_refused_before_ansible_reads_it(tmp_path: Path) -> None:
    levels = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        levels.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    bomb = "\n".join(f"      {line}" for line in levels)
    inv = _write(tmp_path / "bomb.yml", f"all:\n  hosts:\n    h1:\n      ansible_host: 127.0.0.1\n      v:\n{bomb}\n")
    assert inv.stat().st_size < 1200
    t0 = time.monotonic()
    out = _one_line_exit_3("identify", "-i", str(inv))
    assert time.monotonic() - t0 < 30
    assert out.startswith(f"xcert: {inv}:") and out.endswith(
        ": YAML aliases expand this file by more than 100000 nodes; refused (an alias bomb?)"
    )


def test_an_alias_bomb_in_group_vars(tmp_path: Path) -> None:
    inv = _host(tmp_path, "")
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"] + [
        f"{n}: &{n} [{', '.join(['*' + p] * 10)}]" for p, n in zip("abcdef", "bcdefg", strict=True)
    ]
    gv = _write(tmp_path / "group_vars" / "all.yml", "\n".join(lines) + "\n")
    out = _one_line_exit_3("identify", "-i", str(inv))
    assert out.startswith(f"xcert: {gv}:")


def test_ordinary_anchors_are_fine(tmp_path: Path) -> None:
    from harness.inventory import load_inventory

    inv = _write(
        tmp_path / "inv.yml",
        "all:\n  vars:\n    common: &common {ansible_port: 2200}\n  hosts:\n"
        "    h1: {ansible_host: 127.0.0.1, opts: *common}\n    h2: {ansible_host: 127.0.0.2, opts: *common}\n",
    )
    assert len(load_inventory([inv])) == 2


def test_a_port_that_is_not_a_number_names_its_variable(tmp_path: Path) -> None:
    inv = _write(tmp_path / "inv.ini", "[web]\nweb1 ansible_host=127.0.0.1 ansible_ssh_port=http\n")
    out = _one_line_exit_3("identify", "-i", str(inv))
    assert out.startswith(f"xcert: {inv}:2: web1.ansible_ssh_port: ") and "'http'" in out


@pytest.mark.parametrize(
    ("args", "what"),
    [
        ("-F ./their_ssh_config", "ssh option -F (a config file or library) runs code"),
        ("-o LocalCommand=id -o PermitLocalCommand=yes", "ssh option localcommand runs code"),
        ("-oKnownHostsCommand=/bin/id", "ssh option knownhostscommand runs code"),
        ("-o 'ProxyCommand nc %h %p'", "a ProxyCommand runs a command"),
    ],
)
def test_data_only_refuses_ssh_options_that_run_code(tmp_path: Path, args: str, what: str) -> None:
    inv = _write(tmp_path / "inv.ini", f"[h]\nh1 ansible_host=127.0.0.1\n\n[h:vars]\nansible_ssh_extra_args='{args}'\n")
    out = _one_line_exit_3("identify", "--inventory-data-only", "-i", str(inv))
    assert out.startswith(f"xcert: {inv}") and f"h1.ansible_ssh_extra_args: {what} on this machine" in out


def test_ansible_warnings_do_not_break_the_one_line(tmp_path: Path) -> None:
    # a group name Ansible warns about ('-'), then a typo: the error is still the only line
    inv = _write(tmp_path / "inv.ini", "[k8s-master]\ncv01 ansible_host=127.0.0.1 xc_oss=x\n")
    out = _one_line_exit_3("identify", "-i", str(inv))
    assert out == f"xcert: {inv}:2: cv01.xc_oss: unknown xcert key (did you mean 'xc_os'?)"
