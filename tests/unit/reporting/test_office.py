"""Word and Excel editions of a real run, opened with python-docx and openpyxl and compared with results.json."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.i18n import translate
from harness.reporting.render import render_reports
from harness.reporting.vocab import word
from harness.reporting.xlsx_report import COMPAT_FIELDS

LANGS = ["en", "zh", "ru", "ar", "uz", "en+ar", "ru+uz"]


@pytest.fixture(scope="module")
def office(snapshot_run: Path, run_results: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("office")
    render_reports(run_results, out, LANGS, ("docx", "xlsx"))
    return out


def _word(lang: str, value: str) -> str:
    return " / ".join(dict.fromkeys(translate(code, word(value)) for code in lang.split("+")))


@pytest.mark.parametrize("lang", LANGS)
def test_xlsx_holds_every_check_of_every_host(office: Path, run_results: dict[str, Any], lang: str) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(office / f"report.{lang}.xlsx", read_only=True)
    assert len(wb.sheetnames) == 2 + len(run_results["hosts"])  # summary, compatibility list, one per host
    for host, name in zip(run_results["hosts"], wb.sheetnames[2:], strict=True):
        rows = list(wb[name].iter_rows(min_row=2, values_only=True))
        got = [(r[0], r[1] or "", r[5]) for r in rows]
        want = [(c["id"], c.get("subject") or "", _word(lang, c["outcome"])) for c in host["checks"]]
        assert sorted(got) == sorted(want), host["name"]
    compat = list(wb[wb.sheetnames[1]].iter_rows(values_only=True))
    assert len(compat[0]) == len(COMPAT_FIELDS) and len(compat) == 1 + len(run_results["hosts"])
    verdicts = [row[-1] for row in compat[1:]]
    assert verdicts == [_word(lang, h["verdict"]) for h in run_results["hosts"]]


@pytest.mark.parametrize("lang", LANGS)
def test_docx_holds_every_check_with_its_outcome(office: Path, run_results: dict[str, Any], lang: str) -> None:
    import docx

    doc = docx.Document(str(office / f"report.{lang}.docx"))
    rows = [[cell.text for cell in row.cells] for table in doc.tables for row in table.rows]
    results_rows = {(r[0], r[3]) for r in rows if len(r) == 6}
    for host in run_results["hosts"]:
        for c in host["checks"]:
            shown = c["id"] + (f" [{c['subject']}]" if c.get("subject") else "")
            assert (shown, _word(lang, c["outcome"])) in results_rows, (host["name"], c["id"])
    text = "\n".join(p.text for p in doc.paragraphs)
    assert run_results["run_id"] in text  # the report id is the run id


def test_arabic_editions_read_right_to_left(office: Path) -> None:
    import docx
    import openpyxl

    doc = docx.Document(str(office / "report.ar.docx"))
    qn = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    assert doc.paragraphs[0]._p.find(f"{qn}pPr/{qn}bidi") is not None
    for table in doc.tables:
        tags = [child.tag.removeprefix(qn) for child in table._tbl.tblPr]
        # in the schema's order: bidiVisual after tblStyle and before tblW (Word refuses it elsewhere)
        assert "bidiVisual" in tags and tags.index("bidiVisual") < tags.index("tblW"), tags
    wb = openpyxl.load_workbook(office / "report.ar.xlsx")
    assert all(ws.sheet_view.rightToLeft for ws in wb.worksheets)
    en = openpyxl.load_workbook(office / "report.en.xlsx")
    assert not any(ws.sheet_view.rightToLeft for ws in en.worksheets)
