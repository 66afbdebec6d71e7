"""What an inventory may declare under ``xc_*``: a typo is bad input, never a verdict.

An unknown ``xc_*`` key (``xc_oss``) would be ignored and turn every check it feeds into
``not_applicable``; a declared component the catalog does not know (``xc_os: kylinn-server-v10``)
would read as an incompatibility. Both are refused here, naming the file, the host and the key,
with the nearest known spelling.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from harness.errors import InputError, Location

#: the stack a host is declared to be (catalog ids, names or aliases) -> catalog layer
DECLARED_LAYERS = {"xc_cpu": "cpu", "xc_os": "os", "xc_db": "db", "xc_server": "server", "xc_middleware": "middleware"}
#: every xc_* host variable xcert reads; a new one is added here where it is read
KNOWN_KEYS = (
    *DECLARED_LAYERS,
    "xc_db_targets",  # harness.db.targets
    "xc_db_client",  # provisioning: install this database client
    "xc_snapshot",  # certify from a snapshot (xcert collect)
    "xc_lab",  # a lab host (xcert lab up)
    "xc_lab_arch",
    "xc_known_hosts",  # known_hosts file for this host
    "xc_jump_host",  # [user@]host[:port] to reach it through
    "xc_workdir",  # provisioning's working directory
    "xc_pipelining",  # provisioning: false for a host whose sudoers has requiretty
    "xc_role",  # the host's role in a bundle (bundle branch)
    "xc_middleware_targets",  # application servers to check (servermw branch)
    "xc_services",  # declared services (lifecycle, harness.lifecycle.declare)
    "xc_ports",  # declared listening ports (lifecycle)
)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the nearest choice, or nothing."""
    near = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {near[0]!r}?)" if near else ""


def check_keys(host: str, hostvars: Mapping[str, Any], where: Any) -> None:
    """Refuse an ``xc_*`` key xcert does not read. ``where(key)`` gives the Location of a key."""
    for key in sorted(k for k in hostvars if str(k).startswith("xc_")):
        if key not in KNOWN_KEYS:
            raise InputError(where(key), f"unknown xcert key{did_you_mean(key, KNOWN_KEYS)}")


def check_declared(host: str, declared: Mapping[str, str], where: Any) -> None:
    """Refuse a declared component the catalog does not know (by id, name or alias)."""
    from harness import catalog

    for key, layer in DECLARED_LAYERS.items():
        value = declared.get(key[3:])
        if value is None:
            continue
        if catalog.find(layer, value) is not None:
            continue
        ids = [e.id for e in catalog.load(layer)]
        names = {n: e.id for e in catalog.load(layer) for n in e.names()}
        hint = did_you_mean(value, ids)
        if not hint:
            near = difflib.get_close_matches(value.strip().lower(), list(names), n=1, cutoff=0.6)
            hint = f" (did you mean {names[near[0]]!r}?)" if near else ""
        raise InputError(where(key), f"{value!r} is not in the catalog ({layer}: an id, name or alias){hint}")


def location_for(source: str, host: str, hostvars: Mapping[str, Any]) -> Any:
    """A function giving the Location (file, line) of one of the host's variables."""
    from harness.inventory_resolve import _origin

    def where(key: str) -> Location:
        path, line = _origin(hostvars.get(key))
        if path is None:
            # a key's own position: ansible tags values, not keys; the value's is the key's line
            path, line = source, None
        return Location(path, line, f"{host}.{key}")

    return where


__all__ = ["DECLARED_LAYERS", "KNOWN_KEYS", "check_declared", "check_keys", "did_you_mean", "location_for"]
