"""ansible-core's routing table (ansible_builtin_runtime.yml) is parsed once per content, never answered stale,
and resolving an inventory with the memo gives exactly what ansible-core gives without it.

The real ansible-core parser and the real metadata file are used; a counter around the parser shows when it ran.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness import inventory_runtime

RUNTIME = "ansible/config/ansible_builtin_runtime.yml"


@pytest.fixture
def parser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Callable[[Any, Any], Any], list[int], bytes]:
    """The memoized ansible-core parser (a fresh cache folder), its call counter, and the real runtime.yml."""
    from ansible.utils.collection_loader import _collection_meta

    monkeypatch.setenv("XCERT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv(inventory_runtime.SWITCH, raising=False)
    calls: list[int] = []

    def counted(data: Any, content_id: Any) -> Any:
        calls.append(1)
        return _collection_meta._meta_yml_to_dict(data, content_id)

    data = (Path(_collection_meta.__file__).parents[2] / "config" / "ansible_builtin_runtime.yml").read_bytes()
    return inventory_runtime.memoized(counted, "2.19-test"), calls, data


def _entries() -> list[Path]:
    folder = inventory_runtime.cache_dir()
    return sorted(folder.iterdir()) if folder.is_dir() else []


def test_parsed_once_per_content_and_equal_to_ansible_cores_own(parser: Any) -> None:
    from ansible.utils.collection_loader._collection_meta import _meta_yml_to_dict

    memo, calls, data = parser
    first = memo(data, ("ansible.builtin", "runtime.yml"))
    again = memo(data, ("ansible.builtin", "runtime.yml"))
    assert calls == [1]  # the second answer came from the kept entry
    assert first == again == _meta_yml_to_dict(data, None)
    assert "plugin_routing" in again
    (entry,) = _entries()
    assert entry.stat().st_mode & 0o777 == 0o600


def test_other_bytes_are_parsed_again(parser: Any) -> None:
    memo, calls, data = parser
    memo(data, None)
    changed = data.replace(b"plugin_routing:", b"plugin_routing:\n  xcert_probe: {}", 1)
    assert "xcert_probe" in memo(changed, None)["plugin_routing"]
    assert memo(data, None).get("plugin_routing", {}).get("xcert_probe") is None
    assert calls == [1, 1]
    assert len(_entries()) == 2


def test_another_ansible_core_version_is_parsed_again(parser: Any, tmp_path: Path) -> None:
    from ansible.utils.collection_loader._collection_meta import _meta_yml_to_dict

    memo, calls, data = parser
    memo(data, None)
    inventory_runtime.memoized(lambda d, c: (calls.append(1), _meta_yml_to_dict(d, c))[1], "2.20-test")(data, None)
    assert calls == [1, 1]


def test_a_tampered_entry_is_not_used(parser: Any) -> None:
    memo, calls, data = parser
    memo(data, None)
    (entry,) = _entries()
    entry.write_text(json.dumps({"plugin_routing": {"forged": {}}}), encoding="utf-8")
    os.chmod(entry, 0o666)  # writable by others: never read back
    assert "forged" not in memo(data, None).get("plugin_routing", {})
    assert calls == [1, 1]


def test_an_entry_that_is_not_json_is_parsed_again(parser: Any) -> None:
    memo, calls, data = parser
    memo(data, None)
    (entry,) = _entries()
    entry.write_bytes(b"{not json")
    assert "plugin_routing" in memo(data, None)
    assert calls == [1, 1]


def test_a_result_json_cannot_carry_is_not_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XCERT_CACHE_DIR", str(tmp_path / "cache"))
    memo = inventory_runtime.memoized(lambda d, c: {"plugin_routing": ("a", "tuple")}, "x")
    assert memo(b"plugin_routing: [a, tuple]\n", None) == {"plugin_routing": ("a", "tuple")}
    assert _entries() == []


def test_switched_off_nothing_is_kept(parser: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    memo, calls, data = parser
    monkeypatch.setenv(inventory_runtime.SWITCH, "off")
    memo(data, None)
    memo(data, None)
    assert calls == [1, 1]
    assert _entries() == []


RESOLVE = """
import json, sys
from dataclasses import asdict
from harness.inventory import load_inventory
specs = load_inventory([sys.argv[1]], None)
from ansible.utils.collection_loader import _collection_finder
print(json.dumps({"specs": [asdict(s) for s in specs], "invoke": "invoke" in sys.modules,
                  "paramiko": "paramiko" in sys.modules,
                  "memo": getattr(_collection_finder._meta_yml_to_dict, "_xcert_memo", False)}, default=str))
"""

INVENTORY = """all:
  children:
    web:
      hosts:
        web1: {ansible_host: 10.213.0.50, ansible_user: alice, ansible_become: true, xc_lab: true}
        web2: {ansible_host: 10.213.0.51, ansible_port: 2222, ansible_connection: paramiko}
      vars:
        ansible_ssh_common_args: -o UserKnownHostsFile=/dev/null
    local:
      hosts:
        localhost: {ansible_connection: local}
"""


def _resolve(inv: Path, cache: Path, **env: str) -> dict[str, Any]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "XCERT_"))}
    environ.update({"XCERT_CACHE_DIR": str(cache), "XCERT_INVENTORY_CACHE": "off", **env})
    done = subprocess.run(
        [sys.executable, "-c", RESOLVE, str(inv)], env=environ, capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(done.stdout.splitlines()[-1])  # type: ignore[no-any-return]


def test_resolution_with_the_memo_is_ansible_cores_own(tmp_path: Path) -> None:
    """A whole resolution (fresh processes): memo off, memo filling, memo used: the same host specs;
    and ansible-core's import of paramiko no longer drags invoke in."""
    inv = tmp_path / "hosts.yml"
    inv.write_text(INVENTORY, encoding="utf-8")
    cache = tmp_path / "cache"
    off = _resolve(inv, cache, XCERT_ANSIBLE_META_CACHE="off")
    assert not off["memo"] and not (cache / "ansible-meta").exists()
    filling = _resolve(inv, cache)
    assert filling["memo"] and len(list((cache / "ansible-meta").iterdir())) == 1
    used = _resolve(inv, cache)
    assert off["specs"] == filling["specs"] == used["specs"]
    names = {s["name"]: s for s in used["specs"]}
    assert names["web2"]["port"] == 2222 and names["web1"]["become"] is True
    assert names["localhost"]["connection"] == "local"
    assert used["paramiko"] and not used["invoke"]
