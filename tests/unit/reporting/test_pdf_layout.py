"""A4 PDFs (real WeasyPrint, real fonts) where layout goes wrong first: Russian (long words), Arabic
(right to left) and the Chinese test plan. Few on purpose: a PDF costs seconds."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import xcert

A4_WIDTH = 595.28
MARGIN = 15 / 25.4 * 72  # the template's 15 mm side margins, in points
#: a path of 120 characters without a break opportunity but the slashes
LONG_EVIDENCE = "evidence/" + "x" * 60 + "-" + "y" * 40 + ".json"


def _tool(*args: str) -> str:
    if shutil.which(args[0]) is None:
        pytest.skip(f"{args[0]} is not installed (poppler-utils, scripts/system-packages.txt)")
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=120).stdout


@pytest.fixture(scope="module")
def pdfs(snapshot_run: Path, run_results: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("weasyprint")
    from harness.reporting.render import render_reports

    # three hosts keep it fast: one certified, one failing (failure blocks), one unreachable
    results = dict(run_results, hosts=[h for h in run_results["hosts"] if h["name"] in ("kylin1", "debian1", "gone1")])
    out = tmp_path_factory.mktemp("pdf")
    for sub in ("evidence", "journal"):
        shutil.copytree(snapshot_run / sub, out / sub)
    # an evidence file with a long unbroken name: the appendix must wrap it inside the page
    (out / LONG_EVIDENCE).write_text('{"kind": "note"}', encoding="utf-8")
    render_reports(results, out, ["ru", "ar"], ("pdf",))
    return out


def _words(pdf: Path) -> list[tuple[int, float, float, str]]:
    """(page, xMin, xMax, word) of every word, from pdftotext -bbox."""
    xhtml = _tool("pdftotext", "-bbox", str(pdf), "-")
    out: list[tuple[int, float, float, str]] = []
    for page, body in enumerate(re.split(r"<page ", xhtml)[1:], start=1):
        for m in re.finditer(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', body):
            out.append((page, float(m.group(1)), float(m.group(2)), m.group(3)))
    return out


@pytest.mark.parametrize("lang", ["ru", "ar"])
def test_no_word_past_the_printable_area(pdfs: Path, lang: str) -> None:
    words = _words(pdfs / f"report.{lang}.pdf")
    assert len(words) > 500
    outside = [(p, w, round(x0), round(x1)) for p, x0, x1, w in words if x0 < MARGIN - 1 or x1 > A4_WIDTH - MARGIN + 1]
    assert not outside, f"{lang}: words past the margins: {outside[:10]}"


def test_russian_breaks_words_with_hyphens_not_mid_word(pdfs: Path) -> None:
    text = _tool("pdftotext", "-layout", str(pdfs / "report.ru.pdf"), "-")
    assert "Не сертифицирован" in text.replace("\n", " ") or "сертифицирован" in text
    # a header cut by hyphenation ends its line with a hyphen; a bare cut such as "Архите" / "ктура" does not
    assert "Архитектура" in text.replace("-\n", "").replace(" ", "") or re.search(r"Ар-?\s*хи", text)


def test_a_failure_block_stays_on_one_page(pdfs: Path) -> None:
    pdf = pdfs / "report.ru.pdf"
    pages = int(re.search(r"Pages:\s+(\d+)", _tool("pdfinfo", str(pdf))).group(1))  # type: ignore[union-attr]
    blocks = 0
    for page in range(1, pages + 1):
        text = _tool("pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-")
        # a block's requirement and its remedy are on the same page
        assert text.count("Требование:") == text.count("Устранение:"), page
        blocks += text.count("Требование:")
    assert blocks >= 3


def test_arabic_is_right_to_left_in_noto_naskh(pdfs: Path) -> None:
    fonts = _tool("pdffonts", str(pdfs / "report.ar.pdf"))
    assert "Noto-Naskh-Arabic" in fonts
    words = _words(pdfs / "report.ar.pdf")
    # pdftotext gives an Arabic word in logical or in visual (reversed) order, by poppler version
    title = next((x0, x1) for page, x0, x1, w in words if page == 1 and w in ("التوافق", "التوافق"[::-1]))
    assert title[1] > A4_WIDTH / 2  # the title starts at the right-hand margin


def test_the_chinese_test_plan_prints(tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    proc = xcert("checks", "--format", "pdf", "--lang", "zh", "--layer", "cpu", "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    text = _tool("pdftotext", str(tmp_path / "plan.zh.pdf"), "-")
    assert "测试计划" in text and "XC-CPU-001" in text and "已识别 CPU 架构和厂商" in text


def test_the_appendix_keeps_a_digest_on_one_line_and_wraps_a_long_path(pdfs: Path) -> None:
    """The appendix (7 pt monospace, fixed columns): a SHA-256 on one line, a path too long for its column
    broken inside the page, never past it (the margins test above checks every word of the edition)."""
    import hashlib

    digest = hashlib.sha256((pdfs / LONG_EVIDENCE).read_bytes()).hexdigest()
    for lang in ("ru", "ar"):
        text = _tool("pdftotext", "-layout", str(pdfs / f"report.{lang}.pdf"), "-")
        line = next((ln for ln in text.splitlines() if digest in ln), None)
        assert line is not None, f"{lang}: the digest {digest} is not on one line"
        assert "x" * 60 not in line  # the 120-character path did not fit its column: it wrapped
        words = [w for _, x0, x1, w in _words(pdfs / f"report.{lang}.pdf") if "xxxxxxxx" in w or "yyyyyyyy" in w]
        assert len(words) >= 2, words  # the path is on two lines or more
