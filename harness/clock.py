"""Time stamps, in one format everywhere."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now_iso() -> str:
    """Now, as ISO 8601 in UTC with milliseconds: ``2026-11-24T06:43:49.123Z``."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
