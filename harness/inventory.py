"""Read Ansible inventories through ansible-core's own inventory code into frozen host specs.

ansible-core only warns about a source it cannot parse and goes on with an empty inventory;
we make that an error, and dig the file and line out of the underlying parser error so the
user sees where the problem is.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.errors import InputError, Location

DEFAULT_INVENTORY = Path(__file__).resolve().parent.parent / "inventories" / "localhost.yml"

#: host variables that declare the stack under test
DECLARED_KEYS = ("xc_cpu", "xc_os", "xc_db", "xc_server", "xc_middleware")
#: host variables whose values are secrets: never written anywhere
SECRET_KEYS = ("ansible_password", "ansible_ssh_pass", "ansible_become_password", "ansible_become_pass")
LOCAL_NAMES = {"localhost", "127.0.0.1", "::1"}


@dataclass(frozen=True)
class HostSpec:
    """How to reach one host and what it is declared to be; parsed once, then only read."""

    name: str
    connection: str  # "local" or "ssh"
    address: str
    port: int = 22
    user: str | None = None
    key_file: str | None = None
    become: bool = False
    declared: Mapping[str, str] = field(default_factory=dict)
    lab: bool = False
    source: str = ""
    password: str | None = field(default=None, repr=False)
    become_password: str | None = field(default=None, repr=False)

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.password, self.become_password) if s)

    def public(self) -> dict[str, Any]:
        """What may be written to the run directory: no secrets."""
        return {
            "name": self.name,
            "connection": self.connection,
            "address": self.address,
            "port": self.port,
            "user": self.user,
            "become": self.become,
            "declared": dict(self.declared),
            "lab": self.lab,
            "source": self.source,
        }


def _configure_ansible() -> None:
    # must happen before ansible's constants module is first imported
    os.environ.setdefault("ANSIBLE_INVENTORY_UNPARSED_FAILED", "True")
    os.environ.setdefault("ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED", "True")
    os.environ.setdefault("ANSIBLE_LOCALHOST_WARNING", "False")
    os.environ.setdefault("ANSIBLE_NOCOLOR", "True")


def _origin_of(exc: BaseException | None) -> tuple[str | None, int | None, str]:
    """Walk an ansible error's cause chain for the deepest origin with a line number."""
    best: tuple[str | None, int | None, str] = (None, None, "")
    while exc is not None:
        origin = getattr(exc, "obj", None)
        path = getattr(origin, "path", None)
        line = getattr(origin, "line_num", None)
        message = getattr(exc, "_original_message", None) or str(exc).splitlines()[0] if str(exc) else ""
        if path and (line is not None or best[0] is None):
            best = (path, line, message or best[2])
        elif not best[2]:
            best = (best[0], best[1], message)
        exc = exc.__cause__
    return best


def _load_manager(sources: Sequence[Path]) -> tuple[Any, Any]:
    _configure_ansible()
    import ansible.inventory.manager as manager_module
    from ansible.errors import AnsibleError
    from ansible.parsing.dataloader import DataLoader
    from ansible.vars.manager import VariableManager

    for src in sources:
        if not src.exists():
            raise InputError(Location(str(src)), "inventory not found")
        if src.is_file() and not os.access(src, os.R_OK):
            raise InputError(Location(str(src)), "inventory not readable")

    failures: list[BaseException] = []
    display = manager_module.display
    original = display.error_as_warning

    def collect(msg: str, exception: BaseException, **_: Any) -> None:
        failures.append(exception)

    display.error_as_warning = collect
    loader = DataLoader()
    try:
        inventory = manager_module.InventoryManager(loader=loader, sources=[str(s) for s in sources])
    except AnsibleError as exc:
        located = [_origin_of(f) for f in failures]
        # prefer the failure that knows a line (the YAML or INI parser's own error)
        located.sort(key=lambda o: (o[1] is None, o[0] is None))
        path, line, message = located[0] if located else (None, None, str(exc))
        where = path or (str(sources[0]) if sources else "inventory")
        raise InputError(Location(where, line), message or "cannot be parsed as an inventory") from exc
    finally:
        display.error_as_warning = original
    return inventory, VariableManager(loader=loader, inventory=inventory)


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "yes", "true", "on"}


def _host_spec(name: str, hostvars: Mapping[str, Any], source: str) -> HostSpec:
    connection = str(hostvars.get("ansible_connection", "ssh"))
    address = str(hostvars.get("ansible_host", name))
    if hostvars.get("xc_snapshot"):
        # certify a captured snapshot (xcert collect) instead of a live host
        connection = "snapshot"
        snap = Path(str(hostvars["xc_snapshot"]))
        if not snap.is_absolute():
            snap = Path(source).parent / snap
        address = str(snap)
    if connection not in ("local", "ssh", "paramiko", "smart", "snapshot"):
        raise InputError(
            Location(source, key=f"{name}.ansible_connection"),
            f"connection {connection!r} is not supported (use local or ssh)",
        )
    if connection != "local" and not address:
        raise InputError(Location(source, key=f"{name}.ansible_host"), "host has no address")
    try:
        port = int(hostvars.get("ansible_port", 22))
    except (TypeError, ValueError):
        raise InputError(Location(source, key=f"{name}.ansible_port"), "port must be a number") from None
    if not 0 < port < 65536:
        raise InputError(Location(source, key=f"{name}.ansible_port"), f"port {port} out of range")
    declared = {k[3:]: str(hostvars[k]) for k in DECLARED_KEYS if hostvars.get(k) not in (None, "")}
    return HostSpec(
        name=name,
        connection=connection if connection in ("local", "snapshot") else "ssh",
        address=address,
        port=port,
        user=str(hostvars["ansible_user"]) if hostvars.get("ansible_user") else None,
        key_file=str(hostvars["ansible_ssh_private_key_file"]) if hostvars.get("ansible_ssh_private_key_file") else None,
        become=_as_bool(hostvars.get("ansible_become", False)),
        declared=declared,
        lab=_as_bool(hostvars.get("xc_lab", False)),
        source=source,
        password=next((str(hostvars[k]) for k in SECRET_KEYS[:2] if hostvars.get(k)), None),
        become_password=next((str(hostvars[k]) for k in SECRET_KEYS[2:] if hostvars.get(k)), None),
    )


def load_inventory(sources: Sequence[Path] | None = None, limit: str | None = None) -> list[HostSpec]:
    """Hosts of the given inventories (default: the embedded localhost inventory).

    >>> [h.name for h in load_inventory()]
    ['localhost']
    """
    paths = [Path(s) for s in (sources or [DEFAULT_INVENTORY])]
    inventory, variables = _load_manager(paths)
    pattern = limit or "all"
    hosts = inventory.get_hosts(pattern)
    if limit and not hosts:
        raise InputError(Location(str(paths[0]), key="--limit"), f"no host matches {limit!r}")
    specs = []
    for host in hosts:
        hostvars = variables.get_vars(host=host, include_hostvars=False)
        source = str(hostvars.get("inventory_file") or paths[0])
        specs.append(_host_spec(host.name, hostvars, source))
    return specs
