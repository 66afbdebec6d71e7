"""report.<lang>.docx: the report as an editable Word document (python-docx), the PDF's content
in headings, paragraphs and tables; right to left for Arabic (w:bidi on paragraphs, w:rtl on runs,
w:bidiVisual on tables: Word then mirrors the table's columns).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.reporting.context import build_context
from harness.reporting.plain import Words


def _rtl_table(table: Any) -> None:
    """w:bidiVisual in its place in w:tblPr (after tblStyle, tblpPr, tblOverlap; Word rejects it later)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tbl_pr = table._tbl.tblPr
    before = [qn("w:tblStyle"), qn("w:tblpPr"), qn("w:tblOverlap")]
    index = max((i + 1 for i, child in enumerate(tbl_pr) if child.tag in before), default=0)
    tbl_pr.insert(index, OxmlElement("w:bidiVisual"))


def _rtl_paragraph(paragraph: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = paragraph._p.get_or_add_pPr()
    # w:bidi goes before these in w:pPr (the schema's order; Word refuses elements out of it)
    after = {qn(f"w:{t}") for t in ("adjustRightInd", "snapToGrid", "spacing", "ind", "jc", "textDirection", "rPr")}
    index = next((i for i, child in enumerate(ppr) if child.tag in after), len(ppr))
    ppr.insert(index, OxmlElement("w:bidi"))
    for run in paragraph.runs:
        rpr = run._r.get_or_add_rPr()
        rpr.append(OxmlElement("w:rtl"))


class Doc:
    """A python-docx document that writes every paragraph in the edition's direction."""

    def __init__(self, words: Words) -> None:
        import docx

        self.d = docx.Document()
        self.words = words
        style = self.d.styles["Normal"]
        style.font.name = "Noto Naskh Arabic" if words.rtl else "DejaVu Sans"
        style.font.size = docx.shared.Pt(10)

    def _fix(self, paragraph: Any) -> Any:
        if self.words.rtl:
            _rtl_paragraph(paragraph)
        return paragraph

    def heading(self, text: str, level: int = 1) -> None:
        self._fix(self.d.add_heading(text, level=level))

    def para(self, text: str, bold_label: str | None = None) -> None:
        p = self.d.add_paragraph()
        if bold_label:
            p.add_run(f"{bold_label}: ").bold = True
        p.add_run(text)
        self._fix(p)

    def table(self, header: list[str], rows: list[list[str]]) -> None:

        table = self.d.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        if self.words.rtl:
            _rtl_table(table)
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = text
            for p in cell.paragraphs:
                for run in p.runs:
                    run.bold = True
                self._fix(p)
        for row in rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                cell.text = text
                for p in cell.paragraphs:
                    self._fix(p)
        self.d.add_paragraph()

    def meta(self, pairs: list[tuple[str, str]]) -> None:
        table_rows = [[k, v] for k, v in pairs]

        table = self.d.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        if self.words.rtl:
            _rtl_table(table)
        for k, v in table_rows:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = k, v
            for cell in cells:
                for p in cell.paragraphs:
                    self._fix(p)
            for run in cells[0].paragraphs[0].runs:
                run.bold = True
        self.d.add_paragraph()

    def save(self, path: Path) -> None:
        self.d.save(str(path))


def _front(doc: Doc, ctx: dict[str, Any], t: Words) -> None:
    results, lab = ctx["results"], ctx["lab"]
    doc.heading(t("Compatibility certification report"), 0)
    doc.para(t.w(results["verdict"]), t("Verdict"))
    pairs = [(t("Report id"), ctx["report_id"]), (t("Issue date"), ctx["issued"])]
    if ctx["valid_until"]:
        pairs.append((t("Valid until"), ctx["valid_until"]))
    if lab:
        pairs += [
            (t("Testing laboratory"), lab["lab"]["name"]),
            (t("Laboratory address"), lab["lab"]["address"]),
            (t("Where the tests ran"), lab["lab"]["location"]),
            (t("Applicant"), lab["report"]["applicant"]),
        ]
    else:
        pairs.append((t("Testing laboratory"), t("Not configured: no lab config was given (--lab-config).")))
    pairs += [
        (t("Test method"), t("xcert certification suites, profile {profile}", profile=t.w(results["profile"]))),
        (t("Tool version"), f"{results['tool']['name']} {results['tool']['version']}"),
        (t("Suite digest"), results["tool"]["suite_digest"]),
        (t("Test dates"), f"{results['started']} — {results['finished']}"),
        (t("Evidence digest"), ctx["seal"].get("evidence_digest") or "-"),
        (
            t("Signing key fingerprint"),
            ctx["seal"].get("key_fingerprint") or t("Not signed: this report is not part of a signed bundle."),
        ),
    ]
    doc.meta(pairs)


def _hosts(doc: Doc, ctx: dict[str, Any], t: Words) -> None:
    doc.heading(t("Items tested"), 1)
    header = [t(x) for x in ("Layer", "Declared", "Detected", "Version", "Architecture", "Xinchuang", "Identified by")]
    for view in ctx["hosts"]:
        host = view["host"]
        doc.heading(host["name"] + (f" — {t('lab host')}" if host.get("lab") else ""), 2)
        rows = [
            [
                t.w(r["layer"]),
                r["declared"] or "-",
                (r["product"] or "-") + (f" ({r['vendor']})" if r["vendor"] else ""),
                r["version"] or "-",
                r["arch"] or "-",
                "-" if r["xinchuang"] is None else t("yes") if r["xinchuang"] else t("no"),
                t.identified(r),
            ]
            for r in view["stack"]
        ]
        doc.table(header, rows)
    doc.heading(t("Executive summary"), 1)
    order = ctx["outcome_order"]
    doc.table(
        [t("Host"), t("Verdict"), *(t.w(o) for o in order)],
        [[v["host"]["name"], t.w(v["host"]["verdict"]), *(str(v["counts"][o]) for o in order)] for v in ctx["hosts"]],
    )
    doc.heading(t("Statement of conformity"), 2)
    doc.para(
        t(
            "Decision rule: a host is certified when every mandatory check applicable to its detected stack passed or was waived by a valid waiver; not certified when a mandatory check failed; otherwise incomplete (a mandatory check errored or the host was unreachable). Advisory checks do not decide the verdict. The run is not certified if any host is not, else incomplete if any host is, else certified."
        )
    )
    doc.para(t("Under this rule the items tested are: {verdict}.", verdict=t.w(ctx["results"]["verdict"])))
    doc.para(t("The results relate only to the items tested."))


def _results(doc: Doc, ctx: dict[str, Any], t: Words) -> None:
    doc.heading(t("Results by layer"), 1)
    header = [t(x) for x in ("Check", "Title", "Severity", "Outcome", "Result", "Measurements")]
    for view in ctx["hosts"]:
        host = view["host"]
        doc.heading(f"{t('Host')} {host['name']} — {t.w(host['verdict'])}", 2)
        if not host["reachable"]:
            info = host.get("unreachable") or {}
            doc.para(
                t("The host could not be reached: {reason}", reason=t(info.get("reason", "")))
                + (f" ({info['detail']})" if info.get("detail") else "")
            )
        for layer, checks in view["layers"]:
            doc.heading(t.w(layer), 3)
            rows = [
                [
                    c["id"] + (f" [{c['subject']}]" if c.get("subject") else ""),
                    t(c["title"]),
                    t.w(c["severity"]),
                    t.w(c["outcome"]),
                    t.message(c),
                    t.measurements(c),
                ]
                for c in checks
            ]
            doc.table(header, rows)
        if view["problems"]:
            doc.heading(t("Failures and errors"), 2)
        for c in view["problems"]:
            doc.heading(f"{c['id']} — {t(c['title'])} ({t.w(c['outcome'])}, {t.w(c['severity'])})", 3)
            doc.para(t(c["requirement"]), t("Requirement"))
            doc.para(t.message(c), t("Found"))
            doc.para(t(c["remedy"]), t("Remedy"))
            for ref in c.get("evidence") or []:
                doc.para(ref, t("Evidence"))


def _closing(doc: Doc, ctx: dict[str, Any], t: Words) -> None:
    doc.heading(t("Deviations and exclusions"), 1)
    if ctx["exclusion_groups"]:
        rows = []
        for g in ctx["exclusion_groups"]:
            c = g["check"]
            why = (c.get("waiver") or {}).get("justification") or t.message(c)
            count = f" ×{g['count']}" if g["count"] > 1 else ""
            rows.append([", ".join(g["hosts"]), c["id"], t(c["title"]), t.w(c["outcome"]) + count, why])
        doc.table([t(x) for x in ("Host", "Check", "Title", "Outcome", "Reason")], rows)
    else:
        doc.para(t("None: every check of the profile was decided on the host."))
    doc.heading(t("Waivers"), 2)
    if ctx["waivers"]:
        rows = []
        for x in ctx["waivers"]:
            w = x["check"]["waiver"]
            status = t("expired: not applied, the check counts as failed") if w.get("expired") else t("applied")
            rows.append([x["host"], x["check"]["id"], w["justification"], w["approver"], str(w["expiry"]), status])
        doc.table([t(x) for x in ("Host", "Check", "Justification", "Approver", "Expiry", "Status")], rows)
    else:
        doc.para(t("No waiver was applied."))
    doc.heading(t("Authorisation"), 1)
    lab = ctx["lab"]
    doc.meta(
        [
            (
                t("Authorised by"),
                lab["report"]["authorised_by"] if lab else t("Not configured: no lab config was given (--lab-config)."),
            ),
            (t("Issue date"), ctx["issued"]),
            (t("Signature"), ""),
        ]
    )
    doc.para(
        t("The results relate only to the items tested.")
        + " "
        + t("This report shall not be reproduced except in full.")
    )
    doc.heading(t("Appendix: evidence files"), 1)
    doc.table([t("File"), "SHA-256"], [[p, d] for p, d in ctx["evidence_files"]])
    doc.para(f"— {t('End of report')} {ctx['report_id']} —")


def write_docx(
    results: dict[str, Any], lang: str, path: Path, run_dir: Path | None = None, seal: dict[str, Any] | None = None
) -> Path:
    ctx = build_context(results, run_dir, seal)
    words = Words(lang)
    doc = Doc(words)
    for part in (_front, _hosts, _results, _closing):
        part(doc, ctx, words)
    doc.save(path)
    return path
