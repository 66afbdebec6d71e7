"""What a check is: metadata on a pytest test, and the context a check talks to while it runs.

Plain Python, no pytest import: suites import this, the plugin reads it.

    @check("XC-OS-001", layer="os", severity="mandatory",
           title=N_("Operating system identified"),
           requirement=N_("..."), remedy=N_("..."))
    def test_os_identified(identity: dict[str, Component], xc: CheckContext) -> None: ...
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn, TypeVar

from harness.layers import LAYER_CODES, LAYERS
from harness.outcomes import Severity

F = TypeVar("F", bound=Callable[..., Any])

PROFILES = ("quick", "full", "disruptive")
#: units a measurement may carry; each is translated in the catalogs (reports show "65536 bytes")
UNITS = ("bytes", "KiB", "MiB", "GiB", "count", "bool", "s", "ms", "tps", "%", "MB/s")
DEFAULT_CHECK_TIMEOUT_S = 300.0


def N_(message: str) -> str:
    """Mark a string for the translation catalogs; returns it unchanged (English is the msgid)."""
    return message


@dataclass(frozen=True)
class CheckMeta:
    id: str
    layer: str
    severity: Severity
    title: str
    requirement: str
    remedy: str
    #: profiles that run the check; others record it as skipped
    profiles: tuple[str, ...] = ("quick", "full", "disruptive")
    #: selector over the detected stack: {"arch": ["aarch64"], "declared.cpu": ["*"]}
    applies_to: Mapping[str, Sequence[str]] = field(default_factory=dict)
    #: the whole check, commands included, may take this long before it is `error: timeout`
    timeout_s: float = DEFAULT_CHECK_TIMEOUT_S
    #: where the requirement comes from (a document, a clause, a vendor guide): shown in the test plan
    source: str = ""
    #: free-form labels reports and selection use instead of id ranges: {"sql-feature", "mlps"}
    tags: frozenset[str] = frozenset()
    #: identity and consistency checks cannot be waived: a waiver for one is refused
    waivable: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "layer": self.layer,
            "severity": str(self.severity),
            "title": self.title,
            "requirement": self.requirement,
            "remedy": self.remedy,
            "profiles": list(self.profiles),
            "applies_to": {k: list(v) for k, v in self.applies_to.items()},
            "timeout_s": self.timeout_s,
            "source": self.source,
            "tags": sorted(self.tags),
            "waivable": self.waivable,
        }


def check(
    check_id: str,
    *,
    layer: str,
    severity: str,
    title: str,
    requirement: str,
    remedy: str,
    profiles: Sequence[str] = ("quick", "full", "disruptive"),
    applies_to: Mapping[str, Sequence[str]] | None = None,
    timeout_s: float = DEFAULT_CHECK_TIMEOUT_S,
    source: str = "",
    tags: Sequence[str] = (),
    waivable: bool = True,
) -> Callable[[F], F]:
    """Declare a pytest test as a certification check."""
    if layer not in LAYERS:
        raise ValueError(f"{check_id}: unknown layer {layer!r}")
    if not check_id.startswith(f"XC-{LAYER_CODES[layer]}-"):
        raise ValueError(f"{check_id}: id must start with XC-{LAYER_CODES[layer]}-")
    unknown = set(profiles) - set(PROFILES)
    if unknown:
        raise ValueError(f"{check_id}: unknown profiles {sorted(unknown)}")
    meta = CheckMeta(
        id=check_id,
        layer=layer,
        severity=Severity(severity),
        title=title,
        requirement=requirement,
        remedy=remedy,
        profiles=tuple(profiles),
        applies_to=dict(applies_to or {}),
        timeout_s=float(timeout_s),
        source=source,
        tags=frozenset(tags),
        waivable=waivable,
    )

    def mark(fn: F) -> F:
        fn.xcert_check = meta  # type: ignore[attr-defined]
        return fn

    return mark


def not_applicable_reason(
    meta: CheckMeta, stack: Mapping[str, str | Sequence[str] | None]
) -> tuple[str, dict[str, Any]] | None:
    """None when the check applies to ``stack``; otherwise why not, as a message key and parameters.

    ``stack`` is flat: ``{"arch": "aarch64", "os": ["kylin-server-v10-sp3", "kylin-server-v10"],
    "declared.cpu": None}``; a list holds a catalog id and its families. A selector value
    ``"*"`` means "present". ``selector`` is what the key names in words (harness.terms.SELECTORS),
    which reports translate.
    """
    from harness.terms import selector_words

    for key, allowed in meta.applies_to.items():
        raw = stack.get(key)
        values = [raw] if isinstance(raw, str) else list(raw or [])
        if "*" in allowed:
            if not values:
                return N_("Does not apply: not known or not declared: {selector}"), {"selector": selector_words(key)}
            continue
        wanted = {a.lower() for a in allowed}
        if not any(v.lower() in wanted for v in values):
            return N_("Does not apply: {selector} is {value}, the check applies to {allowed}"), {
                "selector": selector_words(key),
                "value": values[0] if values else "unknown",
                "allowed": ", ".join(allowed),
            }
    return None


def applies(meta: CheckMeta, stack: Mapping[str, str | Sequence[str] | None]) -> str | None:
    """None when the check applies to ``stack``; otherwise the reason it does not, in English."""
    reason = not_applicable_reason(meta, stack)
    return render(*reason) if reason else None


class CheckFailed(AssertionError):
    """The requirement does not hold; carries a translatable message."""

    def __init__(self, key: str, params: Mapping[str, Any]) -> None:
        self.key = key
        self.params = dict(params)
        super().__init__(render(key, self.params))


class CheckTimeout(Exception):
    """The check as a whole ran past its timeout."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"timeout after {seconds:g} s")


class NotApplicable(Exception):
    """The detected stack does not call for this check."""

    def __init__(self, key: str, params: Mapping[str, Any]) -> None:
        self.key = key
        self.params = dict(params)
        super().__init__(render(key, self.params))


_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def render(key: str, params: Mapping[str, Any], _depth: int = 0) -> str:
    """``key`` with its ``{name}`` (or ``{name!r}``) fields filled in; anything else is left as it is.

    A parameter that is itself a message (``{"key", "args"}``, harness.terms.message) is rendered first,
    two levels deep at most. Keys and parameters may come from a journal someone edited: no attribute or
    item access, no format spec (``{x:99999999}`` would allocate that much), so a message costs what its
    text does.
    """
    try:
        fields = list(string.Formatter().parse(key))
    except ValueError:
        return key
    for _, name, spec, conversion in fields:
        if name is not None and (not _FIELD.match(name) or spec or conversion not in (None, "r", "s")):
            return key
    values = {
        name: render(v["key"], v.get("args") or {}, _depth + 1)
        if _depth < 2 and isinstance(v, dict) and isinstance(v.get("key"), str) and isinstance(v.get("args") or {}, dict)
        else v
        for name, v in params.items()
    }
    try:
        return key.format(**values)
    except (KeyError, IndexError, ValueError):
        return key


@dataclass
class CheckContext:
    """What a running check reports besides its outcome: message, measurements, evidence."""

    meta: CheckMeta
    message_key: str = ""
    message_args: dict[str, Any] = field(default_factory=dict)
    measurements: dict[str, dict[str, Any]] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)

    def note(self, key: str, /, **params: Any) -> None:
        """Set the check's message (shown whatever the outcome)."""
        self.message_key, self.message_args = key, params

    def measure(self, name: str, value: Any, unit: str) -> None:
        if unit not in UNITS:
            raise ValueError(f"unit {unit!r} is not one of {UNITS} (add it there and to the catalogs)")
        self.measurements[name] = {"value": value, "unit": unit}

    def fail(self, key: str, /, **params: Any) -> NoReturn:
        """The requirement does not hold."""
        self.note(key, **params)
        raise CheckFailed(key, params)

    def not_applicable(self, key: str, /, **params: Any) -> NoReturn:
        self.note(key, **params)
        raise NotApplicable(key, params)

    def link(self, *refs: str) -> None:
        for ref in refs:
            if ref not in self.evidence:
                self.evidence.append(ref)

    @property
    def message(self) -> str:
        return render(self.message_key, self.message_args) if self.message_key else ""
