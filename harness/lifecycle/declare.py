"""``xc_services`` and ``xc_ports`` from an inventory: validated once (a JSON Schema), then plain mappings.

A service is declared by a systemd ``unit`` or by its own ``start``/``stop``/``status`` commands
(shell commands the operator writes, run on the target as an Ansible ``shell`` task would: an
inventory is configuration the operator trusts). ``ports`` join the host's port matrix; ``probe``
says how to tell the service answers (a TCP port on the target, or a command exiting 0).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from harness.errors import InputError, Location

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


def parse_services(raw: Any, host: str, source: str) -> tuple[Mapping[str, Any], ...]:
    if raw in (None, "", []):
        return ()
    data = _plain(raw)
    error = next(iter(sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))), None)
    if error is not None:
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        raise InputError(Location(source, key=f"{host}.xc_services{path}"), error.message[:200])
    names: set[str] = set()
    for index, service in enumerate(data):
        where = Location(source, key=f"{host}.xc_services[{index}]")
        if service["name"] in names:
            raise InputError(where, f"service {service['name']!r} is declared twice")
        names.add(service["name"])
        if "unit" in service and ({"start", "stop", "status"} & set(service)):
            raise InputError(where, "declare either a systemd unit or start/stop/status commands, not both")
        if "unit" not in service and not {"start", "stop", "status"} <= set(service):
            raise InputError(where, "a service needs a systemd unit, or all of start, stop and status")
        if "probe" not in service and not service.get("ports"):
            raise InputError(where, "a service needs a probe or at least one port to tell that it answers")
    return tuple(data)


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
