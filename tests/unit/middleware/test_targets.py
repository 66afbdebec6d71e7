"""xc_middleware_targets: a good declaration is kept, every bad one is one error naming the key."""

from __future__ import annotations

from typing import Any

import pytest

from harness.errors import InputError
from harness.middleware.targets import base_of, logs_of, parse_targets

GOOD = {
    "product": "tomcat",
    "home": "/usr/share/tomcat10",
    "base": "/var/lib/tomcat10",
    "http_port": 8080,
    "https_port": "8443",
    "unit": "tomcat10",
    "databases": "pg",
}


def test_a_good_declaration_is_normalised() -> None:
    (t,) = parse_targets(GOOD, "h1", "inv.yml")
    assert (
        t["name"] == "tomcat"
        and t["https_port"] == 8443
        and t["unit"] == "tomcat10.service"
        and t["databases"] == ["pg"]
    )
    assert base_of(t) == "/var/lib/tomcat10" and logs_of(t) == "/var/lib/tomcat10/logs"


def test_nothing_declared_is_no_target() -> None:
    assert parse_targets(None, "h1", "inv.yml") == ()


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        ({"product": "websphere"}, "product", "product must be one of"),
        ({"home": "relative/dir"}, "home", "absolute path"),
        ({"home": "/opt/../etc"}, "home", "absolute path"),
        ({"http_port": 70000}, "http_port", "out of range"),
        ({"http_port": "80; rm -rf /"}, "http_port", "must be a number"),
        ({"http_port": True}, "http_port", "must be a number"),
        ({"unit": "tomcat; reboot"}, "unit", "systemd unit name"),
        ({"name": "a b"}, "name", "name must be"),
        ({"databases": [{"x": 1}]}, "databases", "xc_db_targets names"),
        ({"colour": "red"}, "colour", "unknown key"),
    ],
)
def test_a_bad_value_names_its_key(change: dict[str, Any], key: str, words: str) -> None:
    with pytest.raises(InputError) as err:
        parse_targets([{**GOOD, **change}], "h1", "inv.yml")
    assert f"h1.xc_middleware_targets[0].{key}" in str(err.value)
    assert words in str(err.value)


def test_home_is_required_and_names_are_unique() -> None:
    with pytest.raises(InputError, match=r"\[0\]\.home"):
        parse_targets([{"product": "bes"}], "h1", "inv.yml")
    with pytest.raises(InputError, match=r"\[1\]\.name.*used twice"):
        parse_targets([GOOD, GOOD], "h1", "inv.yml")


def test_the_inventory_loader_carries_them(tmp_path: Any) -> None:
    from harness.inventory import load_inventory

    inv = tmp_path / "inv.yml"
    inv.write_text(
        "all:\n  hosts:\n    h1:\n      ansible_connection: local\n      xc_middleware_targets:\n"
        "        - {product: bes, home: /opt/bes, http_port: 8080}\n",
        encoding="utf-8",
    )
    (spec,) = load_inventory([inv])
    assert spec.mw_targets[0]["product"] == "bes"
    assert spec.public()["mw_targets"][0]["http_port"] == 8080
    inv.write_text(inv.read_text().replace("8080", "0"), encoding="utf-8")
    with pytest.raises(InputError, match=r"h1\.xc_middleware_targets"):
        load_inventory([inv])
