"""The catalog: knowledge of CPUs, operating systems, databases, middleware and servers as data.

Each layer is one YAML file beside this module. An entry says how it is recognised (``match``:
signal name -> regular expression, all of which must fullmatch case-insensitively), its English
and Chinese names, whether it is a Xinchuang component, and its sources.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

LAYERS = ("cpu", "os", "db", "middleware", "server")


@dataclass(frozen=True)
class Entry:
    layer: str
    id: str
    vendor: Mapping[str, str]
    name: Mapping[str, str]
    xinchuang: bool
    match: Mapping[str, str]
    version_from: str | None = None
    sources: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    def matches(self, signals: Mapping[str, str]) -> bool:
        for key, pattern in self.match.items():
            value = signals.get(key)
            if value is None or not re.fullmatch(pattern, value.strip(), re.IGNORECASE):
                return False
        return True


@functools.cache
def load(layer: str) -> tuple[Entry, ...]:
    """Entries of one layer, in file order; a layer with no file is empty."""
    ref = resources.files("harness.catalog").joinpath(f"{layer}.yml")
    if not ref.is_file():
        return ()
    data = yaml.safe_load(ref.read_text(encoding="utf-8")) or {}
    known = {"id", "vendor", "name", "xinchuang", "match", "version_from", "sources"}
    entries = []
    for raw in data.get("entries", []):
        entries.append(
            Entry(
                layer=layer,
                id=str(raw["id"]),
                vendor=dict(raw.get("vendor") or {}),
                name=dict(raw.get("name") or {}),
                xinchuang=bool(raw.get("xinchuang", False)),
                match={str(k): str(v) for k, v in (raw.get("match") or {}).items()},
                version_from=raw.get("version_from"),
                sources=tuple(raw.get("sources") or ()),
                extra={k: v for k, v in raw.items() if k not in known},
            )
        )
    return tuple(entries)


def best_match(layer: str, signals: Mapping[str, str]) -> Entry | None:
    """The most specific entry of ``layer`` whose rules all hold, or None."""
    candidates = [e for e in load(layer) if e.match and e.matches(signals)]
    if not candidates:
        return None
    return max(candidates, key=lambda e: len(e.match))


def find(layer: str, key: str) -> Entry | None:
    """An entry by id or by any of its names (case-insensitive), for declared stacks."""
    wanted = key.strip().lower()
    for entry in load(layer):
        names = {entry.id.lower(), *(n.lower() for n in entry.name.values())}
        names |= {str(a).lower() for a in entry.extra.get("aliases", [])}
        if wanted in names:
            return entry
    return None
