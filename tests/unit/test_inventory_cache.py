"""The resolved-inventory cache answers only from unchanged inputs: change any one of them and ansible-core
resolves again; where freshness cannot be proven (templating, vault, plugins, secrets...) nothing is kept.

ansible-core really resolves each time it is asked to (a spy counts the resolutions; nothing is mocked).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness import inventory, inventory_cache
from harness.errors import InputError

INVENTORY = """all:
  hosts:
    web1:
      ansible_host: 10.213.0.50
      ansible_user: alice
      xc_lab: true
    web2:
      ansible_host: 10.213.0.51
"""


@pytest.fixture
def lab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """An inventory in its own folder, a cache folder, a home, a working directory, and a resolution counter."""
    for name in list(os.environ):
        if name.startswith("ANSIBLE_") and name not in inventory_env():
            monkeypatch.delenv(name)
    monkeypatch.delenv(inventory_cache.SWITCH, raising=False)
    monkeypatch.setenv("XCERT_CACHE_DIR", str(tmp_path / "cache"))
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    inv_dir = tmp_path / "inv"
    inv_dir.mkdir()
    inv = inv_dir / "hosts.yml"
    inv.write_text(INVENTORY, encoding="utf-8")
    calls: list[int] = []
    real = inventory._load_hosts

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(inventory, "_load_hosts", counted)
    return {"inv": inv, "dir": inv_dir, "home": home, "work": work, "calls": calls, "tmp": tmp_path}


def inventory_env() -> set[str]:
    return {
        "ANSIBLE_INVENTORY_UNPARSED_FAILED",
        "ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED",
        "ANSIBLE_LOCALHOST_WARNING",
        "ANSIBLE_NOCOLOR",
        "ANSIBLE_HOST_PATTERN_MISMATCH",
        "ANSIBLE_DEPRECATION_WARNINGS",
    }


def _load(lab: dict[str, Any], limit: str | None = None, **kw: Any) -> list[inventory.HostSpec]:
    return inventory.load_inventory([str(lab["inv"])], limit, **kw)


def _rewrite(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_a_second_load_comes_from_the_cache_and_equals_the_first(lab: dict[str, Any]) -> None:
    first = _load(lab)
    second = _load(lab)
    assert len(lab["calls"]) == 1
    assert second == first
    assert [h.name for h in second] == ["web1", "web2"]
    entries = list((lab["tmp"] / "cache" / "inventory").glob("*.json"))
    assert len(entries) == 1
    assert entries[0].stat().st_mode & 0o777 == 0o600


CHANGES: dict[str, Callable[[dict[str, Any], pytest.MonkeyPatch], None]] = {
    "inventory file": lambda lab, mp: _rewrite(lab["inv"], INVENTORY.replace("alice", "bob")),
    "inventory file, same size and time": lambda lab, mp: _same_stat_rewrite(lab["inv"], "alice", "alicf"),
    "group_vars beside the inventory": lambda lab, mp: _rewrite(lab["dir"] / "group_vars" / "all.yml", "x: 1\n"),
    "host_vars beside the inventory": lambda lab, mp: _rewrite(lab["dir"] / "host_vars" / "web1.yml", "y: 2\n"),
    "group_vars in the working directory": lambda lab, mp: _rewrite(lab["work"] / "group_vars" / "all", "z: 3\n"),
    "nested group_vars file": lambda lab, mp: _rewrite(lab["dir"] / "group_vars" / "all" / "more.yml", "w: 4\n"),
    "ansible.cfg in the working directory": lambda lab, mp: _rewrite(
        lab["work"] / "ansible.cfg", "[defaults]\nremote_user = carol\n"
    ),
    "~/.ansible.cfg": lambda lab, mp: _rewrite(lab["home"] / ".ansible.cfg", "[defaults]\nremote_user = dave\n"),
    "ANSIBLE_CONFIG": lambda lab, mp: _other_config(lab, mp),
    "an ANSIBLE_ variable": lambda lab, mp: mp.setenv("ANSIBLE_REMOTE_PORT", "2200"),
    "an XCERT_ variable": lambda lab, mp: mp.setenv("XCERT_SOMETHING", "1"),
    "HOME": lambda lab, mp: mp.setenv("HOME", str(lab["tmp"])),
    "USER": lambda lab, mp: mp.setenv("USER", "someone-else"),
    "the working directory": lambda lab, mp: mp.chdir(lab["tmp"]),
    "xcert's own code": lambda lab, mp: _touch_code(lab, mp),
}


def _other_config(lab: dict[str, Any], mp: pytest.MonkeyPatch) -> None:
    _rewrite(lab["tmp"] / "other.cfg", "[defaults]\nremote_user = erin\n")
    mp.setenv("ANSIBLE_CONFIG", str(lab["tmp"] / "other.cfg"))


def _same_stat_rewrite(path: Path, old: str, new: str) -> None:
    st = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # content hashed, not size and time


def _touch_code(lab: dict[str, Any], mp: pytest.MonkeyPatch) -> None:
    # a stand-in copy of the package folder, so the real checkout is not touched
    code = lab["tmp"] / "code"
    code.mkdir(exist_ok=True)
    (code / "mod.py").write_text("x = 1\n", encoding="utf-8")
    mp.setattr(inventory_cache, "_HARNESS", code)


@pytest.mark.parametrize("change", list(CHANGES))
def test_changing_any_input_resolves_again(lab: dict[str, Any], monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    if change == "xcert's own code":
        _touch_code(lab, monkeypatch)  # the stand-in exists before the first load
    _load(lab)
    _load(lab)
    assert len(lab["calls"]) == 1
    CHANGES[change](lab, monkeypatch)
    if change == "xcert's own code":
        later = time.time_ns() + 10_000_000
        os.utime(lab["tmp"] / "code" / "mod.py", ns=(later, later))
    _load(lab)
    assert len(lab["calls"]) == 2, f"{change}: answered from the cache"
    _load(lab)
    assert len(lab["calls"]) == 2  # and the new inputs are cached in turn


def test_a_changed_group_var_is_seen_at_once(lab: dict[str, Any]) -> None:
    _rewrite(lab["dir"] / "group_vars" / "all.yml", "ansible_port: 2201\n")
    assert {h.port for h in _load(lab)} == {2201}
    _rewrite(lab["dir"] / "group_vars" / "all.yml", "ansible_port: 2202\n")
    assert {h.port for h in _load(lab)} == {2202}
    _rewrite(lab["dir"] / "group_vars" / "all.yml", "ansible_port: 2201\n")
    assert {h.port for h in _load(lab)} == {2201}  # the older entry, valid again for these inputs
    assert len(lab["calls"]) == 2


def test_options_are_part_of_the_key(lab: dict[str, Any]) -> None:
    _load(lab)
    assert [h.name for h in _load(lab, "web2")] == ["web2"]
    _load(lab, data_only=True)
    assert {h.accept_new_host_keys for h in _load(lab, accept_new_host_keys=True)} == {True}
    assert len(lab["calls"]) == 4


NEVER: dict[str, Callable[[dict[str, Any], pytest.MonkeyPatch], None]] = {
    "a template": lambda lab, mp: _rewrite(lab["inv"], INVENTORY.replace("alice", "\"{{ lookup('env', 'U') }}\"")),
    "a template in group_vars": lambda lab, mp: _rewrite(
        lab["dir"] / "group_vars" / "all.yml", "ansible_user: \"{{ 'x' }}\"\n"
    ),
    "a variable expansion": lambda lab, mp: _rewrite(
        lab["inv"], INVENTORY.replace("alice", "alice\n      ansible_ssh_private_key_file: $KEYS/id")
    ),
    "vault data": lambda lab, mp: _rewrite(
        lab["dir"] / "group_vars" / "all.yml", "secret: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  3031\n"
    ),
    "a password": lambda lab, mp: _rewrite(lab["inv"], INVENTORY.replace("alice", "alice\n      ansible_password: pw")),
    "an inventory plugin": lambda lab, mp: _rewrite(
        lab["inv"], "plugin: ansible.builtin.constructed\nstrict: false\n" + INVENTORY
    ),
    "a templated ANSIBLE_ variable": lambda lab, mp: mp.setenv("ANSIBLE_REMOTE_USER", "{{ lookup('env', 'U') }}"),
    "vars plugins enabled": lambda lab, mp: mp.setenv("ANSIBLE_VARS_ENABLED", "host_group_vars"),
    "plugins in ansible.cfg": lambda lab, mp: _rewrite(
        lab["work"] / "ansible.cfg", "[defaults]\nvars_plugins = /somewhere\n"
    ),
    "plugins installed for the user": lambda lab, mp: _rewrite(
        lab["home"] / ".ansible" / "plugins" / "vars" / "mine.py", "# a vars plugin\n"
    ),
    "the cache turned off": lambda lab, mp: mp.setenv(inventory_cache.SWITCH, "off"),
}


@pytest.mark.parametrize("case", list(NEVER))
def test_never_cached_where_freshness_cannot_be_proven(
    lab: dict[str, Any], monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    NEVER[case](lab, monkeypatch)
    monkeypatch.setenv("U", "frank")
    for _ in range(2):
        with contextlib.suppress(InputError):  # an inventory ansible-core refuses is refused each time
            _load(lab)
    assert len(lab["calls"]) == 2, f"{case}: answered from the cache"
    assert not list((lab["tmp"] / "cache" / "inventory").glob("*.json"))


def test_scripts_folders_and_vault_files_are_not_cached(lab: dict[str, Any], tmp_path: Path) -> None:
    key = inventory_cache.key_for
    with pytest.raises(inventory_cache.NotCacheable):
        key([str(lab["dir"])], None, {}, None)  # a folder of inventories
    script = tmp_path / "inv.sh"
    script.write_text("#!/bin/sh\necho '{}'\n", encoding="ascii")
    script.chmod(0o755)
    with pytest.raises(inventory_cache.NotCacheable):
        key([str(script)], None, {}, None)
    with pytest.raises(inventory_cache.NotCacheable):
        key([str(lab["inv"])], None, {}, tmp_path / "vault-pass")
    with pytest.raises(inventory_cache.NotCacheable):
        key([], None, {}, None)  # ansible.cfg's own inventory
    with pytest.raises(inventory_cache.NotCacheable):
        key(["ssh://root@10.213.0.9"], None, {}, None)


def test_a_failed_resolution_is_never_cached(lab: dict[str, Any]) -> None:
    _rewrite(lab["inv"], INVENTORY.replace("10.213.0.50", "10.213.0.50\n      ansible_port: 70000"))
    for _ in range(2):
        with pytest.raises(InputError, match="out of range"):
            _load(lab)
    assert len(lab["calls"]) == 2


def test_an_entry_that_is_not_safely_ours_is_ignored(lab: dict[str, Any]) -> None:
    _load(lab)
    (entry,) = (lab["tmp"] / "cache" / "inventory").glob("*.json")
    entry.chmod(0o666)  # writable by others: not trusted
    _load(lab)
    assert len(lab["calls"]) == 2
    (entry,) = (lab["tmp"] / "cache" / "inventory").glob("*.json")
    entry.write_text('{"format": 1, "key": "x", "specs": []}', encoding="utf-8")  # not the entry of this key
    assert [h.name for h in _load(lab)] == ["web1", "web2"]
    assert len(lab["calls"]) == 3
