"""report.<lang>.pdf: the HTML report laid out on A4 by WeasyPrint (Pango, fonts-noto-cjk for CJK).

WeasyPrint is imported only here (heavy, and optional: ``pip install 'xcert[pdf]'``). Its font
loading costs seconds the first time in a process, so one FontConfiguration (fontconfig's font set and
Pango's font map: each font file is opened and shaped once) and one image cache serve every document
this process prints; render every language in one process (render.render_reports does).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.reporting.html import render_html

#: decoded images by URL (only data: URIs: the QR code, the plots); cleared past this many entries
IMAGE_CACHE_ENTRIES = 64
_shared: dict[str, Any] = {}


def _fonts() -> Any:
    """The process's one FontConfiguration (created on first use)."""
    if "fonts" not in _shared:
        from weasyprint.text.fonts import FontConfiguration

        _shared["fonts"] = FontConfiguration()
    return _shared["fonts"]


def _images() -> dict[str, Any]:
    cache: dict[str, Any] = _shared.setdefault("images", {})
    if len(cache) > IMAGE_CACHE_ENTRIES:
        cache.clear()
    return cache


def print_html(html: str, path: Path, base: Path | None = None) -> Path:
    """Lay ``html`` out on paper and write the PDF, with the process's shared fonts and images."""
    import weasyprint

    document = weasyprint.HTML(string=html, base_url=str(base) if base is not None else None)
    # hinting=True keeps the fonts' hints: dropping them from a CJK CFF subset costs seconds per font
    document.write_pdf(str(path), hinting=True, font_config=_fonts(), cache=_images())
    return path


def write_pdf(
    results: dict[str, Any],
    lang: str,
    path: Path,
    run_dir: Path | None = None,
    seal: dict[str, Any] | None = None,
    view: dict[str, Any] | None = None,
) -> Path:
    """``view``: the language-independent part of the report (html.prepare), shared by the languages of a run."""
    return print_html(render_html(results, lang, run_dir, seal, for_print=True, view=view), path, run_dir)
