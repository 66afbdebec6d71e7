"""/proc/cpuinfo and lscpu output."""

from __future__ import annotations

import re

_KV = re.compile(r"^\s*([^:\t]+?)\s*:\s?(.*)$")


def parse_cpuinfo(text: str | None) -> list[dict[str, str]]:
    """One dict per processor block (blocks are separated by blank lines).

    Lines outside any key: value shape are ignored; keys are lower-cased.
    """
    blocks: list[dict[str, str]] = []
    current: dict[str, str] = {}
    for raw in (text or "").splitlines():
        if not raw.strip():
            if current:
                blocks.append(current)
                current = {}
            continue
        m = _KV.match(raw)
        if m:
            current.setdefault(m.group(1).strip().lower(), m.group(2).strip())
    if current:
        blocks.append(current)
    return blocks


def cpuinfo_summary(text: str | None) -> dict[str, str]:
    """Keys of the first processor block merged with system-wide keys from any block.

    Machines print vendor fields per processor (x86, arm64) or once at the end (Loongson,
    older arm), so take the first occurrence of every key.
    """
    merged: dict[str, str] = {}
    for block in parse_cpuinfo(text):
        for key, value in block.items():
            merged.setdefault(key, value)
    return merged


def count_processors(text: str | None) -> int:
    return sum(1 for b in parse_cpuinfo(text) if "processor" in b)


def parse_lscpu(text: str | None) -> dict[str, str]:
    """``Key: value`` lines of lscpu, keys as printed (``Model name``, ``Vendor ID``)."""
    out: dict[str, str] = {}
    for raw in (text or "").splitlines():
        key, sep, value = raw.partition(":")
        if sep and key.strip():
            out.setdefault(key.strip(), value.strip())
    return out
