"""Which checks cannot be waived, read from the suites' ``@check(..., waivable=False)`` without importing them.

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
def _index(root: str) -> frozenset[str]:
    fixed: set[str] = set()
    for path in sorted(Path(root).rglob("*.py")):
        fixed.update(check_id for check_id, waivable in _checks_in(path).items() if not waivable)
    return frozenset(fixed)


def non_waivable() -> frozenset[str]:
    """Ids of the checks declared ``waivable=False`` (identity and consistency checks)."""
    return _index(str(suites_dir()))


__all__ = ["non_waivable"]
