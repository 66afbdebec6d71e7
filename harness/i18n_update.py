"""``python -m harness.i18n_extract --update [--area NAME] [LANG...]``: write every msgid a language
does not translate yet into ``harness/locale/<lang>/LC_MESSAGES/<area>.po`` with an empty msgstr,
so a check author writes English and then fills in the zh and ru lines the tool created.

An msgid already present in any of the language's .po files (empty or fuzzy, waiting for its
translation) is not written twice. Empty and fuzzy entries count as untranslated
(``harness.i18n.catalog`` leaves them out), so the translation test keeps failing until they are filled.
"""

from __future__ import annotations

from pathlib import Path

from harness.paths import PROJECT_ROOT

HEADER = """# {lang} translations for xcert: {area} (entries written by `python -m harness.i18n_extract --update`).
msgid ""
msgstr ""
"Project-Id-Version: xcert 0.1.0\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=utf-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Language: {lang}\\n"
"Plural-Forms: {plural}\\n"
"""
PLURAL = {
    "zh": "nplurals=1; plural=0;",
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
}


def present_msgids(folder: Path) -> set[str]:
    """Every msgid with an entry in the folder's .po files, translated or not."""
    from babel.messages.pofile import read_po

    found: set[str] = set()
    for path in sorted(folder.glob("*.po")):
        with path.open("rb") as fh:
            found |= {str(m.id) for m in read_po(fh) if m.id}
    return found


def update(lang: str, msgids: set[str], area: str, locale_root: Path | None = None) -> list[str]:
    """Append the msgids ``lang`` has no entry for to ``<area>.po``; returns those written."""
    from babel.messages.pofile import escape

    folder = (locale_root or PROJECT_ROOT / "harness" / "locale") / lang / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    todo = sorted(msgids - present_msgids(folder))
    if not todo:
        return []
    path = folder / f"{area}.po"
    text = (
        path.read_text(encoding="utf-8")
        if path.exists()
        else HEADER.format(lang=lang, area=area, plural=PLURAL.get(lang, "nplurals=2; plural=(n != 1);"))
    )
    entries = "".join(f'\nmsgid {escape(m)}\nmsgstr ""\n' for m in todo)
    path.write_text(text.rstrip("\n") + "\n" + entries, encoding="utf-8")
    return todo
