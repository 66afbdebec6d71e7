"""Picking checks as pytest users do: ``-k EXPR`` (keywords), ``-m MARKEXPR`` (markers) and ``--check ID``.

Expressions are pytest's own (``_pytest.mark.expression``: ``and``, ``or``, ``not``, parentheses), matched
the way pytest matches them: ``-k`` by case-insensitive substring against a check's keywords (its id, test
function and module names, layer, severity, tags and title), ``-m`` by exact name against its markers (its
layer, severity, the profiles it runs in and its tags, ``-`` written ``_``: ``sql_feature``). A check left
out is ``skipped`` ("not selected"); a run from a partial selection says so and is never CERTIFIED.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from harness.checks import N_, CheckMeta
from harness.errors import UsageError

#: the message of a check the selection left out (results and reports look for this key)
NOT_SELECTED = N_("Not selected ({selection})")


@dataclass(frozen=True)
class Selection:
    keyword: str = ""
    marker: str = ""
    checks: tuple[str, ...] = ()

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> Selection:
        data = data or {}
        return cls(str(data.get("k") or ""), str(data.get("m") or ""), tuple(str(c) for c in data.get("checks") or ()))

    def as_dict(self) -> dict[str, Any]:
        return {"k": self.keyword, "m": self.marker, "checks": list(self.checks)} if self else {}

    def __bool__(self) -> bool:
        return bool(self.keyword or self.marker or self.checks)

    def describe(self) -> str:
        parts = [f"-k {self.keyword}" if self.keyword else "", f"-m {self.marker}" if self.marker else ""]
        parts += [f"--check {c}" for c in self.checks]
        return " ".join(p for p in parts if p)

    def validate(self) -> Selection:
        """Compile both expressions now: a typo is bad usage before anything runs."""
        from _pytest.mark.expression import Expression

        for flag, text in (("-k", self.keyword), ("-m", self.marker)):
            if text:
                try:
                    Expression.compile(text)
                except SyntaxError as exc:  # pytest's ParseError (a SyntaxError since pytest 8.3)
                    raise UsageError(f"{flag} {text!r}: {exc.msg if hasattr(exc, 'msg') else exc}") from None
        return self

    def selects(self, meta: CheckMeta, subject: str, names: Iterable[str] = ()) -> bool:
        """Whether the check (``names``: its test function and module names) is selected."""
        if self.checks and meta.id not in self.checks and f"{meta.id}[{subject}]" not in self.checks:
            return False
        if self.keyword:
            words = [w.lower() for w in keywords(meta, names)]
            if not _compiled(self.keyword).evaluate(_Matcher(lambda n: any(n.lower() in w for w in words))):
                return False
        if self.marker:
            marks = set(markers(meta))
            if not _compiled(self.marker).evaluate(_Matcher(marks.__contains__)):
                return False
        return True


@functools.cache
def _compiled(text: str) -> Any:
    """An expression compiled once per run, not once per check."""
    from _pytest.mark.expression import Expression

    return Expression.compile(text)


class _Matcher:
    """pytest's ExpressionMatcher: called with a name (and keyword arguments for ``mark(arg=...)``)."""

    def __init__(self, test: Callable[[str], bool]) -> None:
        self.test = test

    def __call__(self, name: str, /, **kwargs: str | int | bool | None) -> bool:
        return self.test(name)


def keywords(meta: CheckMeta, names: Iterable[str] = ()) -> list[str]:
    return [meta.id, *names, meta.layer, str(meta.severity), *sorted(meta.tags), meta.title]


def markers(meta: CheckMeta) -> list[str]:
    return [meta.layer, str(meta.severity), *meta.profiles, *(t.replace("-", "_") for t in sorted(meta.tags))]


def from_args(keyword: str | None, marker: str | None, checks: Sequence[str] | None) -> Selection:
    return Selection(keyword or "", marker or "", tuple(checks or ())).validate()
