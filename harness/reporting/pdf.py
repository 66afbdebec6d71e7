"""report.<lang>.pdf: the HTML report laid out on A4 by WeasyPrint (Pango, fonts-noto-cjk for CJK).

WeasyPrint is imported only here (heavy, and optional: ``pip install 'xcert[pdf]'``). Its font
loading costs seconds the first time in a process, so render every language in one process
(render.render_reports does).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.reporting.html import render_html


def write_pdf(
    results: dict[str, Any], lang: str, path: Path, run_dir: Path | None = None, seal: dict[str, Any] | None = None
) -> Path:
    import weasyprint

    html = render_html(results, lang, run_dir, seal, for_print=True)
    base = str(run_dir) if run_dir is not None else None
    # hinting=True keeps the fonts' hints: dropping them from a CJK CFF subset costs seconds per font
    weasyprint.HTML(string=html, base_url=base).write_pdf(str(path), hinting=True)
    return path
