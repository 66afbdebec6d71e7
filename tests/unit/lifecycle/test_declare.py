"""xc_services and xc_ports: validated into plain mappings; a typo is one line naming host and key."""

from __future__ import annotations

from typing import Any

import pytest

from harness.errors import InputError
from harness.lifecycle.declare import parse_ports, parse_services
from harness.lifecycle.service import Service, operation
from harness.lifecycle.sockets import parse_ss

UNIT = {"name": "db", "unit": "dmserver.service", "ports": [5236]}
CMDS = {"name": "web", "start": "a", "stop": "b", "status": "c", "probe": {"tcp": 8080}}


def test_units_and_commands_are_both_accepted() -> None:
    assert parse_services([UNIT, CMDS], "h", "inv.yml") == (UNIT, CMDS)
    assert parse_services(None, "h", "inv.yml") == ()


@pytest.mark.parametrize(
    ("raw", "key", "words"),
    [
        ([{**UNIT, "recover": 5}], "h.xc_services[0]", "'recover' was unexpected"),
        ([{**UNIT, "ports": [70000]}], "h.xc_services[0].ports[0]", ""),
        ([{"name": "x", "start": "a"}], "h.xc_services[0]", "all of start, stop and status"),
        ([{**UNIT, "start": "a"}], "h.xc_services[0]", "not both"),
        ([{"name": "x", "unit": "u"}], "h.xc_services[0]", "a probe or at least one port"),
        ([UNIT, UNIT], "h.xc_services[1]", "declared twice"),
        ({"name": "x"}, "h.xc_services", "is not of type 'array'"),
    ],
)
def test_a_bad_declaration_names_host_and_key(raw: Any, key: str, words: str) -> None:
    with pytest.raises(InputError) as info:
        parse_services(raw, "h", "inv.yml")
    text = str(info.value)
    assert text.startswith("inv.yml") and key in text and words in text and "\n" not in text


def test_ports() -> None:
    assert parse_ports([22, "161/udp", "8080"], "h", "i") == ("22/tcp", "161/udp", "8080/tcp")
    for bad in ([0], ["22/sctp"], ["x"], [99999]):
        with pytest.raises(InputError, match=r"h\.xc_ports\[0\]"):
            parse_ports(bad, "h", "i")


def test_operations_come_from_the_unit_or_the_declaration() -> None:
    assert operation(Service(UNIT), "status") == "systemctl is-active --quiet dmserver.service"
    assert operation(Service(UNIT), "stop") == "systemctl stop dmserver.service"
    assert operation(Service(CMDS), "start") == "a"
    assert Service({"name": "n", "unit": "u", "ports": ["8443/tcp"]}).ports == [8443]


def test_listeners_from_ss() -> None:
    text = (
        'tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:(("sshd",pid=10,fd=3))\n'
        "tcp LISTEN 0 4096 [::]:5236 [::]:*\n"
        'tcp ESTAB 0 0 10.0.0.1:22 10.0.0.2:4000 users:(("sshd",pid=11,fd=4))\n'
        'udp UNCONN 0 0 127.0.0.1:323 0.0.0.0:* users:(("chronyd",pid=9,fd=5))\n'
        "tcp LISTEN 0 128 127.0.0.53%lo:53 0.0.0.0:*\n"
    )
    found = parse_ss(text)
    assert [(lst.key, lst.loopback, lst.process) for lst in found] == [
        ("22/tcp", False, "sshd"),
        ("5236/tcp", False, ""),
        ("323/udp", True, "chronyd"),
        ("53/tcp", True, ""),
    ]
    assert found[0].describe() == "0.0.0.0:22/tcp by sshd (pid 10)"
