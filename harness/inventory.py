"""Read Ansible inventories through ansible-core's own inventory code into frozen host specs.

ansible-core only warns about a source it cannot parse and goes on with an empty inventory;
we make that an error, and dig the file and line out of the underlying parser error so the
user sees where the problem is.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
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
    known_hosts: str | None = None
    accept_new_host_keys: bool = False
    jump: str | None = None
    ssh_config: str | None = None
    connect_timeout: float | None = None
    #: xc_db_targets, validated by harness.db.targets (passwords resolved; kept out of public())
    db_targets: tuple[Mapping[str, Any], ...] = ()

    @property
    def secrets(self) -> tuple[str, ...]:
        db = tuple(str(t["password"]) for t in self.db_targets if t.get("password"))
        return tuple(s for s in (self.password, self.become_password) if s) + db

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
            "db_targets": [{k: v for k, v in t.items() if k != "password"} for t in self.db_targets],
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


def _vault_secrets(loader: Any, password_file: Path | None) -> None:
    """Give ansible the vault password (``--vault-password-file`` or ANSIBLE_VAULT_PASSWORD_FILE)."""
    from ansible.parsing.vault import VaultSecretsContext, get_file_vault_secret

    env_file = os.environ.get("ANSIBLE_VAULT_PASSWORD_FILE")
    path = password_file or (Path(env_file) if env_file else None)
    secrets: list[tuple[str, Any]] = []
    if path is not None:
        if not path.is_file():
            raise InputError(Location(str(path)), "vault password file not found")
        secret = get_file_vault_secret(filename=str(path), loader=loader)
        secret.load()
        secrets.append(("default", secret))
    loader.set_vault_secrets(secrets)
    current = VaultSecretsContext.current(optional=True)
    if current is None:
        VaultSecretsContext.initialize(VaultSecretsContext(secrets))
    else:
        current.secrets = secrets


def _load_manager(sources: Sequence[Path], vault_password_file: Path | None = None) -> tuple[Any, Any]:
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
    _vault_secrets(loader, vault_password_file)
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


def _origin(value: Any) -> tuple[str | None, int | None]:
    """File and line an inventory value came from (ansible-core tags every loaded value)."""
    try:
        from ansible._internal._datatag._tags import Origin
    except ImportError:  # older ansible-core: positions on the value itself
        pos = getattr(value, "ansible_pos", None)
        return (pos[0], pos[1]) if pos else (None, None)
    tag = Origin.get_tag(value)
    return (tag.path, tag.line_num) if tag is not None else (None, None)


def _line_of_host(source: str, name: str) -> int | None:
    """The line declaring ``name`` in an inventory file (for values that carry no position, e.g. null)."""
    try:
        lines = Path(source).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for number, line in enumerate(lines, start=1):
        token = line.strip().split(":")[0].split()[0] if line.strip() else ""
        if token == name:
            return number
    return None


def _plain(name: str, key: str, value: Any, source: str) -> Any:
    """A variable's value with vault-encrypted strings decrypted; a failure names file, line and key."""
    if type(value).__name__ not in ("EncryptedString", "AnsibleVaultEncryptedUnicode"):
        return value
    try:
        return str(value)
    except Exception as exc:
        path, line = _origin(value)
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if "context is not active" in reason or "no vault secrets" in reason.lower():
            reason = (
                "vault-encrypted value but no vault password (use --vault-password-file or ANSIBLE_VAULT_PASSWORD_FILE)"
            )
        raise InputError(Location(path or source, line, f"{name}.{key}"), reason) from None


def _ssh_options(args: str) -> dict[str, str]:
    """``-o Key=Value``, ``-J jump`` and ``-F file`` from ansible_ssh_common_args / _extra_args."""
    opts: dict[str, str] = {}
    words = shlex.split(args)
    for i, word in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if word == "-o" and "=" in nxt:
            key, _, val = nxt.partition("=")
            opts[key.strip().lower()] = val.strip()
        elif word.startswith("-o") and "=" in word[2:]:
            key, _, val = word[2:].partition("=")
            opts[key.strip().lower()] = val.strip()
        elif word == "-J" and nxt:
            opts["proxyjump"] = nxt
        elif word == "-F" and nxt:
            opts["configfile"] = nxt
    return opts


def _host_spec(name: str, raw: Mapping[str, Any], source: str) -> HostSpec:
    hostvars = {k: _plain(name, k, v, source) for k, v in raw.items()}
    connection = str(hostvars.get("ansible_connection", "ssh"))
    address_value = hostvars.get("ansible_host", name)
    address = "" if address_value is None else str(address_value).strip()
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
        path, line = _origin(address_value)
        raise InputError(
            Location(path or source, line or _line_of_host(source, name), f"{name}.ansible_host"),
            "host has no address",
        )
    try:
        port = int(hostvars.get("ansible_port", 22))
    except (TypeError, ValueError):
        raise InputError(Location(source, key=f"{name}.ansible_port"), "port must be a number") from None
    if not 0 < port < 65536:
        raise InputError(Location(source, key=f"{name}.ansible_port"), f"port {port} out of range")
    declared = {k[3:]: str(hostvars[k]) for k in DECLARED_KEYS if hostvars.get(k) not in (None, "")}
    ssh_args = " ".join(
        str(hostvars[k]) for k in ("ansible_ssh_common_args", "ansible_ssh_extra_args") if hostvars.get(k)
    )
    try:
        opts = _ssh_options(ssh_args)
    except ValueError as exc:
        raise InputError(Location(source, key=f"{name}.ansible_ssh_common_args"), str(exc)) from None
    timeout = hostvars.get("ansible_ssh_timeout") or hostvars.get("ansible_timeout") or opts.get("connecttimeout")
    try:
        connect_timeout = float(timeout) if timeout not in (None, "") else None
    except (TypeError, ValueError):
        raise InputError(Location(source, key=f"{name}.ansible_ssh_timeout"), "timeout must be a number") from None
    from harness.db.targets import parse_targets

    db_targets = parse_targets(hostvars.get("xc_db_targets"), name, address, source)
    known_hosts = hostvars.get("xc_known_hosts") or opts.get("userknownhostsfile")
    if known_hosts:
        kh = Path(str(known_hosts)).expanduser()
        known_hosts = str(kh if kh.is_absolute() else Path(source).parent / kh)
    return HostSpec(
        name=name,
        connection=connection if connection in ("local", "snapshot") else "ssh",
        address=address,
        port=port,
        user=str(hostvars["ansible_user"]) if hostvars.get("ansible_user") else None,
        key_file=str(hostvars["ansible_ssh_private_key_file"])
        if hostvars.get("ansible_ssh_private_key_file")
        else None,
        become=_as_bool(hostvars.get("ansible_become", False)),
        declared=declared,
        lab=_as_bool(hostvars.get("xc_lab", False)),
        source=source,
        password=next((str(hostvars[k]) for k in SECRET_KEYS[:2] if hostvars.get(k)), None),
        become_password=next((str(hostvars[k]) for k in SECRET_KEYS[2:] if hostvars.get(k)), None),
        known_hosts=str(known_hosts) if known_hosts else None,
        jump=str(hostvars.get("xc_jump_host") or opts.get("proxyjump") or "") or None,
        ssh_config=str(opts["configfile"]) if opts.get("configfile") else None,
        connect_timeout=connect_timeout,
        db_targets=db_targets,
    )


def load_inventory(
    sources: Sequence[Path] | None = None,
    limit: str | None = None,
    *,
    vault_password_file: Path | None = None,
    accept_new_host_keys: bool = False,
) -> list[HostSpec]:
    """Hosts of the given inventories (default: the embedded localhost inventory).

    >>> [h.name for h in load_inventory()]
    ['localhost']
    """
    paths = [Path(s) for s in (sources or [DEFAULT_INVENTORY])]
    inventory, variables = _load_manager(paths, vault_password_file)
    pattern = limit or "all"
    hosts = inventory.get_hosts(pattern)
    if limit and not hosts:
        raise InputError(Location(str(paths[0]), key="--limit"), f"no host matches {limit!r}")
    from ansible.errors import AnsibleError

    specs = []
    for host in hosts:
        try:
            hostvars = variables.get_vars(host=host, include_hostvars=False)
        except AnsibleError as exc:  # a group_vars/host_vars file that is not a mapping, say
            path, line, message = _origin_of(exc)
            if path is None and "'" in message:
                path = message.split("'")[1] if message.startswith("Could not process") else None
            where = Location(path or str(paths[0]), line, host.name)
            raise InputError(where, message.splitlines()[0] if message else "unreadable host variables") from None
        source = str(hostvars.get("inventory_file") or paths[0])
        spec = _host_spec(host.name, hostvars, source)
        if accept_new_host_keys:
            spec = replace(spec, accept_new_host_keys=True)
        specs.append(spec)
    return specs
