"""How a report names a detected component: product and version once, without repeating what the
product name already says, with an OS's minor version and codename where its release files give them.

    >>> shown("Kylin Linux Advanced Server V10 SP2 (Sword)", "V10 (Sword)", {})
    'Kylin Linux Advanced Server V10 SP2 (Sword)'
    >>> shown("UnionTech OS Server 20", "fou", {"minor": "1001", "edition": "c", "codename": "fou"})
    'UnionTech OS Server 20 1001c (fou)'
    >>> shown("银河麒麟高级服务器操作系统 V10 SP2", "V10 (Sword)", {})
    '银河麒麟高级服务器操作系统 V10 SP2 (Sword)'
    >>> version_text("fou", {"minor": "1001", "edition": "c", "codename": "fou"})
    '1001c (fou)'
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_TOKEN = re.compile(r"[A-Za-z0-9.]+")


def _tokens(text: str) -> set[str]:
    return {t.lower() for t in _TOKEN.findall(text)}


def is_codename(version: str, release: Mapping[str, str]) -> bool:
    """A version that is only the release's codename (UOS's os-release gives ``fou``)."""
    return version == release.get("codename") or bool(re.fullmatch(r"[a-z]+", version))


def version_text(version: str | None, release: Mapping[str, str]) -> str | None:
    """The version column: minor version and edition, then the codename in brackets, each once."""
    minor = (release.get("minor") or "") + (release.get("edition") or "")
    codename = release.get("codename") or ""
    if version and is_codename(version, release):
        codename, version = version, None
    parts = [p for p in (version, minor) if p]
    text = " ".join(dict.fromkeys(parts))
    if codename and codename.lower() not in _tokens(text):
        text = f"{text} ({codename})".strip()
    return text or None


def shown(product: str | None, version: str | None, release: Mapping[str, str]) -> str | None:
    """Product and version as one line, nothing said twice."""
    if not product:
        return version_text(version, release)
    text = version_text(version, release)
    if not text:
        return product
    said = _tokens(product)
    # only what the product name does not say already: "V10 (Sword)" after "... V10 SP2" is "(Sword)"
    rest = " ".join(w for w in text.split() if not (_tokens(w) and _tokens(w) <= said))
    return f"{product} {rest}" if rest else product
