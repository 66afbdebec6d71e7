"""matrix.xlsx through openpyxl: the cells as rows, for tender teams to paste into bid documents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.bundles.combination import LAYERS
from harness.i18n import gettext

_FILL = {"CERTIFIED": "D8F3DC", "NOT_CERTIFIED": "FDE2E1", "INCOMPLETE": "FFF1C2"}
HEADER = ("key", *LAYERS, "verdict", "tested", "inherited_from", "date", "sources")


def _as_text(ws: Any) -> None:
    """Keep every cell a plain value: a host name such as ``=HYPERLINK(...)`` from someone else's run
    must not become a formula in the bid team's spreadsheet."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def _row(c: dict[str, Any]) -> list[Any]:
    """One cell of the matrix as a row of the sheet (HEADER's columns)."""
    comb = c["combination"]
    layers = [" ".join(x for x in (comb[la]["id"], comb[la]["version"]) if x) or "-" for la in LAYERS]
    inherited = c.get("inherited_from")
    return [
        c["key"],
        *layers,
        c["verdict"],
        "yes" if c["tested"] else "no",
        f"{inherited['rule']} <- {inherited['run_id']} {inherited['host']}" if inherited else "",
        c["date"],
        "; ".join(f"{s['run_id']} {s['host']} {s['verdict']} {s['date']}" for s in c["sources"]),
    ]


def _cells_sheet(ws: Any, m: dict[str, Any], lang: str) -> None:
    from openpyxl.styles import Font, PatternFill

    ws.title = "matrix"
    ws.append(list(HEADER))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for c in m["cells"]:
        ws.append(_row(c))
        verdict_cell = ws.cell(row=ws.max_row, column=len(LAYERS) + 2)
        verdict_cell.fill = PatternFill("solid", fgColor=_FILL[c["verdict"]])
        verdict_cell.value = f"{c['verdict']} ({gettext(lang, c['verdict'])})" if lang != "en" else c["verdict"]


def _gaps_sheet(wb: Any, gaps: list[dict[str, Any]]) -> None:
    sheet = wb.create_sheet("gaps")
    sheet.append(["role", *LAYERS])
    for g in gaps:
        sheet.append([g["role"], *(g["combination"][la] or "" for la in LAYERS)])


def _bundle_sheet(wb: Any, bundle: dict[str, Any]) -> None:
    sheet = wb.create_sheet("bundle")
    sheet.append(["bundle", bundle["name"], bundle["version"], bundle["verdict"]])
    for role in bundle["roles"]:
        sheet.append(["role", role["name"], role["profile"], role["verdict"]])
    sheet.append(["cross-host", "", "", bundle["cross_host"]["verdict"]])


def _fit_columns(ws: Any) -> None:
    for column in ws.columns:
        width = max(len(str(x.value or "")) for x in column)
        ws.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))


def write_xlsx(m: dict[str, Any], path: Path, lang: str = "en") -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    _cells_sheet(ws, m, lang)
    if m.get("gaps"):
        _gaps_sheet(wb, m["gaps"])
    if m.get("bundle"):
        _bundle_sheet(wb, m["bundle"])
    for sheet in wb.worksheets:
        _as_text(sheet)
    _fit_columns(ws)
    wb.save(path)
    return path
