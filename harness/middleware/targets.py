"""Application servers declared per host (``xc_middleware_targets``): validated once into plain mappings.

A declaration says where a server lives and what it is meant to expose::

    xc_middleware: tomcat
    xc_middleware_targets:
      - name: web1                 # a label, [A-Za-z0-9_.-]{1,40}
        product: tomcat            # a middleware catalog id (tongweb, bes, apusic, inforsuite, tomcat)
        home: /usr/share/tomcat10  # install directory (absolute)
        base: /var/lib/tomcat10    # instance directory, if not the home (absolute)
        http_port: 8080
        https_port: 8443
        admin_port: 8005           # the admin console / management port
        unit: tomcat10.service     # the service unit that starts it
        start: systemctl start tomcat10   # how it is started (recorded, never run)
        logs: /var/log/tomcat10    # its log directory (default: <base>/logs)
        databases: [postgresql]    # names of xc_db_targets whose JDBC driver must be in its libraries

The inventory loader calls :func:`parse_targets`; the result travels inside ``HostSpec``.
Nothing here ever reaches a shell unquoted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from harness.errors import InputError, Location

PRODUCTS = ("tongweb", "bes", "apusic", "inforsuite", "tomcat")
PORT_KEYS = ("http_port", "https_port", "admin_port")
PATH_KEYS = ("home", "base", "logs")
KEYS = ("name", "product", *PATH_KEYS, *PORT_KEYS, "unit", "start", "databases")
MAX_TARGETS = 8
_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
_UNIT = re.compile(r"^[A-Za-z0-9_.@:-]{1,80}$")
_PATH = re.compile(r"^/[^\0\n]{0,400}$")


def _where(source: str, host: str, index: int, key: str = "") -> Location:
    suffix = f".{key}" if key else ""
    return Location(source, key=f"{host}.xc_middleware_targets[{index}]{suffix}")


class _Bad(Exception):
    """A value of one key of a target is wrong: the key and why (turned into an InputError by ``_one``)."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key, self.message = key, message


def _given(value: Any) -> bool:
    return value not in (None, "")


def _product(raw: Mapping[Any, Any]) -> str:
    product = str(raw.get("product") or "").strip().lower()
    if product not in PRODUCTS:
        raise _Bad("product", f"product must be one of {', '.join(PRODUCTS)}")
    return product


def _name(raw: Mapping[Any, Any], product: str) -> str:
    name = str(raw.get("name") or product)
    if not _NAME.match(name):
        raise _Bad("name", "name must be 1-40 of A-Z a-z 0-9 _ . -")
    return name


def _paths(raw: Mapping[Any, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key in PATH_KEYS:
        value = raw.get(key)
        if not _given(value):
            continue
        if not isinstance(value, str) or not _PATH.match(value) or "/../" in f"{value}/":
            raise _Bad(key, "must be an absolute path without '..'")
        out[key] = value.rstrip("/") or "/"
    if "home" not in out:
        raise _Bad("home", "home (the install directory) is required")
    return out


def _ports(raw: Mapping[Any, Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for key in PORT_KEYS:
        value = raw.get(key)
        if not _given(value):
            continue
        if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
            raise _Bad(key, "port must be a number")
        port = int(value)
        if not 0 < port < 65536:
            raise _Bad(key, f"port {port} out of range")
        out[key] = port
    return out


def _service(raw: Mapping[Any, Any]) -> dict[str, str]:
    """The unit (``.service`` when no type is given) and the start command, as recorded."""
    out: dict[str, str] = {}
    if _given(raw.get("unit")):
        unit = str(raw["unit"])
        if not _UNIT.match(unit):
            raise _Bad("unit", "unit must be a systemd unit name")
        out["unit"] = unit if "." in unit else f"{unit}.service"
    if _given(raw.get("start")):
        out["start"] = str(raw["start"])[:400]
    return out


def _databases(raw: Mapping[Any, Any]) -> list[str]:
    dbs = raw.get("databases") or []
    if isinstance(dbs, str):
        dbs = [dbs]
    if not isinstance(dbs, list) or not all(isinstance(d, str) and _NAME.match(d) for d in dbs) or len(dbs) > 16:
        raise _Bad("databases", "databases must be a list of xc_db_targets names")
    return list(dbs)


def _one(raw: Any, host: str, index: int, source: str) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise InputError(_where(source, host, index), "each middleware target must be a mapping")
    unknown = sorted(str(k) for k in raw if k not in KEYS)
    if unknown:
        raise InputError(_where(source, host, index, unknown[0]), f"unknown key (known: {', '.join(KEYS)})")
    try:
        product = _product(raw)
        out: dict[str, Any] = {"product": product, "name": _name(raw, product)}
        out |= _paths(raw)
        out |= _ports(raw)
        out |= _service(raw)
        out["databases"] = _databases(raw)
    except _Bad as bad:
        raise InputError(_where(source, host, index, bad.key), bad.message) from None
    return out


def parse_targets(raw: Any, host: str, source: str) -> tuple[dict[str, Any], ...]:
    """``xc_middleware_targets`` -> validated mappings; a bad value is an InputError naming the key.

    >>> parse_targets([{"product": "tomcat", "home": "/usr/share/tomcat10", "http_port": 8080}], "h", "inv.yml")
    ({'product': 'tomcat', 'name': 'tomcat', 'home': '/usr/share/tomcat10', 'http_port': 8080, 'databases': []},)
    """
    if raw in (None, ""):
        return ()
    if isinstance(raw, Mapping):
        raw = [raw]
    if not isinstance(raw, list):
        raise InputError(Location(source, key=f"{host}.xc_middleware_targets"), "must be a list of mappings")
    if len(raw) > MAX_TARGETS:
        raise InputError(Location(source, key=f"{host}.xc_middleware_targets"), f"at most {MAX_TARGETS} targets")
    targets = tuple(_one(item, host, i, source) for i, item in enumerate(raw))
    names = [t["name"] for t in targets]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise InputError(_where(source, host, i, "name"), f"name {name!r} is used twice")
    return targets


def base_of(target: Mapping[str, Any]) -> str:
    return str(target.get("base") or target["home"])


def logs_of(target: Mapping[str, Any]) -> str:
    return str(target.get("logs") or f"{base_of(target)}/logs")
