"""Render every requested report of a run from its results.json."""

from __future__ import annotations

import importlib
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from harness.errors import RunDirWriteError, UsageError
from harness.i18n import available_languages
from harness.results import write_results

FORMATS = ("json", "junit", "html", "pdf", "docx", "xlsx")
#: formats rendered once per report language
EDITIONS = ("html", "pdf", "docx", "xlsx")
#: format -> "module:function"; imported only when asked for (WeasyPrint is heavy)
RENDERERS: dict[str, str] = {
    "html": "harness.reporting.html:write_html",
    "pdf": "harness.reporting.pdf:write_pdf",
    "docx": "harness.reporting.docx_report:write_docx",
    "xlsx": "harness.reporting.xlsx_report:write_xlsx",
}
#: the package extra that installs a format's library
EXTRAS = {"pdf": "pdf", "docx": "office", "xlsx": "office"}


def parse_langs(text: str) -> list[str]:
    """``en,zh,ru`` (one report each); ``en+zh`` asks for a bilingual edition."""
    langs = [part.strip() for part in text.split(",") if part.strip()]
    known = set(available_languages())
    for lang in langs:
        for single in lang.split("+"):
            if single not in known:
                raise UsageError(f"--lang: no catalog for {single!r} (have: {', '.join(sorted(known))})")
    return langs or ["en"]


def parse_formats(text: str) -> list[str]:
    formats = [f.strip() for f in text.split(",") if f.strip()]
    for fmt in formats:
        if fmt not in FORMATS:
            raise UsageError(f"--format: unknown format {fmt!r} (have: {', '.join(FORMATS)})")
    return formats


def _renderer(fmt: str) -> Callable[..., Path]:
    module_name, _, attr = RENDERERS[fmt].partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise UsageError(
            f"{fmt} reports need a missing module ({exc.name}): pip install 'xcert[{EXTRAS.get(fmt, fmt)}]'"
        ) from exc
    fn: Callable[..., Path] = getattr(module, attr)
    return fn


def render_run(
    run_dir: Path, langs: Sequence[str] = ("en",), formats: Sequence[str] = ("json", "junit", "html")
) -> tuple[dict[str, Any], list[Path]]:
    """Rebuild results.json from the journals, then render the reports; returns what was written."""
    try:
        return _render(run_dir, langs, formats)
    except OSError as exc:
        where = exc.filename or run_dir
        raise RunDirWriteError(f"{where}: cannot write the reports ({exc.strerror})") from None


def _render(run_dir: Path, langs: Sequence[str], formats: Sequence[str]) -> tuple[dict[str, Any], list[Path]]:
    results = write_results(run_dir)
    written = [run_dir / "results.json"]
    written += render_reports(results, run_dir, langs, formats)
    return results, written


def render_reports(
    results: dict[str, Any],
    run_dir: Path,
    langs: Sequence[str],
    formats: Sequence[str],
    seal: dict[str, Any] | None = None,
) -> list[Path]:
    """Render the reports of ``results`` into ``run_dir`` (``seal``: a bundle's digest and key fingerprint).

    Every language of a format is rendered in this one process: WeasyPrint loads its fonts once.
    """
    from harness.reporting.junit import write_junit

    written: list[Path] = []
    if "junit" in formats:
        written.append(write_junit(results, run_dir / "junit.xml"))
    for fmt in EDITIONS:
        if fmt not in formats:
            continue
        write = _renderer(fmt)
        for lang in langs:
            written.append(write(results, lang, run_dir / f"report.{lang}.{fmt}", run_dir, seal=seal))
        # the first language is also the plain report.<fmt>
        shutil.copyfile(run_dir / f"report.{langs[0]}.{fmt}", run_dir / f"report.{fmt}")
        written.append(run_dir / f"report.{fmt}")
    return written
