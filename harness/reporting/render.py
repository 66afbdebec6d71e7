"""Render every requested report of a run from its results.json."""

from __future__ import annotations

import contextlib
import importlib
import os
import secrets
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from harness.errors import RunDirError, RunDirWriteError, UsageError
from harness.i18n import available_languages
from harness.results import write_results
from harness.rundir import check_path_text, copy_atomic, inside, load_run_meta, write_json_atomic
from harness.runinput import check_run
from harness.signing.chain import run_integrity

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
#: formats rendered from the HTML report's view (html.prepare), which they share
VIEW_FORMATS = ("html", "pdf")
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
    # a run read back is data: run.json and every journal record are checked before use
    check_run(run_dir, load_run_meta(run_dir))
    # the whole set of reports is replaced: the earlier ones go first (none may be left beside newer
    # results, even if this rendering is killed part-way), and each edition that was there is rendered again
    had_langs, had_formats = report_editions(run_dir)
    langs = [*langs, *(lang for lang in had_langs if lang not in langs)]
    formats = [*formats, *(fmt for fmt in had_formats if fmt not in formats)]
    remove_reports(run_dir)
    results = write_results(run_dir)
    integrity = run_integrity(run_dir)
    if not integrity.ok or integrity.signed_by:
        # a journal whose chain (or signed heads) does not verify: the results say so
        results["integrity"] = integrity.as_dict()
        write_json_atomic(run_dir / "results.json", results, run_dir)
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
        written.append(_into_place(run_dir / "junit.xml", run_dir, lambda tmp: write_junit(results, tmp)))
    shared: dict[str, Any] = {}
    if any(fmt in formats for fmt in VIEW_FORMATS):
        from harness.reporting.html import prepare

        # what the HTML and PDF editions show alike is computed once for every language and both formats
        shared["view"] = prepare(results, run_dir, seal)
    for fmt in EDITIONS:
        if fmt not in formats:
            continue
        write = _renderer(fmt)
        extra = shared if fmt in VIEW_FORMATS else {}
        for lang in langs:
            dest = run_dir / f"report.{lang}.{fmt}"
            written.append(
                _into_place(dest, run_dir, lambda tmp: write(results, lang, tmp, run_dir, seal=seal, **extra))  # noqa: B023
            )
        # the first language is also the plain report.<fmt>
        copy_atomic(run_dir / f"report.{langs[0]}.{fmt}", run_dir / f"report.{fmt}", run_dir)
        written.append(run_dir / f"report.{fmt}")
    return written


def report_editions(run_dir: Path) -> tuple[list[str], list[str]]:
    """Languages and formats of the reports a run directory holds (``report.<lang>.<fmt>``, junit.xml)."""
    from harness.signing.manifest import is_report

    langs: list[str] = []
    formats: list[str] = []
    names = sorted(p.name for p in run_dir.iterdir()) if run_dir.is_dir() else []
    known = set(available_languages())
    for name in names:
        parts = name.split(".")
        if is_report(name) and len(parts) == 3 and parts[0] == "report" and parts[2] in RENDERERS:
            if all(single in known for single in parts[1].split("+")) and parts[1] not in langs:
                langs.append(parts[1])
            if parts[2] not in formats:
                formats.append(parts[2])
    if "junit.xml" in names:
        formats.append("junit")
    return langs, formats


def remove_reports(run_dir: Path) -> None:
    """Remove every rendered report (reports, JUnit) of a run: they are rendered again from new results."""
    from harness.signing.manifest import is_report

    for path in run_dir.iterdir() if run_dir.is_dir() else ():
        if is_report(path.name) and (path.is_symlink() or path.is_file()):
            path.unlink()


def _into_place(dest: Path, run_dir: Path, write: Callable[[Path], object]) -> Path:
    """Render into a fresh temporary file beside ``dest``, then rename it into place (never through a link)."""
    check_path_text(str(dest))
    if dest.is_symlink():
        raise RunDirError(f"{dest}: is a symbolic link; refusing to write through it")
    if not inside(run_dir, dest.parent):
        raise RunDirError(f"{dest}: resolves outside the run directory {run_dir}")
    tmp = dest.with_name(f".{dest.name}.{secrets.token_hex(4)}.tmp")
    try:
        write(tmp)
        if tmp.is_symlink():
            raise RunDirError(f"{tmp}: is a symbolic link")
        os.replace(tmp, dest)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return dest
