"""The test plan: every check the suites declare, with its metadata, read from the suite files alone
(nothing is connected to, nothing runs). ``xcert checks`` prints it, as JSON or as HTML, PDF and
Excel in any report language; tender teams attach it to a bid beside the report.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness.checks import N_, CheckMeta
from harness.errors import UsageError
from harness.layers import LAYERS
from harness.terms import selector_words

PLAN_FORMATS = ("html", "pdf", "xlsx")
ANY_VALUE = N_("any known or declared value")


def collect(suites: Path) -> list[CheckMeta]:
    """Every check declared in ``suites`` (test_*.py files), in layer order then id order."""
    found: dict[str, CheckMeta] = {}
    # suite modules import their helpers as the package ``suites`` (as pytest's rootdir insertion makes it)
    root = str(suites.resolve().parent)
    if root not in sys.path:
        sys.path.insert(0, root)
    for path in sorted(suites.rglob("test_*.py")):
        if "__pycache__" in path.parts:
            continue
        name = "xcert_plan_" + "_".join(path.relative_to(suites).with_suffix("").parts)
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            continue
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except Exception as exc:  # a suite file that does not import is a defect to name, not a traceback
            raise UsageError(f"{path}: cannot be read as a suite ({type(exc).__name__}: {exc})") from None
        finally:
            sys.modules.pop(name, None)
        for value in vars(module).values():
            meta = getattr(value, "xcert_check", None)
            if isinstance(meta, CheckMeta):
                found.setdefault(meta.id, meta)
    order = {layer: i for i, layer in enumerate(LAYERS)}
    return sorted(found.values(), key=lambda m: (order.get(m.layer, len(order)), m.id))


def select(checks: Iterable[CheckMeta], layers: Sequence[str] = (), profile: str | None = None) -> list[CheckMeta]:
    unknown = set(layers) - set(LAYERS)
    if unknown:
        raise UsageError(f"--layer: unknown layer {sorted(unknown)[0]!r} (have: {', '.join(LAYERS)})")
    out = [m for m in checks if (not layers or m.layer in layers) and (profile is None or profile in m.profiles)]
    return out


def applies_words(meta: CheckMeta) -> list[tuple[str, str]]:
    """The applies_to selector in words: (what, values); "*" reads "any known or declared value"."""
    return [
        (selector_words(key), ANY_VALUE if "*" in values else ", ".join(values))
        for key, values in meta.applies_to.items()
    ]


def plan_json(checks: Sequence[CheckMeta], lang: str = "en") -> dict[str, Any]:
    from harness.i18n import translate

    rows = []
    for meta in checks:
        row = meta.as_dict()
        if lang != "en":
            row["translated"] = {
                "lang": lang,
                **{
                    k: " / ".join(translate(code, getattr(meta, k)) for code in lang.split("+"))
                    for k in ("title", "requirement", "remedy")
                },
            }
        rows.append(row)
    return {"schema": "xcert-checks/1", "count": len(rows), "checks": rows}


def plan_context(checks: Sequence[CheckMeta], layers: Sequence[str], profile: str | None) -> dict[str, Any]:
    from harness.paths import catalog_dir, suites_dir
    from harness.rundir import suite_digest

    by_layer: dict[str, list[CheckMeta]] = {}
    for meta in checks:
        by_layer.setdefault(meta.layer, []).append(meta)
    return {
        "checks": checks,
        "by_layer": list(by_layer.items()),
        "generated": datetime.now(UTC).date().isoformat(),
        "suite_digest": suite_digest(suites_dir(), catalog_dir()),
        "layers": list(layers),
        "profile": profile,
        "applies_words": applies_words,
    }


def render_plan_html(
    checks: Sequence[CheckMeta], lang: str, layers: Sequence[str], profile: str | None, for_print: bool = False
) -> str:
    from markupsafe import Markup

    from harness.reporting.html import direction, environment, font_stack, page_of_css, plain, translator
    from harness.reporting.vocab import word

    _ = translator(lang)
    rtl = direction(lang) == "rtl"
    return (
        environment()
        .get_template("plan.html.j2")
        .render(
            **plan_context(checks, layers, profile),
            html_lang=lang.split("+")[0],
            dir=direction(lang),
            start="right" if rtl else "left",
            end="left" if rtl else "right",
            for_print=for_print,
            _=_,
            w=lambda value: _(word(value)),
            plain=lambda msgid: plain(lang, msgid),
            page_of_css=page_of_css(lang),
            font_stack=Markup(font_stack(lang)),
        )
    )


def write_plan(
    checks: Sequence[CheckMeta], lang: str, fmt: str, out: Path, layers: Sequence[str], profile: str | None
) -> Path:
    path = out / f"plan.{lang}.{fmt}"
    if fmt == "html":
        path.write_text(render_plan_html(checks, lang, layers, profile), encoding="utf-8")
    elif fmt == "pdf":
        from harness.reporting.pdf import print_html

        # the process's shared fonts: every language of the plan loads them once
        print_html(render_plan_html(checks, lang, layers, profile, for_print=True), path)
    else:
        write_plan_xlsx(checks, lang, path)
    return path


PLAN_FIELDS = (
    N_("Check"),
    N_("Layer"),
    N_("Severity"),
    N_("Profiles"),
    N_("Tags"),
    N_("Applies to"),
    N_("Title"),
    N_("Requirement"),
    N_("Remedy"),
    N_("Source"),
)


def write_plan_xlsx(checks: Sequence[CheckMeta], lang: str, path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from harness.reporting.plain import Words

    t = Words(lang)
    wb = Workbook()
    ws = wb.active
    ws.title = "plan"
    ws.append([t(f) for f in PLAN_FIELDS])
    for m in checks:
        applies = "; ".join(f"{t(what)}: {t(values)}" for what, values in applies_words(m)) or t("every host")
        ws.append(
            [
                m.id,
                t.w(m.layer),
                t.w(str(m.severity)),
                ", ".join(t.w(p) for p in m.profiles),
                ", ".join(sorted(m.tags)),
                applies,
                t(m.title),
                t(m.requirement),
                t(m.remedy),
                m.source,
            ]
        )
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGHIJ", (14, 14, 12, 20, 14, 28, 36, 60, 60, 40), strict=True):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "B2"
    ws.sheet_view.rightToLeft = t.rtl
    wb.save(str(path))
    return path
