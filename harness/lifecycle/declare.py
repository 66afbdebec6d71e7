"""``xc_services`` and ``xc_ports`` from an inventory: validated once (a JSON Schema), then plain mappings.

A service is declared by a systemd ``unit`` or by its own ``start``/``stop``/``status`` commands
(shell commands the operator writes, run on the target as an Ansible ``shell`` task would: an
inventory is configuration the operator trusts). ``ports`` join the host's port matrix; ``probe``
says how to tell the service answers (a TCP port on the target, or a command exiting 0).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

from harness.errors import InputError, Location
from harness.lifecycle.derive import combine

DEFAULT_RECOVER_S = 60.0
#: openEuler ISV technical certification: the service comes back after kill -9, ten times
DEFAULT_KILLS = 10


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    text = resources.files("harness.lifecycle").joinpath("services.schema.json").read_text(encoding="utf-8")
    return Draft202012Validator(json.loads(text))


def _plain(value: Any) -> Any:
    """Ansible's own str/list/dict subclasses (AnsibleUnicode, ...) as plain JSON values."""
    return json.loads(json.dumps(value, default=str))


def port_key(port: int | str) -> str:
    """``5432`` -> ``5432/tcp``; ``"161/udp"`` stays."""
    text = str(port)
    return text if "/" in text else f"{text}/tcp"


def parse_services(
    raw: Any, host: str, source: str, derived: Sequence[Mapping[str, Any]] = ()
) -> tuple[Mapping[str, Any], ...]:
    """``xc_services`` validated, combined with the services ``derived`` from the host's database and
    middleware targets (harness.lifecycle.derive: an explicit entry of a target's name wins key by key)."""
    if raw in (None, "", []):
        return combine((), derived)
    data = _plain(raw)
    error = next(iter(sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))), None)
    if error is not None:
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        raise InputError(Location(source, key=f"{host}.xc_services{path}"), error.message[:200])
    names: set[str] = set()
    targets = {str(d["name"]) for d in derived}
    databases = {str(d["name"]) for d in derived if "sql" in (d.get("probe") or {})}
    for index, service in enumerate(data):
        where = Location(source, key=f"{host}.xc_services[{index}]")
        if service["name"] in names:
            raise InputError(where, f"service {service['name']!r} is declared twice")
        names.add(service["name"])
        _check_one(service, where, service["name"] in targets, databases)
    return combine(data, derived)


def _check_one(service: Mapping[str, Any], where: Location, of_target: bool, databases: set[str]) -> None:
    commands = {"start", "stop", "status"} & set(service)
    if "unit" in service and commands:
        raise InputError(where, "declare either a systemd unit or start/stop/status commands, not both")
    if commands and commands != {"start", "stop", "status"}:
        raise InputError(where, "a service needs all of start, stop and status (declared together)")
    # a target's service takes what it does not declare from the target (harness.lifecycle.derive)
    if not of_target and "unit" not in service and not commands:
        raise InputError(where, "a service needs a systemd unit, or all of start, stop and status")
    if not of_target and "probe" not in service and not service.get("ports"):
        raise InputError(where, "a service needs a probe or at least one port to tell that it answers")
    sql = (service.get("probe") or {}).get("sql")
    if sql is not None and sql not in databases:
        raise InputError(where, f"probe sql: {sql!r} is not one of this host's xc_db_targets")


def parse_ports(raw: Any, host: str, source: str) -> tuple[str, ...]:
    if raw in (None, "", []):
        return ()
    data = _plain(raw)
    schema_port = {"$ref": "#/$defs/port"}
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator({"type": "array", "maxItems": 500, "items": schema_port, "$defs": _defs()})
    error = next(iter(validator.iter_errors(data)), None)
    if error is not None:
        path = "".join(f"[{p}]" for p in error.absolute_path)
        raise InputError(Location(source, key=f"{host}.xc_ports{path}"), "a port is 1-65535, optionally /tcp or /udp")
    for index, port in enumerate(data):
        if not 1 <= int(str(port).split("/")[0]) <= 65535:
            raise InputError(Location(source, key=f"{host}.xc_ports[{index}]"), "a port is 1-65535")
    return tuple(port_key(p) for p in data)


def _defs() -> dict[str, Any]:
    schema: dict[str, Any] = _validator().schema
    return dict(schema["$defs"])
