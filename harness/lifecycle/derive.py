"""Database targets and middleware are services by default: each ``xc_db_targets`` and each
``xc_middleware_targets`` entry of a host becomes a declared lifecycle service (docs/LIFECYCLE.md).

Derived from a database target ``T``: ``name: T.name``, ``ports: [T.port]`` (a tunnelled target's port is the
host's loopback one and stays out of the port matrix: ``matrix: false``), ``probe: {sql: T.name}`` (a SQL round trip
through the db layer), ``derived: "xc_db_targets[i]"``. Its unit is found when the check runs (the systemd
unit of the process listening on the port); without one there are no start/stop commands to derive.

Derived from a middleware target ``M``: ``name: M.name``, ``unit: M.unit`` when it declares one,
``ports`` its HTTP, HTTPS and admin ports, ``probe: {http: M.http_port}`` (an HTTP request on the host,
else a TCP connection to its first port), ``derived: "xc_middleware_targets[i]"``.

An ``xc_services`` entry with the same name is the user's explicit declaration, and every key it gives
wins: a unit or any of start/stop/status replaces the derived control as a whole, ``ports``, ``probe``,
``workload`` ... each replace the derived key. An explicit entry of another name is a service of its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

CONTROL_KEYS = ("unit", "start", "stop", "status")
MW_PORT_KEYS = ("http_port", "https_port", "admin_port")


def from_db_target(index: int, target: Mapping[str, Any]) -> dict[str, Any]:
    service: dict[str, Any] = {
        "name": str(target["name"]),
        "probe": {"sql": str(target["name"])},
        "derived": f"xc_db_targets[{index}]",
    }
    if target.get("port"):
        service["ports"] = [int(target["port"])]
    if target.get("tunnel"):
        service["matrix"] = False  # its port is the host's loopback one: not a port of the host's matrix
    return service


def from_mw_target(index: int, target: Mapping[str, Any]) -> dict[str, Any]:
    ports = [int(target[k]) for k in MW_PORT_KEYS if target.get(k)]
    service: dict[str, Any] = {"name": str(target["name"]), "derived": f"xc_middleware_targets[{index}]"}
    if ports:
        service["ports"] = ports
    if target.get("http_port"):
        service["probe"] = {"http": int(target["http_port"])}
    elif ports:
        service["probe"] = {"tcp": ports[0]}
    if target.get("unit"):
        service["unit"] = str(target["unit"])
    return service


def derived_services(
    db_targets: Sequence[Mapping[str, Any]], mw_targets: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Every target as a service, in declaration order (databases first); a name used twice keeps the first."""
    found: dict[str, dict[str, Any]] = {}
    for index, db in enumerate(db_targets):
        found.setdefault(str(db["name"]), from_db_target(index, db))
    for index, mw in enumerate(mw_targets):
        found.setdefault(str(mw["name"]), from_mw_target(index, mw))
    return list(found.values())


def merge(explicit: Mapping[str, Any], derived: Mapping[str, Any]) -> dict[str, Any]:
    """The explicit declaration's keys over the derived ones (control keys as one group)."""
    out = {k: v for k, v in derived.items() if not (k in CONTROL_KEYS and set(CONTROL_KEYS) & set(explicit))}
    out.update(explicit)
    out["derived"] = derived["derived"]
    return out


def combine(explicit: Sequence[Mapping[str, Any]], derived: Sequence[Mapping[str, Any]]) -> tuple[dict[str, Any], ...]:
    """Derived services (merged with an explicit entry of their name) first, then the other explicit ones."""
    by_name = {str(e["name"]): e for e in explicit}
    out = [merge(by_name[d["name"]], d) if d["name"] in by_name else dict(d) for d in derived]
    taken = {d["name"] for d in derived}
    out += [dict(e) for e in explicit if e["name"] not in taken]
    return tuple(out)
