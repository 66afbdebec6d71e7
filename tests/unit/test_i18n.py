"""Every user-facing string has a translation in every shipped language, with the same placeholders."""

from __future__ import annotations

import re
import string

import pytest

from harness.i18n import available_languages, catalog, translate
from harness.reporting.coverage import FULL, REPORT_ONLY, required_msgids

LANGS = [lang for lang in available_languages() if lang != "en"]


def test_chinese_russian_arabic_and_uzbek_are_shipped() -> None:
    assert {"zh", "ru", "ar", "uz"} <= set(LANGS)
    # a language is either complete or complete for reports (harness/reporting/coverage.py)
    assert set(LANGS) <= set(FULL) | set(REPORT_ONLY)
    assert {"zh", "ru", "ar", "uz"} <= set(FULL)  # a bid in Arabic or Uzbek reads every check in it


@pytest.mark.parametrize("lang", LANGS)
def test_every_string_is_translated(lang: str) -> None:
    """zh, ru, ar and uz (the bids' languages): every string, check texts included."""
    have = catalog(lang)
    missing = sorted(m for m in required_msgids(lang) if m not in have)
    assert not missing, (
        f"{len(missing)} strings lack a {lang} translation (python -m harness.i18n_extract {lang}): {missing[:10]}"
    )


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("lang", LANGS)
def test_translations_keep_their_placeholders(lang: str) -> None:
    for msgid, text in catalog(lang).items():
        assert _fields(text) == _fields(msgid), (lang, msgid, text)


def test_translate_fills_parameters() -> None:
    assert translate("zh", "Page size is {size} bytes", {"size": 65536}) == "页大小为 65536 字节"
    assert translate("ru", "Kernel {kernel}", {"kernel": "4.19"}) == "Ядро 4.19"
    assert translate("en", "Kernel {kernel}", {"kernel": "4.19"}) == "Kernel 4.19"


def test_uzbek_writes_o_and_g_with_the_turned_comma() -> None:
    """Uzbek Latin: oʻ and gʻ take U+02BB, the tutuq belgisi U+02BC; never an ASCII apostrophe or a quote mark."""
    for msgid, text in catalog("uz").items():
        assert not re.search(r"[oOgG]['‘’`ʼ]", text), (msgid, text)
        assert all(text[i - 1] in "oOgG" for i, c in enumerate(text) if c == "ʻ"), (msgid, text)
    assert "ʻ" in translate("uz", "Passed")  # Oʻtdi


def test_no_msgid_has_a_format_spec_or_an_attribute() -> None:
    """harness.checks.render refuses a format spec (``{mode:o}``) or an attribute in a message: such a
    message would reach the report as its raw template. Format the value in the check instead."""
    from harness.i18n_extract import all_msgids

    bad = []
    for msgid in all_msgids():
        for _, name, spec, conversion in string.Formatter().parse(msgid):
            if name is not None and (spec or conversion not in (None, "r", "s") or not name.isidentifier()):
                bad.append(msgid)
    assert not bad, bad
