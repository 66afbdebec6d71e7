"""ansible-core's plugin routing table, parsed once per content instead of once per process.

The first plugin ansible-core looks up (the inventory's ``yaml`` or ``ini`` plugin, the ``ssh``
connection) makes its collection loader read ``ansible/config/ansible_builtin_runtime.yml``: 370 KB of
YAML, about 100 ms of CPU in every ``xcert identify`` or ``certify`` that resolves an inventory, more
than the inventory itself. ansible-core reads it through one function,
``ansible.utils.collection_loader._collection_finder._meta_yml_to_dict(data, content_id)``, which its
own docstring says "may be monkeypatched to another implementation ... to allow other implementations to
cache the output". :func:`install` wraps it: the result is kept as JSON under the cache folder
(:mod:`harness.cache_files`, ``ansible-meta/``), keyed by a SHA-256 of ansible-core's version, this
module's format and the very bytes handed in, so it is used again only for the same bytes; a result
that does not read back equal from JSON is never kept. ansible-core still decides everything (which
plugin, which redirect): only the parse of its own data file is skipped. ``XCERT_ANSIBLE_META_CACHE=off``
turns this off.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

FORMAT = 1
SWITCH = "XCERT_ANSIBLE_META_CACHE"
#: entries kept (one per ansible-core version and collection metadata file)
MAX_ENTRIES = 16
_MARK = "_xcert_memo"


def enabled() -> bool:
    return os.environ.get(SWITCH, "").strip().lower() not in {"0", "off", "no", "false"}


def cache_dir() -> Path:
    from harness.cache_files import cache_root

    return cache_root() / "ansible-meta"


def _key(version: str, data: bytes) -> str:
    digest = hashlib.sha256(f"xcert-ansible-meta {FORMAT} {version}\n".encode())
    digest.update(data)
    return digest.hexdigest()


def memoized(original: Callable[[Any, Any], Any], version: str) -> Callable[[Any, Any], Any]:
    """``original`` (ansible-core's ``_meta_yml_to_dict``) with its results kept by the bytes it parsed."""
    from harness.cache_files import read_entry, write_entry

    def meta_yml_to_dict(yaml_string_data: Any, content_id: Any) -> Any:
        if not isinstance(yaml_string_data, bytes | str) or not enabled():
            return original(yaml_string_data, content_id)
        data = (
            yaml_string_data.encode("utf-8", "surrogateescape")
            if isinstance(yaml_string_data, str)
            else yaml_string_data
        )
        path = cache_dir() / f"{_key(version, data)}.json"
        kept = read_entry(path)
        if kept is not None:
            try:
                doc = json.loads(kept)
            except ValueError:
                doc = None
            if isinstance(doc, dict):
                return doc
        result = original(yaml_string_data, content_id)
        try:
            text = json.dumps(result)
            if json.loads(text) == result:  # plain data only (the BaseLoader's dicts, lists and strings)
                write_entry(path, text.encode(), keep=MAX_ENTRIES)
        except (TypeError, ValueError):
            pass
        return result

    setattr(meta_yml_to_dict, _MARK, True)
    return meta_yml_to_dict


def install() -> bool:
    """Wrap ansible-core's routing-metadata parser (once); False when off or this ansible-core has none to wrap."""
    if not enabled():
        return False
    try:
        from ansible.release import __version__ as version
        from ansible.utils.collection_loader import _collection_finder as finder
    except ImportError:
        return False
    original = getattr(finder, "_meta_yml_to_dict", None)
    if original is None or not callable(original):
        return False
    if not getattr(original, _MARK, False):
        finder._meta_yml_to_dict = memoized(original, version)
    return True


__all__ = ["SWITCH", "cache_dir", "enabled", "install", "memoized"]
