"""Which checks exist and which cannot be waived, read from the suites' ``@check(..., waivable=False)`` without importing them.

A waiver file is checked when it is given (``--waivers``) and when a run is rebuilt, long before
(or without) a pytest collection; the suites' source is read instead (``ast``), so a suite that
cannot be imported does not hide a non-waivable check.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

from harness.paths import suites_dir


def _checks_in(path: Path) -> dict[str, bool]:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return {}
    found: dict[str, bool] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or getattr(node.func, "id", getattr(node.func, "attr", "")) != "check":
            continue
        if not node.args or not isinstance(node.args[0], ast.Constant) or not isinstance(node.args[0].value, str):
            continue
        waivable = True
        for kw in node.keywords:
            if kw.arg == "waivable" and isinstance(kw.value, ast.Constant):
                waivable = bool(kw.value.value)
        found[node.args[0].value] = waivable
    return found


@functools.cache
def _index(root: str) -> tuple[frozenset[str], frozenset[str]]:
    """(every check id, the ids declared ``waivable=False``) of the suites under ``root``."""
    known: set[str] = set()
    fixed: set[str] = set()
    for path in sorted(Path(root).rglob("*.py")):
        found = _checks_in(path)
        known.update(found)
        fixed.update(check_id for check_id, waivable in found.items() if not waivable)
    return frozenset(known), frozenset(fixed)


def non_waivable() -> frozenset[str]:
    """Ids of the checks declared ``waivable=False`` (identity and consistency checks)."""
    return _index(str(suites_dir()))[1]


@functools.cache
def known_checks() -> frozenset[str]:
    """Ids of every built-in check (a waiver naming another ``XC-`` id is a typo).

    The ``@check`` calls the source shows, and the checks the suites build from tables (those need
    the suite modules imported: harness.reporting.plan, as ``xcert checks`` does).
    """
    from harness.reporting.plan import collect

    return _index(str(suites_dir()))[0] | {meta.id for meta in collect(suites_dir())}


__all__ = ["known_checks", "non_waivable"]
