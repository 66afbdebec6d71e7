"""The zh, ru, ar and uz reports of a real run carry no untranslated English.

What may stay as it is (the allowlist):
- data: check ids, host names, product, vendor and model names, versions, catalog ids, the lab's
  own texts (lab.toml), waiver justifications and approvers, message parameters (values a check
  measured or quoted: a locale list, a version banner), evidence paths, commands and their output
  (in <code>/<pre>), digests;
- technical tokens every edition writes the same way (TECHNICAL below);
- the text of an error a check could not run past (``error`` without a message key: an exception's
  own words, such as "RuntimeError: iconv is not installed");
- a report-only language (harness/reporting/coverage.py; none is shipped now): a check's own texts
  (title, requirement, remedy, message) that its catalog does not translate yet fall back to English.

A leak is a word of the English msgids that the language's translations never use, left in the text.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest

from harness.i18n import catalog
from harness.i18n_extract import all_msgids
from harness.reporting.coverage import REPORT_ONLY
from harness.reporting.html import render_html

TECHNICAL = {"sha", "xcert", "glibc", "ssh", "sql", "qr", "dmi", "cpu", "gib", "mib", "kib", "lab", "config"}
_WORD = re.compile(r"[A-Za-z]{3,}")
_DROP = re.compile(
    r"<(pre|code|style|title)\b[^>]*>.*?</\1>|<table class=\"appendix[^\"]*\">.*?</table>"
    r"|<[^>]+class=\"[^\"]*(ltr|digest)[^\"]*\"[^>]*>.*?</[^>]+>",
    re.S,
)


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def _data_texts(results: dict[str, Any], lang: str) -> list[str]:
    have = catalog(lang)
    texts: list[str] = []

    def args(values: dict[str, Any]) -> None:
        for value in values.values():
            if isinstance(value, dict):
                args(value.get("args") or {})
            else:
                texts.append(str(value))

    for host in results["hosts"]:
        texts += [host["name"], *(str(v) for v in (host.get("unreachable") or {}).values())]
        texts += [str(v) for v in (host.get("facts") or {}).values()]
        for comp in host["stack"].get("detected", {}).values():
            texts += [str(comp.get(k) or "") for k in ("product", "vendor", "model", "version", "catalog_id")]
            texts += [str(v) for v in ((comp.get("details") or {}).get("release") or {}).values()]
            args((comp.get("description") or {}).get("args") or {})
        texts += [str(v) for v in host["stack"].get("declared", {}).values()]
        for check in host["checks"]:
            args(check.get("message_args") or {})
            if check["outcome"] == "error" and not check.get("message_key"):
                texts.append(check.get("message", ""))
            texts += list(check.get("measurements") or {})
            texts += [str((check.get("waiver") or {}).get(k, "")) for k in ("justification", "approver")]
            if lang in REPORT_ONLY:
                # documented fallback: a check's own texts the catalog does not translate yet
                for key in ("title", "requirement", "remedy", "message_key"):
                    if check.get(key) and check[key] not in have:
                        texts.append(check[key])
                if check.get("message_key", "") not in have:
                    texts.append(check.get("message", ""))
    return texts


def _visible(page: str) -> str:
    body = page[page.index("<body") :]
    return html.unescape(re.sub(r"<[^>]+>", " ", _DROP.sub(" ", body)))


@pytest.mark.parametrize("lang", ["zh", "ru", "ar", "uz"])
def test_no_untranslated_english(snapshot_run: Path, run_results: dict[str, Any], lang: str) -> None:
    from tests.unit.reporting.conftest import LAB

    have = catalog(lang)
    english = set().union(*(_words(m) for m in all_msgids()))
    translated = set().union(*(_words(t) for t in have.values()))
    allowed = TECHNICAL | translated | _words(LAB) | set().union(*(_words(t) for t in _data_texts(run_results, lang)))
    text = _visible(render_html(run_results, lang, snapshot_run))
    leaks = sorted((_words(text) & english) - allowed)
    assert not leaks, f"{lang}: untranslated English {leaks[:30]}"


def test_the_test_finds_a_leak(snapshot_run: Path, run_results: dict[str, Any]) -> None:
    """The check above can fail: an English word slipped into the zh edition is found."""
    page = render_html(run_results, "zh", snapshot_run).replace("</h1>", " Requirement mandatory</h1>", 1)
    english = set().union(*(_words(m) for m in all_msgids()))
    assert {"requirement", "mandatory"} <= _words(_visible(page)) & english
    assert "requirement" not in set().union(*(_words(t) for t in catalog("zh").values()))


def test_the_english_edition_shows_words_not_data_values(snapshot_run: Path, run_results: dict[str, Any]) -> None:
    text = _visible(render_html(run_results, "en", snapshot_run))
    for value in ("NOT_CERTIFIED", "not_applicable", "INCOMPLETE", "CERTIFIED"):
        assert not re.search(rf"\b{value}\b", text), value
    for word in ("Not certified", "Not applicable", "Certified", "Incomplete", "Mandatory", "Operating system"):
        assert word in text, word
