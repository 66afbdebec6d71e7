from __future__ import annotations

from pathlib import Path

from harness.journal import Journal, read_journal


def test_append_and_read_back(tmp_path: Path) -> None:
    j = Journal(tmp_path / "j" / "h.jsonl")
    j.append({"type": "check", "id": "XC-OS-001", "message": "中文 и кириллица"})
    j.append({"type": "host_end"})
    j.close()
    records = list(read_journal(tmp_path / "j" / "h.jsonl"))
    assert [r["type"] for r in records] == ["check", "host_end"]
    assert records[0]["message"] == "中文 и кириллица"


def test_torn_last_line_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "h.jsonl"
    path.write_bytes(b'{"type": "check", "id": "XC-OS-001"}\n{"type": "check", "id": "XC-O')
    assert [r["id"] for r in read_journal(path)] == ["XC-OS-001"]


def test_missing_journal_is_empty(tmp_path: Path) -> None:
    assert list(read_journal(tmp_path / "none.jsonl")) == []
