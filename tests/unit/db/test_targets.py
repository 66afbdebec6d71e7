"""xc_db_targets validation: good declarations normalised, bad ones named by file and key (exit 3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.db.targets import DbTarget, parse_targets, public_targets
from harness.errors import InputError
from harness.inventory import load_inventory


def _one(raw: Any, env: dict[str, str] | None = None) -> dict[str, Any]:
    return parse_targets([raw], "db1", "10.0.0.5", "inv.yml", environ=env or {})[0]


def test_defaults_per_family() -> None:
    pg = _one({"family": "postgresql", "user": "app"})
    assert (pg["name"], pg["host"], pg["port"], pg["tunnel"], pg["password"]) == (
        "postgresql",
        "10.0.0.5",
        5432,
        False,
        None,
    )
    assert _one({"family": "mysql", "user": "u"})["port"] == 3306
    assert _one({"family": "dameng", "user": "SYSDBA"})["port"] == 5236
    assert DbTarget.from_mapping(_one({"family": "dameng", "user": "SYSDBA"})).driver_name == "dmPython"


def test_password_from_environment() -> None:
    got = _one({"family": "mysql", "user": "u", "password_env": "DB_PW"}, {"DB_PW": "s3cret!"})
    assert got["password"] == "s3cret!"
    assert "password" not in public_targets([got])[0]


@pytest.mark.parametrize(
    ("raw", "key", "message"),
    [
        ({"family": "oracle", "user": "u"}, "db1.xc_db_targets[0].family", "must be one of postgresql, mysql, dameng"),
        ({"family": "mysql"}, "db1.xc_db_targets[0].user", "a user is required"),
        ({"family": "mysql", "user": "u", "port": "x"}, "db1.xc_db_targets[0].port", "port must be a number"),
        ({"family": "mysql", "user": "u", "port": 70000}, "db1.xc_db_targets[0].port", "port 70000 out of range"),
        ({"family": "mysql", "user": "u", "pasword": "x"}, "db1.xc_db_targets[0].pasword", "unknown key"),
        (
            {"family": "mysql", "user": "u", "password_env": "NOPE"},
            "db1.xc_db_targets[0].password_env",
            "environment variable NOPE is not set",
        ),
        ({"family": "mysql", "user": "u", "tps_min": "fast"}, "db1.xc_db_targets[0].tps_min", "must be a number"),
        ({"family": "mysql", "user": "u", "driver": "ksycopg2"}, "db1.xc_db_targets[0].driver", "does not speak mysql"),
        ({"family": "mysql", "user": "u", "tunnel": "maybe"}, "db1.xc_db_targets[0].tunnel", "is not true or false"),
    ],
)
def test_bad_declarations_name_the_key(raw: dict[str, Any], key: str, message: str) -> None:
    with pytest.raises(InputError) as err:
        _one(raw)
    assert err.value.location.key == key
    assert err.value.location.file == "inv.yml"
    assert message in err.value.detail


def test_not_a_list() -> None:
    with pytest.raises(InputError, match="must be a list"):
        parse_targets({"family": "mysql"}, "db1", "", "inv.yml")


def test_duplicate_names() -> None:
    twice = [{"family": "mysql", "user": "u", "name": "a"}, {"family": "mysql", "user": "u", "name": "a"}]
    with pytest.raises(InputError, match="used twice"):
        parse_targets(twice, "db1", "", "inv.yml")


def test_inventory_keeps_targets_and_their_passwords_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XC_TEST_DB_PW", "from-env-pw")
    inv = tmp_path / "inv.yml"
    inv.write_text(
        "all:\n  hosts:\n    db1:\n      ansible_connection: local\n      xc_db_targets:\n"
        "        - {name: pg, family: postgresql, port: 5433, user: app, password: inline-pw}\n"
        "        - {name: my, family: mysql, user: app, password_env: XC_TEST_DB_PW, tps_min: 100}\n",
        encoding="utf-8",
    )
    (spec,) = load_inventory([inv])
    assert [t["name"] for t in spec.db_targets] == ["pg", "my"]
    assert {"inline-pw", "from-env-pw"} <= set(spec.secrets)
    assert "inline-pw" not in repr(spec.public()) and "from-env-pw" not in repr(spec.public())
    assert spec.db_targets[1]["tps_min"] == 100.0


def test_inventory_bad_target_is_bad_input(tmp_path: Path) -> None:
    inv = tmp_path / "inv.yml"
    inv.write_text(
        "all:\n  hosts:\n    db1:\n      ansible_connection: local\n      xc_db_targets:\n        - {family: db2, user: x}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        load_inventory([inv])
    assert err.value.exit_code == 3
    assert str(inv) in str(err.value) and "xc_db_targets[0].family" in str(err.value)
