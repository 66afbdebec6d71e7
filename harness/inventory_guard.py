"""Checks on inventory files before ansible-core reads them.

Two jobs:

- **alias fan-out**: a few hundred bytes of YAML anchors and aliases (``a: &a [x, x]``,
  ``b: &b [*a, *a]``, ...) expand to billions of nodes; PyYAML shares them, but ansible-core walks
  them one by one (measured: a 518-byte file took 252 s and 6.8 GB). Each YAML file an inventory
  reads (the source, its directory's files, ``group_vars`` and ``host_vars``) is composed first
  (linear in its size) and its expanded size counted over the shared nodes; a file that expands
  beyond :data:`MAX_EXPANSION` nodes more than it holds is refused.
- **data only** (``--inventory-data-only``): an inventory from someone else is data, so what
  would run code on this machine is refused before Ansible sees it: inventory scripts (any
  executable file), inventory plugins (``plugin:`` files, e.g. ``constructed``), Jinja templates in
  any value, and ``ProxyCommand`` in the SSH arguments.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where used: resolving from the cache needs no YAML parser
    import yaml

from harness.errors import InputError, Location

#: nodes that aliases may add to a file beyond its own (a whole-lab inventory adds none)
MAX_EXPANSION = 100_000
#: YAML files larger than this are not composed here (Ansible reads them; no alias check needed for size)
MAX_YAML_BYTES = 16 * 1024 * 1024
_YAML_SUFFIXES = ("", ".yml", ".yaml", ".json")
_TEMPLATE = re.compile(r"\{\{|\{%|\{#")
DATA_ONLY = "--inventory-data-only"


def is_host_list(source: str) -> bool:
    """An ad-hoc host list (``-i 'host1,host2,'``), as Ansible's host_list plugin takes it."""
    return "," in source and not Path(source).exists()


def _files(source: Path) -> Iterator[Path]:
    """The YAML files ansible-core may read for one inventory source."""
    if source.is_file():
        yield source
        base = source.parent
    elif source.is_dir():
        base = source
        for path in sorted(source.rglob("*")):
            if path.is_file() and "group_vars" not in path.parts and "host_vars" not in path.parts:
                yield path
    else:
        return
    for sub in ("group_vars", "host_vars"):
        folder = base / sub
        if folder.is_dir():
            yield from (p for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix in _YAML_SUFFIXES)


def _expanded(node: yaml.Node, memo: dict[int, int], budget: int, path: str) -> int:
    """Nodes the document has when every alias is expanded (shared nodes counted once per use)."""
    import yaml

    key = id(node)
    if key in memo:
        return memo[key]
    total = 1
    children: Sequence[Any] = ()
    if isinstance(node, yaml.SequenceNode):
        children = node.value
    elif isinstance(node, yaml.MappingNode):
        children = [n for pair in node.value for n in pair]
    for child in children:
        total += _expanded(child, memo, budget, path)
        if total > budget:
            raise InputError(
                Location(path, node.start_mark.line + 1),
                f"YAML aliases expand this file by more than {MAX_EXPANSION} nodes; refused (an alias bomb?)",
            )
    memo[key] = total
    return total


def check_alias_fanout(path: Path) -> None:
    """Refuse a YAML file whose aliases expand it by more than :data:`MAX_EXPANSION` nodes."""
    import yaml

    try:
        if path.stat().st_size > MAX_YAML_BYTES:
            return
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return  # ansible-core reports what it cannot read
    if "*" not in text or "&" not in text or text.lstrip().startswith("$ANSIBLE_VAULT"):
        return  # no aliases: nothing to expand
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return  # not YAML (INI, TOML) or broken: ansible-core names the error
    except RecursionError:
        raise InputError(Location(str(path)), "YAML nested too deeply; refused") from None
    for node in nodes:
        if node is None:
            continue
        memo: dict[int, int] = {}
        plain = _count_plain(node)
        try:
            _expanded(node, memo, plain + MAX_EXPANSION, str(path))
        except RecursionError:
            raise InputError(Location(str(path)), "YAML nested too deeply; refused") from None


def _count_plain(node: yaml.Node) -> int:
    """Distinct nodes in the composed document (what the file itself holds)."""
    import yaml

    seen: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            stack.extend(n for pair in current.value for n in pair)
    return len(seen)


def _is_plugin_config(path: Path) -> bool:
    import yaml

    if path.suffix not in (".yml", ".yaml"):
        return False
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return False
    return isinstance(data, Mapping) and "plugin" in data


def check_sources(sources: Sequence[str], data_only: bool) -> None:
    """Every check that runs before ansible-core parses ``sources``."""
    for source in sources:
        if is_host_list(source):
            continue
        for path in _files(Path(source)):
            in_vars = "group_vars" in path.parts or "host_vars" in path.parts
            if data_only and not in_vars:
                if os.access(path, os.X_OK):
                    raise InputError(
                        Location(str(path)), f"an inventory script runs code on this machine; refused ({DATA_ONLY})"
                    )
                if _is_plugin_config(path):
                    raise InputError(
                        Location(str(path), key="plugin"),
                        f"an inventory plugin runs code on this machine; refused ({DATA_ONLY})",
                    )
            check_alias_fanout(path)


def _strings(value: Any, trail: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield trail, value
    elif isinstance(value, Mapping):
        for k, v in value.items():
            yield from _strings(v, f"{trail}.{k}" if trail else str(k))
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            yield from _strings(v, f"{trail}[{i}]")


def check_data_only(host: str, hostvars: Mapping[str, Any], where: Any) -> None:
    """In data-only mode: no template in any value, no ProxyCommand in the SSH arguments."""
    for key in sorted(hostvars):
        if key in ("inventory_file", "inventory_dir"):
            continue
        value = hostvars[key]
        if type(value).__name__ in ("EncryptedString", "AnsibleVaultEncryptedUnicode"):
            continue  # vault ciphertext: decrypted, never templated, in data-only mode
        for trail, text in _strings(value, key):
            if _TEMPLATE.search(text):
                raise InputError(where(key, trail), f"a template runs code on this machine; refused ({DATA_ONLY})")
        proxy_key = key == "ansible_paramiko_proxy_command"
        if proxy_key or (key.startswith("ansible_") and key.endswith("_args")):
            danger = "proxycommand" if proxy_key else _dangerous_ssh_option(str(value))
            if danger == "proxycommand":
                raise InputError(
                    where(key, key), f"a ProxyCommand runs a command on this machine; refused ({DATA_ONLY})"
                )
            if danger:
                raise InputError(where(key, key), f"ssh {danger} runs code on this machine; refused ({DATA_ONLY})")


#: ssh options that run a command or load code on the controller (ssh_config(5)); -F/-I name such files
_CODE_OPTIONS = ("proxycommand", "localcommand", "permitlocalcommand", "knownhostscommand", "pkcs11provider",
                 "securitykeyprovider", "match")  # fmt: skip


def _dangerous_ssh_option(args: str) -> str:
    """The first ssh option in ``args`` that runs code here ('proxycommand', '-F', ...), or ''."""
    try:
        words = shlex.split(args)
    except ValueError:
        words = args.split()
    for i, word in enumerate(words):
        if word in ("-F", "-I") or (word.startswith(("-F", "-I")) and len(word) > 2):
            return f"option {word[:2]} (a config file or library)"
        text = words[i + 1] if word == "-o" and i + 1 < len(words) else word[2:] if word.startswith("-o") else ""
        name = re.split(r"[=\s]", text.strip(), maxsplit=1)[0].lower()
        if name in _CODE_OPTIONS:
            return name if name == "proxycommand" else f"option {name}"
    return ""


__all__ = ["MAX_EXPANSION", "check_alias_fanout", "check_data_only", "check_sources", "is_host_list"]
