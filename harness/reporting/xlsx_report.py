"""report.<lang>.xlsx: the results as an editable workbook (openpyxl).

- one results sheet per host: every check with its layer, severity, title, outcome, message,
  requirement, remedy, measurements and evidence;
- one compatibility-list sheet, a row per host with the fields of openEuler's compatibility list
  records: certification id, product and version, CPU, architecture, server model, OS name and
  version, database, test organisation, date, result;
- a summary sheet first (report id, verdict, dates, laboratory).

Headers are in the report language; sheets read right to left for Arabic.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from harness.checks import N_
from harness.reporting.context import build_context
from harness.reporting.plain import Words

#: the compatibility-list record fields (openEuler's compatibility list), in order
COMPAT_FIELDS = (
    N_("Certification id"),
    N_("Product and version"),
    N_("CPU"),
    N_("Architecture"),
    N_("Server model"),
    N_("OS name and version"),
    N_("Database"),
    N_("Test organisation"),
    N_("Date"),
    N_("Result"),
)
RESULT_FIELDS = (
    N_("Check"),
    N_("Subject"),
    N_("Layer"),
    N_("Severity"),
    N_("Title"),
    N_("Outcome"),
    N_("Result"),
    N_("Requirement"),
    N_("Remedy"),
    N_("Measurements"),
    N_("Evidence"),
)
COMPAT_SHEET = N_("Compatibility list")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_title(name: str, taken: set[str]) -> str:
    """An Excel sheet name (at most 31 characters, none of []:*?/\\), unique in the workbook."""
    base = _SHEET_BAD.sub("_", name)[:28] or "host"
    title, n = base, 2
    while title.lower() in taken:
        title, n = f"{base[:25]}~{n}", n + 1
    taken.add(title.lower())
    return title


def _row_of(stack: list[dict[str, Any]], layer: str) -> dict[str, Any]:
    return next((r for r in stack if r["layer"] == layer), {})


def compatibility_rows(ctx: dict[str, Any], t: Words) -> list[list[str]]:
    lab = ctx["lab"]
    org = lab["lab"]["name"] if lab else "-"
    rows = []
    for n, view in enumerate(ctx["hosts"], start=1):
        stack = view["stack"]
        cpu, os_, db, server = (_row_of(stack, layer) for layer in ("cpu", "os", "db", "server"))
        mw = _row_of(stack, "middleware")
        product = t.product(mw) or t.product(db) or t.product(os_) or "-"
        rows.append(
            [
                f"{ctx['report_id']}-{n:02d}",
                product,
                t.product(cpu) or "-",
                cpu.get("arch") or os_.get("arch") or "-",
                t.product(server) or "-",
                t.product(os_) or "-",
                t.product(db) or "-",
                org,
                str(ctx["results"]["finished"] or ctx["results"]["started"])[:10],
                t.w(view["host"]["verdict"]),
            ]
        )
    return rows


def result_rows(view: dict[str, Any], t: Words) -> list[list[str]]:
    rows = []
    for layer, checks in view["layers"]:
        for c in checks:
            rows.append(
                [
                    c["id"],
                    str(c.get("subject") or ""),
                    t.w(layer),
                    t.w(c["severity"]),
                    t(c["title"]),
                    t.w(c["outcome"]),
                    t.message(c),
                    t(c["requirement"]),
                    t(c["remedy"]),
                    t.measurements(c),
                    "\n".join(c.get("evidence") or []),
                ]
            )
    return rows


def _sheet(wb: Any, title: str, header: list[str], rows: list[list[str]], rtl: bool) -> None:
    from openpyxl.styles import Alignment, Font

    ws = wb.create_sheet(title)
    ws.append(header)
    for row in rows:
        ws.append(row)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for column in ws.columns:
        width = max(len(str(c.value or "").split("\n")[0]) for c in column)
        ws.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
        for cell in column[1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.sheet_view.rightToLeft = rtl


def write_xlsx(
    results: dict[str, Any], lang: str, path: Path, run_dir: Path | None = None, seal: dict[str, Any] | None = None
) -> Path:
    from openpyxl import Workbook

    ctx = build_context(results, run_dir, seal)
    t = Words(lang)
    wb = Workbook()
    summary = wb.active
    summary.title = sheet_title(t("Executive summary"), set())
    lab = ctx["lab"]
    for label, value in (
        (t("Compatibility certification report"), ctx["report_id"]),
        (t("Verdict"), t.w(results["verdict"])),
        (t("Test dates"), f"{results['started']} — {results['finished']}"),
        (t("Issue date"), ctx["issued"]),
        (t("Testing laboratory"), lab["lab"]["name"] if lab else "-"),
        (t("Applicant"), lab["report"]["applicant"] if lab else "-"),
        (t("Evidence digest"), ctx["seal"].get("evidence_digest") or "-"),
    ):
        summary.append([label, value])
    summary.column_dimensions["A"].width = 36
    summary.column_dimensions["B"].width = 80
    summary.sheet_view.rightToLeft = t.rtl
    taken = {summary.title.lower()}
    _sheet(wb, sheet_title(t(COMPAT_SHEET), taken), [t(f) for f in COMPAT_FIELDS], compatibility_rows(ctx, t), t.rtl)
    for view in ctx["hosts"]:
        _sheet(wb, sheet_title(view["host"]["name"], taken), [t(f) for f in RESULT_FIELDS], result_rows(view, t), t.rtl)
    wb.save(str(path))
    return path
