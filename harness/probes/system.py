"""Memory, disks, network interfaces, kernel and glibc from command output."""

from __future__ import annotations

import re
from typing import Any


def parse_meminfo(text: str | None) -> dict[str, int]:
    """/proc/meminfo in bytes: ``{"MemTotal": 25165824000, ...}``."""
    out: dict[str, int] = {}
    for raw in (text or "").splitlines():
        m = re.match(r"^(\w[\w()]*):\s+(\d+)(?:\s+kB)?", raw)
        if m:
            value = int(m.group(2))
            out[m.group(1)] = value * 1024 if raw.rstrip().endswith("kB") else value
    return out


def parse_df(text: str | None) -> list[dict[str, Any]]:
    """``df -P -k`` rows: device, mount point, size and free in bytes."""
    rows: list[dict[str, Any]] = []
    for raw in (text or "").splitlines()[1:]:
        parts = raw.split()
        if len(parts) >= 6 and parts[1].isdigit() and parts[3].isdigit():
            rows.append(
                {
                    "device": parts[0],
                    "mount": " ".join(parts[5:]),
                    "total_bytes": int(parts[1]) * 1024,
                    "free_bytes": int(parts[3]) * 1024,
                }
            )
    return rows


def parse_ip_addr(text: str | None) -> list[dict[str, Any]]:
    """``ip -o addr show`` -> interfaces with their addresses."""
    interfaces: dict[str, dict[str, Any]] = {}
    for raw in (text or "").splitlines():
        m = re.match(r"^\d+:\s+(\S+?)(?:@\S+)?\s+(inet6?)\s+(\S+)", raw)
        if m:
            entry = interfaces.setdefault(m.group(1), {"name": m.group(1), "addresses": []})
            entry["addresses"].append(m.group(3))
    return list(interfaces.values())


def parse_glibc_version(getconf: str | None, ldd: str | None) -> str | None:
    """``glibc 2.36`` from getconf, else the first version number ldd prints."""
    for text in (getconf, ldd):
        if text:
            m = re.search(r"(?:glibc|GLIBC|GNU libc)[^\d]*(\d+\.\d+(?:\.\d+)?)", text)
            if m:
                return m.group(1)
    return None


def parse_page_size(text: str | None) -> int | None:
    value = (text or "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else None
