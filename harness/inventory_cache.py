"""A cache of resolved inventories that never answers from stale inputs.

Importing ansible-core and resolving an inventory costs about 0.35 s per run, most of a one-host
``xcert identify``. The host specs ansible-core resolved are kept, keyed by a SHA-256 of **every input
the resolution reads**, and used again only when that key is the same. The key covers:

- the options (sources as given and as absolute paths, ``--limit``, ``--inventory-data-only``,
  ``--accept-new-host-keys``), the working directory and its mode (Ansible reads ``./ansible.cfg`` and
  ``./group_vars`` from it, and skips a world-writable one's ``ansible.cfg``);
- the bytes of every inventory file, of every file under the ``group_vars/`` and ``host_vars/``
  beside each inventory file and in the working directory (and whether those folders exist), and of
  every ``ansible.cfg`` Ansible may read (``$ANSIBLE_CONFIG``, ``./ansible.cfg``, ``~/.ansible.cfg``,
  ``/etc/ansible/ansible.cfg``), present or absent;
- every ``ANSIBLE_*`` and ``XCERT_*`` environment variable, ``HOME``, ``USER`` and ``LOGNAME``;
- the Python version, ansible-core's ``release.py`` and the size and time of every file of the
  ``harness`` package (the resolution's own code).

Where no key can prove freshness, nothing is cached and ansible-core resolves the inventory as
always: with no ``-i`` (ansible.cfg's inventory), an inventory folder, script, plugin (``plugin:``) or
``ssh://`` target; any templating or variable expansion (``{{``, ``{%``, ``{#``, ``$``: a lookup or an
environment variable can change without any file changing); any vault data or vault password file;
a host with a secret (passwords, ``password_env``); plugins other than ansible-core's own configured or
installed (``*_plugins``, collections paths, ``~/.ansible/plugins``, ``/usr/share/ansible/plugins``);
more than :data:`MAX_FILES` input files or :data:`MAX_BYTES` of them. A failed resolution is never
cached. ``XCERT_INVENTORY_CACHE=off`` turns the cache off. Entries live in
``$XCERT_CACHE_DIR`` (default ``$XDG_CACHE_HOME/xcert`` or ``~/.cache/xcert``) under ``inventory/``,
mode 0600, and are ignored unless they are the user's own, not writable by others, and read back whole.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import stat
import sys
from collections.abc import Mapping, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

CACHE_FORMAT = 1
#: input files (inventory, group_vars, host_vars, ansible.cfg) beyond which nothing is cached
MAX_FILES = 2000
MAX_BYTES = 16 * 1024 * 1024
#: entries kept; the oldest go first
MAX_ENTRIES = 64
SWITCH = "XCERT_INVENTORY_CACHE"
_ENV_EXTRA = ("HOME", "USER", "LOGNAME")
#: text that means the value depends on more than the files: templating, expansion, vault
_DYNAMIC = re.compile(rb"\{\{|\{%|\{#|\$|!vault|ANSIBLE_VAULT")
#: a YAML inventory that names an inventory plugin (the plugin decides what it reads)
_PLUGIN = re.compile(rb"^\s*plugin\s*:", re.MULTILINE)
#: settings that bring in code or data from elsewhere (plugins, collections, vault)
_FOREIGN = re.compile(r"plugin|collection|vault|_enabled", re.IGNORECASE)
_PLUGIN_DIRS = ("~/.ansible/plugins", "/usr/share/ansible/plugins")
_HARNESS = Path(__file__).resolve().parent


class NotCacheable(Exception):
    """Why this resolution cannot be proven fresh from its inputs (it is resolved afresh)."""


def enabled() -> bool:
    return os.environ.get(SWITCH, "").strip().lower() not in {"0", "off", "no", "false"}


def cache_dir() -> Path:
    from harness.cache_files import cache_root

    return cache_root() / "inventory"


class _Hasher:
    def __init__(self) -> None:
        self.digest = hashlib.sha256(f"xcert-inventory-cache {CACHE_FORMAT}\n".encode())
        self.files = 0
        self.bytes = 0

    def item(self, *parts: object) -> None:
        self.digest.update(json.dumps([str(p) for p in parts]).encode() + b"\n")

    def content(self, label: str, path: Path) -> bytes | None:
        """Hash a file's bytes (or its absence); refuse dynamic text."""
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            self.item(label, path, "absent")
            return None
        except OSError as exc:
            raise NotCacheable(f"{path}: {exc.strerror or exc}") from None
        self.files += 1
        self.bytes += len(data)
        if self.files > MAX_FILES or self.bytes > MAX_BYTES:
            raise NotCacheable("too many or too large input files")
        if _DYNAMIC.search(data):
            raise NotCacheable(f"{path}: templating, variable expansion or vault data")
        self.item(label, path, len(data))
        self.digest.update(hashlib.sha256(data).digest())
        return data

    def tree(self, label: str, path: Path) -> None:
        """Hash a folder's every file, in a fixed order (group_vars/, host_vars/), or its absence."""
        try:
            st = path.stat()
        except FileNotFoundError:
            self.item(label, path, "absent")
            return
        except OSError as exc:
            raise NotCacheable(f"{path}: {exc.strerror or exc}") from None
        if not stat.S_ISDIR(st.st_mode):
            self.content(label, path)
            return
        self.item(label, path, "dir")
        for root, dirs, files in os.walk(path, followlinks=True):
            dirs.sort()
            self.item(label, "dirs", root, *dirs)
            for name in sorted(files):
                self.content(label, Path(root) / name)


def _config_candidates(cwd: Path) -> list[Path]:
    paths = []
    env = os.environ.get("ANSIBLE_CONFIG")
    if env:
        p = Path(env).expanduser()
        paths.append(p / "ansible.cfg" if p.is_dir() else p)
    return [*paths, cwd / "ansible.cfg", Path("~/.ansible.cfg").expanduser(), Path("/etc/ansible/ansible.cfg")]


def _code(h: _Hasher) -> None:
    h.item("python", sys.version, sys.executable)
    spec = importlib.util.find_spec("ansible")
    if spec is None or not spec.origin:
        raise NotCacheable("ansible-core is not installed")
    release = Path(spec.origin).parent / "release.py"
    h.item("ansible", release, release.read_bytes() if release.is_file() else "absent")
    h.digest.update(_code_listing(str(_HARNESS)).encode("utf-8", "surrogateescape"))


def _code_listing(top: str) -> str:
    """Every file under ``top`` (``__pycache__`` aside) with its size and time, in a fixed order: one string.

    ``os.scandir`` and one hash update instead of a walk and a JSON line per file: 1.3 ms instead of 2.2 ms
    for the ~300 files of the harness package, the same files and the same facts about each (as ``os.walk``
    did: a symlinked folder is not entered, a symlinked file is stat'ed through the link).
    """
    out: list[str] = []
    pending = [top]
    while pending:
        folder = pending.pop()
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
        subfolders = []
        for entry in entries:
            if entry.is_dir(follow_symlinks=True):
                if entry.name != "__pycache__" and not entry.is_symlink():
                    subfolders.append(entry.path)
                continue
            try:
                st = entry.stat(follow_symlinks=True)
            except OSError as exc:
                raise NotCacheable(f"{entry.path}: {exc.strerror or exc}") from None
            out.append(f"code\0{entry.path}\0{st.st_size}\0{st.st_mtime_ns}\n")
        pending.extend(reversed(subfolders))  # a folder's files, then its sub-folders in name order (as os.walk)
    return "".join(out)


def _environment(h: _Hasher) -> None:
    for name in sorted(os.environ):
        if name in (SWITCH, "XCERT_CACHE_DIR"):
            continue
        if name.startswith(("ANSIBLE_", "XCERT_")) or name in _ENV_EXTRA:
            value = os.environ[name]
            if name.startswith("ANSIBLE_") and _FOREIGN.search(name):
                raise NotCacheable(f"environment {name}: plugins, collections or vault")
            if _DYNAMIC.search(value.encode("utf-8", "surrogateescape")):
                raise NotCacheable(f"environment {name}: templating or variable expansion")
            h.item("env", name, value)


def _plugins_installed() -> None:
    for base in _PLUGIN_DIRS:
        root = Path(base).expanduser()
        if root.is_dir() and any(files for _, _, files in os.walk(root)):
            raise NotCacheable(f"{root}: plugins beside ansible-core's own")


def _sources(h: _Hasher, sources: Sequence[str], cwd: Path) -> list[Path]:
    """Hash each source; the folders whose group_vars/ and host_vars/ Ansible reads."""
    from harness.inventory_guard import is_host_list
    from harness.inventory_targets import is_target

    bases = [cwd]
    for name in sources:
        if is_target(name):
            raise NotCacheable(f"{name}: an ssh:// target")
        if is_host_list(name):
            if _DYNAMIC.search(name.encode()):
                raise NotCacheable("host list with templating")
            h.item("hostlist", name)
            continue
        path = Path(name).expanduser().absolute()
        try:
            st = path.stat()
        except OSError:
            raise NotCacheable(f"{name}: not found") from None  # ansible-core names the problem
        if not stat.S_ISREG(st.st_mode) or st.st_mode & 0o111:
            raise NotCacheable(f"{name}: a folder or a script")
        data = h.content("source", path)
        if data is not None and _PLUGIN.search(data):
            raise NotCacheable(f"{name}: an inventory plugin")
        h.item("source-as-given", name)
        bases += [path.parent, path.resolve().parent]  # ansible-core reads group_vars beside the real path
    return bases


def key_for(
    sources: Sequence[str], limit: str | None, options: Mapping[str, object], vault_password_file: Path | None
) -> str:
    """The cache key of one resolution; raises :class:`NotCacheable` when freshness cannot be proven."""
    if not enabled():
        raise NotCacheable(f"{SWITCH} is off")
    if not sources:
        raise NotCacheable("no -i: ansible.cfg names the inventory")
    if vault_password_file is not None:
        raise NotCacheable("a vault password file")
    if limit and "@" in limit:
        raise NotCacheable("--limit names a file")
    h = _Hasher()
    cwd = Path.cwd().resolve()
    h.item("cwd", cwd, stat.S_IMODE(cwd.stat().st_mode))
    h.item("options", limit, *sorted(f"{k}={v}" for k, v in options.items()))
    _environment(h)
    _plugins_installed()
    for cfg in _config_candidates(cwd):
        data = h.content("config", cfg)
        if data is not None and _FOREIGN.search(data.decode("utf-8", "replace")):
            raise NotCacheable(f"{cfg}: plugins, collections or vault")
    bases = _sources(h, sources, cwd)
    for base in dict.fromkeys(bases):
        h.tree("group_vars", base / "group_vars")
        h.tree("host_vars", base / "host_vars")
    _code(h)
    return h.digest.hexdigest()


# ---------------------------------------------------------------------------------- entries


def _spec_fields() -> tuple[str, ...]:
    from harness.inventory import HostSpec

    return tuple(f.name for f in fields(HostSpec))


def _encode(specs: Sequence[Any]) -> list[dict[str, Any]]:
    return [{name: getattr(spec, name) for name in _spec_fields()} for spec in specs]


def _decode(rows: Any) -> list[Any]:
    from harness.inventory import HostSpec

    names = _spec_fields()
    if not isinstance(rows, list):
        raise ValueError("not a list")
    out = []
    for row in rows:
        if not isinstance(row, dict) or set(row) != set(names):
            raise ValueError("not a host spec")
        for key in ("db_targets", "services", "mw_targets"):
            row[key] = tuple(dict(t) for t in row[key])
        row["ports"] = tuple(row["ports"])
        out.append(HostSpec(**row))
    return out


def cacheable(specs: Sequence[Any]) -> bool:
    """Specs with secrets are never written to disk; nor those that do not read back equal."""
    for spec in specs:
        if spec.secrets or any(t.get("password_env") for t in spec.db_targets):
            return False
    try:
        return _decode(json.loads(json.dumps(_encode(specs)))) == list(specs)
    except (TypeError, ValueError):
        return False


def lookup(key: str) -> list[Any] | None:
    from harness.cache_files import drop_entry, read_entry

    path = cache_dir() / f"{key}.json"
    data = read_entry(path)
    if data is None:
        return None
    try:
        doc = json.loads(data)
        if not isinstance(doc, dict) or doc.get("format") != CACHE_FORMAT or doc.get("key") != key:
            raise ValueError("not an entry of this format")
        return _decode(doc["specs"])
    except (ValueError, KeyError, TypeError):
        drop_entry(path)
        return None


def store(key: str, specs: Sequence[Any]) -> bool:
    """Keep ``specs`` under ``key``; False when they may not be kept (secrets, or not read back equal)."""
    from harness.cache_files import write_entry

    if not cacheable(specs):
        return False
    doc = {"format": CACHE_FORMAT, "key": key, "specs": _encode(specs)}
    return write_entry(cache_dir() / f"{key}.json", json.dumps(doc).encode(), keep=MAX_ENTRIES)


__all__ = ["NotCacheable", "cache_dir", "cacheable", "enabled", "key_for", "lookup", "store"]
