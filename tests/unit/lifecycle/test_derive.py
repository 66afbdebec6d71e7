"""Database targets and middleware are services by default; an explicit xc_services entry of their name wins."""

from __future__ import annotations

from typing import Any

import pytest

from harness.errors import InputError
from harness.lifecycle.declare import parse_services
from harness.lifecycle.derive import derived_services

PG = {"name": "pg", "family": "postgresql", "host": "10.0.0.1", "port": 5432, "user": "u", "password": "s"}
TUNNEL = {**PG, "name": "pgt", "tunnel": True}
TOMCAT = {
    "name": "web",
    "product": "tomcat",
    "home": "/usr/share/tomcat10",
    "http_port": 8080,
    "admin_port": 8005,
    "unit": "tomcat10.service",
}
CMDS = {"start": "a", "stop": "b", "status": "c"}


def _services(raw: Any = None, dbs: Any = (PG,), mws: Any = (TOMCAT,)) -> dict[str, dict[str, Any]]:
    return {s["name"]: dict(s) for s in parse_services(raw, "h", "inv.yml", derived=derived_services(dbs, mws))}


def test_each_target_becomes_a_service() -> None:
    got = _services()
    assert got["pg"] == {"name": "pg", "probe": {"sql": "pg"}, "derived": "xc_db_targets[0]", "ports": [5432]}
    assert got["web"] == {
        "name": "web",
        "derived": "xc_middleware_targets[0]",
        "ports": [8080, 8005],
        "probe": {"http": 8080},
        "unit": "tomcat10.service",
    }
    assert "password" not in str(got)  # nothing of the target's secrets is in the service


def test_a_tunnelled_database_adds_no_port_to_the_matrix() -> None:
    got = _services(dbs=(TUNNEL,), mws=())["pgt"]
    assert got["ports"] == [5432] and got["matrix"] is False  # its main process is still found by its port


def test_the_explicit_entry_wins_key_by_key() -> None:
    got = _services([{"name": "web", **CMDS, "recover_s": 5}, {"name": "pg", "ports": [6432], "unit": "pg.service"}])
    # commands replace the target's unit as a whole; what the entry does not give stays derived
    assert got["web"]["start"] == "a" and "unit" not in got["web"] and got["web"]["probe"] == {"http": 8080}
    assert got["web"]["recover_s"] == 5
    assert got["pg"]["ports"] == [6432] and got["pg"]["unit"] == "pg.service" and got["pg"]["probe"] == {"sql": "pg"}


def test_other_explicit_services_stay_their_own() -> None:
    got = _services([{"name": "app", "unit": "app.service", "ports": [9000]}])
    assert list(got) == ["pg", "web", "app"]


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ([{"name": "pg", "start": "a"}], "all of start, stop and status"),
        ([{"name": "web", "unit": "x.service", **CMDS}], "not both"),
        ([{"name": "app", **CMDS, "probe": {"sql": "nope"}}], "not one of this host's xc_db_targets"),
        ([{"name": "app", "unit": "a.service"}], "a probe or at least one port"),
    ],
)
def test_bad_explicit_entries_are_bad_input(raw: Any, words: str) -> None:
    with pytest.raises(InputError) as info:
        _services(raw)
    assert "h.xc_services[0]" in str(info.value) and words in str(info.value)


def test_a_sql_probe_may_name_a_target() -> None:
    assert _services([{"name": "app", **CMDS, "probe": {"sql": "pg"}}])["app"]["probe"] == {"sql": "pg"}
