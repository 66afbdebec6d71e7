"""The cache key's listing of xcert's own code (one string from os.scandir): every change to a file in any
sub-folder resolves again, as the os.walk it replaced did; compiled-module folders are left out."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness import inventory_cache
from tests.unit.test_inventory_cache import _load, lab  # the fixture, shared

__all__ = ["lab"]


def _code_tree(lab: dict[str, Any], mp: pytest.MonkeyPatch) -> Path:
    code: Path = lab["tmp"] / "code"
    (code / "sub" / "deeper").mkdir(parents=True)
    (code / "__pycache__").mkdir()
    (code / "mod.py").write_text("x = 1\n", encoding="utf-8")
    (code / "sub" / "deeper" / "inner.py").write_text("y = 2\n", encoding="utf-8")
    (code / "sub" / "data.yml").write_text("z: 3\n", encoding="utf-8")
    mp.setattr(inventory_cache, "_HARNESS", code)
    return code


def _later(path: Path) -> None:
    later = time.time_ns() + 10_000_000
    os.utime(path, ns=(later, later))


CODE_CHANGES: dict[str, Callable[[Path], object]] = {
    "a file two folders down, newer": lambda code: _later(code / "sub" / "deeper" / "inner.py"),
    "a data file in a sub-folder, another size": lambda code: (code / "sub" / "data.yml").write_text("z: 33\n"),
    "a new module in a sub-folder": lambda code: (code / "sub" / "new.py").write_text("n = 1\n"),
    "a module removed": lambda code: (code / "sub" / "deeper" / "inner.py").unlink(),
    "a module renamed": lambda code: (code / "mod.py").rename(code / "mod2.py"),
}


@pytest.mark.parametrize("change", list(CODE_CHANGES))
def test_any_change_to_the_code_resolves_again(
    lab: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    change: str,
) -> None:
    code = _code_tree(lab, monkeypatch)
    _load(lab)
    _load(lab)
    assert len(lab["calls"]) == 1
    CODE_CHANGES[change](code)
    _load(lab)
    assert len(lab["calls"]) == 2, f"{change}: answered from the cache"


def test_compiled_modules_are_not_part_of_the_key(lab: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    code = _code_tree(lab, monkeypatch)
    _load(lab)
    (code / "__pycache__" / "mod.cpython-311.pyc").write_bytes(b"\0" * 16)
    _load(lab)
    assert len(lab["calls"]) == 1


def test_the_listing_is_in_a_fixed_order_and_names_every_file(tmp_path: Path) -> None:
    for rel in ("b.py", "a/z.py", "a/b/c.py", "c/__pycache__/x.pyc", "c/d.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(rel, encoding="utf-8")
    listing = inventory_cache._code_listing(str(tmp_path))
    names = [line.split("\0")[1].removeprefix(f"{tmp_path}/") for line in listing.splitlines()]
    assert names == ["b.py", "a/z.py", "a/b/c.py", "c/d.txt"]  # a folder's files, then its sub-folders
    assert listing == inventory_cache._code_listing(str(tmp_path))
    (tmp_path / "a" / "b" / "c.py").write_text("longer content", encoding="utf-8")
    assert listing != inventory_cache._code_listing(str(tmp_path))
