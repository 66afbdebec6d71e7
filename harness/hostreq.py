"""Host requirements with their sources (catalog/requirements.yml) and the rule that judges a value.

The data is validated when it is loaded: an unknown operator, a rule without a value or an entry
without a source is refused, so no threshold enters a check without the document it comes from.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

OPS = ("eq", "ge", "le", "between", "fields_ge", "within", "ge_or_unlimited", "unlimited", "one_of", "mem_pct")
LISTS = ("page_size", "kernel_series", "os_arches", "loongarch_world", "package_manager")


class RequirementsError(ValueError):
    """catalog/requirements.yml is malformed."""


@dataclass(frozen=True)
class Rule:
    product: str
    key: str
    op: str
    value: Any
    source: str
    advisory: bool = False

    def wanted(self) -> str:
        """The requirement in words, e.g. ``>= 65536`` or ``= 250 6400000 1000 25600``."""
        v, op = self.value, self.op
        pair = isinstance(v, list) and len(v) == 2
        if op == "eq":
            return f"= {v}"
        if op in ("ge", "le"):
            return f"{'>=' if op == 'ge' else '<='} {v}"
        if op == "between" and pair:
            return f"{v[0]} .. {v[1]}"
        if op == "within" and pair:
            return f"inside {v[0]} .. {v[1]}"
        if op == "mem_pct" and pair:
            return f"{v[0]} % of MemTotal +- {v[1]} %"
        if op == "fields_ge" and isinstance(v, list):
            return "each field >= " + " ".join(str(x) for x in v)
        if op == "one_of" and isinstance(v, list):
            return " | ".join(str(x) for x in v)
        if op == "ge_or_unlimited":
            return f">= {v} or unlimited"
        if op == "unlimited":
            return "unlimited"
        return str(v)


def _num(text: str) -> int | None:
    text = text.strip()
    return int(text) if re.fullmatch(r"-?\d+", text) else None


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", text)[:3])


def _eq(v: str, want: Any, _mem: int | None) -> bool:
    return v == " ".join(str(want).split())


def _one_of(v: str, want: Any, _mem: int | None) -> bool:
    return v.lower() in {str(w).lower() for w in want}


def _unlimited(v: str, _want: Any, _mem: int | None) -> bool:
    return v == "unlimited"


def _ge_or_unlimited(v: str, want: Any, _mem: int | None) -> bool:
    if v == "unlimited":
        return True
    n = _num(v)
    return n is not None and n >= int(want)


def _compare(v: str, want: Any, ge: bool) -> bool:
    """``>=`` (ge) or ``<=`` a number, or a version when the wanted value is text ("3.6")."""
    if isinstance(want, str):
        if not re.search(r"\d", v):
            return False
        return _version(v) >= _version(want) if ge else _version(v) <= _version(want)
    if v == "unlimited":
        return ge
    n = _num(v)
    if n is None:
        return False
    return n >= int(want) if ge else n <= int(want)


def _ge(v: str, want: Any, _mem: int | None) -> bool:
    return _compare(v, want, ge=True)


def _le(v: str, want: Any, _mem: int | None) -> bool:
    return _compare(v, want, ge=False)


def _between(v: str, want: Any, _mem: int | None) -> bool:
    n = _num(v)
    return n is not None and int(want[0]) <= n <= int(want[1])


def _fields_ge(v: str, want: Any, _mem: int | None) -> bool:
    fields = [_num(f) for f in v.split()]
    if len(fields) < len(want) or any(f is None for f in fields):
        return False
    return all(f is not None and f >= int(w) for f, w in zip(fields, want, strict=False))


def _within(v: str, want: Any, _mem: int | None) -> bool:
    parts = [_num(f) for f in v.split()]
    if len(parts) != 2 or parts[0] is None or parts[1] is None:
        return False
    return int(want[0]) <= parts[0] <= parts[1] <= int(want[1])


def _mem_pct(v: str, want: Any, mem_total_kib: int | None) -> bool:
    n = _num(v)
    if n is None or not mem_total_kib:
        return False
    target = mem_total_kib * float(want[0]) / 100.0
    return abs(n - target) <= target * float(want[1]) / 100.0


#: how each operator judges a value (normalised text), the wanted value and the host's MemTotal in KiB
_JUDGES: dict[str, Callable[[str, Any, int | None], bool]] = {
    "eq": _eq,
    "one_of": _one_of,
    "unlimited": _unlimited,
    "ge_or_unlimited": _ge_or_unlimited,
    "ge": _ge,
    "le": _le,
    "between": _between,
    "fields_ge": _fields_ge,
    "within": _within,
    "mem_pct": _mem_pct,
}


def holds(rule: Rule, value: str, mem_total_kib: int | None = None) -> bool:
    """Whether ``value`` (the host's fact, as text) meets ``rule``."""
    judge = _JUDGES.get(rule.op)
    if judge is None:
        raise RequirementsError(f"unknown operator {rule.op!r}")
    return judge(" ".join(str(value).split()), rule.value, mem_total_kib)


def _check_rule(product: str, key: str, raw: Any) -> None:
    if not isinstance(raw, Mapping) or raw.get("op") not in OPS:
        raise RequirementsError(f"databases.{product}.params.{key}: op must be one of {', '.join(OPS)}")
    if raw["op"] != "unlimited" and "value" not in raw:
        raise RequirementsError(f"databases.{product}.params.{key}: no value")
    unknown = set(raw) - {"op", "value", "advisory"}
    if unknown:
        raise RequirementsError(f"databases.{product}.params.{key}: unknown keys {sorted(unknown)}")


@functools.cache
def document() -> dict[str, Any]:
    text = resources.files("harness").joinpath("catalog/requirements.yml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    validate(data)
    return dict(data)


def validate(data: Any) -> None:
    if not isinstance(data, Mapping):
        raise RequirementsError("requirements.yml: not a mapping")
    unknown = set(data) - set(LISTS) - {"databases"}
    if unknown:
        raise RequirementsError(f"requirements.yml: unknown sections {sorted(unknown)}")
    for name in LISTS:
        for i, entry in enumerate(data.get(name) or []):
            if not isinstance(entry, Mapping) or not entry.get("os") or not entry.get("source"):
                raise RequirementsError(f"{name}[{i}]: every entry needs os and source")
    for product, spec in (data.get("databases") or {}).items():
        if not isinstance(spec, Mapping) or not spec.get("source"):
            raise RequirementsError(f"databases.{product}: no source")
        for key, raw in (spec.get("params") or {}).items():
            _check_rule(product, key, raw)


def entries(section: str, os_lineage: Iterable[str]) -> list[Mapping[str, Any]]:
    """The section's entries for the nearest member of ``os_lineage`` that has any."""
    rows = document().get(section) or []
    for os_id in os_lineage:
        hits = [r for r in rows if str(r["os"]).lower() == os_id.lower()]
        if hits:
            return hits
    return []


def db_product(lineage: Sequence[str]) -> str | None:
    """The requirements entry (a catalog id) for a database's lineage, nearest first."""
    dbs = document().get("databases") or {}
    return next((p for p in lineage if p in dbs), None)


def db_rule(product: str, key: str) -> Rule | None:
    spec = (document().get("databases") or {}).get(product) or {}
    raw = (spec.get("params") or {}).get(key)
    if raw is None:
        return None
    notes = spec.get("notes") or {}
    source = str(notes.get(key) or spec["source"])
    return Rule(product, key, str(raw["op"]), raw.get("value"), source, bool(raw.get("advisory", False)))


def db_user(product: str) -> str | None:
    spec = (document().get("databases") or {}).get(product) or {}
    user = spec.get("os_user")
    return str(user) if user else None
