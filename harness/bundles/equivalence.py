"""Equivalence rules (data: equivalence.yml beside this module): when a tested result stands for an
untested combination. A cell inherited by a rule names the rule and the run; it is never shown as tested.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

from harness.bundles.definition import LAYERS, Accepted, parse_version
from harness.bundles.yamlmarks import dotted, line_of, load_with_lines
from harness.errors import InputError, Location

RULES_FILE = Path(__file__).resolve().parent / "equivalence.yml"
RELATIONS = ("same_major",)
_KEYS = {"id", "title", "layer", "relation", "applies_to", "rationale", "source"}


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    layer: str
    relation: str
    applies_to: tuple[str, ...]
    rationale: str
    source: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "layer": self.layer,
            "relation": self.relation,
            "rationale": self.rationale,
            "source": self.source,
        }

    def inherit(self, want: Accepted, lineage: list[str], version: str | None) -> str | None:
        """The version label a tested component (lineage, version) lends to ``want``, or None."""
        if want.layer != self.layer or want.id not in lineage or not any(a in lineage for a in self.applies_to):
            return None
        spec = want.spec
        tested = parse_version(version)
        if spec is None or tested is None:
            return None
        for item in spec:
            try:
                candidate = Version(item.version.rstrip(".*"))
            except InvalidVersion:
                continue
            if candidate.major == tested.major and spec.contains(candidate, prereleases=True):
                return want.versions
        return None


def load_rules(path: Path = RULES_FILE) -> tuple[Rule, ...]:
    """Read and check a rules file; an InputError names file, line and key."""
    data, lines = load_with_lines(path, "equivalence rules")

    def bad(where: tuple[str | int, ...], message: str) -> InputError:
        return InputError(Location(str(path), line_of(lines, where), dotted(where) or None), message)

    if not isinstance(data, dict) or data.get("schema") != "xcert-equivalence/1":
        raise bad(("schema",), "must be xcert-equivalence/1")
    unknown = sorted(set(data) - {"schema", "rules"})
    if unknown:
        raise bad((unknown[0],), "unknown key")
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or len(raw_rules) > 200:
        raise bad(("rules",), "must be a list of at most 200 rules")
    rules = []
    for i, raw in enumerate(raw_rules):
        if not isinstance(raw, dict):
            raise bad(("rules", i), "must be a mapping")
        extra = sorted(set(raw) - _KEYS)
        if extra:
            raise bad(("rules", i, extra[0]), "unknown key")
        for key in sorted(_KEYS):
            if key == "applies_to":
                ok = isinstance(raw.get(key), list) and all(isinstance(x, str) for x in raw[key])
            else:
                ok = isinstance(raw.get(key), str) and bool(raw[key].strip())
            if not ok:
                raise bad(("rules", i, key), "missing or not a " + ("list of ids" if key == "applies_to" else "text"))
        if raw["layer"] not in LAYERS:
            raise bad(("rules", i, "layer"), f"unknown layer {raw['layer']!r}")
        if raw["relation"] not in RELATIONS:
            raise bad(("rules", i, "relation"), f"unknown relation {raw['relation']!r} (known: {', '.join(RELATIONS)})")
        rules.append(
            Rule(
                id=raw["id"],
                title=raw["title"],
                layer=raw["layer"],
                relation=raw["relation"],
                applies_to=tuple(raw["applies_to"]),
                rationale=" ".join(raw["rationale"].split()),
                source=raw["source"],
            )
        )
    return tuple(rules)


@functools.cache
def default_rules() -> tuple[Rule, ...]:
    return load_rules()
