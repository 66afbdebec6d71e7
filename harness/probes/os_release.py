"""os-release(5) and the older release files (lsb-release, *-release one-liners)."""

from __future__ import annotations

import re
import shlex

_LINE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")


def parse_os_release(text: str | None) -> dict[str, str]:
    """KEY=value pairs, with shell quoting undone; malformed lines are ignored.

    >>> parse_os_release('NAME="Kylin Linux Advanced Server"\\nVERSION_ID="V10"')["VERSION_ID"]
    'V10'
    """
    result: dict[str, str] = {}
    if not text:
        return result
    for raw in text.splitlines():
        m = _LINE.match(raw)
        if not m:
            continue
        key, value = m.group(1), m.group(2)
        try:
            parts = shlex.split(value, comments=False, posix=True)
            value = " ".join(parts) if parts else ""
        except ValueError:
            value = value.strip("\"'")
        result[key] = value
    return result


_RELEASE_LINE = re.compile(r"^(?P<name>.+?)\s+release\s+(?P<version>\S+)(?:\s+\((?P<codename>[^)]*)\))?", re.I)


def parse_release_line(text: str | None) -> dict[str, str]:
    """``Kylin Linux Advanced Server release V10 (Sword)`` -> name, version, codename."""
    if not text:
        return {}
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    m = _RELEASE_LINE.match(first)
    if not m:
        return {"line": first} if first else {}
    out = {"line": first, "name": m.group("name"), "version": m.group("version")}
    if m.group("codename"):
        out["codename"] = m.group("codename")
    return out
