"""What every host probe's output shares: the ``xcert-missing: <tool>`` marker of an absent tool."""

from __future__ import annotations

import re

_MISSING = re.compile(r"^xcert-missing: (.+)$", re.MULTILINE)


def missing(text: str | None) -> str | None:
    """The tool a probe found absent, or None (``xcert-missing: getstatus`` -> ``getstatus``)."""
    m = _MISSING.search(text or "")
    return m.group(1).strip() if m else None


def lines(text: str | None, prefix: str) -> list[str]:
    """The rest of every line that starts with ``prefix `` (a probe's tagged lines)."""
    tag = prefix + " "
    return [raw[len(tag) :].strip() for raw in (text or "").splitlines() if raw.startswith(tag)]


def kv_pairs(text: str) -> dict[str, str]:
    """``a=1 b=unlimited`` -> ``{"a": "1", "b": "unlimited"}``."""
    return {m.group(1): m.group(2) for m in re.finditer(r"([A-Za-z_][\w.-]*)=(\S*)", text)}
