"""How Ansible itself would connect to a host: ansible-core's variable manager and option resolution.

A task runs on a host with a PlayContext, a connection plugin and a become plugin whose options
come from the host's variables (templated, lookups included), the legacy names
(``ansible_ssh_host``, ``ansible_ssh_user``, ``ansible_ssh_pass``...), ``ansible.cfg``
(``remote_user``, ``private_key_file``, ``[privilege_escalation]``) and the command line's defaults.
:func:`resolve_host` follows ``TaskExecutor`` step for step for one ``ping`` task of a play on
``all`` and reads the options back from the plugins, so xcert's checks and its provisioning
(ansible-runner, fed what this returns) reach the host Ansible would reach, as the user Ansible
would use.
"""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass, field
from typing import Any

from harness.errors import InputError, Location

#: connection plugins xcert can stand in for (its own paramiko transport, or the controller)
SSH_LIKE = ("ssh", "paramiko", "paramiko_ssh", "smart", "ansible.builtin.ssh", "ansible.builtin.paramiko_ssh")
LOCAL = ("local", "ansible.builtin.local")


VAULT_REASON = (
    "cannot decrypt a vault-encrypted value: no vault password, or the wrong one "
    "(use --vault-password-file or ANSIBLE_VAULT_PASSWORD_FILE)"
)


@dataclass(frozen=True)
class Resolved:
    """One host's connection settings, as Ansible resolves them."""

    connection: str
    address: str
    port: int | None
    user: str | None
    key_file: str | None
    timeout: float | None
    ssh_args: str = ""  # ssh_args + ssh_common_args + ssh_extra_args, as the ssh plugin joins them
    ssh_common_args: str = ""
    ssh_extra_args: str = ""
    ssh_base_args: str = ""  # ansible.cfg's [ssh_connection] ssh_args
    python_interpreter: str | None = None
    become: bool = False
    become_method: str | None = None
    become_user: str | None = None
    become_flags: str | None = None
    password: str | None = field(default=None, repr=False)
    become_password: str | None = field(default=None, repr=False)


@functools.cache
def _play_machinery() -> None:
    """Plugin loader and CLI defaults, once per process (ansible-playbook's own option defaults)."""
    from ansible import context
    from ansible.plugins.loader import init_plugin_loader

    from harness.inventory_runtime import install

    install()  # before the first plugin lookup: ansible-core's routing table parsed once per content
    init_plugin_loader()
    if not context.CLIARGS:
        from ansible.cli.playbook import PlaybookCLI

        PlaybookCLI(["ansible-playbook", "xcert-resolve.yml"]).parse()


def _template_engine(loader: Any, variables: Any) -> Any:
    try:
        from ansible._internal._templating._engine import TemplateEngine
    except ImportError:  # ansible-core < 2.19
        from ansible.template import Templar as TemplateEngine
    return TemplateEngine(loader=loader, variables=variables)


def _origin(value: Any) -> tuple[str | None, int | None]:
    try:
        from ansible._internal._datatag._tags import Origin
    except ImportError:
        pos = getattr(value, "ansible_pos", None)
        return (pos[0], pos[1]) if pos else (None, None)
    tag = Origin.get_tag(value)
    return (tag.path, tag.line_num) if tag is not None else (None, None)


def _reason(exc: BaseException) -> str:
    text = str(getattr(exc, "message", "") or exc).strip().splitlines()
    reason = text[0] if text else type(exc).__name__
    low = reason.lower()
    if "vault" in low and ("secret" in low or "context" in low or "password" in low or "decrypt" in low):
        return VAULT_REASON
    return reason


class _Templating:
    """Template one variable at a time, so a failure names the variable, its file and line."""

    def __init__(self, host: str, source: str, variables: Any, engine: Any) -> None:
        self.host, self.source, self.variables, self.engine = host, source, variables, engine

    def value(self, name: str) -> Any:
        raw = self.variables[name]
        try:
            return self.engine.template(raw)
        except Exception as exc:  # ansible's templating and vault errors
            omitted = type(exc).__name__ == "AnsibleValueOmittedError"
            if omitted:
                raise KeyError(name) from exc
            path, line = _origin(raw)
            raise InputError(Location(path or self.source, line, f"{self.host}.{name}"), _reason(exc)) from None

    def options(self, plugin_type: str, load_name: str) -> dict[str, Any]:
        from ansible import constants as C

        out: dict[str, Any] = {}
        for var in C.config.get_plugin_vars(plugin_type, load_name):
            if var in self.variables:
                with contextlib.suppress(KeyError):  # omit: as if unset
                    out[var] = self.value(var)
        return out


def _option(plugin: Any, *names: str) -> Any:
    for name in names:
        if plugin.has_option(name):
            value = plugin.get_option(name)
            if value not in (None, ""):
                return value
    return None


@dataclass
class _Task:
    """One ``ping`` task of a play on ``all``, for one host: what ansible-core's executor works from."""

    task: Any
    context: Any
    hostvars: Any
    engine: Any
    tpl: _Templating


def _prepared_task(variables: Any, loader: Any, host: Any, source: str) -> _Task:
    """The play, its task and the host's variables, validated as ``TaskExecutor`` does before it connects."""
    from ansible import constants as C
    from ansible.errors import AnsibleError
    from ansible.playbook.play import Play
    from ansible.playbook.play_context import PlayContext

    play = Play.load(
        {"hosts": "all", "gather_facts": False, "tasks": [{"ansible.builtin.ping": None}]},
        variable_manager=variables,
        loader=loader,
    )
    task = play.get_tasks()[0][0]
    hostvars = variables.get_vars(play=play, host=host, task=task)
    engine = _template_engine(loader, hostvars)
    tpl = _Templating(host.name, source, hostvars, engine)
    for var in sorted({v for names in C.MAGIC_VARIABLE_MAPPING.values() for v in names}):
        if var in hostvars:
            with contextlib.suppress(KeyError):
                tpl.value(var)  # a template or vault value that fails is named here, with its key
    try:
        context = PlayContext(play=play)
        context = context.set_task_and_variable_override(task=task, variables=hostvars, templar=engine)
        context.post_validate(templar=engine)
        task.post_validate(templar=engine)
    except AnsibleError as exc:
        raise InputError(_keyword_location(exc, hostvars, host.name, source), _reason(exc)) from None
    return _Task(task, context, hostvars, engine, tpl)


def _var_or(t: _Task, var: str, default: Any) -> Any:
    """A host variable templated, if set (truthy), else the task's own value."""
    return t.tpl.value(var) if t.hostvars.get(var) else default


def _become_plugin(t: _Task, host: str, source: str) -> Any:
    """The become plugin the task would use, or None without become."""
    from ansible.module_utils.parsing.convert_bool import boolean
    from ansible.plugins.loader import become_loader

    if t.hostvars.get("ansible_become") is not None:
        become = boolean(t.tpl.value("ansible_become"))
    else:
        become = bool(t.task.become)
    if not become:
        return None
    method = str(_var_or(t, "ansible_become_method", t.task.become_method))
    plugin = become_loader.get(method)
    if plugin is None:
        raise InputError(Location(source, key=f"{host}.ansible_become_method"), f"no become method {method!r}")
    return plugin


def _plugins(t: _Task, name: str, host: str, source: str) -> tuple[Any, Any]:
    """The connection plugin ``name`` and the become plugin, with their options set as the executor sets them."""
    from ansible.errors import AnsibleError
    from ansible.plugins.loader import connection_loader

    where = Location(source, key=f"{host}.ansible_connection")
    if name not in SSH_LIKE:
        raise InputError(where, f"connection {name!r} is not supported (use local, ssh or paramiko)")
    t.context.connection = name
    connection = connection_loader.get(name, t.context, None)
    if connection is None:
        raise InputError(where, f"connection plugin {name!r} not found")
    become_plugin = _become_plugin(t, host, source)
    if become_plugin is not None:
        connection.set_become_plugin(become_plugin)
    task_keys = t.task.dump_attrs()
    task_keys["timeout"] = t.context.timeout
    if t.context.password:
        task_keys["password"] = t.context.password
    task_keys.pop("retries", None)
    options = t.tpl.options("connection", connection._load_name)
    options["_extras"] = {}
    try:
        connection.set_options(task_keys=task_keys, var_options=options)
        if become_plugin is not None:
            become_options = t.tpl.options("become", become_plugin._load_name)
            become_plugin.set_options(task_keys=task_keys, var_options=become_options)
    except AnsibleError as exc:
        raise InputError(Location(source, key=host), _reason(exc)) from None
    return connection, become_plugin


def _text(plugin: Any, *names: str) -> str | None:
    """An option's value as text, None when unset or empty."""
    return str(_option(plugin, *names) or "") or None


def _become_fields(plugin: Any) -> dict[str, Any]:
    if plugin is None:
        return {"become": False}
    return {
        "become": True,
        "become_method": plugin.name,
        "become_user": _text(plugin, "become_user"),
        "become_flags": str(_option(plugin, "become_flags") or ""),
        "become_password": _text(plugin, "become_pass"),
    }


def _number(value: Any, kind: type[int] | type[float]) -> Any:
    return kind(value) if value not in (None, "") else None


def resolve_host(inventory: Any, variables: Any, loader: Any, host: Any, source: str) -> Resolved:
    """The connection and become settings of ``host`` for a task, as ansible-core's executor sets them."""
    _play_machinery()
    t = _prepared_task(variables, loader, host, source)
    name = str(_var_or(t, "ansible_connection", t.task.connection))
    if name in LOCAL:
        return Resolved(connection="local", address=host.name, port=None, user=None, key_file=None, timeout=None)
    connection, become_plugin = _plugins(t, name, host.name, source)
    common = str(_option(connection, "ssh_common_args") or "")
    extra = str(_option(connection, "ssh_extra_args") or "")
    base = str(_option(connection, "ssh_args") or "")
    proxy = _option(connection, "proxy_command")  # the paramiko plugin's own option
    if proxy:
        common = f"{common} -o ProxyCommand={_shell_word(str(proxy))}".strip()
    interpreter = _var_or(t, "ansible_python_interpreter", None)
    return Resolved(
        connection="ssh",
        address=str(_option(connection, "host", "remote_addr") or t.context.remote_addr or host.address),
        port=_number(_option(connection, "port"), int),
        user=_text(connection, "remote_user"),
        key_file=_text(connection, "private_key_file"),
        timeout=_number(_option(connection, "timeout"), float),
        ssh_args=" ".join(a for a in (base, common, extra) if a),
        ssh_common_args=common,
        ssh_extra_args=extra,
        ssh_base_args=base,
        python_interpreter=str(interpreter) if interpreter is not None else None,
        password=_text(connection, "password"),
        **_become_fields(become_plugin),
    )


def _keyword_location(exc: BaseException, hostvars: Any, host: str, source: str) -> Location:
    """The variable behind a play keyword that failed (``Error processing keyword 'port'`` -> ansible_port)."""
    import re

    from ansible import constants as C

    found = re.search(r"keyword '(\w+)'", str(exc))
    names = C.MAGIC_VARIABLE_MAPPING.get(found.group(1), ()) if found else ()
    var = next((n for n in names if n in hostvars), None)  # the first one present is the one PlayContext took
    if var is None:
        return Location(source, key=host)
    path, line = _origin(hostvars[var])
    return Location(path or source, line, f"{host}.{var}")


def _shell_word(text: str) -> str:
    import shlex

    return shlex.quote(text)


__all__ = ["LOCAL", "SSH_LIKE", "Resolved", "resolve_host"]
