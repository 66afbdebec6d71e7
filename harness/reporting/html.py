"""report.<lang>.html through Jinja2, from results.json alone (plus the run's lab config and hashes).

``lang`` is one language (``zh``) or a bilingual edition (``en+zh``): every translated string is
then shown in both languages side by side.
"""

from __future__ import annotations

import base64
import functools
import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from harness.errors import RunDirError
from harness.i18n import RTL as I18N_RTL
from harness.i18n import check_message, gettext, translate
from harness.reporting.context import build_context
from harness.reporting.vocab import word
from harness.rundir import read_bounded, resolve_under

#: the layers the cover's stack table shows, one column each
COVER_LAYERS = ("cpu", "os", "db", "middleware", "server")


@functools.cache
def environment() -> jinja2.Environment:
    """The report templates' environment, built once a process (its templates are compiled once)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("harness.reporting", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["css_string"] = css_string
    return env


#: one family per script, each loaded once: Chinese text wants the CJK face throughout (it has Latin and
#: Cyrillic too); other languages a compact face (fast to subset into a PDF: the CJK fonts are large CFF
#: collections) with the CJK face for any Chinese in the data. A longer chain costs Pango a coverage
#: lookup per font and per run of text; any other script still finds a face through ``sans-serif``.
CJK_FIRST = "'Noto Sans CJK SC', sans-serif"
LATIN_FIRST = "'DejaVu Sans', 'Noto Sans CJK SC', sans-serif"
#: Arabic in Noto Naskh Arabic (Debian fonts-noto-core); Latin text in it falls back to DejaVu Sans
ARABIC_FIRST = "'Noto Naskh Arabic', 'DejaVu Sans', 'Noto Sans CJK SC', sans-serif"
_LATIN = re.compile("[A-Za-z]{2}")
#: languages written right to left: the document (or, in a bilingual edition, their spans) gets dir="rtl"
RTL = I18N_RTL


def font_stack(lang: str) -> str:
    codes = lang.split("+")
    if codes[0] in RTL:
        return ARABIC_FIRST
    return CJK_FIRST if any(code in ("zh", "ja", "ko") for code in codes) else LATIN_FIRST


def direction(lang: str) -> str:
    """The document's direction: its first language's (an en+ar edition reads left to right)."""
    return "rtl" if lang.split("+")[0] in RTL else "ltr"


def css_string(text: str) -> Markup:
    """``text`` as a CSS string literal (for @page margin boxes)."""
    return Markup('"' + "".join(c if c.isalnum() or c in " .,:;-_/()" else f"\\{ord(c):x} " for c in text) + '"')


#: an evidence file larger than this is not shown in a report
EVIDENCE_READ_CAP = 16 * 1024 * 1024


def _evidence_excerpt(run_dir: Path | None, ref: str, limit: int = 4000) -> dict[str, Any]:
    """The command, rc and output of one evidence file, for showing under a failure."""
    if run_dir is None:
        return {"ref": ref}
    try:
        # a reference is data from the journal: only a file under evidence/ is read, and only so much of it
        path = resolve_under(run_dir, str(ref), "evidence")
        data = json.loads(read_bounded(path, EVIDENCE_READ_CAP))
    except (OSError, ValueError, RunDirError, RecursionError):
        return {"ref": ref}
    if not isinstance(data, dict) or data.get("kind") != "command":
        return {"ref": ref}
    return {
        "ref": ref,
        "command": str(data.get("command", ""))[:500],
        "rc": data.get("rc"),
        "stdout": str(data.get("stdout") or "")[:limit],
        "stderr": str(data.get("stderr") or "")[:limit],
    }


#: a plot larger than this is not drawn in a report
PLOT_READ_CAP = 4 * 1024 * 1024
_PNG = b"\x89PNG\r\n\x1a\n"


def _plots(run_dir: Path | None, checks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The plots checks made (PNG evidence, e.g. the lifecycle soak's samples), inlined as data URIs so that
    neither the HTML nor WeasyPrint ever fetches a file; only PNGs under evidence/, bounded, are read."""
    if run_dir is None:
        return []
    out = []
    for check in checks:
        for ref in check.get("evidence", []):
            if not str(ref).endswith(".png"):
                continue
            try:
                data = read_bounded(resolve_under(run_dir, str(ref), "evidence"), PLOT_READ_CAP)
            except (OSError, ValueError, RunDirError):
                continue
            if data.startswith(_PNG):
                uri = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
                out.append({"check": check, "ref": ref, "uri": uri})
    return out


def translator(lang: str) -> Callable[..., Any]:
    """``_(msgid, **params)`` for the template; for ``a+b`` both languages, side by side."""
    langs = lang.split("+")

    def one(code: str, msgid: str, params: dict[str, Any]) -> str:
        return translate(code, msgid, params) if msgid else msgid

    #: a text without parameters (a title, a word) is translated once a report, not once a row
    memo: dict[str, Any] = {}

    def _(msgid: str, **params: Any) -> Any:
        if not params:
            if msgid not in memo:
                memo[msgid] = translated(msgid, params)
            return memo[msgid]
        return translated(msgid, params)

    def translated(msgid: str, params: dict[str, Any]) -> Any:
        if len(langs) == 1:
            text = one(langs[0], msgid, params)
            if langs[0] in RTL and msgid and gettext(langs[0], msgid) == msgid and _LATIN.search(text):
                # a check text the catalog lacks falls back to English: laid out left to right inside
                return Markup('<span lang="en" dir="ltr">{}</span>').format(text)
            return text
        texts = [one(code, msgid, params) for code in langs]
        if len(set(texts)) == 1:
            return texts[0]
        return (
            Markup('<span class="bi">')
            + Markup('<span class="sep"> / </span>').join(
                Markup('<span class="l{}" lang="{}" dir="{}">{}</span>').format(
                    i, code, "rtl" if code in RTL else "ltr", escape(text)
                )
                for i, (code, text) in enumerate(zip(langs, texts, strict=True))
            )
            + Markup("</span>")
        )

    return _


def plain(lang: str, msgid: str) -> str:
    """A translation as plain text (for CSS and titles); bilingual editions join with " / "."""
    return " / ".join(dict.fromkeys(translate(code, msgid, {}) for code in lang.split("+")))


def page_of_css(lang: str) -> Markup:
    """The CSS ``content`` of "Page x of y" in ``lang``: the text around the page counters, in the
    catalog's order (Uzbek puts the page count first)."""
    parts = []
    for code in lang.split("+"):
        text = translate(code, "Page {page} of {pages}", {"page": "\0", "pages": "\1"})
        pieces = re.split("([\0\1])", text)
        css = []
        for piece in pieces:
            if piece == "\0":
                css.append("counter(page)")
            elif piece == "\1":
                css.append("counter(pages)")
            elif piece:
                css.append(str(css_string(piece)))
        parts.append(" ".join(css))
    return Markup(' " / " '.join(dict.fromkeys(parts)))


def _joined(lang: str, texts: list[str]) -> Any:
    if len(set(texts)) == 1:
        return texts[0]
    return Markup(" / ").join(
        Markup('<span lang="{}" dir="{}">{}</span>').format(code, "rtl" if code in RTL else "ltr", escape(t))
        for code, t in zip(lang.split("+"), texts, strict=True)
    )


def message(lang: str, check: dict[str, Any]) -> Any:
    key = check.get("message_key") or ""
    if lang in RTL and (not key or gettext(lang, key) == key) and _LATIN.search(check_message(lang, check)):
        return Markup('<span lang="en" dir="ltr">{}</span>').format(check_message(lang, check))
    return _joined(lang, [check_message(code, check) for code in lang.split("+")])


def said(lang: str, msg: dict[str, Any]) -> Any:
    """A message kept as data (``{"key", "args"}``, harness.terms.message) in ``lang``."""
    return _joined(lang, [translate(code, msg.get("key", ""), msg.get("args") or {}) for code in lang.split("+")])


def prepare(
    results: dict[str, Any], run_dir: Path | None = None, seal: dict[str, Any] | None = None, issued: date | None = None
) -> dict[str, Any]:
    """What every language edition of a report shows alike: the view model, the evidence excerpts under each
    failure and the plots (each evidence file and PNG read once, the evidence digest computed once)."""
    context = build_context(results, run_dir, seal, issued)
    for view in context["hosts"]:
        view["excerpts"] = {
            c["id"]: [_evidence_excerpt(run_dir, ref) for ref in c.get("evidence", [])[:4] if "facts" not in ref]
            for c in view["problems"]
        }
        view["plots"] = _plots(run_dir, view["host"]["checks"])
    return context


def render_html(
    results: dict[str, Any],
    lang: str,
    run_dir: Path | None = None,
    seal: dict[str, Any] | None = None,
    issued: date | None = None,
    for_print: bool = False,
    view: dict[str, Any] | None = None,
) -> str:
    """The report in ``lang``; ``view`` is prepare()'s result when several languages are rendered."""
    template = environment().get_template("report.html.j2")
    context = view if view is not None else prepare(results, run_dir, seal, issued)
    _ = translator(lang)
    langs = lang.split("+")
    rtl = direction(lang) == "rtl"
    return template.render(
        **context,
        lang=lang,
        dir=direction(lang),
        start="right" if rtl else "left",
        end="left" if rtl else "right",
        cover_layers=COVER_LAYERS,
        zh_names="zh" in lang.split("+"),
        w=lambda value: _(word(value)),
        word=word,
        said=lambda msg: said(lang, msg),
        html_lang=lang.split("+")[0],
        bilingual="+" in lang,
        # an edition with no right-to-left language needs no left-to-right embedding of data
        any_rtl=any(code in RTL for code in langs),
        ltr=Markup(' class="ltr"') if any(code in RTL for code in langs) else "",
        arabic_spans="ar" in langs[1:],
        for_print=for_print,
        _=_,
        plain=lambda msgid: plain(lang, msgid),
        page_of_css=page_of_css(lang),
        font_stack=Markup(font_stack(lang)),
        message=lambda check: message(lang, check),
    )


def write_html(
    results: dict[str, Any],
    lang: str,
    path: Path,
    run_dir: Path | None = None,
    seal: dict[str, Any] | None = None,
    view: dict[str, Any] | None = None,
) -> Path:
    path.write_text(render_html(results, lang, run_dir, seal, view=view), encoding="utf-8")
    return path
