"""Database targets declared per host (``xc_db_targets``): validated once into plain mappings.

The inventory loader calls :func:`parse_targets`; the result travels inside ``HostSpec`` (to the
worker, as JSON on stdin), so a target stays a plain mapping there and :class:`DbTarget` is
rebuilt from it where a check needs one. Passwords are resolved here, from the value itself
(Ansible Vault values arrive decrypted) or from the environment variable ``password_env`` names.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.errors import InputError, Location

FAMILIES = ("postgresql", "mysql", "dameng")
#: driver module per family, and the vendor drivers a target may ask for instead
DEFAULT_DRIVER = {"postgresql": "psycopg", "mysql": "pymysql", "dameng": "dmPython"}
DRIVERS_FOR = {
    "postgresql": ("psycopg", "ksycopg2"),
    "mysql": ("pymysql",),
    "dameng": ("dmPython",),
}
DEFAULT_PORT = {"postgresql": 5432, "mysql": 3306, "dameng": 5236}
KEYS = (
    "name",
    "family",
    "product",
    "host",
    "port",
    "database",
    "user",
    "password",
    "password_env",
    "tunnel",
    "tps_min",
    "driver",
    "compat_mode",
)
#: compatibility modes a target may declare (OceanBase: a tenant is MySQL or Oracle mode)
COMPAT_MODES = ("mysql", "oracle")
_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


@dataclass(frozen=True)
class DbTarget:
    """One database a host serves, as declared."""

    name: str
    family: str
    host: str
    port: int
    user: str
    database: str | None = None
    product: str | None = None
    tunnel: bool = False
    tps_min: float | None = None
    driver: str = ""
    compat_mode: str | None = None
    password: str | None = field(default=None, repr=False)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> DbTarget:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    @property
    def driver_name(self) -> str:
        return self.driver or DEFAULT_DRIVER[self.family]

    def public(self) -> dict[str, Any]:
        """What may be written down: everything but the password."""
        return {
            "name": self.name,
            "family": self.family,
            "product": self.product,
            "host": self.host,
            "port": self.port,
            "database": self.database,
            "user": self.user,
            "tunnel": self.tunnel,
            "tps_min": self.tps_min,
            "driver": self.driver_name,
            "compat_mode": self.compat_mode,
        }


def _bool(value: Any, where: Location) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "yes", "true", "on"}:
        return True
    if text in {"0", "no", "false", "off", ""}:
        return False
    raise InputError(where, f"{value!r} is not true or false")


class _Bad(Exception):
    """One key of a target is wrong: the key and why (``parse_targets`` names the file and the target)."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key, self.message = key, message


def _family(item: Mapping[str, Any]) -> str:
    family = str(item.get("family") or "").strip().lower()
    if family not in FAMILIES:
        raise _Bad("family", f"must be one of {', '.join(FAMILIES)}")
    return family


def _name(item: Mapping[str, Any], family: str, index: int, names: set[str]) -> str:
    name = str(item.get("name") or (family if index == 0 else f"{family}-{index}"))
    if not _NAME.match(name):
        raise _Bad("name", "use letters, digits, '.', '_' or '-' (40 at most)")
    if name in names:
        raise _Bad("name", f"target name {name!r} is used twice")
    return name


def _port(item: Mapping[str, Any], family: str) -> int:
    try:
        port = int(item.get("port") or DEFAULT_PORT[family])
    except (TypeError, ValueError):
        raise _Bad("port", "port must be a number") from None
    if not 0 < port < 65536:
        raise _Bad("port", f"port {port} out of range")
    return port


def _user(item: Mapping[str, Any]) -> str:
    user = str(item.get("user") or "").strip()
    if not user:
        raise _Bad("user", "a user is required")
    return user


def _password(item: Mapping[str, Any], env: Mapping[str, str]) -> str | None:
    """The password as given, else from the environment variable ``password_env`` names."""
    if item.get("password") not in (None, ""):
        return str(item["password"])
    if item.get("password_env"):
        var = str(item["password_env"])
        if var not in env:
            raise _Bad("password_env", f"environment variable {var} is not set")
        return env[var]
    return None


def _tps_min(item: Mapping[str, Any]) -> float | None:
    if item.get("tps_min") in (None, ""):
        return None
    try:
        tps_min = float(item["tps_min"])
    except (TypeError, ValueError):
        raise _Bad("tps_min", "must be a number") from None
    if tps_min < 0:
        raise _Bad("tps_min", "must not be negative")
    return tps_min


def _driver(item: Mapping[str, Any], family: str) -> str:
    driver = str(item.get("driver") or "")
    if driver and driver not in DRIVERS_FOR[family]:
        raise _Bad("driver", f"{driver!r} does not speak {family} (use {', '.join(DRIVERS_FOR[family])})")
    return driver


def _compat(item: Mapping[str, Any]) -> str | None:
    compat = str(item.get("compat_mode") or "").strip().lower() or None
    if compat is not None and compat not in COMPAT_MODES:
        raise _Bad("compat_mode", f"must be one of {', '.join(COMPAT_MODES)}")
    return compat


def _target(
    item: Mapping[str, Any], index: int, names: set[str], address: str, env: Mapping[str, str], base: str, source: str
) -> dict[str, Any]:
    """One target, its keys checked in the order they are documented."""
    family = _family(item)
    name = _name(item, family, index, names)
    port, user = _port(item, family), _user(item)
    password, tps_min = _password(item, env), _tps_min(item)
    driver, compat = _driver(item, family), _compat(item)
    return {
        "name": name,
        "family": family,
        "product": str(item["product"]).strip().lower() if item.get("product") else None,
        "host": str(item.get("host") or address or "127.0.0.1"),
        "port": port,
        "database": str(item["database"]) if item.get("database") else None,
        "user": user,
        "password": password,
        "tunnel": _bool(item.get("tunnel", False), Location(source, key=f"{base}.tunnel")),
        "tps_min": tps_min,
        "driver": driver,
        "compat_mode": compat,
    }


def parse_targets(
    raw: Any, host: str, address: str, source: str, environ: Mapping[str, str] | None = None
) -> tuple[dict[str, Any], ...]:
    """Validate ``xc_db_targets`` of one host; raises InputError naming the file and the key.

    >>> parse_targets([{"family": "postgresql", "user": "u"}], "db1", "10.0.0.5", "inv.yml")[0]["port"]
    5432
    """
    if raw in (None, "", []):
        return ()
    env = os.environ if environ is None else environ
    if not isinstance(raw, Sequence) or isinstance(raw, str | bytes):
        raise InputError(Location(source, key=f"{host}.xc_db_targets"), "must be a list of database targets")
    targets: list[dict[str, Any]] = []
    names: set[str] = set()
    for index, item in enumerate(raw):
        base = f"{host}.xc_db_targets[{index}]"
        if not isinstance(item, Mapping):
            raise InputError(Location(source, key=base), "must be a mapping (name, family, port, user, ...)")
        unknown = sorted(str(k) for k in item if k not in KEYS)
        if unknown:
            raise InputError(Location(source, key=f"{base}.{unknown[0]}"), f"unknown key (known: {', '.join(KEYS)})")
        try:
            target = _target(item, index, names, address, env, base, source)
        except _Bad as bad:
            raise InputError(Location(source, key=f"{base}.{bad.key}"), bad.message) from None
        names.add(target["name"])
        targets.append(target)
    return tuple(targets)


def target_secrets(targets: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    return tuple(str(t["password"]) for t in targets if t.get("password"))


def public_targets(targets: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [DbTarget.from_mapping(t).public() for t in targets]
