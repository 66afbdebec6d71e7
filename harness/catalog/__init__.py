"""The catalog: knowledge of CPUs, operating systems, databases, middleware and servers as data.

Each layer is one YAML file beside this module. An entry says how it is recognised, its English
and Chinese names and aliases, whether it is a Xinchuang component, lifecycle dates where known,
and the source of every fact. Recognition is a list of ``rules``; each rule is a ``when`` map
(signal name -> regular expression, all of which must fullmatch case-insensitively), a
``confidence`` (high, medium, low) and an optional ``note`` saying why the rule decides. The
shorthand ``match: {...}`` is one rule of high confidence. Signals are built by
:mod:`harness.catalog.signals`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.layers import BY_NAME, CATALOG_LAYERS

LAYERS = CATALOG_LAYERS  # the layers with a catalog file (harness.layers)

CONFIDENCE = {"high": 3, "medium": 2, "low": 1}
_KNOWN_KEYS = {
    "id",
    "family",
    "vendor",
    "name",
    "aliases",
    "xinchuang",
    "match",
    "rules",
    "confidence",
    "version_from",
    "version_regex",
    "arch",
    "lifecycle",
    "sources",
    "note",
}


@dataclass(frozen=True)
class Rule:
    when: Mapping[str, str]
    confidence: str = "high"
    note: str = ""

    def holds(self, signals: Mapping[str, str]) -> bool:
        for key, pattern in self.when.items():
            value = signals.get(key)
            if value is None or not re.fullmatch(pattern, value.strip(), re.IGNORECASE | re.DOTALL):
                return False
        return True

    @property
    def rank(self) -> tuple[int, int]:
        return CONFIDENCE.get(self.confidence, 0), len(self.when)


@dataclass(frozen=True)
class Entry:
    layer: str
    id: str
    vendor: Mapping[str, str]
    name: Mapping[str, str]
    xinchuang: bool
    rules: tuple[Rule, ...] = ()
    family: str | None = None
    aliases: tuple[str, ...] = ()
    version_from: str | None = None
    version_regex: str | None = None
    arch: str | None = None
    lifecycle: Mapping[str, Any] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def match(self) -> Mapping[str, str]:
        """The first rule's conditions (kept for callers of the one-rule catalog)."""
        return self.rules[0].when if self.rules else {}

    def matches(self, signals: Mapping[str, str]) -> bool:
        return self.best_rule(signals) is not None

    def best_rule(self, signals: Mapping[str, str]) -> Rule | None:
        holding = [r for r in self.rules if r.holds(signals)]
        return max(holding, key=lambda r: r.rank) if holding else None

    def names(self) -> set[str]:
        """Every name the entry answers to, lower-cased: id, names, aliases."""
        return {n.strip().lower() for n in (self.id, *self.name.values(), *self.aliases) if n}

    def version(self, signals: Mapping[str, str]) -> str | None:
        """The version the entry's ``version_from`` signal(s) show, cut by ``version_regex``."""
        if not self.version_from:
            return None
        # ``a|b``: the first of several signals that is present
        value = next((signals[k] for k in self.version_from.split("|") if signals.get(k)), None)
        if value is None:
            return None
        if self.version_regex:
            m = re.search(self.version_regex, value, re.IGNORECASE)
            if not m:
                return None
            return (m.groupdict().get("v") or m.group(m.lastindex or 0)).strip()
        return value.strip() or None


@dataclass(frozen=True)
class Match:
    entry: Entry
    rule: Rule


class CatalogError(ValueError):
    """A catalog file is malformed (a packaging defect, caught by the catalog tests)."""


def _rules(layer: str, raw: Mapping[str, Any], check: bool = True) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    if raw.get("match"):
        rules.append(Rule({str(k): str(v) for k, v in raw["match"].items()}, str(raw.get("confidence", "high"))))
    for r in raw.get("rules") or ():
        when = {str(k): str(v) for k, v in (r.get("when") or {}).items()}
        if not when:
            raise CatalogError(f"{layer}.yml: {raw.get('id')}: a rule without conditions")
        rules.append(Rule(when, str(r.get("confidence", "high")), str(r.get("note", ""))))
    for rule in rules if check else ():
        if rule.confidence not in CONFIDENCE:
            raise CatalogError(f"{layer}.yml: {raw.get('id')}: confidence {rule.confidence!r}")
        for pattern in rule.when.values():
            try:
                re.compile(pattern)
            except re.error as exc:
                raise CatalogError(f"{layer}.yml: {raw.get('id')}: bad pattern {pattern!r}: {exc}") from None
    return tuple(rules)


def _entry(layer: str, raw: Mapping[str, Any], check: bool = True) -> Entry:
    if not raw.get("id") or not raw.get("name") or not raw.get("sources"):
        raise CatalogError(f"{layer}.yml: every entry needs id, name and sources: {raw!r:.80}")
    return Entry(
        layer=layer,
        id=str(raw["id"]),
        vendor={str(k): str(v) for k, v in (raw.get("vendor") or {}).items()},
        name={str(k): str(v) for k, v in raw["name"].items()},
        xinchuang=bool(raw.get("xinchuang", False)),
        rules=_rules(layer, raw, check),
        family=str(raw["family"]) if raw.get("family") else None,
        aliases=tuple(str(a) for a in raw.get("aliases") or ()),
        version_from=raw.get("version_from"),
        version_regex=raw.get("version_regex"),
        arch=raw.get("arch"),
        lifecycle=dict(raw.get("lifecycle") or {}),
        sources=tuple(str(s) for s in raw["sources"]),
        extra={k: v for k, v in raw.items() if k not in _KNOWN_KEYS},
    )


@functools.cache
def _parsed(layer: str) -> tuple[bytes, dict[str, Any], bool]:
    """A layer's YAML file: its bytes, its data, and whether that data was compiled (and checked) before.

    The compiled form (:mod:`harness.catalog.compiled`, keyed by the file's SHA-256) spares the YAML
    parser and the pattern checks; without it, libyaml's loader when present (ten times faster).
    """
    from harness.catalog import compiled

    entry = BY_NAME.get(layer)
    if entry is None or entry.catalog is None:
        return b"", {}, True
    ref = Path(__file__).with_name(entry.catalog)  # the package's own files (importlib.resources costs 10 ms)
    if not ref.is_file():
        return b"", {}, True
    raw = ref.read_bytes()
    cached = compiled.read(raw)
    if cached is not None:
        return raw, cached, True
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(raw.decode("utf-8"), Loader=loader)
    return raw, data if isinstance(data, dict) else {}, False


def _document(layer: str) -> dict[str, Any]:
    """A layer's YAML file, parsed once."""
    return _parsed(layer)[1]


@functools.cache
def load(layer: str) -> tuple[Entry, ...]:
    """Entries of one layer, in file order; a layer with no file is empty."""
    from harness.catalog import compiled

    raw, doc, checked = _parsed(layer)
    entries = tuple(_entry(layer, item, check=not checked) for item in doc.get("entries", []))
    if not checked:
        compiled.write(raw, doc)  # only a catalog whose every entry was checked is kept compiled
    return entries


def table(layer: str, name: str) -> Mapping[str, Any]:
    """A lookup table kept beside a layer's entries (``tables: {name: ...}``)."""
    return dict((_document(layer).get("tables") or {}).get(name) or {})


def best(layer: str, signals: Mapping[str, str]) -> Match | None:
    """The entry whose best holding rule ranks highest (confidence, then number of conditions).

    Ties keep file order, so a catalog lists the specific before the generic.
    """
    found: Match | None = None
    for entry in load(layer):
        rule = entry.best_rule(signals)
        if rule is not None and (found is None or rule.rank > found.rule.rank):
            found = Match(entry, rule)
    return found


def best_match(layer: str, signals: Mapping[str, str]) -> Entry | None:
    """The most specific entry of ``layer`` whose rules hold, or None."""
    m = best(layer, signals)
    return m.entry if m else None


def get(layer: str, entry_id: str) -> Entry | None:
    return next((e for e in load(layer) if e.id == entry_id), None)


def find(layer: str, key: str) -> Entry | None:
    """An entry by id, name or alias (case-insensitive), for declared stacks."""
    wanted = key.strip().lower()
    return next((e for e in load(layer) if wanted in e.names()), None)


def lineage(entry: Entry) -> list[str]:
    """The entry's id and the ids of its families, nearest first (``phytium-d2000``, ``phytium``)."""
    ids, current, seen = [entry.id], entry, {entry.id}
    while current.family and current.family not in seen:
        ids.append(current.family)
        seen.add(current.family)
        parent = get(entry.layer, current.family)
        if parent is None:
            break
        current = parent
    return ids
