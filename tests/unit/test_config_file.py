"""xcert.toml / [tool.xcert] defaults, ansible.cfg's inventory without -i, ad-hoc ``-t ssh://`` targets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.config_file import load_config
from harness.errors import InputError
from harness.inventory import load_inventory


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _xcert(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "XCERT_CONFIG"))}
    return subprocess.run(
        [sys.executable, "-m", "harness", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600,
        check=False,
    )  # fmt: skip


def test_xcert_toml_values_relative_to_the_file(tmp_path: Path) -> None:
    _write(
        tmp_path / "xcert.toml",
        'inventories = ["inv/hosts.yml", "h9,"]\nprofile = "full"\nforks = 3\nlanguages = ["en", "zh"]\n'
        'formats = ["json"]\nwaivers = "w.yml"\n',
    )
    config = load_config(tmp_path)
    assert config.get("inventories") == [str(tmp_path / "inv" / "hosts.yml"), "h9,"]
    assert (config.get("profile"), config.get("forks"), config.get("formats")) == ("full", 3, ["json"])
    assert config.get("waivers") == str(tmp_path / "w.yml")


def test_pyproject_tool_xcert(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n\n[tool.xcert]\nprofile = "quick"\nforks = 2\n')
    assert load_config(tmp_path).get("forks") == 2
    _write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')
    assert load_config(tmp_path).values == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('profil = "full"\n', "xcert.toml:1: profil: unknown key (did you mean 'profile'?)"),
        ('forks = "many"\n', "xcert.toml:1: forks: must be a number of hosts checked at once"),
        ("forks = 0\n", "xcert.toml:1: forks: must be at least 1"),
        ('languages = "en"\n', "xcert.toml:1: languages: must be a list of report languages"),
        ('profile = "full"\nforks = = 2\n', "xcert.toml:2: not valid TOML"),
    ],
)
def test_bad_config_is_bad_input_naming_file_line_and_key(tmp_path: Path, text: str, message: str) -> None:
    _write(tmp_path / "xcert.toml", text)
    with pytest.raises(InputError) as err:
        load_config(tmp_path)
    assert str(err.value).replace(str(tmp_path) + "/", "").startswith(message)


def test_bad_config_from_the_cli_is_exit_3_one_line(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", '[tool.xcert]\nprofiles = "full"\n')
    proc = _xcert(tmp_path, "certify", "--out", str(tmp_path / "run"))
    assert proc.returncode == 3
    assert (
        proc.stderr
        == f"xcert: {tmp_path / 'pyproject.toml'}:2: tool.xcert.profiles: unknown key (did you mean 'profile'?)\n"
    )


def test_certify_takes_its_defaults_from_xcert_toml_and_the_command_line_wins(tmp_path: Path) -> None:
    inv = _write(tmp_path / "inv.yml", "all:\n  hosts:\n    me:\n      ansible_connection: local\n")
    _write(tmp_path / "xcert.toml", f'inventories = ["{inv.name}"]\nprofile = "full"\nformats = ["json"]\n')
    proc = _xcert(tmp_path, "certify", "--out", str(tmp_path / "run"), "--no-provision")
    assert proc.returncode in (0, 1, 2), proc.stderr[-2000:]
    run = json.loads((tmp_path / "run" / "run.json").read_text(encoding="utf-8"))
    assert run["profile"] == "full" and [h["name"] for h in run["hosts"]] == ["me"]
    assert sorted(p.name for p in (tmp_path / "run").iterdir() if p.suffix in (".html", ".xml")) == []
    again = _xcert(tmp_path, "certify", "--out", str(tmp_path / "run2"), "--profile", "quick", "--format", "json,junit")
    assert again.returncode in (0, 1, 2), again.stderr[-2000:]
    run2 = json.loads((tmp_path / "run2" / "run.json").read_text(encoding="utf-8"))
    assert run2["profile"] == "quick" and (tmp_path / "run2" / "junit.xml").is_file()


def test_ansible_cfg_inventory_when_no_i_is_given(tmp_path: Path) -> None:
    _write(tmp_path / "ansible.cfg", "[defaults]\ninventory = ./hosts.ini\n")
    _write(tmp_path / "hosts.ini", "[db]\ndb1 ansible_host=127.0.0.1 ansible_port=2299\n")
    proc = _xcert(tmp_path, "identify", "--json")
    # the host of ansible.cfg's inventory (a closed loopback port), not this machine
    assert proc.returncode == 2, proc.stderr
    assert json.loads(proc.stdout) == {
        "host": "db1",
        "unreachable": {"reason": "refused", "detail": "127.0.0.1:2299: Connection refused"},
    }


def test_ssh_target_urls(tmp_path: Path) -> None:
    hosts = load_inventory(["ssh://certifier@127.0.0.1:2222", "ssh://[::1]", "local://"])
    by = {h.name: h for h in hosts}
    assert (by["127.0.0.1"].user, by["127.0.0.1"].port, by["127.0.0.1"].address) == ("certifier", 2222, "127.0.0.1")
    assert by["::1"].port == 22 and by["localhost"].connection == "local"
    assert by["127.0.0.1"].source == "ssh://certifier@127.0.0.1:2222"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ssh://u:secret@127.0.0.1", "ssh://u:secret@127.0.0.1: --target: a password in the URL is refused"),
        ("ssh://127.0.0.1:99999", "ssh://127.0.0.1:99999: --target: not a target URL"),
        ("ssh://127.0.0.1/path", "ssh://127.0.0.1/path: --target: only ssh://[user@]host[:port] is understood"),
    ],
)
def test_bad_target_urls(url: str, message: str) -> None:
    with pytest.raises(InputError) as err:
        load_inventory([url])
    assert str(err.value).startswith(message)


def test_a_target_on_the_command_line_is_recorded_for_resume(tmp_path: Path) -> None:
    proc = _xcert(tmp_path, "certify", "-t", "local://", "--out", str(tmp_path / "run"), "--format", "json")
    assert proc.returncode in (0, 1, 2), proc.stderr[-2000:]
    run = json.loads((tmp_path / "run" / "run.json").read_text(encoding="utf-8"))
    assert run["inventories"] == ["local://"] and [h["name"] for h in run["hosts"]] == ["localhost"]
