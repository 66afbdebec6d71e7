"""xc_role: the inventory's bundle roles reach run.json and the cross-host checks; a bad one is exit 3."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import InputError
from harness.inventory import load_inventory
from tests.conftest import ROOT

EXAMPLES = ROOT / "inventories" / "examples"


@pytest.mark.parametrize("source", ["bundle/hosts.yml", "bundle.ini"])
def test_the_example_bundle_inventory_declares_roles(source: str) -> None:
    hosts = {h.name: h for h in load_inventory([EXAMPLES / source])}
    assert {n: h.role for n, h in hosts.items()} == {"app1": "application", "app2": "application", "db1": "database"}
    assert hosts["db1"].public()["role"] == "database"


def test_a_bad_role_names_the_host_and_key(tmp_path: Path) -> None:
    inv = tmp_path / "hosts.yml"
    inv.write_text(
        "all:\n  hosts:\n    h1:\n      ansible_host: 127.0.0.1\n      xc_role: 'Data Base!'\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as err:
        load_inventory([inv])
    assert err.value.location.key == "h1.xc_role"
