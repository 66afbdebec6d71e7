"""The worked example inventories parse, and say what their comments say."""

from __future__ import annotations

from pathlib import Path

from harness.inventory import load_inventory
from tests.conftest import ROOT

EXAMPLES = ROOT / "inventories" / "examples"


def test_bundle_yaml_with_group_and_host_vars() -> None:
    hosts = {h.name: h for h in load_inventory([EXAMPLES / "bundle" / "hosts.yml"])}
    assert sorted(hosts) == ["app1", "app2", "db1"]
    db1 = hosts["db1"]
    assert db1.declared == {"os": "kylin-server-v10-sp3", "cpu": "kunpeng-920", "db": "dameng-dm8"}
    assert db1.port == 2222 and db1.become and db1.user == "xcert"
    assert db1.jump == "xcert@192.0.2.10"
    assert db1.known_hosts == str(EXAMPLES / "bundle" / "known_hosts")
    assert hosts["app1"].declared["cpu"] == "phytium-s2500"


def test_bundle_ini_says_the_same() -> None:
    yaml_hosts = {h.name: h.declared for h in load_inventory([EXAMPLES / "bundle" / "hosts.yml"])}
    ini_hosts = {h.name: h.declared for h in load_inventory([EXAMPLES / "bundle.ini"])}
    assert ini_hosts == yaml_hosts


def test_closed_port_example() -> None:
    (host,) = load_inventory([Path(EXAMPLES / "closed-port.yml")])
    assert (host.address, host.port, host.connection) == ("127.0.0.1", 9, "ssh")
