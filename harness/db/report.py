"""The SQL feature table of each host's database, read back from results.json (for reports).

>>> feature_table({"checks": [{"id": "XC-DB-010", "title": "DECIMAL(38,10) and BIGINT bounds", "tags": ["sql-feature"],
...     "outcome": "pass", "measurements": {"supported": {"value": True, "unit": "bool"}}}]})
[{'id': 'XC-DB-010', 'feature': 'DECIMAL(38,10) and BIGINT bounds', 'outcome': 'pass', 'supported': True}]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: the tag of the checks whose rows make the feature table
SQL_FEATURE = "sql-feature"
#: results.json written before checks carried tags: the feature checks by id (XC-DB-010..026)
FEATURE_IDS = tuple(f"XC-DB-{n:03d}" for n in range(10, 27))


def is_feature(check: Mapping[str, Any]) -> bool:
    """A check row of the feature table: tagged ``sql-feature`` (older results without tags: by id)."""
    tags = check.get("tags")
    if tags is None:
        return check.get("id") in FEATURE_IDS
    return SQL_FEATURE in tags


def feature_table(host: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per SQL feature check the host ran: id, feature (the check's title), outcome, supported."""
    rows = []
    for check in host.get("checks", []):
        if not is_feature(check):
            continue
        supported = (check.get("measurements") or {}).get("supported", {}).get("value")
        rows.append(
            {
                "id": check["id"],
                "feature": check.get("title", ""),
                "outcome": check.get("outcome"),
                "supported": supported,
            }
        )
    return sorted(rows, key=lambda r: str(r["id"]))


def feature_matrix(host: Mapping[str, Any]) -> dict[str, Any]:
    """The feature table across a host's databases: one row per feature, one column per target.

    ``{"subjects": ["pg", "maria"], "rows": [{"id", "feature", "cells": {"pg": {"outcome", "supported"}}}]}``;
    empty rows when the host ran no feature check.
    """
    subjects: list[str] = []
    rows: dict[str, dict[str, Any]] = {}
    for check in host.get("checks", []):
        if not is_feature(check):
            continue
        subject = check.get("subject") or ""
        if subject not in subjects:
            subjects.append(subject)
        row = rows.setdefault(check["id"], {"id": check["id"], "feature": check.get("title", ""), "cells": {}})
        supported = (check.get("measurements") or {}).get("supported", {}).get("value")
        row["cells"][subject] = {"outcome": check.get("outcome"), "supported": supported}
    return {"subjects": subjects, "rows": [rows[k] for k in sorted(rows)]}
