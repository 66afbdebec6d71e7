"""Translation catalogs: English is the msgid; zh and ru (and any added language) are .po files.

Catalogs are read with Babel at run time. Each language folder may hold several .po files
(``xcert.po`` for the core, one per suite or part); they are merged. Adding a language is adding
``harness/locale/<lang>/LC_MESSAGES/*.po``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from importlib import resources
from typing import Any

from harness.checks import render

DOMAIN = "xcert"
SOURCE_LANG = "en"


def available_languages() -> tuple[str, ...]:
    root = resources.files("harness").joinpath("locale")
    langs = [SOURCE_LANG]
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        folder = entry.joinpath("LC_MESSAGES")
        if folder.is_dir() and any(f.name.endswith(".po") for f in folder.iterdir()):
            langs.append(entry.name)
    return tuple(langs)


@functools.cache
def catalog(lang: str) -> dict[str, str]:
    """msgid -> translation for ``lang`` (empty for English); fuzzy or empty entries are left out."""
    if lang == SOURCE_LANG:
        return {}
    from babel.messages.pofile import read_po

    folder = resources.files("harness").joinpath("locale", lang, "LC_MESSAGES")
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".po")), key=lambda f: f.name)
    if not files:
        raise KeyError(lang)
    merged: dict[str, str] = {}
    for ref in files:
        with ref.open("rb") as fh:
            po = read_po(fh, locale=lang)
        merged.update({str(m.id): str(m.string) for m in po if m.id and m.string and not m.fuzzy})
    return merged


def gettext(lang: str, msgid: str) -> str:
    if not msgid:
        return msgid
    return catalog(lang).get(msgid, msgid)


def translate(lang: str, key: str, params: Mapping[str, Any] | None = None) -> str:
    """Translate a message key and fill in its parameters; a parameter that is a message or one of
    the translated terms (harness.terms) is translated too."""
    return render(gettext(lang, key), {name: _param(lang, v) for name, v in (params or {}).items()})


#: languages written right to left: a parameter that is Latin data (a path, a command, a product
#: name) is set inside a left-to-right isolate (U+2066 ... U+2069), so "/proc/cpuinfo" keeps its shape
RTL = frozenset({"ar", "fa", "he", "ur"})
_LTR_DATA = re.compile(r"[A-Za-z0-9/]")


def _param(lang: str, value: Any) -> Any:
    from harness.terms import TERMS, is_message

    if is_message(value):
        return translate(lang, value["key"], value.get("args") or {})
    if isinstance(value, str) and value in TERMS:
        return gettext(lang, value)
    if lang in RTL and not isinstance(value, bool) and _LTR_DATA.search(str(value)):
        return f"\u2066{value}\u2069"
    return value


@functools.cache
def known_ids() -> frozenset[str]:
    """Every message id the catalogs translate: the only keys a recorded message is rendered from."""
    ids: set[str] = set()
    for lang in available_languages():
        if lang != SOURCE_LANG:
            ids.update(catalog(lang))
    return frozenset(ids)


def check_message(lang: str, check: Mapping[str, Any]) -> str:
    """A check's message in ``lang``: from its key when the catalog knows it, else as recorded."""
    key = check.get("message_key") or ""
    args = check.get("message_args") or {}
    if isinstance(key, str) and key in known_ids() and isinstance(args, Mapping):
        return translate(lang, key, args)
    return str(check.get("message", ""))
