"""The catalog's YAML files kept compiled: their data as JSON, keyed by the SHA-256 of the YAML bytes.

Parsing the five layer files and checking their patterns costs about 50 ms a process; reading the
compiled form a few. An entry is written only after every entry of the file was checked
(:func:`harness.catalog.load`), and only when the JSON reads back equal to what YAML gave; any change
to a file changes its key, so a stale form is never read. Entries live in the cache folder
(:mod:`harness.cache_files`) under ``catalog/``; ``XCERT_CATALOG_CACHE=off`` turns this off.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

FORMAT = 1
SWITCH = "XCERT_CATALOG_CACHE"


def _path(raw: bytes) -> Path | None:
    if os.environ.get(SWITCH, "").strip().lower() in {"0", "off", "no", "false"}:
        return None
    from harness.cache_files import cache_root

    digest = hashlib.sha256(f"xcert-catalog {FORMAT}\n".encode() + raw).hexdigest()
    return cache_root() / "catalog" / f"{digest}.json"


def read(raw: bytes) -> dict[str, Any] | None:
    """The compiled data of a catalog file with these bytes, or None."""
    from harness.cache_files import drop_entry, read_entry

    path = _path(raw)
    data = read_entry(path) if path is not None else None
    if path is None or data is None:
        return None
    try:
        doc = json.loads(data)
    except ValueError:
        drop_entry(path)
        return None
    return doc if isinstance(doc, dict) else None


def write(raw: bytes, doc: dict[str, Any]) -> bool:
    from harness.cache_files import write_entry

    path = _path(raw)
    if path is None:
        return False
    try:
        text = json.dumps(doc, ensure_ascii=False)
    except (TypeError, ValueError):
        return False
    if json.loads(text) != doc:  # a YAML type JSON does not keep (a date): not compiled
        return False
    return write_entry(path, text.encode("utf-8"), keep=32)
