"""``python -m harness.i18n_extract --update`` writes the missing entries, once, with empty translations."""

from __future__ import annotations

import shutil
from pathlib import Path

from babel.messages.pofile import read_po

from harness.i18n_update import present_msgids, update
from tests.conftest import ROOT


def _locale(tmp_path: Path) -> Path:
    root = tmp_path / "locale"
    shutil.copytree(ROOT / "harness" / "locale" / "zh", root / "zh")
    return root


def test_missing_entries_are_written_empty_and_only_once(tmp_path: Path) -> None:
    root = _locale(tmp_path)
    wanted = {"Kernel {kernel}", "A brand-new check title", 'Says "hi"\nover two lines'}
    written = update("zh", wanted, "newarea", root)
    assert written == sorted(wanted - {"Kernel {kernel}"})  # already translated elsewhere
    po = root / "zh" / "LC_MESSAGES" / "newarea.po"
    with po.open("rb") as fh:
        entries = {str(m.id): m.string for m in read_po(fh) if m.id}
    assert entries == {m: "" for m in written}
    assert update("zh", wanted, "newarea", root) == []  # an empty entry waits for its translation
    assert set(written) <= present_msgids(root / "zh" / "LC_MESSAGES")


def test_a_new_file_has_the_language_header(tmp_path: Path) -> None:
    root = tmp_path / "locale"
    update("ru", {"A brand-new check title"}, "area", root)
    text = (root / "ru" / "LC_MESSAGES" / "area.po").read_text(encoding="utf-8")
    assert '"Language: ru\\n"' in text and "nplurals=3" in text
