"""Plots a check made are drawn from PNG evidence under evidence/ only: a hostile reference draws nothing."""

from __future__ import annotations

from pathlib import Path

from harness.reporting.html import _plots

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


def test_only_png_files_under_evidence_are_inlined(tmp_path: Path) -> None:
    (tmp_path / "evidence" / "h").mkdir(parents=True)
    (tmp_path / "evidence" / "h" / "00001-plot.png").write_bytes(PNG)
    (tmp_path / "evidence" / "h" / "00002-fake.png").write_bytes(b"not a png")
    (tmp_path / "outside.png").write_bytes(PNG)
    (tmp_path / "evidence" / "h" / "00003-link.png").symlink_to(tmp_path / "outside.png")
    check = {
        "id": "XC-LC-006",
        "evidence": [
            "evidence/h/00001-plot.png",
            "evidence/h/00002-fake.png",
            "evidence/h/00003-link.png",
            "../outside.png",
            "evidence/../outside.png",
            "/etc/passwd.png",
        ],
    }
    plots = _plots(tmp_path, [check])
    assert [p["ref"] for p in plots] == ["evidence/h/00001-plot.png"]
    assert plots[0]["uri"].startswith("data:image/png;base64,")
    assert _plots(None, [check]) == []
