"""hostreq.holds: every operator judged by its own rule (the table covers every operator the data may use)."""

from __future__ import annotations

from typing import Any

import pytest

from harness import hostreq
from harness.hostreq import Rule


def _rule(op: str, value: Any) -> Rule:
    return Rule("p", "k", op, value, "src")


CASES = [
    ("eq", "250 6400000", "250  6400000", True),
    ("eq", "250 6400000", "250 64", False),
    ("one_of", ["Deadline", "none"], "deadline", True),
    ("one_of", ["deadline"], "cfq", False),
    ("unlimited", None, "unlimited", True),
    ("unlimited", None, "1024", False),
    ("ge_or_unlimited", 65536, "unlimited", True),
    ("ge_or_unlimited", 65536, "65536", True),
    ("ge_or_unlimited", 65536, "1024", False),
    ("ge", 10, "10", True),
    ("ge", 10, "9", False),
    ("ge", 10, "unlimited", True),
    ("ge", 10, "n/a", False),
    ("le", 10, "unlimited", False),
    ("le", 10, "10", True),
    ("ge", "3.6", "3.11.7", True),
    ("le", "3.6", "3.11.7", False),
    ("ge", "3.6", "none", False),
    ("between", [1, 5], "3", True),
    ("between", [1, 5], "6", False),
    ("fields_ge", [250, 32000], "250 32000 9", True),
    ("fields_ge", [250, 32000], "250", False),
    ("fields_ge", [250, 32000], "250 x", False),
    ("within", [1024, 65535], "9000 65000", True),
    ("within", [1024, 65535], "80 65000", False),
    ("within", [1024, 65535], "9000", False),
]


@pytest.mark.parametrize(("op", "want", "value", "expected"), CASES)
def test_holds(op: str, want: Any, value: str, expected: bool) -> None:
    assert hostreq.holds(_rule(op, want), value) is expected


def test_every_operator_has_a_judge() -> None:
    for op in hostreq.OPS:
        hostreq.holds(_rule(op, [1, 1] if op in ("between", "within", "mem_pct", "fields_ge", "one_of") else 1), "1")


def test_mem_pct_needs_memtotal() -> None:
    rule = _rule("mem_pct", [5, 10])
    assert hostreq.holds(rule, "5000", mem_total_kib=100000)
    assert not hostreq.holds(rule, "5000")


def test_unknown_operator_is_refused() -> None:
    with pytest.raises(hostreq.RequirementsError, match="unknown operator"):
        hostreq.holds(_rule("gt", 1), "2")
