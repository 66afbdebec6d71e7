"""Read Ansible inventories through ansible-core's own inventory code into frozen host specs.

ansible-core only warns about a source it cannot parse and goes on with an empty inventory;
we make that an error, and dig the file and line out of the underlying parser error so the
user sees where the problem is.
"""

from __future__ import annotations

import contextlib
import os
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from harness.errors import InputError, Location
from harness.inventory_keys import DECLARED_LAYERS, did_you_mean
from harness.inventory_resolve import Resolved
from harness.paths import default_inventory

DEFAULT_INVENTORY = default_inventory()

#: host variables that declare the stack under test
DECLARED_KEYS = tuple(DECLARED_LAYERS)
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
    become_user: str | None = None
    become_method: str | None = None
    declared: Mapping[str, str] = field(default_factory=dict)
    lab: bool = False
    source: str = ""
    password: str | None = field(default=None, repr=False)
    become_password: str | None = field(default=None, repr=False)
    known_hosts: str | None = None
    accept_new_host_keys: bool = False
    jump: str | None = None
    proxy_command: str | None = None
    ssh_common_args: str = ""
    ssh_extra_args: str = ""
    #: ansible.cfg's ssh_args as Ansible resolved them (provisioning passes them on)
    ssh_args: str = ""
    #: what the provisioning playbooks read (xc_workdir, xc_lab, ansible_python_interpreter...): no secrets
    provision_vars: Mapping[str, Any] = field(default_factory=dict)
    ssh_config: str | None = None
    connect_timeout: float | None = None
    #: xc_db_targets, validated by harness.db.targets (passwords resolved; kept out of public())
    db_targets: tuple[Mapping[str, Any], ...] = ()
    #: xc_services and xc_ports, validated by harness.lifecycle.declare
    services: tuple[Mapping[str, Any], ...] = ()
    ports: tuple[str, ...] = ()
    #: xc_role: the host's role in a bundle (application, database, middleware); cross-host checks use it
    role: str = ""
    #: xc_middleware_targets, validated by harness.middleware.targets (no secrets in them)
    mw_targets: tuple[Mapping[str, Any], ...] = ()

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
            "become_user": self.become_user,
            "become_method": self.become_method,
            "proxy_command": self.proxy_command,
            "declared": dict(self.declared),
            "lab": self.lab,
            "source": self.source,
            "db_targets": [{k: v for k, v in t.items() if k != "password"} for t in self.db_targets],
            "services": [dict(s) for s in self.services],
            "ports": list(self.ports),
            "role": self.role,
            "mw_targets": [dict(t) for t in self.mw_targets],
        }


def _configure_ansible() -> None:
    # must happen before ansible's constants module is first imported
    os.environ.setdefault("ANSIBLE_INVENTORY_UNPARSED_FAILED", "True")
    os.environ.setdefault("ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED", "True")
    os.environ.setdefault("ANSIBLE_LOCALHOST_WARNING", "False")
    os.environ.setdefault("ANSIBLE_NOCOLOR", "True")
    os.environ.setdefault("ANSIBLE_HOST_PATTERN_MISMATCH", "ignore")  # xcert says it, in one line
    os.environ.setdefault("ANSIBLE_DEPRECATION_WARNINGS", "False")  # ansible-core's own, not the user's business


def _paramiko_first() -> None:
    """ansible-core imports paramiko (ansible.utils.ssh_functions): import it first, without invoke (50 ms)."""
    from harness.transport.paramiko_import import import_paramiko

    with contextlib.suppress(ImportError):  # no paramiko: ansible-core copes, and so does xcert
        import_paramiko()


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


def _load_manager(sources: Sequence[str], vault_password_file: Path | None = None) -> tuple[Any, Any, Any]:
    _configure_ansible()
    _paramiko_first()
    from harness.inventory_guard import is_host_list
    from harness.inventory_resolve import _play_machinery

    _play_machinery()  # inventory plugins (constructed, ...) need the plugin loader
    from ansible import constants as C

    if C.config.get_config_value_and_origin("TRANSFORM_INVALID_GROUP_CHARS")[1] == "default":
        # Ansible's default ('never': names kept as written) without its warning on the console
        C.TRANSFORM_INVALID_GROUP_CHARS = "ignore"
    import ansible.inventory.manager as manager_module
    from ansible.errors import AnsibleError
    from ansible.parsing.dataloader import DataLoader
    from ansible.vars.manager import VariableManager

    for name in sources:
        if is_host_list(name):
            continue
        src = Path(name)
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
        inventory = manager_module.InventoryManager(loader=loader, sources=list(sources))
    except AnsibleError as exc:
        located = [_origin_of(f) for f in failures]
        # prefer the failure that knows a line (the YAML or INI parser's own error)
        located.sort(key=lambda o: (o[1] is None, o[0] is None))
        path, line, message = located[0] if located else (None, None, str(exc))
        where = path or (str(sources[0]) if sources else "inventory")
        raise InputError(Location(where, line), message or "cannot be parsed as an inventory") from exc
    finally:
        display.error_as_warning = original
    return inventory, VariableManager(loader=loader, inventory=inventory), loader


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
        if "context is not active" in reason or "vault" in reason.lower():
            from harness.inventory_resolve import VAULT_REASON

            reason = VAULT_REASON
        raise InputError(Location(path or source, line, f"{name}.{key}"), reason) from None


def _ssh_options(args: str) -> dict[str, str]:
    """``-o Key=Value`` (or ``-o 'Key Value'``), ``-J jump`` and ``-F file`` from the SSH arguments."""
    opts: dict[str, str] = {}
    words = shlex.split(args)

    def option(text: str) -> None:
        key, sep, val = text.partition("=")
        if not sep:
            key, _, val = text.strip().partition(" ")
        if key.strip() and val.strip():
            opts.setdefault(key.strip().lower(), val.strip())  # ssh: the first value given wins

    for i, word in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if word == "-o" and nxt:
            option(nxt)
        elif word.startswith("-o") and len(word) > 2:
            option(word[2:])
        elif word == "-J" and nxt:
            opts.setdefault("proxyjump", nxt)
        elif word == "-F" and nxt:
            opts.setdefault("configfile", nxt)
    return opts


def _decrypted(name: str, key: str, value: Any, source: str) -> Any:
    """A structure with every vault-encrypted string in it decrypted (a failure names the key's path)."""
    if isinstance(value, Mapping):
        return {k: _decrypted(name, f"{key}.{k}", v, source) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_decrypted(name, f"{key}[{i}]", v, source) for i, v in enumerate(value)]
    return _plain(name, key, value, source)


def _xc_values(name: str, raw: Mapping[str, Any], source: str, data_only: bool) -> tuple[Any, dict[str, Any]]:
    """The host's key checks, and its xc_* values decrypted; with the locator of its keys."""
    from harness.inventory_guard import check_data_only
    from harness.inventory_keys import check_declared, check_keys, location_for

    where = location_for(source, name, raw)
    check_keys(name, raw, where)
    if data_only:
        check_data_only(name, raw, lambda key, trail: replace(where(key), key=f"{name}.{trail}"))
    xc = {k: _decrypted(name, k, v, source) for k, v in raw.items() if str(k).startswith("xc_")}
    declared = {k[3:]: str(xc[k]).strip() for k in DECLARED_KEYS if xc.get(k) not in (None, "")}
    check_declared(name, declared, where)
    return where, xc


def _address(name: str, raw: Mapping[str, Any], source: str, resolved: Resolved) -> str:
    address = resolved.address.strip()
    empty = next((k for k in ("ansible_host", "ansible_ssh_host") if k in raw and raw[k] in (None, "")), None)
    if not address or empty:
        key = empty or "ansible_host"
        path, line = _origin(raw.get(key))
        raise InputError(
            Location(path or source, line or _line_of_host(source, name), f"{name}.{key}"),
            "host has no address",
        )
    return address


def _check_connection(name: str, source: str, resolved: Resolved, where: Any) -> int:
    """The port, once the port and the become settings are ones xcert's transport can honour."""
    port = resolved.port if resolved.port is not None else 22
    if not 0 < port < 65536:
        raise InputError(Location(source, key=f"{name}.ansible_port"), f"port {port} out of range")
    if resolved.become and resolved.become_method != "sudo":
        raise InputError(
            where("ansible_become_method"),
            f"become method {resolved.become_method!r} is not supported by xcert's transport (use sudo)",
        )
    if resolved.become and resolved.become_user not in (None, "", "root"):
        raise InputError(
            where("ansible_become_user"),
            f"become user {resolved.become_user!r} is not supported by xcert's transport (checks run as root)",
        )
    return port


def _ssh_fields(name: str, source: str, resolved: Resolved, xc: Mapping[str, Any], where: Any) -> dict[str, Any]:
    """Timeout, known_hosts, jump host, ProxyCommand and ssh_config from the SSH arguments Ansible joined."""
    try:
        opts = _ssh_options(resolved.ssh_args)
    except ValueError as exc:
        raise InputError(where("ansible_ssh_common_args"), str(exc)) from None
    # Ansible puts ansible.cfg's ssh_args first, then its own -o ConnectTimeout, then the inventory's
    # arguments; ssh keeps the first value given, and so does xcert
    cfg_timeout = _ssh_options(
        resolved.ssh_args.removesuffix(resolved.ssh_extra_args).removesuffix(" ").removesuffix(resolved.ssh_common_args)
    ).get("connecttimeout")
    try:
        connect_timeout = float(cfg_timeout) if cfg_timeout else resolved.timeout
    except (TypeError, ValueError):
        raise InputError(Location(source, key=f"{name}.ssh_args"), "ConnectTimeout must be a number") from None
    known_hosts = xc.get("xc_known_hosts") or opts.get("userknownhostsfile")
    if known_hosts:
        kh = Path(str(known_hosts).split()[0]).expanduser()
        known_hosts = str(kh if kh.is_absolute() else Path(source).parent / kh)
    proxy = opts.get("proxycommand")
    return {
        "known_hosts": str(known_hosts) if known_hosts else None,
        "jump": str(xc.get("xc_jump_host") or opts.get("proxyjump") or "") or None,
        "proxy_command": proxy if proxy and proxy.lower() != "none" else None,
        "ssh_config": str(opts["configfile"]) if opts.get("configfile") else None,
        "connect_timeout": connect_timeout,
    }


def _host_spec(
    name: str, raw: Mapping[str, Any], source: str, resolved: Resolved | None, *, data_only: bool = False
) -> HostSpec:
    """The spec of one host: connection settings as Ansible resolved them, xc_* values as written."""
    where, xc = _xc_values(name, raw, source, data_only)
    if xc.get("xc_snapshot"):
        # certify a captured snapshot (xcert collect) instead of a live host
        snap = Path(str(xc["xc_snapshot"]))
        if not snap.is_absolute():
            snap = Path(source).parent / snap
        return HostSpec(
            name=name, connection="snapshot", address=str(snap), **_declared_fields(name, xc, str(snap), source)
        )
    assert resolved is not None
    if resolved.connection == "local":
        return HostSpec(name=name, connection="local", address=name, **_declared_fields(name, xc, name, source))
    address = _address(name, raw, source, resolved)
    port = _check_connection(name, source, resolved, where)
    ssh = _ssh_fields(name, source, resolved, xc, where)
    return HostSpec(
        name=name,
        connection="ssh",
        address=address,
        port=port,
        user=resolved.user,
        key_file=resolved.key_file,
        become=resolved.become,
        become_user=resolved.become_user if resolved.become else None,
        become_method=resolved.become_method if resolved.become else None,
        password=resolved.password,
        # without become Ansible never sends it, but it is still a secret to keep out of every record
        become_password=resolved.become_password if resolved.become else _raw_secret(name, raw, source),
        ssh_common_args=resolved.ssh_common_args,
        ssh_extra_args=resolved.ssh_extra_args,
        ssh_args=resolved.ssh_base_args,
        provision_vars=_provision_vars(xc, resolved),
        **ssh,
        **_declared_fields(name, xc, address, source),
    )


#: the xc_* values the provisioning playbooks read, passed on as data
PROVISION_KEYS = ("xc_lab", "xc_lab_arch", "xc_workdir", "xc_db_client", "xc_pipelining")


def _provision_vars(xc: Mapping[str, Any], resolved: Resolved) -> dict[str, Any]:
    out: dict[str, Any] = {k: xc[k] for k in PROVISION_KEYS if xc.get(k) is not None}
    if resolved.python_interpreter:
        out["ansible_python_interpreter"] = resolved.python_interpreter
    return out


def _raw_secret(name: str, raw: Mapping[str, Any], source: str) -> str | None:
    for key in SECRET_KEYS[2:]:
        if raw.get(key):
            return str(_plain(name, key, raw[key], source))
    return None


def _declared_fields(name: str, xc: Mapping[str, Any], address: str, source: str) -> dict[str, Any]:
    """What a host's xc_* values make of its spec, whatever its connection: one place for every xc_* reader."""
    from harness.db.targets import parse_targets
    from harness.lifecycle.declare import parse_ports, parse_services
    from harness.lifecycle.derive import derived_services
    from harness.middleware.targets import parse_targets as parse_mw_targets

    db_targets = parse_targets(xc.get("xc_db_targets"), name, address, source)
    mw_targets = parse_mw_targets(xc.get("xc_middleware_targets"), name, source)
    return {
        "declared": {k[3:]: str(xc[k]).strip() for k in DECLARED_KEYS if xc.get(k) not in (None, "")},
        "lab": _as_bool(xc.get("xc_lab", False)),
        "source": source,
        "db_targets": db_targets,
        # database targets and middleware are services by default (harness.lifecycle.derive)
        "services": parse_services(
            xc.get("xc_services"), name, source, derived=derived_services(db_targets, mw_targets)
        ),
        "ports": parse_ports(xc.get("xc_ports"), name, source),
        "role": _role(xc.get("xc_role"), name, source),
        "mw_targets": mw_targets,
    }


def _role(value: Any, name: str, source: str) -> str:
    """xc_role: a short lower-case word (a bundle role name), or none."""
    import re

    if value in (None, ""):
        return ""
    if not isinstance(value, str) or not re.fullmatch(r"[a-z][a-z0-9_-]{0,39}", value):
        raise InputError(
            Location(source, key=f"{name}.xc_role"), "xc_role must be a role name such as application or database"
        )
    return value


def source_name(source: str | Path) -> str:
    """How a source is recorded: an absolute path, or an ad-hoc host list as given."""
    from harness.inventory_guard import is_host_list
    from harness.inventory_targets import is_target

    text = str(source)
    return text if is_host_list(text) or is_target(text) else str(Path(text).resolve())


def configured_sources() -> list[str]:
    """The inventory ansible.cfg (or ANSIBLE_INVENTORY) names, as Ansible uses it without ``-i``; else []."""
    _configure_ansible()
    from ansible import constants as C

    _, origin = C.config.get_config_value_and_origin("DEFAULT_HOST_LIST")
    if origin in (None, "default"):
        return []
    return [str(s) for s in (C.DEFAULT_HOST_LIST or [])]


def load_inventory(
    sources: Sequence[Path | str] | None = None,
    limit: str | None = None,
    *,
    vault_password_file: Path | None = None,
    accept_new_host_keys: bool = False,
    data_only: bool = False,
) -> list[HostSpec]:
    """Hosts of the given inventories (default: ansible.cfg's inventory, else the embedded localhost one).

    ``sources`` are paths or ad-hoc host lists (``"host1,host2,"``). With ``data_only`` the
    inventory is data from someone else: scripts, plugins, templates and ProxyCommand are refused.

    >>> [h.name for h in load_inventory()]
    ['localhost']
    """
    from harness import inventory_cache as cache
    from harness.inventory_targets import materialised

    _configure_ansible()  # the ANSIBLE_* defaults xcert sets are part of the cache key, so set them first
    explicit = [str(s) for s in sources] if sources else []
    options = {"data_only": data_only, "accept_new_host_keys": accept_new_host_keys}
    try:
        key: str | None = cache.key_for(explicit, limit, options, vault_password_file)
    except cache.NotCacheable:
        key = None
    if key is not None and (hit := cache.lookup(key)) is not None:
        return hit
    given = explicit or configured_sources() or [str(DEFAULT_INVENTORY)]
    with materialised(given) as (names, urls):
        specs = _load_hosts(names, urls, limit, vault_password_file, accept_new_host_keys, data_only)
    if key is not None:
        # kept only if no input changed while ansible-core read them
        with contextlib.suppress(cache.NotCacheable):
            if cache.key_for(explicit, limit, options, vault_password_file) == key:
                cache.store(key, specs)
    return specs


def _load_hosts(
    names: list[str],
    urls: Mapping[str, str],
    limit: str | None,
    vault_password_file: Path | None,
    accept_new_host_keys: bool,
    data_only: bool,
) -> list[HostSpec]:
    from harness.inventory_guard import check_sources
    from harness.inventory_resolve import resolve_host

    check_sources(names, data_only)
    inventory, variables, loader = _load_manager(names, vault_password_file)
    first = urls.get(names[0], names[0])
    if not [h for h in inventory.get_hosts("all") if not getattr(h, "implicit", False)]:
        raise InputError(Location(first), "the inventory has no hosts")
    pattern = limit or "all"
    hosts = inventory.get_hosts(pattern)
    if limit and not hosts:
        known = [h.name for h in inventory.get_hosts("all")] + list(inventory.groups)
        raise InputError(Location(first, key="--limit"), f"no host matches {limit!r}{did_you_mean(limit, known)}")
    from ansible.errors import AnsibleError

    specs = []
    for host in hosts:
        try:
            raw = variables.get_vars(host=host, include_hostvars=False)
        except AnsibleError as exc:  # a group_vars/host_vars file that is not a mapping, say
            path, line, message = _origin_of(exc)
            if path is None and "'" in message:
                path = message.split("'")[1] if message.startswith("Could not process") else None
            where = Location(path or first, line, host.name)
            raise InputError(where, message.splitlines()[0] if message else "unreadable host variables") from None
        source = str(raw.get("inventory_file") or first)
        source = urls.get(source, source)
        resolved = None if raw.get("xc_snapshot") else resolve_host(inventory, variables, loader, host, source)
        spec = _host_spec(host.name, raw, source, resolved, data_only=data_only)
        if accept_new_host_keys:
            spec = replace(spec, accept_new_host_keys=True)
        specs.append(spec)
    return specs
