"""Vendor release files besides os-release: UOS/deepin /etc/os-version, Kylin /etc/.kyinfo."""

from __future__ import annotations


def parse_ini(text: str | None) -> dict[str, str]:
    """``key=value`` lines of an INI-like file, sections flattened (first occurrence wins).

    >>> parse_ini("[dist]\\nname=Kylin-Server\\narch=arm64\\n")["arch"]
    'arm64'
    """
    out: dict[str, str] = {}
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";", "[")):
            continue
        key, sep, value = line.partition("=")
        if sep and key.strip():
            out.setdefault(key.strip(), value.strip().strip("\"'"))
    return out
